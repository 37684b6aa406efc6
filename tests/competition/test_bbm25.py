"""Tests of infopricing.competition (BBM25). Expected values are the paper's numbers or
closed forms derived by hand in the docstrings."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import brentq
from typer.testing import CliRunner

from infopricing import (AlertMix, PricingGame, alignment_construction, check_equilibrium,
                         complete_information_outcome, hotelling_lp, hotelling_optimum,
                         producer_surplus_bounds)
from infopricing.competition import (TwoSidedPareto, consumer_optimal_homogeneous,
                                     has_common_knowledge_of_gains, interim_bounds,
                                     is_homogeneous, value_garbling)
from infopricing.competition.equilibrium import PointPrice

PAIRS = [(1, 1), (1, 0), (4, 1), (4, 0)]


def ex1():
    return PricingGame.independent([(PAIRS, [0.25] * 4)] * 2)


# ---- Example 1 -----------------------------------------------------------------------
def test_ex1_conditional_table_bbm25_example1():
    """BBM25 Example 1 conditional table: c=1 (1/3): 0,1/2,1/2; c=0 (2/3): 1/2,1/4,1/4."""
    crs = {c.cost: c for c in ex1().conditional_residuals(0)}
    assert crs[1.0].weight == pytest.approx(1 / 3)
    assert crs[0.0].weight == pytest.approx(2 / 3)
    assert crs[1.0].values.tolist() == [3.0, 4.0]
    assert crs[1.0].probabilities == pytest.approx([0.5, 0.5])
    assert crs[0.0].values.tolist() == [1.0, 3.0, 4.0]
    assert crs[0.0].probabilities == pytest.approx([0.5, 0.25, 0.25])


def test_ex1_bounds_by_hand_bbm25_example1():
    """PS_i = P(c=0, unique)*max_p p P(r>=p|0) + P(c=1, unique)*max_p (p-1)P(r>=p|1)
    = (4/16)*1.5 + (2/16)*2 = 0.625 (price 3 in both cases); TS-bar = 2.875 by enumeration."""
    g = ex1()
    assert producer_surplus_bounds(g) == pytest.approx([0.625, 0.625])
    assert g.efficient_surplus == pytest.approx(46 / 16)
    assert g.optimal_price(0, 0.0) == 3.0 and g.optimal_price(0, 1.0) == 3.0


def test_equation1_approached_from_below():
    """Equation (1) with uniform tie-breaking: pricing p*-eps earns the bound minus eps*P(sale)."""
    g = ex1()
    eps = 1e-4
    val = g.producer_surplus_with(0, {0.0: 3.0 - eps, 1.0: 3.0 - eps})
    assert val == pytest.approx(0.625 - eps * (2 / 16 + 2 / 16), abs=1e-12)
    # pricing exactly at 3 splits ties with the rival at cost: strictly less
    assert g.producer_surplus_with(0, {0.0: 3.0, 1.0: 3.0}) < 0.625 - 1e-3


def test_ex1_construction_attains_bounds_and_is_equilibrium_theorem1():
    """BBM25 Theorem 1 on Example 1: efficient, PS_i = bounds, CS = 2.875 - 1.25 = 1.625."""
    a = alignment_construction(ex1())
    assert a.producer_surplus == pytest.approx([0.625, 0.625], abs=1e-9)
    assert a.total_surplus == pytest.approx(2.875, abs=1e-9)
    assert a.expected_consumer_surplus == pytest.approx(1.625, abs=1e-9)
    eq = a.check_equilibrium()
    assert eq.ok and eq.max_gain <= 1e-7
    v = a.verify()
    assert v.ok, v.failures


def test_complete_information_ex1():
    """Complete info: the unique efficient producer earns r_k - c_k. For producer 1:
    sum over unique-efficient profiles of (r - c)/16 = (1+4+3+1 [c=0] + 3+2 [c=1])/16 = 14/16."""
    o = complete_information_outcome(ex1())
    assert o.producer_surplus == pytest.approx([14 / 16, 14 / 16])
    assert o.total_surplus == pytest.approx(2.875)
    assert o.verify().ok


def test_paper_mixing_distribution_is_not_an_equilibrium():
    """Appendix A1's printed mix P(delta > d) = A/(A+d) ignores the segment's higher residuals:
    with it, the efficient producer gains by raising its price (our corrected mix does not)."""
    a = alignment_construction(ex1())

    def paper(i, sig, cost):
        d = a.strategy(i, sig, cost)
        if isinstance(d, AlertMix):
            return AlertMix(d.cost, d.markup, 0.0, 1.0, d.width)
        return d

    bad = check_equilibrium(a.game, a.info, paper)
    assert bad.max_gain > 1e-3
    assert a.check_equilibrium().ok


def test_checker_detects_wrong_price():
    """The checker does not trust the construction: pricing the efficient producer at cost
    (instead of min supp x) is detected as a profitable deviation opportunity."""
    a = alignment_construction(ex1())

    def lazy(i, sig, cost):
        d = a.strategy(i, sig, cost)
        return PointPrice(cost) if isinstance(d, PointPrice) else d

    assert not check_equilibrium(a.game, a.info, lazy).ok


# ---- properties for N = 1, 2, 3 ------------------------------------------------------
@st.composite
def games(draw):
    n = draw(st.integers(1, 3))
    m = draw(st.integers(1, 4))
    vals = draw(st.lists(st.lists(st.integers(0, 4), min_size=n, max_size=n), min_size=m, max_size=m))
    costs = draw(st.lists(st.lists(st.integers(0, 2), min_size=n, max_size=n), min_size=m, max_size=m))
    w = draw(st.lists(st.integers(1, 5), min_size=m, max_size=m))
    return PricingGame(vals, costs, np.array(w) / sum(w))


@settings(max_examples=25, deadline=None)
@given(games())
def test_construction_equals_bounds_and_passes_check(g):
    """Theorem 1: outcome = bounds, TS-bar, no profitable deviation; Proposition 1: the bound
    never exceeds the producer's surplus under complete information."""
    a = alignment_construction(g)
    assert a.producer_surplus == pytest.approx(a.bounds, abs=1e-8)
    assert a.total_surplus == pytest.approx(g.efficient_surplus, abs=1e-8)
    eq = a.check_equilibrium(size=101)
    assert eq.ok, eq.worst
    full = complete_information_outcome(g)
    assert np.all(a.bounds <= full.producer_surplus + 1e-9)
    assert full.verify().ok


