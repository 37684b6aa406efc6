"""Large menus by the structured interior point (issue 18, section 1): the same selected
mechanism as the full LP, and the anytime bounds checked independently of the code that
computes them."""

import os

import numpy as np
import pytest
import scipy.optimize as so
import scipy.sparse as sp
from hypothesis import given, settings, strategies as st

from infopricing import Environment, optimal_mechanism
from infopricing.lp import Status
from infopricing.lp.arrays import array_backend
from infopricing.lp.menu_interior_point import MenuInteriorPoint
from infopricing.screening import interior_point as ipm_mod
from infopricing.screening import optimal
from infopricing.screening.interior_point import menu_bounds, solve_menu_ipm


def _instance(seed, n, k, ties=False, equal_mass=False):
    rng = np.random.default_rng(seed)
    V = rng.uniform(0, 1, (n, k))
    if ties:  # values on a coarse grid: tied types and a degenerate LP
        V = np.round(V * 4) / 4
    f = np.full(n, 1.0 / n) if equal_mass else rng.dirichlet(np.ones(n))
    return V, f


def _linprog_revenue(V, f):
    """The menu LP written out here (not the library's builder) and solved by scipy."""
    n, k = V.shape
    N = n * k + n
    rows, cols, data = [], [], []
    r = 0
    for t in range(n):
        for s in range(n):
            if t == s:
                continue
            # -(u_t - u_s - (v_t - v_s) . x_s) <= 0
            rows += [r, r]
            cols += [n * k + t, n * k + s]
            data += [-1.0, 1.0]
            for a in range(k):
                rows.append(r)
                cols.append(s * k + a)
                data.append(V[t, a] - V[s, a])
            r += 1
    for s in range(n):
        for a in range(k):
            rows.append(r)
            cols.append(s * k + a)
            data.append(1.0)
        r += 1
    A = sp.csr_matrix((data, (rows, cols)), shape=(r, N))
    b = np.concatenate([np.zeros(n * (n - 1)), np.ones(n)])
    c = -np.concatenate([(f[:, None] * V).ravel(), -f])
    res = so.linprog(c, A_ub=A, b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0
    return -res.fun


@pytest.mark.parametrize("n,k", [(20, 2), (20, 5), (20, 10), (40, 2), (40, 5), (40, 10)])
@pytest.mark.parametrize("ties", [False, True])
def test_ipm_path_equals_full_lp(n, k, ties):
    """method='ipm' selects the mechanism method='full' selects (same revenue, allocation
    and payments), including tied types; the revenue also agrees with scipy's linprog on
    an LP written out independently."""
    V, f = _instance(1000 * n + k + ties, n, k, ties=ties)
    env = Environment(V)
    full = optimal_mechanism(env, f, method="full")
    r = solve_menu_ipm(env, f, backend="numpy")
    m = r.mechanism
    assert m.revenue == pytest.approx(full.revenue, abs=1e-9)
    assert m.revenue == pytest.approx(_linprog_revenue(V, f), abs=1e-8)
    np.testing.assert_allclose(m.allocation, full.allocation, atol=1e-7)
    np.testing.assert_allclose(m.payments, full.payments, atol=1e-7)
    assert m.verify().ok and r.verify().ok
    assert r.ipm.candidate_rows < n * (n - 1)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 30), k=st.sampled_from([2, 3, 5, 10]),
       selection=st.sampled_from(["efficient", "consumer", "adverse"]),
       ties=st.booleans(), equal_mass=st.booleans())
def test_ipm_equals_full_lp_property(seed, n, k, selection, ties, equal_mass):
    """Every selection rule, random instances with and without ties and with equal masses
    (the case that broke the prototype's CG variant): the same mechanism as the full LP."""
    V, f = _instance(seed, n, k, ties=ties, equal_mass=equal_mass)
    env = Environment(V)
    full = optimal_mechanism(env, f, selection=selection, method="full")
    m = optimal_mechanism(env, f, selection=selection, method="ipm")
    assert m.revenue == pytest.approx(full.revenue, abs=1e-9)
    np.testing.assert_allclose(m.allocation, full.allocation, atol=1e-7)
    np.testing.assert_allclose(m.payments, full.payments, atol=1e-7)
    assert m.selection == selection


@pytest.mark.slow
@pytest.mark.parametrize("n,k", [(100, 2), (100, 10), (200, 5), (200, 10)])
def test_ipm_equals_lazy_at_larger_n(n, k):
    """At n = 100..200 (full LP too slow for the suite): the lazy path, itself tested
    against the full LP, selects the same mechanism; revenue checked by linprog at n=100."""
    V, f = _instance(7 * n + k, n, k, ties=(k == 5))
    env = Environment(V)
    lazy = optimal_mechanism(env, f, method="lazy")
    m = optimal_mechanism(env, f, method="ipm")
    assert m.revenue == pytest.approx(lazy.revenue, abs=1e-9)
    np.testing.assert_allclose(m.allocation, lazy.allocation, atol=1e-7)
    np.testing.assert_allclose(m.payments, lazy.payments, atol=1e-7)
    if n == 100 and k == 2:
        assert m.revenue == pytest.approx(_linprog_revenue(V, f), abs=1e-8)


def test_missed_binding_rows_are_added_back():
    """A far too strict binding threshold leaves binding rows out of the restricted LP;
    the lazy loop's full IC check adds them and the answer is unchanged."""
    V, f = _instance(11, 30, 5)
    env = Environment(V)
    full = optimal_mechanism(env, f, method="full")
    r = solve_menu_ipm(env, f, binding_rel=0.9, backend="numpy")
    assert r.stats.rounds > 4  # the revenue stage needed extra rounds
    assert r.mechanism.revenue == pytest.approx(full.revenue, abs=1e-9)
    np.testing.assert_allclose(r.mechanism.allocation, full.allocation, atol=1e-7)


