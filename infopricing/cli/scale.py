"""Scale commands: ``sweep`` (many markets of one environment, certified per market; in
process, or chunked on Dask to Parquet)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import typer
from rich.progress import Progress

from .common import console, err_console, fmt, model_errors, print_json, table


def register(app) -> None:
    """Add this area's commands to the app."""
    app.command("sweep")(sweep_cmd)


def _markets(env, markets_csv, random, grid, alpha, seed, model):
    from ..io import read_csv_matrix
    from ..scale import random_markets, simplex_grid

    given = [x is not None for x in (markets_csv, random, grid)]
    if sum(given) != 1:
        raise ValueError("give exactly one of --markets CSV, --random N or --grid STEPS")
    if markets_csv is not None:
        F, _ = read_csv_matrix(markets_csv, field="markets")
        return np.asarray(F, dtype=float)
    if random is not None:
        return random_markets(env.n_types, random, alpha=alpha, seed=seed)
    return simplex_grid(env.n_types, grid)


def sweep_cmd(model: Path = typer.Argument(..., help="TOML/JSON model file with an \\[environment] table."),
              markets: Optional[Path] = typer.Option(None, "--markets", help="CSV of markets, one row per market (columns = types)."),
              random: Optional[int] = typer.Option(None, help="Sweep N random Dirichlet markets."),
              grid: Optional[int] = typer.Option(None, help="Sweep the simplex grid with masses in multiples of 1/STEPS."),
              alpha: float = typer.Option(1.0, help="Dirichlet parameter for --random."),
              seed: int = typer.Option(0, help="Seed for --random."),
              selection: str = typer.Option("efficient", help="Selection rule: efficient, consumer or adverse."),
              backend: str = typer.Option("auto", help="Certification products on: auto, numpy, torch, cupy."),
              out: Optional[Path] = typer.Option(None, help="Write per-market results as Parquet chunks into this directory (runs on Dask; resumable)."),
              scheduler: Optional[str] = typer.Option(None, help="Address of an existing Dask scheduler (default: an embedded local cluster). Needs --out."),
              workers: Optional[int] = typer.Option(None, help="Worker processes of the local cluster."),
              chunk_size: int = typer.Option(100_000, help="Markets per chunk / Parquet file."),
              json_out: bool = typer.Option(False, "--json", help="Print a JSON summary.")):
    """Optimal menus of many markets of one environment (HS section 4), each certified by a
    stored optimal basis; LPs only where no stored basis certifies."""
    from ..io import load_environment
    from ..scale import sweep, sweep_to_parquet

    with model_errors():
        env, _ = load_environment(model)
        F = _markets(env, markets, random, grid, alpha, seed, model)
        if scheduler is not None and out is None:
            raise ValueError("--scheduler needs --out (a directory for the Parquet chunks)")
        if out is not None:
            with Progress(console=err_console, transient=True, disable=json_out) as prog:
                task = prog.add_task("chunks", total=None)
                run = sweep_to_parquet(env, F, out, selection=selection, chunk_size=chunk_size,
                                       scheduler=scheduler, n_workers=workers,
                                       backend="numpy" if backend == "auto" else backend,
                                       progress=lambda d, t: prog.update(task, completed=d, total=t))
            check = run.verify()
            summary = {"markets": int(F.shape[0]), "out_dir": str(run.out_dir), "chunks": run.n_chunks,
                       "computed": list(run.computed), "skipped": list(run.skipped),
                       "scheduler": run.scheduler, "seconds": run.seconds,
                       "library_version": run.params["library_version"],
                       "verification": check.as_dict()}
            if json_out:
                print_json(summary)
            else:
                console.print(table("Distributed sweep", ["field", "value"],
                                    [[k, v] for k, v in summary.items() if k != "verification"]))
                console.print(f"verification: {'passed' if check.ok else 'FAILED: ' + '; '.join(check.failures)}")
            if not check.ok:
                raise typer.Exit(1)
            return
        with Progress(console=err_console, transient=True, disable=json_out) as prog:
            task = prog.add_task("certifying markets", total=F.shape[0])
            res = sweep(env, F, selection=selection, backend=backend,
                        progress=lambda d, t: prog.update(task, completed=d))
    check = res.verify()
    kinds = np.bincount(res.kind, minlength=3)
    summary = {"markets": len(res), "bases": len(res.cones), "lp_solves": res.lp_solves,
               "certified_unique": int(kinds[0]), "boundary_selected": int(kinds[1]),
               "revenue_min": float(res.revenue.min()), "revenue_mean": float(res.revenue.mean()),
               "revenue_max": float(res.revenue.max()),
               "share_efficient": float(res.efficient.mean()),
               "consumer_surplus_mean": float(res.consumer_surplus.mean()),
               "seconds": res.seconds, "backend": res.backend, "verification": check.as_dict()}
    if json_out:
        print_json(summary)
    else:
        console.print(table(f"Sweep of {len(res)} markets (selection: {selection})", ["quantity", "value"],
                            [[k, fmt(v) if isinstance(v, float) else v] for k, v in summary.items()
                             if k != "verification"]))
        console.print(f"verification: {'passed' if check.ok else 'FAILED: ' + '; '.join(check.failures)}")
    if not check.ok:
        raise typer.Exit(1)
