"""CLW (Cai, Li & Wu): joint design of information and menus for a multi-product seller."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from infopricing import (Menu, Signal, ValueDistribution, coarse_horizontal_disclosure, evaluate_design,
                         exogenous_baseline, full_extraction, highest_full_sale_price, horizontal_disclosure,
                         is_exchangeable, is_generic, is_negatively_affiliated, optimal_information,
                         optimal_prices_for_signal, optimal_pricing, optimal_welfare, two_product_mechanisms)
from infopricing.claims import all_claims
from infopricing.claims.registry import check_claim
from infopricing.disclosure.alternative import evaluate_bundles
from infopricing.disclosure.catalog import clw_b2, clw_example1, clw_example2, clw_example4, equal_revenue
from infopricing.disclosure.lottery import optimal_design
from infopricing.errors import ModelFileError, SolverError
from infopricing.lp.bilinear import global_solver_available

needs_scip = pytest.mark.skipif(not global_solver_available(), reason="pyscipopt not installed")


# -- the paper's claims ------------------------------------------------------------------

CLW_CLAIMS = all_claims("CLW")


@pytest.mark.parametrize("claim", CLW_CLAIMS, ids=[c.id for c in CLW_CLAIMS])
def test_clw_claim(claim):
    """Every CLW claim (id names the location: Examples 1-4, section 4.2, Lemma 2, B.1-B.4,
    Theorem 1, Proposition 1) reproduces, or matches its documented correction."""
    if not global_solver_available() and any(k in claim.id for k in ("best-pricing", "at-most-12", "opt-rev",
                                                                      "ex4", "lemma2", "B2-pricing", "B2-no-full")):
        pytest.skip("needs the global solver")
    rec = check_claim(claim)
    assert rec.ok, (rec.status, rec.computed_value, rec.note)


# -- model objects and validation --------------------------------------------------------

def test_value_distribution_validation():
    with pytest.raises(ValueError, match="values must be non-negative"):
        ValueDistribution([[1, -1]], [1.0])
    with pytest.raises(ValueError, match="probabilities must sum to 1"):
        ValueDistribution([[1, 2], [3, 4]], [0.5, 0.6])
    with pytest.raises(ValueError, match="probabilities must have 2 entries"):
        ValueDistribution([[1, 2], [3, 4]], [1.0])
    with pytest.raises(ValueError, match="2-dimensional"):
        ValueDistribution([1, 2], [0.5, 0.5])
    with pytest.raises(TypeError):
        ValueDistribution("abc", [1.0])
    with pytest.raises(ValueError, match="finite"):
        ValueDistribution([[np.inf, 1]], [1.0])


def test_independent_constructor_and_merge():
    d = ValueDistribution.independent([[1, 3], [2]], [[0.25, 0.75], [1.0]])
    assert d.values.tolist() == [[1, 2], [3, 2]]
    assert np.allclose(d.probabilities, [0.25, 0.75])
    dup = ValueDistribution([[1, 2], [0, 0], [1, 2]], [0.2, 0.5, 0.3]).merged()
    assert dup.values.tolist() == [[1, 2], [0, 0]]
    assert np.allclose(dup.probabilities, [0.5, 0.5])


def test_signal_and_menu_validation():
    d = clw_example1()
    with pytest.raises(ValueError, match="rows must sum to 1"):
        Signal(d, [[0.5, 0.2], [1, 0], [0, 1]])
    with pytest.raises(ValueError, match="one row per profile"):
        Signal(d, [[1.0], [1.0]])
    with pytest.raises(ValueError, match="non-negative"):
        Menu([[1, 0]], [-1.0])
    with pytest.raises(ValueError, match="at most 1"):
        Menu([[0.7, 0.7]], [1.0])
    with pytest.raises(ValueError, match="needs 2 prices"):
        evaluate_design(d, Signal.no_information(d), [1.0, 2.0, 3.0])


def test_coarse_horizontal_definition2():
    """CLW Definition 2: class i may only draw sets containing i."""
    d = clw_example1()
    with pytest.raises(ValueError, match="does not contain product 1"):
        coarse_horizontal_disclosure(d, [[1, 0], [1, 0]], [{0}, {1}])
    sig = coarse_horizontal_disclosure(d, [[1.0, 0.0], [0.5, 0.5]], [{0, 1}, {1}])
    # profiles (10,5),(6,5) are class 0, (0,3) class 1
    assert np.allclose(sig.matrix, [[1, 0], [1, 0], [0.5, 0.5]])


def test_horizontal_disclosure_example1_by_hand():
    """CLW Example 1 / Definition 2: nu(1) = ((0.2*10+0.4*6)/0.6, 5) = (22/3, 5), nu(2) = (0, 3)."""
    hd = horizontal_disclosure(clw_example1())
    assert np.allclose(hd.probabilities, [0.6, 0.4])
    assert np.allclose(hd.posterior_means, [[22 / 3, 5], [0, 3]])
    assert hd.verify()
    assert optimal_welfare(clw_example1()) == pytest.approx(0.2 * 10 + 0.4 * 6 + 0.4 * 3)


# -- design evaluation ------------------------------------------------------------------

def test_seller_favourable_ties_and_verify_catches_errors():
    """CLW Example 1: after signal (10,5) the buyer is indifferent (10-9 = 5-4); the seller's
    favourite (price 9) is chosen; tampered designs fail verification."""
    d = clw_example1()
    sig = Signal(d, [[1, 0], [0, 1], [0, 1]])
    ev = evaluate_design(d, sig, [9.0, 4.0])
    assert ev.choice.tolist() == [0, 1]
    assert ev.revenue == pytest.approx(0.2 * 9 + 0.8 * 4)
    assert ev.welfare == pytest.approx(0.2 * 10 + 0.8 * 4)
    assert ev.verify().ok
    bad = dataclasses.replace(ev, choice=np.array([1, 1]))
    v = bad.verify()
    assert not v.ok and any("revenue" in f for f in v.failures)
    bad2 = dataclasses.replace(ev, revenue=ev.revenue + 0.1)
    assert not bad2.verify().ok
    # buying at a negative utility is an IR failure
    bad3 = dataclasses.replace(evaluate_design(d, sig, [11.0, 4.0]), choice=np.array([0, 1]), revenue=0.2 * 11 + 3.2,
                               welfare=0.2 * 10 + 3.2, buyer_surplus=-0.2)
    assert any("IR" in f for f in bad3.verify().failures)


def test_fix_menu_optimise_information_example1():
    """Prices (9, 4) of CLW Example 1: the persuasion LP finds revenue 5 (pooling (6,5) and
    (0,3) attains it; 5 is the global pricing optimum, so the LP cannot do better)."""
    ev = optimal_information(clw_example1(), [9.0, 4.0])
    assert ev.revenue == pytest.approx(5.0, abs=1e-7)
    assert ev.verify().ok


def test_fix_information_uniform_prices():
    """No information in CLW Example 1 (posterior (4.4, 4.2)): the best uniform price sells the
    favourite product 1 at 4.4; with separate prices product 2 is not offered."""
    d = clw_example1()
    ev = optimal_prices_for_signal(d, Signal.no_information(d), price_groups=[0, 0])
    assert ev.revenue == pytest.approx(4.4)
    assert np.allclose(ev.menu.prices, [4.4, 4.4])
    ev2 = optimal_prices_for_signal(d, Signal.no_information(d))
    assert ev2.menu.prices[1] == np.inf


def test_p_star_by_hand():
    """Theorem 1's p*: Example 1 -> 4.4 (derived: pooling class 2 into either signal keeps its
    posterior at most 4.4), Example 4 -> 1 (no information sells both at 1)."""
    p, design, sets = highest_full_sale_price(clw_example1())
    assert p == pytest.approx(4.4, abs=1e-6)
    assert design.sale_probability == pytest.approx(1.0)
    assert design.verify().ok
    assert highest_full_sale_price(clw_example4(0.1))[0] == pytest.approx(1.0, abs=1e-6)


def test_two_product_mechanisms_example4():
    """Proposition 1 on Example 4 (eps=0.1): M1 = E[v1] = 1, M2 = E[v2] = 1, M3 = r1*10 + r2*1 = 1.9."""
    tp = two_product_mechanisms(clw_example4(0.1))
    assert (tp.m1.revenue, tp.m2.revenue, tp.m3.revenue) == pytest.approx((1.0, 1.0, 1.9))
    assert tp.verify().ok
    with pytest.raises(ValueError, match="exactly 2 products"):
        two_product_mechanisms(ValueDistribution([[1, 2, 3]], [1.0]))


def test_uniform_pricing_without_global_solver(monkeypatch):
    """Without pyscipopt the bound falls back to OPT-Wel and optimality is not claimed."""
    import infopricing.disclosure.pricing as P

    monkeypatch.setattr(P, "global_solver_available", lambda: False)
    d = clw_example1()
    res = P.optimal_pricing(d)
    assert res.method == "heuristic" and not res.proven_optimal
    assert res.upper_bound == pytest.approx(optimal_welfare(d)) == pytest.approx(5.6)
    assert "not installed" in res.solver_message
    # CLW Example 1: no information earns 4.4, the best pricing (pool (6,5) with (0,3)) 5
    assert 4.4 - 1e-9 <= res.revenue <= 5.0 + 1e-9
    # two profiles need no solver: the exact enumeration proves CLW B.2 (product 2 at 7)
    rb = P.optimal_pricing(clw_b2())
    assert rb.method == "enumeration" and rb.proven_optimal and rb.revenue == pytest.approx(7.0)
    # a design that extracts OPT-Wel is proven by that bound alone, solver or not
    d4 = clw_example4(0.1)
    r4 = P.optimal_pricing(d4)
    assert r4.method == "welfare bound" and r4.proven_optimal and r4.params["certificate"] == "OPT-Wel"
    assert r4.revenue == pytest.approx(1.9)  # horizontal disclosure, Lemma 1 prices (10, 1)
    with pytest.raises(SolverError):
        P.optimal_pricing(d, method="global")
    with pytest.raises(ValueError, match="method must be"):
        P.optimal_pricing(d, method="exact")
    with pytest.raises(ValueError, match="time_limit"):
        P.optimal_pricing(d, time_limit=-1)
    with pytest.raises(TypeError, match="ValueDistribution"):
        P.optimal_pricing([[1, 2]])


@needs_scip
def test_bilinear_backend_small_program():
    """max x*y s.t. x + y <= 2 on [0,2]^2: optimum 1 at (1,1)."""
    from infopricing.lp.bilinear import solve_bilinear

    res = solve_bilinear([0.0, 0.0], [[1.0, 1.0]], [-np.inf], [2.0], [0, 0], [2, 2],
                         obj_quad=([0], [1], [1.0]), sense="max")
    assert res.status.value == "optimal"
    assert res.objective == pytest.approx(1.0, abs=1e-6)
    assert res.bound == pytest.approx(1.0, abs=1e-5)


# -- section 5 conditions --------------------------------------------------------------

def test_negative_affiliation_and_exchangeability():
    """Definition 3 on a 2x2 support: mass on the diagonal (positive correlation) violates
    log-submodularity (0.1*0.1 < 0.4*0.4), the anti-diagonal satisfies it; Definition 4."""
    pos = ValueDistribution([[0, 0], [1, 1], [0, 1], [1, 0]], [0.4, 0.4, 0.1, 0.1])
    neg = ValueDistribution([[0, 0], [1, 1], [0, 1], [1, 0]], [0.1, 0.1, 0.4, 0.4])
    assert not is_negatively_affiliated(pos)
    assert is_negatively_affiliated(neg)
    assert is_exchangeable(pos) and is_exchangeable(neg)
    assert not is_exchangeable(ValueDistribution([[0, 1], [2, 0]], [0.5, 0.5]))
    assert not is_generic(pos)
    assert is_generic(ValueDistribution([[0, 1], [2, 0]], [0.5, 0.5]))
    ind = ValueDistribution.independent([[1, 3, 5], [2, 4]], [[0.2, 0.3, 0.5], [0.6, 0.4]])
    assert is_negatively_affiliated(ind)


def test_lemma1_full_extraction_independent():
    """Proposition 2: independent values -> horizontal disclosure with p_i = E[v_i | i*=i]
    earns OPT-Wel."""
    d = ValueDistribution.independent([[1, 3, 5], [2, 4]], [[0.2, 0.3, 0.5], [0.6, 0.4]])
    fe = full_extraction(d)
    assert fe.condition and fe.extracts_full_surplus
    assert fe.evaluation.revenue == pytest.approx(optimal_welfare(d))
    assert fe.verify().ok


def test_lemma4_needs_symmetric_ties():
    """Exchangeable (7,6), (6,7), (0,0): breaking the (0,0) tie towards product 1 puts it in
    class 1 and E[v1 | i*=1] = 7*0.25/0.75 < E[v1 | i*=2] = 6 (Lemma 1 fails); splitting the
    tie evenly restores Lemma 4 (7*0.25/0.5 = 3.5 >= 6*0.25/0.5 = 3)."""
    d = ValueDistribution([[7, 6], [6, 7], [0, 0]], [0.25, 0.25, 0.5])
    low = full_extraction(d, ties="lowest")
    assert not low.condition
    assert low.violations[0][2:] == pytest.approx((7 * 0.25 / 0.75, 6.0))
    uni = full_extraction(d, ties="uniform")
    assert uni.condition and uni.extracts_full_surplus and uni.verify().ok


def test_exogenous_baseline_equal_revenue():
    """Fully informed single-product buyer on an equal-revenue distribution: every posted price
    earns 1, so the optimal menu earns 1 (section 4.2 warm-up)."""
    ev = exogenous_baseline(equal_revenue(4.0, 9))
    assert ev.revenue == pytest.approx(1.0, abs=1e-7)


def test_alternative_models_validation():
    d = clw_example1()
    with pytest.raises(ValueError, match="model must be"):
        evaluate_bundles(d, Signal.no_information(d), [[1, 1]], [1.0], model="other")
    with pytest.raises(ValueError, match="0/1"):
        evaluate_bundles(d, Signal.no_information(d), [[0.5, 1]], [1.0])


# -- experiments and CLI ---------------------------------------------------------------

def test_random_families_have_their_properties():
    from infopricing.disclosure.experiments import FAMILIES, random_distribution

    rng = np.random.default_rng(3)
    for _ in range(5):
        assert is_negatively_affiliated(random_distribution("independent", 2, 4, rng))
        assert is_negatively_affiliated(random_distribution("negatively-affiliated", 3, 8, rng))
        assert is_exchangeable(random_distribution("exchangeable", 3, 6, rng))
    for fam in FAMILIES:
        d = random_distribution(fam, 2, 3, rng)
        assert d.n_products == 2
    with pytest.raises(ValueError, match="family must be one of"):
        random_distribution("nope", 2, 3, rng)


def test_experiment_heuristic_csv_plot(tmp_path):
    from infopricing.disclosure.experiments import plot_experiment, run_experiment

    calls = []
    res = run_experiment("general", products=2, support=3, instances=2, seed=7, method="heuristic",
                         lottery_max_support=3, progress=lambda i, n: calls.append(i))
    assert calls == [1, 2]
    assert all(r["verified"] for r in res.rows)
    for r in res.rows:
        assert 0.5 - 1e-9 <= r["uniform_ratio"] <= r["pricing_ratio"] + 1e-9 or r["uniform_ratio"] <= 1 + 1e-9
        assert r["m123_ratio"] >= 2 / 3 - 1e-9
        assert r["pricing_ratio"] >= r["m123_ratio"] - 1e-9
    res.write_csv(tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text().count("\n") == 3
    fig = plot_experiment(res)
    fig.savefig(tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 0


def test_cli_disclose_and_experiment(tmp_path):
    from typer.testing import CliRunner

    from infopricing.cli import app

    model = tmp_path / "m.toml"
    model.write_text("[distribution]\nvalues = [[10, 5], [6, 5], [0, 3]]\nprobabilities = [0.2, 0.4, 0.4]\n")
    r = CliRunner().invoke(app, ["disclose", str(model), "--json", "--no-opt-rev", "--method", "heuristic"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["welfare"] == pytest.approx(5.6)
    assert out["uniform"]["p_star"] == pytest.approx(4.4, abs=1e-6)
    assert out["verified"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[distribution]\nvalues = [[1, 2]]\n")
    r = CliRunner().invoke(app, ["disclose", str(bad)])
    assert r.exit_code == 2
    r = CliRunner().invoke(app, ["experiment", "independent", "--products", "2", "--support", "4",
                                 "--instances", "2", "--seed", "1", "--method", "heuristic",
                                 "--csv", str(tmp_path / "e.csv"), "--plot", str(tmp_path / "e.png")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "e.csv").exists() and (tmp_path / "e.png").exists()
    r = CliRunner().invoke(app, ["experiment", "bogus"])
    assert r.exit_code == 2


def test_model_file_errors(tmp_path):
    from infopricing.disclosure.report import load_distribution

    p = tmp_path / "x.toml"
    p.write_text("[market]\n")
    with pytest.raises(ModelFileError, match="missing table"):
        load_distribution(p)
    p.write_text('[distribution]\ncatalog = "nope"\n')
    with pytest.raises(ModelFileError, match="unknown instance"):
        load_distribution(p)
    p.write_text('[distribution]\ncatalog = "example1"\n')
    assert load_distribution(p).n_profiles == 3


@needs_scip
def test_two_price_mechanisms():
    """Theorem 2 uses at most two distinct prices. Example 2: the pricing optimum (4, 20, product 3
    not offered) needs only two prices, so the best two-price mechanism also earns 12; Example 4:
    prices (1/eps, 1) = (10, 1) earn 2 - eps = 1.9."""
    from infopricing import two_price_pricing
    from infopricing.disclosure.catalog import clw_example2

    r = two_price_pricing(clw_example2(), method="global")
    assert r.verify().ok
    assert r.revenue == pytest.approx(12.0, abs=1e-5)
    assert len({round(float(x), 6) for x in r.prices}) <= 2
    r4 = two_price_pricing(clw_example4(0.1), method="global")
    assert r4.revenue == pytest.approx(1.9, abs=1e-6) and r4.proven_optimal


def test_exact_verification_example1():
    """CLW Example 1 in exact arithmetic: pooling (6,5) with (0,3) at prices (9, 4) is IC/IR
    with revenue exactly 5, the efficient design at (16/3, 3) earns exactly 22/5; raising
    product 2's price above the pooled posterior 4 breaks IR exactly."""
    from fractions import Fraction

    d = clw_example1()
    ev = evaluate_design(d, Signal(d, [[1, 0], [0, 1], [0, 1]]), [9.0, 4.0])
    v = ev.verify(exact=True)
    assert v.ok and v.exact and v.details["revenue"] == Fraction(5)
    eff = optimal_prices_for_signal(d, Signal(d, [[1, 0], [1, 0], [0, 1]]))
    assert eff.verify(exact=True).details["revenue"] == Fraction(22, 5)
    bad = dataclasses.replace(ev, menu=Menu.pricing([9.0, 4.001]))
    assert not bad.verify(exact=True).ok


