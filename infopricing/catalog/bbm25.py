"""Bergemann, Brooks & Morris (BBM25), "On the Alignment of Consumer Surplus and Total
Surplus under Competitive Price Discrimination"."""

from __future__ import annotations

import numpy as np

from ..competition import PricingGame
from ..information import Prior
from ._cite import cite

__all__ = ["bbm25_example1", "bbm25_example1_residual", "bbm25_example2", "bbm25_example3",
           "bbm25_example4_hotelling"]

_PAIRS = [(1, 1), (1, 0), (4, 1), (4, 0)]


@cite("BBM25, Section II.B, Example 1")
def bbm25_example1() -> PricingGame:
    """Two producers, independent (value, cost) in {1, 4} x {0, 1}, all 16 profiles
    equally likely."""
    return PricingGame.independent([(_PAIRS, [0.25] * 4)] * 2)


@cite("BBM25, Section II.B, Example 1 (conditional table, c_i = 0)")
def bbm25_example1_residual() -> Prior:
    """Residual willingness to pay of the efficient producer given c_i = 0: values 1, 3, 4
    with probabilities 1/2, 1/4, 1/4."""
    return Prior([1.0, 3.0, 4.0], [0.5, 0.25, 0.25])


@cite("BBM25, Section III.B, Example 2 (c_2 = 0.4, five common values)")
def bbm25_example2() -> PricingGame:
    """Duopoly with a common value uniform on {0, 1/4, ..., 1}, costs c_1 = 0, c_2 = 0.4."""
    v = np.linspace(0.0, 1.0, 5)
    return PricingGame(np.c_[v, v], [0.0, 0.4], np.full(5, 0.2))


@cite("BBM25, Section III.B, Example 3")
def bbm25_example3() -> PricingGame:
    """One producer with cost 1; the value is 0 or 4 with probability 1/2 each."""
    return PricingGame([[0.0], [4.0]], [[1.0], [1.0]], [0.5, 0.5])


@cite("BBM25, Section III.C, Example 4")
def bbm25_example4_hotelling() -> tuple[list[float], list[float]]:
    """Hotelling prior: the value difference is -1 or 1 with probability 1/2 each (the
    ``prior`` argument of :func:`~infopricing.hotelling_optimum`)."""
    return ([-1.0, 1.0], [0.5, 0.5])
