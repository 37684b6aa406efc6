"""The no-information (no segmentation) benchmark of BBM25's welfare comparison.

Expected values are derived by hand in the docstrings."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from infopricing import PricingGame, no_information_outcome, producer_surplus_bounds
from infopricing.competition._lemke import bayesian_bimatrix_equilibrium


def test_monopoly_uniform_price_n1():
    """N = 1, v in {1,2,3} uniform, cost 0: profits 1, 4/3, 1 -> price 2, PS 4/3, CS 1/3,
    TS 5/3; an exact equilibrium."""
    o = no_information_outcome(PricingGame([[1], [2], [3]], [[0], [0], [0]], [1 / 3] * 3))
    assert o.method == "monopoly"
    assert o.strategies[0][0.0].prices.tolist() == [2.0]
    assert o.producer_surplus == pytest.approx([4 / 3])
    assert o.expected_consumer_surplus == pytest.approx(1 / 3)
    assert o.total_surplus == pytest.approx(5 / 3)
    assert o.deviation_gain <= 1e-12
    assert o.verify().ok


def test_monopoly_random_cost_n1():
    """N = 1, (v, c) uniform on {1,3} x {0,2}: at c = 0 price 3 (1.5 > 1), at c = 2 price 3
    (0.5); PS = (1.5 + 0.5)/2 = 1, TS = (3 + 1)/4 = 1, CS = 0."""
    g = PricingGame.independent([([(1, 0), (3, 0), (1, 2), (3, 2)], [0.25] * 4)])
    o = no_information_outcome(g)
    assert {c: law.prices.tolist() for c, law in o.strategies[0].items()} == {0.0: [3.0], 2.0: [3.0]}
    assert o.producer_surplus == pytest.approx([1.0])
    assert o.expected_consumer_surplus == pytest.approx(0.0, abs=1e-12)
    assert o.total_surplus == pytest.approx(1.0)
    assert o.verify().ok


@pytest.mark.parametrize("c1, c2", [(0.0, 0.5), (0.2, 1.0), (0.3, 0.3)])
def test_homogeneous_bertrand_price_is_second_lowest_cost(c1, c2):
    """Homogeneous goods with a common value 2: the low-cost producer sells at the
    second-lowest cost (Bertrand); PS_1 = c2 - c1, PS_2 = 0, CS = 2 - c2. The grid holds
    c2 - offset, so the equilibrium is exact up to the offset."""
    o = no_information_outcome(PricingGame([[2.0, 2.0]], [c1, c2], [1.0]))
    low = o.strategies[0][c1]
    assert low.prices.size == 1 and low.prices[0] == pytest.approx(c2, abs=1e-7)
    assert o.producer_surplus == pytest.approx([c2 - c1, 0.0], abs=1e-7)
    assert o.expected_consumer_surplus == pytest.approx(2 - c2, abs=1e-7)
    assert o.deviation_gain <= 1e-7
    assert o.verify().ok


def test_hotelling_example4_known_values():
    """BBM25 Example 4 (Section III.C): if the consumer knows which good is better, each
    producer faces residual 0 or 1 equally likely and prices at 1: CS = 0, PS = 1/2 each."""
    o = no_information_outcome(PricingGame([[0.0, 1.0], [1.0, 0.0]], [0.0, 0.0], [0.5, 0.5]))
    assert [law.prices.tolist() for law in (o.strategies[0][0.0], o.strategies[1][0.0])] == [[1.0], [1.0]]
    assert o.producer_surplus == pytest.approx([0.5, 0.5])
    assert o.expected_consumer_surplus == pytest.approx(0.0, abs=1e-12)
    assert o.verify().ok


def test_hotelling_example4_uninformed_consumer():
    """BBM25 Example 4: with no consumer information both interim values are 1/2 and
    prices are competed down to cost: CS = TS = 1/2."""
    o = no_information_outcome(PricingGame([[0.5, 0.5]], [0.0, 0.0], [1.0]))
    assert o.producer_surplus == pytest.approx([0.0, 0.0], abs=1e-7)
    assert o.expected_consumer_surplus == pytest.approx(0.5, abs=1e-7)


def test_example1_no_information_is_an_epsilon_equilibrium():
    """BBM25 Example 1 without segmentation: the grid equilibrium mixes; the reported
    epsilon is what the checker finds, the default-tolerance verify fails honestly, and
    welfare sits between what the bounds allow: PS_i >= PS_i-bar = 0.625 up to epsilon
    (Proposition 1) and TS <= TS-bar = 2.875."""
    g = PricingGame.independent([([(1, 1), (1, 0), (4, 1), (4, 0)], [0.25] * 4)] * 2)
    o = no_information_outcome(g, size=41)
    assert 0 < o.deviation_gain < 0.1
    assert o.verify(atol=o.deviation_gain + 1e-9).ok
    assert not o.verify().ok
    assert np.all(o.producer_surplus >= 0.625 - o.deviation_gain)
    assert o.total_surplus <= 2.875 + 1e-9
    assert o.expected_consumer_surplus + o.producer_surplus.sum() == pytest.approx(o.total_surplus)


@pytest.mark.parametrize("costs, seller, price", [([0.0, 0.5, 1.0], 0, 0.5), ([0.0, 0.7, 0.3], 0, 0.3)])
def test_three_producer_bertrand_pure(costs, seller, price):
    """N = 3, homogeneous goods with common value 2: the lowest-cost producer sells at the
    second-lowest cost; PS = that cost minus its own, CS = 2 - second-lowest cost."""
    o = no_information_outcome(PricingGame([[2.0, 2.0, 2.0]], costs, [1.0]))
    assert o.method == "pure"
    law = o.strategies[seller][costs[seller]]
    assert law.prices[0] == pytest.approx(price, abs=1e-7)
    ps = np.zeros(3)
    ps[seller] = price - costs[seller]
    assert o.producer_surplus == pytest.approx(ps, abs=1e-7)
    assert o.expected_consumer_surplus == pytest.approx(2 - price, abs=1e-7)
    assert o.verify().ok


def test_three_producers_differentiated_known_values():
    """N = 3, values (3, 2, 1) known, costs 0: producer 1's residual is 3 - 2 = 1, rivals
    at cost: it sells at 1 (up to the offset), PS = (1, 0, 0), CS = 2."""
    o = no_information_outcome(PricingGame([[3.0, 2.0, 1.0]], [0.0, 0.0, 0.0], [1.0]))
    assert o.producer_surplus == pytest.approx([1.0, 0.0, 0.0], abs=1e-7)
    assert o.expected_consumer_surplus == pytest.approx(2.0, abs=1e-7)
    assert o.verify().ok


def test_bad_arguments():
    with pytest.raises(ValueError, match="size must be an integer >= 2"):
        no_information_outcome(PricingGame([[1.0, 2.0]], [0.0, 0.0], [1.0]), size=1)
    with pytest.raises(TypeError, match="PricingGame"):
        no_information_outcome([[1.0, 2.0]])


def test_lemke_matching_pennies_with_types():
    """Lemke on matching pennies (unique equilibrium 1/2, 1/2), and a Bayesian version where
    player 1 has two equally likely types, the second with doubled stakes. There player 2
    must mix 1/2, 1/2 (otherwise both types play the same pure best response, which player
    2 would exploit), and player 1's types must make player 2 indifferent:
    0.5 (x1[0] - x1[1]) + (x2[0] - x2[1]) = 0 (many such x)."""
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    x, y, status, _ = bayesian_bimatrix_equilibrium(A, -A, [2], [2])
    assert status == "solved"
    assert x == pytest.approx([0.5, 0.5]) and y == pytest.approx([0.5, 0.5])
    A2 = np.vstack([0.5 * A, 0.5 * 2 * A])
    B2 = -A2
    x, y, status, _ = bayesian_bimatrix_equilibrium(A2, B2, [2, 2], [2])
    assert y == pytest.approx([0.5, 0.5])
    assert x[:2].sum() == pytest.approx(1) and x[2:].sum() == pytest.approx(1)
    assert 0.5 * (x[0] - x[1]) + (x[2] - x[3]) == pytest.approx(0, abs=1e-12)


@st.composite
def duopolies(draw):
    m = draw(st.integers(1, 3))
    vals = draw(st.lists(st.lists(st.integers(0, 4), min_size=2, max_size=2), min_size=m, max_size=m))
    costs = draw(st.lists(st.lists(st.integers(0, 2), min_size=2, max_size=2), min_size=m, max_size=m))
    w = draw(st.lists(st.integers(1, 4), min_size=m, max_size=m))
    return PricingGame(vals, costs, np.array(w) / sum(w))


@settings(max_examples=12, deadline=None)
@given(duopolies())
def test_no_information_check_within_reported_epsilon(g):
    """Property: the equilibrium passes the independent deviation check within its
    reported epsilon; surplus adds up and never exceeds TS-bar; Proposition 1 up to
    epsilon: each producer earns at least PS_i-bar - epsilon (pricing just below
    p_i*(c_i) earns at least the bound against rivals who never price below cost, and the
    epsilon is per unit of each cost's probability)."""
    o = no_information_outcome(g, size=21)
    v = o.verify(atol=o.deviation_gain + 1e-9)
    assert v.ok, v.failures
    assert o.total_surplus <= g.efficient_surplus + 1e-9
    assert o.expected_consumer_surplus + o.producer_surplus.sum() == pytest.approx(o.total_surplus, abs=1e-9)
    assert np.all(o.producer_surplus >= -1e-9)
    assert np.all(o.producer_surplus >= producer_surplus_bounds(g) - o.deviation_gain - 1e-7)


def test_cli_compete_welfare_table_has_three_benchmarks(tmp_path):
    """`compete` reports no information, complete information and Theorem 1 side by side."""
    import json

    from typer.testing import CliRunner

    from infopricing.cli import app
    f = tmp_path / "bertrand.toml"
    f.write_text("[game]\nvalues = [[2, 2]]\ncosts = [0, 0.5]\nprobabilities = [1]\n")
    r = CliRunner().invoke(app, ["compete", str(f), "--json", "--grid", "21"])
    assert r.exit_code == 0, r.output
    outs = {o["label"]: o for o in json.loads(r.output)["outcomes"]}
    assert set(outs) == {"no information", "complete information", "consumer-optimal (Theorem 1)"}
    assert outs["no information"]["expected_consumer_surplus"] == pytest.approx(1.5, abs=1e-7)
    # complete information: producer 1 charges r_1 = v - (v - c_2) = 0.5 as well
    assert outs["complete information"]["expected_consumer_surplus"] == pytest.approx(1.5)
    r = CliRunner().invoke(app, ["compete", str(f)])
    assert r.exit_code == 0 and "no information" in r.output


def _regret(A, B, b1, b2, x, y):
    """Largest gain of any type from a pure deviation (equilibrium certificate)."""
    worst = 0.0
    for M, mix, other, blocks in ((A, x, y, b1), (B.T, y, x, b2)):
        pay = M @ other
        start = 0
        for b in blocks:
            blk = slice(start, start + b)
            assert mix[blk].sum() == pytest.approx(1.0) and np.all(mix[blk] >= -1e-12)
            worst = max(worst, pay[blk].max() - mix[blk] @ pay[blk])
            start += b
    return worst


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_lemke_random_bayesian_games_are_equilibria(data):
    """Lemke's answer on random integer Bayesian games (1-2 types per player, 1-4
    strategies per type, degenerate ties common) satisfies the best-response conditions."""
    b1 = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))
    b2 = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=2))
    k1, k2 = sum(b1), sum(b2)
    A = np.array(data.draw(st.lists(st.integers(-3, 3), min_size=k1 * k2, max_size=k1 * k2)),
                 float).reshape(k1, k2)
    B = np.array(data.draw(st.lists(st.integers(-3, 3), min_size=k1 * k2, max_size=k1 * k2)),
                 float).reshape(k1, k2)
    x, y, status, _ = bayesian_bimatrix_equilibrium(A, B, b1, b2)
    assert status == "solved"
    assert _regret(A, B, b1, b2, x, y) <= 1e-9


