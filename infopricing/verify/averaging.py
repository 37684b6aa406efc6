"""A segmentation averages to its market: the check, written once (floating and exact).

References
----------
BBM15, Section II (a segmentation is a set of markets averaging to the aggregate market);
HS, Section 4.1.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

__all__ = ["averaging_deviation", "exact_averaging_failures"]


def averaging_deviation(weights, segments, market) -> float:
    """Largest ``|sum_i w_i x_i(t) - f(t)|`` over types ``t`` (0 for an empty market)."""
    w = np.asarray(weights, dtype=float)
    x = np.asarray(segments, dtype=float)
    f = np.asarray(market, dtype=float)
    return float(np.abs(w @ x - f).max(initial=0.0))


def exact_averaging_failures(weights, segments, market, labels=None) -> tuple[list[str], float]:
    """The types where ``sum_i w_i x_i(t) != f(t)`` in ``Fraction`` arithmetic.

    Returns one failure line per such type (named by ``labels`` when given) and the largest
    deviation as a float."""
    failures, worst = [], 0.0
    for t, ft in enumerate(market):
        avg = sum((Fraction(w) * Fraction(x[t]) for w, x in zip(weights, segments)), Fraction(0))
        if avg != ft:
            name = labels[t] if labels is not None else t
            failures.append(f"segments average to {avg} for type {name}, market has {ft}")
            worst = max(worst, abs(float(avg - ft)))
    return failures, worst
