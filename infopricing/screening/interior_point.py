"""Large menus of high-dimensional types: the binding set found by a structured interior point.

Row generation (:mod:`.large`) discovers the binding IC rows one round of warm simplex at
a time, which is slow when types spread over many dimensions (the binding partners of a
type are far apart). This module instead runs the structured interior point of
:mod:`infopricing.lp.menu_interior_point` on the LP with *all* n(n-1) IC rows, and then:

1. **Binding set.** IC rows whose interior-point dual exceeds ``binding_rel`` times the
   largest IC dual are the candidate binding rows (plus the value-order chain).
2. **Restricted LP with crossover.** Those rows go into the lazy LP of :mod:`.large`;
   HiGHS's crossover turns the interior point into a basis of it, and the lazy loop
   re-solves by simplex, checks all n(n-1) IC rows and adds violated ones until none is
   violated — so a missed row costs time, never the answer.
3. **Selection stages and the full check**, exactly as :func:`.lazy_menu.solve_menu_lazy`
   does them (same face fixing, same market-free secondary objectives, same tie-break):
   the mechanism is the one ``method="full"`` selects.

**Anytime answer** (:func:`menu_bounds`): without any vertex, an interior iterate gives
an IC-IR menu (every type takes its best item among the iterate's items; HS section 4's
menu view of a mechanism) whose revenue is a lower bound, and its IC duals, clipped and
scaled to satisfy the dual constraints, give an upper bound (weak LP duality). The two
bracket the optimal revenue; their gap is certified in floating point with explicit
rounding allowances.

References
----------
HS, section 4 (IC-IR menus, consistent selection). Weak duality of the menu LP.
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, replace

import numpy as np

from .. import tolerances as tol
from ..errors import SolverError
from .._progress import check_progress
from ..lp import Status
from ..lp.arrays import BACKENDS
from .._progress import menu_rounds, report_progress
from ..lp.menu_interior_point import MenuInteriorPoint, MenuIPMPoint
from ..model import Environment
from ..verify import Result, Verification
from .lazy_menu import LazyMenuResult, _LazyMenuLP, _solve_stages, ic_violations
from .mechanism import Mechanism

#: ``optimal_mechanism(method="auto")`` uses the interior point for types spanning more
#: than two dimensions (:func:`effective_dimension`) from this many types on (below it the
#: lazy simplex path). Measured in one run (benchmarks/bench_menu_ipm.py, k = 10, i.i.d.
#: uniform values, benchmarks/README.md): lazy / interior-point time 0.70 at n = 150,
#: 1.37 at n = 300, 1.85 at n = 600.
IPM_MIN_TYPES = 250

#: singular values of the centred values below this fraction of the largest do not count
#: as dimensions for the choice of method: nearly two-factor types (two factors plus 1%
#: noise: ratios 1, 0.30, then 0.014 and below) are solved fast by lazy rows, which find
#: near partners, while their exact rank is full.
DIMENSION_REL = 0.05

#: IC rows with an interior-point dual above this fraction of the largest IC dual start in
#: the restricted LP. The prototype measured 1e-3 missing rows (238 s of extra rounds at
#: n = 2000) and 1e-6 needing 0-2 rounds.
BINDING_REL = 1e-6

#: relative duality gap at which the interior point stops when its point only has to
#: reveal the binding set (crossover and the lazy loop finish the job). Measured in one
#: run (twelfth session, benchmarks/README.md, k = 10): from a point at 1e-8 HiGHS's
#: crossover lands on an optimal basis of the candidate rows (0 simplex iterations on
#: survey-like types at n = 500, against 7 700 from 1e-5), so the whole path took 34.9 s
#: against 109 s on survey-like types at n = 1000 and 24.3 s against 25.3-28.3 s on
#: uniform ones, for 4-5 more iterations (the previous default was 1e-5).
BINDING_GAP = 1e-8

#: the interior point builds its Schur complement's rank-(n k) update in single precision
#: (float32 ``ssyrk``, numpy backend) while its worst relative measure (gap, primal or dual
#: infeasibility) is above this, in double precision after: an early direction need not be
#: exact (every iteration recomputes its residuals from scratch), and the answer comes from
#: the lazy loop's check of every row either way. Measured (uniform k = 10, one process,
#: benchmarks/README.md): n = 1000, 33 of 53 iterations in single precision, 13% less
#: CPU time for one more iteration. :func:`menu_bounds` stays in double precision (with
#: float32 early iterations its n = 1000 run stalled at gap 1e-7, certifying 1.6e-9; in
#: double it converged in 58 iterations and certified 3.4e-10).
SINGLE_ABOVE = 1e-2

#: :func:`menu_bounds` refines every direction (iterative refinement against the true normal
#: matrix, adaptive) once the interior point's worst relative measure is below this: near
#: gap 1e-8 the Schur complement is so ill-conditioned that an unrefined full step left
#: a dual infeasibility of 1e-6 (uniform n = 1000, k = 10: it jumped from 3e-11 to 2e-6
#: in one step and the run stalled at a certified gap of 2e-8 instead of converging).
REFINE_BELOW = 1e-6

_EPS = np.finfo(float).eps

RESTARTS = ("auto", "crossover", "interior")

#: ``pcg="auto"``: from this many types on (numpy arrays) the interior point solves its
#: Schur complement by conjugate gradients instead of forming it (the n^3 k update),
#: preconditioned by the coupling of the ``PCG_KEEP`` heaviest IC rows of every lottery
#: block (:meth:`.MenuInteriorPoint.solve`, ``pcg``). Measured in one process (uniform
#: k = 10, gap 1e-8, benchmarks/README.md "Thirteenth session"): see the constants' use.
PCG_MIN_N = 700
PCG_KEEP = 32
#: ... and only for at least this many alternatives: at k <= 5 CG was slower than the
#: factored Schur complement on every geometry the thirteenth session's review tried at
#: n = 700-800 (0.75-0.96x), at k = 10 (n = 1000) 1.39x faster and at k = 20 1.74x
#: (the update costs n^3 k, a CG step n^2 k, but CG took 43-55 steps an iteration at k = 3)
PCG_MIN_K = 8

#: ``restart="auto"`` crosses over from the interior point when it reached ``stop_gap``
#: (or below this many types), and otherwise starts HiGHS cold by its own interior point
#: (IPX) on the candidate rows. The crossover's cost depends on the point's accuracy:
#: uniform values, k = 10, n = 2000 (benchmarks/README.md): from gap 1e-5 about 1 280 wall
#: s of simplex after it, where IPX took 108 s; from gap 1e-8 the LP part took 49 s.
INTERIOR_RESTART_MIN = 1500


@dataclass(frozen=True)
class IPMSummary:
    """What the interior point did: iterations, seconds, its stop reason and gap."""

    iterations: int
    seconds: float
    status: str
    rel_gap: float
    backend: str
    candidate_rows: int
    crossover: bool
    timing: dict
    #: iterations whose Schur complement was built in float32 (``SINGLE_ABOVE``)
    single_iterations: int = 0
    #: conjugate-gradient steps in all and the iterations solved by them (``pcg``)
    cg_steps: int = 0
    pcg_iterations: int = 0
    #: types merged into an identical one before the interior point (:func:`_merge_identical`;
    #: the interior point ran on ``n - merged_types`` types)
    merged_types: int = 0


@dataclass(frozen=True, repr=False)
class InteriorPointMenuResult(LazyMenuResult):
    """An optimal menu found from the interior point's binding set (same answer as the full
    LP), with the lazy loop's statistics (``stats``) and the interior point's (``ipm``)."""

    ipm: IPMSummary = None


def effective_dimension(values, rel: float = DIMENSION_REL) -> int:
    """Number of singular values of the centred value matrix above ``rel`` times the
    largest (0 for fewer than two types or identical types)."""
    V = np.asarray(values, dtype=float)
    if V.shape[0] < 2:
        return 0
    sv = np.linalg.svd(V - V.mean(axis=0), compute_uv=False)
    if sv[0] <= 0:
        return 0
    return int(np.sum(sv > rel * sv[0]))


#: BLAS threads of the interior point's dense products and factorisations (numpy backend;
#: None: OpenBLAS's own choice, all cores). Measured on the 2-core VM with one other busy
#: process (benchmarks/README.md): uniform k = 10, whole ipm path, n = 300: 6.1 and 5.5 s
#: with OpenBLAS's two threads against 1.6 and 1.5 s on one; n = 1000: 58.8 s against
#: 38.2 s (30 Cholesky factorisations of 300 x 300: 10 s against 0.05 s at load 4-5): the
#: threads spin for a core that is not free. On an idle machine two threads make the
#: largest product (the rank-(n k) update, n = 2000) 1.7x faster, so set this to None on
#: a dedicated machine with large n.
BLAS_THREADS = 1


def _blas_threads():
    """A context limiting BLAS to ``BLAS_THREADS`` threads (nothing when None or when
    threadpoolctl is missing)."""
    from contextlib import nullcontext

    if BLAS_THREADS is None:
        return nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a base dependency
        return nullcontext()
    # threadpoolctl limits only the BLAS libraries already loaded, and scipy ships its own
    # OpenBLAS beside numpy's: load it first, or the Cholesky factorisations and the
    # rank-k update (scipy.linalg) keep their default threads (found in the twelfth
    # session: Cholesky at n = 1000 took 0.2 s instead of 0.02 s beside one busy process)
    import scipy.linalg  # noqa: F401
    import scipy.linalg.blas  # noqa: F401

    return threadpool_limits(limits=int(BLAS_THREADS), user_api="blas")


def _check_backend(backend):
    if not isinstance(backend, str):
        raise TypeError(f"backend must be one of {BACKENDS} (a string), got {type(backend).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")


def _pcg_keep(pcg, n: int, backend: str = "numpy", k: int | None = None) -> int:
    """The interior point's ``pcg`` argument from a user's ``pcg`` ("auto", 0 or a number
    of kept rows per block); conjugate gradients run on numpy arrays only."""
    if isinstance(pcg, str):
        if pcg != "auto":
            raise ValueError(f"pcg must be 'auto' or a non-negative integer, got {pcg!r}")
        wide = k is None or k >= PCG_MIN_K
        return PCG_KEEP if n >= PCG_MIN_N and wide and backend == "numpy" else 0
    if isinstance(pcg, bool) or not isinstance(pcg, (int, np.integer)) or pcg < 0:
        raise ValueError(f"pcg must be 'auto' or a non-negative integer, got {pcg!r}")
    return int(pcg)


def _check_open_unit(value, name: str) -> None:
    """``value`` is a real number in (0, 1): TypeError or ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in (0, 1), got {type(value).__name__}")
    if not (0.0 < value < 1.0):
        raise ValueError(f"{name} must lie in (0, 1), got {value!r}")


