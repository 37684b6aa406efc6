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
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

import highspy

from .. import tolerances as tol
from .output import new_highs
from .status import Status

#: HiGHS's ``small_matrix_value``, set on every model: HiGHS drops constraint-matrix
#: entries at or below it (its default, 1e-9, silently dropped the value differences of
#: near-duplicate types from the menu LP's IC rows, and a menu of revenue 0.83 was
#: reported optimal for an optimum of 0.999999999). 1e-12 is the smallest HiGHS accepts.
SMALL_MATRIX_VALUE = 1e-12
#: HiGHS's ``large_matrix_value``: entries at or above it make HiGHS reject the model.
LARGE_MATRIX_VALUE = 1e15


class CoefficientRangeError(ValueError):
    """A constraint-matrix entry the LP solver cannot hold: non-zero with magnitude at
    most :data:`SMALL_MATRIX_VALUE` (the solver would silently drop it) or at least
    :data:`LARGE_MATRIX_VALUE`, or not finite. Raised before solving, so an LP is solved
    as built or not at all."""


TINY_ENTRIES = ("zero", "raise")


def check_matrix_entries(data, what: str = "the LP", tiny_entries: str = "raise") -> int:
    """Check a constraint matrix's non-zero entries against what HiGHS keeps,
    ``(SMALL_MATRIX_VALUE, LARGE_MATRIX_VALUE)`` in magnitude.

    Entries at or above ``LARGE_MATRIX_VALUE`` or not finite raise
    :class:`CoefficientRangeError`. Entries at or below ``SMALL_MATRIX_VALUE`` raise it too
    with ``tiny_entries="raise"``; with ``"zero"`` they are set to zero in ``data`` (in
    place; HiGHS would drop them) and counted. Returns the number of entries zeroed."""
    if tiny_entries not in TINY_ENTRIES:
        raise ValueError(f"tiny_entries must be one of {TINY_ENTRIES}, got {tiny_entries!r}")
    a = np.abs(np.asarray(data, dtype=float))
    if a.size == 0:
        return 0
    if not np.all(np.isfinite(a)):
        raise CoefficientRangeError(f"{what}: the constraint matrix has a non-finite entry")
    nz = a[a > 0]
    if nz.size == 0:
        return 0
    lo, hi = float(nz.min()), float(nz.max())
    if hi >= LARGE_MATRIX_VALUE:
        raise CoefficientRangeError(
            f"{what}: a constraint coefficient of magnitude {hi:.3g} is at or above what the "
            f"LP solver accepts ({LARGE_MATRIX_VALUE:g}); rescale the data")
    if lo > SMALL_MATRIX_VALUE:
        return 0
    if tiny_entries == "zero":
        tiny = (a > 0) & (a <= SMALL_MATRIX_VALUE)
        data[tiny] = 0.0
        return int(tiny.sum())
    if lo <= SMALL_MATRIX_VALUE:
        raise CoefficientRangeError(
            f"{what}: a constraint coefficient of magnitude {lo:.3g} is at or below what the "
            f"LP solver resolves ({SMALL_MATRIX_VALUE:g}; it would drop it and solve a "
            "different problem). The input has differences too small to compute with: "
            "merge the (near-)identical entries or rescale the data")
    return 0

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
    #: constraint-matrix entries of magnitude <= SMALL_MATRIX_VALUE set to zero before
    #: solving (LinearProgram's ``tiny_entries="zero"``); 0 when the LP was solved as given
    zeroed_entries: int = 0

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
    verbose : bool or None
        Show the solver's log (on standard error); ``None``: the process default, off
        unless :func:`~infopricing.lp.output.solver_logs` says otherwise.
    tiny_entries : {"zero", "raise"}
        Matrix entries of magnitude at most :data:`SMALL_MATRIX_VALUE` (1e-12), which the
        solver cannot hold: ``"zero"`` (default) sets them to zero explicitly and counts
        them in :attr:`zeroed_entries` (and in each result's ``zeroed_entries``; float
        round-off such as ``0.3 - (0.1 + 0.2)``); ``"raise"`` refuses the LP with
        :class:`CoefficientRangeError` (a ``ValueError``) — for builders whose small
        entries are data (the menu LP merges near-duplicate types before building, so a
        tiny entry there means the data cannot be solved as given). Entries the solver
        would reject (at least :data:`LARGE_MATRIX_VALUE`, non-finite) always raise.
    """

    def __init__(self, c, A=None, row_lower=None, row_upper=None, col_lower=None,
                 col_upper=None, sense="max", method="simplex", options=None, verbose=None,
                 tiny_entries="zero"):
        c = np.asarray(c, dtype=float).ravel()
        n = c.size
        A = _as_csc(A, n)
        if A.shape[1] != n:
            raise ValueError(f"A has {A.shape[1]} columns, c has {n} entries")
        m = A.shape[0]
        if tiny_entries not in TINY_ENTRIES:
            raise ValueError(f"tiny_entries must be one of {TINY_ENTRIES}, got {tiny_entries!r}")
        self.tiny_entries = tiny_entries
        A = A.copy()
        #: matrix entries set to zero because the solver cannot hold them (tiny_entries="zero")
        self.zeroed_entries = check_matrix_entries(A.data, tiny_entries=tiny_entries)
        if self.zeroed_entries:
            A.eliminate_zeros()
        self._h = new_highs(verbose)
        self._inf = self._h.getInfinity()
        self._h.setOptionValue("small_matrix_value", SMALL_MATRIX_VALUE)
        self._h.setOptionValue("large_matrix_value", LARGE_MATRIX_VALUE)
        if method != "choose":
            self._h.setOptionValue("solver", method)
        for key, val in (options or {}).items():
            self.set_option(key, val)
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
        if name in ("small_matrix_value", "large_matrix_value"):
            raise ValueError(f"option {name!r} is fixed by infopricing.lp (entries outside "
                             "the solver's range are refused, never dropped)")
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
        A_rows = A_rows.copy()
        z = check_matrix_entries(A_rows.data, "added rows", tiny_entries=self.tiny_entries)
        if z:
            A_rows.eliminate_zeros()
            self.zeroed_entries += z
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

    def crossover(self, x, row_activity, col_dual, row_dual) -> bool:
        """Run HiGHS's crossover from a primal-dual point (e.g. an external interior point)
        to a basis; the next :meth:`solve` (simplex) starts from it. Returns whether
        HiGHS accepted the point. Duals use HiGHS's sign convention (module docstring)."""
        _start_scheduler()
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(x, dtype=float)
        sol.row_value = np.asarray(row_activity, dtype=float)
        sol.col_dual = np.asarray(col_dual, dtype=float)
        sol.row_dual = np.asarray(row_dual, dtype=float)
        sol.value_valid = True
        sol.dual_valid = True
        return self._h.crossover(sol) != highspy.HighsStatus.kError

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
                        message=self._h.modelStatusToString(ms), zeroed_entries=self.zeroed_entries)


_SCHEDULER = []


def _start_scheduler() -> None:
    """HiGHS's crossover crashes when it is the process's first HiGHS call (its thread
    scheduler is set up by ``run``): solve a one-column LP once before the first one."""
    if _SCHEDULER:
        return
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 1, 0
    lp.col_cost_ = np.array([1.0])
    lp.col_lower_ = np.array([0.0])
    lp.col_upper_ = np.array([1.0])
    h.passModel(lp)
    h.run()
    _SCHEDULER.append(h)


def solve_lp(c, A=None, row_lower=None, row_upper=None, col_lower=None, col_upper=None,
             sense="max", method="simplex", options=None, time_limit=None,
             verbose=None, tiny_entries="zero") -> LPResult:
    """Solve one LP (see :class:`LinearProgram` for the arguments)."""
    lp = LinearProgram(c, A, row_lower, row_upper, col_lower, col_upper, sense=sense,
                       method=method, options=options, verbose=verbose,
                       tiny_entries=tiny_entries)
    return lp.solve(time_limit=time_limit)
