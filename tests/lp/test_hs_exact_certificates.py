"""Exact certificates of the HS surplus results (issue 19): the consumer-optimal segmentation
and the surplus set are proven in rational arithmetic (closure LP, exact primal and dual),
exported, re-checked by the stand-alone checker, and tampering is rejected."""

import copy
import functools
import dataclasses
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infopricing as ip
from infopricing.verify import check_certificate as checker

HS3 = ip.catalog.hs_section3()
CHECKER = Path(checker.__file__)
Q = Fraction


@pytest.mark.parametrize("q", [Q(3, 10), Q(1, 2), Q(3, 5), Q(7, 10)])
def test_hs_section3_consumer_optimum_proven_exactly(q):
    """HS section 3, q in (1/4, 3/4): CS* = 9/32 - q/8 (the hand derivation of
    tests/segmentation/test_hs_exact.py::test_consumer_optimal_closed_form), now proven
    exactly: the exact supremum is that rational, to the last digit."""
    r = ip.max_consumer_surplus_segmentation(HS3, [1 - q, q])
    chk = r.verify(exact=True)
    assert chk.ok, chk.failures
    assert chk.details["complete"] is True
    assert chk.details["exact_supremum"] == Q(9, 32) - q / 8


def test_hs_section3_not_improvable_supremum_is_proven_by_the_decision():
    """q = 3/4: no segmentation is Pareto improving (HS, Section 3), so the supremum is the
    unsegmented 3/16; the exact check is the decision's exact dual certificate."""
    r = ip.max_consumer_surplus_segmentation(HS3, [Q(1, 4), Q(3, 4)])
    assert r.segmentation is None and r.supremum == pytest.approx(3 / 16, abs=1e-12)
    chk = r.verify(exact=True)
    assert chk.ok and chk.details["complete"] is True, chk.failures


def _uniform_price_revenue(v, f):
    return max(p * sum((fi for vi, fi in zip(v, f) if vi >= p), Q(0)) for p in v)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(1, 9), min_size=2, max_size=3, unique=True),
       st.lists(st.integers(1, 6), min_size=3, max_size=3))
def test_single_product_exact_bbm_triangle(vals, w):
    """One alternative: BBM 2015 Theorem 1 in closed form, exactly. The consumer optimum
    over all segmentations is E[v] - pi* (pi* the uniform-price revenue), and the surplus
    set is the triangle (0, pi*), (E[v] - pi*, pi*), (0, E[v])."""
    n = len(vals)
    f = [Q(x, sum(w[:n])) for x in w[:n]]
    env = ip.Environment([[v] for v in vals])
    mean = sum((Q(v) * fi for v, fi in zip(vals, f)), Q(0))
    pi = _uniform_price_revenue([Q(v) for v in vals], f)
    r = ip.max_consumer_surplus_segmentation(env, f, pareto=False)
    chk = r.verify(exact=True)
    assert chk.ok, chk.failures
    assert chk.details["exact_supremum"] == mean - pi
    s = ip.surplus_set(env, f)
    sv = s.verify(exact=True)
    assert sv.ok, sv.failures
    assert set(sv.details["exact_vertices"]) == {(Q(0), pi), (mean - pi, pi), (Q(0), mean)}


def _random_env(seed):
    rng = np.random.default_rng(seed)
    V = rng.integers(1, 8, size=(3, 2)) / 2.0
    w = rng.integers(1, 5, size=3)
    return ip.Environment(V), [Q(int(x), int(w.sum())) for x in w]


@pytest.mark.parametrize("seed", range(4))
def test_random_small_markets_exact_or_says_why(seed):
    """Random 3-type, 2-alternative environments (half-integer values): the surplus set is
    proven exactly; the consumer optimum is proven when attained, and otherwise the exact
    check fails saying it could not be completed (never passes silently)."""
    env, f = _random_env(seed)
    s = ip.surplus_set(env, f)
    sv = s.verify(exact=True)
    assert sv.ok and sv.details["complete"], sv.failures
    # the exact polygon's extreme CS is the consumer optimum over all segmentations
    r = ip.max_consumer_surplus_segmentation(env, f, pareto=False)
    chk = r.verify(exact=True)
    if r.attained:
        assert chk.ok, chk.failures
        assert chk.details["exact_supremum"] == max(v[0] for v in sv.details["exact_vertices"])
    else:
        assert not chk.ok and chk.details["complete"] is False
    rp = ip.max_consumer_surplus_segmentation(env, f, pareto=True)
    cp = rp.verify(exact=True)
    assert cp.ok == (rp.attained or rp.segmentation is None) or not cp.details["complete"]
    if cp.ok:
        assert cp.details["complete"] is True


