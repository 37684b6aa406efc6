"""The catalogue of paper instances (infopricing.catalog): every entry cites its source and
builds the object the paper describes; checked against the papers' own numbers."""

import numpy as np
import pytest

import infopricing as ip
from infopricing import catalog
from infopricing.disclosure import catalog as clw_catalog


@pytest.mark.parametrize("name", sorted(catalog.CATALOG))
def test_every_entry_cites_a_source_and_builds(name):
    e = catalog.CATALOG[name]
    assert e.source.split(",")[0] in ("HS", "BBM25", "CLW") or e.source.startswith("beyond the papers")
    assert e.description
    obj = catalog.instance(name)
    assert obj is not None
    assert catalog.instance(name) is not obj  # a fresh object each time


def test_instance_rejects_unknown_names():
    with pytest.raises(ValueError, match="valid names"):
        catalog.instance("hs-section9")
    with pytest.raises(TypeError):
        catalog.instance(3)


def test_hs_section3_revenue_and_regimes():
    """HS section 3: at q = 1/2 the seller screens, L at 0.75 and H at 1.75 (revenue 1.25);
    below q = 1/4 both types buy H at 1 (revenue 1)."""
    m = ip.optimal_mechanism(catalog.hs_section3(), catalog.hs_section3_market().probabilities)
    assert m.revenue == pytest.approx(0.5 * 0.75 + 0.5 * 1.75)
    np.testing.assert_allclose(m.allocation, [[1, 0], [0, 1]], atol=1e-9)
    low = ip.optimal_mechanism(catalog.hs_section3(), catalog.hs_section3_market(0.2).probabilities)
    assert low.revenue == pytest.approx(1.0)


def test_hs_single_product_prices_at_two():
    """A quarter values the product at 1, the rest at 2: pricing at 2 earns 1.5 > 1."""
    mk = catalog.hs_section3_single_product_market()
    m = ip.optimal_mechanism(mk.env, mk)
    assert m.revenue == pytest.approx(1.5)


def test_hs_section611_t2_served_inefficiently():
    """HS 6.1.1: in the market (0.5, 0.1, 0.4) type t2 (who prefers a2) is served a1."""
    mk = catalog.hs_section611_market()
    m = ip.optimal_mechanism(mk.env, mk)
    assert m.allocation[1, 0] == pytest.approx(1.0)
    assert catalog.hs_section611().values[1, 1] > catalog.hs_section611().values[1, 0]


def test_bbm25_example1_is_sixteen_equally_likely_profiles():
    g = catalog.bbm25_example1()
    assert g.n_producers == 2
    assert len(g.probabilities) == 16
    np.testing.assert_allclose(g.probabilities, 1 / 16)
    r = catalog.bbm25_example1_residual()
    assert r.values.tolist() == [1.0, 3.0, 4.0]
    np.testing.assert_allclose(r.probabilities, [0.5, 0.25, 0.25])


def test_bbm25_example3_and_4():
    g = catalog.bbm25_example3()
    assert g.values.ravel().tolist() == [0.0, 4.0] and g.costs.ravel().tolist() == [1.0, 1.0]
    values, probs = catalog.bbm25_example4_hotelling()
    assert values == [-1.0, 1.0] and probs == [0.5, 0.5]


def test_clw_instances_are_the_disclosure_catalogue():
    """Re-exported, not copied: the same builders as infopricing.disclosure.catalog."""
    assert catalog.clw_example1 is clw_catalog.clw_example1
    assert catalog.clw.DISCLOSURE_CATALOG is clw_catalog.CATALOG
    d = catalog.instance("clw-example1")
    np.testing.assert_allclose(d.probabilities, [0.2, 0.4, 0.4])
    # CLW Example 1: OPT-Wel = E[max_i v_i] = 0.2 * 10 + 0.4 * 6 + 0.4 * 3 = 5.6
    assert ip.optimal_welfare(d) == pytest.approx(5.6)


def test_hs_corollary4_cost_is_convex_piecewise_linear_at_its_kinks():
    """Kinks 0.5, 1, 1.5 with slopes 0.4, 1.0, 1.8 (convex): costs 0.2, 0.7, 1.6."""
    e = catalog.hs_corollary4_piecewise_linear()
    np.testing.assert_allclose(e.qualities, [0, 0.5, 1.0, 1.5])
    np.testing.assert_allclose(e.costs, [0, 0.2, 0.7, 1.6], atol=1e-12)
    slopes = np.diff(e.costs) / np.diff(e.qualities)
    np.testing.assert_allclose(slopes, [0.4, 1.0, 1.8])
    assert np.all(np.diff(slopes) > 0)


def test_hs_appendix_c_example():
    """Values 1 and 2 on qualities [0, 1], cost a^2 / 2: t2's efficient quality is the cap 1."""
    e = catalog.hs_appendix_c()
    assert e.values.tolist() == [1.0, 2.0] and e.interval == (0.0, 1.0)
    assert e.C(0.5) == pytest.approx(0.125)
    assert e.efficient_quality(1) == pytest.approx(1.0) and e.efficient_quality(0) == pytest.approx(1.0)
