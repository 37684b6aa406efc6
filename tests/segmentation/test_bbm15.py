"""BBM 2015 single-product segmentation: surplus triangle, greedy extremal segmentation."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from infopricing import (SingleProductSegmentation, greedy_segmentation, perfect_discrimination,
                         plot_surplus_triangle, segmentation_for_point, surplus_triangle)

EX1_VALUES = [1.0, 3.0, 4.0]
EX1_PRIOR = [0.5, 0.25, 0.25]


def test_bbm25_example1_uniform_price_and_triangle():
    """BBM25 Example 1 (c_i = 0): 'given c_i = 0, the optimal price is p_i = 3'.

    By hand: profits 1*1, 3*1/2, 4*1/4 -> price 3, profit 1.5; efficient surplus
    E[r] = 2.25; without segmentation only r = 4 gains (4 - 3) * 1/4 = 0.25.
    """
    t = surplus_triangle(EX1_VALUES, EX1_PRIOR)
    assert t.uniform_prices.tolist() == [3.0]
    assert t.uniform_profit == pytest.approx(1.5)
    assert t.efficient_surplus == pytest.approx(2.25)
    assert t.uniform_consumer_surplus == pytest.approx(0.25)
    assert t.vertices["consumer_optimal"] == pytest.approx((0.75, 1.5))
    assert t.vertices["perfect_discrimination"] == pytest.approx((0.0, 2.25))
    assert t.vertices["zero_consumer_surplus"] == pytest.approx((0.0, 1.5))


def test_bbm25_example1_paper_segmentation_verifies():
    """BBM25 Example 1, segmentation table: segments 3/4 x (2/3, 1/6, 1/6) priced at 1 and
    1/4 x (0, 1/2, 1/2) priced at 3 average to the prior, are efficient and keep price 3
    optimal in both (producer surplus unchanged at 1.5)."""
    seg = SingleProductSegmentation.from_markets(
        EX1_VALUES, EX1_PRIOR, [0.75, 0.25], [[2 / 3, 1 / 6, 1 / 6], [0, 0.5, 0.5]])
    assert seg.prices.tolist() == [1.0, 3.0]
    rep = seg.verify()
    assert rep.ok, rep.failures
    assert seg.producer_surplus == pytest.approx(1.5)
    assert seg.expected_consumer_surplus == pytest.approx(0.75)


def test_bbm25_example1_paper_segmentation_is_not_uniform():
    """BBM25 Appendix A1 asks for (p - c) x([p, inf)) to be the same for every p in supp x;
    the Example 1 table does not have that stronger property (price 4 earns 4/6 < 1 in the
    first segment and 2 < 3 in the second), which the proof does not need."""
    seg = SingleProductSegmentation.from_markets(
        EX1_VALUES, EX1_PRIOR, [0.75, 0.25], [[2 / 3, 1 / 6, 1 / 6], [0, 0.5, 0.5]],
        properties=("efficient", "profit_preserving", "uniform"))
    rep = seg.verify()
    assert not rep.ok
    assert any("uniform" in f for f in rep.failures)


def test_greedy_example1_properties():
    """Greedy on BBM25 Example 1 (c = 0): a valid uniform profit-preserving segmentation;
    first segment is the extremal market on {1, 3, 4}: demand (1, 1/3, 1/4) -> (2/3, 1/12, 1/4),
    with the largest weight 3/4 that the prior's mass at 1 allows."""
    g = greedy_segmentation(EX1_VALUES, EX1_PRIOR)
    assert g.verify().ok
    np.testing.assert_allclose(g.markets[0], [2 / 3, 1 / 12, 1 / 4])
    assert g.weights[0] == pytest.approx(0.75)
    assert g.producer_surplus == pytest.approx(1.5)
    assert g.expected_consumer_surplus == pytest.approx(0.75)
    np.testing.assert_allclose(g.weights @ g.markets, EX1_PRIOR, atol=1e-12)


def test_greedy_with_cost_by_hand():
    """Values {3, 4} equally likely, cost 1 (BBM25 Example 1, c_i = 1 residuals): extremal
    market on {3, 4} has demand (3-1)/(4-1) = 2/3 at 4, i.e. (1/3, 2/3); weight 3/4 empties
    value 4; the rest is a point mass at 3."""
    g = greedy_segmentation([3.0, 4.0], [0.5, 0.5], cost=1.0)
    np.testing.assert_allclose(g.weights, [0.75, 0.25])
    np.testing.assert_allclose(g.markets, [[1 / 3, 2 / 3], [1.0, 0.0]])
    assert g.producer_surplus == pytest.approx(2.0)  # (3-1) * 1
    assert g.verify().ok


def test_values_at_or_below_cost_go_to_no_trade_segment():
    g = greedy_segmentation([0, 1, 2, 3, 4], [0.2] * 5, cost=1.5)
    assert g.verify().ok
    # the last segment holds the values 0 and 1 (below cost) and nobody there buys
    np.testing.assert_allclose(g.markets[-1], [0.5, 0.5, 0, 0, 0])
    assert g.weights[-1] == pytest.approx(0.4)
    # uniform: prices 2, 3, 4 earn 0.5*0.6=0.3... best is 3: (3-1.5)*0.4 = 0.6
    assert g.producer_surplus == pytest.approx(0.6)
    assert g.total_surplus == pytest.approx(0.2 * (0.5 + 1.5 + 2.5))


