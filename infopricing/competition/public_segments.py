"""A public segmentation the user gives, evaluated in equilibrium (BBM25, Section I).

A *public segmentation* of the prior over profiles is a distribution over segments (each
a distribution over the game's profiles) that averages to the prior; every producer
observes the segment (and its own cost), so inside a segment the producers play the
Bertrand game of the segment's conditional prior with no further information. Each
segment's equilibrium is therefore the no-information benchmark of that segment
(:func:`~infopricing.competition.uninformed.no_information_outcome`: an exact equilibrium
of a grid game, with its ``epsilon`` against continuous deviations), and the welfare of the
structure is the weighted sum over segments.

The whole structure is then re-checked by the independent checker
(:func:`~infopricing.competition.equilibrium.check_equilibrium`) on the joint
:class:`~infopricing.competition.equilibrium.InformationStructure` (one state per
segment and profile, every producer's signal the segment): no producer, at any segment and
own cost, gains more than the reported ``epsilon`` by any deviation.

The two extreme structures are one segment (no information) and one segment per profile
(complete information); the consumer-optimal structure of Theorem 1 is not public (the
runner-up receives a private alert) and is computed by
:func:`~infopricing.competition.construction.alignment_construction`.

Model files: an ``[information]`` table beside ``[game]``::

    [information]
    weights = [0.5, 0.5]                 # one per segment, summing to 1
    segments = [[0.5, 0.5, 0], [0, 0.5, 0.5]]   # each a distribution over the profiles

The segments must average to the game's prior: ``sum_i weights[i] * segments[i] ==
probabilities`` (within :data:`~infopricing.tolerances.FEAS`).

References
----------
BBM25, Section I (information structures, Bayes Nash equilibrium, welfare) and Section II
(no information and complete information as the benchmarks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from ..errors import ModelFileError
from ..model._validate import check_count, frozen
from ..verify import Checker, Verification
from ..verify.protocol import deprecated_alias, no_exact, records_params, renamed_keywords
from .equilibrium import EquilibriumCheck, InformationStructure, check_equilibrium, evaluate_outcome
from .game import CompetitionOutcome, PricingGame

__all__ = ["PublicSegmentationOutcome", "evaluate_public_segmentation", "INFORMATION_KEYS",
           "information_from_dict", "load_public_segmentation"]

#: keys of the ``[information]`` table of a model file
from ..io.tables import INFORMATION_KEYS  # noqa: E402  (the schema is the one definition)
from .._progress import check_progress


@dataclass(frozen=True, repr=False)
class PublicSegmentationOutcome(CompetitionOutcome):
    """Welfare and equilibrium of a public segmentation of a pricing game's prior.

    Attributes
    ----------
    weights : ndarray (m,)
        Probability of each segment.
    segments : ndarray (m, profiles)
        Each segment's distribution over the game's profiles.
    segment_outcomes : tuple
        Per segment, its equilibrium (a
        :class:`~infopricing.competition.uninformed.NoInformationOutcome` of the segment's
        game; None for a segment of zero weight).
    deviation_gain : float
        The largest ``epsilon`` reported by the segments' equilibria: the structure is an
        ``epsilon``-equilibrium with this ``epsilon``.
    check : EquilibriumCheck
        The independent check of the whole structure (signals = segments), with
        tolerance ``deviation_gain`` plus :data:`~infopricing.tolerances.FEAS`.
    game : PricingGame
    size : int
        Points of the finest even grid of each segment's equilibrium
        (``no_information_outcome``); ``grid`` is its deprecated old name.

    References
    ----------
    BBM25, Section I.
    """

    weights: np.ndarray | None = None
    segments: np.ndarray | None = None
    segment_outcomes: tuple = ()
    deviation_gain: float = 0.0
    check: EquilibriumCheck | None = None
    game: PricingGame | None = None
    size: int = 81
    grid = deprecated_alias("size", "a count is size; grid is an array elsewhere")

    @property
    def n_segments(self) -> int:
        return int(self.weights.size)

    def _status(self):
        """The worst of the structure's check and its segments' equilibria: a segment that
        is only an epsilon-equilibrium (``inaccurate``, as the same game's no-information
        benchmark says) makes the whole structure ``inaccurate`` too, although the check
        of the structure, at tolerance ``deviation_gain``, passes."""
        from ..verify.protocol import status_from_check, worst_status

        return worst_status([status_from_check(self.check),
                             *(o.status for o in self.segment_outcomes if o is not None)])

    @property
    def info(self) -> InformationStructure:
        """The joint information structure: one state per (segment, profile) of positive
        mass; every producer's signal is the segment's index."""
        S, W = self.segments, self.weights
        states = [(i, r) for i in range(S.shape[0]) for r in range(S.shape[1]) if W[i] * S[i, r] > 0]
        n = self.game.n_producers
        return InformationStructure(np.array([r for _, r in states], dtype=int),
                                    np.array([W[i] * S[i, r] for i, r in states]),
                                    np.array([[i] * n for i, _ in states], dtype=int))

    def strategy(self, i: int, signal: int, cost: float):
        """Producer ``i``'s price law in segment ``signal`` at own cost ``cost``."""
        return self.segment_outcomes[signal].strategy(i, 0, cost)

    @renamed_keywords(grid="size")
    def verify(self, *, exact: bool = False, atol: float = tol.FEAS, size: int | None = None) -> Verification:
        """Re-check: the weights are a distribution, every segment a distribution over
        profiles, the segments average to the prior; every price law is a distribution at
        or above cost; the welfare is what the strategies give on the joint structure;
        and no producer gains more than ``deviation_gain + atol`` from any deviation
        (:func:`check_equilibrium` on the joint structure, ``size`` even-grid deviations,
        default the one used; ``grid`` is the deprecated name of ``size``)."""
        no_exact(self, exact)
        g = self.game
        ck = Checker()
        w, S = self.weights, self.segments
        ck.check("weights are a distribution", max(abs(w.sum() - 1.0), -w.min()), tol.PROB_SUM)
        ck.check("segments are distributions",
                 max(float(np.abs(S.sum(axis=1) - 1.0).max()), -float(S.min())), tol.PROB_SUM)
        ck.check("segments average to the prior", float(np.abs(w @ S - g.probabilities).max()), atol)
        for k, out in enumerate(self.segment_outcomes):
            if out is None:
                continue
            for i, laws in enumerate(out.strategies):
                for c, law in laws.items():
                    ck.check("price laws are distributions",
                             max(abs(law.probabilities.sum() - 1), -law.probabilities.min()), tol.FEAS,
                             f"segment {k}, producer {i} at cost {c}")
                    ck.check("prices at least cost", float(np.max(c - law.prices)), tol.TIE,
                             f"segment {k}, producer {i} at cost {c}: a price below cost")
        ev = evaluate_outcome(g, self.info, self.strategy)
        ck.check("welfare matches the strategies",
                 max(float(np.max(np.abs(ev.producer_surplus - self.producer_surplus))),
                     abs(ev.expected_consumer_surplus - self.expected_consumer_surplus)), max(atol, tol.FEAS))
        eq = check_equilibrium(g, self.info, self.strategy, size=size or max(self.size, 3),
                               atol=self.deviation_gain + atol)
        ck.check("no profitable deviation beyond the reported epsilon",
                 eq.max_gain - self.deviation_gain, atol, f"gain {eq.max_gain:.3g} at {eq.worst}")
        return ck.report()

    def as_dict(self) -> dict:
        """:meth:`CompetitionOutcome.as_dict` with the segments (weight, composition over
        profiles, each segment's welfare, equilibrium method, epsilon and price laws),
        ``deviation_gain`` and the joint equilibrium check."""
        d = super().as_dict()
        segs = []
        for k in range(self.n_segments):
            out = self.segment_outcomes[k]
            seg = {"segment": k, "weight": float(self.weights[k]),
                   "composition": self.segments[k].tolist()}
            if out is not None:
                seg.update(producer_surplus=out.producer_surplus.tolist(),
                           expected_consumer_surplus=out.expected_consumer_surplus,
                           consumer_surplus=out.expected_consumer_surplus,  # deprecated key
                           total_surplus=out.total_surplus,
                           method=out.method, deviation_gain=out.deviation_gain,
                           strategies=[{str(c): law.describe() for c, law in laws.items()}
                                       for laws in out.strategies])
            segs.append(seg)
        d.update(type=type(self).__name__, status=self.status.value, params=self.params,
                 weights=self.weights.tolist(), segments=segs, deviation_gain=self.deviation_gain,
                 equilibrium_check=None if self.check is None else self.check.as_dict())
        return d

    @classmethod
    def _example(cls):
        from ..catalog import bbm25_example1

        g = bbm25_example1()
        return evaluate_public_segmentation(g, [1.0], [g.probabilities], size=21, check_size=21)


