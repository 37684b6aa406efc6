"""Scale invariance of the menu LP: values in any unit give the same menu.

The IC-IR menu LP is positively homogeneous in the values: multiplying every value by
c > 0 multiplies feasible payments, surpluses and revenue by c and leaves allocations
unchanged. So the answer for values times c must be c times the answer for the values
(independent of the solver). Before values were rescaled for the solver, HiGHS's absolute
tolerances let an IC violation of the size of the values through at 1e-9 (revenue 1.375
against 1.25 on HS section 3, with a passing verify()) and failed correct menus at 1e9.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infopricing as ip
from infopricing import tolerances as tol
from infopricing.screening import Mechanism

HS3 = np.array([[0.75, 1.0], [1.0, 2.0]])   # HS section 3: revenue 1.25 at (1/2, 1/2)


@pytest.mark.parametrize("c", [1e-9, 2.0**-30, 1e-6, 1e9, 1e11])
@pytest.mark.parametrize("method", ["full", "lazy"])
def test_hs_section3_in_any_unit(c, method):
    env = ip.Environment(HS3 * c)
    m = ip.optimal_mechanism(env, [0.5, 0.5], method=method)
    assert m.revenue / c == pytest.approx(1.25, rel=1e-9)
    # HS section 3: L at 0.75 to t1, H at 1.75 to t2
    np.testing.assert_allclose(m.allocation, [[1, 0], [0, 1]], atol=1e-9)
    np.testing.assert_allclose(m.payments / c, [0.75, 1.75], rtol=1e-9)
    assert m.verify().ok and m.verify(exact=True).ok
    u = ip.payment_rule_is_unique(env, [0.5, 0.5])
    assert u.revenue / c == pytest.approx(1.25, rel=1e-9)
    np.testing.assert_allclose(u.payment_min / c, [0.75, 1.75], rtol=1e-7)


@pytest.mark.parametrize("c", [1e-9, 1.0, 1e9])
def test_wrong_menu_fails_in_any_unit(c):
    """The menu the unscaled solver used to return at 1e-9 (H to t2 at 2: t2 gains 0.25 c
    by taking t1's item) is rejected whatever the unit."""
    env = ip.Environment(HS3 * c)
    bad = Mechanism(env=env, market=ip.Market(env, [0.5, 0.5]), allocation=[[1, 0], [0, 1]],
                    payments=np.array([0.75, 2.0]) * c)
    v = bad.verify()
    assert not v.ok and any("IC violated" in f for f in v.failures)
    assert not bad.verify(exact=True).ok


def test_value_scale_is_a_power_of_two_outside_the_plain_range():
    assert tol.value_scale(HS3) == 1.0
    assert tol.value_scale(np.zeros((2, 2))) == 1.0
    for c in (1e-9, 1e-3, 3e3, 1e9):
        s = tol.value_scale(HS3 * c)
        # a power of two, within a factor sqrt(2) of the largest value 2c
        assert np.log2(s) == int(np.log2(s))
        assert 2 ** -0.5 <= s / (2.0 * c) <= 2 ** 0.5


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 6), k=st.integers(1, 3), seed=st.integers(0, 10**6),
       exponent=st.sampled_from([-9, -6, -3, 4, 9]))
def test_revenue_scales_with_the_values(n, k, seed, exponent):
    rng = np.random.default_rng(seed)
    V = rng.uniform(-0.2, 1.0, (n, k))
    f = rng.dirichlet(np.ones(n))
    c = 10.0 ** exponent
    base = ip.optimal_mechanism(ip.Environment(V), f)
    m = ip.optimal_mechanism(ip.Environment(V * c), f)
    assert m.revenue / c == pytest.approx(base.revenue, rel=1e-7, abs=1e-9)
    assert m.verify().ok and m.verify(exact=True).ok


