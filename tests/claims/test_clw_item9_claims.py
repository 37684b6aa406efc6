"""Independent checks of the CLW rows of issue 17 item 9: Figure 1's numbers and the two
conjectures of the conclusion.

Figure 1 in exact rationals / closed form from Example 3's definition; the conjectures by
re-evaluating the pricing designs the rows rely on by hand (posterior means, the buyer's
best product or no purchase, revenue) and OPT-Wel as E[max(0, max_i v_i)].
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from infopricing.claims import clw as clw_claims
from infopricing.claims.registry import all_claims, check_claim
from infopricing.disclosure import optimal_pricing
from infopricing.disclosure.catalog import clw_example2, clw_example4, negatively_affiliated_three_products

CLAIMS = {c.id: c for c in all_claims("CLW")}


def test_figure1_weighted_profiles_exactly_on_an_arc():
    rec = check_claim(CLAIMS["CLW-fig1-weighted-arc"])
    assert rec.status == "pass", rec
    eps, n = Fraction(1, 10), 4
    for i in range(n + 1):  # Pr[v_i] (1/eps)^i = (1 - eps) / (1 - eps^(n+1)) for every i
        assert (eps ** i - eps ** (i + 1)) / (1 - eps ** (n + 1)) * (1 / eps) ** i == (1 - eps) / (1 - eps ** (n + 1))
    fd = clw_claims.figure1_data(n, 0.1)
    rho = 0.9 / (1 - 1e-5)
    for i, (x, y) in enumerate(fd["weighted"]):
        assert x == pytest.approx(rho * math.cos(i * math.pi / 8), abs=1e-12)
        assert y == pytest.approx(rho * math.sin(i * math.pi / 8), abs=1e-12)


def test_figure1_posterior_means_closed_form():
    rec = check_claim(CLAIMS["CLW-fig1-pooling-posteriors"])
    assert rec.status == "text-discrepancy", rec
    eps, n = 0.1, 4
    p = [(eps ** i - eps ** (i + 1)) / (1 - eps ** (n + 1)) for i in range(n + 1)]
    rho = (1 - eps) / (1 - eps ** (n + 1))
    c = lambda i: math.cos(i * math.pi / 8)  # noqa: E731
    s = lambda i: math.sin(i * math.pi / 8)  # noqa: E731
    hi = np.array([rho * (c(0) + c(1)), rho * (s(0) + s(1))]) / (p[0] + p[1])
    lo = np.array([rho * (c(3) + c(4)), rho * (s(3) + s(4))]) / (p[3] + p[4])
    assert np.all(lo > hi)                    # positively correlated posteriors at n = 4
    assert lo == pytest.approx([347.9, 1749.0], rel=1e-3) and hi == pytest.approx([1.749, 0.348], abs=1e-3)
    classes = clw_claims.figure1_data(n, eps)["classes"]
    np.testing.assert_allclose(classes["x<y"]["posterior_mean"], lo, rtol=1e-12)
    np.testing.assert_allclose(classes["x>y"]["posterior_mean"], hi, rtol=1e-12)
    # n = 2: x>y = {i = 0} with mean (1, 0), x<y = {i = 2} with mean (0, 1/eps^2): negative
    c2 = clw_claims.figure1_data(2, eps)["classes"]
    np.testing.assert_allclose(c2["x>y"]["posterior_mean"], [1, 0], atol=1e-12)
    np.testing.assert_allclose(c2["x<y"]["posterior_mean"], [0, 100], rtol=1e-12)


def _revenue_by_hand(d, res):
    """Revenue of a pricing design: for each signal the posterior means, the buyer's best
    product net of its price (no purchase if all negative), the seller's price."""
    v, f = d.values, d.probabilities
    S = res.signal.matrix          # (profiles, signals)
    prices = np.asarray(res.prices, float)
    rev = 0.0
    for s in range(S.shape[1]):
        mass = f @ S[:, s]
        if mass <= 0:
            continue
        mean = (f * S[:, s]) @ v / mass
        net = mean - prices
        j = int(np.argmax(net))
        if net[j] >= -1e-9:
            rev += mass * prices[j]
    return rev


def _welfare_by_hand(d):
    return float(d.probabilities @ np.maximum(d.values.max(axis=1), 0.0))


def test_two_product_conjecture_consistent_instances_by_hand():
    rec = check_claim(CLAIMS["CLW-conj-two-products-pricing-optimal"])
    assert rec.status == "consistent", rec
    assert rec.computed_value[2] == 0 and rec.computed_value[1] >= 1
    d = clw_example4(0.1)            # pricing reaches OPT-Wel: OPT-Rev cannot exceed it
    res = optimal_pricing(d, method="heuristic")
    assert _revenue_by_hand(d, res) == pytest.approx(_welfare_by_hand(d), abs=1e-9)


def test_two_thirds_conjecture_row_is_consistent():
    rec = check_claim(CLAIMS["CLW-conj-two-thirds-any-products"])
    assert rec.status == "consistent", rec


@pytest.mark.parametrize("build", [clw_example2, negatively_affiliated_three_products])
def test_two_thirds_conjecture_by_hand(build):
    d = build()
    res = optimal_pricing(d, method="heuristic")
    assert _revenue_by_hand(d, res) >= 2 / 3 * _welfare_by_hand(d)
