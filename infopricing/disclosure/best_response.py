"""One instrument fixed, the other optimised: both halves are linear programs.

* Fix the menu, optimise the information: a Bayesian persuasion LP whose signals are
  recommendations of menu items (revelation principle; Kamenica-Gentzkow). The seller is
  the sender (utility = price of the item bought), the buyer the receiver (utility =
  ``v . x - price``); obedience constraints make each recommendation a best response,
  so ties are resolved in the seller's favour.
* Fix the information and which product each signal buys, optimise the prices: an LP
  in the prices whose constraints are price differences (a shortest-path system).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

from .. import tolerances as tol
from ..errors import SolverError
from ..information import persuade
from ..lp import Status
from ..lp.exact_certificate import solve_lp_recorded
from .design import DesignEvaluation, Menu, as_menu, evaluate_design
from .distribution import ValueDistribution, _check_dist
from .signals import Signal


def optimal_information(dist: ValueDistribution, menu) -> DesignEvaluation:
    """Fix the menu; find the revenue-maximising information structure.

    Parameters
    ----------
    dist : ValueDistribution
    menu : Menu or array_like of m prices (a pricing mechanism; ``inf`` = not offered)

    Returns
    -------
    DesignEvaluation
        The design whose signals are the recommended items (signals of probability zero
        dropped), evaluated with seller-favourable tie-breaking.

    Raises
    ------
    SolverError
        When the LP is not solved to optimality.

    References
    ----------
    CLW, Appendix A.6 and the proof of Lemma 2 ("fixing the mechanism, the information
    structure solves a Bayesian persuasion problem"); Kamenica and Gentzkow (2011).
    """
    _check_dist(dist)
    menu = as_menu(menu, dist)
    offered = np.flatnonzero(np.isfinite(menu.prices))
    alloc = menu.allocations[offered]
    price = menu.prices[offered]
    # actions: offered items, then the outside option
    receiver = np.concatenate([dist.values @ alloc.T - price[None, :], np.zeros((dist.n_profiles, 1))], axis=1)
    sender = np.concatenate([np.broadcast_to(price, (dist.n_profiles, price.size)),
                             np.zeros((dist.n_profiles, 1))], axis=1)
    res = persuade(dist.probabilities, receiver, sender)
    if res.status is not Status.OPTIMAL:
        raise SolverError(f"persuasion LP for a fixed menu: {res.status.name}")
    pi = np.maximum(np.asarray(res.joint, dtype=float), 0.0)
    used = np.flatnonzero(pi.sum(axis=0) > tol.MASS)
    f = dist.probabilities
    mat = np.zeros((dist.n_profiles, used.size))
    pos = f > 0
    mat[pos] = pi[pos][:, used] / f[pos, None]
    mat[~pos, 0] = 1.0
    names = [menu.labels[k] for k in offered] + ["no purchase"]
    sig = Signal(dist, mat / mat.sum(axis=1, keepdims=True), labels=tuple(f"buy {names[a]}" for a in used))
    record = _information_exact_lp(res.lp_record, dist, alloc, price)
    return dataclasses.replace(evaluate_design(dist, sig, menu), lp_record=record)


def _exact_matrix(a) -> list:
    """Rows of exact rationals of a float matrix (:mod:`infopricing.exact_numbers`)."""
    from ..exact_numbers import exact_array

    a = np.asarray(a, dtype=float)
    flat = exact_array(a.ravel())
    k = a.shape[1]
    return [flat[i * k:(i + 1) * k] for i in range(a.shape[0])]


def _exact_distribution(dist):
    """(values, probabilities) of ``dist`` as exact rationals, masses divided by their exact
    sum."""
    from ..exact_numbers import exact_market

    return _exact_matrix(dist.values), list(exact_market(dist))


def _information_exact_lp(record, dist, alloc, price):
    """The fixed-menu information LP (persuasion over the offered items, then the outside
    option) in the model's exact numbers, for the exact certificate and the checker's
    ``clw-information`` builder."""
    from fractions import Fraction

    from ..exact_numbers import exact_array
    from ..lp.exact_certificate import json_rationals, with_exact_lp

    if record is None:
        return None
    V, f = _exact_distribution(dist)
    X = _exact_matrix(alloc) if alloc.size else []
    p = exact_array(price)
    n, K = len(V), len(p)
    m = K + 1
    zero, one = Fraction(0), Fraction(1)
    uR = [[sum((v * x for v, x in zip(V[t], X[a])), zero) - p[a] for a in range(K)] + [zero]
          for t in range(n)]
    rows = [{t * m + a: one for a in range(m)} for t in range(n)]
    for a in range(m):
        for b in range(m):
            if a != b:
                rows.append({t * m + a: uR[t][a] - uR[t][b] for t in range(n)
                             if uR[t][a] != uR[t][b]})
    P = m * (m - 1)
    c = [p[a] if a < K else zero for t in range(n) for a in range(m)]
    N = n * m
    problem = {"kind": "CLW information LP (menu fixed)", "builder": "clw-information", "values": json_rationals(V),
               "probabilities": json_rationals(f), "allocations": json_rationals(X),
               "prices": json_rationals(p),
               "variables": "joint[t, a] at t * (n_items + 1) + a (offered items, then no purchase)"}
    return with_exact_lp(record, rows, c, f + [zero] * P, f + [None] * P, [zero] * N, [None] * N,
                         problem)


def optimal_prices_for_signal(dist: ValueDistribution, signal: Signal, recommend=None,
                              price_groups=None) -> DesignEvaluation:
    """Fix the information structure and the product each signal buys; optimise prices.

    Parameters
    ----------
    dist : ValueDistribution
    signal : Signal
    recommend : array_like of int (n_signals,), optional
        Product bought after each signal (-1 = nothing). Default: the product with the
        highest posterior mean (an efficient allocation for this information).
    price_groups : array_like of int (m,), optional
        Products with the same group number must have the same price (all zeros =
        uniform pricing). Default: every product its own price.

    Returns
    -------
    DesignEvaluation
        The pricing mechanism at the optimal prices (products bought after no signal and
        sharing no group with such a product are not offered: price ``inf``).

    Raises
    ------
    ValueError
        When no prices make the recommendations best responses.

    References
    ----------
    CLW, Example 1 (prices 16/3 and 3 for the efficient mechanism) and the proof of
    Proposition 1 (mechanism M3).
    """
    _check_dist(dist)
    if not isinstance(signal, Signal):
        signal = Signal(dist, signal)
    m = dist.n_products
    r = signal.probabilities
    nu = signal.posterior_means
    live = np.flatnonzero(r > 0)
    if recommend is None:
        rec = np.full(signal.n_signals, -1, dtype=int)
        rec[live] = np.argmax(nu[live], axis=1)
    else:
        rec = np.asarray(recommend, dtype=int).ravel()
        if rec.size != signal.n_signals or np.any(rec < -1) or np.any(rec >= m):
            raise ValueError(f"recommend must give, for each of the {signal.n_signals} signals, a product "
                             f"index in 0..{m - 1} or -1")
    groups = np.arange(m) if price_groups is None else np.asarray(price_groups, dtype=int).ravel()
    if groups.size != m or np.any(groups < 0):
        raise ValueError(f"price_groups must give a non-negative group number for each of the {m} products")
    gid, g = np.unique(groups, return_inverse=True)
    G = gid.size
    used_groups = np.unique(g[rec[live][rec[live] >= 0]]) if np.any(rec[live] >= 0) else np.array([], int)
    offered = np.isin(g, used_groups)
    vmax = float(dist.values.max())
    rows, lo = [], []
    for s in live:
        k = rec[s]
        for j in np.flatnonzero(offered):
            if k >= 0 and j == k:
                continue
            row = np.zeros(G)
            if k >= 0:
                # nu_k - q_gk >= nu_j - q_gj   <=>   q_gj - q_gk >= nu_j - nu_k
                row[g[j]] += 1.0
                row[g[k]] -= 1.0
                rhs = nu[s, j] - nu[s, k]
            else:
                row[g[j]] = 1.0       # q_gj >= nu_j (no purchase)
                rhs = nu[s, j]
            if np.any(row != 0):
                rows.append(row)
                lo.append(rhs)
            elif rhs > tol.FEAS:
                raise ValueError(f"signal {s}: products {k} and {j} share a price but product {j} has the "
                                 "higher posterior; the recommendation cannot be obeyed")
        if k >= 0:  # IR
            row = np.zeros(G)
            row[g[k]] = -1.0
            rows.append(row)
            lo.append(-nu[s, k])
    c = np.zeros(G)
    for s in live:
        if rec[s] >= 0:
            c[g[rec[s]]] += r[s]
    A = sp.csr_matrix(np.array(rows)) if rows else None
    res, record = solve_lp_recorded(c, A, np.array(lo) if rows else None,
                                    np.full(len(rows), np.inf) if rows else None,
                                    col_lower=np.zeros(G), col_upper=np.full(G, vmax), sense="max")
    if res.status is Status.INFEASIBLE:
        raise ValueError("no prices make these recommendations obedient")
    if res.status is not Status.OPTIMAL:
        raise SolverError(f"price LP for a fixed signal: {res.status.name} ({res.message})")
    record = _prices_exact_lp(record, dist, signal, rec, groups, len(rows))
    q = np.clip(res.x, 0.0, vmax)
    prices = np.where(offered, q[g], np.inf)
    return dataclasses.replace(evaluate_design(dist, signal, Menu.pricing(prices, products=dist.products)),
                               lp_record=record)


def _prices_exact_lp(record, dist, signal, rec, groups, n_rows):
    """The price LP of :func:`optimal_prices_for_signal` in the model's exact numbers
    (posterior masses and means recomputed exactly from the signal matrix, its rows divided
    by their exact sums), for the exact certificate and the checker's ``clw-prices``
    builder; the record unchanged when an exact tie changes the LP's rows."""
    from fractions import Fraction

    from ..lp.exact_certificate import json_rationals, with_exact_lp

    V, f = _exact_distribution(dist)
    sig = [[q / sum(r, Fraction(0)) for q in r] for r in _exact_matrix(signal.matrix)]
    n, m, S = len(V), len(V[0]), len(sig[0])
    zero, one = Fraction(0), Fraction(1)
    gid = sorted(set(int(x) for x in groups))
    g = [gid.index(int(x)) for x in groups]
    G = len(gid)
    r = [sum((f[t] * sig[t][s] for t in range(n)), zero) for s in range(S)]
    live = [s for s in range(S) if r[s] > 0]
    nu = {s: [sum((f[t] * sig[t][s] * V[t][j] for t in range(n)), zero) / r[s] for j in range(m)]
          for s in live}
    used = {g[int(rec[s])] for s in live if rec[s] >= 0}
    offered = [j for j in range(m) if g[j] in used]
    rows, lo = [], []
    for s in live:
        k = int(rec[s])
        for j in offered:
            if k >= 0 and j == k:
                continue
            if k < 0:
                rows.append({g[j]: one})
                lo.append(nu[s][j])
            elif g[j] != g[k]:
                rows.append({g[j]: one, g[k]: -one})
                lo.append(nu[s][j] - nu[s][k])
            elif nu[s][j] > nu[s][k]:
                return record  # exactly disobeyed (within the float tolerance): no exact LP
        if k >= 0:
            rows.append({g[k]: -one})
            lo.append(-nu[s][k])
    if len(rows) != n_rows or record.A is None or record.A.shape[0] != n_rows:
        return record
    c = [zero] * G
    for s in live:
        if rec[s] >= 0:
            c[g[int(rec[s])]] += r[s]
    vmax = max(v for row in V for v in row)
    problem = {"kind": "CLW price LP (signal and purchases fixed)", "builder": "clw-prices", "values": json_rationals(V),
               "probabilities": json_rationals(f), "signal": json_rationals(sig),
               "recommend": [int(k) for k in rec], "price_groups": [int(x) for x in groups],
               "variables": "q[g] at g: one price per price group, groups in increasing order"}
    return with_exact_lp(record, rows, c, lo, [None] * len(rows), [zero] * G, [vmax] * G, problem)
