"""Unknown values (BBM25 Section III.A-B): value garblings, interim bounds, homogeneous
values, and consumer-optimal consumer information for a low-cost producer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .. import tolerances as tol
from ..errors import SolverError
from ..lp import Status, solve_lp
from ..model._validate import frozen, probability_vector, real_array
from .game import PricingGame, producer_surplus_bounds

__all__ = ["ValueGarbling", "value_garbling", "is_homogeneous", "has_common_knowledge_of_gains",
           "interim_bounds", "HomogeneousOptimum", "consumer_optimal_homogeneous"]


@dataclass(frozen=True)
class ValueGarbling:
    """A value garbling ``mu'`` of ``mu`` induced by a consumer signal.

    Attributes
    ----------
    prior : PricingGame
        ``mu``.
    interim : PricingGame
        ``mu'``: profiles are (signal, cost vector) pairs with the consumer's posterior
        mean values.
    kernel : ndarray (m', m)
        ``eta``: ``kernel[a, row]`` is the probability of prior profile ``row`` given
        interim profile ``a`` (zero unless the costs agree).

    References
    ----------
    BBM25, Section III.A (value garbling).
    """

    prior: PricingGame
    interim: PricingGame
    kernel: np.ndarray

    def verify(self, atol: float = tol.FEAS):
        """``mu = mu' eta``, costs preserved, and ``E[v | v', c] = v'``."""
        fails = []
        K, P, I = self.kernel, self.prior, self.interim
        if np.any(K < -atol) or np.max(np.abs(K.sum(axis=1) - 1)) > atol:
            fails.append("kernel rows are not distributions")
        if np.max(np.abs(I.probabilities @ K - P.probabilities)) > atol:
            fails.append("mu is not mu' averaged through the kernel")
        if np.max(np.abs(K @ P.values - I.values)) > atol:
            fails.append("noise does not have mean zero (E[v | v', c] != v')")
        on = K > atol
        for a in range(K.shape[0]):
            if np.any(np.abs(P.costs[on[a]] - I.costs[a]) > atol):
                fails.append(f"interim profile {a} mixes different costs")
                break
        return (not fails, fails)


def value_garbling(game: PricingGame, signal) -> ValueGarbling:
    """The garbling induced by a consumer signal ``signal[row, s] = P(s | profile row)``.

    Producers' costs are kept; the consumer's interim value of each good is the
    posterior mean given the signal and the cost profile.

    Parameters
    ----------
    game : PricingGame
    signal : array_like (m, S)
        Row-stochastic.

    Returns
    -------
    ValueGarbling

    References
    ----------
    BBM25, Section III.A.
    """
    if not isinstance(game, PricingGame):
        raise TypeError(f"game must be a PricingGame, got {type(game).__name__}")
    S = real_array(signal, "signal", ndim=2)
    if S.shape[0] != game.n_profiles:
        raise ValueError(f"signal must have one row per profile ({game.n_profiles}), got {S.shape[0]}")
    if np.any(S < 0) or np.max(np.abs(S.sum(axis=1) - 1)) > tol.PROB_SUM:
        raise ValueError("signal rows must be probability vectors (non-negative, summing to 1)")
    costs_u, cost_idx = np.unique(game.costs, axis=0, return_inverse=True)
    cost_idx = cost_idx.ravel()
    vals, costs, probs, rows = [], [], [], []
    for s in range(S.shape[1]):
        for ci in range(costs_u.shape[0]):
            w = game.probabilities * S[:, s] * (cost_idx == ci)
            mass = w.sum()
            if mass <= tol.MASS:
                continue
            vals.append(w @ game.values / mass)
            costs.append(costs_u[ci])
            probs.append(mass)
            rows.append(w / mass)
    probs = np.array(probs)
    interim = PricingGame(np.array(vals), np.array(costs), probs / probs.sum(),
                          producers=game.producers)
    return ValueGarbling(game, interim, frozen(np.array(rows)))


def is_homogeneous(game: PricingGame, atol: float = tol.EQUAL) -> bool:
    """``v_1 = ... = v_N`` on the support (BBM25, Section III.B)."""
    v = game.values[game.probabilities > 0]
    return bool(np.all(np.abs(v - v[:, :1]) <= atol))


def has_common_knowledge_of_gains(game: PricingGame, atol: float = tol.EQUAL) -> bool:
    """``max_i v_i - c_i >= 0`` on the support (BBM25, Section III.B)."""
    g = game.gains[game.probabilities > 0]
    return bool(np.all(g.max(axis=1) >= -atol))


def interim_bounds(garbling: ValueGarbling) -> dict:
    """``TS-bar(mu')``, ``PS_i(mu')`` and the consumer surplus of Proposition 2.

    References
    ----------
    BBM25, Section III.A (interim bounds), Proposition 2.
    """
    g = garbling.interim
    ps = producer_surplus_bounds(g)
    ts = g.efficient_surplus
    return {"total_surplus": ts, "producer_surplus": ps, "consumer_surplus": ts - ps.sum(),
            "prior_efficient_surplus": garbling.prior.efficient_surplus}


