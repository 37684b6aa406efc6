"""The model-file reference page, generated from the library's schema.

The schema itself (every table and key, with type, range, default, meaning and a complete
example) is :mod:`infopricing.io.schema`; the parsers take their accepted keys from it.
:func:`check` still compares each table's keys with the accepted-key tuple its parser
checks (``infopricing.io.ENVIRONMENT_KEYS`` and so on) and fails the docs build on a
difference; ``tests/docs/test_docs_site.py`` loads every table's example with the real loader.
"""

from __future__ import annotations

import importlib

from infopricing.io.schema import REQ, TABLES, Key, Table  # noqa: F401  (the schema the page shows)


def _resolve(spec: str):
    mod, attr = spec.split(":")
    return getattr(importlib.import_module(mod), attr)


def check() -> list[str]:
    """Differences between the schema and the loaders' accepted keys (empty when in sync)."""
    problems = []
    for t in TABLES:
        accepted = set(_resolve(t.keys_from))
        described = {k.name for k in t.keys}
        if accepted - described:
            problems.append(f"[{t.name}] ({t.form or 'the table'}): the loader accepts "
                            f"{sorted(accepted - described)}, not described in infopricing/io/schema.py")
        if described - accepted:
            problems.append(f"[{t.name}] ({t.form or 'the table'}): documented {sorted(described - accepted)}, "
                            f"which {t.keys_from} does not accept")
    return problems


def _md(s: str) -> str:
    return s.replace("|", "\\|")


def reference_page() -> str:
    problems = check()
    if problems:
        from mkdocs.exceptions import PluginError

        raise PluginError("model-file schema out of date: " + "; ".join(problems))
    out = ["# Model file reference", "",
           "Generated at build time from the library's schema, `infopricing/io/schema.py`, "
           "from which the parsers (`infopricing/io/tables.py`) take their accepted keys and the "
           "valid ranges their error messages quote. Every example below is a complete file that "
           "the test suite loads with the real loader; `infopricing.load(path)` reads them all.", "",
           "A model file is TOML (`.toml`) or JSON (`.json`, same keys). A key a table does not "
           "define is an error naming the accepted keys; flags must be booleans; numeric fields "
           "must hold numbers, not quoted numbers. One file may carry the tables of several "
           "commands; a command reads only its own. Every command that takes a model file reads "
           "standard input when given `-` (JSON when the text starts with `{`, TOML otherwise).", ""]
    for t in TABLES:
        title = f"`[{t.name}]`" + (f": {t.form}" if t.form else "")
        out += [f"## {title}", "", f"Read by: `{t.commands}` (loader `{t.loader.replace(':', '.')}`; "
                f"accepted keys `{t.keys_from.replace(':', '.')}`).", "",
                "| key | type | range | default | meaning |", "|---|---|---|---|---|"]
        for k in t.keys:
            out.append(f"| `{k.name}` | {_md(k.type)} | {_md(k.range)} | {_md(k.default)} | {_md(k.meaning)} |")
        out += ["", "Example:", "", "```toml", t.example.rstrip(), "```", ""]
    return "\n".join(out) + "\n"
