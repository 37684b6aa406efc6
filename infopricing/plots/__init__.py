"""Figures of the library, in one place (DESIGN.md, "plots/").

Every plotting function takes an ``ax=`` (draw there) or makes a new
:class:`matplotlib.figure.Figure` without pyplot, returns the figure, and never changes
the user's matplotlib backend. The figures share one number format (no rounding noise in
titles and labels), one way of marking the user's market and a legend outside the data
(:mod:`infopricing.plots._figure`). Modules: :mod:`~infopricing.plots.hs` (HS),
:mod:`~infopricing.plots.bbm15` (the surplus triangle), :mod:`~infopricing.plots.bbm25`
(competition), :mod:`~infopricing.plots.clw` (disclosure), :mod:`~infopricing.plots.sweep`
(the market map of a sweep). Names are imported on first use, so importing the library
does not import matplotlib.
"""

from __future__ import annotations

import importlib

from ._figure import figure_and_axes

_WHERE = {
    "plot_two_type_profile": "hs",
    "plot_genericity": "hs",
    "plot_segmentation_surplus": "hs",
    "plot_surplus_set": "hs",
    "plot_hs_figure3": "hs",
    "plot_hs_figure6": "hs",
    "plot_revenue_curve": "hs",
    "plot_surplus_triangle": "bbm15",
    "plot_interim_density": "bbm25",
    "plot_information_path": "bbm25",
    "plot_benchmark_paths": "bbm25",
    "plot_experiment": "clw",
    "plot_clw_figure1": "clw",
    "plot_sweep_map": "sweep",
}

__all__ = ["figure_and_axes", *sorted(_WHERE)]


def __getattr__(name):
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'infopricing.plots' has no attribute {name!r}")
