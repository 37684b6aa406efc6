#!/usr/bin/env python3
"""Stand-alone checker of an exact LP optimality certificate (Python standard library only).

Usage::

    python check_certificate.py cert.json [more.json ...]

A certificate (written by infopricing's ``certificate()`` methods; format
``infopricing.lp-certificate`` version 1) holds an LP

    optimise  c . x   subject to  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper

(``sense`` "max" or "min"), a primal point ``x``, row multipliers ``y`` and the claimed
optimal value, every number as an integer pair [numerator, denominator] and ``null`` for an
infinite bound. ``A`` lists its non-zeros as [row, column, numerator, denominator].

The certificate is accepted exactly when, in rational arithmetic,

1. x satisfies every bound (primal feasibility);
2. with d = c - A^T y, every multiplier y_i and d_j pushes only against a finite bound (for
   "max": positive against an upper bound, negative against a lower one; "min" the
   reverse), so that  B = sum_i y_i b_i + sum_j d_j b_j  over those bounds is, by weak
   duality, a bound on c . z for every feasible z;
3. c . x == B == the claimed objective.

Then x is optimal: no feasible point does better than B, and x attains it.

The file's "problem" entry says which model the LP encodes. When it names a ``builder``
this script knows, the LP is rebuilt from the problem's own numbers (exact pairs) and must
equal the LP in the file entry by entry, so a certificate whose model data (values,
probabilities, utilities, prior) were changed is rejected:

* ``hs-menu-revenue`` (menus and sweep markets, HS section 4): ``values`` (n x k) and
  ``probabilities`` (n); columns x[t, a] at t*k + a then u[t] at n*k + t; rows: n
  feasibility rows sum_a x[t, a] <= 1, then for each ordered pair (t, s), t != s, in
  row-major order, the IC row u[t] - u[s] - sum_a (v[t, a] - v[s, a]) x[s, a] >= 0;
  columns >= 0; maximise sum_t f[t] (v[t] . x[t] - u[t]).
* ``persuasion`` (Bayesian persuasion): ``prior`` (n states), ``receiver_utility`` and
  ``sender_utility`` (n x m); columns joint[w, a] at w*m + a; rows: n consistency rows
  sum_a joint[w, a] = prior[w], then for each ordered pair of actions (a, b), a != b,
  row-major, the obedience row sum_w joint[w, a] (uR[w, a] - uR[w, b]) >= 0; columns
  >= 0; maximise sum uS[w, a] joint[w, a].

* ``convex-order`` (mean-preserving contractions of a prior on a grid, without extra rows):
  ``prior_values`` (K, on the grid), ``prior_probabilities`` (K, positive, summing to 1),
  ``grid`` (M, strictly increasing), ``objective`` (M), ``sense`` and ``formulation``.
  "transport": columns T[k, j] at k*M + j then g[j] at K*M + j; rows: K rows
  sum_j T[k, j] = f[k], M martingale rows sum_k (v[k] - y[j]) T[k, j] = 0, M rows
  g[j] - sum_k T[k, j] = 0; columns >= 0; objective on g. "cdf": columns g[j] at j, C[j]
  at M + j, H[j] at 2M + j; rows C[j] - C[j-1] - g[j] = 0 (j = 0..M-1, no C[-1]) then
  H[j] - H[j-1] - (y[j] - y[j-1]) C[j-1] = 0 (j = 1..M-1); columns >= 0, C[M-1] = 1,
  H[j] <= phi[j] = sum_k f[k] (y[j] - v[k])^+, H[0] <= 0, H[M-1] >= phi[M-1].

* ``bbm25-homogeneous`` (BBM25 Theorem 2, homogeneous values): ``values``,
  ``probabilities`` (non-negative, summing to 1), ``costs``, ``grid`` (strictly
  increasing, containing the values); prices p: the grid points in (c1, c2] (c1, c2 the
  two lowest costs; no upper limit for one cost) and c2 itself when it is not one; columns
  g[j] at j then t at M; minimise t subject to, per price,
  (p - c1) sum_{y[j] >= p} g[j] - t <= 0, per grid point y[s] the stop-loss row
  sum_j (y[j] - y[s])^+ g[j] <= sum_k f[k] (v[k] - y[s])^+, then y . g = v . f and
  sum_j g[j] = 1; columns >= 0.

Other problems are checked as LPs only (the output says so).

A problem's ``claims`` (exact pairs: ``revenue``, ``value``, ``total_producer_surplus``,
``expected_consumer_surplus`` and ``vbar`` for the Hotelling grid, where the consumer
surplus is v-bar / 2 plus the objective and v-bar is the end of ``support``) are derived
again from the proven objective and must match, so a changed headline number is
rejected; a claim this checker cannot derive is rejected too. Its ``reported`` entry holds
floating-point values for reading, which are printed as not checked. Exit status: 0 every
certificate accepted, 1 one was rejected, 2 one could not be read.
This file imports nothing outside the standard library, so it can be copied and run alone.
"""

