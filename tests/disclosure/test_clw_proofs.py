"""OPT-Rev on three profiles by SCIP on cells of the signal masses (``formulation="cells"``,
issue 18 section 2).

The full proof of CLW Example 1 takes minutes (benchmarks/README.md), so these tests run
the decomposition under small node budgets and check what must hold for any budget: the
design verifies, its revenue is at least the paper's pricing design (5: pool (6,5) with
(0,3), prices 9 and 4, CLW Example 1), and the reported upper bound is at least the value
of every design built independently here (random signals, the menu LP on posterior means
written out for scipy's ``linprog``) and at most OPT-Wel (5.6 by hand), and it is the same
in two runs.
"""

import numpy as np
import pytest
from scipy.optimize import linprog

from infopricing.disclosure.catalog import clw_example1, clw_example2
from infopricing.disclosure.lottery import CELL_NODE_LIMIT, _mass_cells, optimal_design
from infopricing.disclosure.pricing import optimal_pricing
from infopricing.lp.bilinear import global_solver_available

pytestmark = pytest.mark.skipif(not global_solver_available(), reason="needs pyscipopt")


def _menu_lp_value(values, joint):
    """Best lottery menu for a fixed signal (joint[t, k] = Pr[profile t, signal k]): the
    IC-IR LP on posterior means, written independently of the library, by linprog."""
    mass = joint.sum(axis=0)
    live = mass > 1e-12
    mass = mass[live]
    nu = (joint[:, live].T @ values) / mass[:, None]
    K, m = nu.shape
    nv = K * m + K  # x (K*m) then tau (K)
    c = np.zeros(nv)
    c[K * m:] = -mass
    rows, rhs = [], []
    for k in range(K):
        ir = np.zeros(nv)  # tau_k - nu_k . x_k <= 0
        ir[k * m:(k + 1) * m] = -nu[k]
        ir[K * m + k] = 1.0
        rows.append(ir)
        rhs.append(0.0)
        for j in range(K):
            if j != k:  # nu_k . x_j - tau_j <= nu_k . x_k - tau_k
                r = np.zeros(nv)
                r[j * m:(j + 1) * m] += nu[k]
                r[k * m:(k + 1) * m] -= nu[k]
                r[K * m + j] -= 1.0
                r[K * m + k] += 1.0
                rows.append(r)
                rhs.append(0.0)
        s = np.zeros(nv)
        s[k * m:(k + 1) * m] = 1.0
        rows.append(s)
        rhs.append(1.0)
    res = linprog(c, A_ub=np.array(rows), b_ub=rhs, bounds=[(0, None)] * nv, method="highs")
    assert res.status == 0
    return -res.fun


def _independent_designs(dist, count, seed):
    rng = np.random.default_rng(seed)
    f = dist.probabilities
    out = []
    for _ in range(count):
        cond = rng.dirichlet(np.full(3, 0.4), size=dist.n_profiles)  # Pr[signal | profile]
        out.append(_menu_lp_value(dist.values, f[:, None] * cond))
    # the paper's design: (10,5) alone, (6,5) and (0,3) pooled
    out.append(_menu_lp_value(dist.values, np.array([[0.2, 0.0], [0.0, 0.4], [0.0, 0.4]])))
    return out


@pytest.mark.slow  # two runs of the whole design search (pricing, heuristics, 150 SCIP nodes): 3-6 s
def test_cells_under_a_node_budget_give_a_valid_repeatable_bound():
    d = clw_example1()
    pr = optimal_pricing(d)
    runs = [optimal_design(d, pricing=pr, formulation="cells", node_limit=150) for _ in range(2)]
    j = runs[0]
    assert j.verify().ok
    assert j.revenue >= 5.0 - 1e-7  # CLW Example 1's pricing design
    assert j.params["formulation"] == "cells"
    assert j.params["cell_node_limit"] == CELL_NODE_LIMIT
    assert 0 < j.params["solver_nodes"] <= 150
    assert j.params["cells"] >= 1
    assert runs[1].upper_bound == j.upper_bound and runs[1].params["cells"] == j.params["cells"]
    designs = _independent_designs(d, 12, seed=3)
    assert max(designs) == pytest.approx(5.0, abs=1e-7)  # the paper's value, by linprog
    assert max(designs) <= j.upper_bound + 1e-9
    assert j.upper_bound <= 0.2 * 10 + 0.4 * 6 + 0.4 * 3 + 1e-9  # OPT-Wel = 5.6


def test_a_cell_below_the_cutoff_is_infeasible_and_counts_as_closed():
    # masses fixed at the paper's design (0.8 pooled, 0.2 alone, 0 unused): SCIP proves in
    # one cell that nothing there reaches 5.01
    d = clw_example1()
    from infopricing.disclosure.lottery import _global_lottery

    lo = hi = np.array([0.8, 0.2, 0.0])
    res, _ = _global_lottery(d, 3, None, None, 1e-9, mass_bounds=(lo, hi), cutoff=5.01, node_limit=2000)
    assert res.message == "infeasible"
    # and a cutoff below the paper's value is reached there (the design is in the cell)
    res, decode = _global_lottery(d, 3, None, None, 1e-9, mass_bounds=(lo, hi), cutoff=4.99, node_limit=2000)
    assert res.objective >= 4.99


def test_mass_cells_returns_the_cutoff_when_every_cell_closes():
    # a cutoff far above OPT-Rev (OPT-Wel 5.6 is at most 5.9): every cell is infeasible at
    # once, the bound is the cutoff itself
    d = clw_example1()
    value, upper, stats, cands = _mass_cells(d, 5.0, 0.18, None, 50, None)
    assert value == 5.0 and not cands
    assert upper == pytest.approx(5.9)
    assert stats["cells"] == stats["cells_closed"] >= 1 and stats["open_bound"] is None


def test_cells_need_three_profiles():
    with pytest.raises(ValueError, match="3 profiles"):
        optimal_design(clw_example2(), formulation="cells")
    with pytest.raises(ValueError, match="formulation"):
        optimal_design(clw_example1(), formulation="grid")
