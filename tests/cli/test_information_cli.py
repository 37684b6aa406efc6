"""CLI commands `segment` and `persuade` and their model-file tables."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infopricing.cli import app
from infopricing.errors import ModelFileError
from infopricing.information.files import load_segmentation_model, parse_prior

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_segment_example1_json_and_plot(tmp_path):
    """BBM25 Example 1 model file: uniform price 3, greedy efficient with profit 1.5."""
    out = tmp_path / "tri.png"
    r = runner.invoke(app, ["segment", str(EXAMPLES / "info_bbm25_example1.toml"), "--json",
                            "--plot", str(out)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["triangle"]["uniform_price"] == 3.0
    assert d["greedy"]["producer_surplus"] == pytest.approx(1.5)
    assert d["point"]["expected_consumer_surplus"] == pytest.approx(0.4)
    assert all(v["ok"] for v in d["verification"].values())
    assert out.stat().st_size > 1000


def test_segment_tables_continuous_prior():
    r = runner.invoke(app, ["segment", str(EXAMPLES / "info_beta_prior.toml")])
    assert r.exit_code == 0, r.output
    assert "verification: passed" in r.stdout


def test_persuade_prosecutor():
    r = runner.invoke(app, ["persuade", str(EXAMPLES / "info_prosecutor.toml"), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["value"] == pytest.approx(0.6)
    assert d["verification"]["ok"]


@pytest.mark.parametrize("text,field", [
    ('[prior]\nvalues = [3, 1]\nprobabilities = [0.5, 0.5]\n', "prior"),
    ('[prior]\nvalues = [1, 3]\nprobabilities = [0.5, 0.6]\n', "prior"),
    ('[prior]\ndistribution = "norm"\n', "prior"),
    ('[prior]\ndistribution = "no_such_thing"\n', "prior.distribution"),
    ('[prior]\nvalues = [1, 3]\n', "prior.probabilities"),
])
def test_bad_prior_tables(tmp_path, text, field):
    p = tmp_path / "m.toml"
    p.write_text(text)
    with pytest.raises(ModelFileError) as e:
        load_segmentation_model(p)
    assert e.value.field == field
    r = runner.invoke(app, ["segment", str(p)])
    assert r.exit_code == 2


def test_persuade_missing_table(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text("[prior]\nvalues=[1]\nprobabilities=[1]\n")
    r = runner.invoke(app, ["persuade", str(p)])
    assert r.exit_code == 2


def test_continuous_prior_table(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text('[prior]\ndistribution = "uniform"\nparameters = { loc = 0, scale = 2 }\nsize = 10\n')
    from infopricing.io import read_model_file
    pr = parse_prior(read_model_file(p), p)
    assert pr.size == 10 and pr.mean == pytest.approx(1.0)
