"""Model objects: validation at the boundary, immutability, efficiency bookkeeping."""

import numpy as np
import pytest

from infopricing import Environment, Market


def test_environment_basic_and_costs_make_net_values():
    env = Environment([[3.0, 5.0], [4.0, 4.0]], costs=[1.0, 2.0])
    np.testing.assert_array_equal(env.values, [[2.0, 3.0], [3.0, 2.0]])
    np.testing.assert_array_equal(env.gross_values, [[3.0, 5.0], [4.0, 4.0]])
    assert env.efficient_alternatives == ((1,), (0,))
    assert env.has_unique_efficient_alternatives
    assert env.efficient_alternative(0) == 1


def test_net_values_may_be_negative_and_outside_option_efficient():
    # HS footnote 5: costs can make every alternative unprofitable for a type
    env = Environment([[1.0], [3.0]], costs=[2.0])
    assert env.efficient_alternatives == ((), (0,))
    assert env.efficient_alternative(0) == -1
    np.testing.assert_array_equal(env.efficient_value, [0.0, 1.0])


def test_non_unique_efficient_alternative_is_reported():
    env = Environment([[2.0, 2.0], [1.0, 3.0]])
    assert not env.has_unique_efficient_alternatives
    with pytest.raises(ValueError, match="no unique efficient alternative"):
        env.efficient_alternative(0)


@pytest.mark.parametrize("vals, match", [
    ([1.0, 2.0], "2-D"),
    ([[1.0, np.nan]], "finite"),
    ([[1.0, np.inf]], "finite"),
    (np.zeros((0, 2)), "at least one type"),
    (np.zeros((2, 0)), "at least one type"),
])
def test_environment_rejects_bad_valuations(vals, match):
    with pytest.raises(ValueError, match=match):
        Environment(vals)


def test_environment_rejects_non_numeric_and_bad_labels():
    with pytest.raises(TypeError, match="valuations"):
        Environment([["a", "b"]])
    with pytest.raises(ValueError, match="duplicate"):
        Environment([[1.0], [2.0]], types=["x", "x"])
    with pytest.raises(ValueError, match="alternatives must have 2 labels"):
        Environment([[1.0, 2.0]], alternatives=["a"])
    with pytest.raises(ValueError, match="costs"):
        Environment([[1.0, 2.0]], costs=[1.0])


def test_environment_is_immutable():
    env = Environment([[1.0, 2.0]])
    with pytest.raises(ValueError):
        env.values[0, 0] = 5.0
    with pytest.raises(AttributeError):
        env.types = ("z",)


@pytest.mark.parametrize("probs, match", [
    ([0.5, 0.6], "sum to 1"),
    ([1.2, -0.2], "non-negative"),
    ([0.5, np.nan], "finite"),
    ([1.0], "2 entries"),
    ([[0.5, 0.5]], "1-dimensional"),
])
def test_market_rejects_bad_probabilities(probs, match):
    env = Environment([[1.0], [2.0]])
    with pytest.raises(ValueError, match=match):
        Market(env, probs)


def test_market_normalize_and_zero_mass():
    env = Environment([[1.0], [2.0], [3.0]])
    m = Market(env, [2.0, 0.0, 2.0], normalize=True)
    np.testing.assert_allclose(m.probabilities, [0.5, 0.0, 0.5])
    assert m.support.tolist() == [0, 2]
    with pytest.raises(ValueError, match="zero total mass"):
        Market(env, [0.0, 0.0, 0.0], normalize=True)
    with pytest.raises(TypeError, match="Environment"):
        Market("env", [1.0])