def test_proposition2_fails_with_three_products():
    """CLW Proposition 2 / Lemma 3 (Appendix A.5) with three products: a Markov chain with
    negative links is log-submodular (checked pair by pair here, independently of the
    library's enumeration) and generic, yet E[v3 | i*=3] = 4 + 2*0.9*0.1 = 4.18 <
    E[v3 | i*=1] = 4 + 0.1**2 + 0.9**2 = 4.82, so Lemma 1's condition fails; OPT-Wel =
    0.5*6 + 0.5*4.18 = 5.09."""
    from infopricing.disclosure.catalog import negatively_affiliated_three_products

    d = negatively_affiliated_three_products()
    tab = {tuple(v): p for v, p in zip(d.values.tolist(), d.probabilities)}
    for v in tab:
        for w in tab:
            lo = tuple(map(min, v, w))
            hi = tuple(map(max, v, w))
            assert tab[v] * tab[w] >= tab[lo] * tab[hi] - 1e-15
    assert is_negatively_affiliated(d) and is_generic(d)
    fe = full_extraction(d)
    assert not fe.condition
    assert fe.violations[0] == (2, 0, pytest.approx(4.18), pytest.approx(4.82))
    assert optimal_welfare(d) == pytest.approx(5.09)
    if global_solver_available():
        pr = optimal_pricing(d, method="global")
        assert pr.proven_optimal and pr.upper_bound < 5.09 - 0.1


