"""Griffe extension for the API reference: Sphinx cross-reference roles in docstrings.

The docstrings are numpydoc and use Sphinx roles (:func:`optimal_mechanism`,
:class:`~infopricing.model.Market`, :data:`.tolerances.FEAS`), which Markdown shows as plain
text with the role name in it. Each role becomes a link to the name's API entry when the
target is a public name of ``infopricing`` (one the reference documents), and inline code
otherwise. Sphinx's display rules are kept: ``~`` shows the last component only, a leading
``.`` is dropped, ``title <target>`` shows the title, and functions and methods get ``()``.
"""

from __future__ import annotations

import re

import griffe

ROLE = re.compile(r":(?:py:)?(func|meth|class|attr|data|mod|obj|exc|const):"
                  r"`(?P<tilde>~?)(?P<body>[^`<]+?)(?:\s*<(?P<target>[^>`]+)>)?`")
_PUBLIC: dict[str, str] | None = None


def public_targets() -> dict[str, str]:
    """Public name -> the identifier its API entry has (``module.name``)."""
    global _PUBLIC
    if _PUBLIC is None:
        import inspect

        import infopricing as ip

        _PUBLIC = {}
        for name in ip.__all__:
            obj = getattr(ip, name)
            if inspect.ismodule(obj) or getattr(obj, "__name__", name) != name:
                continue
            module = getattr(obj, "__module__", None)
            if module:
                _PUBLIC[name] = f"{module}.{name}"
    return _PUBLIC


def _resolve(target: str) -> str | None:
    """The API identifier of ``target`` when it names a public object, else None. A full
    path (``infopricing.model.Market``) must be that very object; a bare or relative name
    (``Market``, ``.large.solve_menu_lazy``) is matched on its last component."""
    last = target.rsplit(".", 1)[-1]
    ident = public_targets().get(last)
    if ident is None or not target.startswith("infopricing."):
        return ident
    import importlib

    import infopricing as ip

    module, _, attr = target.rpartition(".")
    try:
        obj = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None
    return ident if obj is getattr(ip, last) else None


def convert(text: str) -> str:
    """``text`` with every Sphinx role replaced by a Markdown link or inline code."""

    def one(m: re.Match) -> str:
        role, target = m.group(1), (m.group("target") or m.group("body")).strip()
        target = target.lstrip("~").lstrip(".")
        if m.group("target"):
            shown = m.group("body").strip()
        elif m.group("tilde"):
            shown = target.rsplit(".", 1)[-1]
        else:
            shown = target
        if role in ("func", "meth") and not m.group("target") and not shown.endswith(")"):
            shown += "()"
        ident = _resolve(target)
        if ident is not None and role not in ("meth", "attr", "mod"):
            return f"[`{shown}`][{ident}]"
        return f"`{shown}`"

    return ROLE.sub(one, text)


class SphinxRoles(griffe.Extension):
    """Rewrites every docstring's Sphinx roles as the reference is loaded."""

    def on_instance(self, *, obj, **kwargs) -> None:  # noqa: D102 (griffe's hook)
        if obj.docstring is not None and ":" in obj.docstring.value:
            obj.docstring.value = convert(obj.docstring.value)