def test_ipm_rescaled_values():
    """Values of 2^20 (outside the plain range): solved in scaled units, payments scaled
    back exactly; allocations unchanged (equivariance under rescaling)."""
    V, f = _instance(5, 25, 4)
    a = optimal_mechanism(Environment(V), f, method="ipm")
    b = optimal_mechanism(Environment(V * 2.0**20), f, method="ipm")
    np.testing.assert_allclose(b.allocation, a.allocation, atol=1e-9)
    np.testing.assert_allclose(b.payments, a.payments * 2.0**20, rtol=1e-9, atol=1e-3)


def _brute_best_item_revenue(V, f, alloc, pay):
    """Each type's best item among the menu's items and the outside option, by loops."""
    n = V.shape[0]
    rev = 0.0
    for t in range(n):
        best, best_pay = 0.0, 0.0
        for s in range(n):
            util = float(V[t] @ alloc[s]) - pay[s]
            if util > best + 1e-12 or (abs(util - best) <= 1e-12 and pay[s] > best_pay):
                best, best_pay = max(best, util), pay[s]
        rev += f[t] * best_pay
    return rev


@pytest.mark.parametrize("max_iter", [6, 12, 300])
@pytest.mark.parametrize("seed,n,k,equal_mass", [(1, 30, 10, False), (2, 40, 3, True)])
def test_anytime_bounds_independently(seed, n, k, equal_mass, max_iter):
    """The anytime answer brackets the optimum at any iteration count: the lower bound is
    the revenue of an IC-IR menu (re-checked by loops over all pairs, and every type's best
    item recomputed by brute force), the upper bound is recomputed from the returned duals
    after checking their feasibility; both bracket scipy's linprog optimum, and at
    convergence the certified gap is tiny."""
    V, f = _instance(seed, n, k, equal_mass=equal_mass)
    env = Environment(V)
    b = menu_bounds(env, f, backend="numpy", max_iter=max_iter)
    assert b.status is Status.WITHIN_GAP and b.mechanism.status is Status.WITHIN_GAP
    x, p = b.mechanism.allocation, b.mechanism.payments
    u = np.einsum("ta,ta->t", V, x) - p
    assert x.min() >= 0 and x.sum(axis=1).max() <= 1 + 1e-12
    assert u.min() >= -1e-12
    for t in range(n):
        for s in range(n):
            assert u[t] >= float(V[t] @ x[s]) - p[s] - 1e-12
    assert float(f @ p) == pytest.approx(b.lower, abs=1e-12)
    assert _brute_best_item_revenue(V, f, x, p) == pytest.approx(b.lower, abs=1e-12)
    # upper bound: a feasible point of the dual LP, written out here
    Y = b.ic_dual
    assert Y.min() >= 0 and np.all(np.diag(Y) == 0)
    for j in range(n):
        assert Y[j].sum() - Y[:, j].sum() <= f[j] + 1e-15
    y1 = np.zeros(n)
    for s in range(n):
        virt = [f[s] * V[s, a] - sum(Y[t, s] * (V[t, a] - V[s, a]) for t in range(n))
                for a in range(k)]
        y1[s] = max(0.0, max(virt))
    assert y1.sum() <= b.upper + 1e-12
    opt = _linprog_revenue(V, f)
    assert b.lower <= opt + 1e-9 and opt <= b.upper + 1e-9
    assert b.gap == pytest.approx((b.upper - b.lower) / max(1.0, b.upper))
    assert b.verify().ok
    if max_iter == 300:
        assert b.gap < 1e-7


def test_anytime_bounds_exact_check():
    """verify(exact=True): the menu's IC/IR and the dual's flow rows and bound hold in
    exact rational arithmetic (the blend leaves every IC slack at least 1e-12)."""
    V, f = _instance(4, 12, 3)
    for max_iter in (5, 300):
        b = menu_bounds(Environment(V), f, backend="numpy", max_iter=max_iter)
        check = b.verify(exact=True)
        assert check.ok and check.exact, check.failures
        d = b.as_dict()
        assert d["status"] == "proven within a gap" and d["lower"] <= d["upper"]


def test_anytime_time_limit_stops_early():
    V, f = _instance(3, 30, 5)
    b = menu_bounds(Environment(V), f, backend="numpy", time_limit=1e-9)
    assert b.params["iterations"] == 1 and b.params["ipm_status"] == "stopped"
    assert b.lower <= _linprog_revenue(V, f) + 1e-9 <= b.upper + 2e-9


def test_anytime_single_precision_early_iterations():
    """float32 early Schur complements (the default only under a time limit) leave the
    certificates valid: they bracket scipy's optimum, and at convergence the gap is tiny.
    The start point is far from optimal (relative gap about 1), so some early iterations
    are in float32 whenever it is on, and none when it is off."""
    V, f = _instance(1, 30, 10)
    opt = _linprog_revenue(V, f)
    env = Environment(V)
    on = menu_bounds(env, f, backend="numpy", single_precision=True)
    assert on.params["single_precision_iterations"] > 0
    assert on.lower <= opt + 1e-9 and opt <= on.upper + 1e-9 and on.gap < 1e-7 and on.verify().ok
    assert menu_bounds(env, f, backend="numpy", max_iter=8).params["single_precision_iterations"] == 0
    timed = menu_bounds(env, f, backend="numpy", max_iter=8, time_limit=600)
    assert timed.params["single_precision_iterations"] > 0
    assert timed.lower <= opt + 1e-9 <= timed.upper + 2e-9
    with pytest.raises(TypeError, match="single_precision"):
        menu_bounds(env, f, single_precision="yes")


