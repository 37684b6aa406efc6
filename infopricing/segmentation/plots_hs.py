"""Figures for HS: Figure 1 (two types), Figure 2 (genericity hyperplanes / market simplex),
and a per-segment surplus-change bar chart. Functions return matplotlib Figures."""

from __future__ import annotations

import numpy as np

from ..plots._figure import figure_and_axes

__all__ = ["plot_two_type_profile", "plot_genericity", "plot_segmentation_surplus"]


def plot_two_type_profile(profile, ax=None):
    """HS Figure 1: the high type's surplus against its share q, constant on each interval
    and decreasing; markets that are inefficient and not Pareto improvable are marked.

    References
    ----------
    HS, section 5, Lemma 1, Figure 1.
    """
    if ax is None:
        fig, ax = figure_and_axes(figsize=(6, 4))
    else:
        fig = ax.figure
    env = profile.env
    th = [float(q) for q in profile.thresholds]
    for j, a in enumerate(profile.surplus):
        color = "tab:green" if profile.efficient_intervals[j] else "tab:blue"
        ax.hlines(float(a), th[j], th[j + 1], colors=color, lw=2.5,
                  label=("efficient" if profile.efficient_intervals[j] else "inefficient")
                  if j in (0, len(profile.surplus) - 1) else None)
        ax.plot([th[j], th[j + 1]], [float(a)] * 2, "o", mfc="white", color=color, ms=5)
    for q, s in zip(profile.thresholds[1:-1], profile.threshold_surplus[1:-1]):
        ax.plot(float(q), s, "o", color="black", ms=5)
    for q in profile.non_improvable:
        j = profile.thresholds.index(q)
        ax.plot(float(q), profile.threshold_surplus[j], "X", color="tab:red", ms=11,
                label="inefficient, not Pareto improvable")
    hi = "t_H" if profile.high is None else env.types[profile.high]
    ax.set_xlabel(f"q = share of high type {hi}")
    ax.set_ylabel(f"surplus of {hi}")
    ax.set_xlim(-0.02, 1.02)
    ax.set_title("HS Figure 1: high type's surplus by market")
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="upper right")
    fig.tight_layout()
    return fig


def _bary(f):
    """Barycentric (3-simplex) -> 2-D triangle coordinates."""
    f = np.atleast_2d(f)
    x = f[:, 1] + 0.5 * f[:, 2]
    y = (np.sqrt(3) / 2) * f[:, 2]
    return x, y


def _plane_segment_3(b):
    """Endpoints of H(b) inside the 2-simplex (None when it misses or is a vertex)."""
    b = np.asarray(b, dtype=float)
    pts = []
    for i in range(3):
        for j in range(i + 1, 3):
            # on edge f_i + f_j = 1, f_other = 0: b_i f_i + b_j f_j = 0
            den = b[i] - b[j]
            if den == 0:
                continue
            fi = -b[j] / den
            if -1e-12 <= fi <= 1 + 1e-12:
                f = np.zeros(3)
                f[i], f[j] = fi, 1 - fi
                if not any(np.allclose(f, p) for p in pts):
                    pts.append(f)
    return pts if len(pts) >= 2 else None


