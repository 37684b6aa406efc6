"""The one solver layer: everything that talks to an LP solver lives here.

Nothing outside :mod:`infopricing.lp` imports ``highspy``. Callers build sparse
constraint matrices with numpy/scipy and receive a solver-neutral :class:`LPResult`.
Solvers are silent (file-descriptor level) unless logs are asked for
(:mod:`.output`); a matrix entry the solver would drop is refused, never dropped
(:func:`check_matrix_entries`).
"""

from .status import Status
from .highs import CoefficientRangeError, LPResult, LinearProgram, check_matrix_entries, solve_lp
from .output import set_solver_logs, solver_logs
from .exact_vertex import exact_basic_solution, solve_exact_square

__all__ = [
    "Status",
    "LPResult",
    "LinearProgram",
    "solve_lp",
    "CoefficientRangeError",
    "check_matrix_entries",
    "solver_logs",
    "set_solver_logs",
    "exact_basic_solution",
    "solve_exact_square",
]
