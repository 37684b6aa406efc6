"""OPT-Rev by one SCIP solve under a revenue cutoff (``formulation="cutoff"``, issue 18
section 2, thirteenth session).

The full proof of CLW Example 1 takes about 33,000 SCIP nodes (half a minute here), so the
fast tests run :func:`_cutoff_proof` under small node budgets and check what must hold for
any budget: the bound is at least the value of every design built independently (random
signals and the paper's pooling design, each priced by scipy's ``linprog`` on the menu LP
of posterior means; the paper's value 5, CLW Example 1), repeatable, and a cutoff above
OPT-Wel (5.6 by hand) is proven infeasible at once. The whole proof is marked slow.
"""

import numpy as np
import pytest
from scipy.optimize import linprog

from infopricing.disclosure.catalog import clw_example1, clw_example2
from infopricing.disclosure.lottery import _cutoff_proof, _polish_lottery, optimal_design
from infopricing.lp.bilinear import global_solver_available


pytestmark = pytest.mark.skipif(not global_solver_available(), reason="needs pyscipopt")

OPT_WEL = 0.2 * 10 + 0.4 * 6 + 0.4 * 3  # CLW Example 1: each profile's larger value


def _menu_value(values, joint):
    """The best IC-IR lottery menu for a fixed signal (joint[t, k] = Pr[profile t, signal
    k]) on its posterior means, by scipy's linprog: variables x (K*m) then prices (K)."""
    mass = joint.sum(axis=0)
    keep = mass > 1e-12
    mass = mass[keep]
    nu = (joint[:, keep].T @ values) / mass[:, None]
    K, m = nu.shape
    A, b = [], []
    for k in range(K):
        for j in [None] + [j for j in range(K) if j != k]:
            row = np.zeros(K * m + K)  # nu_k . x_j - p_j - (nu_k . x_k - p_k) <= 0
            row[k * m:(k + 1) * m] -= nu[k]
            row[K * m + k] += 1.0
            if j is not None:
                row[j * m:(j + 1) * m] += nu[k]
                row[K * m + j] -= 1.0
            A.append(row)
            b.append(0.0)
        row = np.zeros(K * m + K)
        row[k * m:(k + 1) * m] = 1.0
        A.append(row)
        b.append(1.0)
    c = np.concatenate([np.zeros(K * m), -mass])
    res = linprog(c, A_ub=np.array(A), b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0
    return -res.fun


def _independent_designs(dist, count, seed):
    rng = np.random.default_rng(seed)
    f = dist.probabilities
    out = [_menu_value(dist.values, f[:, None] * rng.dirichlet(np.full(3, 0.4), size=3)) for _ in range(count)]
    # the paper's design: (10,5) alone, (6,5) and (0,3) pooled
    out.append(_menu_value(dist.values, np.array([[0.2, 0.0], [0.0, 0.4], [0.0, 0.4]])))
    return out


def test_cutoff_under_a_node_budget_gives_a_valid_repeatable_bound():
    d = clw_example1()
    runs = [_cutoff_proof(d, 5.0, 1e-5, 150, None) for _ in range(2)]
    value, upper, stats, cands = runs[0]
    assert runs[1][1] == upper and runs[1][2] == stats  # node counts only: repeatable
    assert stats["solver_nodes"] <= 150 and stats["solves"] == 1
    designs = _independent_designs(d, 12, seed=5)
    assert max(designs) == pytest.approx(5.0, abs=1e-7)  # the paper's value, by linprog
    assert upper >= max(designs) * (1 + 1e-5) - 1e-12  # never below a design's revenue
    assert stats["cutoff_status"] == "nodelimit"  # 150 nodes do not prove it
    assert upper >= stats["cutoff"] == pytest.approx(5.00005)


def test_a_cutoff_above_opt_wel_is_infeasible_at_once():
    d = clw_example1()
    value, upper, stats, cands = _cutoff_proof(d, 5.0, 0.18, 200, None)
    assert 5.0 * 1.18 > OPT_WEL
    assert stats["cutoff_status"] == "infeasible" and not cands and value == 5.0
    assert upper == pytest.approx(5.9)


def test_a_low_start_finds_a_better_design_and_raises_the_cutoff():
    # start from 4 (below the paper's 5): SCIP finds designs above the cutoff; each decoded
    # design rebuilt by the exact LPs verifies, and the bound is above all of them
    d = clw_example1()
    value, upper, stats, cands = _cutoff_proof(d, 4.0, 1e-5, 400, None)
    assert cands and value > 4.0 and stats["solves"] >= 1
    best = max(c.revenue for dec in cands for c in _polish_lottery(d, *dec))
    assert best >= 4.0
    assert best <= upper + 1e-9  # the bound holds for the designs found
    assert upper >= max(_independent_designs(d, 4, seed=2))  # and for the paper's 5


def test_cutoff_is_a_formulation_and_two_profiles_still_use_the_enumeration():
    j = optimal_design(clw_example2(), formulation="cutoff")
    assert j.method == "enumeration" and j.proven_optimal
    assert j.revenue == pytest.approx(12.25)  # CLW Example 2 / A.6: the lottery design


@pytest.mark.slow  # the whole proof: about 33,000 SCIP nodes, 35 s on the 2-core VM
def test_cutoff_proves_clw_example1():
    d = clw_example1()
    j = optimal_design(d, formulation="cutoff", node_limit=None)
    assert j.proven_optimal and j.params["cutoff_status"] == "infeasible"
    assert j.revenue == pytest.approx(5.0, abs=1e-7)  # CLW Example 1: pricing is optimal
    assert j.upper_bound <= 5.0 * (1 + 1e-5) + 1e-9
    assert j.verify().ok
    assert max(_independent_designs(d, 12, seed=7)) <= j.upper_bound