def test_lemke_bertrand_grid_certificate():
    """A degenerate Bertrand grid game (costs 0 and 0.5, common value 2, 11 prices) solved
    on the whole grid: the best-response conditions hold exactly."""
    g = np.linspace(0, 2, 11)
    A = np.array([[p * (1.0 if p < q else 0.5 if p == q else 0.0) for q in g] for p in g])
    B = np.array([[(q - 0.5) * (1.0 if q < p else 0.5 if p == q else 0.0) * (q >= 0.5) for q in g]
                  for p in g])
    x, y, status, _ = bayesian_bimatrix_equilibrium(A, B, [11], [11])
    assert status == "solved"
    assert _regret(A, B, [11], [11], x, y) <= 1e-9


def test_bertrand_example_file_no_information():
    """examples/bbm25_bertrand.toml: A (cost 0) against B (cost 0.5 or 1.5), common value 2.
    Proposition 1 up to epsilon: PS_A >= PS_A-bar - epsilon, where PS_A-bar =
    max(0.5 * 1 [price 0.5, always sells], 1.5 * 0.5 [price 1.5, sells when c_B = 1.5])
    = 0.75; and total surplus at most TS-bar = 2."""
    from pathlib import Path

    from infopricing.competition.files import load_game
    g = load_game(Path(__file__).resolve().parents[2] / "examples" / "bbm25_bertrand.toml")
    o = no_information_outcome(g, size=41)
    assert producer_surplus_bounds(g) == pytest.approx([0.75, 0.0])
    assert o.producer_surplus[0] >= 0.75 - o.deviation_gain - 1e-7
    assert o.total_surplus <= 2.0 + 1e-9
    assert o.verify(atol=o.deviation_gain + 1e-9).ok


