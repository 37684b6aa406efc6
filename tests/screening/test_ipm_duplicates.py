"""Exactly identical types before the interior point (solve_menu_ipm, menu_bounds): they are
merged into one type with their summed mass. Every answer is checked against the ORIGINAL
menu LP, written here in payment form (variables x, p; not the library's utility form) and
solved by scipy's HiGHS; the merged LP's optimum and the splitting of its duals are checked
against scipy as well (the argument of the comment above ``_Merge``)."""

import numpy as np
import pytest
import scipy.optimize as so
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infopricing import Environment
from infopricing.screening import interior_point as ipm_mod
from infopricing.screening.interior_point import (_merge_identical, menu_bounds,
                                                  solve_menu_ipm)


def _payment_lp(V, f):
    """max sum_t f_t p_t  s.t.  v_t.x_t - p_t >= v_t.x_s - p_s (t != s), v_t.x_t - p_t >= 0,
    1.x_t <= 1, x >= 0, p free; variables (x (n k), p (n)). Returns scipy's result."""
    n, k = V.shape
    rows, cols, data = [], [], []
    r = 0
    for t in range(n):
        for s in range(n):
            if t == s:
                continue
            # -(v_t.x_t - p_t) + v_t.x_s - p_s <= 0
            rows += [r] * (2 * k + 2)
            cols += [t * k + a for a in range(k)] + [s * k + a for a in range(k)] + [n * k + t, n * k + s]
            data += list(-V[t]) + list(V[t]) + [1.0, -1.0]
            r += 1
    for t in range(n):  # IR: -v_t.x_t + p_t <= 0
        rows += [r] * (k + 1)
        cols += [t * k + a for a in range(k)] + [n * k + t]
        data += list(-V[t]) + [1.0]
        r += 1
    for t in range(n):  # 1.x_t <= 1
        rows += [r] * k
        cols += [t * k + a for a in range(k)]
        data += [1.0] * k
        r += 1
    A = sp.csr_matrix((data, (rows, cols)), shape=(r, n * k + n))
    b = np.concatenate([np.zeros(n * (n - 1) + n), np.ones(n)])
    c = -np.concatenate([np.zeros(n * k), f])
    bounds = [(0, None)] * (n * k) + [(None, None)] * n
    res = so.linprog(c, A_ub=A, b_ub=b, bounds=bounds, method="highs")
    assert res.status == 0
    return res


def _revenue(V, f):
    return -_payment_lp(V, f).fun


