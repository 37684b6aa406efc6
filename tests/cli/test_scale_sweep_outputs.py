"""`infopricing sweep --csv / --plot / --json` (issue 15, section 2), run as a user runs it:
in a subprocess. The CSV is parsed with the csv module and checked against the Parquet
chunks of the same sweep (same rows, same menu and basis ids) and against an independent
recomputation of a few rows (one LP per market); the figure file is a valid PNG of the
expected size; the JSON is the result's ``as_dict()``.

References: HS, section 4 (the menu LP), section 5 (Figure 1).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import infopricing as ip
from infopricing import catalog
from infopricing.scale.sweep import CSV_MAX_MARKETS

ROOT = Path(__file__).resolve().parents[2]
HS3 = ROOT / "examples" / "hs_section3.toml"
HS611 = ROOT / "examples" / "hs_section611.toml"


def cli(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "infopricing", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def hs3_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("sweep")
    r = cli("sweep", HS3, "--grid", 20, "--csv", d / "rows.csv", "--plot", d / "map.png",
            "--json", "--backend", "numpy")
    assert r.returncode == 0, r.stderr[-2000:]
    return d, json.loads(r.stdout), read_csv(d / "rows.csv")


@pytest.mark.slow  # the module's one CLI subprocess (cold import, ~5-15 s)
def test_csv_rows_recomputed_independently(hs3_run):
    """Each row's market is the grid's, and a few rows' revenue, surpluses and efficiency
    equal one menu LP per market (optimal_mechanism), and HS section 3's closed form
    revenue max(1, 0.75 + q, 2q) (q = share of t2: both buy H at 1; t1 buys L at 0.75 and
    t2 H at 1.75; only t2 buys H at 2)."""
    _, _, rows = hs3_run
    env = catalog.hs_section3()
    assert len(rows) == 21
    assert [int(r["market"]) for r in rows] == list(range(21))
    qs = sorted(float(r["f_t2"]) for r in rows)
    assert qs == pytest.approx(np.linspace(0, 1, 21).tolist())
    for r in rows:
        q = float(r["f_t2"])
        assert float(r["f_t1"]) + q == pytest.approx(1.0)
        assert float(r["revenue"]) == pytest.approx(max(1.0, 0.75 + q, 2 * q), abs=1e-9)
        assert r["verified"] == "True"
    for r in rows[::5]:
        f = [float(r["f_t1"]), float(r["f_t2"])]
        m = ip.optimal_mechanism(env, f)
        assert float(r["revenue"]) == pytest.approx(m.revenue, abs=1e-9)
        assert [float(r["cs_t1"]), float(r["cs_t2"])] == pytest.approx(list(m.utilities), abs=1e-9)
        assert (r["efficient"] == "True") == bool(m.is_efficient)
    # a menu id names one menu: rows with the same id have the same surpluses
    by_id = {}
    for r in rows:
        by_id.setdefault(r["mechanism"], set()).add((r["cs_t1"], r["cs_t2"]))
    assert all(len(v) == 1 for v in by_id.values())


@pytest.mark.slow  # the module's one CLI subprocess (cold import, ~5-15 s)
def test_json_is_the_results_as_dict(hs3_run):
    d, out, rows = hs3_run
    assert out["type"] == "SweepResult" and out["status"] == "optimal"
    assert out["params"]["selection"] == "efficient"
    assert out["markets"] == len(rows)
    rev = np.array([float(r["revenue"]) for r in rows])
    assert out["revenue_mean"] == pytest.approx(rev.mean())
    assert out["revenue_max"] == pytest.approx(rev.max())
    eff = np.array([r["efficient"] == "True" for r in rows])
    assert out["share_efficient"] == pytest.approx(eff.mean())
    assert out["verification"]["ok"] is True
    res = ip.sweep(catalog.hs_section3(), ip.scale.simplex_grid(2, 20))
    mine = res.as_dict()
    for k in ("markets", "bases", "certified_unique", "boundary_selected", "revenue_mean",
              "share_efficient", "consumer_surplus_mean"):
        assert out[k] == pytest.approx(mine[k]), k
    json.dumps(mine, allow_nan=False)


@pytest.mark.slow  # the module's one CLI subprocess (cold import, ~5-15 s)
def test_plot_file_is_a_png_of_the_expected_size(hs3_run):
    """8 x 4.5 inches at 120 dpi (plot_sweep_map's two-type figure)."""
    from matplotlib.image import imread

    d, _, _ = hs3_run
    raw = (d / "map.png").read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    img = imread(d / "map.png")
    assert img.shape[:2] == (540, 960)


@pytest.mark.slow  # starts a local Dask cluster (about 5-10 s on 2 busy cores)
def test_csv_equals_the_parquet_chunks(tmp_path):
    pytest.importorskip("distributed")
    pd = pytest.importorskip("pandas")
    r = cli("sweep", HS611, "--grid", 8, "--csv", tmp_path / "rows.csv", "--backend", "numpy")
    assert r.returncode == 0, r.stderr[-2000:]
    r = cli("sweep", HS611, "--grid", 8, "--out", tmp_path / "pq", "--workers", 1,
            "--chunk-size", 20, "--json")
    assert r.returncode == 0, r.stderr[-2000:]
    assert json.loads(r.stdout)["chunks"] == 3
    rows = read_csv(tmp_path / "rows.csv")
    pq = pd.read_parquet(tmp_path / "pq").sort_values("market").reset_index(drop=True)
    assert len(rows) == len(pq) == 45
    # the chunk files add their chunk number; every other column is the CSV's
    assert list(rows[0].keys()) == [c for c in pq.columns if c != "chunk"]
    for r, (_, p) in zip(rows, pq.iterrows()):
        assert int(r["market"]) == int(p["market"])
        for t in ("t1", "t2", "t3"):
            assert float(r[f"f_{t}"]) == p[f"f_{t}"]
        assert float(r["revenue"]) == pytest.approx(p["revenue"], abs=1e-12)
        assert r["mechanism"] == p["mechanism"]  # same menu ids
        # which stored basis certifies a market depends on the pilot sample and the order
        # (sweep's docstring: the answers do not), so basis ids are only well formed
        assert len(r["basis"]) == len(p["basis"]) == 16
        assert r["efficient"] == str(bool(p["efficient"]))


def runner_cli(*args):
    from typer.testing import CliRunner

    from infopricing.cli import app

    r = CliRunner().invoke(app, [str(a) for a in args])
    return r.exit_code, r.stderr


def test_csv_above_the_limit_is_refused_before_computing(tmp_path):
    code, err = runner_cli("sweep", HS611, "--random", CSV_MAX_MARKETS + 1, "--csv", tmp_path / "big.csv")
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "--csv" in lines[0] and str(CSV_MAX_MARKETS) in lines[0]
    assert not (tmp_path / "big.csv").exists()


def test_plot_needs_two_or_three_types_and_no_out(tmp_path):
    m = tmp_path / "m4.toml"
    m.write_text("[environment]\nvaluations = [[1.0], [2.0], [3.0], [4.0]]\n")
    code, err = runner_cli("sweep", m, "--grid", 2, "--plot", tmp_path / "x.png")
    assert code == 2 and "2 or 3 types" in err
    code, err = runner_cli("sweep", HS3, "--grid", 2, "--plot", tmp_path / "x.png", "--out", tmp_path / "o")
    assert code == 2 and "--out" in err
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "o").exists()


def test_write_csv_refuses_above_the_limit_and_leaves_nothing(tmp_path, monkeypatch):
    import importlib

    sw = importlib.import_module("infopricing.scale.sweep")  # the module, not the function
    res = ip.sweep(catalog.hs_section3(), [[0.5, 0.5], [0.2, 0.8]])
    monkeypatch.setattr(sw, "CSV_MAX_MARKETS", 1)
    with pytest.raises(ValueError, match="CSV_MAX_MARKETS"):
        res.write_csv(tmp_path / "a.csv")
    assert list(tmp_path.iterdir()) == []
