"""Market segmentation: BBM 2015 single-product segmentation; HS Pareto improvements."""

__all__: list[str] = []

# --- BBM 2015 single-product segmentation (information issue) -------------------
from .bbm15 import *  # noqa: E402,F401,F403
from .bbm15 import __all__ as _bbm15_all  # noqa: E402

__all__ += _bbm15_all
# --- end BBM 2015 block ------------------------------------------------------------

# --- HS Pareto-improving segmentation (issue 3, part A) -------------------------------
# ``Segmentation``: HS segmentations of multi-product markets (issue 3's public name).
from .segment_welfare import ParetoImprovement, Segmentation  # noqa: E402
from .pareto import (  # noqa: E402
    DominatingMarket,
    InformationRentPath,
    information_rent_path,
    pareto_dominating_market,
    pareto_improving_segmentation,
    single_product_pareto_segmentation,
    ParetoAnalysis,
    pareto_analysis,
)
from .two_type import TwoTypeProfile, two_type_profile  # noqa: E402
from .genericity import Genericity, genericity_hyperplanes  # noqa: E402

__all__ += [n for n in ("Segmentation", "ParetoImprovement", "DominatingMarket",
                        "InformationRentPath", "information_rent_path",
                        "pareto_dominating_market", "pareto_improving_segmentation",
                        "single_product_pareto_segmentation", "TwoTypeProfile",
                        "two_type_profile", "Genericity", "genericity_hyperplanes",
                        "ParetoAnalysis", "pareto_analysis")
            if n not in __all__]
# --- end HS part A block ----------------------------------------------------------------

# --- HS exact segmentations and linear valuations (issue 3, part B) ---------------------
from .exact_decision import (  # noqa: E402
    ConsumerOptimalSegmentation,
    InteriorCertificate,
    NoImprovementCertificate,
    SurplusSet,
    exact_pareto_improvement,
    max_consumer_surplus_segmentation,
    plot_surplus_set,
    surplus_set,
)
from .exact_cells import Cell, CellDecomposition, cell_decomposition  # noqa: E402
from .linear import (  # noqa: E402
    LinearEnvironment,
    LinearImprovement,
    LinearMechanism,
    perturbation,
    plot_hs_figure6,
    plot_revenue_curve,
)

__all__ += ["LinearEnvironment", "LinearMechanism", "LinearImprovement", "perturbation",
            "plot_hs_figure6", "plot_revenue_curve"]
__all__ += ["exact_pareto_improvement", "max_consumer_surplus_segmentation", "surplus_set",
            "SurplusSet", "ConsumerOptimalSegmentation", "NoImprovementCertificate",
            "InteriorCertificate", "plot_surplus_set", "Cell", "CellDecomposition", "cell_decomposition"]
# --- end HS part B block ----------------------------------------------------------------