def _tampered_suboptimal(r, eps):
    """HS section 3 at q = 1/2: mix the optimum (segments (1/4, 3/4) and (3/4, 1/4), cells
    0 and 3) with weight eps of the unsegmented market f = 1/2 (1/4, 3/4) + 1/2 (3/4, 1/4)
    (cell 4). Exactly averaging, Pareto improving, every menu optimal; consumer surplus
    eps * (7/32 - 1/8) below the optimum."""
    seg = r.segmentation
    f = (Q(1, 2), Q(1, 2))
    we = tuple(w * (1 - eps) for w in seg.exact_weights) + (eps,)
    Fe = tuple(seg.exact_markets) + (f,)
    tam = ip.Segmentation(seg.market, [float(w) for w in we],
                          [ip.Market(HS3, [float(x) for x in F]) for F in Fe],
                          selection=seg.selection, original=seg.original,
                          exact_weights=we, exact_markets=Fe)
    src = r.exact_source
    assert set(src.coefficients) == {(0, 0), (3, 0)}  # the optimum's cells, as documented
    coef = {k: v * (1 - eps) for k, v in src.coefficients.items()}
    coef.update({(4, 0): eps / 2, (4, 1): eps / 2})
    return tam, coef


def test_subtly_suboptimal_segmentation_rejected_exactly():
    r = ip.max_consumer_surplus_segmentation(HS3, [Q(1, 2), Q(1, 2)])
    eps = Q(1, 10**7)
    tam, coef = _tampered_suboptimal(r, eps)
    assert tam.verify(exact=True, check_pareto=True).ok  # a genuine Pareto improvement
    cs = tam.expected_consumer_surplus
    assert 0 < r.supremum - cs < 1e-8
    src = r.exact_source
    # claimed optimal with its own exact coefficients: the exact dual bound is higher
    bad = dataclasses.replace(r, segmentation=tam, supremum=cs,
                              exact_source=dataclasses.replace(src, coefficients=coef, _cache={}))
    assert bad.verify().ok  # floating point cannot tell
    chk = bad.verify(exact=True)
    assert not chk.ok and chk.details["complete"] is True
    assert chk.details["exact_certificate"].gap == eps * Q(3, 32)
    # claimed optimal with the optimum's coefficients: they are not its consumer surplus
    bad2 = dataclasses.replace(r, segmentation=tam, supremum=cs)
    chk2 = bad2.verify(exact=True)
    assert not chk2.ok and any("differs from the LP's value" in m for m in chk2.failures)
    with pytest.raises(ValueError):
        bad.exact_certificate()


def test_surplus_set_exact_polygon_and_tampered_vertices():
    """HS section 3 at q = 3/4: the exact polygon has the corners known by hand (full
    extraction (0, 7/4) = E[efficient value]; the unsegmented point (3/16, 3/2), which no
    segmentation beats in consumer surplus (HS, Section 3); the seller's least revenue
    3/2 with no consumer surplus). Dropping a vertex or moving one is rejected exactly."""
    s = ip.surplus_set(HS3, [Q(1, 4), Q(3, 4)])
    chk = s.verify(exact=True)
    assert chk.ok, chk.failures
    V = chk.details["exact_vertices"]
    assert (Q(0), Q(7, 4)) in V and (Q(3, 16), Q(3, 2)) in V and (Q(0), Q(3, 2)) in V
    # a vertex dropped: the polygon is too small, a segmentation goes beyond an edge
    small = dataclasses.replace(s, vertices=np.delete(s.vertices, [i for i, v in enumerate(V)
                                                                  if v == (Q(1, 12), Q(5, 3))], axis=0))
    assert not small.verify(exact=True).ok
    # a vertex moved outward by 1e-6: not the exact vertex
    moved = s.vertices.copy()
    moved[0] += 1e-6
    assert not dataclasses.replace(s, vertices=moved).verify(exact=True).ok


