"""Independent computations for the review12 tests (scipy's linprog, brute force): none of
them calls the library's solvers."""
import numpy as np
from scipy.optimize import linprog


def _menu_rows(V):
    """The menu LP's rows ``A z <= b`` over z = (x[t, a], p[t]): per type, IR
    (p_t - v_t.x_t <= 0), feasibility (sum_a x[t, a] <= 1) and its IC rows against every
    other type's item."""
    n, k = V.shape
    nv = n * k + n
    rows, b = [], []
    for t in range(n):
        r = np.zeros(nv)
        r[t * k:(t + 1) * k] = -V[t]
        r[n * k + t] = 1
        rows.append(r)
        b.append(0.0)
        r = np.zeros(nv)
        r[t * k:(t + 1) * k] = 1
        rows.append(r)
        b.append(1.0)
        for s in range(n):
            if s != t:
                r = np.zeros(nv)
                r[s * k:(s + 1) * k] += V[t]
                r[n * k + s] -= 1
                r[t * k:(t + 1) * k] -= V[t]
                r[n * k + t] += 1
                rows.append(r)
                b.append(0.0)
    return np.array(rows), np.array(b)


def menu_revenue(V, f, costs=None) -> float:
    """Revenue-optimal lottery menu by scipy's linprog on the full LP: variables x[t, a]
    and p[t]; IR, IC for every ordered pair, sum_a x[t, a] <= 1."""
    V = np.asarray(V, float)
    f = np.asarray(f, float)
    n, k = V.shape
    c = np.zeros(k) if costs is None else np.asarray(costs, float)
    nv = n * k + n
    obj = np.zeros(nv)
    for t in range(n):
        obj[n * k + t] = -f[t]
        obj[t * k:(t + 1) * k] = f[t] * c
    A, b = _menu_rows(V)
    res = linprog(obj, A_ub=A, b_ub=b, bounds=[(0, None)] * (n * k) + [(None, None)] * n,
                  method="highs")
    assert res.status == 0
    return -res.fun


def ic_ir_utilities(V, X, P, tol=1e-9) -> np.ndarray:
    """Each type's utility from its own item, after asserting feasibility, IR and IC."""
    V, X, P = (np.asarray(a, float) for a in (V, X, P))
    U = V @ X.T - P[None, :]            # U[t, s]: type t taking s's item
    own = np.diag(U)
    assert (X >= -tol).all() and (X.sum(axis=1) <= 1 + tol).all()
    assert (own >= -tol).all(), own
    assert (own[:, None] >= U - tol).all()
    return own


def persuasion_value(prior, UR, US) -> float:
    """Sender-optimal value of the obedient-recommendation LP, by linprog."""
    prior, UR, US = (np.asarray(a, float) for a in (prior, UR, US))
    W, A = UR.shape
    Aeq = np.zeros((W, W * A))
    for w in range(W):
        Aeq[w, w * A:(w + 1) * A] = 1
    Aub = []
    for a in range(A):
        for b in range(A):
            if a != b:
                r = np.zeros(W * A)
                for w in range(W):
                    r[w * A + a] = -(UR[w, a] - UR[w, b])
                Aub.append(r)
    res = linprog(-US.ravel(), A_ub=np.array(Aub), b_ub=np.zeros(len(Aub)), A_eq=Aeq, b_eq=prior,
                  bounds=(0, None), method="highs")
    assert res.status == 0
    return -res.fun


def lexicographic_menu_values(V, f, rule, eps=1e-9):
    """The documented selection rule solved by linprog, stage by stage: revenue, then
    (efficient) sum_t v_t.x_t and sum_t u_t, (consumer) sum u then sum v.x, (adverse)
    -sum u then sum v.x; each stage keeps the earlier optima (within eps, relative)."""
    V = np.asarray(V, float)
    n, k = V.shape
    nv = n * k + n
    A0, b0 = _menu_rows(V)
    A, b = [A0], [b0]
    bounds = [(0, None)] * (n * k) + [(None, None)] * n
    rev = np.zeros(nv)
    rev[n * k:] = f
    vx = np.zeros(nv)
    for t in range(n):
        vx[t * k:(t + 1) * k] = V[t]
    su = vx.copy()
    su[n * k:] = -1
    stages = {"efficient": [vx, su], "consumer": [su, vx], "adverse": [-su, vx]}[rule]
    vals = []
    for o in [rev] + stages:
        res = linprog(-o, A_ub=np.vstack(A), b_ub=np.concatenate(b), bounds=bounds, method="highs")
        assert res.status == 0
        vals.append(-res.fun)
        A.append(-o[None, :])
        b.append(np.array([-(vals[-1] - eps * max(1.0, abs(vals[-1])))]))
    return vals
