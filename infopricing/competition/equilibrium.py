"""Price distributions, finite information structures, and an independent equilibrium check.

Nothing here knows how an information structure or a strategy profile was built: the
check takes the game, the joint distribution of (profile, signals) and a strategy
(signal -> price distribution) and computes every producer's expected profit at every
relevant deviation, with the model's uniform tie-breaking.

References
----------
BBM25, Section I (payoffs ``PS_i``, ``CS``, ``TS``; Bayes Nash equilibrium).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import tolerances as tol
from ..model._validate import frozen
from ..verify.report import Verification
from .game import CompetitionOutcome, PricingGame

__all__ = ["PointPrice", "AlertMix", "InformationStructure", "EquilibriumCheck",
           "check_equilibrium", "evaluate_outcome"]


@dataclass(frozen=True)
class PointPrice:
    """A pure price.

    References
    ----------
    BBM25, section II (the strategies of the Theorem 1 construction).
    """

    price: float

    def prob_greater(self, x):
        """``P(price > x)`` (beyond the tie tolerance)."""
        return (self.price > np.asarray(x) + tol.TIE).astype(float)

    def prob_equal(self, x):
        """``P(price == x)`` within the tie tolerance."""
        return (np.abs(self.price - np.asarray(x)) <= tol.TIE).astype(float)

    def quadrature(self, n: int = 64):
        return np.array([self.price]), np.array([1.0])

    def critical_points(self) -> np.ndarray:
        return np.array([self.price])

    def describe(self) -> str:
        return f"price {self.price:.6g}"


@dataclass(frozen=True)
class AlertMix:
    """The alerted runner-up's mixed price ``cost + delta`` (BBM25, Appendix A1).

    ``P(delta > d) = (A / (A + d) - H) / M`` for ``0 <= d < width`` and 0 beyond, with an
    atom at ``width``. ``A = r_min - c_k`` is the efficient producer's markup at the
    bottom of its segment, ``H`` the segment's mass above ``r_min`` and ``M`` its mass at
    ``r_min`` (``H + M = 1``). With this distribution the efficient producer's interim
    profit from any price in ``[r_min, r_min + width)`` equals ``A`` exactly.

    Notes
    -----
    The paper's printed distribution, ``P(delta > d) = A / (A + d)``, makes the sale
    probability at the bottom profile ``A / (p - c_k)`` but ignores the segment's
    consumers with higher residuals, who still buy at ``p``; with them, raising the price
    above ``r_min`` is strictly profitable whenever the segment has more than one point.
    The correction above subtracts their mass.

    References
    ----------
    BBM25, Appendix A1.
    """

    cost: float
    markup: float
    upper_mass: float
    bottom_mass: float
    width: float

    def survival_delta(self, d):
        d = np.asarray(d, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = (self.markup / (self.markup + np.maximum(d, 0.0)) - self.upper_mass) / self.bottom_mass
        s = np.clip(s, 0.0, 1.0)
        return np.where(d < 0, 1.0, np.where(d >= self.width, 0.0, s))

    @property
    def top_atom(self) -> float:
        """Probability of the atom at ``cost + width``."""
        s = (self.markup / (self.markup + self.width) - self.upper_mass) / self.bottom_mass
        return float(np.clip(s, 0.0, 1.0))

    def prob_greater(self, x):
        """``P(price > x)``; the top atom counts as a tie within ``tol.TIE``."""
        d = np.asarray(x, dtype=float) - self.cost
        return np.where(d >= self.width - tol.TIE, 0.0, self.survival_delta(d))

    def prob_equal(self, x):
        d = np.asarray(x, dtype=float) - self.cost
        return np.where(np.abs(d - self.width) <= tol.TIE, self.top_atom, 0.0)

    def quadrature(self, n: int = 64):
        """Atom at the top plus ``n`` equal-probability midpoints of the continuous part."""
        top = self.top_atom
        cont = 1.0 - top
        s = 1.0 - cont * (np.arange(n) + 0.5) / n        # survival levels in (top, 1)
        d = self.markup / (self.bottom_mass * s + self.upper_mass) - self.markup
        prices = np.r_[self.cost + d, self.cost + self.width]
        weights = np.r_[np.full(n, cont / n), top]
        return prices, weights

    def critical_points(self) -> np.ndarray:
        return np.array([self.cost, self.cost + self.width])

    def interior_points(self, n: int = 32) -> np.ndarray:
        return self.cost + np.linspace(0.0, self.width, n + 2)[1:-1]

    def describe(self) -> str:
        return (f"mix on [{self.cost:.6g}, {self.cost + self.width:.6g}] "
                f"(atom {self.top_atom:.3g} at top)")


@dataclass(frozen=True)
class InformationStructure:
    """A finite information structure: a joint distribution of profiles and signals.

    Attributes
    ----------
    profile : ndarray (S,) int
        Profile (row of the game) of each state.
    probability : ndarray (S,)
        Probability of each state; summing over states with the same profile gives the
        prior probability of that profile.
    signals : ndarray (S, N) int
        Each producer's signal (an integer id) in each state.

    References
    ----------
    BBM25, section I (information structures).
    """

    profile: np.ndarray
    probability: np.ndarray
    signals: np.ndarray

    def marginal(self, n_profiles: int) -> np.ndarray:
        return np.bincount(self.profile, weights=self.probability, minlength=n_profiles)


@dataclass(frozen=True)
class EquilibriumCheck(Verification):
    """Result of :func:`check_equilibrium`: a :class:`~infopricing.verify.Verification`
    (``ok``, ``failures``, ``max_violation``, ``checks``) with the deviation data.

    Attributes
    ----------
    ok : bool
        Largest gain at most ``atol``.
    max_gain : float
        Largest gain of a deviation over all producers and signals.
    gains : dict
        ``(producer, signal) -> (gain, best deviating price, prescribed profit)``.
    n_deviations : int
        Number of (signal, price) pairs evaluated.
    atol : float
    failures : tuple of str
        One line for the largest gain when it exceeds ``atol`` (empty when ``ok``).
    max_violation : float
        The largest gain, clamped below at 0 (a gain is the violation of equilibrium).

    References
    ----------
    BBM25, Theorem 1 (the construction is an equilibrium).

    Examples
    --------
    >>> import infopricing as ip
    >>> ck = ip.alignment_construction(ip.catalog.bbm25_example1()).check_equilibrium()
    >>> bool(ck), ck.max_gain < 1e-9, ck.checks
    (True, True, ('no profitable deviation',))
    """

    max_gain: float = 0.0
    gains: dict = field(default_factory=dict, repr=False)
    n_deviations: int = 0
    atol: float = tol.FEAS

    def __post_init__(self):
        object.__setattr__(self, "max_violation", max(float(self.max_gain), 0.0))
        object.__setattr__(self, "checks", ("no profitable deviation",))
        if not self.ok and not self.failures:
            object.__setattr__(self, "failures", (
                f"no profitable deviation: gain {self.max_gain:.3g} > {self.atol:.3g} at {self.worst}",))

    @property
    def worst(self):
        if not self.gains:
            return None
        key = max(self.gains, key=lambda k: self.gains[k][0])
        return key, self.gains[key]

    def as_dict(self) -> dict:
        """:meth:`Verification.as_dict` with ``max_gain``, ``n_deviations`` and ``atol``."""
        return {**super().as_dict(), "max_gain": float(self.max_gain),
                "n_deviations": int(self.n_deviations), "atol": float(self.atol)}


def _share(values_row, i, price, rivals, own_value):
    """Expected share of producer ``i`` at prices ``price`` (vector) given rivals' laws."""
    price = np.asarray(price, dtype=float)
    poly = [np.ones_like(price)]
    for j, dist in rivals:
        x = price - own_value + values_row[j]       # rival price making the consumer indifferent
        a = dist.prob_greater(x)                    # rival strictly worse for the consumer
        t = dist.prob_equal(x)
        new = [poly[0] * a]
        for k in range(1, len(poly)):
            new.append(poly[k] * a + poly[k - 1] * t)
        new.append(poly[-1] * t)
        poly = new
    share = sum(poly[k] / (k + 1) for k in range(len(poly)))
    return np.where(own_value - price >= -tol.TIE, share, 0.0)