def test_hand_built_results_say_exact_check_incomplete():
    s = ip.surplus_set(HS3, [Q(1, 2), Q(1, 2)])
    chk = dataclasses.replace(s, exact_source=None).verify(exact=True)
    assert not chk.ok and chk.details["complete"] is False
    assert any("could not be completed" in m for m in chk.failures)
    r = ip.max_consumer_surplus_segmentation(HS3, [Q(1, 2), Q(1, 2)])
    chk = dataclasses.replace(r, exact_source=None).verify(exact=True)
    assert not chk.ok and chk.details["complete"] is False


@pytest.mark.parametrize("scale", [1e-9, 1e9])
def test_exact_certificates_in_any_units(scale):
    """Values typed in units of 1e-9 and 1e9 (short decimals, read exactly as typed): the
    exact optimum is the unit-scale one times the scale, exactly; the exact polygon likewise."""
    V = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 4.0]])
    Vs = np.array([[float(f"{x:g}e{int(np.log10(scale))}") for x in row] for row in V])
    f = [Q(3, 10), Q(3, 10), Q(2, 5)]
    base = ip.max_consumer_surplus_segmentation(ip.Environment(V), f, pareto=False).verify(exact=True)
    r = ip.max_consumer_surplus_segmentation(ip.Environment(Vs), f, pareto=False)
    chk = r.verify(exact=True)
    assert chk.ok, chk.failures
    assert chk.details["exact_supremum"] == base.details["exact_supremum"] * Q(str(scale))
    s0 = ip.surplus_set(ip.Environment(V), f).verify(exact=True)
    s1 = ip.surplus_set(ip.Environment(Vs), f).verify(exact=True)
    assert s1.ok, s1.failures
    k = Q(str(scale))
    assert s1.details["exact_vertices"] == [(a * k, b * k) for a, b in s0.details["exact_vertices"]]


@functools.lru_cache(maxsize=1)
def _exported_text():
    env = ip.Environment([[1, 2], [2, 3], [3, 3.5]])
    f = [Q(3, 10), Q(3, 10), Q(2, 5)]
    certs = list(ip.surplus_set(env, f).exact_certificates())
    certs.append(ip.max_consumer_surplus_segmentation(env, f).exact_certificate())
    return tuple(c.to_json() for c in certs)


def _exported(tmp_path):
    return [json.loads(t) for t in _exported_text()]


