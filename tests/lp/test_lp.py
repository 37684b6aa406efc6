"""The solver layer: statuses, duals, warm re-solves and the exact basis re-solve."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp

from infopricing.lp import LinearProgram, Status, exact_basic_solution, solve_lp


def test_small_lp_primal_dual_and_exact_vertex():
    # max x + y s.t. x + 2y <= 4, 3x + y <= 6: optimum (8/5, 6/5), value 14/5;
    # duals solve y1 + 3 y2 = 1, 2 y1 + y2 = 1: (2/5, 1/5)
    A = np.array([[1.0, 2.0], [3.0, 1.0]])
    r = solve_lp([1, 1], A, [-np.inf] * 2, [4, 6])
    assert r.status is Status.OPTIMAL
    assert r.objective == pytest.approx(2.8)
    np.testing.assert_allclose(r.row_dual, [0.4, 0.2], atol=1e-12)
    # strong duality certificate
    assert r.row_dual @ np.array([4, 6]) == pytest.approx(r.objective)
    x = exact_basic_solution(sp.csr_matrix(A), [0, 0], [np.inf] * 2, [-np.inf] * 2, [4, 6],
                             r.col_basis, r.row_basis)
    assert x == [Fraction(8, 5), Fraction(6, 5)]


def test_statuses_infeasible_and_unbounded():
    r = solve_lp([1.0], np.array([[1.0]]), [2.0], [1.0])
    assert r.status in (Status.INFEASIBLE, Status.INFEASIBLE_OR_UNBOUNDED)
    r = solve_lp([1.0], np.array([[1.0]]), [0.0], [np.inf])
    assert r.status in (Status.UNBOUNDED, Status.INFEASIBLE_OR_UNBOUNDED)
    assert not r.ok


def test_warm_resolve_after_objective_change_and_added_rows():
    lp = LinearProgram([1.0, 1.0], np.array([[1.0, 1.0]]), [-np.inf], [1.0], sense="max")
    assert lp.solve().objective == pytest.approx(1.0)
    lp.set_objective([1.0, 0.0], "min")
    assert lp.solve().objective == pytest.approx(0.0)
    lp.set_objective([1.0, 2.0], "max")
    lp.add_rows(sp.csr_matrix([[0.0, 1.0]]), [-np.inf], [0.25])
    r = lp.solve()
    assert r.objective == pytest.approx(0.75 + 0.5)
    assert lp.num_rows == 2


def test_delete_slack_rows_keeps_the_warm_basis():
    """max x + y, x <= 1, y <= 2, x + y <= 10 (slack at the optimum (1, 2)). Deleting the
    slack row keeps the same vertex and basis: the re-solve needs no iteration. Deleting
    a binding row changes the answer (y <= 2 gone: y is then capped by x + y <= 10 only
    if that row is still there)."""
    A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    lp = LinearProgram([1.0, 1.0], A, [-np.inf] * 3, [1.0, 2.0, 10.0], sense="max")
    r = lp.solve()
    assert r.objective == pytest.approx(3.0) and r.row_basis[2] == 0  # slack row is basic
    lp.delete_rows([2])
    assert lp.num_rows == 2
    r2 = lp.solve()
    assert r2.objective == pytest.approx(3.0) and r2.iterations == 0
    lp.add_rows(sp.csr_matrix([[1.0, 1.0]]), [-np.inf], [2.5])
    assert lp.solve().objective == pytest.approx(2.5)
    with pytest.raises(IndexError):
        lp.delete_rows([7])