def _segment_game(game: PricingGame, row: np.ndarray) -> PricingGame:
    sup = np.flatnonzero(row > 0)
    return PricingGame(game.values[sup], game.costs[sup], row[sup] / row[sup].sum(),
                       producers=game.producers)


@renamed_keywords(grid="size", check_grid="check_size")
@records_params("size", "check_size", "refine")
def evaluate_public_segmentation(game: PricingGame, weights, segments, size: int = 81,
                                 refine: int = 1, check_size: int = 401,
                                 progress=None) -> PublicSegmentationOutcome:
    """Welfare and equilibrium of a public segmentation of ``game``'s prior.

    Parameters
    ----------
    game : PricingGame
    weights : array_like (m,)
        Probability of each segment (non-negative, summing to 1).
    segments : array_like (m, profiles)
        Each segment's distribution over the game's profiles; the segments must average to
        the prior (``weights @ segments == game.probabilities`` within
        :data:`~infopricing.tolerances.FEAS`).
    size, refine : int
        Each segment's equilibrium: the points of the finest even grid and the refinement
        rounds of :func:`~infopricing.competition.uninformed.no_information_outcome`.
    check_size : int
        Even-grid deviations of the independent check of the whole structure (>= 2).
    grid, check_grid : int, optional
        Deprecated names of ``size`` and ``check_size``; they still work and warn.
    progress : callable, optional
        ``progress(done, total)`` after each segment.

    Returns
    -------
    PublicSegmentationOutcome

    Raises
    ------
    TypeError, ValueError
        A game that is not a :class:`PricingGame`; weights or segments of the wrong shape,
        negative, not summing to one, or not averaging to the prior.

    References
    ----------
    BBM25, Section I (information structures and equilibrium), Section II (benchmarks).

    Examples
    --------
    >>> import infopricing as ip
    >>> g = ip.PricingGame([[1, 4], [4, 1]], [0, 0], [0.5, 0.5])
    >>> out = evaluate_public_segmentation(g, [0.5, 0.5], [[1, 0], [0, 1]], size=21)
    >>> round(out.expected_consumer_surplus, 6), round(float(out.producer_surplus.sum()), 6)
    (1.0, 3.0)
    """
    check_progress(progress)
    from .uninformed import no_information_outcome

    if not isinstance(game, PricingGame):
        raise TypeError(f"game must be a PricingGame, got {type(game).__name__}")
    check_count(size, "size", 2)
    check_count(check_size, "check_size", 2)
    w = np.asarray(weights, dtype=float)
    S = np.asarray(segments, dtype=float)
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"weights must be a non-empty vector, got shape {w.shape}")
    if S.shape != (w.size, game.n_profiles):
        raise ValueError(f"segments must have shape (len(weights), profiles) = "
                         f"{(w.size, game.n_profiles)}, got {S.shape}")
    _validate_only(game, w, S)
    outs = []
    n = game.n_producers
    ps, ts = np.zeros(n), 0.0
    for k in range(w.size):
        if w[k] <= 0:
            outs.append(None)
        else:
            o = no_information_outcome(_segment_game(game, S[k]), size=size, refine=refine,
                                       check_size=check_size)
            outs.append(o)
            ps += w[k] * o.producer_surplus
            ts += w[k] * o.total_surplus
        if progress is not None:
            progress(k + 1, w.size)
    eps = max((o.deviation_gain for o in outs if o is not None), default=0.0)
    res = PublicSegmentationOutcome(
        label=f"given public segmentation ({int((w > 0).sum())} segments)",
        producer_surplus=frozen(ps), expected_consumer_surplus=float(ts - ps.sum()), total_surplus=float(ts),
        efficient_surplus=game.efficient_surplus, weights=frozen(w), segments=frozen(S),
        segment_outcomes=tuple(outs), deviation_gain=float(eps), game=game, size=int(size))
    eq = check_equilibrium(game, res.info, res.strategy, size=check_size, atol=eps + tol.FEAS)
    object.__setattr__(res, "check", eq)
    return res


