"""Large menus: lazy IC generation (method="lazy") against the full LP (method="full").

Usage::

    python benchmarks/bench_menu_large.py compare [--family F] [--k K] [--sizes 100,200,...]
                                                   [--full-limit SECONDS]
    python benchmarks/bench_menu_large.py lazy [--family F] [--k K] [--sizes 1000,2000,5000]
    python benchmarks/bench_menu_large.py drop [--family F] [--k K] [--sizes 600,1000]
    python benchmarks/bench_menu_large.py floor [--family F] [--k K] [--sizes 1000,2000]
    python benchmarks/bench_menu_large.py nearest [--family factor2] [--k K] [--sizes 1000,2000]

(every mode also takes ``--noise SIGMA``)

``compare`` times both methods on the same instances in one run and prints the ratio
full/lazy and the largest difference of the answers; the full LP runs in a subprocess
killed after ``--full-limit`` seconds (reported as "> limit"). ``lazy`` times the lazy
method alone and checks the result against all n(n-1) IC rows. ``drop`` times the lazy
method with and without deleting slack IC rows between rounds (``drop_slack``). ``floor``
solves lazily, then re-solves from scratch the LP restricted to the IC rows that bind at
the optimum (an oracle that knows the binding set in advance; no lazy method can beat one
such solve) by dual simplex and by HiGHS's two interior-point solvers (IPX, and HiPO,
new in HiGHS 1.12+). ``nearest`` times, on the same
instances, the rows-by-violation setting (most violated rows first, 8 starting neighbours,
8 rows per type and round, slack rows deleted above two type dimensions: the default
for generic types) against nearest-first separation (nearest violated rows first, 2
neighbours, 2 rows per type and round, no deletion: the default for two-dimensional types).

Instance families (seeded): ``uniform`` (values i.i.d. U[0,1], the hard generic case),
``vertical`` (one-dimensional types theta ~ U[0,1], qualities q_a, values
theta*q_a - q_a^2/2: Mussa-Rosen-like), ``factor2`` and ``factor3`` (values theta @ Q with
two or three factors), ``integer``
(i.i.d. integers 0..19, highly degenerate). Masses are Dirichlet(1). ``--noise SIGMA``
adds i.i.d. N(0, SIGMA^2) noise to the values of any family (e.g. nearly two-factor
types: ``--family factor2 --noise 0.01``).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import time

import numpy as np


def instance(family: str, n: int, k: int, seed: int, noise: float = 0.0):
    """Values (n, k) and masses of a seeded instance; ``noise`` > 0 adds i.i.d. normal
    noise of that standard deviation to the values (own stream, seed + 1)."""
    rng = np.random.default_rng(seed)
    if family == "uniform":
        V = rng.uniform(0, 1, size=(n, k))
    elif family == "integer":
        V = rng.integers(0, 20, size=(n, k)).astype(float)
    elif family == "vertical":
        th = np.sort(rng.uniform(0, 1, n))
        q = np.sort(rng.uniform(0, 1, k))
        V = th[:, None] * q[None, :] - 0.5 * q[None, :] ** 2
    elif family in ("factor2", "factor3"):
        d = int(family[-1])
        th = rng.uniform(0, 1, (n, d))
        Q = rng.uniform(0, 1, (d, k))
        V = th @ Q - 0.3 * Q.sum(0)
    else:
        raise SystemExit(f"unknown family {family}")
    f = rng.dirichlet(np.ones(n))
    if noise > 0:
        V = V + np.random.default_rng(seed + 1).normal(0.0, noise, V.shape)
    return V, f


def _solve(V, f, method):
    from infopricing import Environment, optimal_mechanism

    t = time.perf_counter()
    m = optimal_mechanism(Environment(V), f, method=method)
    return time.perf_counter() - t, m.allocation, m.payments, m.revenue


def _full_worker(V, f, q):
    q.put(_solve(V, f, "full"))


def full_with_limit(V, f, limit):
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_full_worker, args=(V, f, q))
    p.start()
    try:
        out = q.get(timeout=limit)
    except Exception:
        out = None
    p.join(timeout=1)
    if p.is_alive():
        p.kill()
        p.join()
    return out


def _machine(args):
    print(f"# machine: {platform.node()} {platform.processor() or platform.machine()}, "
          f"{mp.cpu_count()} cores; family={args.family} k={args.k} noise={args.noise}")


def compare(args):
    _machine(args)
    print(f"{'n':>6} {'full s':>10} {'lazy s':>8} {'full/lazy':>10} {'max |diff|':>11}")
    for n in args.sizes:
        V, f = instance(args.family, n, args.k, n, args.noise)
        tl, xl, pl, rl = _solve(V, f, "lazy")
        full = full_with_limit(V, f, args.full_limit)
        if full is None:
            print(f"{n:>6} {'>' + str(args.full_limit):>10} {tl:>8.2f} {'>' + format(args.full_limit / tl, '.0f'):>10} {'-':>11}",
                  flush=True)
            continue
        tf, xf, pf, rf = full
        diff = max(np.abs(xf - xl).max(), np.abs(pf - pl).max(), abs(rf - rl))
        print(f"{n:>6} {tf:>10.2f} {tl:>8.2f} {tf / tl:>10.1f} {diff:>11.2e}", flush=True)


def _instances(args, header):
    """Print the machine line and the table header, then yield (n, values, masses, env)."""
    from infopricing import Environment

    _machine(args)
    print(header)
    for n in args.sizes:
        V, f = instance(args.family, n, args.k, n, args.noise)
        yield n, V, f, Environment(V)


def lazy_only(args):
    from infopricing.screening.lazy_menu import solve_menu_lazy

    for n, V, f, env in _instances(args, f"{'n':>6} {'seconds':>8} {'rounds':>7} {'IC rows used':>13} "
                                         f"{'dropped':>8} {'of':>10} {'max IC viol':>12} {'verified':>9}"):
        r = solve_menu_lazy(env, f)
        ok = r.verify()
        s = r.stats
        print(f"{n:>6} {s.seconds:>8.2f} {s.rounds:>7} {s.final_ic_rows:>13} {s.dropped_rows:>8} {s.full_ic_rows:>10} "
              f"{r.max_ic_violation:>12.1e} {str(ok.ok):>9}", flush=True)


def drop_compare(args):
    from infopricing.screening.lazy_menu import solve_menu_lazy

    for n, V, f, env in _instances(args, f"{'n':>6} {'keep rows s':>12} {'drop rows s':>12} {'keep/drop':>10} "
                                         f"{'rows kept':>10} {'rows drop':>10} {'dropped':>8} {'|rev diff|':>11}"):
        a = solve_menu_lazy(env, f, drop_slack=False)
        b = solve_menu_lazy(env, f, drop_slack=True)
        assert a.verify().ok and b.verify().ok
        print(f"{n:>6} {a.stats.seconds:>12.2f} {b.stats.seconds:>12.2f} "
              f"{a.stats.seconds / b.stats.seconds:>10.2f} {a.stats.final_ic_rows:>10} "
              f"{b.stats.final_ic_rows:>10} {b.stats.dropped_rows:>8} "
              f"{abs(a.mechanism.revenue - b.mechanism.revenue):>11.1e}", flush=True)


def floor(args):
    from infopricing.lp import solve_lp
    from infopricing.screening.lazy_menu import binding_pairs, solve_menu_lazy
    from infopricing.screening.lp_build import build_menu_lp, revenue_objective

    for n, V, f, env in _instances(args, f"{'n':>6} {'lazy s':>8} {'binding IC':>11} {'per type':>9} "
                                         f"{'oracle simplex s':>17} {'oracle ipx s':>13} {'oracle hipo s':>14} "
                                         f"{'lazy/best oracle':>17}"):
        r = solve_menu_lazy(env, f)
        m = r.mechanism
        T, S = binding_pairs(V, m.allocation, m.utilities)
        A, rl, ru, cl, cu = build_menu_lp(V, (T, S))
        c = revenue_objective(V, f)
        times = []
        for method, opts in (("simplex", {"simplex_scale_strategy": 0,
                                          "dual_feasibility_tolerance": 1e-9,
                                          "primal_feasibility_tolerance": 1e-9}), ("ipx", {}), ("hipo", {})):
            t = time.perf_counter()
            res = solve_lp(c, A, rl, ru, cl, cu, sense="max", method=method, options=opts)
            times.append(time.perf_counter() - t)
            assert abs(res.objective - m.revenue) <= 1e-7, (method, res.objective, m.revenue)
        print(f"{n:>6} {r.stats.seconds:>8.2f} {T.size:>11} {T.size / n:>9.1f} {times[0]:>17.2f} "
              f"{times[1]:>13.2f} {times[2]:>14.2f} {r.stats.seconds / min(times):>17.1f}", flush=True)


def nearest(args):
    from infopricing.screening.lazy_menu import solve_menu_lazy

    for n, V, f, env in _instances(args, f"{'n':>6} {'by violation s':>15} {'nearest s':>11} {'ratio':>6} "
                                         f"{'rounds':>7} {'rounds':>7} {'|rev diff|':>11}"):
        a = solve_menu_lazy(env, f, separation="violation", neighbours=8, per_type=8)
        b = solve_menu_lazy(env, f, separation="nearest", neighbours=2, per_type=2, drop_slack=False)
        assert a.verify().ok and b.verify().ok
        print(f"{n:>6} {a.stats.seconds:>15.2f} {b.stats.seconds:>11.2f} "
              f"{a.stats.seconds / b.stats.seconds:>6.2f} {a.stats.rounds:>7} {b.stats.rounds:>7} "
              f"{abs(a.mechanism.revenue - b.mechanism.revenue):>11.1e}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["compare", "lazy", "drop", "floor", "nearest"])
    ap.add_argument("--family", default="uniform")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=None)
    ap.add_argument("--full-limit", type=float, default=300.0)
    ap.add_argument("--noise", type=float, default=0.0,
                    help="standard deviation of normal noise added to the values")
    args = ap.parse_args()
    if args.sizes is None:
        args.sizes = [100, 200, 400, 800] if args.mode == "compare" else [1000, 2000, 5000]
    modes = {"compare": compare, "lazy": lazy_only, "drop": drop_compare, "floor": floor,
             "nearest": nearest}
    modes[args.mode](args)


if __name__ == "__main__":
    main()
