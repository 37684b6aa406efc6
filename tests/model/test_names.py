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
    assert old.expected_consumer_surplus == new.expected_consumer_surplus and new.params["size"] == 40
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


def test_the_old_grid_keyword_records_the_size_it_asked_for():
    """Regression: hotelling_optimum(grid=40) used to record params["size"] = 60 (the
    default), not the 40 it ran with; the renamed keyword is mapped before params are noted."""
    prior = ([-1.0, 1.0], [0.5, 0.5])
    with pytest.warns(DeprecationWarning):
        old = ip.hotelling_optimum(prior, grid=40)
    assert old.params["size"] == 40
    with pytest.raises(TypeError, match="both grid="):
        ip.hotelling_optimum(prior, size=40, grid=40)


def _example4_game():
    # BBM25 Example 4 as a two-producer game: values (0, 1) or (1, 0), equally likely
    return ip.PricingGame([[0, 1], [1, 0]], [[0, 0], [0, 0]], [0.5, 0.5])


def test_no_information_outcome_counts_with_size_and_check_size():
    g = _example4_game()
    new = ip.no_information_outcome(g, size=21, check_size=41)
    with pytest.warns(DeprecationWarning, match=r"no_information_outcome\(grid=\.\.\.\) is deprecated; pass size="):
        old = ip.no_information_outcome(g, grid=21, check_size=41)
    with pytest.warns(DeprecationWarning, match="pass check_size="):
        old2 = ip.no_information_outcome(g, size=21, check_grid=41)
    # uninformed producers facing informed consumers each charge 1: CS = 0, PS = 1/2 each
    for o in (new, old, old2):
        assert o.expected_consumer_surplus == pytest.approx(0.0, abs=1e-9)
        np.testing.assert_allclose(o.producer_surplus, [0.5, 0.5], atol=1e-9)
        assert o.params["size"] == 21 and o.params["check_size"] == 41
    with pytest.raises(ValueError, match="check_size must be an integer >= 2"):
        ip.no_information_outcome(g, check_size=1)
    assert new.verify(size=41).ok
    with pytest.warns(DeprecationWarning, match="verify"):
        assert new.verify(grid=41).ok


def test_public_segmentation_counts_with_size_and_check_size():
    g = ip.PricingGame([[1, 4], [4, 1]], [0, 0], [0.5, 0.5])
    with pytest.warns(DeprecationWarning, match="pass check_size="):
        old = ip.evaluate_public_segmentation(g, [0.5, 0.5], [[1, 0], [0, 1]], size=21, check_grid=21)
    new = ip.evaluate_public_segmentation(g, [0.5, 0.5], [[1, 0], [0, 1]], size=21, check_size=21)
    # each segment reveals the profile: the preferred producer (value 4) sells at its
    # residual 4 - 1 = 3 against a rival pricing at cost 0, so CS = 1 (by hand)
    for o in (old, new):
        assert o.expected_consumer_surplus == pytest.approx(1.0, abs=1e-6)
        assert o.size == 21 and o.params["size"] == 21 and o.params["check_size"] == 21
    with pytest.warns(DeprecationWarning, match="PublicSegmentationOutcome.grid is deprecated"):
        assert new.grid == 21
    assert new.as_dict()["params"]["size"] == 21
    with pytest.warns(DeprecationWarning):
        assert new.verify(grid=21).ok


def test_other_counts_are_size_too():
    a = ip.alignment_construction(ip.catalog.bbm25_example1())
    assert a.verify(size=41).ok
    with pytest.warns(DeprecationWarning, match=r"AlignmentConstruction.verify\(grid="):
        assert a.verify(grid=41).ok
    import matplotlib.pyplot as plt

    with pytest.warns(DeprecationWarning, match="pass size="):
        fig = ip.plots.plot_hs_figure6(grid=5)
    assert len(fig.axes[0].lines[0].get_xdata()) == 5       # 5 shares q drawn
    plt.close(fig)


def test_a_scalar_consumer_surplus_is_expected_consumer_surplus_and_the_old_name_warns():
    o = ip.hotelling_optimum(([-1.0, 1.0], [0.5, 0.5]))
    # BBM25 Theorem 3 / Example 4: the consumer-optimal surplus is (1 + e^-2) / 2
    assert o.expected_consumer_surplus == pytest.approx((1 + np.exp(-2)) / 2, abs=1e-6)
    with pytest.warns(DeprecationWarning, match="HotellingOptimum.consumer_surplus is deprecated"):
        assert o.consumer_surplus == o.expected_consumer_surplus
    d = o.as_dict()          # the old JSON key stays beside the new one
    assert d["expected_consumer_surplus"] == d["consumer_surplus"] == o.expected_consumer_surplus
    g = ip.catalog.bbm25_example1()
    full = ip.complete_information_outcome(g)
    assert full.as_dict()["consumer_surplus"] == full.as_dict()["expected_consumer_surplus"]


def test_learning_rows_keep_the_old_keys_beside_the_new():
    from scipy import stats

    rows = ip.information.learning_convergence(stats.uniform(0, 1), sizes=(10,))
    r = rows[0]
    assert r["consumer_surplus"] == r["expected_consumer_surplus"]
    assert r["closed_form_consumer_surplus"] == r["closed_form_expected_consumer_surplus"]
    assert r["error"] == pytest.approx(r["closed_form_expected_consumer_surplus"] - r["expected_consumer_surplus"])


def test_report_counts_are_sizes_and_the_old_keywords_warn():
    g = ip.catalog.bbm25_example3()
    with pytest.warns(DeprecationWarning, match="is deprecated") as got:
        old = ip.report(g, competition_grid=41, no_info_grid=21)
    assert {str(w.message).split("pass ")[1] for w in got} == {"competition_size=", "no_info_size="}
    new = ip.report(g, competition_size=41, no_info_size=21)
    assert old.params["competition_size"] == new.params["competition_size"] == 41
    assert old.params["no_info_size"] == 21 and old.verified and new.verified
    with pytest.raises(ValueError, match="no_info_size must be an integer >= 2"):
        ip.report(g, no_info_size=1)


def test_a_surplus_point_takes_expected_consumer_surplus():
    # BBM25 Example 1's residual: values 1, 3, 4 with probabilities 1/2, 1/4, 1/4; the
    # consumer-optimal corner of the BBM15 triangle is CS 0.75 at the uniform profit 1.5
    v, f = [1, 3, 4], [0.5, 0.25, 0.25]
    s = ip.segmentation_for_point(v, f, expected_consumer_surplus=0.75, producer_surplus=1.5)
    with pytest.warns(DeprecationWarning, match="pass expected_consumer_surplus="):
        old = ip.segmentation_for_point(v, f, consumer_surplus=0.75, producer_surplus=1.5)
    assert s.expected_consumer_surplus == pytest.approx(0.75) == old.expected_consumer_surplus
    tri = ip.surplus_triangle(v, f)
    assert tri.contains(expected_consumer_surplus=0.75, producer_surplus=1.5)
    with pytest.warns(DeprecationWarning):
        assert not tri.contains(consumer_surplus=1.0, producer_surplus=1.5)   # 2.5 > TS 2.25
