"""Exact optimality certificates (issue 19): rational primal and dual, exactly feasible, with
equal objective values, for every LP-based result; the stand-alone checker."""

import ast
import dataclasses
import functools
import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import scipy.optimize as so

from infopricing.competition.game import PricingGame
from infopricing.competition.hotelling import hotelling_lp
from infopricing.competition.unknown import consumer_optimal_homogeneous, consumer_optimal_unknown_values
from infopricing.disclosure import optimal_information, optimal_prices_for_signal
from infopricing.disclosure import optimal_pricing
from infopricing.disclosure.catalog import clw_example1, clw_example4
from infopricing.disclosure.signals import Signal
from infopricing.information.mpc import mpc_optimize
from infopricing.information.persuasion import persuade
from infopricing.lp.exact_certificate import (basis_dual, basis_primal, certify, flint_available,
                                              rational_lp, repair_basis)
import infopricing as ip
from infopricing.model import Environment, Market
from infopricing.scale import sweep
from infopricing.screening import Mechanism, optimal_mechanism

CHECKER = Path(__file__).resolve().parents[2] / "infopricing" / "verify" / "check_certificate.py"
BACKENDS = ["fraction"] + (["flint"] if flint_available() else [])


# ---------------------------------------------------------------------------------------
# menus exactly feasible but suboptimal by 1e-9 on a type of mass 1e-6
# ---------------------------------------------------------------------------------------
def _separated():
    """Two types, each wanting only its own product (value 1); type B has mass 1e-6. The
    optimal menu sells each its product at 1 (closed form: revenue f_A + f_B); no IC row
    links them (each type values the other's product at 0)."""
    env = Environment(np.array([[1.0, 0.0], [0.0, 1.0]]), types=["A", "B"], alternatives=["a", "b"])
    return env, Market(env, [1 - 1e-6, 1e-6])


def _suboptimal_menus():
    env, mkt = _separated()
    d = 1e-9
    yield "payment 1e-9 low", Mechanism(env=env, market=mkt, allocation=[[1, 0], [0, 1]],
                                        payments=[1.0, 1.0 - d])
    yield "allocation 1e-9 short", Mechanism(env=env, market=mkt, allocation=[[1, 0], [0, 1 - d]],
                                             payments=[1.0, 1.0 - d])
    e = 2.0 ** -30  # about 1e-9, and e + (1 - e) == 1 exactly, so the lottery is feasible
    yield "lottery over both", Mechanism(env=env, market=mkt, allocation=[[1, 0], [e, 1 - e]],
                                         payments=[1.0, 1.0 - e])
    # a three-type environment: C values both products; B (mass 1e-6) pays 1e-9 too little
    env3 = Environment(np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]))
    mkt3 = Market(env3, [0.5, 1e-6, 0.5 - 1e-6])
    yield "three types", Mechanism(env=env3, market=mkt3, allocation=[[1, 0], [0, 1], [0.5, 0.5]],
                                   payments=[1.0, 1.0 - d, 0.5])


@pytest.mark.parametrize("name,mech", list(_suboptimal_menus()), ids=lambda x: x if isinstance(x, str) else "")
def test_exactly_feasible_suboptimal_menus_are_rejected(name, mech):
    # the floating check cannot see a revenue loss of 1e-15 ...
    assert mech.verify().ok
    chk = mech.verify(exact=True)
    # ... the exact one proves the menu feasible and not optimal
    assert not chk.ok
    assert all("exact optimality certificate" in f for f in chk.failures), chk.failures
    # closed form of the loss: B's mass times what B should pay (1, its value for its product,
    # when it gets product b for sure) minus what the menu's B item earns per unit of mass.
    # The mass was typed as 1e-6, so the exact model reads it as 1/10**6 (a model float is its
    # shortest decimal, exact_numbers.py); the menu's payment, a computed point, is read as the
    # binary rational it is.
    assert mech.market.probabilities[1] == 1e-6
    pB = mech.payments[1]
    full = Fraction(1, 10**6) * (Fraction(1) - Fraction(float(pB)))
    assert chk.details["exact_gap"] == full
    assert 0 < float(chk.details["exact_gap"]) < 2e-15


