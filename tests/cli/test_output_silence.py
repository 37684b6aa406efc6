"""Machine-readable output (issue 13, item 1): the solvers write nothing on file
descriptors 1 and 2 unless solver logs are asked for.

highspy 1.16 prints a "Running HiGHS ..." banner on descriptor 1 when the first Highs()
of a process is constructed, before any option can be set; the in-process CLI runner does
not see C-level writes. So these tests run real processes: every command with ``--json``
on each example it accepts, parsing the whole of standard output as JSON and checking
standard error for solver output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
SOLVER_TEXT = re.compile(r"HiGHS|Running|Copyright|SCIP|SoPlex|Coefficient ranges|presolv|"
                         r"Model status|Objective value", re.IGNORECASE)


def _env(**extra):
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("INFOPRICING_SOLVER_LOGS", None)
    env.update(extra)
    return env


def _run(args, cwd, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "infopricing", *args], capture_output=True,
                          text=True, cwd=cwd, env=env or _env(), timeout=timeout)


def _hs(name):
    return str(EX / name)


# (command line, slow?) -- every example each command accepts
CASES = [
    (["menu", _hs("hs_section3.toml")], False),
    (["menu", _hs("hs_section611.toml")], True),
    (["menu", _hs("hs_single_product.toml")], True),
    (["pareto", _hs("hs_section3.toml")], True),
    (["pareto", _hs("hs_section611.toml")], True),
    (["pareto", _hs("hs_single_product.toml")], True),
    (["sweep", _hs("hs_section3.toml"), "--random", "3"], True),
    (["sweep", _hs("hs_section611.toml"), "--random", "3"], True),
    (["sweep", _hs("hs_single_product.toml"), "--grid", "4"], True),
    (["segment", _hs("info_bbm25_example1.toml")], True),
    (["segment", _hs("info_beta_prior.toml")], True),
    (["persuade", _hs("info_prosecutor.toml")], True),
    (["compete", _hs("bbm25_bertrand.toml"), "--grid", "101", "--no-info-grid", "21"], True),
    (["compete", _hs("bbm25_example1.toml"), "--grid", "101", "--no-info-grid", "21"], True),
    (["compete", _hs("bbm25_three_producers.toml"), "--grid", "101", "--no-info-grid", "21"], True),
    (["hotelling", "--prior", "-1:0.25, 0:0.5, 1:0.25", "--lp"], True),
    (["disclose", _hs("clw_example1.toml")], True),
    (["disclose", _hs("clw_example2.toml")], True),
    (["disclose", _hs("clw_independent.toml")], True),
    (["disclose", _hs("clw_negatively_affiliated_3.toml")], True),
    (["experiment", "independent", "-k", "2"], True),
    (["reproduce", "--paper", "HS", "--report", "rep.md"], True),
]


def _id(case):
    args = case[0]
    return "-".join([args[0]] + [Path(a).stem for a in args[1:2] if a.endswith(".toml")])


@pytest.mark.parametrize("args", [pytest.param(a, marks=[pytest.mark.slow] if slow else [],
                                               id=_id((a, slow))) for a, slow in CASES])
def test_json_output_parses_and_solvers_are_silent(args, tmp_path):
    p = _run([*args, "--json"], cwd=tmp_path)
    assert p.returncode in (0, 1), p.stderr[-2000:]
    json.loads(p.stdout)  # the whole of stdout is one JSON document
    assert not SOLVER_TEXT.search(p.stderr), p.stderr[:2000]
    assert p.returncode == 0, "a shipped example failed its verification"


def test_verbose_shows_solver_logs_on_stderr_and_keeps_json(tmp_path):
    p = _run(["--verbose", "menu", _hs("hs_section3.toml"), "--json"], cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    json.loads(p.stdout)
    assert "Model status" in p.stderr or "Coefficient ranges" in p.stderr
    q = _run(["menu", _hs("hs_section3.toml"), "--json"], cwd=tmp_path,
             env=_env(INFOPRICING_SOLVER_LOGS="1"))
    assert q.returncode == 0 and "Coefficient ranges" in q.stderr
    json.loads(q.stdout)


LIBRARY = """
import numpy as np
from infopricing.lp import solver_logs
from infopricing.model import Environment
from infopricing.screening.optimal import optimal_mechanism
from infopricing.lp.bilinear import global_solver_available, solve_bilinear
env = Environment([[1.0, 0.5], [1.5, 3.0]])
def work():
    optimal_mechanism(env, [0.5, 0.5])
    if global_solver_available():
        solve_bilinear([1.0, 1.0], None, col_lower=[0, 0], col_upper=[1, 1],
                       obj_quad=([0], [1], [1.0]))
if {logs}:
    with solver_logs():
        work()
else:
    work()
"""


@pytest.mark.parametrize("logs", [False, True])
def test_library_is_silent_at_the_descriptor_level_unless_asked(logs, tmp_path):
    p = subprocess.run([sys.executable, "-c", LIBRARY.format(logs=logs)], capture_output=True,
                       text=True, cwd=tmp_path, env=_env(), timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    if logs:
        assert p.stdout == ""  # logs go to stderr, never to stdout
        assert "Model status" in p.stderr
    else:
        assert p.stdout == "" and p.stderr == ""
