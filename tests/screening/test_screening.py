"""Revenue-optimal menus (HS section 4): paper example, certificates, selection, properties."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from infopricing import catalog
from infopricing import (Environment, Market, Mechanism, best_posted_price, optimal_mechanism,
                         payment_rule_is_unique)

FIG1A = catalog.hs_section3()


def _independent_revenue(values, probs):
    """Optimal revenue from the textbook (x, p) formulation, solved by scipy's linprog.

    Variables x[t, a], p[t]; IC v_t.x_t - p_t >= v_t.x_s - p_s, IR v_t.x_t - p_t >= 0,
    sum_a x[t, a] <= 1 — a different formulation from the library's utility variables."""
    n, k = values.shape
    N = n * k + n
    rows, b = [], []
    for t in range(n):
        for s in range(n):
            if s == t:
                continue
            r = np.zeros(N)
            r[t * k:(t + 1) * k] -= values[t]
            r[n * k + t] += 1
            r[s * k:(s + 1) * k] += values[t]
            r[n * k + s] -= 1
            rows.append(r)
            b.append(0.0)
        r = np.zeros(N)
        r[t * k:(t + 1) * k] -= values[t]
        r[n * k + t] += 1
        rows.append(r)
        b.append(0.0)
        r = np.zeros(N)
        r[t * k:(t + 1) * k] = 1
        rows.append(r)
        b.append(1.0)
    c = np.concatenate([np.zeros(n * k), -np.asarray(probs)])
    bounds = [(0, None)] * (n * k) + [(None, None)] * n
    res = linprog(c, A_ub=np.array(rows), b_ub=np.array(b), bounds=bounds, method="highs")
    assert res.status == 0
    return -res.fun


@pytest.mark.parametrize("q", np.linspace(0.01, 0.99, 25))
def test_hs_section3_figure1a_menus_over_whole_range(q):
    """HS section 3 / Figure 1(a): efficient for q < 1/4 (H at 1 to both), screening for
    1/4 < q < 3/4 (L at 0.75, H at 1.75, type-2 surplus 0.25), exclusion for q > 3/4 (H at 2)."""
    m = optimal_mechanism(FIG1A, [1 - q, q])
    assert m.verify().ok and m.verify(exact=True).ok
    if q < 0.25:
        np.testing.assert_allclose(m.allocation, [[0, 1], [0, 1]], atol=1e-9)
        np.testing.assert_allclose(m.prices, [1.0, 1.0], atol=1e-9)
        assert m.is_efficient
        assert m.revenue == pytest.approx(1.0)
    elif q < 0.75:
        np.testing.assert_allclose(m.allocation, [[1, 0], [0, 1]], atol=1e-9)
        np.testing.assert_allclose(m.prices, [0.75, 1.75], atol=1e-9)
        np.testing.assert_allclose(m.utilities, [0.0, 0.25], atol=1e-9)
        assert not m.is_efficient
        assert m.revenue == pytest.approx(0.75 * (1 - q) + 1.75 * q)
    else:
        np.testing.assert_allclose(m.allocation, [[0, 0], [0, 1]], atol=1e-9)
        np.testing.assert_allclose(m.prices[1], 2.0, atol=1e-9)
        np.testing.assert_allclose(m.utilities, [0.0, 0.0], atol=1e-9)
        assert m.revenue == pytest.approx(2 * q)


@pytest.mark.parametrize("q, selection, regime", [
    (0.25, "efficient", "efficient"), (0.25, "consumer", "efficient"), (0.25, "adverse", "screening"),
    (0.75, "efficient", "screening"), (0.75, "consumer", "screening"), (0.75, "adverse", "exclusion"),
])
def test_selection_rules_at_the_figure1a_thresholds(q, selection, regime):
    """At q = 1/4 the efficient and screening menus are both optimal (revenue 1); at q = 3/4
    screening and exclusion both are (revenue 1.5). The rule decides, as documented."""
    expected = {"efficient": [[0, 1], [0, 1]], "screening": [[1, 0], [0, 1]],
                "exclusion": [[0, 0], [0, 1]]}[regime]
    m = optimal_mechanism(FIG1A, [1 - q, q], selection=selection)
    np.testing.assert_allclose(m.allocation, expected, atol=1e-9)
    assert m.revenue == pytest.approx(1.0 if q == 0.25 else 1.5)


