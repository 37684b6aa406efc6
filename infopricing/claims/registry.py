"""Claim records, the registry, and the comparison of paper vs computed values."""

from __future__ import annotations

import importlib
import math
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .._json import to_jsonable

_REGISTRY: dict[str, "Claim"] = {}
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


@dataclass(frozen=True)
class ClaimRecord:
    id: str
    paper: str
    location: str
    statement: str
    paper_value: Any
    computed_value: Any
    status: str  # "pass", "fail", "text-discrepancy", "error"
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("pass", "text-discrepancy")

    def as_dict(self) -> dict:
        return {"id": self.id, "paper": self.paper, "location": self.location,
                "statement": self.statement, "paper_value": _jsonable(self.paper_value),
                "computed_value": _jsonable(self.computed_value), "status": self.status,
                "note": self.note}


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
    try:
        computed = claim.compute()
    except Exception as exc:  # report, do not crash the whole catalogue
        return ClaimRecord(claim.id, claim.paper, claim.location, claim.statement,
                           claim.paper_value, None, "error",
                           f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
    cmp = claim.compare or (lambda e, c: values_match(e, c, claim.tol))
    if claim.discrepancy is not None:
        ok = cmp(claim.corrected_value, computed)
        status = "text-discrepancy" if ok else "fail"
        note = claim.discrepancy + ("" if ok else " (and the computed value does not match the correction either)")
    else:
        ok = cmp(claim.paper_value, computed)
        status = "pass" if ok else "fail"
        note = ""
    return ClaimRecord(claim.id, claim.paper, claim.location, claim.statement,
                       claim.paper_value, computed, status, note)


def run_claims(paper: str | None = None, progress: Callable[[Claim], None] | None = None
               ) -> list[ClaimRecord]:
    out = []
    for c in all_claims(paper):
        if progress is not None:
            progress(c)
        out.append(check_claim(c))
    return out


def _fmt(v) -> str:
    v = _jsonable(v)
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list):
        return "(" + ", ".join(_fmt(x) for x in v) + ")"
    return str(v)


def markdown_report(records: list[ClaimRecord]) -> str:
    lines = ["# infopricing: reproduction of the papers' claims", "",
             f"{sum(r.ok for r in records)} of {len(records)} claims reproduced "
             f"({sum(r.status == 'text-discrepancy' for r in records)} where the paper's text "
             "is wrong and the computed value matches the corrected one).", "",
             "| id | paper | location | statement | paper value | computed | status | note |",
             "|---|---|---|---|---|---|---|---|"]
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    for r in records:
        lines.append("| " + " | ".join(esc(x) for x in (
            r.id, r.paper, r.location, r.statement, _fmt(r.paper_value), _fmt(r.computed_value),
            r.status, r.note.split("\n")[0])) + " |")
    return "\n".join(lines) + "\n"
