"""Market sweeps: stored-basis certification vs one LP per market, on one run.

Usage::

    python benchmarks/bench_sweep.py [--types 3,4,5] [--k 3] [--markets 1000000]
                                     [--subset 10000] [--backend auto|numpy|torch|cupy]
    python benchmarks/bench_sweep.py --backend numpy,torch:cpu   # both paths, one run

``--backend`` takes a comma-separated list: each backend sweeps the same markets one after
the other in this process (``torch:cpu`` is the GPU code path on CPU tensors, for machines
without a GPU).

For each environment (seeded integer values 1..9, n types, k alternatives) it sweeps
``--markets`` Dirichlet(1) markets and reports markets/second, bases found and LPs
solved, and the certification-only throughput (a second sweep whose store already holds
every basis: no LP at all); then, on the first ``--subset`` markets, it times ``optimal_mechanism`` per market
and a fresh sweep of the same subset, checks the answers agree (revenue, per-type
surplus, allocation, efficiency) and prints the ratio.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--types", type=lambda s: [int(x) for x in s.split(",")], default=[3, 4, 5])
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--markets", type=int, default=1_000_000)
    ap.add_argument("--subset", type=int, default=10_000)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--repeat", type=int, default=1, help="time the full sweep this many times (best)")
    args = ap.parse_args()

    from infopricing import Environment, optimal_mechanism
    from infopricing.scale import BasisStore, sweep
    from infopricing.scale.backend import get_backend

    import os

    backends = args.backend.split(",")
    names = [get_backend(b).name + (":cpu" if b.endswith(":cpu") else "") for b in backends]
    print(f"# machine: {platform.node()} ({mp.cpu_count()} cores), backends={names}, k={args.k}, "
          f"load {os.getloadavg()}")
    print(f"{'backend':>9} {'n':>3} {'markets':>9} {'sweep s':>8} {'markets/s':>11} {'bases':>6} {'LPs':>5} "
          f"{'faces':>6} {'cert-only/s':>11} {'verify s':>8} | {'subset':>6} {'LP/mkt ms':>9} {'sweep s':>8} "
          f"{'ratio':>8} {'extrap.':>9} {'max diff':>9}")
    for n in args.types:
        for bkn in backends:
            _one(args, n, bkn, Environment, optimal_mechanism, BasisStore, sweep)
    print(f"# load at the end {os.getloadavg()}")


def _one(args, n, backend, Environment, optimal_mechanism, BasisStore, sweep):
    rng = np.random.default_rng(100 + n)
    env = Environment(rng.integers(1, 10, size=(n, args.k)).astype(float))
    F = rng.dirichlet(np.ones(n), size=args.markets)
    best = None
    for _ in range(args.repeat):
        t = time.perf_counter()
        res = sweep(env, F, backend=backend)
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    store = BasisStore(env)
    sweep(env, F[:1000], backend=backend, store=store)  # warm-up (GPU init), fills store
    sweep(env, F, backend=backend, store=store)  # all bases found
    t = time.perf_counter()
    again = sweep(env, F, backend=backend, store=store)
    tc = time.perf_counter() - t
    assert again.lp_solves == 0
    t = time.perf_counter()
    ok = res.verify().ok
    tv = time.perf_counter() - t
    S = F[: args.subset]
    t = time.perf_counter()
    sub = sweep(env, S, backend=backend, store=BasisStore(env))
    ts = time.perf_counter() - t
    t = time.perf_counter()
    diff = 0.0
    agree_eff = True
    for i in range(S.shape[0]):
        m = optimal_mechanism(env, S[i])
        diff = max(diff, abs(m.revenue - sub.revenue[i]), abs(m.revenue - res.revenue[i]),
                   float(np.abs(m.utilities - sub.surplus[i]).max()),
                   float(np.abs(m.allocation - sub.allocations[sub.mechanism[i]]).max()))
        agree_eff &= (m.is_efficient == bool(sub.efficient[i]))
    tl = time.perf_counter() - t
    print(f"{backend:>9} {n:>3} {args.markets:>9} {best:>8.2f} {args.markets / best:>11.3g} {len(res.cones):>6} "
          f"{res.lp_solves:>5} {int((res.kind == 1).sum()):>6} {args.markets / tc:>11.3g} {tv:>8.2f} | {S.shape[0]:>6} "
          f"{1000 * tl / S.shape[0]:>9.2f} {ts:>8.3f} {tl / ts:>8.0f} "
          f"{tl / S.shape[0] * args.markets / best:>9.0f} {diff:>9.1e}"
          f"{'' if (ok and agree_eff) else '  MISMATCH/VERIFY FAILED'}", flush=True)


if __name__ == "__main__":
    main()
