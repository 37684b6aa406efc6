"""How the exact segmentation methods (HS issue 3, item 6) scale with the environment.

For random environments (values in {0, 0.5, ..., 8.5}, unique efficient alternatives,
seeded) this times the cell decomposition of the market simplex and one exact decision at
the centre of a random full-support cell, and prints the number of vertices of the payment
polyhedron, the number of cells, and times as ratios to the smallest size.

Run: ``python benchmarks/bench_hs_exact.py`` (about a minute). Results on the 2-core
development machine are recorded in the docstring of ``infopricing.segmentation.exact_decision``.
"""

import time

import numpy as np

from infopricing.model import Environment
from infopricing.segmentation.exact_decision import exact_pareto_improvement
from infopricing.segmentation.exact_cells import cell_decomposition

SIZES = [(3, 2), (3, 4), (4, 2), (4, 3), (5, 2), (5, 3), (6, 2)]


def random_env(rng, n, k):
    while True:
        V = rng.integers(0, 9, size=(n, k)) + 0.5 * rng.integers(0, 2, size=(n, k))
        env = Environment(V.astype(float))
        if env.has_unique_efficient_alternatives:
            return env


def main(reps: int = 2, seed: int = 2021):
    rng = np.random.default_rng(seed)
    rows = []
    for n, k in SIZES:
        td, te, nc, nv = [], [], [], []
        for _ in range(reps):
            env = random_env(rng, n, k)
            t = time.perf_counter()
            dec = cell_decomposition(env)
            td.append(time.perf_counter() - t)
            nc.append(len(dec.cells))
            nv.append(len(dec.vertices))
            full = [c for c in dec.cells if c.support.all()]
            f = full[rng.integers(len(full))].center
            t = time.perf_counter()
            exact_pareto_improvement(env, f)
            te.append(time.perf_counter() - t)
        rows.append((n, k, np.mean(nv), np.mean(nc), np.mean(td), np.mean(te)))
    base = rows[0][4]
    print(f"{'n':>2} {'k':>2} {'vertices':>9} {'cells':>7} {'decomp s':>9} {'decide s':>9} {'ratio':>7}")
    for n, k, v, c, d, e in rows:
        print(f"{n:>2} {k:>2} {v:>9.1f} {c:>7.1f} {d:>9.2f} {e:>9.2f} {d / base:>7.1f}")


if __name__ == "__main__":
    main()
