"""Conjugate gradients on the menu interior point's Schur complement (``pcg="auto"``) on
the awkward geometries of a large menu, at small n with ``PCG_MIN_N`` lowered: tied types
on a grid with zero and tiny masses, negative net values with an all-zero type, values of
order 1e-6 and 1e6, nearly collinear types. Each answer is checked against the menu LP
written out here and solved by scipy's HiGHS (not the library's builder), and its IC/IR
constraints are re-checked on all n(n-1) pairs with numpy."""

import numpy as np
import pytest
import scipy.optimize as so
import scipy.sparse as sp

from infopricing import Environment, optimal_mechanism
from infopricing.screening import interior_point as ipm_mod
from infopricing.screening.interior_point import menu_bounds, solve_menu_ipm


def _linprog_revenue(V, f):
    """max sum_t f_t (v_t . x_t - u_t) s.t. u_t - u_s >= (v_t - v_s) . x_s, 1 . x_s <= 1,
    u, x >= 0, built row by row here and solved by scipy."""
    n, k = V.shape
    rows, cols, data = [], [], []
    r = 0
    for t in range(n):
        for s in range(n):
            if t != s:
                rows += [r, r] + [r] * k
                cols += [n * k + t, n * k + s] + [s * k + a for a in range(k)]
                data += [-1.0, 1.0] + list(V[t] - V[s])
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
    return -res.fun


def _ic_ir(V, x, p):
    """Largest IC gain over all ordered pairs and largest IR shortfall."""
    u = np.einsum("ta,ta->t", V, x) - p
    gain = V @ x.T - p[None, :] - u[:, None]
    return float(gain.max()), float(max(0.0, -u.min()))


def _geometry(name, seed=3, n=36):
    rng = np.random.default_rng(seed)
    k = 3
    V = rng.uniform(0, 1, (n, k))
    f = rng.uniform(0.5, 1.5, n)
    if name == "grid_zero_tiny_mass":
        V = np.round(V * 4) / 4          # tied types
        f[:3] = 0.0
        f[3:6] = 1e-9
    elif name == "negative_and_zero_type":
        V = rng.uniform(-0.5, 1.0, (n, k))
        V[0] = 0.0
    elif name == "scaled_1e-6":
        V *= 1e-6
    elif name == "scaled_1e6":
        V *= 1e6
    elif name == "collinear":
        d = rng.uniform(0.2, 1.0, k)
        V = rng.uniform(0, 1, (n, 1)) * d[None, :] + 1e-7 * rng.standard_normal((n, k))
    return V, f / f.sum()


GEOMETRIES = ["grid_zero_tiny_mass", "negative_and_zero_type", "scaled_1e-6", "scaled_1e6", "collinear"]


@pytest.fixture
def cg_from_10(monkeypatch):
    """``pcg="auto"`` on from 10 types, keeping 6 rows per block (the real threshold is 700)."""
    monkeypatch.setattr(ipm_mod, "PCG_MIN_N", 10)
    monkeypatch.setattr(ipm_mod, "PCG_MIN_K", 1)
    monkeypatch.setattr(ipm_mod, "PCG_KEEP", 6)


@pytest.mark.parametrize("name", GEOMETRIES)
def test_cg_path_matches_scipy_and_is_ic_ir(cg_from_10, name):
    V, f = _geometry(name)
    unit = float(np.abs(V).max())
    opt = _linprog_revenue(V / unit, f) * unit   # solved in units of one: an independent LP
    r = solve_menu_ipm(Environment(V), f, backend="numpy")
    assert r.ipm.cg_steps > 0                      # conjugate gradients were used
    m = r.mechanism
    assert m.verify().ok
    gain, short = _ic_ir(V, m.allocation, m.payments)
    assert gain <= 1e-9 * unit and short <= 1e-9 * unit
    assert m.allocation.min() >= -1e-12 and m.allocation.sum(axis=1).max() <= 1 + 1e-9
    assert m.revenue == pytest.approx(opt, abs=1e-8 * unit)
    # and the factored path selects the same mechanism (the lazy loop's selection stages)
    r0 = solve_menu_ipm(Environment(V), f, backend="numpy", pcg=0)
    assert r0.ipm.cg_steps == 0
    np.testing.assert_allclose(m.allocation, r0.mechanism.allocation, atol=1e-7)
    np.testing.assert_allclose(m.payments, r0.mechanism.payments, atol=1e-7 * unit)


# grid_zero_tiny_mass broke the interior point down late in the run (LinAlgError, D up to
# 3e25) from both starts, pcg=0 too; menu_bounds now keeps the certificates found before
BOUNDS_GEOMETRIES = list(GEOMETRIES)


