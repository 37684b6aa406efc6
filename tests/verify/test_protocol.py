"""The result protocol (infopricing.verify.protocol): every public result, built from a small
catalogue instance, has a status in the fixed set, a params dict, a keyword-only
``verify(*, exact=False, ...)`` returning a Verification, an ``as_dict`` that round-trips
through strict JSON, a summary repr under 300 characters and an HTML repr."""

from __future__ import annotations

import dataclasses
import inspect
import json
from fractions import Fraction
from functools import lru_cache

import numpy as np
import pytest

import infopricing as ip
from infopricing import catalog
from infopricing.verify import STATUSES, Result, ResultStatus, Verification
from infopricing.verify.protocol import (coerce_status, jsonable, status_from_check,
                                         status_from_decision, status_from_proof,
                                         status_from_solver)


# ---- builders: one small instance per public result class --------------------------------
@lru_cache(maxsize=None)
def _mech():
    return ip.optimal_mechanism(catalog.hs_section3(), [0.5, 0.5])


@lru_cache(maxsize=None)
def _pareto():
    return ip.pareto_analysis(catalog.hs_section611(), [0.5, 0.1, 0.4])


@lru_cache(maxsize=None)
def _exact_improvement():
    return ip.exact_pareto_improvement(catalog.hs_section3(), [0.5, 0.5])


@lru_cache(maxsize=None)
def _not_improvable():
    # HS section 3 at q = 3/4 is not Pareto improvable: an LP-duality certificate says so
    return ip.exact_pareto_improvement(catalog.hs_section3(), [0.25, 0.75])


@lru_cache(maxsize=None)
def _clw_report():
    from infopricing.disclosure.report import disclosure_report
    return disclosure_report(catalog.clw_example1())


@lru_cache(maxsize=None)
def _linear_env():
    return ip.LinearEnvironment([1.0, 2.0, 3.0], [0.5, 1.0], [0.1, 0.3])


def _chunked_run(tmp_path_factory=None):
    from pathlib import Path
    return ip.ChunkedRun(out_dir=Path("/nonexistent"), n_chunks=0, computed=(), skipped=(),
                         params={"input_hash": "x", "chunk_size": 10}, seconds=0.0)


def _interior_certificate():
    for f in ([0.9, 0.1], [0.75, 0.25], [0.8, 0.2]):
        c = ip.exact_pareto_improvement(catalog.hs_section3(), f).certificate
        if isinstance(c, ip.InteriorCertificate):
            return c
    # build a trivial one by hand: y = 0, z = 0, no strict cells (a valid certificate)
    return ip.InteriorCertificate(y=(Fraction(0), Fraction(0)), z=(Fraction(0),), groups=(),
                                  generators=np.array([[1.0, 0.0]]),
                                  market=(Fraction(9, 10), Fraction(1, 10)))