def binding_candidates(point: MenuIPMPoint, rel: float = BINDING_REL):
    """IC pairs (t, s) whose dual at ``point`` exceeds ``rel`` times the largest IC dual."""
    Y = point.ic_dual
    top = float(Y.max()) if Y.size else 0.0
    if top <= 0.0:
        e = np.zeros(0, dtype=np.int64)
        return e, e
    T, S = np.nonzero(Y > rel * top)
    keep = T != S
    return T[keep].astype(np.int64), S[keep].astype(np.int64)


# ----------------------------------------------------------------------------------------
# identical types: one type with their summed mass for the interior point
#
# Why the merged LP has the full LP's optimal revenue. Let a group g hold the types with
# one value vector v_g (exactly equal rows), masses f_t, total F_g.
# * Merged <= full: give every copy its group's (x_g, u_g); the rows between copies read
#   0 >= 0, every other row is a merged row, and the revenue is sum_g F_g (v_g . x_g - u_g).
# * Full <= merged: the IC rows t -> s and s -> t between two copies say u_t >= u_s and
#   u_s >= u_t, so all copies have one surplus u_g. Replace their lotteries by the
#   mass-weighted average x_g = sum_t w_t x_t (w_t = f_t / F_g; any weights summing to one
#   when F_g = 0): a row h -> g, u_h - u_g - (v_h - v_g) . x_g, is the w-average of the rows
#   h -> t >= 0, a row g -> h the same average of t -> s rows over s in h, 1 . x_g <= 1 and
#   x_g >= 0 by convexity, and the revenue sum_t f_t (v_g . x_t - u_g) = F_g (v_g . x_g - u_g)
#   is unchanged. So the two optima are equal.
# Duals go back the same way (:meth:`_Merge.split_dual`): Y[t, s] = w_t Y_gh w_s satisfies
# every flow row of the full LP (w_t times the merged row of g, whose right-hand side is
# w_t F_g = f_t), and the virtual values of a copy s are w_s times those of h, so the dual
# bound sum_s y1_s is the merged one. Only exact equality merges: two types that differ in
# any digit can be separated by the optimum (and the near-tie rule of :mod:`.optimal`
# snaps near-tied values to equal ones before this point).


