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


# -- issue 17 item 9: Corollary 4, Proposition 5 / Corollary 2 with finite qualities, Figure 7,
# -- Lemma 5, the path of Figure 4 ---------------------------------------------------------


def _corollary2_nonimprovable(env, f) -> bool:
    """Inefficient and not Pareto improvable by HS Corollary 2 (virtual values)."""
    r = env.pareto_improvement(f)
    return r.improvable is False and "efficient on its support" not in r.reason


def _profile_agreement(env):
    """(the menu LP's exact two-type profile of ``env``, Corollary 2 agrees with it at every
    threshold and interval midpoint). The profile (HS Lemma 1 / Proposition 2, no virtual
    values) lists the inefficient markets that are not Pareto improvable."""
    from ..segmentation.two_type import two_type_profile

    prof = two_type_profile(env.to_environment())
    if not prof.verify().ok:
        raise RuntimeError("two-type profile does not verify against the menu LP")
    th = [Fraction(q) for q in prof.thresholds]
    qs = [q for q in th if 0 < q < 1] + [(a + b) / 2 for a, b in zip(th, th[1:])]
    nonimp = set(Fraction(q) for q in prof.non_improvable)
    agree = all(_corollary2_nonimprovable(env, [1 - float(q), float(q)]) == (q in nonimp) for q in qs)
    return prof, agree


def _corollary4():
    """Convex piecewise-linear cost (catalogue ``hs-corollary4``): (two types: the inefficient
    non-improvable shares, Corollary 2 agrees with the menu LP's profile, three types: at least
    10 of 20 random markets inefficient, every one of them improvable)."""
    from ..catalog import hs_corollary4_piecewise_linear

    prof, agree = _profile_agreement(hs_corollary4_piecewise_linear())
    env3 = hs_corollary4_piecewise_linear((1.2, 1.9, 2.6))
    rng = np.random.default_rng(17)
    n_ineff, all_imp = 0, True
    for _ in range(20):
        f = rng.dirichlet(np.ones(3))
        M = env3.optimal_mechanism(f)
        if all(abs(M.allocation[t] - env3.efficient_quality(t)) <= 1e-9 for t in range(3)):
            continue
        n_ineff += 1
        all_imp &= env3.pareto_improvement(f).improvable is True
    return ([str(Fraction(q)) for q in prof.non_improvable], agree, n_ineff >= 10, bool(all_imp))


register(Claim(
    id="HS-C-corollary4-piecewise-linear", paper="HS", location="Online Appendix C.1, Corollary 4",
    statement="With a convex piecewise-linear cost the inefficient markets that are not Pareto improvable "
              "are non-generic. Cost with kinks at 0.5, 1 and slopes 0.4, 1, 1.8 on [0, 1.5] [constructed by "
              "the library]: (two types v = (1.5, 2.5): the only such share q = (v1 - s1)/(v2 - s1) = 11/21 "
              "(t1's virtual value at the kink slope s1 = 0.4), Corollary 2 agrees with the menu LP's exact "
              "profile, three types (1.2, 1.9, 2.6): 20 random markets, >= 10 inefficient, all improvable)",
    paper_value=(["11/21"], True, True, True), compute=_corollary4, tol=0.0))


def random_finite_linear_environment(k: int, seed: int):
    """Two types with linear values, k qualities on a cent grid and random (not necessarily
    convex) costs, resampled until each type has a unique efficient quality (constructed by
    the library for HS Corollary 2 / Proposition 5 with finitely many alternatives)."""
    from ..segmentation.linear import LinearEnvironment

    rng = np.random.default_rng(100 * k + seed)
    while True:
        q = np.sort(rng.choice(np.arange(10, 200), size=k, replace=False)) / 100
        c = np.round(rng.uniform(0.0, 1.5, size=k) * q, 2)
        v = np.sort(rng.choice(np.arange(50, 300), size=2, replace=False)) / 100
        try:
            return LinearEnvironment(v, q, c)
        except ValueError:
            continue


_PROP5_ENVS = ((3, 0), (3, 1), (4, 0), (4, 1), (5, 0), (5, 1))