def information_from_dict(data: dict, game: PricingGame, path="<dict>"):
    """``(weights, segments)`` from a parsed model file's ``[information]`` table, or
    ``None`` when the file has none. Unknown keys, non-numbers, wrong shapes and segments
    that do not average to the ``[game]`` prior are a
    :class:`~infopricing.errors.ModelFileError` naming the key."""
    from ..io import check_keys, check_numbers, file_reason

    t = data.get("information")
    if t is None:
        return None
    if not isinstance(t, dict):
        raise ModelFileError(path, "information", "must be a table with 'weights' and 'segments'")
    check_keys(t, INFORMATION_KEYS, path, "information")
    for key in INFORMATION_KEYS:
        if key not in t:
            raise ModelFileError(path, f"information.{key}", "missing (give 'weights', one per "
                                 "segment, and 'segments', one distribution over the profiles each)")
        check_numbers(t[key], path, f"information.{key}")
    try:
        w = np.asarray(t["weights"], dtype=float)
        S = np.asarray(t["segments"], dtype=float)
    except ValueError:
        raise ModelFileError(path, "information.segments", "must be a rectangular array "
                             "(one row per segment, one entry per profile)") from None
    for key, a in (("weights", w), ("segments", S)):
        if not np.all(np.isfinite(a)):
            raise ModelFileError(path, f"information.{key}", "must be finite numbers (no nan or inf)")
    if S.ndim != 2 or w.ndim != 1 or S.shape != (w.size, game.n_profiles):
        raise ModelFileError(path, "information.segments",
                             f"must have one row per weight ({w.size}) and one entry per profile "
                             f"of [game] ({game.n_profiles}); got shape {S.shape}")
    try:
        _validate_only(game, w, S)
    except ValueError as exc:
        raise ModelFileError(path, "information", file_reason(exc)) from None
    return w, S