# --- N >= 3: mixed equilibria by fictitious play ------------------------------------------
VARIAN_A, VARIAN_B = 0.2, 0.4          # 3a + b = 1


def _varian_game(a=VARIAN_A, b=VARIAN_B):
    """Varian's (1980) model of sales as a BBM25 game: zero costs; the consumer is a
    captive of producer i (value 1 for good i, 0 for the others) with probability a each,
    a shopper (value 1 for every good) with probability b."""
    return PricingGame([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], [0, 0, 0], [a, a, a, b])


@pytest.fixture(scope="module")
def varian_outcome():
    return no_information_outcome(_varian_game())      # size=81, mixed_tol=1e-3 (defaults)


def test_varian_sales_n3_mixed_equilibrium_profits(varian_outcome):
    """Varian (1980) with N = 3 (BBM25, Section I model; zero costs).

    Closed form, derived here: a producer's price p <= 1 sells to its captives (mass a)
    and to the shoppers (mass b) when both rivals price above p, so with rivals drawing
    from a continuous F its profit is p (a + b (1 - F(p))^(N-1)). At p = 1 it only gets
    its captives: profit a. Indifference on the support [p0, 1] gives
    p (a + b (1 - F(p))^(N-1)) = a, i.e. F(p) = 1 - (a (1 - p) / (b p))^(1/(N-1)), and
    F(p0) = 0 gives p0 = a / (a + b). Hence each producer's equilibrium profit is a; every
    consumer buys (all prices <= 1 = every value), so TS = 1 and CS = 1 - 3a. With any
    atom there a rival could undercut it, so there is no pure equilibrium.

    Bounds asserted: PS_i >= a - grid_gain exactly (price 1 is on the grid and earns at
    least a against any rival laws, as no rival ever prices at 0 in equilibrium); the upper
    side PS_i <= a + deviation_gain (an epsilon-equilibrium of the continuous game whose
    exact equilibrium profit is a; deviation_gain already includes the grid rounding term
    h (a + b), see test_varian_sales_n3_verifies). CS matches TS - 3a within 3 times the
    same margin (CS = TS - sum PS)."""
    o, a, b = varian_outcome, VARIAN_A, VARIAN_B
    assert o.method == "fictitious play"
    assert 0 <= o.grid_gain <= 1e-3                 # the mixed_tol target (max value 1)
    # no atom at price 0 (else a captive could be shared at price 1): the lower bound holds
    assert min(o.strategies[i][0.0].prices.min() for i in range(3)) > 0
    assert np.all(o.producer_surplus >= a - o.grid_gain - 1e-12)
    assert np.all(o.producer_surplus <= a + o.deviation_gain)
    assert o.total_surplus == pytest.approx(1.0, abs=1e-12)
    assert o.expected_consumer_surplus == pytest.approx(o.total_surplus - 3 * a, abs=3 * o.deviation_gain)
    # shape of the mixture (a loose sanity check, not a certificate: fictitious play's
    # empirical CDF on an 81-point grid): within 0.05 of Varian's F, and almost no mass
    # below p0 = a / (a + b) minus a grid step
    h = 1 / 80
    for law in (o.strategies[i][0.0] for i in range(3)):
        for p in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            F = 1 - np.sqrt(a * (1 - p) / (b * p))
            assert law.probabilities[law.prices <= p].sum() == pytest.approx(F, abs=0.05)
        assert law.probabilities[law.prices < a / (a + b) - h].sum() <= 1e-2


