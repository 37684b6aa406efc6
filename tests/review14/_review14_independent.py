"""Independent computations for the review14 tests, written from the papers' definitions
with scipy's linprog and brute force. Nothing here calls infopricing."""

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


def grid_pareto_gain(V, f, n_points=300, seed=0, costs=None, u0=None):
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
    if u0 is None:            # the unsegmented surplus of linprog's optimal menu
        u0 = (V * x0).sum(1) - p0
    u0 = np.asarray(u0, float)
    cols, us, revs = [], [], []
    for q in pts:
        r, x, p = menu_lp(V, q, costs)
        cols.append(q); us.append((V * x).sum(1) - p); revs.append(r)
    Q = np.array(cols).T                     # n x G
    U = np.array(us).T
    G = Q.shape[1]
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


def menu_lp_tiebreak(V, f, sense=-1, slack=1e-9):
    """Among the revenue-optimal menus of f, one maximising (sense=-1) or minimising
    (sense=+1) expected consumer surplus: (revenue, consumer surplus, per-type surplus)."""
    V = np.asarray(V, float); f = np.asarray(f, float)
    n, k = V.shape
    r, _, _ = menu_lp(V, f)
    nv = n * k + n
    A, b = [], []
    for t in range(n):
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
    rev = np.zeros(nv); rev[n * k:] = -f
    A.append(rev); b.append(-r + slack)
    cs = np.zeros(nv)
    for t in range(n):
        cs[t * k:(t + 1) * k] = f[t] * V[t]; cs[n * k + t] = -f[t]
    res = linprog(sense * cs, A_ub=np.array(A), b_ub=np.array(b),
                  bounds=[(0, None)] * (n * k) + [(None, None)] * n, method="highs")
    assert res.status == 0
    x = res.x[:n * k].reshape(n, k); p = res.x[n * k:]
    u = (V * x).sum(1) - p
    return r, f @ u, u


def bbm25_bounds(values, costs, probs):
    """BBM25 equation (1) by brute force: producer i, knowing only its cost, best responds
    to rivals pricing at cost; it sells at markup m when v_i - c_i - max(0, max_j w_j) >= m
    (ties in its favour), so PS_i = sum_c max_m m P(advantage >= m, c_i = c)."""
    Vv = np.asarray(values, float); C = np.asarray(costs, float); P = np.asarray(probs, float)
    if C.ndim == 1:
        C = np.broadcast_to(C, Vv.shape)
    W = Vv - C
    N = W.shape[1]
    out = np.zeros(N)
    for i in range(N):
        rival = np.maximum(0, np.delete(W, i, axis=1).max(axis=1)) if N > 1 else np.zeros(len(W))
        adv = W[:, i] - rival
        for c in np.unique(C[:, i]):
            sel = C[:, i] == c
            cands = adv[sel & (adv > 0)]
            best = 0.0
            for m in cands:
                best = max(best, m * P[sel & (adv >= m - 1e-12)].sum())
            out[i] += best
    return out


def complete_information_cs(values, costs, probs):
    """Bertrand with complete information: the consumer gets the second-highest of the
    net values w = v - c, or 0 (BBM25 section I)."""
    Vv = np.asarray(values, float); C = np.asarray(costs, float); P = np.asarray(probs, float)
    if C.ndim == 1:
        C = np.broadcast_to(C, Vv.shape)
    W = np.sort(np.column_stack([Vv - C, np.zeros(len(Vv))]), axis=1)
    return P @ np.maximum(0, W[:, -2]), P @ np.maximum(0, W[:, -1])


