"""Model files (TOML/JSON/CSV) and the core CLI commands (menu, reproduce)."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from infopricing.cli import app
from infopricing.errors import ModelFileError
from infopricing.io import load_environment, read_model_file

runner = CliRunner()

TOML = """
[environment]
types = ["t1", "t2"]
alternatives = ["L", "H"]
valuations = [[0.75, 1.0], [1.0, 2.0]]
[market]
probabilities = [0.5, 0.5]
"""


def test_toml_json_and_csv_agree(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text(TOML)
    env, market = load_environment(p)
    assert env.types == ("t1", "t2") and env.alternatives == ("L", "H")
    q = tmp_path / "m.json"
    q.write_text(json.dumps({"environment": {"valuations": [[0.75, 1.0], [1.0, 2.0]]},
                             "market": {"probabilities": [0.5, 0.5]}}))
    env2, market2 = load_environment(q)
    np.testing.assert_array_equal(env2.values, env.values)
    (tmp_path / "v.csv").write_text("L,H\n0.75,1.0\n1.0,2.0\n")
    r = tmp_path / "c.toml"
    r.write_text('[environment]\nvaluations_csv = "v.csv"\n[market]\nprobabilities = [2, 2]\nnormalize = true\n')
    env3, market3 = load_environment(r)
    assert env3.alternatives == ("L", "H")
    np.testing.assert_array_equal(env3.values, env.values)
    np.testing.assert_allclose(market3.probabilities, [0.5, 0.5])


@pytest.mark.parametrize("text, field, reason", [
    ("[market]\nprobabilities=[1]\n", "environment", "missing table"),
    ("[environment]\nvaluations=[[1.0],[2.0]]\n[market]\nprobabilities=[0.5,0.6]\n",
     "market.probabilities", "sum to 1"),
    ("[environment]\nvaluations=[[1.0],[nan]]\n", "environment", "finite"),
    ("[environment]\nvaluations=[[1.0,2.0]]\ncosts=[1.0]\n", "environment", "costs"),
    ("[environment\nvaluations=", None, "cannot parse"),
])
def test_model_file_errors_name_file_field_and_reason(tmp_path, text, field, reason):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    with pytest.raises(ModelFileError) as ei:
        load_environment(p)
    assert str(p) in str(ei.value) and reason in str(ei.value)
    assert ei.value.field == field


def test_missing_file_and_missing_csv(tmp_path):
    with pytest.raises(ModelFileError, match="file not found"):
        read_model_file(tmp_path / "nope.toml")
    p = tmp_path / "m.toml"
    p.write_text('[environment]\nvaluations_csv = "gone.csv"\n')
    with pytest.raises(ModelFileError, match="gone.csv"):
        load_environment(p)


def test_cli_menu_table_and_json(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text(TOML)
    res = runner.invoke(app, ["menu", str(p), "--exact"])
    assert res.exit_code == 0, res.output
    assert "1.75" in res.output and "passed" in res.output
    res = runner.invoke(app, ["menu", str(p), "--json"])
    assert res.exit_code == 0
    d = json.loads(res.stdout)
    assert d["revenue"] == pytest.approx(1.25)
    np.testing.assert_allclose(d["prices"], [0.75, 1.75])
    assert d["verification"]["ok"] is True
    assert ["t2", "t1"] in d["binding_ic"]


def test_cli_menu_bad_file_exit_2(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[environment]\nvaluations=[[1.0],[2.0]]\n[market]\nprobabilities=[0.5,0.6]\n")
    res = runner.invoke(app, ["menu", str(p)])
    assert res.exit_code == 2
    assert "market.probabilities" in res.output and "sum to 1" in res.output


def test_cli_reproduce_core_claims_json(tmp_path):
    rep = tmp_path / "r.md"
    res = runner.invoke(app, ["reproduce", "--paper", "HS", "--json", "--report", str(rep)])
    recs = json.loads(res.stdout)
    fig = {r["id"]: r for r in recs if r["id"].startswith("HS-3-fig1a")}
    assert fig["HS-3-fig1a-threshold-low"]["status"] == "pass"
    assert fig["HS-3-fig1a-threshold-low"]["computed_value"] == pytest.approx(0.25, abs=1e-6)
    assert set(recs[0]) >= {"id", "paper", "location", "statement", "paper_value",
                            "computed_value", "status"}
    assert "HS-3-fig1a-screening" in rep.read_text()


def test_claims_registry_flags_wrong_and_discrepant_values():
    from infopricing.claims.registry import Claim, check_claim

    assert check_claim(Claim("x1", "T", "l", "s", 1.0, lambda: 1.0 + 1e-9)).status == "pass"
    assert check_claim(Claim("x2", "T", "l", "s", 1.0, lambda: 1.1)).status == "fail"
    r = check_claim(Claim("x3", "T", "l", "s", 0.07, lambda: 0.1353, tol=1e-3,
                          discrepancy="text typo", corrected_value=0.1353))
    assert r.status == "text-discrepancy" and r.ok
    r = check_claim(Claim("x4", "T", "l", "s", 1.0, lambda: 1 / 0))
    assert r.status == "error" and not r.ok


def test_cli_menu_large_lazy_with_row_limit(tmp_path):
    """60 types (CSV valuations): `menu --method lazy --rows 5` solves by lazy IC rows,
    shows the 5 heaviest types and says so; its revenue equals the full LP's (solved here
    separately), and --method is validated."""
    from infopricing import Environment, optimal_mechanism

    rng = np.random.default_rng(5)
    V = rng.uniform(0, 1, (60, 3))
    f = rng.dirichlet(np.ones(60))
    (tmp_path / "vals.csv").write_text("\n".join(",".join(repr(float(v)) for v in row) for row in V))
    p = tmp_path / "big.json"
    p.write_text(json.dumps({"environment": {"valuations_csv": "vals.csv"},
                             "market": {"probabilities": f.tolist()}}))
    full = optimal_mechanism(Environment(V), f, method="full")
    res = runner.invoke(app, ["menu", str(p), "--method", "lazy", "--rows", "5"])
    assert res.exit_code == 0, res.output
    assert "5 of 60 types shown" in res.output and "passed" in res.output
    res = runner.invoke(app, ["menu", str(p), "--method", "lazy", "--json"])
    assert json.loads(res.stdout)["revenue"] == pytest.approx(full.revenue, abs=1e-9)
    res = runner.invoke(app, ["menu", str(p), "--method", "simplex"])
    assert res.exit_code == 2 and "method" in res.output