def test_varian_sales_n3_has_no_pure_grid_equilibrium():
    """The pure attempt must fail on Varian's game (every grid price is undercut or
    raised to 1: an Edgeworth cycle), so the mixed path is used."""
    from infopricing.competition.uninformed import OFFSET, _pure_best_response
    from infopricing.errors import SolverError
    with pytest.raises(SolverError, match="no pure equilibrium"):
        _pure_best_response(_varian_game(), 81, OFFSET, 200)


def test_varian_sales_n3_verifies(varian_outcome):
    """The N = 3 equilibrium passes the independent continuous checker within its
    reported epsilon, and that epsilon is at most grid_gain + h (a + b): for a continuous
    deviation p, rounding down to the grid point g >= p - h (h = 1/80, the even grid on
    [0, 1]) gives a sale probability S(g) >= S(p) (S is non-increasing), and S(p) <= a + b,
    so profit falls by at most h S(p) <= h (a + b). Here that bound is about 0.0085; without segmentation the default-tolerance
    verification must fail honestly."""
    o = varian_outcome
    assert 0 < o.deviation_gain <= o.grid_gain + (VARIAN_A + VARIAN_B) / 80 + 1e-12
    v = o.verify(atol=o.deviation_gain + 1e-9)
    assert v.ok, v.failures
    assert not o.verify().ok
    assert o.as_dict()["method"] == "fictitious play"


