"""The closed-form Armstrong-Zhou benchmark (BBM25 Example 4): re-checked by direct
numerical integration of its distribution, its deviation profits on a fine price grid, and
the library's grid LP converging to it from below."""

from __future__ import annotations

import math

import numpy as np
import pytest

from infopricing.competition import armstrong_zhou
from infopricing.competition.armstrong_zhou_exact import armstrong_zhou_exact, consumer_surplus_at_price


def _demand(S, t, p):
    x = max(t - p, 2 * t - 1)
    if x > 1:
        return 0.0
    return S(x) if x > 0 else 1.0 - (S(-x) if x < 0 else 0.5)


def test_no_profitable_deviation_on_a_fine_grid():
    az = armstrong_zhou_exact()
    p = az.price
    prof = [t * _demand(az.survival, t, p) for t in np.linspace(1e-4, 1.0, 20001)]
    assert max(prof) <= p / 2 + 1e-12
    assert max(prof) >= p / 2 - 1e-6  # binding on a range, as derived


def test_expected_abs_residual_and_surplus_by_integration():
    az = armstrong_zhou_exact()
    x = np.linspace(0.0, 1.0, 400001)[1:]
    S = np.array([az.survival(v) for v in x])
    e_abs = 2 * float(np.sum(S) * (x[1] - x[0]))  # E|r| = 2 int_0^1 P(r >= x) dx
    assert 0.5 + e_abs / 2 - az.price == pytest.approx(az.expected_consumer_surplus, abs=1e-5)
    assert az.total_surplus == pytest.approx(az.expected_consumer_surplus + az.price, abs=1e-15)
    # mass p/2 at +1 (S just below 1) and S(0+) = 1/2
    assert az.survival(1.0) == pytest.approx(az.price / 2)
    assert az.survival(1e-12) == pytest.approx(0.5)


def test_price_maximises_and_matches_printed_truncations():
    az = armstrong_zhou_exact()
    p = az.price
    for dp in (1e-3, 1e-2):
        assert consumer_surplus_at_price(p) > consumer_surplus_at_price(p - dp)
        assert consumer_surplus_at_price(p) > consumer_surplus_at_price(p + dp)
    grid = np.linspace(0.001, 0.5, 50000)
    assert grid[np.argmax([consumer_surplus_at_price(q) for q in grid])] == pytest.approx(p, abs=2e-5)
    assert math.floor(p * 100) / 100 == 0.05 and math.floor(az.expected_consumer_surplus * 100) / 100 == 0.52
    assert consumer_surplus_at_price(0.05) + 0.05 == pytest.approx(0.576176, abs=1e-6)


def test_scale_equivariance_and_bad_input():
    a = armstrong_zhou_exact(scale=2.0)
    b = armstrong_zhou_exact()
    assert a.price == pytest.approx(2 * b.price) and a.expected_consumer_surplus == pytest.approx(2 * b.expected_consumer_surplus)
    with pytest.raises(ValueError, match="scale"):
        armstrong_zhou_exact(scale=0.0)
    with pytest.raises(ValueError, match="p must"):
        consumer_surplus_at_price(0.6)
    with pytest.raises(ValueError, match="x must"):
        b.survival(1.5)


def test_grid_lp_converges_from_below():
    az = armstrong_zhou_exact()
    prior = ([-1.0, 1.0], [0.5, 0.5])
    vals = [armstrong_zhou(prior, price=az.price, size=n, cells=100).expected_consumer_surplus for n in (15, 30)]
    assert vals[0] < vals[1] <= az.expected_consumer_surplus + 1e-9
    assert az.expected_consumer_surplus - vals[1] < 0.5 * (az.expected_consumer_surplus - vals[0])
