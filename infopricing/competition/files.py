"""Reading a :class:`PricingGame` from a model file's ``[game]`` table.

Two forms::

    [game]
    producers = ["A", "B"]              # optional labels
    values = [[1, 4], [4, 1]]           # (profiles, producers)
    costs = [0, 0]                      # (producers,) or (profiles, producers)
    probabilities = [0.5, 0.5]
    # normalize = true                  # optional

    [game]                              # independent producers
    [[game.marginal]]
    pairs = [[1, 1], [1, 0], [4, 1], [4, 0]]   # (value, cost) pairs
    probabilities = [0.25, 0.25, 0.25, 0.25]
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import ModelFileError
from ..io import read_model_file
from .game import PricingGame

__all__ = ["load_game", "parse_prior_spec"]


def load_game(path) -> PricingGame:
    """Parse the ``[game]`` table of a TOML/JSON model file (BBM25 Section I model)."""
    data = read_model_file(path)
    g = data.get("game")
    if not isinstance(g, dict):
        raise ModelFileError(path, "game", "missing [game] table")
    producers = g.get("producers")
    try:
        if "marginal" in g:
            margs = g["marginal"]
            if not isinstance(margs, list) or not margs:
                raise ModelFileError(path, "game.marginal", "must be a non-empty array of tables")
            spec = []
            for k, m in enumerate(margs):
                if not isinstance(m, dict) or "pairs" not in m or "probabilities" not in m:
                    raise ModelFileError(path, f"game.marginal[{k}]",
                                         "needs 'pairs' and 'probabilities'")
                spec.append((m["pairs"], m["probabilities"]))
            return PricingGame.independent(spec, producers=producers)
        for key in ("values", "costs", "probabilities"):
            if key not in g:
                raise ModelFileError(path, f"game.{key}", "missing")
        return PricingGame(g["values"], g["costs"], g["probabilities"], producers=producers,
                           normalize=bool(g.get("normalize", False)))
    except ModelFileError:
        raise
    except (TypeError, ValueError) as exc:
        raise ModelFileError(path, "game", str(exc)) from None


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