import json
import sys
from fractions import Fraction

FORMAT = "infopricing.lp-certificate"


class CertificateError(ValueError):
    """The file is not a well-formed certificate."""


class InvalidProblem(CertificateError):
    """The stated problem is well-formed but not a valid instance of its kind (masses not
    summing to one, a grid out of order, ...): the certificate is rejected."""


def _q(pair, what):
    if pair is None:
        return None
    if (not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair)):
        raise CertificateError(f"{what}: expected [numerator, denominator] integers, got {pair!r}")
    if pair[1] == 0:
        raise CertificateError(f"{what}: zero denominator")
    return Fraction(pair[0], pair[1])


def _vec(data, key, size, allow_none):
    a = data.get(key)
    if not isinstance(a, list) or len(a) != size:
        raise CertificateError(f"{key}: expected a list of {size} entries")
    out = [_q(v, f"{key}[{i}]") for i, v in enumerate(a)]
    if not allow_none and any(v is None for v in out):
        raise CertificateError(f"{key}: every entry must be a number")
    return out


def _matrix(problem, key, rows, cols):
    a = problem.get(key)
    if not isinstance(a, list) or len(a) != rows:
        raise CertificateError(f"problem.{key}: expected {rows} rows")
    out = []
    for i, r in enumerate(a):
        if not isinstance(r, list) or len(r) != cols:
            raise CertificateError(f"problem.{key}[{i}]: expected {cols} entries")
        out.append([_q(v, f"problem.{key}[{i}][{j}]") for j, v in enumerate(r)])
        if any(v is None for v in out[-1]):
            raise CertificateError(f"problem.{key}[{i}]: every entry must be a number")
    return out


def _size(problem, key):
    v = problem.get(key)
    if not (isinstance(v, int) and not isinstance(v, bool) and v > 0):
        raise CertificateError(f"problem.{key}: expected a positive integer")
    return v


def _build_menu(problem):
    """The HS revenue LP of a menu (module docstring), from the problem's exact numbers."""
    n, k = _size(problem, "n_types"), _size(problem, "n_alternatives")
    V = _matrix(problem, "values", n, k)
    f = _matrix({"p": [[v] for v in problem.get("probabilities") or []]}, "p", n, 1)
    f = [r[0] for r in f]
    N = n * k + n
    A, lo, hi = [], [], []
    for t in range(n):
        A.append({t * k + a: Fraction(1) for a in range(k)})
        lo.append(None)
        hi.append(Fraction(1))
    for t in range(n):
        for s in range(n):
            if s == t:
                continue
            r = {n * k + t: Fraction(1), n * k + s: Fraction(-1)}
            for a in range(k):
                d = V[t][a] - V[s][a]
                if d:
                    r[s * k + a] = -d
            A.append(r)
            lo.append(Fraction(0))
            hi.append(None)
    c = [f[t] * V[t][a] for t in range(n) for a in range(k)] + [-f[t] for t in range(n)]
    return "max", A, lo, hi, [Fraction(0)] * N, [None] * N, c


def _persuasion_lp(mu, uR, uS):
    """The obedience LP of a prior ``mu`` (n), receiver and sender utilities (n x m)."""
    n, m = len(uR), len(uR[0])
    A, lo, hi = [], [], []
    for w in range(n):
        A.append({w * m + a: Fraction(1) for a in range(m)})
        lo.append(mu[w])
        hi.append(mu[w])
    for a in range(m):
        for b in range(m):
            if a == b:
                continue
            A.append({w * m + a: uR[w][a] - uR[w][b] for w in range(n) if uR[w][a] != uR[w][b]})
            lo.append(Fraction(0))
            hi.append(None)
    N = n * m
    return "max", A, lo, hi, [Fraction(0)] * N, [None] * N, [uS[w][a] for w in range(n) for a in range(m)]


def _build_persuasion(problem):
    """The obedience LP of Bayesian persuasion (module docstring), from the problem."""
    mu = problem.get("prior")
    if not isinstance(mu, list) or not mu:
        raise CertificateError("problem.prior: expected a list")
    n = len(mu)
    mu = [r[0] for r in _matrix({"p": [[v] for v in mu]}, "p", n, 1)]
    uR0 = problem.get("receiver_utility")
    m = len(uR0[0]) if isinstance(uR0, list) and uR0 and isinstance(uR0[0], list) else 0
    if m == 0:
        raise CertificateError("problem.receiver_utility: expected an n x m matrix")
    uR = _matrix(problem, "receiver_utility", n, m)
    uS = _matrix(problem, "sender_utility", n, m)
    return _persuasion_lp(mu, uR, uS)


