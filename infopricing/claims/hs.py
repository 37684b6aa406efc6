"""HS claims: Pareto-improving segmentation (sections 3, 5, 6.1.1, 6.2; Appendix B.1.1).

Every value is recomputed with :mod:`infopricing.segmentation` (menu LPs, exact
constructions, exact verification). Section 3's example: type 1 values (L, H) =
(0.75, 1), type 2 values (1, 2); single product: values 1 and 2; q = share of type 2.
Appendix C's claims (linear valuations) are registered at the end of this module, in their
own section.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .registry import Claim, register


def _env_two_alt():
    from ..catalog import hs_section3

    return hs_section3()


def _env_single():
    from ..catalog import hs_section3_single_product

    return hs_section3_single_product()


def _env_611():
    """Section 6.1.1 (Figure 3(a) is not in the text): t1 = (1, 0.5) is the lowest type and
    prefers a1; t2 = (2, 2.5) and t3 = (1.5, 3) prefer a2; t2's premium for a2 over a1
    (0.5) is below t3's (1.5), so t2 picks a1 at the screening prices of Figure 3(b)."""
    from ..catalog import hs_section611

    return hs_section611()


MARKET_611 = (0.5, 0.1, 0.4)


# --------------------------------------------------------------------------------------
# Section 3, single product
# --------------------------------------------------------------------------------------
def _single_product_split():
    """(efficient, Pareto improvable) at type-2 shares below and above 1/2."""
    from ..screening import optimal_mechanism
    from ..segmentation.pareto import single_product_pareto_segmentation

    env = _env_single()
    out = []
    for q in (0.1, 0.3, 0.45, 0.55, 0.75, 0.9):
        m = optimal_mechanism(env, [1 - q, q])
        r = single_product_pareto_segmentation(env, [1 - q, q])
        if r.segmentation is not None and not r.verify(exact=True).ok:
            raise RuntimeError(f"segmentation at q={q} does not verify")
        out.append((bool(m.is_efficient), r.improvable is True))
    return out


register(Claim(
    id="HS-3-single-product-improvable",
    paper="HS", location="Section 3 (single product) and footnote 3",
    statement="With values 1 and 2, markets with a type-2 majority are inefficient and Pareto "
              "improvable; markets with a type-1 majority are efficient and not improvable "
              "(checked at q = 0.1, 0.3, 0.45, 0.55, 0.75, 0.9: (efficient, improvable))",
    paper_value=[(True, False)] * 3 + [(False, True)] * 3,
    compute=_single_product_split, tol=0.0))


def _section3_segmentation():
    """The paper's segmentation of the quarter-type-1 market: all type 1 plus a little type 2
    (price 1) and the rest of type 2 (price 2): Pareto improving, revenue strictly up."""
    from ..model import Market
    from ..segmentation import Segmentation

    env = _env_single()
    f = Market(env, [0.25, 0.75])
    # first segment: all type 1 and 1/16 of the consumers as type 2: (4/5, 1/5), weight 5/16
    seg = Segmentation(f, [5 / 16, 11 / 16], [[0.8, 0.2], [0.0, 1.0]],
                       exact_weights=[Fraction(5, 16), Fraction(11, 16)],
                       exact_markets=[[Fraction(4, 5), Fraction(1, 5)], [0, 1]])
    ok = seg.verify(exact=True).ok
    return [seg.mechanisms[0].prices[1], seg.mechanisms[1].prices[1],
            bool(ok and seg.is_pareto_improving and seg.revenue_change > 0)]


register(Claim(
    id="HS-3-single-product-segmentation",
    paper="HS", location="Section 3 (single product)",
    statement="Quarter type 1: segment into {all type 1 + a small mass of type 2} and {the rest "
              "of type 2}: prices 1 and 2; Pareto improving and the seller's profit rises",
    paper_value=[1.0, 2.0, True], compute=_section3_segmentation, tol=1e-9))


# --------------------------------------------------------------------------------------
# Section 3, two alternatives / Figure 1(a) / Figure 2
# --------------------------------------------------------------------------------------
def _non_improvable_two_alt():
    from ..segmentation.two_type import two_type_profile

    p = two_type_profile(_env_two_alt())
    if not p.verify().ok:
        raise RuntimeError("two-type profile does not verify against the LP")
    return [float(q) for q in p.non_improvable]


