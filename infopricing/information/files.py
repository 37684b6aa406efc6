"""Model-file tables of this area (``[prior]``, ``[segmentation]``, ``[persuasion]``): the
parsers live in :mod:`infopricing.io` (schema in :mod:`infopricing.io.schema`); re-exported
here."""

from ..io.tables import (DISTRIBUTION_PRIOR_KEYS, FINITE_PRIOR_KEYS, PERSUASION_KEYS,  # noqa: F401
                         SEGMENTATION_KEYS, load_persuasion_model, load_segmentation_model)
from ..io.tables import prior_from_dict as parse_prior  # noqa: F401
