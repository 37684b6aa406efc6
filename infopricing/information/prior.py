"""Priors over a one-dimensional value: the model lives in :mod:`infopricing.model.prior`.

Re-exported here so that ``infopricing.information.prior.Prior`` keeps working.
"""

from ..model.prior import Prior, _check_frozen_continuous, as_prior, strictly_increasing  # noqa: F401

__all__ = ["Prior", "as_prior"]
