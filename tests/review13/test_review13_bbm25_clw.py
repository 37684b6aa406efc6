"""review13: BBM25 and CLW on the reviewer's own instances, against independent
computations (BBM25 eq. (1) by enumeration, hand equilibria, CLW programs at fixed
posteriors by linprog, brute force over signals, closed forms)."""
import dataclasses
import math

import numpy as np
import pytest

import infopricing as ip
from _review13_independent import (bbm25_bounds, best_binary_signal_revenue,
                                   posterior_menu_revenue, sure_sale_revenue)
from infopricing.competition import PointPrice

# A duopoly whose costs differ across profiles (so each producer's cost is informative).
GV = np.array([[3, 1], [1, 3], [2, 2], [4, 0]], float)
GC = np.array([[0, 0], [0.5, 0], [0, 1], [1, 0]], float)
GP = np.array([0.1, 0.2, 0.3, 0.4])


def test_own_duopoly_bounds_construction_and_benchmarks():
    g = ip.PricingGame(GV, GC, GP)
    b = ip.producer_surplus_bounds(g)
    np.testing.assert_allclose(b, bbm25_bounds(GV, GC, GP), atol=1e-12)
    np.testing.assert_allclose(b, [1.6, 0.5], atol=1e-12)   # by hand: A 0.1+0.3+1.2, B 0.2 x 2.5
    ts = float(GP @ np.maximum(GV - GC, 0).max(axis=1))     # 2.7
    a = ip.alignment_construction(g)
    assert a.total_surplus == pytest.approx(ts) and a.expected_consumer_surplus == pytest.approx(ts - 2.1)
    assert a.check_equilibrium().ok and a.verify().ok
    # complete information: the consumer keeps the second-best gain (0 with one seller)
    gains = np.sort(np.c_[np.maximum(GV - GC, 0), np.zeros(4)], axis=1)[:, -2]
    assert ip.complete_information_outcome(g).expected_consumer_surplus == pytest.approx(GP @ gains)
    # no information: each producer's own cost reveals enough that the pure equilibrium
    # (A: 1 at cost 0, 0.5 at 0.5, 4 at 1; B: 2.5 at cost 0, 1 at cost 1; each a hair
    # below) already meets the bounds: CS = 0.1 x 2 + 0.2 x 0.5 + 0.3 x 1 = 0.6
    n = ip.no_information_outcome(g, size=21)
    assert n.expected_consumer_surplus == pytest.approx(0.6, abs=1e-6)
    np.testing.assert_allclose(n.producer_surplus, [1.6, 0.5], atol=1e-6)


def test_equilibrium_check_catches_a_corrupted_strategy():
    g = ip.PricingGame(GV, GC, GP)
    a = ip.alignment_construction(g)

    def greedy(i, s, c):          # A prices 5 above cost: it never sells, pricing at its
        return PointPrice(c + 5.0) if i == 0 else a.strategy(i, s, c)   # bound earns 1.6+

    chk = ip.check_equilibrium(g, a.info, greedy)
    assert not chk.ok and chk.max_gain > 1.0


def test_hotelling_uniform_prior_against_own_search_over_b_and_B():
    """r uniform on [-1, 1]: |r| is uniform on [0, 1], stop-loss (1 - x)^2 / 2. G_b^B on
    r >= 0 has P(|r| > y) = b / y on [b, B) and its stop-loss at x <= b is
    b - x + b ln(B / b). Own search: for each b the largest B with G_b^B's stop-loss below
    the prior's everywhere, CS = 1/2 + (b + b ln(B/b)) / 2 - b (BBM25 Theorem 3)."""
    xs = np.linspace(0, 1, 801)
    prior_sl = (1 - xs) ** 2 / 2

    def sl(b, B):
        lo = np.clip(xs, 0, B)
        return np.where(lo < b, b - lo, 0.0) + np.where(np.maximum(lo, b) < B, b * np.log(B / np.maximum(lo, b)), 0.0)

    best = (-1.0, 0.0)
    for b in np.linspace(0.10, 0.14, 81):
        lo, hi = b, 1.0
        for _ in range(40):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if (sl(b, mid) <= prior_sl + 1e-13).all() else (lo, mid)
        cs = 0.5 + (b + b * math.log(lo / b)) / 2 - b
        best = max(best, (cs, b))
    import scipy.stats as st
    h = ip.hotelling_optimum(st.uniform(-1, 2))
    assert h.expected_consumer_surplus == pytest.approx(best[0], abs=2e-4)
    assert h.b == pytest.approx(best[1], abs=2e-3) and h.verify().ok


