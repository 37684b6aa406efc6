"""review13: the CLI on the reviewer's own model files, its outputs read back as a program
would, and the defects found."""
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from _review13_independent import menu_revenue, selected_consumer_surplus
from infopricing.cli import app

SHOP = """[environment]
types = ["z", "a", "b", "c"]
alternatives = ["x", "y"]
valuations = [[0, 0], [1, 2], [2, 3], [3, 3.5]]

[market]
probabilities = [0.1, 0.3, 0.3, 0.3]
"""
V = np.array([[0, 0], [1, 2], [2, 3], [3, 3.5]])


def test_zero_welfare_ratios_say_undefined_not_missing_flag(tmp_path):
    """Defect (fixed, cli/clw.py): with every value 0, OPT-Wel = 0 and every ratio is 0/0;
    the table said "not computed (--opt-rev)", sending the user to a flag that changes
    nothing (OPT-Rev was computed: 0). JSON keeps value None with both parts present."""
    (tmp_path / "z.toml").write_text("[distribution]\nvalues = [[0, 0], [0, 0]]\nprobabilities = [0.5, 0.5]\n")
    r = CliRunner().invoke(app, ["disclose", str(tmp_path / "z.toml")])
    assert r.exit_code == 0          # the table may wrap a cell over two lines
    assert "not computed" not in r.stdout and "(--opt-rev)" not in r.stdout
    assert r.stdout.count("undefined") == 8 and "(OPT-Wel = 0)" in r.stdout and "(OPT-Rev = 0)" in r.stdout
    j = CliRunner().invoke(app, ["disclose", str(tmp_path / "z.toml"), "--json"])
    d = json.loads(j.stdout)
    assert d["design"]["revenue"] == 0 and d["welfare"] == 0
    assert all(x["value"] is None and x["denominator_value"] == 0 for x in d["ratios"])


def test_hotelling_help_says_scipy_loc_scale():
    """The --prior help gave 'uniform(-1, 2)' without saying it is scipy's (loc, scale),
    i.e. uniform on [-1, 1]; a user reading it as [-1, 2] had an asymmetric prior accepted
    as a symmetric one."""
    import os
    r = subprocess.run([sys.executable, "-m", "infopricing", "hotelling", "--help"], capture_output=True,
                       text=True, timeout=60, env={**os.environ, "COLUMNS": "300"})
    assert "(loc, scale)" in r.stdout and "(uniform on [-1, 1])" in r.stdout


@pytest.mark.parametrize("selection", ["efficient", "consumer", "adverse"])
def test_menu_json_on_a_revenue_tie_matches_own_lps(tmp_path, selection):
    (tmp_path / "shop.toml").write_text(SHOP)
    r = CliRunner().invoke(app, ["menu", str(tmp_path / "shop.toml"), "--json", "--selection", selection])
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    f = [0.1, 0.3, 0.3, 0.3]
    assert d["revenue"] == pytest.approx(menu_revenue(V, f), abs=1e-9)
    stage = {"efficient": [("welfare", "max"), ("cs", "max")], "consumer": [("cs", "max")],
             "adverse": [("cs", "min")]}[selection]
    lo, hi = selected_consumer_surplus(V, f, stage)      # documented rule, own LPs
    assert d["expected_consumer_surplus"] == pytest.approx(lo, abs=1e-7) and lo == pytest.approx(hi, abs=1e-7)
    assert d["verification"]["ok"] is True


def test_sweep_csv_rows_match_own_lp_and_zero_mass_rows(tmp_path):
    """Per-market revenue read back from --csv equals the own LP, including markets with
    zero masses (one with a single type)."""
    (tmp_path / "shop.toml").write_text(SHOP)
    (tmp_path / "mk.csv").write_text("c,b,a,z\n0.3,0.3,0.3,0.1\n1,0,0,0\n0,0,0.5,0.5\n")
    out = tmp_path / "rows.csv"
    r = CliRunner().invoke(app, ["sweep", str(tmp_path / "shop.toml"), "--markets", str(tmp_path / "mk.csv"),
                                 "--csv", str(out), "--json"])
    assert r.exit_code == 0
    df = pd.read_csv(out)
    for _, row in df.iterrows():
        f = row[["f_z", "f_a", "f_b", "f_c"]].to_numpy(float)
        assert row["revenue"] == pytest.approx(menu_revenue(V, f), abs=1e-9)
    assert df["revenue"].tolist() == pytest.approx([1.8, 3.5, 1.0], abs=1e-9)   # header order respected


@pytest.mark.parametrize("body", [
    "[distribution]\nvalues = [[1, -2], [2, 3]]\nprobabilities = [0.5, 0.5]\n",
    "[game]\nvalues = [[1, 2], [2, 3]]\ncosts = [[0, 0], [0, -1]]\nprobabilities = [0.5, 0.5]\n",
    "[game]\nvalues = [[1, 2], [2, 3]]\ncosts = [[0, 0], [0, 0]]\nprobabilities = [0.5, 0.5]\n"
    "[information]\nweights = [0.5, 0.5]\nsegments = [[1, 0], [1, 0]]\n",
])
def test_bad_models_of_other_commands_exit_2_with_one_line(tmp_path, body):
    (tmp_path / "bad.toml").write_text(body)
    cmd = "disclose" if "distribution" in body else "compete"
    o = subprocess.run([sys.executable, "-m", "infopricing", cmd, str(tmp_path / "bad.toml"), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert o.returncode == 2 and o.stdout == "" and len(o.stderr.strip().splitlines()) == 1


def test_dataframe_columns_name_products_and_producers():
    """Usability defect (fixed, model/distribution.py, model/game.py): Environment takes a
    DataFrame's labels, but ValueDistribution and PricingGame refused a DataFrame with
    labelled columns (TypeError "pass .to_numpy()"). Its columns are now the products /
    producers, and given labels reorder the columns; row labels are still refused (the
    profiles carry none), so nothing is read misaligned."""
    import infopricing as ip

    df = pd.DataFrame([[1, 2], [2, 1]], columns=["A", "B"])
    d = ip.ValueDistribution(df, [0.5, 0.5])
    assert d.products == ("A", "B") and d.values.tolist() == [[1, 2], [2, 1]]
    d = ip.ValueDistribution(df, [0.5, 0.5], products=["B", "A"])
    assert d.values.tolist() == [[2, 1], [1, 2]]
    with pytest.raises(ValueError, match="unknown"):
        ip.ValueDistribution(df, [0.5, 0.5], products=["B", "C"])
    with pytest.raises(TypeError, match="index"):
        ip.ValueDistribution(df.set_axis(["x", "y"]), [0.5, 0.5])
    g = ip.PricingGame(pd.DataFrame([[1, 3], [2, 1]], columns=["A", "B"]),
                       pd.DataFrame([[0, 0.5], [0.25, 0]], columns=["B", "A"]), [0.5, 0.5])
    assert g.producers == ("A", "B") and g.costs.tolist() == [[0.5, 0], [0, 0.25]]
