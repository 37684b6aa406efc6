"""The stand-alone checker rebuilds the LP of a certificate from its exact model data for the
convex order (mpc_optimize) and BBM25's homogeneous-values LP (issue 19): changing any input
number makes it reject the certificate. The checker runs in a subprocess with ``python -I``
(isolated: no infopricing on the path)."""

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from infopricing.catalog import bbm25_example1_residual
from infopricing.competition.unknown import consumer_optimal_homogeneous
from infopricing.information.mpc import mpc_optimize, price_optimality_constraints

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "infopricing" / "verify" / "check_certificate.py"
INPUTS = {"convex-order": ("prior_values", "prior_probabilities", "grid", "objective"),
          "bbm25-homogeneous": ("values", "probabilities", "costs", "grid")}


def _run(*paths):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([sys.executable, "-I", str(CHECKER), *map(str, paths)], capture_output=True,
                          text=True, env=env, cwd=str(Path(paths[0]).parent), timeout=120)


def _certs():
    prior = bbm25_example1_residual()  # values 1, 3, 4; masses 1/2, 1/4, 1/4
    g = lambda x: (x - 3).clip(0)
    for form in ("transport", "cdf"):
        for sense in ("max", "min"):
            r = mpc_optimize(prior, g, grid=[1, 2.25, 3, 4], sense=sense, formulation=form)
            yield f"mpc_{form}_{sense}", r.exact_certificate()
    yield "bbm25_homogeneous", consumer_optimal_homogeneous([0, 1], [0.5, 0.5], [0.0, 0.3],
                                                           size=6).exact_certificate()
    yield "bbm25_monopoly", consumer_optimal_homogeneous([1, 2, 5], [0.3, 0.4, 0.3], [0.5],
                                                        size=5).exact_certificate()


def test_convex_order_exact_values_by_hand():
    """E[(v - 3)^+] over contractions of the residual: the prior itself is the maximiser,
    (4 - 3) / 4 = 1/4 (by hand), pooling at the mean 9/4 the minimiser (0); both
    formulations give these exact rationals."""
    prior = bbm25_example1_residual()
    for form in ("transport", "cdf"):
        for sense, want in (("max", Fraction(1, 4)), ("min", Fraction(0))):
            cert = mpc_optimize(prior, lambda x: (x - 3).clip(0), grid=[1, 2.25, 3, 4], sense=sense,
                                formulation=form).exact_certificate()
            assert cert.ok and cert.lp.field.frac(cert.objective) == want


def test_convex_order_formulations_agree_exactly():
    """Two independent formulations (transport plan, integrated CDF) of one problem have the
    same exact optimum."""
    rng = np.random.default_rng(4)
    for _ in range(3):
        v = np.sort(rng.choice(np.arange(1, 20) / 4, 4, replace=False))
        p = rng.dirichlet(np.ones(4)).round(3)
        p[-1] = 1 - p[:-1].sum()
        grid = np.union1d(v, np.arange(0, 21) / 4)
        obj = rng.integers(-5, 6, grid.size) / 2
        a, b = (mpc_optimize((v, p), obj, grid=grid, formulation=f).exact_certificate()
                for f in ("transport", "cdf"))
        assert a.ok and b.ok
        assert a.lp.field.frac(a.objective) == b.lp.field.frac(b.objective)


