"""Names that tell the economics: ``consumer_surplus`` is per type wherever a result has types
(the scalar is ``expected_consumer_surplus``), module names say what they compute."""

import importlib

import numpy as np
import pytest

import infopricing as ip
from infopricing.segmentation.segment_welfare import Segmentation


def test_segmentation_consumer_surplus_is_per_type_like_the_mechanisms():
    env = ip.Environment([[0.75, 1.0], [1.0, 2.0]])
    market = ip.Market(env, [0.5, 0.5])
    # perfect segmentation: each single-type segment is charged its value (first-degree
    # discrimination), so every type's surplus is 0; unsegmented, the high type keeps its
    # information rent 2 - 1.75 = 0.25 (HS section 3)
    seg = Segmentation(market, [0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]])
    assert seg.consumer_surplus.shape == (2,) and seg.original.consumer_surplus.shape == (2,)
    np.testing.assert_allclose(seg.consumer_surplus, [0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(seg.original_surplus, [0.0, 0.25], atol=1e-9)
    assert seg.expected_consumer_surplus == pytest.approx(0.0, abs=1e-9)
    assert seg.consumer_surplus_change == pytest.approx(-0.125, abs=1e-9)


def test_expected_consumer_surplus_is_the_market_average_of_the_per_type_one():
    # law of total expectation: sum_t f(t) CS_t = sum_i w_i sum_t f_i(t) CS(t, f_i)
    env = ip.Environment([[1.0, 2.0], [2.0, 3.0], [3.0, 3.5]])
    market = ip.Market(env, [0.3, 0.3, 0.4])
    seg = Segmentation(market, [0.5, 0.5], [[0.6, 0.2, 0.2], [0.0, 0.4, 0.6]])
    assert market.probabilities @ seg.consumer_surplus == pytest.approx(seg.expected_consumer_surplus, abs=1e-12)


@pytest.mark.parametrize("old, new", [("infopricing.screening.large", "infopricing.screening.lazy_menu"),
                                      ("infopricing.disclosure.fixed", "infopricing.disclosure.best_response"),
                                      ("infopricing.segmentation.result", "infopricing.segmentation.segment_welfare"),
                                      ("infopricing.segmentation.exact", "infopricing.segmentation.exact_decision"),
                                      ("infopricing.lp.exact", "infopricing.lp.exact_vertex")])
def test_modules_are_named_after_what_they_compute(old, new):
    importlib.import_module(new)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(old)


def test_a_count_is_size_and_the_old_grid_keyword_warns():
    prior = ([-1.0, 1.0], [0.5, 0.5])                    # BBM25 Example 4
    new = ip.hotelling_optimum(prior, size=40)
    with pytest.warns(DeprecationWarning, match="size="):
        old = ip.hotelling_optimum(prior, grid=40)
    assert old.consumer_surplus == new.consumer_surplus and new.params["size"] == 40
    with pytest.raises(ValueError, match="size must be an integer >= 5"):
        ip.hotelling_optimum(prior, size=3)


def test_check_equilibrium_counts_deviations_with_size_and_grid_warns():
    g = ip.catalog.bbm25_example1()
    a = ip.alignment_construction(g)
    new = ip.check_equilibrium(g, a.info, a.strategy, size=21)
    with pytest.warns(DeprecationWarning, match="size="):
        old = ip.check_equilibrium(g, a.info, a.strategy, grid=21)
    with pytest.warns(DeprecationWarning, match="size="):
        meth = a.check_equilibrium(grid=21)
    # Theorem 1 strategies are an equilibrium: no deviation gains (BBM25 Example 1)
    assert new.ok and new.max_gain < 1e-9
    assert old.max_gain == new.max_gain == meth.max_gain
    with pytest.raises(ValueError, match="size"):
        ip.check_equilibrium(g, a.info, a.strategy, size=1)
