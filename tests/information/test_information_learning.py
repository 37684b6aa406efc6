"""Buyer-optimal learning (Roesler & Szentes 2017; BBM25 section III.B, Example 3)."""

import numpy as np
import pytest
import scipy.stats as st

from infopricing import (Prior, buyer_optimal_learning, is_mean_preserving_contraction,
                         learning_convergence, monopoly_outcome, truncated_pareto_solution)


def test_closed_form_three_point_prior():
    """Values {1, 2, 3} equally likely: the bottom price cannot go below 1, and with p = 1 the
    mean condition 1 + ln B = 2 gives B = e (<= 3, feasible): CS = 1. Derived by hand."""
    cf = truncated_pareto_solution(([1.0, 2.0, 3.0], [1 / 3] * 3))
    assert cf.price == pytest.approx(1.0, abs=1e-9)
    assert cf.upper == pytest.approx(np.e, abs=1e-6)
    assert cf.expected_consumer_surplus == pytest.approx(1.0, abs=1e-9)
    lp = buyer_optimal_learning(([1.0, 2.0, 3.0], [1 / 3] * 3), grid=np.linspace(1, 3, 101))
    assert lp.price == pytest.approx(1.0)
    assert lp.expected_consumer_surplus == pytest.approx(1.0, abs=1e-9)
    assert lp.verify().ok


def test_closed_form_is_equal_revenue_and_contraction():
    """The closed-form G has constant revenue on [p, B] and is a contraction of the prior
    (integrated CDFs checked independently on a fine grid)."""
    dist = st.uniform(0, 1)
    cf = truncated_pareto_solution(dist)
    q = np.linspace(cf.price, cf.upper, 50)
    rev = q * (1 - cf.cdf(q - 1e-12))
    np.testing.assert_allclose(rev, cf.price, rtol=1e-9)
    x = np.linspace(0, 1, 2001)
    assert np.all(cf.integrated_cdf(x) <= x ** 2 / 2 + 1e-9)  # uniform: E[(x-V)^+] = x^2/2
    assert cf.mean == pytest.approx(0.5)
    assert cf.price + cf.price * np.log(cf.upper / cf.price) == pytest.approx(0.5, abs=1e-9)
    # the constraint binds somewhere inside (else B could grow and p fall)
    assert np.max(cf.integrated_cdf(x) - x ** 2 / 2) > -1e-6


def test_uniform_grid_convergence():
    """Grid LP approaches the RS closed form from below as the grid refines (uniform [0,1])."""
    rows = learning_convergence(st.uniform(0, 1), sizes=(25, 100, 200))
    errs = [r["error"] for r in rows]
    assert all(e >= -1e-6 for e in errs)  # inner approximation
    assert errs[-1] < errs[0]
    assert errs[-1] < 0.005


def test_bbm25_example3_full_and_no_information():
    """BBM25 Example 3: cost 1, values {0, 4} equally likely. Full information: price 4, CS 0.
    No information (value 2 for sure): price 2."""
    full = monopoly_outcome(Prior([0.0, 4.0], [0.5, 0.5]), cost=1.0)
    assert full.price == 4.0 and full.expected_consumer_surplus == 0.0
    none = monopoly_outcome(Prior([2.0], [1.0]), cost=1.0)
    assert none.price == 2.0


@pytest.mark.parametrize("eps", [0.01, 0.1, 0.3, 0.5])
def test_bbm25_example3_eps_information(eps):
    """BBM25 Example 3: learning the value w.p. eps keeps price 2 optimal; CS = (4-2) eps/2
    = eps, and the outcome is inefficient (uninformed value-0 consumers buy at cost 1)."""
    G = Prior([0.0, 2.0, 4.0], [eps / 2, 1 - eps, eps / 2])
    assert is_mean_preserving_contraction(G.values, G.probabilities, [0.0, 4.0], [0.5, 0.5])[0]
    out = monopoly_outcome(G, cost=1.0)
    assert out.price == 2.0
    assert out.expected_consumer_surplus == pytest.approx(eps)
    # total surplus 1 + eps/2 (interim values are unbiased) vs ex post efficient 0.5 * 3
    assert out.total_surplus == pytest.approx(1 + eps / 2)
    assert monopoly_outcome(Prior([0.0, 4.0], [0.5, 0.5]), cost=1.0).efficient_surplus == 1.5


