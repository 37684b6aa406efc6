"""The model-file schema: every table, its forms and keys, with type, range, default,
meaning and a complete example. This is the one description of the format: the table
parsers (:mod:`infopricing.io.tables`) take their accepted and required keys and the valid
ranges quoted in their error messages from here, and the documentation's model-file
reference (``docs/hooks/schema.py``) is generated from :data:`TABLES`.

A table may have several *forms* (``[game]`` with explicit profiles or with independent
producers); a form is chosen by a key only it has (``marginal``, ``independent``,
``catalog``, ``distribution``).

References
----------
HS section 4 (``[environment]``, ``[market]``); BBM25 Section I (``[game]``); CLW section 2
(``[distribution]``); BBM 2015 section 2 (``[prior]``, ``[segmentation]``); Kamenica and
Gentzkow (2011) (``[persuasion]``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Key", "Table", "TABLES", "REQ", "table", "keys", "required_keys", "valid", "TOP_LEVEL"]


@dataclass(frozen=True)
class Key:
    """One key of a table: its name, type, valid range, default and meaning."""

    name: str
    type: str
    range: str
    default: str
    meaning: str

    @property
    def required(self) -> bool:
        return self.default == REQ


@dataclass(frozen=True)
class Table:
    """One form of a model-file table."""

    name: str            # as written in the file, e.g. "environment" or "game.marginal"
    form: str            # which form of the table (several tables have two or three)
    keys_from: str       # "module:ATTRIBUTE": the parser's accepted keys (derived from here)
    loader: str          # "module:function" reading a file that has this table
    commands: str
    keys: tuple[Key, ...]
    example: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.keys)


REQ = "required"
TABLES = (
    Table("environment", "valuations in the file", "infopricing.io:ENVIRONMENT_KEYS",
          "infopricing.io:load_environment", "menu, pareto, sweep",
          (Key("valuations", "array of arrays of numbers (n x k)", "finite; n >= 1 types, k >= 1 alternatives",
               "required (or valuations_csv)", "v(t, a): the value of type t for alternative a (HS section 2)"),
           Key("valuations_csv", "string (file name)", "a CSV of n rows and k columns, relative to the model file; "
               "a first row of non-numbers is a header of alternative labels", "none (give valuations instead)",
               "large valuation matrices; not together with valuations"),
           Key("types", "array of strings", "n distinct labels", "t1, t2, ...", "type labels used in tables and plots"),
           Key("alternatives", "array of strings", "k distinct labels", "a1, a2, ... (or the CSV header)",
               "alternative labels"),
           Key("costs", "array of numbers", "k finite numbers", "all 0", "cost of producing each alternative "
               "(HS footnote 5)")),
          '[environment]\ntypes = ["low", "high"]\nalternatives = ["L", "H"]\n'
          'valuations = [[0.75, 1.0], [1.0, 2.0]]\ncosts = [0.0, 0.0]\n\n'
          '[market]\nprobabilities = [0.5, 0.5]\n'),
    Table("market", "", "infopricing.io:MARKET_KEYS", "infopricing.io:load_environment",
          "menu, pareto (optional for sweep)",
          (Key("probabilities", "array of numbers", "n numbers >= 0 summing to 1 (within the tolerance of "
               "infopricing.tolerances)", REQ, "the market f: the mass of each type"),
           Key("normalize", "boolean", "true or false (not a string)", "false",
               "rescale probabilities that do not sum to 1")),
          '[environment]\nvaluations = [[1, 2], [2, 3], [3, 3.5]]\n\n'
          '[market]\nprobabilities = [3, 3, 4]\nnormalize = true\n'),
    Table("game", "explicit profiles", "infopricing.io:GAME_KEYS",
          "infopricing.io:load_game", "compete",
          (Key("values", "array of arrays of numbers (profiles x producers)", "finite, >= 0", REQ,
               "v_i: each producer's value in each profile (BBM25 Section I)"),
           Key("costs", "array of numbers, or array of arrays", "finite, >= 0; shape (producers,) or (profiles, producers)", REQ,
               "c_i: each producer's cost, fixed or per profile"),
           Key("probabilities", "array of numbers", "one per profile, >= 0, summing to 1", REQ,
               "the prior over profiles"),
           Key("producers", "array of strings", "one label per producer", "1, 2, ...", "producer labels"),
           Key("normalize", "boolean", "true or false", "false", "rescale probabilities")),
          '[game]\nproducers = ["A", "B"]\nvalues = [[1, 4], [4, 1]]\ncosts = [0, 0]\n'
          'probabilities = [0.5, 0.5]\n'),
    Table("game", "independent producers", "infopricing.io:INDEPENDENT_GAME_KEYS",
          "infopricing.io:load_game", "compete",
          (Key("marginal", "array of tables [[game.marginal]]", "one per producer", REQ,
               "each producer's (value, cost) distribution; profiles are their product"),
           Key("producers", "array of strings", "one label per producer", "1, 2, ...", "producer labels")),
          '[game]\n[[game.marginal]]\npairs = [[1, 1], [1, 0], [4, 1], [4, 0]]\n'
          'probabilities = [0.25, 0.25, 0.25, 0.25]\n\n[[game.marginal]]\npairs = [[2, 0], [3, 1]]\n'
          'probabilities = [0.5, 0.5]\n'),
    Table("game.marginal", "", "infopricing.io:MARGINAL_KEYS",
          "infopricing.io:load_game", "compete",
          (Key("pairs", "array of [value, cost] pairs", "finite numbers >= 0", REQ, "the support of (v_i, c_i)"),
           Key("probabilities", "array of numbers", "one per pair, >= 0, summing to 1 (no normalize)", REQ,
               "their probabilities")),
          '[game]\n[[game.marginal]]\npairs = [[1, 0], [3, 0]]\nprobabilities = [0.5, 0.5]\n\n'
          '[[game.marginal]]\npairs = [[2, 0]]\nprobabilities = [1.0]\n'),
    Table("information", "a public segmentation of the [game] prior",
          "infopricing.io:INFORMATION_KEYS",
          "infopricing.io:load", "compete",
          (Key("weights", "array of numbers", "one per segment, >= 0, summing to 1", REQ,
               "the probability of each segment"),
           Key("segments", "array of arrays of numbers (segments x profiles)",
               "each row >= 0 summing to 1; weights @ segments = the [game] probabilities", REQ,
               "each segment's distribution over the game's profiles; every producer observes "
               "the segment (BBM25 Section I); compete computes each segment's equilibrium, "
               "checks the whole structure for profitable deviations and prints it beside no "
               "information, complete information and the consumer-optimal construction")),
          '[game]\nvalues = [[2, 2], [2, 2]]\ncosts = [[0, 0.5], [0, 1.5]]\n'
          'probabilities = [0.5, 0.5]\n\n[information]\nweights = [0.5, 0.5]\n'
          'segments = [[0.75, 0.25], [0.25, 0.75]]\n'),
    Table("distribution", "explicit profiles", "infopricing.io:DISTRIBUTION_KEYS",
          "infopricing.io:load_distribution", "disclose",
          (Key("values", "array of arrays of numbers (profiles x products)", "finite, >= 0", REQ,
               "the buyer's value profiles v (CLW section 2)"),
           Key("probabilities", "array of numbers", "one per profile, >= 0, summing to 1", REQ, "F: their probabilities"),
           Key("products", "array of strings", "one label per product", "1, 2, ...", "product labels"),
           Key("normalize", "boolean", "true or false", "false", "rescale probabilities")),
          '[distribution]\nproducts = ["A", "B"]\nvalues = [[10, 5], [6, 5], [0, 3]]\n'
          'probabilities = [0.2, 0.4, 0.4]\n'),
    Table("distribution", "independent products", "infopricing.io:INDEPENDENT_DISTRIBUTION_KEYS",
          "infopricing.io:load_distribution", "disclose",
          (Key("independent", "table [distribution.independent]", "see below", REQ,
               "one value distribution per product; profiles are their product"),
           Key("products", "array of strings", "one label per product", "1, 2, ...", "product labels")),
          '[distribution]\nproducts = ["A", "B"]\n\n[distribution.independent]\n'
          'values = [[1, 2], [0, 3]]\nprobabilities = [[0.5, 0.5], [0.2, 0.8]]\n'),
    Table("distribution.independent", "", "infopricing.io:INDEPENDENT_KEYS",
          "infopricing.io:load_distribution", "disclose",
          (Key("values", "array of arrays of numbers", "one list per product, finite, >= 0", REQ, "each product's values"),
           Key("probabilities", "array of arrays of numbers", "one list per product, each summing to 1", REQ,
               "each product's probabilities")),
          '[distribution.independent]\nvalues = [[1, 2], [1, 2]]\nprobabilities = [[0.5, 0.5], [0.5, 0.5]]\n'),
    Table("distribution", "a catalogued instance", "infopricing.io:CATALOG_DISTRIBUTION_KEYS",
          "infopricing.io:load_distribution", "disclose",
          (Key("catalog", "string", "a name in infopricing.disclosure.catalog (e.g. example1)", REQ,
               "one of the CLW paper's instances"),),
          '[distribution]\ncatalog = "example1"\n'),
    Table("prior", "finite", "infopricing.io:FINITE_PRIOR_KEYS",
          "infopricing.io:load_segmentation_model", "segment",
          (Key("values", "array of numbers", "finite, strictly increasing", REQ, "the support of the value"),
           Key("probabilities", "array of numbers", "one per value, >= 0, summing to 1", REQ, "their probabilities"),
           Key("normalize", "boolean", "true or false", "false", "rescale probabilities")),
          '[prior]\nvalues = [1, 3, 4]\nprobabilities = [0.5, 0.25, 0.25]\n'),
    Table("prior", "a continuous distribution", "infopricing.io:DISTRIBUTION_PRIOR_KEYS",
          "infopricing.io:load_segmentation_model", "segment",
          (Key("distribution", "string", "a scipy.stats continuous distribution with bounded support "
               "(looked up by name, nothing executed)", REQ, "e.g. beta, uniform, triang"),
           Key("parameters", "table of numbers", "the distribution's shape, loc and scale", "{}",
               "e.g. { a = 2, b = 3 }"),
           Key("size", "integer", ">= 2", "200", "cells of the discretisation grid")),
          '[prior]\ndistribution = "beta"\nparameters = { a = 2, b = 3 }\nsize = 50\n'),
    Table("segmentation", "", "infopricing.io:SEGMENTATION_KEYS",
          "infopricing.io:load_segmentation_model", "segment",
          (Key("cost", "number", "finite, >= 0", "0", "the seller's marginal cost"),
           Key("point", "[consumer surplus, producer surplus]", "a point of the surplus triangle", "none",
               "a welfare pair to reach with a segmentation (BBM 2015)")),
          '[prior]\nvalues = [1, 3, 4]\nprobabilities = [0.5, 0.25, 0.25]\n\n'
          '[segmentation]\ncost = 0.0\npoint = [0.5, 1.6]\n'),
    Table("persuasion", "", "infopricing.io:PERSUASION_KEYS",
          "infopricing.io:load_persuasion_model", "persuade",
          (Key("prior", "array of numbers", "one per state, >= 0, summing to 1", REQ, "the prior over states"),
           Key("receiver_utility", "array of arrays (states x actions)", "finite", REQ, "u(state, action)"),
           Key("sender_utility", "array of arrays (states x actions)", "finite", REQ, "v(state, action)"),
           Key("states", "array of strings", "one label per state", "s1, s2, ...", "state labels"),
           Key("actions", "array of strings", "one label per action", "a1, a2, ...", "action labels")),
          '[persuasion]\nstates = ["innocent", "guilty"]\nactions = ["acquit", "convict"]\n'
          'prior = [0.7, 0.3]\nreceiver_utility = [[1, 0], [0, 1]]\nsender_utility = [[0, 1], [0, 1]]\n'),
)


#: The top-level tables a model file may hold, in the order :func:`infopricing.load` reads them.
TOP_LEVEL = ("environment", "market", "game", "information", "distribution", "prior", "segmentation",
             "persuasion")


def table(name: str, form: str = "") -> Table:
    """The schema of table ``name`` in form ``form`` (``""``: the first form)."""
    for t in TABLES:
        if t.name == name and (t.form == form or not form):
            return t
    raise KeyError(f"no table [{name}]" + (f" in form {form!r}" if form else ""))


def keys(name: str, form: str = "") -> tuple[str, ...]:
    """The accepted keys of table ``name`` (form ``form``), in schema order."""
    return table(name, form).names


def required_keys(name: str, form: str = "") -> tuple[str, ...]:
    """The keys of table ``name`` (form ``form``) that have no default."""
    return tuple(k.name for k in table(name, form).keys if k.required)


def valid(name: str, key: str) -> str:
    """The valid range of ``[name].key`` as the schema states it (``""`` if not described)."""
    for t in TABLES:
        if t.name == name:
            for k in t.keys:
                if k.name == key:
                    return k.range
    return ""