@pytest.mark.parametrize("at", [1, 7])
def test_anytime_bounds_survive_an_interrupt(at):
    """Ctrl-C (a KeyboardInterrupt, raised here from the progress callback at iteration
    ``at``) ends the run with the certificate so far: status "interrupted", and bounds that
    still bracket scipy's optimum and verify."""
    V, f = _instance(2, 30, 5)

    def progress(done, total, gap=None):
        if done >= at:
            raise KeyboardInterrupt

    b = menu_bounds(Environment(V), f, backend="numpy", progress=progress)
    assert b.params["ipm_status"] == "interrupted" and b.params["iterations"] == at
    opt = _linprog_revenue(V, f)
    assert b.lower <= opt + 1e-9 and opt <= b.upper + 1e-9
    assert b.verify().ok and b.gap > 0


def test_torch_backend_on_cpu_tensors():
    """The GPU code path (torch) run on CPU tensors: the same iterates as numpy, and the
    whole ipm path gives the full LP's mechanism."""
    pytest.importorskip("torch", reason="torch not installed: the torch (GPU) array path "
                                        "cannot be exercised; numpy path tested above")
    V, f = _instance(9, 30, 5)
    xp = array_backend("torch", device="cpu")
    a = MenuInteriorPoint(V, f, backend="numpy").solve(gap_tol=1e-9)
    b = MenuInteriorPoint(V, f, backend=xp).solve(gap_tol=1e-9)
    assert b.backend == "torch:cpu"
    assert b.iterations == a.iterations
    assert b.primal == pytest.approx(a.primal, rel=1e-9)
    # the iterates are fixed only up to the stopping tolerance (different BLAS kernels
    # round differently); duals are of order 1e-2 and agree far below that
    np.testing.assert_allclose(b.ic_dual, a.ic_dual, atol=1e-6)
    V, f = _instance(9, 30, 5, ties=True)
    env = Environment(V)
    full = optimal_mechanism(env, f, method="full")
    m = solve_menu_ipm(env, f, backend="torch").mechanism
    np.testing.assert_allclose(m.allocation, full.allocation, atol=1e-7)
    np.testing.assert_allclose(m.payments, full.payments, atol=1e-7)
    bt = menu_bounds(env, f, backend="torch")
    assert bt.lower <= full.revenue + 1e-9 <= bt.upper + 2e-9 and bt.verify().ok


def test_auto_dispatch_by_size_and_dimension(monkeypatch):
    """auto: the interior point for types spanning more than two dimensions from
    IPM_MIN_TYPES types on; lazy rows for two-dimensional types; 'ipm' always."""
    rng = np.random.default_rng(0)
    n = ipm_mod.IPM_MIN_TYPES
    high = Environment(rng.uniform(0, 1, (n, 5)))
    two = Environment(rng.uniform(0, 1, (n, 2)))
    small = Environment(rng.uniform(0, 1, (optimal.LAZY_THRESHOLD + 1, 5)))
    assert optimal.uses_interior_point(high, "auto")
    assert not optimal.uses_interior_point(two, "auto")
    # two factors plus 1% noise: full rank, but effectively two-dimensional -> lazy rows
    th = rng.uniform(0, 1, (n, 2))
    nearly_two = Environment(th @ rng.uniform(0, 1, (2, 10)) + rng.normal(0, 0.01, (n, 10)))
    assert ipm_mod.effective_dimension(nearly_two.values) == 2
    assert not optimal.uses_interior_point(nearly_two, "auto")
    assert not optimal.uses_interior_point(high, "lazy")
    assert optimal.uses_interior_point(small, "ipm")
    assert optimal.uses_lazy_rows(high, "ipm")
    called = []
    monkeypatch.setattr(ipm_mod, "IPM_MIN_TYPES", 10)
    real = ipm_mod.solve_menu_ipm
    monkeypatch.setattr(ipm_mod, "solve_menu_ipm", lambda *a, **k: called.append(1) or real(*a, **k))
    V, f = _instance(4, 26, 5)
    m = optimal_mechanism(Environment(V), f)
    assert called and m.verify().ok


def test_bad_input():
    V, f = _instance(0, 8, 3)
    env = Environment(V)
    with pytest.raises(ValueError, match="backend"):
        solve_menu_ipm(env, f, backend="gpu")
    with pytest.raises(ValueError, match="binding_rel"):
        solve_menu_ipm(env, f, binding_rel=0.0)
    with pytest.raises(ValueError, match="max_iter"):
        menu_bounds(env, f, max_iter=0)
    with pytest.raises(ValueError, match="method"):
        optimal_mechanism(env, f, method="interior")
    with pytest.raises(ValueError, match="backend"):
        array_backend("opencl")


def _edge_cases():
    rng = np.random.default_rng(3)
    V = rng.random((12, 4))
    V[6:] = V[:6]
    f0 = rng.dirichlet(np.ones(14))
    f0[:5] = 0
    return {"one type": (rng.random((1, 3)), np.array([1.0])),
            "two types": (rng.random((2, 3)), np.array([0.3, 0.7])),
            "one alternative": (rng.random((15, 1)), rng.dirichlet(np.ones(15))),
            "duplicate types": (V, rng.dirichlet(np.ones(12))),
            "zero masses": (rng.random((14, 3)), f0 / f0.sum()),
            "negative net values": (rng.random((14, 3)) - 0.6, rng.dirichlet(np.ones(14))),
            "all values zero": (np.zeros((5, 2)), np.full(5, 0.2))}