def test_monopoly_n1():
    """N = 1, v in {1,2,3} uniform, cost 0: the bound is the monopoly profit max(1, 4/3, 1) = 4/3."""
    g = PricingGame([[1], [2], [3]], [[0], [0], [0]], [1 / 3] * 3)
    assert producer_surplus_bounds(g) == pytest.approx([4 / 3])
    a = alignment_construction(g)
    assert a.expected_consumer_surplus == pytest.approx(2 - 4 / 3, abs=1e-9)
    assert a.verify().ok


@pytest.mark.parametrize("kw, msg", [
    (dict(values=[[1, 2]], costs=[[0]], probabilities=[1]), "costs"),
    (dict(values=[[1, -2]], costs=[0, 0], probabilities=[1]), "non-negative"),
    (dict(values=[[1, 2]], costs=[0, 0], probabilities=[0.5]), "sum to 1"),
    (dict(values=[[1, np.nan]], costs=[0, 0], probabilities=[1]), "finite"),
    (dict(values=np.zeros((0, 2)), costs=[0, 0], probabilities=[]), "at least one"),
])
def test_bad_inputs(kw, msg):
    with pytest.raises(ValueError, match=msg):
        PricingGame(**kw)


# ---- unknown values ------------------------------------------------------------------
def test_example3_epsilon_information():
    """BBM25 Example 3 with eps = 0.1: interim values 0, 2, 4 w.p. .05, .9, .05; price 2
    (profit .95 > 3*.05), CS = 2*.05 = .1, TS = .9*1 + .05*3 = 1.05 < TS-bar = 1.5."""
    g = PricingGame([[0.0], [4.0]], [[1.0], [1.0]], [0.5, 0.5])
    vg = value_garbling(g, [[0.1, 0.9, 0.0], [0.0, 0.9, 0.1]])
    assert vg.verify().ok
    ib = interim_bounds(vg)
    assert ib["expected_consumer_surplus"] == pytest.approx(0.1)
    assert ib["total_surplus"] == pytest.approx(1.05)
    assert g.efficient_surplus == pytest.approx(1.5)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=3, max_size=3),
       st.lists(st.floats(0.05, 1), min_size=6, max_size=6))
def test_theorem2_homogeneous_ts_preserved(w, sig):
    """Theorem 2: homogeneous values with common knowledge of gains: TS-bar(mu') = TS-bar."""
    v = np.array([2.0, 3.0, 5.0])
    g = PricingGame(np.c_[v, v], [1.0, 2.0], np.array(w) / sum(w))
    assert is_homogeneous(g) and has_common_knowledge_of_gains(g)
    S = np.array(sig).reshape(3, 2)
    vg = value_garbling(g, S / S.sum(axis=1, keepdims=True))
    assert vg.verify().ok
    assert vg.interim.efficient_surplus == pytest.approx(g.efficient_surplus)


def test_roesler_szentes_two_point():
    """Monopoly, v in {0,1} equally likely, cost 0: RS optimum is the truncated Pareto on
    [p, 1] with mean p(1 - ln p) = 1/2 (p ~ 0.1867); the grid LP is within one grid step."""
    p = brentq(lambda x: x * (1 - math.log(x)) - 0.5, 1e-6, 0.5)
    o = consumer_optimal_homogeneous([0, 1], [0.5, 0.5], [0.0], size=401)
    assert o.verify().ok
    assert p - 1e-9 <= o.producer_surplus <= p + 1 / 400