register(Claim(
    id="HS-3-two-alt-only-075-not-improvable",
    paper="HS", location="Section 3; Section 5, Figure 1(a)",
    statement="Market q = 0.75 is the only inefficient market that is not Pareto improvable",
    paper_value=[0.75], compute=_non_improvable_two_alt, tol=1e-12))


def _theorem_on_grid():
    """Theorem 1 segmentation exists (and verifies exactly) at every inefficient grid market
    except q = 3/4, where Theorem 1 does not apply (multiple optimal payment rules)."""
    from ..segmentation.pareto import pareto_improving_segmentation

    env = _env_two_alt()
    res = []
    for q in (Fraction(3, 10), Fraction(1, 2), Fraction(7, 10), Fraction(3, 4), Fraction(4, 5),
              Fraction(19, 20)):
        r = pareto_improving_segmentation(env, [float(1 - q), float(q)])
        if r.segmentation is not None and not r.verify(exact=True).ok:
            raise RuntimeError(f"Theorem 1 segmentation at q={q} does not verify exactly")
        res.append(r.improvable)
    return res


register(Claim(
    id="HS-3-two-alt-other-inefficient-improvable",
    paper="HS", location="Section 3; Theorem 1",
    statement="Every other inefficient market (1/4 < q < 1, q != 3/4) is Pareto improvable "
              "(two-segment Theorem 1 segmentation at q = 0.3, 0.5, 0.7, 0.8, 0.95, verified "
              "exactly); at q = 3/4 Theorem 1 does not apply (None)",
    paper_value=[True, True, True, None, True, True], compute=_theorem_on_grid,
    compare=lambda e, c: list(e) == list(c)))


def _avg_cs_falls():
    """At q = 3/4 every non-trivial segmentation lowers average consumer surplus: the
    concavification of CS(q) = q * alpha(q) at 3/4 is attained only by the trivial
    segmentation. Checked on two-point splits q' < 3/4 < q'' (any segmentation is a
    combination of such splits around 3/4) over a grid, with CS from the menu LP."""
    from ..screening import optimal_mechanism

    env = _env_two_alt()

    def cs(q):
        m = optimal_mechanism(env, [1 - q, q])
        return float(m.expected_consumer_surplus)

    c0 = cs(0.75)
    lows = [i / 40 for i in range(0, 30)]  # q' in [0, 0.75)
    highs = [0.75 + i / 40 for i in range(1, 11)]  # q'' in (0.75, 1]
    cl = {q: cs(q) for q in lows}
    ch = {q: cs(q) for q in highs}
    best = max((cl[a] * (b - 0.75) + ch[b] * (0.75 - a)) / (b - a) for a in lows for b in highs)
    return [c0, bool(best < c0)]


register(Claim(
    id="HS-3-two-alt-075-average-cs-falls",
    paper="HS", location="Section 3 and footnote 4",
    statement="At q = 3/4 type 2's surplus is 0.25 (average CS 0.1875) and every non-trivial "
              "segmentation lowers average consumer surplus",
    paper_value=[0.1875, True], compute=_avg_cs_falls, tol=1e-9))


def _figure2_hyperplane():
    from ..segmentation.genericity import genericity_hyperplanes

    g = genericity_hyperplanes(_env_two_alt())
    through = g.on_hyperplanes([0.25, 0.75])
    return list(through[0]) if len(through) == 1 else through


register(Claim(
    id="HS-6.2-fig2-hyperplane",
    paper="HS", location="Section 6.2, Figure 2",
    statement="The inefficient non-improvable market lies on the hyperplane 3 f(t1) - f(t2) = 0 "
              "(normal b = (3, -1), found among the H(b) of payment-polytope vertex pairs)",
    paper_value=[3, -1], compute=_figure2_hyperplane, tol=0.0))


# --------------------------------------------------------------------------------------
# Section 6.1.1: a dominating market may need three types
# --------------------------------------------------------------------------------------
def _dominates(env, f_new, u_old, support_tol=0.0):
    from ..screening import optimal_mechanism

    m = optimal_mechanism(env, f_new)
    u = m.utilities
    sup = np.asarray(f_new) > support_tol
    weak = np.all(u[sup] >= u_old[sup] - 1e-9)
    return bool(weak and np.any(u[sup] > u_old[sup] + 1e-9))