@dataclass(frozen=True)
class _Merge:
    """Groups of identical types (private). ``group[t]``: t's group (0..m-1, in the order of
    their first type), ``rep[g]``: the group's first type, ``mass[g]``: summed mass,
    ``weight[t]``: ``f_t / mass[g]`` (``1 / count[g]`` in a group of zero mass)."""

    group: np.ndarray
    rep: np.ndarray
    count: np.ndarray
    mass: np.ndarray
    weight: np.ndarray

    @property
    def merged_types(self) -> int:
        return int(self.group.size - self.rep.size)

    def members(self, G):
        """(owner, type): for every group in ``G`` (an index array) all its types, the
        position in ``G`` first."""
        order = np.argsort(self.group, kind="stable")
        start = np.concatenate([[0], np.cumsum(self.count)[:-1]])
        c = self.count[G]
        own = np.repeat(np.arange(G.size), c)
        pos = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c) + np.repeat(start[G], c)
        return own, order[pos]

    def candidate_rows(self, TG, SG):
        """IC rows of the full LP for merged candidate rows (TG, SG): g -> h becomes
        rep(g) -> s for every copy s of h (the other copies of g follow rep(g): their
        surplus equals its by the next rows, and their row to s is the same expression),
        and every copy t is tied to its representative both ways (t -> rep, rep -> t)."""
        own, S = self.members(SG)
        T = self.rep[TG][own]
        n = self.group.size
        copies = np.flatnonzero(self.rep[self.group] != np.arange(n))
        r = self.rep[self.group[copies]]
        return (np.concatenate([T, copies, r]).astype(np.int64),
                np.concatenate([S, r, copies]).astype(np.int64))

    def split_dual(self, Y):
        """The merged IC duals as duals of the full LP: ``Y[t, s] = w_t Y[g, h] w_s`` (zero
        between copies; see the comment above :class:`_Merge`)."""
        g, w = self.group, self.weight
        return w[:, None] * np.asarray(Y, dtype=float)[np.ix_(g, g)] * w[None, :]

    def crossover_point(self, point: MenuIPMPoint) -> MenuIPMPoint:
        """The merged interior point as a point of the full LP that :func:`_crossover_point`
        reads, primal and dual consistent on the rows of :meth:`candidate_rows`: every copy
        takes its group's (x, u); the representative carries the group's IC duals, ``Y[rep g,
        s] = Y_gh w_s`` for s in h, and every other copy t sends its share ``w_t sum_h Y_gh``
        on its tight row t -> rep. Then the flow row of every type is w_t times its group's
        (rep: out ``sum Y_gh``, in ``w_rep sum Y_hg + (1 - w_rep) sum Y_gh``) and the x
        columns of a copy s are w_s times those of h, whose duals (``alloc_dual``,
        ``x_dual``, ``u_dual``) are split by w too."""
        g, w, rep = self.group, self.weight, self.rep
        n = g.size
        Ym = np.asarray(point.ic_dual, dtype=float)
        Y = np.zeros((n, n))
        Y[rep] = Ym[:, g] * w[None, :]
        copies = np.flatnonzero(rep[g] != np.arange(n))
        Y[copies, rep[g[copies]]] = w[copies] * Ym.sum(axis=1)[g[copies]]
        return replace(point, u=np.asarray(point.u)[g], x=np.asarray(point.x)[g], ic_dual=Y,
                       alloc_dual=w * np.asarray(point.alloc_dual)[g],
                       u_dual=w * np.asarray(point.u_dual)[g],
                       x_dual=w[:, None] * np.asarray(point.x_dual)[g], ic_slack=None)


def _groups_menu(values, kept, alloc, pay):
    """The menu (alloc, pay) of the groups ``kept`` extended to all groups (``values``, one
    row per group): every other group takes its best item of the menu, a tie to the
    highest payment, or nothing when every item leaves it a negative surplus. The items
    are the menu's own, so IC and IR still hold for every group."""
    m = values.shape[0]
    A = np.zeros((m, alloc.shape[1]))
    P = np.zeros(m)
    A[kept], P[kept] = alloc, pay
    rest = np.setdiff1d(np.arange(m), kept)
    if rest.size:
        U = values[rest] @ alloc.T - pay[None, :]
        top = U.max(axis=1)
        choice = np.argmax(np.where(U >= top[:, None], pay[None, :], -np.inf), axis=1)
        out = top < 0.0
        A[rest] = np.where(out[:, None], 0.0, alloc[choice])
        P[rest] = np.where(out, 0.0, pay[choice])
    return A, P


def _merge_identical(values, probabilities) -> _Merge | None:
    """Groups of exactly equal value vectors, or None when all types differ (one
    ``np.unique`` of the rows; see the comment above :class:`_Merge`)."""
    V = np.asarray(values, dtype=float)
    n = V.shape[0]
    if n < 2:
        return None
    _, first, inverse = np.unique(V, axis=0, return_index=True, return_inverse=True)
    if first.size == n:
        return None
    inverse = inverse.reshape(-1)
    order = np.argsort(first)                     # groups in the order of their first type
    label = np.empty_like(order)
    label[order] = np.arange(order.size)
    group = label[inverse].astype(np.int64)
    rep = first[order].astype(np.int64)
    f = np.asarray(probabilities, dtype=float)
    count = np.bincount(group, minlength=rep.size)
    mass = np.bincount(group, weights=f, minlength=rep.size)
    F = mass[group]
    weight = np.where(F > 0, f / np.where(F > 0, F, 1.0), 1.0 / count[group])
    return _Merge(group=group, rep=rep, count=count, mass=mass, weight=weight)


