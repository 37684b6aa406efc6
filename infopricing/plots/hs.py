"""Figures of HS (Haghpanah & Siegel): Figure 1 (two types), Figure 2 (genericity
hyperplanes, the market simplex), Figure 3 (the section 6.1.1 example), Figure 6 and
Figures 8-9 (linear valuations), the surplus set and the per-segment surplus bars.

Each function takes the library's result objects (computed by the library, never typed
in), draws on ``ax=`` or a new figure (no pyplot, the backend untouched) and returns the
figure. Economics is imported inside the functions, so importing this module imports
neither the solvers nor matplotlib.
"""

from __future__ import annotations

import numpy as np

from .. import tolerances as tol
from ..verify.protocol import renamed_keywords
from ._figure import figure_and_axes, fit_limits, legend_outside, mark_market, number
from .._progress import check_progress

__all__ = ["plot_two_type_profile", "plot_genericity", "plot_segmentation_surplus",
           "plot_surplus_set", "plot_hs_figure6", "plot_revenue_curve", "plot_hs_figure3",
           "simplex_grid", "barycentric"]


def _probabilities(market, n: int, name: str = "market"):
    """A market given as a Market or a probability vector, as an array of ``n`` masses."""
    if market is None:
        return None
    p = np.asarray(getattr(market, "probabilities", market), dtype=float).ravel()
    if p.shape != (n,) or not np.all(np.isfinite(p)) or np.any(p < 0) \
            or abs(p.sum() - 1.0) > tol.PROB_SUM:
        raise ValueError(f"{name} must be a probability vector over the {n} types, got {p.tolist()}")
    return p


def _profile_surplus_at(profile, q: float) -> float:
    """The high type's surplus in the selected menu of market q (a threshold's own value
    there, otherwise its interval's)."""
    th = [float(x) for x in profile.thresholds]
    for j, t in enumerate(th):
        if abs(q - t) <= tol.EQUAL:
            return float(profile.threshold_surplus[j])
    for j in range(len(th) - 1):
        if th[j] < q < th[j + 1]:
            return float(profile.surplus[j])
    raise ValueError(f"share {q} is outside [0, 1]")


def plot_two_type_profile(profile, market=None, ax=None):
    """HS Figure 1: the high type's surplus against its share q, constant on each interval
    and decreasing; markets that are inefficient and not Pareto improvable are marked,
    and so is ``market`` (the user's, a Market or probability vector) when given.

    References
    ----------
    HS, section 5, Lemma 1, Figure 1.
    """
    fig, ax = figure_and_axes(ax, figsize=(7, 4))
    env = profile.env
    th = [float(q) for q in profile.thresholds]
    for j, a in enumerate(profile.surplus):
        eff = profile.efficient_intervals[j]
        color = "tab:green" if eff else "tab:blue"
        ax.hlines(float(a), th[j], th[j + 1], colors=color, lw=2.5,
                  label="efficient" if eff else "inefficient")
        ax.plot([th[j], th[j + 1]], [float(a)] * 2, "o", mfc="white", color=color, ms=5)
    for q, s in zip(profile.thresholds[1:-1], profile.threshold_surplus[1:-1]):
        ax.plot(float(q), s, "o", color="black", ms=5, label="threshold market (selected menu)")
    for q in profile.non_improvable:
        j = profile.thresholds.index(q)
        ax.plot(float(q), profile.threshold_surplus[j], "X", color="tab:red", ms=11,
                label="inefficient, not Pareto improvable")
    hi = "t_H" if profile.high is None else env.types[profile.high]
    p = _probabilities(market, 2)
    if p is not None:
        q = float(p[1 if profile.high is None else profile.high])
        mark_market(ax, q, _profile_surplus_at(profile, q), f"your market (q = {number(q)})")
    ax.set_xlabel(f"q = share of high type {hi}")
    ax.set_ylabel(f"surplus of {hi}")
    ax.set_xlim(-0.02, 1.02)
    ys = [float(a) for a in profile.surplus] + [float(s) for s in profile.threshold_surplus]
    fit_limits(ax, y=ys, margin=0.08)
    ax.set_title("HS Figure 1: high type's surplus by market")
    legend_outside(ax)
    return fig


def barycentric(f):
    """Markets over three types (rows of probabilities) -> 2-D points of the triangle with
    corners type 0 at (0, 0), type 1 at (1, 0) and type 2 at (1/2, sqrt(3)/2)."""
    f = np.atleast_2d(np.asarray(f, dtype=float))
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
            if -tol.ROUNDING <= fi <= 1 + tol.ROUNDING:
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


