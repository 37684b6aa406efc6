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

for _mod in (core, hs, information, bbm25, clw, scale, report):
    _mod.register(app)


def main() -> None:  # console-script entry point
    app()
