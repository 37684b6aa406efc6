"""Unknown homogeneous values with random costs (BBM25 Section III.A-B, Theorem 2)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import brentq

from infopricing.competition import (PricingGame, consumer_optimal_homogeneous,
                                     consumer_optimal_unknown_values)


def homogeneous(values, cost_rows, probs):
    v = np.asarray(values, float)
    c = np.asarray(cost_rows, float)
    return PricingGame(np.repeat(v[:, None], c.shape[1], axis=1), c, probs)


def example2_random_c2(c2s, q, size=101):
    """Example 2's duopoly with c_2 drawn from c2s (probabilities q) independently of the
    common value, which is 0 or 1 equally likely."""
    vals, costs, probs = [], [], []
    for c2, w in zip(c2s, q):
        for v in (0.0, 1.0):
            vals.append(v)
            costs.append([0.0, c2])
            probs.append(0.5 * w)
    return consumer_optimal_unknown_values(homogeneous(vals, costs, probs), size=size)


def test_deterministic_costs_agree_with_example2_lp():
    """BBM25 Example 2 (c_1 = 0, c_2 = 0.3): the random-cost LP with one cost vector is
    the known-cost program of consumer_optimal_homogeneous (a different formulation)."""
    o = example2_random_c2([0.3], [1.0])
    ref = consumer_optimal_homogeneous([0.0, 1.0], [0.5, 0.5], [0.0, 0.3], size=101)
    assert o.producer_surplus == pytest.approx([ref.producer_surplus, 0.0], abs=1e-9)
    assert o.expected_consumer_surplus == pytest.approx(ref.expected_consumer_surplus, abs=1e-9)
    v = o.verify()
    assert v.ok, v.failures


def test_monopoly_random_cost_decomposes_into_roesler_szentes():
    """N = 1, value in {1, 2} equally likely, cost 1 or 0 (equally likely, independent).
    Producer surplus adds up over costs. With cost 1 the problem is RS on {0, 1} shifted
    by 1: the Pareto bottom p solves p (1 - ln p) = 1/2 and PS = p (~0.1867, up to a grid
    step); with cost 0 it is the known-cost LP."""
    g = homogeneous([1, 2, 1, 2], [[1.0], [1.0], [0.0], [0.0]], [0.25] * 4)
    o = consumer_optimal_unknown_values(g, size=401)
    assert o.verify().ok
    p = brentq(lambda x: x * (1 - math.log(x)) - 0.5, 1e-6, 0.5)
    c0 = consumer_optimal_homogeneous([1.0, 2.0], [0.5, 0.5], [0.0], size=401).producer_surplus
    c1 = consumer_optimal_homogeneous([1.0, 2.0], [0.5, 0.5], [1.0], size=401).producer_surplus
    assert p - 1e-9 <= c1 <= p + 1 / 400
    assert o.producer_surplus[0] == pytest.approx(0.5 * c0 + 0.5 * c1, abs=1e-9)
    # TS-bar = E v - E c = 1.5 - 0.5 (Theorem 2: unchanged by the garbling)
    assert o.total_surplus == pytest.approx(1.0)


def test_tied_costs_earn_nothing():
    """c_2 in {0, 0.4}: when c_2 = 0 both producers tie at cost and producer 1's residual
    is min(v, 0) = 0, so PS_1 = P(c_2 = 0.4) * PS(Example 2 at c_2 = 0.4)."""
    o = example2_random_c2([0.0, 0.4], [0.5, 0.5])
    ref = consumer_optimal_homogeneous([0.0, 1.0], [0.5, 0.5], [0.0, 0.4], size=101).producer_surplus
    assert o.producer_surplus == pytest.approx([0.5 * ref, 0.0], abs=1e-9)
    assert o.verify().ok


@settings(max_examples=8, deadline=None)
@given(st.floats(0.05, 0.45), st.floats(0.5, 0.95), st.floats(0.1, 0.9))
def test_pooling_over_rival_costs_bounds(a, b, q):
    """Producer 1 (cost 0) prices knowing only its own cost while c_2 is a or b. For any
    interim distributions, max_p of a sum is at most the sum of the maxima and at least
    each weighted term's maximum, so
    max_k q_k PS(c_2 = k) <= PS_1 <= sum_k q_k PS(c_2 = k) (each PS the known-cost optimum)."""
    o = example2_random_c2([a, b], [q, 1 - q], size=61)
    pa = consumer_optimal_homogeneous([0.0, 1.0], [0.5, 0.5], [0.0, a], size=61).producer_surplus
    pb = consumer_optimal_homogeneous([0.0, 1.0], [0.5, 0.5], [0.0, b], size=61).producer_surplus
    ps = o.producer_surplus[0]
    assert max(q * pa, (1 - q) * pb) - 1e-9 <= ps <= q * pa + (1 - q) * pb + 1e-9
    v = o.verify()
    assert v.ok, v.failures


def test_unknown_values_bad_inputs():
    with pytest.raises(ValueError, match="homogeneous"):
        consumer_optimal_unknown_values(PricingGame([[1.0, 2.0]], [0.0, 0.0], [1.0]))
    with pytest.raises(ValueError, match="common knowledge"):
        consumer_optimal_unknown_values(homogeneous([0.0, 4.0], [[1.0], [1.0]], [0.5, 0.5]))


def test_monopoly_lp_matches_shared_mpc_scan():
    """Cross-check with the information package's convex-order LP (different code): the
    epigraph LP min_G max_p p G(v' >= p) equals min over grid prices q of
    min_G q G(v' >= q) subject to q being an optimal price under G (mpc_optimize with
    price_optimality_constraints), on the same grid (Roesler & Szentes 2017; BBM25
    Section III.B, N = 1)."""
    from infopricing.information import mpc_optimize, price_optimality_constraints

    y = np.linspace(0.0, 1.0, 41)
    ours = consumer_optimal_homogeneous([0.0, 1.0], [0.5, 0.5], [0.0], grid=y)
    best = np.inf
    for q in y[1:]:
        res = mpc_optimize(([0.0, 1.0], [0.5, 0.5]), q * (y >= q), grid=y, sense="min",
                           constraints=[price_optimality_constraints(y, q, 0.0)])
        if res.status.name == "OPTIMAL":
            best = min(best, res.value)
    assert ours.producer_surplus == pytest.approx(best, abs=1e-9)


def test_proposition2_interim_alignment_with_random_costs():
    """BBM25 Proposition 2 with random costs: for a consumer signal, the garbling keeps
    each cost vector, and Theorem 1 applied to mu' attains PS_i(mu') and TS-bar(mu')
    (efficient for mu'), passing the deviation check. Interim values by hand: signal 0
    pools profiles (4,1) and (1,4) at cost (0,1) into (2.5, 2.5)."""
    from infopricing.competition import alignment_construction, interim_bounds, value_garbling

    g = PricingGame([[4.0, 1.0], [1.0, 4.0], [3.0, 3.0], [2.0, 0.0]],
                    [[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], [0.3, 0.3, 0.2, 0.2])
    signal = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    vg = value_garbling(g, signal)
    assert vg.verify().ok
    pooled = [row for row in range(vg.interim.n_profiles)
              if vg.interim.costs[row].tolist() == [0.0, 1.0] and vg.interim.values[row, 0] == 2.5]
    assert len(pooled) == 1 and vg.interim.values[pooled[0]].tolist() == [2.5, 2.5]
    ib = interim_bounds(vg)
    a = alignment_construction(vg.interim)
    assert a.producer_surplus == pytest.approx(ib["producer_surplus"], abs=1e-9)
    assert a.total_surplus == pytest.approx(ib["total_surplus"], abs=1e-9)
    assert a.expected_consumer_surplus == pytest.approx(ib["expected_consumer_surplus"], abs=1e-9)
    assert a.verify().ok
