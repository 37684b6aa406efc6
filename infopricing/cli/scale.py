"""Scale commands: ``sweep`` (many markets of one environment, certified per market; in
process, or chunked on Dask to Parquet)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import typer

from ..limits import CONNECT_TIMEOUT

from .choices import Backend, Selection
from .common import (check_dask_options, check_int, check_number, check_output_dir,
                     check_output_file, check_plot_path, console, fail_if, fmt, model_errors,
                     output_errors, print_json, progress_bar, table)


def register(app) -> None:
    """Add this area's commands to the app."""
    app.command("sweep")(sweep_cmd)


def _markets(env, markets_csv, random, grid, alpha, seed, normalize=False):
    from ..scale import random_markets, simplex_grid

    given = [x is not None for x in (markets_csv, random, grid)]
    if sum(given) != 1:
        raise ValueError("give exactly one of --markets CSV, --random N or --grid STEPS")
    if normalize and markets_csv is None:
        raise ValueError("--normalize applies to --markets CSV only (--random and --grid markets "
                         "already sum to 1)")
    if markets_csv is not None:
        return _csv_markets(env, markets_csv, normalize)
    n = env.n_types
    if random is not None:
        check_int(random, "--random", 1)
        check_number(alpha, "--alpha", positive=True)
        _check_sweep_size(random, n, f"--random {random}")
        return random_markets(n, random, alpha=alpha, seed=seed)
    check_int(grid, "--grid", 1)
    import math

    _check_sweep_size(math.comb(grid + n - 1, n - 1), n, f"--grid {grid}")
    return simplex_grid(n, grid)


def _check_sweep_size(m: int, n: int, option: str) -> None:
    """Refuse, before generating anything, a sweep whose markets and per-market results
    (masses, surpluses and about ten numbers per market) do not fit in memory."""
    from ..model._validate import check_memory

    check_memory(8.0 * m * (3 * n + 10), f"a sweep of {m:.4g} markets of {n} types", option)


def _check_csv_size(path, m: int) -> None:
    """Refuse, before computing, a --csv of more markets than ``CSV_MAX_MARKETS``."""
    from ..scale.sweep import CSV_MAX_MARKETS

    if path is not None and m > CSV_MAX_MARKETS:
        raise ValueError(f"--csv {path}: {m} markets is above the CSV limit of {CSV_MAX_MARKETS} "
                         "markets; use --out DIR (Parquet) for large sweeps")


def _write_outputs(res, check, csv_path, plot_path, market) -> None:
    """Write the --csv rows and the --plot market map of an in-process sweep."""
    if csv_path is not None:
        with output_errors(csv_path):
            res.write_csv(csv_path, verified=check.ok)
    if plot_path is not None:
        from ..plots.sweep import plot_sweep_map

        fig = plot_sweep_map(res, market=market)
        with output_errors(plot_path):
            fig.savefig(plot_path, dpi=120)