def test_optimal_hand_built_menu_passes_exactly():
    env, mkt = _separated()
    m = Mechanism(env=env, market=mkt, allocation=[[1, 0], [0, 1]], payments=[1.0, 1.0])
    chk = m.verify(exact=True)
    assert chk.ok, chk.failures
    # masses typed as 1 - 1e-6 (the float 0.999999) and 1e-6: exactly 999999/10**6 + 1/10**6
    assert repr(float(mkt.probabilities[0])) == "0.999999"
    assert chk.details["exact_revenue"] == 1
    assert chk.details["exact_gap"] == 0


def test_tampered_solver_menu_keeping_its_basis_is_rejected():
    """A solver menu whose payment is lowered by 1e-9 but which keeps the solver's basis is
    not the basis's vertex: it must not inherit the vertex's certificate."""
    env, mkt = _separated()
    m = optimal_mechanism(env, mkt)
    assert m.verify(exact=True).ok
    bad = dataclasses.replace(m, payments=m.payments - np.array([0.0, 1e-9]))
    chk = bad.verify(exact=True)
    assert not chk.ok
    assert any("not the certified menu" in f for f in chk.failures)


@pytest.mark.parametrize("seed", range(6))
def test_solver_menus_are_proven_optimal(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(2, 9)), int(rng.integers(1, 4))
    env = Environment(rng.uniform(0, 1, (n, k)).round(3))
    f = rng.dirichlet(np.ones(n))
    m = optimal_mechanism(env, f)
    chk = m.verify(exact=True)
    assert chk.ok, chk.failures
    assert chk.details["exact_gap"] == 0
    # second formulation: scipy's linprog on the payment formulation (x, p)
    V = env.values
    N = n * k + n
    c = np.r_[np.zeros(n * k), -f]
    A, b = [], []
    for t in range(n):
        r = np.zeros(N); r[t * k:(t + 1) * k] = 1; A.append(r); b.append(1.0)   # feasibility
        r = np.zeros(N); r[t * k:(t + 1) * k] = -V[t]; r[n * k + t] = 1; A.append(r); b.append(0.0)  # IR
        for s in range(n):
            if s != t:  # IC: v_t x_s - p_s <= v_t x_t - p_t
                r = np.zeros(N); r[s * k:(s + 1) * k] += V[t]; r[n * k + s] -= 1
                r[t * k:(t + 1) * k] -= V[t]; r[n * k + t] += 1
                A.append(r); b.append(0.0)
    ref = so.linprog(c, A_ub=np.array(A), b_ub=np.array(b), bounds=[(0, None)] * (n * k) + [(None, None)] * n,
                     method="highs")
    assert float(chk.details["exact_revenue"]) == pytest.approx(-ref.fun, abs=1e-9)


def test_lazy_menu_is_proven_optimal():
    rng = np.random.default_rng(3)
    env = Environment(rng.uniform(0, 1, (30, 2)))
    m = optimal_mechanism(env, rng.dirichlet(np.ones(30)), method="lazy")
    chk = m.verify(exact=True)
    assert chk.ok, chk.failures
    assert chk.details["exact_gap"] == 0


def test_no_lp_record_says_so():
    r = persuade([0.5, 0.5], [[1, 0], [0, 1]], [[0, 1], [0, 1]])
    bare = dataclasses.replace(r, lp_record=None)
    chk = bare.verify(exact=True)
    assert not chk.ok
    assert any("could not be completed" in f for f in chk.failures)
    with pytest.raises(ValueError, match="no LP record"):
        bare.exact_certificate()