@pytest.mark.skipif(not global_solver_available(), reason="needs the global solver")
def test_scip_native_messages_do_not_reach_the_terminal(capfd):
    """The Lemma 2 claim makes SCIP retry unstable LPs with a tighter tolerance, and SoPlex
    then wrote "Cannot set feasibility tolerance ... without GMP" straight to stderr (fd 2)
    once per retry. solve_bilinear now silences fds 1 and 2 around SCIP only: the claim
    still checks, nothing of SoPlex's comes out, and Python output after it still does."""
    import sys

    claim = next(c for c in CLW_CLAIMS if c.id.startswith("CLW-lemma2"))
    rec = check_claim(claim)
    print("after-scip-out")
    print("after-scip-err", file=sys.stderr)
    out, err = capfd.readouterr()
    assert rec.ok
    assert "GMP" not in out + err
    assert "after-scip-out" in out and "after-scip-err" in err


@pytest.mark.skipif(not global_solver_available(), reason="needs the global solver")
def test_both_global_lottery_formulations_prove_example2():
    """CLW Example 2: the scaled (group sums) and the posterior (M_k q_k) bilinear programs
    are different formulations of OPT-Rev; both must prove the same optimum and give a
    design that verifies."""
    d = clw_example2()
    a = optimal_design(d, method="global", time_limit=30, formulation="scaled")
    b = optimal_design(d, method="global", time_limit=30, formulation="posterior")
    assert a.proven_optimal and b.proven_optimal
    assert a.revenue == pytest.approx(b.revenue, abs=1e-7)
    assert a.revenue >= 12.25 - 1e-9  # the paper's lottery design (Example 2) is feasible
    assert a.verify().ok and b.verify().ok