def _numbers(problem, key):
    """A non-empty list of exact numbers (problem[key], a list of pairs)."""
    a = problem.get(key)
    if not isinstance(a, list) or not a:
        raise CertificateError(f"problem.{key}: expected a non-empty list")
    return [r[0] for r in _matrix({key: [[v] for v in a]}, key, len(a), 1)]


def _build_convex_order(problem):
    """The convex-order LP of mpc_optimize (module docstring), from the problem's numbers."""
    V, P = _numbers(problem, "prior_values"), _numbers(problem, "prior_probabilities")
    Y, c = _numbers(problem, "grid"), _numbers(problem, "objective")
    form, sense = problem.get("formulation"), problem.get("sense")
    K, M = len(V), len(Y)
    if len(P) != K or len(c) != M:
        raise CertificateError("problem: one probability per prior value and one objective "
                               "coefficient per grid point expected")
    if form not in ("transport", "cdf") or sense not in ("max", "min"):
        raise CertificateError("problem.formulation must be 'transport' or 'cdf' and "
                               "problem.sense 'max' or 'min'")
    # what makes the LP the convex order of the stated prior on the stated grid
    if any(p <= 0 for p in P) or sum(P) != 1:
        raise InvalidProblem("problem.prior_probabilities: not positive masses summing to 1")
    if any(a >= b for a, b in zip(Y, Y[1:])):
        raise InvalidProblem("problem.grid: not strictly increasing")
    if not set(V) <= set(Y):
        raise InvalidProblem("problem.grid does not contain the prior's support")
    zero, one = Fraction(0), Fraction(1)
    if form == "transport":
        N = K * M
        A = [dict() for _ in range(K + 2 * M)]
        for k in range(K):
            for j in range(M):
                A[k][k * M + j] = one
                if V[k] != Y[j]:
                    A[K + j][k * M + j] = V[k] - Y[j]
                A[K + M + j][k * M + j] = -one
        for j in range(M):
            A[K + M + j][N + j] = one
        b = P + [zero] * (2 * M)
        return sense, A, b, list(b), [zero] * (N + M), [None] * (N + M), [zero] * N + c
    phi = [sum((p * (y - v) for v, p in zip(V, P) if y > v), zero) for y in Y]
    A = []
    for j in range(M):
        A.append({M + j: one, j: -one, **({M + j - 1: -one} if j else {})})
    for j in range(1, M):
        A.append({2 * M + j: one, 2 * M + j - 1: -one, M + j - 1: -(Y[j] - Y[j - 1])})
    cl, cu = [zero] * (3 * M), [None] * (2 * M) + phi
    cl[2 * M - 1] = cu[2 * M - 1] = one
    cl[3 * M - 1] = phi[-1]
    cu[2 * M] = zero
    b = [zero] * (2 * M - 1)
    return sense, A, b, list(b), cl, cu, c + [zero] * (2 * M)


def _build_bbm25_homogeneous(problem):
    """The BBM25 Theorem 2 LP (module docstring), from the problem's numbers."""
    V, P = _numbers(problem, "values"), _numbers(problem, "probabilities")
    C, Y = sorted(_numbers(problem, "costs")), _numbers(problem, "grid")
    if len(P) != len(V):
        raise CertificateError("problem: one probability per value expected")
    if any(p < 0 for p in P) or sum(P) != 1:
        raise InvalidProblem("problem.probabilities: not non-negative masses summing to 1")
    if any(a >= b for a, b in zip(Y, Y[1:])):
        raise InvalidProblem("problem.grid: not strictly increasing")
    if not set(V) <= set(Y):
        raise InvalidProblem("problem.grid does not contain the prior's support")
    c1, cap = C[0], (C[1] if len(C) > 1 else None)
    prices = [q for q in Y if q > c1 and (cap is None or q <= cap)]
    if cap is not None and cap > c1 and cap not in prices:
        prices.append(cap)
    m, zero, one = len(Y), Fraction(0), Fraction(1)
    A = [{**{j: p - c1 for j, q in enumerate(Y) if q >= p}, m: -one} for p in prices]
    A += [{j: w - q for j, w in enumerate(Y) if w > q} for q in Y]
    A.append({j: q for j, q in enumerate(Y) if q})
    A.append({j: one for j in range(m)})
    R = len(prices)
    mean = sum((a * b for a, b in zip(V, P)), zero)
    slF = [sum((p * (v - q) for v, p in zip(V, P) if v > q), zero) for q in Y]
    lo = [None] * (R + m) + [mean, one]
    hi = [zero] * R + slF + [mean, one]
    return "min", A, lo, hi, [zero] * (m + 1), [None] * (m + 1), [zero] * m + [one]


