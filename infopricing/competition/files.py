"""Reading a :class:`PricingGame` from a model file's ``[game]`` table: the parser lives in
:mod:`infopricing.io` (schema in :mod:`infopricing.io.schema`); re-exported here."""

from ..io.tables import GAME_KEYS, INDEPENDENT_GAME_KEYS, MARGINAL_KEYS, load_game, parse_prior_spec  # noqa: F401

__all__ = ["load_game", "parse_prior_spec"]