@pytest.mark.parametrize("case", list(_edge_cases()))
def test_edge_cases_equal_full_lp(case):
    """Degenerate shapes and data (tied blocks, zero masses, negative values): the ipm path
    selects the full LP's mechanism and the bounds bracket its revenue."""
    V, f = _edge_cases()[case]
    env = Environment(V)
    full = optimal_mechanism(env, f, method="full")
    m = solve_menu_ipm(env, f, backend="numpy").mechanism
    assert m.revenue == pytest.approx(full.revenue, abs=1e-9)
    np.testing.assert_allclose(m.allocation, full.allocation, atol=1e-7)
    np.testing.assert_allclose(m.payments, full.payments, atol=1e-7)
    b = menu_bounds(env, f, backend="numpy")
    assert b.lower <= full.revenue + 1e-9 and full.revenue <= b.upper + 1e-9
    assert b.verify().ok


def _dense_normal_matrix(V, D, d1, du, dx):
    """G^T diag(d1, D) G + diag(du, dx) with G written out from the LP (variables
    (u, x) in that order; allocation rows sum_a x_sa, IC rows (t, s):
    -u_t + u_s + (v_t - v_s) . x_s), independently of the library's structured solve."""
    n, k = V.shape
    rows, wts = [], []
    for s in range(n):
        g = np.zeros(n + n * k)
        g[n + s * k:n + (s + 1) * k] = 1.0
        rows.append(g)
        wts.append(d1[s])
    for t in range(n):
        for s in range(n):
            if t == s:
                continue
            g = np.zeros(n + n * k)
            g[t] -= 1.0
            g[s] += 1.0
            g[n + s * k:n + (s + 1) * k] = V[t] - V[s]
            rows.append(g)
            wts.append(D[t, s])
    G = np.array(rows)
    return G.T @ (np.array(wts)[:, None] * G) + np.diag(np.concatenate([du, dx.ravel()]))


