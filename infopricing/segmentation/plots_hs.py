"""HS figures, kept importable here; they live in :mod:`infopricing.plots.hs`."""

from ..plots.hs import (_grid_efficiency, _plane_segment_3, plot_genericity,  # noqa: F401
                        plot_segmentation_surplus, plot_two_type_profile, simplex_grid)

__all__ = ["plot_two_type_profile", "plot_genericity", "plot_segmentation_surplus"]
