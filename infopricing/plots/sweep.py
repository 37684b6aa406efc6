"""The market map of a sweep: HS Figure 1 for two types, the market simplex for three."""

from __future__ import annotations

import numpy as np

from ._figure import figure_and_axes, fit_limits, legend_outside, mark_market, number
from .hs import _probabilities, _simplex_frame, barycentric

__all__ = ["plot_sweep_map"]

#: Legend entries of the two regions (efficiency of the selected menu, every type's
#: allocation counted, as ``SweepResult.efficient`` and ``Mechanism.is_efficient``).
EFFICIENT_LABEL = "selected menu efficient (not Pareto improvable, HS Obs. 1)"
INEFFICIENT_LABEL = "selected menu inefficient"


def _high_type(env, selection: str):
    """HS section 5's high type t_H of a two-type environment (index 1 when neither type
    is high or the efficient alternatives are not unique), with the environment's
    :class:`~infopricing.segmentation.two_type.TwoTypeProfile` (None in the latter case)."""
    try:
        from ..segmentation.two_type import two_type_profile

        profile = two_type_profile(env, selection=selection)
    except ValueError:
        return 1, None
    return (1 if profile.high is None else int(profile.high)), profile


def plot_sweep_map(result, market=None, ax=None):
    """The market map of a :class:`~infopricing.scale.SweepResult`.

    Two types (HS Figure 1): the high type's surplus in each swept market's selected
    optimal menu against its share q, green where the menu is efficient (not Pareto
    improvable, HS Observation 1) and blue where it is not, with the inefficient markets
    that are not Pareto improvable (:func:`~infopricing.two_type_profile`) crossed. Three types: each swept market
    as a point of the simplex, green where efficient and blue where not. The user's
    ``market`` (a Market or probability vector, e.g. the model file's) is marked.

    Parameters
    ----------
    result : SweepResult
    market : Market or array_like, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    References
    ----------
    HS, section 5, Lemma 1, Figure 1 (two types); section 6.2, Observation 1, Figure 2
    (the market simplex).
    """
    env = result.env
    n = env.n_types
    if n not in (2, 3):
        raise ValueError(f"plot_sweep_map draws 2 or 3 types, got {n}")
    p = _probabilities(market, n)
    F = np.asarray(result.markets, dtype=float)
    eff = np.asarray(result.efficient, dtype=bool)
    fig, ax = figure_and_axes(ax, figsize=(8, 4.5) if n == 2 else (8, 5))
    if n == 2:
        hi, profile = _high_type(env, result.selection)
        q = F[:, hi]
        s = np.asarray(result.surplus, dtype=float)[:, hi]
        order = np.argsort(q, kind="stable")
        ax.plot(q[order], s[order], color="0.75", lw=0.8, zorder=1)
        ax.plot(q[eff], s[eff], "o", color="tab:green", ms=4, ls="none",
                label=EFFICIENT_LABEL)
        ax.plot(q[~eff], s[~eff], "o", color="tab:blue", ms=4, ls="none", label=INEFFICIENT_LABEL)
        ys = list(s)
        if profile is not None:  # HS Figure 1's crosses: inefficient, not Pareto improvable
            for qq in profile.non_improvable:
                j = profile.thresholds.index(qq)
                ax.plot([float(qq)], [float(profile.threshold_surplus[j])], "X", color="tab:red",
                        ms=10, ls="none", label="inefficient, not Pareto improvable (HS Lemma 1)")
        if p is not None:
            from ..scale import sweep

            mine = sweep(env, p[None, :], selection=result.selection)
            y = float(mine.surplus[0, hi])
            mark_market(ax, p[hi], y, f"your market (q = {number(p[hi])})")
            ys.append(y)
        ax.set_xlabel(f"q = share of high type {env.types[hi]}")
        ax.set_ylabel(f"surplus of {env.types[hi]}")
        ax.set_xlim(-0.02, 1.02)
        fit_limits(ax, y=ys, margin=0.08)
        ax.set_title(f"HS Figure 1: {len(q)} markets swept\n({result.selection} selection)", fontsize=10)
    else:
        x, y = barycentric(F)
        size = float(np.clip(4000.0 / max(len(F), 1), 2.0, 30.0))
        ax.scatter(x[eff], y[eff], s=size, color="tab:green", alpha=0.7,
                   label=EFFICIENT_LABEL)
        ax.scatter(x[~eff], y[~eff], s=size, color="tab:blue", alpha=0.5,
                   label=INEFFICIENT_LABEL)
        if p is not None:
            mx, my = barycentric(p)
            mark_market(ax, mx[0], my[0])
        _simplex_frame(ax, env.types)
        ax.set_title(f"Market simplex: {len(F)} markets swept\n({result.selection} selection)", fontsize=10)
    legend_outside(ax)
    return fig
