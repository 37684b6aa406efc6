"""Linear (Mussa-Rosen) valuations, HS Appendix C.1: virtual values and ironing against
hand-derived closed forms, Proposition 6 against the general menu LP, the Appendix C example
(non-improvable exactly on (0, 0.5)), Corollaries 2 and 3, Definition 2."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infopricing.screening import optimal_mechanism
from infopricing.segmentation.linear import (LinearEnvironment, perturbation, plot_hs_figure6,
                                             plot_revenue_curve)


def appc(hi=1.0):
    return LinearEnvironment([1.0, 2.0], (0.0, hi), lambda a: a * a / 2, marginal_cost=lambda a: a)


@pytest.mark.parametrize("q", [0.05, 0.2, 0.35, 0.45])
def test_appendix_c_closed_form_below_half(q):
    """HS Appendix C example, q < 1/2: the revenue curve is concave, phi(t1) = (1 - 2q)/(1 - q),
    phi(t2) = 2, a(t1) = phi(t1), a(t2) = 1, CS(t2) = a(t1) (Proposition 6), and the market is
    inefficient but not Pareto improvable (phi equals min Phi = C'(a) at an interior quality)."""
    env = appc()
    M = env.optimal_mechanism([1 - q, q])
    phi1 = (1 - 2 * q) / (1 - q)
    assert M.virtual_values == pytest.approx([phi1, 2.0], abs=1e-9)
    assert M.allocation == pytest.approx([phi1, 1.0], abs=1e-7)
    assert M.consumer_surplus == pytest.approx([0.0, phi1], abs=1e-7)
    assert M.verify().ok
    r = env.pareto_improvement([1 - q, q])
    assert r.improvable is False and "Corollary 2" in r.reason


@pytest.mark.parametrize("q", [0.5, 0.6, 0.8, 0.95])
def test_appendix_c_improvable_from_half(q):
    """HS Appendix C: for q >= 1/2, t1 is excluded (phi(t1) <= 0), so lowering its virtual value
    keeps the allocation and the Proposition 5 segmentation is Pareto improving."""
    env = appc()
    M = env.optimal_mechanism([1 - q, q])
    assert M.allocation[0] == 0.0 and M.consumer_surplus[1] == 0.0
    r = env.pareto_improvement([1 - q, q])
    assert r.improvable is True
    assert r.verify().ok
    assert r.weights @ r.segments == pytest.approx([1 - q, q], abs=1e-12)
    # the dominating segment lowers the share of t2 (delta' < 0) and gives t2 surplus
    assert r.deltas[0] < 0 < r.deltas[1]
    M1 = env.optimal_mechanism(r.dominating)
    assert M1.consumer_surplus[1] > 0


def test_efficient_ends():
    env = appc()
    assert env.pareto_improvement([1.0, 0.0]).improvable is False
    assert env.pareto_improvement([0.0, 1.0]).improvable is False


def test_virtual_values_zero_mass_types():
    """Zero-mass types (HS's extension of Equation (4)). v = (1, 2, 3), f = (1/2, 0, 1/2):
    R points (1, 1), (1/2, 1), (1/2, 3/2), (0, 0); the envelope skips t2's point, so t2 takes
    the slope left of t1's point, (1 - 3/2)/(1/2) = -1, like t1; t3 gets (3/2)/(1/2) = 3.
    f = (1/2, 1/2, 0): t3 has no mass at or above it and gets the limit v = 3; t2 gets 1/(1/2) = 2,
    t1 gets 0. Equation (5): phi(t) f(t) adds up to the envelope's increments."""
    env = LinearEnvironment([1.0, 2.0, 3.0], [0.5, 1.0], [0.1, 0.3])
    assert env.virtual_values([0.5, 0.0, 0.5]) == pytest.approx([-1.0, -1.0, 3.0])
    assert env.virtual_values([0.5, 0.5, 0.0]) == pytest.approx([0.0, 2.0, 3.0])
    f = np.array([0.2, 0.5, 0.3])
    phi = env.virtual_values(f)
    Ft = env.upper_mass(f)
    RI = env.ironed_value(f, Ft)
    assert phi * f == pytest.approx(RI[:-1] - RI[1:])


def test_ironing_by_hand():
    """Envelope slopes derived by hand, v = (1, 2, 3). f = (0.1, 0.8, 0.1): R points (1, 1),
    (0.9, 1.8), (0.1, 0.3), (0, 0) are all on the concave envelope (slopes 3, 1.875, -8)."""
    env = LinearEnvironment([1.0, 2.0, 3.0], [1.0], [0.0])
    assert env.virtual_values([0.1, 0.8, 0.1]) == pytest.approx([-8.0, 1.875, 3.0])
    # f = (0.4, 0.2, 0.4): points (1, 1), (0.6, 1.2), (0.4, 1.2), (0, 0); (0.6, 1.2) is above the
    # chord from (0.4, 1.2) to (1, 1) (value 1.1333 at 0.6), so it stays: slopes 3, 0, -0.5
    assert env.virtual_values([0.4, 0.2, 0.4]) == pytest.approx([-0.5, 0.0, 3.0])
    # f = (0.45, 0.1, 0.45): points (1, 1), (0.55, 1.1), (0.45, 1.35), (0, 0): (0.55, 1.1) is
    # below the chord from (0.45, 1.35) to (1, 1) (1.2864): a non-regular market in which t1
    # and t2 are ironed together with slope (1 - 1.35)/0.55
    s = (1 - 1.35) / 0.55
    assert env.virtual_values([0.45, 0.1, 0.45]) == pytest.approx([s, s, 3.0])


def test_perturbation_definition2():
    """HS Definition 2: Ftilde is scaled by 1 + delta strictly above t and unchanged at or
    below t."""
    env = LinearEnvironment([1.0, 2.0, 3.0, 4.0], [1.0], [0.0])
    f = np.array([0.1, 0.2, 0.3, 0.4])
    g = perturbation(f, 1, 0.25)
    F, G = env.upper_mass(f), env.upper_mass(g)
    assert G[2:4] == pytest.approx(1.25 * F[2:4])
    assert G[:2] == pytest.approx(F[:2])
    assert g.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError):
        perturbation(f, 1, 0.2 / 0.7 + 0.01)
    with pytest.raises(ValueError):
        perturbation(f, 1, -1.5)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(2, 4), k=st.integers(1, 3), seed=st.integers(0, 10**6))