def test_checker_rebuilds_and_rejects_every_changed_input(tmp_path):
    good, bad = [], []
    for name, cert in _certs():
        data = json.loads(cert.to_json())
        prob = data["problem"]
        assert prob["builder"] in INPUTS
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(data))
        good.append(p)
        for key in INPUTS[prob["builder"]]:
            for i, (num, den) in enumerate(prob[key]):
                d = json.loads(json.dumps(data))
                d["problem"][key][i] = [num + den, den]  # the input number plus one
                q = tmp_path / f"bad_{name}_{key}_{i}.json"
                q.write_text(json.dumps(d))
                bad.append(q)
    r = _run(*good)
    assert r.returncode == 0, r.stdout
    assert r.stdout.count("rebuilt from the problem's numbers and matches") == len(good)
    rb = _run(*bad)
    assert rb.returncode == 1, rb.stdout
    heads = {ln.split(" ")[0].rstrip(":"): ln for ln in rb.stdout.splitlines()
             if ln.startswith(str(tmp_path))}
    assert heads.keys() == {str(q) for q in bad}, rb.stdout
    # each is rejected: the LP no longer encodes the problem, or the problem is no longer a
    # valid one of its kind (masses not summing to 1, a grid out of order, ...)
    assert all(h.endswith("REJECTED") for h in heads.values()), rb.stdout
    assert rb.stdout.count("does not encode the stated problem") + rb.stdout.count(
        "is not a valid") >= len(bad)


def test_convex_order_with_extra_rows_is_checked_as_written(tmp_path):
    """With extra rows (here "price 3 is optimal") no builder is named: the checker accepts the
    LP as written and says it did not rebuild it."""
    prior = bbm25_example1_residual()
    grid = [1, 2.25, 3, 4]
    r = mpc_optimize(prior, lambda x: (x - 3).clip(0), grid=grid,
                     constraints=[price_optimality_constraints(grid, 3.0)])
    cert = r.exact_certificate()
    assert "builder" not in cert.problem
    p = tmp_path / "extra.json"
    cert.to_json(p)
    out = _run(p)
    assert out.returncode == 0 and "checked as written" in out.stdout, out.stdout


# ---------------------------------------------------------------------------------------
# CLW's fixed-menu LPs, BBM25 unknown values, the Hotelling grid (issue 19)
# ---------------------------------------------------------------------------------------
NEW_INPUTS = {"clw-information": ("values", "probabilities", "allocations", "prices"),
              "clw-prices": ("values", "probabilities", "signal"),
              "bbm25-unknown": ("values", "costs", "probabilities", "grid"),
              "hotelling-grid": ("prior_values", "prior_probabilities", "support")}


def _unknown_game():
    from infopricing.competition.game import PricingGame

    return PricingGame(np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0]]),
                       np.array([[0, 0.3], [0, 0.3], [0.2, 0], [0.2, 0]]), [0.25] * 4)


def _new_certs():
    from infopricing.competition.hotelling import hotelling_lp
    from infopricing.competition.unknown import consumer_optimal_unknown_values
    from infopricing.disclosure import optimal_information, optimal_prices_for_signal
    from infopricing.disclosure.catalog import clw_example1
    from infopricing.disclosure.signals import Signal

    d = clw_example1()
    yield "clw_info", optimal_information(d, [9.0, 4.0]).exact_certificate()
    yield "clw_info_lottery", optimal_information(d, ip_menu()).exact_certificate()
    yield "clw_prices", optimal_prices_for_signal(d, Signal(d, [[1, 0], [1, 0], [0, 1]])).exact_certificate()
    yield "clw_prices_uniform", optimal_prices_for_signal(d, Signal.no_information(d),
                                                          price_groups=[0, 0]).exact_certificate()
    yield "unknown", consumer_optimal_unknown_values(_unknown_game(), size=6).exact_certificate()
    yield "hotelling", hotelling_lp(([-1, -0.2, 0.2, 1], [0.3, 0.2, 0.2, 0.3]), size=6).exact_certificate()


def ip_menu():
    from infopricing.disclosure.design import Menu

    return Menu([[1, 0], [0.5, 0.5]], [8, 4.5])


def _number_paths(box, path=()):
    """Paths to every [num, den] pair inside a nested list."""
    if isinstance(box, list) and len(box) == 2 and all(isinstance(v, int) for v in box):
        return [path]
    return [p for i, v in enumerate(box) for p in _number_paths(v, path + (i,))]