@st.composite
def markets(draw):
    k = draw(st.integers(1, 7))
    vals = sorted(draw(st.sets(st.integers(0, 40), min_size=k, max_size=k)))
    w = np.array(draw(st.lists(st.integers(0, 20), min_size=k, max_size=k)), dtype=float)
    if w.sum() == 0:
        w[-1] = 1.0
    cost = draw(st.sampled_from([0.0, 0.0, 2.5, 7.0]))
    return np.array(vals, dtype=float) / 4, w / w.sum(), cost


@settings(max_examples=60, deadline=None)
@given(markets())
def test_greedy_properties_hypothesis(m):
    """Greedy always averages to the prior, is efficient and profit-preserving (BBM15 Thm 1)."""
    v, f, c = m
    g = greedy_segmentation(v, f, c)
    rep = g.verify()
    assert rep.ok, rep.failures
    t = surplus_triangle(v, f, c)
    assert g.producer_surplus == pytest.approx(t.uniform_profit, abs=1e-9)
    assert g.total_surplus == pytest.approx(t.efficient_surplus, abs=1e-9)
    assert g.n_segments <= v.size + 1


@settings(max_examples=40, deadline=None)
@given(markets(), st.floats(0, 1), st.floats(0, 1))
def test_point_of_triangle_hypothesis(m, a, b):
    """Every point of the surplus triangle is attained (BBM15 Theorem 1)."""
    v, f, c = m
    t = surplus_triangle(v, f, c)
    gap = t.efficient_surplus - t.uniform_profit
    a, b = min(a, 1 - b), b
    cs, ps = a * gap, t.uniform_profit + b * gap
    s = segmentation_for_point(v, f, cs, ps, c)
    assert s.verify().ok
    if gap > 1e-9:
        assert s.expected_consumer_surplus == pytest.approx(cs, abs=1e-9)
        assert s.producer_surplus == pytest.approx(ps, abs=1e-9)


def test_perfect_discrimination_vertex():
    s = perfect_discrimination(EX1_VALUES, EX1_PRIOR)
    assert s.verify().ok
    assert s.producer_surplus == pytest.approx(2.25)
    assert s.expected_consumer_surplus == pytest.approx(0.0)


def test_point_outside_triangle_rejected():
    with pytest.raises(ValueError, match="outside the surplus triangle"):
        segmentation_for_point(EX1_VALUES, EX1_PRIOR, 1.0, 1.5)


@pytest.mark.parametrize("values,prior,match", [
    ([3, 1, 4], [0.5, 0.25, 0.25], "increasing"),
    ([1, 3, 3], [0.5, 0.25, 0.25], "duplicates"),
    ([1, 3, 4], [0.5, 0.25, 0.3], "sum to 1"),
    ([1, 3, 4], [0.5, 0.5], "3 entries"),
    ([1, 3, 4], [1.5, -0.25, -0.25], "non-negative"),
])
def test_bad_inputs(values, prior, match):
    with pytest.raises(ValueError, match=match):
        greedy_segmentation(values, prior)


def test_plot_returns_figure():
    t = surplus_triangle(EX1_VALUES, EX1_PRIOR)
    fig = plot_surplus_triangle(t, {"greedy": greedy_segmentation(EX1_VALUES, EX1_PRIOR)})
    assert fig.axes and fig.axes[0].get_xlabel() == "consumer surplus"


def test_paper_table_verifies_exactly():
    """BBM25 Example 1 table checked in rational arithmetic (2/3, 1/6, 1/6 as written)."""
    seg = SingleProductSegmentation.from_markets(
        EX1_VALUES, EX1_PRIOR, [0.75, 0.25], [[2 / 3, 1 / 6, 1 / 6], [0, 0.5, 0.5]])
    assert seg.verify(exact=True).ok


def test_greedy_exact_example1():
    """Exact greedy on BBM25 Example 1: weights 3/4, 1/12, 1/6 (hand computation: after the
    first extremal segment the residual is (0, 3/16, 1/16) on {3, 4}, whose extremal market
    (1/4, 3/4) can be taken with weight 1/12)."""
    from fractions import Fraction as Fr

    g = greedy_segmentation(EX1_VALUES, EX1_PRIOR, exact=True)
    assert g.exact["weights"] == (Fr(3, 4), Fr(1, 12), Fr(1, 6))
    assert g.verify(exact=True).ok


@settings(max_examples=40, deadline=None)
@given(markets())
def test_greedy_exact_hypothesis(m):
    """Exact construction: averaging, efficiency and profit preservation hold with equality."""
    v, f, c = m
    g = greedy_segmentation(v, f, c, exact=True)
    rep = g.verify(exact=True)
    assert rep.ok, rep.failures
