"""Issue 18 section 2: OPT-Rev and the best pricing mechanism of two-profile distributions
proven exactly by the enumeration of ``infopricing.disclosure.two_profile`` (no branch and
bound, no limits). Checked against the paper's numbers and against an independent
computation: for fixed posteriors the joint design is a small LP, written here from
scratch for scipy's ``linprog`` (prices >= 0 included), whose value at any pair of
posteriors must not exceed the enumeration's bound and reaches it at the maximiser."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import linprog

from infopricing.disclosure.catalog import clw_b2, clw_example2, clw_lemma2
from infopricing.disclosure.distribution import ValueDistribution
from infopricing.disclosure.lottery import optimal_design
from infopricing.disclosure.pricing import optimal_pricing
from infopricing.disclosure.two_profile import two_profile_opt_rev


def design_value(V, f, qL, qH, pair=None):
    """Best revenue with two signals at posteriors qL <= f_a <= qH (Pr of profile 0):
    lotteries x_L, x_H (or the fixed products ``pair``) and prices >= 0, IC and IR on
    the posterior means; by scipy's linprog."""
    fa, m = f[0], V.shape[1]
    if qH - qL < 1e-12:
        return max(0.0, float((V[1] + fa * (V[0] - V[1])).max()))
    ML = (qH - fa) / (qH - qL)
    MH = 1.0 - ML
    nuL, nuH = V[1] + qL * (V[0] - V[1]), V[1] + qH * (V[0] - V[1])
    z = np.zeros(m)
    rows = [(-nuL, z, 1, 0), (z, -nuH, 0, 1), (-nuL, nuL, 1, -1), (nuH, -nuH, -1, 1),
            (np.ones(m), z, 0, 0), (z, np.ones(m), 0, 0)]
    A = np.array([np.concatenate([a, b, [c, d]]) for a, b, c, d in rows])
    b = np.array([0, 0, 0, 0, 1, 1], dtype=float)
    bounds = [(0, None)] * (2 * m + 2)
    if pair is not None:
        eye = np.vstack([np.zeros(m), np.eye(m)])
        bounds = [(v, v) for v in np.concatenate([eye[pair[0]], eye[pair[1]]])] + [(0, None)] * 2
    c = np.zeros(2 * m + 2)
    c[2 * m], c[2 * m + 1] = -ML, -MH
    res = linprog(c, A_ub=A, b_ub=b, bounds=bounds, method="highs")
    return -res.fun if res.status == 0 else -np.inf


def best_pricing_value(V, f, qL, qH):
    m = V.shape[1]
    return max(design_value(V, f, qL, qH, (i, j)) for i in range(m + 1) for j in range(m + 1))


def test_b2_paper_optimum_exact():
    """CLW Appendix B.2: no information and product 2 at 7 is optimal (7 < OPT-Wel 7.5);
    proven with gap 0, no global solver, and the same for pricing."""
    d = clw_b2()
    j = optimal_design(d)
    assert j.method == "enumeration" and j.proven_optimal
    assert j.revenue == pytest.approx(7.0, abs=1e-12) and j.upper_bound == pytest.approx(7.0, abs=1e-12)
    assert j.params["certificate"] == "two-profile enumeration" and j.params["relative_gap"] <= 1e-12
    assert "solver_nodes" not in j.params and j.verify().ok
    p = optimal_pricing(d)
    assert p.method == "enumeration" and p.proven_optimal and p.upper_bound == pytest.approx(7.0, abs=1e-12)


def test_example2_lottery_and_pricing_exact():
    """CLW Example 2: the paper's lottery design earns 12.25 and pricing at most 12
    (Appendix A.6); the enumeration proves 12.25 and 12 exactly, and the independent LP
    at the paper's posteriors (full revelation) gives the same numbers."""
    d = clw_example2()
    V, f = d.values, d.probabilities
    j = optimal_design(d)
    assert j.method == "enumeration" and j.proven_optimal
    assert j.revenue == pytest.approx(12.25, abs=1e-9) and j.upper_bound == pytest.approx(12.25, abs=1e-9)
    assert design_value(V, f, 0.0, 1.0) == pytest.approx(12.25, abs=1e-9)
    p = optimal_pricing(d)
    assert p.proven_optimal and p.revenue == pytest.approx(12.0, abs=1e-9)
    assert p.upper_bound == pytest.approx(12.0, abs=1e-9)
    assert best_pricing_value(V, f, 0.0, 1.0) == pytest.approx(12.0, abs=1e-9)


