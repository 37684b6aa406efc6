"""Armstrong & Zhou (2022) comparison of BBM25 Section III.C: the reported epsilon and
the constraint-generation refinement."""

import numpy as np
import pytest
from scipy.integrate import quad

from infopricing.competition import armstrong_zhou

EX4 = ([-1.0, 1.0], [0.5, 0.5])


def _gain_by_integration(az, t):
    """Deviation profit at price t against the rival at az.price, integrating the
    interim density directly: the consumer buys from the deviator iff
    r >= max(t - p, 2t - 1) (v-bar = 1); minus the equilibrium profit p/2."""
    p = az.price
    x = max(t - p, 2 * t - 1.0)
    pts = [e for e in np.r_[-az.edges[::-1], az.edges] if x < e < 1.0]
    demand = quad(lambda r: float(az.density(r)), x, 1.0, points=pts or None, limit=400)[0] if x < 1 else 0.0
    return t * demand - p / 2


def test_unrefined_lp_reports_its_epsilon():
    """Without refinement the LP only forbids deviations on its grid: the reported epsilon
    is positive, equals the gain found by integrating the density at the reported
    deviation price, and the default-tolerance verify fails (not loosened)."""
    az = armstrong_zhou(EX4, price=0.05, refine=0)
    assert az.refinements == 0
    assert az.deviation_gain > 1e-6
    assert _gain_by_integration(az, az.deviation_price) == pytest.approx(az.deviation_gain, rel=1e-6)
    assert not az.verify().ok
    assert az.verify(atol=az.deviation_gain + 1e-12).ok


def test_refinement_drives_epsilon_below_tolerance():
    """Constraint generation at the same price: epsilon <= tol.FEAS, verify passes at the
    default tolerance, and consumer surplus can only fall (constraints were added) while
    staying near the paper's 0.52 (BBM25, Section III.C, Example 4 comparison)."""
    coarse = armstrong_zhou(EX4, price=0.05, refine=0)
    az = armstrong_zhou(EX4, price=0.05)
    assert az.refinements >= 1
    assert az.deviation_gain <= 1e-7
    v = az.verify()
    assert v.ok, v.failures
    assert az.expected_consumer_surplus <= coarse.expected_consumer_surplus + 1e-12
    assert az.expected_consumer_surplus == pytest.approx(0.52, abs=0.01)
    grid = np.linspace(0.0, 1.0, 81)
    assert max(_gain_by_integration(az, t) for t in grid) <= 1e-7