@pytest.mark.parametrize("n,k,chunk", [(7, 3, None), (9, 4, 50), (12, 2, 30)])
def test_normal_equations_solve_the_dense_system(n, k, chunk, monkeypatch):
    """The structured solve (blocks eliminated, Schur complement by one product of the
    stacked blocks [L_s^-1, -L_s^-1 v_s] [V^T; 1], chunked) solves the normal equations
    assembled densely from the LP's rows; small chunks exercise the chunk boundaries."""
    from infopricing.lp import menu_interior_point as mip

    if chunk is not None:
        monkeypatch.setattr(mip, "_CHUNK_ELEMENTS", chunk)
    rng = np.random.default_rng(n * 31 + k)
    V = rng.uniform(0, 1, (n, k))
    D = rng.uniform(0.01, 3.0, (n, n))
    np.fill_diagonal(D, 0.0)
    d1, du, dx = rng.uniform(0.1, 2.0, n), rng.uniform(0.1, 2.0, n), rng.uniform(0.1, 2.0, (n, k))
    xp = array_backend("numpy")
    timing = {"rank_k_update": 0.0, "cholesky": 0.0, "blocks": 0.0}
    Vc = V - V.mean(axis=0)
    VV = (Vc[:, :, None] * Vc[:, None, :]).reshape(n, k * k)
    NE = mip._NormalEquations(xp, Vc, VV, D, d1, du, dx, timing)
    ru, rx = rng.standard_normal(n), rng.standard_normal((n, k))
    dU, dX = NE.solve(ru, rx)
    M = _dense_normal_matrix(V, D, d1, du, dx)
    z = np.linalg.solve(M, np.concatenate([ru, rx.ravel()]))
    np.testing.assert_allclose(dU, z[:n], rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(dX.ravel(), z[n:], rtol=1e-9, atol=1e-10)


def test_first_solve_after_crossover_is_primal_then_dual_again():
    """After a crossover the lazy LP's next solve runs primal simplex once (the crossover
    basis is nearly primal feasible), then HiGHS is back on dual simplex (strategy 1) for
    the re-solves after rows are added; the revenue is the full LP's either way."""
    from infopricing import tolerances as tol
    from infopricing.screening.interior_point import _crossover_point, binding_candidates
    from infopricing.screening.lazy_menu import _LazyMenuLP

    V, f = _instance(21, 30, 4)
    point = MenuInteriorPoint(V, f).solve(gap_tol=1e-5)
    T, S = binding_candidates(point)
    L = _LazyMenuLP(V, f, 0, "simplex", extra=(T, S))
    assert L.lp.crossover(*_crossover_point(L, point))
    L.primal_next = True
    strategies = []
    solve = L.lp.solve

    def spy(*a, **kw):
        strategies.append(L.lp._h.getOptionValue("simplex_strategy")[1])
        return solve(*a, **kw)

    L.lp.solve = spy
    res, rounds = L.solve_lazily(8, 16 * 30, tol.LAZY_CUT, "test")
    assert strategies[0] == 4 and all(s_ == 1 for s_ in strategies[1:])
    assert not L.primal_next and L.lp._h.getOptionValue("simplex_strategy")[1] == 1
    assert res.objective == pytest.approx(_linprog_revenue(V, f), abs=1e-9)


def test_single_precision_schur_is_close_to_double_and_guarded():
    """The float32 rank-(n k) update gives nearly the double-precision solve (float32
    rounding, not a different system); weights beyond float32's safe range stay double."""
    from infopricing.lp import menu_interior_point as mip

    rng = np.random.default_rng(4)
    n, k = 30, 5
    V = rng.uniform(0, 1, (n, k))
    Vc = V - V.mean(axis=0)
    VV = (Vc[:, :, None] * Vc[:, None, :]).reshape(n, k * k)
    D = rng.uniform(0.01, 3.0, (n, n))
    np.fill_diagonal(D, 0.0)
    d1, du, dx = rng.uniform(0.1, 2.0, n), rng.uniform(0.1, 2.0, n), rng.uniform(0.1, 2.0, (n, k))
    xp = array_backend("numpy")
    timing = {"rank_k_update": 0.0, "cholesky": 0.0, "blocks": 0.0}
    ru, rx = rng.standard_normal(n), rng.standard_normal((n, k))
    dbl = mip._NormalEquations(xp, Vc, VV, D, d1, du, dx, timing)
    sgl = mip._NormalEquations(xp, Vc, VV, D, d1, du, dx, timing, single=True)
    assert sgl.single and not dbl.single
    a, b = dbl.solve(ru, rx), sgl.solve(ru, rx)
    scale = max(np.abs(a[0]).max(), np.abs(a[1]).max())
    assert np.abs(a[0] - b[0]).max() < 1e-4 * scale and np.abs(a[1] - b[1]).max() < 1e-4 * scale
    assert np.abs(a[0] - b[0]).max() > 0  # really another precision
    D2 = D.copy()
    D2[3, 7] = 1e31
    assert not mip._NormalEquations(xp, Vc, VV, D2, d1, du, dx, timing, single=True).single


def test_poor_single_precision_direction_falls_back_to_double(monkeypatch):
    """If the first direction from a float32 factor misses the true normal equations by
    more than SINGLE_GIVE_UP, the factor is rebuilt in double and the run stays double:
    with a zero allowance every iterate is exactly the all-double run's."""
    from infopricing.lp import menu_interior_point as mip

    V, f = _instance(8, 25, 4)
    ref = MenuInteriorPoint(V, f).solve(gap_tol=1e-7)
    monkeypatch.setattr(mip, "SINGLE_GIVE_UP", 0.0)
    p = MenuInteriorPoint(V, f).solve(gap_tol=1e-7, single_above=1e-2)
    assert p.single_iterations == 0 and p.iterations == ref.iterations
    assert np.array_equal(p.x, ref.x) and np.array_equal(p.ic_dual, ref.ic_dual)
    monkeypatch.setattr(mip, "SINGLE_GIVE_UP", 1e-3)
    q = MenuInteriorPoint(V, f).solve(gap_tol=1e-7, single_above=1e-2)
    assert q.single_iterations > 0 and q.status == "optimal"


def test_refined_directions_let_the_bounds_run_converge():
    """Regression (menu_bounds stalled at n = 1000, k = 10): near gap 1e-8 the Schur
    complement is so ill-conditioned that an unrefined full step carried a dual residual
    of ~1e-6 (there: 3e-11 -> 2e-6 in one step), and the run stalled with a certified gap of
    2e-8. Smallest reproduction found: uniform n = 120, k = 2, seed 1 (unrefined: "stalled"
    after 45-47 iterations, dual infeasibility 1e-5, certified gap 1.6e-8). With adaptive
    refinement from REFINE_BELOW on the run ends "optimal" and certifies below 1e-8; the
    bounds bracket the lazy path's optimum (itself checked against every IC row)."""
    rng = np.random.default_rng(1)
    V = rng.uniform(0, 1, (120, 2))
    f = rng.dirichlet(np.ones(120))
    p = MenuInteriorPoint(V, f).solve(gap_tol=1e-9, correctors=ipm_mod.BOUNDS_CORRECTORS,
                                      refine_below=ipm_mod.REFINE_BELOW)
    assert p.status == "optimal" and p.dual_infeasibility < 1e-9 and p.refinement_steps > 0
    env = Environment(V)
    b = menu_bounds(env, f)
    assert b.params["ipm_status"] == "optimal" and b.gap < 1e-8 and b.verify().ok
    opt = optimal_mechanism(env, f, method="lazy").revenue
    assert b.lower <= opt + 1e-12 and opt <= b.upper + 1e-12


@pytest.mark.parametrize("ties", [False, True])
def test_interior_restart_selects_the_full_lp_mechanism(ties):
    """restart="interior" (HiGHS's own interior point on the candidate rows, then warm dual
    simplex) instead of the crossover from our point: the same selected mechanism as
    method="full", revenue also by scipy's linprog on the LP written out here."""
    V, f = _instance(31 + ties, 30, 5, ties=ties)
    env = Environment(V)
    full = optimal_mechanism(env, f, method="full")
    r = solve_menu_ipm(env, f, backend="numpy", restart="interior")
    assert not r.ipm.crossover
    m = r.mechanism
    assert m.revenue == pytest.approx(full.revenue, abs=1e-9)
    assert m.revenue == pytest.approx(_linprog_revenue(V, f), abs=1e-8)
    np.testing.assert_allclose(m.allocation, full.allocation, atol=1e-7)
    np.testing.assert_allclose(m.payments, full.payments, atol=1e-7)
    with pytest.raises(ValueError, match="restart"):
        solve_menu_ipm(env, f, restart="warm")


def test_auto_restart_by_size_and_accuracy(monkeypatch):
    """restart="auto" crosses over below INTERIOR_RESTART_MIN types, and from it on when
    the interior point reached its stop_gap; from a rough point (the iteration cap) at
    that size it starts HiGHS's own interior point. The menu is the same every way (and
    the full LP's)."""
    V, f = _instance(41, 24, 4)
    env = Environment(V)
    full = optimal_mechanism(env, f, method="full")
    small = solve_menu_ipm(env, f, backend="numpy")
    assert small.ipm.crossover
    rough_small = solve_menu_ipm(env, f, backend="numpy", max_iter=3)
    assert rough_small.ipm.status == "limit" and rough_small.ipm.crossover
    monkeypatch.setattr(ipm_mod, "INTERIOR_RESTART_MIN", 24)
    large = solve_menu_ipm(env, f, backend="numpy")
    assert large.ipm.status == "optimal" and large.ipm.crossover
    rough = solve_menu_ipm(env, f, backend="numpy", max_iter=3)
    assert rough.ipm.status == "limit" and not rough.ipm.crossover
    for r in (small, rough_small, large, rough):
        assert r.mechanism.revenue == pytest.approx(full.revenue, abs=1e-9)
        np.testing.assert_allclose(r.mechanism.allocation, full.allocation, atol=1e-7)


def test_interior_point_runs_its_blas_on_blas_threads():
    """OpenBLAS's threads spin when a core is busy (benchmarks/README.md: 3.7x slower at
    n = 300 with one other busy process), so the interior point limits BLAS to
    ``BLAS_THREADS`` (1) while it runs, whatever the caller set, and restores it after."""
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas_threads():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    V, f = _instance(3, 30, 5)
    seen = []
    with threadpool_limits(limits=2, user_api="blas"):
        outer = blas_threads()
        solve_menu_ipm(Environment(V), f, progress=lambda done, total, **kw: seen.append(blas_threads()))
        menu_bounds(Environment(V), f, progress=lambda done, total, gap=None: seen.append(blas_threads()))
        after = blas_threads()
    assert seen and all(s == {ipm_mod.BLAS_THREADS} for s in seen)
    assert after == outer


def test_blas_limit_reaches_scipys_own_openblas_in_a_fresh_process():
    """Regression (twelfth session): threadpoolctl limits only BLAS libraries already
    loaded, and scipy brings its own OpenBLAS beside numpy's; in a fresh interpreter that
    had not imported scipy.linalg, the interior point's Cholesky factorisations ran on
    OpenBLAS's default threads. Every BLAS library loaded while it runs must be limited."""
    import subprocess
    import sys

    code = (
        "import numpy as np, infopricing as ip\n"
        "from threadpoolctl import threadpool_info\n"
        "from infopricing.screening.interior_point import solve_menu_ipm, BLAS_THREADS\n"
        "rng = np.random.default_rng(3)\n"
        "V = rng.random((30, 5)); f = np.full(30, 1 / 30)\n"
        "seen = []\n"
        "def progress(done, total, **kw):\n"
        "    seen.append(sorted((i['filepath'], i['num_threads']) for i in threadpool_info()\n"
        "                       if i['user_api'] == 'blas'))\n"
        "solve_menu_ipm(ip.Environment(V), f, progress=progress)\n"
        "libs = {p for s in seen for p, _ in s}\n"
        "bad = {(p, t) for s in seen for p, t in s if t != BLAS_THREADS}\n"
        "print(len(libs), len(bad))\n"
    )
    env = dict(os.environ, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    nlibs, nbad = map(int, out.stdout.split())
    assert nlibs >= 1 and nbad == 0


def _pcg_system(n, k, seed):
    rng = np.random.default_rng(seed)
    V = rng.uniform(0, 1, (n, k))
    D = rng.lognormal(0.0, 2.0, (n, n))  # weights over several orders, as late in a run
    np.fill_diagonal(D, 0.0)
    d1, du, dx = rng.uniform(0.1, 2.0, n), rng.uniform(0.1, 2.0, n), rng.uniform(0.1, 2.0, (n, k))
    Vc = V - V.mean(axis=0)
    VV = (Vc[:, :, None] * Vc[:, None, :]).reshape(n, k * k)
    return rng, V, Vc, VV, D, d1, du, dx


def _schur_u(M, n):
    """Schur complement of the (u, x) normal matrix on u, by dense linear algebra."""
    return M[:n, :n] - M[:n, n:] @ np.linalg.solve(M[n:, n:], M[n:, :n])


@pytest.mark.parametrize("n,k,m", [(7, 3, 2), (12, 2, 5), (10, 4, 1)])
def test_pcg_products_and_solves_equal_the_dense_system(n, k, m):
    """With ``pcg=m`` the structured solve never forms S: its product ``_smul`` is the
    Schur complement of the normal matrix assembled from the LP's rows, and the
    conjugate-gradient solve equals the dense solve of the whole (u, x) system."""
    from infopricing.lp import menu_interior_point as mip

    rng, V, Vc, VV, D, d1, du, dx = _pcg_system(n, k, 11 * n + m)
    timing = {"rank_k_update": 0.0, "cholesky": 0.0, "blocks": 0.0}
    NE = mip._NormalEquations(array_backend("numpy"), Vc, VV, D, d1, du, dx, timing, pcg=m)
    assert NE.pcg == m and timing["rank_k_update"] == 0.0  # no n^3 k update
    M = _dense_normal_matrix(V, D, d1, du, dx)
    S = _schur_u(M, n)
    p = rng.standard_normal(n)
    np.testing.assert_allclose(NE._smul(p), S @ p, rtol=1e-10, atol=1e-10 * np.abs(S).max())
    ru, rx = rng.standard_normal(n), rng.standard_normal((n, k))
    dU, dX = NE.solve(ru, rx)
    z = np.linalg.solve(M, np.concatenate([ru, rx.ravel()]))
    np.testing.assert_allclose(dU, z[:n], rtol=1e-7, atol=1e-8 * np.abs(z).max())
    np.testing.assert_allclose(dX.ravel(), z[n:], rtol=1e-7, atol=1e-8 * np.abs(z).max())
    assert NE.cg_steps > 0


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(4, 14), k=st.integers(1, 4), frac=st.floats(0.0, 1.0))
def test_pcg_preconditioner_is_the_decoupled_schur_complement_and_at_least_half_of_s(seed, n, k, frac):
    """The preconditioner, built in the library from the m heaviest rows per block, equals
    the Schur complement of a normal matrix written out here in which every other IC row
    keeps only its diagonal parts (a_u a_u^T in u, a_x a_x^T in x_s); since
    a a^T <= 2 (a_u a_u^T + a_x a_x^T), every eigenvalue of P^-1 S is in (0, 2]."""
    from infopricing.lp import menu_interior_point as mip

    m = 1 + int(frac * (n - 3))  # 1 <= m < n - 1
    _, V, Vc, VV, D, d1, du, dx = _pcg_system(n, k, seed)
    D[D < np.quantile(D, 0.3)] *= 1e-6  # many negligible rows, as late in a run
    np.fill_diagonal(D, 0.0)
    def build():
        return mip._NormalEquations(array_backend("numpy"), Vc, VV, D, d1, du, dx,
                                    {"rank_k_update": 0.0, "cholesky": 0.0, "blocks": 0.0}, pcg=m)

    old = mip.PCG_SINGLE
    try:
        mip.PCG_SINGLE = False  # the double factor, to compare at double precision
        P = build().L
        P = P @ P.T
        mip.PCG_SINGLE = True
        L32 = build()._L32  # the default: factored and applied in float32
    finally:
        mip.PCG_SINGLE = old
    np.testing.assert_allclose(L32.astype(float) @ L32.T.astype(float), P, rtol=0,
                               atol=1e-5 * np.abs(P).max())
    N = n + n * k
    Np = np.diag(np.concatenate([du, dx.ravel()]))
    for s in range(n):
        g = np.zeros(N)
        g[n + s * k:n + (s + 1) * k] = 1.0
        Np += d1[s] * np.outer(g, g)
        others = [t for t in range(n) if t != s]
        kept = set(sorted(others, key=lambda t: -D[t, s])[:m])
        for t in others:
            a = np.zeros(N)
            a[t], a[s] = -1.0, 1.0
            a[n + s * k:n + (s + 1) * k] = V[t] - V[s]
            if t in kept:  # (continuous weights: no tie at the m-th)
                Np += D[t, s] * np.outer(a, a)
            else:
                au, ax = a.copy(), a.copy()
                au[n:], ax[:n] = 0.0, 0.0
                Np += D[t, s] * (np.outer(au, au) + np.outer(ax, ax))
    np.testing.assert_allclose(P, _schur_u(Np, n), rtol=1e-8, atol=1e-9 * np.abs(P).max())
    S = _schur_u(_dense_normal_matrix(V, D, d1, du, dx), n)
    lam = np.linalg.eigvals(np.linalg.solve(P, S)).real
    assert lam.min() > 0 and lam.max() <= 2.0 * (1 + 1e-9)


def test_pcg_interior_point_reaches_the_full_lp_optimum_and_falls_back():
    """The conjugate-gradient iterations end at scipy's optimum of the LP written out
    here; with PCG_MAX = 0 every first solve fails and the run factors S exactly from the
    first iteration on (same optimum); bad ``pcg`` values are rejected."""
    from infopricing.lp import menu_interior_point as mip

    V, f = _instance(21, 25, 4)
    opt = _linprog_revenue(V, f)
    a = MenuInteriorPoint(V, f, backend="numpy").solve(gap_tol=1e-10, pcg=6)
    assert a.status == "optimal" and a.primal == pytest.approx(opt, rel=1e-8)
    assert a.pcg_iterations >= a.iterations - 2 and a.cg_steps >= a.pcg_iterations
    b = MenuInteriorPoint(V, f, backend="numpy").solve(gap_tol=1e-10)
    assert b.pcg_iterations == 0 and b.primal == pytest.approx(opt, rel=1e-8)
    old = mip.PCG_MAX
    try:
        mip.PCG_MAX = 0
        c = MenuInteriorPoint(V, f, backend="numpy").solve(gap_tol=1e-10, pcg=6)
    finally:
        mip.PCG_MAX = old
    assert c.status == "optimal" and c.pcg_iterations == 0 and c.cg_steps == 0
    assert c.primal == pytest.approx(opt, rel=1e-8)
    for bad in (-1, 2.5, True, "32"):
        with pytest.raises(ValueError, match="pcg"):
            MenuInteriorPoint(V, f, backend="numpy").solve(pcg=bad)


def test_pcg_on_the_whole_path_and_the_anytime_bounds():
    """With conjugate gradients the ipm path still selects the full LP's mechanism and the
    anytime bounds still bracket scipy's optimum (both verified); "auto" keeps them off
    below PCG_MIN_N types and on above (the threshold lowered here)."""
    V, f = _instance(5, 40, 4, ties=True)
    env = Environment(V)
    full = optimal_mechanism(env, f, method="full")
    r = solve_menu_ipm(env, f, backend="numpy", pcg=8)
    assert r.ipm.pcg_iterations > 0 and r.ipm.cg_steps >= r.ipm.pcg_iterations
    np.testing.assert_allclose(r.mechanism.allocation, full.allocation, atol=1e-7)
    np.testing.assert_allclose(r.mechanism.payments, full.payments, atol=1e-7)
    assert solve_menu_ipm(env, f, backend="numpy").ipm.pcg_iterations == 0  # 40 < PCG_MIN_N
    opt = _linprog_revenue(V, f)
    b = menu_bounds(env, f, backend="numpy", pcg=8)
    assert b.params["cg_steps"] > 0 and b.verify().ok
    assert b.lower <= opt + 1e-9 <= b.upper + 2e-9 and b.gap < 1e-6
    old = ipm_mod.PCG_MIN_N, ipm_mod.PCG_MIN_K
    try:
        # "auto" counts the interior point's types: the 40 less those merged into an
        # identical one (ties=True repeats some)
        m = 40 - len(V) + len(np.unique(V, axis=0))
        assert m < 40
        ipm_mod.PCG_MIN_N = m  # k = 4 < PCG_MIN_K: still off
        assert solve_menu_ipm(env, f, backend="numpy").ipm.pcg_iterations == 0
        ipm_mod.PCG_MIN_K = 4
        assert solve_menu_ipm(env, f, backend="numpy").ipm.pcg_iterations > 0
        ipm_mod.PCG_MIN_N = m + 1
        assert solve_menu_ipm(env, f, backend="numpy").ipm.pcg_iterations == 0
    finally:
        ipm_mod.PCG_MIN_N, ipm_mod.PCG_MIN_K = old
    for bad in ("cg", -2, 1.5, None):
        with pytest.raises(ValueError, match="pcg"):
            solve_menu_ipm(env, f, pcg=bad)
        with pytest.raises(ValueError, match="pcg"):
            menu_bounds(env, f, pcg=bad)


def _decoupled_schur(V, D, d1, du, dx, kept):
    """Schur complement on u of the normal matrix in which block s keeps the coupling of
    the IC rows (t, s), t in ``kept[s]``, and every other row only its diagonal parts."""
    n, k = V.shape
    N = n + n * k
    Np = np.diag(np.concatenate([du, dx.ravel()]))
    for s in range(n):
        g = np.zeros(N)
        g[n + s * k:n + (s + 1) * k] = 1.0
        Np += d1[s] * np.outer(g, g)
        for t in range(n):
            if t == s:
                continue
            a = np.zeros(N)
            a[t], a[s] = -1.0, 1.0
            a[n + s * k:n + (s + 1) * k] = V[t] - V[s]
            if t in kept[s]:
                Np += D[t, s] * np.outer(a, a)
            else:
                au, ax = a.copy(), a.copy()
                au[n:], ax[:n] = 0.0, 0.0
                Np += D[t, s] * (np.outer(au, au) + np.outer(ax, ax))
    return _schur_u(Np, n)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(6, 16), k=st.integers(1, 3),
       rel=st.sampled_from([1e-300, 1e-3, 0.05, 0.5]), cap=st.integers(2, 20))
