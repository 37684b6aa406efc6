"""Figure of BBM 2015: the surplus triangle of a single-product market."""

from __future__ import annotations

import numpy as np

from ._figure import figure_and_axes, legend_outside, mark_market

__all__ = ["plot_surplus_triangle"]


def plot_surplus_triangle(triangle, points=None, ax=None):
    """Draw the surplus triangle with its vertices and achieved points; the unsegmented
    market (the user's, at the uniform price) is marked.

    Parameters
    ----------
    triangle : SurplusTriangle
    points : dict, optional
        ``label -> (consumer surplus, producer surplus)`` or ``label -> SingleProductSegmentation``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    BBM15, Figure 1.
    """
    fig, ax = figure_and_axes(ax, figsize=(7, 5))
    V = triangle.vertices
    tri = np.array([V["consumer_optimal"], V["perfect_discrimination"], V["zero_consumer_surplus"]])
    ax.fill(tri[:, 0], tri[:, 1], alpha=0.2, color="tab:blue", label="achievable (CS, PS)")
    ax.plot(*np.vstack([tri, tri[:1]]).T, color="tab:blue")
    ts, pi = triangle.efficient_surplus, triangle.uniform_profit
    gap = max(ts - pi, 1e-9 * max(1.0, ts))
    ax.plot([0, ts - pi], [ts, pi], ls=":", color="grey", label="efficient: CS + PS = TS")
    names = {"consumer_optimal": ("consumer-optimal (greedy)", (6, 6)),
             "perfect_discrimination": ("perfect discrimination", (6, 0)),
             "zero_consumer_surplus": ("zero CS, uniform profit", (4, -14))}
    for k, (cs, ps) in V.items():
        if k == "uniform_price":
            mark_market(ax, cs, ps, "your market, unsegmented (uniform price)")
            continue
        ax.plot(cs, ps, "o", ms=6, color="tab:blue")
        label, off = names[k]
        ax.annotate(label, (cs, ps), textcoords="offset points", xytext=off, fontsize=8)
    for label, pt in (points or {}).items():
        if hasattr(pt, "expected_consumer_surplus") and hasattr(pt, "producer_surplus"):
            pt = (pt.expected_consumer_surplus, pt.producer_surplus)
        ax.plot(pt[0], pt[1], "x", ms=9, mew=2, label=str(label))
    ax.set_xlabel("consumer surplus")
    ax.set_ylabel("producer surplus")
    ax.set_xlim(-0.08 * gap, 1.45 * gap)
    ax.set_ylim(pi - 0.25 * gap, ts + 0.1 * gap)
    ax.set_title("Surplus triangle (BBM 2015)")
    legend_outside(ax)
    return fig