def test_bbm25_example3_buyer_optimal_is_inefficient():
    """BBM25 section III.B: without common knowledge of gains from trade the consumer-optimal
    information can be inefficient (Example 3). The LP optimum beats every eps-information
    (CS >= 1/2 at eps = 1/2) and its total surplus is below the efficient 1.5."""
    r = buyer_optimal_learning(Prior([0.0, 4.0], [0.5, 0.5]), cost=1.0, grid=np.linspace(0, 4, 41))
    assert r.verify().ok
    assert r.expected_consumer_surplus >= 0.5
    assert not r.is_efficient
    assert r.efficient_surplus == pytest.approx(1.5)


def test_closed_form_needs_gains_from_trade():
    with pytest.raises(ValueError, match="gains from trade"):
        truncated_pareto_solution(([0.0, 4.0], [0.5, 0.5]), cost=1.0)


def test_continuous_prior_validation():
    with pytest.raises(ValueError, match="bounded support"):
        Prior.from_distribution(st.norm(0, 1), size=10)
    with pytest.raises(TypeError, match="frozen scipy.stats"):
        Prior.from_distribution([0, 1], size=10)
    with pytest.raises(ValueError, match="at least 2"):
        Prior.from_distribution(st.uniform(0, 1), size=1)


def test_discretised_prior_is_contraction_of_continuous():
    """Cell conditional means: same mean, integrated CDF below the continuous one."""
    d = st.beta(2, 3)
    p = Prior.from_distribution(d, size=40)
    assert p.mean == pytest.approx(d.mean(), abs=1e-10)
    # E[(t - V)^+] = integral of the cdf up to t; equal at cell edges, below inside cells
    x = np.linspace(0, 1, 41)[:-1] + 0.0125  # cell midpoints
    cont = np.array([d.expect(lambda v, t=t: max(t - v, 0.0)) for t in x])
    disc = np.maximum(x[:, None] - p.values[None, :], 0) @ p.probabilities
    assert np.all(disc <= cont + 1e-8)
    assert np.any(disc < cont - 1e-6)


def test_closed_form_with_cost_by_hand():
    """Values {2, 3, 5} w.p. (.5, .3, .2), cost 1: the price sits at the lowest value 2 and the
    mean condition 2 + (2 - 1) ln(B - 1) = 2.9 gives B = 1 + e^0.9; CS = 2.9 - 2 = 0.9.
    The grid LP finds the same consumer surplus and an efficient outcome."""
    prior = ([2.0, 3.0, 5.0], [0.5, 0.3, 0.2])
    cf = truncated_pareto_solution(prior, cost=1.0)
    assert cf.price == pytest.approx(2.0, abs=1e-9)
    assert cf.upper == pytest.approx(1 + np.exp(0.9), abs=1e-6)
    assert cf.expected_consumer_surplus == pytest.approx(0.9, abs=1e-9)
    lp = buyer_optimal_learning(prior, cost=1.0, grid=np.linspace(2, 5, 61))
    assert lp.expected_consumer_surplus == pytest.approx(0.9, abs=1e-9)
    assert lp.is_efficient and lp.verify().ok


def test_finite_prior_default_grid_reaches_roesler_szentes():
    """A finite prior's default grid is its support plus an even grid over its range, so
    the LP comes within a grid step of the Roesler-Szentes closed form (the continuous
    optimum, an upper bound for any grid). Restricted to the support points {0, 1, 3}
    it used to answer price 1, CS 0.52 against the closed form's 0.852."""
    prior = ([0.0, 1.0, 3.0], [0.3, 0.4, 0.3])
    tp = truncated_pareto_solution(prior)
    r = buyer_optimal_learning(prior)
    assert r.verify().ok
    assert r.expected_consumer_surplus <= tp.expected_consumer_surplus + 1e-9
    assert r.expected_consumer_surplus >= 0.99 * tp.expected_consumer_surplus
    assert abs(r.price - tp.price) <= 3.0 / 199 + 1e-12
    # With cost 1 and values {2, 3, 10} the closed form sells at 2 to everyone: CS = E[v] - 2
    r = buyer_optimal_learning(([2.0, 3.0, 10.0], [0.5, 0.3, 0.2]), cost=1.0)
    assert r.price == pytest.approx(2.0) and r.expected_consumer_surplus == pytest.approx(1.9)
    with pytest.raises(ValueError, match="size"):
        buyer_optimal_learning(prior, size=1)
