"""infopricing: computational economics of price discrimination and information.

Implements, in general form and with certificates, Haghpanah & Siegel (HS),
Bergemann, Brooks & Morris (BBM25) and Cai, Li & Wu (CLW); see the README.

The names below (:data:`__all__`) are the curated public surface: the model primitives,
one function per computation, the result classes they return, the result protocol and
the subpackages. Everything else stays reachable from its subpackage.
"""

__version__ = "0.1.0"

import importlib
import sys
import types
from typing import TYPE_CHECKING

__all__ = [
    # the model a user builds
    "Environment", "Market", "Prior", "PricingGame", "ValueDistribution", "Signal", "Menu",
    "LinearEnvironment", "SymmetricPrior",
    # model files (infopricing.io): every table of a file, as model objects
    "load", "ModelFile",
    # the result protocol
    "Result", "ResultStatus", "Status", "Verification", "Checker",
    # HS: menus (section 4)
    "optimal_mechanism", "solve_menu_lazy", "Mechanism", "LazyMenuResult",
    # HS: Pareto-improving segmentation (sections 5-6, appendices)
    "pareto_improving_segmentation", "exact_pareto_improvement",
    "max_consumer_surplus_segmentation", "pareto_dominating_market", "information_rent_path",
    "pareto_analysis", "single_product_pareto_segmentation", "two_type_profile",
    "genericity_hyperplanes", "cell_decomposition", "surplus_set",
    "Segmentation", "ParetoImprovement", "NoImprovementCertificate", "InteriorCertificate",
    "ConsumerOptimalSegmentation", "DominatingMarket", "InformationRentPath", "ParetoAnalysis",
    "TwoTypeProfile", "Genericity", "CellDecomposition", "SurplusSet",
    "LinearMechanism", "LinearImprovement",
    # BBM 2015 single-product segmentation
    "surplus_triangle", "greedy_segmentation", "perfect_discrimination",
    "segmentation_for_point", "SurplusTriangle", "SingleProductSegmentation",
    # information: persuasion, mean-preserving contractions, buyer-optimal learning
    "persuade", "mpc_optimize", "buyer_optimal_learning", "monopoly_outcome",
    "PersuasionResult", "MPCResult", "LearningResult", "MonopolyOutcome",
    # BBM25: competition and information
    "alignment_construction", "check_equilibrium", "complete_information_outcome",
    "no_information_outcome", "producer_surplus_bounds", "value_garbling",
    "consumer_optimal_homogeneous", "consumer_optimal_unknown_values",
    "hotelling_optimum", "hotelling_lp", "armstrong_zhou",
    "AlignmentConstruction", "EquilibriumCheck", "CompetitionOutcome", "NoInformationOutcome",
    "ValueGarbling", "HomogeneousOptimum", "UnknownValuesOptimum", "HotellingOptimum",
    "HotellingLP", "ArmstrongZhou",
    # CLW: disclosure and pricing
    "optimal_welfare", "horizontal_disclosure", "evaluate_design", "optimal_pricing",
    "uniform_pricing", "two_product_mechanisms", "optimal_design", "full_extraction",
    "HorizontalDisclosure", "DesignEvaluation", "PricingResult", "UniformPricing",
    "TwoProductMechanisms", "JointDesign", "FullExtraction",
    # the HTML market report
    "report", "MarketReport",
    # many markets
    "sweep", "sweep_to_parquet", "run_chunked", "SweepResult", "ChunkedRun",
    # subpackages
    "catalog", "io", "plots", "model", "lp", "verify", "screening", "segmentation", "information",
    "competition", "disclosure", "scale", "tolerances",
]

