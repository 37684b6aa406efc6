"""Model-file tables of this area: ``[prior]``, ``[segmentation]`` and ``[persuasion]``.

Format (TOML shown; JSON has the same keys)::

    [prior]                       # a finite prior ...
    values = [1, 3, 4]
    probabilities = [0.5, 0.25, 0.25]
    normalize = false             # optional (a boolean): rescale probabilities
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
``scipy.stats``'s continuous distributions only. A key these tables do not define is an
error naming the accepted keys (the finite and the distribution form of ``[prior]`` do not
mix); numeric fields must hold numbers, not quoted numbers or booleans.
"""

from __future__ import annotations

from ..errors import ModelFileError
from ..io import check_keys, check_numbers, describe_value, file_reason, read_flag, read_model_file
from ..model._validate import probability_vector
from .prior import Prior

FINITE_PRIOR_KEYS = ("values", "probabilities", "normalize")
DISTRIBUTION_PRIOR_KEYS = ("distribution", "parameters", "size")
SEGMENTATION_KEYS = ("cost", "point")
PERSUASION_KEYS = ("states", "actions", "prior", "receiver_utility", "sender_utility")


def _table(data: dict, path, name: str) -> dict:
    t = data.get(name)
    if t is None:
        raise ModelFileError(path, name, f"missing table [{name}]")
    if not isinstance(t, dict):
        raise ModelFileError(path, name, f"[{name}] must be a table")
    return t


def _number(x, path, field):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ModelFileError(path, field, f"must be a number, got {describe_value(x)}")
    return float(x)


def parse_prior(data: dict, path) -> Prior:
    """Build the :class:`Prior` described by the ``[prior]`` table."""
    t = _table(data, path, "prior")
    if "distribution" in t:
        import scipy.stats as st

        check_keys(t, DISTRIBUTION_PRIOR_KEYS, path, "prior", form="with 'distribution'")
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
            raise ModelFileError(path, "prior.size", f"must be an integer, got {describe_value(size)}")
        try:
            frozen = dist(**kw)
            return Prior.from_distribution(frozen, size=size)
        except (TypeError, ValueError) as exc:
            raise ModelFileError(path, "prior", file_reason(exc)) from None
    check_keys(t, FINITE_PRIOR_KEYS, path, "prior",
               form="(finite form; a continuous prior is given by 'distribution')")
    for key in ("values", "probabilities"):
        if key not in t:
            raise ModelFileError(path, f"prior.{key}", "missing (or give 'distribution')")
        check_numbers(t[key], path, f"prior.{key}")
    normalize = read_flag(t, "normalize", path, "prior")
    try:
        return Prior.finite(t["values"], t["probabilities"], normalize=normalize)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(path, "prior", file_reason(exc, "prior")) from None


def load_segmentation_model(path):
    """``(prior, cost, point or None)`` from a model file with ``[prior]`` and optional
    ``[segmentation]``."""
    data = read_model_file(path)
    prior = parse_prior(data, path)
    seg = data.get("segmentation", {})
    if not isinstance(seg, dict):
        raise ModelFileError(path, "segmentation", "must be a table")
    check_keys(seg, SEGMENTATION_KEYS, path, "segmentation")
    cost = _number(seg.get("cost", 0.0), path, "segmentation.cost")
    if not (cost >= 0.0 and cost < float("inf")):
        raise ModelFileError(path, "segmentation.cost", f"must be a finite number >= 0, got {cost:g}")
    point = seg.get("point")
    if point is not None:
        if not (isinstance(point, list) and len(point) == 2):
            raise ModelFileError(path, "segmentation.point",
                                 "must be [consumer_surplus, producer_surplus]")
        point = tuple(_number(x, path, f"segmentation.point[{i}]") for i, x in enumerate(point))
    return prior, cost, point


def load_persuasion_model(path) -> dict:
    """Keyword arguments for :func:`~infopricing.information.persuade` from ``[persuasion]``."""
    data = read_model_file(path)
    t = _table(data, path, "persuasion")
    check_keys(t, PERSUASION_KEYS, path, "persuasion")
    out = {}
    for key in ("prior", "receiver_utility", "sender_utility"):
        if key not in t:
            raise ModelFileError(path, f"persuasion.{key}", "missing")
        out[key] = check_numbers(t[key], path, f"persuasion.{key}")
    try:                                  # persuade() has no normalize: say so for a file
        probability_vector(out["prior"], "prior")
    except (TypeError, ValueError) as exc:
        raise ModelFileError(path, "persuasion.prior", file_reason(exc)) from None
    for key in ("states", "actions"):
        if key in t:
            if not isinstance(t[key], list):
                raise ModelFileError(path, f"persuasion.{key}", "must be a list of labels")
            out[key] = t[key]
    return out
