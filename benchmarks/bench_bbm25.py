"""Benchmark of the BBM25 follow-up computations (issue 5).

1. No-information benchmark, Example 1: time and epsilon (largest gain from a continuous
   deviation) as the finest grid grows.
2. Complementary pivoting on a plain Bertrand grid game (costs 0 and 0.5, value 2):
   Lemke on the whole grid vs the double oracle that restricts it (pivots are what grow).
3. Armstrong-Zhou LP at the printed price 0.05: without and with constraint generation.

Times are wall-clock seconds on the machine running the script; compare ratios within
one run.

    python benchmarks/bench_bbm25.py [--grids 21 41 81] [--bertrand 11 21 31]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from infopricing.competition import PricingGame, armstrong_zhou, no_information_outcome
from infopricing.competition._lemke import bayesian_bimatrix_equilibrium
from infopricing.competition.uninformed import _double_oracle


def timed(f, *a, **k):
    t = time.perf_counter()
    out = f(*a, **k)
    return out, time.perf_counter() - t


def bertrand(n):
    g = np.unique(np.r_[np.linspace(0, 2, n), 0.5 - 1e-4])
    A = np.array([[p * (1.0 if p < q else 0.5 if p == q else 0.0) for q in g] for p in g])
    B = np.array([[(q - 0.5) * (1.0 if q < p else 0.5 if p == q else 0.0) * (q >= 0.5) for q in g]
                  for p in g])
    return g, A, B


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--grids", type=int, nargs="+", default=[21, 41, 81])
    ap.add_argument("--bertrand", type=int, nargs="+", default=[11, 21, 31])
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")

    print("\n1. no-information benchmark, BBM25 Example 1")
    ex1 = PricingGame.independent([([(1, 1), (1, 0), (4, 1), (4, 0)], [0.25] * 4)] * 2)
    for n in args.grids:
        o, t = timed(no_information_outcome, ex1, size=n)
        print(f"grid {n:>4}: {t:7.2f} s, method {o.method}, epsilon {o.deviation_gain:.4g}, "
              f"CS {o.expected_consumer_surplus:.4f}, agents' grid sizes {o.grid_sizes}")

    print("\n2. Bertrand grid game (c = 0, 0.5; v = 2): whole-grid Lemke vs double oracle")
    for n in args.bertrand:
        g, A, B = bertrand(n)
        k = g.size
        (x, y, status, piv), t1 = timed(bayesian_bimatrix_equilibrium, A, B, [k], [k],
                                        max_pivots=200000)
        o = np.array([0, k])
        start = ([int(np.searchsorted(g, 0.5 - 1e-4))], [int(np.searchsorted(g, 0.5))])
        (_x, _y, meth), t2 = timed(_double_oracle, A, B, o, o, start, 200, 20000)
        print(f"{k:>4} prices: whole-grid Lemke {piv:>6} pivots {t1:7.3f} s ({status}); "
              f"double oracle {t2:7.3f} s ({meth}); ratio {t1 / max(t2, 1e-9):.1f}")

    print("\n3. Armstrong-Zhou at price 0.05 (Example 4 prior)")
    a0, t0 = timed(armstrong_zhou, ([-1.0, 1.0], [0.5, 0.5]), price=0.05, refine=0)
    a1, t1 = timed(armstrong_zhou, ([-1.0, 1.0], [0.5, 0.5]), price=0.05)
    print(f"no refinement: {t0:.2f} s, epsilon {a0.deviation_gain:.3g}, CS {a0.expected_consumer_surplus:.6f}")
    print(f"{a1.refinements} rounds:     {t1:.2f} s, epsilon {a1.deviation_gain:.3g}, "
          f"CS {a1.expected_consumer_surplus:.6f}; time ratio {t1 / t0:.1f}")


if __name__ == "__main__":
    main()