def clw_revenue_at_prices(values, probs, prices):
    """CLW: the seller's best information structure at posted prices, by the obedience LP
    (recommend product j or nothing; the buyer obeys when j maximises posterior value less
    price and that is >= 0; ties to the seller). Variables s[v, j] = P(v, recommend j)."""
    Vv = np.asarray(values, float); P = np.asarray(probs, float); p = np.asarray(prices, float)
    R, m = Vv.shape
    J = m + 1                                  # j = m: buy nothing
    nv = R * J
    idx = lambda r, j: r * J + j
    obj = np.zeros(nv)
    for r in range(R):
        for j in range(m):
            obj[idx(r, j)] = -p[j]
    A_ub, b_ub = [], []
    for j in range(m):
        for k in range(m + 1):
            if k == j:
                continue
            row = np.zeros(nv)
            for r in range(R):
                alt = (Vv[r, k] - p[k]) if k < m else 0.0
                row[idx(r, j)] = alt - (Vv[r, j] - p[j])
            A_ub.append(row); b_ub.append(0.0)
    for k in range(m):                         # "nothing" is obeyed: no product is better
        row = np.zeros(nv)
        for r in range(R):
            row[idx(r, m)] = Vv[r, k] - p[k]
        A_ub.append(row); b_ub.append(0.0)
    A_eq = np.zeros((R, nv))
    for r in range(R):
        A_eq[r, r * J:(r + 1) * J] = 1
    res = linprog(obj, A_ub=np.array(A_ub), b_ub=np.array(b_ub), A_eq=A_eq, b_eq=P,
                  bounds=[(0, None)] * nv, method="highs")
    assert res.status == 0, res.message
    return -res.fun


def _rival_price_law(m, n_quantiles=2001):
    """(prices, weights) of a strategy object: a point, or the alerted runner-up's mix
    cost + delta with P(delta > d) = (A / (A + d) - H) / M on [0, width) and an atom at
    width (BBM25 Appendix A1, as the library's AlertMix documents it), by quantiles."""
    if hasattr(m, "price"):
        return np.array([float(m.price)]), np.array([1.0])
    A, H, M, w, c = (float(m.markup), float(m.upper_mass), float(m.bottom_mass),
                     float(m.width), float(m.cost))
    atom = (A / (A + w) - H) / M
    s = np.linspace(atom, 1, n_quantiles + 1)
    mid = (s[1:] + s[:-1]) / 2
    d = A / (mid * M + H) - A
    prices = np.concatenate([c + d, [c + w]])
    weights = np.concatenate([np.full(n_quantiles, (1 - atom) / n_quantiles), [atom]])
    return prices, weights


def bertrand_deviation_gain(values, costs, info_profile, info_prob, signals, strategy,
                            grid=801):
    """Largest gain of a producer (two producers) from deviating, at one of its (signal,
    cost) cells, to a price on a fine grid, against the rival's price laws; the consumer
    buys the larger v - p if >= 0, ties split. Written from BBM25 section I."""
    Vv = np.asarray(values, float); C = np.asarray(costs, float)
    if C.ndim == 1:
        C = np.broadcast_to(C, Vv.shape)
    worst = 0.0
    for i in (0, 1):
        j = 1 - i
        cells = {}
        for k, r in enumerate(info_profile):
            cells.setdefault((int(signals[k][i]), float(C[r, i])), []).append(k)
        for (s, ci), ks in cells.items():
            laws = [_rival_price_law(strategy(j, signals[k][j], C[info_profile[k], j])) for k in ks]

            def profit(p):
                tot = 0.0
                for k, (q, wq) in zip(ks, laws):
                    r = info_profile[k]
                    ui, uj = Vv[r, i] - p, Vv[r, j] - q
                    if ui < 0:
                        continue
                    win = (wq * ((ui > uj + 1e-12) + 0.5 * (np.abs(ui - uj) <= 1e-12))).sum()
                    tot += info_prob[k] * (p - ci) * win
                return tot

            own_q, own_w = _rival_price_law(strategy(i, s, ci), 400)
            own = sum(w * profit(p) for p, w in zip(own_q, own_w))
            top = Vv[[info_profile[k] for k in ks], i].max()
            dev = max(profit(p) for p in np.linspace(ci, max(top, ci), grid))
            worst = max(worst, dev - own)
    return worst
