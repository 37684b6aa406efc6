"""The one progress-callback convention: ``progress(done, total)``, with keyword details only
for callbacks that accept them (infopricing._progress)."""

from infopricing._progress import menu_rounds, report_progress


def test_two_argument_callbacks_get_two_arguments():
    got = []
    report_progress(lambda done, total: got.append((done, total)), 3, 10, stage="revenue")
    report_progress(None, 1, 2)                       # no callback: nothing to do
    assert got == [(3, 10)]


def test_keyword_details_reach_callbacks_that_accept_them():
    got = []
    report_progress(lambda done, total, stage=None: got.append((done, total, stage)), 1, None,
                    stage="selection", round=4)
    report_progress(lambda *a, **k: got.append((a, k)), 2, 5, round=1)
    assert got == [(1, None, "selection"), ((2, 5), {"round": 1})]


def test_details_never_collide_with_the_two_positional_arguments():
    """Regression: a callback ``lambda it, gap: ...`` (menu_bounds' old signature) was handed
    ``gap=`` as a keyword on top of its second positional argument (TypeError)."""
    got = []
    report_progress(lambda it, gap: got.append((it, gap)), 3, 40, gap=0.5)
    report_progress(lambda done, stage, gap=None: got.append((done, stage, gap)), 1, 2, stage="x", gap=0.1)
    assert got == [(3, 40), (1, 2, 0.1)]


def test_builtins_are_called_positionally():
    report_progress(max, 1, 2, stage="s")     # a builtin (no signature): positional only, no error


def test_menu_rounds_maps_the_internal_callback_to_done_total():
    got = []
    cb = menu_rounds(lambda done, total, **d: got.append((done, total, d)), n_types=4)
    cb("revenue", 2, 7)
    assert got == [(7, 12, {"stage": "revenue", "round": 2})]       # 12 = 4 * 3 IC rows
    assert menu_rounds(None, 4) is None


# -- every public function that takes ``progress`` keeps the one signature -----------------

import importlib  # noqa: E402
import inspect  # noqa: E402
import pkgutil  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import infopricing as ip  # noqa: E402
from infopricing import catalog  # noqa: E402


class Recorder:
    """A ``progress(done, total, **details)`` callback that checks every call: ``done``
    an int, ``total`` an int (or None when the total is not known), ``done <= total``."""

    def __init__(self):
        self.calls = []

    def __call__(self, done, total, **details):
        self.calls.append((done, total, details))
        assert isinstance(done, (int, np.integer)) and not isinstance(done, bool), (done, total)
        assert total is None or (isinstance(total, (int, np.integer)) and not isinstance(total, bool)), total
        assert 0 <= done and (total is None or done <= total), (done, total, details)


def _env3():
    return ip.Environment([[1, 2], [2, 3], [3, 3.5]])


def _menu_env(n=12, seed=3):
    rng = np.random.default_rng(seed)
    v = np.sort(rng.uniform(0.5, 3.0, (n, 3)), axis=0)    # 3 alternatives, values rising in type
    return ip.Environment(v), np.full(n, 1.0 / n)


def _run_claims(progress, monkeypatch):
    from infopricing.claims import registry

    few = registry.all_claims("BBM15")[:1]
    monkeypatch.setattr(registry, "all_claims", lambda paper=None: few)
    return registry.run_claims(progress=progress)


def _bbm25_2():
    return ip.PricingGame([[1, 4], [4, 1]], [0, 0], [0.5, 0.5])


