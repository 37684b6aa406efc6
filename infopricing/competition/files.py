"""Reading a :class:`PricingGame` from a model file's ``[game]`` table.

Two forms::

    [game]
    producers = ["A", "B"]              # optional labels
    values = [[1, 4], [4, 1]]           # (profiles, producers)
    costs = [0, 0]                      # (producers,) or (profiles, producers)
    probabilities = [0.5, 0.5]
    # normalize = true                  # optional (a boolean): rescale probabilities

    [game]                              # independent producers
    [[game.marginal]]
    pairs = [[1, 1], [1, 0], [4, 1], [4, 0]]   # (value, cost) pairs
    probabilities = [0.25, 0.25, 0.25, 0.25]  # must sum to 1 (no normalize here)

Any other key in these tables is an error (the message names the accepted keys).
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import ModelFileError
from ..io import check_keys, check_numbers, check_numeric_table, file_reason, read_flag, read_model_file
from ..model._validate import probability_vector
from .game import PricingGame

__all__ = ["load_game", "parse_prior_spec"]


GAME_KEYS = ("producers", "values", "costs", "probabilities", "normalize")
INDEPENDENT_GAME_KEYS = ("producers", "marginal")
MARGINAL_KEYS = ("pairs", "probabilities")


def load_game(path) -> PricingGame:
    """Parse the ``[game]`` table of a TOML/JSON model file (BBM25 Section I model).

    Unknown keys, a ``normalize`` that is not a boolean and non-numbers (quoted numbers,
    booleans) in numeric fields are rejected with the table and key named; the keys of
    the two forms do not mix (``marginal`` with ``values`` is an error).
    """
    data = read_model_file(path)
    g = data.get("game")
    if not isinstance(g, dict):
        raise ModelFileError(path, "game", "missing [game] table")
    producers = g.get("producers")
    if "marginal" in g:
        check_keys(g, INDEPENDENT_GAME_KEYS, path, "game",
                   form="with [[game.marginal]] (independent producers)")
        margs = g["marginal"]
        if not isinstance(margs, list) or not margs:
            raise ModelFileError(path, "game.marginal", "must be a non-empty array of tables")
        spec = []
        for k, m in enumerate(margs):
            where = f"game.marginal[{k}]"
            if not isinstance(m, dict):
                raise ModelFileError(path, where, "must be a table with 'pairs' and 'probabilities'")
            check_numeric_table(m, MARGINAL_KEYS, path, where,
                                "each [[game.marginal]] needs 'pairs' and 'probabilities'")
            try:
                probability_vector(m["probabilities"], f"{where}.probabilities")
            except (TypeError, ValueError) as exc:
                raise ModelFileError(path, f"{where}.probabilities", file_reason(exc)) from None
            spec.append((m["pairs"], m["probabilities"]))
        try:
            return PricingGame.independent(spec, producers=producers)
        except (TypeError, ValueError) as exc:
            raise ModelFileError(path, "game", file_reason(exc)) from None
    check_keys(g, GAME_KEYS, path, "game")
    for key in ("values", "costs", "probabilities"):
        if key not in g:
            raise ModelFileError(path, f"game.{key}", "missing")
        check_numbers(g[key], path, f"game.{key}")
    normalize = read_flag(g, "normalize", path, "game")
    try:
        return PricingGame(g["values"], g["costs"], g["probabilities"], producers=producers,
                           normalize=normalize)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(path, "game", file_reason(exc, "game")) from None


_DIST = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*\(\s*([-+0-9.eE,\s]*)\)\s*$")


def parse_prior_spec(spec: str):
    """A prior of the residual from text.

    ``"-1:0.5, 1:0.5"`` (finite ``value:probability`` pairs) or a scipy.stats continuous
    distribution with numeric arguments, e.g. ``"uniform(-1, 2)"``. Nothing is
    evaluated: the name is looked up among scipy.stats' continuous distributions.
    """
    import scipy.stats as st

    if not isinstance(spec, str) or not spec.strip():
        raise ValueError("prior must be a non-empty string")
    m = _DIST.match(spec)
    if m:
        dist = getattr(st, m.group(1), None)
        if not isinstance(dist, st.rv_continuous):
            raise ValueError(f"prior: {m.group(1)!r} is not a scipy.stats continuous distribution")
        args = [float(a) for a in m.group(2).split(",") if a.strip()]
        return dist(*args)
    try:
        pairs = [tuple(float(x) for x in item.split(":")) for item in spec.split(",")]
    except ValueError:
        raise ValueError(f"prior: cannot parse {spec!r}; use 'v1:p1, v2:p2, ...' or "
                         "'uniform(-1, 2)'") from None
    if any(len(p) != 2 for p in pairs):
        raise ValueError("prior: each finite entry must be value:probability")
    return (np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs]))
