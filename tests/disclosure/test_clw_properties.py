"""Property tests for CLW designs: every returned design verifies, the revenue ordering
uniform <= pricing <= OPT-Rev <= OPT-Wel holds, Theorem 1 (p* >= OPT-Wel/2), Proposition 1
(two products: pricing >= 2/3 OPT-Wel), Lemma 1 (condition => full extraction)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infopricing import (Menu, Signal, ValueDistribution, evaluate_design, full_extraction, optimal_design,
                         optimal_information, optimal_pricing, optimal_welfare, two_product_mechanisms,
                         uniform_pricing)
from infopricing import tolerances as tol
from infopricing.lp.bilinear import global_solver_available

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def distributions(draw, n_min=1, n_max=3, m_min=1, m_max=3, vmax=8):
    n = draw(st.integers(n_min, n_max))
    m = draw(st.integers(m_min, m_max))
    vals = draw(st.lists(st.lists(st.integers(0, vmax), min_size=m, max_size=m), min_size=n, max_size=n))
    w = draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))
    return ValueDistribution(np.array(vals, float), np.array(w, float), normalize=True)


@st.composite
def designs(draw):
    d = draw(distributions(n_max=4))
    S = draw(st.integers(1, 3))
    mat = np.array(draw(st.lists(st.lists(st.integers(0, 4), min_size=S, max_size=S), min_size=d.n_profiles,
                                 max_size=d.n_profiles)), float)
    mat[mat.sum(axis=1) == 0, 0] = 1.0
    K = draw(st.integers(1, 3))
    alloc = np.array(draw(st.lists(st.lists(st.integers(0, 3), min_size=d.n_products, max_size=d.n_products),
                                   min_size=K, max_size=K)), float)
    alloc = alloc / np.maximum(alloc.sum(axis=1, keepdims=True), 3.0)
    prices = np.array(draw(st.lists(st.integers(0, 8), min_size=K, max_size=K)), float)
    return d, Signal(d, mat / mat.sum(axis=1, keepdims=True)), Menu(alloc, prices)


@settings(max_examples=30, **SETTINGS)
@given(designs())
def test_any_design_verifies_and_information_lp_dominates(case):
    """CLW section 2: any signal + menu, evaluated with seller-favourable ties, is IC/IR and
    Bayes plausible; revenue <= welfare <= OPT-Wel. The persuasion LP for the menu earns at
    least what this signal, no information and full revelation earn."""
    d, sig, menu = case
    ev = evaluate_design(d, sig, menu)
    assert ev.verify().ok
    assert ev.revenue <= ev.welfare + 1e-9
    assert ev.welfare <= optimal_welfare(d) + 1e-9
    best = optimal_information(d, menu)
    assert best.verify().ok
    for other in (sig, Signal.no_information(d), Signal.full_revelation(d)):
        assert best.revenue >= evaluate_design(d, other, menu).revenue - 1e-6


@settings(max_examples=25, **SETTINGS)
@given(distributions(n_max=5, m_max=4))
def test_theorem1_and_lemma1(d):
    """CLW Theorem 1: p* >= OPT-Wel/2 with a coarse horizontal disclosure selling for sure
    (heuristic search; p* itself is exact). Lemma 1: condition => revenue = OPT-Wel."""
    u = uniform_pricing(d, method="heuristic")
    assert u.verify().ok, u.verify().failures
    assert u.half_welfare_guarantee
    assert u.p_star <= u.revenue + 1e-7 * max(1.0, u.welfare)
    fe = full_extraction(d)
    assert fe.verify().ok
    if fe.condition:
        assert fe.evaluation.revenue == pytest.approx(optimal_welfare(d), abs=1e-7)


@settings(max_examples=25, **SETTINGS)
@given(distributions(n_max=5, m_min=2, m_max=2))
def test_proposition1_two_products(d):
    """CLW Proposition 1: Rev(M1)+Rev(M2)+Rev(M3) >= 2 OPT-Wel, so pricing >= 2/3 OPT-Wel."""
    tp = two_product_mechanisms(d)
    assert tp.verify().ok
    pr = optimal_pricing(d, method="heuristic")
    assert pr.verify().ok
    assert pr.revenue >= 2 / 3 * optimal_welfare(d) - 1e-7


@pytest.mark.skipif(not global_solver_available(), reason="pyscipopt not installed")
@settings(max_examples=15, **SETTINGS)
@given(distributions(n_max=3, m_max=3))
def test_global_revenue_ordering(d):
    """uniform <= pricing <= OPT-Rev <= OPT-Wel with proven bounds (CLW section 2 and
    Theorems 1-2): each design verifies and each revenue stays below the next bound."""
    wel = optimal_welfare(d)
    slack = tol.GLOBAL_GAP * max(1.0, wel) + 1e-7
    u = uniform_pricing(d, method="global", time_limit=10)
    p = optimal_pricing(d, method="global", time_limit=10)
    assert u.verify().ok and p.verify().ok
    assert u.revenue <= p.upper_bound + slack
    if p.proven_optimal:
        assert u.revenue <= p.revenue + slack
    assert p.upper_bound <= wel + 1e-7


@pytest.mark.skipif(not global_solver_available(), reason="pyscipopt not installed")
@settings(max_examples=8, **SETTINGS)
@given(distributions(n_min=2, n_max=2, m_min=2, m_max=2, vmax=6))
def test_opt_rev_certificate_small(d):
    """OPT-Rev for two profiles and two products: the design verifies and
    pricing <= OPT-Rev <= bound <= OPT-Wel (the bound is SCIP's, whether or not the time
    limit let it close the gap)."""
    j = optimal_design(d, method="global", time_limit=4)
    v = j.verify()
    assert v.ok, v.failures
    assert j.pricing_revenue <= j.revenue + 1e-7
    assert j.revenue <= j.upper_bound + 1e-7 <= optimal_welfare(d) + 2e-7