# ---------------------------------------------------------------------------------------
# the generic layer
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_generic_certificate_known_optimum(backend):
    """max 3x + 2y  s.t.  x + y <= 4, x + 3y <= 6, x <= 3: optimum at (3, 1), value 11, duals
    (2, 0) on the rows and reduced cost 1 on x's upper bound (by hand)."""
    c = [3.0, 2.0]
    A = np.array([[1.0, 1.0], [1.0, 3.0]])
    lp = rational_lp(c, A, [-np.inf, -np.inf], [4.0, 6.0], [0, 0], [3.0, np.inf], "max", backend=backend)
    cert = certify(lp, primal=[3, 1], y=[2.0, 0.0])
    assert cert.ok and cert.objective == 11 and cert.dual_bound == 11
    worse = certify(lp, primal=[2, 2], y=[2.0, 0.0])
    assert not worse.ok and worse.gap == 1
    infeasible_dual = certify(lp, primal=[3, 1], y=[0.0, -1.0])
    assert not infeasible_dual.ok and any("dual infeasible" in f for f in infeasible_dual.failures)
    # the all-slack basis is feasible but not optimal; exact pivots repair it
    cb, rb = repair_basis(lp, [1, 1], [0, 0])
    assert [lp.field.frac(v) for v in basis_primal(lp, cb, rb)] == [3, 1]
    assert [lp.field.frac(v) for v in basis_dual(lp, cb, rb)] == [2, 0]


def test_backends_agree():
    if not flint_available():
        pytest.skip("python-flint not installed")
    rng = np.random.default_rng(7)
    env = Environment(rng.uniform(0, 1, (6, 2)))
    f = rng.dirichlet(np.ones(6))
    m = optimal_mechanism(env, f)
    from infopricing.screening.mechanism import exact_optimality

    a, b = exact_optimality(m, backend="fraction"), exact_optimality(m, backend="flint")
    assert a.ok and b.ok
    assert a.lp.field.frac(a.objective) == b.lp.field.frac(b.objective)
    assert [a.lp.field.frac(v) for v in a.row_dual] == [b.lp.field.frac(v) for v in b.row_dual]


# ---------------------------------------------------------------------------------------
# exported certificates and the stand-alone checker
# ---------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _results():
    """(name, result, its certificate) for every LP-based result type (the test below
    checks that no type is missing); computed once for the tests that use it."""
    return tuple(_build_results())


def _build_results():
    rng = np.random.default_rng(11)
    env = Environment(rng.uniform(0, 1, (4, 2)))
    F = rng.dirichlet(np.ones(4), 6)
    m = optimal_mechanism(env, F[0])
    yield "menu", m, m.exact_certificate()
    m = optimal_mechanism(Environment(rng.uniform(0, 1, (26, 1))), rng.dirichlet(np.ones(26)),
                          method="lazy")
    yield "menu lazy", m, m.exact_certificate()
    s = sweep(env, F)
    yield "sweep", s, s.exact_certificate(2)
    r = persuade([0.3, 0.7], [[1, 0], [0, 1]], [[0, 1], [0, 1]])
    yield "persuasion", r, r.exact_certificate()
    v = np.arange(1.0, 6.0)
    for form in ("transport", "cdf"):
        r = mpc_optimize((v, np.full(5, 0.2)), (v >= 3).astype(float), formulation=form)
        yield f"mpc {form}", r, r.exact_certificate()
    d = clw_example1()
    for name, r in (("CLW information", optimal_information(d, [9.0, 4.0])),
                    ("CLW prices", optimal_prices_for_signal(d, Signal.no_information(d),
                                                             price_groups=[0, 0])),
                    ("CLW pricing", optimal_pricing(clw_example4(0.1))),
                    ("BBM25 homogeneous", consumer_optimal_homogeneous([0, 1], [0.5, 0.5], [0.0, 0.3],
                                                                       size=21))):
        yield name, r, r.exact_certificate()
    g = PricingGame(np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0]]),
                    np.array([[0, 0.3], [0, 0.3], [0.2, 0], [0.2, 0]]), [0.25] * 4)
    r = consumer_optimal_unknown_values(g, size=11)
    yield "BBM25 unknown values", r, r.exact_certificate()
    r = hotelling_lp(([-1, -0.2, 0.2, 1], [0.3, 0.2, 0.2, 0.3]), size=21, cells=20)
    yield "BBM25 Hotelling grid", r, r.exact_certificate()
    # HS: a three-type, two-quality environment (attained consumer optimum, exact masses)
    hs = ip.Environment([[1, 2], [2, 3], [3, 3.5]])
    f = [Fraction(3, 10), Fraction(3, 10), Fraction(2, 5)]
    r = ip.max_consumer_surplus_segmentation(hs, f)
    yield "HS consumer-optimal segmentation", r, r.exact_certificate()
    s = ip.surplus_set(hs, f)
    for i, cert in enumerate(s.exact_certificates()):
        yield f"HS surplus set edge {i}", s, cert


