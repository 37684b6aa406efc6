"""The shared certificate layer (lp.weak_duality, verify.ic_ir, verify.averaging), each
checked against an independent computation: scipy's linprog, hand-derived menus, and
hand-computed averages."""

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import linprog

from infopricing.lp.weak_duality import weak_duality_bound
from infopricing.verify.averaging import averaging_deviation, exact_averaging_failures
from infopricing.verify.ic_ir import exact_ic_ir


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_weak_duality_bound_is_tight_with_linprog_duals(seed):
    """max c.z, A z <= b, 0 <= z <= 1: linprog's optimum and marginals give the bound equal
    to the optimum (strong duality); any other y gives a bound at least the optimum."""
    rng = np.random.default_rng(seed)
    m, n = 3, 4
    A = rng.uniform(0, 1, (m, n))
    b = rng.uniform(0.5, 2, m)
    c = rng.uniform(-1, 1, n)
    res = linprog(-c, A_ub=A, b_ub=b, bounds=[(0, 1)] * n, method="highs")
    assert res.status == 0
    opt = -res.fun
    y = -res.ineqlin.marginals                    # multipliers of max c.z (>= 0)
    lo_r, hi_r = np.full(m, -np.inf), b
    lo_c, hi_c = np.zeros(n), np.ones(n)
    bound, infeas = weak_duality_bound(y, c - A.T @ y, lo_r, hi_r, lo_c, hi_c)
    assert infeas == 0.0
    assert bound == pytest.approx(opt, abs=1e-7)
    y2 = y + rng.uniform(0, 1, m)                 # still dual feasible (non-negative)
    bound2, infeas2 = weak_duality_bound(y2, c - A.T @ y2, lo_r, hi_r, lo_c, hi_c)
    assert infeas2 == 0.0 and bound2 >= opt - 1e-9


def test_weak_duality_reports_wrong_signed_multipliers():
    # a negative multiplier on a row unbounded below cannot certify anything
    bound, infeas = weak_duality_bound([-0.5], [0.0], [-np.inf], [1.0], [0.0], [1.0])
    assert infeas == 0.5 and bound == 0.0


# HS section 3 at q = 1/2: L at 0.75 to t1, H at 1.75 to t2 (HS section 3)
V = [[F(3, 4), F(1)], [F(1), F(2)]]
X = [[F(1), F(0)], [F(0), F(1)]]


def test_exact_ic_ir_accepts_the_section3_menu():
    failures, worst = exact_ic_ir(V, X, [F(3, 4), F(7, 4)])
    assert failures == [] and worst == 0


def test_exact_ic_ir_measures_violations():
    # H at 1.8: t2 gains 1/4 - 0.05 = 1/5 from L instead of 0 ... IC t2 -> t1 violated by 1/20
    failures, worst = exact_ic_ir(V, X, [F(3, 4), F(9, 5)], names=["t1", "t2"])
    assert failures == ["IC t2 -> t1 violated by 1/20"] and worst == F(1, 20)
    # L at 0.8: t1's IR violated by 1/20 (and t2 then prefers H less: no IC issue)
    failures, worst = exact_ic_ir(V, X, [F(4, 5), F(7, 4)])
    assert failures == ["IR of 0 violated by 1/20"] and worst == F(1, 20)
    failures, _ = exact_ic_ir(V, [[F(1), F(1, 2)], [F(0), F(1)]], [F(0), F(7, 4)])
    assert any("sums to 3/2 > 1" in f for f in failures)


def test_averaging():
    w, segs = [0.25, 0.75], [[1.0, 0.0], [1 / 3, 2 / 3]]
    assert averaging_deviation(w, segs, [0.5, 0.5]) == pytest.approx(0.0, abs=1e-15)
    assert averaging_deviation(w, segs, [0.6, 0.4]) == pytest.approx(0.1)
    fails, worst = exact_averaging_failures([F(1, 4), F(3, 4)], [[F(1), F(0)], [F(1, 3), F(2, 3)]],
                                            [F(1, 2), F(1, 2)])
    assert fails == [] and worst == 0.0
    fails, worst = exact_averaging_failures([F(1, 4), F(3, 4)], [[F(1), F(0)], [F(1, 3), F(2, 3)]],
                                            [F(3, 5), F(2, 5)], labels=["t1", "t2"])
    assert len(fails) == 2 and "t1" in fails[0] and worst == pytest.approx(0.1)
