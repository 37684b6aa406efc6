"""OPT-Rev with two value profiles in closed form: a finite enumeration, no branch and bound.

With two profiles ``a`` and ``b`` (prior ``f_a``, ``1 - f_a``) every posterior is a number
``q = Pr[a]`` and its mean is ``nu(q) = v_b + q d`` with ``d = v_a - v_b``; two signals
suffice (CLW Lemma 2's argument: a binary-state persuasion problem for the optimal menu).
Write the two posteriors ``q_L = f_a - lambda T <= f_a <= q_H = f_a + (1 - lambda) T``
(``lambda`` the mass of the high signal, ``T = q_H - q_L``) and, for the lotteries
``x_L, x_H``, ``W = x . nu(f_a)`` and ``S = x . d``. The buyer's smallest rents given IC
and IR are ``u_H = T S_L^+`` and ``u_L = T S_H^-`` (IC needs ``S_H >= S_L``), so the
revenue is::

    g = (1 - lambda) W_L + lambda W_H
        + T [lambda (1 - lambda)(S_H - S_L) - lambda S_L^+ - (1 - lambda) S_H^-]

linear in ``T`` for fixed lotteries and ``lambda``: the optimum has ``T = 0`` (no
information) or ``T`` as large as the posteriors allow, i.e. one posterior at 0 or 1. On
either branch ``g`` is ``alpha + beta y - gamma / y`` in ``y = lambda`` (posterior
``q_L = 0``) or ``y = 1 - lambda`` (``q_H = 1``) with ``gamma >= 0``: concave in ``y``,
maximised in closed form. For fixed ``lambda`` the lotteries solve an LP whose feasible
set (``x_L, x_H`` in the unit-demand simplex, ``s_L >= S_L, s_L >= 0``, ``s_H >= -S_H,
s_H >= 0``, ``S_H >= S_L``) does not depend on ``lambda``, so its optimum is one of that
polytope's vertices: OPT-Rev is the largest closed-form maximum over finitely many
vertices (enumerated from their active constraints), on both branches, and the
no-information revenue. The value found is an upper bound on every design of the
library's class (prices ``>= 0`` are one more constraint) and is attained by the design
rebuilt from the maximiser when its prices are non-negative.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol


@dataclass(frozen=True)
class TwoProfileOptimum:
    """The enumeration's answer: ``value`` (OPT-Rev of the relaxed program, an upper
    bound), the maximiser's posteriors ``q`` (low, high: ``Pr[profile 0]``), masses
    ``mass`` (low, high), lotteries ``allocations`` (2, m), prices ``prices`` (2,), the
    number of polytope vertices enumerated and the branch that attained the value."""

    value: float
    q: tuple
    mass: tuple
    allocations: np.ndarray
    prices: np.ndarray
    vertices: int
    branch: str


def _vertices(d: np.ndarray, deterministic: bool) -> np.ndarray:
    """Vertices ``(x_L, x_H, s_L, s_H)`` of the lottery polytope (or, ``deterministic``:
    the points with ``x_L, x_H`` in {0, e_i}), as rows."""
    m = d.size
    if deterministic:
        eye = np.vstack([np.zeros(m), np.eye(m)])
        out = []
        for xl, xh in itertools.product(eye, eye):
            out.append(np.concatenate([xl, xh, [max(d @ xl, 0.0), max(-(d @ xh), 0.0)]]))
        return np.array(out)
    D = 2 * m + 2
    rows, rhs = [], []
    z = np.zeros(D)
    for blk in (0, m):
        for i in range(m):  # -x_i <= 0
            r = z.copy()
            r[blk + i] = -1.0
            rows.append(r)
            rhs.append(0.0)
        r = z.copy()
        r[blk:blk + m] = 1.0  # sum x <= 1
        rows.append(r)
        rhs.append(1.0)
    r = z.copy()
    r[:m], r[2 * m] = d, -1.0  # S_L - s_L <= 0
    rows.append(r)
    rhs.append(0.0)
    r = z.copy()
    r[2 * m] = -1.0
    rows.append(r)
    rhs.append(0.0)
    r = z.copy()
    r[m:2 * m], r[2 * m + 1] = -d, -1.0  # -S_H - s_H <= 0
    rows.append(r)
    rhs.append(0.0)
    r = z.copy()
    r[2 * m + 1] = -1.0
    rows.append(r)
    rhs.append(0.0)
    r = z.copy()
    r[:m], r[m:2 * m] = d, -d  # S_L - S_H <= 0
    rows.append(r)
    rhs.append(0.0)
    G, h = np.array(rows), np.array(rhs)
    combos = np.array(list(itertools.combinations(range(G.shape[0]), D)))
    A = G[combos]
    b = h[combos]
    det = np.linalg.det(A)
    ok = np.abs(det) > tol.PIVOT
    sol = np.linalg.solve(A[ok], b[ok][..., None])[..., 0]
    feas = np.all(sol @ G.T <= h + tol.FEAS, axis=1)
    pts = sol[feas]
    if pts.size == 0:  # pragma: no cover - the origin is always a vertex
        return np.zeros((1, D))
    return np.unique(np.round(pts, 12), axis=0)


def _concave_max(alpha, beta, gamma, y1, y2):
    """Maximiser and maximum of ``alpha + beta y - gamma / y`` on ``[y1, y2]`` (``y1 > 0``,
    ``gamma >= 0``), elementwise."""
    y = np.where(beta >= 0, y2, y1)
    inner = (gamma > 0) & (beta < 0)
    ystar = np.sqrt(np.where(inner, gamma, 0.0) / np.where(inner, -beta, 1.0))
    y = np.where(inner, np.clip(ystar, y1, y2), y)
    return y, alpha + beta * y - gamma / y


def two_profile_opt_rev(values, probabilities, deterministic: bool = False) -> TwoProfileOptimum:
    """OPT-Rev (or, ``deterministic=True``, the best pricing mechanism) for a distribution
    with two profiles of positive probability, by the enumeration in the module docstring.

    Parameters
    ----------
    values : array (2, m)
    probabilities : array (2,), both positive
    deterministic : bool
        Restrict the lotteries to single products (pricing mechanisms: CLW Definition 1).
    """
    V = np.asarray(values, dtype=float)
    f = np.asarray(probabilities, dtype=float)
    if V.ndim != 2 or V.shape[0] != 2:
        raise ValueError(f"values must have shape (2, m), got {V.shape}")
    if f.shape != (2,) or not np.all(f > 0):
        raise ValueError(f"probabilities must be two positive numbers, got {f!r}")
    f = f / f.sum()
    fa = float(f[0])
    d = V[0] - V[1]
    nu0 = V[1] + fa * d  # the prior mean
    m = d.size
    # enumerate on d scaled to unit size (the pivot test is then scale-free), then
    # scale the rent columns back
    unit = max(float(np.abs(d).max()), np.finfo(float).tiny)
    Z = _vertices(d / unit, deterministic)
    Z[:, 2 * m:] *= unit
    xL, xH, sL, sH = Z[:, :m], Z[:, m:2 * m], Z[:, 2 * m], Z[:, 2 * m + 1]
    WL, WH, SL, SH = xL @ nu0, xH @ nu0, xL @ d, xH @ d
    mono = SH >= SL - tol.FEAS * max(1.0, float(np.abs(d).max()))
    # no information (T = 0): one signal, the best product at the prior mean
    best_i = int(np.argmax(nu0))
    cands = [(max(0.0, float(nu0[best_i])), "no information", None, None)]
    # branch 1: q_L = 0, y = lambda in [f_a, 1]
    a1 = WL + fa * (SH - SL) - fa * sL + fa * sH
    b1 = WH - WL - fa * (SH - SL)
    y, g = _concave_max(a1, b1, fa * sH, fa, 1.0)
    g = np.where(mono, g, -np.inf)
    j = int(np.argmax(g))
    cands.append((float(g[j]), "q_L = 0", j, float(y[j])))
    # branch 2: q_H = 1, y = 1 - lambda in [1 - f_a, 1]
    fb = 1.0 - fa
    a2 = WH + fb * (SH - SL) + fb * sL - fb * sH
    b2 = WL - WH - fb * (SH - SL)
    y, g = _concave_max(a2, b2, fb * sL, fb, 1.0)
    g = np.where(mono, g, -np.inf)
    j = int(np.argmax(g))
    cands.append((float(g[j]), "q_H = 1", j, float(y[j])))
    value, branch, j, y = max(cands, key=lambda c: c[0])
    if j is None:
        x = np.zeros((2, m))
        if nu0[best_i] > 0:
            x[:, best_i] = 1.0
        p = np.full(2, max(0.0, float(nu0[best_i])))
        return TwoProfileOptimum(value, (fa, fa), (0.0, 1.0), x, p, len(Z), branch)
    lam = y if branch == "q_L = 0" else 1.0 - y
    T = fa / lam if branch == "q_L = 0" else fb / (1.0 - lam)
    qL, qH = fa - lam * T, fa + (1.0 - lam) * T
    qL, qH = min(max(qL, 0.0), 1.0), min(max(qH, 0.0), 1.0)
    x = np.vstack([xL[j], xH[j]])
    uL, uH = T * sH[j], T * sL[j]
    prices = np.array([x[0] @ (V[1] + qL * d) - uL, x[1] @ (V[1] + qH * d) - uH])
    return TwoProfileOptimum(float(value), (qL, qH), (1.0 - lam, lam), x, prices, len(Z), branch)
