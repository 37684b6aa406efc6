"""Scale: market sweeps certified by stored optimal bases (CPU or GPU), and chunked,
resumable distributed runs on Dask (optional ``scale`` extra: dask, pyarrow, pandas)."""

from .distributed import ChunkedRun, input_hash, run_chunked, sweep_to_parquet
from .markets import random_markets, simplex_grid
from .sweep import BasisCone, BasisStore, SweepResult, sweep

__all__ = ["sweep", "SweepResult", "BasisStore", "BasisCone", "sweep_to_parquet", "run_chunked",
           "ChunkedRun", "input_hash", "simplex_grid", "random_markets"]
