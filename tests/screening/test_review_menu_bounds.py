"""Defects found by the independent review of issue 18's anytime bounds and interior point.

They failed before the fixes in ``infopricing/screening/interior_point.py`` (unit
rescaling, the gap re-checked by ``verify()``, the dual certificate in ``as_dict()``, argument
checks that name the argument); each was a strict xfail on the review branch. The references are computed here, independently of the library: the menu LP
written out from HS section 4's definitions and solved by scipy's HiGHS, and the IC/IR checks
of a menu done by hand.
"""

import numpy as np
import pytest
import scipy.optimize as so
import scipy.sparse as sp

from infopricing import Environment
from infopricing.screening.interior_point import menu_bounds, solve_menu_ipm


def _menu_lp_revenue(V, f):
    """max f.p over (x, p): IC v_t.x_t - p_t >= v_t.x_s - p_s, IR v_t.x_t - p_t >= 0,
    x >= 0, sum x_t <= 1 (written here, not the library's builder)."""
    n, k = V.shape
    nx = n * k
    rows, cols, vals, b = [], [], [], []
    r = 0
    for t in range(n):
        for s in range(n):
            if s == t:
                continue
            for a in range(k):
                rows += [r, r]
                cols += [s * k + a, t * k + a]
                vals += [V[t, a], -V[t, a]]
            rows += [r, r]
            cols += [nx + s, nx + t]
            vals += [-1.0, 1.0]
            b.append(0.0)
            r += 1
    for t in range(n):
        for a in range(k):
            rows += [r, r + n]
            cols += [t * k + a, t * k + a]
            vals += [-V[t, a], 1.0]
        rows.append(r)
        cols.append(nx + t)
        vals.append(1.0)
        r += 1
    b += [0.0] * n + [1.0] * n
    A = sp.csr_matrix((vals, (rows, cols)), shape=(r + n, nx + n))
    c = np.concatenate([np.zeros(nx), -f])
    res = so.linprog(c, A_ub=A, b_ub=np.array(b), bounds=[(0, None)] * nx + [(None, None)] * n,
                     method="highs")
    assert res.status == 0
    return -res.fun


def _instance():
    rng = np.random.default_rng(2)
    V = rng.uniform(0, 1, (40, 4))
    f = rng.dirichlet(np.ones(40))
    return V, f


def test_menu_bounds_gap_is_relative_in_small_units():
    V, f = _instance()
    opt = _menu_lp_revenue(V, f)              # 0.7368...: values in [0, 1]
    scale = 2.0 ** -20                        # the same market in units of about 1e-6
    b = menu_bounds(Environment(V * scale), f)
    # a power-of-two rescaling rounds nothing: the bracket must be as tight, relatively,
    # as in units of one (there, lower and upper agree with opt to about 1e-10)
    assert b.lower <= opt * scale <= b.upper
    assert (b.upper - b.lower) / (opt * scale) < 1e-7


def test_menu_bounds_names_a_non_numeric_gap_tol():
    V, f = _instance()
    with pytest.raises(TypeError, match="gap_tol"):
        menu_bounds(Environment(V), f, gap_tol="1e-6")


def test_menu_bounds_names_a_non_numeric_time_limit():
    V, f = _instance()
    with pytest.raises(TypeError, match="time_limit"):
        menu_bounds(Environment(V), f, time_limit="10")


def test_menu_bounds_refuses_a_non_string_backend():
    V, f = _instance()
    with pytest.raises((TypeError, ValueError), match="backend"):
        menu_bounds(Environment(V), f, backend=1)


def test_solve_menu_ipm_checks_per_type_like_the_lazy_path():
    V, f = _instance()
    with pytest.raises(ValueError, match="per_type"):
        solve_menu_ipm(Environment(V), f, per_type=0)


def test_menu_bounds_json_carries_its_dual_certificate():
    V, f = _instance()
    b = menu_bounds(Environment(V[:8]), f[:8] / f[:8].sum())
    d = b.as_dict()
    Y = np.asarray(d["ic_dual"], dtype=float)
    # the bound re-derived from the exported certificate alone (weak duality of the LP above)
    F = np.asarray(f[:8] / f[:8].sum())
    cs = Y.sum(axis=0)
    assert np.all(Y >= 0) and np.all(Y.sum(axis=1) - cs <= F + 1e-12)
    virt = F[:, None] * V[:8] - (Y.T @ V[:8] - cs[:, None] * V[:8])
    assert np.maximum(0.0, virt.max(axis=1)).sum() <= d["upper"] + 1e-12


def test_menu_bounds_verify_checks_the_reported_gap():
    import dataclasses

    rng = np.random.default_rng(3)
    V = rng.uniform(0, 1, (12, 3))
    f = rng.dirichlet(np.ones(12))
    b = menu_bounds(Environment(V), f, max_iter=3)  # stopped early: a real bracket (6 reach 6e-4)
    assert b.upper - b.lower > 1e-3 and b.verify().ok
    assert not dataclasses.replace(b, gap=0.0).verify().ok


def test_menu_bounds_reports_its_last_iteration_and_refuses_a_boolean_max_iter():
    """The converging iteration reaches ``progress`` (a progress bar ends at the iteration
    count in ``params``), and ``max_iter=True`` is not read as 1."""
    V, f = _instance()
    seen = []
    b = menu_bounds(Environment(V), f, progress=lambda done, total, gap=None: seen.append(done))
    assert b.params["ipm_status"] == "optimal" and seen[-1] == b.params["iterations"]
    with pytest.raises(ValueError, match="max_iter"):
        menu_bounds(Environment(V), f, max_iter=True)