def test_example2_duopoly_cap():
    """Example 2: producer 1 faces min{v, c2}; PS is 0 at c2 = 0, increasing in c2, and at
    most c2 (it can never charge more) and at most the monopoly (RS) value."""
    ps = [consumer_optimal_homogeneous([0, 1], [0.5, 0.5], [0.0, c2], size=101).producer_surplus
          for c2 in (0.0, 0.05, 0.1, 0.3, 1.0)]
    assert ps[0] == pytest.approx(0.0, abs=1e-9)
    assert all(a <= b + 1e-9 for a, b in zip(ps, ps[1:]))
    assert all(x <= c + 1e-9 for x, c in zip(ps, (0.0, 0.05, 0.1, 0.3, 1.0)))


# ---- Hotelling -----------------------------------------------------------------------
def test_example4_optimum_bbm25_example4():
    """BBM25 Example 4: B* = 1, b* = 1/e^2, CS = (1+e^-2)/2, TS = (1+3e^-2)/2."""
    o = hotelling_optimum(([-1, 1], [0.5, 0.5]))
    assert o.B == pytest.approx(1.0)
    assert o.b == pytest.approx(math.exp(-2), abs=1e-7)
    assert o.expected_consumer_surplus == pytest.approx((1 + math.exp(-2)) / 2, abs=1e-10)
    assert o.total_surplus == pytest.approx((1 + 3 * math.exp(-2)) / 2, abs=1e-7)
    assert o.verify().ok


def test_family_closed_forms():
    """E|r| under G_b^B = b(1 + ln(B/b)) (integrate b/(2r^2)*r on (b,B) twice plus the atoms
    B*b/(2B) twice); stop-loss at 0 is half of it."""
    g = TwoSidedPareto(0.2, 0.8)
    from scipy.integrate import quad
    num = 2 * quad(lambda r: r * 0.2 / (2 * r * r), 0.2, 0.8)[0] + 2 * 0.8 * g.atom
    assert float(g.density(0.5)) == pytest.approx(0.2 / (2 * 0.25))
    assert g.mean_abs == pytest.approx(num, rel=1e-6)
    assert float(g.stop_loss(0.0)) == pytest.approx(g.mean_abs / 2)
    assert float(g.cdf(0.5)) == pytest.approx(1 - 0.2 / 1.0)


def test_theorem3_lp_cannot_beat_family():
    """Theorem 3: no symmetric contraction beats G_b^B; the grid LP approaches it."""
    o = hotelling_optimum(([-1, -0.2, 0.2, 1], [0.3, 0.2, 0.2, 0.3]))
    lp = hotelling_lp(([-1, -0.2, 0.2, 1], [0.3, 0.2, 0.2, 0.3]), size=161)
    assert lp.verify().ok and o.verify().ok
    assert lp.expected_consumer_surplus <= o.expected_consumer_surplus + 1e-7
    assert lp.expected_consumer_surplus >= o.expected_consumer_surplus - 5e-3


def test_hotelling_rejects_asymmetric_prior():
    with pytest.raises(ValueError, match="symmetric"):
        hotelling_optimum(([-1, 1], [0.3, 0.7]))


def test_cli_compete_and_hotelling(tmp_path):
    from infopricing.cli import app
    runner = CliRunner()
    r = runner.invoke(app, ["compete", "examples/bbm25_example1.toml", "--json", "--grid", "51",
                           "--no-info-grid", "41"])
    assert r.exit_code == 0, r.output
    assert '"max_consumer_surplus": 1.625' in r.output
    fig = tmp_path / "f.png"
    r = runner.invoke(app, ["hotelling", "--prior", "-1:0.5, 1:0.5", "--plot", str(fig)])
    assert r.exit_code == 0 and fig.stat().st_size > 1000
    r = runner.invoke(app, ["hotelling", "--prior", "-1:0.2, 1:0.5"])
    assert r.exit_code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[game]\nvalues=[[1,2]]\ncosts=[0]\nprobabilities=[1]\n")
    r = runner.invoke(app, ["compete", str(bad)])
    assert r.exit_code == 2


def test_armstrong_zhou_small_grid():
    """Uninformed producers (Armstrong & Zhou): everybody buys at the common price, so
    TS = 1/2 + E|r|/2 and CS = TS - p; welfare is below the BBM25 optimum (Example 4)."""
    from infopricing.competition import armstrong_zhou
    az = armstrong_zhou(([-1, 1], [0.5, 0.5]), size=30, prices=6, xatol=1e-2)
    mids = 0.5 * (az.edges[1:] + az.edges[:-1])
    assert az.total_surplus == pytest.approx(0.5 + 0.5 * mids @ az.masses)
    assert az.expected_consumer_surplus == pytest.approx(az.total_surplus - az.price)
    assert 0.5 < az.expected_consumer_surplus < (1 + math.exp(-2)) / 2
    assert 0.0 < az.price < 0.15
