"""Independent computations for the review14 tests, written from the papers' definitions
with scipy's linprog and brute force. Nothing here calls infopricing."""
import itertools

import numpy as np
from scipy.optimize import linprog


def menu_lp(V, f, costs=None):
    """Optimal lottery menu by linprog: variables x[t, a] >= 0 (sum_a <= 1) and p[t];
    maximise sum_t f_t (p_t - c . x_t) subject to IR and IC. Returns (profit, x, p)."""
    V = np.asarray(V, float)
    f = np.asarray(f, float)
    n, k = V.shape
    c = np.zeros(k) if costs is None else np.asarray(costs, float)
    nv = n * k + n
    obj = np.zeros(nv)
    A, b = [], []
    for t in range(n):
        obj[n * k + t] = -f[t]
        obj[t * k:(t + 1) * k] = f[t] * c
        row = np.zeros(nv); row[t * k:(t + 1) * k] = -V[t]; row[n * k + t] = 1
        A.append(row); b.append(0.0)
        row = np.zeros(nv); row[t * k:(t + 1) * k] = 1
        A.append(row); b.append(1.0)
        for s in range(n):
            if s != t:
                row = np.zeros(nv)
                row[s * k:(s + 1) * k] += V[t]; row[n * k + s] -= 1
                row[t * k:(t + 1) * k] -= V[t]; row[n * k + t] += 1
                A.append(row); b.append(0.0)
    bounds = [(0, None)] * (n * k) + [(None, None)] * n
    res = linprog(obj, A_ub=np.array(A), b_ub=np.array(b), bounds=bounds, method="highs")
    assert res.status == 0, res.message
    z = res.x
    return -res.fun, z[:n * k].reshape(n, k), z[n * k:]


def posted_price_revenue(values, probs, cost=0.0):
    """Single product: best posted price by brute force over the support."""
    values = np.asarray(values, float); probs = np.asarray(probs, float)
    return max(probs[values >= p].sum() * (p - cost) for p in values)


def grid_pareto_gain(V, f, n_points=300, seed=0, costs=None):
    """Inner approximation of HS's question: draw generic segment markets (random points
    of the simplex plus mixtures with f's vertices), solve each one's menu by linprog (a
    generic market has one optimal menu), and ask by an LP over the segment weights for a
    segmentation of f in which no type loses; returns (largest total consumer gain, the
    seller's largest revenue gain among those improvements)."""
    V = np.asarray(V, float); f = np.asarray(f, float)
    n = len(f)
    rng = np.random.default_rng(seed)
    pts = list(rng.dirichlet(np.ones(n), n_points))
    pts += [0.5 * f + 0.5 * p for p in rng.dirichlet(np.ones(n), n_points)]
    support = f > 0
    pts = [p * support / (p * support).sum() for p in pts]
    r0, x0, p0 = menu_lp(V, f, costs)
    u0 = (V * x0).sum(1) - p0
    cols, us, revs = [], [], []
    for q in pts:
        r, x, p = menu_lp(V, q, costs)
        cols.append(q); us.append((V * x).sum(1) - p); revs.append(r)
    Q = np.array(cols).T                     # n x G
    U = np.array(us).T
    G = Q.shape[1]
    gain = (Q * U) - (f * u0)[:, None] * 0   # mass-weighted surplus per unit weight
    A_eq = Q; b_eq = f
    A_ub = -(Q * U); b_ub = -(f * u0)         # each type's surplus after >= before
    res = linprog(-(Q * U).sum(0), A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq,
                  bounds=[(0, None)] * G, method="highs")
    if res.status != 0:
        return None, None
    cs_gain = -res.fun - f @ u0
    res2 = linprog(-np.array(revs), A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq,
                   bounds=[(0, None)] * G, method="highs")
    return cs_gain, -res2.fun - r0