def test_new_builders_rebuild_and_reject_every_changed_input(tmp_path):
    """Every model number (values, masses, menu, signal, costs, grids) of the four new
    builders, plus one, makes the isolated checker reject the certificate: the LP no longer
    encodes the problem, or the problem is not a valid one of its kind."""
    good, bad = [], []
    for name, cert in _new_certs():
        data = json.loads(cert.to_json())
        prob = data["problem"]
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(data))
        good.append(p)
        if name == "clw_prices_uniform":
            # not tampered: raising v(10, 5)'s product-2 value to 6 makes product 2's
            # posterior mean exactly tie product 1's (4.4) and leaves the LP unchanged, so
            # the certificate is also a proof for that model
            continue
        for key in NEW_INPUTS[prob["builder"]]:
            for path in _number_paths(prob[key]):
                d = json.loads(json.dumps(data))
                box = d["problem"][key]
                for i in path[:-1]:
                    box = box[i]
                num, den = box[path[-1]]
                box[path[-1]] = [num + den, den]
                q = tmp_path / f"bad_{name}_{key}_{'_'.join(map(str, path))}.json"
                q.write_text(json.dumps(d))
                bad.append(q)
    # the integer inputs of the price LP: a recommendation and the price groups
    data = json.loads(next(c for n, c in _new_certs() if n == "clw_prices").to_json())
    for key, value in (("recommend", [-1, 1]), ("price_groups", [0, 0])):
        d = json.loads(json.dumps(data))
        assert d["problem"][key] != value
        d["problem"][key] = value
        q = tmp_path / f"bad_clw_prices_{key}.json"
        q.write_text(json.dumps(d))
        bad.append(q)
    r = _run(*good)
    assert r.returncode == 0, r.stdout
    assert r.stdout.count("rebuilt from the problem's numbers and matches") == len(good), r.stdout
    assert len(bad) >= 60
    rb = _run(*bad)
    heads = {ln.split(" ")[0].rstrip(":"): ln for ln in rb.stdout.splitlines()
             if ln.startswith(str(tmp_path))}
    assert rb.returncode == 1 and heads.keys() == {str(q) for q in bad}, rb.stdout
    assert all(h.endswith("REJECTED") for h in heads.values()), rb.stdout


def test_new_builders_reject_changed_lp_entries(tmp_path):
    """The LP as written must be the one the model gives: one matrix entry, one bound, one
    objective coefficient changed (the certificate re-made consistent would not help)."""
    bad = []
    for name, cert in _new_certs():
        data = json.loads(cert.to_json())
        for what in ("A", "c", "row_upper"):
            d = json.loads(json.dumps(data))
            if what == "A":
                d["A"][0][2] += d["A"][0][3]
            else:
                if what == "row_upper" and all(v is None for v in d[what]):
                    what = "row_lower"  # the price LP has lower row bounds only
                i = next(i for i, v in enumerate(d[what]) if v is not None)
                d[what][i] = [d[what][i][0] + d[what][i][1], d[what][i][1]]
            q = tmp_path / f"bad_{name}_{what}.json"
            q.write_text(json.dumps(d))
            bad.append(q)
    rb = _run(*bad)
    assert rb.returncode == 1
    assert rb.stdout.count("REJECTED") == len(bad), rb.stdout
    assert rb.stdout.count("does not encode the stated problem") >= len(bad), rb.stdout


def _checker_module():
    sys.path.insert(0, str(CHECKER.parent))
    try:
        import check_certificate as cc
    finally:
        sys.path.pop(0)
    return cc


