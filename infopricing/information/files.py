"""Model-file tables of this area: ``[prior]``, ``[segmentation]`` and ``[persuasion]``.

Format (TOML shown; JSON has the same keys)::

    [prior]                       # a finite prior ...
    values = [1, 3, 4]
    probabilities = [0.5, 0.25, 0.25]
    normalize = false             # optional: rescale probabilities
    # ... or a named continuous scipy.stats distribution with bounded support
    # distribution = "beta"
    # parameters = { a = 2, b = 3, loc = 0, scale = 1 }
    # size = 200                  # cells of the discretisation grid

    [segmentation]
    cost = 0.0                    # optional marginal cost
    point = [0.5, 1.6]            # optional (consumer surplus, producer surplus) target

    [persuasion]
    states = ["innocent", "guilty"]          # optional labels
    actions = ["acquit", "convict"]          # optional labels
    prior = [0.7, 0.3]
    receiver_utility = [[1, 0], [0, 1]]      # states x actions
    sender_utility = [[0, 1], [0, 1]]

Nothing in a file is executed: the distribution name is looked up among
``scipy.stats``'s continuous distributions only.
"""

from __future__ import annotations

from ..errors import ModelFileError
from ..io import read_model_file
from .prior import Prior


def _table(data: dict, path, name: str) -> dict:
    t = data.get(name)
    if t is None:
        raise ModelFileError(path, name, f"missing table [{name}]")
    if not isinstance(t, dict):
        raise ModelFileError(path, name, f"[{name}] must be a table")
    return t


def _number(x, path, field):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ModelFileError(path, field, f"must be a number, got {x!r}")
    return float(x)


def parse_prior(data: dict, path) -> Prior:
    """Build the :class:`Prior` described by the ``[prior]`` table."""
    t = _table(data, path, "prior")
    if "distribution" in t:
        import scipy.stats as st

        name = t["distribution"]
        if not isinstance(name, str):
            raise ModelFileError(path, "prior.distribution", "must be a string")
        dist = getattr(st, name, None)
        if not isinstance(dist, st.rv_continuous):
            raise ModelFileError(path, "prior.distribution",
                                 f"{name!r} is not a scipy.stats continuous distribution")
        params = t.get("parameters", {})
        if not isinstance(params, dict):
            raise ModelFileError(path, "prior.parameters", "must be a table of numbers")
        kw = {str(k): _number(v, path, f"prior.parameters.{k}") for k, v in params.items()}
        size = t.get("size", 200)
        if isinstance(size, bool) or not isinstance(size, int):
            raise ModelFileError(path, "prior.size", f"must be an integer, got {size!r}")
        try:
            frozen = dist(**kw)
            return Prior.from_distribution(frozen, size=size)
        except (TypeError, ValueError) as exc:
            raise ModelFileError(path, "prior", str(exc)) from None
    for key in ("values", "probabilities"):
        if key not in t:
            raise ModelFileError(path, f"prior.{key}", "missing (or give 'distribution')")
    try:
        return Prior.finite(t["values"], t["probabilities"], normalize=bool(t.get("normalize", False)))
    except (TypeError, ValueError) as exc:
        raise ModelFileError(path, "prior", str(exc)) from None


def load_segmentation_model(path):
    """``(prior, cost, point or None)`` from a model file with ``[prior]`` and optional
    ``[segmentation]``."""
    data = read_model_file(path)
    prior = parse_prior(data, path)
    seg = data.get("segmentation", {})
    if not isinstance(seg, dict):
        raise ModelFileError(path, "segmentation", "must be a table")
    cost = _number(seg.get("cost", 0.0), path, "segmentation.cost")
    point = seg.get("point")
    if point is not None:
        if not (isinstance(point, list) and len(point) == 2):
            raise ModelFileError(path, "segmentation.point",
                                 "must be [consumer_surplus, producer_surplus]")
        point = tuple(_number(x, path, "segmentation.point") for x in point)
    return prior, cost, point


def load_persuasion_model(path) -> dict:
    """Keyword arguments for :func:`~infopricing.information.persuade` from ``[persuasion]``."""
    data = read_model_file(path)
    t = _table(data, path, "persuasion")
    out = {}
    for key in ("prior", "receiver_utility", "sender_utility"):
        if key not in t:
            raise ModelFileError(path, f"persuasion.{key}", "missing")
        out[key] = t[key]
    for key in ("states", "actions"):
        if key in t:
            if not isinstance(t[key], list):
                raise ModelFileError(path, f"persuasion.{key}", "must be a list of labels")
            out[key] = t[key]
    return out
