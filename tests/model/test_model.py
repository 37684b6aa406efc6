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


# -- the model layer: every primitive in infopricing.model, constructors never solve -----

def test_every_primitive_lives_in_model_and_old_paths_are_the_same_objects():
    import infopricing as ip
    import infopricing.model as model
    from infopricing.competition.game import PricingGame
    from infopricing.disclosure.distribution import ValueDistribution
    from infopricing.disclosure.signals import Signal
    from infopricing.information.prior import Prior

    for cls in (PricingGame, ValueDistribution, Signal, Prior):
        assert cls.__module__.startswith("infopricing.model."), cls
        assert getattr(model, cls.__name__) is cls is getattr(ip, cls.__name__)


def test_model_modules_import_no_solver():
    # "a model never imports a solver": statically, no module of infopricing/model imports
    # lp, screening, segmentation, competition, disclosure, information, scale or highspy
    import ast
    from pathlib import Path

    import infopricing.model as model

    banned = {"lp", "screening", "segmentation", "competition", "disclosure", "information",
              "scale", "verify", "cli", "report", "plots"}
    for f in Path(model.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                top = mod.split(".")[0]
                assert not (node.level >= 2 and top in banned), (f.name, mod)
                assert not (node.level == 0 and (top == "highspy" or mod.startswith("infopricing.")
                                                 and mod.split(".")[1] in banned)), (f.name, mod)
            elif isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] == "highspy" for a in node.names), f.name


def test_segmentation_constructor_validates_but_does_not_solve(monkeypatch):
    import infopricing.segmentation.segment_welfare as sw

    env = Environment([[0.75, 1.0], [1.0, 2.0]])
    calls = []
    real = sw.optimal_mechanism
    monkeypatch.setattr(sw, "optimal_mechanism", lambda *a, **k: calls.append(1) or real(*a, **k))
    seg = sw.Segmentation(Market(env, [0.5, 0.5]), [0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]])
    assert calls == []                                  # nothing solved at construction
    with pytest.raises(ValueError, match="average"):   # ... but the split is validated
        sw.Segmentation(Market(env, [0.5, 0.5]), [0.5, 0.5], [[1.0, 0.0], [0.5, 0.5]])
    # first use solves once per market, then the mechanisms are kept. Perfect segmentation
    # of this market: each single-type segment is charged its best value (1 and 2), so
    # revenue is 0.5*1 + 0.5*2 = 1.5 (first-degree price discrimination)
    assert seg.revenue == pytest.approx(1.5)
    assert len(calls) == 2
    seg.original, seg.mechanisms
    assert len(calls) == 3
    seg.revenue_change, seg.verify()
    assert len(calls) == 3


def test_segmentation_given_mechanisms_are_checked_at_construction():
    import infopricing as ip
    from infopricing.segmentation.segment_welfare import Segmentation

    env = Environment([[0.75, 1.0], [1.0, 2.0]])
    other = Environment([[1.0], [2.0]])
    m = ip.optimal_mechanism(other, Market(other, [0.5, 0.5]))
    with pytest.raises(ValueError, match="mechanisms\\[0\\]"):
        Segmentation(Market(env, [0.5, 0.5]), [1.0], [[0.5, 0.5]], mechanisms=[m])
    with pytest.raises(ValueError, match="original"):
        Segmentation(Market(env, [0.5, 0.5]), [1.0], [[0.5, 0.5]], original=m)
