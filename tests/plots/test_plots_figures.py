"""The paper figures and the figure habits, tested on the figure objects (issue 15, section 2).

The data each figure draws is checked against the paper's numbers or a closed form
derived by hand (HS Figure 1 and Figure 3, CLW Figure 1, BBM25 Example 1's benchmarks);
every figure's legend sits outside the data, its texts carry no float noise, its axes fit
the data, and the user's market is marked where there is one.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.path import Path as MPath

import infopricing as ip
from infopricing import catalog
from infopricing.plots import _figure
from infopricing.plots._figure import number

# --- the shared number format ----------------------------------------------------------


def test_number_rounds_noise_to_zero_and_keeps_significant_digits():
    assert number(8.881784197001252e-16, sign=True) == "+0"
    assert number(-8.881784197001252e-16) == "0"
    assert number(1.2500000000000002) == "1.25"
    assert number(-2 / 3) == "-0.6667"
    assert number(0.5, sign=True) == "+0.5"
    assert number(float("inf")) == "inf"
    assert number(123456.0) == "1.235e+05"


@settings(max_examples=25, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e-9, 1e-9, allow_nan=False))
def test_number_is_stable_under_rounding_noise(x, noise):
    """Property: a value and the same value plus noise far below the tolerance read the
    same, unless the value sits on a rounding boundary of the 4th significant digit."""
    a, b = number(x), number(x + noise * max(1.0, abs(x)) * 1e-3)
    if a != b:  # only a boundary case: the two round to adjacent 4-digit numbers
        assert abs(float(a) - float(b)) <= 10 ** (np.floor(np.log10(max(abs(x), 1e-300))) - 2)


# --- helpers on figure objects ---------------------------------------------------------

_NOISE = re.compile(r"\d\.\d{7,}|e-1\d|e-0[89]|\.\d*0000\d")


def _drawn(fig):
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _texts(fig):
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.texts]
        leg = ax.get_legend()
        if leg is not None:
            out += [t.get_text() for t in leg.get_texts()]
        out += [t.get_text() for t in ax.get_xticklabels()]
    return [t for t in out if t]


def _data_bbox(ax, renderer):
    """Display-space boxes of everything drawn in the axes' data (lines, collections,
    patches), clipped to the axes."""
    boxes = []
    for art in [*ax.lines, *ax.collections, *ax.patches]:
        if not art.get_visible():
            continue
        bb = art.get_window_extent(renderer)
        if bb.width > 0 or bb.height > 0:
            boxes.append(bb)
    return boxes


def _data_points(ax):
    """x and y of the data drawn in data coordinates: lines (not axhline / axvline, whose
    one coordinate is in axes units) and patches (bars, filled polygons)."""
    from matplotlib.patches import Polygon, Rectangle

    xs, ys = [], []
    for ln in ax.lines:
        if ln.get_transform() != ax.transData:
            continue
        xs.append(np.asarray(ln.get_xdata(), float))
        ys.append(np.asarray(ln.get_ydata(), float))
    for p in ax.patches:
        if isinstance(p, Rectangle):
            x, y, w, h = p.get_x(), p.get_y(), p.get_width(), p.get_height()
            xs.append(np.array([x, x + w]))
            ys.append(np.array([y, y + h]))
        elif isinstance(p, Polygon):
            xy = np.asarray(p.get_xy(), float)
            xs.append(xy[:, 0])
            ys.append(xy[:, 1])
    if not xs:
        return np.array([]), np.array([])
    return np.concatenate(xs), np.concatenate(ys)


def _check_hygiene(fig):
    renderer = _drawn(fig)
    for text in _texts(fig):
        assert not _NOISE.search(text), f"float noise in {text!r}"
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None:
            lb = leg.get_window_extent(renderer)
            ab = ax.get_window_extent(renderer)
            assert not lb.overlaps(ab), f"legend over the axes of {ax.get_title()!r}"
            for bb in _data_bbox(ax, renderer):
                assert not lb.overlaps(bb.intersection(bb, ab) or bb), "legend over the data"
        # axes fit the data: every drawn line lies within the limits, and the limits are
        # not much wider than the data (at most 35% of the span on either side)
        xs, ys = _data_points(ax)
        if xs.size and ax.axison:
            x0, x1 = ax.get_xlim()
            y0, y1 = ax.get_ylim()
            xs, ys = xs[np.isfinite(xs)], ys[np.isfinite(ys)]
            eps = 1e-9 * max(1.0, np.abs(xs).max(), np.abs(ys).max())
            assert x0 - eps <= xs.min() and xs.max() <= x1 + eps
            assert y0 - eps <= ys.min() and ys.max() <= y1 + eps
            ys_span = max(ys.max() - ys.min(), 1e-9)
            assert (y1 - y0) <= 1.7 * ys_span + 0.2 * max(1.0, abs(ys).max())


def _market_marks(ax):
    return [ln for ln in ax.lines if ln.get_label().startswith("your market")]


# --- HS Figure 1 (two types) and the sweep map ---------------------------------------


def _hs3_high_surplus(q):
    """HS section 3 (t1 = (0.75, 1), t2 = (1, 2)), by hand: for q < 1/4 both types buy H
    at 1 (t2 keeps 1); for 1/4 < q < 3/4 t1 buys L at 0.75 and t2 buys H at 1.75 (keeps
    0.25); for q > 3/4 only t2 buys H, at 2 (keeps 0). Revenue of each: 1, 0.75 + q, 2q;
    the thresholds are where they tie."""
    return 1.0 if q < 0.25 else 0.25 if q < 0.75 else 0.0


def test_two_type_profile_figure_is_hs_figure1_with_the_market_marked():
    env = catalog.hs_section3()
    fig = ip.plots.plot_two_type_profile(ip.two_type_profile(env), market=[0.5, 0.5])
    ax = fig.axes[0]
    segs = [c for c in ax.collections if len(c.get_segments())]
    levels = sorted(float(s[0][1]) for c in segs for s in c.get_segments())
    assert levels == pytest.approx([0.0, 0.25, 1.0])  # the three intervals' surpluses
    (mark,) = _market_marks(ax)
    assert mark.get_xdata()[0] == pytest.approx(0.5) and mark.get_ydata()[0] == pytest.approx(0.25)
    bad = [ln for ln in ax.lines if ln.get_label() == "inefficient, not Pareto improvable"]
    assert [float(ln.get_xdata()[0]) for ln in bad] == pytest.approx([0.75])  # HS Figure 1(a)
    _check_hygiene(fig)


def test_sweep_map_two_types_marks_hs_figure1_regions():
    from infopricing.plots.sweep import EFFICIENT_LABEL, INEFFICIENT_LABEL, plot_sweep_map

    env = catalog.hs_section3()
    q = np.linspace(0, 1, 41)
    res = ip.sweep(env, np.column_stack([1 - q, q]))
    fig = plot_sweep_map(res, market=[0.4, 0.6])
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in ax.lines}
    green, blue = lines[EFFICIENT_LABEL], lines[INEFFICIENT_LABEL]
    gq = np.asarray(green.get_xdata())
    bq = np.asarray(blue.get_xdata())
    assert sorted(np.concatenate([gq, bq]).tolist()) == pytest.approx(q.tolist())
    # paper: the low interval [0, 1/4] (q = 1/4 included under the efficient selection,
    # HS Figure 1(a): "market q = 0.25 is efficient") is the efficient one
    assert gq.tolist() == pytest.approx(q[q <= 0.25 + 1e-12].tolist())
    for ln in (green, blue):
        for x, y in zip(ln.get_xdata(), ln.get_ydata()):
            if min(abs(x - 0.25), abs(x - 0.75)) > 1e-9:
                assert y == pytest.approx(_hs3_high_surplus(x), abs=1e-9)
    (mark,) = _market_marks(ax)
    assert (mark.get_xdata()[0], mark.get_ydata()[0]) == pytest.approx((0.6, 0.25))
    (cross,) = [ln for ln in ax.lines if ln.get_label().startswith("inefficient, not Pareto")]
    assert cross.get_xdata()[0] == pytest.approx(0.75)  # HS Figure 1(a): only q = 0.75
    _check_hygiene(fig)


def test_sweep_map_three_types_regions_match_per_market_lps():
    from infopricing.plots.hs import barycentric
    from infopricing.plots.sweep import EFFICIENT_LABEL, plot_sweep_map

    env = catalog.hs_section611()
    F = ip.scale.simplex_grid(3, 12)
    res = ip.sweep(env, F)
    fig = plot_sweep_map(res, market=catalog.hs_section611_market())
    ax = fig.axes[0]
    by_label = {c.get_label(): np.asarray(c.get_offsets()) for c in ax.collections}
    green = by_label[EFFICIENT_LABEL]
    assert len(green) + sum(len(v) for k, v in by_label.items() if k != EFFICIENT_LABEL) == len(F)
    gx = {(round(x, 9), round(y, 9)) for x, y in green}
    rng = np.random.default_rng(3)
    for i in rng.choice(len(F), size=12, replace=False):
        x, y = barycentric(F[i])
        eff = ip.optimal_mechanism(env, F[i]).is_efficient  # one LP per market
        assert ((round(x[0], 9), round(y[0], 9)) in gx) == bool(eff), F[i]
    (mark,) = _market_marks(ax)
    x, y = barycentric([0.5, 0.1, 0.4])
    assert (mark.get_xdata()[0], mark.get_ydata()[0]) == pytest.approx((x[0], y[0]))
    _check_hygiene(fig)


def test_sweep_map_refuses_other_type_counts():
    from infopricing.plots.sweep import plot_sweep_map

    env = ip.Environment([[1.0], [2.0], [3.0], [4.0]])
    with pytest.raises(ValueError, match="2 or 3 types"):
        plot_sweep_map(ip.sweep(env, np.full((1, 4), 0.25)))


# --- HS Figure 3 ---------------------------------------------------------------------


def test_hs_figure3_prices_and_regions_are_the_papers():
    """HS section 6.1.1: at f the prices are p(a1) = v(t1, a1) = 1 and
    p(a2) = v(t3, a2) - v(t3, a1) + v(t1, a1) = 2.5, t1 and t2 take a1, t3 takes a2; at the
    dominating f' (all three types present) p(a2) = v(t2, a2) - v(t2, a1) + v(t1, a1) = 1.5
    and t2, t3 take a2; every type is weakly better off and t3 strictly."""
    fig = ip.plots.plot_hs_figure3()
    d = fig.hs_figure3
    V = catalog.hs_section611().values
    assert d["f"]["prices"] == pytest.approx([V[0, 0], V[2, 1] - V[2, 0] + V[0, 0]])
    assert d["f"]["choices"].tolist() == [0, 0, 1]
    assert d["f'"]["prices"] == pytest.approx([V[0, 0], V[1, 1] - V[1, 0] + V[0, 0]])
    assert d["f'"]["choices"].tolist() == [0, 1, 1]
    assert np.all(d["f'"]["market"] > 0)  # needs all three types (HS section 6.1.1)
    assert np.all(d["f'"]["surplus"] >= d["f"]["surplus"] - 1e-9)
    assert d["f'"]["surplus"][2] > d["f"]["surplus"][2] + 1e-6
    # the shaded regions: t2 strictly inside the a1 region in (b), the a2 region in (c)
    for ax, region in ((fig.axes[1], "prefers a1"), (fig.axes[2], "prefers a2")):
        (poly,) = [p for p in ax.patches if p.get_label() == region]
        path = MPath(poly.get_xy())
        assert path.contains_point(V[1]), region
    _check_hygiene(fig)


def test_hs_figure3_refuses_an_efficient_market():
    env = catalog.hs_section611()
    with pytest.raises(ValueError, match="efficient"):
        ip.plots.plot_hs_figure3(env, [1.0, 0.0, 0.0])


# --- CLW Figure 1 --------------------------------------------------------------------


@pytest.mark.parametrize("n, eps", [(5, 0.1), (3, 0.3)])
def test_clw_figure1_weighted_profiles_closed_form(n, eps):
    """CLW Example 3: Pr[v_i] v_i = (eps^i - eps^(i+1)) / (1 - eps^(n+1)) * eps^-i (cos, sin)
    = (1 - eps) / (1 - eps^(n+1)) (cos(i pi / 2n), sin(i pi / 2n)); pooling by the preferred
    product sums them within each class (i < n/2: product 1)."""
    fig = ip.plots.plot_clw_figure1(n=n, eps=eps)
    d = fig.clw_figure1
    i = np.arange(n + 1)
    ang = i * np.pi / (2 * n)
    c = (1 - eps) / (1 - eps ** (n + 1))
    expected = c * np.column_stack([np.cos(ang), np.sin(ang)])
    np.testing.assert_allclose(d["weighted"], expected, atol=1e-12)
    agg = np.array([expected[i < n / 2].sum(axis=0), expected[i > n / 2].sum(axis=0)])
    np.testing.assert_allclose(d["aggregates"], agg, atol=1e-12)
    assert agg[0, 0] > agg[0, 1] and agg[1, 1] > agg[1, 0]  # negatively correlated
    # the drawn diamonds are the aggregates
    drawn = np.array([[ln.get_xdata()[0], ln.get_ydata()[0]] for ln in fig.axes[1].lines
                      if ln.get_marker() == "D"])
    np.testing.assert_allclose(drawn, agg, atol=1e-12)
    _check_hygiene(fig)


# --- BBM25: consumer surplus along information structures ----------------------------


@pytest.fixture(scope="module")
def ex1():
    g = catalog.bbm25_example1()
    return g, ip.complete_information_outcome(g), ip.alignment_construction(g).outcome


def test_information_path_endpoints_are_the_papers_benchmarks(ex1):
    """BBM25 Example 1: TS-bar = 2.875; complete information leaves each producer its
    marginal contribution 0.875, so CS = 1.125; the Theorem 1 construction gives each its
    bound 0.625, so CS = 2.875 - 1.25 = 1.625; the mixtures interpolate (public segments
    are played separately)."""
    from infopricing.competition.information_path import information_path

    g, full, opt = ex1
    p = information_path(full, opt, size=5)
    assert p.efficient_surplus == pytest.approx(2.875)
    assert p.max_consumer_surplus == pytest.approx(1.625)
    np.testing.assert_allclose(p.expected_consumer_surplus, 1.125 + 0.5 * np.linspace(0, 1, 5), atol=1e-9)
    np.testing.assert_allclose(p.producer_surplus[0], [0.875, 0.875], atol=1e-9)
    np.testing.assert_allclose(p.producer_surplus[-1], [0.625, 0.625], atol=1e-9)
    assert p.verify().ok
    import dataclasses

    bad = dataclasses.replace(p, expected_consumer_surplus=p.expected_consumer_surplus + np.r_[0, 0, 0.1, 0, 0])
    assert not bad.verify().ok


def test_information_path_bad_input(ex1):
    from infopricing.competition.information_path import information_path

    _, full, opt = ex1
    with pytest.raises(ValueError, match="size"):
        information_path(full, opt, size=1)
    with pytest.raises(TypeError, match="start"):
        information_path(1.0, opt)


def test_benchmark_figure_draws_the_paths_and_marks_the_benchmarks(ex1):
    g, full, opt = ex1
    fig = ip.plots.plot_benchmark_paths(full, opt, size=11)
    ax = fig.axes[0]
    (path,) = [ln for ln in ax.lines if ln.get_label().startswith("CS along")]
    np.testing.assert_allclose(path.get_ydata(), 1.125 + 0.5 * np.linspace(0, 1, 11), atol=1e-9)
    marks = {ln.get_label().split(":")[0]: ln.get_ydata()[0] for ln in ax.lines
             if ":" in ln.get_label() and not ln.get_label().startswith("CS")}
    assert marks["complete information"] == pytest.approx(1.125)
    assert marks["consumer-optimal (Theorem 1)"] == pytest.approx(1.625)
    _check_hygiene(fig)


# --- hygiene of the older figures ----------------------------------------------------


def _older_figures():
    env = catalog.hs_section3()
    lin = ip.LinearEnvironment([1.0, 2.0, 3.0], [1.0], [0.0])
    seg = ip.exact_pareto_improvement(env, [0.5, 0.5]).segmentation
    return {
        "segmentation_surplus": lambda: ip.plots.plot_segmentation_surplus(seg),
        "surplus_set": lambda: ip.plots.plot_surplus_set(ip.surplus_set(env, [0.5, 0.5])),
        "revenue_curve": lambda: ip.plots.plot_revenue_curve(lin, [0.45, 0.1, 0.45]),
        "surplus_triangle": lambda: ip.plots.plot_surplus_triangle(
            ip.surplus_triangle([1.0, 3.0, 4.0], [0.5, 0.25, 0.25])),
        "interim_density": lambda: ip.plots.plot_interim_density(
            ip.hotelling_optimum(catalog.bbm25_example4_hotelling()), points=51),
        "hs_figure6": lambda: ip.plots.plot_hs_figure6(size=21, market=[0.5, 0.5]),
        "genericity_2": lambda: ip.plots.plot_genericity(ip.genericity_hyperplanes(env),
                                                         ip.two_type_profile(env), market=[0.5, 0.5]),
    }


@pytest.mark.parametrize("name", sorted(_older_figures()))
def test_older_figures_follow_the_habits(name):
    fig = _older_figures()[name]()
    assert isinstance(fig, Figure)
    _check_hygiene(fig)
    if name in ("surplus_set", "surplus_triangle", "genericity_2", "hs_figure6"):
        assert _market_marks(fig.axes[0]), name


def test_segmentation_bars_title_has_no_noise():
    """A revenue change of rounding size reads +0 (the title read +8.882e-16 before), and
    a surplus change of rounding size is drawn as a zero bar."""
    from types import SimpleNamespace

    seg = ip.exact_pareto_improvement(catalog.hs_section3(), [0.5, 0.5]).segmentation
    change = np.array(seg.surplus_change, dtype=float)
    noisy = SimpleNamespace(env=seg.env, n_segments=seg.n_segments,
                            surplus_change=change + 4.4e-16,
                            segment_probabilities=seg.segment_probabilities,
                            weights=np.asarray(seg.weights) + 1e-17,
                            is_pareto_improving=seg.is_pareto_improving,
                            revenue_change=8.881784197001252e-16)
    fig = ip.plots.plot_segmentation_surplus(noisy)
    ax = fig.axes[0]
    assert ax.get_title().endswith("revenue change +0")
    heights = [p.get_height() for p in ax.patches if np.isfinite(p.get_height())]
    exact_zero = np.abs(change[np.asarray(seg.segment_probabilities) > 0]) < 1e-12
    assert sum(h == 0.0 for h in heights) >= int(exact_zero.sum())
    _check_hygiene(fig)


def test_legend_outside_returns_none_without_labels():
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    assert _figure.legend_outside(ax) is None
