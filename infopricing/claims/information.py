"""Claims of the information primitives: BBM15 segmentation as used in BBM25 Example 1 and
Appendix A1, BBM25 Example 3, and the Roesler-Szentes closed form (BBM25 section III.B).

Every ``compute`` recomputes its value with the library.
"""

from __future__ import annotations

import numpy as np

from .registry import Claim, register

EX1_VALUES = (1.0, 3.0, 4.0)            # residual willingness to pay r_i
EX1_PRIOR_C0 = (0.5, 0.25, 0.25)        # conditional on c_i = 0 (BBM25 Example 1 table)
EX1_PRIOR_C1 = (0.0, 0.5, 0.5)          # conditional on c_i = 1
EX1_WEIGHTS = (0.75, 0.25)
EX1_SEGMENTS = ((2 / 3, 1 / 6, 1 / 6), (0.0, 0.5, 0.5))


def _paper_segmentation():
    from ..segmentation.bbm15 import SingleProductSegmentation

    return SingleProductSegmentation.from_markets(EX1_VALUES, EX1_PRIOR_C0, EX1_WEIGHTS,
                                                  EX1_SEGMENTS, cost=0.0)


def _ex1_price_c0():
    from ..segmentation.bbm15 import surplus_triangle

    return surplus_triangle(EX1_VALUES, EX1_PRIOR_C0, 0.0).uniform_price


def _ex1_price_c1():
    from ..information import Prior, monopoly_outcome

    out = monopoly_outcome(Prior(EX1_VALUES, EX1_PRIOR_C1), cost=1.0)
    return (out.price, out.is_efficient)


def _ex1_paper_table_average():
    s = _paper_segmentation()
    return tuple(float(t) for t in s.weights @ s.markets)


def _ex1_paper_table_verifies():
    s = _paper_segmentation()
    rep = s.verify()
    return (tuple(s.prices.tolist()), rep.ok, s.producer_surplus)


def _ex1_greedy():
    from ..segmentation.bbm15 import greedy_segmentation

    g = greedy_segmentation(EX1_VALUES, EX1_PRIOR_C0, 0.0)
    return (g.verify().ok, g.producer_surplus, g.total_surplus)


def _a1_common_profit_c1():
    """Common profit (p - c) x([p, inf)) over supp x in the greedy segments for c_i = 1."""
    from ..segmentation.bbm15 import greedy_segmentation
    from ..information.monopoly import profit_curve

    g = greedy_segmentation(EX1_VALUES, EX1_PRIOR_C1, 1.0)
    if not g.verify().ok:
        raise RuntimeError("greedy segmentation failed its own verification")
    x = g.markets[0]
    prof = profit_curve(np.array(EX1_VALUES), x, 1.0)[x > 0]
    if np.ptp(prof) > 1e-9:
        return float("nan")
    return float(prof[0])


_EX3_F = ((0.0, 4.0), (0.5, 0.5))


def _ex3_full():
    from ..information import Prior, monopoly_outcome

    out = monopoly_outcome(Prior(*_EX3_F), cost=1.0)
    return (out.price, out.expected_consumer_surplus)


def _ex3_none():
    from ..information import Prior, monopoly_outcome

    return monopoly_outcome(Prior([2.0], [1.0]), cost=1.0).price


def _ex3_eps():
    """For eps in {0.01, 0.1, 0.25}: price 2 optimal, CS / eps, the garbling is a
    contraction of the prior, and total surplus below the efficient 1.5."""
    from ..information import Prior, is_mean_preserving_contraction, monopoly_outcome

    eff = monopoly_outcome(Prior(*_EX3_F), cost=1.0).efficient_surplus
    out = []
    for eps in (0.01, 0.1, 0.25):
        G = Prior([0.0, 2.0, 4.0], [eps / 2, 1 - eps, eps / 2])
        ok, _ = is_mean_preserving_contraction(G.values, G.probabilities, *_EX3_F)
        m = monopoly_outcome(G, cost=1.0)
        out.append((m.price, round(m.expected_consumer_surplus / eps, 12), bool(ok and m.total_surplus < eff - 1e-9)))
    return tuple(out)


def _ex3_buyer_optimal_inefficient():
    from ..information import Prior, buyer_optimal_learning

    r = buyer_optimal_learning(Prior(*_EX3_F), cost=1.0, grid=np.linspace(0.0, 4.0, 41))
    return bool(r.verify().ok and not r.is_efficient)