def two_type_dominating_markets(env, market):
    """Markets supported on two types that Pareto dominate ``market``: checked at every
    threshold and interval midpoint of each pair's two-type profile (the surplus of the
    pair's types is constant between thresholds, HS Lemma 1)."""
    from ..model import Environment
    from ..screening import optimal_mechanism
    from ..segmentation.two_type import two_type_profile

    u0 = optimal_mechanism(env, market).utilities
    n = env.n_types
    found = []
    for i in range(n):
        for j in range(i + 1, n):
            sub = Environment(env.values[[i, j]])
            prof = two_type_profile(sub)
            qs = set(prof.thresholds)
            qs |= {(a + b) / 2 for a, b in zip(prof.thresholds, prof.thresholds[1:])}
            hi = 1 if prof.high is None else prof.high
            for q in sorted(qs):
                f = np.zeros(n)
                pair = (i, j)
                f[pair[hi]] = float(q)
                f[pair[1 - hi]] = 1 - float(q)
                if _dominates(env, f, u0):
                    found.append(f.tolist())
    return found


def _example_611():
    from ..screening import optimal_mechanism
    from ..segmentation.pareto import pareto_dominating_market

    env = _env_611()
    v = env.values
    m = optimal_mechanism(env, MARKET_611)
    props = {
        "t1 lowest": bool(np.all(v[0] < v[1]) and np.all(v[0] < v[2])),
        "t1 prefers a1, t2 and t3 prefer a2": env.efficient_alternatives == ((0,), (1,), (1,)),
        "price a1 = v(t1,a1)": abs(m.prices[0] - v[0, 0]) < 1e-9,
        "price a2 = v(t3,a2) - v(t3,a1) + v(t1,a1)": abs(m.prices[2] - (v[2, 1] - v[2, 0] + v[0, 0])) < 1e-9,
        "t2 gets a1 (inefficient)": bool(np.allclose(m.allocation[1], [1, 0])),
        "t1 surplus 0, t2 and t3 positive": bool(abs(m.utilities[0]) < 1e-9 and np.all(m.utilities[1:] > 1e-9)),
    }
    D = pareto_dominating_market(env, MARKET_611)
    three = bool(D.exists and D.confirmed and D.verify().ok
                 and sum(1 for x in D.exact_probabilities if x > 0) == 3)
    lower_a2 = bool(D.payments_star[2] < m.payments[2])
    none_two = len(two_type_dominating_markets(env, MARKET_611)) == 0
    return [all(props.values()), three, lower_a2, none_two]


register(Claim(
    id="HS-6.1.1-three-types-needed",
    paper="HS", location="Section 6.1.1, Figure 3",
    statement="Three types, two alternatives (t1 = (1, 0.5), t2 = (2, 2.5), t3 = (1.5, 3); "
              "f = (0.5, 0.1, 0.4)): the optimal menu has the Figure 3(b) prices; a market with "
              "all three types Pareto dominates f (a2 cheaper, Figure 3(c)); no two-type market does",
    paper_value=[True, True, True, True], compute=_example_611, tol=0.0, constructed=True))


# --------------------------------------------------------------------------------------
# Appendix B.1.1: simple environments (Lemma 6)
# --------------------------------------------------------------------------------------
def _env_simple():
    """Lowest type t1; best alternative a2 for every type."""
    from ..model import Environment

    return Environment([[1.0, 1.5], [2.0, 4.0], [1.5, 3.5]], types=["t1", "t2", "t3"],
                       alternatives=["a1", "a2"])


def _lemma6():
    from ..screening import optimal_mechanism

    env = _env_simple()
    v = env.values
    results = []
    for f in ([0.5, 0.2, 0.3], [0.3, 0.3, 0.4], [0.6, 0.3, 0.1]):
        m = optimal_mechanism(env, f)
        if m.is_efficient:
            continue
        u = m.utilities
        got_best = [t for t in range(3) if m.allocation[t, 1] > 1 - 1e-9]
        ta = max(got_best, key=lambda t: m.payments[t]) if got_best else None
        ok = (abs(u[0]) < 1e-9 and ta is not None and m.payments[ta] > v[0, 1] + 1e-9)
        # the two-type market (1 - eps) t_L + eps t_abar Pareto dominates f
        eps = 0.01
        g = np.zeros(3)
        g[0], g[ta] = 1 - eps, eps
        ok = ok and _dominates(env, g, u)
        results.append(bool(ok))
    return bool(results) and all(results)


register(Claim(
    id="HS-B.1.1-lemma6-two-type-dominating",
    paper="HS", location="Online Appendix B.1.1, Lemma 6",
    statement="In a simple environment every inefficient market's optimal menu gives t_L zero "
              "surplus and sells the best alternative to some type above v(t_L, best); the "
              "two-type market (1-eps) t_L + eps t_best Pareto dominates it",
    paper_value=True, compute=_lemma6, constructed=True))