def _table(problem, key, cols=None):
    """A non-empty exact matrix problem[key] (rows of pairs, all of one length)."""
    a = problem.get(key)
    if not isinstance(a, list) or not a or not isinstance(a[0], list) or not a[0]:
        raise CertificateError(f"problem.{key}: expected a non-empty matrix")
    return _matrix(problem, key, len(a), len(a[0]) if cols is None else cols)


def _ints(problem, key, size):
    a = problem.get(key)
    if (not isinstance(a, list) or len(a) != size
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in a)):
        raise CertificateError(f"problem.{key}: expected {size} integers")
    return a


def _distribution(P, key, positive=False):
    if any(p < 0 or (positive and p == 0) for p in P) or sum(P) != 1:
        raise InvalidProblem(f"problem.{key}: not {'positive' if positive else 'non-negative'} "
                             "masses summing to 1")


def _increasing(Y, key):
    if any(a >= b for a, b in zip(Y, Y[1:])):
        raise InvalidProblem(f"problem.{key}: not strictly increasing")


def _build_clw_information(problem):
    """CLW, the menu fixed: the revenue-maximising information is the persuasion LP whose
    actions are the offered items then the outside option (module docstring)."""
    V = _table(problem, "values")
    n, m = len(V), len(V[0])
    f = _numbers(problem, "probabilities")
    X = _table(problem, "allocations", m)
    p = _numbers(problem, "prices")
    if len(f) != n or len(p) != len(X):
        raise CertificateError("problem: one probability per profile and one price per item expected")
    _distribution(f, "probabilities")
    if any(a < 0 for r in X for a in r) or any(sum(r) > 1 for r in X):
        raise InvalidProblem("problem.allocations: an item is not a lottery over the products "
                             "(entries >= 0 summing to at most 1)")
    if any(q < 0 for q in p):
        raise InvalidProblem("problem.prices: a price is negative")
    zero = Fraction(0)
    uR = [[sum((v * x for v, x in zip(V[t], X[a])), zero) - p[a] for a in range(len(X))] + [zero]
          for t in range(n)]
    uS = [list(p) + [zero] for _ in range(n)]
    return _persuasion_lp(f, uR, uS)


def _build_clw_prices(problem):
    """CLW, the information and each signal's purchase fixed: the price LP over one price per
    group (module docstring)."""
    V = _table(problem, "values")
    n, m = len(V), len(V[0])
    f = _numbers(problem, "probabilities")
    sig = _table(problem, "signal")
    if len(f) != n or len(sig) != n:
        raise CertificateError("problem: one probability and one signal row per profile expected")
    S = len(sig[0])
    rec = _ints(problem, "recommend", S)
    groups = _ints(problem, "price_groups", m)
    _distribution(f, "probabilities")
    if any(q < 0 for r in sig for q in r) or any(sum(r) != 1 for r in sig):
        raise InvalidProblem("problem.signal: rows are not probability vectors")
    if any(not -1 <= k < m for k in rec) or any(g < 0 for g in groups):
        raise InvalidProblem(f"problem: recommendations must lie in -1..{m - 1} and price groups "
                             "be non-negative")
    zero, one = Fraction(0), Fraction(1)
    gid = sorted(set(groups))
    g = [gid.index(x) for x in groups]
    G = len(gid)
    r = [sum((f[t] * sig[t][s] for t in range(n)), zero) for s in range(S)]
    live = [s for s in range(S) if r[s] > 0]
    nu = {s: [sum((f[t] * sig[t][s] * V[t][j] for t in range(n)), zero) / r[s] for j in range(m)]
          for s in live}
    used = {g[rec[s]] for s in live if rec[s] >= 0}
    offered = [j for j in range(m) if g[j] in used]
    A, lo = [], []
    for s in live:
        k = rec[s]
        for j in offered:
            if k >= 0 and j == k:
                continue
            if k < 0:  # q_gj >= nu_j: the signal buys nothing
                A.append({g[j]: one})
                lo.append(nu[s][j])
            elif g[j] != g[k]:  # q_gj - q_gk >= nu_j - nu_k: product k beats product j
                A.append({g[j]: one, g[k]: -one})
                lo.append(nu[s][j] - nu[s][k])
            elif nu[s][j] > nu[s][k]:
                raise InvalidProblem(f"signal {s}: products {k} and {j} share a price but {j} "
                                     "has the higher posterior mean; no price obeys it")
        if k >= 0:  # IR: nu_k - q_gk >= 0
            A.append({g[k]: -one})
            lo.append(-nu[s][k])
    c = [zero] * G
    for s in live:
        if rec[s] >= 0:
            c[g[rec[s]]] += r[s]
    vmax = max(v for row in V for v in row)
    return "max", A, lo, [None] * len(A), [zero] * G, [vmax] * G, c


