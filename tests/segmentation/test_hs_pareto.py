"""HS Proposition 3, Theorem 1, information-rent paths, Proposition 1 (single product)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from infopricing import catalog
from infopricing import Environment, Market, optimal_mechanism
from infopricing.segmentation import (information_rent_path, pareto_dominating_market,
                                      pareto_improving_segmentation,
                                      single_product_pareto_segmentation)


@pytest.fixture
def sec3():
    return catalog.hs_section3()


@pytest.fixture
def ex611():
    # HS 6.1.1: t1 lowest, prefers a1; t2, t3 prefer a2; t2's a2-premium 0.5 < t3's 1.5
    return catalog.hs_section611()


def test_rent_path_section3(sec3):
    """HS 6.1.2 on section 3 at q = 1/2: t2's IC towards t1 binds, t1's IR binds."""
    m = optimal_mechanism(sec3, [0.5, 0.5])
    p = information_rent_path(m, "t2")
    assert p.types == (1, 0)
    assert p.surplus == (Fraction(1, 4), Fraction(0))
    assert p.payments == (Fraction(7, 4), Fraction(3, 4))
    assert p.efficient == (True, False)
    assert p.verify().ok and p.verify(exact=False).ok
    # a zero-surplus type is its own path
    assert information_rent_path(m, "t1").types == (0,)


def test_rent_path_rejects_bad_inputs(sec3):
    m = optimal_mechanism(sec3, [1.0, 0.0])
    with pytest.raises(ValueError, match="no mass"):
        information_rent_path(m, "t2")
    with pytest.raises(ValueError, match="unknown type"):
        information_rent_path(m, "t9")
    # a hand-built mechanism leaving rent with no binding constraint is not optimal
    from infopricing import Mechanism

    bad = Mechanism(env=sec3, market=Market(sec3, [0.5, 0.5]), allocation=[[1, 0], [0, 1]],
                    payments=[0.5, 1.0])
    with pytest.raises(ValueError, match="not revenue-optimal"):
        information_rent_path(bad, "t2")


def test_dominating_market_section611(ex611):
    """HS 6.1.1/6.1.2: start at t2 (inefficient), path t2 -> t1, t' = t3; f' has all three
    types; M* sells a2 at v(t2,a2) - v(t2,a1) + v(t1,a1) = 1.5, so t3's surplus rises from
    0.5 to 1.5 and t2 keeps 1."""
    D = pareto_dominating_market(ex611, [0.5, 0.1, 0.4])
    assert D.exists and D.confirmed
    assert D.inefficient_type == 1 and D.path == (1, 0) and D.new_type == 2
    assert D.chain == (2, 1, 0)
    assert D.payments_star[1] == Fraction(3, 2) and D.payments_star[2] == Fraction(3, 2)
    assert D.payments_star[0] == 1
    assert D.surplus_original == (0, 1, Fraction(1, 2))
    assert D.surplus_star == (0, 1, Fraction(3, 2))
    f = D.exact_probabilities
    assert all(x > 0 for x in f) and sum(f) == 1
    # Lemma 5 conditions hold for the chosen ratios r_j = F(t_{j-1})/F(t_j):
    # t2 after t3: a1 vs a2: 0.5 > r (v(t3,a2) - v(t3,a1) = 1.5) -> r < 1/3
    assert D.ratios[0] < Fraction(1, 3)
    assert D.verify().ok


def test_dominating_market_efficient_market(sec3):
    D = pareto_dominating_market(sec3, [0.9, 0.1])
    assert not D.exists and "Observation 1" in D.reason
    assert D.verify().ok


def test_dominating_market_needs_unique_efficient_alternative():
    env = Environment([[1.0, 1.0], [1.0, 3.0], [2.0, 2.5]])  # t1 indifferent between a1, a2
    m = optimal_mechanism(env, [0.6, 0.2, 0.2])
    assert not m.is_efficient
    with pytest.raises(ValueError, match="unique efficient"):
        pareto_dominating_market(env, [0.6, 0.2, 0.2])


def test_theorem1_section3(sec3):
    """HS Theorem 1 at q = 1/2: f = eps f' + (1-eps) f''; f' (q' = 1/8 < 1/4: efficient,
    type 2 surplus 1) Pareto dominates, f'' keeps the screening menu (surplus 0.25)."""
    r = pareto_improving_segmentation(sec3, [0.5, 0.5])
    assert r.improvable is True
    s = r.segmentation
    assert s.n_segments == 2
    assert s.surplus[0, 1] == pytest.approx(1.0) and s.surplus[1, 1] == pytest.approx(0.25)
    assert s.markets[0].probabilities[1] < 0.25 < s.markets[1].probabilities[1] < 0.75
    assert s.revenue_change > 0
    assert r.verify(exact=True).ok


def test_theorem1_outcomes(sec3):
    efficient = pareto_improving_segmentation(sec3, [0.9, 0.1])
    assert efficient.improvable is False and "Observation 1" in efficient.reason
    assert efficient.verify().ok
    on_plane = pareto_improving_segmentation(sec3, [0.25, 0.75])
    assert on_plane.improvable is None and "multiple optimal payment rules" in on_plane.reason
    with pytest.raises(ValueError, match="method"):
        pareto_improving_segmentation(sec3, [0.5, 0.5], method="magic")
    with pytest.raises(ValueError, match="different environment"):
        pareto_improving_segmentation(sec3, Market(Environment([[1.0], [2.0]]), [0.5, 0.5]))
    with pytest.raises(ValueError):
        pareto_improving_segmentation(sec3, [0.5, 0.3, 0.2])


@st.composite
def env_market(draw, n_min=3, n_max=6):
    n = draw(st.integers(n_min, n_max))
    k = draw(st.integers(2, 4))
    vals = draw(st.lists(st.integers(0, 40), min_size=n * k, max_size=n * k))
    V = np.array(vals, dtype=float).reshape(n, k) / 8
    w = draw(st.lists(st.integers(1, 20), min_size=n, max_size=n))
    f = np.array(w, dtype=float) / sum(w)
    return V, f


@settings(max_examples=25, deadline=None)
@given(env_market())
def test_theorem1_random_environments_verify_exactly(data):
    """Random environments with 3-6 types and 2-4 alternatives: Theorem 1's segmentation,
    when returned, verifies exactly (averaging, IC/IR, optimality by exact duality, Pareto),
    and strictly raises revenue; efficient markets get False; otherwise None only when the
    payment rule is not unique."""
    V, f = data
    env = Environment(V)
    m = optimal_mechanism(env, f)
    if not env.has_unique_efficient_alternatives and not m.is_efficient:
        return
    r = pareto_improving_segmentation(env, f)
    if m.is_efficient:
        assert r.improvable is False
        return
    from infopricing import payment_rule_is_unique

    if r.improvable is None:
        assert not payment_rule_is_unique(env, f).unique_on_support
        return
    assert r.improvable is True
    v = r.verify(exact=True)
    assert v.ok, v.failures
    assert r.segmentation.revenue_change > 0
    assert r.dominating.verify().ok and r.dominating.confirmed


def test_single_product_section3():
    """HS section 3 / Proposition 1: quarter type 1 -> Pareto-improving segmentation."""
    env = Environment([[1.0], [2.0]])
    r = single_product_pareto_segmentation(env, [0.25, 0.75])
    assert r.improvable is True
    assert r.verify(exact=True).ok
    assert single_product_pareto_segmentation(env, [0.75, 0.25]).improvable is False
    with pytest.raises(ValueError, match="single alternative"):
        single_product_pareto_segmentation(Environment([[1.0, 2.0], [2.0, 3.0]]), [0.5, 0.5])


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=2, max_size=6),
       st.lists(st.integers(1, 20), min_size=6, max_size=6))
def test_single_product_every_inefficient_market_improvable(vals, w):
    """HS Proposition 1 (with the efficient selection, footnote 7): every inefficient
    single-alternative market is Pareto improvable; the BBM segmentation verifies."""
    n = len(vals)
    env = Environment(np.array(vals, dtype=float)[:, None])
    f = np.array(w[:n], dtype=float) / sum(w[:n])
    r = single_product_pareto_segmentation(env, f)
    m = optimal_mechanism(env, f)
    assert r.improvable is (not m.is_efficient)
    if r.improvable:
        assert r.verify().ok


def test_zero_mass_inefficiency_verifies():
    """A market whose only inefficiently served type has zero mass (values (2, 3) and
    (1, 5), all mass on t2): every segment of a one-type market is that market, so
    nothing can be Pareto improved; the answer says so and its verification passes (it
    used to fail, counting the zero-mass type as inefficiency)."""
    from infopricing.segmentation import pareto_analysis

    env = Environment([[2.0, 3.0], [1.0, 5.0]])
    a = pareto_analysis(env, [0.0, 1.0])
    assert not a.mechanism.is_efficient          # t1 (mass 0) gets a lottery
    assert a.improvement.improvable is False and not a.dominating.exists
    assert a.verify().ok and a.improvement.verify().ok and a.dominating.verify().ok