def _rs_uniform():
    """Grid LP (200 cells) vs closed form for the uniform prior on [0, 1]."""
    import scipy.stats as st

    from ..information import buyer_optimal_learning, truncated_pareto_solution

    d = st.uniform(0.0, 1.0)
    cf = truncated_pareto_solution(d)
    lp = buyer_optimal_learning(d, size=200)
    q = np.linspace(cf.price, cf.upper, 25)
    equal_revenue = bool(np.allclose(q * (1 - cf.cdf(q - 1e-12)), cf.price, rtol=1e-9))
    return bool(lp.verify().ok and 0 <= cf.expected_consumer_surplus - lp.expected_consumer_surplus < 0.005
                and equal_revenue)


def _rs_three_point():
    from ..information import buyer_optimal_learning, truncated_pareto_solution

    prior = ((1.0, 2.0, 3.0), (1 / 3, 1 / 3, 1 / 3))
    cf = truncated_pareto_solution(prior)
    lp = buyer_optimal_learning(prior, grid=np.linspace(1.0, 3.0, 101))
    return (round(cf.price, 9), round(cf.upper, 6), round(lp.expected_consumer_surplus, 9))


register(Claim(
    id="BBM25-info-ex1-segmentation-verifies", paper="BBM25", location="Section II.B, Example 1 (segment table)",
    statement="Prices 1 and 3 are optimal on their segments, the producer always sells (efficient), "
              "and price 3 is optimal in both, so producer surplus is unchanged (1.5)",
    paper_value=((1.0, 3.0), True, 1.5), compute=_ex1_paper_table_verifies))
register(Claim(
    id="BBM15-info-greedy-ex1", paper="BBM15", location="Theorem 1 (greedy extremal segmentation), "
    "on BBM25 Example 1",
    statement="The greedy extremal segmentation is uniform profit preserving and efficient: "
              "producer surplus = uniform profit 1.5, total surplus = E[r] = 2.25",
    paper_value=(True, 1.5, 2.25), compute=_ex1_greedy))
register(Claim(
    id="BBM25-info-A1-common-profit", paper="BBM25", location="Appendix A1 (uniform profit preserving "
    "segmentation)",
    statement="For every segment x and p_i in supp x, (p_i - c_i) x([p_i, v]) = min supp x "
              "(checked on the greedy segment for Example 1, c_i = 1, support {3, 4})",
    paper_value=3.0, compute=_a1_common_profit_c1,
    discrepancy="The right-hand side should be min supp x - c_i (the profit of pricing at the "
                "lowest value); as printed it only holds for c_i = 0. For c_i = 1 the common "
                "profit on support {3, 4} is 3 - 1 = 2. Independent check: (p - 1) x([p, 4]) evaluated "
                "at both support prices of the greedy segment (closed form, equal to 2).",
    corrected_value=2.0))
register(Claim(
    id="BBM25-info-ex3-eps-information", paper="BBM25", location="Section III.B, Example 3",
    statement="Learning the value w.p. eps: 2 is still optimal, consumer surplus is positive "
              "(eps/2 chance of value 4, gaining 2: CS = eps) and the outcome is inefficient",
    paper_value=((2.0, 1.0, True), (2.0, 1.0, True), (2.0, 1.0, True)), compute=_ex3_eps))
register(Claim(
    id="BBM25-info-ex3-optimum-inefficient", paper="BBM25", location="Section III.B, Example 3 and "
    "the discussion of RS's appendix",
    statement="Without common knowledge of gains from trade the consumer-surplus maximising "
              "information results in inefficient trade (grid LP on [0, 4], step 0.1)",
    paper_value=True, compute=_ex3_buyer_optimal_inefficient, constructed=True))
register(Claim(
    id="BBM25-info-RS-uniform", paper="BBM25", location="Section III.B (Roesler-Szentes)",
    statement="Consumer-optimal interim values are truncated Pareto, the producer willing to price "
              "at the bottom of the support: the grid LP (uniform [0,1], 200 cells) is within "
              "0.005 below the closed form, whose revenue is constant on [p, B]",
    paper_value=True, compute=_rs_uniform, constructed=True))
register(Claim(
    id="BBM25-info-RS-three-point", paper="BBM25", location="Section III.B (Roesler-Szentes)",
    statement="Values {1, 2, 3} equally likely: price at the bottom p = 1, mean condition "
              "1 + ln B = 2 gives B = e, consumer surplus 1 (closed form and grid LP)",
    paper_value=(1.0, round(float(np.e), 6), 1.0), compute=_rs_three_point, tol=2e-6, constructed=True))
