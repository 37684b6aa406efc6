"""Bertrand price competition with known values and costs (BBM25, Sections I-II).

The model, :class:`~infopricing.model.PricingGame` (with its residuals and the optimal price
against rivals pricing at cost), lives in :mod:`infopricing.model.game` and is re-exported
here. This module computes the producer-surplus lower bounds of equation (1) /
Proposition 1 and the complete-information Bertrand benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import tolerances as tol
from ..model._validate import frozen
from ..model.game import (ConditionalResidual, PricingGame, optimal_prices_against_cost,  # noqa: F401
                          residual_willingness_to_pay)
from ..verify import Checker, Verification
from ..verify.protocol import Result, no_exact, PER_TYPE, deprecated_alias

__all__ = [
    "PricingGame",
    "ConditionalResidual",
    "CompetitionOutcome",
    "producer_surplus_bounds",
    "complete_information_outcome",
    "residual_willingness_to_pay",
    "optimal_prices_against_cost",
]


def producer_surplus_bounds(game: PricingGame) -> np.ndarray:
    """Lower bounds ``PS_i`` on each producer's surplus in any equilibrium.

    ``PS_i = sum_c max_p (p - c) mu(r_i >= p, c_i = c)``: producer ``i`` best responds,
    conditioning only on its cost, to rivals pricing at cost (ties resolved in its
    favour, the supremum of equation (1)).

    Parameters
    ----------
    game : PricingGame

    Returns
    -------
    ndarray, shape (N,)

    References
    ----------
    BBM25, equation (1); Proposition 1; Appendix A1 (second claim).

    Examples
    --------
    >>> import infopricing as ip
    >>> m = ([(1, 1), (1, 0), (4, 1), (4, 0)], [0.25] * 4)
    >>> ip.producer_surplus_bounds(ip.PricingGame.independent([m, m])).tolist()   # BBM25 Example 1
    [0.625, 0.625]
    """
    if not isinstance(game, PricingGame):
        raise TypeError(f"game must be a PricingGame, got {type(game).__name__}")
    out = np.zeros(game.n_producers)
    for i in range(game.n_producers):
        for cr in game.conditional_residuals(i, unique=True):
            out[i] += cr.mass * max(0.0, float(cr.profit_curve().max()))
    return out


@dataclass(frozen=True, repr=False)
class CompetitionOutcome(Result):
    """Welfare of one information structure and equilibrium (ex ante expectations).

    Attributes
    ----------
    label : str
    producer_surplus : ndarray (N,)
    expected_consumer_surplus : float
    total_surplus : float
    efficient_surplus : float
    prices : ndarray (m, N) or None
        Prices per profile when the outcome has pure prices per profile.
    details : dict

    References
    ----------
    BBM25, section I (welfare of an information structure and equilibrium).

    Examples
    --------
    BBM25 Example 4 under complete information: each consumer's preferred producer charges
    her whole residual 1, so consumer surplus is 0 and the outcome is efficient (by hand):

    >>> import infopricing as ip
    >>> g = ip.PricingGame([[0, 1], [1, 0]], [[0, 0], [0, 0]], [0.5, 0.5])
    >>> o = ip.complete_information_outcome(g)
    >>> round(o.expected_consumer_surplus, 4), round(o.total_surplus, 4), round(o.efficient_surplus, 4)
    (0.0, 1.0, 1.0)
    """

    label: str
    producer_surplus: np.ndarray
    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    total_surplus: float
    efficient_surplus: float
    prices: np.ndarray | None = None
    details: dict = field(default_factory=dict)

    @property
    def is_efficient(self) -> bool:
        return abs(self.total_surplus - self.efficient_surplus) <= tol.EQUAL * max(
            1.0, abs(self.efficient_surplus))

    def as_dict(self) -> dict:
        return {"label": self.label, "producer_surplus": self.producer_surplus.tolist(),
                "expected_consumer_surplus": self.expected_consumer_surplus, "total_surplus": self.total_surplus,
                "efficient_surplus": self.efficient_surplus, "efficient": self.is_efficient}


@dataclass(frozen=True, repr=False)
class CompleteInformationOutcome(CompetitionOutcome):
    """Complete-information Bertrand: the efficient producer prices at ``r_i``."""

    game: PricingGame | None = None

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check the outcome from the prices, independently of how they were set.

        Checks, per profile: prices are at least costs; the consumer (weakly) prefers
        the efficient producer at these prices to every rival at cost and to not buying;
        every higher price of the seller loses the sale (so ``r_k`` is the largest
        price that keeps it); and the surplus accounting adds up.

        Returns
        -------
        Verification
        """
        no_exact(self, exact)
        g = self.game
        ck = Checker()
        p = np.asarray(self.prices)
        ck.check("prices at least cost", np.max(g.costs - p), atol, "a price is below cost")
        seller = g.uniquely_efficient
        for i in range(g.n_producers):
            rows = np.flatnonzero(seller[:, i])
            if rows.size == 0:
                continue
            rival = g.values[rows] - g.costs[rows]          # rivals at cost
            rival[:, i] = 0.0                               # outside option
            best_alt = np.maximum(0.0, rival.max(axis=1))
            u = g.values[rows, i] - p[rows, i]
            ck.check("consumer buys", np.max(best_alt - u), atol,
                     f"producer {i}: the consumer would not buy at its price")
            u_up = u - tol.PRICE_STEP
            ck.require("higher price loses the sale", not np.any(u_up >= best_alt + tol.TIE),
                       f"producer {i}: a higher price would keep the sale")
        ps = np.array([g.probabilities @ np.where(seller[:, i], p[:, i] - g.costs[:, i], 0.0)
                       for i in range(g.n_producers)])
        ck.check("producer surplus", np.max(np.abs(ps - self.producer_surplus)), atol,
                 "producer surplus does not match the prices")
        ck.check("PS + CS = TS", abs(self.expected_consumer_surplus + ps.sum() - self.total_surplus), atol)
        ck.check("efficiency", abs(self.total_surplus - g.efficient_surplus), atol,
                 "outcome is not efficient")
        return ck.report()