def _simplex_frame(ax, types):
    corners = np.eye(3)
    cx, cy = barycentric(corners)
    ax.plot(np.append(cx, cx[0]), np.append(cy, cy[0]), color="black", lw=1)
    for t in range(3):
        ax.annotate(str(types[t]), (cx[t], cy[t]), textcoords="offset points",
                    xytext=(0, 6 if t == 2 else -14), ha="center")
    ax.set_aspect("equal")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.1, np.sqrt(3) / 2 + 0.08)
    ax.axis("off")


def _simplex_regions(ax, pts, eff, resolution: int):
    """Grid markets of the simplex, green where the selected menu is efficient, blue where
    not (one scatter each, so the figure's data are the two sets of markets)."""
    size = 14.0 * min(1.0, (24.0 / max(int(resolution), 1)) ** 2)
    x, y = barycentric(pts)
    ax.scatter(x[eff], y[eff], s=size, color="tab:green", alpha=0.6,
               label="efficient (not improvable, Obs. 1)")
    ax.scatter(x[~eff], y[~eff], s=size, color="tab:blue", alpha=0.35,
               label="inefficient (Theorem 1 applies off H(b))")


def plot_genericity(genericity, profile=None, resolution: int = 60, ax=None, progress=None,
                    market=None):
    """HS Figure 2: markets with multiple optimal payment rules lie on finitely many
    hyperplanes H(b).

    Two types: the simplex f(t1) + f(t2) = 1 in the (f(t1), f(t2)) plane with the lines
    b . f = 0 through the origin; the inefficient non-improvable markets of ``profile``
    (a :class:`~infopricing.segmentation.two_type.TwoTypeProfile`) are marked.
    Three types: the market triangle shaded by whether the selected optimal menu is
    efficient (efficient markets are not Pareto improvable, HS Observation 1) on a grid of
    ``resolution`` (classified by one certified market sweep,
    :func:`infopricing.scale.sweep`, so fine grids are cheap), with the segments of every
    H(b): off them Theorem 1 yields a Pareto-improving segmentation of every inefficient
    market, so improvements can fail only on the efficient region and on the hyperplanes.
    ``progress(done, total)`` is called as grid markets get classified. ``market`` (the
    user's) is marked when given.

    References
    ----------
    HS, section 6.2, Definition 1, Proposition 4, Theorem 1, Figure 2.
    """
    check_progress(progress)
    env = genericity.env
    n = env.n_types
    if n not in (2, 3):
        raise ValueError(f"plot_genericity draws 2 or 3 types, got {n}")
    p = _probabilities(market, n)
    fig, ax = figure_and_axes(ax, figsize=(7.5, 5))
    if n == 2:
        ax.plot([1, 0], [0, 1], color="black", lw=2, label="markets f(t1) + f(t2) = 1")
        lo, top = -0.05, 1.1
        s = np.linspace(lo, top, 461)
        for b in genericity.hyperplanes:
            b0, b1 = float(b[0]), float(b[1])
            if b1 != 0:
                y = -b0 * s / b1
                keep = (y >= lo) & (y <= top)  # the part of the line inside the axes
                if not keep.any():
                    continue
                xs = s[keep][[0, -1]]
                ax.plot(xs, -b0 * xs / b1, "--", lw=1,
                        label=f"H(b): {number(b0)} f(t1) + {number(b1)} f(t2) = 0")
            else:
                ax.axvline(0, ls="--", lw=1)
        if profile is not None:
            hi = profile.high if profile.high is not None else 1
            for q in profile.non_improvable:
                f = np.zeros(2)
                f[hi], f[1 - hi] = float(q), 1 - float(q)
                ax.plot(f[0], f[1], "X", color="tab:red", ms=12,
                        label="inefficient, not Pareto improvable")
        if p is not None:
            mark_market(ax, p[0], p[1])
        ax.set_xlim(lo, top)
        ax.set_ylim(lo, top)
        ax.set_aspect("equal")
        ax.set_xlabel(f"f({env.types[0]})")
        ax.set_ylabel(f"f({env.types[1]})")
        ax.set_title("HS Figure 2: hyperplanes H(b) and the market simplex")
        legend_outside(ax)
        return fig
    pts = simplex_grid(resolution)
    eff = _grid_efficiency(env, pts, progress=progress)
    _simplex_regions(ax, pts, eff, resolution)
    for b in genericity.hyperplanes:
        seg = _plane_segment_3(b)
        if seg is None:
            continue
        sx, sy = barycentric(np.array(seg[:2]))
        ax.plot(sx, sy, color="tab:red", lw=1.2, label="H(b): multiple optimal payment rules")
    if p is not None:
        mark_market(ax, *(c[0] for c in barycentric(p)))
    _simplex_frame(ax, env.types)
    legend_outside(ax)
    ax.set_title("Market simplex: where Pareto improvements can fail")
    return fig


