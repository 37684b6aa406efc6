"""Parsers of the model-file tables: a parsed document (a dict) in, model objects out.

Each ``*_from_dict(data, path)`` reads one table of ``data`` (the whole parsed file) and
returns the model object it describes, checking the table against
:mod:`infopricing.io.schema`: unknown keys (the message names the accepted ones and the
closest), missing required keys, non-numbers in numeric fields, flags that are not
booleans. Errors the model's constructor raises (a probability vector that does not sum to
one, a negative value) are reported as :class:`~infopricing.errors.ModelFileError` naming the
file and table, worded for a file, with the valid range the schema gives for the key.

The ``load_*(path)`` functions read a file (``-``: standard input) and parse one area's
tables; :func:`infopricing.io.load` reads every table at once.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from ..errors import ModelFileError
from ..model import Environment, Market, PricingGame, Prior, ValueDistribution
from ..model._validate import NORMALIZE_HINT, RESCALE_HINT, probability_vector
from . import schema
from .read import (check_keys, check_numbers, check_numeric_table, describe_value, display_path, file_reason,
                   read_csv_matrix, read_flag, read_model_file)

__all__ = ["SegmentationTarget", "environment_from_dict", "market_from_dict", "game_from_dict",
           "distribution_from_dict", "prior_from_dict", "segmentation_from_dict", "persuasion_from_dict",
           "load_environment", "load_game", "load_distribution", "load_segmentation_model",
           "load_persuasion_model", "environment_to_dict", "parse_prior_spec"]

# the accepted keys of each table (form), from the schema; the docs check these names
ENVIRONMENT_KEYS = schema.keys("environment")
MARKET_KEYS = schema.keys("market")
GAME_KEYS = schema.keys("game", "explicit profiles")
INFORMATION_KEYS = schema.keys("information", "a public segmentation of the [game] prior")
INDEPENDENT_GAME_KEYS = schema.keys("game", "independent producers")
MARGINAL_KEYS = schema.keys("game.marginal")
DISTRIBUTION_KEYS = schema.keys("distribution", "explicit profiles")
INDEPENDENT_DISTRIBUTION_KEYS = schema.keys("distribution", "independent products")
INDEPENDENT_KEYS = schema.keys("distribution.independent")
CATALOG_DISTRIBUTION_KEYS = schema.keys("distribution", "a catalogued instance")
FINITE_PRIOR_KEYS = schema.keys("prior", "finite")
DISTRIBUTION_PRIOR_KEYS = schema.keys("prior", "a continuous distribution")
SEGMENTATION_KEYS = schema.keys("segmentation")
PERSUASION_KEYS = schema.keys("persuasion")


class SegmentationTarget(NamedTuple):
    """The ``[segmentation]`` table: the seller's marginal cost and an optional
    (consumer surplus, producer surplus) pair to reach (BBM 2015)."""

    cost: float = 0.0
    point: tuple[float, float] | None = None


# -- shared pieces ------------------------------------------------------------------------

def _table(data, key, path, required=True):
    t = data.get(key)
    if t is None:
        if required:
            raise ModelFileError(path, key, f"missing table [{key}]")
        return None
    if not isinstance(t, dict):
        raise ModelFileError(path, key, f"[{key}] must be a table/object")
    return t


def _require(t: dict, where: str, form: str, path, missing: str = "missing") -> None:
    """Every key the schema marks required for ``[where]`` (form ``form``) is present."""
    for key in schema.required_keys(where, form):
        if key not in t:
            rng = schema.valid(where, key)
            raise ModelFileError(path, f"{where}.{key}", f"{missing} (valid {where}.{key}: {rng})")


def _ranges(where: str, message: str) -> str:
    """The schema's valid range of each key of ``[where]`` that ``message`` names."""
    got = []
    for t in schema.TABLES:
        if t.name != where:
            continue
        for k in t.keys:
            if re.search(rf"\b{re.escape(k.name)}\b", message) and k.name not in [g[0] for g in got]:
                got.append((k.name, k.range))
    return "; ".join(f"valid {where}.{name}: {rng}" for name, rng in got)


