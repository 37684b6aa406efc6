"""Validated, immutable model inputs: every primitive a user builds. Nothing here solves.

- :class:`Environment`, :class:`Market`: types, alternatives and a distribution over the
  types (HS section 4);
- :class:`PricingGame`: producers' joint distribution of values and costs (BBM25 Section I);
- :class:`ValueDistribution`, :class:`Signal`: a buyer's value profiles and an information
  structure over them (CLW section 2);
- :class:`Prior`: a one-dimensional value distribution (BBM 2015, section 2).

Segmentations are not here: see :mod:`infopricing.segmentation` (``Segmentation`` stores a
market split together with each segment's *selected optimal mechanism*, a solved object;
its constructor validates the split and solves lazily, on first use).
"""

from .distribution import ValueDistribution
from .environment import Environment, Market
from .game import PricingGame
from .prior import Prior
from .signal import Signal

__all__ = ["Environment", "Market", "PricingGame", "Prior", "Signal", "ValueDistribution"]