def _crossover_point(L: _LazyMenuLP, point: MenuIPMPoint):
    """The interior point as a primal-dual point of the restricted LP ``L`` (HiGHS's
    conventions: columns (x, u), rows (allocation rows, IC rows in ``L``'s order))."""
    V = L.V
    X = np.clip(point.x, 0.0, None)
    u = point.u
    T, S = L.pairs()
    own = np.einsum("ta,ta->t", V, X)
    ic_act = u[T] - u[S] - (np.einsum("pa,pa->p", V[T], X[S]) - own[S])
    x = np.concatenate([X.ravel(), u])
    row_act = np.concatenate([X.sum(axis=1), ic_act])
    # HiGHS (max): a <= row at its upper bound has a non-negative dual, a >= row a
    # non-positive one; the interior point's duals are all non-negative
    row_dual = np.concatenate([point.alloc_dual, -point.ic_dual[T, S]])
    col_dual = -np.concatenate([point.x_dual.ravel(), point.u_dual])
    return x, row_act, col_dual, row_dual


def solve_menu_ipm(env: Environment, market, selection: str = "efficient",
                   dual_tol: float = tol.DUAL, backend: str = "auto",
                   binding_rel: float = BINDING_REL, stop_gap: float = BINDING_GAP,
                   max_iter: int = 300, per_type: int = 8, cut: float = tol.LAZY_CUT,
                   progress=None, restart: str = "auto", pcg="auto") -> InteriorPointMenuResult:
    """Optimal menu: interior point for the binding set, then restricted LP with crossover,
    the selection stages and the check of all IC/IR rows (same answer as the full LP).

    Parameters
    ----------
    env : Environment
    market : Market or array_like
    selection : {"efficient", "consumer", "adverse"}
        As in :func:`.optimal_mechanism` (the same rules, applied by the same code).
    dual_tol : float
        Duals larger than this identify the optimal face between selection stages.
    backend : {"auto", "numpy", "torch", "cupy"}
        Arrays of the interior point (:func:`infopricing.lp.arrays.array_backend`):
        ``"auto"`` takes a GPU when torch or CuPy sees one, numpy otherwise.
    binding_rel : float
        IC rows with a dual above this fraction of the largest start in the restricted LP.
    stop_gap : float
        The interior point stops at this relative duality gap (and infeasibility); a
        looser value is faster and may leave rows for the lazy loop to add.
    max_iter : int
        Iteration cap of the interior point (its point is used whatever its status).
    per_type, cut : as in :func:`.lazy_menu.solve_menu_lazy` (rows added per type and round).
    restart : {"auto", "crossover", "interior"}
        How HiGHS starts on the candidate rows: from the interior point by its crossover
        (then primal simplex), or cold by its own interior point (IPX) with crossover; the
        later rounds and stages re-solve warm by dual simplex either way. ``"auto"``:
        ``"crossover"`` when the interior point reached ``stop_gap`` or below
        ``INTERIOR_RESTART_MIN`` types, ``"interior"`` otherwise. Never changes the answer.
    pcg : "auto" or int
        0 forms and factors the interior point's Schur complement at every iteration;
        ``m > 0`` solves it by conjugate gradients preconditioned by the coupling of the
        ``m`` heaviest IC rows of each lottery block, falling back to the factored form
        for the rest of the run if a solve does not converge (numpy arrays only).
        ``"auto"``: ``PCG_KEEP`` from ``PCG_MIN_N`` types and ``PCG_MIN_K`` alternatives
        on, 0 otherwise. Never changes the answer (the lazy loop checks every row either
        way).
    progress : callable, optional
        ``progress(done, total, **details)``, the library's one progress signature
        (:mod:`infopricing._progress`): after every interior-point iteration as
        ``progress(iteration, max_iter, stage="interior point", gap=rel_gap)``, then in
        the lazy stages as in :func:`.lazy_menu.solve_menu_lazy` (``done`` IC rows in
        the LP of ``total = n(n-1)``, with ``stage`` and ``round``); the details only to a
        callback that accepts them.

    Returns
    -------
    InteriorPointMenuResult

    Identical types (exactly equal value vectors) are one type with their summed mass for
    the interior point (the same optimum, see ``_Merge``); its binding rows and its point are
    carried back to the original types for the restricted LP and its crossover, whose
    answer is the full LP's (``ipm.merged_types``: how many types were merged).

    Values far from order one are solved in units of ``tolerances.value_scale``, as in
    :func:`.optimal_mechanism`.

    References
    ----------
    HS, section 4.
    """
    check_progress(progress)
    from .optimal import SELECTIONS, _check_inputs, _rescaled

    market = _check_inputs(env, market)
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    _check_backend(backend)
    _check_open_unit(binding_rel, "binding_rel")
    _check_open_unit(stop_gap, "stop_gap")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    if isinstance(per_type, bool) or not isinstance(per_type, (int, np.integer)) or per_type < 1:
        raise ValueError(f"per_type must be a positive integer, got {per_type!r}")
    if restart not in RESTARTS:
        raise ValueError(f"restart must be one of {RESTARTS}, got {restart!r}")
    _pcg_keep(pcg, env.n_types)  # the argument's check, before any work
    scale = tol.value_scale(env.values)
    if scale != 1.0:
        r = solve_menu_ipm(Environment(env.values / scale), market.probabilities,
                           selection=selection, dual_tol=dual_tol, backend=backend,
                           binding_rel=binding_rel, stop_gap=stop_gap, max_iter=max_iter,
                           per_type=per_type, cut=cut, progress=progress, restart=restart,
                           pcg=pcg)
        return InteriorPointMenuResult(mechanism=_rescaled(r.mechanism, env, market, scale),
                                       max_ic_violation=r.max_ic_violation * scale,
                                       stats=r.stats, ipm=r.ipm)
    with _blas_threads():  # the whole path: its IC checks are BLAS products too
        n = env.n_types
        t0 = time.perf_counter()
        # identical types are one type with their summed mass for the interior point (the
        # same optimum, see _Merge; exact duplicates make the full LP degenerate and the
        # interior point slow to converge); the restricted LP and the check are on all types
        merge = _merge_identical(env.values, market.probabilities)
        if merge is None:
            ipm = MenuInteriorPoint(env.values, market.probabilities, backend=backend)
        else:
            ipm = MenuInteriorPoint(env.values[merge.rep], merge.mass, backend=backend)
        stop = None
        if progress is not None:
            def stop(it, gap, Y, W):
                report_progress(progress, min(int(it), int(max_iter)), int(max_iter), stage="interior point",
                                gap=float(gap))
                return False
        # float32 early iterations only from two types: all types identical leave one, and
        # with all values zero its weights overflowed float32 (a RuntimeWarning in the cast)
        point = ipm.solve(gap_tol=stop_gap, max_iter=max_iter, stop=stop,
                          single_above=SINGLE_ABOVE if ipm.n > 1 else None,
                          pcg=_pcg_keep(pcg, ipm.n, ipm.xp.name, ipm.k))
        T, S = binding_candidates(point, binding_rel)
        if merge is not None:
            T, S = merge.candidate_rows(T, S)
        L = _LazyMenuLP(env.values, market.probabilities, 0, "simplex", extra=(T, S))
        tx = time.perf_counter()
        if restart == "auto":
            rough = point.status != "optimal" and n >= INTERIOR_RESTART_MIN
            restart = "interior" if rough else "crossover"
        if restart == "interior":
            crossed = False
            L.ipm_next = True
        else:
            start = point if merge is None else merge.crossover_point(point)
            crossed = L.lp.crossover(*_crossover_point(L, start))
        # HiGHS's crossover from a rough point (gap ~1e-5) leaves a basis with few, small primal
        # infeasibilities and many dual ones: primal simplex cleans it up far faster than the
        # dual simplex the lazy loop uses for its re-solves (n = 1000, k = 10: 1 683 iterations
        # and 2.2 s against 8 256 and 10.6 s)
        L.primal_next = bool(crossed)
        tx = time.perf_counter() - tx
        summary = IPMSummary(iterations=point.iterations, seconds=point.seconds, status=point.status,
                             rel_gap=float(point.rel_gap), backend=point.backend,
                             candidate_rows=int(T.size), crossover=bool(crossed),
                             timing=dict(point.timing, crossover=tx),
                             single_iterations=int(point.single_iterations),
                             cg_steps=int(point.cg_steps), pcg_iterations=int(point.pcg_iterations),
                             merged_types=0 if merge is None else merge.merged_types)
        r = _solve_stages(L, env, market, selection, dual_tol, per_type, 16 * n, cut, "simplex",
                          False, "violation", menu_rounds(progress, n), t0)
        return InteriorPointMenuResult(mechanism=r.mechanism, max_ic_violation=r.max_ic_violation,
                                       stats=r.stats, ipm=summary)


