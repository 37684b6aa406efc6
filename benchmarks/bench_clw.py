"""How CLW's pricing searches scale: global (SCIP bilinear) vs heuristic (alternating LPs).

For random "general" distributions (values 0..10, Dirichlet weights, seeded) of a few
sizes (profiles n, products m) this times ``optimal_pricing`` with ``method="heuristic"``
and ``method="global"``, and prints the time ratio (global / heuristic) and how far the
heuristic's revenue is below the proven optimum.

Run: ``python benchmarks/bench_clw.py`` (a few minutes on 2 cores). Results on the 2-core
development machine are recorded in the docstring of ``infopricing.disclosure.pricing``.

``python benchmarks/bench_clw.py --catalog --before DIR`` (issue 18 section 2): time to
proof of the best pricing (``optimal_pricing``) and of OPT-Rev (``optimal_design``) on every
CLW catalogue instance, before (the package in DIR, with its defaults, in a subprocess)
and after (this checkout: two profiles by the exact enumeration of
``disclosure.two_profile``, full extraction by OPT-Wel, SCIP under a node limit
otherwise), in one run, with the load. ``--formulation cells --node-limit 0`` proves the
three-profile instance (CLW Example 1) by SCIP on cells of the signal masses
(``optimal_design(..., formulation="cells")``; ``--node-limit 0``: no node limit).
"""

import argparse
import os
import platform
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


_BEFORE = """
import json, sys, time
from infopricing.disclosure.catalog import CATALOG
from infopricing.disclosure.lottery import optimal_design
from infopricing.disclosure.pricing import optimal_pricing
d = CATALOG[sys.argv[1]]()
t = time.perf_counter()
pr = optimal_pricing(d)
tp = time.perf_counter() - t
t = time.perf_counter()
j = optimal_design(d, pricing=pr)
el = time.perf_counter() - t
print(json.dumps({"s": el, "pricing_s": tp, "pricing_proven": bool(pr.proven_optimal),
                  "pricing_gap": (pr.upper_bound - pr.revenue) / max(1.0, pr.upper_bound),
                 "revenue": j.revenue, "bound": j.upper_bound, "proven": bool(j.proven_optimal),
                  "method": j.method, "message": j.solver_message}))
"""


def catalog(names, node_limit, before_code, formulation="auto"):
    import json
    import subprocess
    import sys

    from infopricing.disclosure.catalog import CATALOG
    from infopricing.disclosure.lottery import NODE_LIMIT, optimal_design

    node_limit = NODE_LIMIT if node_limit is None else (None if node_limit == 0 else node_limit)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs; load {os.getloadavg()}")
    print(f"before: the code at {before_code} with its defaults, in a subprocess; "
          f"after: this checkout, node_limit={node_limit}")
    print(f"{'instance':>24} {'n x m':>6} {'setting':>7} {'pricing s':>9} {'gap':>8} {'proven':>6} | "
          f"{'OPT-Rev s':>9} {'revenue':>10} {'bound':>10} {'rel gap':>9} {'proven':>6}  solver")
    for name in names or list(CATALOG):
        d = CATALOG[name]()
        env = dict(os.environ, PYTHONPATH=before_code)
        out = subprocess.run([sys.executable, "-c", _BEFORE, name], capture_output=True, text=True, env=env,
                             cwd="/tmp", check=True).stdout.strip().splitlines()[-1]
        b = json.loads(out)
        t = time.perf_counter()
        pr = optimal_pricing(d, node_limit=node_limit)
        tp = time.perf_counter() - t
        t = time.perf_counter()
        form = formulation if (formulation != "cells" or d.n_profiles == 3) else "auto"
        j = optimal_design(d, pricing=pr, node_limit=node_limit, formulation=form)
        el = time.perf_counter() - t
        after = {"s": el, "pricing_s": tp, "pricing_proven": bool(pr.proven_optimal),
                 "pricing_gap": (pr.upper_bound - pr.revenue) / max(1.0, pr.upper_bound),
                 "revenue": j.revenue, "bound": j.upper_bound, "proven": bool(j.proven_optimal),
                 "method": j.method, "message": f"{j.params.get('solver_status', '-')}, nodes "
                                                f"{j.params.get('solver_nodes', '-')}, cells "
                                                f"{j.params.get('cells', '-')}"}
        for label, r in (("before", b), ("after", after)):
            gap = (r["bound"] - r["revenue"]) / max(1.0, r["bound"])
            print(f"{name:>24} {d.n_profiles:>3}x{d.n_products:<2} {label:>7} {r['pricing_s']:9.2f} "
                  f"{r['pricing_gap']:8.1e} {str(r['pricing_proven']):>6} | {r['s']:9.2f} {r['revenue']:10.6f} "
                  f"{r['bound']:10.6f} {gap:9.2e} {str(r['proven']):>6}  {r['method']}: {r['message']}", flush=True)
        tot_a, tot_b = after["s"] + after["pricing_s"], b["s"] + b["pricing_s"]
        print(f"{'':>24} {'':>6} {'after/before (pricing + OPT-Rev)':>7} {tot_a / max(tot_b, 1e-9):8.3f}", flush=True)
    print(f"load at the end: {os.getloadavg()}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--catalog", nargs="*", default=None, help="catalogue instances (default: all)")
    ap.add_argument("--node-limit", type=int, default=None)
    ap.add_argument("--formulation", default="auto",
                    help="optimal_design's formulation for the 'after' runs ('cells': three-profile "
                         "instances by the mass-cell decomposition, the others by 'auto')")
    ap.add_argument("--before", default="/work/main",
                    help="directory holding the infopricing package to compare against (e.g. "
                         "git archive <commit> infopricing | tar -x -C DIR)")
    args = ap.parse_args()
    if args.catalog is not None:
        catalog(args.catalog, args.node_limit, args.before, args.formulation)
    else:
        main()
