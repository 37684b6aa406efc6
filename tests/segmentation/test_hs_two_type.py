"""HS section 5: two types (Lemma 1, Proposition 2, Figure 1) and genericity (section 6.2)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from infopricing import catalog
from infopricing import Environment, optimal_mechanism
from infopricing.segmentation import (genericity_hyperplanes, pareto_improving_segmentation,
                                      two_type_profile)


def test_section3_profile():
    """HS Figure 1(a): thresholds 0 < 1/4 < 3/4 < 1, t2's surplus 1, 1/4, 0; q = 3/4 is the
    only inefficient non-improvable market (efficient selection)."""
    env = catalog.hs_section3()
    p = two_type_profile(env)
    assert (p.high, p.low) == (1, 0)
    assert p.thresholds == (0, Fraction(1, 4), Fraction(3, 4), 1)
    assert p.surplus == (1, Fraction(1, 4), 0)
    assert p.efficient_intervals == (True, False, False)
    assert p.non_improvable == (Fraction(3, 4),)
    assert p.high_surplus(Fraction(1, 2)) == Fraction(1, 4)
    with pytest.raises(ValueError, match="threshold"):
        p.high_surplus(Fraction(1, 4))
    assert p.verify().ok
    # with the adverse selection q = 3/4 gets the exclusion menu and becomes improvable
    assert two_type_profile(env, selection="adverse").non_improvable == ()


def test_kink_lottery_is_optimal():
    """A random allocation to the low type can be strictly optimal (HS footnote 10): one
    alternative gives t_H more than t_L, another less; the mixture equalising them leaves
    t_H no rent. t_L: (2, 1.5), t_H: (3, 1)."""
    env = Environment([[2.0, 1.5], [3.0, 1.0]])
    p = two_type_profile(env)
    assert p.high == 1
    lots = [tuple(l) for l in p.low_allocations]
    # t_L values (2, 1.5), t_H (3, 1): d = (1, -0.5); kink lottery puts 1/3 on a1
    assert (Fraction(1, 3), Fraction(2, 3)) in lots
    assert p.verify().ok


def test_no_high_type_all_efficient():
    env = Environment([[2.0, 1.0], [1.0, 3.0]])
    p = two_type_profile(env)
    assert p.high is None and p.surplus == (0,) and p.non_improvable == ()
    for q in (0.2, 0.5, 0.8):
        assert optimal_mechanism(env, [1 - q, q]).is_efficient


def test_profile_validation():
    with pytest.raises(ValueError, match="exactly 2 types"):
        two_type_profile(Environment([[1.0], [2.0], [3.0]]))
    with pytest.raises(ValueError, match="unique efficient"):
        two_type_profile(Environment([[1.0, 1.0], [2.0, 3.0]]))


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 4), st.lists(st.integers(0, 30), min_size=8, max_size=8))
def test_random_two_type_profiles(k, vals):
    """HS Lemma 1 / Proposition 2 on random two-type environments: the profile agrees with
    the menu LP inside every interval; at most k non-improvable markets; at interior points
    of inefficient intervals Theorem 1 finds a Pareto-improving segmentation (or says it
    does not apply), and at the listed markets it never claims one."""
    V = np.array(vals[: 2 * k], dtype=float).reshape(2, k) / 4
    env = Environment(V)
    if not env.has_unique_efficient_alternatives:
        return
    p = two_type_profile(env)
    assert p.verify(samples_per_interval=1).ok
    assert len(p.non_improvable) <= k
    for j in range(p.n_intervals):
        if p.efficient_intervals[j]:
            continue
        q = (p.thresholds[j] + p.thresholds[j + 1]) / 2
        r = pareto_improving_segmentation(env, p.market(q).probabilities)
        assert r.improvable is True
        assert r.verify().ok
    for q in p.non_improvable:
        r = pareto_improving_segmentation(env, p.market(q).probabilities)
        assert r.improvable is not True


def test_genericity_section3():
    """HS Figure 2: the hyperplanes are f(t1) = 3 f(t2) (q = 1/4) and 3 f(t1) = f(t2)
    (q = 3/4); the payment rules are the three menus' (1,1), (3/4, 7/4), (0, 2)."""
    g = genericity_hyperplanes(catalog.hs_section3())
    assert g.complete
    assert set(g.hyperplanes) == {(1, -3), (3, -1)}
    assert set(g.payment_rules) == {(1, 1), (Fraction(3, 4), Fraction(7, 4)), (0, 2)}
    assert g.on_hyperplanes([0.25, 0.75]) == [(3, -1)]
    assert g.verify().ok


def test_genericity_three_types_covers_nonunique_markets():
    """HS Lemma 4: every market with multiple optimal payment rules lies on some H(b).
    Markets on each hyperplane (midpoints of its segment in the simplex) are checked to have
    non-unique payments for at least one found plane, and random markets off the planes
    have unique payment rules."""
    from infopricing import payment_rule_is_unique

    env = Environment([[1.0, 0.5], [2.0, 2.5], [1.5, 3.0]])
    g = genericity_hyperplanes(env)
    assert g.complete and g.verify().ok
    rng = np.random.default_rng(5)
    for _ in range(15):
        f = rng.dirichlet(np.ones(3))
        if not g.on_hyperplanes(f, atol=1e-6):
            assert payment_rule_is_unique(env, f).unique_on_support
    # the screening/efficient boundary markets are on a plane and are non-unique there
    hits = 0
    for b in g.hyperplanes:
        bb = np.array(b, dtype=float)
        # a market on H(b) inside the simplex: combine two simplex vertices of opposite sign
        pos = [i for i in range(3) if bb[i] > 0]
        neg = [i for i in range(3) if bb[i] < 0]
        if not pos or not neg:
            continue
        i, j = pos[0], neg[0]
        f = np.zeros(3)
        f[i], f[j] = -bb[j], bb[i]
        f /= f.sum()
        if not payment_rule_is_unique(env, f).unique_on_support:
            hits += 1
    assert hits >= 1
    with pytest.raises(ValueError, match="between 2 and"):
        genericity_hyperplanes(Environment(np.ones((5, 2)) + np.eye(5, 2)))


def test_genericity_covers_markets_with_several_payment_rules_on_their_support():
    """Every grid market whose optimal payment rule is not unique on its support lies on a
    listed H(b); markets that differ only in a zero-mass type's payment (on a face of the
    simplex) need not (documented). Environment and market from a user review."""
    import itertools

    from infopricing.screening import payment_rule_is_unique

    env = Environment([[2, 3], [0.75, 2.5], [2, 0.75]])
    g = genericity_hyperplanes(env)
    assert g.complete
    u = payment_rule_is_unique(env, [0, 0.25, 0.75])
    assert u.unique_on_support and not u.unique
    steps = 12
    checked = 0
    for a, b in itertools.product(range(steps + 1), repeat=2):
        if a + b > steps:
            continue
        f = np.array([a, b, steps - a - b]) / steps
        if not payment_rule_is_unique(env, f).unique_on_support:
            checked += 1
            assert g.on_hyperplanes(f), f
    assert checked > 0
