"""Command line: parses, calls one library function, renders. No economics here.

Each area registers its commands from its own module (``core``, ``hs``, ``information``,
``bbm25``, ``clw``, ``scale``).
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="infopricing",
    help="Price discrimination and information: optimal menus, segmentations, "
         "competitive information design, joint disclosure and pricing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Markdown: a docstring's hard line breaks join into one paragraph ("rich" mode kept
    # them, so command summaries broke mid-sentence); blank lines still separate paragraphs.
    rich_markup_mode="markdown",
)

from . import bbm25, clw, core, hs, information, report, scale  # noqa: E402


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"infopricing {__version__}")
        raise typer.Exit()


@app.callback(context_settings={"help_option_names": ["-h", "--help"]})
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                       help="Print the version and exit."),
          verbose: bool = typer.Option(False, "--verbose", envvar="INFOPRICING_SOLVER_LOGS",
                                       help="Show the LP/global solvers' logs on stderr "
                                            "(before the command: infopricing --verbose menu ...).")
          ) -> None:
    """Price discrimination and information: optimal menus, segmentations, competitive
    information design, joint disclosure and pricing."""
    from ..lp import set_solver_logs

    set_solver_logs(bool(verbose))

for _mod in (core, hs, information, bbm25, clw, scale, report):
    _mod.register(app)


def main() -> None:  # console-script entry point
    """Run the command line. A usage mistake (an unknown option, a value that is not one of
    an option's choices, a missing argument) is reported as one line on stderr with exit
    status 2, like every other bad input (see :mod:`infopricing.cli.common`)."""
    import sys

    try:  # typer >= 0.2x carries its own copy of click
        from typer._click import exceptions as cx
    except ImportError:  # pragma: no cover - older typer on click
        from click import exceptions as cx

    try:
        code = app(standalone_mode=False)
    except cx.NoArgsIsHelpError as exc:  # no arguments at all: the help, status 2
        from typer import rich_utils

        rich_utils.rich_format_error(exc)
        sys.exit(exc.exit_code)
    except cx.UsageError as exc:
        from .common import error

        cmd = exc.ctx.command_path if exc.ctx is not None else "infopricing"
        msg = " ".join(exc.format_message().split()).replace("Value error, ", "")
        error(f"{msg} (see: {cmd} --help)")
        sys.exit(exc.exit_code)
    except cx.ClickException as exc:
        from .common import error

        error(" ".join(exc.format_message().split()))
        sys.exit(exc.exit_code)
    except (getattr(cx, "Abort", typer.Abort), typer.Abort, KeyboardInterrupt):
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
