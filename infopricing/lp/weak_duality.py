"""The LP weak-duality bound, written once.

For ``max c.z`` subject to ``lo_r <= A z <= hi_r`` and ``lo_c <= z <= hi_c``, any row
multipliers ``y`` with reduced costs ``d = c - A^T y`` give ``c.z = y.(A z) + d.z``, hence

    c.z <= sum_i sup_{a in [lo_r_i, hi_r_i]} y_i a + sum_j sup_{b in [lo_c_j, hi_c_j]} d_j b.

Used by the menu LP's revenue certificates (:func:`infopricing.screening.mechanism.
revenue_dual_bound`, :func:`infopricing.segmentation.segment_welfare.revenue_upper_bound`).

References
----------
LP weak duality (e.g. Bertsimas & Tsitsiklis, Theorem 4.3).
"""

from __future__ import annotations

import numpy as np

__all__ = ["weak_duality_bound"]


def weak_duality_bound(y, d, lo_r, hi_r, lo_c, hi_c) -> tuple[float, float]:
    """The weak-duality bound from row multipliers ``y`` and reduced costs ``d``.

    A multiplier pushing against an infinite side (a positive entry on an unbounded upper
    side, a negative one on an unbounded lower side) would make the bound infinite; such
    entries are left out of the sum and their largest magnitude is returned as the dual
    infeasibility, so that the caller decides (the bound is valid when it is 0).

    Returns
    -------
    (bound, dual_infeasibility) : tuple of float
    """
    total, worst = 0.0, 0.0
    for w, lo, hi in ((y, lo_r, hi_r), (d, lo_c, hi_c)):
        w = np.asarray(w, dtype=float)
        side = np.where(w > 0, np.asarray(hi, dtype=float), np.asarray(lo, dtype=float))
        finite = np.isfinite(side)
        use = finite & (w != 0)
        total += float(np.sum(w[use] * side[use]))
        worst = max(worst, float(np.max(np.abs(w[~finite & (w != 0)]), initial=0.0)))
    return total, worst
