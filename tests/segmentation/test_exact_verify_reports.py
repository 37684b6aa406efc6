"""verify(exact=True) on LP-based results without an exact optimality certificate says so and
never passes silently (issue 19): it fails with the reason, or raises NotImplementedError."""

import pytest

import infopricing as ip


def test_consumer_optimal_segmentation_exact_check_is_reported_incomplete():
    """HS Section 3 at q = 1/2: the best Pareto-improving segmentation reaches CS 7/32 (the
    docstring's hand value); the floating check passes, the exact one proves the segmentation
    but cannot prove the supremum optimal, and fails saying so."""
    r = ip.max_consumer_surplus_segmentation(ip.catalog.hs_section3(), [0.5, 0.5])
    assert r.supremum == pytest.approx(7 / 32, abs=1e-9)
    assert r.verify().ok
    chk = r.verify(exact=True)
    assert not chk.ok and chk.exact and chk.details["complete"] is False
    assert any("could not be completed" in f for f in chk.failures), chk.failures
    assert r.segmentation.verify(exact=True).ok


def test_surplus_set_has_no_exact_check():
    s = ip.surplus_set(ip.catalog.hs_section3(), [0.5, 0.5])
    assert s.verify().ok
    with pytest.raises(NotImplementedError, match="exact"):
        s.verify(exact=True)


def test_clw_pricing_has_no_exact_check():
    r = ip.optimal_pricing(ip.catalog.clw_example4(0.1))
    assert r.verify().ok
    with pytest.raises(NotImplementedError, match="exact"):
        r.verify(exact=True)
