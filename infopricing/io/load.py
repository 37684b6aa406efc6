"""``infopricing.load(path)``: every model a model file describes, in one call."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from ..errors import ModelFileError
from ..model import Environment, Market, PricingGame, Prior, ValueDistribution
from .read import display_path, read_model_file
from .schema import TOP_LEVEL
from .tables import (SegmentationTarget, distribution_from_dict, environment_from_dict, environment_to_dict,
                     game_from_dict,
                     market_from_dict, persuasion_from_dict, prior_from_dict, segmentation_from_dict)

__all__ = ["ModelFile", "load", "load_dict"]


@dataclass(frozen=True)
class ModelFile:
    """The model objects of one model file; a table the file does not have is ``None``.

    Attributes
    ----------
    path : str
        The file (``<stdin>`` for standard input).
    tables : tuple of str
        The top-level tables read, in file order.
    environment : Environment or None
        ``[environment]`` (HS section 4).
    market : Market or None
        ``[market]``, over ``environment`` (only with ``[environment]``).
    game : PricingGame or None
        ``[game]`` (BBM25 Section I).
    information : tuple or None
        ``[information]`` as ``(weights, segments)``: a public segmentation of the
        ``[game]`` prior (only with ``[game]``), evaluated by ``compete``.
    distribution : ValueDistribution or None
        ``[distribution]`` (CLW section 2).
    prior : Prior or None
        ``[prior]`` (BBM 2015 section 2).
    segmentation : SegmentationTarget or None
        ``[segmentation]`` as ``(cost, point)``; with ``[prior]`` and no
        ``[segmentation]`` it holds the defaults ``(0.0, None)``.
    persuasion : dict or None
        ``[persuasion]`` as the keyword arguments of
        :func:`~infopricing.information.persuade`.

    References
    ----------
    The model-file reference (``docs/howto/model-file-reference.md``), generated from
    :mod:`infopricing.io.schema`.

    Examples
    --------
    A file with a BBM25 game and a public segmentation of its prior (two profiles, each
    segment tilted towards one of them; 0.5 x 0.75 + 0.5 x 0.25 = 0.5 by hand):

    >>> import pathlib, tempfile
    >>> import infopricing as ip
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "duopoly.toml"
    >>> _ = p.write_text("[game]\\nvalues = [[2, 2], [2, 2]]\\ncosts = [[0, 0.5], [0, 1.5]]\\n"
    ...                  "probabilities = [0.5, 0.5]\\n[information]\\nweights = [0.5, 0.5]\\n"
    ...                  "segments = [[0.75, 0.25], [0.25, 0.75]]\\n")
    >>> m = ip.load(p)
    >>> m.tables, m.game.n_profiles, m.environment
    (('game', 'information'), 2, None)
    >>> weights, segments = m.information
    >>> (weights @ segments).tolist()
    [0.5, 0.5]
    """

    path: str
    tables: tuple
    environment: Environment | None = None
    market: Market | None = None
    game: PricingGame | None = None
    information: tuple | None = None
    distribution: ValueDistribution | None = None
    prior: Prior | None = None
    segmentation: SegmentationTarget | None = None
    persuasion: dict | None = None

    def to_dict(self) -> dict:
        """The tables describing these objects, as plain lists ready for ``json.dump``:
        :func:`load` of the dumped JSON gives equal objects (a continuous ``[prior]``
        comes back as its discretisation, a catalogued ``[distribution]`` as its
        profiles)."""
        out = {}
        if self.environment is not None:
            out.update(environment_to_dict(self.environment, self.market))
        if self.game is not None:
            g = self.game
            out["game"] = {"producers": list(g.producers), "values": g.values.tolist(),
                           "costs": g.costs.tolist(), "probabilities": g.probabilities.tolist()}
        if self.information is not None:
            w, S = self.information
            out["information"] = {"weights": np.asarray(w).tolist(), "segments": np.asarray(S).tolist()}
        if self.distribution is not None:
            d = self.distribution
            out["distribution"] = {"products": list(d.products), "values": d.values.tolist(),
                                   "probabilities": d.probabilities.tolist()}
        if self.prior is not None:
            out["prior"] = {"values": self.prior.values.tolist(),
                            "probabilities": self.prior.probabilities.tolist()}
        if self.segmentation is not None:
            seg = {"cost": self.segmentation.cost}
            if self.segmentation.point is not None:
                seg["point"] = list(self.segmentation.point)
            out["segmentation"] = seg
        if self.persuasion is not None:
            out["persuasion"] = {k: np.asarray(v).tolist() if k not in ("states", "actions") else list(v)
                                 for k, v in self.persuasion.items()}
        return out

    def __repr__(self) -> str:
        got = ", ".join(f"{n}={type(getattr(self, n)).__name__}" for n in TOP_LEVEL
                        if getattr(self, n) is not None)
        return f"ModelFile({self.path!r}, {got})"


def load(path, tables=None) -> ModelFile:
    """Read a model file (``"-"``: standard input) into its model objects.

    Parameters
    ----------
    path : str or Path
        A TOML or JSON model file (``*.json`` is JSON, anything else TOML); ``"-"`` reads
        standard input (JSON when it starts with ``{``).
    tables : sequence of str, optional
        Read only these top-level tables (the others are left alone, so one file may
        carry the tables of several commands). By default every table is read, and a
        top-level table the schema does not define is an error naming the closest one.

    Returns
    -------
    ModelFile
        One attribute per table; what each table combination gives:

        - ``[environment]`` (+ ``[market]``): ``environment`` and ``market`` (``None``
          without ``[market]``: a sweep over markets needs only the environment);
        - ``[game]``: ``game``;
        - ``[distribution]``: ``distribution`` (explicit, independent or catalogued);
        - ``[prior]`` (+ ``[segmentation]``): ``prior`` and ``segmentation`` (its
          defaults, cost 0 and no point, when the table is absent);
        - ``[persuasion]``: ``persuasion``, keyword arguments of ``persuade``;
        - any union of these: all of them (a ``[market]`` without ``[environment]`` or a
          ``[segmentation]`` without ``[prior]`` is an error).

    Raises
    ------
    ModelFileError
        Naming the file, the table and key, and the reason (with the schema's valid range
        where a value is out of it).

    References
    ----------
    :mod:`infopricing.io.schema` (every table and key).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import infopricing as ip
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "shop.toml"
    >>> _ = p.write_text("[environment]\\nvaluations = [[1, 2], [2, 4]]\\n"
    ...                  "[market]\\nprobabilities = [0.25, 0.75]\\n")
    >>> m = ip.load(p)
    >>> m.tables, m.environment.n_types, m.market.probabilities.tolist(), m.game
    (('environment', 'market'), 2, [0.25, 0.75], None)
    """
    return load_dict(read_model_file(path), display_path(path), tables)


def load_dict(data: dict, path="<dict>", tables=None) -> ModelFile:
    """:func:`load` for a document already parsed (``data``: table name to table); errors
    name ``path``."""
    where = path
    if tables is None:
        for name in data:
            if name not in TOP_LEVEL:
                close = difflib.get_close_matches(str(name), TOP_LEVEL, n=1)
                hint = f"did you mean [{close[0]}]? " if close else ""
                raise ModelFileError(where, name, f"unknown table [{name}]; {hint}"
                                                  f"model files have: {', '.join(TOP_LEVEL)}")
        wanted = {n for n in TOP_LEVEL if n in data} | ({"segmentation"} if "prior" in data else set())
    else:
        wanted = set(tables)
        bad = sorted(wanted - set(TOP_LEVEL))
        if bad:
            raise ValueError(f"tables must be among {TOP_LEVEL}, got {bad}")
    got = {}
    for name in TOP_LEVEL:              # environment before market, prior before segmentation
        if name not in wanted:
            continue
        if name == "market":
            if "market" not in data:
                got["market"] = None
                continue
            if "environment" not in data:
                raise ModelFileError(where, "market", "a [market] needs an [environment] (its types)")
            if got.get("environment") is None:
                got["environment"] = environment_from_dict(data, where)
            got["market"] = market_from_dict(data, got["environment"], where)
        elif name == "information":
            if "information" not in data:
                got["information"] = None
                continue
            if "game" not in data:
                raise ModelFileError(where, "information", "an [information] needs a [game] (its profiles)")
            if got.get("game") is None:
                got["game"] = game_from_dict(data, where)
            from ..competition.public_segments import information_from_dict
            got["information"] = information_from_dict(data, got["game"], where)
        elif name == "segmentation":
            if "segmentation" in data and "prior" not in data:
                raise ModelFileError(where, "segmentation", "a [segmentation] needs a [prior]")
            got["segmentation"] = segmentation_from_dict(data, where)   # its defaults when absent
        else:
            got[name] = _PARSERS[name](data, where)
    return ModelFile(str(where), tuple(n for n in data if n in TOP_LEVEL), **got)


_PARSERS = {"environment": environment_from_dict, "game": game_from_dict, "distribution": distribution_from_dict,
            "prior": prior_from_dict, "persuasion": persuasion_from_dict}
