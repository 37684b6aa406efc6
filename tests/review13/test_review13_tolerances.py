"""review13: public functions that took a tolerance without checking it (fixed: each now
calls model._validate.check_tolerance). Before the fix a negative or NaN ``atol`` gave a
wrong answer silently, or a numpy error that did not name the argument."""
import math

import numpy as np
import pytest

import infopricing as ip
from infopricing.disclosure.exchangeable import best_deterministic_horizontal_pricing
from infopricing.information.monopoly import optimal_prices
from infopricing.information.persuasion import concavified_value
from infopricing.screening.optimal import payment_rule_is_unique

D = ip.ValueDistribution([[4, 3.5], [1, 2], [2, 0]], [0.4, 0.3, 0.3])
G = ip.PricingGame([[2, 2], [2, 2]], [[0, 1], [1, 0]], [0.5, 0.5])
ENV = ip.Environment([[1, 2], [2, 3]])

CALLS = {
    "evaluate_design": lambda a: ip.evaluate_design(D, [[1], [1], [1]], [2.5, 2.0], atol=a),
    "is_exchangeable": lambda a: ip.is_exchangeable(D, atol=a),
    "best_deterministic_horizontal_pricing": lambda a: best_deterministic_horizontal_pricing(D, atol=a),
    "is_homogeneous": lambda a: ip.is_homogeneous(G, atol=a),
    "has_common_knowledge_of_gains": lambda a: ip.competition.has_common_knowledge_of_gains(G, atol=a),
    "optimal_prices": lambda a: optimal_prices([1, 2, 3], [0.3, 0.3, 0.4], atol=a),
    "payment_rule_is_unique": lambda a: payment_rule_is_unique(ENV, [0.5, 0.5], atol=a),
    "solve_menu_lazy(dual_tol)": lambda a: ip.solve_menu_lazy(ENV, [0.5, 0.5], dual_tol=a),
    "solve_menu_lazy(cut)": lambda a: ip.solve_menu_lazy(ENV, [0.5, 0.5], cut=a),
    "concavified_value": lambda a: concavified_value([0.5, 0.5], [[1, 0], [0, 1]], [[1, 0], [1, 0]], atol=a),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("bad, error", [(-1.0, ValueError), (math.nan, ValueError), ("x", TypeError)])
def test_bad_atol_is_refused_naming_it(name, bad, error):
    arg = name.partition("(")[2].rstrip(")") or "atol"
    with pytest.raises(error, match=arg):        # solve_menu_lazy: a SolverError before
        CALLS[name](bad)


def test_the_wrong_answers_the_unchecked_tolerances_gave():
    """No information gives the posterior (2.5, 2); at prices (2.5, 2) every item leaves
    surplus 0 and the documented tie rule (buying beats the outside option, highest price)
    sells A: revenue 2.5. With atol = -1e-3 it had reported revenue 0 (no sale) and
    verify() passed. D is not exchangeable (profile (4, 3.5) has no mirror (3.5, 4));
    atol = NaN had made is_exchangeable say True."""
    e = ip.evaluate_design(D, [[1], [1], [1]], [2.5, 2.0])
    assert e.revenue == pytest.approx(2.5) and e.choice.tolist() == [0]
    assert ip.is_exchangeable(D) is False
    idx, profit = optimal_prices([1, 2, 3], [0.3, 0.3, 0.4])   # 1, 1.4, 1.2: price 2
    assert idx.tolist() == [1] and profit == pytest.approx(1.4)
    assert np.isfinite(best_deterministic_horizontal_pricing(D).revenue)


@pytest.mark.parametrize("build", [
    lambda: ip.Environment(None),
    lambda: ip.Market(ENV, None),
    lambda: ip.ValueDistribution([[1, 2]], None),
    lambda: ip.PricingGame([[1, 2]], None, [1.0]),
    lambda: ip.Menu(None, [1.0]),
])
def test_none_for_an_array_is_a_type_error_not_a_nan(build):
    """Defect (fixed, model/_validate.real_array): None became NaN in np.array(None,
    dtype=float), so passing None said "must contain finite numbers (no NaN or inf)" or
    "must be 1-dimensional, got shape ()" (ValueError) instead of a TypeError saying None."""
    with pytest.raises(TypeError, match="got None"):
        build()
