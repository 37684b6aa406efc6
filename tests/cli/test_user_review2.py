"""Regressions found by the review2 user pass."""

import subprocess
import sys


def test_help_into_closed_pipe_exits_without_traceback():
    # `infopricing pareto --help | head -1`: the pipe closes early; typer aborts with
    # SystemExit(1). main() used to evaluate `cx.Abort`, which the bundled click copy
    # lacks, and crashed with AttributeError inside the except clause.
    proc = subprocess.run(
        f"{sys.executable} -m infopricing pareto --help | head -c 10 >/dev/null; "
        "echo ${PIPESTATUS[0]}",
        shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=60,
    )
    assert "AttributeError" not in proc.stderr
    assert "Traceback" not in proc.stderr
