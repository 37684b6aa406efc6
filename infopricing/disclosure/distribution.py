"""Welfare of a finite value distribution (CLW section 2).

The distribution itself, :class:`~infopricing.model.ValueDistribution`, lives in
:mod:`infopricing.model.distribution` and is re-exported here.
"""

from __future__ import annotations

from ..model.distribution import ValueDistribution, _check_dist  # noqa: F401


def optimal_welfare(dist: ValueDistribution) -> float:
    """OPT-Wel ``= E[max_i v_i]``: the welfare when each profile gets its best product.

    It bounds the revenue of every mechanism with any information structure.

    References
    ----------
    CLW, section 2 (definition of OPT-Wel) and the proof of Theorem 1.

    Examples
    --------
    >>> import infopricing as ip
    >>> d = ip.ValueDistribution([[10, 5], [6, 5], [0, 3]], [0.2, 0.4, 0.4])   # CLW Example 1
    >>> round(ip.optimal_welfare(d), 4)
    5.6
    """
    _check_dist(dist)
    return float(dist.probabilities @ dist.max_value)
