"""Distributed sweep on Dask: chunked Parquet output, resume after lost chunks.

Usage::

    python benchmarks/bench_dask.py [--markets 1000000] [--types 4] [--chunk 100000]
                                    [--workers 2] [--scheduler ADDRESS] [--out DIR]

Times, in one run: the in-process sweep of the same markets (reference), the chunked
run on the cluster (local cluster of ``--workers`` processes unless ``--scheduler``),
and a resume after deleting a third of the chunk files (only those are recomputed);
checks the Parquet rows equal the in-process answers.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--markets", type=int, default=1_000_000)
    ap.add_argument("--types", type=int, default=4)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    from infopricing import Environment
    from infopricing.scale import random_markets, sweep, sweep_to_parquet

    rng = np.random.default_rng(100 + args.types)
    env = Environment(rng.integers(1, 10, size=(args.types, args.k)).astype(float))
    F = random_markets(args.types, args.markets, seed=7)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench_dask_"))
    if out.exists():
        shutil.rmtree(out)
    print(f"# machine: {platform.node()} ({mp.cpu_count()} cores); n={args.types} k={args.k} "
          f"markets={args.markets} chunk={args.chunk} workers={args.workers} "
          f"scheduler={args.scheduler or 'local cluster'}")
    t = time.perf_counter()
    ref = sweep(env, F, backend="numpy")
    t_ref = time.perf_counter() - t
    t = time.perf_counter()
    run = sweep_to_parquet(env, F, out, chunk_size=args.chunk, scheduler=args.scheduler,
                           n_workers=args.workers)
    t_run = time.perf_counter() - t
    df = run.read()
    same = np.allclose(df["revenue"].to_numpy(), ref.revenue, atol=1e-12) and \
        np.array_equal(df["efficient"].to_numpy(), ref.efficient)
    lost = list(range(0, run.n_chunks, 3))
    for i in lost:
        run.paths()[i].unlink()
    t = time.perf_counter()
    again = sweep_to_parquet(env, F, out, chunk_size=args.chunk, scheduler=args.scheduler,
                             n_workers=args.workers)
    t_res = time.perf_counter() - t
    size = sum(p.stat().st_size for p in run.paths()) / 2**20
    print(f"in-process sweep          {t_ref:8.2f} s")
    print(f"Dask run ({run.n_chunks} chunks)     {t_run:8.2f} s  (cluster start included; {size:.1f} MiB Parquet)")
    print(f"resume ({len(lost)} chunks lost)   {t_res:8.2f} s  recomputed {list(again.computed)}")
    print(f"answers equal in-process: {same}; verify: {again.verify().ok}")
    if not args.out:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
