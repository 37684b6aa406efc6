"""Claim records, the registry, and the comparison of paper vs computed values."""

from __future__ import annotations

import importlib
import math
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .._json import to_jsonable
from .._progress import check_progress

_REGISTRY: dict[str, "Claim"] = {}

#: claim ids merged into another row (issue 17: near-duplicates), old id -> row that now
#: checks it (with both code paths where the two rows used different ones)
MERGED = {
    "BBM25-info-ex1-uniform-price-c0": "BBM25-ex1-optimal-prices",
    "BBM25-info-ex1-uniform-price-c1": "BBM25-ex1-c1-efficient",
    "BBM25-info-ex1-segmentation-total": "BBM25-ex1-segments",
    "BBM25-info-ex3-full-information": "BBM25-ex3-full-information",
    "BBM25-info-ex3-no-information": "BBM25-ex3-no-information",
    "BBM25-ex3-epsilon": "BBM25-info-ex3-eps-information",
    "BBM25-ex4-cs-closed-form": "BBM25-ex4-cs",
    "BBM25-ex4-ts-closed-form": "BBM25-ex4-ts",
}
_MODULES = ("core", "hs", "information", "bbm25", "clw")


@dataclass(frozen=True)
class Claim:
    """One numbered claim of a paper.

    Attributes
    ----------
    id : str            unique, e.g. ``"HS-3-fig1a-screening"``
    paper : str         ``"HS"``, ``"BBM25"``, ``"CLW"`` or ``"BBM15"``
    location : str      section / example / figure, e.g. ``"Section 3, Figure 1(a)"``
    statement : str     what the paper says, in words
    paper_value : Any   the value printed in the paper (number, bool, string, tuple)
    compute : callable  recomputes the value with the library (no arguments)
    tol : float         absolute tolerance for numeric comparisons
    discrepancy : str or None
        When the paper's text is wrong: the explanation. The claim then passes only if
        the computed value matches ``corrected_value`` (and is reported as
        ``"text-discrepancy"``, never as a silent pass).
    corrected_value : Any
    compare : callable or None
        ``compare(expected, computed) -> bool`` for non-numeric values.
    constructed : bool or None
        True when the instance or the expected value was constructed by the library
        (reconstructed from a missing figure, an instance chosen to test a proposition,
        a value computed from the paper's formula) rather than read in the paper. None:
        decided from the statement, which then says "[constructed by the library]" or
        "[value ... from the paper's formula]".
    not_computable : str or None
        The reason the claim cannot be checked by computation; ``compute`` is then not
        called and the record's status is ``"not-computable"``.
    conjecture : bool
        The paper states a conjecture, which no finite check proves: a match is reported as
        ``"consistent"`` (consistent on the instances the statement names), never as
        ``"pass"``; a mismatch is ``"fail"`` until the counterexample is recorded with a
        ``discrepancy`` (then ``"refuted"``).
    """

    id: str
    paper: str
    location: str
    statement: str
    paper_value: Any
    compute: Callable[[], Any]
    tol: float = 1e-6
    discrepancy: str | None = None
    corrected_value: Any = None
    compare: Callable[[Any, Any], bool] | None = None
    constructed: bool | None = None
    not_computable: str | None = None
    conjecture: bool = False

    @property
    def is_constructed(self) -> bool:
        if self.constructed is not None:
            return bool(self.constructed)
        s = self.statement.lower()
        return ("constructed by the library" in s or "from the paper's formula" in s
                or "reconstructed" in s)


#: statuses of a record; the last two are not failures
STATUSES = ("pass", "text-discrepancy", "not-computable", "consistent", "refuted", "fail", "error")


@dataclass(frozen=True)
class ClaimRecord:
    id: str
    paper: str
    location: str
    statement: str
    paper_value: Any
    computed_value: Any
    status: str  # one of STATUSES
    note: str = ""
    constructed: bool = False

    @property
    def ok(self) -> bool:
        return self.status in ("pass", "text-discrepancy", "not-computable", "consistent", "refuted")

    def as_dict(self) -> dict:
        return {"id": self.id, "paper": self.paper, "location": self.location,
                "statement": self.statement, "paper_value": _jsonable(self.paper_value),
                "computed_value": _jsonable(self.computed_value), "status": self.status,
                "note": self.note, "constructed": self.constructed}


def _jsonable(v):
    """JSON-ready copy of ``v``; anything else becomes its ``str`` (catalogue values may be
    arbitrary objects)."""
    return to_jsonable(v, fallback=str)


def register(claim: Claim) -> Claim:
    if claim.id in _REGISTRY and _REGISTRY[claim.id] is not claim:
        raise ValueError(f"duplicate claim id {claim.id!r}")
    _REGISTRY[claim.id] = claim
    return claim


def all_claims(paper: str | None = None) -> list[Claim]:
    for mod in _MODULES:
        importlib.import_module(f"{__package__}.{mod}")
    claims = list(_REGISTRY.values())
    if paper is not None:
        claims = [c for c in claims if c.paper.upper() == paper.upper()]
    return claims


