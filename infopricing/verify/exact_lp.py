"""The exact branch of ``verify`` and the ``exact_certificate()`` export, written once for
every result that comes from one or more recorded LPs (persuasion, convex order, CLW's
fixed-menu LPs, BBM25's consumer-optimal LPs, ...).

A result keeps the :class:`~infopricing.lp.exact_certificate.LPRecord` of each LP it
solved. ``verify(exact=True)`` re-solves each recorded basis in rational arithmetic and
checks an exactly feasible primal and dual with equal objective values
(:func:`infopricing.lp.exact_certificate.certify`); when a result has no record the exact
check says it could not be completed, and fails. The floating answer must also be within
``atol`` of the certified objective, so the certificate is about the number reported.
"""

from __future__ import annotations

import dataclasses

from ..lp.exact_certificate import ExactCertificate, combine, exact_lp_verification
from .report import Verification

__all__ = ["exact_branch", "export_certificate", "headline"]

#: What the ``reported`` entry of an exported problem is (and is not).
REPORTED_NOTE = ("floating-point values for reading, not part of the proof; the proven numbers "
                 "are the objective and the claims")


def exact_branch(base: Verification, records, value=None, atol: float = 1e-7, unit: float = 1.0,
                 backend: str = "auto") -> Verification:
    """``base`` (the floating checks) combined with the exact certificate of every recorded
    LP. ``records``: list of (name, LPRecord or None, reported objective or None); the
    reported objective must lie within ``atol * unit * max(1, |value|)`` of the exact one."""
    parts = [base]
    for name, rec, reported in records:
        v = exact_lp_verification(rec, name, backend=backend)
        if v.ok and reported is not None and v.details.get("objective") is not None:
            exact_obj = float(v.details["objective"])
            if abs(exact_obj - float(reported)) > atol * unit * max(1.0, abs(exact_obj) / unit):
                v = Verification(ok=False, exact=True, checks=v.checks, details=v.details,
                                 failures=(f"{name}: reported value {float(reported)!r} is not the "
                                           f"certified optimum {exact_obj!r}",))
        parts.append(v)
    out = combine(*parts)
    return dataclasses.replace(out, exact=True)


def headline(problem: dict, objective, reported: dict | None = None, claims: dict | None = None) -> dict:
    """``problem`` with the result's headline numbers split in two: ``reported`` (floats,
    for reading; the checker prints them as unchecked) and ``claims`` (exact pairs, each a
    function of the proven objective and the problem's own numbers, which the stand-alone
    checker derives again and compares: a changed headline number is rejected; only for a
    problem that names a ``builder``, since the checker derives claims from the rebuilt LP).
    ``claims`` maps a name to ``function(objective: Fraction, problem: dict) -> Fraction``."""
    from fractions import Fraction

    out = dict(problem)
    if reported:
        out["reported"] = {**reported, "note": REPORTED_NOTE}
    if claims and "builder" in out:  # without a builder the checker has no claims to derive
        obj = Fraction(objective)
        out["claims"] = {}
        for name, fn in claims.items():
            q = Fraction(fn(obj, out))
            out["claims"][name] = [q.numerator, q.denominator]
    return out


def export_certificate(record, kind: str, problem: dict | None = None,
                       backend: str = "auto", *, reported: dict | None = None,
                       claims: dict | None = None) -> ExactCertificate:
    """The exact certificate of one recorded LP, labelled for export (``to_json``).
    ``reported`` and ``claims``: the result's headline numbers (:func:`headline`).

    Raises ValueError when the result kept no LP record or the exact check did not pass
    (an exported certificate is one the stand-alone checker accepts)."""
    if record is None:
        raise ValueError(f"{kind}: no LP record on this result; nothing to certify")
    cert = record.certify(backend)
    if not cert.ok:
        raise ValueError(f"{kind}: the exact certificate does not hold: " + "; ".join(cert.failures[:5]))
    # the record's own exact model data (a ``builder`` and its numbers), when it kept them,
    # name the problem by which the stand-alone checker rebuilds the LP
    kept = (getattr(record, "exact", None) or {}).get("problem") or {}
    prob = headline({"kind": kind, **(problem or {}), **kept}, cert.lp.field.frac(cert.objective),
                    reported, claims)
    return dataclasses.replace(cert, problem=prob)
