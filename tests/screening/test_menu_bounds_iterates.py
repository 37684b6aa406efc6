"""menu_bounds keeps the best certified lower and upper bound over the interior-point
iterates (issue 18): each bound is checked independently here, the menu by a direct
numpy IC/IR check and recomputed revenue, the upper bound against scipy's HiGHS optimum
of the full menu LP written out below."""

import numpy as np
import pytest
from scipy.optimize import linprog

from infopricing import Environment
from infopricing.lp.menu_interior_point import MenuInteriorPoint
from infopricing.screening.interior_point import dual_upper_bound, menu_bounds, menu_lower_bound
from infopricing.screening import interior_point as ipm_mod
from infopricing import tolerances as tol


def _full_lp_optimum(V, f):
    n, k = V.shape
    nv = n + n * k                      # u_0..u_{n-1}, then x_{s,a}
    c = np.concatenate([f, -(f[:, None] * V).ravel()])   # minimise -revenue
    rows = []
    for t in range(n):
        for s in range(n):
            if s == t:
                continue
            r = np.zeros(nv)            # u_s - u_t + (v_t - v_s).x_s <= 0
            r[s] += 1.0
            r[t] -= 1.0
            r[n + s * k:n + (s + 1) * k] = V[t] - V[s]
            rows.append(r)
    for s in range(n):
        r = np.zeros(nv)
        r[n + s * k:n + (s + 1) * k] = 1.0
        rows.append(r)
    A = np.array(rows)
    b = np.concatenate([np.zeros(n * (n - 1)), np.ones(n)])
    res = linprog(c, A_ub=A, b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0
    return -res.fun


def _check_menu(V, f, alloc, pay, revenue):
    assert (alloc >= -tol.FEAS).all() and (alloc.sum(axis=1) <= 1 + tol.FEAS).all()
    U = V @ alloc.T - pay[None, :]      # U[t, s]: t's utility of s's item
    own = np.diag(U)
    assert (own >= -tol.FEAS).all()                          # IR
    assert (U.max(axis=1) <= own + tol.FEAS).all()          # IC
    assert revenue == pytest.approx(float(f @ pay), abs=1e-12)


@pytest.mark.parametrize("n,k,seed,max_iter", [(14, 3, 0, 8), (14, 3, 1, 60), (18, 4, 2, 12)])
def test_bounds_bracket_the_full_lp_optimum(n, k, seed, max_iter):
    rng = np.random.default_rng(seed)
    V = rng.uniform(0, 1, (n, k))
    f = rng.dirichlet(np.ones(n))
    opt = _full_lp_optimum(V, f)
    b = menu_bounds(Environment(V), f, max_iter=max_iter)
    m = b.mechanism
    _check_menu(V, f, np.asarray(m.allocation), np.asarray(m.payments), b.lower)
    assert b.lower <= opt + 1e-12 <= b.upper + 2e-12
    # never worse than certifying the returned iterate alone (the code before the fix)
    p = MenuInteriorPoint(V, f).solve(gap_tol=1e-9, max_iter=max_iter,  # menu_bounds' run
                                      correctors=ipm_mod.BOUNDS_CORRECTORS,
                                      refine_below=ipm_mod.REFINE_BELOW)
    low_last = menu_lower_bound(V, f, p.x, p.u)[2]
    up_last = dual_upper_bound(V, f, p.ic_dual)[0]
    assert b.lower >= low_last - 1e-15 and b.upper <= up_last + 1e-15
    if max_iter >= 60:
        assert b.gap < 1e-8


def test_regression_last_iterate_certifies_worse_than_an_earlier_one():
    # uniform n = 40, k = 2, seed 3: the IPM ends "optimal", but certifying only its last
    # iterate gave a gap of 1.6e-7 (the code before the fix); an earlier iterate
    # certifies to about 1e-9
    rng = np.random.default_rng(3)
    V = rng.uniform(0, 1, (40, 2))
    f = rng.dirichlet(np.ones(40))
    opt = _full_lp_optimum(V, f)
    b = menu_bounds(Environment(V), f)
    m = b.mechanism
    _check_menu(V, f, np.asarray(m.allocation), np.asarray(m.payments), b.lower)
    assert b.lower <= opt + 1e-12 <= b.upper + 2e-12
    assert b.gap < 1e-8
    assert opt - b.lower < 1e-8 and b.upper - opt < 1e-8