# Where each public name lives. ``import infopricing`` loads none of the areas (they pull
# in numpy, scipy.sparse and highspy, about 0.5 s); each area is imported on the first
# access to one of its names, through the module ``__getattr__`` below (PEP 562). The table
# is checked against the areas' own ``__all__`` by tests/test_import_light.py.
_AREAS = {
    "model": ("Environment", "Market", "Prior", "PricingGame", "ValueDistribution", "Signal"),
    "verify": ("Result", "ResultStatus", "Verification", "Checker"),
    "lp": ("Status",),
    "io": ("load", "ModelFile"),
    "report": ("report", "MarketReport"),
    "screening": ("optimal_mechanism", "solve_menu_lazy", "Mechanism", "LazyMenuResult"),
    "segmentation": (
        "LinearEnvironment", "pareto_improving_segmentation", "exact_pareto_improvement",
        "max_consumer_surplus_segmentation", "pareto_dominating_market",
        "information_rent_path", "pareto_analysis", "single_product_pareto_segmentation",
        "two_type_profile", "genericity_hyperplanes", "cell_decomposition", "surplus_set",
        "Segmentation", "ParetoImprovement", "NoImprovementCertificate",
        "InteriorCertificate", "ConsumerOptimalSegmentation", "DominatingMarket",
        "InformationRentPath", "ParetoAnalysis", "TwoTypeProfile", "Genericity",
        "CellDecomposition", "SurplusSet", "LinearMechanism", "LinearImprovement",
        "surplus_triangle", "greedy_segmentation", "perfect_discrimination",
        "segmentation_for_point", "SurplusTriangle", "SingleProductSegmentation"),
    "information": (
        "persuade", "mpc_optimize", "buyer_optimal_learning", "monopoly_outcome",
        "PersuasionResult", "MPCResult", "LearningResult", "MonopolyOutcome"),
    "competition": (
        "SymmetricPrior", "alignment_construction", "check_equilibrium",
        "complete_information_outcome", "no_information_outcome", "producer_surplus_bounds",
        "value_garbling", "consumer_optimal_homogeneous", "consumer_optimal_unknown_values",
        "hotelling_optimum", "hotelling_lp", "armstrong_zhou", "AlignmentConstruction",
        "EquilibriumCheck", "CompetitionOutcome", "NoInformationOutcome", "ValueGarbling",
        "HomogeneousOptimum", "UnknownValuesOptimum", "HotellingOptimum", "HotellingLP",
        "ArmstrongZhou"),
    "disclosure": (
        "Menu", "optimal_welfare", "horizontal_disclosure", "evaluate_design",
        "optimal_pricing", "uniform_pricing", "two_product_mechanisms", "optimal_design",
        "full_extraction", "HorizontalDisclosure", "DesignEvaluation", "PricingResult",
        "UniformPricing", "TwoProductMechanisms", "JointDesign", "FullExtraction"),
    "scale": ("sweep", "sweep_to_parquet", "run_chunked", "SweepResult", "ChunkedRun"),
}
_HOME = {name: area for area, names in _AREAS.items() for name in names}
_SUBPACKAGES = frozenset(
    ("catalog", "io", "plots", "model", "lp", "verify", "screening", "segmentation",
     "information", "competition", "disclosure", "scale", "tolerances", "cli",
     "claims", "errors", "exact_numbers"))


def __getattr__(name: str):
    area = _HOME.get(name)
    if area is not None:
        value = getattr(importlib.import_module(f"{__name__}.{area}"), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        value = _from_any_area(name)
    globals()[name] = value  # later look-ups skip this function
    return value


# Names in an area's ``__all__`` but not curated here (``ip.solve_menu_ipm``,
# ``ip.menu_bounds``) stay reachable, as when the areas were star-imported in this order
# (a later area's name wins); a miss imports every area once, then raises.
_STAR_ORDER = ("model", "verify", "screening", "segmentation", "information", "competition",
               "disclosure", "scale")


def _from_any_area(name: str):
    if not name.startswith("_"):
        for area in reversed(_STAR_ORDER):
            module = importlib.import_module(f"{__name__}.{area}")
            if name in getattr(module, "__all__", ()):
                return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package's module type. ``report`` is both the function ``ip.report`` and the
    subpackage ``infopricing.report``; importing a subpackage binds it on its parent, which
    would hide the function, so the name is a property that always returns the function."""

    @property
    def report(self):
        from .report import report as function

        return function

    @report.setter
    def report(self, value) -> None:  # the import system binding the subpackage: ignored
        pass


sys.modules[__name__].__class__ = _Package

if TYPE_CHECKING:  # static analysers and IDEs see the eager imports
    from . import (catalog, competition, disclosure, information, io, lp,  # noqa: F401
                   model, plots, scale, screening, segmentation, tolerances, verify)
    from .competition import *  # noqa: F401,F403
    from .disclosure import *  # noqa: F401,F403
    from .information import *  # noqa: F401,F403
    from .io import ModelFile, load  # noqa: F401
    from .lp import Status  # noqa: F401
    from .model import *  # noqa: F401,F403
    from .report import MarketReport, report  # noqa: F401
    from .scale import *  # noqa: F401,F403
    from .screening import *  # noqa: F401,F403
    from .segmentation import *  # noqa: F401,F403
    from .verify import *  # noqa: F401,F403
