"""Figures of BBM25: the consumer-optimal interim density (Figure 2) and consumer
surplus along a one-dimensional family of information structures."""

from __future__ import annotations

import numpy as np

from ._figure import figure_and_axes, fit_limits, legend_outside, number

__all__ = ["plot_interim_density", "plot_information_path", "plot_benchmark_paths"]

#: How each benchmark is marked (BBM25's three information structures).
_BENCHMARK_MARKERS = {"no information": ("o", "tab:red"),
                      "complete information": ("s", "tab:blue"),
                      "consumer-optimal (Theorem 1)": ("*", "tab:green")}


def plot_interim_density(optimum, armstrong_zhou=None, points: int = 801, ax=None):
    """Density of the consumer-optimal interim residual (BBM25, Figure 2).

    Parameters
    ----------
    optimum : HotellingOptimum
        The ``G_b^B`` optimum; its atoms at ``+-B`` are drawn as stems.
    armstrong_zhou : ArmstrongZhou, optional
        Overlay of the uninformed-producers benchmark (piecewise-uniform density).
    points : int
        Number of points at which the densities are drawn.
    ax : matplotlib Axes, optional
        Draw there (default: a new figure).

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    BBM25, Figure 2; Theorem 3.
    """
    g = optimum.distribution
    vb = optimum.vbar
    r = np.linspace(-vb, vb, points)
    fig, ax = figure_and_axes(ax, figsize=(8, 3.6))
    ax.plot(r, g.density(r), lw=1.8, label=f"BBM25: $G_b^B$, b={number(g.b, 3)}, B={number(g.B, 3)}")
    ymax = max(float(np.max(g.density(r))), 1.0)
    ax.stem([-g.B, g.B], [g.atom * ymax * 2] * 2, linefmt="C0:", markerfmt="C0o", basefmt=" ",
            label=f"atoms {number(g.atom, 3)} at $\\pm B$ (height not to scale)")
    if armstrong_zhou is not None:
        ax.plot(r, armstrong_zhou.density(r), lw=1.2, color="C1",
                label=f"Armstrong-Zhou, price {number(armstrong_zhou.price, 3)}")
    ax.set_xlabel("interim residual $r$")
    ax.set_ylabel("density")
    ax.set_title("Consumer-surplus maximising interim values")
    ax.set_xlim(-vb * 1.03, vb * 1.03)
    ax.set_ylim(0, ymax * 1.1)
    legend_outside(ax)
    return fig


def plot_information_path(*paths, ax=None, given=None):
    """Consumer surplus against the weight w of the mixture ``(1 - w) A + w B`` of two
    information structures, one line per :class:`~infopricing.competition.information_path.InformationPath`,
    with the benchmarks at the ends marked and the bound TS-bar - sum PS_i (BBM25
    Proposition 1) drawn.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    BBM25, section I, Proposition 1, Theorem 1.
    """
    if not paths:
        raise ValueError("give at least one InformationPath")
    fig, ax = figure_and_axes(ax, figsize=(9, 4.2))
    ys = []
    for k, p in enumerate(paths):
        ax.plot(p.weights, p.expected_consumer_surplus, color=f"C{k}", lw=1.8, label=f"CS along {p.kind}")
        ys.append(p.expected_consumer_surplus)
        for w, o in ((0.0, p.start), (1.0, p.end)):
            marker, color = _BENCHMARK_MARKERS.get(o.label, ("D", "black"))
            ax.plot([w], [o.expected_consumer_surplus], marker=marker, color=color, ms=11, ls="none",
                    zorder=5, label=f"{o.label}: CS = {number(o.expected_consumer_surplus)}")
    bound = paths[0].max_consumer_surplus
    ax.axhline(bound, ls="--", color="0.4", lw=1,
               label=f"TS-bar - sum PS_i = {number(bound)} (Prop. 1)")
    if given is not None:   # the user's own information structure: a level, not a point of a path
        ax.axhline(given.expected_consumer_surplus, ls=":", color="black", lw=1.6,
                   label=f"{given.label}: CS = {number(given.expected_consumer_surplus)}")
        ys.append([given.expected_consumer_surplus])
    ax.set_xlabel("weight w of the second structure in the mixture")
    ax.set_ylabel("consumer surplus")
    ax.set_xlim(-0.03, 1.03)
    fit_limits(ax, y=np.concatenate(ys + [[bound]]), margin=0.08)
    ax.set_title("Consumer surplus and information (BBM25)")
    legend_outside(ax)
    return fig


def plot_benchmark_paths(complete, optimal, none=None, size: int = 21, ax=None, given=None):
    """The competition figure of ``infopricing compete --plot``: consumer surplus from no
    information to the consumer-optimal structure and from no information to complete
    information (from complete information to the consumer-optimal structure when the
    no-information benchmark is not available), the three benchmarks marked.

    Parameters
    ----------
    complete : CompleteInformationOutcome
    optimal : CompetitionOutcome        ``alignment_construction(game).outcome``
    none : NoInformationOutcome, optional
    size : int                          weights per path
    given : PublicSegmentationOutcome, optional
        The user's own information structure (``[information]`` in the model file), drawn
        as a level line at its consumer surplus.

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    BBM25, section I, Proposition 1, Theorem 1.
    """
    from ..competition.information_path import information_path

    game = getattr(complete, "game", None)
    bounds = None
    if game is not None:
        from ..competition import producer_surplus_bounds

        bounds = producer_surplus_bounds(game)
    if none is None:
        paths = [information_path(complete, optimal, size=size, bounds=bounds)]
    else:
        paths = [information_path(none, optimal, size=size, bounds=bounds),
                 information_path(none, complete, size=size, bounds=bounds)]
    return plot_information_path(*paths, ax=ax, given=given)
