"""Armstrong & Zhou's benchmark in BBM25 Example 4, in closed form.

Hotelling with values (0, a) or (a, 0) equally likely, producers uninformed, a symmetric
pure equilibrium at a common price p. The consumer's interim residual r = v1' - v2' has a
symmetric distribution on [-a, a]; every such distribution is a mean-preserving contraction
of the prior (r = +-a), so the only constraints are the producers' no-deviation conditions.
With S(x) = P(r >= x), a producer deviating to t against p sells to P(r >= max(t - p, 2t - a))
and must not earn more than p/2:

* upward, p < t <= a - p:   S(x) <= p / (2 (p + x)),  x = t - p in (0, a - 2p];
* upward, a - p < t <= a:   S(z) <= p / (a + z),       z = 2t - a in (a - 2p, a];
* downward, t = p - y < p:  S(y) >= (p - 2y) / (2 (p - y)), which the first bound
  dominates (their difference is p y^2 / (2 (p^2 - y^2)) >= 0), so it never binds.

E|r| = 2 int_0^a S is largest with every upper bound binding (a truncated Pareto tail with
atoms p/2 at +-a), giving E|r| = p ln((a - p)/p) + 2 p ln(a / (a - p)), total surplus
a/2 + E|r|/2 and consumer surplus a/2 + E|r|/2 - p. The consumer-optimal price solves the
one-dimensional first-order condition (a = 1; the general case scales by a)

    (1/2) ln((1 - p)/p) - ln(1 - p) + p / (2 (1 - p)) = 3/2,

on (0, 1/2], where the consumer surplus is strictly concave.

References
----------
Armstrong & Zhou (2022); BBM25, Section III.C, Example 4 and Figure 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.optimize import brentq

from ..verify.protocol import PER_TYPE, deprecated_alias


def _cs1(p: float) -> float:
    return 0.5 + 0.5 * p * math.log((1 - p) / p) + p * math.log(1 / (1 - p)) - p


def _foc1(p: float) -> float:
    return 0.5 * math.log((1 - p) / p) - math.log(1 - p) + p / (2 * (1 - p)) - 1.5


@dataclass(frozen=True)
class ArmstrongZhouExact:
    """The closed-form Armstrong-Zhou outcome for Example 4 (values scaled by ``a``).

    Attributes
    ----------
    price, expected_consumer_surplus, total_surplus, producer_surplus : float
    scale : float        ``a``
    params : dict        ``{"method": "closed form, brentq on the first-order condition", "xtol": ...}``
    """

    price: float
    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    total_surplus: float
    producer_surplus: float
    scale: float
    params: dict

    def survival(self, x: float) -> float:
        """``S(x) = P(r >= x)`` for ``0 < x <= a`` at the optimum."""
        a, p = self.scale, self.price
        if not 0 < x <= a:
            raise ValueError(f"x must lie in (0, {a:g}], got {x!r}")
        return p / (2 * (p + x)) if x <= a - 2 * p else p / (a + x)


def consumer_surplus_at_price(p: float, scale: float = 1.0) -> float:
    """Largest consumer surplus of a symmetric pure equilibrium at common price ``p``
    (``0 < p <= scale/2``)."""
    a = float(scale)
    if not a > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    if not 0 < p <= a / 2:
        raise ValueError(f"p must lie in (0, scale/2] = (0, {a / 2:g}], got {p!r}")
    return a * _cs1(p / a)


def armstrong_zhou_exact(scale: float = 1.0, xtol: float = 1e-15) -> ArmstrongZhouExact:
    """Solve the consumer-optimal Armstrong-Zhou benchmark of Example 4 exactly.

    References
    ----------
    Armstrong & Zhou (2022); BBM25, Example 4.
    """
    a = float(scale)
    if not (math.isfinite(a) and a > 0):
        raise ValueError(f"scale must be positive and finite, got {scale!r}")
    p1 = brentq(_foc1, 1e-6, 0.5, xtol=xtol)
    cs = _cs1(p1)
    return ArmstrongZhouExact(price=a * p1, expected_consumer_surplus=a * cs, total_surplus=a * (cs + p1),
                              producer_surplus=a * p1, scale=a,
                              params={"method": "closed form, brentq on the first-order condition",
                                      "xtol": xtol})