# each call is small; ``at_least`` is how many calls the instance must make (0 where the
# small instance is decided before any progress point: CLW Example 4 by its welfare bound,
# the BBM25 report without an explorer grid)
CALLS = {
    "infopricing.claims.registry.run_claims": (_run_claims, 2),
    "infopricing.competition.public_segments.evaluate_public_segmentation":
        (lambda p, mp: ip.evaluate_public_segmentation(_bbm25_2(), [0.5, 0.5], [[1, 0], [0, 1]], size=21,
                                                        check_size=21, progress=p), 2),
    "infopricing.competition.uninformed.no_information_outcome":
        (lambda p, mp: ip.no_information_outcome(_bbm25_2(), size=21, check_size=21, progress=p), 1),
    "infopricing.disclosure.lottery.optimal_design":
        (lambda p, mp: ip.optimal_design(catalog.clw_example4(0.1), progress=p), 0),
    "infopricing.disclosure.pricing.optimal_pricing":
        (lambda p, mp: ip.optimal_pricing(catalog.clw_example4(0.1), progress=p), 0),
    "infopricing.disclosure.pricing.uniform_pricing":
        (lambda p, mp: ip.uniform_pricing(ip.ValueDistribution([[10, 0], [0, 2], [1, 1]], [0.2, 0.4, 0.4]),
                                          progress=p), 1),
    "infopricing.information.learning.buyer_optimal_learning":
        (lambda p, mp: ip.buyer_optimal_learning(catalog.bbm25_example1_residual(), size=21, progress=p), 1),
    "infopricing.information.learning.learning_convergence":
        (lambda p, mp: ip.information.learning_convergence(_uniform(), sizes=(10, 20), progress=p), 2),
    "infopricing.plots.hs.plot_genericity":
        (lambda p, mp: _close(ip.plots.plot_genericity(ip.genericity_hyperplanes(_env3()), resolution=6,
                                                       progress=p)), 1),
    "infopricing.report.report": (lambda p, mp: ip.report(catalog.bbm25_example3(), progress=p), 0),
    "infopricing.scale.sweep.sweep":
        (lambda p, mp: ip.sweep(catalog.hs_section3(), np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]),
                                backend="numpy", progress=p), 1),
    "infopricing.screening.interior_point.menu_bounds":
        (lambda p, mp: ip.screening.menu_bounds(*_menu_env(), backend="numpy", max_iter=40, progress=p), 1),
    "infopricing.screening.interior_point.solve_menu_ipm":
        (lambda p, mp: ip.screening.solve_menu_ipm(*_menu_env(), backend="numpy", progress=p), 2),
    "infopricing.screening.lazy_menu.solve_menu_lazy":
        (lambda p, mp: ip.solve_menu_lazy(*_menu_env(), progress=p), 1),
    "infopricing.screening.optimal.optimal_mechanism":
        (lambda p, mp: ip.optimal_mechanism(*_menu_env(), method="ipm", progress=p), 2),
    "infopricing.segmentation.exact_cells.cell_decomposition":
        (lambda p, mp: ip.cell_decomposition(catalog.hs_section3(), progress=p), 1),
    "infopricing.segmentation.exact_decision.exact_pareto_improvement":
        (lambda p, mp: ip.exact_pareto_improvement(_env3(), [0.3, 0.3, 0.4], progress=p), 1),
    "infopricing.segmentation.pareto.pareto_analysis":
        (lambda p, mp: ip.pareto_analysis(_env3(), [0.3, 0.3, 0.4], exact=True, progress=p), 1),
}
# need optional extras (Dask, Parquet); their progress is ``progress(done, n_chunks)``
OPTIONAL = {"infopricing.scale.distributed.run_chunked", "infopricing.scale.distributed.sweep_to_parquet"}


def _uniform():
    from scipy import stats

    return stats.uniform(0, 1)


def _close(fig):
    import matplotlib.pyplot as plt

    plt.close(fig)


def _public_progress_functions() -> set[str]:
    """Every public function or method of the package (in some ``__all__``) with a
    ``progress`` parameter, by its defining module and qualified name."""
    found = set()
    names = ["infopricing"] + [m.name for m in pkgutil.walk_packages(ip.__path__, "infopricing.")
                               if not any(p.startswith("_") for p in m.name.split("."))
                               and not m.name.startswith("infopricing.cli")]
    for mn in names:
        try:
            mod = importlib.import_module(mn)
        except ImportError:      # an optional extra that is not installed
            continue
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name, None)
            members = [obj] if not inspect.isclass(obj) else [
                v for k, v in vars(obj).items() if callable(v) and not k.startswith("_")]
            for f in members:
                try:
                    params = inspect.signature(f).parameters
                except (TypeError, ValueError):
                    continue
                if "progress" in params:
                    found.add(f"{f.__module__}.{f.__qualname__}")
    return found


def test_every_public_progress_function_is_covered():
    assert _public_progress_functions() == set(CALLS) | OPTIONAL


@pytest.mark.parametrize("name", sorted(CALLS))
def test_progress_is_called_as_done_total_details(name, monkeypatch):
    run, at_least = CALLS[name]
    rec = Recorder()
    run(rec, monkeypatch)
    assert len(rec.calls) >= at_least, rec.calls


def test_interior_point_reports_iterations_then_ic_rows():
    rec = Recorder()
    env, f = _menu_env()
    ip.screening.solve_menu_ipm(env, f, backend="numpy", max_iter=300, progress=rec)
    stages = [d.get("stage") for _, _, d in rec.calls]
    ipm = [(done, total, d) for done, total, d in rec.calls if d.get("stage") == "interior point"]
    assert ipm and all(total == 300 and "gap" in d for _, total, d in ipm)
    assert [c[0] for c in ipm] == sorted(c[0] for c in ipm)          # iterations count up
    lazy = [(done, total) for done, total, d in rec.calls if d.get("stage") != "interior point"]
    n = env.n_types
    assert lazy and all(total == n * (n - 1) for _, total in lazy)
    assert stages.index("revenue") > stages.index("interior point")
    two = []
    ip.screening.solve_menu_ipm(env, f, backend="numpy", progress=lambda d, t: two.append((d, t)))
    assert len(two) == len(rec.calls)                                 # a plain callback gets no details


def test_run_claims_names_the_claim_to_callbacks_that_take_it(monkeypatch):
    rec = Recorder()
    recs = _run_claims(rec, monkeypatch)
    assert [c[:2] for c in rec.calls] == [(0, 1), (1, 1)]
    assert rec.calls[0][2]["claim"].id == recs[0].id and rec.calls[1][2] == {}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_progress_that_is_not_callable_is_named(name, monkeypatch):
    """Regression (user review): ``progress=3`` gave ``'int' object is not callable`` after
    the first unit of work; every public function rejects it up front, naming the argument."""
    run, _ = CALLS[name]
    with pytest.raises(TypeError, match=r"^progress must be None or a callable progress\(done, total"):
        run(3, monkeypatch)