BUILDERS = {
    "Mechanism": _mech,
    "LazyMenuResult": lambda: ip.solve_menu_lazy(catalog.hs_section3(), [0.5, 0.5]),
    "SweepResult": lambda: ip.sweep(catalog.hs_section3(), [[0.5, 0.5], [0.9, 0.1]]),
    "ChunkedRun": _chunked_run,
    "Segmentation": lambda: _exact_improvement().segmentation,
    "ParetoImprovement": _exact_improvement,
    "NoImprovementCertificate": lambda: _not_improvable().certificate,
    "InteriorCertificate": _interior_certificate,
    "InformationRentPath": lambda: ip.information_rent_path(_mech(), "t2"),
    "DominatingMarket": lambda: _pareto().dominating,
    "ParetoAnalysis": _pareto,
    "TwoTypeProfile": lambda: ip.two_type_profile(catalog.hs_section3()),
    "Genericity": lambda: ip.genericity_hyperplanes(catalog.hs_section3()),
    "CellDecomposition": lambda: ip.cell_decomposition(catalog.hs_section3()),
    "ConsumerOptimalSegmentation": lambda: ip.max_consumer_surplus_segmentation(
        catalog.hs_section3(), [0.5, 0.5]),
    "SurplusSet": lambda: ip.surplus_set(catalog.hs_section3(), [0.5, 0.5]),
    "LinearMechanism": lambda: _linear_env().optimal_mechanism([0.3, 0.3, 0.4]),
    "LinearImprovement": lambda: _linear_env().pareto_improvement([0.3, 0.3, 0.4]),
    "SingleProductSegmentation": lambda: ip.greedy_segmentation([1.0, 3.0, 4.0],
                                                                [0.5, 0.25, 0.25]),
    "PersuasionResult": lambda: ip.persuade([0.7, 0.3], [[0.0, -0.5], [0.0, 0.5]],
                                            [[0.0, 1.0], [0.0, 1.0]]),
    "MPCResult": lambda: ip.mpc_optimize(([0.0, 1.0], [0.5, 0.5]),
                                         np.linspace(0, 1, 11) ** 2, grid=np.linspace(0, 1, 11)),
    "LearningResult": lambda: ip.buyer_optimal_learning(([1.0, 2.0, 3.0], [1 / 3] * 3),
                                                        grid=np.linspace(1, 3, 21)),
    "AlignmentConstruction": lambda: ip.alignment_construction(catalog.bbm25_example1()),
    "CompleteInformationOutcome": lambda: ip.complete_information_outcome(
        catalog.bbm25_example1()),
    "NoInformationOutcome": lambda: ip.no_information_outcome(catalog.bbm25_example3(), size=21),
    "ValueGarbling": lambda: ip.value_garbling(
        ip.PricingGame([[0.0], [1.0], [2.0]], [[0.0]] * 3, [1 / 3] * 3),
        [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]),
    "HomogeneousOptimum": lambda: ip.consumer_optimal_homogeneous([0, 1], [0.5, 0.5], [0.0],
                                                                  size=21),
    "UnknownValuesOptimum": lambda: ip.consumer_optimal_unknown_values(
        ip.PricingGame([[0.0, 0.0], [1.0, 1.0]], [0.0, 0.0], [0.5, 0.5]), size=11),
    "HotellingOptimum": lambda: ip.hotelling_optimum(catalog.bbm25_example4_hotelling()),
    "HotellingLP": lambda: ip.hotelling_lp(catalog.bbm25_example4_hotelling(), size=41, cells=40),
    "ArmstrongZhou": lambda: ip.armstrong_zhou(catalog.bbm25_example4_hotelling(), price=0.05,
                                               refine=0),
    "DesignEvaluation": lambda: _clw_report().pricing.evaluation,
    "PricingResult": lambda: _clw_report().pricing,
    "UniformPricing": lambda: _clw_report().uniform,
    "TwoProductMechanisms": lambda: _clw_report().two_product,
    "JointDesign": lambda: _clw_report().design,
    "FullExtraction": lambda: _clw_report().conditions,
    "HorizontalDisclosure": lambda: _clw_report().horizontal,
    "DisclosureReport": _clw_report,
    "AlternativeOutcome": lambda: ip.disclosure.alternative.bundle_everything_no_information(
        catalog.clw_example1()),
}


# results of modules that arrive from parallel work (built only where present)
if hasattr(ip, "MarketReport"):  # the HTML market report (infopricing.report)
    BUILDERS["MarketReport"] = lambda: ip.report(catalog.bbm25_example3())
if hasattr(ip, "solve_menu_ipm"):  # menus by the structured interior point
    BUILDERS["InteriorPointMenuResult"] = lambda: ip.solve_menu_ipm(catalog.hs_section3(), [0.5, 0.5])
if hasattr(ip, "menu_bounds"):
    BUILDERS["MenuBounds"] = lambda: ip.menu_bounds(catalog.hs_section3(), [0.5, 0.5])


def _public_result_classes():
    """Every public class defined in an ``infopricing`` module (name without a leading
    underscore) that has a ``verify`` method: the protocol must cover them all."""
    import importlib
    import pkgutil

    found = {}
    for mod in pkgutil.walk_packages(ip.__path__, "infopricing."):
        if ".cli" in mod.name or mod.name.endswith("__main__"):
            continue
        m = importlib.import_module(mod.name)
        for name, obj in vars(m).items():
            if (not name.startswith("_") and inspect.isclass(obj) and obj.__module__ == m.__name__
                    and callable(getattr(obj, "verify", None))
                    and not issubclass(obj, Verification)):
                found[obj.__name__] = obj
    return found


def _example_builders():
    """Result classes may carry their own small instance as a ``_example`` classmethod
    (CONTRIBUTING.md: a new capability then needs no edit here)."""
    return {name: cls._example for name, cls in _public_result_classes().items()
            if name not in BUILDERS and callable(getattr(cls, "_example", None))}


BUILDERS.update(_example_builders())


def test_every_public_result_has_a_builder():
    classes = _public_result_classes()
    missing = sorted(set(classes) - set(BUILDERS))
    assert not missing, f"no protocol builder for {missing}"
    assert all(issubclass(c, Result) for c in classes.values()), \
        [n for n, c in classes.items() if not issubclass(c, Result)]
    assert len(classes) >= 40


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def result(request):
    return request.param, BUILDERS[request.param]()