@dataclass(frozen=True)
class HomogeneousOptimum:
    """Consumer-optimal interim value distribution with homogeneous values.

    Attributes
    ----------
    consumer_surplus, producer_surplus, total_surplus : float
    grid, distribution : ndarray
        Interim value distribution ``G`` on the grid.
    costs : ndarray
        The (deterministic) producer costs.
    prior_values, prior_probabilities : ndarray
    """

    consumer_surplus: float
    producer_surplus: float
    total_surplus: float
    grid: np.ndarray
    distribution: np.ndarray
    costs: np.ndarray
    prior_values: np.ndarray
    prior_probabilities: np.ndarray

    def verify(self, atol: float = tol.FEAS):
        """Re-check with the information package's convex-order test, the lowest-cost
        producer's best price against the capped residual, and the accounting."""
        from ..information.mpc import is_mean_preserving_contraction
        fails = []
        y, g = self.grid, self.distribution
        ok, viol = is_mean_preserving_contraction(y, g, self.prior_values, self.prior_probabilities, atol)
        if not ok:
            fails.append(f"not a mean-preserving contraction (violation {viol:.3g})")
        c = np.sort(self.costs)
        cap = c[1] if c.size > 1 else np.inf
        r = np.minimum(y, cap)
        p = np.unique(r[r > c[0]])
        rev = np.array([(q - c[0]) * g[r >= q - tol.TIE].sum() for q in p]) if p.size else np.zeros(1)
        if abs(rev.max() - self.producer_surplus) > atol:
            fails.append(f"producer surplus {self.producer_surplus} != best revenue {rev.max()}")
        ts = float(self.prior_values @ self.prior_probabilities) - c[0]
        if abs(ts - self.total_surplus) > atol or abs(ts - self.producer_surplus - self.consumer_surplus) > atol:
            fails.append("welfare accounting")
        return (not fails, fails)


def consumer_optimal_homogeneous(values, probabilities, costs, grid=None, size: int = 201
                                 ) -> HomogeneousOptimum:
    """Consumer-optimal consumer information with homogeneous values and known costs.

    With homogeneous values and common knowledge of gains from trade, Theorem 2 gives
    consumer surplus ``TS-bar - sum_i PS_i(mu')``; only the lowest-cost producer can
    earn, facing the residual ``min(v', c_(2))`` (``c_(2)`` the second-lowest cost;
    ``+inf`` for a monopolist, the Roesler-Szentes case). One LP over interim
    distributions ``G`` on a grid minimises that producer's best revenue ``t``:
    ``(p - c_(1)) G(v' >= p) <= t`` for every grid price ``p <= c_(2)``, with ``G`` a
    mean-preserving contraction of the prior (stop-loss rows at every grid point, which
    contains the prior's support).

    Parameters
    ----------
    values, probabilities : array_like
        Prior of the common value.
    costs : array_like (N,)
        Deterministic costs (Example 2: ``[0, c_2]``).
    grid : array_like, optional
        Default: ``size`` points on ``[min v, max v]`` plus the prior's support.

    References
    ----------
    BBM25, Theorem 2; Example 2; Roesler & Szentes (2017).
    """
    v = real_array(values, "values", ndim=1)
    f = probability_vector(probabilities, "probabilities", size=v.size)
    c = np.sort(real_array(costs, "costs", ndim=1))
    if c.size == 0 or np.any(c < 0):
        raise ValueError("costs must be a non-empty vector of non-negative numbers")
    if v[f > 0].min() < c[0] - tol.EQUAL:
        raise ValueError("common knowledge of gains from trade fails: some value is below "
                         f"the lowest cost {c[0]:g} (Theorem 2 does not apply)")
    y = np.unique(np.r_[np.linspace(v.min(), v.max(), size), v] if grid is None
                  else np.r_[real_array(grid, "grid", ndim=1), v])
    m = y.size
    cap = c[1] if c.size > 1 else np.inf
    prices = y[(y > c[0]) & (y <= cap + tol.TIE)]
    if np.isfinite(cap) and cap > c[0] and not np.any(np.abs(prices - cap) <= tol.TIE):
        prices = np.r_[prices, cap]
    rows = [(p - c[0]) * (y >= p - tol.TIE) for p in prices]
    A_price = np.c_[np.array(rows).reshape(-1, m), -np.ones(len(rows))]
    # convex order: equal mean and E_G (v - t)^+ <= E_F (v - t)^+ at every grid point
    sl_G = np.maximum(y[None, :] - y[:, None], 0.0)
    sl_F = np.maximum(v[None, :] - y[:, None], 0.0) @ f
    A = np.vstack([A_price, np.c_[sl_G, np.zeros(m)], np.r_[y, 0.0], np.r_[np.ones(m), 0.0]])
    lo = np.r_[np.full(len(rows), -np.inf), np.full(m, -np.inf), v @ f, 1.0]
    hi = np.r_[np.zeros(len(rows)), sl_F, v @ f, 1.0]
    res = solve_lp(np.r_[np.zeros(m), 1.0], sp.csr_matrix(A), lo, hi, sense="min")
    if res.status != Status.OPTIMAL:
        raise SolverError(f"homogeneous-values LP: {res.status}")
    g = np.maximum(res.x[:m], 0.0)
    ps = max(0.0, float(res.x[m]))
    ts = float(v @ f) - c[0]
    return HomogeneousOptimum(ts - ps, ps, ts, frozen(y), frozen(g), frozen(c), frozen(v), frozen(f))
