"""Haghpanah & Siegel (HS), "Pareto Improving Segmentation of Multi-Product Markets"."""

from __future__ import annotations

from ..model import Environment, Market
from ._cite import cite

__all__ = ["hs_section3", "hs_section3_market", "hs_section3_single_product",
           "hs_section3_single_product_market", "hs_section611", "hs_section611_market",
           "hs_appendix_c", "hs_corollary4_piecewise_linear"]


@cite("HS, Section 3 (Figure 1(a))")
def hs_section3() -> Environment:
    """Two types, two qualities: t1 values (L, H) = (0.75, 1), t2 values (1, 2).

    For a share q of t2 the optimal menu is efficient for q < 1/4, screens (L at 0.75,
    H at 1.75) for 1/4 < q < 3/4 and excludes t1 for q > 3/4."""
    return Environment([[0.75, 1.0], [1.0, 2.0]], types=["t1", "t2"], alternatives=["L", "H"])


@cite("HS, Section 3 (Figure 1(a), the screening region)")
def hs_section3_market(q: float = 0.5) -> Market:
    """The section 3 environment with a share ``q`` of type t2 (default 1/2: revenue 1.25)."""
    return Market(hs_section3(), [1.0 - q, q])


@cite("HS, Section 3 (the single-product illustration)")
def hs_section3_single_product() -> Environment:
    """One product, values 1 (t1) and 2 (t2)."""
    return Environment([[1.0], [2.0]], types=["t1", "t2"], alternatives=["product"])


@cite("HS, Section 3 (the single-product illustration)")
def hs_section3_single_product_market() -> Market:
    """The single-product environment with a quarter of t1 (the seller prices at 2)."""
    return Market(hs_section3_single_product(), [0.25, 0.75])


@cite("HS, Section 6.1.1 (Figure 3)")
def hs_section611() -> Environment:
    """Three types, two alternatives: t1 = (1, 0.5) lowest, prefers a1; t2 = (2, 2.5) and
    t3 = (1.5, 3) prefer a2; t2's premium for a2 (0.5) is below t3's (1.5)."""
    return Environment([[1.0, 0.5], [2.0, 2.5], [1.5, 3.0]], types=["t1", "t2", "t3"],
                       alternatives=["a1", "a2"])


@cite("HS, Section 6.1.1 (Figure 3(b))")
def hs_section611_market() -> Market:
    """The section 6.1.1 environment at (0.5, 0.1, 0.4): t2 is served a1 inefficiently."""
    return Market(hs_section611(), [0.5, 0.1, 0.4])


@cite("HS, Appendix C (the example before C.1; Figures 6 and 7)")
def hs_appendix_c():
    """Linear valuations v(t) a with v = (1, 2), qualities a in [0, 1], cost a^2 / 2."""
    from ..segmentation.linear import LinearEnvironment

    return LinearEnvironment([1.0, 2.0], (0.0, 1.0), lambda a: a * a / 2, marginal_cost=lambda a: a)


#: kinks and slopes of the piecewise-linear cost of :func:`hs_corollary4_piecewise_linear`
COROLLARY4_KINKS = (0.5, 1.0, 1.5)
COROLLARY4_SLOPES = (0.4, 1.0, 1.8)


@cite("HS, Appendix C.1 (Corollary 4; the piecewise-linear cost is constructed by the library)")
def hs_corollary4_piecewise_linear(values=(1.5, 2.5)):
    """Linear valuations with the convex piecewise-linear cost on [0, 1.5] with kinks at
    0.5 and 1 and slopes 0.4, 1.0, 1.8, as the finite set of its kinks and end point.

    phi a - C(a) is concave and piecewise linear in a, so it is maximised at a kink or an end
    of the interval: the virtual-surplus maximisers (HS Proposition 6), hence the optimal
    mechanisms, are those of the finite environment of the qualities 0, 0.5, 1, 1.5."""
    from ..segmentation.linear import LinearEnvironment

    a = list(COROLLARY4_KINKS)
    widths = [a[0]] + [a[i] - a[i - 1] for i in range(1, len(a))]
    cost, c = [], 0.0
    for s, w in zip(COROLLARY4_SLOPES, widths):
        c += s * w
        cost.append(c)
    return LinearEnvironment(list(values), a, cost)