def test_adaptive_preconditioner_keeps_each_blocks_heavy_rows(seed, n, k, rel, cap):
    """After a CG failure the preconditioner keeps, per block, every row whose weight is
    at least PCG_REL of the block's largest (at least m, rounded up to m 2^j, at most
    PCG_KEEP_MAX): it equals the decoupled Schur complement written out here with those
    kept sets, P^-1 S has its eigenvalues in (0, 2], and when every row is kept it is S."""
    from infopricing.lp import menu_interior_point as mip

    m = 2
    _, V, Vc, VV, D, d1, du, dx = _pcg_system(n, k, seed)
    D[D < np.quantile(D, 0.5)] *= 1e-4  # heavy and light rows, as late in a run
    np.fill_diagonal(D, 0.0)
    old = mip.PCG_SINGLE, mip.PCG_REL, mip.PCG_KEEP_MAX
    try:
        mip.PCG_SINGLE, mip.PCG_REL, mip.PCG_KEEP_MAX = False, rel, cap
        NE = mip._NormalEquations(array_backend("numpy"), Vc, VV, D, d1, du, dx,
                                  {"rank_k_update": 0.0, "cholesky": 0.0, "blocks": 0.0},
                                  pcg=m, adapt=True)
    finally:
        mip.PCG_SINGLE, mip.PCG_REL, mip.PCG_KEEP_MAX = old
    P = NE.L @ NE.L.T
    top = min(n - 1, cap)
    kept = []
    for s in range(n):
        order = sorted((t for t in range(n) if t != s), key=lambda t: -D[t, s])
        heavy = sum(D[t, s] >= rel * D[:, s].max() for t in order)
        size = m
        while size < heavy and size < top:
            size *= 2
        kept.append(set(order[:min(size, top) if top > m else m]))
    np.testing.assert_allclose(P, _decoupled_schur(V, D, d1, du, dx, kept), rtol=1e-8,
                               atol=1e-9 * np.abs(P).max())
    S = _schur_u(_dense_normal_matrix(V, D, d1, du, dx), n)
    lam = np.linalg.eigvals(np.linalg.solve(P, S)).real
    assert lam.min() > 0 and lam.max() <= 2.0 * (1 + 1e-9)
    if all(len(kept[s]) == n - 1 for s in range(n)):
        np.testing.assert_allclose(P, S, rtol=1e-8, atol=1e-9 * np.abs(S).max())


