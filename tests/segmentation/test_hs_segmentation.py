"""Tests of the Segmentation result (HS section 4 and 4.1 definitions)."""

from fractions import Fraction

import numpy as np
import pytest

from infopricing import catalog
from infopricing import Environment, Market
from infopricing.segmentation.segment_welfare import Segmentation, rational_vector, revenue_upper_bound


@pytest.fixture
def single():
    # HS section 3, single product: type-1 value 1, type-2 value 2
    return Environment([[1.0], [2.0]])


@pytest.fixture
def two_alt():
    # HS section 3, two alternatives (L, H): t1 values 0.75, 1; t2 values 1, 2
    return catalog.hs_section3()


def test_section3_single_product_segmentation_is_pareto_improving(single):
    """HS section 3: a quarter type 1, three quarters type 2; segment {all t1 + some t2} and
    {rest of t2}: type 2 in the first segment gains 1, everybody else keeps 0."""
    m = Market(single, [0.25, 0.75])
    # segment 1: all t1 plus t2 mass 0.125 -> (2/3, 1/3) with weight 3/8 (price 1 optimal)
    seg = Segmentation(m, [0.375, 0.625], [[2 / 3, 1 / 3], [0.0, 1.0]],
                       exact_weights=[Fraction(3, 8), Fraction(5, 8)],
                       exact_markets=[[Fraction(2, 3), Fraction(1, 3)], [0, 1]])
    assert np.allclose(seg.original_surplus, [0, 0])
    assert np.allclose(seg.surplus, [[0, 1], [0, 0]])
    assert seg.is_pareto_improving
    # revenue: 3/8 * 1 + 5/8 * 2 = 13/8 > 1.5 = 0.75 * 2
    assert seg.revenue == pytest.approx(13 / 8)
    assert seg.revenue_change == pytest.approx(13 / 8 - 1.5)
    # per-type expected change: t2 in segment 1 has mass 0.125 of 0.75 -> 1/6
    assert np.allclose(seg.type_surplus_change, [0, 1 / 6])
    assert seg.verify().ok
    v = seg.verify(exact=True)
    assert v.ok, v.failures
    assert v.details["surplus_change"][0] == [0, 1]


def test_section3_two_alternatives_q_075_splits_hurt_type2(two_alt):
    """HS section 3: at type-2 share 3/4 any non-trivial segmentation has a segment with
    more than 3/4 type 2, where type 2's surplus falls from 0.25 to 0."""
    m = Market(two_alt, [0.25, 0.75])
    seg = Segmentation(m, [0.5, 0.5], [[0.4, 0.6], [0.1, 0.9]])
    assert seg.original_surplus[1] == pytest.approx(0.25)
    assert seg.surplus[1, 1] == pytest.approx(0.0)
    assert not seg.is_pareto_improving
    assert seg.pareto_report()["weakly_dominates"] == [True, False]
    assert seg.verify(check_pareto=False).ok
    assert not seg.verify(check_pareto=True).ok


def test_validation_errors(single, two_alt):
    m = Market(single, [0.5, 0.5])
    with pytest.raises(ValueError, match="average"):
        Segmentation(m, [0.5, 0.5], [[1, 0], [0.2, 0.8]])
    with pytest.raises(ValueError, match="non-negative"):
        Segmentation(m, [1.5, -0.5], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="sum to 1"):
        Segmentation(m, [0.5, 0.4], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="different environment"):
        Segmentation(m, [1.0], [Market(two_alt, [0.5, 0.5])])
    with pytest.raises(ValueError, match="markets\\[0\\]"):
        Segmentation(m, [1.0], [[0.5, 0.5, 0.0]])
    with pytest.raises(ValueError, match="weights has"):
        Segmentation(m, [0.5, 0.5], [[0.5, 0.5]])
    with pytest.raises(TypeError):
        Segmentation([0.5, 0.5], [1.0], [[0.5, 0.5]])


def test_exact_averaging_detects_inexact_segments(single):
    m = Market(single, [0.5, 0.5])
    # floats average within 1e-7 but the exact data given do not
    seg = Segmentation(m, [0.5, 0.5], [[0.3, 0.7], [0.7, 0.3]],
                       exact_weights=[Fraction(1, 2), Fraction(1, 2)],
                       exact_markets=[[Fraction(3, 10), Fraction(7, 10)], [Fraction(7, 10), Fraction(3, 10)]])
    assert seg.verify(exact=True, check_pareto=False).ok
    bad = Segmentation(m, [0.5, 0.5], [[0.3, 0.7], [0.7, 0.3]],
                       exact_weights=[Fraction(1, 2), Fraction(1, 2)],
                       exact_markets=[[Fraction(3, 10), Fraction(7, 10)], [Fraction(701, 1000), Fraction(299, 1000)]])
    assert not bad.verify(exact=True, check_pareto=False).ok


def test_revenue_upper_bound_matches_closed_form(two_alt):
    """Optimal revenue of the HS section 3 example: max(1, 0.75 + q, 2q) at share q of t2."""
    for q in (Fraction(1, 10), Fraction(1, 2), Fraction(9, 10)):
        ub = revenue_upper_bound(two_alt, [1 - q, q], exact=True)
        assert ub == max(Fraction(1), Fraction(3, 4) + q, 2 * q)


def test_rational_vector():
    assert rational_vector([0.1, 0.9], total=1) == (Fraction(1, 10), Fraction(9, 10))
    r = rational_vector([1 / 3, 1 / 3, 1 / 3], total=1)
    assert sum(r) == 1
