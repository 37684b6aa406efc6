"""The market explorer of a report: for an environment with two or three types, the optimal
menu, surplus and Pareto-improving segmentation of every market on a grid of the simplex,
computed ahead of time so that the page only looks them up.

Menus come from :func:`~infopricing.scale.sweep` (one LP per optimal basis; every market
certified by LP duality), segmentations from
:func:`~infopricing.segmentation.pareto.pareto_analysis` on each grid market. The user's own
market is added to the grid, so the page opens on it.
"""

from __future__ import annotations

import numpy as np

from .content import Figure, Section, Table, certify, num
from .._progress import check_progress

#: default grid steps: 2 types -> masses i/40; 3 types -> masses (i, j, k)/12 (91 markets)
DEFAULT_SIZE = {2: 40, 3: 12}
#: the largest grid accepted (markets computed = steps + 1, or (steps+1)(steps+2)/2)
MAX_STEPS = {2: 400, 3: 40}

CATEGORIES = ("efficient", "Pareto improvable", "inefficient, not improvable", "undecided")
COLORS = {"efficient": "#4c78a8", "Pareto improvable": "#54a24b",
          "inefficient, not improvable": "#e45756", "undecided": "#bab0ac"}


def simplex_grid(n_types: int, steps: int) -> np.ndarray:
    """All markets whose masses are multiples of ``1/steps`` (two or three types)."""
    if n_types == 2:
        q = np.arange(steps + 1) / steps
        return np.column_stack([1 - q, q])
    pts = [(i, j, steps - i - j) for i in range(steps + 1) for j in range(steps + 1 - i)]
    return np.asarray(pts, dtype=float) / steps


def market_explorer(env, market, *, selection: str = "efficient", size: int | None = None,
                    progress=None) -> Section:
    """Precompute the explorer of a two- or three-type environment.

    Parameters
    ----------
    size : int, optional
        Grid steps per unit mass (default :data:`DEFAULT_SIZE`; at most :data:`MAX_STEPS`).
    progress : callable(done, total), optional
        Called after each grid market's segmentation.
    """
    check_progress(progress)
    from ..scale import sweep
    from ..segmentation.pareto import pareto_analysis
    from ..model import Market

    n = env.n_types
    if n not in (2, 3):
        raise ValueError(f"env: the market explorer needs 2 or 3 types, got {n}")
    steps = DEFAULT_SIZE[n] if size is None else size
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_STEPS[n]:
        raise ValueError(f"explorer_size must be an integer in [1, {MAX_STEPS[n]}] for {n} types, got {size!r}")
    grid = simplex_grid(n, int(steps))
    f = np.asarray(market.probabilities, dtype=float)
    markets = np.vstack([grid, f[None, :]])
    user = len(markets) - 1
    sw = sweep(env, markets, selection=selection)
    sweep_cert = certify(f"menus of {len(markets)} markets (sweep, LP duality per market)", sw)
    rows, categories = [], []
    for i, g in enumerate(markets):
        seg_info = None
        # efficiency on the market's support (HS: zero-mass types' items do not matter)
        efficient = bool(np.all(sw.mechanism_for(i).efficient_types()[g > 0]))
        if np.count_nonzero(g > 0) < 2:  # one type: nothing to segment
            imp = False
        else:
            pa = pareto_analysis(env, Market(env, g, normalize=True), selection=selection)
            imp = pa.improvement.improvable
            seg = pa.improvement.segmentation
            if seg is not None:
                W = np.asarray(seg.weights)
                P = np.asarray(seg.segment_probabilities)
                after = W @ (P * np.asarray(seg.surplus))
                seg_info = {"weights": [num(w) for w in W],
                            "compositions": [[num(x) for x in row] for row in P],
                            "surplus_after": [num(after[t] / g[t]) if g[t] > 0 else None
                                              for t in range(n)],
                            "revenue_change": num(seg.revenue_change)}
        if efficient:
            cat = "efficient"
        elif imp is True:
            cat = "Pareto improvable"
        elif imp is False:
            cat = "inefficient, not improvable"
        else:
            cat = "undecided"
        categories.append(cat)
        rows.append({"market": [num(x) for x in g], "mechanism": int(sw.mechanism[i]),
                     "revenue": num(sw.revenue[i]), "surplus": [num(x) for x in sw.surplus[i]],
                     "efficient": efficient, "category": cat, "segmentation": seg_info})
        if progress is not None:
            progress(i + 1, len(markets))
    mechanisms = [{"allocation": [[num(x) for x in r] for r in sw.allocations[q]],
                   "payments": [num(x) for x in sw.payments[q]]} for q in range(len(sw.allocations))]
    data = {"types": list(env.types), "alternatives": list(env.alternatives), "rows": rows,
            "mechanisms": mechanisms, "user": user, "steps": int(steps), "n_types": n}
    fig = _map_figure(env, markets, categories, sw, user)
    counts = Table("explorer_counts", "Markets on the grid by outcome", ("outcome", "markets"),
                   tuple((c, sum(1 for x in categories[:-1] if x == c)) for c in CATEGORIES))
    paras = (f"The explorer holds {len(markets) - 1} grid markets (masses in steps of 1/{steps}) "
             f"and your market; {sw.lp_solves} LPs were solved for all their menus. Move the "
             "control (or, with three types, click a point of the map) to see that market's "
             "menu, surplus and segmentation.",)
    return Section("explorer", "Market explorer", "HS section 5 (two types, Figure 1), "
                   "section 6 (three types)", paras, (counts,), (fig,), (sweep_cert,),
                   explorer=data)