def complete_information_outcome(game: PricingGame) -> CompleteInformationOutcome:
    """Complete-information Bertrand benchmark (common knowledge of values and costs).

    When the efficient producer is unique it prices at its residual ``r_k`` and sells
    (the runners-up mix just above cost, Blume 2003); with a tie for efficient producer
    all tied producers price at cost. Producer ``k`` earns its marginal contribution
    ``TS(v, c) - TS(v_{-k}, c_{-k})``.

    Returns
    -------
    CompleteInformationOutcome
        ``prices`` are the equilibrium prices per profile in the limit (the seller at
        ``r_k``; everyone else at cost); the consumer's ties there are resolved in the
        seller's favour, as in the equilibrium.

    References
    ----------
    BBM25, Section II.A ("Competitive Pricing under ... Complete Information"); Blume
    (2003); Kartik (2011).

    Examples
    --------
    >>> import infopricing as ip
    >>> m = ([(1, 1), (1, 0), (4, 1), (4, 0)], [0.25] * 4)
    >>> round(ip.complete_information_outcome(ip.PricingGame.independent([m, m])).expected_consumer_surplus, 4)
    1.125
    """
    if not isinstance(game, PricingGame):
        raise TypeError(f"game must be a PricingGame, got {type(game).__name__}")
    prices = game.costs.copy()
    uniq = game.uniquely_efficient
    prices[uniq] = game.residuals[uniq]
    markup = np.where(uniq, game.residuals - game.costs, 0.0)
    ps = game.probabilities @ markup
    ts = game.efficient_surplus
    return CompleteInformationOutcome(
        "complete information", frozen(ps), float(ts - ps.sum()), float(ts), float(ts),
        frozen(prices), {}, game)
