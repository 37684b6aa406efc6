"""Figures of the library, in one place (DESIGN.md, "plots/").

Every plotting function takes an ``ax=`` (draw there) or makes a new
:class:`matplotlib.figure.Figure` without pyplot, returns the figure, and never changes
the user's matplotlib backend. The functions live beside the economics they draw and are
re-exported here (imported on first use, so that importing the library does not import
matplotlib).
"""

from __future__ import annotations

import importlib

from ._figure import figure_and_axes

_WHERE = {
    "plot_two_type_profile": "infopricing.segmentation.plots_hs",
    "plot_genericity": "infopricing.segmentation.plots_hs",
    "plot_segmentation_surplus": "infopricing.segmentation.plots_hs",
    "plot_surplus_set": "infopricing.segmentation.exact",
    "plot_hs_figure6": "infopricing.segmentation.linear",
    "plot_revenue_curve": "infopricing.segmentation.linear",
    "plot_surplus_triangle": "infopricing.segmentation.bbm15",
    "plot_interim_density": "infopricing.competition.plots",
    "plot_experiment": "infopricing.disclosure.experiments",
}

__all__ = ["figure_and_axes", *sorted(_WHERE)]


def __getattr__(name):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'infopricing.plots' has no attribute {name!r}")