def _xy(markets: np.ndarray) -> tuple[list, list]:
    """Barycentric coordinates of three-type markets in the plane (t1 at (0, 0), t2 at
    (1, 0), t3 at (1/2, sqrt(3)/2))."""
    x = markets[:, 1] + 0.5 * markets[:, 2]
    y = markets[:, 2] * np.sqrt(3) / 2
    return [num(v) for v in x], [num(v) for v in y]


def _map_figure(env, markets, categories, sw, user) -> Figure:
    n = env.n_types
    traces = []
    idx = np.arange(len(markets) - 1)
    if n == 2:
        q = markets[:, 1]
        order = np.argsort(q[idx], kind="stable")
        for t in range(n):
            traces.append({"type": "scatter", "mode": "lines", "name": f"CS of {env.types[t]}",
                           "x": [num(q[i]) for i in idx[order]],
                           "y": [num(sw.surplus[i, t]) for i in idx[order]],
                           "line": {"shape": "hv"},
                           "hovertemplate": f"mass of {env.types[1]} %{{x:.4g}}: CS of "
                                            f"{env.types[t]} %{{y:.4g}}<extra></extra>"})
        traces.append({"type": "scatter", "mode": "lines", "name": "revenue",
                       "x": [num(q[i]) for i in idx[order]], "y": [num(sw.revenue[i]) for i in idx[order]],
                       "line": {"dash": "dot"},
                       "hovertemplate": "revenue %{y:.4g}<extra></extra>"})
        for c in CATEGORIES:
            sel = [i for i in idx if categories[i] == c]
            if sel:
                traces.append({"type": "scatter", "mode": "markers", "name": c,
                               "x": [num(q[i]) for i in sel], "y": [0.0] * len(sel),
                               "marker": {"color": COLORS[c], "size": 7, "symbol": "square"},
                               "customdata": [int(i) for i in sel],
                               "hovertemplate": "mass %{x:.4g}: " + c + "<extra></extra>"})
        traces.append({"type": "scatter", "mode": "markers", "name": "your market",
                       "x": [num(q[user])], "y": [num(sw.revenue[user])],
                       "marker": {"size": 14, "symbol": "star", "color": "crimson"},
                       "hovertemplate": "your market: revenue %{y:.4g}<extra></extra>"})
        traces.append({"type": "scatter", "mode": "markers", "name": "selected",
                       "x": [num(q[user])], "y": [num(sw.revenue[user])],
                       "marker": {"size": 18, "symbol": "circle-open", "color": "black",
                                  "line": {"width": 2}}, "hoverinfo": "skip"})
        lay = {"xaxis": {"title": {"text": f"mass of {env.types[1]}"}, "range": [-0.02, 1.02]},
               "yaxis": {"title": {"text": "surplus / revenue"}, "rangemode": "tozero"},
               "margin": {"l": 60, "r": 20, "t": 30, "b": 50}, "height": 380,
               "legend": {"orientation": "h", "y": -0.3}}
        cap = ("HS Figure 1 for your environment: each type's consumer surplus and the "
               "revenue as the mass of the second type varies; squares on the axis: the "
               "outcome at each grid market.")
    else:
        X, Y = _xy(markets)
        for c in CATEGORIES:
            sel = [i for i in idx if categories[i] == c]
            if sel:
                traces.append({"type": "scatter", "mode": "markers", "name": c,
                               "x": [X[i] for i in sel], "y": [Y[i] for i in sel],
                               "customdata": [int(i) for i in sel],
                               "text": [", ".join(f"{env.types[t]}={num(markets[i, t]):.3g}"
                                                  for t in range(3)) for i in sel],
                               "marker": {"color": COLORS[c], "size": 9},
                               "hovertemplate": "%{text}<br>" + c + "<extra></extra>"})
        corners = np.eye(3)
        cx, cy = _xy(np.vstack([corners, corners[:1]]))
        traces.append({"type": "scatter", "mode": "lines+text", "name": "simplex", "x": cx, "y": cy,
                       "text": list(env.types) + [""], "textposition": "bottom center",
                       "line": {"color": "grey", "width": 1}, "hoverinfo": "skip",
                       "showlegend": False})
        traces.append({"type": "scatter", "mode": "markers", "name": "your market",
                       "x": [X[user]], "y": [Y[user]], "customdata": [int(user)],
                       "marker": {"size": 16, "symbol": "star", "color": "crimson"},
                       "hovertemplate": "your market<extra></extra>"})
        traces.append({"type": "scatter", "mode": "markers", "name": "selected",
                       "x": [X[user]], "y": [Y[user]],
                       "marker": {"size": 20, "symbol": "circle-open", "color": "black",
                                  "line": {"width": 2}}, "hoverinfo": "skip"})
        lay = {"xaxis": {"visible": False, "range": [-0.08, 1.08]},
               "yaxis": {"visible": False, "scaleanchor": "x", "range": [-0.12, 0.95]},
               "margin": {"l": 10, "r": 10, "t": 30, "b": 10}, "height": 420,
               "legend": {"orientation": "h", "y": -0.05}}
        cap = ("The market simplex: each grid market coloured by its outcome (click one to "
               "select it); the star is your market.")
    return Figure("market_map", "Market map", {"data": traces, "layout": lay}, cap)