def _footnote11():
    """q = 1/4 under the "adverse" selection, which picks the inefficient screening menu
    (L to t1 at 0.75, H to t2 at 1.75): is it Pareto improvable? The split into q' = 0.1
    (efficient menu, t2's surplus 1) and q'' = 0.5 (screening, t2's surplus 1/4) is, verified
    exactly."""
    from ..model import Market
    from ..screening import optimal_mechanism
    from ..segmentation import Segmentation

    env = _env_two_alt()
    m = optimal_mechanism(env, [0.75, 0.25], selection="adverse")
    seg = Segmentation(Market(env, [0.75, 0.25]), [0.625, 0.375], [[0.9, 0.1], [0.5, 0.5]],
                       selection="adverse")
    improvable = bool(seg.is_pareto_improving and seg.verify(exact=True).ok)
    return [bool(m.is_efficient), not improvable]


register(Claim(
    id="HS-5-footnote11-q025-inefficient-selection",
    paper="HS", location="Section 5, footnote 11",
    statement="Market q = 0.25 has inefficient optimal mechanisms; if one is selected, the market "
              "is not Pareto improvable ([efficient, not improvable] under a selection picking "
              "the screening menu)",
    paper_value=[False, True], compute=_footnote11,
    discrepancy="Holds only for the strictly randomised optimal menus at q = 1/4 (t2's surplus "
                "strictly between 1/4 and 1). If the pure screening menu is selected (t2's surplus "
                "1/4, e.g. the 'adverse' rule), q = 1/4 IS Pareto improvable: split into q' = 0.1 "
                "(t2 gets 1) and q'' = 0.5 (t2 keeps 1/4). Independent check: the two segments' menus "
                "re-solved by the menu LP and the Pareto comparison verified in exact rationals.",
    corrected_value=[False, False]))


# ======================================================================================
# Appendix C claims (linear valuations; registered by issue 3 part B below this line)
# ======================================================================================
# --- part B: Appendix C ---
def _appc_env(hi: float = 1.0):
    from ..segmentation.linear import LinearEnvironment

    return LinearEnvironment([1.0, 2.0], (0.0, hi), lambda a: a * a / 2, marginal_cost=lambda a: a)


def _appc_nonimprovable(q: float, env=None) -> bool:
    """Inefficient and not Pareto improvable (HS Corollary 2) at share q of t2."""
    env = env or _appc_env()
    r = env.pareto_improvement([1 - q, q])
    return r.improvable is False and "efficient on its support" not in r.reason


def _appc_interval():
    env = _appc_env()
    if _appc_nonimprovable(0.0, env):  # q = 0 is efficient, so excluded
        return (float("nan"), float("nan"))
    lo_in = 1e-4
    if not _appc_nonimprovable(lo_in, env):
        return (float("nan"), float("nan"))
    a, b = 0.25, 0.75  # bisection for the right end of the interval
    if not (_appc_nonimprovable(a, env) and not _appc_nonimprovable(b, env)):
        return (float("nan"), float("nan"))
    for _ in range(40):
        m = (a + b) / 2
        a, b = (m, b) if _appc_nonimprovable(m, env) else (a, m)
    grid_ok = all(_appc_nonimprovable(q, env) == (0 < q < 0.5) for q in np.linspace(0, 1, 41))
    return (0.0, round(b, 9)) if grid_ok else (float("nan"), float("nan"))


register(Claim(
    id="HS-C-example-nonimprovable-interval",
    paper="HS", location="Online Appendix C (example before C.1, Figure 6)",
    statement="With qualities in [0, 1], cost a^2/2 and values a and 2a, the inefficient markets "
              "that are not Pareto improvable are exactly the shares q of t2 in (0, 0.5)",
    paper_value=(0.0, 0.5), compute=_appc_interval, tol=1e-6))


def _appc_figure6():
    env = _appc_env()
    qs = np.linspace(0, 1, 201)
    cs = np.array([env.optimal_mechanism([1 - q, q]).consumer_surplus[1] for q in qs])
    low = qs < 0.5
    decreasing = bool(np.all(np.diff(cs[low]) < 0))
    zero_above = bool(np.all(np.abs(cs[qs >= 0.5]) < 1e-9))
    return decreasing and zero_above


