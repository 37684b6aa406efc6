"""Independent checkers: the one verification report every ``verify()`` returns, and an
accumulator of named, toleranced checks (see DESIGN.md, "verify/")."""

from .report import Checker, Verification

__all__ = ["Verification", "Checker"]