def _build_bbm25_unknown(problem):
    """BBM25 Theorem 2 with random costs: minimal total producer surplus over value
    garblings, one interim distribution per cost vector (module docstring)."""
    v = _numbers(problem, "values")
    C = _table(problem, "costs")
    P, Y = _numbers(problem, "probabilities"), _numbers(problem, "grid")
    if len(P) != len(v) or len(C) != len(v):
        raise CertificateError("problem: one value, cost vector and probability per profile expected")
    _distribution(P, "probabilities")
    _increasing(Y, "grid")
    live = [k for k in range(len(v)) if P[k] > 0]
    if not {v[k] for k in live} <= set(Y):
        raise InvalidProblem("problem.grid does not contain the prior's values")
    if any(v[k] < min(C[k]) for k in live):
        raise InvalidProblem("problem: common knowledge of gains from trade fails "
                             "(a value below every cost)")
    kappas = sorted({tuple(C[k]) for k in live})
    K, N, M = len(kappas), len(C[0]), len(Y)
    zero, one = Fraction(0), Fraction(1)
    A, lo, hi, n_agents = [], [], [], 0
    price_rows = []
    for i in range(N):
        cap = [min(kap[:i] + kap[i + 1:]) if N > 1 else None for kap in kappas]
        uniq = [cap[k] is None or kappas[k][i] < cap[k] for k in range(K)]
        for a in sorted({kappas[k][i] for k in range(K) if uniq[k]}):
            ks = [k for k in range(K) if uniq[k] and kappas[k][i] == a]
            col = K * M + n_agents
            n_agents += 1
            res = lambda k, y: y if cap[k] is None else min(y, cap[k])
            for p in sorted({res(k, y) for k in ks for y in Y if res(k, y) > a}):
                row = {k * M + j: p - a for k in ks for j, y in enumerate(Y) if res(k, y) >= p}
                row[col] = -one
                price_rows.append(row)
    A += price_rows
    lo += [None] * len(A)
    hi += [zero] * len(A)
    for k, kap in enumerate(kappas):
        sel = [t for t in live if tuple(C[t]) == kap]
        mass = sum((P[t] for t in sel), zero)
        mean = sum((P[t] * v[t] for t in sel), zero)
        A.append({k * M + j: one for j in range(M)})
        A.append({k * M + j: y for j, y in enumerate(Y) if y})
        lo += [mass, mean]
        hi += [mass, mean]
        for q in Y:  # stop-loss E_G (v - q)^+ <= E_F (v - q)^+ within the cost vector
            A.append({k * M + j: y - q for j, y in enumerate(Y) if y > q})
            lo.append(None)
            hi.append(sum((P[t] * (v[t] - q) for t in sel if v[t] > q), zero))
    nv = K * M + n_agents
    return "min", A, lo, hi, [zero] * nv, [None] * nv, [zero] * (K * M) + [one] * n_agents


def _build_hotelling_grid(problem):
    """BBM25 Theorem 3's grid LP: symmetric contractions of a symmetric prior, |r| on the
    support (module docstring)."""
    V, P = _numbers(problem, "prior_values"), _numbers(problem, "prior_probabilities")
    Y = _numbers(problem, "support")
    if len(P) != len(V):
        raise CertificateError("problem: one probability per prior value expected")
    _distribution(P, "prior_probabilities", positive=True)
    mass = dict(zip(V, P))
    if len(mass) != len(V) or any(mass.get(-x) != q for x, q in mass.items()):
        raise InvalidProblem("problem: the prior is not symmetric about 0 (distinct values, "
                             "-r with the mass of r)")
    _increasing(Y, "support")
    if Y[0] < 0 or not {abs(x) for x in V} <= set(Y):
        raise InvalidProblem("problem.support: not non-negative or missing some |r| of the prior")
    zero, one, half = Fraction(0), Fraction(1), Fraction(1, 2)
    M = len(Y)
    T = sorted(set(Y) | {x for x in V if x >= 0})
    A, hi = [], []
    for k, y in enumerate(Y):  # the price y_k earns y_k P(r >= y_k) <= t per producer
        if y > 0:
            A.append({**{j: y * half for j in range(k, M)}, M: -one})
            hi.append(zero)
    for t in T:  # stop-loss E_G (r - t)^+ <= E_F (r - t)^+
        A.append({j: (y - t) * half for j, y in enumerate(Y) if y > t})
        hi.append(sum((q * (x - t) for x, q in zip(V, P) if x > t), zero))
    A.append({j: one for j in range(M)})
    lo = [None] * (len(A) - 1) + [one]
    hi.append(one)
    return "max", A, lo, hi, [zero] * (M + 1), [None] * (M + 1), [y * half for y in Y] + [-2 * one]