def _utility_lp_duals(V, f):
    """The utility-form menu LP's optimal IC duals Y[t, s] (row u_t - u_s - (v_t - v_s).x_s
    >= 0) and optimum, by scipy's HiGHS (written here, row by row)."""
    n, k = V.shape
    rows, cols, data, pairs = [], [], [], []
    r = 0
    for t in range(n):
        for s in range(n):
            if t != s:
                rows += [r, r] + [r] * k
                cols += [n * k + t, n * k + s] + [s * k + a for a in range(k)]
                data += [-1.0, 1.0] + list(V[t] - V[s])
                pairs.append((t, s))
                r += 1
    for s in range(n):
        rows += [r] * k
        cols += [s * k + a for a in range(k)]
        data += [1.0] * k
        r += 1
    A = sp.csr_matrix((data, (rows, cols)), shape=(r, n * k + n))
    b = np.concatenate([np.zeros(n * (n - 1)), np.ones(n)])
    c = -np.concatenate([(f[:, None] * V).ravel(), -f])
    res = so.linprog(c, A_ub=A, b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0
    Y = np.zeros((n, n))
    for (t, s), y in zip(pairs, -res.ineqlin.marginals[: n * (n - 1)]):
        Y[t, s] = y
    return Y, -res.fun


def _duplicated(n_unique, k, seed, zero_copies=True, grid=None):
    """n_unique i.i.d. types, each repeated 1-5 times (shuffled), uneven masses; with
    ``zero_copies`` some copies and one whole group have mass 0; ``grid``: values rounded
    to that step (more ties)."""
    rng = np.random.default_rng(seed)
    U = rng.uniform(0, 1, (n_unique, k))
    if grid:
        U = np.unique(np.round(U / grid) * grid, axis=0)
    reps = rng.integers(2, 6, U.shape[0])
    reps[: max(1, U.shape[0] // 5)] = 1   # some types appear once
    V = np.repeat(U, reps, axis=0)
    group = np.repeat(np.arange(U.shape[0]), reps)
    f = rng.uniform(0.2, 1.0, V.shape[0])
    if zero_copies:
        f[rng.random(V.shape[0]) < 0.2] = 0.0
        f[group == U.shape[0] - 1] = 0.0   # a whole group of zero mass
    perm = rng.permutation(V.shape[0])
    V, f = V[perm], f[perm]
    return V, f / f.sum(), int(V.shape[0] - U.shape[0])


def _ic_ir(V, x, p):
    u = np.einsum("ta,ta->t", V, x) - p
    gain = V @ x.T - p[None, :] - u[:, None]
    return float(gain.max()), float(max(0.0, -u.min()))


INSTANCES = [(15, 2, 0, None), (25, 3, 1, None), (30, 4, 2, None), (40, 3, 3, 0.25)]


@pytest.mark.parametrize("n_unique,k,seed,grid", INSTANCES)
def test_solve_menu_ipm_equals_the_original_lp(n_unique, k, seed, grid):
    V, f, merged = _duplicated(n_unique, k, seed, grid=grid)
    assert 40 <= len(V) <= 120 and merged > 0
    opt = _revenue(V, f)
    r = solve_menu_ipm(Environment(V), f, backend="numpy")
    assert r.ipm.merged_types == merged
    m = r.mechanism
    assert m.verify().ok
    gain, short = _ic_ir(V, m.allocation, m.payments)
    assert gain <= 1e-9 and short <= 1e-9
    assert m.allocation.min() >= -1e-12 and m.allocation.sum(axis=1).max() <= 1 + 1e-9
    assert m.revenue == pytest.approx(opt, abs=1e-8)
    # the interior point reached its target on the merged types: crossover then started
    # from a consistent point of the original LP and the lazy loop found no missing row
    assert r.ipm.status == "optimal" and r.ipm.crossover


@pytest.mark.parametrize("n_unique,k,seed,grid", INSTANCES)
def test_menu_bounds_bracket_the_original_lp(n_unique, k, seed, grid):
    V, f, merged = _duplicated(n_unique, k, seed, grid=grid)
    opt = _revenue(V, f)
    b = menu_bounds(Environment(V), f, backend="numpy")
    assert b.params["merged_types"] == merged
    assert b.params["zero_mass_groups"] >= 1     # the whole group of mass 0 (and maybe more)
    assert b.ic_dual.shape == (len(V), len(V))   # a dual of the original LP
    assert b.verify().ok
    assert b.lower <= opt + 1e-10 and opt <= b.upper + 1e-10
    assert b.gap < 1e-8
    gain, short = _ic_ir(V, b.mechanism.allocation, b.mechanism.payments)
    assert gain <= 1e-9 and short <= 1e-9
    # copies of one type are offered one item
    g = _merge_identical(V, f).group
    np.testing.assert_array_equal(b.mechanism.allocation, b.mechanism.allocation[_merge_identical(V, f).rep[g]])


def test_menu_bounds_certificate_exact_on_the_original_types():
    V, f, _ = _duplicated(12, 2, 5)
    b = menu_bounds(Environment(V), f, backend="numpy")
    assert b.verify(exact=True).ok


def test_merged_lp_has_the_original_optimum_and_its_split_duals_are_feasible():
    """The comment's argument, by scipy on both LPs: equal optima, and the merged optimal
    duals split by _Merge.split_dual satisfy every flow row of the original LP and give
    the same bound sum_s max(0, max_a virtual value)."""
    V, f, _ = _duplicated(14, 2, 7)
    mg = _merge_identical(V, f)
    Vm, Fm = V[mg.rep], mg.mass
    opt = _revenue(V, f)
    assert _revenue(Vm, Fm) == pytest.approx(opt, abs=1e-9)
    Ym, optm = _utility_lp_duals(Vm, Fm)
    assert optm == pytest.approx(opt, abs=1e-9)
    Y = mg.split_dual(Ym)
    assert Y.min() >= 0 and np.all(np.diag(Y) == 0)
    flow = Y.sum(axis=1) - Y.sum(axis=0) - f
    assert flow.max() <= 1e-12
    cs = Y.sum(axis=0)
    virt = f[:, None] * V - (Y.T @ V - cs[:, None] * V)
    assert np.maximum(0.0, virt.max(axis=1)).sum() == pytest.approx(opt, abs=1e-9)


def test_crossover_point_is_the_merged_point_split_by_mass():
    """The point handed to the crossover: every copy takes its group's (x, u), and the dual
    residual of every column of the ORIGINAL LP is its mass share of the merged one's."""
    V, f, _ = _duplicated(10, 2, 11)
    mg = _merge_identical(V, f)
    from infopricing.lp.menu_interior_point import MenuInteriorPoint

    p = MenuInteriorPoint(V[mg.rep], mg.mass, backend="numpy").solve(gap_tol=1e-6)
    q = mg.crossover_point(p)
    g, w = mg.group, mg.weight
    np.testing.assert_array_equal(q.x, p.x[g])
    np.testing.assert_array_equal(q.u, p.u[g])

    def residuals(V, f, Y, y1, su, SX):
        cs = Y.sum(axis=0)
        ru = Y.sum(axis=1) - cs + su - f
        rx = y1[:, None] + (Y.T @ V - cs[:, None] * V) - SX - f[:, None] * V
        return ru, rx

    ru_m, rx_m = residuals(V[mg.rep], mg.mass, p.ic_dual, p.alloc_dual, p.u_dual, p.x_dual)
    ru, rx = residuals(V, f, q.ic_dual, q.alloc_dual, q.u_dual, q.x_dual)
    np.testing.assert_allclose(ru, w * ru_m[g], atol=1e-12)
    np.testing.assert_allclose(rx, w[:, None] * rx_m[g], atol=1e-12)
    # its nonzero IC duals lie on the candidate rows given to the restricted LP
    T, S = np.nonzero(q.ic_dual)
    Tm, Sm = np.nonzero(p.ic_dual)
    Tc, Sc = mg.candidate_rows(Tm[Tm != Sm], Sm[Tm != Sm])
    cand = set(zip(Tc.tolist(), Sc.tolist()))
    assert set(zip(T.tolist(), S.tolist())) <= cand


def test_no_duplicates_nothing_merged():
    rng = np.random.default_rng(4)
    V = rng.uniform(size=(30, 3))
    V[1] = V[0] + 1e-9             # close but not equal: not merged
    f = np.full(30, 1 / 30)
    assert _merge_identical(V, f) is None
    r = solve_menu_ipm(Environment(V), f, backend="numpy")
    b = menu_bounds(Environment(V), f, backend="numpy")
    assert r.ipm.merged_types == 0 and b.params["merged_types"] == 0
    assert r.mechanism.revenue == pytest.approx(_revenue(V, f), abs=1e-8)


def test_all_types_identical():
    V = np.tile([[0.3, 0.7, 0.2]], (6, 1))
    f = np.array([0.1, 0.0, 0.3, 0.2, 0.4, 0.0])
    r = solve_menu_ipm(Environment(V), f, backend="numpy")
    assert r.ipm.merged_types == 5 and r.mechanism.revenue == pytest.approx(0.7, abs=1e-9)
    b = menu_bounds(Environment(V), f, backend="numpy")
    assert b.verify().ok and b.lower <= 0.7 + 1e-12 and 0.7 <= b.upper + 1e-12


def test_scaled_values_with_duplicates():
    V, f, merged = _duplicated(15, 2, 9)
    opt = _revenue(V, f)
    r = solve_menu_ipm(Environment(V * 1e6), f, backend="numpy")
    assert r.ipm.merged_types == merged
    assert r.mechanism.revenue == pytest.approx(opt * 1e6, abs=1e-8 * 1e6)
    b = menu_bounds(Environment(V * 1e6), f, backend="numpy")
    assert b.verify().ok and b.lower <= opt * 1e6 * (1 + 1e-10) and opt * 1e6 <= b.upper * (1 + 1e-10)


def test_cg_path_on_merged_types(monkeypatch):
    """pcg="auto" decides on the merged count (the interior point's size)."""
    monkeypatch.setattr(ipm_mod, "PCG_MIN_K", 1)
    monkeypatch.setattr(ipm_mod, "PCG_KEEP", 6)
    V, f, merged = _duplicated(30, 3, 2)
    n_merged = len(V) - merged
    monkeypatch.setattr(ipm_mod, "PCG_MIN_N", n_merged)
    r = solve_menu_ipm(Environment(V), f, backend="numpy")
    assert r.ipm.cg_steps > 0
    assert r.mechanism.revenue == pytest.approx(_revenue(V, f), abs=1e-8)
    monkeypatch.setattr(ipm_mod, "PCG_MIN_N", n_merged + 1)
    assert solve_menu_ipm(Environment(V), f, backend="numpy").ipm.cg_steps == 0


@st.composite
def _small(draw):
    n_u = draw(st.integers(1, 5))
    k = draw(st.integers(1, 3))
    step = draw(st.sampled_from([0.25, 0.5, 1.0]))
    U = np.array(draw(st.lists(st.lists(st.integers(0, 4), min_size=k, max_size=k),
                               min_size=n_u, max_size=n_u)), dtype=float) * step
    reps = draw(st.lists(st.integers(1, 3), min_size=n_u, max_size=n_u))
    V = np.repeat(U, reps, axis=0)
    masses = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0]), min_size=len(V), max_size=len(V)))
    f = np.array(masses)
    if f.sum() == 0:
        f[0] = 1.0
    perm = np.array(draw(st.permutations(range(len(V)))))
    return V[perm], (f / f.sum())[perm]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_small())
def test_property_small_instances(inst):
    V, f = inst
    opt = _revenue(V, f)
    r = solve_menu_ipm(Environment(V), f, backend="numpy")
    assert r.mechanism.verify().ok
    assert r.mechanism.revenue == pytest.approx(opt, abs=1e-8)
    assert r.ipm.merged_types == len(V) - len(np.unique(V, axis=0))
    b = menu_bounds(Environment(V), f, backend="numpy")
    assert b.verify().ok
    assert b.lower <= opt + 1e-9 and opt <= b.upper + 1e-9
