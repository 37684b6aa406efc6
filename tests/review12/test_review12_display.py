"""review12: notebook display of the results a researcher gets (repr, _repr_html_,
to_frame): the numbers a reader looks for are there, and are the right ones (checked
against scipy's linprog and hand computations, not against the library)."""
import numpy as np
import pytest

import infopricing as ip
from _review12_independent import menu_revenue

V = [[3, 1, 4], [2, 5, 3], [6, 2, 2], [1, 1, 7]]
F = [0.25, 0.2, 0.3, 0.25]


def test_mechanism_repr_and_html_show_revenue_and_consumer_surplus():
    """Cosmetic defect (fixed, screening/mechanism.py): repr and _repr_html_ showed only
    array shapes (`allocation=<array 4x3>`), not the revenue."""
    env = ip.Environment(V, types=["budget", "regular", "power", "pro"])
    mech = ip.optimal_mechanism(env, ip.Market(env, F))
    rev = menu_revenue(V, F)                               # 5.2 by linprog
    assert f"revenue={rev:.6g}" in repr(mech)
    assert "expected_consumer_surplus=0.25" in repr(mech)   # only `pro` keeps 7 - 6 = 1, mass 1/4
    assert f"<td>{rev:.6g}</td>" in mech._repr_html_()
    frame = mech.to_frame()
    assert list(frame.index) == ["budget", "regular", "power", "pro"]
    assert float(np.asarray(F) @ frame["payment"].to_numpy()) == pytest.approx(rev, abs=1e-9)
    hand = ip.Mechanism(env, None, mech.allocation, mech.payments)     # no market: no revenue, no error
    assert repr(hand).startswith("Mechanism(") and "revenue" not in repr(hand)


def test_pareto_analysis_repr_shows_the_answer():
    """Cosmetic defect (fixed, segmentation/pareto.py): `ParetoAnalysis(status='optimal')`
    was all a notebook showed; the answer (improvable, construction, revenue before and
    after) is now in repr and _repr_html_."""
    env = ip.Environment([[1, 2], [2, 3], [3, 3.5]])
    a = ip.pareto_analysis(env, ip.Market(env, [0.3, 0.3, 0.4]))
    # by hand (docs/tutorials/hs.md section 3): 2.1 -> 0.3 x 2 + 0.7 x 33/14 = 2.25
    r = repr(a)
    assert "improvable=True" in r and "revenue=2.1" in r and "revenue_after=2.25" in r
    assert "<td>True</td>" in a._repr_html_()


def test_alignment_construction_repr_shows_welfare():
    """Cosmetic defect (fixed, competition/construction.py): repr showed `bounds=<array 2>`
    only. Values 1 and 4 or 4 and 1, equally likely, zero costs: complete information
    already gives CS = 1 and PS = 3 split 1.5 each; the bound is 1.5 each too."""
    g = ip.PricingGame([[1, 4], [4, 1]], [0, 0], [0.5, 0.5])
    r = repr(ip.alignment_construction(g))
    assert "expected_consumer_surplus=1," in r and "producer_surplus=3," in r and "total_surplus=4" in r


def test_segmentation_repr_shows_revenue_and_consumer_surplus():
    """Cosmetic defect (fixed, segmentation/segment_welfare.py): `Segmentation(status=...,
    weights=<array 2>, selection=...)` showed no welfare. HS tutorial market by hand:
    revenue 0.3 x 2 + 0.7 x 33/14 = 2.25 (from 2.1), consumer surplus 0.2 -> 0.35."""
    env = ip.Environment([[1, 2], [2, 3], [3, 3.5]])
    seg = ip.pareto_improving_segmentation(env, ip.Market(env, [0.3, 0.3, 0.4])).segmentation
    r = repr(seg)
    for piece in ("segments=2", "revenue=2.25", "revenue_change=0.15", "expected_consumer_surplus=0.35",
                  "pareto_improving=True"):
        assert piece in r, r
    assert "<td>2.25</td>" in seg._repr_html_()