def _model_error(path, where: str, exc: Exception, normalize_in: str | None = None,
                 field: str | None = None) -> ModelFileError:
    """A constructor's error, worded for a file, with the valid ranges of the keys it names."""
    reason = file_reason(exc, normalize_in)
    named = str(exc).replace(NORMALIZE_HINT, "").replace(RESCALE_HINT, "")   # not the advice
    hint = _ranges(where.split("[")[0], named)
    return ModelFileError(path, field or where, f"{reason} ({hint})" if hint else reason)


def _numbers(x, path, where: str, key: str):
    """:func:`check_numbers` for ``[where].key``, its error quoting the schema's valid range."""
    try:
        return check_numbers(x, path, f"{where}.{key}")
    except ModelFileError as exc:
        rng = schema.valid(where, key)
        if not rng:
            raise
        raise ModelFileError(path, exc.field, f"{exc.reason} (valid {where}.{key}: {rng})") from None


def _number(x, path, field):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise ModelFileError(path, field, f"must be a number, got {describe_value(x)}")
    return float(x)


# -- [environment] and [market] (HS section 4) ----------------------------------------------

def environment_from_dict(data: dict, path="<model>") -> Environment:
    """Build the :class:`~infopricing.model.Environment` of a parsed model file's
    ``[environment]`` table."""
    t = _table(data, "environment", path)
    check_keys(t, ENVIRONMENT_KEYS, path, "environment")
    vals = t.get("valuations")
    alts = t.get("alternatives")
    if vals is not None and "valuations_csv" in t:
        raise ModelFileError(path, "environment.valuations_csv",
                             "give valuations or valuations_csv in [environment], not both")
    if vals is None and "valuations_csv" in t:
        csv_path = t["valuations_csv"]
        if not isinstance(csv_path, str):
            raise ModelFileError(path, "environment.valuations_csv",
                                 f"must be a file name (a string), got {describe_value(csv_path)}")
        vals, header = read_csv_matrix(csv_path, base=path)
        if alts is None and header is not None:
            alts = header
    elif vals is not None:
        _numbers(vals, path, "environment", "valuations")
    if vals is None:
        raise ModelFileError(path, "environment.valuations", "missing (give valuations or valuations_csv)")
    if t.get("costs") is not None:
        _numbers(t["costs"], path, "environment", "costs")
    try:
        return Environment(vals, types=t.get("types"), alternatives=alts, costs=t.get("costs"))
    except (TypeError, ValueError) as exc:
        raise _model_error(path, "environment", exc) from None


def market_from_dict(data: dict, env: Environment, path="<model>") -> Market | None:
    """Build the :class:`~infopricing.model.Market` of the optional ``[market]`` table
    (None when absent)."""
    t = _table(data, "market", path, required=False)
    if t is None:
        return None
    check_keys(t, MARKET_KEYS, path, "market")
    _require(t, "market", "", path)
    normalize = read_flag(t, "normalize", path, "market")
    _numbers(t["probabilities"], path, "market", "probabilities")
    try:
        return Market(env, t["probabilities"], normalize=normalize)
    except (TypeError, ValueError) as exc:
        raise _model_error(path, "market", exc, "market", field="market.probabilities") from None


def environment_to_dict(env: Environment, market: Market | None = None) -> dict:
    """The ``[environment]`` (and ``[market]``) tables describing ``env`` (and ``market``):
    the inverse of :func:`environment_from_dict`, ready for ``json.dump``."""
    d = {"environment": {"types": list(env.types), "alternatives": list(env.alternatives),
                         "valuations": env.gross_values.tolist()}}
    if np.any(env.costs != 0):
        d["environment"]["costs"] = env.costs.tolist()
    if market is not None:
        d["market"] = {"probabilities": market.probabilities.tolist()}
    return d


# -- [game] (BBM25 Section I) ----------------------------------------------------------------

