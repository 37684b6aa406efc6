"""Uniform profit-preserving segmentation of a residual distribution (private helper).

A minimal greedy version of BBM (2015), Theorem 1B / Section III.A, with a cost: the
segments are "equal-profit" markets on nested supports, so that the seller is
indifferent among every price in each segment's support and the lowest support point
is optimal. (The library's general version lives in
``infopricing.segmentation.bbm15``; this helper keeps the competition package
independent of it and is re-checked by :func:`check_segmentation`.)
"""

from __future__ import annotations

import numpy as np

from .. import tolerances as tol


def equal_profit_market(support: np.ndarray, cost: float) -> np.ndarray:
    """Distribution on ``support`` (increasing, all > cost) with constant ``(p-c) x([p, inf))``.

    ``x([s_j, inf)) = (s_1 - c) / (s_j - c)``.
    """
    s = np.asarray(support, dtype=float)
    surv = (s[0] - cost) / (s - cost)
    return surv - np.r_[surv[1:], 0.0]


def greedy_uniform_segmentation(values, probabilities, cost: float,
                                mass_tol: float = tol.MASS):
    """Split ``probabilities`` on ``values`` (> cost) into equal-profit segments.

    Returns
    -------
    list of (weight, x) with ``x`` a distribution over ``values`` (zeros off its support);
    the weights sum to one and ``sum weight * x == probabilities``.

    References
    ----------
    Bergemann, Brooks & Morris (2015), Theorem 1 and its greedy construction; BBM25,
    Appendix A1 (uniform profit-preserving segmentation).
    """
    v = np.asarray(values, dtype=float)
    rem = np.asarray(probabilities, dtype=float).copy()
    if np.any(v <= cost):
        raise ValueError("every value must exceed the cost")
    segs = []
    while True:
        live = rem > mass_tol
        if not live.any():
            break
        idx = np.flatnonzero(live)
        x_s = equal_profit_market(v[idx], cost)
        alpha = float(np.min(rem[idx] / x_s))
        x = np.zeros_like(v)
        x[idx] = x_s
        segs.append((alpha, x))
        rem = rem - alpha * x
        rem[np.abs(rem) <= mass_tol] = 0.0
        rem = np.maximum(rem, 0.0)
    total = sum(a for a, _ in segs)
    return [(a / total, x) for a, x in segs] if total > 0 else []