def plot_segmentation_surplus(segmentation, ax=None):
    """Bar chart of each type's surplus change, segment by segment, against the
    unsegmented market (the user's market: the zero line), with the weights and the
    revenue change.

    References
    ----------
    HS, section 4.1 (Pareto improving segmentations).
    """
    seg = segmentation
    env = seg.env
    fig, ax = figure_and_axes(ax, figsize=(max(5, 1.6 * seg.n_segments + 3) + 1.5, 4))
    m, n = seg.surplus_change.shape
    width = 0.8 / n
    F = seg.segment_probabilities
    vals_all = []
    for t in range(n):
        xs = np.arange(m) + (t - (n - 1) / 2) * width
        vals = np.where(F[:, t] > 0, seg.surplus_change[:, t], np.nan)
        vals = np.where(np.abs(vals) <= tol.EQUAL * max(1.0, float(np.nanmax(np.abs(seg.surplus_change)))),
                        0.0, vals)
        vals_all.append(vals)
        ax.bar(xs, vals, width=width, label=f"type {env.types[t]}")
    ax.axhline(0, color="black", lw=0.8, label="your market, unsegmented")
    ax.set_xticks(np.arange(m))
    ax.set_xticklabels([f"segment {i}\nw = {number(w)}" for i, w in enumerate(seg.weights)])
    ax.set_ylabel("surplus change vs unsegmented")
    ax.set_title(f"Pareto improving: {seg.is_pareto_improving}; revenue change "
                 f"{number(seg.revenue_change, sign=True)}")
    fit_limits(ax, y=np.concatenate([np.ravel(v) for v in vals_all] + [[0.0]]), margin=0.1)
    legend_outside(ax)
    return fig


def plot_surplus_set(sset, ax=None, title: str | None = None):
    """Plot the surplus set with the BBM15 triangle it sits in; the unsegmented market
    (the user's) is marked.

    The triangle has corners (0, PS0), (0, W) and (W - PS0, PS0), W the efficient surplus and
    PS0 the unsegmented profit; with one alternative the set fills it (BBM15), with several
    it may not (HS footnote 8). Returns the Figure.

    References
    ----------
    BBM 2015, Figure 1 (the surplus triangle); HS, section 4.
    """
    fig, ax = figure_and_axes(ax, figsize=(7, 4.5))
    W = sset.efficient_surplus
    ps0 = sset.original[1]
    tri = np.array([[0, ps0], [0, W], [W - ps0, ps0], [0, ps0]])
    ax.plot(tri[:, 0], tri[:, 1], "--", color="0.5", label="surplus triangle (BBM15 bound)")
    V = np.vstack([sset.vertices, sset.vertices[:1]])
    ax.fill(V[:, 0], V[:, 1], alpha=0.35, color="C0", label="achievable by segmentation")
    ax.plot(V[:, 0], V[:, 1], color="C0")
    mark_market(ax, *sset.original, label="your market, unsegmented")
    ax.set_xlabel("consumer surplus")
    ax.set_ylabel("producer surplus")
    fit_limits(ax, x=np.append(tri[:, 0], V[:, 0]), y=np.append(tri[:, 1], V[:, 1]))
    ax.set_title(title or "Surplus pairs of segmentations")
    legend_outside(ax)
    return fig


