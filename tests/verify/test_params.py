"""``params`` records what a computation was asked and what it used: the method (requested
and run), the selection rule, tolerances and solver limits, as actually passed."""

import json
import pickle


import infopricing as ip
from infopricing import catalog
from infopricing.verify.protocol import Result, records_params


def _json(result):
    return json.loads(json.dumps(result.as_dict()["params"], allow_nan=False))


def test_optimal_mechanism_records_tolerance_method_and_path():
    m = ip.optimal_mechanism(catalog.hs_section3(), [0.5, 0.5], selection="consumer", dual_tol=3e-8,
                             method="full")
    assert m.params == {"selection": "consumer", "method": "full", "dual_tol": 3e-8, "method_used": "full"}
    lazy = ip.optimal_mechanism(catalog.hs_section3(), [0.5, 0.5], method="lazy")
    assert lazy.params["method_used"] == "lazy" and lazy.params["dual_tol"] == ip.tolerances.DUAL
    assert _json(m)["dual_tol"] == 3e-8
    assert pickle.loads(pickle.dumps(m)).params == m.params


def test_optimal_mechanism_records_the_unit_rescaling():
    # values near 1e-9 are solved in units of tolerances.value_scale (a power of two)
    env = ip.Environment([[0.75e-9, 1e-9], [1e-9, 2e-9]])
    p = ip.optimal_mechanism(env, [0.5, 0.5]).params
    assert p["value_scale"] == ip.tolerances.value_scale(env.values) != 1.0


def test_lazy_menu_records_every_limit_passed():
    r = ip.solve_menu_lazy(catalog.hs_section3(), [0.5, 0.5], cut=1e-6, max_add=3, per_type=2,
                           neighbours=1, dual_tol=2e-9, separation="nearest", drop_slack=True)
    assert r.params == {"selection": "efficient", "dual_tol": 2e-9, "neighbours": 1, "per_type": 2,
                        "max_add": 3, "cut": 1e-6, "lp_method": "simplex", "drop_slack": True,
                        "separation": "nearest", "warm_start": False}


def test_sweep_records_tolerance_backend_and_sampling():
    # backend="numpy": "auto" probes the GPU libraries first (seconds); the requested-vs-used
    # pair is what records_params writes when they differ (tested below on persuade)
    r = ip.sweep(catalog.hs_section3(), [[0.5, 0.5], [0.9, 0.1]], dual_tol=1e-8, pilot=16, seed=3,
                 backend="numpy")
    p = r.params
    assert (p["dual_tol"], p["pilot"], p["seed"], p["backend"]) == (1e-8, 16, 3, "numpy")
    assert "backend_requested" not in p
    assert "kind" not in p                    # the per-market solve kinds are data
    _json(r)


def test_pareto_segmentation_records_its_iteration_limit():
    r = ip.pareto_improving_segmentation(catalog.hs_section3(), [0.5, 0.5], max_halvings=7)
    assert (r.params["max_halvings"], r.params["method"], r.params["selection"]) == (7, "theorem", "efficient")
    a = ip.pareto_analysis(catalog.hs_section611(), [0.5, 0.1, 0.4], selection="consumer")
    assert a.params == {"selection": "consumer", "exact": False}


def test_persuasion_records_the_method_asked_and_the_one_run():
    args = ([0.7, 0.3], [[1, 0], [0, 1]], [[0, 1], [0, 1]])
    auto = ip.persuade(*args)
    assert auto.params["method_requested"] == "auto" and auto.params["method"] in ("simplex", "ipm")
    assert ip.persuade(*args, method="simplex").params == {"method": "simplex"}


def test_bbm25_construction_records_its_rule_and_tie_tolerance():
    p = ip.alignment_construction(catalog.bbm25_example1()).params
    assert p["tie_atol"] == ip.tolerances.TIE and p["selection"] == "lowest optimal price"


def test_clw_design_records_the_node_limit_and_gap_passed():
    r = ip.optimal_pricing(catalog.clw_example1(), node_limit=57, gap=1e-3)
    assert (r.params["node_limit"], r.params["gap"]) == (57, 1e-3)


def test_records_params_leaves_other_returns_alone():
    @records_params("x")
    def f(x=1):
        return x

    assert f(x=2) == 2 and f.__name__ == "f"
    assert issubclass(type(ip.optimal_mechanism(catalog.hs_section3(), [0.5, 0.5])), Result)


def test_records_params_keeps_the_signature_for_docs():
    import inspect

    assert list(inspect.signature(ip.sweep).parameters)[:3] == ["env", "markets", "selection"]
    assert "References" in (ip.sweep.__doc__ or "")