def _first_row(path):
    """The first non-empty row of a CSV file, as stripped strings (None if unreadable)."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            for row in csv.reader(fh):
                if row and any(c.strip() for c in row):
                    return [c.strip() for c in row]
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    return None


def _csv_markets(env, path, normalize):
    """Markets from a CSV: one row per market, one column per type. A header row names
    the types (any order; it must name each of the environment's types once); without a
    header the columns are the types in the model's order."""
    from .. import tolerances as tol
    from ..errors import ModelFileError
    from ..io import read_csv_matrix

    F, header = read_csv_matrix(path, field="markets")
    F = np.asarray(F, dtype=float)
    types = [str(t) for t in env.types]
    if header is not None:
        header = [h.lstrip("\ufeff").strip() for h in header]  # a spreadsheet's byte-order mark
    elif sorted(first := (_first_row(path) or [])) == sorted(types):
        # type labels that read as numbers ("1", "2"): the first row may be their header,
        # unless it is also a valid market, when guessing could drop and permute data
        row = F[0]
        valid = bool(np.all(row >= 0) and (row.sum() > 0 if normalize
                                           else abs(row.sum() - 1.0) <= tol.PROB_SUM))
        if valid:
            raise ModelFileError(path, None, "(--markets) the first row "
                                 f"({', '.join(first)}) names the model's types, which "
                                 "are numbers, and is also a valid market: rename the types in the "
                                 "model (e.g. t1, t2, ...) so a header cannot be mistaken for data")
        header, F = first, F[1:]
        if F.shape[0] == 0:
            raise ModelFileError(path, None, "(--markets) CSV has a header but no market rows")

    def bad(reason):
        return ModelFileError(path, None, f"(--markets) {reason}")

    if header is not None:
        if len(header) != F.shape[1]:
            raise bad(f"header has {len(header)} names but the rows have "
                                 f"{F.shape[1]} columns")
        dup = sorted({h for h in header if header.count(h) > 1})
        unknown = [h for h in header if h not in types]
        missing = [t for t in types if t not in header]
        if dup or unknown or missing:
            parts = []
            if unknown:
                parts.append("unknown type(s) " + ", ".join(repr(h) for h in unknown))
            if missing:
                parts.append("missing type(s) " + ", ".join(repr(t) for t in missing))
            if dup:
                parts.append("repeated name(s) " + ", ".join(repr(h) for h in dup))
            raise bad("header must name each of the model's types once "
                                 f"({', '.join(types)}; any order): " + "; ".join(parts)
                                 + ". Fix the header, or remove it to match columns to types by position")
        F = F[:, [header.index(t) for t in types]]
    elif F.shape[1] != env.n_types:
        raise bad(f"rows have {F.shape[1]} columns but the model has "
                             f"{env.n_types} types ({', '.join(types)}); give one column per type, "
                             "optionally with a header row of type names")
    if not np.all(np.isfinite(F)):
        i, j = np.argwhere(~np.isfinite(F))[0]
        raise bad(f"market row {i + 1}, type {types[j]!r}: entry "
                             f"{F[i, j]:g} is not a finite number")
    if np.any(F < 0):
        i, j = np.argwhere(F < 0)[0]
        raise bad(f"market row {i + 1}, type {types[j]!r}: mass "
                             f"{F[i, j]:g} is negative; masses must be >= 0")
    s = F.sum(axis=1)
    if normalize:
        if np.any(s <= 0):
            i = int(np.flatnonzero(s <= 0)[0])
            raise bad(f"market row {i + 1} is all zeros and cannot be "
                                 "normalized; remove it")
        return F / s[:, None]
    off = np.abs(s - 1.0) > tol.PROB_SUM
    if np.any(off):
        i = int(np.flatnonzero(off)[0])
        raise bad(f"market row {i + 1} sums to {s[i]:.12g}, not 1 (within "
                             f"{tol.PROB_SUM:g}; {int(off.sum())} such row(s)); pass --normalize to "
                             "rescale each row to sum 1")
    return F


def sweep_cmd(model: Path = typer.Argument(..., help="TOML/JSON model file with an \\[environment] table."),
              markets: Optional[Path] = typer.Option(None, "--markets", help="CSV of markets, one row per market, one column per type; a header row of type names matches columns to types in any order (without one, columns are the types in model order)."),
              normalize: bool = typer.Option(False, "--normalize", help="Rescale each --markets row to sum 1 (rows must be non-negative and not all zero)."),
              random: Optional[int] = typer.Option(None, help="Sweep N random Dirichlet markets."),
              grid: Optional[int] = typer.Option(None, help="Sweep the simplex grid with masses in multiples of 1/STEPS."),
              alpha: float = typer.Option(1.0, help="Dirichlet parameter for --random."),
              seed: int = typer.Option(0, help="Seed for --random."),
              selection: Selection = typer.Option("efficient", help="Selection rule among optimal menus (HS section 4)."),
              backend: Backend = typer.Option("auto", help="Certification products on this array library."),
              out: Optional[Path] = typer.Option(None, help="Write per-market results as Parquet chunks into this directory (runs on Dask; resumable)."),
              scheduler: Optional[str] = typer.Option(None, help="Address of an existing Dask scheduler (default: an embedded local cluster). Needs --out."),
              workers: Optional[int] = typer.Option(None, help="Worker processes of the local cluster (>= 1; default min(4, CPUs)). Needs --out."),
              connect_timeout: float = typer.Option(CONNECT_TIMEOUT, "--connect-timeout", help="Seconds to wait for --scheduler to answer before giving up (nothing is written then)."),
              chunk_size: int = typer.Option(100_000, help="Markets per chunk / Parquet file."),
              csv_out: Optional[Path] = typer.Option(None, "--csv", help="Also write the per-market rows (the Parquet chunks' columns: market, masses, revenue, surpluses, efficiency, menu id, basis id, certificate, verified) as one CSV file; in-process runs of at most 100000 markets (scale.sweep.CSV_MAX_MARKETS; larger: --out)."),
              plot: Optional[Path] = typer.Option(None, "--plot", help="Draw the market map here (two types: HS Figure 1, the high type's surplus by market; three types: the market simplex), efficient and inefficient markets coloured and the model file's [market] marked. In-process runs only."),
              json_out: bool = typer.Option(False, "--json", help="Print a JSON summary.")):
    """Optimal menus of many markets of one environment (HS section 4), each certified by a
    stored optimal basis; LPs only where no stored basis certifies.

    Exit status: 0 when every market's certificate verified, 1 when the verification
    failed (the summary is still printed), 2 for bad input (model, markets CSV, options,
    output directory, unreachable --scheduler, --csv above its size, --plot for other
    than two or three types; one-line message, nothing written)."""
    from .common import load_model
    from ..scale import sweep, sweep_to_parquet

    with model_errors():
        check_dask_options(out, scheduler, workers, chunk_size, connect_timeout)
        check_output_dir(out, "--out")
        if out is not None and (csv_out is not None or plot is not None):
            raise ValueError("--csv and --plot apply to in-process sweeps (without --out); read "
                             "the Parquet chunks with pandas.read_parquet(out_dir)")
        check_output_file(csv_out, "--csv")
        plot = check_plot_path(plot)
        env, own_market = load_model(model, "environment", "market")
        if plot is not None and env.n_types not in (2, 3):
            raise ValueError(f"--plot draws the market map of 2 or 3 types; the model has "
                             f"{env.n_types}")
        F = _markets(env, markets, random, grid, alpha, seed, normalize)
        _check_csv_size(csv_out, F.shape[0])
        if out is not None:
            with progress_bar(json_out) as prog:
                task = prog.add_task("chunks", total=None)
                run = sweep_to_parquet(env, F, out, selection=selection, chunk_size=chunk_size,
                                       scheduler=scheduler, n_workers=workers,
                                       connect_timeout=connect_timeout,
                                       backend="numpy" if backend == "auto" else backend,
                                       progress=lambda d, t: prog.update(task, completed=d, total=t))
            check = run.verify()
            summary = {**run.as_dict(), "verification": check.as_dict()}
            if json_out:
                print_json(summary)
            else:
                console.print(table("Distributed sweep", ["field", "value"],
                                    [[k, v] for k, v in summary.items()
                                     if k not in ("verification", "type", "status", "params")]))
                console.print(f"verification: {'passed' if check.ok else 'FAILED: ' + '; '.join(check.failures)}")
            fail_if(not check.ok)
            return
        with progress_bar(json_out) as prog:
            task = prog.add_task("certifying markets", total=F.shape[0])
            res = sweep(env, F, selection=selection, backend=backend,
                        progress=lambda d, t: prog.update(task, completed=d))
    check = res.verify()
    _write_outputs(res, check, csv_out, plot, own_market)
    summary = {**res.as_dict(), "verification": check.as_dict()}
    if json_out:
        print_json(summary)
    else:
        console.print(table(f"Sweep of {len(res)} markets (selection: {selection})", ["quantity", "value"],
                            [[k, fmt(v) if isinstance(v, float) else v] for k, v in summary.items()
                             if k not in ("verification", "type", "status", "params")]))
        console.print(f"verification: {'passed' if check.ok else 'FAILED: ' + '; '.join(check.failures)}")
    fail_if(not check.ok)