# ----------------------------------------------------------------------------------------
# the anytime answer: an IC-IR menu and a dual bound


def _strictly_ic_point(V: np.ndarray):
    """A mechanism whose IC slacks are ``a |v_t - v_s|^2 / 2`` (> 0 for distinct types):
    ``x_s = a (v_s - e)`` with ``e`` the componentwise minimum, ``u_t = a (|v_t|^2 / 2 -
    e . v_t)`` shifted to be non-negative, ``a`` so that no allocation sums above 1."""
    e = V.min(axis=0)
    Xs = V - e
    tot = float(Xs.sum(axis=1).max())
    a = 1.0 / tot if tot > 0 else 0.0
    X0 = a * Xs
    u0 = a * (0.5 * np.einsum("ta,ta->t", V, V) - V @ e)
    u0 = u0 - u0.min()
    return X0, u0, a


def menu_from_items(values: np.ndarray, X: np.ndarray, u: np.ndarray):
    """Every type takes its best item among ``{(x_s, p_s)}`` and the outside option
    (``p_s = v_s . x_s - u_s``); a tie goes to the highest payment, and to the item over
    the outside option. Returns (allocation, payments, own) where ``own[t]`` says whether
    t kept its own item. IC and IR hold by construction (up to rounding of the products)."""
    V = np.asarray(values, dtype=float)
    n = V.shape[0]
    p = np.einsum("ta,ta->t", V, X) - u
    alloc = np.empty_like(X)
    pay = np.empty(n)
    own = np.empty(n, dtype=bool)
    rows = max(1, 4_000_000 // max(n, 1))
    for a in range(0, n, rows):
        b = min(n, a + rows)
        U = V[a:b] @ X.T - p[None, :]               # U[t, s]: t's utility of item s
        best = U.max(axis=1)
        cand = U >= best[:, None]
        choice = np.argmax(np.where(cand, p[None, :], -np.inf), axis=1)
        out = best < 0.0
        idx = np.arange(a, b)
        alloc[a:b] = np.where(out[:, None], 0.0, X[choice])
        pay[a:b] = np.where(out, 0.0, p[choice])
        own[a:b] = (~out) & (choice == idx)
    return alloc, pay, own


def menu_lower_bound(values, probabilities, X, u, margin: float = 1e-12):
    """An IC-IR menu from an interior iterate (X, u) and its revenue, a lower bound on the
    optimal revenue.

    X is clipped at 0 and rows summing above 1 are scaled down; u is shifted up so
    that its minimum is 0 (adding a constant to every surplus changes no IC slack); the
    point is blended with :func:`_strictly_ic_point` by the smallest weight that makes every
    IC slack between distinct types at least ``margin``, so that no type leaves its item
    because of a slack of rounding size; then :func:`menu_from_items`.

    Returns (allocation, payments, revenue, blend weight)."""
    V = np.asarray(values, dtype=float)
    f = np.asarray(probabilities, dtype=float)
    X = np.clip(np.asarray(X, dtype=float), 0.0, None)
    X = X / np.maximum(X.sum(axis=1), 1.0)[:, None]
    u = np.asarray(u, dtype=float)
    u = u - min(0.0, float(u.min()))
    X0, u0, a = _strictly_ic_point(V)
    theta = 0.0
    if a > 0:
        n = V.shape[0]
        own = np.einsum("ta,ta->t", V, X)
        sq = np.einsum("ta,ta->t", V, V)
        rows = max(1, 4_000_000 // max(n, 1))
        for lo in range(0, n, rows):
            hi = min(n, lo + rows)
            slack = u[lo:hi, None] - u[None, :] - (V[lo:hi] @ X.T - own[None, :])
            g0 = a * 0.5 * (sq[lo:hi, None] + sq[None, :] - 2.0 * V[lo:hi] @ V.T)
            slack[np.arange(hi - lo), np.arange(lo, hi)] = np.inf
            sel = (slack < margin) & (g0 > 2.0 * margin)
            if sel.any():
                need = (margin - slack[sel]) / (g0[sel] - slack[sel])
                theta = max(theta, float(need.max()))
        theta = min(theta, 1.0)
        X = (1.0 - theta) * X + theta * X0
        u = (1.0 - theta) * u + theta * u0
    alloc, pay, _ = menu_from_items(V, X, u)
    return alloc, pay, float(f @ pay), theta


def dual_upper_bound(values, probabilities, ic_dual):
    """An upper bound on the optimal revenue from any non-negative IC duals (weak duality).

    The dual of the menu LP is ``min sum_s y1_s`` over ``Y >= 0`` (n x n, zero diagonal)
    and ``y1 >= 0`` with the *flow* rows ``sum_s Y[j, s] - sum_t Y[t, j] <= f_j`` (columns
    u_j) and ``y1_s >= f_s v_sa - sum_t Y[t, s] (v_ta - v_sa)`` (columns x_sa). ``Y`` is
    clipped at 0 and scaled by the largest ``alpha <= 1`` that makes every flow row hold
    with a margin covering the rounding of its sums; then ``y1_s`` is the positive part of
    the largest virtual value of s, and the bound is ``sum_s y1_s`` plus a rounding
    allowance. Returns (upper bound, scaled Y, alpha)."""
    V = np.asarray(values, dtype=float)
    f = np.asarray(probabilities, dtype=float)
    n = V.shape[0]
    Y = np.clip(np.asarray(ic_dual, dtype=float), 0.0, None).copy()
    np.fill_diagonal(Y, 0.0)
    rs, cs = Y.sum(axis=1), Y.sum(axis=0)
    err = (n + 2) * _EPS * (rs + cs)
    need = rs - cs + 2.0 * err
    alpha = 1.0
    bad = need > f
    if bad.any():
        alpha = float(np.min(f[bad] / need[bad])) * (1.0 - 8.0 * _EPS)
        alpha = min(1.0, max(0.0, alpha))
        Y *= alpha
    cs = Y.sum(axis=0)
    virt = f[:, None] * V - (Y.T @ V - cs[:, None] * V)
    y1 = np.maximum(0.0, virt.max(axis=1))
    absterm = f[:, None] * np.abs(V) + Y.T @ np.abs(V) + cs[:, None] * np.abs(V)
    allowance = float((n + 3) * _EPS * absterm.max(axis=1).sum())
    return float(y1.sum()) + allowance, Y, alpha


def bounds_gap(lower: float, upper: float, values) -> float:
    """The certified gap of :class:`MenuBounds`: ``(upper - lower) / max(|upper|, unit)``,
    ``unit`` = :func:`infopricing.tolerances.value_scale` of the values (1 for values of
    order one), so the gap is relative in any unit of money."""
    return (upper - lower) / max(abs(upper), tol.value_scale(values))


@dataclass(frozen=True, repr=False)
class MenuBounds(Result):
    """The anytime answer for a large menu: an IC-IR menu and a proven upper bound.

    Attributes
    ----------
    mechanism : Mechanism    an IC-IR menu (status "proven within a gap"); its revenue is
                             ``lower``
    lower, upper : float     ``lower <= optimal revenue <= upper``
    gap : float              ``(upper - lower) / max(|upper|, unit)`` (:func:`bounds_gap`;
                             unit 1 for values of order one)
    ic_dual : ndarray (n, n) the dual certificate: non-negative IC duals satisfying every
                             flow row, from which ``upper`` is recomputed
    blend : float            weight of the strictly IC point in the lower-bound menu
    status : Status          ``WITHIN_GAP``
    params : dict            what was used (backend, iterations, tolerances)
    """

    mechanism: Mechanism
    lower: float
    upper: float
    gap: float
    ic_dual: np.ndarray
    blend: float
    status: Status
    params: dict

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check the menu (IC, IR, feasibility) and the dual certificate (non-negative,
        flow rows hold, the bound recomputed from it is at most ``upper``)."""
        m = self.mechanism
        env = m.env
        v = env.values
        f = m.market.probabilities
        failures = []
        _, _, _, icv = ic_violations(v, m.allocation, m.utilities, per_type=0)
        unit = tol.value_scale(v)
        checks = [("IC violated", icv, unit), ("IR violated", max(0.0, -float(m.utilities.min())), unit),
                  ("negative allocation", max(0.0, -float(m.allocation.min())), 1.0),
                  ("allocation sums above 1", max(0.0, float((m.allocation.sum(axis=1) - 1).max())), 1.0)]
        Y = self.ic_dual
        rs, cs = Y.sum(axis=1), Y.sum(axis=0)
        n = v.shape[0]
        flow = float(np.max(rs - cs + (n + 2) * _EPS * (rs + cs) - f))
        if float(Y.min()) < 0:
            failures.append("negative IC dual")
        if flow > 0:
            failures.append(f"flow row of the dual violated by {flow:.3g}")
        virt = f[:, None] * v - (Y.T @ v - cs[:, None] * v)
        ub = float(np.maximum(0.0, virt.max(axis=1)).sum())
        if ub > self.upper:
            failures.append(f"dual bound recomputed as {ub!r} > upper {self.upper!r}")
        if abs(m.revenue - self.lower) > tol.EQUAL * max(unit, abs(self.lower)):
            failures.append("menu revenue differs from the lower bound")
        if not self.lower <= self.upper:
            failures.append(f"lower bound {self.lower!r} above upper bound {self.upper!r}")
        gap = bounds_gap(self.lower, self.upper, v)
        if not abs(self.gap - gap) <= tol.EQUAL * max(1.0, abs(gap)):
            failures.append(f"reported gap {self.gap!r} is not (upper - lower) / max(|upper|, unit) = {gap!r}")
        for name, val, u_ in checks:
            if val > atol * u_:
                failures.append(f"{name} by {val:.3g}")
        if exact:
            failures.extend(m.verify(exact=True).failures)
            failures.extend(self._exact_dual_failures())
        return Verification(ok=not failures, failures=tuple(failures),
                            max_violation=max(c[1] for c in checks), exact=bool(exact))

    def _exact_dual_failures(self) -> list:
        """The dual certificate in exact rational arithmetic (the floats read exactly):
        every flow row holds and the bound it gives is at most ``upper``."""
        from fractions import Fraction

        v = self.mechanism.env.values
        f = self.mechanism.market.probabilities
        n, k = v.shape
        Y = [[Fraction(float(y)) for y in row] for row in self.ic_dual]
        F = [Fraction(float(x)) for x in f]
        V = [[Fraction(float(x)) for x in row] for row in v]
        out = []
        for j in range(n):
            if sum(Y[j]) - sum(Y[t][j] for t in range(n)) > F[j]:
                out.append(f"flow row {j} of the dual violated (exact)")
        ub = Fraction(0)
        for s_ in range(n):
            best = max(F[s_] * V[s_][a] - sum(Y[t][s_] * (V[t][a] - V[s_][a]) for t in range(n))
                       for a in range(k))
            ub += max(Fraction(0), best)
        if ub > Fraction(self.upper):
            out.append(f"exact dual bound {float(ub)!r} above upper {self.upper!r}")
        return out

    def as_dict(self) -> dict:
        """JSON-ready summary (the menu itself under ``mechanism``)."""
        return {"status": str(self.status.value), "lower": self.lower, "upper": self.upper,
                "gap": self.gap, "blend": self.blend, "params": dict(self.params),
                "mechanism": self.mechanism.as_dict(),
                # the dual certificate, so that the upper bound can be re-derived from the
                # JSON alone (n x n numbers: large for large n)
                "ic_dual": self.ic_dual.tolist()}


CERTIFY_FROM = 1e-3  # menu_bounds certifies iterates from this relative IPM gap on

#: Gondzio correctors per iteration of :func:`menu_bounds`'s interior point (one in
#: :func:`solve_menu_ipm`, whose point only has to reveal the binding rows): run towards
#: gap 1e-9 the second keeps the late iterates central enough to certify (uniform n = 40,
#: k = 2, seed 3: certified gap 1.9e-7 with one, below 1e-8 with two).
BOUNDS_CORRECTORS = 2


def menu_bounds(env: Environment, market, backend: str = "auto", gap_tol: float = 1e-9,
                max_iter: int = 300, time_limit: float | None = None,
                progress=None, single_precision: bool | None = None, pcg="auto") -> MenuBounds:
    """Anytime answer for a large menu: an IC-IR menu and an upper bound with their gap.

    Runs the structured interior point until its relative gap is below ``gap_tol``, or
    ``max_iter`` iterations, or ``time_limit`` seconds, certifying its iterates on the way
    (:func:`menu_lower_bound`, :func:`dual_upper_bound`) from relative gap
    ``CERTIFY_FROM`` on and at the end, and keeping the best lower and the best upper
    bound found (each is valid on its own). No vertex, no LP solver.

    ``progress(iteration, max_iter, gap=rel_gap)`` is called after every iteration (the
    library's one progress signature, :mod:`infopricing._progress`; ``gap=`` only to a
    callback that accepts it).

    Interrupted (``KeyboardInterrupt``, Ctrl-C) after its first iteration, it returns the
    best certificate so far, the last iterate's included, with ``params["ipm_status"] =
    "interrupted"`` (the counts of refinement and float32 iterations are then None). A
    numerical breakdown of the interior point after its first iteration (``LinAlgError``:
    with duplicated types the Schur complement could lose definiteness near the optimum,
    before identical types were merged; kept as a guard) ends the same way, with
    ``ipm_status = "breakdown"``.

    Identical types (exactly equal value vectors) run as one type with their summed mass,
    and groups of zero mass are left out (the same optimum; comments in the code); the
    menu and the dual certificate are then carried back to the original types, so
    :meth:`MenuBounds.verify` checks them on the original instance.
    ``params["merged_types"]``: how many types were merged into an identical one;
    ``params["zero_mass_groups"]``: how many groups of zero mass were left out.

    ``single_precision``: build the Schur complements of the early iterations (worst
    relative measure above ``SINGLE_ABOVE``) in float32, about twice as fast, with the
    same guard as :func:`solve_menu_ipm`. Default (None): only under a ``time_limit``,
    where more iterations in the time mean a smaller certified gap; without one the run
    stays in double precision (run to gap 1e-9 it certified 3.4e-10 at n = 1000 in double
    and 1.6e-9 with float32 early iterations). Every certificate is recomputed from the
    iterates in double precision either way.

    ``pcg``: conjugate gradients on the Schur complement, as in :func:`solve_menu_ipm`
    (the certificates do not depend on how the directions were solved).

    References
    ----------
    HS, section 4 (menus); weak LP duality.
    """
    check_progress(progress)
    from .optimal import _check_inputs

    market = _check_inputs(env, market)
    _check_backend(backend)
    _check_open_unit(gap_tol, "gap_tol")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    if time_limit is not None:
        if isinstance(time_limit, bool) or not isinstance(time_limit, numbers.Real):
            raise TypeError(f"time_limit must be a positive number of seconds or None, "
                            f"got {type(time_limit).__name__}")
        if not time_limit > 0:
            raise ValueError(f"time_limit must be positive, got {time_limit!r}")
    if single_precision is not None and not isinstance(single_precision, (bool, np.bool_)):
        raise TypeError(f"single_precision must be True, False or None, got {single_precision!r}")
    single = (time_limit is not None) if single_precision is None else bool(single_precision)
    _pcg_keep(pcg, env.n_types)
    # values far from units of one are solved divided by a power of two (as in
    # solve_menu_ipm: the interior point's stopping measures are absolute), and the bounds
    # multiplied back; the IC duals do not change with the unit (the flow rows are in masses)
    scale = tol.value_scale(env.values)
    V = env.values / scale
    f = market.probabilities
    t0 = time.perf_counter()
    # identical types run as one type with their summed mass (the same optimum, see _Merge);
    # the certificates are carried back to the original types at the end. Groups of zero
    # mass are left out of the merged LP: they add nothing to the revenue, and an optimal
    # menu of the others, each of them taking its best item of it (or nothing), is IC-IR
    # for them too, so the optimum is the same; the duals of the smaller LP with zero rows
    # and columns for them are a dual of the original LP whose flow rows for them read
    # 0 <= 0 exactly (kept in the LP, such a row ends with flows balanced to 1e-15, and a
    # zero mass leaves no room for the rounding allowance of verify(): the dual had to be
    # scaled to zero in a test, upper bound 0.80 for revenue 0.65)
    merge = _merge_identical(V, f)
    if merge is None:
        Vi, fi = V, f
    else:
        kept = np.flatnonzero(merge.mass > 0)
        Vi, fi = V[merge.rep[kept]], merge.mass[kept]

    def stop(it, gap, Y, W):
        report_progress(progress, min(int(it), int(max_iter)), int(max_iter), gap=float(gap))
        return time_limit is not None and time.perf_counter() - t0 > time_limit

    # every bound is valid on its own, so the best lower and the best upper bound over
    # the iterates are kept (from gap CERTIFY_FROM on: each costs a few n x n products,
    # against n^3 k for an iteration); an interior point that stalls or drifts after its
    # best iterate then cannot lose the certificate it already had
    best = {}
    last = {}

    def observe(it, gap, u, X, Y):
        last["point"] = (it, u, X, Y)  # new arrays every iteration: no copy needed
        if gap > CERTIFY_FROM:
            return
        low = menu_lower_bound(Vi, fi, X, u)
        if "lower" not in best or low[2] > best["lower"][2]:
            best["lower"] = low
        up = dual_upper_bound(Vi, fi, Y)
        if "upper" not in best or up[0] < best["upper"][0]:
            best["upper"] = up if merge is None else (up[0], Y)

    ipm = MenuInteriorPoint(Vi, fi, backend=backend)

    def run():
        try:
            point = ipm.solve(gap_tol=gap_tol, max_iter=max_iter, correctors=BOUNDS_CORRECTORS,
                              stop=stop, observe=observe, refine_below=REFINE_BELOW,
                              single_above=SINGLE_ABOVE if single else None,
                              pcg=_pcg_keep(pcg, ipm.n, ipm.xp.name, ipm.k))
        except KeyboardInterrupt:
            # the anytime answer survives Ctrl-C: the last iterate seen is certified as well
            # (and the best bounds so far kept); interrupted before any iterate, it re-raises
            if "point" not in last:
                raise
            it, u, X, Y = last["point"]
            observe(it, 0.0, u, X, Y)
            return "interrupted", it, f"{ipm.xp.name}:{ipm.xp.device}", None, None, None
        except np.linalg.LinAlgError:
            # a numerical breakdown near the optimum (duplicated types: the weights reach
            # 1e25 and the Schur complement loses definiteness from both starts) keeps the
            # certificates already found, each valid on its own; before any, it re-raises
            if "point" not in last:
                raise
            it, u, X, Y = last["point"]
            observe(it, 0.0, u, X, Y)
            return "breakdown", it, f"{ipm.xp.name}:{ipm.xp.device}", None, None, None
        observe(point.iterations, 0.0, point.u, point.x, point.ic_dual)  # the returned iterate
        if point.status == "optimal":  # the converging iteration ends before stop() reports it
            report_progress(progress, min(int(point.iterations), int(max_iter)), int(max_iter),
                            gap=float(point.rel_gap))
        return (point.status, point.iterations, point.backend, point.refinement_steps,
                point.single_iterations, point.cg_steps)

    with _blas_threads():  # the certificates' products are BLAS too
        status, iterations, backend_used, refinements, singles, cg_steps = run()
    alloc, pay, lower, theta = best["lower"]
    if merge is None:
        upper, Y, alpha = best["upper"]
    else:
        # every copy takes its representative's item (the menu is the merged one, so IC-IR
        # for the original types), and the best merged IC duals, split among the copies,
        # are a dual of the original LP, re-scaled and bounded on the original instance
        alloc, pay = _groups_menu(V[merge.rep], kept, alloc, pay)
        alloc, pay = alloc[merge.group], pay[merge.group]
        lower = float(f @ pay)
        m = merge.rep.size
        Yg = np.zeros((m, m))
        Yg[np.ix_(kept, kept)] = np.clip(best["upper"][1], 0.0, None)
        upper, Y, alpha = dual_upper_bound(V, f, merge.split_dual(Yg))
    if upper < lower:
        raise SolverError(f"menu bounds crossed: lower {lower!r} > upper {upper!r}")
    pay, lower, upper = pay * scale, lower * scale, upper * scale
    mech = Mechanism(env=env, market=market, allocation=alloc, payments=pay,
                     status=Status.WITHIN_GAP, selection="interior point (best item per type)")
    params = dict(method="interior point bounds", backend=backend_used,
                  iterations=iterations, ipm_status=status, gap_tol=gap_tol,
                  refinement_steps=refinements,
                  single_precision_iterations=singles, cg_steps=cg_steps,
                  max_iter=max_iter, time_limit=time_limit, dual_scale=alpha,
                  merged_types=0 if merge is None else merge.merged_types,
                  zero_mass_groups=0 if merge is None else int(merge.rep.size - kept.size),
                  seconds=time.perf_counter() - t0)
    return MenuBounds(mechanism=mech, lower=lower, upper=upper,
                      gap=bounds_gap(lower, upper, env.values), ic_dual=Y, blend=theta,
                      status=Status.WITHIN_GAP, params=params)
