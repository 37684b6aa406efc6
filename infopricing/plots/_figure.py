"""The one way the library makes a figure, and the habits every figure shares.

* :func:`figure_and_axes` never goes through :mod:`matplotlib.pyplot` and never touches
  the backend;
* :func:`number` writes numbers in titles, labels and legends rounded to a tolerance, so
  rounding noise such as ``+8.882e-16`` never shows (it reads ``+0``);
* :func:`legend_outside` puts the legend to the right of the axes, never over the data;
* :func:`mark_market` marks the user's own market the same way in every figure;
* :func:`fit_limits` sets axis limits that fit the data with a small margin.
"""

from __future__ import annotations

import math

import numpy as np

from .. import tolerances as tol

__all__ = ["figure_and_axes", "number", "legend_outside", "mark_market", "fit_limits",
           "MARKET_STYLE", "LABEL_DIGITS"]

#: Significant digits of numbers shown in titles, labels and legends.
LABEL_DIGITS = 4

#: How the user's own market is drawn in every figure (a black star).
MARKET_STYLE = {"marker": "*", "color": "black", "ms": 14, "mec": "white", "mew": 0.8,
                "ls": "none", "zorder": 6}


def figure_and_axes(ax=None, figsize=(6.0, 4.0)):
    """Return ``(figure, axes)``: ``ax`` and its figure when given, otherwise a new
    :class:`matplotlib.figure.Figure` with one axes (constrained layout, so a legend
    outside the axes fits in the figure).

    The new figure is created without :mod:`matplotlib.pyplot`, so the user's backend and
    pyplot's list of open figures are left alone (save it with ``fig.savefig``; a notebook
    displays it; to draw into a pyplot window pass ``ax=plt.gca()``)."""
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def number(x, digits: int = LABEL_DIGITS, atol: float = tol.EQUAL, sign: bool = False) -> str:
    """``x`` for a title or label: rounded to ``digits`` significant digits, and shown
    as 0 when within ``atol`` of zero (``atol`` is relative to max(1, |x|)), so that
    floating-point noise never shows. ``sign=True`` always writes the sign (``+0``,
    ``+1.25``, ``-0.5``). Non-finite values read ``inf``, ``-inf`` or ``nan``.

    >>> number(8.881784197001252e-16, sign=True), number(1.2500000000000002), number(-2/3)
    ('+0', '1.25', '-0.6667')
    """
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    if abs(x) <= atol * max(1.0, abs(x)):
        x = 0.0
    text = f"{x:.{int(digits)}g}"
    if text in ("-0", "+0"):
        text = "0"
    if sign and not text.startswith("-"):
        text = "+" + text
    return text


def legend_outside(ax, fontsize: float = 8, **kwargs):
    """The axes' legend to the right of the axes (never over the data), one entry per
    label; ``None`` when nothing is labelled. Returns the Legend."""
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    if not uniq:
        return None
    kw = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0,
          "fontsize": fontsize, "frameon": False}
    kw.update(kwargs)
    return ax.legend(list(uniq.values()), list(uniq.keys()), **kw)


def mark_market(ax, x, y, label: str = "your market"):
    """Mark the user's market at ``(x, y)`` in the shared style (:data:`MARKET_STYLE`)."""
    (line,) = ax.plot([float(x)], [float(y)], label=label, **MARKET_STYLE)
    return line


def fit_limits(ax, x=None, y=None, margin: float = 0.05):
    """Axis limits that fit the data: ``[min - m, max + m]`` with ``m = margin`` times
    the range (or times max(1, |value|) when the range is zero)."""
    for arr, setter in ((x, ax.set_xlim), (y, ax.set_ylim)):
        if arr is None:
            continue
        a = np.asarray(arr, dtype=float).ravel()
        a = a[np.isfinite(a)]
        if a.size == 0:
            continue
        lo, hi = float(a.min()), float(a.max())
        span = hi - lo if hi > lo else max(1.0, abs(hi))
        setter(lo - margin * span, hi + margin * span)
