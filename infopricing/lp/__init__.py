"""The one solver layer: everything that talks to an LP solver lives here.

Nothing outside :mod:`infopricing.lp` imports ``highspy``. Callers build sparse
constraint matrices with numpy/scipy and receive a solver-neutral :class:`LPResult`.
"""

from .status import Status
from .highs import LPResult, LinearProgram, solve_lp
from .exact import exact_basic_solution, solve_exact_square

__all__ = [
    "Status",
    "LPResult",
    "LinearProgram",
    "solve_lp",
    "exact_basic_solution",
    "solve_exact_square",
]