@renamed_keywords(grid="size")
def plot_hs_figure6(env=None, size: int = 401, ax=None, market=None):
    """HS Figure 6: the surplus of the high type against its share q, for the Appendix C
    example (two types with values a and 2a, quality in [0, 1], cost a^2/2) by default,
    with the inefficient markets that are not Pareto improvable shaded; ``market`` (the
    user's share vector) is marked when given. ``size`` shares q are drawn (``grid=`` is
    its deprecated name). Returns the Figure.

    References
    ----------
    HS, Figure 6 (Appendix C).
    """
    from ..segmentation.linear import LinearEnvironment

    if env is None:
        env = LinearEnvironment([1.0, 2.0], (0.0, 1.0), lambda a: a * a / 2, marginal_cost=lambda a: a)
    if env.n_types != 2:
        raise ValueError("Figure 6 is drawn for two types")
    qs = np.linspace(0, 1, size)
    cs, bad = [], []
    for q in qs:
        f = np.array([1 - q, q])
        M = env.optimal_mechanism(f)
        cs.append(M.consumer_surplus[1])
        ineff = any(abs(M.allocation[t] - env.efficient_quality(t)) > tol.EQUAL for t in range(2) if f[t] > 0)
        bad.append(ineff and not env.improvable_types(f))
    fig, ax = figure_and_axes(ax, figsize=(7, 4))
    ax.plot(qs, cs, color="C0", label=f"CS({env.types[1]}, q)")
    bad = np.array(bad)
    if bad.any():
        ax.fill_between(qs, 0, max(cs) * 1.05, where=bad, color="C3", alpha=0.15,
                        label="inefficient, not Pareto improvable")
    p = _probabilities(market, 2)
    if p is not None:
        mark_market(ax, p[1], env.optimal_mechanism(p).consumer_surplus[1],
                    f"your market (q = {number(p[1])})")
    ax.set_xlabel(f"q = f({env.types[1]})")
    ax.set_ylabel("surplus of the high type")
    fit_limits(ax, x=qs, y=np.append(cs, 0.0), margin=0.03)
    ax.set_title("HS Figure 6")
    legend_outside(ax)
    return fig


def plot_revenue_curve(env, f, ax=None):
    """HS Figures 8 and 9: the revenue curve R (points ``(Ftilde(t), v(t) Ftilde(t))``) and the
    ironed revenue curve (its concave envelope), each type's point labelled; the virtual
    values are the envelope's slopes. Returns the Figure.

    References
    ----------
    HS, Figures 8 and 9.
    """
    x, R = env.revenue_curve(f)
    hx, hR = env.ironed_revenue_curve(f)
    phi = env.virtual_values(f)
    fig, ax = figure_and_axes(ax, figsize=(7, 4))
    ax.plot(hx, hR, "-", color="C0", label="ironed revenue curve R_IR")
    ax.plot(x, R, "o", color="C3", label="revenue curve R (your market's types)")
    for t in range(env.n_types):
        ax.annotate(f"{env.types[t]} (phi={number(phi[t])})", (x[t], R[t]), textcoords="offset points",
                    xytext=(4, -10), fontsize=7)
    ax.set_xlabel("mass of the type and above, Ftilde(t)")
    ax.set_ylabel("revenue")
    fit_limits(ax, x=np.append(hx, x), y=np.append(hR, R), margin=0.08)
    ax.set_title("Revenue curve and its concave envelope (HS Figure 8)")
    legend_outside(ax)
    return fig


def _choice_regions(ax, prices, box, shades=("0.85", "0.55")):
    """Shade the value plane (v(a1), v(a2)) inside ``box`` by the alternative a buyer
    with those values picks at ``prices`` (a1 light, a2 dark, the outside option
    unshaded); ties go to the higher alternative, as for t1 and t3 in HS section 6.1.1.
    Returns the polygons' vertex arrays (a1, a2)."""
    p1, p2 = float(prices[0]), float(prices[1])
    (x0, x1), (y0, y1) = box
    # a1 region: v1 - p1 >= 0 and v1 - p1 >= v2 - p2, i.e. v1 >= p1, v2 <= v1 - p1 + p2
    # a2 region: v2 - p2 >= 0 and v2 - p2 >= v1 - p1
    def clip(poly, a, b, c):  # keep a x + b y <= c (Sutherland-Hodgman, one half-plane)
        out = []
        for i in range(len(poly)):
            P, Q = poly[i], poly[(i + 1) % len(poly)]
            fp, fq = a * P[0] + b * P[1] - c, a * Q[0] + b * Q[1] - c
            if fp <= 0:
                out.append(P)
            if fp * fq < 0:
                s = fp / (fp - fq)
                out.append((P[0] + s * (Q[0] - P[0]), P[1] + s * (Q[1] - P[1])))
        return out

    square = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    r1 = clip(clip(square, -1, 0, -p1), -1, 1, p2 - p1)
    r2 = clip(clip(square, 0, -1, -p2), 1, -1, p1 - p2)
    polys = []
    for poly, shade, lab in ((r1, shades[0], "prefers a1"), (r2, shades[1], "prefers a2")):
        arr = np.array(poly, dtype=float).reshape(-1, 2)
        if len(arr) >= 3:
            ax.fill(arr[:, 0], arr[:, 1], color=shade, alpha=0.8, lw=0, label=lab)
        polys.append(arr)
    return polys


