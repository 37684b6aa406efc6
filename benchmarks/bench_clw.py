"""How CLW's pricing searches scale: global (SCIP bilinear) vs heuristic (alternating LPs).

For random "general" distributions (values 0..10, Dirichlet weights, seeded) of a few
sizes (profiles n, products m) this times ``optimal_pricing`` with ``method="heuristic"``
and ``method="global"``, and prints the time ratio (global / heuristic) and how far the
heuristic's revenue is below the proven optimum.

Run: ``python benchmarks/bench_clw.py`` (a few minutes on 2 cores). Results on the 2-core
development machine are recorded in the docstring of ``infopricing.disclosure.pricing``.
"""

import time

import numpy as np

from infopricing.disclosure.experiments import random_distribution
from infopricing.disclosure.pricing import optimal_pricing
from infopricing.lp.bilinear import global_solver_available

SIZES = [(2, 2), (3, 2), (4, 2), (3, 3), (6, 3), (10, 2), (10, 3), (8, 4), (20, 2)]
REPS = 4


def main():
    if not global_solver_available():
        print("pyscipopt not installed: nothing to compare")
        return
    rng = np.random.default_rng(2024)
    print(f"{'n':>3} {'m':>3} {'heur s':>8} {'global s':>9} {'ratio':>7} {'proven':>7} {'max heur gap':>13}")
    for n, m in SIZES:
        th = tg = 0.0
        gap = 0.0
        proven = 0
        for _ in range(REPS):
            d = random_distribution("general", m, n, rng)
            t = time.perf_counter()
            h = optimal_pricing(d, method="heuristic")
            th += time.perf_counter() - t
            t = time.perf_counter()
            g = optimal_pricing(d, method="global", time_limit=60)
            tg += time.perf_counter() - t
            proven += g.proven_optimal
            gap = max(gap, (g.revenue - h.revenue) / max(1.0, g.revenue))
        print(f"{n:>3} {m:>3} {th / REPS:8.3f} {tg / REPS:9.3f} {tg / th:7.1f} {proven:>4}/{REPS} {gap:13.2e}")


if __name__ == "__main__":
    main()
