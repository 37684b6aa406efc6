"""Figures of the competition package (matplotlib; the backend is left as the user set it)."""

from __future__ import annotations

import numpy as np

from ..plots._figure import figure_and_axes

__all__ = ["plot_interim_density"]


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
    fig, ax = figure_and_axes(ax, figsize=(6, 3.6))
    ax.plot(r, g.density(r), lw=1.8, label=f"BBM25: $G_b^B$, b={g.b:.3g}, B={g.B:.3g}")
    ymax = max(float(np.max(g.density(r))), 1.0)
    ax.stem([-g.B, g.B], [g.atom * ymax * 2] * 2, linefmt="C0:", markerfmt="C0o", basefmt=" ",
            label=f"atoms {g.atom:.3g} at $\\pm B$ (height not to scale)")
    if armstrong_zhou is not None:
        ax.plot(r, armstrong_zhou.density(r), lw=1.2, color="C1",
                label=f"Armstrong-Zhou, price {armstrong_zhou.price:.3g}")
    ax.set_xlabel("interim residual $r$")
    ax.set_ylabel("density")
    ax.set_title("Consumer-surplus maximising interim values")
    ax.set_ylim(0, ymax * 1.1)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
