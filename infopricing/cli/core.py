"""Core commands: ``menu`` and ``reproduce``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .choices import MenuMethod, Paper, Selection
from .common import (check_number, check_output_file, console, err_console, error, fail_if, fmt,
                     model_errors, output_errors, print_json, progress_bar)


def register(app: typer.Typer) -> None:
    app.command("menu")(menu)
    app.command("reproduce")(reproduce)


def menu(model: Path = typer.Argument(..., help="TOML/JSON model file with \\[environment] and \\[market] tables."),
         selection: Selection = typer.Option("efficient",
                                   help="Selection rule among optimal menus (HS section 4)."),
         json_out: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
         exact: bool = typer.Option(False, help="Also re-check IC/IR in exact rational arithmetic."),
         method: MenuMethod = typer.Option("auto", help="auto, full (all n(n-1) IC rows), lazy "
                                                  "(IC rows generated; for large type spaces) or "
                                                  "ipm (structured interior point, then crossover; "
                                                  "generic types of more than two dimensions)."),
         rows: int = typer.Option(40, help="Show at most this many types in the table "
                                            "(those of largest mass)."),
         time_limit: Optional[float] = typer.Option(
             None, "--time-limit", help="Stop early: after at most about this many seconds "
                                        "return the anytime answer of the interior point (an "
                                        "IC-IR menu, a dual upper bound and their certified "
                                        "gap; status 'proven within a gap') instead of the "
                                        "exact menu (Ctrl-C stops it earlier, with the "
                                        "answer so far). With --method auto or ipm only.")):
    """Revenue-optimal lottery menu (HS section 4) of the model's market.

    Exit status: 0 when the menu verifies (IC, IR, optimality certificate; with
    --time-limit: IC, IR and the dual bound), 1 when the verification failed (the menu is
    still printed), 2 for bad input (one-line message)."""
    from .common import load_model
    from ..screening import optimal_mechanism
    from ..screening.optimal import uses_lazy_rows

    with model_errors():
        env, market = load_model(model, "environment", "market")
        if market is None:
            raise ValueError(f"{model}: field 'market': missing table [market]")
        if rows < 1:
            raise ValueError(f"--rows must be at least 1, got {rows}")
        if time_limit is not None:
            check_number(time_limit, "--time-limit", positive=True)
            if method not in ("auto", "ipm"):
                raise ValueError(f"--time-limit gives the interior point's anytime answer; it does "
                                 f"not combine with --method {method} (use auto or ipm)")
    if time_limit is not None:
        return _menu_bounds(env, market, time_limit, json_out, exact, rows)
    with model_errors():
        if uses_lazy_rows(env, method) and not json_out:
            with err_console.status(f"menu LP, {env.n_types} types: starting") as status:
                def progress(done, total, stage="", round=0):
                    if stage == "interior point":
                        status.update(f"menu LP, {env.n_types} types: interior point, iteration "
                                      f"{done} of at most {total}")
                    else:
                        status.update(f"menu LP, {env.n_types} types: {stage} stage, round {round}, "
                                      f"{done} of {total} IC rows in the LP")
                mech = optimal_mechanism(env, market, selection=selection, method=method,
                                         progress=progress)
        else:
            mech = optimal_mechanism(env, market, selection=selection, method=method)
    check = mech.verify(exact=exact)
    if json_out:
        d = mech.as_dict()
        d["verification"] = check.as_dict()
        print_json(d)
    else:
        console.print(mech.menu_table(max_rows=rows))
        # with costs, payments are net of cost: the seller's profit (prices in the table are gross)
        earned = "profit" if any(c != 0 for c in env.costs) else "revenue"
        console.print(f"{earned} {fmt(mech.revenue)}   total surplus {fmt(mech.total_surplus)}   "
                      f"efficient: {mech.is_efficient}   status: {mech.status}")
        console.print(f"verification ({'exact' if exact else 'float'}): "
                      f"{'passed' if check.ok else 'FAILED: ' + '; '.join(check.failures)}")
    fail_if(not check.ok)


def _menu_bounds(env, market, time_limit, json_out, exact, rows):
    """``menu --time-limit``: the anytime answer (:func:`infopricing.screening.menu_bounds`)."""
    import time
    from contextlib import nullcontext

    from ..screening import menu_bounds

    t0 = time.perf_counter()
    with (nullcontext() if json_out else err_console.status("anytime menu bounds: starting")) as status:
        def progress(done, total, gap=None):
            status.update(f"anytime menu bounds, {env.n_types} types: interior point iteration {done}, "
                          f"gap {gap:.1e}, {time.perf_counter() - t0:.0f} of {time_limit:g} s")
        with model_errors():
            b = menu_bounds(env, market, time_limit=time_limit,
                            progress=None if json_out else progress)
    check = b.verify(exact=exact)
    if json_out:
        d = b.as_dict()
        d["verification"] = check.as_dict()
        print_json(d)
    else:
        m = b.mechanism
        console.print(m.menu_table(max_rows=rows))
        earned = "profit" if any(c != 0 for c in env.costs) else "revenue"
        console.print(f"{earned} of this IC-IR menu {fmt(b.lower)}   optimal {earned} at most {fmt(b.upper)}   "
                      f"certified gap {b.gap:.3g}   ({b.params['iterations']} interior-point iterations, "
                      f"{b.params['ipm_status']}, {b.params['seconds']:.1f} s)   status: {b.status}")
        console.print(f"verification ({'exact' if exact else 'float'}; menu IC/IR and the dual bound): "
                      f"{'passed' if check.ok else 'FAILED: ' + '; '.join(check.failures)}")
    fail_if(not check.ok)


def reproduce(paper: Optional[Paper] = typer.Option(None, case_sensitive=False,
                                                  help="Only this paper (any letter case)."),
              report: Path = typer.Option(Path("reproduction.md"), help="Markdown report to write."),
              json_out: bool = typer.Option(False, "--json", help="Print the records as JSON.")):
    """Recompute every numbered claim of the papers and compare with the printed values.

    Exit status: 0 when every claim is reproduced, 1 when some claim is not (the table
    and the report are still written), 2 for bad input (unknown paper, a --report path
    whose directory does not exist)."""
    from ..claims import all_claims, markdown_report
    from ..claims.registry import run_claims

    with model_errors():
        check_output_file(report, "--report")
    claims = all_claims(paper)
    if not claims:
        error(f"no claims for paper {paper!r} (give HS, BBM15, BBM25 or CLW)")
        raise typer.Exit(2)
    with progress_bar(json_out) as prog:
        task = prog.add_task("reproducing claims", total=len(claims))

        def progress(done, total, claim=None):
            prog.update(task, completed=done, total=total,
                        **({} if claim is None else {"description": claim.id}))
        records = run_claims(paper, progress=progress)
    with output_errors(report):
        report.write_text(markdown_report(records))
    if json_out:
        print_json([r.as_dict() for r in records])
    else:
        from rich.markup import escape
        from rich.table import Table

        if console.width >= _WIDE_TABLE:
            t = Table(title="Paper vs computed (locations and statements: see the report)")
            t.add_column("claim", no_wrap=True)
            t.add_column("paper", overflow="fold")
            t.add_column("computed", overflow="fold")
            t.add_column("status", no_wrap=True)
            for r in records:
                t.add_row(r.id, escape(_short(r.paper_value)), escape(_short(r.computed_value)),
                          ("[green]" if r.ok else "[red]") + r.status + "[/]")
            console.print(t)
        else:  # a narrow terminal folds table cells mid-number: one claim per block instead
            console.print("Paper vs computed (locations and statements: see the report)")
            for r in records:
                console.print(("[green]" if r.ok else "[red]") + r.status + "[/] " + escape(r.id))
                console.print(f"    paper    {escape(_short(r.paper_value))}")
                console.print(f"    computed {escape(_short(r.computed_value))}")
        from ..claims.registry import headline

        n_ok = sum(r.ok for r in records)
        console.print(escape(headline(records)))
        console.print(f"{n_ok}/{len(records)} claims reproduced; report written to {report}")
        for r in records:
            if r.status == "text-discrepancy":
                console.print(f"[yellow]{r.id}[/]: {escape(r.note)}")
            elif r.status == "not-computable":
                console.print(f"[cyan]{r.id}[/] (not computable): {escape(r.note)}")
            elif not r.ok:
                console.print(f"[red]{r.id}[/]: {r.note}")
    fail_if(not all(r.ok for r in records))


#: terminal width from which `reproduce` prints its table (narrower: one block per claim)
_WIDE_TABLE = 110


def _short(v) -> str:
    from ..claims.registry import _fmt
    s = _fmt(v)
    return s if len(s) <= 48 else s[:45] + "..."
