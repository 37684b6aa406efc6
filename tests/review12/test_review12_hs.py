"""review12: HS Pareto-improving segmentation on a market of the reviewer's own (four
types, three products), checked against independent computations (scipy's linprog menu
LP, IC/IR by hand), and the defects found."""
import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

import infopricing as ip
from _review12_independent import ic_ir_utilities, menu_revenue

V = np.array([[3, 1, 4], [2, 5, 3], [6, 2, 2], [1, 1, 7]], float)   # budget, regular, power, pro
F = np.array([0.25, 0.2, 0.3, 0.25])
TYPES = ["budget", "regular", "power", "pro"]
ALTS = ["lite", "std", "max"]


def _check_segmentation(seg, u0, r0):
    """Segments average to F, every segment's menu is IC/IR and optimal for its segment
    (own linprog), no type loses, the seller gains strictly; returns the seller's gain."""
    W = np.asarray(seg.weights)
    M = np.array([m.probabilities for m in seg.markets])
    assert W.min() >= 0 and abs(W.sum() - 1) < 1e-12
    np.testing.assert_allclose(W @ M, F, atol=1e-12)
    U, rev = np.zeros(len(F)), 0.0
    for w, q, mech in zip(W, M, seg.mechanisms):
        u = ic_ir_utilities(V, mech.allocation, mech.payments)
        assert q @ mech.payments == pytest.approx(menu_revenue(V, q), abs=1e-8)
        U += w * q * u
        rev += w * (q @ mech.payments)
    after = U / F
    assert (after >= u0 - 1e-9).all()
    np.testing.assert_allclose(after, seg.consumer_surplus, atol=1e-9)
    assert rev == pytest.approx(seg.revenue, abs=1e-9)
    return rev - r0


def test_theorem1_and_exact_segmentations_of_own_market_hold_up():
    env = ip.Environment(V, types=TYPES, alternatives=ALTS)
    m0 = ip.optimal_mechanism(env, ip.Market(env, F))
    r0 = menu_revenue(V, F)
    assert m0.revenue == pytest.approx(r0, abs=1e-9)            # 5.2 by linprog
    u0 = ic_ir_utilities(V, m0.allocation, m0.payments)
    theorem = ip.pareto_improving_segmentation(env, ip.Market(env, F))
    exact = ip.exact_pareto_improvement(env, ip.Market(env, F))
    assert theorem.improvable and exact.improvable
    assert _check_segmentation(theorem.segmentation, u0, r0) > 1e-3     # 5.2 -> 5.2143
    assert _check_segmentation(exact.segmentation, u0, r0) > 1e-3       # 5.2 -> 5.2361


