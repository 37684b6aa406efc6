"""HiGHS backend (via ``highspy``), called directly with sparse CSC matrices.

The LP solved is::

    optimise  c @ x            (sense "max" or "min")
    subject to row_lower <= A @ x <= row_upper
               col_lower <= x <= col_upper

Infinite bounds are given as ``numpy.inf``. Duals are returned as HiGHS reports them:
for a maximisation, a row dual is the change of the optimal value per unit increase of
the row's active bound (same convention for column reduced costs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

import highspy

from .. import tolerances as tol
from .status import Status

_STATUS_MAP = {
    highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: Status.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: Status.INFEASIBLE_OR_UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: Status.LIMIT,
    highspy.HighsModelStatus.kIterationLimit: Status.LIMIT,
    highspy.HighsModelStatus.kObjectiveBound: Status.LIMIT,
    highspy.HighsModelStatus.kObjectiveTarget: Status.LIMIT,
    highspy.HighsModelStatus.kModelEmpty: Status.OPTIMAL,
}

# Basis status codes (solver-neutral small ints stored in LPResult), defined in .basis
from .basis import AT_LOWER, AT_UPPER, BASIC, NONBASIC, ZERO  # noqa: E402
_BASIS_MAP = {
    highspy.HighsBasisStatus.kBasic: BASIC,
    highspy.HighsBasisStatus.kLower: AT_LOWER,
    highspy.HighsBasisStatus.kUpper: AT_UPPER,
    highspy.HighsBasisStatus.kZero: ZERO,
    highspy.HighsBasisStatus.kNonbasic: NONBASIC,
}
_BASIS_BACK = {v: k for k, v in _BASIS_MAP.items()}


@dataclass(frozen=True)
class LPResult:
    """Solver-neutral answer of one LP solve.

    Attributes
    ----------
    status : Status
    objective : float
        Optimal value (``nan`` unless a primal solution exists).
    x : ndarray
        Primal column values.
    row_activity : ndarray
        ``A @ x``.
    row_dual, col_dual : ndarray
        Row duals and column reduced costs (HiGHS convention, see module docstring).
    col_basis, row_basis : ndarray of int or None
        Basis status codes (``BASIC=0, AT_LOWER=1, AT_UPPER=2, ZERO=3, NONBASIC=4``)
        when a valid simplex basis exists.
    primal_infeasibility, dual_infeasibility : float
        Largest infeasibilities as reported by the backend.
    iterations : int
    message : str
    """

    status: Status
    objective: float
    x: np.ndarray
    row_activity: np.ndarray
    row_dual: np.ndarray
    col_dual: np.ndarray
    col_basis: np.ndarray | None = None
    row_basis: np.ndarray | None = None
    primal_infeasibility: float = 0.0
    dual_infeasibility: float = 0.0
    iterations: int = 0
    message: str = ""
    solver: str = "highs"

    @property
    def ok(self) -> bool:
        return self.status is Status.OPTIMAL


def _as_csc(A, ncols: int) -> sp.csc_matrix:
    if A is None:
        return sp.csc_matrix((0, ncols))
    A = sp.csc_matrix(A, dtype=float)
    A.sum_duplicates()
    A.sort_indices()
    return A


def _finite_or_inf(a, inf):
    a = np.asarray(a, dtype=float).copy()
    a[np.isposinf(a)] = inf
    a[np.isneginf(a)] = -inf
    return a


class LinearProgram:
    """A persistent HiGHS model: solve, change objective/bounds, add rows, re-solve warm.

    Parameters
    ----------
    c : array (n,)
    A : sparse or dense (m, n) or None
    row_lower, row_upper : array (m,)
    col_lower, col_upper : array (n,), defaults 0 and +inf
    sense : {"max", "min"}
    method : {"simplex", "ipm", "choose"}
        Simplex gives a basis (needed for exact re-checks and warm starts).
    options : dict, extra HiGHS options
    """

    def __init__(self, c, A=None, row_lower=None, row_upper=None, col_lower=None,
                 col_upper=None, sense="max", method="simplex", options=None):
        c = np.asarray(c, dtype=float).ravel()
        n = c.size
        A = _as_csc(A, n)
        if A.shape[1] != n:
            raise ValueError(f"A has {A.shape[1]} columns, c has {n} entries")
        m = A.shape[0]
        self._h = highspy.Highs()
        self._inf = self._h.getInfinity()
        self._h.setOptionValue("output_flag", False)
        if method != "choose":
            self._h.setOptionValue("solver", method)
        for key, val in (options or {}).items():
            self._h.setOptionValue(key, val)
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = m
        lp.col_cost_ = c
        lp.col_lower_ = _finite_or_inf(np.zeros(n) if col_lower is None else col_lower, self._inf)
        lp.col_upper_ = _finite_or_inf(np.full(n, np.inf) if col_upper is None else col_upper, self._inf)
        lp.row_lower_ = _finite_or_inf(np.full(m, -np.inf) if row_lower is None else row_lower, self._inf)
        lp.row_upper_ = _finite_or_inf(np.full(m, np.inf) if row_upper is None else row_upper, self._inf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data
        lp.sense_ = highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize
        st = self._h.passModel(lp)
        if st == highspy.HighsStatus.kError:
            raise ValueError("HiGHS rejected the LP (inconsistent data)")
        self.sense = sense

    @property
    def num_rows(self) -> int:
        return self._h.getNumRow()

    @property
    def num_cols(self) -> int:
        return self._h.getNumCol()

    def set_method(self, method: str) -> None:
        """Switch the algorithm for the next solve ("simplex", "ipm" or "choose"); a simplex
        re-solve after an interior-point solve starts from the crossover basis."""
        self._h.setOptionValue("solver", method)

    def set_option(self, name: str, value) -> None:
        """Set one HiGHS option for later solves (a tolerance, a scaling strategy...)."""
        self._h.setOptionValue(name, value)

    def set_objective(self, c, sense=None):
        c = np.asarray(c, dtype=float).ravel()
        idx = np.arange(c.size, dtype=np.int32)
        self._h.changeColsCost(c.size, idx, c)
        if sense is not None:
            self._h.changeObjectiveSense(
                highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize)
            self.sense = sense

    def set_row_bounds(self, rows, lower, upper):
        rows = np.asarray(rows, dtype=np.int32).ravel()
        if rows.size == 0:
            return
        lo = _finite_or_inf(np.broadcast_to(lower, rows.shape), self._inf)
        hi = _finite_or_inf(np.broadcast_to(upper, rows.shape), self._inf)
        self._h.changeRowsBounds(rows.size, rows, lo, hi)

    def set_col_bounds(self, cols, lower, upper):
        cols = np.asarray(cols, dtype=np.int32).ravel()
        if cols.size == 0:
            return
        lo = _finite_or_inf(np.broadcast_to(lower, cols.shape), self._inf)
        hi = _finite_or_inf(np.broadcast_to(upper, cols.shape), self._inf)
        self._h.changeColsBounds(cols.size, cols, lo, hi)

    def add_rows(self, A_rows, lower, upper):
        """Append rows (sparse (r, n)); the current basis is kept for a warm start."""
        A_rows = sp.csr_matrix(A_rows, dtype=float)
        r = A_rows.shape[0]
        if r == 0:
            return
        lo = _finite_or_inf(np.broadcast_to(lower, (r,)), self._inf)
        hi = _finite_or_inf(np.broadcast_to(upper, (r,)), self._inf)
        self._h.addRows(r, lo, hi, A_rows.nnz, A_rows.indptr[:-1].astype(np.int32),
                        A_rows.indices.astype(np.int32), A_rows.data)

    def delete_rows(self, rows) -> None:
        """Delete rows (indices into the current rows; later rows move up, order kept).

        HiGHS keeps the basis valid when every deleted row is basic (its slack in the
        basis): the remaining rows and columns then still form a basis, so a later solve
        starts warm from it."""
        rows = np.unique(np.asarray(rows, dtype=np.int32).ravel())
        if rows.size == 0:
            return
        if rows[0] < 0 or rows[-1] >= self.num_rows:
            raise IndexError(f"row index out of range 0..{self.num_rows - 1}")
        self._h.deleteRows(rows.size, rows)

    def bounds(self):
        """Current (col_lower, col_upper, row_lower, row_upper) with inf as numpy.inf."""
        lp = self._h.getLp()
        conv = lambda a: np.where(np.abs(np.asarray(a)) >= self._inf, np.sign(a) * np.inf, a)
        return (conv(lp.col_lower_), conv(lp.col_upper_), conv(lp.row_lower_), conv(lp.row_upper_))

    def matrix(self) -> sp.csc_matrix:
        """The current constraint matrix (CSC)."""
        lp = self._h.getLp()
        a = lp.a_matrix_
        if a.format_ != highspy.MatrixFormat.kColwise:  # pragma: no cover - defensive
            self._h.ensureColwise()
            a = self._h.getLp().a_matrix_
        return sp.csc_matrix((np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_)),
                             shape=(lp.num_row_, lp.num_col_))

    def solve(self, time_limit: float | None = None) -> LPResult:
        if time_limit is not None:
            self._h.setOptionValue("time_limit", float(time_limit))
        self._h.run()
        ms = self._h.getModelStatus()
        info = self._h.getInfo()
        status = _STATUS_MAP.get(ms, Status.ERROR)
        n, m = self.num_cols, self.num_rows
        sol = self._h.getSolution()
        has_primal = bool(sol.value_valid)
        x = np.asarray(sol.col_value, dtype=float) if has_primal else np.full(n, np.nan)
        act = np.asarray(sol.row_value, dtype=float) if has_primal else np.full(m, np.nan)
        rd = np.asarray(sol.row_dual, dtype=float) if sol.dual_valid else np.full(m, np.nan)
        cd = np.asarray(sol.col_dual, dtype=float) if sol.dual_valid else np.full(n, np.nan)
        pinf = float(max(info.max_primal_infeasibility, 0.0))
        dinf = float(max(info.max_dual_infeasibility, 0.0))
        if status is Status.OPTIMAL and (pinf > tol.FEAS or dinf > tol.FEAS):
            status = Status.INACCURATE
        cb = rb = None
        basis = self._h.getBasis()
        if basis.valid:
            cb = np.array([_BASIS_MAP[s] for s in basis.col_status], dtype=np.int8)
            rb = np.array([_BASIS_MAP[s] for s in basis.row_status], dtype=np.int8)
        obj = float(info.objective_function_value) if has_primal else float("nan")
        iters = int(info.simplex_iteration_count) + int(max(info.ipm_iteration_count, 0))
        return LPResult(status=status, objective=obj, x=x, row_activity=act, row_dual=rd,
                        col_dual=cd, col_basis=cb, row_basis=rb, primal_infeasibility=pinf,
                        dual_infeasibility=dinf, iterations=iters,
                        message=self._h.modelStatusToString(ms))


def solve_lp(c, A=None, row_lower=None, row_upper=None, col_lower=None, col_upper=None,
             sense="max", method="simplex", options=None, time_limit=None) -> LPResult:
    """Solve one LP (see :class:`LinearProgram` for the arguments)."""
    lp = LinearProgram(c, A, row_lower, row_upper, col_lower, col_upper, sense=sense,
                       method=method, options=options)
    return lp.solve(time_limit=time_limit)
