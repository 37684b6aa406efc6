"""Figures of CLW: Figure 1 (weighted value profiles before and after horizontal
pooling) and the scatter of an experiment's ratios."""

from __future__ import annotations

import numpy as np

from ._figure import figure_and_axes, legend_outside, number

__all__ = ["plot_clw_figure1", "plot_experiment"]


def plot_clw_figure1(dist=None, n: int = 5, eps: float = 0.1, ties: str = "lowest", axes=None):
    """CLW Figure 1: the probability-weighted value profiles ``Pr[v] v`` of a two-product
    distribution (left), and after horizontal disclosure (the buyer learns which product
    he values more) the aggregates ``Pr[class] E[v | class]`` of each class (right).

    For Example 3 (the default, ``catalog.clw_example3(n, eps)``) the weighted profiles
    lie near the quarter circle, and pooling by the preferred product leaves two
    aggregates with negatively correlated values, for which posted prices extract the
    full surplus. Every point is computed by the library
    (:func:`~infopricing.disclosure.horizontal_disclosure`).

    Parameters
    ----------
    dist : ValueDistribution, optional
        Two products (default: CLW Example 3 with ``n`` and ``eps``).
    n, eps : as in :func:`infopricing.catalog.clw_example3` (used when ``dist`` is None)
    ties : {"lowest", "uniform"}
        How a profile that values both products equally is disclosed.
    axes : two matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.clw_figure1`` holds the data drawn: ``weighted`` (n, 2), ``aggregates``
        (classes, 2) and ``classes`` (each profile's disclosed product).

    References
    ----------
    CLW, Example 3, Figure 1; Definition 2 (horizontal disclosure).
    """
    from ..disclosure import horizontal_disclosure

    if dist is None:
        from .. import catalog

        dist = catalog.clw_example3(n, eps)
    if dist.n_products != 2:
        raise ValueError(f"CLW Figure 1 is drawn for two products, got {dist.n_products}")
    hd = horizontal_disclosure(dist, ties=ties)
    weighted = dist.probabilities[:, None] * dist.values
    r = np.asarray(hd.probabilities, dtype=float)
    pos = r > 0
    aggregates = r[pos, None] * np.asarray(hd.posterior_means, dtype=float)[pos]
    if axes is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 4.6), layout="constrained")
        axes = fig.subplots(1, 2, sharex=True, sharey=True)
    else:
        axes = list(axes)
        if len(axes) != 2:
            raise ValueError(f"axes must be two Axes, got {len(axes)}")
        fig = axes[0].figure
    top = np.asarray(hd.top_product)
    allpts = np.vstack([weighted, aggregates, [[0.0, 0.0]]])
    lim = 1.12 * float(allpts.max())
    labels = [str(p) for p in dist.products]
    for ax in axes:
        ax.plot([0, lim], [0, lim], ls=":", color="0.5", lw=1, label="x = y")
        ax.set_aspect("equal")
        ax.set_xlim(-0.04 * lim, lim)
        ax.set_ylim(-0.04 * lim, lim)
        ax.set_xlabel(f"x: weighted value of {labels[0]}")
    axes[0].set_ylabel(f"y: weighted value of {labels[1]}")
    for i, (color, side) in enumerate((("tab:blue", "x > y"), ("tab:orange", "x < y"))):
        sel = top == i
        axes[0].plot(weighted[sel, 0], weighted[sel, 1], "o", color=color, ms=6,
                     label=f"Pr[v] v, prefers {labels[i]} ({side})")
    classes = np.flatnonzero(pos)
    for j, i in enumerate(classes):
        color = ("tab:blue", "tab:orange")[int(i)]
        axes[1].plot([0, aggregates[j, 0]], [0, aggregates[j, 1]], color=color, lw=1)
        axes[1].plot(*aggregates[j], "D", color=color, ms=8,
                     label=f"aggregate of {labels[int(i)]}-preferring: "
                           f"({number(aggregates[j, 0])}, {number(aggregates[j, 1])})")
    axes[0].set_title("before pooling: weighted value profiles", fontsize=10)
    axes[1].set_title("after horizontal disclosure", fontsize=10)
    legend_outside(axes[0], loc="upper left", bbox_to_anchor=(0.0, -0.15), ncols=1)
    legend_outside(axes[1], loc="upper left", bbox_to_anchor=(0.0, -0.15), ncols=1)
    fig.clw_figure1 = {"weighted": weighted, "aggregates": aggregates, "classes": classes,
                       "top_product": top}
    return fig


def plot_experiment(result, ax=None):
    """Scatter of pricing/OPT-Wel against uniform/OPT-Wel, with the 1/2 (Theorem 1) and
    2/3 (Proposition 1) lines, drawn on ``ax`` (default: a new figure); returns the Figure.

    References
    ----------
    CLW, Theorem 1, Proposition 1; section 6 (the 2/3 conjecture).
    """
    fig, ax = figure_and_axes(ax, figsize=(7.5, 4.5))
    u = [r["uniform_ratio"] for r in result.rows]
    p = [r["pricing_ratio"] for r in result.rows]
    ax.scatter(u, p, s=18, label="instances")
    w = result.worst
    ax.scatter([u[w]], [p[w]], s=60, facecolors="none", edgecolors="red", label="worst pricing ratio")
    ax.axhline(2 / 3, ls="--", c="grey", lw=1, label="2/3 (Prop. 1, two products)")
    ax.axvline(0.5, ls=":", c="grey", lw=1, label="1/2 (Thm. 1)")
    ax.plot([0, 1], [0, 1], c="k", lw=0.5)
    lo = min(0.4, float(np.min(u + p)) - 0.02) if u else 0.4
    ax.set_xlim(lo, 1.02)
    ax.set_ylim(lo, 1.02)
    ax.set_xlabel("uniform pricing / OPT-Wel")
    ax.set_ylabel("pricing / OPT-Wel")
    s = result.settings
    ax.set_title(f"{s.get('family')}: m={s.get('products')}, support {s.get('support')}")
    legend_outside(ax)
    return fig
