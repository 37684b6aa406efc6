"""`infopricing menu --time-limit S` (issue 18 section 1, the anytime answer from the command
line): run as a user runs it, in a subprocess, and its JSON checked here against a menu LP
written out independently (scipy's HiGHS on all n(n-1) IC rows) and against IC/IR recomputed
from the printed allocations and payments."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.optimize as so

ROOT = Path(__file__).resolve().parents[2]


def _linprog_revenue(V, f):
    """HS section 4's menu LP written out here (utility form; variables x_s, then u_t) and
    solved by scipy: max sum_t f_t (v_t . x_t - u_t) s.t. u_t >= u_s + (v_t - v_s) . x_s,
    1 . x_s <= 1, x, u >= 0."""
    n, k = V.shape
    rows = []
    for t in range(n):
        for s in range(n):
            if t != s:
                row = np.zeros(n * k + n)
                row[s * k:(s + 1) * k] = V[t] - V[s]
                row[n * k + t], row[n * k + s] = -1.0, 1.0
                rows.append(row)
    for s in range(n):
        row = np.zeros(n * k + n)
        row[s * k:(s + 1) * k] = 1.0
        rows.append(row)
    b = np.concatenate([np.zeros(n * (n - 1)), np.ones(n)])
    c = -np.concatenate([(f[:, None] * V).ravel(), -f])
    res = so.linprog(c, A_ub=np.array(rows), b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0
    return -res.fun


def _cli(tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "infopricing", "menu", *map(str, args)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)


def _model(tmp_path, V, f):
    names = [f"a{j}" for j in range(V.shape[1])]
    text = ("[environment]\nalternatives = " + json.dumps(names) + "\nvaluations = "
            + json.dumps(V.tolist()) + "\n[market]\nprobabilities = " + json.dumps(f.tolist()) + "\n")
    p = tmp_path / "m.toml"
    p.write_text(text)
    return p


def test_menu_time_limit_json_brackets_the_optimum(tmp_path):
    rng = np.random.default_rng(5)
    V = rng.integers(0, 9, (30, 4)) / 8.0        # exact binary fractions: the file holds the same numbers
    f = np.full(30, 1.0 / 30)
    r = _cli(tmp_path, _model(tmp_path, V, f), "--time-limit", "60", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["status"] == "proven within a gap" and d["verification"]["ok"]
    opt = _linprog_revenue(V, f)
    assert d["lower"] <= opt + 1e-9 and opt <= d["upper"] + 1e-9
    assert d["gap"] == pytest.approx((d["upper"] - d["lower"]) / max(1.0, abs(d["upper"])), rel=1e-12)
    assert d["gap"] < 1e-7                       # the run converged well within the limit
    m = d["mechanism"]
    X = np.array(m["allocation"], dtype=float)
    p = np.array(m["payments"], dtype=float)
    U = V @ X.T - p[None, :]                      # U[t, s]: type t's surplus from item s
    own = np.diag(U)
    assert (own >= -1e-9).all()                   # IR
    assert (U.max(axis=1) <= own + 1e-9).all()    # IC against every other item
    assert (X >= -1e-12).all() and (X.sum(axis=1) <= 1 + 1e-12).all()
    assert float(f @ p) == pytest.approx(d["lower"], abs=1e-9)


def test_menu_time_limit_text_says_it_is_not_the_exact_menu(tmp_path):
    rng = np.random.default_rng(1)
    V = rng.integers(0, 5, (12, 3)) / 4.0
    r = _cli(tmp_path, _model(tmp_path, V, np.full(12, 1 / 12)), "--time-limit", "30")
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "IC-IR menu (proven within a gap)" in out and "certified gap" in out
    assert "Optimal menu" not in out and "verification" in out and "passed" in out


@pytest.mark.parametrize("extra,needle", [(["--time-limit", "0"], "--time-limit must be > 0"),
                                          (["--time-limit", "5", "--method", "full"], "--method full")])
def test_menu_time_limit_bad_input_exits_2_with_one_line(tmp_path, extra, needle):
    r = _cli(tmp_path, ROOT / "examples/hs_section3.toml", *extra)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 2 and len(lines) == 1 and needle in lines[0], r.stderr
    assert r.stdout == ""


def test_menu_method_ipm_json_reports_what_the_interior_point_did(tmp_path):
    """`menu --method ipm --json` on types given twice: the revenue is the full LP's
    (written out here), and params say the interior point ran on the merged types."""
    rng = np.random.default_rng(8)
    U = rng.integers(0, 9, (20, 3)) / 8.0
    V = np.concatenate([U, U])                   # every type twice: 20 merged away
    f = np.full(40, 1 / 40)
    if len(np.unique(U, axis=0)) != 20:
        pytest.skip("the draw repeated a type")
    p = _model(tmp_path, V, f)
    out = _cli(tmp_path, p, "--method", "ipm", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["revenue"] == pytest.approx(_linprog_revenue(V, f), rel=1e-8)
    params = d["params"]
    assert params["method_used"] == "ipm" and params["merged_types"] == 20
    assert params["ipm_iterations"] >= 1 and params["cg_steps"] == 0  # 20 types: below PCG_MIN_N
