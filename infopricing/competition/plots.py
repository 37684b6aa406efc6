"""BBM25 figures, kept importable here; they live in :mod:`infopricing.plots.bbm25`."""

from ..plots.bbm25 import plot_benchmark_paths, plot_information_path, plot_interim_density  # noqa: F401

__all__ = ["plot_interim_density"]
