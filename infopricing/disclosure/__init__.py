"""CLW: joint design of information and menus for a multi-product unit-demand seller.

Public: :class:`ValueDistribution`, :func:`optimal_welfare`, :class:`Signal`,
:func:`horizontal_disclosure`, :func:`coarse_horizontal_disclosure`, :class:`Menu`,
:func:`evaluate_design`, :func:`optimal_information` (fix the menu),
:func:`optimal_prices_for_signal` (fix the information), :func:`uniform_pricing`,
:func:`highest_full_sale_price`, :func:`optimal_pricing`, :func:`two_price_pricing`,
:func:`two_product_mechanisms`, and their result types.
"""

from .distribution import ValueDistribution, optimal_welfare
from .signals import HorizontalDisclosure, Signal, coarse_horizontal_disclosure, horizontal_disclosure
from .design import DesignEvaluation, Menu, evaluate_design
from .best_response import optimal_information, optimal_prices_for_signal
from .lottery import JointDesign, exogenous_baseline, optimal_design, optimal_menu_for_signal
from .conditions import (FullExtraction, full_extraction, is_exchangeable, is_generic,
                         is_negatively_affiliated, negative_affiliation_violation)
from .pricing import (PricingResult, TwoProductMechanisms, UniformPricing, highest_full_sale_price,
                      optimal_pricing, two_price_pricing, two_product_mechanisms, uniform_pricing)

__all__ = [
    "ValueDistribution", "optimal_welfare",
    "Signal", "HorizontalDisclosure", "horizontal_disclosure", "coarse_horizontal_disclosure",
    "Menu", "DesignEvaluation", "evaluate_design",
    "optimal_information", "optimal_prices_for_signal",
    "PricingResult", "UniformPricing", "TwoProductMechanisms",
    "optimal_pricing", "uniform_pricing", "highest_full_sale_price", "two_price_pricing",
    "two_product_mechanisms",
    "JointDesign", "optimal_design", "exogenous_baseline", "optimal_menu_for_signal",
    "FullExtraction", "full_extraction", "is_exchangeable", "is_generic", "is_negatively_affiliated",
    "negative_affiliation_violation",
]
