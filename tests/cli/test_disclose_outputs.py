"""What `infopricing disclose` gives a CLW reader (issue 15, section 2): every ratio (uniform
/ OPT-Rev, pricing / OPT-Rev, each / OPT-Wel) with the tie rule of each number, in text and
in --json (the report's as_dict); the ratios are recomputed here from the printed parts'
revenues and from closed forms."""

import json

import pytest
from typer.testing import CliRunner

from infopricing.cli import app

runner = CliRunner()

# two profiles, each preferring a different product: OPT-Wel = (4 + 3) / 2 = 3.5; revealing
# the best product and pricing each at its value extracts it all (pricing = OPT-Rev =
# OPT-Wel); one price for both products sells to both at 3 (price 4 sells to half: 2), so
# uniform = 3 and uniform / OPT-Wel = uniform / OPT-Rev = 6/7
MODEL = "[distribution]\nvalues = [[4, 1], [1, 3]]\nprobabilities = [0.5, 0.5]\n"


def _run(tmp_path, *extra):
    m = tmp_path / "m.toml"
    m.write_text(MODEL)
    return runner.invoke(app, ["disclose", str(m), "--opt-rev", *extra])


def test_disclose_json_ratios_recomputed(tmp_path):
    r = _run(tmp_path, "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    W = 0.5 * 4 + 0.5 * 3
    assert d["welfare"] == pytest.approx(W)
    parts = {"uniform": d["uniform"]["revenue"], "pricing": d["pricing"]["revenue"],
             "OPT-Rev": d["design"]["revenue"], "full information": d["exogenous"]["revenue"],
             "p*": d["uniform"]["p_star"], "OPT-Wel": W}
    best_prop1 = max(d["two_product"][k]["revenue"] for k in ("m1", "m2", "m3"))
    parts["Proposition 1 best"] = best_prop1
    ratios = {x["ratio"]: x for x in d["ratios"]}
    want = {"uniform / OPT-Rev", "pricing / OPT-Rev", "uniform / OPT-Wel", "p* / OPT-Wel",
            "pricing / OPT-Wel", "OPT-Rev / OPT-Wel", "full information / OPT-Wel",
            "Proposition 1 best / OPT-Wel"}
    assert set(ratios) == want
    for name, x in ratios.items():
        num, den = (s.strip() for s in name.split("/"))
        assert x["value"] == pytest.approx(parts[num] / parts[den], rel=1e-12), name
        assert x["tie_rule"], name
    # closed forms
    assert ratios["uniform / OPT-Wel"]["value"] == pytest.approx(6 / 7, abs=1e-7)
    assert ratios["uniform / OPT-Rev"]["value"] == pytest.approx(6 / 7, abs=1e-7)
    assert ratios["pricing / OPT-Rev"]["value"] == pytest.approx(1.0, abs=1e-7)
    assert ratios["OPT-Rev / OPT-Wel"]["value"] == pytest.approx(1.0, abs=1e-7)
    assert ratios["p* / OPT-Wel"]["value"] >= 0.5 - 1e-12                     # CLW Theorem 1
    assert ratios["Proposition 1 best / OPT-Wel"]["value"] >= 2 / 3 - 1e-9    # CLW Proposition 1
    # the tie rule of the design evaluations (design.py) and the one of p*
    assert "seller" in ratios["pricing / OPT-Rev"]["tie_rule"]
    assert "p*" in ratios["p* / OPT-Wel"]["tie_rule"]


def test_disclose_text_prints_ratios_and_tie_rules(tmp_path):
    r = _run(tmp_path)
    assert r.exit_code == 0, r.output
    out = " ".join(r.stdout.split())
    for name in ("uniform / OPT-Rev", "pricing / OPT-Rev", "p* / OPT-Wel", "OPT-Rev / OPT-Wel"):
        assert name.split(" ")[0] in out
    assert "0.857143" in out                       # 6/7
    assert "ties [1]: buyer's ties go to the seller" in out and "ties [2]:" in out


def test_disclose_without_opt_rev_says_so(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text(MODEL)
    r = runner.invoke(app, ["disclose", str(m), "--no-opt-rev", "--json"])
    assert r.exit_code == 0, r.output
    ratios = {x["ratio"]: x for x in json.loads(r.stdout)["ratios"]}
    assert ratios["uniform / OPT-Rev"]["value"] is None
    assert ratios["pricing / OPT-Wel"]["value"] == pytest.approx(1.0, abs=1e-7)


def test_experiment_json_is_the_result_as_dict():
    """`experiment --json` is ExperimentResult.as_dict() plus the verification; its ratios
    are recomputed from the printed revenues and the worst instance's OPT-Wel from its
    printed values."""
    import numpy as np

    from infopricing.disclosure.experiments import run_experiment

    args = dict(products=2, support=2, instances=3, seed=4, method="heuristic",
                lottery_max_support=0)
    r = runner.invoke(app, ["experiment", "independent", "-m", "2", "-n", "2", "-k", "3",
                            "--seed", "4", "--method", "heuristic", "--lottery-max-support", "0",
                            "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d.pop("verification")["ok"] is True
    res = run_experiment("independent", **args)
    assert d == json.loads(json.dumps(res.as_dict()))
    assert d["type"] == "ExperimentResult" and len(d["rows"]) == 3
    for row in d["rows"]:
        assert row["pricing_ratio"] == pytest.approx(row["pricing"] / row["welfare"], rel=1e-12)
        assert row["uniform_ratio"] == pytest.approx(row["uniform"] / row["welfare"], rel=1e-12)
    assert d["summary"]["min_pricing_ratio"] == min(row["pricing_ratio"] for row in d["rows"])
    w = d["worst"]
    V, p = np.array(w["values"]), np.array(w["probabilities"])
    assert w["welfare"] == pytest.approx(float(p @ V.max(axis=1)))


def _run_subprocess(tmp_path, *args):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "infopricing", "disclose", *map(str, args)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_disclose_formulation_cells_runs_the_mass_cells(tmp_path):
    """``--formulation cells`` reaches ``optimal_design`` (issue 18 section 2): on CLW Example 1
    with a small total node budget the design is the paper's (revenue 5 = the optimal
    pricing's), the bound lies between 5 and OPT-Wel = 0.2*10 + 0.4*6 + 0.4*3 = 5.6, and at
    most the given number of nodes was spent over all cells."""
    from pathlib import Path

    model = Path(__file__).resolve().parents[2] / "examples/clw_example1.toml"
    r = _run_subprocess(tmp_path, model, "--formulation", "cells", "--node-limit", "300", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    p = d["design"]["params"]
    assert p["formulation"] == "cells" and p["solver_status"] == "cells"
    assert 1 <= p["cells"] and p["solver_nodes"] <= 300
    assert d["design"]["revenue"] == pytest.approx(5.0, abs=1e-7)
    assert 5.0 - 1e-9 <= d["design"]["upper_bound"] <= 5.6 + 1e-9


def test_disclose_formulation_cells_needs_three_profiles(tmp_path):
    """Bad input exits 2 with one line naming the option's valid use, before any solve."""
    m = tmp_path / "m.toml"
    m.write_text(MODEL)
    r = _run_subprocess(tmp_path, m, "--formulation", "cells", "--opt-rev")
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 2, r.stderr
    assert len(lines) == 1 and "formulation" in lines[0] and "3 profiles" in lines[0], r.stderr
    assert r.stdout == ""
