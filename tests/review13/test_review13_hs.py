"""review13: HS menus and the Pareto-improvement test on the reviewer's own markets,
checked against independent LPs (scipy's linprog) and hand derivations."""
from fractions import Fraction

import numpy as np
import pytest

import infopricing as ip
from _review13_independent import check_menu, menu_revenue, selected_consumer_surplus

# Two types, three alternatives (HS section 5). Hand derivation of the optimal menus, with
# q the mass of H: (i) a3 at 2.5 to both: 2.5, CS_H = 2.5 (efficient); (ii) L gets a2 at 2,
# H gets a3 at 4 (IC: 5 - p >= 3 - 2): 2 + 2q, CS_H = 1; (iii) L gets a1 at 1, H a3 at 4.5:
# 1 + 3.5q; (iv) only H, a3 at 5: 5q. (ii) beats (i) iff q > 1/4; (iii) and (iv) beat (ii)
# iff q > 2/3, where all three tie at 10/3. So CS_H = 2.5 on q < 1/4, 1 on (1/4, 2/3) and
# 0 above. HS Proposition 2: the inefficient markets inside an interval are Pareto
# improvable (split towards the neighbouring interval with more CS_H), while at q = 2/3
# the efficient selection picks (ii) (largest total surplus), so CS_H = 1 there and any
# segment with q'' > 2/3 gives H nothing: q = 2/3 is not Pareto improvable.
V2 = np.array([[1, 2, 2.5], [1.5, 3, 5]])
ENV2 = ip.Environment(V2, types=["L", "H"])


def _hand_revenue(q):
    return max(2.5, 2 + 2 * q, 1 + 3.5 * q, 5 * q)


@pytest.mark.parametrize("q", [0.1, 0.3, 0.5, 0.65, 0.7, 0.9])
def test_two_type_menu_matches_hand_derivation_and_linprog(q):
    m = ip.optimal_mechanism(ENV2, [1 - q, q])
    assert m.revenue == pytest.approx(_hand_revenue(q), abs=1e-9)
    assert m.revenue == pytest.approx(menu_revenue(V2, [1 - q, q]), abs=1e-9)
    u = check_menu(V2, m.allocation, m.payments)
    assert u[1] == pytest.approx(2.5 if q < 0.25 else 1.0 if q < 2 / 3 else 0.0, abs=1e-9)


@pytest.mark.parametrize("q, improvable", [(0.2, False), (0.3, True), (0.6666, True), (0.7, True)])
def test_two_type_pareto_decision_follows_proposition_2(q, improvable):
    ex = ip.exact_pareto_improvement(ENV2, [1 - q, q])
    assert ex.improvable is improvable and ex.verify().ok
    if improvable:       # the segmentation really improves: averages, no type loses
        s = ex.segmentation
        np.testing.assert_allclose(np.asarray(s.weights) @ np.array([mk.probabilities for mk in s.markets]),
                                   [1 - q, q], atol=1e-12)
        m = ip.optimal_mechanism(ENV2, [1 - q, q])
        assert (np.asarray(s.consumer_surplus) >= m.consumer_surplus - 1e-9).all()
        assert (np.asarray(s.consumer_surplus) > m.consumer_surplus + 1e-9).any()


def test_breakpoint_given_as_fractions_is_decided_not_improvable():
    """At q = 2/3 in floats the exact path says "within tolerance of the boundary"
    (improvable None, honestly); given as Fractions it decides: not improvable (hand
    derivation above), with an exact certificate."""
    ex = ip.exact_pareto_improvement(ENV2, [Fraction(1, 3), Fraction(2, 3)])
    assert ex.improvable is False
    assert ex.verify(exact=True).ok
    fl = ip.exact_pareto_improvement(ENV2, [1 / 3, 2 / 3])
    assert fl.improvable in (None, False)


# Four types with a revenue tie: y at 2 sells to a, b, c (0.9 x 2 = 1.8) and y at 3 to b, c
# (0.6 x 3 = 1.8); type z values nothing.
V4 = np.array([[0, 0], [1, 2], [2, 3], [3, 3.5]])
F4 = [0.1, 0.3, 0.3, 0.3]


# The documented rules (optimal_mechanism, Notes): over the optimal face, efficient
# maximises the unweighted sum_t v_t . x_t then sum_t u_t; consumer maximises sum_t u_t;
# adverse minimises it. Here each rule's face has a single expected consumer surplus:
# 0.75 (price 2) for efficient and consumer, 0.15 (price 3) for adverse.
RULES = {"efficient": [("welfare", "max"), ("cs", "max")], "consumer": [("cs", "max"), ("welfare", "max")],
         "adverse": [("cs", "min"), ("welfare", "max")]}


@pytest.mark.parametrize("rule, expected", [("consumer", 0.75), ("adverse", 0.15), ("efficient", 0.75)])
def test_selection_rules_on_a_revenue_tie_match_own_lexicographic_lps(rule, expected):
    m = ip.optimal_mechanism(ip.Environment(V4), F4, selection=rule)
    lo, hi = selected_consumer_surplus(V4, F4, RULES[rule])
    assert lo == pytest.approx(hi, abs=1e-7) and lo == pytest.approx(expected, abs=1e-7)
    assert m.revenue == pytest.approx(1.8, abs=1e-9)
    assert m.expected_consumer_surplus == pytest.approx(expected, abs=1e-7)
    check_menu(V4, m.allocation, m.payments)


def test_costs_negative_values_and_rescaling_match_own_lp():
    V = np.array([[1, 2], [2, 3], [3, 3.5]])
    f = [0.3, 0.3, 0.4]
    m = ip.optimal_mechanism(ip.Environment(V, costs=[0.5, 1.5]), f)
    assert m.revenue == pytest.approx(menu_revenue(V, f, costs=[0.5, 1.5]), abs=1e-9)
    assert m.verify(exact=True).ok
    W = np.array([[-1, 2], [2, -3], [1, 1]])
    m = ip.optimal_mechanism(ip.Environment(W), f)
    assert m.revenue == pytest.approx(menu_revenue(W, f), abs=1e-9) and m.verify(exact=True).ok
    for s in (1e-6, 1e6):             # revenue is homogeneous of degree one in values (2.1)
        ms = ip.optimal_mechanism(ip.Environment(V * s), f)
        assert ms.revenue / s == pytest.approx(2.1, rel=1e-9) and ms.verify(exact=True).ok
