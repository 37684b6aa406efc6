"""`infopricing sweep` (issue 7): thin CLI over scale.sweep / sweep_to_parquet."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from infopricing.cli import app

runner = CliRunner()

MODEL = """
[environment]
valuations = [[1.0], [2.0]]
types = ["low", "high"]
"""


@pytest.fixture()
def model(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text(MODEL)
    return p


def test_sweep_grid_json_summary(model):
    """Grid f_high in {0, 1/4, ..., 1}: revenue max(1, 2 f_high) (posted price, one good):
    1, 1, 1, 1.5, 2 -> mean 1.3; efficient exactly where f_high <= 1/2 (3 of 5 markets)."""
    r = runner.invoke(app, ["sweep", str(model), "--grid", "4", "--json", "--backend", "numpy"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["markets"] == 5
    assert d["revenue_mean"] == pytest.approx(1.3)
    assert d["revenue_max"] == pytest.approx(2.0)
    assert d["share_efficient"] == pytest.approx(0.6)
    assert d["verification"]["ok"] is True


def test_sweep_markets_csv_and_table(model, tmp_path):
    csv = tmp_path / "mk.csv"
    np.savetxt(csv, np.array([[0.9, 0.1], [0.2, 0.8]]), delimiter=",")
    r = runner.invoke(app, ["sweep", str(model), "--markets", str(csv), "--backend", "numpy"])
    assert r.exit_code == 0, r.output
    assert "verification: passed" in r.output


def test_sweep_needs_exactly_one_market_source(model):
    r = runner.invoke(app, ["sweep", str(model)])
    assert r.exit_code == 2
    assert "exactly one" in r.output
    r = runner.invoke(app, ["sweep", str(model), "--random", "5", "--scheduler", "tcp://x:1"])
    assert r.exit_code == 2 and "--out" in r.output


def test_sweep_to_parquet_on_local_cluster_then_resume(model, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    args = ["sweep", str(model), "--random", "300", "--out", str(out), "--chunk-size", "100",
            "--workers", "1", "--json"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["chunks"] == 3 and d["computed"] == [0, 1, 2] and d["verification"]["ok"]
    r = runner.invoke(app, args)
    d = json.loads(r.stdout)
    assert d["computed"] == [] and d["skipped"] == [0, 1, 2]
