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

All dense work goes through :mod:`.arrays`, so the same code runs on numpy (CPU) and on
torch or CuPy arrays (GPU). Nothing here knows about markets or mechanisms: the caller
passes arrays and receives arrays (see :mod:`infopricing.screening.interior_point`).

References
----------
HS, section 4 (the menu LP). Mehrotra (1992), "On the implementation of a primal-dual
interior point method", SIAM J. Optim. 2(4); Gondzio (1996), "Multiple centrality
corrections in a primal-dual method for linear programming", Comput. Optim. Appl. 6.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .arrays import array_backend

#: entries of the (chunk of s, k, n) block built before each rank-k update
_CHUNK_ELEMENTS = 8_000_000


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


class _NormalEquations:
    """Factor and solve ``(G^T diag(d1, D) G + diag(du, dx)) dz = r`` by the Schur
    complement on u (private; one instance per factorisation)."""

    def __init__(self, xp, V, VV, D, d1, du, dx, timing):
        n, k = V.shape
        self.xp, self.V, self.D = xp, V, D
        t0 = time.perf_counter()
        colD = D.sum(0)                                 # sum_t D[t, s]
        DV = D.T @ V                                    # sum_t D[t, s] v_t
        self.g = DV - colD[:, None] * V                 # g_s = sum_t D[t, s] (v_t - v_s)
        # B_s = sum_t D_ts (v_t - v_s)(v_t - v_s)^T + d1_s 1 1^T + diag(dx_s), by expansion
        B = (D.T @ VV).reshape(n, k, k)
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
        q = xp.einsum("sab,sb->sa", Linv, V)            # L_s^{-1} v_s
        Lg = xp.einsum("sab,sb->sa", Linv, self.g)      # L_s^{-1} g_s
        Wsym = D + D.T
        S = -Wsym
        xp.add_to_diagonal(S, Wsym.sum(1) + du)
        DT = xp.copy(D.T)
        cs = max(1, int(_CHUNK_ELEMENTS // max(1, n * k)))
        t_upd = 0.0
        # [L_s^{-1}, -q_s] @ [V^T; 1^T] = L_s^{-1} (V^T - v_s 1^T): one product, no pass for -q_s
        Laug = xp.zeros((n, k, k + 1))
        Laug[:, :, :k] = Linv
        Laug[:, :, k] = -q
        Laug = Laug.reshape(n * k, k + 1)
        Vaug = xp.full((k + 1, n), 1.0)
        Vaug[:k] = V.T
        for a in range(0, n, cs):
            b = min(n, a + cs)
            # A_s = L_s^{-1} C_s^T: column t is -D_ts L_s^{-1}(v_t - v_s), column s is L_s^{-1} g_s
            P = (Laug[a * k:b * k] @ Vaug).reshape(b - a, k, n)
            P *= -DT[a:b, None, :]
            for j in range(b - a):  # column s of block s (D_ss = 0 left it zero)
                P[j, :, a + j] = Lg[a + j]
            ts = time.perf_counter()
            S = xp.syrk_sub(S, P.reshape((b - a) * k, n))
            t_upd += time.perf_counter() - ts
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
        """sum_s C_s q_s for the rows q_s of Q (n, k): an (n,) vector."""
        xp, D, V = self.xp, self.D, self.V
        out = -xp.einsum("ta,ta->t", V, D @ Q)
        out += D @ xp.einsum("sa,sa->s", V, Q)
        out += xp.einsum("ta,ta->t", self.g, Q)
        return out

    def _ct_times(self, r):
        """C_s^T r for every s: (n, k)."""
        D, V = self.D, self.V
        out = -(D.T @ (r[:, None] * V))
        out += (D.T @ r)[:, None] * V
        out += r[:, None] * self.g
        return out

    def solve(self, ru, rx):
        xp = self.xp
        r = ru - self._c_times(self._binv(rx))
        dU = xp.cho_solve(self.L, r)
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
        self.VV = xp.asarray((Vc[:, :, None] * Vc[:, None, :]).reshape(n, k * k))
        self.timing = {"rank_k_update": 0.0, "cholesky": 0.0, "blocks": 0.0, "other": 0.0}

    # G z and G^T y ------------------------------------------------------------------
    def _G(self, u, X):
        """G z: the allocation rows (n,) and the IC rows (n, n), zero diagonal."""
        xp, V = self.xp, self.V
        gic = V @ X.T
        own = xp.einsum("sa,sa->s", V, X)
        gic -= own[None, :]
        gic += u[None, :]
        gic -= u[:, None]
        xp.fill_diagonal(gic, 0.0)
        return X.sum(1), gic

    def _GT(self, q1, Q):
        """G^T y for y = (q1, Q): the u part (n,) and the x part (n, k)."""
        V = self.V
        rs, cs = Q.sum(1), Q.sum(0)
        gx = Q.T @ V
        gx -= cs[:, None] * V
        gx += q1[:, None]
        return cs - rs, gx

    def solve(self, gap_tol: float = 1e-9, max_iter: int = 200, correctors: int = 1,
              step_fraction: float = 0.9995, refine: int = 0, stop=None,
              observe=None) -> MenuIPMPoint:
        """Iterate until the relative gap and infeasibilities are below ``gap_tol``.

        ``stop(iteration, rel_gap, ic_dual, ic_slack)`` (backend arrays), if given, is
        called after each iteration's convergence test; returning True ends the run with
        status "stopped" (the caller's test that the binding set is identified).
        ``observe(iteration, rel_gap, u, x, ic_dual)`` (numpy arrays, ``ic_dual`` in the
        caller's units), if given, sees every iterate before the convergence test, so a
        caller can certify iterates and keep the best (the last one need not be)."""
        xp, n, k = self.xp, self.n, self.k
        for key in self.timing:
            self.timing[key] = 0.0
        T0 = time.perf_counter()
        ncomp = n + n * k + n + n * (n - 1)
        u = xp.full((n,), 1.0)
        X = xp.full((n, k), 1.0 / (2 * k))
        w1 = xp.full((n,), 0.5)
        W = xp.full((n, n), 1.0)
        su = xp.full((n,), 1.0)
        SX = xp.full((n, k), 1.0)
        y1 = xp.full((n,), 1.0)
        Y = xp.full((n, n), 1.0 / n)
        xp.fill_diagonal(Y, 0.0)
        cnorm = max(xp.scalar(abs(self.cu).max()), xp.scalar(abs(self.cx).max()))
        history = []
        status = "limit"
        it = 0
        pobj = dobj = gap = pinf = dinf = float("nan")

        def maxstep(v, dv):
            r = xp.scalar((dv / v).min())
            return np.inf if r >= 0 else -1.0 / r

        for it in range(1, max_iter + 1):
            to = time.perf_counter()
            g1, gic = self._G(u, X)
            rp1 = 1.0 - g1 - w1
            rpic = -gic - W
            xp.fill_diagonal(rpic, 0.0)
            gu, gx = self._GT(y1, Y)
            rdu = self.cu - gu + su
            rdx = self.cx - gx + SX
            pobj = xp.scalar(self.cu @ u + (self.cx * X).sum())
            dobj = xp.scalar(y1.sum())
            pinf = max(xp.scalar(abs(rp1).max()), xp.scalar(abs(rpic).max())) / (
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
            W1 = xp.copy(W)
            xp.fill_diagonal(W1, 1.0)  # the diagonal is a placeholder (no IC row t = t)
            D = Y / W1
            d1, du, dx = y1 / w1, su / u, SX / X
            self.timing["other"] += time.perf_counter() - to
            NE = _NormalEquations(xp, self.V, self.VV, D, d1, du, dx, self.timing)
            to = time.perf_counter()

            def direction(rzu, rzx, rw1, rwic):
                q1 = d1 * rp1 - rw1 / w1
                Qm = D * rpic - rwic / W1
                xp.fill_diagonal(Qm, 0.0)
                a_u, a_x = self._GT(q1, Qm)
                ru = rdu + a_u + rzu / u
                rx = rdx + a_x + rzx / X
                dU, dX = NE.solve(ru, rx)
                # iterative refinement against the true matrix: asked for, or when the
                # factorisation needed a shift (degenerate blocks, e.g. tied types)
                for _ in range(max(refine, 1 if NE.regularised else 0)):
                    h1, hic = self._G(dU, dX)
                    mu_, mx_ = self._GT(d1 * h1, D * hic)
                    eu = ru - mu_ - du * dU
                    ex = rx - mx_ - dx * dX
                    cu_, cx_ = NE.solve(eu, ex)
                    dU = dU + cu_
                    dX = dX + cx_
                h1, hic = self._G(dU, dX)
                dw1 = rp1 - h1
                dW = rpic - hic
                xp.fill_diagonal(dW, 0.0)
                dy1 = (rw1 - y1 * dw1) / w1
                dY = (rwic - Y * dW) / W1
                xp.fill_diagonal(dY, 0.0)
                dsu = (rzu - su * dU) / u
                dSX = (rzx - SX * dX) / X
                return dU, dX, dw1, dW, dsu, dSX, dy1, dY

            def steps(d):
                dU, dX, dw1, dW, dsu, dSX, dy1, dY = d
                ap = min(maxstep(u, dU), maxstep(X, dX), maxstep(w1, dw1), maxstep(W1, dW))
                ad = min(maxstep(su, dsu), maxstep(SX, dSX), maxstep(y1, dy1), maxstep(Y1, dY))
                return min(1.0, ap), min(1.0, ad)

            Y1 = xp.copy(Y)  # the diagonal a placeholder 1, as in W1 (dY is 0 there)
            xp.fill_diagonal(Y1, 1.0)
            WY = W * Y
            xp.fill_diagonal(WY, 0.0)
            mu = xp.scalar(u @ su + (X * SX).sum() + w1 @ y1 + WY.sum()) / ncomp
            # predictor (affine scaling)
            aff = direction(-u * su, -X * SX, -w1 * y1, -WY)
            ap, ad = steps(aff)
            aU, aX, aw1, aW, asu, aSX, ay1, aY = aff
            prodW = (W + ap * aW) * (Y + ad * aY)
            xp.fill_diagonal(prodW, 0.0)
            mu_aff = xp.scalar((u + ap * aU) @ (su + ad * asu) + ((X + ap * aX) * (SX + ad * aSX)).sum()
                               + (w1 + ap * aw1) @ (y1 + ad * ay1) + prodW.sum()) / ncomp
            sigma = min(max((mu_aff / mu) ** 3, 0.0), 1.0)
            smu = sigma * mu
            # corrector: centring plus the second-order term of the predictor
            rzu = smu - u * su - aU * asu
            rzx = smu - X * SX - aX * aSX
            rw1 = smu - w1 * y1 - aw1 * ay1
            rwic = smu - WY - aW * aY
            xp.fill_diagonal(rwic, 0.0)
            d = direction(rzu, rzx, rw1, rwic)
            ap, ad = steps(d)
            for _ in range(correctors):  # Gondzio: push outlying products into [0.1, 10] smu
                apt, adt = min(1.0, 1.5 * ap + 0.1), min(1.0, 1.5 * ad + 0.1)
                dU, dX, dw1, dW, dsu, dSX, dy1, dY = d

                def push(v, dv, s, ds):
                    prod = (v + apt * dv) * (s + adt * ds)
                    lo, hi = 0.1 * smu, 10.0 * smu
                    t_ = xp.where(prod < lo, lo - prod, xp.where(prod > hi, hi - prod, 0.0 * prod))
                    return xp.maximum(t_, -hi)

                cic = push(W1, dW, Y, dY)
                xp.fill_diagonal(cic, 0.0)
                new = direction(rzu + push(u, dU, su, dsu), rzx + push(X, dX, SX, dSX),
                                rw1 + push(w1, dw1, y1, dy1), rwic + cic)
                apn, adn = steps(new)
                if apn + adn >= 1.01 * (ap + ad):
                    d, ap, ad = new, apn, adn
                else:
                    break
            ap, ad = min(1.0, step_fraction * ap), min(1.0, step_fraction * ad)
            dU, dX, dw1, dW, dsu, dSX, dy1, dY = d
            u = u + ap * dU
            X = X + ap * dX
            w1 = w1 + ap * dw1
            W = W + ap * dW
            xp.fill_diagonal(W, 1.0)
            su = su + ad * dsu
            SX = SX + ad * dSX
            y1 = y1 + ad * dy1
            Y = Y + ad * dY
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
                            backend=f"{xp.name}:{xp.device}", timing=dict(self.timing))
