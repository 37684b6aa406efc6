"""The Hotelling residual prior built on the information package's Prior."""

import math

import numpy as np
import pytest
import scipy.stats as st

from infopricing.competition import hotelling_lp, hotelling_optimum
from infopricing.competition.hotelling import SymmetricPrior
from infopricing.information import Prior


def test_accepts_information_prior_example4():
    """BBM25 Example 4 given as an information.Prior: b* = 1/e^2, B* = 1."""
    o = hotelling_optimum(Prior.finite([-1.0, 1.0], [0.5, 0.5]))
    assert o.b == pytest.approx(math.exp(-2), abs=1e-7) and o.B == pytest.approx(1.0)


def test_uniform_discretisation_is_symmetric_contraction():
    """uniform(-1, 2): cells of width 1/100 with masses 1/200 at their midpoints (the
    conditional mean of a uniform cell); E(r - t)^+ of the discretisation never exceeds
    the prior's (1 - t)^2 / 4 for t in [0, 1] (a contraction), and equals it at cell edges."""
    d = SymmetricPrior.of(st.uniform(-1, 2)).discretized(100)
    assert d.values == pytest.approx(np.r_[-np.arange(0.995, 0, -0.01), np.arange(0.005, 1, 0.01)])
    assert d.probabilities == pytest.approx(np.full(200, 1 / 200))
    t = np.linspace(0, 1, 1001)
    exact = (1 - t) ** 2 / 4
    assert np.all(d.stop_loss(t) <= exact + 1e-12)
    edges = np.linspace(0, 1, 101)
    assert d.stop_loss(edges) == pytest.approx((1 - edges) ** 2 / 4, abs=1e-12)


def test_rejects_duplicates_and_asymmetry():
    with pytest.raises(ValueError, match="duplicates"):
        SymmetricPrior.of(([-1.0, 1.0, 1.0], [0.5, 0.25, 0.25]))
    with pytest.raises(ValueError, match="symmetric"):
        SymmetricPrior.of(([-1.0, 0.5], [0.5, 0.5]))


@pytest.mark.parametrize("kw, exc, pattern", [
    (dict(size=0, cells=1), ValueError, "size must be an integer >= 2"),
    (dict(size=-3), ValueError, "size must be an integer >= 2"),
    (dict(size=2.5), TypeError, "size must be an integer >= 2"),
    (dict(cells=0), ValueError, "cells must be an integer >= 1"),
])
def test_hotelling_lp_rejects_bad_counts(kw, exc, pattern):
    """Regression (user review): size=0 returned consumer surplus 0 with verify() ok, and
    size=-3 gave numpy's message."""
    with pytest.raises(exc, match=pattern):
        hotelling_lp(([-1, 1], [0.5, 0.5]), **kw)


def test_hotelling_lp_records_its_grid_in_params():
    h = hotelling_lp(([-1, 1], [0.5, 0.5]), size=21, cells=20)
    assert h.params["size"] == 21 and h.params["cells"] == 20