def _proposition5_finite():
    """Finite qualities (Corollary 2 beyond Corollary 3): 6 random two-type environments.
    (Corollary 2 agrees with the menu LP's exact profile everywhere it was asked, Proposition 5's
    perturbation test run with the menu LP agrees with it, some environment has a non-improvable
    inefficient market, some inefficient market is improvable)."""
    from ..screening import optimal_mechanism
    from ..segmentation.linear import perturbation

    agree_all = prop5_all = True
    seen_non = seen_imp = False
    for k, s in _PROP5_ENVS:
        env = random_finite_linear_environment(k, s)
        prof, agree = _profile_agreement(env)
        agree_all &= agree
        E = env.to_environment()
        th = [Fraction(q) for q in prof.thresholds]
        nonimp = set(Fraction(q) for q in prof.non_improvable)
        for q in [q for q in th if 0 < q < 1] + [(a + b) / 2 for a, b in zip(th, th[1:])]:
            f = np.array([1 - float(q), float(q)])
            M = env.optimal_mechanism(f)
            if abs(M.allocation[0] - env.efficient_quality(0)) <= 1e-9:
                continue
            # Proposition 5: some delta0 > 0 with every (t1, delta)-perturbation, 0 < delta <= delta0,
            # keeping the optimal mechanism (menu LP), tested at delta = 1e-3 and 1e-6
            X0 = optimal_mechanism(E, f).allocation
            keeps = all(np.allclose(optimal_mechanism(E, perturbation(f, 0, d)).allocation, X0, atol=1e-7)
                        for d in (1e-3, 1e-6))
            improvable = q not in nonimp
            prop5_all &= keeps == improvable
            seen_non |= not improvable
            seen_imp |= improvable
    return (bool(agree_all), bool(prop5_all), bool(seen_non), bool(seen_imp))


register(Claim(
    id="HS-C-proposition5-finite-qualities", paper="HS",
    location="Online Appendix C.1, Proposition 5, Corollary 2 (beyond Corollary 3)",
    statement="Linear valuations with finitely many qualities (random costs, 6 random two-type environments "
              "[constructed by the library]): f is Pareto improvable iff some inefficiently served type has "
              "phi(t) > min Phi(phi(t)) (Corollary 2) iff small (t, delta)-perturbations, delta > 0, keep the "
              "optimal mechanism (Proposition 5): (Corollary 2 = the menu LP's exact Lemma 1 profile at every "
              "threshold and midpoint, the perturbation test with the menu LP = the profile, some non-improvable "
              "inefficient market met, some improvable one met)",
    paper_value=(True, True, True, True), compute=_proposition5_finite))


def figure7_frontier(qs=None):
    """HS Figure 7's data: for each share q of t2 in the Appendix C example, the profit from
    each type in the optimal mechanism, ``(q, a(t1), profit from t1, profit from t2)``; the
    frontier is ``(a - a^2/2, 1.5 - a)`` with ``a = (1 - 2q)/(1 - q)`` for q < 1/2."""
    from ..catalog import hs_appendix_c

    env = hs_appendix_c()
    qs = np.linspace(0.02, 0.48, 24) if qs is None else np.asarray(qs, dtype=float)
    rows = []
    for q in qs:
        M = env.optimal_mechanism([1 - q, q])
        rows.append((float(q), float(M.allocation[0]), float(M.profits[0]), float(M.profits[1])))
    return rows


def _figure7():
    """(every optimal profit pair lies on the curve (a - a^2/2, 1.5 - a), t2 gets quality 1,
    t1's quality strictly falls in q (so each market has its own optimal payment rule:
    infinitely many vertices), each pair is the unique maximiser of its market's weights among
    all the others)."""
    from ..catalog import hs_appendix_c

    env = hs_appendix_c()
    rows = figure7_frontier()
    on_curve = all(abs(p1 - (a - a * a / 2)) <= 1e-9 and abs(p2 - (1.5 - a)) <= 1e-9 for _, a, p1, p2 in rows)
    top = all(abs(env.optimal_mechanism([1 - q, q]).allocation[1] - 1.0) <= 1e-9 for q, *_ in rows[::6])
    a = [r[1] for r in rows]
    falling = all(x > y + 1e-6 for x, y in zip(a, a[1:]))
    P = np.array([[r[2], r[3]] for r in rows])
    exposed = all(int(np.argmax(P @ [1 - q, q])) == i and np.sort(P @ [1 - q, q])[-2] < (P @ [1 - q, q])[i] - 1e-9
                  for i, (q, *_) in enumerate(rows))
    return (bool(on_curve), bool(top), bool(falling), bool(exposed))