def test_lemma2_within_the_paper_bound():
    """CLW Lemma 2 (eps = 0.1): no mechanism earns more than 2 + 2 eps = 2.2; the exact
    OPT-Rev is 2 (no information, product 2 at its mean 2), proven with gap 0."""
    d = clw_lemma2(0.1)
    j = optimal_design(d)
    assert j.method == "enumeration" and j.proven_optimal
    assert j.revenue == pytest.approx(2.0, abs=1e-12) and j.upper_bound == pytest.approx(2.0, abs=1e-12)
    assert j.upper_bound <= 2.2


@pytest.mark.slow  # about 1 s per example on an idle machine: each runs the library's whole design search
@settings(max_examples=5, deadline=None)
@given(st.integers(2, 3), st.integers(0, 2**31 - 1))
def test_enumeration_bounds_every_design_and_is_attained(m, seed):
    """On random two-profile distributions the enumeration's value is >= the independent
    LP's value at every sampled pair of posteriors (and at the boundary ones, where the
    optimum lies), and the maximiser's posteriors reach it: both for lotteries and for
    pricing; the library's design then earns it and is proven."""
    rng = np.random.default_rng(seed)
    V = rng.integers(0, 11, (2, m)).astype(float)
    f = rng.dirichlet([1.0, 1.0])
    f = np.clip(f, 0.05, 0.95)
    f = f / f.sum()
    lot = two_profile_opt_rev(V, f)
    pri = two_profile_opt_rev(V, f, deterministic=True)
    scale = max(1.0, float(V.max()))
    fa = f[0]
    qs = [(0.0, 1.0), (0.0, fa), (fa, 1.0), (rng.uniform(0, fa), rng.uniform(fa, 1)),
          (0.0, rng.uniform(fa, 1)), (rng.uniform(0, fa), 1.0)]
    for qL, qH in qs:
        assert design_value(V, f, qL, qH) <= lot.value + 1e-9 * scale
    for qL, qH in qs[:3]:
        assert best_pricing_value(V, f, qL, qH) <= pri.value + 1e-9 * scale
    assert pri.value <= lot.value + 1e-9 * scale
    assert design_value(V, f, *lot.q) == pytest.approx(lot.value, abs=1e-8 * scale)
    assert best_pricing_value(V, f, *pri.q) == pytest.approx(pri.value, abs=1e-8 * scale)
    d = ValueDistribution(V, f)
    j = optimal_design(d, pricing=optimal_pricing(d, method="heuristic"))
    assert j.proven_optimal and j.method in ("enumeration", "welfare bound")
    assert j.revenue == pytest.approx(lot.value, abs=1e-7 * scale) and j.verify().ok


def test_input_checks():
    with pytest.raises(ValueError, match="values"):
        two_profile_opt_rev(np.ones((3, 2)), [0.5, 0.5])
    with pytest.raises(ValueError, match="probabilities"):
        two_profile_opt_rev(np.ones((2, 2)), [1.0, 0.0])


def test_scale_free_and_identical_profiles():
    """Values scaled by 1e-6 or 1e6 scale the optimum (the vertex test is scale-free);
    two identical profiles leave nothing to disclose: the best value at the prior."""
    d = clw_example2()
    for s in (1e-6, 1e6):
        assert two_profile_opt_rev(d.values * s, d.probabilities).value == pytest.approx(12.25 * s, rel=1e-9)
    V = np.array([[0.0, 20.0, 9.0], [0.0, 20.0, 9.0]])
    assert two_profile_opt_rev(V, [0.3, 0.7]).value == pytest.approx(20.0, abs=1e-12)