def _state_rivals(strategy, signals_row, costs_row, i, n):
    return [(j, strategy(j, int(signals_row[j]), float(costs_row[j]))) for j in range(n) if j != i]


def _candidates(game: PricingGame, info: InformationStructure, strategy, i: int,
                states: np.ndarray, grid: int) -> np.ndarray:
    n = game.n_producers
    pts = []
    vmax = 0.0
    for s in states:
        row = info.profile[s]
        v = game.values[row]
        vmax = max(vmax, float(v[i]))
        pts.append([v[i]])
        for j, d in _state_rivals(strategy, info.signals[s], game.costs[row], i, n):
            base = v[i] - v[j]
            pts.append(base + d.critical_points())
            if isinstance(d, AlertMix):
                pts.append(base + d.interior_points())
    crit = np.unique(np.concatenate(pts))
    c_i = float(game.costs[info.profile[states[0]], i])
    around = np.concatenate([crit, crit - tol.PRICE_STEP, crit + tol.PRICE_STEP])
    srt = np.sort(crit)
    mids = 0.5 * (srt[1:] + srt[:-1]) if srt.size > 1 else np.empty(0)
    top = max(vmax, c_i) + 1.0
    lin = np.linspace(c_i, top, grid)
    cand = np.unique(np.concatenate([around, mids, lin, [c_i]]))
    return cand[cand >= c_i - tol.TIE]


def _profit_curve(game, info, strategy, i, states, prices):
    n = game.n_producers
    total = np.zeros_like(prices)
    for s in states:
        row = info.profile[s]
        v = game.values[row]
        sh = _share(v, i, prices, _state_rivals(strategy, info.signals[s], game.costs[row], i, n), v[i])
        total += info.probability[s] * (prices - game.costs[row, i]) * sh
    return total