def _validate_only(game, w, S):
    """The value checks of a public segmentation (shapes already checked): finite,
    non-negative, each segment and the weights distributions, averaging to the prior;
    shared by :func:`evaluate_public_segmentation` and the model-file reader."""
    if not (np.all(np.isfinite(w)) and np.all(np.isfinite(S))):
        raise ValueError("weights and segments must be finite")
    if w.min() < 0 or S.min() < 0:
        raise ValueError("weights and segments must be non-negative")
    if abs(w.sum() - 1.0) > tol.PROB_SUM:
        raise ValueError(f"weights must sum to 1 (within {tol.PROB_SUM:g}), got {w.sum():.12g}")
    sums = S.sum(axis=1)
    if np.any(np.abs(sums - 1.0) > tol.PROB_SUM):
        k = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(f"segments[{k}] must sum to 1 (a distribution over the profiles), "
                         f"got {sums[k]:.12g}")
    dev = float(np.abs(w @ S - game.probabilities).max())
    if dev > tol.FEAS:
        raise ValueError(f"segments must average to the game's prior: weights @ segments = "
                         f"{np.round(w @ S, 9).tolist()} differs from "
                         f"{np.round(game.probabilities, 9).tolist()} by {dev:.3g}")


def load_public_segmentation(path):
    """Read a model file's ``[game]`` and ``[information]`` tables (``"-"``: standard input):
    ``(game, weights, segments)``, with ``weights`` and ``segments`` None when there is no
    ``[information]``."""
    from ..io import load

    m = load(path, tables=("game", "information"))
    return (m.game, None, None) if m.information is None else (m.game, *m.information)
