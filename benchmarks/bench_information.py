"""Benchmark of the information primitives (issue 4).

1. Convex-order LP: transport-plan vs integrated-CDF formulation on the same problem
   (maximise E[(Y - p)^+] with price p optimal), uniform prior on M cells.
2. Roesler-Szentes buyer-optimal learning: grid LP scan vs closed form as the grid refines
   (error and time).
3. Greedy segmentation on K random values.
4. (issue 18) The defaults that fit the size: ``mpc_optimize(formulation="auto")`` (CDF
   unless the plan is asked for) against the transport LP on plain random objectives;
   ``persuade(method="auto")`` against simplex and interior point on random,
   quadratic-loss and posted-price-ladder problems.

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
    ap.add_argument("--defaults", type=int, nargs="+", default=[5, 10, 20, 40, 80, 200],
                    help="grid sizes for the mpc_optimize default check (section 4)")
    ap.add_argument("--skip", type=int, nargs="*", default=[], help="sections to skip (1-4)")
    args = ap.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, python {platform.python_version()}")

    print(f"load: {os.getloadavg()}")
    if 1 not in args.skip:
        section1(args)
    if 2 not in args.skip:
        section2(args)
    if 3 not in args.skip:
        section3(args)
    if 4 not in args.skip:
        section4(args)


def section1(args):
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



def section2(args):
    print("\n2. Roesler-Szentes, uniform [0, 1]: grid LP vs truncated-Pareto closed form")
    cf, tc = timed(truncated_pareto_solution, st.uniform(0, 1))
    print(f"closed form: p = {cf.price:.6f}, B = {cf.upper:.6f}, CS = {cf.expected_consumer_surplus:.6f} ({tc:.2f} s)")
    print(f"{'cells':>6} {'price':>9} {'CS':>9} {'error':>10} {'LPs':>5} {'time s':>8}")
    for n in args.learning:
        r, t = timed(buyer_optimal_learning, st.uniform(0, 1), size=n)
        print(f"{n:>6} {r.price:>9.5f} {r.expected_consumer_surplus:>9.6f} {cf.expected_consumer_surplus - r.expected_consumer_surplus:>10.2e}"
              f" {r.lps_solved:>5} {t:>8.2f}")



def section3(args):
    print("\n3. greedy segmentation, K random values")
    rng = np.random.default_rng(0)
    for K in args.greedy:
        v = np.sort(rng.choice(10 * K, size=K, replace=False)).astype(float)
        f = rng.dirichlet(np.ones(K))
        g, t = timed(greedy_segmentation, v, f)
        rep, tv = timed(g.verify)
        print(f"K={K:>6}: {g.n_segments} segments, {t:.3f} s; verify {tv:.3f} s ok={rep.ok}")


def _persuasion_problem(kind, n, m, rng):
    if kind == "random":
        return rng.dirichlet(np.ones(n)), rng.normal(size=(n, m)), rng.normal(size=(n, m))
    if kind == "quadratic":
        w, a = np.linspace(0, 1, n), np.linspace(0, 1, m)
        return np.full(n, 1 / n), -(w[:, None] - a[None, :]) ** 2, -(w[:, None] + 0.2 - a[None, :]) ** 2
    v, p = np.sort(rng.uniform(0, 10, n)), np.linspace(0, 10, m - 1)
    uR = np.concatenate([v[:, None] - p[None, :], np.zeros((n, 1))], axis=1)
    uS = np.concatenate([np.broadcast_to(p, (n, m - 1)), np.zeros((n, 1))], axis=1)
    return rng.dirichlet(np.ones(n)), uR, uS


def section4(args):
    from infopricing.information.persuasion import _choose_method, persuade

    print("\n4a. mpc_optimize: auto (cdf, no plan) vs transport, random objective, uniform prior")
    print(f"{'M':>5} {'entries':>8} {'transport s':>12} {'auto s':>8} {'ratio':>7} {'|value diff|':>13}")
    rng = np.random.default_rng(0)
    for M in args.defaults:
        pr = Prior.from_distribution(st.uniform(0, 1), size=M)
        obj = rng.normal(size=M)
        a, ta = timed(mpc_optimize, pr, obj, formulation="transport")
        b, tb = timed(mpc_optimize, pr, obj)
        print(f"{M:>5} {M * M:>8} {ta:>12.4f} {tb:>8.4f} {ta / tb:>7.1f} {abs(a.value - b.value):>13.2e}"
              f"  ({b.formulation})")
    print("\n4b. persuade: simplex vs ipm vs auto (the choice shown)")
    print(f"{'kind':>12} {'n':>4} {'m':>3} {'nnz':>7} {'simplex s':>10} {'ipm s':>8} {'s/i':>6} {'auto':>8}"
          f" {'auto/best':>9} {'|diff|':>8}")
    for kind in ("random", "quadratic", "price-ladder"):
        for n, m in [(10, 5), (20, 10), (50, 10), (50, 20), (100, 20), (200, 20), (100, 40)]:
            prob = _persuasion_problem(kind, n, m, rng)
            a, ts = timed(persuade, *prob, method="simplex")
            b, ti = timed(persuade, *prob, method="ipm")
            choice = _choose_method(prob[1])
            c, tc = timed(persuade, *prob)
            best = min(ts, ti)
            print(f"{kind:>12} {n:>4} {m:>3} {n * m * (m - 1):>7} {ts:>10.4f} {ti:>8.4f} {ts / ti:>6.2f}"
                  f" {choice:>8} {tc / best:>9.2f} {max(abs(a.value - b.value), abs(a.value - c.value)):>8.1e}")


if __name__ == "__main__":
    main()
