"""The Theorem 1 construction of BBM25: an information structure and equilibrium that
attain the producer-surplus lower bounds with an efficient outcome.

Information structure (Appendix A1): the identity ``k`` of the efficient producer and its
cost are public; the efficient producer's residual ``r_k`` is segmented by a uniform
profit-preserving segmentation of its conditional distribution given ``c_k`` (the
segment ``x`` is public too); a runner-up ``j`` whose cost makes it tie with the bottom
of the segment (``v_k - v_j + c_j = min supp x``) gets a private alert ``l_j = 1``.
Strategies: the efficient producer prices at ``min supp x``; everybody else at cost,
except an alerted runner-up, who mixes just above cost (:class:`AlertMix`).

Tie profiles (two or more efficient producers, ``r_k = c_k``) form their own public
segments in which everybody prices at cost, as Example 1 describes ("producers learn
whether or not they have the same profile"); profiles without gains from trade form one
public segment in which everybody prices at cost and nobody sells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from ..model._validate import frozen
from ..verify import Checker, Verification
from .equilibrium import (AlertMix, EquilibriumCheck, InformationStructure, PointPrice,
                          check_equilibrium, evaluate_outcome)
from .game import CompetitionOutcome, PricingGame, producer_surplus_bounds
from ..verify.protocol import Result, no_exact, record_params, renamed_keywords, PER_TYPE, deprecated_alias

__all__ = ["Segment", "AlignmentConstruction", "alignment_construction"]


@dataclass(frozen=True)
class Segment:
    """A public segment of the construction.

    Attributes
    ----------
    kind : str
        ``"residual"`` (a segment of the efficient producer's residual), ``"tie"``
        (profiles with several efficient producers; everybody prices at cost) or
        ``"none"`` (no gains from trade).
    producer : int or None
        The efficient producer ``k`` announced (None for ``"none"``).
    cost : float or None
        ``c_k``.
    mass : float
        Prior probability of the segment.
    values, probabilities : ndarray
        The segment's residual distribution ``x`` (for ``"residual"``).
    price : float or None
        ``min supp x``: the efficient producer's price.
    second : float or None
        The second-lowest residual in the segment (``r-hat``), if any.

    References
    ----------
    BBM25, Theorem 1 (the construction's public segments).
    """

    kind: str
    producer: int | None
    cost: float | None
    mass: float
    values: np.ndarray
    probabilities: np.ndarray
    price: float | None
    second: float | None

    @property
    def bottom_mass(self) -> float:
        return float(self.probabilities[0]) if self.probabilities.size else 0.0


@dataclass(frozen=True, repr=False)
class AlignmentConstruction(Result):
    """The consumer-optimal information structure and equilibrium of BBM25 Theorem 1.

    Attributes
    ----------
    game : PricingGame
    segments : tuple of Segment
        Indexed by the public signal; signal ``2 * s + l`` is segment ``s`` with alert
        ``l``.
    info : InformationStructure
    bounds : ndarray (N,)
        ``PS_i`` of equation (1).
    outcome : CompetitionOutcome
        Welfare of the construction, evaluated from the strategies (not assumed).

    References
    ----------
    BBM25, Theorem 1 and Appendix A1.

    Examples
    --------
    BBM25 Example 1: the construction is efficient (total surplus = efficient surplus
    2.875) and leaves each producer its bound 0.625:

    >>> import infopricing as ip
    >>> a = ip.alignment_construction(ip.catalog.bbm25_example1())
    >>> round(a.total_surplus, 4), a.producer_surplus.round(4).tolist(), round(a.expected_consumer_surplus, 4)
    (2.875, [0.625, 0.625], 1.625)
    """

    game: PricingGame
    segments: tuple
    info: InformationStructure
    bounds: np.ndarray
    outcome: CompetitionOutcome

    # -- strategies --------------------------------------------------------------------
    def strategy(self, i: int, signal: int, cost: float):
        """Producer ``i``'s price law at ``signal`` and own cost ``cost``."""
        seg = self.segments[signal // 2]
        alert = signal % 2
        if seg.kind == "residual" and seg.producer == i:
            return PointPrice(seg.price)
        if alert and seg.kind == "residual":
            markup = seg.price - seg.cost
            width = (0.5 * (seg.second - seg.price) if seg.second is not None else markup)
            return AlertMix(cost, markup, 1.0 - seg.bottom_mass, seg.bottom_mass, width)
        return PointPrice(cost)

    @property
    def producer_surplus(self) -> np.ndarray:
        return self.outcome.producer_surplus

    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)

    @property
    def expected_consumer_surplus(self) -> float:
        return self.outcome.expected_consumer_surplus

    @property
    def total_surplus(self) -> float:
        return self.outcome.total_surplus

    def check_equilibrium(self, size: int = 401, atol: float = tol.FEAS, *,
                          grid: int | None = None) -> EquilibriumCheck:
        """Deviation check of the strategies (see :func:`check_equilibrium`; ``grid=`` is a
        deprecated name of ``size``)."""
        return check_equilibrium(self.game, self.info, self.strategy, size=size, atol=atol, grid=grid)

    def _summary(self) -> dict:
        return {"expected_consumer_surplus": float(self.expected_consumer_surplus),
                "producer_surplus": float(np.sum(self.producer_surplus)),
                "total_surplus": float(self.total_surplus), **super()._summary()}

    @renamed_keywords(grid="size")
    def verify(self, *, exact: bool = False, atol: float = tol.FEAS,
               size: int = 201) -> Verification:
        """Re-check the construction independently of how it was built.

        Checks: the states' marginal on profiles is the prior; each producer's signal
        reveals its segment only (public part identical across producers); within each
        residual segment the bottom price and ``p_k^*(c_k)`` are optimal; the segments of
        each ``(k, c_k)`` average to the conditional residual distribution; the outcome
        evaluated from the strategies gives every producer its bound and total surplus
        ``TS-bar``; and no producer has a profitable deviation (on ``size`` even-grid
        deviation prices besides the critical ones; ``grid=`` is the deprecated name).

        Returns
        -------
        Verification
            ``max_violation`` is the largest of the numeric checks' violations (prior
            and averaging errors, profit shortfalls, surplus gaps, deviation gain).
        """
        no_exact(self, exact)
        g = self.game
        ck = Checker()
        marg = self.info.marginal(g.n_profiles)
        ck.check("prior", np.max(np.abs(marg - g.probabilities)), atol,
                 "states do not average to the prior")
        pub = self.info.signals // 2
        ck.require("public segment", not np.any(pub != pub[:, :1]), "the segment is not public")
        for k in range(g.n_producers):
            for cr in g.conditional_residuals(k, unique=True):
                segs = [s for s in self.segments
                        if s.kind == "residual" and s.producer == k and s.cost == cr.cost]
                avg = np.zeros_like(cr.values)
                for s in segs:
                    idx = np.searchsorted(cr.values, s.values)
                    avg[idx] += s.mass / cr.mass * s.probabilities
                    prof = (s.values - s.cost) * np.cumsum(s.probabilities[::-1])[::-1]
                    ck.check("bottom price optimal", prof.max() - prof[0], atol,
                             f"segment of producer {k}: bottom price not optimal")
                    pstar = g.optimal_price(k, cr.cost)
                    at = np.flatnonzero(np.abs(s.values - pstar) <= tol.TIE)
                    p_prof = prof[at[0]] if at.size else (pstar - s.cost) * float(
                        s.probabilities[s.values >= pstar].sum())
                    ck.check("p*(c) optimal", prof.max() - p_prof, atol,
                             f"segment of producer {k}: p*(c) not optimal")
                ck.check("segments average", np.max(np.abs(avg - cr.probabilities)), atol,
                         f"segments of producer {k} at cost {cr.cost} do not average "
                         "to the conditional residual distribution")
        out = evaluate_outcome(g, self.info, self.strategy, "check")
        ck.check("bounds attained", np.max(np.abs(out.producer_surplus - self.bounds)), atol,
                 "producer surplus differs from the bounds")
        ck.check("efficiency", abs(out.total_surplus - g.efficient_surplus), atol,
                 "outcome is not efficient")
        eq = self.check_equilibrium(size=size, atol=atol)
        if ck.check("no profitable deviation", eq.max_gain, atol, f"gain at {eq.worst}") and not eq.ok:
            ck.fail("equilibrium check", "; ".join(eq.failures) or "failed")
        return ck.report(details={"equilibrium": eq})

    def summary(self) -> list[list]:
        """Rows ``[segment, kind, producer, cost, mass, price, support]`` for display."""
        rows = []
        for s_id, s in enumerate(self.segments):
            rows.append([s_id, s.kind, "-" if s.producer is None else self.game.producers[s.producer],
                         "-" if s.cost is None else s.cost, s.mass,
                         "cost" if s.price is None else s.price,
                         ", ".join(f"{v:.4g}:{p:.3g}" for v, p in zip(s.values, s.probabilities))])
        return rows


def _uniform_segments(values, probabilities, cost):
    """Uniform profit-preserving segments of a residual distribution (all values > cost).

    A thin adapter over :func:`infopricing.segmentation.bbm15.greedy_segmentation`
    (BBM15's greedy extremal segmentation): returns ``(weight, x)`` pairs with ``x`` a
    distribution over ``values``. Every residual conditioned on a uniquely efficient
    producer exceeds its cost, so the shared function's no-trade segment never occurs;
    its presence would signal a broken invariant and is rejected.

    References
    ----------
    BBM25, Appendix A1 (uniform profit-preserving segmentation); BBM15, Theorem 1.
    """
    from ..segmentation.bbm15 import greedy_segmentation

    if np.any(np.asarray(values) <= cost):
        raise ValueError("every residual value must exceed the cost")
    seg = greedy_segmentation(values, probabilities, cost)
    return list(zip(seg.weights.tolist(), seg.markets))


def alignment_construction(game: PricingGame) -> AlignmentConstruction:
    """Build the Theorem 1 information structure and strategies for ``game``.

    Parameters
    ----------
    game : PricingGame

    Returns
    -------
    AlignmentConstruction
        With ``.outcome`` (per-producer surplus equal to ``producer_surplus_bounds``,
        total surplus ``TS-bar``), ``.check_equilibrium()`` and ``.verify()``.

    Notes
    -----
    The segmentation used for each ``(k, c_k)`` is the greedy equal-profit one of BBM
    (2015) (every price of a segment's support is optimal in it), computed by
    :func:`infopricing.segmentation.bbm15.greedy_segmentation`. The alerted
    runner-ups mix with the corrected distribution documented in :class:`AlertMix`.

    References
    ----------
    BBM25, Theorem 1; Appendix A1.

    Examples
    --------
    >>> import infopricing as ip
    >>> m = ([(1, 1), (1, 0), (4, 1), (4, 0)], [0.25] * 4)
    >>> a = ip.alignment_construction(ip.PricingGame.independent([m, m]))   # BBM25 Example 1
    >>> round(a.expected_consumer_surplus, 4), a.verify().ok, a.check_equilibrium().ok
    (1.625, True, True)
    """
    if not isinstance(game, PricingGame):
        raise TypeError(f"game must be a PricingGame, got {type(game).__name__}")
    n = game.n_producers
    mu = game.probabilities
    segments: list[Segment] = []
    st_profile, st_prob, st_seg, st_alert = [], [], [], []

    def add_state(row, prob, seg, alerts):
        if prob > 0:
            st_profile.append(row)
            st_prob.append(prob)
            st_seg.append(seg)
            st_alert.append(alerts)

    none_rows = np.flatnonzero(game.efficient_shares.sum(axis=1) == 0)
    segments.append(Segment("none", None, None, float(mu[none_rows].sum()), np.empty(0),
                            np.empty(0), None, None))
    for row in none_rows:
        add_state(row, mu[row], 0, np.zeros(n, bool))

    q = game.efficient_shares
    uniq = game.uniquely_efficient
    r = game.residuals
    for k in range(n):
        tie_rows = np.flatnonzero((q[:, k] > 0) & ~uniq[:, k])
        for c in np.unique(game.costs[tie_rows, k]):
            rows = tie_rows[game.costs[tie_rows, k] == c]
            sid = len(segments)
            segments.append(Segment("tie", k, float(c), float(mu[rows] @ q[rows, k]),
                                    np.array([float(c)]), np.array([1.0]), float(c), None))
            for row in rows:
                add_state(row, mu[row] * q[row, k], sid, np.zeros(n, bool))
        for cr in game.conditional_residuals(k, unique=True):
            c = cr.cost
            rows = np.flatnonzero(uniq[:, k] & (game.costs[:, k] == c))
            r_idx = np.clip(np.searchsorted(cr.values, r[rows, k] - tol.TIE), 0, cr.values.size - 1)
            for weight, x in _uniform_segments(cr.values, cr.probabilities, c):
                on = np.flatnonzero(x > 0)
                vals, probs = cr.values[on], x[on]
                sid = len(segments)
                segments.append(Segment("residual", k, c, weight * cr.mass, frozen(vals),
                                        frozen(probs), float(vals[0]),
                                        float(vals[1]) if vals.size > 1 else None))
                for row, j_idx in zip(rows, r_idx):
                    if x[j_idx] <= 0:
                        continue
                    prob = mu[row] * weight * x[j_idx] / cr.probabilities[j_idx]
                    alerts = np.zeros(n, bool)
                    if j_idx == on[0]:
                        tie_val = game.values[row, k] - game.values[row] + game.costs[row]
                        alerts = np.abs(tie_val - vals[0]) <= tol.TIE
                        alerts[k] = False
                    add_state(row, prob, sid, alerts)
    seg_arr = np.array(st_seg, dtype=int)
    alerts = np.array(st_alert, dtype=bool).reshape(len(st_seg), n)
    signals = 2 * seg_arr[:, None] + alerts.astype(int)
    info = InformationStructure(np.array(st_profile, dtype=int), frozen(np.array(st_prob)),
                                signals)
    bounds = frozen(producer_surplus_bounds(game))
    partial = AlignmentConstruction(game, tuple(segments), info, bounds,
                                    CompetitionOutcome("pending", bounds, 0.0, 0.0, 0.0))
    out = evaluate_outcome(game, info, partial.strategy, "consumer-optimal (Theorem 1)")
    return record_params(AlignmentConstruction(game, tuple(segments), info, bounds, out),
                         method="theorem 1 alignment", selection="lowest optimal price", tie_atol=tol.TIE)