#: builder name -> function(problem) returning (sense, rows, row_lower, row_upper,
#: col_lower, col_upper, c); one entry per kind, in the order of the module docstring
BUILDERS = {
    "hs-menu-revenue": _build_menu,
    "persuasion": _build_persuasion,
    "convex-order": _build_convex_order,
    "bbm25-homogeneous": _build_bbm25_homogeneous,
    "clw-information": _build_clw_information,
    "clw-prices": _build_clw_prices,
    "bbm25-unknown": _build_bbm25_unknown,
    "hotelling-grid": _build_hotelling_grid,
}


def _hotelling_claims(problem, obj):
    vbar = max(_numbers(problem, "support"))  # the grid runs from 0 to v-bar
    return {"vbar": vbar, "expected_consumer_surplus": obj + vbar / 2}


#: builder name -> function(problem, proven objective) -> {claim name: exact value}: the
#: headline numbers a certificate of that kind may claim, derived here from the proof
CLAIMS = {
    "hs-menu-revenue": lambda problem, obj: {"revenue": obj},
    "persuasion": lambda problem, obj: {"value": obj},
    "convex-order": lambda problem, obj: {"value": obj},
    "clw-information": lambda problem, obj: {"revenue": obj},
    "clw-prices": lambda problem, obj: {"revenue": obj},
    "bbm25-unknown": lambda problem, obj: {"total_producer_surplus": obj},
    "hotelling-grid": _hotelling_claims,
}


def check_claims(problem, obj):
    """Compare the problem's ``claims`` (exact pairs) with the values derived from the
    proven objective ``obj``. Returns (list of proven claim strings, list of failures)."""
    claims = problem.get("claims") if isinstance(problem, dict) else None
    if claims is None:
        return [], []
    if not isinstance(claims, dict):
        raise CertificateError("problem.claims must be a table of [numerator, denominator] pairs")
    name = problem.get("builder")
    try:
        derived = CLAIMS[name](problem, obj) if name in CLAIMS else {}
    except InvalidProblem as exc:
        return [], [f"claims: {exc}"]
    proven, fails = [], []
    for key, pair in claims.items():
        q = _q(pair, f"problem.claims.{key}")
        if key not in derived:
            fails.append(f"claim {key!r} cannot be derived from this LP by the checker "
                         f"(builder {name!r}); it is not proven")
        elif q != derived[key]:
            fails.append(f"claimed {key} {q} differs from the proven {derived[key]}")
        else:
            proven.append(f"{key} = {q} (= {float(q)!r})")
    return proven, fails


def rebuild_matches(data, lp):
    """Compare the LP in the file with the one rebuilt from its problem's numbers.

    Returns (rebuilt: bool, list of mismatch messages); ``rebuilt`` is False when the problem
    names no builder this script knows."""
    problem = data.get("problem")
    name = problem.get("builder") if isinstance(problem, dict) else None
    if name is None:
        return False, []
    if name not in BUILDERS:
        raise CertificateError(f"problem.builder {name!r} is not one this checker knows "
                               f"({', '.join(sorted(BUILDERS))})")
    try:
        sense, A, lo, hi, cl, cu, c = BUILDERS[name](problem)
    except InvalidProblem as exc:
        return True, [f"the stated problem is not a valid {name} problem: {exc}"]
    sense0, rows0, lo0, hi0, cl0, cu0, c0 = lp
    msgs = []
    if sense != sense0:
        msgs.append(f"sense {sense0!r} differs from the problem's {sense!r}")
    if len(A) != len(rows0) or len(c) != len(c0):
        msgs.append(f"the LP is {len(rows0)} x {len(c0)}, the problem's is {len(A)} x {len(c)}")
        return True, msgs
    for what, a, b in (("c", c0, c), ("row_lower", lo0, lo), ("row_upper", hi0, hi),
                       ("col_lower", cl0, cl), ("col_upper", cu0, cu)):
        for i, (u, v) in enumerate(zip(a, b)):
            if u != v:
                msgs.append(f"{what}[{i}] is {u}, the problem gives {v}")
    for i, (r0, r) in enumerate(zip(rows0, A)):
        if r0 != r:
            j = min(set(r0) ^ set(r) | {j for j in r if r0.get(j) != r[j]})
            msgs.append(f"A[{i},{j}] is {r0.get(j, 0)}, the problem gives {r.get(j, 0)}")
    return True, [f"the LP does not encode the stated problem: {m}" for m in msgs[:10]]