def test_three_producers_pure_still_pure():
    """A 3-producer game with a pure equilibrium keeps the pure path (values (3, 2, 1)
    known, costs 0: see test_three_producers_differentiated_known_values)."""
    o = no_information_outcome(PricingGame([[3.0, 2.0, 1.0]], [0.0, 0.0, 0.0], [1.0]))
    assert o.method == "pure" and o.grid_gain == 0.0


def test_three_producers_mixed_budget_exhausted_raises():
    """Honest failure: a fictitious-play budget far too small for the 1e-3 target raises
    SolverError naming the epsilon reached, instead of returning an unconverged answer."""
    from infopricing.errors import SolverError
    with pytest.raises(SolverError, match=r"fictitious play reached grid epsilon .* budget of 10 steps"):
        no_information_outcome(_varian_game(), mixed_iterations=10)
    with pytest.raises(ValueError, match="mixed_tol"):
        no_information_outcome(_varian_game(), mixed_tol=0.0)
    with pytest.raises(ValueError, match="mixed_iterations"):
        no_information_outcome(_varian_game(), mixed_iterations=-1)


def test_three_producers_mixed_progress_reported():
    """progress(done, total) is called during fictitious play and ends at (total, total)."""
    calls = []
    o = no_information_outcome(_varian_game(), mixed_iterations=5000,
                               progress=lambda d, t: calls.append((d, t)))
    assert o.method == "fictitious play"
    assert calls[-1] == (5000, 5000) and all(t == 5000 for _, t in calls) and len(calls) > 2


def test_nplayer_payoffs_match_independent_checker():
    """The vectorised agent-form payoffs (probability that every rival offers less
    surplus, Poisson-binomial tie split) agree with the equilibrium checker's
    profit curve, which builds the shares rival by rival, on a 3-producer game with
    correlated values, two costs for two producers, and random mixtures with atoms that
    tie (shared grid)."""
    from infopricing.competition._nplayer import AgentGame
    from infopricing.competition.equilibrium import InformationStructure, _profit_curve
    from infopricing.competition.uninformed import DiscreteMix, _nplayer_grids
    g = PricingGame([[1, 2, 1], [2, 2, 2], [0, 1, 2], [2, 0, 1]],
                    [[0, 0.5, 0], [0.5, 0, 0], [0, 0.5, 0], [0.5, 0.5, 0]], [0.1, 0.4, 0.3, 0.2])
    agents, grids, _ = _nplayer_grids(g, 9, 1e-8)
    ag = AgentGame(g, agents, grids)
    rng = np.random.default_rng(3)
    laws = []
    for gr in grids:
        w = rng.random(gr.size) * (rng.random(gr.size) < 0.5)
        w[rng.integers(gr.size)] += 0.1
        laws.append((gr, w / w.sum()))
    mixes = {ag_: DiscreteMix(q, w) for ag_, (q, w) in zip(agents, laws)}
    info = InformationStructure(np.arange(g.n_profiles), g.probabilities,
                                np.zeros((g.n_profiles, 3), dtype=int))   # no information
    for k, (i, c) in enumerate(agents):
        states = np.flatnonzero(g.costs[:, i] == c)
        want = _profit_curve(g, info, lambda j, s, cj: mixes[(j, cj)], i, states, grids[k])
        assert ag.profits(k, grids[k], laws) * ag.mass[k] == pytest.approx(want, abs=1e-12)