def test_protocol(result):
    name, r = result
    assert type(r).__name__ == name
    assert isinstance(r, Result)
    # status: one of the fixed set (a str enum: LP statuses of the same value compare equal)
    assert coerce_status(r.status).value in STATUSES
    # params: a dict
    assert isinstance(r.params, dict)
    # verify: keyword-only, exact=False by default, returns a Verification
    sig = inspect.signature(type(r).verify)
    ps = list(sig.parameters.values())[1:]
    assert ps and all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in ps), sig
    assert sig.parameters["exact"].default is False
    # as_dict: strict JSON round trip (no NaN / inf), with the status and params
    d = r.as_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text) == d
    # repr: a summary
    rep = repr(r)
    assert len(rep) < 300 and rep.startswith(name + "(")
    assert "array(" not in rep
    html = r._repr_html_()
    assert isinstance(html, str) and html.lstrip().startswith("<") and "</" in html


# the verifications of results that are quick to re-check; heavy checks run in their own tests
QUICK_VERIFY = ["Mechanism", "Segmentation", "ParetoImprovement", "NoImprovementCertificate",
                "InformationRentPath", "SingleProductSegmentation", "PersuasionResult",
                "CompleteInformationOutcome", "HotellingOptimum", "DesignEvaluation",
                "HorizontalDisclosure", "LinearMechanism", "ValueGarbling"]


@pytest.mark.parametrize("name", QUICK_VERIFY)
def test_verify_returns_a_passing_verification(name):
    r = BUILDERS[name]()
    v = r.verify()
    assert isinstance(v, Verification) and v.ok and v.exact is False
    assert json.loads(json.dumps(v.as_dict(), allow_nan=False))["ok"] is True


def test_exact_unsupported_is_refused_not_ignored():
    """A result without a rational re-check raises for exact=True instead of silently
    running the floating check and calling it exact (no_exact, used by such results)."""
    from infopricing.verify import no_exact

    @dataclasses.dataclass(frozen=True, repr=False)
    class FloatOnly(Result):
        value: float = 1.0

        def verify(self, *, exact: bool = False) -> Verification:
            no_exact(self, exact)
            return Verification(ok=True)

    assert FloatOnly().verify().ok
    with pytest.raises(NotImplementedError, match="FloatOnly.*exact"):
        FloatOnly().verify(exact=True)
    assert BUILDERS["Mechanism"]().verify(exact=True).exact is True


def test_backwards_compatible_keywords():
    """Existing keyword arguments still work (atol=, grid=, samples_per_interval=)."""
    assert BUILDERS["Mechanism"]().verify(atol=1e-7).ok
    assert BUILDERS["TwoTypeProfile"]().verify(samples_per_interval=1).ok


# ---- the status map ---------------------------------------------------------------------
def test_status_set_is_the_six_outcomes():
    assert STATUSES == {"optimal", "gap", "undecided", "limit", "inaccurate", "infeasible"}


@pytest.mark.parametrize("solver,expected", [
    (ip.Status.OPTIMAL, "optimal"), (ip.Status.INFEASIBLE, "infeasible"),
    (ip.Status.INFEASIBLE_OR_UNBOUNDED, "infeasible"), (ip.Status.UNBOUNDED, "inaccurate"),
    (ip.Status.INACCURATE, "inaccurate"), (ip.Status.LIMIT, "limit"),
    (ip.Status.ERROR, "inaccurate")])
def test_solver_status_map(solver, expected):
    assert status_from_solver(solver) is ResultStatus(expected)
    assert coerce_status(solver) is ResultStatus(expected)


@pytest.mark.parametrize("solver", list(ip.Status))
def test_every_solver_status_maps_into_the_set(solver):
    """Every LP status (including any the LP layer adds) has an entry in the map."""
    assert status_from_solver(solver).value in STATUSES


def test_the_five_dialects_map_onto_the_set():
    assert status_from_proof(True, 4.4) is ResultStatus.OPTIMAL
    assert status_from_proof(False, 4.5) is ResultStatus.GAP
    assert status_from_proof(False, None) is ResultStatus.UNDECIDED
    assert status_from_proof(False, float("inf")) is ResultStatus.UNDECIDED
    assert status_from_decision(None) is ResultStatus.UNDECIDED
    assert status_from_decision(False) is ResultStatus.OPTIMAL
    assert status_from_check(Verification(ok=False)) is ResultStatus.INACCURATE
    assert status_from_check(Verification(ok=True)) is ResultStatus.OPTIMAL
    eq = ip.EquilibriumCheck(ok=False, max_gain=0.5, gains={(0, 1, 0.0): (0.5, 2.0, 1.0)},
                             n_deviations=3, atol=1e-7)
    assert isinstance(eq, Verification) and not eq and eq.max_violation == 0.5
    assert eq.failures and "0.5" in eq.failures[0]
    assert status_from_check(eq) is ResultStatus.INACCURATE