def test_standalone_checker_accepts_and_rebuilds(tmp_path):
    docs = _exported(tmp_path)
    for d in docs:
        ok, msgs = checker.check(d)
        assert ok, msgs
        assert any("rebuilt from the problem's numbers and matches" in m for m in msgs)
    paths = []
    for i, d in enumerate(docs):
        p = tmp_path / f"c{i}.json"
        p.write_text(json.dumps(d))
        paths.append(str(p))
    run = subprocess.run([sys.executable, "-I", str(CHECKER), *paths], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout


def _bump(pair):
    return [pair[0] + 1, pair[1]] if pair[0] else [1, 10**6]


def test_standalone_checker_rejects_tampering(tmp_path):
    d = _exported(tmp_path)[-1]  # the consumer-optimal certificate
    # a primal number
    t = copy.deepcopy(d)
    j = next(i for i, v in enumerate(t["primal"]) if v[0])
    t["primal"][j] = _bump(t["primal"][j])
    assert not checker.check(t)[0]
    # a dual number
    t = copy.deepcopy(d)
    t["row_dual"][0] = _bump(t["row_dual"][0])
    assert not checker.check(t)[0]
    # the claimed objective
    t = copy.deepcopy(d)
    t["objective"] = _bump(t["objective"])
    assert not checker.check(t)[0]
    # model data: a cell's utility (LP and problem no longer match, or the menu is not IC)
    t = copy.deepcopy(d)
    cell = next(c for c in t["problem"]["cells"] if any(u[0] for u in c["utilities"]))
    k = next(i for i, u in enumerate(cell["utilities"]) if u[0])
    cell["utilities"][k] = _bump(cell["utilities"][k])
    assert not checker.check(t)[0]
    # the market, in the LP and the problem alike: no longer a probability vector
    t = copy.deepcopy(d)
    t["problem"]["market"][0] = _bump(t["problem"]["market"][0])
    ok, msgs = checker.check(t)
    assert not ok and any("not a valid hs-closure-surplus" in m for m in msgs), msgs


def test_exact_feasible_basis_repairs_an_infeasible_degenerate_basis():
    """x + y = 1, x - y >= 0, x, y >= 0 with the basis {x, y} but row 1 made a tight
    non-basic row at 0 and the start (x basic, row 1 basic): a tiny LP where the given basis
    re-solves to an infeasible point, and phase 1 reaches a feasible vertex; an infeasible
    LP (x + y = 1, x + y >= 2) is refused."""
    from infopricing.lp.exact_vertex import AT_LOWER, BASIC, exact_basic_solution, exact_feasible_basis
    import scipy.sparse as sp

    Ae = {(0, 0): Q(1), (0, 1): Q(1), (1, 0): Q(1), (1, 1): Q(-1)}
    inf = float("inf")
    cl, cu, rl, ru = [0.0, 0.0], [inf, inf], [1.0, 0.0], [1.0, inf]
    # start: y basic and row 1 basic, x non-basic at 0 -> y = 1, row 1 = -1 < 0 (infeasible)
    cb, rb = np.array([AT_LOWER, BASIC]), np.array([AT_LOWER, BASIC])
    A = sp.csr_matrix(np.array([[1.0, 1.0], [1.0, -1.0]]))
    z0 = exact_basic_solution(A, cl, cu, rl, ru, cb, rb, A_exact=Ae)
    assert z0[0] - z0[1] < 0
    cb2, rb2 = exact_feasible_basis(Ae, (2, 2), cl, cu, rl, ru, cb, rb)
    z = exact_basic_solution(A, cl, cu, rl, ru, cb2, rb2, A_exact=Ae)
    assert z[0] + z[1] == 1 and z[0] - z[1] >= 0 and min(z) >= 0
    with pytest.raises(ValueError):
        exact_feasible_basis({(0, 0): Q(1), (0, 1): Q(1), (1, 0): Q(1), (1, 1): Q(1)}, (2, 2),
                             cl, cu, [1.0, 2.0], [1.0, inf], cb, rb)


def test_menu_of_rounded_degenerate_data_verifies_exactly():
    """The data of tests/segmentation/test_hs_units.py::test_proposition3_rounded_degenerate_vertex:
    the solver's menu at scale 1e-9 is proven exactly feasible and optimal (after exact
    phase-1 and simplex pivots), and it is the scale-1 menu (allocations equal)."""
    V = np.array([[0.75, 2.25], [1.0, 2.5], [1.25, 1.5]])
    f = np.array([4.0, 6.0, 6.0]) / 16
    m = ip.optimal_mechanism(ip.Environment(V * 1e-9), f)
    chk = m.verify(exact=True)
    assert chk.ok, chk.failures
    m1 = ip.optimal_mechanism(ip.Environment(V), f)
    assert np.allclose(m.allocation, m1.allocation, atol=1e-12)


def test_not_improvable_market_says_where_its_proof_is():
    """Regression (user review): on a market no segmentation improves (HS section 3 at
    q = 3/4), exact_certificate() said only "none formed"; the proof is the exact decision's
    certificate, which verifies exactly."""
    r = ip.max_consumer_surplus_segmentation(HS3, [Q(1, 4), Q(3, 4)])
    assert r.segmentation is None and r.improvement.improvable is False
    assert r.verify(exact=True).ok and r.improvement.verify(exact=True).ok
    with pytest.raises(ValueError, match="no segmentation is Pareto improving.*improvement.verify"):
        r.exact_certificate()