def game_from_dict(data: dict, path="<model>") -> PricingGame:
    """Build the :class:`~infopricing.model.PricingGame` of the ``[game]`` table: explicit
    profiles, or independent producers (``[[game.marginal]]``); the keys of the two forms
    do not mix."""
    g = _table(data, "game", path)
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
                raise _model_error(path, "game.marginal", exc, field=f"{where}.probabilities") from None
            spec.append((m["pairs"], m["probabilities"]))
        try:
            return PricingGame.independent(spec, producers=producers)
        except (TypeError, ValueError) as exc:
            raise _model_error(path, "game", exc) from None
    check_keys(g, GAME_KEYS, path, "game")
    _require(g, "game", "explicit profiles", path)
    for key in ("values", "costs", "probabilities"):
        _numbers(g[key], path, "game", key)
    normalize = read_flag(g, "normalize", path, "game")
    try:
        return PricingGame(g["values"], g["costs"], g["probabilities"], producers=producers,
                           normalize=normalize)
    except (TypeError, ValueError) as exc:
        raise _model_error(path, "game", exc, "game") from None


_DIST = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*\(\s*([-+0-9.eE,\s]*)\)\s*$")


def parse_prior_spec(spec: str):
    """A prior of the residual from text (the ``hotelling --prior`` option).

    ``"-1:0.5, 1:0.5"`` (finite ``value:probability`` pairs) or a scipy.stats continuous
    distribution with numeric arguments in scipy's order (``loc``, ``scale``, ...), e.g.
    ``"uniform(-1, 2)"``, uniform on ``[-1, 1]``. Nothing is
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


# -- [distribution] (CLW section 2) ----------------------------------------------------------

def distribution_from_dict(data: dict, path="<dict>") -> ValueDistribution:
    """Build the :class:`~infopricing.model.ValueDistribution` of ``[distribution]``:
    explicit profiles, independent products (``[distribution.independent]``, no
    ``normalize``: each product's probabilities must sum to one) or a catalogued CLW
    instance (``catalog = "example1"``, no other key)."""
    d = _table(data, "distribution", path)
    if "catalog" in d:
        from ..disclosure.catalog import CATALOG

        check_keys(d, CATALOG_DISTRIBUTION_KEYS, path, "distribution", form="with 'catalog'")
        name = d["catalog"]
        if not isinstance(name, str) or name not in CATALOG:
            shown = repr(name) if isinstance(name, str) else describe_value(name)
            raise ModelFileError(path, "distribution.catalog",
                                 f"unknown instance {shown}; known: {', '.join(sorted(CATALOG))}")
        return CATALOG[name]()
    if "independent" in d:
        check_keys(d, INDEPENDENT_DISTRIBUTION_KEYS, path, "distribution",
                   form="with [distribution.independent]")
        ind = d["independent"]
        if not isinstance(ind, dict):
            raise ModelFileError(path, "distribution.independent",
                                 "must be a table with 'values' and 'probabilities' (one list per product)")
        check_numeric_table(ind, INDEPENDENT_KEYS, path, "distribution.independent",
                            "give one list per product")
        try:
            return ValueDistribution.independent(ind["values"], ind["probabilities"],
                                                 products=d.get("products"))
        except (ValueError, TypeError) as exc:
            raise _model_error(path, "distribution.independent", exc) from None
    check_keys(d, DISTRIBUTION_KEYS, path, "distribution")
    _require(d, "distribution", "explicit profiles", path)
    for key in ("values", "probabilities"):
        _numbers(d[key], path, "distribution", key)
    normalize = read_flag(d, "normalize", path, "distribution")
    try:
        return ValueDistribution(d["values"], d["probabilities"], products=d.get("products"),
                                 normalize=normalize)
    except (ValueError, TypeError) as exc:
        raise _model_error(path, "distribution", exc, "distribution") from None


# -- [prior], [segmentation] (BBM 2015) and [persuasion] ----------------------------------

def prior_from_dict(data: dict, path="<model>") -> Prior:
    """Build the :class:`~infopricing.model.Prior` of the ``[prior]`` table: finite, or a
    named scipy.stats continuous distribution with bounded support on a grid (nothing is
    executed: the name is looked up among scipy.stats' continuous distributions)."""
    t = _table(data, "prior", path)
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
            raise _model_error(path, "prior", exc) from None
    check_keys(t, FINITE_PRIOR_KEYS, path, "prior",
               form="(finite form; a continuous prior is given by 'distribution')")
    _require(t, "prior", "finite", path, missing="missing (or give 'distribution')")
    for key in ("values", "probabilities"):
        _numbers(t[key], path, "prior", key)
    normalize = read_flag(t, "normalize", path, "prior")
    try:
        return Prior.finite(t["values"], t["probabilities"], normalize=normalize)
    except (TypeError, ValueError) as exc:
        raise _model_error(path, "prior", exc, "prior") from None


def segmentation_from_dict(data: dict, path="<model>") -> SegmentationTarget:
    """The optional ``[segmentation]`` table (its defaults when absent)."""
    seg = data.get("segmentation", {})
    if not isinstance(seg, dict):
        raise ModelFileError(path, "segmentation", "must be a table")
    check_keys(seg, SEGMENTATION_KEYS, path, "segmentation")
    cost = _number(seg.get("cost", 0.0), path, "segmentation.cost")
    if not (cost >= 0.0 and cost < float("inf")):
        raise ModelFileError(path, "segmentation.cost",
                             f"must be a finite number >= 0, got {cost:g} "
                             f"(valid segmentation.cost: {schema.valid('segmentation', 'cost')})")
    point = seg.get("point")
    if point is not None:
        if not (isinstance(point, list) and len(point) == 2):
            raise ModelFileError(path, "segmentation.point",
                                 "must be [consumer_surplus, producer_surplus]")
        point = tuple(_number(x, path, f"segmentation.point[{i}]") for i, x in enumerate(point))
    return SegmentationTarget(cost, point)


def persuasion_from_dict(data: dict, path="<model>") -> dict:
    """Keyword arguments of :func:`~infopricing.information.persuade` from ``[persuasion]``."""
    t = _table(data, "persuasion", path)
    check_keys(t, PERSUASION_KEYS, path, "persuasion")
    _require(t, "persuasion", "", path)
    out = {}
    for key in ("prior", "receiver_utility", "sender_utility"):
        out[key] = _numbers(t[key], path, "persuasion", key)
    try:                                  # persuade() has no normalize: say so for a file
        probability_vector(out["prior"], "prior")
    except (TypeError, ValueError) as exc:
        raise _model_error(path, "persuasion", exc, field="persuasion.prior") from None
    for key in ("states", "actions"):
        if key in t:
            if not isinstance(t[key], list):
                raise ModelFileError(path, f"persuasion.{key}", "must be a list of labels")
            out[key] = t[key]
    return out


# -- one area's tables from a file (``-``: standard input) ------------------------------------

def load_environment(path) -> tuple[Environment, Market | None]:
    """``(environment, market or None)`` from ``[environment]`` and the optional ``[market]``."""
    data, where = read_model_file(path), display_path(path)
    env = environment_from_dict(data, where)
    return env, market_from_dict(data, env, where)


def load_game(path) -> PricingGame:
    """The :class:`~infopricing.model.PricingGame` of a model file's ``[game]`` table."""
    return game_from_dict(read_model_file(path), display_path(path))


def load_distribution(path) -> ValueDistribution:
    """The :class:`~infopricing.model.ValueDistribution` of ``[distribution]``."""
    return distribution_from_dict(read_model_file(path), display_path(path))


def load_segmentation_model(path):
    """``(prior, cost, point or None)`` from ``[prior]`` and the optional ``[segmentation]``."""
    data, where = read_model_file(path), display_path(path)
    prior = prior_from_dict(data, where)
    cost, point = segmentation_from_dict(data, where)
    return prior, cost, point


def load_persuasion_model(path) -> dict:
    """Keyword arguments of :func:`~infopricing.information.persuade` from ``[persuasion]``."""
    return persuasion_from_dict(read_model_file(path), display_path(path))