def _lp_result_types():
    """Every result class of the package that keeps an LP record (a field ``lp_record``) or
    exports exact certificates (a method ``exact_certificate`` or ``exact_certificates``)."""
    import importlib
    import inspect
    import pkgutil

    import infopricing

    found = set()
    for info in pkgutil.walk_packages(infopricing.__path__, "infopricing."):
        if ".cli" in info.name or info.name.endswith("__main__") or ".plots" in info.name:
            continue
        mod = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if not cls.__module__.startswith("infopricing."):
                continue
            fields = getattr(cls, "__dataclass_fields__", {})
            if ("exact_certificate" in vars(cls) or "exact_certificates" in vars(cls)
                    or "lp_record" in fields):
                found.add(cls)
    return found


def _run_checker(*paths):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([sys.executable, "-I", str(CHECKER), *map(str, paths)], capture_output=True,
                          text=True, env=env, cwd=str(Path(paths[0]).parent), timeout=120)


def _tamper(data):
    """Corruptions (claimed value, primal point, dual point, the LP itself), each of which
    must be caught."""
    out = []
    d = json.loads(json.dumps(data))
    num, den = d["objective"]
    d["objective"] = [num + 1, den]  # claim a better value
    out.append(("objective", d))
    d = json.loads(json.dumps(data))
    j = max(range(d["cols"]), key=lambda j: abs(Fraction(*d["c"][j])))  # a column that counts
    n_, d_ = d["primal"][j]
    d["primal"][j] = [n_ + d_, d_]  # move the primal point
    out.append(("primal", d))
    d = json.loads(json.dumps(data))
    i = next((i for i, y in enumerate(d["row_dual"]) if y[0] != 0), None)
    if i is not None:
        d["row_dual"][i] = [d["row_dual"][i][0] * 2, d["row_dual"][i][1]]  # a weaker dual
        out.append(("dual", d))
    if i is not None:
        # change the LP: move the bound that the dual multiplier of row i pushes against
        d = json.loads(json.dumps(data))
        pos = d["row_dual"][i][0] > 0
        key = "row_upper" if pos == (d["sense"] == "max") else "row_lower"
        nb, db = d[key][i]
        d[key][i] = [nb + db, db]
        out.append(("bound", d))
    return out


def test_checker_uses_the_standard_library_only():
    tree = ast.parse(CHECKER.read_text())
    mods = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    mods |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert mods and mods <= set(sys.stdlib_module_names), mods