def test_equilibrium_check_is_a_verification():
    a = BUILDERS["AlignmentConstruction"]()
    chk = a.check_equilibrium(size=101)
    assert isinstance(chk, Verification) and chk.ok and chk.max_violation == max(chk.max_gain, 0)
    assert chk.failures == () and chk.n_deviations > 0
    d = json.loads(json.dumps(chk.as_dict(), allow_nan=False))
    assert d["ok"] is True and d["n_deviations"] == chk.n_deviations


def test_undecided_and_gap_statuses_reach_results():
    """improvable=None reads as undecided; proven_optimal=False with a bound as a gap."""
    r = dataclasses.replace(BUILDERS["ParetoImprovement"](), improvable=None)
    assert r.status is ResultStatus.UNDECIDED
    p = BUILDERS["PricingResult"]()
    assert p.status is ResultStatus.OPTIMAL  # CLW Example 1 is proven optimal
    q = dataclasses.replace(p, proven_optimal=False, upper_bound=p.revenue + 1.0)
    assert q.status is ResultStatus.GAP


def test_jsonable_handles_the_awkward_values():
    out = jsonable({"a": np.array([1.0, np.inf]), (1, 2): Fraction(1, 3), "s": ip.Status.LIMIT,
                    "b": np.bool_(True), "n": np.int64(3), "nan": float("nan")})
    assert out == {"a": [1.0, None], "1,2": "1/3", "s": "limit", "b": True, "n": 3, "nan": None}
    json.dumps(out, allow_nan=False)


# ---- the public surface -----------------------------------------------------------------
def test_optimal_mechanism_has_a_real_docstring():
    doc = ip.optimal_mechanism.__doc__
    assert doc is not None and "Selection rules" in doc and "References" in doc


def test_curated_all():
    names = ip.__all__
    assert len(names) == len(set(names))
    assert all(hasattr(ip, n) for n in names)
    # helpers stay in their subpackages
    for private in ("jsonable", "no_exact", "coerce_status", "status_from_solver", "frozen"):
        assert private not in names
    for key in ("optimal_mechanism", "Result", "ResultStatus", "catalog", "plots"):
        assert key in names


def test_normalize_hint_only_where_the_argument_exists():
    """The probability error advises normalize=True only in functions that accept it."""
    env = ip.Environment([[1.0], [2.0]])
    with pytest.raises(ValueError, match="normalize=True"):
        ip.Market(env, [0.5, 0.6])
    assert ip.Market(env, [1.0, 1.0], normalize=True).probabilities.tolist() == [0.5, 0.5]
    for call in (lambda: ip.hotelling_optimum(([-1.0, 1.0], [0.5, 0.6])),
                 lambda: ip.persuade([0.5, 0.6], [[0.0, 1.0], [1.0, 0.0]],
                                     [[0.0, 1.0], [0.0, 1.0]])):
        with pytest.raises(ValueError, match="sum to 1") as e:
            call()
        assert "normalize" not in str(e.value)
        for fn in (ip.hotelling_optimum, ip.persuade):
            assert "normalize" not in inspect.signature(fn).parameters


