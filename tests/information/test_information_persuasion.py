"""Bayesian persuasion LP (Kamenica & Gentzkow 2011), the engine of CLW's fixed-menu view."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from infopricing import concavified_value, persuade


def threshold_problem(mu_guilty, t):
    """Receiver convicts iff P(guilty) >= t; sender always wants a conviction."""
    uR = [[0.0, -t], [0.0, 1.0 - t]]  # rows: innocent, guilty; cols: acquit, convict
    uS = [[0.0, 1.0], [0.0, 1.0]]
    return [1 - mu_guilty, mu_guilty], uR, uS


def test_prosecutor_example():
    """KG 2011 prosecutor: prior 0.3 guilty, threshold 1/2 -> conviction probability 0.6,
    posteriors 0 (acquit) and 1/2 (convict)."""
    r = persuade(*threshold_problem(0.3, 0.5), states=["innocent", "guilty"],
                 actions=["acquit", "convict"])
    assert r.value == pytest.approx(0.6)
    np.testing.assert_allclose(r.posteriors[0], [1.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(r.posteriors[1], [0.5, 0.5], atol=1e-9)
    assert r.binding[1, 0]  # receiver told to convict is indifferent
    assert r.no_information_value == 0.0
    assert r.verify().ok


@pytest.mark.parametrize("mu,t", [(0.2, 0.7), (0.5, 0.25), (0.05, 0.9), (0.6, 0.6)])
def test_threshold_closed_form(mu, t):
    """Closed form min(1, mu/t): pool all guilty with as much innocent as keeps the
    posterior at t (KG 2011, section II)."""
    r = persuade(*threshold_problem(mu, t))
    assert r.value == pytest.approx(min(1.0, mu / t), abs=1e-9)
    assert r.concavification_value == pytest.approx(min(1.0, mu / t), abs=1e-9)


@st.composite
def problems(draw):
    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 4))
    ints = st.integers(-5, 5)
    mu = np.array(draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)), float)
    if mu.sum() == 0:
        mu[0] = 1
    uR = np.array(draw(st.lists(st.lists(ints, min_size=m, max_size=m), min_size=n, max_size=n)), float)
    uS = np.array(draw(st.lists(st.lists(ints, min_size=m, max_size=m), min_size=n, max_size=n)), float)
    return mu / mu.sum(), uR, uS


@settings(max_examples=60, deadline=None)
@given(problems())
def test_persuasion_bounds_and_certificates(p):
    """No information <= value <= sender-chooses-action bound; obedience and Bayes
    plausibility re-checked; two states: LP equals concavification."""
    mu, uR, uS = p
    r = persuade(mu, uR, uS)
    rep = r.verify()
    assert rep.ok, rep.failures
    assert r.no_information_value <= r.value + 1e-7
    assert r.full_information_value <= r.value + 1e-7
    assert r.value <= mu @ uS.max(axis=1) + 1e-7
    if mu.size == 2:
        assert r.value == pytest.approx(concavified_value(mu, uR, uS), abs=1e-7)


def test_full_revelation_optimal_when_aligned():
    """Sender and receiver share utilities: revealing the state is optimal."""
    u = np.array([[3.0, 0.0, 1.0], [0.0, 2.0, 1.0], [0.0, 0.0, 5.0]])
    mu = [0.2, 0.3, 0.5]
    r = persuade(mu, u, u)
    assert r.value == pytest.approx(0.2 * 3 + 0.3 * 2 + 0.5 * 5)


def test_bad_inputs():
    with pytest.raises(ValueError, match="sum to 1"):
        persuade([0.5, 0.6], [[1, 0], [0, 1]], [[0, 1], [0, 1]])
    with pytest.raises(ValueError, match="receiver_utility"):
        persuade([0.5, 0.5], [[1, 0]], [[0, 1]])
    with pytest.raises(ValueError, match="sender_utility"):
        persuade([0.5, 0.5], [[1, 0], [0, 1]], [[0, 1, 2], [0, 1, 2]])
    with pytest.raises(ValueError, match="two states"):
        concavified_value([0.2, 0.3, 0.5], np.eye(3), np.eye(3))
