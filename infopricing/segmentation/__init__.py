"""(filled in by its issue)"""

__all__: list[str] = []

# --- HS Pareto-improving segmentation (issue 3, part A) -------------------------------
# ``Segmentation`` is issue 3's public name (HS segmentations of multi-product markets);
# it takes precedence over bbm15's single-product segmentation class of the same name,
# which stays available as ``infopricing.segmentation.bbm15.Segmentation``.
from .result import ParetoImprovement, Segmentation  # noqa: E402,F811

__all__ += [n for n in ("Segmentation", "ParetoImprovement") if n not in __all__]
# --- end HS part A block ----------------------------------------------------------------