def simplex_grid(resolution: int) -> np.ndarray:
    """The markets ``(i, j, r - i - j) / r`` of the 3-type simplex, ``r = resolution``.

    Returns an array of shape ((r + 1)(r + 2) / 2, 3), one probability vector per row.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) \
            or resolution < 1:
        raise ValueError(f"resolution must be a positive integer, got {resolution!r}")
    r = int(resolution)
    i, j = np.triu_indices(r + 1)  # j >= i; remap to all (a, b) with a + b <= r
    a, b = i, j - i
    pts = np.column_stack([a, b, r - a - b]).astype(float) / r
    order = np.lexsort((pts[:, 1], pts[:, 0]))
    return pts[order]


def _grid_efficiency(env, markets, selection: str = "efficient", progress=None) -> np.ndarray:
    """Whether the selected optimal menu of each market is efficient, via one certified
    market sweep (:func:`infopricing.scale.sweep`) instead of one LP per market."""
    from ..scale import sweep

    res = sweep(env, markets, selection=selection, progress=progress)
    return np.asarray(res.efficient, dtype=bool)


def plot_genericity(genericity, profile=None, resolution: int = 60, ax=None, progress=None):
    """HS Figure 2: markets with multiple optimal payment rules lie on finitely many
    hyperplanes H(b).

    Two types: the simplex f(t1) + f(t2) = 1 in the (f(t1), f(t2)) plane with the lines
    b . f = 0 through the origin; the inefficient non-improvable markets of ``profile``
    (a :class:`~infopricing.segmentation.two_type.TwoTypeProfile`) are marked.
    Three types: the market triangle shaded by whether the selected optimal menu is
    efficient (efficient markets are not Pareto improvable, HS Observation 1) on a grid of
    ``resolution`` (classified by one certified market sweep,
    :func:`infopricing.scale.sweep`, so fine grids are cheap), with the segments of every H(b): off them Theorem 1 yields a
    Pareto-improving segmentation of every inefficient market, so improvements can fail only
    on the efficient region and on the hyperplanes. ``progress(done, total)`` is called as
    grid markets get classified.

    References
    ----------
    HS, section 6.2, Definition 1, Proposition 4, Theorem 1, Figure 2.
    """
    env = genericity.env
    n = env.n_types
    if ax is None:
        fig, ax = figure_and_axes(figsize=(6, 5.5))
    else:
        fig = ax.figure
    if n == 2:
        ax.plot([1, 0], [0, 1], color="black", lw=2, label="markets f(t1) + f(t2) = 1")
        s = np.linspace(-0.1, 1.1, 3)
        for b in genericity.hyperplanes:
            b0, b1 = float(b[0]), float(b[1])
            if b1 != 0:
                ax.plot(s, -b0 * s / b1, "--", lw=1,
                        label=f"H(b): {b[0]:g} f(t1) + {b[1]:g} f(t2) = 0")
            else:
                ax.axvline(0, ls="--", lw=1)
        if profile is not None:
            hi = profile.high if profile.high is not None else 1
            for q in profile.non_improvable:
                f = np.zeros(2)
                f[hi], f[1 - hi] = float(q), 1 - float(q)
                ax.plot(f[0], f[1], "X", color="tab:red", ms=12,
                        label="inefficient, not Pareto improvable")
        ax.set_xlim(-0.05, 1.1)
        ax.set_ylim(-0.05, 1.1)
        ax.set_aspect("equal")
        ax.set_xlabel(f"f({env.types[0]})")
        ax.set_ylabel(f"f({env.types[1]})")
        handles, labels = ax.get_legend_handles_labels()
        uniq = dict(zip(labels, handles))
        ax.legend(uniq.values(), uniq.keys(), loc="upper right", fontsize=8)
        ax.set_title("HS Figure 2: hyperplanes H(b) and the market simplex")
        fig.tight_layout()
        return fig
    if n != 3:
        raise ValueError(f"plot_genericity draws 2 or 3 types, got {n}")
    pts = simplex_grid(resolution)
    eff = _grid_efficiency(env, pts, progress=progress)
    size = 14.0 * min(1.0, (24.0 / max(int(resolution), 1)) ** 2)
    x, y = _bary(pts)
    ax.scatter(x[eff], y[eff], s=size, color="tab:green", alpha=0.6,
               label="efficient (not improvable, Obs. 1)")
    ax.scatter(x[~eff], y[~eff], s=size, color="tab:blue", alpha=0.35,
               label="inefficient (Theorem 1 applies off H(b))")
    for b in genericity.hyperplanes:
        seg = _plane_segment_3(b)
        if seg is None:
            continue
        sx, sy = _bary(np.array(seg[:2]))
        ax.plot(sx, sy, color="tab:red", lw=1.2, label="H(b): multiple optimal payment rules")
    corners = np.eye(3)
    cx, cy = _bary(corners)
    ax.plot(np.append(cx, cx[0]), np.append(cy, cy[0]), color="black", lw=1)
    for t in range(3):
        ax.annotate(env.types[t], (cx[t], cy[t]), textcoords="offset points",
                    xytext=(0, 6 if t == 2 else -14), ha="center")
    ax.set_aspect("equal")
    ax.axis("off")
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), loc="upper left", fontsize=8)
    ax.set_title("Market simplex: where Pareto improvements can fail")
    fig.tight_layout()
    return fig


def plot_segmentation_surplus(segmentation, ax=None):
    """Bar chart of each type's surplus change, segment by segment, against the
    unsegmented market (HS section 4.1), with the weights and the revenue change.

    References
    ----------
    HS, section 4.1 (Pareto improving segmentations).
    """
    seg = segmentation
    env = seg.env
    if ax is None:
        fig, ax = figure_and_axes(figsize=(max(5, 1.6 * seg.n_segments + 3), 4))
    else:
        fig = ax.figure
    m, n = seg.surplus_change.shape
    width = 0.8 / n
    F = seg.segment_probabilities
    for t in range(n):
        xs = np.arange(m) + (t - (n - 1) / 2) * width
        vals = np.where(F[:, t] > 0, seg.surplus_change[:, t], np.nan)
        ax.bar(xs, vals, width=width, label=env.types[t])
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(np.arange(m))
    ax.set_xticklabels([f"segment {i}\nw = {w:.3g}" for i, w in enumerate(seg.weights)])
    ax.set_ylabel("surplus change vs unsegmented")
    ax.set_title(f"Pareto improving: {seg.is_pareto_improving}; revenue change "
                 f"{seg.revenue_change:+.4g}")
    ax.legend(title="type", fontsize=8)
    fig.tight_layout()
    return fig
