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


# -- infopricing.load, the schema, and '-' for standard input --------------------------------

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import infopricing as ip  # noqa: E402
from infopricing.io import schema  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.toml"))


def _same_objects(a, b):
    """The model objects of two ModelFiles are equal (arrays exactly, labels too)."""
    for name in schema.TOP_LEVEL:
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is None:
            continue
        if name == "environment":
            np.testing.assert_array_equal(x.gross_values, y.gross_values)
            np.testing.assert_array_equal(x.costs, y.costs)
            assert (x.types, x.alternatives) == (y.types, y.alternatives)
        elif name == "game":
            for f in ("values", "costs", "probabilities"):
                np.testing.assert_array_equal(getattr(x, f), getattr(y, f))
            assert x.producers == y.producers
        elif name in ("market", "distribution", "prior"):
            np.testing.assert_array_equal(x.probabilities, y.probabilities)
            if name != "market":
                np.testing.assert_array_equal(x.values, y.values)
        elif name == "information":
            for u, w in zip(x, y):                     # (weights, segments)
                np.testing.assert_array_equal(u, w)
        elif name == "persuasion":
            assert x.keys() == y.keys()
            for k in x:
                np.testing.assert_array_equal(np.asarray(x[k]), np.asarray(y[k]))
        else:
            assert x == y, name


def test_there_are_examples_of_every_table():
    tables = {t for f in EXAMPLE_FILES for t in ip.load(f).tables}
    assert tables >= {"environment", "market", "game", "information", "distribution", "prior",
                      "segmentation", "persuasion"}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_load_round_trips_every_example(path, tmp_path):
    m = ip.load(path)
    assert m.tables and all(getattr(m, t) is not None for t in m.tables)
    # the tables load() reads agree with each area's own loader (a second reading path)
    if m.environment is not None:
        env, market = load_environment(path)
        np.testing.assert_array_equal(env.values, m.environment.values)
    q = tmp_path / "again.json"
    q.write_text(json.dumps(m.to_dict()))
    _same_objects(m, ip.load(q))


def test_load_documents_each_table_combination(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text('[environment]\nvaluations = [[1, 2], [2, 4]]\n\n[prior]\nvalues = [1, 3]\n'
                 'probabilities = [0.5, 0.5]\n')
    m = ip.load(p)
    assert m.tables == ("environment", "prior")
    assert m.market is None and m.game is None                      # no [market]: None
    assert m.segmentation == (0.0, None)                            # [prior] alone: defaults
    assert ip.load(p, tables=["prior"]).environment is None         # the others left alone
    p.write_text('[market]\nprobabilities = [1]\n')
    with pytest.raises(ModelFileError, match="needs an \\[environment\\]"):
        ip.load(p)
    p.write_text('[enviroment]\nvaluations = [[1]]\n')
    with pytest.raises(ModelFileError, match="did you mean \\[environment\\]"):
        ip.load(p)
    with pytest.raises(ValueError, match="tables must be among"):
        ip.load(EXAMPLES / "hs_section3.toml", tables=["menu"])


def test_parsers_take_their_keys_from_the_schema():
    import infopricing.io as io_mod

    for t in schema.TABLES:
        mod, attr = t.keys_from.split(":")
        assert mod == "infopricing.io" and getattr(io_mod, attr) == t.names, t.name


def _cli(args, stdin=None):
    return subprocess.run([sys.executable, "-m", "infopricing", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_dash_reads_the_model_from_stdin():
    """`cat examples/hs_section3.toml | infopricing menu -` prints what the file path does."""
    path = EXAMPLES / "hs_section3.toml"
    from_file = _cli(["menu", str(path)])
    from_stdin = _cli(["menu", "-"], stdin=path.read_text())
    assert from_file.returncode == 0, from_file.stderr
    assert from_stdin.returncode == 0 and from_stdin.stdout == from_file.stdout and "0.75" in from_file.stdout


@pytest.mark.parametrize("command, example", [("persuade", "info_prosecutor"), ("segment", "info_bbm25_example1"),
                                              ("pareto", "hs_section3")])
def test_every_model_command_reads_stdin(command, example):
    path = EXAMPLES / f"{example}.toml"
    from_file = runner.invoke(app, [command, str(path), "--json"])
    from_stdin = runner.invoke(app, [command, "-", "--json"], input=path.read_text())
    assert from_file.exit_code == 0, from_file.output
    assert from_stdin.exit_code == 0 and from_stdin.stdout == from_file.stdout


def test_json_on_stdin():
    text = json.dumps({"environment": {"valuations": [[0.75, 1.0], [1.0, 2.0]]},
                       "market": {"probabilities": [0.5, 0.5]}})
    res = runner.invoke(app, ["menu", "-", "--json"], input=text)
    assert res.exit_code == 0, res.output
    # HS section 3: L to the low type at 0.75, H to the high type at 1.75 (its IC binds:
    # 2 - 1.75 = 1 - 0.75), so revenue is 0.5 * 0.75 + 0.5 * 1.75 = 1.25
    assert json.loads(res.stdout)["revenue"] == pytest.approx(1.25)


@pytest.mark.parametrize("command, text, field, valid", [
    ("menu", '[environment]\nvaluations = [[1.0], [2.0]]\n[market]\nprobabilities = [0.5, 0.6]\n',
     "market.probabilities", "valid market.probabilities: n numbers >= 0 summing to 1"),
    ("menu", '[environment]\nvaluations = [[1.0], [2.0]]\n[market]\nprobabilities = ["0.5", 0.5]\n',
     "market.probabilities[0]", "valid market.probabilities: n numbers >= 0"),
    ("compete", '[game]\nvalues = [[1, 4], [4, -1]]\ncosts = [0, 0]\nprobabilities = [0.5, 0.5]\n',
     "game", "valid game.values: finite, >= 0"),
    ("disclose", '[distribution]\nvalues = [[1, 4], [4, 1]]\n', "distribution.probabilities",
     "valid distribution.probabilities: one per profile"),
    ("segment", '[prior]\ndistribution = "beta"\nparameters = { a = 2, b = 3 }\nsize = 1\n',
     "prior", "valid prior.size: >= 2"),
    ("segment", '[prior]\nvalues = [1, 3]\nprobabilities = [0.5, 0.5]\n[segmentation]\ncost = -1\n',
     "segmentation.cost", "valid segmentation.cost: finite, >= 0"),
])
def test_schema_errors_name_the_field_and_valid_range_in_one_line(command, text, field, valid):
    res = runner.invoke(app, [command, "-"], input=text)
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1, res.output
    assert f"<stdin>: field '{field}'" in lines[0] and valid in lines[0], lines[0]


def test_report_reads_stdin_once_and_records_its_digest(tmp_path):
    import hashlib

    path = EXAMPLES / "info_prosecutor.toml"
    res = runner.invoke(app, ["report", "-", "-o", str(tmp_path / "r.html"), "--json"], input=path.read_text())
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["source"] == "<stdin>"
    assert d["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()   # the bytes read, once
