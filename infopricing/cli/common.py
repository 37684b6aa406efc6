"""Shared CLI helpers: console, JSON output, model-file errors with exit status 2, checks
of output paths made before any computation.

Exit status of every command: 0 when it ran and its verification passed, 1 when its
output was printed but the verification failed (or, for ``reproduce``, a claim was not
reproduced), 2 for bad input (model file, option value, output path, unreachable
scheduler), reported as one line on stderr.
"""

from __future__ import annotations

import json
import math
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .._json import to_jsonable  # noqa: F401  (re-exported for the area CLIs)
from ..errors import ModelFileError, SchedulerUnreachable

console = Console()
err_console = Console(stderr=True)


def progress_bar(quiet: bool = False):
    """The transient progress display of long steps, on stderr. Off with ``quiet`` (--json)
    and when stderr is not a terminal: rich's transient display then leaves a blank line
    (a log file or a pipe has no use for it)."""
    from rich.progress import Progress

    return Progress(console=err_console, transient=True, disable=quiet or not err_console.is_terminal)


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(to_jsonable(obj), indent=2) + "\n")


@contextmanager
def model_errors():
    """Turn model-file and input errors into a one-line message and exit status 2."""
    try:
        yield
    except ModelFileError as exc:
        error(str(exc))
        raise typer.Exit(2)
    except (ValueError, TypeError, SchedulerUnreachable) as exc:
        # SchedulerUnreachable: a Dask scheduler that cannot be reached before the run
        # starts (an input mistake: the address, or a scheduler not started); a connection
        # lost during the run is not an input mistake and keeps its traceback
        error(str(exc))
        raise typer.Exit(2)
    except ModuleNotFoundError as exc:
        # an optional extra that is not installed: say which and how to install it
        extra = _EXTRAS.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        if "pip install" in str(exc):  # already says what to install (scale.MissingExtra)
            error(str(exc))
            raise typer.Exit(2)
        error(f"this needs {exc.name} (the optional {extra!r} extra), which is not installed; "
              f"install it with: pip install 'infopricing[{extra}]'")
        raise typer.Exit(2)


#: top-level modules of the optional extras (pyproject.toml), by extra
_EXTRAS = {"distributed": "scale", "dask": "scale", "pandas": "scale", "pyarrow": "scale"}


def solver_log_option(
        verbose: bool = typer.Option(False, "--verbose", envvar="INFOPRICING_SOLVER_LOGS",
                                     help="Show the LP/global solvers' logs on stderr "
                                          "(before the command: infopricing --verbose menu ...).")):
    """Options shared by every command (given before the command name)."""
    from ..lp import set_solver_logs

    set_solver_logs(bool(verbose))