def plot_hs_figure3(env=None, market=None, selection: str = "efficient", axes=None):
    """HS Figure 3: (a) the three types of section 6.1.1 in the value plane
    (v(a1), v(a2)); (b) the optimal prices of market f and the regions of types that
    prefer a1 (light), a2 (dark) and the outside option (unshaded); (c) the same for the
    Pareto-dominating market f' (with all three types in its support) that HS Proposition
    3 constructs. Every number is computed: f's menu by the menu LP, f' by
    :func:`~infopricing.segmentation.pareto_dominating_market`.

    Parameters
    ----------
    env : Environment, optional
        Two alternatives (default: HS section 6.1.1, ``catalog.hs_section611``).
    market : Market or array_like, optional
        The market f (default: ``catalog.hs_section611_market``); it must be inefficient.
    selection : {"efficient", "consumer", "adverse"}
    axes : sequence of three matplotlib Axes, optional
        Draw there (default: a new figure with three panels).

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.hs_figure3`` holds the data drawn: the prices and markets of panels (b)
        and (c).

    References
    ----------
    HS, section 6.1.1, Figure 3; Proposition 3.
    """
    from .. import catalog
    from ..screening import optimal_mechanism
    from ..segmentation import pareto_dominating_market

    if env is None:
        env = catalog.hs_section611()
        if market is None:
            market = catalog.hs_section611_market()
    if env.n_alternatives != 2:
        raise ValueError(f"HS Figure 3 is drawn for two alternatives, got {env.n_alternatives}")
    if market is None:
        raise ValueError("market is required when env is given")
    f = _probabilities(market, env.n_types)
    M = optimal_mechanism(env, f, selection=selection)
    dom = pareto_dominating_market(env, f, selection=selection, mechanism=M)
    if not dom.exists:
        raise ValueError(f"market {f.tolist()} is efficient: no market Pareto dominates it "
                         "(HS Observation 1), so panel (c) has nothing to show")
    if axes is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(13, 4.4), layout="constrained")
        axes = fig.subplots(1, 3, sharex=True, sharey=True)
    else:
        axes = list(axes)
        if len(axes) != 3:
            raise ValueError(f"axes must be three Axes, got {len(axes)}")
        fig = axes[0].figure
    V = env.values
    pad = 0.15 * max(1.0, float(np.ptp(V)))
    box = ((0.0, float(V[:, 0].max()) + pad), (0.0, float(V[:, 1].max()) + pad))
    data = {}
    for k, (ax, mech, mk, name) in enumerate(((axes[1], M, f, "f"),
                                              (axes[2], dom.lp_mechanism, dom.dominating.probabilities, "f'"))):
        prices = _menu_prices(mech)
        _choice_regions(ax, prices, box)
        data[name] = {"market": np.asarray(mk, dtype=float), "prices": prices,
                      "choices": mech.allocation.argmax(axis=1),
                      "surplus": np.asarray(mech.utilities, dtype=float)}
        shown = ", ".join(f"{t}: {number(x)}" for t, x in zip(env.types, mk))
        ax.set_title(f"({'bc'[k]}) market {name} = ({shown})\n"
                     f"p(a1) = {number(prices[0])}, p(a2) = {number(prices[1])}", fontsize=9)
    for ax in axes:
        ax.plot(V[:, 0], V[:, 1], "o", color="black", ms=5)
        for t, (x, y) in enumerate(V):
            ax.annotate(str(env.types[t]), (x, y), textcoords="offset points", xytext=(-14, 2))
        ax.set_xlim(*box[0])
        ax.set_ylim(*box[1])
        ax.set_xlabel(f"v(t, {env.alternatives[0]})")
    axes[0].set_ylabel(f"v(t, {env.alternatives[1]})")
    axes[0].set_title("(a) types in the value plane", fontsize=9)
    legend_outside(axes[2])
    fig.hs_figure3 = data
    return fig


def _menu_prices(mech):
    """The posted price of each alternative in a deterministic menu: the payment of a type
    that takes it (NaN for an alternative nobody takes)."""
    X = np.asarray(mech.allocation, dtype=float)
    P = np.asarray(mech.payments, dtype=float)
    prices = np.full(X.shape[1], np.nan)
    for a in range(X.shape[1]):
        takers = np.flatnonzero(X[:, a] >= 1.0 - tol.FEAS)
        if takers.size:
            prices[a] = float(P[takers].max())
    if np.isnan(prices).any():  # an alternative nobody takes: any price above the best
        hi = float(mech.env.values.max()) + 1.0
        prices = np.where(np.isnan(prices), hi, prices)
    return prices
