"""Competitive price discrimination and information (BBM25).

Bertrand producers with known values and costs: residual willingness to pay, the
producer-surplus lower bounds, the Theorem 1 consumer-optimal construction with an
independent equilibrium check, the complete-information benchmark, the no-information (no segmentation)
benchmark; unknown values
(value garblings, interim bounds); the Hotelling duopoly (Theorem 3) and the
Armstrong & Zhou (2022) comparison.
"""

from .game import (CompetitionOutcome, ConditionalResidual, PricingGame,
                   complete_information_outcome, optimal_prices_against_cost,
                   producer_surplus_bounds, residual_willingness_to_pay)
from .equilibrium import (AlertMix, EquilibriumCheck, InformationStructure, PointPrice,
                          check_equilibrium, evaluate_outcome)
from .construction import AlignmentConstruction, Segment, alignment_construction
from .public_segments import PublicSegmentationOutcome, evaluate_public_segmentation
from .uninformed import DiscreteMix, NoInformationOutcome, no_information_outcome
from .hotelling import (ArmstrongZhou, HotellingLP, HotellingOptimum, SymmetricPrior,
                        TwoSidedPareto, armstrong_zhou, hotelling_lp, hotelling_optimum)
from .unknown import (HomogeneousOptimum, UnknownValuesOptimum, ValueGarbling,
                      consumer_optimal_homogeneous, consumer_optimal_unknown_values,
                      has_common_knowledge_of_gains, interim_bounds, is_homogeneous,
                      value_garbling)
from .information_path import InformationPath, information_path

__all__ = [
    "ValueGarbling", "value_garbling", "is_homogeneous", "has_common_knowledge_of_gains",
    "interim_bounds", "HomogeneousOptimum", "consumer_optimal_homogeneous",
    "UnknownValuesOptimum", "consumer_optimal_unknown_values",
    "PricingGame", "ConditionalResidual", "CompetitionOutcome", "producer_surplus_bounds",
    "complete_information_outcome", "optimal_prices_against_cost",
    "residual_willingness_to_pay",
    "AlertMix", "PointPrice", "InformationStructure", "EquilibriumCheck",
    "check_equilibrium", "evaluate_outcome",
    "AlignmentConstruction", "Segment", "alignment_construction",
    "PublicSegmentationOutcome", "evaluate_public_segmentation",
    "DiscreteMix", "NoInformationOutcome", "no_information_outcome",
    "TwoSidedPareto", "SymmetricPrior", "HotellingOptimum", "hotelling_optimum",
    "HotellingLP", "hotelling_lp", "ArmstrongZhou", "armstrong_zhou",
    "InformationPath", "information_path",
]
