"""Shared CLI helpers: console, JSON output, model-file errors with exit status 2."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .._json import to_jsonable  # noqa: F401  (re-exported for the area CLIs)
from ..errors import ModelFileError

console = Console()
err_console = Console(stderr=True)


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(to_jsonable(obj), indent=2) + "\n")


@contextmanager
def model_errors():
    """Turn model-file and input errors into a one-line message and exit status 2."""
    try:
        yield
    except ModelFileError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(2)
    except (ValueError, TypeError) as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(2)


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