def values_match(expected, computed, tol: float) -> bool:
    """Numeric (recursively element-wise) comparison within ``tol``; exact otherwise."""
    if isinstance(expected, (bool, np.bool_)) or isinstance(computed, (bool, np.bool_)):
        return bool(expected) == bool(computed)
    if isinstance(expected, str) or isinstance(computed, str):
        return str(expected) == str(computed)
    if isinstance(expected, dict) and isinstance(computed, dict):
        return expected.keys() == computed.keys() and all(
            values_match(expected[k], computed[k], tol) for k in expected)
    if isinstance(expected, (list, tuple, np.ndarray)) or isinstance(computed, (list, tuple, np.ndarray)):
        try:
            e = list(expected)
            c = list(computed)
        except TypeError:
            return False
        return len(e) == len(c) and all(values_match(a, b, tol) for a, b in zip(e, c))
    try:
        return math.isclose(float(expected), float(computed), rel_tol=0.0, abs_tol=tol)
    except (TypeError, ValueError):
        return expected == computed


def check_claim(claim: Claim) -> ClaimRecord:
    if claim.not_computable is not None:
        return ClaimRecord(claim.id, claim.paper, claim.location, claim.statement, claim.paper_value,
                           None, "not-computable", claim.not_computable, claim.is_constructed)
    try:
        computed = claim.compute()
    except Exception as exc:  # report, do not crash the whole catalogue
        return ClaimRecord(claim.id, claim.paper, claim.location, claim.statement,
                           claim.paper_value, None, "error",
                           f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}",
                           claim.is_constructed)
    cmp = claim.compare or (lambda e, c: values_match(e, c, claim.tol))
    if claim.discrepancy is not None:
        ok = cmp(claim.corrected_value, computed)
        status = ("refuted" if claim.conjecture else "text-discrepancy") if ok else "fail"
        note = claim.discrepancy + ("" if ok else " (and the computed value does not match the correction either)")
    else:
        ok = cmp(claim.paper_value, computed)
        status = ("consistent" if claim.conjecture else "pass") if ok else "fail"
        note = ""
    return ClaimRecord(claim.id, claim.paper, claim.location, claim.statement,
                       claim.paper_value, computed, status, note, claim.is_constructed)


def run_claims(paper: str | None = None, progress: Callable[..., None] | None = None
               ) -> list[ClaimRecord]:
    """Check every claim (of ``paper``, or all) and return their records.

    ``progress(done, total, claim=...)``, the library's one progress signature
    (:mod:`infopricing._progress`), is called before each claim (``done`` claims checked
    so far, ``claim`` the one about to run; ``claim=`` only to a callback that accepts
    it) and once at the end with ``done == total``."""
    check_progress(progress)
    from .._progress import report_progress

    claims = all_claims(paper)
    out = []
    for i, c in enumerate(claims):
        report_progress(progress, i, len(claims), claim=c)
        out.append(check_claim(c))
    report_progress(progress, len(claims), len(claims))
    return out


def _fmt(v) -> str:
    v = _jsonable(v)
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list):
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    return str(v)


def headline(records: list[ClaimRecord]) -> str:
    """Paper items covered full / partly / not, then the rows (checks) and their statuses."""
    from .coverage import ITEMS, coverage_counts

    papers = {r.paper for r in records}
    cov = coverage_counts([it for it in ITEMS if it.paper in papers])
    by = {s: sum(r.status == s for r in records) for s in STATUSES}
    made = sum(r.constructed for r in records)
    return (f"Paper items: {cov['items']} checkable items of the three papers (the library's reading, "
            f"infopricing/claims/coverage.py): {cov['full']} covered fully, {cov['partly']} partly, "
            f"{cov['not']} not. Checks: {len(records)} rows, {sum(r.ok for r in records)} reproduced "
            f"({by['pass']} pass, {by['text-discrepancy']} where the paper's text is wrong and the computed "
            f"value matches the correction, {by['not-computable']} not computable"
            + (f", {by['consistent']} conjectures consistent on the instances checked" if by["consistent"] else "")
            + (f", {by['refuted']} conjectures refuted" if by["refuted"] else "")
            + f"), {by['fail']} fail, "
            f"{by['error']} error; {made} rows use an instance or value constructed by the library "
            "(column 'source').")


def markdown_report(records: list[ClaimRecord]) -> str:
    lines = ["# infopricing: reproduction of the papers' claims", "", headline(records), "",
             "Merged rows (old id -> the row that checks it now): "
             + "; ".join(f"{a} -> {b}" for a, b in MERGED.items()) + ".", "",
             "| id | paper | location | statement | paper value | computed | status | source | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    for r in records:
        lines.append("| " + " | ".join(esc(x) for x in (
            r.id, r.paper, r.location, r.statement, _fmt(r.paper_value), _fmt(r.computed_value),
            r.status, "constructed" if r.constructed else "paper", r.note.split("\n")[0])) + " |")
    return "\n".join(lines) + "\n"