@pytest.mark.slow
def test_standalone_checker_on_every_result_type(tmp_path):
    """Every LP-based result type (found by walking the package, so a new one without a
    certificate here fails) exports a certificate that the checker, run isolated
    (``python -I``), accepts after rebuilding its LP from the model's numbers; each
    tampered copy is rejected."""
    full = list(_results())
    covered = {type(r) for _, r, _ in full}
    missing = _lp_result_types() - covered
    assert not missing, f"LP-based result types without a certificate in this test: {missing}"
    results = [(name, cert) for name, _, cert in full]
    paths = []
    for name, cert in results:
        p = tmp_path / (name.replace(" ", "_") + ".json")
        cert.to_json(p)
        paths.append(p)
    r = _run_checker(*paths)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(": OK") == len(results)
    # every one is rebuilt from its model data, none checked only as written
    assert r.stdout.count("rebuilt from the problem's numbers and matches") == len(results), r.stdout
    # each exported objective is the result's exact optimum as the library computed it
    bad_paths = []
    for (name, cert), p in zip(results, paths):
        data = json.loads(p.read_text())
        assert Fraction(*data["objective"]) == cert.lp.field.frac(cert.objective)
        for what, bad in _tamper(data):
            q = tmp_path / f"bad_{name.replace(' ', '_')}_{what}.json"
            q.write_text(json.dumps(bad))
            bad_paths.append(q)
    assert len(bad_paths) >= 3 * len(results)
    rb = _run_checker(*bad_paths)  # one process: its per-file verdicts are its output's heads
    assert rb.returncode == 1
    verdicts = {ln.split(" ")[0].rstrip(":"): ln.rsplit(" ", 1)[-1] for ln in rb.stdout.splitlines()
                if ln.startswith(str(tmp_path))}
    assert verdicts == {str(q): "REJECTED" for q in bad_paths}, rb.stdout


def test_checker_unreadable_file(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"format": "something else"}')
    r = _run_checker(p)
    assert r.returncode == 2 and "unreadable" in r.stdout


# ---------------------------------------------------------------------------------------
# the checker rebuilds the LP from the problem's numbers (model data tampering)
# ---------------------------------------------------------------------------------------
def _input_paths(problem):
    """Paths (key, i[, j]) of every model number of a rebuildable problem."""
    keys = {"hs-menu-revenue": ("values", "probabilities"),
            "persuasion": ("prior", "receiver_utility", "sender_utility")}[problem["builder"]]
    out = []
    for key in keys:
        for i, v in enumerate(problem[key]):
            if isinstance(v[0], list):
                out += [(key, i, j) for j in range(len(v))]
            else:
                out.append((key, i))
    return out


def test_checker_rejects_tampered_model_numbers(tmp_path):
    rng = np.random.default_rng(5)
    env = Environment(rng.uniform(0, 1, (3, 2)).round(2))
    F = rng.dirichlet(np.ones(3), 3)
    certs = {"menu": optimal_mechanism(env, F[0]).exact_certificate(),
             "sweep": sweep(env, F).exact_certificate(1),
             "persuasion": persuade([0.3, 0.7], [[1, 0.25], [0, 1]], [[0, 1], [0.5, 1]]).exact_certificate()}
    good, bad = [], []
    for name, cert in certs.items():
        data = json.loads(cert.to_json())
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(data))
        good.append(p)
        paths = _input_paths(data["problem"])
        assert len(paths) >= 6
        for path in paths:
            d = json.loads(json.dumps(data))
            box = d["problem"][path[0]]
            for idx in path[1:-1]:
                box = box[idx]
            num, den = box[path[-1]]
            box[path[-1]] = [num + den, den]  # the model number plus one
            q = tmp_path / f"bad_{name}_{'_'.join(map(str, path))}.json"
            q.write_text(json.dumps(d))
            bad.append(q)
    r = _run_checker(*good)
    assert r.returncode == 0, r.stdout
    assert r.stdout.count("rebuilt from the problem's numbers and matches") == len(good)
    rb = _run_checker(*bad)
    assert rb.returncode == 1
    heads = [ln for ln in rb.stdout.splitlines() if ln.startswith(str(tmp_path))]
    assert len(heads) == len(bad) and all(h.endswith("REJECTED") for h in heads), rb.stdout
    assert rb.stdout.count("does not encode the stated problem") >= len(bad)


