"""Convex order on grids: the transport-plan and integrated-CDF LPs."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from infopricing import (Prior, is_mean_preserving_contraction, mpc_optimize,
                         price_optimality_constraints)


def test_binary_prior_second_moment_extremes():
    """E[Y^2] over contractions of {0, 4} w.p. 1/2: full information gives 8, none gives 4."""
    y = np.linspace(0, 4, 9)
    pr = Prior([0.0, 4.0], [0.5, 0.5])
    for form in ("transport", "cdf"):
        hi = mpc_optimize(pr, y ** 2, grid=y, formulation=form)
        lo = mpc_optimize(pr, y ** 2, grid=y, formulation=form, sense="min")
        assert hi.value == pytest.approx(8.0)
        assert lo.value == pytest.approx(4.0)
        assert hi.verify().ok and lo.verify().ok


def test_max_probability_of_high_posterior():
    """Uniform prior on {0,...,4}: the largest P(E[v|s] >= 3) pools {2, 3, 4} (mass 0.6,
    mean exactly 3); derived by hand, cheapest-first pooling."""
    v = np.arange(5.0)
    r = mpc_optimize((v, np.full(5, 0.2)), (v >= 3).astype(float), return_plan=True)
    assert r.value == pytest.approx(0.6)
    assert r.plan is not None and r.verify().ok


@st.composite
def instances(draw):
    k = draw(st.integers(1, 5))
    vals = sorted(draw(st.sets(st.integers(0, 12), min_size=k, max_size=k)))
    w = np.array(draw(st.lists(st.integers(1, 9), min_size=k, max_size=k)), float)
    obj = np.array(draw(st.lists(st.integers(-5, 5), min_size=13, max_size=13)), float)
    return np.array(vals, float), w / w.sum(), obj


@settings(max_examples=30, deadline=None)
@given(instances(), st.sampled_from(["max", "min"]))
def test_formulations_agree_and_verify(inst, sense):
    """Transport plan and integrated-CDF LPs give the same optimum, and the answer is a
    mean-preserving contraction (convex-order constraints re-checked)."""
    v, f, obj = inst
    y = np.arange(13.0)
    a = mpc_optimize((v, f), obj, grid=y, sense=sense, formulation="transport")
    b = mpc_optimize((v, f), obj, grid=y, sense=sense, formulation="cdf")
    assert a.value == pytest.approx(b.value, abs=1e-7)
    assert a.verify().ok and b.verify().ok
    ok, _ = is_mean_preserving_contraction(y, b.distribution, v, f)
    assert ok


def test_extra_constraints_and_infeasible():
    """Requiring P(Y = 4) >= 0.9 is infeasible: a contraction of {0, 4} w.p. 1/2 puts at
    most mass 1/2 at 4."""
    y = np.linspace(0, 4, 9)
    pr = Prior([0.0, 4.0], [0.5, 0.5])
    A, lo, hi = price_optimality_constraints(y, 2.0, 1.0)
    e = np.zeros((1, 9))
    e[0, -1] = 1
    r = mpc_optimize(pr, np.zeros(9), grid=y, constraints=[(A, lo, hi), (e, 0.9, 1.0)])
    assert r.status.value == "infeasible"


def test_mpc_checker():
    v, f = [0.0, 4.0], [0.5, 0.5]
    assert is_mean_preserving_contraction([2.0], [1.0], v, f)[0]
    assert is_mean_preserving_contraction(v, f, v, f)[0]
    assert not is_mean_preserving_contraction([-1.0, 5.0], [0.5, 0.5], v, f)[0]
    assert not is_mean_preserving_contraction([3.0], [1.0], v, f)[0]


def test_grid_must_contain_support():
    with pytest.raises(ValueError, match="grid must contain the prior's support"):
        mpc_optimize(Prior([0.0, 4.0], [0.5, 0.5]), np.zeros(3), grid=[0.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="increasing"):
        mpc_optimize(Prior([0.0, 4.0], [0.5, 0.5]), np.zeros(3), grid=[0.0, 4.0, 2.0])
    with pytest.raises(ValueError, match="objective"):
        mpc_optimize(Prior([0.0, 4.0], [0.5, 0.5]), np.zeros(3))
