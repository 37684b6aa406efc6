"""Independent review of CLW's joint design on markets not in the catalogue."""

import math

import numpy as np
import pytest

from infopricing.disclosure.distribution import ValueDistribution
from infopricing.disclosure.lottery import optimal_design
from infopricing.disclosure.pricing import optimal_pricing


def test_two_profile_optimum_in_closed_form():
    """Profiles A = (9, 7), B = (2, 4), each with probability 1/2 (not a paper instance).

    By hand: reveal A with mass M_H and pool the rest at posterior q = Pr(A) < 1/2, where
    the mean (2 + 7q, 4 + 3q) prefers product 2, sold at 4 + 3q; A's obedience then caps
    product 1's price at 9 - (7 - (4 + 3q)) = 6 + 3q. Bayes plausibility gives
    M_L = 1 / (2 (1 - q)), so revenue R(q) = (5 - 3q - 3q^2) / (1 - q), maximised at
    q = 1 - 1/sqrt(3) with R = 9 - 2 sqrt(3) = 5.5359. A grid search over both posteriors
    with lottery menus solved by scipy's linprog (the review's own code) found no better
    design (5.53589838 at posteriors (1, 0.4226)), so this is OPT-Rev and pricing attains it.
    """
    d = ValueDistribution([[9, 7], [2, 4]], [0.5, 0.5])
    best = 9 - 2 * math.sqrt(3)
    j = optimal_design(d)
    p = optimal_pricing(d)
    assert j.revenue == pytest.approx(best, abs=1e-9)
    assert j.upper_bound == pytest.approx(best, abs=1e-9) and j.proven_optimal
    assert p.revenue == pytest.approx(best, abs=1e-9)
    # the design itself, re-checked here: Bayes plausible, obedient and IR on the posteriors
    ev = j.evaluation
    joint = d.probabilities[:, None] * ev.signal.matrix
    assert np.allclose(joint.sum(axis=1), d.probabilities, atol=1e-12)
    mass = joint.sum(axis=0)
    live = mass > 1e-12
    nu = (joint.T @ d.values)[live] / mass[live, None]
    util = nu @ ev.menu.allocations.T - ev.menu.prices[None, :]
    own = util[np.arange(live.sum()), ev.choice[live]]
    assert np.all(own >= -1e-9) and np.all(own >= util.max(axis=1) - 1e-9)
    assert float(mass[live] @ ev.menu.prices[ev.choice[live]]) == pytest.approx(best, abs=1e-9)


def test_optimal_design_checks_its_pricing_argument():
    """A ``pricing`` that is not a PricingResult, or one of another distribution, is refused
    naming the argument (it used to raise AttributeError, or a ValueError about a signal)."""
    d = ValueDistribution([[6, 5], [1, 2]], [0.3, 0.7])
    with pytest.raises(TypeError, match="pricing"):
        optimal_design(d, pricing=5)
    other = optimal_pricing(ValueDistribution([[60, 50], [10, 20]], [0.3, 0.7]))
    with pytest.raises(ValueError, match="pricing"):
        optimal_design(d, pricing=other)
    # the pricing of an equal distribution built separately is accepted (OPT-Rev 2.9 here:
    # the review's grid search over posteriors with linprog menus, as above)
    same = optimal_pricing(ValueDistribution([[6, 5], [1, 2]], [0.3, 0.7]))
    assert optimal_design(d, pricing=same).revenue == pytest.approx(2.9, abs=1e-9)