def check_equilibrium(game: PricingGame, info: InformationStructure,
                      strategy: Callable[[int, int], object], size: int = 401,
                      atol: float = tol.FEAS, quadrature: int = 64, *,
                      grid: int | None = None) -> EquilibriumCheck:
    """Largest expected gain of any producer from deviating at any signal.

    For each producer ``i`` and signal ``s_i``, the deviations evaluated are: every
    price at which the consumer's choice can change in some state of the posterior
    (rival atoms, the ends of rival mixing intervals, ``v_i``) and points
    ``tol.PRICE_STEP`` above and below each, midpoints between them, 32 points inside
    every rival mixing interval, and a grid of ``size`` prices from ``c_i`` to
    ``max v_i + 1``. Prices are restricted to be at least cost (BBM25, Section I).
    Interim expected profits are unnormalised (weighted by the signal's probability);
    gains are reported per unit of the signal's probability.

    Parameters
    ----------
    game : PricingGame
    info : InformationStructure
    strategy : callable ``(producer, signal, own cost) -> PointPrice | AlertMix``
    size : int
        Number of evenly spaced deviation prices.
    atol : float
        Tolerance on the largest gain.
    quadrature : int
        Points used to integrate a producer's own mixed strategy.
    grid : int, optional
        Deprecated name of ``size`` (a count is ``size``; ``grid`` is an array elsewhere).

    Returns
    -------
    EquilibriumCheck

    References
    ----------
    BBM25, Section I (equilibrium) and Appendix A1 (the deviations considered there).

    Examples
    --------
    BBM25 Example 1: no producer gains by deviating from the Theorem 1 strategies at any
    signal (every price of the deviation grid is tried):

    >>> import infopricing as ip
    >>> g = ip.catalog.bbm25_example1()
    >>> a = ip.alignment_construction(g)
    >>> ck = ip.check_equilibrium(g, a.info, a.strategy)
    >>> ck.ok, ck.max_gain < 1e-9
    (True, True)
    """
    from ..model._validate import check_count, check_tolerance

    if grid is not None:
        import warnings

        warnings.warn("check_equilibrium(grid=...) is deprecated; pass size=", DeprecationWarning, stacklevel=2)
        size = grid
    check_count(size, "size", 2)
    check_tolerance(atol, "atol")
    n = game.n_producers
    gains = {}
    count = 0
    for i in range(n):
        costs_i = game.costs[info.profile, i]
        keys = np.stack([info.signals[:, i], np.searchsorted(np.unique(costs_i), costs_i)], 1)
        for key in np.unique(keys, axis=0):
            states = np.flatnonzero((keys == key).all(axis=1) & (info.probability > 0))
            if states.size == 0:
                continue
            sig = int(key[0])
            mass = float(info.probability[states].sum())
            cost_i = float(game.costs[info.profile[states[0]], i])
            own = strategy(i, sig, cost_i)
            pq, wq = own.quadrature(quadrature)
            prescribed = float(wq @ _profit_curve(game, info, strategy, i, states, pq)) / mass
            cand = _candidates(game, info, strategy, i, states, size)
            prof = _profit_curve(game, info, strategy, i, states, cand) / mass
            count += cand.size
            b = int(np.argmax(prof))
            gains[(i, sig, cost_i)] = (float(prof[b] - prescribed), float(cand[b]), prescribed)
    mg = max((g[0] for g in gains.values()), default=0.0)
    return EquilibriumCheck(ok=bool(mg <= atol), max_gain=float(mg), gains=gains, n_deviations=count,
                            atol=atol)


def evaluate_outcome(game: PricingGame, info: InformationStructure, strategy,
                     label: str = "outcome", quadrature: int = 64) -> CompetitionOutcome:
    """Ex ante producer, consumer and total surplus of a strategy profile.

    Each producer's own mixed price is integrated with ``quadrature`` equal-probability
    points; the rivals' laws enter exactly.

    References
    ----------
    BBM25, Section I (definitions of ``PS_i``, ``CS``, ``TS``).
    """
    n = game.n_producers
    ps = np.zeros(n)
    ts = 0.0
    for s in np.flatnonzero(info.probability > 0):
        row = info.profile[s]
        v = game.values[row]
        c = game.costs[row]
        for i in range(n):
            pq, wq = strategy(i, int(info.signals[s, i]), float(c[i])).quadrature(quadrature)
            sh = _share(v, i, pq, _state_rivals(strategy, info.signals[s], game.costs[row], i, n), v[i])
            ps[i] += info.probability[s] * float(wq @ ((pq - c[i]) * sh))
            ts += info.probability[s] * float(wq @ ((v[i] - c[i]) * sh))
    return CompetitionOutcome(label, frozen(ps), float(ts - ps.sum()), float(ts),
                              game.efficient_surplus)