def test_full_extraction_tries_both_tie_rules():
    """Lemma 1 needs one tie rule that works. Values (4,2), (0,0), (9,4) with masses
    0.25, 0.15, 0.6: ties to the lowest index put every profile in product 1's class
    (posterior (6.4, 2.9)), so pricing product 1 at 6.4 extracts OPT-Wel = 0.25*4 + 0.6*9
    = 6.4; the uniform rule splits the worthless (0,0) into a class of product 2 priced at
    0, which every buyer takes (revenue 0). The default tries both."""
    from infopricing.disclosure.conditions import full_extraction

    d = ValueDistribution([[4, 2], [0, 0], [9, 4]], [0.25, 0.15, 0.6])
    fe = full_extraction(d)
    assert fe.condition and fe.ties == "lowest"
    assert fe.evaluation.revenue == pytest.approx(6.4) and fe.welfare == pytest.approx(6.4)
    u = full_extraction(d, ties="uniform")
    assert not u.condition and u.evaluation.revenue == pytest.approx(0.0)
    # and the other way round: (7,6), (6,7), (0,0) needs the symmetric (uniform) rule
    d = ValueDistribution([[7, 6], [6, 7], [0, 0]], [1 / 3] * 3)
    fe = full_extraction(d)
    assert fe.condition and fe.ties == "uniform" and not full_extraction(d, ties="lowest").condition


