"""Benchmark of the information primitives (issue 4).

1. Convex-order LP: transport-plan vs integrated-CDF formulation on the same problem
   (maximise E[(Y - p)^+] with price p optimal), uniform prior on M cells.
2. Roesler-Szentes buyer-optimal learning: grid LP scan vs closed form as the grid refines
   (error and time).
3. Greedy segmentation on K random values.

Times are wall-clock seconds on the machine running the script; compare ratios within
one run.

    python benchmarks/bench_information.py [--sizes 25 50 100] [--greedy 100 1000 4000]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import scipy.stats as st

from infopricing import (Prior, buyer_optimal_learning, greedy_segmentation, mpc_optimize,
                         truncated_pareto_solution)


def timed(f, *a, **k):
    t = time.perf_counter()
    out = f(*a, **k)
    return out, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[25, 50, 100])
    ap.add_argument("--learning", type=int, nargs="+", default=[25, 50, 100, 200, 400])
    ap.add_argument("--greedy", type=int, nargs="+", default=[100, 1000, 4000])
    args = ap.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, python {platform.python_version()}")

    print("\n1. convex-order LP, one price constraint block: transport vs cdf")
    print(f"{'M':>6} {'transport s':>12} {'cdf s':>10} {'ratio':>7} {'|value diff|':>13}")
    for M in args.sizes:
        pr = Prior.from_distribution(st.uniform(0, 1), size=M)
        y = pr.values
        p = float(y[M // 4])  # feasible: above the grid optimum of Roesler-Szentes
        obj = np.where(y >= p, y - p, 0.0)
        a, ta = timed(mpc_optimize, pr, obj, formulation="transport", optimal_price=(p, 0.0))
        b, tb = timed(mpc_optimize, pr, obj, formulation="cdf", optimal_price=(p, 0.0))
        print(f"{M:>6} {ta:>12.3f} {tb:>10.3f} {ta / tb:>7.1f} {abs(a.value - b.value):>13.2e}")

    print("\n2. Roesler-Szentes, uniform [0, 1]: grid LP vs truncated-Pareto closed form")
    cf, tc = timed(truncated_pareto_solution, st.uniform(0, 1))
    print(f"closed form: p = {cf.price:.6f}, B = {cf.upper:.6f}, CS = {cf.consumer_surplus:.6f} ({tc:.2f} s)")
    print(f"{'cells':>6} {'price':>9} {'CS':>9} {'error':>10} {'LPs':>5} {'time s':>8}")
    for n in args.learning:
        r, t = timed(buyer_optimal_learning, st.uniform(0, 1), size=n)
        print(f"{n:>6} {r.price:>9.5f} {r.consumer_surplus:>9.6f} {cf.consumer_surplus - r.consumer_surplus:>10.2e}"
              f" {r.lps_solved:>5} {t:>8.2f}")

    print("\n3. greedy segmentation, K random values")
    rng = np.random.default_rng(0)
    for K in args.greedy:
        v = np.sort(rng.choice(10 * K, size=K, replace=False)).astype(float)
        f = rng.dirichlet(np.ones(K))
        g, t = timed(greedy_segmentation, v, f)
        rep, tv = timed(g.verify)
        print(f"K={K:>6}: {g.n_segments} segments, {t:.3f} s; verify {tv:.3f} s ok={rep.ok}")


if __name__ == "__main__":
    main()
