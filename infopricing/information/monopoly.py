"""Single-product monopoly pricing against a finite value distribution (with a cost).

The seller posts a price ``p >= c``; a consumer with value ``v`` buys when ``v >= p``
(ties go to buying). Profit is ``(p - c) * P(v >= p)``. An optimal price can always be
found among the support points at or above the cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from ..model._validate import check_tolerance, real_array
from .prior import as_prior
from ..verify.protocol import PER_TYPE, deprecated_alias

__all__ = ["MonopolyOutcome", "monopoly_outcome", "optimal_prices"]


def _cost(cost) -> float:
    c = real_array(cost, "cost")
    if c.ndim != 0:
        raise ValueError(f"cost must be a scalar, got shape {c.shape}")
    return float(c)


def profit_curve(values: np.ndarray, probs: np.ndarray, cost: float) -> np.ndarray:
    """``(v_k - c) * P(v >= v_k)`` for every support point (private kernel)."""
    demand = np.cumsum(probs[::-1])[::-1]
    return (values - cost) * demand


def optimal_prices(values, probs, cost: float = 0.0, atol: float = tol.EQUAL):
    """Indices of the optimal prices among support points (and the optimal profit).

    Only points with positive probability at or above the cost are candidates; when
    there is none, the profit is 0 and the index list is empty.
    """
    atol = check_tolerance(atol, "atol")
    values = np.asarray(values, dtype=float)
    probs = np.asarray(probs, dtype=float)
    prof = profit_curve(values, probs, cost)
    cand = (probs > 0) & (values >= cost)
    if not np.any(cand):
        return np.array([], dtype=int), 0.0
    best = prof[cand].max()
    best = max(best, 0.0)
    idx = np.flatnonzero(cand & (prof >= best - atol * max(1.0, abs(best))))
    return idx, float(best)


@dataclass(frozen=True, eq=False)
class MonopolyOutcome:
    """The outcome of uniform monopoly pricing.

    Attributes
    ----------
    price : float
        The price charged (selected among the optimal ones by ``tie``).
    optimal_prices : ndarray
        All optimal prices (support points).
    profit, expected_consumer_surplus, total_surplus : float
        Expected values at ``price`` (a consumer buys when value >= price).
    efficient_surplus : float
        ``E[max(v - c, 0)]``, the most any outcome can achieve.
    cost : float
    tie : str
        ``"lowest"`` (consumer-preferred) or ``"highest"`` (consumer-worst) optimal price.

    References
    ----------
    BBM 2015, section 2 (uniform monopoly price, profit and welfare).

    Examples
    --------
    >>> import infopricing as ip
    >>> m = ip.monopoly_outcome([0.5, 0.25, 0.25], values=[1, 3, 4])   # BBM25 Example 1
    >>> m.optimal_prices.tolist(), m.total_surplus
    ([3.0], 1.75)
    """

    price: float
    optimal_prices: np.ndarray
    profit: float
    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    total_surplus: float
    efficient_surplus: float
    cost: float
    tie: str

    @property
    def is_efficient(self) -> bool:
        return abs(self.total_surplus - self.efficient_surplus) <= tol.EQUAL * max(1.0, self.efficient_surplus)


def outcome_at_price(values, probs, cost: float, price: float):
    """(profit, consumer surplus, total surplus) when ``price`` is posted (kernel)."""
    buy = values >= price - tol.EQUAL * max(1.0, abs(price))
    mass = probs[buy].sum()
    return ((price - cost) * mass, float(((values - price) * probs)[buy].sum()),
            float(((values - cost) * probs)[buy].sum()))


def monopoly_outcome(prior, values=None, cost=0.0, tie: str = "lowest") -> MonopolyOutcome:
    """Uniform monopoly price, profit and welfare for a single product.

    Parameters
    ----------
    prior : Prior, frozen scipy.stats distribution, or probabilities (with ``values``)
    values : array_like, optional
        Support points when ``prior`` is a probability vector.
    cost : float
        Marginal cost; prices are at least the cost.
    tie : {"lowest", "highest"}
        Which optimal price is charged when several are optimal.

    References
    ----------
    BBM15 (uniform monopoly price and the surplus triangle); BBM25, section II.A.

    Examples
    --------
    BBM25 Example 1, the efficient producer given c_i = 0: "the optimal price is p_i = 3"
    (profits 1, 3/2 and 1 at prices 1, 3, 4, by hand):

    >>> import infopricing as ip
    >>> m = ip.monopoly_outcome(ip.catalog.bbm25_example1_residual())
    >>> m.price, m.profit, m.expected_consumer_surplus, m.efficient_surplus
    (3.0, 1.5, 0.25, 2.25)
    """
    if tie not in ("lowest", "highest"):
        raise ValueError(f"tie must be 'lowest' or 'highest', got {tie!r}")
    pr = as_prior(prior, values)
    c = _cost(cost)
    idx, best = optimal_prices(pr.values, pr.probabilities, c)
    if idx.size == 0:
        price = c
        opt = np.array([c])
    else:
        opt = pr.values[idx]
        price = float(opt[0] if tie == "lowest" else opt[-1])
    prof, cs, ts = outcome_at_price(pr.values, pr.probabilities, c, price)
    eff = float((np.maximum(pr.values - c, 0.0) * pr.probabilities).sum())
    return MonopolyOutcome(price=price, optimal_prices=opt, profit=float(prof),
                           expected_consumer_surplus=cs, total_surplus=ts, efficient_surplus=eff,
                           cost=c, tie=tie)