def test_payment_uniqueness_figure1a():
    """Interior of the screening interval: unique payment rule; at the thresholds the
    optimal face contains menus with different payments (HS Theorem 1's condition fails)."""
    u = payment_rule_is_unique(FIG1A, [0.5, 0.5])
    assert u.unique
    np.testing.assert_allclose(u.payment_min, [0.75, 1.75], atol=1e-9)
    u = payment_rule_is_unique(FIG1A, [0.25, 0.75])
    assert not u.unique
    np.testing.assert_allclose(u.payment_min, [0.0, 1.75], atol=1e-9)
    np.testing.assert_allclose(u.payment_max, [0.75, 2.0], atol=1e-9)


def test_binding_graph_screening():
    m = optimal_mechanism(FIG1A, [0.5, 0.5])
    # type 2's IC against type 1's item binds; type 1's IR binds; type 1's IC is slack
    assert m.binding.ic[1, 0] and not m.binding.ic[0, 1]
    assert m.binding.ir.tolist() == [True, False]
    assert m.binding.edges() == [(1, 0)]


def test_zero_mass_types_still_get_an_ic_menu_item():
    env = Environment([[1.0, 3.0], [2.0, 2.5], [0.5, 4.0]])
    m = optimal_mechanism(env, [0.5, 0.0, 0.5])
    assert m.verify(exact=True).ok
    assert m.revenue == pytest.approx(_independent_revenue(env.values, [0.5, 0.0, 0.5]))


def test_verify_detects_violations_float_and_exact():
    bad_ic = Mechanism(FIG1A, Market(FIG1A, [0.5, 0.5]), [[1, 0], [0, 1]], [0.75, 1.8])
    for exact in (False, True):
        v = bad_ic.verify(exact=exact)
        assert not v.ok and any("IC" in f for f in v.failures)
    bad_ir = Mechanism(FIG1A, None, [[1, 0], [0, 1]], [0.8, 1.75])
    assert any("IR" in f for f in bad_ir.verify().failures)
    bad_alloc = Mechanism(FIG1A, None, [[0.7, 0.7], [0, 1]], [0.0, 0.0])
    assert any("sums above 1" in f for f in bad_alloc.verify().failures)


def test_exact_verification_returns_exact_rationals():
    m = optimal_mechanism(FIG1A, [0.5, 0.5])
    v = m.verify(exact=True)
    assert v.ok and v.exact
    assert v.details["payments"] == [Fraction(3, 4), Fraction(7, 4)]


def test_costs_turn_payments_into_profit_and_prices_into_gross():
    env = Environment([[3.0, 5.0], [4.0, 7.0]], costs=[1.0, 2.0])
    m = optimal_mechanism(env, [0.5, 0.5])
    assert m.verify(exact=True).ok
    np.testing.assert_allclose(m.prices, m.payments + m.allocation @ np.array([1.0, 2.0]))
    assert m.revenue == pytest.approx(_independent_revenue(env.values, [0.5, 0.5]))


def test_bad_inputs():
    with pytest.raises(ValueError, match="selection"):
        optimal_mechanism(FIG1A, [0.5, 0.5], selection="random")
    with pytest.raises(ValueError, match="different environment"):
        optimal_mechanism(FIG1A, Market(Environment([[1.0], [2.0]]), [0.5, 0.5]))
    with pytest.raises(ValueError, match="sum to 1"):
        optimal_mechanism(FIG1A, [0.5, 0.6])
    with pytest.raises(TypeError, match="Environment"):
        optimal_mechanism([[1.0]], [1.0])
    with pytest.raises(ValueError, match="allocation must have shape"):
        Mechanism(FIG1A, None, [[1, 0]], [0.0, 0.0])


def test_best_posted_price():
    assert best_posted_price([1.0, 2.0], [0.5, 0.5]) == (1.0, 1.0)
    assert best_posted_price([1.0, 2.0], [0.4, 0.6]) == (2.0, 1.2)