@pytest.mark.parametrize("name", BOUNDS_GEOMETRIES)
def test_cg_bounds_bracket_scipy(cg_from_10, name):
    V, f = _geometry(name)
    unit = float(np.abs(V).max())
    opt = _linprog_revenue(V / unit, f) * unit
    b = menu_bounds(Environment(V), f, backend="numpy")
    assert b.verify().ok
    # a breakdown (grid_zero_tiny_mass) keeps the certificates and leaves the counts None
    assert b.params["ipm_status"] == "breakdown" or b.params["cg_steps"] > 0
    assert b.lower <= opt + 1e-9 * unit and opt <= b.upper + 1e-9 * unit
    gain, short = _ic_ir(V, b.mechanism.allocation, b.mechanism.payments)
    assert gain <= 1e-9 * unit and short <= 1e-9 * unit


def test_bounds_tied_types_zero_and_tiny_masses_factored_path(monkeypatch):
    """Reproducer (pcg=0, no CG at all): 36 types on a 1/4 grid in three dimensions, three of
    mass 0 and three of mass 1e-9. Without the merging of identical types the interior point
    raises LinAlgError from the last iterations (the "ic" start at iteration 16, the
    "uniform" retry at 23) although its best certified iterate already had a gap near
    1e-10; menu_bounds keeps that certificate (ipm_status "breakdown")."""
    V, f = _geometry("grid_zero_tiny_mass")
    opt = _linprog_revenue(V, f)
    monkeypatch.setattr(ipm_mod, "_merge_identical", lambda values, probabilities: None)
    b = menu_bounds(Environment(V), f, backend="numpy", pcg=0)
    assert b.verify().ok and b.lower <= opt + 1e-9 and opt <= b.upper + 1e-9
    assert b.params["ipm_status"] == "breakdown" and b.gap < 1e-6  # the reproducer's cause
    assert b.params["merged_types"] == 0


def test_bounds_tied_types_merged_converge():
    """The same instance as solved by default: its 7 repeated grid points are merged into
    their first copy, and the interior point on the 29 distinct types converges (no
    breakdown) to a certified gap below 1e-9, bracketing scipy's optimum of the original."""
    V, f = _geometry("grid_zero_tiny_mass")
    assert len(V) - len(np.unique(V, axis=0)) == 7
    opt = _linprog_revenue(V, f)
    b = menu_bounds(Environment(V), f, backend="numpy", pcg=0)
    assert b.verify(exact=True).ok and b.lower <= opt + 1e-9 and opt <= b.upper + 1e-9
    assert b.params["ipm_status"] == "optimal" and b.params["merged_types"] == 7
    assert b.gap < 1e-9


def test_optimal_mechanism_ipm_goes_through_cg(cg_from_10):
    """``optimal_mechanism(method="ipm")`` uses the same path (CG from PCG_MIN_N types on);
    same revenue as scipy, verified."""
    V, f = _geometry("uniform", n=30)
    m = optimal_mechanism(Environment(V), f, method="ipm")
    assert m.verify().ok
    assert m.revenue == pytest.approx(_linprog_revenue(V, f), abs=1e-8)


def test_bounds_one_duplicated_type():
    """Reproducer: 60 i.i.d. uniform types in three dimensions, equal masses, type 1 a copy
    of type 0. The anytime bounds should bracket scipy's optimum; menu_bounds raised
    LinAlgError (factored path; with pcg=8 this instance passed, but at n = 150 menu_bounds
    raised with pcg=0 and pcg=8 alike) until identical types were merged before the
    interior point."""
    rng = np.random.default_rng(0)
    V = rng.uniform(size=(60, 3))
    V[1] = V[0]
    f = np.full(60, 1 / 60)
    opt = _linprog_revenue(V, f)
    b = menu_bounds(Environment(V), f, backend="numpy", pcg=0)
    assert b.verify().ok and b.lower <= opt + 1e-9 and opt <= b.upper + 1e-9
    assert b.params["merged_types"] == 1


def test_duplicated_uniform_n700_certifies_and_solves():
    """350 i.i.d. uniform types (k = 10) each twice, shuffled (n = 700, pcg="auto"). Before
    identical types were merged: menu_bounds stalled at a certified gap of 1.4e-5 (42
    iterations) and the ipm path's interior point at 5.2e-6; at 500 types each three
    times solve_menu_ipm raised LinAlgError. Merged, the interior point runs on the 350
    distinct types; the bounds are verified on the 700 original ones and the ipm path's
    menu lies between them (too large for the scipy LP here)."""
    rng = np.random.default_rng(0)
    V = np.repeat(rng.uniform(size=(350, 10)), 2, axis=0)[rng.permutation(700)]
    f = np.full(700, 1 / 700)
    b = menu_bounds(Environment(V), f, backend="numpy")
    assert b.params["merged_types"] == 350 and b.params["ipm_status"] == "optimal"
    assert b.verify().ok and b.gap < 1e-9
    r = solve_menu_ipm(Environment(V), f, backend="numpy")
    assert r.ipm.merged_types == 350 and r.ipm.status == "optimal"
    assert r.mechanism.verify().ok
    assert b.lower - 1e-12 <= r.mechanism.revenue <= b.upper + 1e-12
    gain, short = _ic_ir(V, r.mechanism.allocation, r.mechanism.payments)
    assert gain <= 1e-9 and short <= 1e-9
