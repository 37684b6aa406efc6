"""The one progress-callback convention of the library.

Every function that takes ``progress`` calls it as ``progress(done, total)``: ``done``
units of work finished out of ``total`` (``None`` when the total is not known in
advance). A callback that also accepts keyword arguments (``**detail``, or the named
ones) is given the details the computation has, e.g. the lazy menu LP's
``stage="revenue"`` and ``round=3``; a plain ``lambda done, total: ...`` is not.
"""

from __future__ import annotations

import inspect

__all__ = ["report_progress", "check_progress"]


def _accepted(progress) -> set | bool:
    """The keyword names ``progress`` accepts, or True when it takes ``**kwargs``."""
    try:
        params = inspect.signature(progress).parameters.values()
    except (TypeError, ValueError):       # a builtin or C callable: positional only
        return set()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return True
    # the first two positional parameters take (done, total), whatever their names (a
    # ``lambda it, gap: ...`` must not be handed ``gap=`` a second time)
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    taken = {p.name for p in positional[:2]}
    return {p.name for p in params
            if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in taken}


def check_progress(progress, name: str = "progress"):
    """``progress`` itself when it is None or callable; a TypeError naming the argument
    otherwise (checked where a computation starts, not at its first report)."""
    if progress is not None and not callable(progress):
        raise TypeError(f"{name} must be None or a callable progress(done, total, **details), "
                        f"got {type(progress).__name__} {progress!r}")
    return progress


def report_progress(progress, done, total, **detail) -> None:
    """Call ``progress(done, total)`` with those of ``detail`` it accepts (none to a
    callback that takes only two arguments); nothing when ``progress`` is None."""
    if progress is None:
        return
    ok = _accepted(progress)
    if ok is not True:
        detail = {k: v for k, v in detail.items() if k in ok}
    progress(done, total, **detail)


def menu_rounds(progress, n_types: int):
    """The internal ``(stage, rounds, ic_rows)`` callback of the menu LP's constraint
    generation, reporting to a user's ``progress(done, total)``: ``done`` IC rows in the
    LP of ``total = n(n-1)``, with ``stage`` and ``round`` as details."""
    if progress is None:
        return None
    full = n_types * (n_types - 1)
    return lambda stage, rounds, ic_rows: report_progress(progress, int(ic_rows), full, stage=stage,
                                                          round=int(rounds))
