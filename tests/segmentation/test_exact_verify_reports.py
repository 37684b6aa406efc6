"""verify(exact=True) on LP-based results without an exact optimality certificate says so and
never passes silently (issue 19): it fails with the reason, or raises NotImplementedError;
one that has a certificate says what it proves."""

import pytest

import infopricing as ip


def test_consumer_optimal_segmentation_exact_check_is_reported_incomplete():
    """HS Section 3 at q = 1/2: the best Pareto-improving segmentation reaches CS 7/32 (the
    docstring's hand value) and the exact check proves it (tests/lp/test_hs_exact_certificates.py);
    the same result without its closure LP (built by hand) cannot be proven, and fails saying so."""
    import dataclasses

    r = ip.max_consumer_surplus_segmentation(ip.catalog.hs_section3(), [0.5, 0.5])
    assert r.supremum == pytest.approx(7 / 32, abs=1e-9)
    assert r.verify().ok and r.verify(exact=True).ok
    chk = dataclasses.replace(r, exact_source=None).verify(exact=True)
    assert not chk.ok and chk.exact and chk.details["complete"] is False
    assert any("could not be completed" in f for f in chk.failures), chk.failures
    assert r.segmentation.verify(exact=True).ok


def test_surplus_set_exact_check_is_reported_incomplete_without_its_lp():
    import dataclasses

    s = ip.surplus_set(ip.catalog.hs_section3(), [0.5, 0.5])
    assert s.verify().ok and s.verify(exact=True).ok
    chk = dataclasses.replace(s, exact_source=None).verify(exact=True)
    assert not chk.ok and chk.details["complete"] is False
    assert any("could not be completed" in f for f in chk.failures), chk.failures


def test_clw_pricing_exact_check_proves_global_only_at_opt_wel():
    """CLW pricing's exact check certifies the last LP of the search exactly; it claims
    global optimality only when the certified revenue equals OPT-Wel computed here by hand
    (sum over profiles of mass times the best value: every IR mechanism earns at most it)."""
    from fractions import Fraction

    from infopricing.exact_numbers import exact_array, exact_market

    for dist, at_welfare in ((ip.catalog.clw_example4(0.1), True), (ip.catalog.clw_example2(), False)):
        r = ip.optimal_pricing(dist)
        f = exact_market(dist.probabilities)
        V = exact_array(dist.values.ravel())
        m = dist.n_products
        wel = sum((q * max(V[t * m:(t + 1) * m]) for t, q in enumerate(f)), Fraction(0))
        chk = r.verify(exact=True)
        assert chk.ok and chk.exact and chk.details["complete"] is True, chk.failures
        assert chk.details["opt_wel"] == wel
        assert (chk.details["objective"] == wel) is at_welfare
        assert chk.details["global"].startswith("proven exactly" if at_welfare else "not proven exactly")
