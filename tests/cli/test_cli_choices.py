"""Choice options are declared as choices (issue 15, section 3): ``--help`` lists them, shell
completion offers them, and a value outside them exits 2 with one line on stderr, before
anything is computed or written."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from infopricing.cli import app, choices

try:  # typer >= 0.2x carries its own copy of click
    from typer import _click
except ImportError:  # pragma: no cover
    import click as _click

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

# (command, option, the choices it must list)
OPTIONS = [
    ("menu", "selection", choices.SELECTIONS),
    ("menu", "method", choices.MENU_METHODS),
    ("pareto", "selection", choices.SELECTIONS),
    ("sweep", "selection", choices.SELECTIONS),
    ("sweep", "backend", choices.BACKENDS),
    ("report", "selection", choices.SELECTIONS),
    ("disclose", "method", choices.DESIGN_METHODS),
    ("disclose", "formulation", choices.DESIGN_FORMULATIONS),
    ("experiment", "method", choices.DESIGN_METHODS),
    ("experiment", "family", choices.FAMILIES),
    ("reproduce", "paper", choices.PAPERS),
]


def test_choices_agree_with_the_library():
    """The CLI's lists are the library's valid values (kept separate so that building the
    help does not import the solvers)."""
    from infopricing.claims import all_claims
    from infopricing.disclosure.experiments import FAMILIES
    from infopricing.disclosure.lottery import FORMULATIONS
    from infopricing.scale.backend import BACKENDS
    from infopricing.screening.optimal import METHODS, SELECTIONS

    assert choices.SELECTIONS == SELECTIONS
    assert choices.MENU_METHODS == METHODS
    assert choices.FAMILIES == FAMILIES
    assert choices.DESIGN_FORMULATIONS == FORMULATIONS
    assert choices.BACKENDS == BACKENDS
    assert set(choices.PAPERS) == {c.paper.upper() for c in all_claims()}


def _param(command, name):
    cmd = typer.main.get_command(app).commands[command]
    return cmd, next(p for p in cmd.params if p.name == name)


@pytest.mark.parametrize("command,option,values", OPTIONS)
def test_help_lists_the_choices_and_completion_offers_them(command, option, values):
    r = runner.invoke(app, [command, "--help"], env={"COLUMNS": "250"}, terminal_width=250)
    assert r.exit_code == 0, r.output
    shown = "|".join(v.lower() if option == "paper" else v for v in values)
    assert shown in r.output, r.output
    cmd, param = _param(command, option)
    ctx = _click.Context(cmd)
    offered = [c.value for c in param.shell_complete(ctx, "")]
    assert [v.lower() for v in offered] == [v.lower() for v in values]
    first = values[1]
    assert [c.value for c in param.shell_complete(ctx, first[:3])][0].lower() == first.lower()


def run_cli(args, cwd):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "infopricing", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args,option", [
    (["menu", ROOT / "examples/hs_section3.toml", "--selection", "best"], "--selection"),
    (["experiment", "uniform", "--csv", "out.csv"], "family"),
    (["reproduce", "--paper", "XYZ", "--report", "r.md"], "--paper"),
])
def test_bad_choice_exits_2_with_one_line(tmp_path, args, option):
    r = run_cli(args, tmp_path)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 2, r.stderr
    assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr
    assert option in lines[0] and "is not one of" in lines[0] and "Traceback" not in r.stderr
    assert r.stdout == "" and list(tmp_path.iterdir()) == []    # nothing computed or written


def test_paper_choice_is_case_insensitive():
    """``--paper clw`` is accepted and passed on as the catalogue's spelling ``CLW``."""
    cmd, param = _param("reproduce", "paper")
    ctx = _click.Context(cmd)
    r = runner.invoke(app, ["reproduce", "--paper", "nosuch"])
    assert r.exit_code == 2
    value = param.process_value(ctx, "clw")
    assert value == "CLW"
