"""The stand-alone checker rebuilds the LP of a certificate from its exact model data for the
convex order (mpc_optimize) and BBM25's homogeneous-values LP (issue 19): changing any input
number makes it reject the certificate. The checker runs in a subprocess with ``python -I``
(isolated: no infopricing on the path)."""

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

from infopricing.catalog import bbm25_example1_residual
from infopricing.competition.unknown import consumer_optimal_homogeneous
from infopricing.information.mpc import mpc_optimize, price_optimality_constraints

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "infopricing" / "verify" / "check_certificate.py"
INPUTS = {"convex-order": ("prior_values", "prior_probabilities", "grid", "objective"),
          "bbm25-homogeneous": ("values", "probabilities", "costs", "grid")}


def _run(*paths):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([sys.executable, "-I", str(CHECKER), *map(str, paths)], capture_output=True,
                          text=True, env=env, cwd=str(Path(paths[0]).parent), timeout=120)


def _certs():
    prior = bbm25_example1_residual()  # values 1, 3, 4; masses 1/2, 1/4, 1/4
    g = lambda x: (x - 3).clip(0)
    for form in ("transport", "cdf"):
        for sense in ("max", "min"):
            r = mpc_optimize(prior, g, grid=[1, 2.25, 3, 4], sense=sense, formulation=form)
            yield f"mpc_{form}_{sense}", r.exact_certificate()
    yield "bbm25_homogeneous", consumer_optimal_homogeneous([0, 1], [0.5, 0.5], [0.0, 0.3],
                                                           size=6).exact_certificate()
    yield "bbm25_monopoly", consumer_optimal_homogeneous([1, 2, 5], [0.3, 0.4, 0.3], [0.5],
                                                        size=5).exact_certificate()


def test_convex_order_exact_values_by_hand():
    """E[(v - 3)^+] over contractions of the residual: the prior itself is the maximiser,
    (4 - 3) / 4 = 1/4 (by hand), pooling at the mean 9/4 the minimiser (0); both
    formulations give these exact rationals."""
    prior = bbm25_example1_residual()
    for form in ("transport", "cdf"):
        for sense, want in (("max", Fraction(1, 4)), ("min", Fraction(0))):
            cert = mpc_optimize(prior, lambda x: (x - 3).clip(0), grid=[1, 2.25, 3, 4], sense=sense,
                                formulation=form).exact_certificate()
            assert cert.ok and cert.lp.field.frac(cert.objective) == want


def test_convex_order_formulations_agree_exactly():
    """Two independent formulations (transport plan, integrated CDF) of one problem have the
    same exact optimum."""
    rng = np.random.default_rng(4)
    for _ in range(3):
        v = np.sort(rng.choice(np.arange(1, 20) / 4, 4, replace=False))
        p = rng.dirichlet(np.ones(4)).round(3)
        p[-1] = 1 - p[:-1].sum()
        grid = np.union1d(v, np.arange(0, 21) / 4)
        obj = rng.integers(-5, 6, grid.size) / 2
        a, b = (mpc_optimize((v, p), obj, grid=grid, formulation=f).exact_certificate()
                for f in ("transport", "cdf"))
        assert a.ok and b.ok
        assert a.lp.field.frac(a.objective) == b.lp.field.frac(b.objective)


def test_checker_rebuilds_and_rejects_every_changed_input(tmp_path):
    good, bad = [], []
    for name, cert in _certs():
        data = json.loads(cert.to_json())
        prob = data["problem"]
        assert prob["builder"] in INPUTS
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(data))
        good.append(p)
        for key in INPUTS[prob["builder"]]:
            for i, (num, den) in enumerate(prob[key]):
                d = json.loads(json.dumps(data))
                d["problem"][key][i] = [num + den, den]  # the input number plus one
                q = tmp_path / f"bad_{name}_{key}_{i}.json"
                q.write_text(json.dumps(d))
                bad.append(q)
    r = _run(*good)
    assert r.returncode == 0, r.stdout
    assert r.stdout.count("rebuilt from the problem's numbers and matches") == len(good)
    rb = _run(*bad)
    assert rb.returncode == 1, rb.stdout
    heads = {ln.split(" ")[0].rstrip(":"): ln for ln in rb.stdout.splitlines()
             if ln.startswith(str(tmp_path))}
    assert heads.keys() == {str(q) for q in bad}, rb.stdout
    # each is rejected: the LP no longer encodes the problem, or the problem is no longer a
    # valid one of its kind (masses not summing to 1, a grid out of order, ...)
    assert all(h.endswith("REJECTED") for h in heads.values()), rb.stdout
    assert rb.stdout.count("does not encode the stated problem") + rb.stdout.count(
        "is not a valid") >= len(bad)


def test_convex_order_with_extra_rows_is_checked_as_written(tmp_path):
    """With extra rows (here "price 3 is optimal") no builder is named: the checker accepts the
    LP as written and says it did not rebuild it."""
    prior = bbm25_example1_residual()
    grid = [1, 2.25, 3, 4]
    r = mpc_optimize(prior, lambda x: (x - 3).clip(0), grid=grid,
                     constraints=[price_optimality_constraints(grid, 3.0)])
    cert = r.exact_certificate()
    assert "builder" not in cert.problem
    p = tmp_path / "extra.json"
    cert.to_json(p)
    out = _run(p)
    assert out.returncode == 0 and "checked as written" in out.stdout, out.stdout
