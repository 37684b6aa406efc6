"""Global optimisation of bilinear programs (optional SCIP backend via ``pyscipopt``).

The program solved is::

    optimise  c @ x + sum_q obj_coef[q] * x[obj_i[q]] * x[obj_j[q]]
    subject to row_lower[r] <= (A @ x)[r] + sum_q row_coef[q] x[row_i[q]] x[row_j[q]]
                                                 (over q with row_q[q] == r) <= row_upper[r]
               col_lower <= x <= col_upper         (finite bounds on every column in a
                                                    bilinear term)

SCIP solves it to global optimality by spatial branch-and-bound and reports a proven
dual bound. ``pyscipopt`` is an optional dependency (extra ``global``); without it
:func:`global_solver_available` is False and :func:`solve_bilinear` raises
:class:`~infopricing.errors.SolverError`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

from ..errors import SolverError
from .output import SilencedOutput, native_stdout_to_stderr, silence_native_output, solver_logs_enabled
from .status import Status
from .._progress import check_progress


#: Nodes between two progress reports of the global solver (deterministic: counted in
#: nodes, not seconds).
PROGRESS_EVERY = 50


def _progress_handler(pyscipopt, model, progress, total, silenced):
    """A SCIP event handler calling ``progress(nodes_done, node_limit)`` every
    ``PROGRESS_EVERY`` solved nodes (with the terminal visible during the call)."""

    class _Progress(pyscipopt.Eventhdlr):
        def eventinit(self):
            self.model.catchEvent(pyscipopt.SCIP_EVENTTYPE.NODESOLVED, self)

        def eventexit(self):
            self.model.dropEvent(pyscipopt.SCIP_EVENTTYPE.NODESOLVED, self)

        def eventexec(self, event):
            done = int(self.model.getNNodes())
            if done % PROGRESS_EVERY == 0:
                with silenced[0].visible():
                    progress(done, total)

    hdlr = _Progress()
    model.includeEventhdlr(hdlr, "infopricing_progress", "progress callback")
    return hdlr


class BilinearRows:
    """Row-by-row builder of the constraints of :func:`solve_bilinear`.

    ``add(entries, lower, upper)`` appends a row with linear ``(column, coefficient)``
    entries and returns its index; ``quad(row, i, j, coef)`` adds ``coef * x[i] * x[j]``
    to that row. ``matrix()``, ``lower``, ``upper`` and ``row_quad`` are the arguments
    :func:`solve_bilinear` takes."""

    def __init__(self, num_cols: int):
        self.num_cols = int(num_cols)
        self._rows, self._cols, self._data = [], [], []
        self._lo, self._hi = [], []
        self._q = ([], [], [], [])

    @property
    def num_rows(self) -> int:
        return len(self._lo)

    def add(self, entries, lower: float, upper: float) -> int:
        r = self.num_rows
        for c, v in entries:
            self._rows.append(r)
            self._cols.append(int(c))
            self._data.append(float(v))
        self._lo.append(float(lower))
        self._hi.append(float(upper))
        return r

    def quad(self, row: int, i: int, j: int, coef: float) -> None:
        for lst, val in zip(self._q, (row, i, j, coef)):
            lst.append(val)

    def matrix(self) -> sp.csr_matrix:
        return sp.csr_matrix((self._data, (self._rows, self._cols)), shape=(self.num_rows, self.num_cols))

    @property
    def lower(self) -> np.ndarray:
        return np.array(self._lo, dtype=float)

    @property
    def upper(self) -> np.ndarray:
        return np.array(self._hi, dtype=float)

    @property
    def row_quad(self) -> tuple:
        return tuple(list(a) for a in self._q)


def global_solver_available() -> bool:
    """True when the optional global solver (SCIP via pyscipopt) can be imported."""
    try:
        import pyscipopt  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class BilinearResult:
    """Answer of a global bilinear solve.

    Attributes
    ----------
    status : Status
        ``OPTIMAL`` when the relative gap between the best solution and the proven bound
        is within the requested gap; ``LIMIT`` when a node or time limit stopped the
        search.
    objective : float
        Objective of the best solution found (``nan`` if none).
    bound : float
        Proven bound on the optimum (upper bound for "max").
    x : ndarray
        Best solution found.
    gap : float
        Relative gap ``|bound - objective| / max(1, |objective|)``.
    message : str
        SCIP's status (``optimal``, ``gaplimit``, ``nodelimit``, ``timelimit``, ...).
    nodes : int
        Branch-and-bound nodes processed.
    """

    status: Status
    objective: float
    bound: float
    x: np.ndarray
    gap: float
    message: str = ""
    solver: str = "scip"
    nodes: int = 0


_STATUS = {
    "optimal": Status.OPTIMAL,
    "infeasible": Status.INFEASIBLE,
    "unbounded": Status.UNBOUNDED,
    "inforunbd": Status.INFEASIBLE_OR_UNBOUNDED,
}


def solve_bilinear(c, A=None, row_lower=None, row_upper=None, col_lower=None, col_upper=None, *,
                   obj_quad=None, row_quad=None, sense="max", time_limit=None, gap=1e-6,
                   start=None, feastol=None, options=None, node_limit=None, branch_priority=None,
                   progress=None, verbose=None) -> BilinearResult:
    """Solve a bilinear program to global optimality with SCIP.

    Parameters
    ----------
    c : array (n,)
    A : sparse or dense (m, n) or None
    row_lower, row_upper : arrays (m,) (``+-inf`` allowed)
    col_lower, col_upper : arrays (n,)
    obj_quad : tuple (i, j, coef) of arrays, optional
    row_quad : tuple (row, i, j, coef) of arrays, optional
    sense : {"max", "min"}
    time_limit : float, optional (seconds)
    gap : float
        Relative optimality gap at which the search stops (reported as optimal).
    start : array (n,), optional
        A feasible solution handed to the solver as its first incumbent.
    feastol : float, optional
        SCIP's feasibility tolerance (default: SCIP's own, 1e-6).
    options : dict, optional
        Extra SCIP parameters (name -> value).
    node_limit : int, optional
        Deterministic limit on branch-and-bound nodes (SCIP ``limits/nodes``); the answer
        then does not depend on the machine's speed (a ``time_limit`` does).
    branch_priority : array (n,) of int, optional
        SCIP branching priority of each column (higher is branched on first). Spatial
        branching on the columns that make the program linear once fixed (the
        information structure of a joint design) closes the gap with far fewer nodes.
    progress : callable ``progress(done, total)``, optional
        Called from SCIP's node events with the nodes processed so far and the node
        limit (``None`` without one); the library's one progress signature.
    verbose : bool or None
        Show SCIP's log; ``None``: the process default (:mod:`infopricing.lp.output`).
    """
    check_progress(progress)
    try:
        import pyscipopt
    except ImportError as exc:
        raise SolverError("the global solver needs pyscipopt (pip install 'infopricing[global]')") from exc
    c = np.asarray(c, dtype=float).ravel()
    n = c.size
    A = sp.csr_matrix((0, n)) if A is None else sp.csr_matrix(A, dtype=float)
    mrows = A.shape[0]
    lo = np.full(mrows, -np.inf) if row_lower is None else np.asarray(row_lower, float)
    hi = np.full(mrows, np.inf) if row_upper is None else np.asarray(row_upper, float)
    cl = np.zeros(n) if col_lower is None else np.asarray(col_lower, float)
    cu = np.full(n, np.inf) if col_upper is None else np.asarray(col_upper, float)

    logs = solver_logs_enabled(verbose)
    model = pyscipopt.Model()
    if not logs:
        model.hideOutput()
    if time_limit is not None:
        model.setParam("limits/time", float(time_limit))
    model.setParam("limits/gap", float(gap))
    if node_limit is not None:
        model.setParam("limits/nodes", int(node_limit))
    if feastol is not None:
        model.setParam("numerics/feastol", float(feastol))
    for key, val in (options or {}).items():
        model.setParam(key, val)
    xs = [model.addVar(lb=None if not np.isfinite(cl[j]) else float(cl[j]),
                       ub=None if not np.isfinite(cu[j]) else float(cu[j]), name=f"x{j}")
          for j in range(n)]
    if branch_priority is not None:
        for j, pr in enumerate(np.asarray(branch_priority, dtype=int).ravel()):
            if pr:
                model.chgVarBranchPriority(xs[j], int(pr))
    quad_by_row: dict[int, list] = {}
    if row_quad is not None:
        rr, ii, jj, cc = (np.asarray(a) for a in row_quad)
        for r, i, j, v in zip(rr, ii, jj, cc):
            quad_by_row.setdefault(int(r), []).append((int(i), int(j), float(v)))
    for r in range(mrows):
        s, e = A.indptr[r], A.indptr[r + 1]
        expr = pyscipopt.quicksum(float(v) * xs[int(j)] for j, v in zip(A.indices[s:e], A.data[s:e]))
        for i, j, v in quad_by_row.get(r, ()):
            expr = expr + v * xs[i] * xs[j]
        if np.isfinite(lo[r]) and np.isfinite(hi[r]) and lo[r] == hi[r]:
            model.addCons(expr == float(lo[r]))
            continue
        if np.isfinite(lo[r]):
            model.addCons(expr >= float(lo[r]))
        if np.isfinite(hi[r]):
            model.addCons(expr <= float(hi[r]))
    obj = pyscipopt.quicksum(float(c[j]) * xs[j] for j in np.flatnonzero(c))
    zvar = None
    if obj_quad is not None and len(obj_quad[0]):
        ii, jj, cc = (np.asarray(a) for a in obj_quad)
        qexpr = pyscipopt.quicksum(float(v) * xs[int(i)] * xs[int(j)] for i, j, v in zip(ii, jj, cc))
        zvar = model.addVar(lb=None, ub=None, name="objective")
        if sense == "max":
            model.addCons(zvar <= obj + qexpr)
        else:
            model.addCons(zvar >= obj + qexpr)
        model.setObjective(zvar, "maximize" if sense == "max" else "minimize")
    else:
        model.setObjective(obj, "maximize" if sense == "max" else "minimize")
    if start is not None:
        x0 = np.asarray(start, float).ravel()
        sol = model.createSol()
        for j in range(n):
            model.setSolVal(sol, xs[j], float(x0[j]))
        if zvar is not None:
            ii, jj, cc = (np.asarray(a) for a in obj_quad)
            model.setSolVal(sol, zvar, float(c @ x0 + np.sum(cc * x0[ii.astype(int)] * x0[jj.astype(int)])))
        model.addSol(sol, free=True)
    silenced = [SilencedOutput([], None)]
    if progress is not None:
        _progress_handler(pyscipopt, model, progress, None if node_limit is None else int(node_limit), silenced)
    # hideOutput() silences SCIP's own messages, but its LP solver SoPlex writes to the C++
    # streams directly (e.g. "Cannot set feasibility tolerance to small value 1e-12 without
    # GMP" when SCIP retries an unstable LP): the descriptors are silenced too, unless logs
    # were asked for (then SCIP's stdout goes to stderr, keeping --json parseable)
    with (native_stdout_to_stderr() if logs else silence_native_output()) as quiet:
        if quiet is not None:
            silenced[0] = quiet
        model.optimize()
    if progress is not None:
        progress(int(model.getNNodes()), None if node_limit is None else int(node_limit))
    st = model.getStatus()
    nsol = model.getNSols()
    if nsol > 0:
        best = model.getBestSol()
        x = np.array([model.getSolVal(best, v) for v in xs])
        objective = float(model.getSolObjVal(best))
    else:
        x = np.full(n, np.nan)
        objective = float("nan")
    bound = float(model.getDualbound())
    g = abs(bound - objective) / max(1.0, abs(objective)) if nsol > 0 else float("inf")
    status = _STATUS.get(st)
    if status is None:
        status = Status.OPTIMAL if (st == "gaplimit" and g <= gap * 1.0001) else Status.LIMIT
    return BilinearResult(status=status, objective=objective, bound=bound, x=x, gap=g, message=st,
                          nodes=int(model.getNNodes()))