def test_checker_rebuild_of_the_menu_lp_is_independent():
    """The checker's own menu-LP builder (standard library) reproduces the library's exact
    LP for a hand-checkable 2-type menu: the IC row of (t1, t2) is u1 - u2 - (v1 - v2) x2 >= 0."""
    sys.path.insert(0, str(CHECKER.parent))
    try:
        import check_certificate as cc
    finally:
        sys.path.pop(0)
    h = lambda q: [Fraction(q).numerator, Fraction(q).denominator]
    prob = {"builder": "hs-menu-revenue", "n_types": 2, "n_alternatives": 1,
            "values": [[h(1)], [h(3)]], "probabilities": [h("0.4"), h("0.6")]}
    sense, A, lo, hi, cl, cu, c = cc._build_menu(prob)
    assert sense == "max" and c == [Fraction(2, 5), Fraction(9, 5), Fraction(-2, 5), Fraction(-3, 5)]
    assert A == [{0: 1}, {1: 1}, {2: 1, 3: -1, 1: 2}, {3: 1, 2: -1, 0: -2}]
    assert hi[:2] == [1, 1] and lo[2:] == [0, 0]
    env = Environment([[1], [3]])
    cert = optimal_mechanism(env, Market(env, [0.4, 0.6])).exact_certificate()
    data = json.loads(cert.to_json())
    assert Fraction(*data["objective"]) == Fraction(9, 5)  # sell at 3 to t2 only: 3 * 0.6
    rebuilt, msgs = cc.rebuild_matches(data, (data["sense"], [
        {e[1]: Fraction(e[2], e[3]) for e in data["A"] if e[0] == i} for i in range(data["rows"])],
        *[[None if v is None else Fraction(*v) for v in data[key]]
          for key in ("row_lower", "row_upper", "col_lower", "col_upper", "c")]))
    assert rebuilt and msgs == []


@pytest.mark.slow
def test_headline_claims_are_proven_and_a_changed_one_is_rejected(tmp_path):
    """Regression (user review): the checker accepted a certificate whose stated revenue,
    value, consumer surplus, v-bar or producer surplus had been changed, because those were
    loose floats beside the proof. Now the headline numbers are exact ``claims`` that the
    checker derives again from the proven objective (and v-bar from the grid); each equals
    the result's float (an independent check of the derivation), and changing one fails."""
    heads = {"menu": ("revenue", "revenue"), "menu lazy": ("revenue", "revenue"),
             "persuasion": ("value", "value"), "mpc transport": ("value", "value"),
             "mpc cdf": ("value", "value"), "CLW information": ("revenue", "revenue"),
             "CLW prices": ("revenue", "revenue"), "CLW pricing": ("revenue", "revenue"),
             "BBM25 Hotelling grid": ("expected_consumer_surplus", "expected_consumer_surplus")}
    seen = set()
    paths = []
    for name, result, cert in _results():
        claims = cert.problem.get("claims", {})
        if name in heads:
            key, attr = heads[name]
            assert float(Fraction(*claims[key])) == pytest.approx(getattr(result, attr), abs=1e-9)
        if name == "BBM25 unknown values":
            assert float(Fraction(*claims["total_producer_surplus"])) == pytest.approx(
                sum(result.producer_surplus), abs=1e-9)
        if name == "BBM25 Hotelling grid":
            assert float(Fraction(*claims["vbar"])) == result.prior.vbar
        for key in claims:
            seen.add((name, key))
            d = json.loads(cert.to_json())
            n_, d_ = d["problem"]["claims"][key]
            d["problem"]["claims"][key] = [n_ + d_, d_]      # claim one more
            p = tmp_path / f"{len(paths)}.json"
            p.write_text(json.dumps(d))
            paths.append(p)
    assert {n for n, _ in seen} >= set(heads) | {"BBM25 unknown values"}
    r = _run_checker(*paths)
    assert r.returncode == 1 and r.stdout.count("REJECTED") == len(paths), r.stdout
    assert r.stdout.count("differs from the proven") == len(paths), r.stdout
    # the floats are still there for reading, and the checker says they are not checked
    name, result, cert = _results()[0]
    p = tmp_path / "menu.json"
    cert.to_json(p)
    out = _run_checker(p).stdout
    assert "proven claims: revenue = " in out and "not checked (reported floating-point values" in out