@pytest.mark.parametrize("noise,accepted", [(3e-10, True), (1e-6, False)])
def test_cg_accepts_a_true_residual_only_at_the_rounding_floor(noise, accepted, monkeypatch):
    """A product with S that is only accurate to ``noise`` of its size (as late in a run,
    where the factored S's own solve leaves 5.8e-10) keeps the true residual above
    PCG_TOL: a residual that a restart does not halve is accepted below PCG_FLOOR (the
    answer then solves the exact system to that accuracy), and above it CG fails."""
    from infopricing.lp import menu_interior_point as mip

    n, k = 12, 3
    rng, V, Vc, VV, D, d1, du, dx = _pcg_system(n, k, 5)
    NE = mip._NormalEquations(array_backend("numpy"), Vc, VV, D, d1, du, dx,
                              {"rank_k_update": 0.0, "cholesky": 0.0, "blocks": 0.0}, pcg=3)
    S = _schur_u(_dense_normal_matrix(V, D, d1, du, dx), n)
    exact = NE._smul
    def noisy(p):  # a fresh rounding-like error of relative size ``noise`` at every product
        e = rng.standard_normal(n)
        return exact(p) + noise * np.linalg.norm(exact(p)) * e / np.linalg.norm(e)

    monkeypatch.setattr(NE, "_smul", noisy)
    r = rng.standard_normal(n)
    if accepted:
        x = NE._pcg(r)
        assert NE.floor_hits >= 1
        assert np.linalg.norm(r - S @ x) <= mip.PCG_FLOOR * np.linalg.norm(r)
    else:
        with pytest.raises(mip._PCGFailed):
            NE._pcg(r)
