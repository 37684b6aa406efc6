"""Independent checks of the HS rows of issue 17 item 9: Corollary 4, Proposition 5 /
Corollary 2 with finitely many qualities, Figure 7, Lemma 5 and the path of Figure 4.

Nothing here uses the library's virtual values: the non-improvable markets come from the
closed form phi(t1) = (v1 - q v2) / (1 - q) (two types are never ironed) set equal to the
smallest virtual value supporting a quality, computed by brute force; Figure 7 from a
discretised menu LP; Lemma 5's uniqueness from scipy.optimize.linprog (own formulation,
min and max of every variable on the optimal face); Figure 4 from the paper's own prices.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import linprog

from infopricing.catalog import hs_appendix_c, hs_corollary4_piecewise_linear, hs_section611
from infopricing.catalog.hs import COROLLARY4_KINKS, COROLLARY4_SLOPES
from infopricing.claims import hs as hs_claims
from infopricing.claims.registry import all_claims, check_claim
from infopricing.model import Environment
from infopricing.screening import optimal_mechanism
from infopricing.segmentation.two_type import two_type_profile

CLAIMS = {c.id: c for c in all_claims("HS")}


def _nonimprovable_closed_form(v, qual, cost):
    """Two types, finite qualities (outside option 0 included): the shares q where t1's
    virtual value (v1 - q v2)/(1 - q) equals min Phi of a quality a_j that is then the largest
    virtual-surplus maximiser and is inefficient for t1 (HS Corollary 2's boundary)."""
    a = [Fraction(0)] + [Fraction(x).limit_denominator(10**6) for x in qual]
    c = [Fraction(0)] + [Fraction(x).limit_denominator(10**6) for x in cost]
    v1, v2 = (Fraction(x).limit_denominator(10**6) for x in v)
    eff1 = max(range(len(a)), key=lambda j: v1 * a[j] - c[j])
    out = []
    for j in range(1, len(a)):
        s = max((c[j] - c[i]) / (a[j] - a[i]) for i in range(j))  # min Phi(a_j), brute force
        vals = [s * a[i] - c[i] for i in range(len(a))]
        best = max(vals)
        if max(i for i in range(len(a)) if vals[i] == best) != j or a[j] == a[eff1]:
            continue
        if s >= v1:
            continue
        q = (v1 - s) / (v2 - s)
        if 0 < q < 1:
            out.append(q)
    return sorted(out)


def test_corollary4_row_passes_and_matches_closed_form():
    rec = check_claim(CLAIMS["HS-C-corollary4-piecewise-linear"])
    assert rec.status == "pass", rec
    # closed form: only the first slope s1 = 0.4 supports an inefficient quality (0.5) for t1
    assert _nonimprovable_closed_form((1.5, 2.5), COROLLARY4_KINKS,
                                      hs_corollary4_piecewise_linear().costs[1:]) == [Fraction(11, 21)]
    assert Fraction(11, 21) == (Fraction(3, 2) - Fraction(2, 5)) / (Fraction(5, 2) - Fraction(2, 5))


@pytest.mark.parametrize("q", [0.2, 0.45, 0.7])
def test_corollary4_kinks_carry_the_piecewise_linear_interval(q):
    """The reduction to the kinks: a menu LP over 151 qualities in [0, 1.5] with the
    piecewise-linear cost earns what the kink-only environment earns."""
    grid = np.linspace(0, 1.5, 151)[1:]
    kinks = np.r_[0.0, COROLLARY4_KINKS]
    costs = np.r_[0.0, np.cumsum(np.array(COROLLARY4_SLOPES) * np.diff(kinks))]
    C = np.interp(grid, kinks, costs)
    fine = Environment(np.outer([1.5, 2.5], grid), costs=C)
    coarse = hs_corollary4_piecewise_linear().to_environment()
    f = [1 - q, q]
    assert optimal_mechanism(fine, f).revenue == pytest.approx(optimal_mechanism(coarse, f).revenue, abs=1e-9)


def test_corollary4_three_type_segmentations_verified_by_menu_lp():
    """Two of the row's random three-type markets: the returned segmentation averages to f
    and every segment's menu LP optimum gives each type at least its old surplus (someone
    strictly more); surplus read from the finite environment's menu LP, not virtual values."""
    env = hs_corollary4_piecewise_linear((1.2, 1.9, 2.6))
    E = env.to_environment()
    rng = np.random.default_rng(17)
    checked = 0
    for _ in range(20):
        f = rng.dirichlet(np.ones(3))
        m0 = optimal_mechanism(E, f)
        if m0.is_efficient:
            continue
        r = env.pareto_improvement(f)
        assert r.improvable is True
        w, segs = r.weights, r.segments
        np.testing.assert_allclose(w[0] * np.asarray(segs[0]) + w[1] * np.asarray(segs[1]), f, atol=1e-12)
        gain = False
        for g in segs:
            u = optimal_mechanism(E, g).utilities
            sup = np.asarray(g) > 0
            assert np.all(u[sup] >= m0.utilities[sup] - 1e-9)
            gain |= bool(np.any(u[sup] > m0.utilities[sup] + 1e-9))
        assert gain
        checked += 1
        if checked == 2:
            break
    assert checked == 2


def test_proposition5_row_passes_and_profiles_match_closed_form():
    rec = check_claim(CLAIMS["HS-C-proposition5-finite-qualities"])
    assert rec.status == "pass", rec
    found = 0
    for k, s in hs_claims._PROP5_ENVS:
        env = hs_claims.random_finite_linear_environment(k, s)
        prof = two_type_profile(env.to_environment())
        expect = _nonimprovable_closed_form(env.values, env.qualities[1:], env.costs[1:])
        assert [Fraction(q) for q in prof.non_improvable] == expect, (k, s)
        found += len(expect)
    assert found > 0


def test_figure7_frontier_against_discretised_menu_lp():
    """Menu LP over 201 qualities in [0, 1] with cost a^2/2: the optimal revenue at each q
    matches the frontier point (1 - q)(a - a^2/2) + q(1.5 - a), a = (1 - 2q)/(1 - q), to
    the grid's accuracy, and the row's data agree with the closed form."""
    rec = check_claim(CLAIMS["HS-C-figure7-payment-set"])
    assert rec.status == "pass", rec
    grid = np.linspace(0, 1, 201)[1:]
    E = Environment(np.outer([1.0, 2.0], grid), costs=grid ** 2 / 2)
    for q in (0.1, 0.25, 0.4):
        a = (1 - 2 * q) / (1 - q)
        closed = (1 - q) * (a - a * a / 2) + q * (1.5 - a)
        assert optimal_mechanism(E, [1 - q, q]).revenue == pytest.approx(closed, abs=2e-5)
    for q, a, p1, p2 in hs_claims.figure7_frontier([0.1, 0.3]):
        assert a == pytest.approx((1 - 2 * q) / (1 - q), abs=1e-7)
        assert p1 == pytest.approx(a - a * a / 2, abs=1e-9) and p2 == pytest.approx(1.5 - a, abs=1e-9)
    assert hs_appendix_c().n_types == 2


def _unique_optimum_linprog(V, f):
    """Menu LP of an environment with zero costs, solved with scipy (own formulation); then
    every allocation and payment variable minimised and maximised on the optimal face.
    Returns (allocation, payments, largest spread)."""
    n, k = V.shape
    nv = n * k + n
    xi = lambda t, a: t * k + a  # noqa: E731
    pi = lambda t: n * k + t  # noqa: E731
    A, b = [], []
    for s in range(n):
        row = np.zeros(nv)  # IR: -(v_s . x_s - p_s) <= 0
        row[[xi(s, a) for a in range(k)]] = -V[s]
        row[pi(s)] = 1
        A.append(row); b.append(0)
        row = np.zeros(nv)
        row[[xi(s, a) for a in range(k)]] = 1
        A.append(row); b.append(1)
        for t in range(n):
            if t != s:  # v_s . x_t - p_t - (v_s . x_s - p_s) <= 0
                row = np.zeros(nv)
                row[[xi(t, a) for a in range(k)]] += V[s]
                row[pi(t)] -= 1
                row[[xi(s, a) for a in range(k)]] -= V[s]
                row[pi(s)] += 1
                A.append(row); b.append(0)
    A, b = np.array(A), np.array(b, float)
    c = np.zeros(nv)
    c[n * k:] = -np.asarray(f, float)
    bounds = [(0, None)] * (n * k) + [(None, None)] * n
    r = linprog(c, A_ub=A, b_ub=b, bounds=bounds, method="highs")
    assert r.status == 0
    A2, b2 = np.vstack([A, c]), np.r_[b, r.fun + 1e-9]
    spread = 0.0
    for j in range(nv):
        e = np.zeros(nv)
        e[j] = 1
        lo = linprog(e, A_ub=A2, b_ub=b2, bounds=bounds, method="highs")
        hi = linprog(-e, A_ub=A2, b_ub=b2, bounds=bounds, method="highs")
        spread = max(spread, hi.x[j] - lo.x[j] if f[j // k if j < n * k else j - n * k] > 0 else 0.0)
    return r.x[:n * k].reshape(n, k), r.x[n * k:], spread


def test_lemma5_market_has_unique_optimum_by_linprog():
    """Section 6.1.1's Lemma 5 market f' = (3/4, 3/16, 1/16) (chain t3 -> t2 -> t1): the only
    optimal menu gives a1 to t1 at 1 and a2 to t2 and t3 at 1.5 = v(t2,a2) - v(t2,a1) + 1."""
    rec = check_claim(CLAIMS["HS-A.2-lemma5-unique-optimum"])
    assert rec.status == "pass", rec
    from infopricing.segmentation.pareto import pareto_dominating_market

    D = pareto_dominating_market(hs_section611(), hs_claims.MARKET_611)
    f = [float(x) for x in D.exact_probabilities]
    assert D.exact_probabilities == (Fraction(3, 4), Fraction(3, 16), Fraction(1, 16))
    X, p, spread = _unique_optimum_linprog(hs_section611().values, f)
    assert spread < 1e-6
    np.testing.assert_allclose(X, [[1, 0], [0, 1], [0, 1]], atol=1e-7)
    np.testing.assert_allclose(p, [1.0, 1.5, 1.5], atol=1e-7)


def test_figure4_path_from_the_papers_prices():
    """Figure 3(b)'s prices p(a1) = v(t1,a1) = 1 and p(a2) = v(t3,a2) - v(t3,a1) + v(t1,a1) =
    2.5: the binding constraints, the path t2 -> t1 (BFS over binding ICs to a zero-surplus
    type) and t3 as the type who strictly prefers t2's efficient item at t2's surplus."""
    rec = check_claim(CLAIMS["HS-6.1.2-figure4-path"])
    assert rec.status == "pass", rec
    V = hs_section611().values
    price = {0: V[0, 0], 1: V[2, 1] - V[2, 0] + V[0, 0]}
    net = V - [price[0], price[1]]
    assert net[0, 0] == 0 and net[1, 0] > net[1, 1] and net[2, 0] == net[2, 1] > 0
    choice = [0, 0, 1]  # t1 and t2 buy a1; t3 is indifferent and buys a2 (the paper's text)
    U = np.array([[V[s, choice[t]] - price[choice[t]] for t in range(3)] for s in range(3)])
    own = np.diag(U)
    binding = {(s, t) for s in range(3) for t in range(3) if s != t and abs(U[s, t] - own[s]) < 1e-12}
    assert binding == {(0, 1), (1, 0), (2, 0), (2, 1)} and abs(own[0]) < 1e-12
    # BFS from t2 along binding ICs to a zero-surplus type
    frontier, seen = [[1]], {1}
    while frontier:
        path = frontier.pop(0)
        if abs(own[path[-1]]) < 1e-12:
            break
        for (s, t) in sorted(binding):
            if s == path[-1] and t not in seen:
                seen.add(t)
                frontier.append(path + [t])
    assert path == [1, 0]
    p_new = V[1, 1] - own[1]           # t2's efficient item a2 at the price keeping t2's surplus
    gains = [V[s, 1] - p_new - own[s] for s in range(3) if s not in path]
    assert gains[0] > 0 and p_new == pytest.approx(1.5)


def test_corollary2_three_types_by_exact_decision_and_hand():
    """The exact decision procedure (cells LP with a dual certificate, no virtual values)
    agrees: the constructed market is not Pareto improvable, its generic neighbour is. The
    virtual values by hand: t1's is the slope from (1, 1.2) to (8/15, 1.9 * 8/15), t2's from
    there to (1/15, 2.6/15)."""
    from infopricing.segmentation.pareto import pareto_improving_segmentation

    rec = check_claim(CLAIMS["HS-C-corollary2-three-types"])
    assert rec.status == "pass", rec
    v = [Fraction(12, 10), Fraction(19, 10), Fraction(26, 10)]
    F = [Fraction(1), Fraction(8, 15), Fraction(1, 15), Fraction(0)]
    R = [v[i] * F[i] for i in range(3)] + [Fraction(0)]
    slopes = [(R[i] - R[i + 1]) / (F[i] - F[i + 1]) for i in range(3)]
    assert slopes == [Fraction(2, 5), Fraction(9, 5), Fraction(13, 5)]  # decreasing: no ironing
    vv, f, g = hs_claims.COR2_THREE_TYPES
    E = hs_corollary4_piecewise_linear(vv).to_environment()
    assert pareto_improving_segmentation(E, [float(x) for x in f], method="exact").improvable is False
    assert pareto_improving_segmentation(E, list(g), method="exact").improvable is True


def test_lemma7_against_discretised_menu_lp():
    """Appendix C example, q = 0.25 and its (t1, -1/2)-perturbation q' = 0.125: t2's surplus is
    t1's quality (1 - 2q)/(1 - q), 2/3 before and 6/7 after; the menu LP over 201 qualities
    agrees to the grid's accuracy."""
    from infopricing.segmentation.linear import perturbation

    rec = check_claim(CLAIMS["HS-C-lemma7-perturbation-dominates"])
    assert rec.status == "pass", rec
    grid = np.linspace(0, 1, 201)[1:]
    E = Environment(np.outer([1.0, 2.0], grid), costs=grid ** 2 / 2)
    f = np.array([0.75, 0.25])
    f1 = perturbation(f, 0, -0.5)
    np.testing.assert_allclose(f1, [0.875, 0.125])
    u0, u1 = optimal_mechanism(E, f).utilities, optimal_mechanism(E, f1).utilities
    assert u0[1] == pytest.approx(2 / 3, abs=5e-3) and u1[1] == pytest.approx(6 / 7, abs=5e-3)
    assert u0[0] == pytest.approx(0, abs=1e-9) and u1[0] == pytest.approx(0, abs=1e-9)