register(Claim(
    id="HS-C-figure7-payment-set", paper="HS", location="Online Appendix C, Figure 7",
    statement="Appendix C example (v = (1, 2), qualities [0, 1], cost a^2/2): the Pareto frontier of the "
              "IC-IR profit pairs is (a - a^2/2, 1.5 - a), t1 getting a and t2 quality 1, and the set has "
              "infinitely many vertices (every q < 0.5 has its own optimal point): at 24 shares q in "
              "[0.02, 0.48]: (optimal profit pairs on the curve, t2 gets 1, t1's quality strictly falls, each "
              "pair the unique maximiser of its own weights (1 - q, q) among the 24)",
    paper_value=(True, True, True, True), compute=_figure7))


def _lemma5():
    """HS Lemma 5 through Proposition 3's construction: the Section 6.1.1 market and 12 random
    inefficient three-type markets [constructed by the library]. (every constructed M* is
    efficient on its chain with binding chain IC and last IR, the Lemma 5 market has full support
    on the chain, and the menu LP on it returns M* with a unique payment rule)."""
    from ..catalog import hs_section611
    from ..model import Environment
    from ..screening import optimal_mechanism
    from ..segmentation.pareto import pareto_dominating_market

    cases = [(hs_section611(), np.array(MARKET_611))]
    rng = np.random.default_rng(5)
    while len(cases) < 13:
        v = rng.integers(1, 40, size=(3, 2)) / 10
        try:
            env = Environment(v)
            [env.efficient_alternative(t) for t in range(3)]
        except ValueError:
            continue
        f = rng.dirichlet(np.ones(3))
        if not optimal_mechanism(env, f).is_efficient:
            cases.append((env, f))
    ok = True
    for env, f in cases:
        D = pareto_dominating_market(env, f)
        chain = list(D.chain)
        full = all(D.exact_probabilities[s] > 0 for s in chain)
        ok &= bool(D.exists and D.confirmed and full and D.verify().ok)
    return (len(cases), bool(ok))


register(Claim(
    id="HS-A.2-lemma5-unique-optimum", paper="HS", location="Appendix A.2, Lemma 5",
    statement="An efficient mechanism M* whose IC constraints from t_j to t_{j+1} and t_n's IR bind is the "
              "unique optimal mechanism of some market with full support on {t_1..t_n}: checked on the "
              "chains of Proposition 3's construction for the Section 6.1.1 market and 12 random inefficient "
              "three-type markets [constructed by the library]: (markets, every Lemma 5 market confirmed by "
              "the menu LP with a unique payment rule)",
    paper_value=(13, True), compute=_lemma5))


def _figure4_path():
    """Section 6.1.1's market through Proposition 3's procedure (Figure 4 is missing from the
    text; its caption and the text name the steps): (binding IC constraints and IR of the
    optimal menu, the path from the inefficient type, the type appended, the M* allocation)."""
    from ..catalog import hs_section611
    from ..segmentation.pareto import pareto_dominating_market

    env = hs_section611()
    D = pareto_dominating_market(env, MARKET_611)
    M = D.mechanism
    V, X, p = env.values, M.allocation, M.payments
    U = V @ X.T - p[None, :]  # U[s, t]: type s reporting t
    own = np.diag(U)
    names = env.types
    binding = sorted(f"IC {names[s]}->{names[t]}" for s in range(3) for t in range(3)
                     if s != t and abs(U[s, t] - own[s]) <= 1e-9)
    binding += [f"IR {names[s]}" for s in range(3) if abs(own[s]) <= 1e-9]
    alloc = [env.alternatives[int(np.argmax(r))] for r in D.allocation_star]
    return (binding, [names[s] for s in D.path], names[D.new_type], [names[s] for s in D.chain], alloc)


