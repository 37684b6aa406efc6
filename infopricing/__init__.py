"""infopricing: computational economics of price discrimination and information.

Implements, in general form and with certificates, Haghpanah & Siegel (HS),
Bergemann, Brooks & Morris (BBM25) and Cai, Li & Wu (CLW); see the README.

The names below (:data:`__all__`) are the curated public surface: the model primitives,
one function per computation, the result classes they return, the result protocol and
the subpackages. Everything else stays reachable from its subpackage.
"""

__version__ = "0.1.0"

from .lp import Status
from .model import *  # noqa: F401,F403
from .verify import *  # noqa: F401,F403
from .screening import *  # noqa: F401,F403
from .segmentation import *  # noqa: F401,F403
from .information import *  # noqa: F401,F403
from .competition import *  # noqa: F401,F403
from .disclosure import *  # noqa: F401,F403
from .scale import *  # noqa: F401,F403
from .report import MarketReport, report
from . import catalog, io, plots
from .io import ModelFile, load

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