def test_cli_compete_three_producers_reports_fictitious_play(tmp_path):
    """`compete` on Varian's sales model (three producers, captives a = 0.2 each, shoppers
    b = 0.4, zero costs): the no-information row comes from fictitious play, the text
    reports both epsilons, and each producer earns a = 0.2 up to the continuous epsilon
    (Varian 1980: indifference with the captive-only price 1)."""
    import json

    from typer.testing import CliRunner

    from infopricing.cli import app
    f = tmp_path / "varian.toml"
    f.write_text("[game]\nvalues = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]\n"
                 "costs = [0, 0, 0]\nprobabilities = [0.2, 0.2, 0.2, 0.4]\n")
    r = CliRunner().invoke(app, ["compete", str(f)])
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())  # the console wraps long lines at 80 columns
    assert "fictitious play equilibrium" in text and "largest gain on its grid" in text
    r = CliRunner().invoke(app, ["compete", str(f), "--json"])
    none = {o["label"]: o for o in json.loads(r.output)["outcomes"]}["no information"]
    assert none["method"] == "fictitious play"
    eps = none["deviation_gain"]
    assert 0 < eps < 0.01
    np.testing.assert_allclose(none["producer_surplus"], 0.2, atol=eps)


@pytest.mark.slow
def test_ladder_reports_the_level_it_solved():
    """BBM25 Example 1 without information: the 161-point level exhausts Lemke's pivot
    budget, so the 81-point equilibrium is reported, and the outcome says so (a user who
    asked for grid=161 used to get the 81-point answer without a word)."""
    g = PricingGame.independent([([(1, 1), (1, 0), (4, 1), (4, 0)], [0.25] * 4)] * 2)
    o81 = no_information_outcome(g, size=81)
    assert o81.grid_level == 81 and o81.ladder_note == ""
    o = no_information_outcome(g, size=161)
    assert o.grid_level == 81
    assert "161-point" in o.ladder_note and "max_pivots" in o.ladder_note
    assert o.deviation_gain == pytest.approx(o81.deviation_gain, abs=1e-12)
    assert o.as_dict()["grid_level"] == 81


def test_cli_names_the_solved_level():
    """`compete` text: when the ladder stopped below --no-info-grid, the line names the
    level solved and carries the outcome's note (fake outcome: the formatting only)."""
    from types import SimpleNamespace

    from infopricing.cli.bbm25 import _grid_sizes_part
    g = PricingGame.independent([([(1, 1), (1, 0), (4, 1), (4, 0)], [0.25] * 4)] * 2)
    fake = SimpleNamespace(grid_sizes=(90, 68, 90, 68), method="lemke", game=g,
                           strategies=({0.0: None, 1.0: None}, {0.0: None, 1.0: None}),
                           grid_level=81, ladder_note="the 161-point grid level exhausted ...")
    text = _grid_sizes_part(fake, 161)
    assert "--no-info-grid 161, solved on the 81-point level" in text
    assert "Note: the 161-point grid level exhausted" in text
    fake.grid_level, fake.ladder_note = 161, ""
    text = _grid_sizes_part(fake, 161)
    assert "(--no-info-grid 161)" in text and "Note" not in text


def test_as_dict_keeps_the_price_laws_at_full_precision():
    """Regression (user review): ``compete --json`` gave the strategies only as strings with
    6-digit prices, so 0.99999998 and 0.99999999 both read "1". ``strategy_laws`` holds
    every atom and probability as a float, round-tripping through JSON exactly."""
    import json

    from infopricing.competition import no_information_outcome as noi
    from infopricing.model import PricingGame

    g = PricingGame([[1, 4], [4, 1]], [0, 0], [0.5, 0.5])
    r = noi(g, size=21, check_size=21)
    d = json.loads(json.dumps(r.as_dict()))
    assert len(d["strategy_laws"]) == len(r.strategies) == 2
    for laws, got in zip(r.strategies, d["strategy_laws"]):
        for c, law in laws.items():
            atoms = got[str(c)]
            assert atoms["prices"] == law.prices.tolist() and atoms["probabilities"] == law.probabilities.tolist()
            assert abs(sum(atoms["probabilities"]) - 1) <= 1e-9 and min(atoms["prices"]) >= c
