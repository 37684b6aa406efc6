"""Independent checks of the CLW claim rows added for issue 17 (Proposition 3 / Lemma 4 and
Definition 2's ties, Theorem 2's constants and bound, Corollary 1).

Nothing here calls the code path that computes the claim: posterior means and buyer best
responses are recomputed in exact rationals, optimal prices for a fixed signal with
scipy.optimize.linprog, and Theorem 2's constants with plain float formulas.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import linprog

from infopricing.claims.registry import all_claims, check_claim
from infopricing.disclosure import ValueDistribution, optimal_pricing
from infopricing.disclosure.catalog import negatively_affiliated_three_products
from infopricing.disclosure.exchangeable import random_exchangeable

CLAIMS = {c.id: c for c in all_claims("CLW")}


def _exact(dist):
    vals = [tuple(Fraction(x).limit_denominator(10**6) for x in row) for row in dist.values.tolist()]
    probs = [Fraction(p).limit_denominator(10**9) for p in dist.probabilities.tolist()]
    tot = sum(probs)
    return vals, [p / tot for p in probs]


def _classes(vals, probs, rule):
    """{product: [(prob, profile)]} for horizontal disclosure, ties 'uniform' (split evenly)
    or a tuple giving the disclosed product of each profile."""
    m = len(vals[0])
    cls = {i: [] for i in range(m)}
    for t, (v, p) in enumerate(zip(vals, probs)):
        top = [i for i in range(m) if v[i] == max(v)]
        if rule == "uniform":
            for i in top:
                cls[i].append((p / len(top), v))
        else:
            cls[rule[t]].append((p, v))
    return {i: c for i, c in cls.items() if sum(p for p, _ in c) > 0}


def _mean(c, j):
    return sum(p * v[j] for p, v in c) / sum(p for p, _ in c)


def _lemma4_and_extraction(dist, rule):
    vals, probs = _exact(dist)
    cls = _classes(vals, probs, rule)
    cond = all(_mean(cls[i], i) >= _mean(cls[k], i) for i in cls for k in cls if k != i)
    prices = {i: _mean(cls[i], i) for i in cls}
    revenue = Fraction(0)
    for i, c in cls.items():  # buyer told i: best response to prices (ties: the seller's choice)
        util = {j: _mean(c, j) - prices[j] for j in prices}
        best = max(util.values())
        pay = max(prices[j] for j in prices if util[j] == best) if best >= 0 else Fraction(0)
        revenue += sum(p for p, _ in c) * pay
    welfare = sum(p * max(v) for v, p in zip(vals, probs))
    return cond, revenue == welfare


@pytest.mark.parametrize("m", [2, 3])
def test_lemma4_generic_exact(m):
    for seed in range(12):
        d = random_exchangeable(m, 3, seed, ties=False)
        assert all(len(set(row)) == m for row in d.values.tolist())
        assert _lemma4_and_extraction(d, "uniform") == (True, True)


@pytest.mark.parametrize("m", [2, 3])
def test_lemma4_ties_uniform_exact_and_claim_rows(m):
    n = 0
    for seed in range(40):
        d = random_exchangeable(m, 3, seed, levels=4, ties=True)
        if all(len(set(row)) == m for row in d.values.tolist()):
            continue
        n += 1
        assert _lemma4_and_extraction(d, "uniform") == (True, True)
    assert n >= 12
    for cid in ("CLW-prop3-exchangeable-generic", "CLW-prop3-exchangeable-ties-uniform"):
        r = check_claim(CLAIMS[cid])
        assert r.status == "pass", r.note


def _best_fixed_signal_linprog(r, nu):
    """Best revenue of a pricing mechanism for a fixed signal (probabilities r, posterior
    means nu), maximised over recommendations with scipy linprog."""
    S, m = nu.shape
    M = 10.0 * max(1.0, float(np.max(nu)))
    best = -np.inf
    for rec in itertools.product(range(-1, m), repeat=S):
        A, b = [], []
        for s in range(S):
            k = rec[s]
            for j in range(m):
                row = np.zeros(m)
                if k >= 0:
                    if j != k:  # nu_k - p_k >= nu_j - p_j  <=>  p_k - p_j <= nu_k - nu_j
                        row[k] += 1.0
                        row[j] -= 1.0
                        A.append(row); b.append(nu[s, k] - nu[s, j])
                else:  # buys nothing: nu_j - p_j <= 0
                    row[j] = -1.0
                    A.append(row); b.append(-nu[s, j])
            if k >= 0:
                row = np.zeros(m)
                row[k] = 1.0
                A.append(row); b.append(nu[s, k])
        c = np.zeros(m)
        for s in range(S):
            if rec[s] >= 0:
                c[rec[s]] -= r[s]
        res = linprog(c, A_ub=np.array(A) if A else None, b_ub=np.array(b) if b else None,
                      bounds=[(-M, M)] * m, method="highs")
        if res.status == 0:
            best = max(best, -res.fun)
    return best


def _best_deterministic(values, probs):
    values = np.asarray(values, float)
    probs = np.asarray(probs, float)
    m = values.shape[1]
    tops = [np.flatnonzero(v == v.max()) for v in values]
    best = -np.inf
    for rule in itertools.product(*tops):
        r = np.array([probs[np.array(rule) == i].sum() for i in range(m)])
        live = r > 0
        nu = np.array([probs[np.array(rule) == i] @ values[np.array(rule) == i] / r[i] for i in range(m) if live[i]])
        best = max(best, _best_fixed_signal_linprog(r[live], nu))
    return best


def test_definition2_counterexample_linprog_and_exact():
    from infopricing.claims.clw import PROP3_TIE_COUNTEREXAMPLE

    vals, probs = PROP3_TIE_COUNTEREXAMPLE
    assert vals == [[0, 1], [1, 0], [3, 3]]
    best = _best_deterministic(vals, probs)
    assert best == pytest.approx(4 / 3, abs=1e-9)
    welfare = Fraction(1, 3) * (1 + 1 + 3)
    assert welfare == Fraction(5, 3) and best < float(welfare) - 0.3
    # uniform tie-splitting: Lemma 4's condition and full extraction, exactly
    d = ValueDistribution(vals, probs)
    assert _lemma4_and_extraction(d, "uniform") == (True, True)
    # the deterministic rule (3,3) -> product 1 breaks Lemma 4: E[v2 | i*=1] = 3/2 > E[v2 | i*=2] = 1
    cls = _classes(*_exact(d), (1, 0, 0))
    assert _mean(cls[0], 1) == Fraction(3, 2) and _mean(cls[1], 1) == 1
    r = check_claim(CLAIMS["CLW-prop3-definition2-ties"])
    assert r.status == "text-discrepancy"
    assert r.computed_value[1] == pytest.approx(best, abs=1e-9)


def test_definition2_two_profile_supports_always_extract():
    """Minimality: every exchangeable two-product distribution with at most two profiles
    (values 0..3, several weights) has a deterministic tie rule that extracts OPT-Wel."""
    pts = list(itertools.product(range(4), repeat=2))
    supports = set()
    for a in pts:
        for b in pts:
            s = {a, b, a[::-1], b[::-1]}
            if len(s) <= 2:
                supports.add(tuple(sorted(s)))
    assert len(supports) > 10
    for sup in supports:
        for w in ([1.0], [0.5, 0.5], [0.2, 0.8], [0.9, 0.1]):
            if len(w) != len(sup):
                continue
            if len(sup) == 2 and sup[0] == sup[1][::-1] and w[0] != w[1]:
                continue  # an exchangeable pair (a,b), (b,a) has equal weights
            best = _best_deterministic(sup, w)
            welfare = sum(p * max(v) for p, v in zip(w, sup))
            assert best == pytest.approx(welfare, abs=1e-9), (sup, w)


def test_theorem2_constants_float_formulas():
    d, dh, k = 0.0068, 0.925, 11
    t = 2 / (2 - d)
    c = (k / 2 - t) / (t - dh)
    w = (t * (1 + (1 - (k + 1) * d) / k) - 1 + (k + 1) * d) / (c + 1 - k)
    minus = 0.5 * (1 - (k + 1) * d - w * k) + (1 - 2 / k - c * w) * dh
    plus = 0.5 * (1 - (k + 1) * d - w * k) + (1 - 2 / k + c * w) * dh
    assert c == pytest.approx(57.34596, abs=1e-4) and w == pytest.approx(0.0035650, abs=1e-6)
    assert minus > 1.007 > t and plus > 1.007 and abs(plus - minus) > 0.3
    assert round(100 / (2 - d), 2) == 50.17
    from infopricing.disclosure.theorem2 import theorem2_constants

    e = theorem2_constants()
    assert float(e.revenue_bound) == pytest.approx(minus, rel=1e-12)
    assert float(e.revenue_bound_printed) == pytest.approx(plus, rel=1e-12)
    with pytest.raises(TypeError, match="delta"):
        theorem2_constants(delta=0.0068)
    with pytest.raises(ValueError, match="k"):
        theorem2_constants(k=2)
    assert check_claim(CLAIMS["CLW-thm2-constants"]).status == "pass"
    assert check_claim(CLAIMS["CLW-thm2-final-display"]).status == "text-discrepancy"


def _revenue_by_hand(dist, signal_matrix, prices):
    """Revenue of posted prices when each signal's buyer picks the best product (ties to
    the most expensive, the seller-preferred selection) or nothing."""
    v, p = dist.values, dist.probabilities
    rev = 0.0
    for s in range(signal_matrix.shape[1]):
        w = p * signal_matrix[:, s]
        if w.sum() <= 0:
            continue
        nu = w @ v / w.sum()
        u = np.where(np.isfinite(prices), nu - prices, -np.inf)
        if u.max() < -1e-9:
            continue
        ok = u >= u.max() - 1e-9
        rev += w.sum() * float(np.max(np.where(ok, prices, -np.inf)))
    return rev


def test_theorem2_bound_by_hand_on_some_instances():
    from infopricing.disclosure.catalog import clw_example2, clw_lemma2
    from infopricing.disclosure.experiments import random_distribution

    for d in (clw_example2(), clw_lemma2(0.1), random_distribution("hart-nisan", 3, 6, 1)):
        pr = optimal_pricing(d, method="heuristic")
        rev = _revenue_by_hand(d, np.asarray(pr.evaluation.signal.matrix), np.asarray(pr.prices, float))
        assert rev == pytest.approx(pr.revenue, abs=1e-6)
        welfare = float(d.probabilities @ d.values.max(axis=1))
        assert rev >= welfare / (2 - 0.0068)


def _log_submodular_brute(values, probs):
    tab = {}
    for v, p in zip(map(tuple, values.tolist()), probs):
        tab[v] = tab.get(v, 0.0) + p
    for a, b in itertools.product(list(tab), repeat=2):
        meet = tuple(min(x, y) for x, y in zip(a, b))
        join = tuple(max(x, y) for x, y in zip(a, b))
        if tab[a] * tab[b] < tab.get(meet, 0.0) * tab.get(join, 0.0) * (1 - 1e-9) - 1e-15:
            return False
    return True


def test_corollary1_brute_force():
    from infopricing.disclosure.experiments import random_distribution

    for s in range(20):
        d = random_distribution("negatively-affiliated", 2, 9, s)
        assert _log_submodular_brute(d.values, d.probabilities)
        v, p = d.values, d.probabilities
        top = v[:, 0] >= v[:, 1]
        e_top = sum(pp * x for pp, x, t in zip(p, v[:, 0], top) if t) / sum(pp for pp, t in zip(p, top) if t)
        assert e_top >= float(p @ v[:, 0]) - 1e-12
        if (~top).any():
            assert e_top >= float(p[~top] @ v[~top, 0] / p[~top].sum()) - 1e-12
    d3 = negatively_affiliated_three_products()
    assert _log_submodular_brute(d3.values, d3.probabilities)
    v, p = d3.values, d3.probabilities
    i3 = v.argmax(axis=1) == 2
    i1 = v.argmax(axis=1) == 0
    assert p[i3] @ v[i3, 2] / p[i3].sum() == pytest.approx(4.18)
    assert p[i1] @ v[i1, 2] / p[i1].sum() == pytest.approx(4.82)
    assert check_claim(CLAIMS["CLW-corollary1-two-products"]).status == "pass"


def test_example3_exact_45_degree_tie():
    import math

    from infopricing.disclosure import is_generic
    from infopricing.disclosure.catalog import clw_example3

    for n in (2, 4):
        d = clw_example3(n, 0.1)
        v = d.values[n // 2]
        assert v[0] == v[1] and v[0] == pytest.approx(10.0 ** (n // 2) * math.cos(math.pi / 4), rel=1e-15)
        assert not is_generic(d)
        assert d.values[0, 1] == 0 and d.values[-1, 0] == 0
    for n in (1, 3):
        assert is_generic(clw_example3(n, 0.1))
    # the old float construction differs from the tie in the last bits only: atol sees it
    ang = math.pi / 4
    assert math.cos(ang) != math.sin(ang)
    near = ValueDistribution([[math.cos(ang), math.sin(ang)], [1.0, 0.0]], [0.5, 0.5])
    assert is_generic(near) and not is_generic(near, atol=1e-12)
    with pytest.raises(ValueError, match="atol"):
        is_generic(near, atol=-1.0)


def test_example3_extraction_by_linprog_every_tie_rule():
    """n = 2 extracts with the lowest-index rule (not with the uniform split); n = 3 and 4:
    no deterministic rule (scipy linprog over every recommendation) and not the uniform
    split."""
    from infopricing.disclosure.catalog import clw_example3

    for n, expect in ((2, True), (3, False), (4, False)):
        d = clw_example3(n, 0.1)
        vals, probs = d.values, d.probabilities
        welfare = float(probs @ vals.max(axis=1))
        best = _best_deterministic(vals, probs)
        # uniform split
        m = 2
        mat = np.zeros((len(vals), m))
        for t, row in enumerate(vals):
            top = np.flatnonzero(row == row.max())
            mat[t, top] = 1 / len(top)
        r = probs @ mat
        live = r > 0
        nu = np.array([(probs * mat[:, i]) @ vals / r[i] for i in range(m) if live[i]])
        uni = _best_fixed_signal_linprog(r[live], nu)
        assert (max(best, uni) >= welfare - 1e-7 * welfare) is expect, (n, best, uni, welfare)
        cid = {2: "CLW-ex3-n2-eps0.1", 3: "CLW-ex3-n3-eps0.1", 4: "CLW-ex3-n4-eps0.1"}[n]
        assert check_claim(CLAIMS[cid]).computed_value is expect
    d2 = clw_example3(2, 0.1)
    from infopricing.disclosure import full_extraction

    assert not full_extraction(d2, "uniform").extracts_full_surplus
    assert full_extraction(d2, "lowest").extracts_full_surplus
    assert check_claim(CLAIMS["CLW-ex3-exact-ties"]).status == "pass"
