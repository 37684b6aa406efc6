"""Property tests (HS section 4): segmentations average to the market and never lower the
seller's revenue; Theorem 1 (part A) agrees with the exact decision (part B)."""

import numpy as np
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from infopricing import Environment, Market
from infopricing.segmentation import Segmentation, pareto_improving_segmentation


@st.composite
def random_segmentation(draw):
    n = draw(st.integers(2, 4))
    k = draw(st.integers(1, 3))
    V = np.array(draw(st.lists(st.integers(0, 20), min_size=n * k, max_size=n * k)),
                 dtype=float).reshape(n, k) / 4
    m = draw(st.integers(1, 3))
    segs = np.array(draw(st.lists(st.integers(0, 9), min_size=m * n, max_size=m * n)),
                    dtype=float).reshape(m, n) + 0.0
    segs[:, 0] += 1  # no empty segment
    segs /= segs.sum(axis=1, keepdims=True)
    w = np.array(draw(st.lists(st.integers(1, 9), min_size=m, max_size=m)), dtype=float)
    w /= w.sum()
    return Environment(V), w, segs


@settings(max_examples=20, deadline=None)
@given(random_segmentation())
def test_segmentation_never_lowers_revenue(data):
    """HS section 4.1: the seller can use the unsegmented optimal menu in every segment, so
    segmenting weakly raises revenue; every segment's menu is optimal (duality bound) and
    the segments average to the market."""
    env, w, segs = data
    f = w @ segs
    seg = Segmentation(Market(env, f / f.sum()), w, segs)
    assert seg.revenue_change >= -1e-9
    assert seg.verify(check_pareto=False).ok
    # the unsegmented menu earns exactly the original revenue when used in every segment
    orig = seg.original
    assert abs(sum(wi * orig.revenue_in(s) for wi, s in zip(seg.weights, seg.markets))
               - orig.revenue) < 1e-9


@settings(max_examples=6, deadline=None)
@given(st.lists(st.integers(0, 16), min_size=6, max_size=6),
       st.lists(st.integers(1, 9), min_size=3, max_size=3))
def test_theorem_agrees_with_exact(vals, w):
    """Where Theorem 1 decides (True/False), the exact procedure gives the same answer."""
    env = Environment(np.array(vals, dtype=float).reshape(3, 2) / 4)
    if not env.has_unique_efficient_alternatives:
        return
    f = np.array(w, dtype=float) / sum(w)
    a = pareto_improving_segmentation(env, f)
    if a.improvable is None:
        return
    b = pareto_improving_segmentation(env, f, method="exact")
    assert a.improvable == b.improvable


def test_cli_exact_section3():
    from infopricing.cli import app

    r = CliRunner().invoke(app, ["pareto", "examples/hs_section3.toml", "--exact", "--json"])
    assert r.exit_code == 0, r.output
    import json

    d = json.loads(r.stdout)
    assert d["exact"]["improvable"] is True and d["theorem"]["improvable"] is True
