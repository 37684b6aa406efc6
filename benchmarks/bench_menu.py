"""Benchmark of the full menu LP (issue 2): build and solve times and LP sizes.

Random environments with i.i.d. uniform[0, 1) valuations, k = 5 alternatives,
n = 50 ... 800 types, uniform market. Times are wall-clock seconds on the machine that runs
the script (print it with the results); compare ratios within one run.

    python benchmarks/bench_menu.py [--sizes 50 100 200 400 800] [--k 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from infopricing import Environment, Market
from infopricing.lp import LinearProgram
from infopricing.screening import optimal_mechanism
from infopricing.screening.lp_build import build_menu_lp, revenue_objective


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200, 400, 800])
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--method", default="full")
    ap.add_argument("--simplex-max", type=int, default=200,
                    help="largest n for which the pure-simplex revenue solve is also timed")
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}")
    print(f"{'n':>5} {'rows':>9} {'nnz':>10} {'build_s':>8} {'rev_simplex_s':>14} "
          f"{'rev_ipm_s':>10} {'optimal_mechanism_s':>20} {'verify_s':>9}")
    rng = np.random.default_rng(args.seed)
    for n in args.sizes:
        v = rng.random((n, args.k))
        env = Environment(v)
        f = np.full(n, 1.0 / n)
        t0 = time.perf_counter()
        A, lo_r, hi_r, lo_c, hi_c = build_menu_lp(v)
        tb = time.perf_counter() - t0
        c = revenue_objective(v, f)
        times = {}
        times["simplex"] = float("nan")
        for meth in (("simplex", "ipm") if n <= args.simplex_max else ("ipm",)):
            t0 = time.perf_counter()
            LinearProgram(c, A, lo_r, hi_r, lo_c, hi_c, sense="max", method=meth).solve()
            times[meth] = time.perf_counter() - t0
        t0 = time.perf_counter()
        m = optimal_mechanism(env, Market(env, f), method=args.method)
        tm = time.perf_counter() - t0
        t0 = time.perf_counter()
        ok = m.verify().ok
        tv = time.perf_counter() - t0
        print(f"{n:>5} {A.shape[0]:>9} {A.nnz:>10} {tb:>8.2f} {times['simplex']:>14.2f} "
              f"{times['ipm']:>10.2f} {tm:>20.2f} {tv:>9.3f}  revenue={m.revenue:.6f} verified={ok}",
              flush=True)


if __name__ == "__main__":
    main()
