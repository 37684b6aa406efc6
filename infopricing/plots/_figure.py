"""The one way the library makes a figure: never through pyplot, never touching the backend."""

from __future__ import annotations


def figure_and_axes(ax=None, figsize=(6.0, 4.0)):
    """Return ``(figure, axes)``: ``ax`` and its figure when given, otherwise a new
    :class:`matplotlib.figure.Figure` with one axes.

    The new figure is created without :mod:`matplotlib.pyplot`, so the user's backend and
    pyplot's list of open figures are left alone (save it with ``fig.savefig``; a notebook
    displays it; to draw into a pyplot window pass ``ax=plt.gca()``)."""
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.add_subplot()