# ---- tabular results --------------------------------------------------------------------
def test_to_frame_of_tabular_results():
    """to_frame() tables carry the result's own numbers: the HS section 3 menu at q = 1/2
    (L at 0.75 to t1, H at 1.75 to t2), segment weights summing to one and averaging to the
    market, the BBM15 greedy segmentation's prices, the surplus set's vertices."""
    from infopricing.verify import Tabular

    m = BUILDERS["Mechanism"]()
    f = m.to_frame()
    assert list(f.index) == ["t1", "t2"]
    np.testing.assert_allclose(f["payment"], [0.75, 1.75], atol=1e-9)
    np.testing.assert_allclose(f[["x[L]", "x[H]"]].to_numpy(), [[1, 0], [0, 1]], atol=1e-9)
    s = BUILDERS["Segmentation"]().to_frame()
    assert s["weight"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(s["weight"] @ s[["f[t1]", "f[t2]"]].to_numpy(), [0.5, 0.5], atol=1e-9)
    g = BUILDERS["SingleProductSegmentation"]().to_frame()
    assert set(g["price"]) <= {1.0, 3.0, 4.0} and g["weight"].sum() == pytest.approx(1.0)
    v = BUILDERS["SurplusSet"]().to_frame()
    assert list(v.columns) == ["consumer_surplus", "producer_surplus"] and len(v) >= 3
    assert all(issubclass(type(BUILDERS[n]()), Tabular) for n in
               ("Mechanism", "Segmentation", "SingleProductSegmentation", "SurplusSet"))


# ---- names: consumer_surplus is per type, the scalar is expected_consumer_surplus ----------
def _classes_with_consumer_surplus():
    """Every class of the package with a ``consumer_surplus`` attribute (field, property,
    method or deprecated alias), by name."""
    import importlib
    import pkgutil

    found = {}
    for mod in pkgutil.walk_packages(ip.__path__, "infopricing."):
        if ".cli" in mod.name or mod.name.endswith("__main__"):
            continue
        m = importlib.import_module(mod.name)
        for name, obj in vars(m).items():
            if inspect.isclass(obj) and obj.__module__ == m.__name__ and (
                    inspect.getattr_static(obj, "consumer_surplus", None) is not None
                    or "consumer_surplus" in getattr(obj, "__dataclass_fields__", {})):
                found[name] = obj
    return found


# instances of the classes that are not results (no verify), or abstract bases
SURPLUS_BUILDERS = {
    "ArmstrongZhouExact": lambda: ip.competition.armstrong_zhou_exact.armstrong_zhou_exact(),
    "CompetitionOutcome": lambda: BUILDERS["CompleteInformationOutcome"](),
    "TruncatedPareto": lambda: ip.truncated_pareto_solution(__import__("scipy.stats").stats.uniform(0, 1)),
    "MonopolyOutcome": lambda: ip.monopoly_outcome(([1.0, 3.0, 4.0], [0.25, 0.25, 0.5])),
    "TwoSidedPareto": lambda: ip.competition.hotelling.TwoSidedPareto(0.2, 0.9),
    "SweepResult": lambda: ip.sweep(catalog.hs_section3(), [[0.5, 0.5], [0.9, 0.1]], backend="numpy"),
}


def test_consumer_surplus_is_per_type_and_the_scalar_is_expected_consumer_surplus():
    """Wherever ``consumer_surplus`` is still an attribute it is either an array with one
    entry per type (beside a scalar ``expected_consumer_surplus``, its average over the
    market), or the deprecated alias of ``expected_consumer_surplus``, which warns and
    returns the same value; the old JSON key stays in ``as_dict`` beside the new one."""
    import warnings

    from infopricing.verify.protocol import deprecated_alias

    classes = _classes_with_consumer_surplus()
    assert len(classes) >= 20
    with_key = 0
    for name, cls in sorted(classes.items()):
        build = SURPLUS_BUILDERS.get(name) or BUILDERS.get(name)
        assert build is not None, f"no instance of {name} to check"
        r = build()
        static = inspect.getattr_static(cls, "consumer_surplus")
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            new = r.expected_consumer_surplus        # the new name never warns
        if callable(new):                            # TwoSidedPareto: a function of v-bar
            with pytest.warns(DeprecationWarning, match="expected_consumer_surplus"):
                old = r.consumer_surplus
            assert old(2.0) == new(2.0) and np.ndim(new(2.0)) == 0
            continue
        if isinstance(static, deprecated_alias):
            with pytest.warns(DeprecationWarning, match=f"{type(r).__name__}.consumer_surplus"):
                old = r.consumer_surplus
            np.testing.assert_array_equal(old, new)
            # a scalar, or one scalar per market / path weight (SweepResult, InformationPath)
            assert np.ndim(new) <= 1, name
            d = r.as_dict() if isinstance(r, Result) else {}
            if "expected_consumer_surplus" in d:    # (a summary or a composite may leave it out)
                assert d["consumer_surplus"] == d["expected_consumer_surplus"], name
                with_key += 1
        else:                                         # the per-type array
            cs = r.consumer_surplus
            n = len(r.env.types) if hasattr(r.env, "types") else r.env.n_types
            assert isinstance(cs, np.ndarray) and cs.shape == (n,), name
            f = r.market if isinstance(r.market, np.ndarray) else r.market.probabilities
            assert np.ndim(new) == 0 and float(f @ cs) == pytest.approx(float(new), abs=1e-12), name
    assert with_key >= 10