# CLW, three profiles, two products. p* (Theorem 1) is over coarse horizontal disclosure:
# the signal depends on i*(v) only, so its posteriors mix the group means (22/7, 2) (top
# A) and (1, 2) (top B); B's mean is 2 in every posterior, so a sure sale above 2 needs
# A's mean above p after every signal, and mixing in (1, 2) lowers it: pooling all gives
# (2.5, 2), p* = 2.5. Any information does better: send t3 and a share a of t1 to
# "buy A", t2 and the rest of t1 to "buy B"; both obedient at price p iff
# (0.3p - 0.6)/(4 - p) <= a <= (2 - 0.7p)/(3.5 - p), i.e. p^2 - 6.45p + 10.1 <= 0:
# the best uniform revenue (a sure sale) is (6.45 - sqrt(1.2025)) / 2 = 2.6767.
DV = np.array([[4, 3.5], [1, 2], [2, 0]])
DF = np.array([0.4, 0.3, 0.3])


def test_uniform_pricing_beats_coarse_p_star_closed_form():
    u = ip.uniform_pricing(ip.ValueDistribution(DV, DF))
    closed = (6.45 - math.sqrt(1.2025)) / 2
    assert u.p_star == pytest.approx(2.5, abs=1e-9)
    assert u.revenue == pytest.approx(closed, rel=1e-6)
    assert sure_sale_revenue(DV, DF, closed) == pytest.approx(closed, rel=1e-9)   # own LP: sells for sure
    assert sure_sale_revenue(DV, DF, closed + 1e-3) < closed          # and no higher price does better
    assert u.verify().ok


@pytest.mark.parametrize("V, f", [([[4, 3], [1, 2]], [0.6, 0.4]),
                                  ([[3, 3, 2], [1, 0, 1.5]], [0.3, 0.7])])
def test_two_profile_opt_rev_against_own_lps(V, f):
    """OPT-Rev below OPT-Wel: the library's menu is optimal at its own posteriors (own
    menu LP), and no two-signal structure on a grid does better."""
    V, f = np.array(V, float), np.array(f)
    j = ip.optimal_design(ip.ValueDistribution(V, f))
    assert j.revenue < float(f @ V.max(axis=1)) - 0.1
    S = np.asarray(j.evaluation.signal.matrix)
    assert posterior_menu_revenue(V, f, S) == pytest.approx(j.revenue, abs=1e-9)
    assert best_binary_signal_revenue(V, f, 0.1) <= j.revenue + 1e-9
    assert j.verify().ok


def test_joint_design_verify_catches_corruption():
    d = ip.ValueDistribution([[4, 3], [1, 2]], [0.6, 0.4])
    j = ip.optimal_design(d)             # no information, A at 2.8 (posterior (2.8, 2.6))
    e = j.evaluation
    R = dataclasses.replace
    bad_menu = R(j, evaluation=R(e, menu=ip.Menu(e.menu.allocations, e.menu.prices + 1)))
    assert not bad_menu.verify().ok                       # IR fails, revenue misreported
    assert not R(j, revenue=j.revenue + 0.1).verify().ok
    assert not R(j, upper_bound=j.revenue - 0.1).verify().ok
    assert not R(j, evaluation=R(e, revenue=e.revenue + 0.1)).verify().ok


def test_failed_design_checks_report_their_size():
    """Defect (fixed, disclosure/lottery.py and pricing.py): JointDesign.verify and
    PricingResult.verify failed a misreported revenue or bound with max_violation 0.0, so
    a program thresholding on max_violation read a failure as exact agreement. A revenue
    off by 0.1 on OPT-Wel 3.2 is a relative violation of 0.1 / 3.2."""
    d = ip.ValueDistribution([[4, 3], [1, 2]], [0.6, 0.4])
    R = dataclasses.replace
    for res in (ip.optimal_design(d), ip.optimal_pricing(d)):
        for bad in (R(res, revenue=res.revenue + 0.1), R(res, upper_bound=res.revenue - 0.1)):
            v = bad.verify()
            assert not v.ok and v.max_violation == pytest.approx(0.1 / 3.2)
        assert res.verify().ok and res.verify().max_violation < 1e-9


@pytest.mark.parametrize("vbar", [1.0, 3.0])
def test_hotelling_B_stays_on_the_prior_support_when_vbar_is_larger(vbar):
    """Defect (fixed, competition/hotelling._best_B): B was bisected up to vbar, so with
    vbar = 3 > max|r| = 1 it stopped at B = 1.0000015, outside the support of the prior
    (no contraction puts mass there), and overstated consumer surplus by 1e-7. Closed form
    (BBM25 Example 4 with v_1 + v_2 = vbar): TS = vbar/2 + E|r|/2, so CS = vbar/2 + e^-2/2
    at b = e^-2, B = 1."""
    h = ip.hotelling_optimum(([-1, 1], [0.5, 0.5]), vbar=vbar)
    assert h.B <= 1.0 and h.B == pytest.approx(1.0, abs=1e-12)
    assert h.expected_consumer_surplus == pytest.approx(vbar / 2 + math.exp(-2) / 2, abs=1e-9)
    assert h.b == pytest.approx(math.exp(-2), abs=1e-6) and h.verify().ok
