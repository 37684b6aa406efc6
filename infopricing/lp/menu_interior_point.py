"""A structured primal-dual interior point for the lottery-menu LP (all n(n-1) IC rows).

The LP (types t, values ``V`` (n, k), masses ``f``; HS section 4, utility form)::

    max  sum_t f_t (v_t . x_t - u_t)
    s.t. 1 . x_s <= 1                                  n rows      (slack w1, dual y1)
         u_t - u_s - (v_t - v_s) . x_s >= 0,  t != s   n(n-1) rows (slack W[t, s], dual Y[t, s])
         u >= 0, x >= 0                                (reduced costs su, SX)

is written as ``max c.z  s.t.  G z + w = h,  z, w >= 0`` with ``z = (u, x)``; the IC slacks
and duals are held as dense (n, n) arrays with a zero diagonal, so no row is ever
generated or dropped. Mehrotra's predictor-corrector with Gondzio's centrality correctors
solves, at every iteration, the normal equations ``(G^T D G + diag(s / z)) dz = r``
(``D = y / w``). The structure makes them cheap:

* every IC row touches one lottery block ``x_s``, so the lottery part of the normal matrix
  is block diagonal: n blocks ``B_s`` of size k x k;
* eliminating those blocks leaves a dense n x n Schur complement in the surpluses,
  ``S = Lap(D + D^T) + diag(su / u) - sum_s C_s B_s^{-1} C_s^T``, formed by one symmetric
  rank-(n k) update (about n^3 k flops, chunked) and factored by a dense Cholesky;
* everything else is O(n^2 k): products with the dense (n, n) arrays.

From about 700 types on the rank-(n k) update is most of an iteration, and ``solve(pcg=m)``
avoids it: the Schur system is solved by conjugate gradients, each step one product with
the exact S (two products with D, O(n^2 k)), preconditioned by the Schur complement in
which only the m heaviest IC rows of every lottery block keep their coupling of u and x
(``n m^2 k`` flops to build, one n x n Cholesky; it is at least half of S, so CG converges
in a few dozen steps). Near the optimum S becomes too ill-conditioned for CG to reach its
tolerance on the true residual; the first solve that does not sends that iteration and the
rest of the run back to the factored S, so the directions are as accurate as without it.
Before that, a solve whose true residual stops falling at the rounding floor of the
product is accepted (as accurate as the factored solve), and the first failure is retried
with a preconditioner that keeps every heavy row of each block (``PCG_REL``).

All dense work goes through :mod:`.arrays`, so the same code runs on numpy (CPU) and on
torch or CuPy arrays (GPU). Nothing here knows about markets or mechanisms: the caller
passes arrays and receives arrays (see :mod:`infopricing.screening.interior_point`).

References
----------
HS, section 4 (the menu LP). Mehrotra (1992), "On the implementation of a primal-dual
interior point method", SIAM J. Optim. 2(4); Gondzio (1996), "Multiple centrality
corrections in a primal-dual method for linear programming", Comput. Optim. Appl. 6.
Hestenes and Stiefel (1952), "Methods of conjugate gradients for solving linear systems",
J. Res. NBS 49 (the flexible, Polak-Ribiere form of beta absorbs the float32 preconditioner).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .arrays import array_backend

#: entries of the (chunk of s, k, n) block built before each rank-k update
_CHUNK_ELEMENTS = 8_000_000


#: adaptive iterative refinement of a direction (``solve(refine_below=...)``): at most this
#: many steps, until the normal-equation residual is below REFINE_TOL of the right-hand side
REFINE_MAX = 3
REFINE_TOL = 1e-13
#: the first direction from a single-precision Schur complement is measured against the
#: true normal matrix: a residual above this fraction of the right-hand side sends the
#: iteration, and the rest of the run, to double precision
SINGLE_GIVE_UP = 1e-3
#: consecutive iterations whose float32 factor fails that check before the run stays in
#: double precision (uniform k = 10, n = 2000, strictly IC start: the check failed at the
#: third iteration and float32 was off for the remaining 95 when one failure was enough)
SINGLE_STRIKES = 3
#: conjugate gradients on the Schur complement (``solve(pcg=m)``): the relative residual
#: asked of every solve and the most steps before the iteration (and the rest of the run)
#: goes back to the factored Schur complement
PCG_TOL = 1e-10
PCG_MAX = 50
#: a true residual that a restart of CG does not halve is accepted below this fraction of
#: ``|r|``: near the optimum the product with S is only that accurate (see ``_pcg``)
PCG_FLOOR = 1e-8
PCG_SINGLE = True
#: after the first CG failure the run retries (and keeps) a preconditioner whose lottery
#: blocks keep every IC row with a weight of at least PCG_REL of the block's largest, at
#: least ``m`` and at most PCG_KEEP_MAX (``_NormalEquations._kept_groups``); only if that
#: fails too does it fall back to the factored Schur complement. Uniform n = 2000, k = 10:
#: the late CG steps per iteration fell from 123, 30, 157, 180 to 28, 15, 91, 15 and 8 more
#: iterations were solved by CG (fourteenth session)
PCG_REL = 1e-6
PCG_KEEP_MAX = 256
PCG_ADAPT = True
_SINGLE_MAX = 1e30  # weights D above this never go to float32 (its range ends at 3.4e38)

#: starting points of :meth:`MenuInteriorPoint.solve` (see ``MenuInteriorPoint._start``)
STARTS = ("auto", "ic", "uniform")
#: the "ic" start: allocation floor (times 1/k), surplus floor and the least IC slack
START_FLOOR = 0.25
START_U = 0.01
START_W = 1e-3
START_TIE = 1e-9


def strictly_ic_start(V: np.ndarray):
    """Half of a mechanism whose IC slacks are ``a |v_t - v_s|^2 / 2`` (so its own slacks
    are ``a |v_t - v_s|^2 / 4``): ``x_s = a (v_s - e) / 2`` with ``e`` the componentwise
    minimum and ``a`` such that no allocation of the full mechanism sums above 1, and
    ``u_t = a (|v_t|^2 / 2 - e . v_t) / 2``. Returns (X, u), u not yet shifted."""
    e = V.min(axis=0)
    Xs = V - e
    tot = float(Xs.sum(axis=1).max())
    a = 0.5 / tot if tot > 0 else 0.0
    return a * Xs, a * (0.5 * np.einsum("ta,ta->t", V, V) - V @ e)


@dataclass(frozen=True)
class MenuIPMPoint:
    """The interior point's last iterate, in the units of the objective as given.

    Attributes
    ----------
    u : ndarray (n,)             surpluses
    x : ndarray (n, k)           allocations (may be slightly negative or sum above 1:
                                 an interior iterate, not a menu; see the certificates)
    ic_dual : ndarray (n, n)     ``Y[t, s]``, dual of IC row (t, s); zero diagonal
    alloc_dual : ndarray (n,)    dual of ``1 . x_s <= 1``
    ic_slack : ndarray (n, n)    the IPM's slack ``W[t, s]`` of IC row (t, s)
    u_dual, x_dual : ndarray     reduced costs of ``u >= 0`` (n,) and ``x >= 0`` (n, k)
    primal, dual : float         objective of the primal and dual iterates
    iterations : int
    status : str                 "optimal" (all three measures below ``gap_tol``),
                                 "stopped" (the caller's stopping rule fired),
                                 "stalled" or "limit" (iteration cap)
    rel_gap, primal_infeasibility, dual_infeasibility : float   relative measures
    seconds : float
    backend : str
    timing : dict                seconds per part (rank-k update, factorisations, rest)
    trace : list                 per iteration: (rel_gap, primal_inf, dual_inf, primal step,
                                 dual step, sigma, conjugate-gradient steps), for diagnosing
                                 slow or stalled runs
    single_iterations : int      iterations whose Schur complement was formed in float32
    refinement_steps : int       adaptive refinement steps taken
    cg_steps, pcg_iterations : int   conjugate-gradient steps in all, and the iterations
                                 solved by them (``solve(pcg=m)``)
    """

    u: np.ndarray
    x: np.ndarray
    ic_dual: np.ndarray
    alloc_dual: np.ndarray
    ic_slack: np.ndarray
    u_dual: np.ndarray
    x_dual: np.ndarray
    primal: float
    dual: float
    iterations: int
    status: str
    rel_gap: float
    primal_infeasibility: float
    dual_infeasibility: float
    seconds: float
    backend: str
    timing: dict = field(default_factory=dict)
    trace: list = field(default_factory=list)
    single_iterations: int = 0
    refinement_steps: int = 0
    cg_steps: int = 0
    pcg_iterations: int = 0


class _PCGFailed(Exception):
    """Conjugate gradients on the Schur complement did not converge (private)."""


class _NormalEquations:
    """Factor and solve ``(G^T diag(d1, D) G + diag(du, dx)) dz = r`` by the Schur
    complement on u (private; one instance per factorisation)."""

    def __init__(self, xp, V, VV, D, d1, du, dx, timing, single=False, VVT=None, pcg=0,
                 adapt=False):
        n, k = V.shape
        self.xp, self.V, self.D = xp, V, D
        self.cg_steps = 0
        self.floor_hits = 0  # CG solves accepted at the rounding floor (``_pcg``)
        t0 = time.perf_counter()
        # one pass over D: D^T [VV, V, 1] holds sum_t D_ts v_t v_t^T, sum_t D_ts v_t, sum_t D_ts
        if VV.shape[1] == k * k + k + 1:
            VVa = VV
        else:
            VVa = xp.full((n, k * k + k + 1), 1.0)
            VVa[:, :k * k] = VV
            VVa[:, k * k:k * k + k] = V
        if VVT is None or VVa is not VV:
            VVT = xp.asarray(xp.to_numpy(VVa).T)
        # every product with D is written ``(row-major skinny) @ D``, with the transposed
        # result read through a view: OpenBLAS took 1.6-2.9x longer for ``D.T @ skinny``
        # and 1.6x for ``D @ skinny`` at n = 2000, k = 10 (twelfth session)
        self.V1T = VVT[k * k:]                          # [V, 1]^T, (k + 1, n)
        DT_all = (VVT @ D).T
        colD = DT_all[:, k * k + k]                     # sum_t D[t, s]
        DV = DT_all[:, k * k:k * k + k]                 # sum_t D[t, s] v_t
        self.g = DV - colD[:, None] * V                 # g_s = sum_t D[t, s] (v_t - v_s)
        # B_s = sum_t D_ts (v_t - v_s)(v_t - v_s)^T + d1_s 1 1^T + diag(dx_s), by expansion
        B = xp.copy(DT_all[:, :k * k]).reshape(n, k, k)
        B -= DV[:, :, None] * V[:, None, :]
        B -= V[:, :, None] * DV[:, None, :]
        B += colD[:, None, None] * (V[:, :, None] * V[:, None, :])
        B += d1[:, None, None]
        xp.add_to_diagonal(B, dx)
        Lb, bad = xp.batched_cholesky(B)
        self.regularised = int(bad.any())
        if bad.any():
            Lb = self._direct_blocks(B, Lb, bad, d1, dx)
        Linv = xp.batched_inverse(Lb)                   # L_s^{-1}, lower triangular
        self.Linv = Linv
        q = self._q = xp.einsum("sab,sb->sa", Linv, V)  # L_s^{-1} v_s
        self.pcg = int(pcg) if xp.name == "numpy" and 0 < int(pcg) < n - 1 else 0
        self.adapt = bool(adapt)
        if self.pcg:
            # the exact S is applied (_smul), never formed. D^T in rows is kept for those
            # products (``Q @ DT`` took 11 ms against 15 ms for ``Q @ D.T`` at n = 2000)
            self.DT = DT = np.ascontiguousarray(D.T)
            P = D + DT
            P *= -1.0
            self.diagS0 = -P.sum(axis=1) + du
            np.fill_diagonal(P, self.diagS0)
            self.single, self.checked = False, True
            self.L = self._preconditioner(P, self.pcg, timing)
            timing["blocks"] += time.perf_counter() - t0
            return
        Lg = xp.einsum("sab,sb->sa", Linv, self.g)      # L_s^{-1} g_s
        Wsym = D + D.T
        S0 = -Wsym
        xp.add_to_diagonal(S0, Wsym.sum(1) + du)
        # [L_s^{-1}, -q_s] @ [V^T; 1^T] = L_s^{-1} (V^T - v_s 1^T): one product, no pass for -q_s
        Laug = xp.zeros((n, k, k + 1))
        Laug[:, :, :k] = Linv
        Laug[:, :, k] = -q
        self._Laug = Laug.reshape(n * k, k + 1)
        self._Lg = Lg
        # float32 only on numpy, and only where every weight fits it with room to spare
        single = bool(single) and xp.name == "numpy" and float(colD.max()) < _SINGLE_MAX
        S, t_upd = self._schur(xp.copy(S0) if single else S0, single)
        tc = time.perf_counter()
        self.L = xp.cholesky(S)
        self.single = single
        self.checked = False
        if self.L is None and single:  # single precision lost the factor: redo in double
            self.single = False
            S, t2 = self._schur(S0, False)
            t_upd += t2
            tc = time.perf_counter()
            self.L = xp.cholesky(S)
        self.regularised = self.regularised if hasattr(self, "regularised") else 0
        if self.L is None:  # numerically semidefinite: a tiny diagonal shift (refinement corrects)
            scale = xp.scalar(abs(S.diagonal()).max())
            for eps in (1e-14, 1e-12, 1e-10, 1e-8):
                S2 = xp.copy(S)
                xp.add_to_diagonal(S2, eps * scale)
                self.L = xp.cholesky(S2)
                if self.L is not None:
                    self.regularised = 1
                    break
            else:
                raise np.linalg.LinAlgError("Schur complement of the menu IPM is not positive definite")
        timing["rank_k_update"] += t_upd
        timing["cholesky"] += time.perf_counter() - tc
        timing["blocks"] += tc - t0 - t_upd

    def _schur(self, S, single):
        """``S - sum_s A_s^T A_s`` (lower triangle), ``A_s = L_s^{-1} C_s^T`` (k x n): column t
        is ``-D_ts L_s^{-1}(v_t - v_s)``, column s is ``L_s^{-1} g_s``; the stacked A_s go
        through the rank-k update in chunks. With ``single`` (numpy only) the chunks are
        built and multiplied in float32 (BLAS ``ssyrk``, about twice as fast) and the sum
        is subtracted from the float64 ``S``. Returns (S, seconds in the update)."""
        xp, V, D = self.xp, self.V, self.D
        n, k = V.shape
        cs = max(1, int(_CHUNK_ELEMENTS // max(1, n * k)))
        Laug, Lg = self._Laug, self._Lg
        Vaug = xp.full((k + 1, n), 1.0)
        Vaug[:k] = V.T
        if single:
            from scipy.linalg.blas import ssyrk

            Laug, Lg, Vaug = (np.asarray(a, dtype=np.float32) for a in (Laug, Lg, Vaug))
            DT = np.ascontiguousarray(D.T, dtype=np.float32)
            acc = np.zeros((n, n), dtype=np.float32)
        else:
            DT = xp.copy(D.T)
        t_upd = 0.0
        for a in range(0, n, cs):
            b = min(n, a + cs)
            P = (Laug[a * k:b * k] @ Vaug).reshape(b - a, k, n)
            P *= -DT[a:b, None, :]
            for j in range(b - a):  # column s of block s (D_ss = 0 left it zero)
                P[j, :, a + j] = Lg[a + j]
            ts = time.perf_counter()
            if single:
                acc = ssyrk(1.0, P.reshape((b - a) * k, n).T, beta=1.0, c=acc, trans=0, lower=1,
                            overwrite_c=1)
            else:
                S = xp.syrk_sub(S, P.reshape((b - a) * k, n))
            t_upd += time.perf_counter() - ts
        if single:
            S -= acc  # acc's upper triangle is zero; only the lower triangle is read
        return S, t_upd

    def _preconditioner(self, P, m, timing):
        """Cholesky factor of the preconditioner for conjugate gradients on S (numpy only).

        It is the Schur complement of the normal matrix in which, for every lottery block s,
        only the ``m`` IC rows (t, s) of largest weight ``D_ts`` keep their coupling of u
        and x_s; every other row keeps its two diagonal parts (the Laplacian in u and its
        term of the exact block ``B_s``) and loses the coupling. For one row with
        coefficients a = (a_u, a_x), ``a a^T <= 2 (a_u a_u^T + a_x a_x^T)``, so the
        preconditioner's normal matrix is at least half the true one and positive definite
        whenever the true one is. Built in ``n m^2 k`` flops instead of the ``n^3 k`` of
        the exact update. ``P`` (overwritten) holds the exact Laplacian part.

        With ``PCG_SINGLE`` the factor is computed and applied in float32 (``spotrf``,
        about half the time of the double factor), in double if float32 loses it."""
        V, DT = self.V, self.DT
        n, k = V.shape
        flats, weights = [], []
        for rows, mb in self._kept_groups(DT, m):
            flat, w = self._kept_coupling(DT, rows, mb)
            flats.append(flat)
            weights.append(w)
        flat = flats[0] if len(flats) == 1 else np.concatenate(flats)
        w = weights[0] if len(weights) == 1 else np.concatenate(weights)
        # (scattering only each block's pairs a <= b into the lower triangle was slower:
        # the index arithmetic and gather cost more than the halved scatter saved)
        P -= np.bincount(flat, weights=w, minlength=n * n).reshape(n, n)
        tc = time.perf_counter()
        if PCG_SINGLE:
            from scipy.linalg.lapack import spotrf

            L32, info = spotrf(np.asfortranarray(P, dtype=np.float32), lower=1, clean=1,
                               overwrite_a=1)
            if info == 0 and np.isfinite(L32.diagonal()).all():
                self._L32 = L32
                timing["cholesky"] += time.perf_counter() - tc
                return None  # the solves use the float32 factor only
        L = self.xp.cholesky(P)
        if L is None:  # rounding only (P >= S / 2 > 0 in exact arithmetic): a tiny shift
            np.fill_diagonal(P, P.diagonal() + 1e-12 * float(abs(P.diagonal()).max()))
            L = self.xp.cholesky(P)
            if L is None:
                raise np.linalg.LinAlgError("preconditioner of the menu IPM is not positive definite")
            self.regularised = 1
        timing["cholesky"] += time.perf_counter() - tc
        return L  # float32 lost the factor (or PCG_SINGLE is off): solves in double

    def _kept_groups(self, DT, m):
        """The lottery blocks grouped by how many IC rows keep their coupling: ``[(rows,
        m_b)]``. With ``PCG_REL`` None every block keeps ``m``; otherwise block s keeps its
        rows with ``D_ts >= PCG_REL * max_t D_ts``, at least ``m`` and at most
        ``PCG_KEEP_MAX``, rounded up to a power of two times ``m`` (one group per size)."""
        n = DT.shape[0]
        cap = min(n - 1, PCG_KEEP_MAX)
        if not self.adapt or cap <= m:
            return [(None, m)]
        heavy = (DT >= PCG_REL * DT.max(axis=1, keepdims=True)).sum(axis=1)
        groups, lo, mb = [], -1, m
        while True:
            mb_c = min(mb, cap)
            rows = np.flatnonzero((heavy > lo) & (heavy <= mb_c)) if mb_c < cap else \
                np.flatnonzero(heavy > lo)
            if rows.size:
                groups.append((rows, mb_c))
            if mb_c >= cap:
                return groups
            lo, mb = mb_c, 2 * mb

    def _kept_coupling(self, DT, rows, m):
        """Flat (n * n) indices and values of ``sum_s A_s^T A_s`` for the blocks ``rows``
        (all when None), each keeping the coupling of its ``m`` heaviest IC rows."""
        V = self.V
        n = V.shape[0]
        Dr = DT if rows is None else DT[rows]
        Linv = self.Linv if rows is None else self.Linv[rows]
        q = self._q if rows is None else self._q[rows]
        own = np.arange(n) if rows is None else rows
        # DT's zero diagonal is never among the m largest unless a block has fewer than m
        # positive weights, and then that pick adds nothing (its column of A_s is zero)
        J = np.argpartition(Dr, n - m, axis=1)[:, n - m:]   # (r, m): largest D_ts for block s
        Dsel = np.take_along_axis(Dr, J, axis=1)
        Ch = np.einsum("sab,stb->sta", Linv, V[J])      # L_s^{-1} v_t, t in J_s
        Ch -= q[:, None, :]
        Ch *= -Dsel[:, :, None]                         # columns t of A_s = L_s^{-1} C_s^T
        # column s of the truncated A_s: minus the kept columns (C_s of the kept rows alone)
        A = np.concatenate([Ch, -Ch.sum(axis=1)[:, None, :]], axis=1)  # (r, m + 1, k)
        idx = np.concatenate([J, own[:, None]], axis=1)              # (r, m + 1)
        blocks = np.matmul(A, A.transpose(0, 2, 1))                  # (r, m + 1, m + 1)
        return (idx[:, :, None] * n + idx[:, None, :]).ravel(), blocks.ravel()

    def _precond(self, r):
        """The preconditioner's solve ``P^{-1} r`` (float32 triangular solves with
        ``PCG_SINGLE``: 2.7 against 7.5 ms at n = 2000; flexible CG absorbs the rounding)."""
        if getattr(self, "_L32", None) is None:
            return self.xp.cho_solve(self.L, r)
        from scipy.linalg.blas import strsv

        y = strsv(self._L32, r.astype(np.float32), lower=1)
        return strsv(self._L32, y, lower=1, trans=1, overwrite_x=1).astype(np.float64)

    def _smul(self, p):
        """The exact Schur complement times p, ``S0 p - C B^{-1} C^T p``: two products with
        D (O(n^2 k)), never forming S."""
        xp, D, V = self.xp, self.D, self.V
        n, k = V.shape
        M = ((self.V1T * p[None, :]) @ D).T            # [sum_t D_ts p_t v_t, (D^T p)_s]
        CTp = M[:, k:k + 1] * V
        CTp -= M[:, :k]
        CTp += p[:, None] * self.g
        Q = self._binv(CTp)
        QaT = xp.zeros((k + 2, n))
        QaT[:k] = Q.T
        QaT[k] = xp.einsum("sa,sa->s", V, Q)
        QaT[k + 1] = p
        DQ = (QaT @ self.DT).T                         # D @ [Q, (v_s . q_s)_s, p]
        out = self.diagS0 * p
        out -= DQ[:, k + 1]
        out -= M[:, k]
        out -= DQ[:, k]
        out += xp.einsum("ta,ta->t", V, DQ[:, :k])
        out -= xp.einsum("ta,ta->t", self.g, Q)
        return out

    def _pcg(self, r):
        """Preconditioned conjugate gradients on ``S x = r``; raises :class:`_PCGFailed` when
        the residual is not below ``PCG_TOL`` of ``|r|`` within ``PCG_MAX`` steps.

        Convergence is judged on the true residual ``r - S x``: when the recurred one
        says converged, the true one is computed (one more product) and, if it is not
        below the tolerance, CG restarts from it (the recurrence drifts by rounding). A
        true residual that a restart does not halve is the rounding floor of the product
        with S; it is accepted below ``PCG_FLOOR`` of ``|r|`` (``floor_hits`` counts them).
        Uniform n = 2000, k = 10, late in the run: CG's true residual stayed at 4.7e-10 of
        ``|r|`` from step 30 to 150 while the factored S's solve left 5.8e-10; without the
        floor those solves failed and sent the rest of the run to the factored S."""
        xp = self.xp

        def norm(a):
            return float(xp.scalar((a * a).sum())) ** 0.5

        nr = norm(r)
        x = self._precond(r)
        if nr == 0.0:
            return x
        res = r - self._smul(x)
        steps = 0
        last = np.inf  # the true residual at the previous restart
        while steps < PCG_MAX and norm(res) > PCG_TOL * nr:
            now = norm(res)
            if now <= PCG_FLOOR * nr and now > 0.5 * last:
                # a restart did not halve the true residual: it sits at the rounding floor
                # of the product with S (measured at 4.7e-10 of |r| late at n = 2000, where
                # the factored S's solve left 5.8e-10), so this x is as good as a factor's
                self.floor_hits += 1
                return x
            last = now
            z = self._precond(res)
            p = xp.copy(z)
            rz = xp.scalar(res @ z)
            while steps < PCG_MAX:
                Sp = self._smul(p)
                pSp = xp.scalar(p @ Sp)
                if not pSp > 0.0:
                    raise _PCGFailed
                alpha = rz / pSp
                x += alpha * p
                res_old = xp.copy(res)
                res -= alpha * Sp
                steps += 1
                self.cg_steps += 1
                if norm(res) <= PCG_TOL * nr:
                    break
                z = self._precond(res)
                rz_new = xp.scalar(res @ z)
                # Polak-Ribiere beta (flexible CG): the same as Fletcher-Reeves for an
                # exact, fixed preconditioner, robust to the float32 one's rounding
                p *= max(0.0, (rz_new - xp.scalar(res_old @ z)) / rz)
                p += z
                rz = rz_new
            res = r - self._smul(x)  # the true residual
        now = norm(res)
        if now <= PCG_TOL * nr or (now <= PCG_FLOOR * nr and now > 0.5 * last):
            self.floor_hits += int(now > PCG_TOL * nr)
            return x
        raise _PCGFailed

    def _direct_blocks(self, B, Lb, bad, d1, dx):
        """Rebuild the failed blocks by the direct sum (the expansion cancels badly when
        types tie), then add a jitter of 1e-15..1e-11 of the trace if still needed."""
        xp, V, D = self.xp, self.V, self.D
        k = V.shape[1]
        for s in np.flatnonzero(bad).tolist():
            Delta = V - V[s][None, :]
            E = Delta * xp.sqrt(D[:, s])[:, None]
            Bs = E.T @ E + d1[s]
            xp.add_to_diagonal(Bs, dx[s])
            for eps in (0.0, 1e-15, 1e-13, 1e-11):
                Bj = xp.copy(Bs)
                if eps:
                    tr = xp.scalar(Bs.diagonal().sum())
                    xp.add_to_diagonal(Bj, xp.full((k,), eps * tr))
                Ls, badj = xp.batched_cholesky(Bj[None])
                if not badj.any():
                    Lb[s] = Ls[0]
                    break
            else:
                raise np.linalg.LinAlgError(f"lottery block {s} of the menu IPM is not positive definite")
        return Lb

    def _binv(self, R):
        xp = self.xp
        tmp = xp.einsum("sab,sb->sa", self.Linv, R)
        return xp.einsum("sba,sb->sa", self.Linv, tmp)

    def _c_times(self, Q):
        """sum_s C_s q_s for the rows q_s of Q (n, k): an (n,) vector (one product with D)."""
        xp, D, V = self.xp, self.D, self.V
        n, k = V.shape
        QaT = xp.zeros((k + 1, n))
        QaT[:k] = Q.T
        QaT[k] = xp.einsum("sa,sa->s", V, Q)
        DQ = (QaT @ D.T).T                             # D @ [Q, (v_s . q_s)_s]
        out = DQ[:, k] - xp.einsum("ta,ta->t", V, DQ[:, :k])
        out += xp.einsum("ta,ta->t", self.g, Q)
        return out

    def _ct_times(self, r):
        """C_s^T r for every s: (n, k) (one product with D^T)."""
        D, V = self.D, self.V
        k = V.shape[1]
        M = ((self.V1T * r[None, :]) @ D).T           # [sum_t D_ts r_t v_t, sum_t D_ts r_t]
        out = M[:, k:k + 1] * V
        out -= M[:, :k]
        out += r[:, None] * self.g
        return out

    def solve(self, ru, rx):
        xp = self.xp
        r = ru - self._c_times(self._binv(rx))
        dU = self._pcg(r) if self.pcg else xp.cho_solve(self.L, r)
        dX = self._binv(rx - self._ct_times(dU))
        return dU, dX


class MenuInteriorPoint:
    """Mehrotra predictor-corrector on the full menu LP (see the module docstring).

    Parameters
    ----------
    values : array (n, k)         net values
    probabilities : array (n,)    masses (the objective's weights; need not sum to 1)
    backend : str or backend      ``"auto"``, ``"numpy"``, ``"torch"``, ``"cupy"`` or an
                                  object from :func:`.arrays.array_backend`
    """

    def __init__(self, values, probabilities, backend="auto"):
        V0 = np.asarray(values, dtype=float)
        f = np.asarray(probabilities, dtype=float)
        if V0.ndim != 2 or f.shape != (V0.shape[0],):
            raise ValueError("values must be (n, k) and probabilities (n,)")
        self.xp = array_backend(backend) if isinstance(backend, str) else backend
        xp = self.xp
        n, k = V0.shape
        self.n, self.k = n, k
        # objective scaled to about one (the duals scale the same way and are scaled back)
        self.cscale = 1.0 / max(float(np.abs(f).max()) * max(float(np.abs(V0).max()), 1.0), 1e-300)
        self.cu = xp.asarray(-f * self.cscale)
        self.cx = xp.asarray(f[:, None] * V0 * self.cscale)
        # the constraints involve only differences v_t - v_s: centred values are exact there
        Vc = V0 - V0.mean(axis=0)
        self.V = xp.asarray(Vc)
        # [v v^T, v, 1] per type: the normal equations take D^T of all three in one product
        self.VV = xp.asarray(np.hstack([(Vc[:, :, None] * Vc[:, None, :]).reshape(n, k * k), Vc,
                                        np.ones((n, 1))]))
        self.VVT = xp.asarray(np.ascontiguousarray(xp.to_numpy(self.VV).T))
        self.V1T = self.VVT[k * k:]                    # [V, 1]^T, (k + 1, n)
        self._L = xp.full((n, k + 2), 1.0)             # [V, 1, u] for G z (u set per call)
        self._L[:, :k] = self.V
        self.timing = {"rank_k_update": 0.0, "cholesky": 0.0, "blocks": 0.0, "other": 0.0}

    # G z and G^T y ------------------------------------------------------------------
    def _G(self, u, X):
        """G z: the allocation rows (n,) and the IC rows (n, n), zero diagonal; the IC
        part ``v_t . x_s - own_s + u_s - u_t`` as one product [v_t, 1, u_t] . [x_s, u_s -
        own_s, -1] (a single pass over the n x n result)."""
        xp, V, n, k = self.xp, self.V, self.n, self.k
        own = xp.einsum("sa,sa->s", V, X)
        Lm = self._L
        Lm[:, k + 1] = u
        R = xp.full((n, k + 2), -1.0)
        R[:, :k] = X
        R[:, k] = u - own
        gic = Lm @ R.T
        xp.fill_diagonal(gic, 0.0)
        return X.sum(1), gic

    def _GT(self, q1, Q):
        """G^T y for y = (q1, Q): the u part (n,) and the x part (n, k); Q^T [V, 1] gives
        ``sum_t Q_ts v_t`` and the column sums in one product."""
        V, k = self.V, self.k
        M = (self.V1T @ Q).T  # see _NormalEquations: faster than Q.T @ [V, 1]
        cs = M[:, k]
        gx = M[:, :k] - cs[:, None] * V
        gx += q1[:, None]
        return cs - Q.sum(1), gx

    def _start(self, start: str):
        """The primal starting point (u, X, w1, W).

        ``"uniform"``: every allocation 1/(2k), every surplus and IC slack 1 (the IC rows
        start infeasible). ``"ic"``: half the strictly IC mechanism of
        :func:`strictly_ic_start` plus ``START_FLOOR / k`` on every allocation (with the
        matching surpluses, so the IC slacks stay ``a |v_t - v_s|^2 / 4``), every
        surplus raised by ``START_U``: primal feasible and interior wherever types differ
        (tied types' slacks start at ``START_W``). ``"auto"``: ``"ic"`` unless two types
        are tied (an IC slack of that start at most ``START_TIE`` times the largest), then
        ``"uniform"``: with duplicated types the "ic" start lost the Schur complement's
        definiteness near gap 1e-9 in the tests (and :meth:`solve` falls back to
        ``"uniform"`` if an "auto" start ever does). Measured (uniform k = 10, gap 1e-9):
        28-29 iterations against 33-34 at n = 300, 57 against 64 at n = 1000."""
        xp, n, k = self.xp, self.n, self.k
        auto = start == "auto"
        if start == "uniform":
            return (xp.full((n,), 1.0), xp.full((n, k), 1.0 / (2 * k)), xp.full((n,), 0.5),
                    xp.full((n, n), 1.0))
        V = xp.to_numpy(self.V)
        X0, u0 = strictly_ic_start(V)
        X0 += START_FLOOR / k
        u0 += START_FLOOR / k * V.sum(axis=1)
        u0 += START_U - u0.min()
        own = np.einsum("sa,sa->s", V, X0)
        W0 = u0[:, None] - u0[None, :] - (V @ X0.T - own[None, :])
        np.fill_diagonal(W0, 1.0)
        if auto and n > 1 and float(W0.min()) <= START_TIE * float(W0.max()):  # tied types
            return self._start("uniform")
        np.maximum(W0, START_W, out=W0)
        return xp.asarray(u0), xp.asarray(X0), xp.asarray(1.0 - X0.sum(axis=1)), xp.asarray(W0)

    def solve(self, gap_tol: float = 1e-9, max_iter: int = 200, correctors: int = 1,
              step_fraction: float = 0.9995, refine: int = 0, stop=None,
              observe=None, single_above: float | None = None,
              refine_below: float | None = None, refine_tol: float = REFINE_TOL,
              start: str = "auto", pcg: int = 0) -> MenuIPMPoint:
        """Iterate until the relative gap and infeasibilities are below ``gap_tol``.

        ``stop(iteration, rel_gap, ic_dual, ic_slack)`` (backend arrays), if given, is
        called after each iteration's convergence test; returning True ends the run with
        status "stopped" (the caller's test that the binding set is identified).
        ``observe(iteration, rel_gap, u, x, ic_dual)`` (numpy arrays, ``ic_dual`` in the
        caller's units), if given, sees every iterate before the convergence test, so a
        caller can certify iterates and keep the best (the last one need not be).
        ``start``: ``"auto"`` (default), ``"ic"`` or ``"uniform"``, see :meth:`_start`.
        ``pcg``: 0 (default) factors the Schur complement at every iteration; ``m > 0``
        (numpy only) solves it by conjugate gradients preconditioned by the Schur
        complement that keeps, for each lottery block, the coupling of its ``m`` heaviest
        IC rows (:meth:`_NormalEquations._preconditioner`), until the first solve that
        does not converge within ``PCG_MAX`` steps; that iteration and the rest of the run
        factor the exact Schur complement (float32 rules as without ``pcg``)."""
        if start not in STARTS:
            raise ValueError(f"start must be one of {STARTS}, got {start!r}")
        if isinstance(pcg, bool) or not isinstance(pcg, (int, np.integer)) or pcg < 0:
            raise ValueError(f"pcg must be a non-negative integer (kept IC rows per block), got {pcg!r}")
        kw = dict(gap_tol=gap_tol, max_iter=max_iter, correctors=correctors,
                  step_fraction=step_fraction, refine=refine, stop=stop, observe=observe,
                  single_above=single_above, refine_below=refine_below, refine_tol=refine_tol,
                  pcg=int(pcg))
        if start != "auto":
            return self._solve(start, **kw)
        try:
            return self._solve("auto", **kw)
        except np.linalg.LinAlgError:
            return self._solve("uniform", **kw)

    def _solve(self, start, *, gap_tol, max_iter, correctors, step_fraction, refine, stop,
               observe, single_above, refine_below, refine_tol, pcg) -> MenuIPMPoint:
        xp, n, k = self.xp, self.n, self.k
        for key in self.timing:
            self.timing[key] = 0.0
        T0 = time.perf_counter()
        ncomp = n + n * k + n + n * (n - 1)
        u, X, w1, W = self._start(start)
        zero_n = xp.zeros((n,))
        su = xp.full((n,), 1.0)
        SX = xp.full((n, k), 1.0)
        y1 = xp.full((n,), 1.0)
        Y = xp.full((n, n), 1.0 / n)
        xp.fill_diagonal(Y, 0.0)
        cnorm = max(xp.scalar(abs(self.cu).max()), xp.scalar(abs(self.cx).max()))
        history = []
        trace = []
        nsingle = 0
        nrefined = [0]
        single_off = [0]  # consecutive iterations whose float32 factor failed its check
        cg = [0, 0, 0, 0]  # CG steps, iterations solved by them, pcg given up, adaptive kept rows
        status = "limit"
        it = 0
        pobj = dobj = gap = pinf = dinf = float("nan")

        def maxstep(v, dv):
            r = xp.scalar((dv / v).min())
            return np.inf if r >= 0 else -1.0 / r

        def maxstep_inv(iv, dv):  # maxstep(v, dv) given iv = 1 / v
            r = xp.min_product(dv, iv)
            return np.inf if r >= 0 else -1.0 / r

        for it in range(1, max_iter + 1):
            to = time.perf_counter()
            g1, rpic = self._G(u, X)
            rp1 = 1.0 - g1 - w1
            rpic += W  # in place: rpic = -(G z + W) on the IC rows
            rpic *= -1.0
            xp.fill_diagonal(rpic, 0.0)
            gu, gx = self._GT(y1, Y)
            rdu = self.cu - gu + su
            rdx = self.cx - gx + SX
            pobj = xp.scalar(self.cu @ u + (self.cx * X).sum())
            dobj = xp.scalar(y1.sum())
            pinf = max(xp.scalar(abs(rp1).max()), xp.scalar(rpic.max()), -xp.scalar(rpic.min())) / (
                1.0 + max(1.0, xp.scalar(abs(u).max())))
            dinf = max(xp.scalar(abs(rdu).max()), xp.scalar(abs(rdx).max())) / (1.0 + cnorm)
            gap = abs(pobj - dobj) / max(abs(pobj), abs(dobj), 1e-300)
            worst = max(gap, pinf, dinf)
            history.append(worst)
            if observe is not None:
                observe(it, gap, xp.to_numpy(u), xp.to_numpy(X), xp.to_numpy(Y) / self.cscale)
            if worst < gap_tol:
                status = "optimal"
                break
            if it > 5 and worst < 10 * gap_tol and min(history[-4:]) > 0.5 * history[-5]:
                status = "stalled"
                break
            if it > 30 and min(history[-15:]) > 0.9 * min(history[:-15]):
                status = "stalled"  # no 10% progress in 15 iterations, at any level
                break
            if stop is not None and stop(it, gap, Y, W):
                status = "stopped"
                break
            # W's diagonal is a placeholder 1 (no IC row t = t; set at the start and after
            # every step), Y's is 0, so D = Y / W and everything derived has a zero diagonal
            iW1 = xp.reciprocal_(xp.copy(W))
            D = Y * iW1
            # the part of every direction's IC right-hand side that is fixed, through G^T
            DRu, DRx = self._GT(zero_n, D * rpic)
            d1, du, dx = y1 / w1, su / u, SX / X
            self.timing["other"] += time.perf_counter() - to
            single_now = (single_above is not None and worst > single_above
                          and single_off[0] < SINGLE_STRIKES)
            NE = _NormalEquations(xp, self.V, self.VV, D, d1, du, dx, self.timing, VVT=self.VVT,
                                  single=single_now, pcg=0 if cg[2] else pcg, adapt=bool(cg[3]))
            ne = [NE]

            def ne_solve(a, b):
                """ne[0].solve, or, when its conjugate gradients fail, the exact Schur
                complement for this iteration and the rest of the run."""
                try:
                    return ne[0].solve(a, b)
                except _PCGFailed:
                    cg[0] += ne[0].cg_steps
                    if PCG_ADAPT and not cg[3]:
                        cg[3] = 1
                        ne[0] = _NormalEquations(xp, self.V, self.VV, D, d1, du, dx, self.timing,
                                                 VVT=self.VVT, single=single_now, pcg=pcg,
                                                 adapt=True)
                        try:
                            return ne[0].solve(a, b)
                        except _PCGFailed:
                            cg[0] += ne[0].cg_steps
                    cg[2] = 1
                    ne[0] = _NormalEquations(xp, self.V, self.VV, D, d1, du, dx, self.timing,
                                             VVT=self.VVT, single=single_now)
                    return ne[0].solve(a, b)

            late = refine_below is not None and worst < refine_below
            to = time.perf_counter()

            def direction(rzu, rzx, rw1, rwic):
                q1 = d1 * rp1 - rw1 / w1
                RW = xp.multiply(rwic, iW1, rwic)  # rwic is the caller's scratch: overwritten
                b_u, b_x = self._GT(-q1, RW)
                ru = rdu + (DRu - b_u) + rzu / u  # G^T (q1, D rpic - RW), by linearity
                rx = rdx + (DRx - b_x) + rzx / X
                dU, dX = ne_solve(ru, rx)
                NEc = ne[0]

                def residual(dU, dX):
                    h1, hic = self._G(dU, dX)
                    mu_, mx_ = self._GT(d1 * h1, D * hic)
                    return ru - mu_ - du * dU, rx - mx_ - dx * dX

                def size(eu, ex):
                    return max(xp.scalar(abs(eu).max()), xp.scalar(abs(ex).max()))

                if NEc.single and not NEc.checked:
                    # the first direction from a single-precision factor is measured against
                    # the true matrix; if it is poor the factor is rebuilt in double (the
                    # float32 update cancelled too much), and after SINGLE_STRIKES such
                    # iterations in a row the rest of the run stays in double
                    NEc.checked = True
                    if size(*residual(dU, dX)) <= SINGLE_GIVE_UP * size(ru, rx):
                        single_off[0] = 0
                    else:  # NaN too
                        single_off[0] += 1
                        ne[0] = NEc = _NormalEquations(xp, self.V, self.VV, D, d1, du, dx,
                                                       self.timing, single=False, VVT=self.VVT)
                        dU, dX = NEc.solve(ru, rx)
                # iterative refinement against the true matrix: asked for, or when the
                # factorisation needed a shift (degenerate blocks, e.g. tied types), or
                # (adaptive, up to REFINE_MAX steps) once the iterate is within
                # ``refine_below``, until the residual is below ``refine_tol`` of the
                # right-hand side: near the end the Schur complement is so ill-conditioned
                # that an unrefined direction carries a dual residual of 1e-6 into a full step
                fixed = max(refine, 1 if NEc.regularised else 0)
                adaptive = REFINE_MAX if late else 0
                rnorm = size(ru, rx) if adaptive else 0.0
                last = np.inf
                for i in range(fixed + adaptive):
                    eu, ex = residual(dU, dX)
                    if i >= fixed:
                        err = size(eu, ex)
                        if err <= refine_tol * rnorm or err >= 0.5 * last:
                            break
                        last = err
                        nrefined[0] += 1
                    cu_, cx_ = ne_solve(eu, ex)
                    dU = dU + cu_
                    dX = dX + cx_
                h1, hic = self._G(dU, dX)
                dw1 = rp1 - h1
                dW = xp.subtract(rpic, hic, hic)
                xp.fill_diagonal(dW, 0.0)
                dy1 = (rw1 - y1 * dw1) / w1
                # dY = (rwic - Y dW) / W = RW - D dW (zero diagonal), written over RW
                dY = xp.subtract(RW, D * dW, RW)
                dsu = (rzu - su * dU) / u
                dSX = (rzx - SX * dX) / X
                return dU, dX, dw1, dW, dsu, dSX, dy1, dY

            def steps(d):
                dU, dX, dw1, dW, dsu, dSX, dy1, dY = d
                ap = min(maxstep(u, dU), maxstep(X, dX), maxstep(w1, dw1), maxstep_inv(iW1, dW))
                ad = min(maxstep(su, dsu), maxstep(SX, dSX), maxstep(y1, dy1), maxstep_inv(iY1, dY))
                return min(1.0, ap), min(1.0, ad)

            iY1 = xp.copy(Y)  # 1 / Y, the diagonal a placeholder 1 as in W (dY is 0 there)
            xp.fill_diagonal(iY1, 1.0)
            xp.reciprocal_(iY1)
            WY = W * Y  # zero diagonal (Y's)
            mu = xp.scalar(u @ su + (X * SX).sum() + w1 @ y1 + WY.sum()) / ncomp
            # predictor (affine scaling)
            aff = direction(-u * su, -X * SX, -w1 * y1, WY * -1.0)
            ap, ad = steps(aff)
            aU, aX, aw1, aW, asu, aSX, ay1, aY = aff
            # the IC products after the step: zero on the diagonal (Y, aW and aY are 0 there)
            mu_aff = (xp.scalar((u + ap * aU) @ (su + ad * asu) + ((X + ap * aX) * (SX + ad * aSX)).sum()
                                + (w1 + ap * aw1) @ (y1 + ad * ay1))
                      + xp.sum_shifted_product(W, aW, ap, Y, aY, ad)) / ncomp
            sigma = min(max((mu_aff / mu) ** 3, 0.0), 1.0)
            smu = sigma * mu
            # corrector: centring plus the second-order term of the predictor
            rzu = smu - u * su - aU * asu
            rzx = smu - X * SX - aX * aSX
            rw1 = smu - w1 * y1 - aw1 * ay1
            rwic = xp.multiply(aW, aY, None)  # rwic = smu - WY - aW aY, in place
            rwic += WY
            rwic *= -1.0
            rwic += smu
            xp.fill_diagonal(rwic, 0.0)
            d = direction(rzu, rzx, rw1, xp.copy(rwic))  # direction() overwrites its copy
            nsingle += int(ne[0].single)
            ap, ad = steps(d)
            for _ in range(correctors):  # Gondzio: push outlying products into [0.1, 10] smu
                apt, adt = min(1.0, 1.5 * ap + 0.1), min(1.0, 1.5 * ad + 0.1)
                dU, dX, dw1, dW, dsu, dSX, dy1, dY = d

                def push(v, dv, s, ds):  # max(clip(p, lo, hi) - p, -hi), p the new products
                    return xp.centrality_push(v, dv, apt, s, ds, adt, 0.1 * smu, 10.0 * smu)

                cic = push(W, dW, Y, dY)
                xp.fill_diagonal(cic, 0.0)
                cic += rwic
                new = direction(rzu + push(u, dU, su, dsu), rzx + push(X, dX, SX, dSX),
                                rw1 + push(w1, dw1, y1, dy1), cic)
                apn, adn = steps(new)
                if apn + adn >= 1.01 * (ap + ad):
                    d, ap, ad = new, apn, adn
                else:
                    break
            ap, ad = min(1.0, step_fraction * ap), min(1.0, step_fraction * ad)
            steps_now = ne[0].cg_steps if ne[0].pcg else 0
            trace.append((gap, pinf, dinf, ap, ad, sigma, steps_now))
            if ne[0].pcg:  # this iteration's directions all came from conjugate gradients
                cg[0] += steps_now
                cg[1] += 1
            dU, dX, dw1, dW, dsu, dSX, dy1, dY = d
            u = u + ap * dU
            X = X + ap * dX
            w1 = w1 + ap * dw1
            dW *= ap  # in place: the direction is not used after the step
            W += dW
            xp.fill_diagonal(W, 1.0)
            su = su + ad * dsu
            SX = SX + ad * dSX
            y1 = y1 + ad * dy1
            dY *= ad
            Y += dY
            xp.fill_diagonal(Y, 0.0)
            self.timing["other"] += time.perf_counter() - to
        s = self.cscale
        Wn = xp.to_numpy(W).copy()
        np.fill_diagonal(Wn, 0.0)
        return MenuIPMPoint(u=xp.to_numpy(u).copy(), x=xp.to_numpy(X).copy(),
                            ic_dual=xp.to_numpy(Y) / s, alloc_dual=xp.to_numpy(y1) / s,
                            ic_slack=Wn, u_dual=xp.to_numpy(su) / s, x_dual=xp.to_numpy(SX) / s,
                            primal=pobj / s, dual=dobj / s, iterations=it,
                            status=status, rel_gap=gap, primal_infeasibility=pinf,
                            dual_infeasibility=dinf, seconds=time.perf_counter() - T0,
                            backend=f"{xp.name}:{xp.device}", timing=dict(self.timing),
                            trace=trace, single_iterations=nsingle,
                            refinement_steps=nrefined[0], cg_steps=cg[0],
                            pcg_iterations=cg[1])