def _independent_p_star(values, probs):
    """p* by bisection on the class-level feasibility LP, written here with scipy's
    linprog (classes = top product, lowest index on ties; garbling x_ij >= 0 with row
    sums r_i and sum_i x_ij (nu_ij - p) >= 0 for every j)."""
    from scipy.optimize import linprog

    V = np.asarray(values, float)
    f = np.asarray(probs, float)
    top = V.argmax(axis=1)
    m = V.shape[1]
    cls = [i for i in range(m) if f[top == i].sum() > 0]
    r = np.array([f[top == i].sum() for i in cls])
    nu = np.array([(f[top == i] @ V[top == i]) / f[top == i].sum() for i in cls])
    k = len(cls)

    def feasible(p):
        A_eq = np.kron(np.eye(k), np.ones(m))
        A_ub = np.zeros((m, k * m))
        for j in range(m):
            for i in range(k):
                A_ub[j, i * m + j] = -(nu[i, j] - p)
        res = linprog(np.zeros(k * m), A_ub=A_ub, b_ub=np.zeros(m), A_eq=A_eq, b_eq=r,
                      bounds=[(0, None)] * (k * m), method="highs")
        return res.status == 0

    lo, hi = float((f @ V).max()), float(nu.max())
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if feasible(mid) else (lo, mid)
    return lo


def test_p_star_read_off_is_accurate():
    """p* is read off a garbling, not left at the bisection tolerance: (1,2), (2,1) sells
    both goods at exactly 2 (each class recommended its own good); and a class of mass
    8e-4 no longer pulls the read-off 1e-4 below the independent bisection (the LP's
    absolute tolerance divided by that mass)."""
    from infopricing.disclosure.pricing import highest_full_sale_price

    assert highest_full_sale_price(ValueDistribution([[1, 2], [2, 1]], [0.5, 0.5]))[0] == pytest.approx(2.0, abs=1e-12)
    V = [[3, 1, 5], [10, 4, 9], [4, 9, 2], [5, 3, 2], [9, 8, 1]]
    f = [0.0327, 0.0905, 0.0008, 0.3436, 0.5324]
    p_star, design, _ = highest_full_sale_price(ValueDistribution(V, f))
    assert p_star == pytest.approx(_independent_p_star(V, f), abs=1e-6)
    assert design.sale_probability == pytest.approx(1.0) and design.verify().ok
