"""Bad input on the command line (issue 13, section 5), run in subprocesses as a user would:
exit status 2, one line on stderr, no traceback, nothing written."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = '[environment]\ntypes = ["t1", "t2"]\nvaluations = [[1.0], [2.0]]\n'


def run(args, cwd, pre=""):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = pre + "from infopricing.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def assert_bad_input(r, *words):
    err = [ln for ln in r.stderr.splitlines() if ln.strip() and not ln.startswith(("Running HiGHS",
                                                                                  "Includes third"))]
    assert r.returncode == 2, r.stderr[-3000:]
    assert len(err) == 1 and err[0].startswith("error:"), r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in err[0], err[0]


def _files(d: Path):
    return sorted(p.relative_to(d).as_posix() for p in d.rglob("*"))


MARKET = "[market]\nprobabilities = [0.5, 0.5]\n"
MODEL_FILES = {
    "values near 1e308": ("m.toml", "[environment]\nvaluations = [[1e308], [1.7e308]]\n" + MARKET,
                          "magnitude"),
    "integer 10**400": ("m.toml", f"[environment]\nvaluations = [[{10 ** 400}], [2]]\n" + MARKET,
                        "magnitude"),
    "integer 10**5000 (json)": ("m.json", '{"environment": {"valuations": [[' + "9" * 5000 + "], [1]]}}",
                                "cannot parse"),
    "nested 100000 deep (json)": ("m.json", '{"environment": {"valuations": ' + "[" * 100000
                                  + "]" * 100000 + "}}", "nested too deeply"),
    "nested 100000 deep (toml)": ("m.toml", "[environment]\nvaluations = " + "[" * 100000 + "1"
                                  + "]" * 100000 + "\n", "nested too deeply"),
    "nested 500 deep (json)": ("m.json", '{"environment": {"valuations": ' + "[" * 500 + "1"
                               + "]" * 500 + "}}", "valuations"),
    "market masses near 1e308 without normalize": ("m.toml", MODEL + "[market]\nprobabilities = "
                                                   "[1e308, 1e308]\n", "probabilities"),
}


@pytest.mark.parametrize("case", sorted(MODEL_FILES))
@pytest.mark.parametrize("command", ["menu", pytest.param("pareto", marks=pytest.mark.slow)])
def test_model_file_with_extreme_numbers_or_nesting(tmp_path, case, command):
    name, text, word = MODEL_FILES[case]
    (tmp_path / name).write_text(text)
    before = _files(tmp_path)
    assert_bad_input(run([command, name, "--json"], tmp_path), word)
    assert _files(tmp_path) == before


def test_market_masses_near_1e308_with_normalize_are_rescaled(tmp_path):
    (tmp_path / "m.toml").write_text(MODEL + "[market]\nprobabilities = [1e308, 1.7e308]\n"
                                     "normalize = true\n")
    r = run(["menu", "m.toml", "--json"], tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    d = json.loads(r.stdout[r.stdout.index("{"):])
    # two types with values 1 and 2, f_high = 1.7/2.7 > 1/2: price 2, revenue 2 * 1.7/2.7
    assert d["revenue"] == pytest.approx(2 * 1.7 / 2.7, abs=1e-9)


@pytest.mark.parametrize("args,word", [(["--random", 10 ** 12], "needs about"),
                                       (["--grid", 10 ** 8], "needs about"),
                                       pytest.param(["--random", 0], "--random", marks=pytest.mark.slow),
                                       pytest.param(["--grid", -1], "--grid", marks=pytest.mark.slow)])
def test_sweep_sizes_are_estimated_and_refused(tmp_path, args, word):
    (tmp_path / "m.toml").write_text(MODEL)
    assert_bad_input(run(["sweep", "m.toml", *args, "--out", "out"], tmp_path), word)
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_segment_with_a_prior_of_five_million_values_is_refused_with_the_estimate(tmp_path):
    n = 5_000_000
    vals = ",".join(str(i + 1) for i in range(n))
    probs = ",".join(["2e-7"] * n)
    (tmp_path / "m.json").write_text('{"prior": {"values": [' + vals + '], "probabilities": ['
                                     + probs + "]}}")
    assert_bad_input(run(["segment", "m.json"], tmp_path), "needs about", "5000000 values")


def test_plot_given_an_existing_directory_is_refused(tmp_path):
    (tmp_path / "m.toml").write_text(MODEL + "[market]\nprobabilities = [0.5, 0.5]\n")
    (tmp_path / "figs").mkdir()
    assert_bad_input(run(["pareto", "m.toml", "--plot", "figs"], tmp_path), "is a directory")
    assert not (tmp_path / "figs.png").exists() and _files(tmp_path / "figs") == []


def test_sweep_out_that_cannot_be_created(tmp_path):
    (tmp_path / "m.toml").write_text(MODEL)
    (tmp_path / "afile").write_text("x")
    assert_bad_input(run(["sweep", "m.toml", "--random", 10, "--out", "afile/out"], tmp_path), "--out")
    # a directory the operating system refuses (root passes os.access checks; /proc does not
    # let anyone create directories)
    r = run(["sweep", "m.toml", "--random", 10, "--out", "/proc/infopricing-test/out",
             "--workers", 1], tmp_path)
    assert_bad_input(r, "/proc/infopricing-test/out")


@pytest.mark.parametrize("module", ["distributed", pytest.param("pyarrow", marks=pytest.mark.slow),
                                    pytest.param("pandas", marks=pytest.mark.slow)])
def test_missing_scale_extra_names_the_install_command(tmp_path, module):
    (tmp_path / "m.toml").write_text(MODEL)
    pre = f"import sys; sys.modules[{module!r}] = None; "  # as if it were not installed
    r = run(["sweep", "m.toml", "--random", 10, "--out", "out", "--workers", 1], tmp_path, pre=pre)
    assert_bad_input(r, "pip install 'infopricing[scale]'", module)
    assert not (tmp_path / "out").exists()
