"""CLI robustness (user review): markets CSV headers, exit codes after failed verifications,
Dask connection and worker checks, the sweep's resume hash, output paths checked before
computing, option names in messages."""

import dataclasses
import json
import time

import numpy as np
import pytest
from typer.testing import CliRunner

from infopricing.cli import app
from infopricing.verify.report import Verification

runner = CliRunner()

# one good, values 1 (low) and 2 (high), no cost: the optimal menu is a posted price, so
# revenue = max(1, 2 f_high) (price 1 sells to all, price 2 to the high type only)
MODEL = """
[environment]
valuations = [[1.0], [2.0]]
types = ["low", "high"]
"""

MENU_MODEL = MODEL + "\n[market]\nprobabilities = [0.5, 0.5]\n"


def revenue(f_high):
    return max(1.0, 2.0 * f_high)


@pytest.fixture()
def model(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text(MODEL)
    return p


def sweep_json(*args):
    r = runner.invoke(app, ["sweep", *map(str, args), "--json", "--backend", "numpy"])
    return r, (json.loads(r.stdout) if r.exit_code == 0 else None)


def one_line_error(r):
    """The message of a failed command: exactly one non-empty line on stderr."""
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in r.output
    return lines[0]


# ---- defect 1: markets CSV header and --normalize ---------------------------------------

def test_markets_header_matches_columns_to_types_by_name(model, tmp_path):
    """Header 'high,low' (reversed): row (0.8, 0.2) is f_high = 0.8, revenue 1.6; row
    (0.1, 0.9) is f_high = 0.1, revenue 1. Positional reading would give 1 and 1.8."""
    csv = tmp_path / "mk.csv"
    csv.write_text("high,low\n0.8,0.2\n0.1,0.9\n")
    r, d = sweep_json(model, "--markets", csv)
    assert r.exit_code == 0, r.output
    assert d["revenue_max"] == pytest.approx(revenue(0.8))
    assert d["revenue_min"] == pytest.approx(revenue(0.1))
    assert d["revenue_mean"] == pytest.approx((revenue(0.8) + revenue(0.1)) / 2)
    # the same markets without a header, columns in model order (low, high)
    plain = tmp_path / "plain.csv"
    plain.write_text("0.2,0.8\n0.9,0.1\n")
    _, d2 = sweep_json(model, "--markets", plain)
    assert d2["revenue_mean"] == pytest.approx(d["revenue_mean"])


@pytest.mark.parametrize("header, named", [
    ("hi,low", ["'hi'", "'high'"]),          # a typo: unknown 'hi', missing 'high'
    ("a,b", ["'a'", "'b'", "'low'", "'high'"]),
    ("low,low", ["'low'", "'high'"]),        # repeated, missing
])
def test_markets_header_with_wrong_names_is_refused(model, tmp_path, header, named):
    csv = tmp_path / "mk.csv"
    csv.write_text(f"{header}\n0.5,0.5\n")
    r, _ = sweep_json(model, "--markets", csv)
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "mk.csv" in msg and "header" in msg
    for name in named:
        assert name in msg


def test_markets_header_of_numeric_type_labels(tmp_path):
    """Types named '1' and '2': the header row '2,1' reads as numbers but is a header."""
    m = tmp_path / "m.toml"
    m.write_text('[environment]\nvaluations = [[1.0], [2.0]]\ntypes = ["1", "2"]\n')
    csv = tmp_path / "mk.csv"
    csv.write_text("2,1\n0.75,0.25\n")
    r, d = sweep_json(m, "--markets", csv)
    assert r.exit_code == 0, r.output
    assert d["markets"] == 1
    assert d["revenue_mean"] == pytest.approx(revenue(0.75))


def test_markets_without_header_need_one_column_per_type(model, tmp_path):
    csv = tmp_path / "mk.csv"
    csv.write_text("0.5,0.5,0\n")
    r, _ = sweep_json(model, "--markets", csv)
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "3 columns" in msg and "2 types" in msg


def test_rows_not_summing_to_one_point_to_normalize(model, tmp_path):
    csv = tmp_path / "mk.csv"
    csv.write_text("0.5,0.5\n0.1,0.8\n")
    r, _ = sweep_json(model, "--markets", csv)
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "row 2" in msg and "0.9" in msg and "--normalize" in msg
    assert "np.float64" not in msg


def test_normalize_rescales_rows(model, tmp_path):
    """Rows (2, 2) and (1, 3) become (1/2, 1/2) and (1/4, 3/4): revenues 1 and 1.5."""
    csv = tmp_path / "mk.csv"
    csv.write_text("low,high\n2,2\n1,3\n")
    r, d = sweep_json(model, "--markets", csv, "--normalize")
    assert r.exit_code == 0, r.output
    assert d["revenue_min"] == pytest.approx(revenue(0.5))
    assert d["revenue_max"] == pytest.approx(revenue(0.75))


@pytest.mark.parametrize("rows, words", [
    ("-1,2\n", ["row 1", "'low'", "-1", "negative"]),
    ("1,1\n0,0\n", ["row 2", "all zeros"]),
])
def test_normalize_refuses_negative_and_zero_rows(model, tmp_path, rows, words):
    csv = tmp_path / "mk.csv"
    csv.write_text(rows)
    r, _ = sweep_json(model, "--markets", csv, "--normalize")
    assert r.exit_code == 2
    msg = one_line_error(r)
    for w in words:
        assert w in msg


def test_normalize_needs_markets_csv(model):
    r, _ = sweep_json(model, "--random", "5", "--normalize")
    assert r.exit_code == 2 and "--markets" in one_line_error(r)


# ---- defect 2: exit status 1 when a verification fails ----------------------------------

def _failing(*_a, **_k):
    return Verification(ok=False, failures=("injected failure",))


def _verified_class(name):
    if name == "menu":
        from infopricing.screening.mechanism import Mechanism
        return Mechanism
    if name == "pareto":
        from infopricing.segmentation.pareto import ParetoAnalysis
        return ParetoAnalysis
    if name == "hotelling":
        from infopricing.competition.hotelling import HotellingOptimum
        return HotellingOptimum
    from infopricing.disclosure.report import DisclosureReport
    return DisclosureReport


DISCLOSE_MODEL = "[distribution]\nvalues = [[10, 5], [6, 5], [0, 3]]\nprobabilities = [0.2, 0.4, 0.4]\n"


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
@pytest.mark.parametrize("command", ["menu", "pareto", "hotelling", "disclose"])
def test_command_exits_1_when_verification_fails(tmp_path, monkeypatch, command, json_flag):
    """A failed verification (injected) still prints the output, then exits 1."""
    m = tmp_path / "m.toml"
    m.write_text(DISCLOSE_MODEL if command == "disclose" else MENU_MODEL)
    args = {"menu": ["menu", str(m)], "pareto": ["pareto", str(m)],
            "hotelling": ["hotelling", "--prior", "-1:0.5, 1:0.5"],
            "disclose": ["disclose", str(m), "--no-opt-rev", "--method", "heuristic"]}[command]
    args = [*args, *json_flag]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    monkeypatch.setattr(_verified_class(command), "verify", _failing)
    r = runner.invoke(app, args)
    assert r.exit_code == 1
    assert "injected failure" in r.stdout          # the output is still printed
    if command == "menu" and json_flag:
        assert json.loads(r.stdout)["verification"]["ok"] is False


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_compete_exits_1_when_equilibrium_check_fails(monkeypatch, json_flag):
    from infopricing.competition.construction import AlignmentConstruction

    args = ["compete", "examples/bbm25_example1.toml", "--grid", "21", "--no-info-grid", "21",
            *json_flag]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    original = AlignmentConstruction.check_equilibrium
    monkeypatch.setattr(AlignmentConstruction, "check_equilibrium",
                        lambda self, *a, **k: dataclasses.replace(original(self, *a, **k), ok=False))
    r = runner.invoke(app, args)
    assert r.exit_code == 1
    if json_flag:
        assert json.loads(r.stdout)["equilibrium_check"]["ok"] is False
    else:
        assert "equilibrium check: FAILED" in r.stdout


def test_experiment_exits_1_when_an_instance_does_not_verify(monkeypatch):
    import infopricing.disclosure.experiments as ex

    original = ex.evaluate_instance
    monkeypatch.setattr(ex, "evaluate_instance", lambda *a, **k: {**original(*a, **k), "verified": False})
    r = runner.invoke(app, ["experiment", "independent", "-k", "2", "--method", "heuristic",
                            "--lottery-max-support", "0", "--json"])
    assert r.exit_code == 1
    d = json.loads(r.stdout)
    assert d["summary"]["all_verified"] is False and d["verification"]["ok"] is False


def test_help_documents_exit_status():
    for cmd in ("menu", "pareto", "segment", "persuade", "compete", "hotelling", "disclose",
                "experiment", "sweep", "reproduce"):
        r = runner.invoke(app, [cmd, "--help"])
        assert r.exit_code == 0
        assert "Exit status" in r.stdout, cmd


# ---- defect 3: Dask scheduler and workers checked before anything is written -------------

def test_unreachable_scheduler_is_one_line_and_writes_nothing(model, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "D"
    t0 = time.perf_counter()
    r = runner.invoke(app, ["sweep", str(model), "--random", "100", "--out", str(out),
                            "--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "1"])
    assert time.perf_counter() - t0 < 20
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "tcp://127.0.0.1:1" in msg and "1 s" in msg
    assert not out.exists()


def test_experiment_unreachable_scheduler_honours_connect_timeout(tmp_path):
    """`experiment --out --scheduler` takes --connect-timeout like `sweep` (it used to
    wait the 10 s default whatever was asked)."""
    pytest.importorskip("distributed")
    out = tmp_path / "E"
    r = runner.invoke(app, ["experiment", "general", "--products", "2", "--support", "2",
                            "--instances", "2", "--out", str(out),
                            "--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "1"])
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "tcp://127.0.0.1:1" in msg and "within 1 s" in msg
    assert not out.exists()


@pytest.mark.parametrize("workers", ["-1", "0"])
def test_workers_below_one_refused_before_writing(model, tmp_path, workers):
    out = tmp_path / "D"
    r = runner.invoke(app, ["sweep", str(model), "--random", "100", "--out", str(out),
                            "--workers", workers])
    assert r.exit_code == 2
    assert f"--workers must be an integer >= 1, got {workers}" in one_line_error(r)
    assert not out.exists()


def test_run_chunked_validates_workers_and_scheduler_before_writing(tmp_path):
    pytest.importorskip("distributed")
    from infopricing.scale import run_chunked

    out = tmp_path / "D"
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="n_workers"):
            run_chunked(len, [[1]], out, {"input_hash": "x"}, n_workers=bad)
    from infopricing.errors import SchedulerUnreachable

    with pytest.raises(SchedulerUnreachable, match="127.0.0.1:1"):
        run_chunked(len, [[1]], out, {"input_hash": "x"}, scheduler="tcp://127.0.0.1:1",
                    connect_timeout=1)
    assert not out.exists()


# ---- defect 4: the resume hash covers labels, gross values and costs ----------------------

def test_resume_refuses_other_labels_values_or_costs(tmp_path):
    pytest.importorskip("distributed")
    import infopricing as ip
    from infopricing.scale import input_hash, sweep_to_parquet

    F = ip.random_markets(2, 50, seed=3)
    env = ip.Environment([[1.0], [2.0]], types=["low", "high"])
    out = tmp_path / "run"
    run = sweep_to_parquet(env, F, out, chunk_size=50, n_workers=1, pilot=0)
    assert run.computed == (0,) and run.verify().ok
    cases = [
        (ip.Environment([[1.0], [2.0]], types=["L", "H"]), "types"),
        (ip.Environment([[1.0], [2.0]], types=["low", "high"], alternatives=["good"]), "alternatives"),
        # same net values (1, 2) from other gross values and a cost
        (ip.Environment([[2.0], [3.0]], types=["low", "high"], costs=[1.0]), "costs"),
    ]
    for other, key in cases:
        assert np.array_equal(other.values, env.values) or key != "costs"
        with pytest.raises(ValueError, match="different run") as exc:
            sweep_to_parquet(other, F, out, chunk_size=50, n_workers=1, pilot=0)
        assert key in str(exc.value)
    # the same inputs resume (nothing to compute)
    again = sweep_to_parquet(env, F, out, chunk_size=50, n_workers=1, pilot=0)
    assert again.computed == () and again.skipped == (0,)

    # a directory written under the old scheme (hash of net values and markets only)
    old = tmp_path / "old"
    old.mkdir()
    man = json.loads((out / "_manifest.json").read_text())
    for k in ("hash_scheme", "gross_values", "costs"):
        man.pop(k)
    man["input_hash"] = input_hash(env.values, F, selection="efficient", chunk_size=50,
                                   dual_tol=man["dual_tol"])
    (old / "_manifest.json").write_text(json.dumps(man))
    with pytest.raises(ValueError, match="different run") as exc:
        sweep_to_parquet(env, F, old, chunk_size=50, n_workers=1, pilot=0)
    assert "hash_scheme" in str(exc.value) and "use another directory" in str(exc.value)
    assert sorted(p.name for p in old.iterdir()) == ["_manifest.json"]


def test_cli_reports_old_output_directory_as_mismatch(model, tmp_path):
    out = tmp_path / "old"
    out.mkdir()
    (out / "_manifest.json").write_text(json.dumps({"input_hash": "0" * 32, "n_chunks": 1,
                                                    "kind": "sweep", "library_version": "0.1"}))
    r = runner.invoke(app, ["sweep", str(model), "--random", "10", "--out", str(out)])
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "different run" in msg and str(out) in msg


# ---- defect 5: output paths checked before computing --------------------------------------

@pytest.fixture()
def seg_model(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text("[prior]\nvalues = [1, 3, 4]\nprobabilities = [0.5, 0.25, 0.25]\n")
    return p


@pytest.fixture()
def menu_model(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text(MENU_MODEL)
    return p


def _commands(seg_model, menu_model, path_opt, path):
    return {
        "segment": ["segment", str(seg_model), path_opt, path],
        "pareto": ["pareto", str(menu_model), path_opt, path],
        "hotelling": ["hotelling", "--prior", "-1:0.5, 1:0.5", path_opt, path],
        "experiment": ["experiment", "independent", "-k", "1", "--method", "heuristic", path_opt, path],
    }


@pytest.mark.parametrize("cmd", ["segment", "pareto", "hotelling", "experiment"])
def test_plot_into_missing_directory(seg_model, menu_model, tmp_path, cmd):
    bad = str(tmp_path / "no" / "such" / "x.png")
    r = runner.invoke(app, _commands(seg_model, menu_model, "--plot", bad)[cmd])
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "--plot" in msg and "does not exist" in msg and str(tmp_path / "no" / "such") in msg


@pytest.mark.parametrize("cmd", ["segment", "pareto", "hotelling", "experiment"])
def test_plot_with_unsupported_format(seg_model, menu_model, tmp_path, cmd):
    bad = str(tmp_path / "x.txt")
    r = runner.invoke(app, _commands(seg_model, menu_model, "--plot", bad)[cmd])
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "'.txt'" in msg and ".png" in msg and ".pdf" in msg and ".svg" in msg
    assert not (tmp_path / "x.txt").exists()


def test_plot_formats_are_those_of_matplotlib(seg_model, tmp_path):
    for name in ("tri.svg", "tri.pdf", "tri"):
        r = runner.invoke(app, ["segment", str(seg_model), "--plot", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
    assert (tmp_path / "tri.svg").stat().st_size > 0 and (tmp_path / "tri.pdf").stat().st_size > 0
    assert (tmp_path / "tri.png").stat().st_size > 0          # no suffix: PNG, named so


def test_experiment_csv_into_missing_directory(tmp_path):
    r = runner.invoke(app, ["experiment", "independent", "-k", "1", "--method", "heuristic",
                            "--csv", str(tmp_path / "nodir" / "x.csv")])
    assert r.exit_code == 2
    assert "--csv" in one_line_error(r)


def test_reproduce_report_into_missing_directory_is_refused_at_once(tmp_path):
    t0 = time.perf_counter()
    r = runner.invoke(app, ["reproduce", "--report", str(tmp_path / "nodir" / "r.md")])
    assert time.perf_counter() - t0 < 10          # before recomputing any claim
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "--report" in msg and "does not exist" in msg


def test_sweep_out_that_is_a_file(model, tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    for out in (f, f / "sub"):
        r = runner.invoke(app, ["sweep", str(model), "--random", "10", "--out", str(out)])
        assert r.exit_code == 2
        assert "--out" in one_line_error(r)
    assert f.read_text() == "x"


# ---- defect 6 / 7: option names in messages, costs, compete's grid ------------------------

def test_no_info_grid_message_names_the_option():
    r = runner.invoke(app, ["compete", "examples/bbm25_example1.toml", "--no-info-grid", "0"])
    assert r.exit_code == 2
    assert one_line_error(r) == "error: --no-info-grid must be an integer >= 2, got 0"
    r = runner.invoke(app, ["compete", "examples/bbm25_example1.toml", "--refine", "-1"])
    assert r.exit_code == 2 and "--refine" in one_line_error(r)


def test_segment_refuses_negative_cost(seg_model, tmp_path):
    r = runner.invoke(app, ["segment", str(seg_model), "--cost", "-5"])
    assert r.exit_code == 2
    assert "--cost must be >= 0, got -5" in one_line_error(r)
    f = tmp_path / "c.toml"
    f.write_text(seg_model.read_text() + "\n[segmentation]\ncost = -5\n")
    r = runner.invoke(app, ["segment", str(f)])
    assert r.exit_code == 2
    msg = one_line_error(r)
    assert "segmentation.cost" in msg and "-5" in msg
    assert runner.invoke(app, ["segment", str(seg_model), "--cost", "0.5"]).exit_code == 0


def test_compete_prints_the_solved_grid():
    """The text output names the price count per (producer, cost) agent of the grid the
    benchmark reports, as recorded in the outcome's grid_sizes."""
    import infopricing as ip
    from infopricing.competition.files import load_game

    r = runner.invoke(app, ["compete", "examples/bbm25_example1.toml", "--grid", "21",
                            "--no-info-grid", "21"])
    assert r.exit_code == 0, r.output
    none = ip.no_information_outcome(load_game("examples/bbm25_example1.toml"), size=21)
    text = " ".join(r.stdout.split())          # undo the console's line wrapping
    agents = ("1@cost 0", "1@cost 1", "2@cost 0", "2@cost 1")   # producers 1, 2; costs 0, 1
    want = ", ".join(f"{a}: {n}" for a, n in zip(agents, none.grid_sizes))
    assert f"solved grid (--no-info-grid 21): prices per (producer, cost) agent {want}" in text


def test_model_error_keeps_bracketed_table_names(tmp_path):
    """Rich markup must not swallow '[market]' in an error message."""
    m = tmp_path / "m.toml"
    m.write_text(MODEL)
    r = runner.invoke(app, ["menu", str(m)])
    assert r.exit_code == 2
    assert "[market]" in one_line_error(r)


def test_numeric_type_labels_with_a_market_like_first_row_are_refused(tmp_path):
    """Types named "0" and "1": a first row "1,0" names them but is also a market; it used
    to be taken as a header, dropping that market and permuting the others (code review).
    Now refused; a first row that names them and is not a market ("1,2" style, summing to
    3) is still read as a header."""
    m = tmp_path / "m.toml"
    m.write_text('[environment]\ntypes = ["0", "1"]\nvaluations = [[1.0], [2.0]]\n')
    c = tmp_path / "mk.csv"
    c.write_text("1,0\n0.5,0.5\n0.2,0.8\n")
    r = runner.invoke(app, ["sweep", str(m), "--markets", str(c), "--json"])
    assert r.exit_code == 2
    assert "also a valid market" in one_line_error(r)
    m2 = tmp_path / "m2.toml"
    m2.write_text('[environment]\ntypes = ["1", "2"]\nvaluations = [[1.0], [2.0]]\n')
    c2 = tmp_path / "mk2.csv"
    c2.write_text("2,1\n0.25,0.75\n")
    r = runner.invoke(app, ["sweep", str(m2), "--markets", str(c2), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["markets"] == 1
