"""Lemke's complementary pivoting for two-player Bayesian games (private kernel).

A two-player game whose players have finitely many types (each type an agent with its
own mixed strategy) is a bimatrix game whose strategy sets are products of simplices.
Its equilibria are the solutions of the linear complementarity problem (LCP)

    w = q + M z >= 0,   z >= 0,   w . z = 0,

with ``z = (x, y, u, v)``: ``x`` (player 1's mixed strategies, one block per type),
``y`` (player 2's), ``u`` and ``v`` (each type's equilibrium payoff), and

    w_x = E' u - A y,   w_y = F' v - B' x,   w_u = E x - 1,   w_v = F y - 1,

where ``E`` (``F``) has one row of ones per type of player 1 (2) over that type's
strategies and ``A, B > 0`` (payoffs shifted by a constant). Any solution is an
equilibrium: ``w_u >= 0`` forces every type to play, so ``u_a`` equals the best payoff
``max_k (A y)_{a,k} > 0`` and complementarity then normalises ``E_a x = 1`` and puts
mass only on best responses.

The LCP is solved by Lemke's algorithm with an artificial variable ``z0`` and covering
vector ``d = 1``, with the lexicographic minimum-ratio rule against degeneracy (Bertrand
pricing games on grids are very degenerate). The answer is not trusted: the caller
re-checks it.

References
----------
Lemke (1965), "Bimatrix equilibrium points and mathematical programming"; Koller,
Megiddo & von Stengel (1996), "Efficient computation of equilibria for extensive
two-person games" (LCPs over products of simplices).
"""

from __future__ import annotations

import numpy as np

from .. import tolerances as tol

__all__ = ["lemke", "bayesian_bimatrix_equilibrium"]


def _lexmin_row(T: np.ndarray, rows: np.ndarray, col: int, n: int, prefer: int | None,
                basis: np.ndarray, pivot_tol: float) -> int:
    """Row of ``rows`` minimising ``(rhs, B^-1 row) / T[row, col]`` lexicographically."""
    piv = T[rows, col]
    cand = rows
    keys = [T[cand, -1] / piv]
    ratio = keys[0]
    best = ratio.min()
    keep = ratio <= best + pivot_tol * max(1.0, abs(best))
    cand, piv = cand[keep], piv[keep]
    if prefer is not None:
        hit = np.flatnonzero(basis[cand] == prefer)
        if hit.size:
            return int(cand[hit[0]])
    k = 0
    while cand.size > 1 and k < n:
        r = T[cand, k] / piv
        best = r.min()
        keep = r <= best + pivot_tol
        cand, piv = cand[keep], piv[keep]
        k += 1
    return int(cand[0])


def lemke(M: np.ndarray, q: np.ndarray, d: np.ndarray | None = None, max_pivots: int | None = None,
          pivot_tol: float = tol.PIVOT):
    """Solve ``w = q + M z >= 0, z >= 0, w.z = 0`` by Lemke's algorithm.

    Returns
    -------
    (z, status, pivots) : (ndarray or None, str, int)
        ``status`` is ``"solved"``, ``"ray"`` (secondary ray: no solution found) or
        ``"iterations"``.
    """
    M = np.asarray(M, dtype=float)
    q = np.asarray(q, dtype=float)
    n = q.size
    if np.all(q >= 0):
        return np.zeros(n), "solved", 0
    d = np.ones(n) if d is None else np.asarray(d, dtype=float)
    if not np.any((q < 0) & (d > pivot_tol)):
        raise ValueError("the covering vector must be positive where q is negative")
    # tableau of  I w - M z - d z0 = q ; variables: w (0..n-1), z (n..2n-1), z0 (2n)
    T = np.hstack([np.eye(n), -M, -d[:, None], q[:, None]])
    basis = np.arange(n)
    z0 = 2 * n
    max_pivots = 50 * n if max_pivots is None else max_pivots

    def pivot(r, c):
        T[r] /= T[r, c]
        col = T[:, c].copy()
        col[r] = 0.0
        T[:] -= np.outer(col, T[r])
        basis[r] = c

    # first pivot: z0 enters at the smallest level making every w non-negative
    rows = np.flatnonzero(d > pivot_tol)
    ratio = T[rows, -1] / d[rows]
    best = ratio.min()
    cand = rows[ratio <= best + pivot_tol * max(1.0, abs(best))]
    k = 0
    while cand.size > 1 and k < n:
        r = T[cand, k] / d[cand]
        keep = r <= r.min() + pivot_tol
        cand = cand[keep]
        k += 1
    r = int(cand[0])
    leaving = int(basis[r])
    pivot(r, z0)
    for it in range(1, max_pivots + 1):
        entering = leaving + n if leaving < n else leaving - n
        col = T[:, entering]
        rows = np.flatnonzero(col > pivot_tol)
        if rows.size == 0:
            return None, "ray", it
        r = _lexmin_row(T, rows, entering, n, z0, basis, pivot_tol)
        leaving = int(basis[r])
        pivot(r, entering)
        if leaving == z0:
            z = np.zeros(2 * n + 1)
            z[basis] = T[:, -1]
            return np.maximum(z[n:2 * n], 0.0), "solved", it
    return None, "iterations", max_pivots


