"""Independent computations for the review13 tests: scipy's linprog on programs written
here from the papers' definitions, brute force over grids. None calls the library."""
import itertools

import numpy as np
from scipy.optimize import linprog


def _menu_program(V, f, costs=None):
    """The HS menu LP over z = (x[t, a], p[t]): objective (minimised) and ``A z <= b`` with
    IR, unit demand and IC for every ordered pair of types."""
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
        ir = np.zeros(nv)
        ir[t * k:(t + 1) * k] = -V[t]
        ir[n * k + t] = 1
        unit = np.zeros(nv)
        unit[t * k:(t + 1) * k] = 1
        A += [ir, unit]
        b += [0.0, 1.0]
        for s in range(n):
            if s != t:            # type t prefers its own item to s's
                r = np.zeros(nv)
                r[s * k:(s + 1) * k] += V[t]
                r[n * k + s] -= 1
                r[t * k:(t + 1) * k] -= V[t]
                r[n * k + t] += 1
                A.append(r)
                b.append(0.0)
    bounds = [(0, None)] * (n * k) + [(None, None)] * n
    return obj, np.array(A), np.array(b), bounds


def menu_revenue(V, f, costs=None) -> float:
    """Revenue (profit with costs) of the optimal lottery menu, by linprog."""
    obj, A, b, bounds = _menu_program(V, f, costs)
    res = linprog(obj, A_ub=A, b_ub=b, bounds=bounds, method="highs")
    assert res.status == 0
    return -res.fun


def selected_consumer_surplus(V, f, stages) -> tuple[float, float]:
    """(min, max) expected consumer surplus over the menus that are revenue-optimal and
    then lexicographically optimal for ``stages``, each ``("welfare" | "cs", "max" |
    "min")`` of the market-free (unweighted over types) sums ``sum_t v_t . x_t`` and
    ``sum_t u_t`` that the library's selection rules document; each stage is held at its
    optimum (less 1e-9) before the next."""
    V = np.asarray(V, float)
    f = np.asarray(f, float)
    n, k = V.shape
    obj, A, b, bounds = _menu_program(V, f)
    u = np.zeros((n, n * k + n))          # u[t] . z: type t's utility
    for t in range(n):
        u[t, t * k:(t + 1) * k] = V[t]
        u[t, n * k + t] = -1
    welfare = np.concatenate([V.ravel(), np.zeros(n)])
    rows, rhs = [obj], [-menu_revenue(V, f) + 1e-9]
    for what, sense in stages:
        c = welfare if what == "welfare" else u.sum(axis=0)
        sign = -1 if sense == "max" else 1
        res = linprog(sign * c, A_ub=np.vstack([A] + rows), b_ub=np.append(b, rhs), bounds=bounds,
                      method="highs")
        assert res.status == 0
        rows.append(sign * c)
        rhs.append(res.fun + 1e-9)
    cs = f @ u
    lo = linprog(cs, A_ub=np.vstack([A] + rows), b_ub=np.append(b, rhs), bounds=bounds, method="highs")
    hi = linprog(-cs, A_ub=np.vstack([A] + rows), b_ub=np.append(b, rhs), bounds=bounds, method="highs")
    assert lo.status == 0 and hi.status == 0
    return lo.fun, -hi.fun


def check_menu(V, X, P, tol=1e-9) -> np.ndarray:
    """Assert lotteries, IR and IC of the direct mechanism (X, P); each type's utility."""
    V, X, P = (np.asarray(a, float) for a in (V, X, P))
    U = V @ X.T - P[None, :]
    own = np.diag(U)
    assert (X >= -tol).all() and (X.sum(axis=1) <= 1 + tol).all()
    assert (own >= -tol).all()
    assert (own[:, None] >= U - tol).all()
    return own


def bbm25_bounds(V, C, P) -> np.ndarray:
    """BBM25 eq. (1): producer i's best profit when every rival prices at cost, pricing
    as a function of its own cost only, ties won (sup): per cost c, max over prices q of
    (q - c) P(r_i >= q, c_i = c) with the residual r_i = v_i - max(0, max_j (v_j - c_j))."""
    V, C, P = (np.asarray(a, float) for a in (V, C, P))
    m, N = V.shape
    out = []
    for i in range(N):
        rivals = [j for j in range(N) if j != i]
        r = V[:, i] - np.maximum(0, (V[:, rivals] - C[:, rivals]).max(axis=1))
        total = 0.0
        for c in np.unique(C[:, i]):
            rows = C[:, i] == c
            total += max([0.0] + [(q - c) * P[rows & (r >= q - 1e-12)].sum() for q in r[rows]])
        out.append(total)
    return np.array(out)


def posterior_menu_revenue(V, f, S) -> float:
    """CLW at a fixed signal S (profiles x signals): the posteriors E[v | s] with masses
    P(s) are the buyer's types, so the best menu is the HS menu LP on them."""
    V, f, S = (np.asarray(a, float) for a in (V, f, S))
    mass = f @ S
    keep = mass > 1e-12
    post = (S[:, keep] * f[:, None]).T @ V / mass[keep][:, None]
    return menu_revenue(post, mass[keep])


def best_binary_signal_revenue(V, f, step) -> float:
    """Brute force over every two-signal information structure of a two-profile
    distribution on a grid of P(signal 1 | profile): a lower bound on OPT-Rev."""
    g = np.arange(0, 1 + 1e-9, step)
    best = 0.0
    for a in itertools.product(g, repeat=len(f)):
        a = np.array(a)
        best = max(best, posterior_menu_revenue(V, f, np.c_[a, 1 - a]))
    return best


def sure_sale_revenue(V, f, p) -> float:
    """CLW uniform price p with the best information: recommend product i to a share
    s[t, i] of profile t (obedient: E[(v_i - p) 1{rec i}] >= 0), maximise p P(sale)."""
    V, f = np.asarray(V, float), np.asarray(f, float)
    n, m = V.shape
    A, b = [], []
    for i in range(m):
        r = np.zeros(n * m)
        r[i::m] = -f * (V[:, i] - p)
        A.append(r)
        b.append(0.0)
    for t in range(n):
        r = np.zeros(n * m)
        r[t * m:(t + 1) * m] = 1
        A.append(r)
        b.append(1.0)
    res = linprog(-np.repeat(f, m) * p, A_ub=A, b_ub=b, bounds=[(0, None)] * (n * m), method="highs")
    assert res.status == 0
    return -res.fun
