"""The one verification report of the library, and an accumulator of named checks.

Every result object's ``verify()`` re-checks its answer independently of the solver
(IC, IR, obedience, Bayes plausibility, averaging to the market, no profitable
deviation) and returns a :class:`Verification`. :class:`Checker` is a convenience for
building one from a list of named, toleranced checks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Verification", "Checker"]


@dataclass(frozen=True)
class Verification:
    """Outcome of re-checking a result independently of the solver.

    Truthy exactly when ``ok`` is, so ``assert result.verify()`` means "every check
    passed".

    Attributes
    ----------
    ok : bool
        True when every check passed within its tolerance.
    failures : tuple of str
        One human-readable line per failed check (empty when ``ok``). Producers may
        truncate a long list; ``ok`` is False whenever any check failed.
    max_violation : float
        Largest violation found over the numeric checks (0 when none). Checks with
        different tolerances are pooled here, so compare it with the check's tolerance
        only when they share one.
    exact : bool
        Whether the check was done in rational arithmetic.
    checks : tuple of str
        Names of the checks performed, in order (empty when the producer does not
        record them).
    details : dict
        Extra data for the caller (e.g. an exact allocation and payments); not part
        of :meth:`as_dict`.

    References
    ----------
    DESIGN.md, "Certificates, not only values" (the library's checking convention).

    Examples
    --------
    >>> import infopricing as ip
    >>> v = ip.Verification(ok=False, failures=("IR: violation 0.25 > 1e-07 (type 2)",),
    ...                     max_violation=0.25)
    >>> bool(v), v.max_violation
    (False, 0.25)

    A solver's answer re-checked (HS Section 3 at q = 1/2: every IC/IR constraint holds,
    in floating point and in exact rationals):

    >>> m = ip.optimal_mechanism(ip.catalog.hs_section3(), [0.5, 0.5])
    >>> m.verify().ok, m.verify(exact=True).ok, m.verify(exact=True).exact
    (True, True, True)
    """

    ok: bool
    failures: tuple[str, ...] = ()
    max_violation: float = 0.0
    exact: bool = False
    checks: tuple[str, ...] = ()
    details: dict = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return bool(self.ok)

    def as_dict(self) -> dict:
        """JSON-ready form: ``ok``, ``failures``, ``max_violation``, ``exact``, ``checks``."""
        return {"ok": bool(self.ok), "failures": list(self.failures),
                "max_violation": float(self.max_violation), "exact": bool(self.exact),
                "checks": list(self.checks)}


class Checker:
    """Accumulates named checks, each a violation measured against a tolerance.

    A check passes when its violation (clamped below at 0) is at most its tolerance;
    a NaN violation fails. The largest violation over all numeric checks becomes the
    report's ``max_violation``.

    Examples
    --------
    >>> ck = Checker()
    >>> ck.check("probabilities sum to 1", abs(0.3 + 0.7 - 1.0), 1e-9)
    True
    >>> ck.check("IR", 0.25, 1e-7, "type 2")
    False
    >>> rep = ck.report()
    >>> rep.ok, rep.failures, rep.max_violation
    (False, ('IR: violation 0.25 > 1e-07 (type 2)',), 0.25)

    References
    ----------
    The result protocol of this library (DESIGN.md); no paper result.
    """

    def __init__(self):
        self.failures: list[str] = []
        self.names: list[str] = []
        self.worst = 0.0

    def check(self, name: str, violation: float, atol: float, detail: str = "") -> bool:
        """Record check ``name`` with the given ``violation``; fail it when above ``atol``.

        Parameters
        ----------
        name : str
            Short name of the check (kept in the report's ``checks``).
        violation : float
            How far the condition is from holding (<= 0 when it holds with slack).
        atol : float
            Tolerance of this check.
        detail : str, optional
            Appended in parentheses to the failure line.

        Returns
        -------
        bool
            Whether the check passed.
        """
        self.names.append(name)
        v = float(violation)
        v = v if math.isnan(v) else max(v, 0.0)
        if not math.isnan(v):
            self.worst = max(self.worst, v)
        if not v <= atol:  # also catches NaN
            self.failures.append(f"{name}: violation {v:.3g} > {atol:.3g}" + (f" ({detail})" if detail else ""))
            return False
        return True

    def fail(self, name: str, detail: str = "") -> None:
        """Record check ``name`` as failed, for a condition that has no numeric size."""
        self.names.append(name)
        self.failures.append(f"{name}: {detail}" if detail else name)

    def require(self, name: str, condition: bool, detail: str = "") -> bool:
        """Record check ``name``; fail it with ``detail`` unless ``condition`` holds."""
        if condition:
            self.names.append(name)
            return True
        self.fail(name, detail)
        return False

    def report(self, exact: bool = False, details: dict | None = None) -> Verification:
        """The :class:`Verification` of everything checked so far."""
        return Verification(ok=not self.failures, failures=tuple(self.failures),
                            max_violation=self.worst, exact=exact, checks=tuple(self.names),
                            details={} if details is None else dict(details))
