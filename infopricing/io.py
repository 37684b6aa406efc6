"""Model files: TOML or JSON documents, with an optional CSV for large valuation matrices.

Format (TOML shown; JSON has the same keys)::

    [environment]
    types = ["low", "high"]          # optional labels
    alternatives = ["L", "H"]        # optional labels
    valuations = [[0.75, 1.0],       # n x k, or
                  [1.0, 2.0]]
    # valuations_csv = "vals.csv"    # a CSV file (path relative to this file) of n rows
    #                                # and k columns; a first row of non-numbers is a header
    #                                # of alternative labels
    costs = [0.0, 0.0]               # optional, per alternative (HS footnote 5)

    [market]
    probabilities = [0.5, 0.5]       # optional; 'normalize = true' rescales

Other areas of the library read their own tables from the same document (``[game]`` for
competition, ``[distribution]`` for disclosure, ``[persuasion]``, ``[prior]``); each parser
reports errors as :class:`~infopricing.errors.ModelFileError` naming the file, the field
and the reason. Parsing never executes anything: TOML via :mod:`tomllib`, JSON via
:mod:`json`, CSV via :mod:`csv`.
"""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import numpy as np

from .errors import ModelFileError
from .model import Environment, Market


def read_model_file(path) -> dict:
    """Parse a TOML or JSON model file into a dict (nothing is executed)."""
    p = Path(path)
    if not p.is_file():
        raise ModelFileError(p, None, "file not found")
    text = p.read_bytes()
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(text.decode("utf-8"))
        else:
            data = tomllib.loads(text.decode("utf-8"))
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(p, None, f"cannot parse: {exc}") from None
    if not isinstance(data, dict):
        raise ModelFileError(p, None, "top level must be a table/object")
    return data


def read_csv_matrix(path, base=None, field="valuations_csv"):
    """Read a numeric CSV matrix; returns (matrix, header or None)."""
    p = Path(path)
    if base is not None and not p.is_absolute():
        p = Path(base).parent / p
    if not p.is_file():
        raise ModelFileError(base or p, field, f"CSV file {str(p)!r} not found")
    rows = []
    header = None
    with p.open(newline="") as fh:
        for i, row in enumerate(csv.reader(fh)):
            if not row or all(not c.strip() for c in row):
                continue
            try:
                rows.append([float(c) for c in row])
            except ValueError:
                if i == 0 and header is None:
                    header = [c.strip() for c in row]
                    continue
                raise ModelFileError(p, field, f"row {i + 1} is not numeric: {row}") from None
    if not rows:
        raise ModelFileError(p, field, "CSV has no numeric rows")
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise ModelFileError(p, field, f"rows have different lengths {sorted(widths)}")
    return np.array(rows), header


def _table(data, key, path, required=True):
    t = data.get(key)
    if t is None:
        if required:
            raise ModelFileError(path, key, f"missing table [{key}]")
        return None
    if not isinstance(t, dict):
        raise ModelFileError(path, key, "must be a table/object")
    return t


def environment_from_dict(data: dict, path="<model>") -> Environment:
    t = _table(data, "environment", path)
    vals = t.get("valuations")
    alts = t.get("alternatives")
    if vals is None and "valuations_csv" in t:
        vals, header = read_csv_matrix(t["valuations_csv"], base=path)
        if alts is None and header is not None:
            alts = header
    if vals is None:
        raise ModelFileError(path, "environment.valuations", "missing (give valuations or valuations_csv)")
    try:
        return Environment(vals, types=t.get("types"), alternatives=alts, costs=t.get("costs"))
    except (TypeError, ValueError) as exc:
        raise ModelFileError(path, "environment", str(exc)) from None


def market_from_dict(data: dict, env: Environment, path="<model>") -> Market | None:
    t = _table(data, "market", path, required=False)
    if t is None:
        return None
    if "probabilities" not in t:
        raise ModelFileError(path, "market.probabilities", "missing")
    try:
        return Market(env, t["probabilities"], normalize=bool(t.get("normalize", False)))
    except (TypeError, ValueError) as exc:
        raise ModelFileError(path, "market.probabilities", str(exc)) from None


def load_environment(path) -> tuple[Environment, Market | None]:
    """Read ``[environment]`` and the optional ``[market]`` of a model file."""
    data = read_model_file(path)
    env = environment_from_dict(data, path)
    return env, market_from_dict(data, env, path)


def environment_to_dict(env: Environment, market: Market | None = None) -> dict:
    d = {"environment": {"types": list(env.types), "alternatives": list(env.alternatives),
                         "valuations": env.gross_values.tolist()}}
    if np.any(env.costs != 0):
        d["environment"]["costs"] = env.costs.tolist()
    if market is not None:
        d["market"] = {"probabilities": market.probabilities.tolist()}
    return d
