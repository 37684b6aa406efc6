"""The information area's entries in the reproduction catalogue (BBM25 Examples 1 and 3,
Appendix A1, section III.B; BBM15 Theorem 1): each must reproduce (or match its correction)."""

import pytest

from infopricing.claims.registry import all_claims, check_claim

IDS = [c.id for c in all_claims() if "-info-" in c.id]


def test_catalogue_has_information_claims():
    from infopricing.claims.registry import MERGED

    # five -info- rows were merged into the BBM25 rows checking the same items (issue 17)
    merged = [old for old in MERGED if "-info-" in old]
    assert len(merged) == 5 and len(IDS) + len(merged) >= 12


@pytest.mark.parametrize("claim_id", IDS)
def test_claim_reproduces(claim_id):
    claim = next(c for c in all_claims() if c.id == claim_id)
    rec = check_claim(claim)
    assert rec.ok, (rec.status, rec.computed_value, rec.note)


def test_a1_discrepancy_is_flagged():
    """BBM25 Appendix A1 prints '= min supp x'; with c_i = 1 the common profit is 2, not 3."""
    claim = next(c for c in all_claims() if c.id == "BBM25-info-A1-common-profit")
    assert check_claim(claim).status == "text-discrepancy"
