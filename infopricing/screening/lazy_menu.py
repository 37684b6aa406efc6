"""Large menus: the IC-IR lottery-menu LP with lazily generated IC rows.

The full menu LP (:mod:`.lp_build`) has ``n(n-1)`` IC rows, but at an optimal menu only a
few IC constraints per type bind. This module solves the LP with a *subset* of IC rows
(a starting set of nearest-neighbour pairs), computes every IC constraint of the full
problem at the current solution in one vectorised pass (``V @ X.T``, chunked), adds
violated rows (per type, the most violated or, for two-dimensional types, those against
the nearest types) to the same persistent HiGHS model and re-solves warm (dual simplex
from the previous basis), until no IC row of the full problem is violated.

Correctness of the lexicographic selection with lazy rows. Each stage solves a
*relaxation* (fewer rows) of the full stage LP; once its optimum violates no row of the
full problem it is optimal for the full stage LP, and its duals, extended by zero on the
absent rows, are optimal duals of the full LP. The optimal face is the same set whichever
optimal dual identifies it (complementary slackness), so fixing the constraints with a
non-zero dual restricts the next stage to exactly the face the full path uses, and rows
added in later stages are ordinary (unfixed) IC rows of that face. The selected mechanism
is therefore the one :func:`.optimal_mechanism` with ``method="full"`` selects; every stage
is certified against all ``n(n-1)`` IC rows before moving on.

References
----------
HS, section 4 (the IC-IR mechanism LP and consistent selection).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from .._progress import menu_rounds
from .._progress import check_progress
from ..errors import SolverError
from ..lp import LinearProgram, Status
from ..model import Environment
from .lp_build import build_menu_lp, ic_rows, revenue_objective
from .mechanism import LPCertificate, Mechanism, Verification
from ..verify.protocol import Result, no_exact, record_params

#: Above this number of full IC rows no full-size basis certificate is stored (it would
#: take ``n(n-1)`` entries per array, and the exact re-check it serves is quadratic in
#: Fractions anyway).
CERTIFICATE_MAX_ROWS = 2_000_000

_CHUNK_ELEMENTS = 4_000_000  # entries of V @ X.T computed at a time

# HiGHS options of the lazy LP. Scaling off: on these LPs (entries are value differences
# of one magnitude) HiGHS's default scaling made the dual simplex take 3x the iterations
# (n=200, k=10: 5752 vs 1728 iterations, 3.5 s vs 0.9 s). Tighter internal tolerances:
# long warm-started sequences of re-solves could end "optimal" with unscaled dual
# infeasibilities above tolerances.FEAS (an inaccurate answer is an error here). Dual
# cost perturbation off: on two-factor types (n=2000, k=10, costs down to 1e-9) a warm
# re-solve after slack rows were deleted ended its perturbed dual phase with 531 dual
# infeasibilities, and HiGHS's primal clean-up then stalled for minutes (8000+ degenerate
# iterations, objective unchanged); unperturbed, the whole solve took 60 s, and i.i.d.
# uniform types ran as fast as before (n=600: 9.6 s vs 10.5 s; n=1000: 62.9 s vs 63.7 s).
# The retry after a failed solve (HiGHS's own settings, perturbation on) and an iteration
# cap per solve (a stall or cycle ends as a LIMIT status, which triggers that retry) keep
# a degenerate LP from running forever.
_HIGHS_DEFAULTS = {"simplex_scale_strategy": 2, "dual_feasibility_tolerance": 1e-7,
                   "primal_feasibility_tolerance": 1e-7,
                   "dual_simplex_cost_perturbation_multiplier": 1.0}  # HiGHS's own: the retry
_HIGHS_OPTIONS = {"simplex_scale_strategy": 0, "dual_feasibility_tolerance": tol.FEAS / 100,
                  "primal_feasibility_tolerance": tol.FEAS / 100,
                  "dual_simplex_cost_perturbation_multiplier": 0.0}


_NO_LIMIT = 2**31 - 1  # HiGHS's "no iteration limit"
_DUAL_SIMPLEX, _PRIMAL_SIMPLEX = 1, 4  # HiGHS's simplex_strategy values (1 is its default)

#: after a crossover (``_LazyMenuLP.primal_next``) primal simplex runs for at most this many
#: iterations per row, then dual simplex takes over from its basis. Measured (uniform
#: values, k = 10, benchmarks/README.md): at n = 1000 primal simplex cleaned the crossover
#: basis up in 1 683 iterations (0.19 per row; 2.2 s against 10.6 s for dual simplex),
#: at n = 2000 it needed 39 614 (1.5 per row; 109 s against 50 s for dual simplex).
PRIMAL_SHARE = 0.25


def _iteration_cap(rows: int, cols: int) -> int:
    """Simplex iterations allowed to one warm re-solve before it counts as stalled: 20x
    the LP's dimensions (a cold solve of the final restricted LP took 1-2x; measured
    n=600..2000, k=10), at least 100 000."""
    return int(max(100_000, 20 * (rows + cols)))


@dataclass(frozen=True)
class LazyStats:
    """What the lazy solve did: rounds, rows, seconds (for benchmarks and reports)."""

    rounds: int
    initial_ic_rows: int
    final_ic_rows: int
    full_ic_rows: int
    seconds: float
    stage_rounds: tuple[int, ...]
    #: selection-stage solves HiGHS finished with unscaled infeasibilities above
    #: tolerances.FEAS (the revenue stage never is; the final menu is re-checked)
    inaccurate_solves: int = 0
    #: IC rows deleted again during the revenue stage (slack rows, see ``drop_slack``)
    dropped_rows: int = 0
    #: solves redone with HiGHS's own settings after a failure or the per-solve
    #: iteration cap (a stalled warm re-solve)
    retried_solves: int = 0
    #: which violated rows each round added ("violation" or "nearest", see ic_violations)
    separation: str = "violation"


def _sq_distances(V: np.ndarray, sq: np.ndarray, a: int, b: int) -> np.ndarray:
    """Squared Euclidean distances of types ``a..b-1`` to all types (``sq``: row norms²)."""
    return sq[a:b, None] + sq[None, :] - 2.0 * (V[a:b] @ V.T)


def starting_pairs(values: np.ndarray, neighbours: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Starting IC pairs: each type against its ``neighbours`` nearest types, both ways,
    plus the chain of types adjacent in the order of their best value.

    Nearness is Euclidean distance between net-value vectors. With one alternative the
    chain is exactly the local (adjacent-type) IC constraints, the binding ones in the
    one-dimensional screening problem.

    Returns
    -------
    (T, S) : int arrays of ordered pairs, without duplicates or ``t == s``.
    """
    V = np.asarray(values, dtype=float)
    n = V.shape[0]
    m = int(min(max(neighbours, 0), n - 1))
    order = np.argsort(V.max(axis=1), kind="stable")
    Ts, Ss = [order[:-1]], [order[1:]]
    if m == 0 or n < 2:
        key = np.unique(np.concatenate([Ts[0] * n + Ss[0], Ss[0] * n + Ts[0]]))
        return key // n, key % n
    sq = np.einsum("ij,ij->i", V, V)
    rows = max(1, _CHUNK_ELEMENTS // max(n, 1))
    for a in range(0, n, rows):
        b = min(n, a + rows)
        d = _sq_distances(V, sq, a, b)
        d[np.arange(b - a), np.arange(a, b)] = np.inf
        nn = np.argpartition(d, m - 1, axis=1)[:, :m]
        Ts.append(np.repeat(np.arange(a, b), m))
        Ss.append(nn.ravel())
    T = np.concatenate(Ts)
    S = np.concatenate(Ss)
    key = np.unique(np.concatenate([T * n + S, S * n + T]))
    return key // n, key % n


SEPARATIONS = ("violation", "nearest")


def ic_violations(values: np.ndarray, x: np.ndarray, u: np.ndarray, per_type: int = 1,
                  skip: np.ndarray | None = None, atol: float = tol.LAZY_CUT,
                  order: str = "violation"):
    """All IC constraints of the full problem at (x, u), in one vectorised pass.

    The violation of pair (t, s) is ``u[s] + (v[t] - v[s]) @ x[s] - u[t]`` (positive when
    type t would rather report s). Computed as ``(V @ X.T)[t, s] - p[s] - u[t]`` with
    ``p[s] = v[s] @ x[s] - u[s]``, in row chunks.

    Parameters
    ----------
    values, x, u : the environment's net values (n, k), allocation (n, k), surplus (n,)
    per_type : int
        For each type t keep at most this many violated s, chosen by ``order``.
    skip : bool (n, n), optional
        Pairs to ignore (those already in the LP: they hold up to the solver tolerance).
    atol : float
        Only violations larger than this are returned.
    order : {"violation", "nearest"}
        Which violated pairs of a type to keep: the most violated, or those whose types
        are nearest (Euclidean distance between value vectors; one more chunked product).

    Returns
    -------
    T, S, viol : arrays of the violated pairs (per-type top ``per_type``) and their
        violations; ``max_violation`` over all pairs (skip ignored) as a float.
    """
    if order not in SEPARATIONS:
        raise ValueError(f"order must be one of {SEPARATIONS}, got {order!r}")
    V = np.asarray(values, dtype=float)
    n = V.shape[0]
    p = np.einsum("tk,tk->t", V, x) - u
    sq = np.einsum("ij,ij->i", V, V) if order == "nearest" else None
    rows = max(1, _CHUNK_ELEMENTS // max(n, 1))
    Ts, Ss, Ws = [], [], []
    worst = 0.0
    q = int(min(per_type, n - 1)) if n > 1 else 0
    for a in range(0, n, rows):
        b = min(n, a + rows)
        W = V[a:b] @ x.T
        W -= p[None, :]
        W -= u[a:b, None]
        idx = np.arange(b - a)
        W[idx, np.arange(a, b)] = -np.inf
        worst = max(worst, float(W.max()) if W.size else 0.0)
        if skip is not None:
            W[skip[a:b]] = -np.inf
        if q == 0:
            continue
        if order == "nearest":
            # score: minus the squared distance, for violated pairs only
            score = _sq_distances(V, sq, a, b)
            np.negative(score, out=score)
            score[~(W > atol)] = -np.inf
        else:
            score = W
        if q == 1:
            best = np.argmax(score, axis=1)[:, None]
        else:
            best = np.argpartition(-score, q - 1, axis=1)[:, :q]
        w = np.take_along_axis(W, best, axis=1)
        keep = w > atol
        if np.any(keep):
            Ts.append(np.broadcast_to(np.arange(a, b)[:, None], best.shape)[keep])
            Ss.append(best[keep])
            Ws.append(w[keep])
    if not Ts:
        e = np.zeros(0, dtype=np.int64)
        return e, e, np.zeros(0), max(worst, 0.0)
    return np.concatenate(Ts), np.concatenate(Ss), np.concatenate(Ws), max(worst, 0.0)


def binding_pairs(values: np.ndarray, x: np.ndarray, u: np.ndarray,
                  atol: float = tol.BINDING) -> tuple[np.ndarray, np.ndarray]:
    """IC pairs (t, s) whose constraint binds (slack at most ``atol``) at (x, u), chunked."""
    V = np.asarray(values, dtype=float)
    n = V.shape[0]
    p = np.einsum("tk,tk->t", V, x) - u
    rows = max(1, _CHUNK_ELEMENTS // max(n, 1))
    Ts, Ss = [], []
    for a in range(0, n, rows):
        b = min(n, a + rows)
        W = V[a:b] @ x.T - p[None, :] - u[a:b, None]  # -(slack)
        W[np.arange(b - a), np.arange(a, b)] = -np.inf
        t, s_ = np.nonzero(W >= -atol)
        Ts.append(t + a)
        Ss.append(s_)
    return np.concatenate(Ts), np.concatenate(Ss)


def _type_dimension(values: np.ndarray) -> int:
    """Rank of the centred value matrix (1 for one-dimensional, vertically ordered types)."""
    V = np.asarray(values, dtype=float)
    if V.shape[0] < 2:
        return 0
    sv = np.linalg.svd(V - V.mean(axis=0), compute_uv=False)
    return int(np.sum(sv > tol.EQUAL * max(1.0, sv[0])))


def full_row_index(n: int, T: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Row of IC pair (t, s) in the full LP of :func:`.lp_build.build_menu_lp`."""
    return n + T * (n - 1) + np.where(S < T, S, S - 1)


class _LazyMenuLP:
    """The menu LP with a growing set of IC rows (private)."""

    def __init__(self, values, f, neighbours, method, extra=None):
        self.V = values
        n, k = values.shape
        self.n, self.k = n, k
        T, S = starting_pairs(values, neighbours)
        if extra is not None and extra[0].size:
            key = np.unique(np.concatenate([T * n + S, extra[0] * n + extra[1]]))
            T, S = key // n, key % n
        self.in_lp = np.zeros((n, n), dtype=bool)
        self.in_lp[T, S] = True
        self.T, self.S = [T], [S]
        # the one menu-LP builder, with the row strategy (these starting IC pairs) as its parameter
        A, self.lo_r, self.hi_r, self.lo_c, self.hi_c = build_menu_lp(values, pairs=(T, S))
        self.lp = LinearProgram(revenue_objective(values, f), A, self.lo_r, self.hi_r,
                                self.lo_c, self.hi_c, sense="max", method=method,
                                options=_HIGHS_OPTIONS, tiny_entries="raise")
        self.initial_rows = int(T.size)
        self.method = method
        self.inaccurate = 0
        self.rounds = 0
        self.dropped = 0
        self.retries = 0  # solves redone with HiGHS's own settings (failure or iteration cap)
        #: solve the next LP by primal simplex (then back to dual): set after a crossover,
        #: whose basis is nearly primal feasible but far from dual feasible
        self.primal_next = False
        #: solve the next LP by HiGHS's interior point (IPX, with its crossover), then
        #: back to warm simplex: a cold start on candidate rows found by another method
        self.ipm_next = False

    @property
    def n_ic(self) -> int:
        return int(sum(t.size for t in self.T))

    def pairs(self):
        return np.concatenate(self.T), np.concatenate(self.S)

    def drop_slack_rows(self, res, slack_tol: float) -> int:
        """Delete IC rows that are slack at ``res`` (basic, slack above ``slack_tol``).

        Such a row has a zero dual and its slack is basic, so the current basis stays an
        optimal basis of the smaller LP (same vertex, same duals) and the next solve is
        warm. Only unfixed IC rows (bounds [0, inf)) are considered; the rows of the full
        problem are all re-checked at every round, so a deleted row that becomes violated
        again is added back. Returns the number deleted."""
        n = self.n
        if res.row_basis is None:
            return 0
        T, S = self.pairs()
        slack = res.row_activity[n:]
        drop = ((np.asarray(res.row_basis)[n:] == 0) & (slack > slack_tol)
                & (self.lo_r[n:] == 0.0) & np.isposinf(self.hi_r[n:]))
        if not drop.any():
            return 0
        self.lp.delete_rows(n + np.flatnonzero(drop))
        keep = ~drop
        self.in_lp[T[drop], S[drop]] = False
        self.T, self.S = [T[keep]], [S[keep]]
        self.lo_r = np.concatenate([self.lo_r[:n], self.lo_r[n:][keep]])
        self.hi_r = np.concatenate([self.hi_r[:n], self.hi_r[n:][keep]])
        self.dropped += int(drop.sum())
        return int(drop.sum())

    def add(self, T, S):
        self.lp.add_rows(ic_rows(self.V, T, S), 0.0, np.inf)
        self.in_lp[T, S] = True
        self.T.append(T)
        self.S.append(S)
        self.lo_r = np.concatenate([self.lo_r, np.zeros(T.size)])
        self.hi_r = np.concatenate([self.hi_r, np.full(T.size, np.inf)])

    def solve_lazily(self, per_type, max_add, cut, what, accept_inaccurate=False,
                     drop_slack=False, on_round=None, order="violation"):
        """Solve, add violated IC rows, re-solve warm, until no full-problem IC row is
        violated by more than ``cut``. Returns (result, rounds).

        A failed solve is retried with HiGHS's default scaling and tolerances (unscaled
        simplex with tight tolerances occasionally loses its way on a hard warm start, and
        a degenerate face-fixed stage can then look infeasible), then by interior point.
        With ``accept_inaccurate`` (selection stages only) an answer HiGHS calls optimal
        but whose unscaled infeasibilities exceed ``tolerances.FEAS`` is used and counted
        in ``self.inaccurate``; the final menu is certified independently either way.

        With ``drop_slack``, IC rows that are slack at a round's optimum are deleted before
        the violated rows are added (keeping the LP near the size of the binding set), but
        only after a round that lowered the optimal value: the values then strictly
        decrease over the rounds that delete, each value belongs to one of finitely many
        row subsets, so deleting cannot make the loop cycle."""
        n, k = self.n, self.k
        rounds = 0
        last = np.inf
        while True:
            self.lp.set_option("simplex_iteration_limit",
                               _iteration_cap(self.lp.num_rows, self.lp.num_cols))
            if self.ipm_next:
                self.ipm_next = False
                self.lp.set_method("ipm")
                res = self.lp.solve()
                self.lp.set_method(self.method)
                if res.status is not Status.OPTIMAL:
                    res = self.lp.solve()
            elif self.primal_next:
                # primal simplex for at most PRIMAL_SHARE x rows iterations, then dual
                # simplex from wherever it stopped (a warm start either way)
                self.lp.set_option("simplex_strategy", _PRIMAL_SIMPLEX)
                self.lp.set_option("simplex_iteration_limit",
                                   max(1, int(PRIMAL_SHARE * self.lp.num_rows)))
                res = self.lp.solve()
                self.lp.set_option("simplex_strategy", _DUAL_SIMPLEX)
                self.lp.set_option("simplex_iteration_limit",
                                   _iteration_cap(self.lp.num_rows, self.lp.num_cols))
                self.primal_next = False
                if res.status is not Status.OPTIMAL:
                    res = self.lp.solve()
            else:
                res = self.lp.solve()
            rounds += 1
            if res.status is not Status.OPTIMAL:
                self.retries += 1
                for name, value in _HIGHS_DEFAULTS.items():
                    self.lp.set_option(name, value)
                self.lp.set_option("simplex_iteration_limit", _NO_LIMIT)
                res = self.lp.solve()
                if res.status not in (Status.OPTIMAL, Status.INACCURATE):
                    self.lp.set_method("ipm")
                    res = self.lp.solve()
                    self.lp.set_method(self.method)
                for name, value in _HIGHS_OPTIONS.items():
                    self.lp.set_option(name, value)
            if res.status is Status.INACCURATE and accept_inaccurate:
                self.inaccurate += 1
            elif res.status is not Status.OPTIMAL:
                raise SolverError(f"{what} (lazy IC rows) not solved: {res.status} ({res.message}; "
                                  f"primal inf {res.primal_infeasibility:.2g}, "
                                  f"dual inf {res.dual_infeasibility:.2g})")
            x = np.clip(res.x[: n * k].reshape(n, k), 0.0, None)
            u = res.x[n * k:]
            T, S, w, _ = ic_violations(self.V, x, u, per_type=per_type, skip=self.in_lp, atol=cut,
                                       order=order)
            if on_round is not None:
                on_round(rounds, self.n_ic)
            if T.size == 0:
                self.rounds += rounds
                return res, rounds
            if T.size > max_add:
                top = np.argpartition(-w, max_add - 1)[:max_add]
                T, S = T[top], S[top]
            obj = float(res.objective) * (1.0 if self.lp.sense == "max" else -1.0)
            if drop_slack and obj < last - 1e-12 * max(1.0, abs(obj)):
                self.drop_slack_rows(res, tol.BINDING)
            last = min(last, obj)
            self.add(T, S)


@dataclass(frozen=True, repr=False)
class LazyMenuResult(Result):
    """A revenue-optimal menu computed with lazy IC rows, with its full-problem check.

    Attributes
    ----------
    mechanism : Mechanism          the selected optimal menu (same as ``method="full"``)
    max_ic_violation : float       largest violation over all n(n-1) IC rows at the end
    stats : LazyStats

    References
    ----------
    HS, section 4 (the menu LP); lazy IC generation is a computational device of this
    library.

    Examples
    --------
    >>> import infopricing as ip
    >>> env = ip.Environment([[v] for v in range(1, 13)])   # one product, values 1..12
    >>> r = ip.solve_menu_lazy(env, [1 / 12] * 12)
    >>> r.max_ic_violation <= 1e-9, r.stats.full_ic_rows, r.verify().ok
    (True, 132, True)
    """

    mechanism: Mechanism
    max_ic_violation: float
    stats: LazyStats

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check every IC, IR and feasibility constraint of the full problem, chunked
        (no n x n matrix is held at once), independently of the solver."""
        no_exact(self, exact)
        m = self.mechanism
        v = m.env.values
        x = m.allocation
        u = m.utilities
        failures = []
        _, _, _, icv = ic_violations(v, x, u, per_type=0)
        unit = tol.value_scale(v)  # IR and IC in the units the LP was solved in
        checks = (("negative allocation probability", float(max(0.0, -x.min())), 1.0),
                  ("allocation sums above 1", float(max(0.0, (x.sum(axis=1) - 1).max())), 1.0),
                  ("IR violated", float(max(0.0, -u.min())), unit), ("IC violated", icv, unit))
        for name, val, u_ in checks:
            if val > atol * u_:
                failures.append(f"{name} by {val:.3g}")
        return Verification(ok=not failures, failures=tuple(failures),
                            max_violation=max(v_ for _, v_, _ in checks), exact=False)


def solve_menu_lazy(env: Environment, market, selection: str = "efficient",
                    dual_tol: float = tol.DUAL, neighbours: int | None = None,
                    per_type: int | None = None,
                    max_add: int | None = None, cut: float = tol.LAZY_CUT,
                    lp_method: str = "simplex", warm_start=None, drop_slack: bool | None = None,
                    separation: str | None = None, progress=None) -> LazyMenuResult:
    """Optimal menu by lazy IC constraint generation (same answer as the full LP).

    Parameters
    ----------
    env : Environment
    market : Market or array_like
    selection : {"efficient", "consumer", "adverse"}
        As in :func:`.optimal_mechanism`.
    dual_tol : float
        Duals larger than this identify the optimal face between selection stages.
    neighbours : int, optional
        Starting set: each type's IC rows against its ``neighbours`` nearest types (both
        directions), plus the value-order chain. Default by the dimension of the type
        space (rank of the centred values): 4 for one dimension (the chain already holds
        the local IC rows), 2 for two, 8 above — the best of those tried
        (benchmarks/bench_menu_large.py).
    per_type : int, optional
        Each round adds, for every type, up to this many of its violated IC rows (chosen
        by ``separation``). Default: 2 for two-dimensional types, else 8.
    max_add : int, optional
        Cap on rows added per round (default ``16 n``); the most violated are kept.
    cut : float
        An absent IC row violated by more than this is added.
    lp_method : {"simplex", "ipm"}
        Algorithm for the revenue stage's rounds: ``"simplex"`` re-solves warm from the
        previous basis after rows are added; ``"ipm"`` re-solves each round by interior
        point with crossover (a basis at the end). The selection stages always re-solve
        warm by simplex.
    warm_start : Mechanism, optional
        A mechanism of the same environment (typically the optimal menu of a neighbouring
        market): its binding IC pairs join the starting set. Only the starting rows
        change, never the answer.
    drop_slack : bool, optional
        During the revenue stage, delete IC rows that are slack at a round's optimum (they
        come back if they are violated later). Never changes the answer. Default: on when
        the types span more than two dimensions (rank of the centred values). Measured
        (k=10, benchmarks/README.md): on i.i.d. uniform values most rows added early turn
        out slack, and deleting them made the solve 1.9x faster at n=600 and 3.5x at
        n=1000; on two-factor values the LP is small anyway and deleting cost 15-25%
        (n=2000: 60-67 s vs 53 s), as rows were deleted and added back.
    separation : {"violation", "nearest"}, optional
        Which violated rows of a type a round adds: its most violated, or those against
        its nearest types (see :func:`ic_violations`). Never changes the answer. Default:
        ``"nearest"`` for two-dimensional types, whose binding IC partners are near
        (median: a type's 5th nearest) while the most violated rows at a loose early
        solution are far; it made two-factor values 1.7x faster at n=2000 (k=10).
        ``"violation"`` otherwise (the same speed on i.i.d. uniform values, whose binding
        partners are far).
    progress : callable, optional
        Called as ``progress(ic_rows, n(n-1))`` after every round, the library's one
        convention (:mod:`infopricing._progress`): the IC rows now in the LP out of the full
        problem's. A callback that accepts keywords also gets ``stage`` (``"revenue"`` or
        ``"selection"``) and ``round`` (the rounds of the current stage so far); the last
        call of a stage reports its totals.

    Returns
    -------
    LazyMenuResult

    Values far from order one are solved in units of ``tolerances.value_scale`` and the
    answer scaled back, as in :func:`.optimal_mechanism`.

    References
    ----------
    HS, section 4 (IC-IR menu LP; consistent selection over the optimal face).

    Examples
    --------
    One product, values 1..12 equally likely (by hand: posting price p sells with
    probability (13 - p) / 12, best at p = 6 or 7, revenue 42 / 12 = 3.5); the lazy
    path keeps only some of the 132 IC rows but is checked against all of them:

    >>> import infopricing as ip
    >>> env = ip.Environment([[v] for v in range(1, 13)])
    >>> r = ip.solve_menu_lazy(env, [1 / 12] * 12)
    >>> round(r.mechanism.revenue, 4), r.stats.final_ic_rows <= 132, r.verify().ok
    (3.5, True, True)
    """
    check_progress(progress)
    from .selection import SELECTIONS, check_menu_inputs as _check_inputs, rescaled_mechanism as _rescaled

    from ..model._validate import check_tolerance

    market = _check_inputs(env, market)
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    check_tolerance(dual_tol, "dual_tol")
    check_tolerance(cut, "cut")
    scale = tol.value_scale(env.values)
    if scale != 1.0:  # solve in units that fit the solver's absolute tolerances (as optimal_mechanism)
        senv = Environment(env.values / scale)
        ws = None
        if warm_start is not None:
            if not isinstance(warm_start, Mechanism) or warm_start.env != env:
                raise ValueError("warm_start must be a Mechanism of the same environment")
            ws = Mechanism(env=senv, market=None, allocation=warm_start.allocation,
                           payments=warm_start.payments / scale)
        r = solve_menu_lazy(senv, market.probabilities, selection=selection, dual_tol=dual_tol,
                            neighbours=neighbours, per_type=per_type, max_add=max_add, cut=cut,
                            lp_method=lp_method, warm_start=ws, drop_slack=drop_slack,
                            separation=separation, progress=progress)
        return record_params(LazyMenuResult(mechanism=_rescaled(r.mechanism, env, market, scale),
                                            max_ic_violation=r.max_ic_violation * scale, stats=r.stats),
                             **r.params, value_scale=scale)
    from .optimal import merged_near_duplicates, on_original_types

    merged = merged_near_duplicates(env)
    if merged is not None:  # near-duplicate types (optimal_mechanism's rule)
        ws = None if warm_start is None else Mechanism(
            env=merged, market=None, allocation=warm_start.allocation, payments=warm_start.payments)
        r = solve_menu_lazy(merged, market.probabilities, selection=selection, dual_tol=dual_tol,
                            neighbours=neighbours, per_type=per_type, max_add=max_add, cut=cut,
                            lp_method=lp_method, warm_start=ws, drop_slack=drop_slack,
                            separation=separation, progress=progress)
        return record_params(LazyMenuResult(mechanism=on_original_types(r.mechanism, env, market),
                                            max_ic_violation=r.max_ic_violation, stats=r.stats),
                             **r.params, merged_near_duplicates=True)
    dim = _type_dimension(env.values)
    if neighbours is None:
        neighbours = 4 if dim <= 1 else 2 if dim == 2 else 8
    if per_type is None:
        per_type = 2 if dim == 2 else 8
    if separation is None:
        separation = "nearest" if dim == 2 else "violation"
    if separation not in SEPARATIONS:
        raise ValueError(f"separation must be one of {SEPARATIONS}, got {separation!r}")
    if drop_slack is None:
        drop_slack = dim > 2
    if not isinstance(neighbours, (int, np.integer)) or neighbours < 0:
        raise ValueError(f"neighbours must be a non-negative integer, got {neighbours!r}")
    if not isinstance(per_type, (int, np.integer)) or per_type < 1:
        raise ValueError(f"per_type must be a positive integer, got {per_type!r}")
    n = env.n_types
    if max_add is None:
        max_add = 16 * n
    if max_add < 1:
        raise ValueError(f"max_add must be at least 1, got {max_add!r}")
    if lp_method not in ("simplex", "ipm"):
        raise ValueError(f"lp_method must be 'simplex' or 'ipm', got {lp_method!r}")
    extra = None
    if warm_start is not None:
        if not isinstance(warm_start, Mechanism) or warm_start.env != env:
            raise ValueError("warm_start must be a Mechanism of the same environment")
        extra = binding_pairs(env.values, warm_start.allocation, warm_start.utilities)
    t0 = time.perf_counter()
    L = _LazyMenuLP(env.values, market.probabilities, neighbours, lp_method, extra)
    out = _solve_stages(L, env, market, selection, dual_tol, per_type, max_add, cut,
                        lp_method, drop_slack, separation, menu_rounds(progress, n), t0)
    return record_params(out, selection=selection, dual_tol=dual_tol, neighbours=int(neighbours),
                         per_type=int(per_type), max_add=int(max_add), cut=cut, lp_method=lp_method,
                         drop_slack=bool(drop_slack), separation=separation,
                         warm_start=warm_start is not None)


def _solve_stages(L, env, market, selection, dual_tol, per_type, max_add, cut, lp_method,
                  drop_slack, separation, progress, t0) -> LazyMenuResult:
    """The revenue stage, the selection stages and the full-problem check of
    :func:`solve_menu_lazy`, on a lazy LP ``L`` set up by the caller (its starting rows,
    and possibly a crossover basis, are the caller's; the answer does not depend on them)."""
    from .selection import face_fix as _face_fix, secondary_objectives as _secondary_objectives

    n, k = env.n_types, env.n_alternatives

    def _rounds(stage):
        if progress is None:
            return None
        return lambda r_, rows: progress(stage, r_, rows)

    res, r = L.solve_lazily(per_type, max_add, cut, "menu LP", drop_slack=bool(drop_slack),
                            on_round=_rounds("revenue"), order=separation)
    if lp_method != "simplex":
        L.lp.set_method("simplex")
        L.method = "simplex"
    rev_obj = res.objective
    rev_duals = res.row_dual.copy()  # rows present at the revenue stage; zero on all others
    rev_basis = None if res.col_basis is None else (res.col_basis.copy(), res.row_basis.copy(),
                                                    *L.pairs())
    stage_rounds = [r]
    for c, sense in _secondary_objectives(env.values, selection):
        L.lo_c, L.hi_c, L.lo_r, L.hi_r = _face_fix(L.lp, res, L.lo_c, L.hi_c, L.lo_r, L.hi_r, dual_tol)
        L.lp.set_objective(c, sense)
        res, r = L.solve_lazily(per_type, max_add, cut, "selection stage", accept_inaccurate=True,
                                on_round=_rounds("selection"), order=separation)
        stage_rounds.append(r)
    z = _refine_vertex(L, res)
    x = np.clip(z[: n * k].reshape(n, k), 0.0, None)
    u = z[n * k:]
    p = np.einsum("tk,tk->t", env.values, x) - u
    _, _, _, worst = ic_violations(env.values, x, u, per_type=0)
    cert = _full_certificate(L, res, float(rev_obj), rev_duals, rev_basis)
    mech = Mechanism(env=env, market=market, allocation=x, payments=p, status=Status.OPTIMAL,
                     selection=selection, certificate=cert)
    stats = LazyStats(rounds=L.rounds, initial_ic_rows=L.initial_rows, final_ic_rows=L.n_ic,
                      full_ic_rows=n * (n - 1), seconds=time.perf_counter() - t0,
                      stage_rounds=tuple(stage_rounds), inaccurate_solves=L.inaccurate,
                      dropped_rows=L.dropped, retried_solves=L.retries, separation=separation)
    out = LazyMenuResult(mechanism=mech, max_ic_violation=worst, stats=stats)
    check = out.verify()
    if not check.ok:
        raise SolverError("lazy menu failed its full-problem check: " + "; ".join(check.failures))
    if abs(mech.revenue - rev_obj) > tol.EQUAL * max(1.0, abs(rev_obj)):
        raise SolverError(f"selection stages lost revenue: {mech.revenue!r} vs optimum {rev_obj!r}")
    return out


def _primal_residual(A, z, lo_c, hi_c, lo_r, hi_r) -> float:
    act = A @ z
    return float(max(np.max(lo_c - z, initial=0.0), np.max(z - hi_c, initial=0.0),
                     np.max(lo_r - act, initial=0.0), np.max(act - hi_r, initial=0.0)))


def _refine_vertex(L: _LazyMenuLP, res) -> np.ndarray:
    """Recompute the final basis's vertex with a fresh sparse LU of the basis matrix.

    After many warm re-solves HiGHS's primal values can drift from its basis (seen: an
    allocation summing to 1 + 3.6e-7 while the row is reported at its bound). Solving
    ``A[tight rows, basic cols] z_B = bounds - A[tight rows, nonbasic cols] z_N`` afresh
    gives the vertex to machine precision; the more feasible of the two is returned."""
    import scipy.sparse.linalg as spla

    z0 = np.asarray(res.x, dtype=float)
    if res.col_basis is None:
        return z0
    A = L.lp.matrix().tocsr()
    cb, rb = np.asarray(res.col_basis), np.asarray(res.row_basis)
    lo_c, hi_c, lo_r, hi_r = L.lo_c, L.hi_c, L.lo_r, L.hi_r
    JB, JN = np.flatnonzero(cb == 0), np.flatnonzero(cb != 0)
    RN = np.flatnonzero(rb != 0)
    if JB.size != RN.size:
        return z0
    zN = np.where(cb[JN] == 2, hi_c[JN], lo_c[JN])
    zN = np.where(np.isfinite(zN), zN, 0.0)
    rN = np.where(rb[RN] == 2, hi_r[RN], lo_r[RN])
    if not np.all(np.isfinite(rN)):
        return z0
    z = np.zeros(A.shape[1])
    z[JN] = zN
    if JB.size:
        ARN = A[RN]
        try:
            z[JB] = spla.splu(ARN[:, JB].tocsc()).solve(rN - ARN[:, JN] @ zN)
        except RuntimeError:  # singular factor: keep the solver's values
            return z0
    r0 = _primal_residual(A, z0, lo_c, hi_c, lo_r, hi_r)
    r1 = _primal_residual(A, z, lo_c, hi_c, lo_r, hi_r)
    return z if r1 <= r0 else z0


def _full_certificate(L: _LazyMenuLP, res, rev_obj: float, rev_duals: np.ndarray, rev_basis=None):
    """Map the lazy LP's final basis to a basis of the full LP (absent IC rows: basic
    slacks, bounds [0, inf)), so exact re-checks work as for ``method="full"``, and the
    revenue stage's row duals to all rows of the full LP (zero on rows absent then: the
    revenue stage's optimum violated none of them, so these duals are optimal duals of
    the full LP — a weak-duality certificate of the revenue)."""
    n = L.n
    if res.col_basis is None or n * (n - 1) > CERTIFICATE_MAX_ROWS:
        return None
    M = n + n * (n - 1)
    row_basis = np.zeros(M, dtype=res.row_basis.dtype)  # 0 = BASIC
    lo_r = np.concatenate([np.full(n, -np.inf), np.zeros(M - n)])
    hi_r = np.concatenate([np.ones(n), np.full(M - n, np.inf)])
    T, S = L.pairs()
    idx = np.concatenate([np.arange(n), full_row_index(n, T, S)])
    row_basis[idx] = res.row_basis
    lo_r[idx] = L.lo_r
    hi_r[idx] = L.hi_r
    y = np.zeros(M)
    y[idx[: rev_duals.size]] = rev_duals
    full_rev_basis = None
    if rev_basis is not None:  # the revenue stage's basis on the full LP (absent rows basic)
        rcb, rrb, rT, rS = rev_basis
        rb = np.zeros(M, dtype=rrb.dtype)
        rb[np.concatenate([np.arange(n), full_row_index(n, rT, rS)])] = rrb
        full_rev_basis = (rcb, rb)
    return LPCertificate(res.col_basis.copy(), row_basis, L.lo_c.copy(), L.hi_c.copy(), lo_r, hi_r,
                         rev_obj, y, full_rev_basis)