@st.composite
def env_and_market(draw, max_n=6, max_k=4):
    n = draw(st.integers(1, max_n))
    k = draw(st.integers(1, max_k))
    # quarter-integers, negatives allowed (net values after costs, HS footnote 5)
    vals = draw(st.lists(st.integers(-4, 16), min_size=n * k, max_size=n * k))
    w = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n).filter(lambda w: sum(w) > 0))
    env = Environment(np.array(vals, dtype=float).reshape(n, k) / 4)
    # exact masses w / sum(w) (Market keeps Fractions): the exact check then decides the
    # intended rationals, whose ties the binary roundings of w / sum(w) can break by 1e-17
    # (masses 8/15, 1/15, 2/5: two menus tie exactly, the floats favour the other by 3.5e-17)
    return env, Market(env, [Fraction(x, sum(w)) for x in w])


@settings(max_examples=40)
@given(env_and_market(), st.sampled_from(["efficient", "consumer", "adverse"]))
def test_property_every_mechanism_verifies_and_is_optimal(em, selection):
    """Every returned mechanism is IC and IR (also exactly), its revenue equals the optimum of
    an independent formulation, and is never below the best single posted price of any one
    alternative."""
    env, market = em
    m = optimal_mechanism(env, market, selection=selection)
    assert m.verify().ok
    ex = m.verify(exact=True)
    assert ex.ok, ex.failures
    assert m.revenue == pytest.approx(_independent_revenue(env.values, market.probabilities), abs=1e-7)
    for a in range(env.n_alternatives):
        assert m.revenue >= best_posted_price(env.values[:, a], market.probabilities)[1] - 1e-9


@settings(max_examples=25)
@given(env_and_market(max_n=5, max_k=3))
def test_property_efficient_selection_picks_efficient_when_optimal(em):
    """HS footnote 7: if the efficient mechanism (with its best payments) is optimal, the
    'efficient' rule selects an efficient mechanism; 'consumer' CS >= 'adverse' CS."""
    env, market = em
    m = optimal_mechanism(env, market, selection="efficient")
    mc = optimal_mechanism(env, market, selection="consumer")
    ma = optimal_mechanism(env, market, selection="adverse")
    assert mc.utilities.sum() >= ma.utilities.sum() - 1e-7
    assert m.values_received.sum() >= mc.values_received.sum() - 1e-7
    for mm in (mc, ma):
        assert mm.revenue == pytest.approx(m.revenue, abs=1e-7)
    # efficient menu with minimal-rent payments: type t pays what the longest path allows
    if env.has_unique_efficient_alternatives:
        x = env.efficient_allocation()
        u = _min_rents(env.values, x)
        if u is not None:
            rev_eff = market.probabilities @ (np.einsum("tk,tk->t", env.values, x) - u)
            if rev_eff >= m.revenue - 1e-9:
                assert m.is_efficient


def _min_rents(v, x):
    """Least utilities implementing allocation x (Bellman-Ford on IC constraints)."""
    n = v.shape[0]
    u = np.zeros(n)
    for _ in range(n + 1):
        new = np.maximum(0, np.max(u[None, :] + (v @ x.T - np.einsum("sk,sk->s", v, x)[None, :]), axis=1))
        if np.allclose(new, u):
            return u
        u = new
    return None


def test_optimality_certificate_in_verify():
    """verify() bounds the optimal revenue by weak duality from the stored row duals: the
    optimal menu closes the gap; a suboptimal menu carrying the same certificate does not."""
    import dataclasses

    m = optimal_mechanism(FIG1A, [0.5, 0.5])
    v = m.verify()
    assert v.details["dual_bound"] == pytest.approx(1.25) and abs(v.details["duality_gap"]) < 1e-9
    worse = dataclasses.replace(m, allocation=np.array([[0.0, 1.0], [0.0, 1.0]]),
                                payments=np.array([1.0, 1.0]))  # efficient menu: revenue 1
    assert worse.verify(exact=False).max_violation == 0.0  # IC and IR hold ...
    assert not worse.verify().ok  # ... but it is not optimal
    assert any("optimality certificate" in f for f in worse.verify().failures)
