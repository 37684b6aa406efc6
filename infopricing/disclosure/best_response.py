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
    return dataclasses.replace(evaluate_design(dist, sig, menu), lp_record=res.lp_record)


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
    q = np.clip(res.x, 0.0, vmax)
    prices = np.where(offered, q[g], np.inf)
    return dataclasses.replace(evaluate_design(dist, signal, Menu.pricing(prices, products=dist.products)),
                               lp_record=record)
