"""Independent checks of the HS claim rows added for issue 17 (Proposition 2 / Lemma 1 for
k alternatives, footnote 10, Proposition 1 with three or more types, footnote 7).

The two-type menu problem is re-solved here with scipy.optimize.linprog (its own
formulation, not the library's menu LP), single-product segments by brute force over posted
prices.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from infopricing.claims.registry import all_claims, check_claim

CLAIMS = {c.id: c for c in all_claims("HS")}


def _two_type_lp(vL, vH, q, fix_low=None):
    """max (1-q) pL + q pH over lotteries xL, xH (sum <= 1) with IR and IC; zero costs.
    Returns (revenue, surplus of tH, surplus of tL). ``fix_low`` pins xL."""
    k = len(vL)
    vL, vH = np.asarray(vL, float), np.asarray(vH, float)
    # variables: xL (k), xH (k), pL, pH
    c = np.r_[np.zeros(2 * k), -(1 - q), -q]
    A, b = [], []
    A.append(np.r_[-vL, np.zeros(k), 1, 0]); b.append(0)           # IR L
    A.append(np.r_[np.zeros(k), -vH, 0, 1]); b.append(0)           # IR H
    A.append(np.r_[-vL, vL, 1, -1]); b.append(0)                   # IC L -> H
    A.append(np.r_[vH, -vH, -1, 1]); b.append(0)                   # IC H -> L
    A.append(np.r_[np.ones(k), np.zeros(k), 0, 0]); b.append(1)
    A.append(np.r_[np.zeros(k), np.ones(k), 0, 0]); b.append(1)
    bounds = [(0, None)] * (2 * k) + [(None, None)] * 2
    if fix_low is not None:
        for j in range(k):
            bounds[j] = (fix_low[j], fix_low[j])
    r = linprog(c, A_ub=np.array(A), b_ub=np.array(b), bounds=bounds, method="highs")
    assert r.status == 0
    x = r.x
    return -r.fun, float(vH @ x[k:2 * k] - x[-1]), float(vL @ x[:k] - x[-2])


@pytest.mark.parametrize("k,seed", [(4, 0), (6, 1), (6, 3)])
def test_prop2_steps_by_linprog(k, seed):
    from infopricing.claims.hs import random_two_type_environment
    from infopricing.segmentation.two_type import two_type_profile

    env = random_two_type_environment(k, seed)
    vL, vH = env.values
    prof = two_type_profile(env)
    th = [float(t) for t in prof.thresholds]
    levels = []
    for q in np.linspace(0.001, 0.999, 300):
        if min(abs(q - t) for t in th) < 2e-3:
            continue
        _, uh, ul = _two_type_lp(vL, vH, q)
        assert abs(ul) < 1e-7
        levels.append(round(uh, 6))
    # non-increasing in q, at most k+1 distinct levels, the last 0, equal to Lemma 1's
    assert all(a >= b - 1e-9 for a, b in zip(levels, levels[1:]))
    distinct = sorted(set(levels), reverse=True)
    assert len(distinct) <= k + 1 and distinct[-1] == 0
    assert distinct == pytest.approx([float(a) for a in prof.surplus], abs=1e-6)
    assert len(prof.non_improvable) <= k


def test_prop2_claim_row():
    r = check_claim(CLAIMS["HS-5-prop2-k-alternatives"])
    assert r.status == "pass", r


def test_footnote10_lottery_strictly_optimal():
    from infopricing.claims.hs import FOOTNOTE10_VALUES

    vL, vH = FOOTNOTE10_VALUES
    for q in (0.34, 0.5, 0.9):
        best, uh, ul = _two_type_lp(vL, vH, q)
        pure = max(_two_type_lp(vL, vH, q, fix_low=x)[0] for x in ([1, 0], [0, 1], [0, 0]))
        assert best > pure + 1e-6
        assert best == pytest.approx((1 - q) * 1.5 + 3 * q)  # 50-50 lottery, no rent
    best, _, _ = _two_type_lp(vL, vH, 0.3)
    assert best == pytest.approx(_two_type_lp(vL, vH, 0.3, fix_low=[1, 0])[0])  # pure a below 1/3
    assert check_claim(CLAIMS["HS-5-footnote10-random-allocation"]).status == "pass"


def _posted_price(v, f):
    """Efficient-selection optimal posted price (lowest among the optimal, revenues within
    1e-9 counting as tied), by brute force."""
    prices = np.unique(v[f > 0])
    rev = np.array([p * f[v >= p].sum() for p in prices])
    return float(prices[np.flatnonzero(rev >= rev.max() - 1e-9)[0]])


def test_prop1_many_types_segments_by_brute_force():
    from infopricing.model import Environment
    from infopricing.segmentation.pareto import single_product_pareto_segmentation

    checked = 0
    for n in (3, 4, 5, 6):
        for s in range(5):
            rng = np.random.default_rng(10 * n + s)
            v = np.sort(rng.choice(np.arange(1, 400), size=n, replace=False)) / 100
            f = rng.dirichlet(np.ones(n))
            p0 = _posted_price(v, f)
            if p0 == v.min():
                continue  # efficient
            checked += 1
            u0 = np.maximum(v - p0, 0)
            seg = single_product_pareto_segmentation(Environment(v[:, None]), f).segmentation
            w = np.asarray(seg.weights)
            mk = np.array([m.probabilities for m in seg.markets])
            assert np.allclose(w @ mk, f, atol=1e-9)
            gain = np.zeros(n)
            for wi, fi in zip(w, mk):
                p = _posted_price(v, fi)
                u = np.maximum(v - p, 0)
                assert np.all(u[fi > 1e-12] >= u0[fi > 1e-12] - 1e-9)
                gain += wi * fi * (u - u0)
            assert gain.max() > 1e-9
    assert checked >= 10
    assert check_claim(CLAIMS["HS-4-prop1-many-types"]).status == "pass"


def test_footnote7_adverse_by_hand():
    f = np.array([0.5, 0.5])
    v = np.array([1.0, 2.0])
    assert 1 * f.sum() == pytest.approx(2 * f[1])  # prices 1 and 2 tie; 'adverse' takes 2
    A, B = np.array([0.625, 0.375]), np.array([0.0, 1.0])
    assert np.allclose(0.8 * A + 0.2 * B, f)
    assert _posted_price(v, A) == 1 and 1 * A.sum() > 2 * A[1]  # price 1 uniquely optimal in A
    assert _posted_price(v, B) == 2  # t2 alone: price 2, t2 keeps its 0
    # t2 gains 1 in A, nobody loses: Pareto improving under the adverse rule
    assert check_claim(CLAIMS["HS-4-footnote7-adverse-selection"]).computed_value == (True, True)
    r = check_claim(CLAIMS["HS-4-footnote7-some-rule"])
    assert r.status == "not-computable" and r.ok and r.computed_value is None
