"""Scale: market sweeps certified by stored optimal bases (CPU or GPU), and chunked,
resumable distributed runs on Dask."""

from .sweep import BasisCone, BasisStore, SweepResult, sweep

__all__ = ["sweep", "SweepResult", "BasisStore", "BasisCone"]