def bayesian_bimatrix_equilibrium(A: np.ndarray, B: np.ndarray, blocks1, blocks2, start=None,
                                  max_pivots: int | None = None, pivot_tol: float = tol.PIVOT):
    """An equilibrium of a two-player game with types (agent form) via Lemke.

    Parameters
    ----------
    A, B : ndarray (K1, K2)
        Payoffs of players 1 and 2 when player 1 plays row strategy ``k`` and player 2
        column strategy ``l``; entries already weighted by the joint probability of the
        two strategies' types (zero between types that never meet).
    blocks1, blocks2 : sequence of int
        Number of strategies of each type (rows of ``A`` are grouped by type in order).
    start : (sequence of int, sequence of int), optional
        The pure starting strategy of every type (index within its block); default the
        first strategy of each. Different starts can lead to different equilibria and
        very different path lengths.
    max_pivots : int, optional
        Pivot budget (default ``50 * LCP size``).

    Returns
    -------
    (x, y, status, pivots)
        Mixed strategies (each type's block sums to one) or ``None`` on failure.

    References
    ----------
    Lemke (1965); Koller, Megiddo & von Stengel (1996).
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    k1, k2 = A.shape
    t1, t2 = len(blocks1), len(blocks2)
    E = np.zeros((t1, k1))
    F = np.zeros((t2, k2))
    for E_, blocks in ((E, blocks1), (F, blocks2)):
        first = 0
        for t, b in enumerate(blocks):
            E_[t, first:first + b] = 1.0
            first += b
    # shift to strictly negative payoffs (adds a constant to every type's payoff)
    scale = max(1.0, float(np.abs(A).max()), float(np.abs(B).max()))
    A = A / scale - 2.0
    B = B / scale - 2.0
    # z = (x, y, u+, u-, v+, v-): u = u+ - u- free; E x = 1 as two inequalities
    sizes = [k1, k2, t1, t1, t2, t2]
    cut = np.cumsum([0] + sizes)
    ix, iy, iup, ium, ivp, ivm = (slice(cut[j], cut[j + 1]) for j in range(6))
    n = int(cut[-1])
    M = np.zeros((n, n))
    M[ix, iy] = -A
    M[ix, iup] = E.T
    M[ix, ium] = -E.T
    M[iy, ix] = -B.T
    M[iy, ivp] = F.T
    M[iy, ivm] = -F.T
    M[iup, ix] = -E
    M[ium, ix] = E
    M[ivp, iy] = -F
    M[ivm, iy] = F
    q = np.r_[np.zeros(k1 + k2), np.ones(t1), -np.ones(t1), np.ones(t2), -np.ones(t2)]
    # covering vector from a pure starting pair (first strategy of every type): the
    # artificial variable is the weight still on the starting strategies
    x0 = np.zeros(k1)
    y0 = np.zeros(k2)
    s1, s2 = (np.zeros(t1, int), np.zeros(t2, int)) if start is None else (
        np.asarray(start[0], int), np.asarray(start[1], int))
    x0[np.r_[0, np.cumsum(blocks1)[:-1]] + s1] = 1.0
    y0[np.r_[0, np.cumsum(blocks2)[:-1]] + s2] = 1.0
    d = np.r_[-A @ y0, -B.T @ x0, -np.ones(t1), np.ones(t1), -np.ones(t2), np.ones(t2)]
    z, status, piv = lemke(M, q, d, max_pivots=max_pivots, pivot_tol=pivot_tol)
    if z is None:
        return None, None, status, piv
    x, y = z[ix], z[iy]
    return E.T @ (1.0 / np.maximum(E @ x, pivot_tol)) * x, F.T @ (1.0 / np.maximum(F @ y, pivot_tol)) * y, status, piv