register(Claim(
    id="HS-6.1.2-figure4-path", paper="HS", location="Section 6.1.2, Figure 4",
    statement="Section 6.1.1's market f = (0.5, 0.1, 0.4) [type values reconstructed: Figure 3 is missing]: "
              "(a) binding constraints of the optimal menu (t1's IR; t1 and t2 share a1 at one price; t3 is "
              "indifferent between a1 and a2), (b) the binding IC path from the inefficient t2 to the zero-surplus "
              "t1, (c) t3 appended at its start; M* gives a1 to t1 and a2 to t2 and t3 (Figure 3(c))",
    paper_value=(["IC t1->t2", "IC t2->t1", "IC t3->t1", "IC t3->t2", "IR t1"], ["t2", "t1"], "t3",
                 ["t3", "t2", "t1"], ["a1", "a2", "a2"]),
    compute=_figure4_path, compare=lambda e, c: [list(x) if isinstance(x, (list, tuple)) else x for x in e]
    == [list(x) if isinstance(x, (list, tuple)) else x for x in c], constructed=True))


#: HS Corollary 2 with three types (constructed by the library): on the piecewise-linear
#: environment with values (1.2, 1.9, 2.6), f has phi(t1) = 0.4 = min Phi(0.5) (t1 served 0.5,
#: efficient 1) and phi(t2) = 1.8, a kink slope at which t2 gets its efficient 1.5
COR2_THREE_TYPES = ((1.2, 1.9, 2.6), (Fraction(7, 15), Fraction(7, 15), Fraction(1, 15)), (0.45, 0.48, 0.07))


def _corollary2_three_types():
    """(virtual values of the constructed market, its allocation, not improvable by Corollary 2,
    the generic neighbour improvable)."""
    from ..catalog import hs_corollary4_piecewise_linear

    v, f, g = COR2_THREE_TYPES
    env = hs_corollary4_piecewise_linear(v)
    f = [float(x) for x in f]
    M = env.optimal_mechanism(f)
    return ([round(float(x), 12) for x in M.virtual_values], [float(a) for a in M.allocation],
            _corollary2_nonimprovable(env, f), env.pareto_improvement(list(g)).improvable is True)


register(Claim(
    id="HS-C-corollary2-three-types", paper="HS", location="Online Appendix C.1, Corollary 2 (three types)",
    statement="Corollary 2 with three types and finitely many qualities (piecewise-linear cost, values (1.2, 1.9, "
              "2.6), f = (7/15, 7/15, 1/15) [constructed by the library]): t1's virtual value 0.4 is the smallest "
              "supporting its quality 0.5 (inefficient), t2's 1.8 gives its efficient 1.5, so f is not Pareto "
              "improvable, while the generic neighbour (0.45, 0.48, 0.07) is: (virtual values, qualities, f not "
              "improvable, neighbour improvable)",
    paper_value=([0.4, 1.8, 2.6], [0.5, 1.5, 1.5], True, True), compute=_corollary2_three_types, tol=1e-9))


def _lemma7():
    """HS Lemma 7 on the Appendix C example, at shares q of t2 where f is NOT Pareto improvable
    (0 < q < 1/2): some (t1, delta)-perturbation with delta < 0 Pareto dominates f (t1's quality
    rises, t2's surplus strictly, t1's stays 0). Returns, per q, (delta found, t2's surplus
    before, after)."""
    from ..catalog import hs_appendix_c
    from ..segmentation.linear import perturbation

    env = hs_appendix_c()
    out = []
    for q in (0.1, 0.25, 0.4):
        f = np.array([1 - q, q])
        cs0 = env.optimal_mechanism(f).consumer_surplus
        for j in range(1, 30):
            d = -1 + 2.0 ** -j
            cs1 = env.optimal_mechanism(perturbation(f, 0, d)).consumer_surplus
            if cs1[1] > cs0[1] + 1e-9 and cs1[0] >= cs0[0] - 1e-12:
                out.append((d, round(float(cs0[1]), 9), round(float(cs1[1]), 9)))
                break
        else:
            out.append(None)
    return [o is not None and o[2] > o[1] for o in out] + [_appc_nonimprovable(q) for q in (0.1, 0.25, 0.4)]


register(Claim(
    id="HS-C-lemma7-perturbation-dominates", paper="HS", location="Online Appendix C.1, Lemma 7",
    statement="If some type's allocation is inefficient, some (t, delta)-perturbation of f Pareto dominates f: on "
              "the Appendix C example at q = 0.1, 0.25, 0.4 (markets that are NOT Pareto improvable, so the "
              "dominating perturbation is not one segment of an improving segmentation): (dominating (t1, delta) "
              "found at each q, each q not improvable)",
    paper_value=[True] * 6, compute=_lemma7))
