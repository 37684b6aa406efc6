"""The reproduction table's bookkeeping: paper items vs rows, merged rows, statuses, source."""

from __future__ import annotations

import pytest

from infopricing.claims import all_claims
from infopricing.claims.coverage import COVERAGE, ITEMS, coverage_counts
from infopricing.claims.registry import MERGED, Claim, ClaimRecord, check_claim, headline, markdown_report


def test_every_item_names_existing_rows_and_every_row_serves_an_item():
    ids = {c.id for c in all_claims()}
    named = {c for it in ITEMS for c in it.claims}
    assert named <= ids, named - ids
    assert ids <= named, ids - named
    assert len({it.key for it in ITEMS}) == len(ITEMS)
    for it in ITEMS:
        assert it.coverage in COVERAGE
        if it.coverage == "not":
            assert it.note, it.key  # a reason
        if it.coverage == "full":
            assert it.claims, it.key


def test_counts_add_up():
    c = coverage_counts()
    assert c["full"] + c["partly"] + c["not"] == c["items"] == len(ITEMS)
    assert c["full"] > c["partly"] > 0 and c["not"] > 0


def test_merged_ids_are_gone_and_their_targets_exist():
    ids = {c.id for c in all_claims()}
    for old, new in MERGED.items():
        assert old not in ids and new in ids


def test_not_computable_status_and_source_column():
    rec = check_claim(Claim("t-nc", "T", "l", "s [constructed by the library]", 1.0, lambda: 1 / 0,
                            not_computable="quantifies over all rules"))
    assert rec.status == "not-computable" and rec.ok and rec.constructed
    assert rec.note == "quantifies over all rules"
    plain = check_claim(Claim("t-p", "T", "l", "from the paper", 1.0, lambda: 1.0))
    assert not plain.constructed
    forced = check_claim(Claim("t-f", "T", "l", "s", 1.0, lambda: 1.0, constructed=True))
    assert forced.constructed and forced.as_dict()["constructed"] is True
    md = markdown_report([rec, plain])
    assert "| constructed |" in md and "| paper |" in md
    assert "not computable" in headline([rec, plain])


def test_text_discrepancy_rows_explain_and_name_a_check():
    """Each text-discrepancy row says what the paper got wrong and names the independent
    check that decides it."""
    for c in all_claims():
        if c.discrepancy is None:
            continue
        head, _, check = c.discrepancy.partition("Independent check:")
        assert len(head) > 60 and len(check.strip()) > 10, c.id


@pytest.mark.parametrize("paper", ["HS", "CLW"])
def test_headline_counts_only_the_papers_shown(paper):
    recs = [ClaimRecord("x", paper, "l", "s", 1, 1, "pass")]
    h = headline(recs)
    n = sum(it.paper == paper for it in ITEMS)
    assert f"Paper items: {n} " in h


def test_conjecture_rows_are_consistent_or_refuted_never_pass():
    ok = check_claim(Claim("t-c", "T", "l", "s", 1.0, lambda: 1.0, conjecture=True))
    assert ok.status == "consistent" and ok.ok
    bad = check_claim(Claim("t-c2", "T", "l", "s", 1.0, lambda: 2.0, conjecture=True))
    assert bad.status == "fail" and not bad.ok
    ref = check_claim(Claim("t-c3", "T", "l", "s", 1.0, lambda: 2.0, conjecture=True,
                            discrepancy="counterexample found", corrected_value=2.0))
    assert ref.status == "refuted" and ref.ok and ref.note == "counterexample found"
    assert "1 conjectures consistent" in headline([ok, bad])
    assert all(c.conjecture for c in all_claims() if c.id.startswith("CLW-conj"))