@pytest.mark.parametrize("c", [1e-9, 1e9])
def test_sweep_in_any_unit(c):
    """Sweep answers in units c equal c times the answers in units 1 (and the per-market
    LP's), with every certificate re-checked."""
    f2 = np.linspace(0, 1, 41)
    F = np.column_stack([1 - f2, f2])
    base = ip.sweep(ip.Environment(HS3), F)
    env = ip.Environment(HS3 * c)
    r = ip.sweep(env, F)
    assert r.verify().ok
    np.testing.assert_allclose(r.revenue / c, base.revenue, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(r.efficient, base.efficient)
    for i in (0, 17, 30, 40):
        assert r.revenue[i] == pytest.approx(ip.optimal_mechanism(env, F[i]).revenue, rel=1e-9)


@pytest.mark.parametrize("c", [1e-3, 1e5])
def test_pareto_analysis_across_plain_units(c):
    """HS section 6.1.1 (examples/hs_section611.toml) with values times c, inside the
    range the segmentation routines accept: the same verdict as in units 1, verified; HS
    section 3 at q = 3/4 still falls back to the exact procedure, which proves the market
    not improvable (the units-1 answer, tests/cli/test_hs_cli.py)."""
    from infopricing.segmentation import pareto_analysis

    V = np.array([[1.0, 0.5], [2.0, 2.5], [1.5, 3.0]])
    f = [0.5, 0.1, 0.4]
    a1 = pareto_analysis(ip.Environment(V), f)
    ac = pareto_analysis(ip.Environment(V * c), f)
    assert a1.improvement.improvable is True
    assert ac.improvement.improvable is True and ac.verify().ok
    b = pareto_analysis(ip.Environment(HS3 * c), [0.25, 0.75])
    assert b.improvement.improvable is None
    assert b.exact_improvement is not None and b.exact_improvement.improvable is False


@pytest.mark.parametrize("c", [1e-9, 1e9])
def test_segmentation_outside_plain_units_answers_in_those_units(c):
    """Outside [2^-10, 2^20] the HS constructions used to refuse (with absolute tolerances
    at 1e-9 section 6.1.1 came out "efficient, not improvable"; at 1e9 the verification
    failed); now they answer as in ordinary units (issue 19): same decision, the same
    segment weights, revenue change scaled by c, and the answer verifies exactly."""
    from infopricing.segmentation import pareto_analysis, pareto_improving_segmentation

    V = np.array([[1.0, 0.5], [2.0, 2.5], [1.5, 3.0]])
    f = [0.5, 0.1, 0.4]
    base = pareto_improving_segmentation(ip.Environment(V), f)
    for fn in (pareto_analysis, pareto_improving_segmentation):
        r = fn(ip.Environment(V * c), f)
        imp = r.improvement if fn is pareto_analysis else r
        assert imp.improvable is True and base.improvable is True
        assert np.allclose(imp.segmentation.weights, base.segmentation.weights, rtol=1e-9)
        assert imp.segmentation.revenue_change == pytest.approx(c * base.segmentation.revenue_change, rel=1e-9)
        assert r.verify().ok and r.verify(exact=True).ok


@pytest.mark.parametrize("method", ["full", "lazy"])
@pytest.mark.parametrize("V, f, want_u2, want_rev", [
    # t1 buys a1 at 1; t2 gets a2 at 2.5 (IC binds against t1's option: 3 - 2.5 = 1.5 - 1)
    ([[1, 0.5], [1.5, 3]], [1 - 1e-7, 1e-7], 0.5, (1 - 1e-7) * 1 + 1e-7 * 2.5),
    ([[0.2, 0.1], [1, 3]], [1 - 1e-8, 1e-8], 0.8, (1 - 1e-8) * 0.2 + 1e-8 * 2.2),
    # t1 values nothing: t2 pays its full value 3
    ([[0, 0], [1, 3]], [1 - 1e-7, 1e-7], 0.0, 3e-7),
])
def test_tiny_masses_get_the_optimal_menu(method, V, f, want_u2, want_rev):
    """A type of mass 1e-7 or 1e-8 still gets its optimal menu item (hand-derived: with
    a negligible mass, serving the high type efficiently costs nothing; its rent is what
    the low type's item leaves it). The full LP used to stop at a vertex 1e-7 short
    under HiGHS's default tolerances (t2 surplus 2.5, 2.9, 3), found by a user review."""
    m = ip.optimal_mechanism(ip.Environment(V), f, method=method)
    assert m.utilities[1] == pytest.approx(want_u2, abs=1e-9)
    assert m.revenue == pytest.approx(want_rev, rel=1e-12, abs=1e-15)
    assert m.verify().ok


@pytest.mark.parametrize("c", [1e-9, 1e9])
def test_solve_menu_lazy_called_directly_in_any_unit(c):
    """The public lazy solver scales like optimal_mechanism (a warm start included), and
    its full-problem check is in the same units."""
    from infopricing.screening.lazy_menu import solve_menu_lazy

    env = ip.Environment(HS3 * c)
    r = solve_menu_lazy(env, [0.5, 0.5])
    assert r.mechanism.revenue / c == pytest.approx(1.25, rel=1e-9)
    assert r.verify().ok and r.mechanism.verify(exact=True).ok
    w = solve_menu_lazy(env, [0.4, 0.6], warm_start=r.mechanism)
    base = ip.optimal_mechanism(ip.Environment(HS3), [0.4, 0.6])
    assert w.mechanism.revenue / c == pytest.approx(base.revenue, rel=1e-9)
