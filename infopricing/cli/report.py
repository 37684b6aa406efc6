"""The ``report`` command: one self-contained HTML page with every analysis of a model."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .choices import Selection
from .common import (check_output_file, console, fail_if, model_errors, output_errors, print_json,
                     progress_bar)


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)


def report_cmd(model: Path = typer.Argument(..., help="TOML/JSON model file: \\[environment] and "
                                             "\\[market], \\[prior], \\[persuasion], \\[game] or "
                                             "\\[distribution]."),
               out: Path = typer.Option(Path("report.html"), "-o", "--out",
                                        help="The HTML file to write."),
               selection: Selection = typer.Option("efficient",
                                             help="Selection rule among optimal menus."),
               explorer_size: Optional[int] = typer.Option(None, "--explorer-size",
                                                           help="Grid steps of the 2/3-type market "
                                                                "explorer (default 40 / 12)."),
               opt_rev: Optional[bool] = typer.Option(None, "--opt-rev/--no-opt-rev",
                                                      help="CLW: compute OPT-Rev (default: up to "
                                                           "four profiles)."),
               node_limit: int = typer.Option(2000, "--node-limit", help="CLW: branch-and-bound "
                                              "nodes per global solve (deterministic; an "
                                              "unclosed gap is shown with its bound)."),
               json_out: bool = typer.Option(False, "--json", help="Also print the report's "
                                             "content (tables, certificates) as JSON.")):
    """Write one self-contained HTML report (no server, no network needed to view it) with
    every analysis that applies to the model, each with its certificate status, the library
    version, the model file's SHA-256 and the parameters used.

    Exit status: 0 when every certificate in the report verifies, 1 when one failed (the
    report is still written and says which), 2 for bad input (model file, options, an
    output path whose directory does not exist; nothing is written)."""
    from ..report import report

    with model_errors():
        check_output_file(out, "--out")
        if out.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"--out {out}: the report is an HTML file; give a name ending in .html")
        with progress_bar(json_out) as prog:
            task = prog.add_task("report: analysing", total=None)
            rep = report(model, selection=selection, explorer_size=explorer_size, opt_rev=opt_rev,
                         clw_node_limit=node_limit,
                         progress=lambda done, total: prog.update(
                             task, completed=done, total=total,
                             description="report: market explorer"))
    with output_errors(out):
        rep.write(out)
    check = rep.verify()
    if json_out:
        d = rep.as_dict()
        d["path"] = str(out)
        d["verification"] = check.as_dict()
        print_json(d)
    else:
        size = out.stat().st_size
        console.print(f"wrote {out} ({size / 1e6:.2f} MB): {len(rep.sections)} sections, "
                      f"{len(rep.certificates)} certificates, "
                      + ("all verified" if rep.verified else "a certificate FAILED"))
        for c in rep.certificates:
            if not c.ok:
                console.print(f"[red]failed:[/] {c.what}: {c.detail}")
    fail_if(not check.ok)
