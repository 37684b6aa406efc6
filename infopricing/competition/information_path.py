"""Welfare along a one-dimensional family of information structures (BBM25).

With public information the producers play each segment's equilibrium separately, so a
mixture of two segmentations, ``lambda`` of segmentation B and ``1 - lambda`` of A (each
of A's segments scaled by ``1 - lambda``, each of B's by ``lambda``: again a segmentation
of the same prior), has welfare ``(1 - lambda) W(A) + lambda W(B)`` for every surplus.
The family runs between two of the three benchmarks (no information, complete
information, the consumer-optimal Theorem 1 construction) and shows how consumer surplus
moves as information is added.

References
----------
BBM25, section I (public information, welfare of an information structure), Theorem 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from ..verify import Checker, Verification, no_exact
from ..verify.protocol import Result, PER_TYPE, deprecated_alias

__all__ = ["InformationPath", "information_path"]


@dataclass(frozen=True, repr=False)
class InformationPath(Result):
    """Welfare of the mixtures ``(1 - w) A + w B`` of two information structures.

    Attributes
    ----------
    start, end : CompetitionOutcome   the outcomes of A (w = 0) and B (w = 1)
    weights : ndarray (size,)         the weights w of B, increasing from 0 to 1
    expected_consumer_surplus : ndarray (size,)
    producer_surplus : ndarray (size, N)
    total_surplus : ndarray (size,)
    efficient_surplus : float
    max_consumer_surplus : float      TS-bar - sum of the producer-surplus bounds (BBM25
                                      Proposition 1): no information structure gives more
    kind : str                        ``"<start label> -> <end label>"``

    References
    ----------
    BBM25, section I, Proposition 1, Theorem 1.
    """

    start: object
    end: object
    weights: np.ndarray
    expected_consumer_surplus: np.ndarray
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    producer_surplus: np.ndarray
    total_surplus: np.ndarray
    efficient_surplus: float
    max_consumer_surplus: float
    kind: str = ""

    def _status(self):
        return "optimal"

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check: the endpoints are the two outcomes' welfare, CS + PS = TS along the
        path, no point exceeds the efficient surplus or the consumer-surplus bound, and
        each point is the weighted average of the endpoints (public segments are played
        separately)."""
        no_exact(self, exact)
        ck = Checker()
        scale = max(1.0, abs(self.efficient_surplus))
        a, b = self.start, self.end
        ck.check("start is the first outcome",
                 abs(self.expected_consumer_surplus[0] - a.expected_consumer_surplus), atol * scale)
        ck.check("end is the second outcome",
                 abs(self.expected_consumer_surplus[-1] - b.expected_consumer_surplus), atol * scale)
        ck.check("CS + PS = TS", float(np.max(np.abs(
            self.expected_consumer_surplus + self.producer_surplus.sum(axis=1) - self.total_surplus))),
            atol * scale)
        ck.check("TS at most the efficient surplus",
                 float(np.max(self.total_surplus - self.efficient_surplus)), atol * scale)
        ck.check("CS at most TS-bar - sum PS_i (BBM25 Proposition 1)",
                 float(np.max(self.expected_consumer_surplus - self.max_consumer_surplus)), atol * scale)
        w = self.weights
        mix = (1 - w) * a.expected_consumer_surplus + w * b.expected_consumer_surplus
        ck.check("each point averages the endpoints",
                 float(np.max(np.abs(mix - self.expected_consumer_surplus))), atol * scale)
        return ck.report()

    @classmethod
    def _example(cls):
        from ..catalog import bbm25_example1
        from .construction import alignment_construction
        from .game import complete_information_outcome

        g = bbm25_example1()
        return information_path(complete_information_outcome(g), alignment_construction(g).outcome,
                                size=5)


def information_path(start, end, size: int = 21, bounds=None) -> InformationPath:
    """Welfare of the mixtures of two information structures of one game.

    Parameters
    ----------
    start, end : CompetitionOutcome
        The outcomes of the two structures (e.g. :func:`no_information_outcome`,
        :func:`complete_information_outcome`, ``alignment_construction(game).outcome``),
        for the same game.
    size : int
        Number of weights, evenly spaced in [0, 1] (>= 2).
    bounds : array_like, optional
        The producer-surplus lower bounds (default: computed from ``start``'s game when it
        has one, else from the efficient surplus only).

    Returns
    -------
    InformationPath

    References
    ----------
    BBM25, section I (public information), Proposition 1, Theorem 1.

    Examples
    --------
    >>> import infopricing as ip
    >>> from infopricing.competition.information_path import information_path
    >>> g = ip.catalog.bbm25_example1()
    >>> p = information_path(ip.complete_information_outcome(g),
    ...                      ip.alignment_construction(g).outcome, size=3)
    >>> p.expected_consumer_surplus.round(4).tolist(), p.verify().ok
    ([1.125, 1.375, 1.625], True)
    """
    for name, o in (("start", start), ("end", end)):
        if not all(hasattr(o, a) for a in ("expected_consumer_surplus", "producer_surplus", "total_surplus",
                                         "efficient_surplus")):
            raise TypeError(f"{name} must be a CompetitionOutcome, got {type(o).__name__}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
        raise ValueError(f"size must be an integer >= 2, got {size!r}")
    ps_a = np.asarray(start.producer_surplus, dtype=float)
    ps_b = np.asarray(end.producer_surplus, dtype=float)
    if ps_a.shape != ps_b.shape:
        raise ValueError("start and end must be outcomes of the same game (producer counts differ)")
    ts_bar = float(start.efficient_surplus)
    if abs(ts_bar - float(end.efficient_surplus)) > tol.EQUAL * max(1.0, abs(ts_bar)):
        raise ValueError("start and end must be outcomes of the same game (efficient surpluses differ)")
    if bounds is None:
        game = getattr(start, "game", None) or getattr(end, "game", None)
        if game is not None:
            from .game import producer_surplus_bounds

            bounds = producer_surplus_bounds(game)
        else:
            bounds = np.zeros_like(ps_a)
    w = np.linspace(0.0, 1.0, int(size))
    cs = (1 - w) * float(start.expected_consumer_surplus) + w * float(end.expected_consumer_surplus)
    ps = (1 - w)[:, None] * ps_a + w[:, None] * ps_b
    ts = (1 - w) * float(start.total_surplus) + w * float(end.total_surplus)
    return InformationPath(start=start, end=end, weights=w, expected_consumer_surplus=cs,
                           producer_surplus=ps, total_surplus=ts, efficient_surplus=ts_bar,
                           max_consumer_surplus=ts_bar - float(np.sum(bounds)),
                           kind=f"{start.label} -> {end.label}")
