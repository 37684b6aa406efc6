"""What `infopricing pareto` gives a user (issue 15, section 2), run in a subprocess as a
user would, its JSON checked independently of the library: every segmentation printed
averages to the market, every segment's menu is IC and IR for that segment and earns the
optimal revenue of an independent scipy ``linprog`` of the menu LP, every type present in a
segment is at least as well off as before, and the seller's revenue after exceeds the revenue
before whenever a strict gain is claimed."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import linprog

ROOT = Path(__file__).resolve().parents[2]
TOL = 1e-7

# a market of our users' kind: 4 types, 3 products (Theorem 1 cannot decide here, so the
# command falls back to the exact procedure by itself)
FOUR_BY_THREE = """[environment]
types = ["a", "b", "c", "d"]
alternatives = ["x", "y", "z"]
valuations = [[1, 2, 1.5], [2, 3, 3.5], [3, 3.5, 2], [1.5, 4, 4.5]]

[market]
probabilities = [0.3, 0.2, 0.3, 0.2]
"""


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "infopricing", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def optimal_revenue_linprog(V, f):
    """The menu LP solved independently: max sum_t f_t p_t over lotteries x_t (sum <= 1)
    and prices p_t, subject to IC and IR (HS section 4)."""
    n, k = V.shape
    nx = n * k
    c = np.concatenate([np.zeros(nx), -f])
    A, b = [], []
    for t in range(n):
        ir = np.zeros(nx + n)          # -(v_t x_t - p_t) <= 0
        ir[t * k:(t + 1) * k] = -V[t]
        ir[nx + t] = 1
        A.append(ir), b.append(0.0)
        feas = np.zeros(nx + n)
        feas[t * k:(t + 1) * k] = 1
        A.append(feas), b.append(1.0)
        for s in range(n):
            if s != t:                 # v_t x_s - p_s - (v_t x_t - p_t) <= 0
                row = np.zeros(nx + n)
                row[s * k:(s + 1) * k] += V[t]
                row[nx + s] -= 1
                row[t * k:(t + 1) * k] -= V[t]
                row[nx + t] += 1
                A.append(row), b.append(0.0)
    bounds = [(0, None)] * nx + [(None, None)] * n
    r = linprog(c, A_ub=np.array(A), b_ub=np.array(b), bounds=bounds, method="highs")
    assert r.status == 0
    return -r.fun


def check_menu(menu, V, types, alts, label):
    """IC and IR of a menu printed by the command, from the values in the model file; returns
    the lotteries, prices and the recomputed surplus of each type."""
    X = np.array([[m["item"][a] for a in alts] for m in menu])
    p = np.array([m["price"] for m in menu])
    assert [m["type"] for m in menu] == types
    assert np.all(X >= -TOL) and np.all(X.sum(axis=1) <= 1 + TOL), label
    U = V @ X.T - p[None, :]                   # U[t, s]: type t taking item s
    own = np.diag(U)
    assert np.all(own >= -TOL), f"{label}: IR fails"
    assert np.all(own[:, None] >= U - TOL), f"{label}: IC fails"
    assert np.allclose(own, [m["surplus"] for m in menu], atol=TOL)
    return X, p, own


def check_segmentation(seg, V, f, types, alts):
    before_menu = seg["original_menu"]
    _, p0, u0 = check_menu(before_menu, V, types, alts, "original menu")
    rev0 = float(f @ p0)
    assert rev0 == pytest.approx(optimal_revenue_linprog(V, f), abs=1e-6)
    assert seg["seller_revenue_before"] == pytest.approx(rev0, abs=TOL)
    details = seg["segment_details"]
    w = np.array([d["weight"] for d in details])
    F = np.array([[d["composition"][t] for t in types] for d in details])
    assert np.all(w >= 0) and w.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(w @ F, f, atol=1e-9)                    # the segments average to f
    revenue_after = 0.0
    strict_someone = False
    for d, wi, fi in zip(details, w, F):
        _, p, u = check_menu(d["menu"], V, types, alts, f"segment {d['segment']}")
        rev = float(fi @ p)
        assert d["revenue"] == pytest.approx(rev, abs=TOL)
        # the seller-optimal menu of this segment: an independent LP gives the same revenue
        assert rev == pytest.approx(optimal_revenue_linprog(V, fi), abs=1e-6)
        revenue_after += wi * rev
        before = np.array([d["surplus_before"][t] for t in types])
        after = np.array([d["surplus_after"][t] for t in types])
        assert np.allclose(before, u0, atol=TOL) and np.allclose(after, u, atol=TOL)
        sup = fi > 0
        assert np.all(after[sup] >= before[sup] - 1e-9)          # nobody present loses
        strict_someone |= bool(wi > 0 and np.any(after[sup] > before[sup] + 1e-9))
    assert strict_someone                                        # ... and someone gains
    assert seg["seller_revenue_after"] == pytest.approx(revenue_after, abs=1e-9)
    assert revenue_after >= rev0 - 1e-9                          # HS: revenue never falls
    if seg["seller_gains_strictly"]:
        assert revenue_after > rev0 + 1e-9
    else:
        assert revenue_after == pytest.approx(rev0, abs=1e-7)
    return revenue_after - rev0


def _model(path):
    data = tomllib.loads(Path(path).read_text())
    e = data["environment"]
    V = np.array(e["valuations"], dtype=float)
    types = e.get("types", [f"t{i + 1}" for i in range(V.shape[0])])
    alts = e.get("alternatives", [f"a{i + 1}" for i in range(V.shape[1])])
    f = np.array(data["market"]["probabilities"], dtype=float)
    return V, f / f.sum(), types, alts


def _all_segmentations(d):
    out = {"answer": d["answer"]}
    for key in ("theorem", "exact"):
        if d.get(key) is not None:
            out[key] = d[key]
    return {k: v for k, v in out.items() if v.get("segmentation") is not None}


@pytest.mark.parametrize("case", [
    "section611",
    pytest.param("four_by_three", marks=pytest.mark.slow),    # runs the exact procedure (~4 s)
    pytest.param("section3_exact", marks=pytest.mark.slow),   # --exact (~4 s)
])
def test_pareto_json_segments_menus_surplus_revenue(tmp_path, case):
    if case == "section611":
        model, extra = ROOT / "examples/hs_section611.toml", []
    elif case == "four_by_three":
        model, extra = tmp_path / "m.toml", []
        model.write_text(FOUR_BY_THREE)
    else:
        model, extra = ROOT / "examples/hs_section3.toml", ["--exact"]
    r = run_cli("pareto", model, "--json", *extra)
    assert r.returncode == 0, r.stderr[-2000:]
    d = json.loads(r.stdout)
    V, f, types, alts = _model(model)
    assert np.allclose(d["mechanism"]["probabilities"], f)
    segs = _all_segmentations(d)
    assert "answer" in segs and d["answer"]["improvable"] is True
    for key, imp in segs.items():
        assert imp["construction"] and imp["method"] in ("theorem", "bbm", "exact")
        gain = check_segmentation(imp["segmentation"], V, f, types, alts)
        assert imp["seller_gains_strictly"] == (gain > 1e-9), key
    # the answer prefers a strict seller gain when one of the computed improvements has it
    if any(imp["seller_gains_strictly"] for imp in segs.values()):
        assert d["answer"]["seller_gains_strictly"] is True
    if case == "section611":
        assert d["answer_from"] == "theorem" and d["answer"]["method"] == "theorem"
    if case == "four_by_three":
        assert d["theorem"]["improvable"] is None and d["answer_from"] == "exact"
    if case == "section3_exact":
        assert d["exact"]["segmentation"] is not None and d["answer_from"] == "theorem"


def test_pareto_text_shows_segments_menus_and_revenue():
    r = run_cli("pareto", ROOT / "examples/hs_section3.toml")
    assert r.returncode == 0, r.stderr[-2000:]
    out = " ".join(r.stdout.split())
    # HS section 3 at q = 1/2: Theorem 1 with epsilon 2/7; the dominating segment (7/8, 1/8)
    # sells H at 1 to both types (t2's surplus 1/4 -> 1); revenue 5/4 -> 9/7
    assert "answer (theorem): Pareto improvable True" in out
    assert "seller gains strictly: yes" in out
    assert "seller revenue before 1.25, after 1.28571" in out
    assert "composition t1=0.875, t2=0.125" in out
    assert "surplus before" in out and "surplus after" in out