def test_proposition6_matches_menu_lp(n, k, seed):
    """HS Proposition 6 (virtual values) gives the optimal revenue of the general menu LP on the
    finite environment with values v(t) a and costs C(a), and an IC-IR menu."""
    rng = np.random.default_rng(seed)
    v = np.sort(rng.choice(np.arange(1, 20), size=n, replace=False)).astype(float) / 4
    q = np.sort(rng.choice(np.arange(1, 9), size=k, replace=False)).astype(float) / 4
    c = np.sort(rng.uniform(0, 1, size=k)) * q  # increasing, convex-ish, arbitrary
    env = LinearEnvironment(v, q, c)
    f = rng.dirichlet(np.ones(n))
    M = env.optimal_mechanism(f)
    assert M.verify().ok
    lp = optimal_mechanism(env.to_environment(), f)
    assert M.revenue == pytest.approx(lp.revenue, abs=1e-7)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_corollary2_matches_exact_method(seed):
    """HS Corollary 2 (virtual values) and the exact cell-LP method (item 6) give the same
    answer on finite linear environments, including threshold markets where the virtual
    value sits on a breakpoint of the quality schedule."""
    pytest.importorskip("cdd")
    from infopricing.segmentation.exact_decision import exact_pareto_improvement

    rng = np.random.default_rng(seed)
    env = LinearEnvironment([1.0, 2.0], [0.5, 1.0], [0.1, 0.4])
    # phi(t1) = (1 - 2q)/(1 - q) hits the breakpoints 0.6 and 0.2 at q = 2/7 and 4/9
    for q in [2 / 7, 4 / 9, rng.uniform(0.05, 0.95)]:
        f = np.array([1 - q, q])
        lin = env.pareto_improvement(f).improvable
        ex = exact_pareto_improvement(env.to_environment(), f).improvable
        assert lin == ex, q
    assert env.pareto_improvement([5 / 9, 4 / 9]).improvable is False


def test_corollary3_exclusion_characterisation():
    """HS Corollary 3: strictly convex differentiable cost on [0, inf) (here [0, 10], not
    binding): improvable iff some type is excluded."""
    rng = np.random.default_rng(7)
    seen = set()
    for _ in range(12):
        v = np.sort(rng.uniform(0.5, 3.0, 3))
        env = LinearEnvironment(v, (0.0, 10.0), lambda a: a * a / 2, marginal_cost=lambda a: a)
        f = rng.dirichlet(np.ones(3))
        M = env.optimal_mechanism(f)
        excluded = bool(M.allocation[0] == 0.0 and f[1:].sum() > 0)
        r = env.pareto_improvement(f)
        assert r.improvable == excluded
        if r.improvable:
            assert r.verify().ok
        seen.add(excluded)
    assert seen == {True, False}


def test_figure6_plot_and_bad_inputs():
    fig = plot_hs_figure6(size=41)
    assert fig.axes
    fig = plot_revenue_curve(LinearEnvironment([1.0, 2.0, 3.0], [1.0], [0.0]), [0.45, 0.1, 0.45])
    assert fig.axes
    with pytest.raises(ValueError):
        LinearEnvironment([2.0, 1.0], (0.0, 1.0), lambda a: a)
    with pytest.raises(ValueError):
        LinearEnvironment([1.0, 2.0], (1.0, 0.5), lambda a: a)
    with pytest.raises(ValueError):
        LinearEnvironment([1.0, 2.0], [0.5, 1.0], [0.1])
    with pytest.raises(ValueError):
        appc().optimal_mechanism([0.5, 0.6])


def test_tied_efficient_quality_is_refused():
    """HS Appendix C.1 assumes a unique efficient quality. With v = (1, 2), qualities 1 and
    3 at costs 1 and 3, type t1 nets 0 from every quality (outside option included), so
    t1 can never be served inefficiently; the Corollary 2 construction used to call the
    market (1/2, 1/2) improvable anyway (exact_pareto_improvement on the same finite
    environment: not improvable). Such an environment is now refused."""
    with pytest.raises(ValueError, match="t1's efficient quality is not unique: qualities 0, 1, 3"):
        LinearEnvironment([1.0, 2.0], [1.0, 3.0], [1.0, 3.0])
