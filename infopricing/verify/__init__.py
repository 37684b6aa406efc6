"""Independent checkers and the result protocol: the one verification report every
``verify()`` returns, an accumulator of named, toleranced checks, and the base every
public result derives from (see DESIGN.md, "verify/" and "The result protocol")."""

from .report import Checker, Verification
from .protocol import (STATUSES, Result, ResultStatus, Tabular, coerce_status, combine, jsonable,
                       no_exact, status_from_check, status_from_decision, status_from_proof,
                       status_from_solver)

__all__ = ["Verification", "Checker", "Result", "ResultStatus", "STATUSES", "Tabular",
           "coerce_status", "combine", "jsonable", "no_exact", "status_from_check", "status_from_decision",
           "status_from_proof", "status_from_solver"]
