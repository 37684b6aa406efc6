"""The verification report returned by this area's ``verify()`` methods."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CheckReport:
    """Outcome of an independent re-check of a result.

    Attributes
    ----------
    ok : bool
        True when every check passed within its tolerance.
    failures : tuple of str
        One human-readable line per failed check.
    max_violation : float
        Largest violation found over all checks (0 when none).
    checks : tuple of str
        Names of the checks performed.
    """

    ok: bool
    failures: tuple[str, ...] = ()
    max_violation: float = 0.0
    checks: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"ok": self.ok, "failures": list(self.failures),
                "max_violation": self.max_violation, "checks": list(self.checks)}


class _Checker:
    """Accumulates named checks with tolerances (private helper)."""

    def __init__(self):
        self.failures: list[str] = []
        self.names: list[str] = []
        self.worst = 0.0

    def check(self, name: str, violation: float, atol: float, detail: str = "") -> bool:
        self.names.append(name)
        v = float(max(violation, 0.0))
        self.worst = max(self.worst, v)
        if not v <= atol:  # also catches NaN
            self.failures.append(f"{name}: violation {v:.3g} > {atol:.3g}" + (f" ({detail})" if detail else ""))
            return False
        return True

    def fail(self, name: str, detail: str) -> None:
        self.names.append(name)
        self.failures.append(f"{name}: {detail}")

    def report(self) -> CheckReport:
        return CheckReport(ok=not self.failures, failures=tuple(self.failures),
                           max_violation=self.worst, checks=tuple(self.names))