register(Claim(
    id="HS-C-figure6-surplus",
    paper="HS", location="Online Appendix C, Figure 6",
    statement="The surplus of t2 strictly decreases in q for q < 0.5 and is 0 for q >= 0.5",
    paper_value=True, compute=_appc_figure6))


def _corollary3():
    """Strictly convex differentiable cost, qualities [0, inf) (here [0, 10], never binding for
    values below 10): improvable iff some type is excluded (quality 0) in the optimal mechanism,
    checked on random three- and four-type markets and on the Appendix C example."""
    from ..segmentation.linear import LinearEnvironment

    rng = np.random.default_rng(3)
    cases = [(_appc_env(10.0), np.array([1 - q, q])) for q in np.linspace(0.05, 0.95, 19)]
    for n in (3, 4):
        for _ in range(15):
            v = np.sort(rng.uniform(0.5, 4.0, n))
            env = LinearEnvironment(v, (0.0, 10.0), lambda a: a * a / 2, marginal_cost=lambda a: a)
            cases.append((env, rng.dirichlet(np.ones(n))))
    seen = {True: 0, False: 0}
    for env, f in cases:
        M = env.optimal_mechanism(f)
        Ft = env.upper_mass(f)
        excluded = any(M.allocation[t] <= 1e-9 and f[t] > 0 and Ft[t + 1] > 0
                       for t in range(env.n_types))
        imp = env.pareto_improvement(f).improvable
        if imp is None or bool(imp) != excluded:
            return False
        seen[excluded] += 1
    return seen[True] > 0 and seen[False] > 0


register(Claim(
    id="HS-C-corollary3",
    paper="HS", location="Online Appendix C.1, Corollary 3",
    statement="With a strictly convex differentiable cost and qualities [0, inf), a market is "
              "Pareto improvable iff some type is excluded in the optimal mechanism",
    paper_value=True, compute=_corollary3))
# --- end part B: Appendix C ---


# -- Proposition 2 / Lemma 1 with k alternatives (Figure 1(b)); footnote 10 ----------------


def random_two_type_environment(k: int, seed: int):
    """Two types, k alternatives, t_H valuing every alternative more than t_L, both with
    increasing values (cent grid; constructed by the library for Proposition 2)."""
    from ..model import Environment

    rng = np.random.default_rng(1000 * k + seed)
    lo = np.sort(rng.integers(1, 200, size=k)) / 100
    hi = lo + np.sort(rng.integers(1, 200, size=k)) / 100
    return Environment(np.vstack([lo, hi]), types=["tL", "tH"])


_K_RANGE, _K_SEEDS = range(2, 7), range(4)


def _prop2_k():
    """(every profile verifies against the menu LP, intervals <= k+1, non-improvable
    inefficient markets <= k, surplus strictly falling to 0, some profile with >= 3 steps)."""
    from ..segmentation.two_type import two_type_profile

    ok = ints = nonimp = falling = True
    most = 0
    for k in _K_RANGE:
        for s in _K_SEEDS:
            p = two_type_profile(random_two_type_environment(k, s))
            ok &= bool(p.verify(samples_per_interval=2).ok)
            ints &= p.n_intervals <= k + 1
            nonimp &= len(p.non_improvable) <= k
            falling &= all(a > b for a, b in zip(p.surplus, p.surplus[1:])) and p.surplus[-1] == 0
            most = max(most, p.n_intervals)
    return (bool(ok), bool(ints), bool(nonimp), bool(falling), most >= 4)


register(Claim(
    id="HS-5-prop2-k-alternatives", paper="HS", location="Section 5, Lemma 1, Proposition 2, Figure 1(b)",
    statement="Two types, k = 2..6 alternatives (4 random environments each [constructed by the library]): "
              "t_L's surplus is 0, t_H's is constant on at most k+1 intervals and falls in steps to 0, "
              "at most k inefficient markets are not Pareto improvable: (exact profile re-checked by the "
              "menu LP, intervals <= k+1, non-improvable <= k, strictly falling, some profile with >= 4 "
              "intervals)",
    paper_value=(True, True, True, True, True), compute=_prop2_k))

#: HS footnote 10's case (constructed by the library): t_L values (a, b) = (2, 1), t_H (3, 0);
#: for q > 1/3 the seller gives t_L the 50-50 lottery over a and b (values 1.5 for both types)
FOOTNOTE10_VALUES = [[2.0, 1.0], [3.0, 0.0]]