def error(message: str) -> None:
    """Print ``error: message`` on stderr as one line (no wrapping, no markup in it)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)


def fail_if(failed: bool) -> None:
    """Exit with status 1 (after the output was printed) when a verification failed."""
    if failed:
        raise typer.Exit(1)


def _plot_suffixes() -> tuple[str, ...]:
    from matplotlib.backend_bases import FigureCanvasBase

    return tuple(sorted(FigureCanvasBase.get_supported_filetypes()))


def check_output_file(path: Path | None, option: str) -> Path | None:
    """Check, before computing, that ``path`` can be written: its directory exists and is
    writable and the path is not a directory. Returns ``path``; raises ``ValueError``
    naming ``option`` otherwise."""
    if path is None:
        return None
    path = Path(path)
    parent = path.parent
    if path.is_dir():
        raise ValueError(f"{option} {path}: is a directory; give a file name")
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise ValueError(f"{option} {path}: directory {parent} {what}; create it first "
                         "or choose another path")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"{option} {path}: directory {parent} is not writable")
    return path


def check_plot_path(path: Path | None, option: str = "--plot") -> Path | None:
    """Check a figure path before computing: as :func:`check_output_file`, and its suffix
    is a format matplotlib writes. A path without a suffix gets ``.png`` (returned)."""
    if path is None:
        return None
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{option} {path}: is a directory; give a file name such as "
                         f"{path / 'figure.png'}")
    if not path.suffix:
        path = path.with_suffix(".png")
    check_output_file(path, option)
    kinds = _plot_suffixes()
    if path.suffix[1:].lower() not in kinds:
        raise ValueError(f"{option} {path}: unsupported figure format {path.suffix!r}; use one of "
                         + ", ".join("." + k for k in kinds))
    return path


def check_output_dir(path: Path | None, option: str = "--out") -> Path | None:
    """Check, before computing, that ``path`` is or can become a writable directory: it is
    not an existing file, and its nearest existing ancestor is a writable directory
    (missing parents are created by the run)."""
    if path is None:
        return None
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"{option} {path}: exists and is not a directory; give a directory")
    anc = path
    while not anc.exists():
        if anc.parent == anc:
            break
        anc = anc.parent
    if not anc.is_dir():
        raise ValueError(f"{option} {path}: {anc} is not a directory, so the output "
                         "directory cannot be created there")
    if not os.access(anc, os.W_OK):
        raise ValueError(f"{option} {path}: directory {anc} is not writable")
    return path


@contextmanager
def output_errors(path):
    """Writing an output file after the computation: an OS error (disk full, permission
    changed meanwhile) becomes a one-line message and exit status 2."""
    try:
        yield
    except OSError as exc:
        error(f"cannot write {path}: {exc.strerror or exc}")
        raise typer.Exit(2)


def check_dask_options(out, scheduler, workers, chunk_size, connect_timeout) -> None:
    """The Dask options shared by ``sweep`` and ``experiment``: --scheduler and --workers
    need --out, --workers only sizes the embedded local cluster, and the numbers are in
    range. Raises ValueError (a one-line message, exit 2, nothing written)."""
    if out is None and (scheduler is not None or workers is not None):
        raise ValueError("--scheduler and --workers need --out DIR (the Dask run writes "
                         "Parquet chunks there)")
    if workers is not None and scheduler is not None:
        raise ValueError("--workers sizes the embedded local cluster; it has no effect with "
                         "--scheduler (start workers on the cluster instead)")
    check_int(workers, "--workers", 1)
    check_int(chunk_size, "--chunk-size", 1)
    check_number(connect_timeout, "--connect-timeout", positive=True)


def check_int(value, option: str, least: int) -> None:
    """A CLI integer option must be at least ``least`` (message names the option)."""
    if value is not None and value < least:
        raise ValueError(f"{option} must be an integer >= {least}, got {value}")


def check_number(value, option: str, least: float | None = None, positive: bool = False) -> None:
    """A CLI float option must be finite (and >= ``least`` / > 0 where asked)."""
    if value is None:
        return
    if not math.isfinite(value):
        raise ValueError(f"{option} must be a finite number, got {value:g}")
    if least is not None and value < least:
        raise ValueError(f"{option} must be >= {least:g}, got {value:g}")
    if positive and value <= 0:
        raise ValueError(f"{option} must be > 0, got {value:g}")


def table(title: str, columns: list[str], rows: list[list]) -> Table:
    t = Table(title=title)
    for c in columns:
        t.add_column(str(c))
    for r in rows:
        t.add_row(*[fmt(x) for x in r])
    return t


def fmt(x) -> str:
    if isinstance(x, (float, np.floating)):
        if abs(x) < 5e-13:
            x = 0.0
        return f"{x:.6g}"
    return str(x)


def load_model(path, *tables):
    """The one way every command reads its model: the objects of ``tables`` in the model
    file ``path`` (``-``: standard input), through :func:`infopricing.load` (the other
    tables of the file are left alone). One table gives its object, several a tuple;
    errors are :class:`~infopricing.errors.ModelFileError` (exit 2 under
    :func:`model_errors`)."""
    from ..io import load

    m = load(path, tables=tables)
    got = tuple(getattr(m, t) for t in tables)
    return got[0] if len(got) == 1 else got
