"""Review: with ``--json`` every command keeps standard error empty (the pareto and compete
commands left a blank line there from their transient progress display, which the other
commands disable under ``--json``), so a caller capturing both streams sees JSON only."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"


@pytest.mark.parametrize("args", [
    ["pareto", str(EX / "hs_section3.toml")],
    ["compete", str(EX / "bbm25_example1.toml"), "--grid", "101", "--no-info-grid", "21"],
], ids=["pareto", "compete"])
def test_json_leaves_stderr_empty(args, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("INFOPRICING_SOLVER_LOGS", None)
    p = subprocess.run([sys.executable, "-m", "infopricing", *args, "--json"], capture_output=True,
                       text=True, cwd=tmp_path, env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    json.loads(p.stdout)
    assert p.stderr == ""