def _footnote10():
    from ..model import Environment
    from ..segmentation.two_type import two_type_profile

    p = two_type_profile(Environment(FOOTNOTE10_VALUES, types=["tL", "tH"], alternatives=["a", "b"]))
    return ([str(q) for q in p.thresholds], [str(a) for a in p.surplus],
            [[str(x) for x in lot] for lot in p.low_allocations], bool(p.verify().ok))


register(Claim(
    id="HS-5-footnote10-random-allocation", paper="HS", location="Section 5, footnote 10",
    statement="In some markets it is strictly optimal to give the low type a random alternative: t_L = (2, 1), "
              "t_H = (3, 0) [constructed by the library]; for q > 1/3 t_L gets the 50-50 lottery (thresholds, "
              "t_H's surplus per interval, t_L's lottery per interval, verified by the menu LP)",
    paper_value=(["0", "1/3", "1"], ["1", "0"], [["1", "0"], ["1/2", "1/2"]], True), compute=_footnote10))


# -- Proposition 1 with three or more types; footnote 7 -----------------------------------


def _prop1_many_types():
    """Random single-alternative markets with 3..6 types (values on a cent grid, random
    weights): every inefficient one (efficient selection) gets a verified Pareto-improving
    segmentation. Returns (inefficient markets found, all improvable)."""
    from ..model import Environment
    from ..screening import optimal_mechanism
    from ..segmentation.pareto import single_product_pareto_segmentation

    n_ineff, ok = 0, True
    for n in (3, 4, 5, 6):
        for s in range(5):
            rng = np.random.default_rng(10 * n + s)
            v = np.sort(rng.choice(np.arange(1, 400), size=n, replace=False)) / 100
            env = Environment(v[:, None])
            f = rng.dirichlet(np.ones(n))
            if optimal_mechanism(env, f, selection="efficient").is_efficient:
                continue
            n_ineff += 1
            imp = single_product_pareto_segmentation(env, f)
            ok &= imp.improvable is True and bool(imp.segmentation.is_pareto_improving)
    return (n_ineff >= 10, bool(ok))


register(Claim(
    id="HS-4-prop1-many-types", paper="HS", location="Section 4, Proposition 1",
    statement="Single alternative, any number of types: every inefficient market is Pareto improvable "
              "(20 random markets with 3-6 types [constructed by the library]: (at least 10 inefficient, "
              "each improved by the BBM (2015) greedy segmentation, re-solved per segment))",
    paper_value=(True, True), compute=_prop1_many_types))


def _footnote7_adverse():
    """Values 1 and 2, q = 1/2: price 1 and price 2 tie. The 'adverse' selection picks price 2
    (inefficient); the segments (0.5 t1 + 0.3 t2)/0.8 (price 1 uniquely optimal) and t2
    alone (price 2) raise t2's surplus: (selected menu inefficient, segmentation Pareto
    improving under the same selection)."""
    from ..model import Market
    from ..screening import optimal_mechanism
    from ..segmentation.segment_welfare import Segmentation

    env = _env_single()
    f = np.array([0.5, 0.5])
    M = optimal_mechanism(env, f, selection="adverse")
    seg = Segmentation(Market(env, f), [0.8, 0.2], [[0.625, 0.375], [0.0, 1.0]], selection="adverse",
                       original=M)
    return (not M.is_efficient, bool(seg.is_pareto_improving))


register(Claim(
    id="HS-4-footnote7-adverse-selection", paper="HS", location="Section 4, footnote 7",
    statement="Proposition 1 needs the efficient selection: 'Proposition 1 does not hold for any selection "
              "rule'. Checked for the consumer-worst ('adverse') rule on values (1, 2) at q = 1/2 "
              "[instance constructed by the library]: (the selected menu is inefficient, a two-segment "
              "segmentation is still Pareto improving under that rule)",
    paper_value=(True, True), compute=_footnote7_adverse))

register(Claim(
    id="HS-4-footnote7-some-rule", paper="HS", location="Section 4, footnote 7",
    statement="Some selection rule makes an inefficient single-alternative market non-improvable",
    paper_value=True, compute=lambda: None,
    not_computable=("The claim quantifies over every selection rule (any map from markets to optimal "
                    "menus); the library implements three ('efficient', 'consumer', 'adverse'), and "
                    "under 'adverse' the tie market is still improvable (HS-4-footnote7-adverse-selection), "
                    "so no counterexample is computed; the paper gives none")))