def check(data):
    """Check a certificate (the parsed JSON). Returns (ok, list of messages)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CertificateError(f"not an {FORMAT} document")
    if data.get("version") != 1:
        raise CertificateError(f"unsupported version {data.get('version')!r}")
    sense = data.get("sense")
    if sense not in ("max", "min"):
        raise CertificateError(f"sense must be 'max' or 'min', got {sense!r}")
    m, n = data.get("rows"), data.get("cols")
    if not (isinstance(m, int) and isinstance(n, int) and m >= 0 and n >= 0):
        raise CertificateError("rows and cols must be non-negative integers")
    c = _vec(data, "c", n, False)
    rl, ru = _vec(data, "row_lower", m, True), _vec(data, "row_upper", m, True)
    cl, cu = _vec(data, "col_lower", n, True), _vec(data, "col_upper", n, True)
    x, y = _vec(data, "primal", n, False), _vec(data, "row_dual", m, False)
    claimed = _q(data.get("objective"), "objective")
    if claimed is None:
        raise CertificateError("objective missing")
    rows = [dict() for _ in range(m)]
    ents = data.get("A")
    if not isinstance(ents, list):
        raise CertificateError("A: expected a list of [row, col, num, den]")
    for e in ents:
        if not (isinstance(e, list) and len(e) == 4 and all(isinstance(v, int) for v in e)):
            raise CertificateError(f"A: bad entry {e!r}")
        i, j = e[0], e[1]
        if not (0 <= i < m and 0 <= j < n):
            raise CertificateError(f"A: entry {e!r} out of range")
        if j in rows[i]:
            raise CertificateError(f"A: duplicate entry ({i}, {j})")
        rows[i][j] = _q(e[2:], f"A[{i},{j}]")

    rebuilt, msgs = rebuild_matches(data, (sense, rows, rl, ru, cl, cu, c))
    for j in range(n):
        if cl[j] is not None and x[j] < cl[j]:
            msgs.append(f"primal infeasible: column {j} below its lower bound by {cl[j] - x[j]}")
        if cu[j] is not None and x[j] > cu[j]:
            msgs.append(f"primal infeasible: column {j} above its upper bound by {x[j] - cu[j]}")
    d = list(c)
    for i in range(m):
        act = sum((v * x[j] for j, v in rows[i].items()), Fraction(0))
        if rl[i] is not None and act < rl[i]:
            msgs.append(f"primal infeasible: row {i} below its lower bound by {rl[i] - act}")
        if ru[i] is not None and act > ru[i]:
            msgs.append(f"primal infeasible: row {i} above its upper bound by {act - ru[i]}")
        if y[i]:
            for j, v in rows[i].items():
                d[j] -= v * y[i]
    bound = Fraction(0)
    dual_ok = True
    for what, w, lo, hi in ([(f"row {i}", y[i], rl[i], ru[i]) for i in range(m)]
                            + [(f"column {j}", d[j], cl[j], cu[j]) for j in range(n)]):
        if w == 0:
            continue
        b = (hi if w > 0 else lo) if sense == "max" else (lo if w > 0 else hi)
        if b is None:
            dual_ok = False
            msgs.append(f"dual infeasible: {what} multiplier {w} pushes against an infinite bound")
        else:
            bound += w * b
    obj = sum((ci * xi for ci, xi in zip(c, x)), Fraction(0))
    if obj != claimed:
        msgs.append(f"claimed objective {claimed} differs from c.x = {obj}")
    if dual_ok and bound != obj:
        msgs.append(f"duality gap: dual bound {bound} vs objective {obj} (difference {bound - obj})")
    problem = data.get("problem")
    proven, bad = check_claims(problem, obj)
    msgs += bad
    if not msgs:
        msgs.append(f"certificate accepted: optimal value {obj} (= {float(obj)!r}), "
                    f"{m} rows, {n} columns, sense {sense}")
        msgs.append("the LP was rebuilt from the problem's numbers and matches" if rebuilt else
                    "note: the problem names no builder this checker knows; the LP is checked "
                    "as written, not against the problem's numbers")
        if proven:
            msgs.append("proven claims: " + "; ".join(proven))
        reported = problem.get("reported") if isinstance(problem, dict) else None
        if isinstance(reported, dict):
            shown = ", ".join(f"{k} {v!r}" for k, v in reported.items() if k != "note")
            msgs.append(f"not checked (reported floating-point values, for reading): {shown}")
        return True, msgs
    return False, msgs


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[0])
        print("usage: check_certificate.py cert.json [more.json ...]")
        return 0 if args else 2
    status = 0
    for path in args:
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            ok, msgs = check(data)
        except (OSError, ValueError) as exc:  # CertificateError and JSON errors are ValueErrors
            print(f"{path}: unreadable certificate: {exc}")
            status = max(status, 2)
            continue
        problem = data.get("problem", {}).get("kind", "") if isinstance(data.get("problem"), dict) else ""
        head = f"{path}" + (f" ({problem})" if problem else "")
        print(f"{head}: {'OK' if ok else 'REJECTED'}")
        for msg in msgs[:20]:
            print("  " + msg)
        if not ok:
            status = max(status, 1)
    return status


# ---------------------------------------------------------------------------------------
# hs-closure-surplus (HS surplus results: ConsumerOptimalSegmentation, SurplusSet)
# ---------------------------------------------------------------------------------------
def _build_hs_closure(problem):
    """The closure LP of a market over the cells of the market simplex, along a direction
    (d_cs, d_ps) of (consumer surplus, producer surplus): ``market`` f (n), ``values``
    (n x k), ``direction`` (2) and ``cells``, each with ``generators`` (markets: g x n),
    its mechanism's ``allocation`` (n x k), ``payments`` and ``utilities`` (n). Columns
    lam[j], one per generator (cells in order); rows: n rows sum_j lam[j] a_j[t] = f[t];
    lam >= 0; maximise sum_j lam[j] (d_cs a_j . u + d_ps a_j . p) with u, p of a_j's
    cell. Each cell's numbers must be an IC, IR mechanism of the stated values (u = v . x
    - p, x >= 0, sum_a x[t, a] <= 1, u[t] >= v[t] . x[s] - p[s], u >= 0) and each
    generator and the market probability vectors; that the mechanism is the cell's
    selected optimal one is taken from the certificate's producer."""
    f = _numbers(problem, "market")
    n = len(f)
    V0 = problem.get("values")
    k = len(V0[0]) if isinstance(V0, list) and V0 and isinstance(V0[0], list) else 0
    if k == 0:
        raise CertificateError("problem.values: expected an n x k matrix")
    V = _matrix(problem, "values", n, k)
    d = _numbers(problem, "direction")
    cells = problem.get("cells")
    if len(d) != 2 or not isinstance(cells, list) or not cells:
        raise CertificateError("problem: expected a 2-entry direction and a list of cells")
    if any(q < 0 for q in f) or sum(f) != 1:
        raise InvalidProblem("problem.market: not non-negative masses summing to 1")
    A = [dict() for _ in range(n)]
    c = []
    for ci, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("generators"), list):
            raise CertificateError(f"problem.cells[{ci}]: expected generators")
        G = _matrix(cell, "generators", len(cell["generators"]), n)
        u = [r[0] for r in _matrix({"u": [[q] for q in cell.get("utilities") or []]}, "u", n, 1)]
        p = [r[0] for r in _matrix({"p": [[q] for q in cell.get("payments") or []]}, "p", n, 1)]
        X = _matrix(cell, "allocation", n, k)
        for t in range(n):
            if any(x < 0 for x in X[t]) or sum(X[t]) > 1:
                raise InvalidProblem(f"cell {ci}: type {t}'s lottery is not a sub-probability vector")
            if u[t] != sum((V[t][a] * X[t][a] for a in range(k)), Fraction(0)) - p[t]:
                raise InvalidProblem(f"cell {ci}: utility of type {t} is not v . x - p")
            if u[t] < 0:
                raise InvalidProblem(f"cell {ci}: type {t}'s participation (IR) fails")
            for s in range(n):
                if u[t] < sum((V[t][a] * X[s][a] for a in range(k)), Fraction(0)) - p[s]:
                    raise InvalidProblem(f"cell {ci}: type {t} prefers type {s}'s item (IC)")
        for g in G:
            if any(x < 0 for x in g) or sum(g) != 1:
                raise InvalidProblem(f"cell {ci}: a generator is not a market")
            j = len(c)
            for t in range(n):
                if g[t]:
                    A[t][j] = g[t]
            c.append(d[0] * sum((g[t] * u[t] for t in range(n)), Fraction(0))
                     + d[1] * sum((g[t] * p[t] for t in range(n)), Fraction(0)))
    N = len(c)
    return "max", A, f, list(f), [Fraction(0)] * N, [None] * N, c


BUILDERS["hs-closure-surplus"] = _build_hs_closure


if __name__ == "__main__":
    sys.exit(main())
