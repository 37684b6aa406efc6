"""review12: information primitives on the reviewer's own small instances, against own
LPs (scipy's linprog) and closed forms."""
import numpy as np
import pytest
from scipy.optimize import brentq, linprog

import infopricing as ip
from _review12_independent import persuasion_value


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_persuasion_matches_own_obedience_lp(seed):
    """Random 2-4 states x 2-4 actions with integer utilities: value = own LP's; the
    returned signal (P(action | state)) is a distribution per state, obedient, and gives
    the value; the no-information value is the sender's payoff at the receiver's
    (sender-preferred) best action under the prior."""
    rng = np.random.default_rng(seed)
    W, A = rng.integers(2, 5), rng.integers(2, 5)
    UR, US = rng.integers(-3, 4, (W, A)), rng.integers(-3, 4, (W, A))
    prior = rng.dirichlet(np.ones(W))
    r = ip.persuade(prior, UR, US)
    assert r.value == pytest.approx(persuasion_value(prior, UR, US), abs=1e-8)
    sig = np.asarray(r.signal)
    np.testing.assert_allclose(sig.sum(axis=1), 1, atol=1e-9)
    joint = prior[:, None] * sig
    for a in range(A):
        for b in range(A):
            assert (UR[:, a] - UR[:, b]) @ joint[:, a] >= -1e-9
    assert (joint * US).sum() == pytest.approx(r.value, abs=1e-9)
    eu = prior @ UR
    best = np.flatnonzero(eu >= eu.max() - 1e-12)
    assert r.no_information_value == pytest.approx(max(prior @ US[:, a] for a in best), abs=1e-9)


def test_mpc_optimize_matches_own_transport_lp():
    """max / min of E_G[1{v >= 2} - 0.3 v^2] over mean-preserving contractions G of the
    prior (0, 1, 2, 3 with .4, .3, .2, .1) on a grid of 7 points: own LP over the joint
    pi[g, v] >= 0 with marginal F on v and E[v | g] = g."""
    fv, fp = np.array([0, 1, 2, 3.0]), np.array([0.4, 0.3, 0.2, 0.1])
    grid = np.linspace(0, 3, 7)
    obj = (grid >= 2).astype(float) - 0.3 * grid ** 2
    J, I = len(grid), len(fv)
    Aeq = [np.kron(np.ones(J), np.eye(I)[i]) for i in range(I)]
    Aeq += [np.concatenate([np.zeros(j * I), fv - grid[j], np.zeros((J - j - 1) * I)]) for j in range(J)]
    beq = np.concatenate([fp, np.zeros(J)])
    for sense, sgn in (("max", -1), ("min", 1)):
        own = linprog(sgn * np.repeat(obj, I), A_eq=np.array(Aeq), b_eq=beq, bounds=(0, None), method="highs")
        r = ip.mpc_optimize((fv, fp), obj, grid=grid, sense=sense)
        g = np.asarray(r.distribution)
        assert g @ obj == pytest.approx(sgn * own.fun, abs=1e-9)
        assert ip.is_mean_preserving_contraction(grid, g, fv, fp)[0]


def test_buyer_optimal_learning_bernoulli_closed_form():
    """Value 0 or 1, equally likely: Roesler-Szentes' truncated Pareto on [p, 1] with an
    atom at 1 has mean p (1 + ln(1/p)) = 1/2, so p = 0.18668 and CS = 1/2 - p; the grid LP
    is feasible, so it approaches from below."""
    p = brentq(lambda p: p * (1 + np.log(1 / p)) - 0.5, 1e-6, 0.5)
    closed = ip.truncated_pareto_solution(([0, 1], [0.5, 0.5]))
    assert closed.price == pytest.approx(p, abs=1e-9) and closed.expected_consumer_surplus == pytest.approx(0.5 - p)
    grid = ip.buyer_optimal_learning(([0, 1], [0.5, 0.5]), size=80)
    assert 0.5 - p - 0.02 < grid.expected_consumer_surplus <= 0.5 - p + 1e-9 and grid.verify().ok


def test_monopoly_outcome_by_enumeration():
    vals, pr = np.array([1, 2, 4, 5.0]), np.array([0.1, 0.4, 0.3, 0.2])
    for cost in (0.0, 1.5):
        profit = {v: (v - cost) * pr[vals >= v].sum() for v in vals if v >= cost}
        m = ip.monopoly_outcome(pr, values=vals, cost=cost)
        assert m.profit == pytest.approx(max(profit.values())) and m.price == max(profit, key=profit.get)
        assert m.expected_consumer_surplus == pytest.approx(pr[vals >= m.price] @ (vals[vals >= m.price] - m.price))
