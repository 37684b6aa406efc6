"""Model files: TOML or JSON documents (``-``: standard input), with an optional CSV for large
valuation matrices, read into the model objects of :mod:`infopricing.model`.

- :func:`load` (also ``infopricing.load``): every table of a file at once, as a
  :class:`ModelFile`;
- :mod:`.schema`: every table, form and key with type, range, default and an example (the
  model-file reference in the documentation is generated from it);
- :mod:`.tables`: one parser per table (``environment_from_dict`` ...) and one loader per
  area (``load_environment``, ``load_game``, ``load_distribution``,
  ``load_segmentation_model``, ``load_persuasion_model``);
- :mod:`.read`: reading TOML/JSON/CSV and the strict checks the parsers share.

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

The other tables (``[game]``, ``[distribution]``, ``[prior]``, ``[segmentation]``,
``[persuasion]``) are in :data:`.schema.TABLES`. Errors are
:class:`~infopricing.errors.ModelFileError` naming the file, the field and the reason.
"""

from .load import ModelFile, load, load_dict
from .read import (STDIN, check_keys, check_numbers, check_numeric_table, describe_value, display_path,
                   file_reason, is_stdin, parse_model_bytes, read_csv_matrix, read_flag, read_model_bytes,
                   read_model_file)
from .tables import (CATALOG_DISTRIBUTION_KEYS, DISTRIBUTION_KEYS, DISTRIBUTION_PRIOR_KEYS, ENVIRONMENT_KEYS,
                     FINITE_PRIOR_KEYS, GAME_KEYS, INDEPENDENT_DISTRIBUTION_KEYS, INDEPENDENT_GAME_KEYS,
                     INDEPENDENT_KEYS, INFORMATION_KEYS, MARGINAL_KEYS, MARKET_KEYS, PERSUASION_KEYS, SEGMENTATION_KEYS,
                     SegmentationTarget, distribution_from_dict, environment_from_dict, environment_to_dict,
                     game_from_dict, load_distribution, load_environment, load_game, load_persuasion_model,
                     load_segmentation_model, market_from_dict, parse_prior_spec, persuasion_from_dict,
                     prior_from_dict, segmentation_from_dict)

parse_prior = prior_from_dict    # the name information/files.py gave it

__all__ = ["load", "load_dict", "ModelFile", "read_model_bytes", "parse_model_bytes", "SegmentationTarget", "read_model_file", "read_csv_matrix", "load_environment",
           "load_game", "load_distribution", "load_segmentation_model", "load_persuasion_model",
           "environment_from_dict", "market_from_dict", "game_from_dict", "distribution_from_dict",
           "prior_from_dict", "segmentation_from_dict", "persuasion_from_dict", "environment_to_dict",
           "parse_prior_spec", "STDIN"]

# the strict checks, for code that reads a table of its own
_ = (check_keys, check_numbers, check_numeric_table, describe_value, display_path, file_reason, is_stdin,
     read_flag, CATALOG_DISTRIBUTION_KEYS, DISTRIBUTION_KEYS, DISTRIBUTION_PRIOR_KEYS, ENVIRONMENT_KEYS,
     FINITE_PRIOR_KEYS, GAME_KEYS, INDEPENDENT_DISTRIBUTION_KEYS, INDEPENDENT_GAME_KEYS, INDEPENDENT_KEYS,
     MARGINAL_KEYS, MARKET_KEYS, PERSUASION_KEYS, SEGMENTATION_KEYS, INFORMATION_KEYS)