def test_pareto_json_of_own_model_file_is_right(tmp_path):
    """The CLI's documented `answer.segmentation.segment_details` re-checked from the JSON
    alone: compositions average to the market, every menu is IC/IR and optimal by linprog,
    the surpluses and revenues are the ones the menus give."""
    p = tmp_path / "shop.json"    # a JSON model file, as documented
    p.write_text(json.dumps({"environment": {"types": TYPES, "alternatives": ALTS,
                                             "valuations": V.tolist()},
                             "market": {"probabilities": F.tolist()}}))
    run = subprocess.run([sys.executable, "-m", "infopricing", "pareto", str(p), "--json"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == ""
    seg = json.loads(run.stdout)["answer"]["segmentation"]
    W, M, rev, U = [], [], 0.0, np.zeros(4)
    for sd in seg["segment_details"]:
        assert [it["type"] for it in sd["menu"]] == TYPES
        q = np.array([sd["composition"][t] for t in TYPES])
        X = np.array([[it["item"].get(a, 0.0) for a in ALTS] for it in sd["menu"]])
        P = np.array([it["price"] for it in sd["menu"]])
        u = ic_ir_utilities(V, X, P)
        assert sd["revenue"] == pytest.approx(q @ P, abs=1e-9) == pytest.approx(menu_revenue(V, q), abs=1e-8)
        np.testing.assert_allclose([sd["surplus_after"][t] for t in TYPES], u, atol=1e-9)
        W.append(sd["weight"])
        M.append(q)
        rev += sd["weight"] * (q @ P)
        U += sd["weight"] * q * u
    np.testing.assert_allclose(np.array(W) @ np.array(M), F, atol=1e-12)
    assert seg["seller_revenue_before"] == pytest.approx(menu_revenue(V, F), abs=1e-8)
    assert seg["seller_revenue_after"] == pytest.approx(rev, abs=1e-9) and rev > seg["seller_revenue_before"]
    assert (U / F >= np.array([0, 0, 0, 1]) - 1e-9).all()    # before: only `pro` had surplus 1


def test_tied_efficient_alternative_answers_undecided_not_valueerror():
    """Defect (fixed, pareto.py pareto_improving_segmentation): a type valuing the only
    product at 0 (a non-buyer, common in real data) made the Theorem 1 path raise
    ValueError, although its documented contract is improvable=None with a reason when
    the theorem does not apply. The exact path decides this market (improvable)."""
    env = ip.Environment([[6.0], [0.0], [1.0], [1.0]])
    f = [0.368, 0.034, 0.492, 0.106]
    r = ip.pareto_improving_segmentation(env, ip.Market(env, f))
    assert r.improvable is None and "unique efficient alternative" in r.reason
    assert "method='exact'" in r.reason and r.verify().ok
    assert ip.exact_pareto_improvement(env, ip.Market(env, f)).improvable is True


@pytest.mark.parametrize("atol", [-1.0, float("nan"), float("inf")])
def test_exact_decision_rejects_a_bad_atol(atol):
    """Defect (fixed, exact_decision.py exact_pareto_improvement): atol=-1 or NaN was used
    as is and answered improvable=False, with a certificate that verified, on HS section
    3's market (0.5, 0.5), which is improvable (the exact path with atol=0 says so)."""
    env = ip.Environment([[0.75, 1.0], [1.0, 2.0]])
    assert ip.exact_pareto_improvement(env, ip.Market(env, [0.5, 0.5]), atol=0.0).improvable is True
    with pytest.raises(ValueError, match="atol"):
        ip.exact_pareto_improvement(env, ip.Market(env, [0.5, 0.5]), atol=atol)


def test_theorem1_reason_prints_a_readable_weight():
    """Cosmetic defect (fixed): the reason printed the float market's exact binary
    epsilon, 6941128865786660/21691027705583313; it now prints 0.32 (`.epsilon` stays
    exact)."""
    env = ip.Environment([[7.0], [5.0], [7.0]], costs=[1.0])
    f = [0.656, 0.32, 1 - 0.656 - 0.32]      # 0.02400000000000002: not a short decimal
    r = ip.pareto_improving_segmentation(env, ip.Market(env, f))
    assert r.improvable and isinstance(r.epsilon, Fraction) and r.epsilon.denominator > 10**6
    assert "f = 0.32 f'" in r.reason


def test_consumer_optimal_segmentation_of_own_market_and_bad_atol():
    """The consumer-optimal Pareto-improving segmentation of the own 4x3 market: segments
    average to F, every menu is optimal by linprog, CS 0.25 -> 0.326471 (a grid LP over the
    simplex with masses in 1/24, own menus, reaches 0.32558 from below), revenue stays 5.2.
    Defect (fixed, exact_decision.py): atol=-1 or NaN was not checked and answered
    supremum 0.25, 'not attained', status optimal and verify() ok; surplus_set(atol=-1)
    did not return within a minute (0.3 s normally)."""
    env = ip.Environment(V)
    r = ip.max_consumer_surplus_segmentation(env, ip.Market(env, F))
    s = r.segmentation
    W, M = np.asarray(s.weights), np.array([m.probabilities for m in s.markets])
    np.testing.assert_allclose(W @ M, F, atol=1e-12)
    cs = rev = 0.0
    for w, q, m in zip(W, M, s.mechanisms):
        u = ic_ir_utilities(V, m.allocation, m.payments)
        assert q @ m.payments == pytest.approx(menu_revenue(V, q), abs=1e-8)
        cs += w * (q @ u)
        rev += w * (q @ m.payments)
    assert cs == pytest.approx(r.supremum, abs=1e-9) and 0.32558 < cs < 0.3265 + 1e-4
    assert rev == pytest.approx(5.2, abs=1e-9)
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="atol"):
            ip.max_consumer_surplus_segmentation(env, ip.Market(env, F), atol=bad)
        with pytest.raises(ValueError, match="atol"):
            ip.surplus_set(env, ip.Market(env, F), atol=bad)


@pytest.mark.parametrize("rule", ["efficient", "consumer", "adverse"])
@pytest.mark.parametrize("Vf", [([[0.75, 1], [1, 2]], [0.25, 0.75]),          # HS section 3: two payment rules
                                (V.tolist(), [0.5, 0, 0.5, 0])])                 # zero-mass types: a face
def test_selection_rules_pick_the_documented_optimum(Vf, rule):
    """The selection rules of optimal_mechanism's docstring, solved stage by stage with
    linprog: the library's menu attains every stage's optimum (revenue, then the rule's
    objectives) on markets whose optimal menu is not unique."""
    from _review12_independent import lexicographic_menu_values

    Vm, f = np.array(Vf[0], float), np.array(Vf[1])
    m = ip.optimal_mechanism(ip.Environment(Vm), f, selection=rule)
    vx, su = float((Vm * m.allocation).sum()), float(m.utilities.sum())
    got = [m.revenue] + {"efficient": [vx, su], "consumer": [su, vx], "adverse": [-su, vx]}[rule]
    np.testing.assert_allclose(got, lexicographic_menu_values(Vm, f, rule), atol=1e-6)
