"""The arithmetic of CLW Theorem 2's proof (Appendix A.3), in exact rationals.

The proof fixes ``delta = 0.0068``, ``delta_hat = 0.925`` and ``k = 11`` and needs, in its
last sub-case, a revenue bound above ``2 / (2 - delta)``; the guarantee is then
``1 / (2 - delta) ~ 50.17%`` of OPT-Rev. Every constant is recomputed here from the
definitions the proof displays.

References
----------
CLW, Theorem 2 and its proof (Appendix A.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Theorem2Constants:
    """The constants of Theorem 2's proof (exact rationals).

    Attributes
    ----------
    delta, delta_hat, k : Fraction
    guarantee : Fraction            ``1 / (2 - delta)`` (the fraction of OPT-Rev)
    target : Fraction               ``2 / (2 - delta)`` (what the last sub-case must beat)
    markov : Fraction               ``(1 - delta - delta_hat) / (1 - delta_hat)``
    c : Fraction                    ``(k/2 - 2/(2-delta)) / (2/(2-delta) - delta_hat)``
    w_lower : Fraction              the displayed w-underline
    revenue_bound : Fraction        the sub-case-2 display, ``- c w`` (as derived)
    revenue_bound_printed : Fraction the final display as printed, ``+ c w``
    """

    delta: Fraction
    delta_hat: Fraction
    k: Fraction
    guarantee: Fraction
    target: Fraction
    markov: Fraction
    c: Fraction
    w_lower: Fraction
    revenue_bound: Fraction
    revenue_bound_printed: Fraction

    @property
    def valid(self) -> bool:
        """The proof's side conditions: ``delta + delta_hat < 1`` (Markov step),
        ``c + 1 - k > 0`` (w-underline well defined, positive), and the derived revenue
        bound above ``2 / (2 - delta)``."""
        return (self.delta + self.delta_hat < 1 and self.c + 1 - self.k > 0 and self.w_lower > 0
                and self.revenue_bound > self.target)


def theorem2_constants(delta="0.0068", delta_hat="0.925", k=11) -> Theorem2Constants:
    """Recompute Theorem 2's constants from the proof's definitions.

    Parameters
    ----------
    delta, delta_hat : str, int or Fraction
        Exact decimals (strings) or rationals in (0, 1); floats are refused, since the
        point is exact arithmetic.
    k : int (>= 3)
    """
    for name, x in (("delta", delta), ("delta_hat", delta_hat)):
        if isinstance(x, float):
            raise TypeError(f"{name} must be a str, int or Fraction (exact), got float {x!r}")
    d, dh = Fraction(delta), Fraction(delta_hat)
    if not (0 < d < 1 and 0 < dh < 1):
        raise ValueError(f"delta and delta_hat must lie in (0, 1), got {d} and {dh}")
    if not (isinstance(k, int) and k >= 3):
        raise ValueError(f"k must be an integer >= 3, got {k!r}")
    K = Fraction(k)
    target = 2 / (2 - d)
    c = (K / 2 - target) / (target - dh)
    w = (target * (1 + (1 - (K + 1) * d) / K) - 1 + (K + 1) * d) / (c + 1 - K)
    head = Fraction(1, 2) * (1 - (K + 1) * d - w * K)
    rev = head + (1 - 2 / K - c * w) * dh
    rev_printed = head + (1 - 2 / K + c * w) * dh
    return Theorem2Constants(delta=d, delta_hat=dh, k=K, guarantee=1 / (2 - d), target=target,
                             markov=(1 - d - dh) / (1 - dh), c=c, w_lower=w, revenue_bound=rev,
                             revenue_bound_printed=rev_printed)