def test_new_builders_by_hand():
    """The checker's own builders on hand-checkable instances: CLW Example 1 with product 1
    at 9 and product 2 at 4 earns 0.2 * 9 + 0.8 * 4 = 5 (pooling (6,5) with (0,3)); the
    efficient signal's prices are 16/3 and 3, revenue 0.2 * 16/3 + 0.4 * 16/3 + 0.4 * 3 =
    22/5 (CLW Example 1); the price LP's rows are the posterior-mean differences."""
    from fractions import Fraction as Q

    from infopricing.disclosure import optimal_information, optimal_prices_for_signal
    from infopricing.disclosure.catalog import clw_example1
    from infopricing.disclosure.signals import Signal

    d = clw_example1()
    info = optimal_information(d, [9.0, 4.0]).exact_certificate()
    assert info.lp.field.frac(info.objective) == 5
    eff = optimal_prices_for_signal(d, Signal(d, [[1, 0], [1, 0], [0, 1]])).exact_certificate()
    assert eff.lp.field.frac(eff.objective) == Q(22, 5)
    assert [eff.lp.field.frac(v) for v in eff.primal] == [Q(16, 3), 3]
    cc = _checker_module()
    h = lambda q: [Q(q).numerator, Q(q).denominator]
    prob = {"values": [[h(10), h(5)], [h(6), h(5)], [h(0), h(3)]],
            "probabilities": [h("0.2"), h("0.4"), h("0.4")],
            "signal": [[h(1), h(0)], [h(1), h(0)], [h(0), h(1)]], "recommend": [0, 1],
            "price_groups": [0, 1]}
    sense, A, lo, hi, cl, cu, c = cc._build_clw_prices(prob)
    # signal 0: posterior (22/3, 5): q2 - q1 >= 5 - 22/3, IR q1 <= 22/3; signal 1: (0, 3)
    assert sense == "max" and c == [Q(3, 5), Q(2, 5)] and cu == [10, 10]
    assert A == [{1: 1, 0: -1}, {0: -1}, {0: 1, 1: -1}, {1: -1}]
    assert lo == [5 - Q(22, 3), -Q(22, 3), -3, -3]
    bad = dict(prob, probabilities=[h("0.2"), h("0.4"), h("0.5")])
    with pytest.raises(cc.InvalidProblem, match="summing to 1"):
        cc._build_clw_prices(bad)


def test_unknown_values_lp_agrees_with_the_homogeneous_lp_exactly():
    """Two independent LPs of one problem: BBM25 Example 2's costs (0, 0.4) as a known cost
    profile (unknown-values LP) and as deterministic costs (homogeneous LP) give the same
    exact minimal producer surplus on the same grid."""
    from infopricing.catalog import bbm25_example2
    from infopricing.competition.unknown import (consumer_optimal_homogeneous,
                                                 consumer_optimal_unknown_values)

    g = bbm25_example2()
    grid = np.arange(0, 9) / 8
    u = consumer_optimal_unknown_values(g, grid=grid).exact_certificate()
    live = g.probabilities > 0
    h = consumer_optimal_homogeneous(g.values[live, 0], g.probabilities[live], g.costs[0],
                                     grid=grid).exact_certificate()
    assert u.ok and h.ok and u.problem["builder"] == "bbm25-unknown"
    assert u.lp.field.frac(u.objective) == h.lp.field.frac(h.objective)


def test_invalid_models_are_rejected(tmp_path):
    """A certificate whose model is not a valid instance of its kind is rejected even when
    the LP is re-made from it: an asymmetric Hotelling prior, CLW masses not summing to 1."""
    cc = _checker_module()
    certs = dict(_new_certs())
    bad = []
    for name, key, idx in (("hotelling", "prior_probabilities", 0), ("clw_info", "probabilities", 0),
                           ("unknown", "probabilities", 1)):
        data = json.loads(certs[name].to_json())
        num, den = data["problem"][key][idx]
        data["problem"][key][idx] = [num, 2 * den]
        with pytest.raises(cc.InvalidProblem):
            cc.BUILDERS[data["problem"]["builder"]](data["problem"])
        q = tmp_path / f"invalid_{name}.json"
        q.write_text(json.dumps(data))
        bad.append(q)
    rb = _run(*bad)
    assert rb.returncode == 1 and rb.stdout.count("is not a valid") == len(bad), rb.stdout
