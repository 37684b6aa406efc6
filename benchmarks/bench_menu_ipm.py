"""Large menus of high-dimensional types: the structured interior point against lazy rows.

usage:
    python benchmarks/bench_menu_ipm.py compare --family uniform --sizes 250,500,1000,2000
    python benchmarks/bench_menu_ipm.py compare --family factor2 --noise 0.01 --sizes 2000
    python benchmarks/bench_menu_ipm.py compare --family survey --sizes 2000
    python benchmarks/bench_menu_ipm.py anytime --family uniform --sizes 5000 --time-limit 540
    (--skip-lazy drops the lazy path; --json PATH appends one JSON line per result;
    --ipm-variants '[{"stop_gap": 1e-8, "restart": "crossover"}]' runs more settings of
    the interior-point path on the same instance, in the same process; in ``anytime``
    mode they are keywords of ``menu_bounds``, e.g. '[{"pcg": 0}]')

``compare`` runs, in one process and one after the other on the same instance,
``optimal_mechanism(method="ipm")`` (interior point -> binding set -> restricted LP with
crossover -> selection stages -> full IC/IR check) and ``method="lazy"`` (today's lazy
rows), checks that they agree (revenue, allocation, payments), then ``menu_bounds`` (the
anytime answer: IC-IR menu, dual bound, certified gap). ``anytime`` runs only
``menu_bounds``, with a time limit. Each line records ``os.getloadavg()`` beside its
timings, and the process CPU seconds beside the wall-clock ones (on a shared machine the
CPU-time ratio is the steadier one): read the ratios, not the seconds.

Families: those of ``bench_menu_large.py`` (``uniform``: i.i.d. U[0, 1) values, k = 10,
Dirichlet(1) masses; ``factor2`` with ``--noise 0.01``: nearly two-factor values) and
``survey``: a pilot sample of 300 "responses" (log willingness to pay for k products from
three latent segments with product-specific tastes) is fitted by a multivariate normal
(mean and covariance of the logs), and n types are drawn from the fitted log-normal, each
with mass 1/n (equal survey weights).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def survey_instance(n: int, k: int, seed: int):
    """n types sampled from a log-normal fitted to a pilot survey (see module docstring)."""
    rng = np.random.default_rng(seed)
    pilot = 300
    seg = rng.integers(0, 3, pilot)
    centres = rng.normal(0.0, 0.5, (3, k))
    taste = rng.normal(0.0, 0.3, (pilot, 1)) + rng.normal(0.0, 0.25, (pilot, k))
    logs = centres[seg] + taste
    mu = logs.mean(axis=0)
    cov = np.cov(logs, rowvar=False)
    draws = rng.multivariate_normal(mu, cov, size=n)
    V = np.exp(draws)
    V /= V.max()
    return V, np.full(n, 1.0 / n)


def instance(family, n, k, noise):
    if family == "survey":
        return survey_instance(n, k, seed=n)
    from bench_menu_large import instance as large_instance

    return large_instance(family, n, k, n, noise)


def _load():
    return round(os.getloadavg()[0], 2)


def _emit(args, row):
    print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "a") as fh:
            fh.write(json.dumps(row) + "\n")


def compare(args):
    import infopricing as ip
    from infopricing.screening.interior_point import menu_bounds, solve_menu_ipm
    from infopricing.screening.lazy_menu import solve_menu_lazy

    for n in args.sizes:
        V, f = instance(args.family, n, args.k, args.noise)
        env = ip.Environment(V)
        row = dict(family=args.family, noise=args.noise, n=n, k=args.k)
        load0 = _load()
        t, c = time.perf_counter(), time.process_time()
        r = solve_menu_ipm(env, f)
        row.update(ipm_seconds=time.perf_counter() - t, ipm_cpu_seconds=time.process_time() - c,
                   ipm_iterations=r.ipm.iterations, ipm_single_iterations=r.ipm.single_iterations,
                   ipm_cg_steps=r.ipm.cg_steps, ipm_pcg_iterations=r.ipm.pcg_iterations,
                   ipm_stage_seconds=r.ipm.seconds, ipm_status=r.ipm.status,
                   ipm_rel_gap=r.ipm.rel_gap,
                   candidate_rows=r.ipm.candidate_rows, crossover=r.ipm.crossover,
                   ipm_rounds=list(r.stats.stage_rounds), ipm_final_rows=r.stats.final_ic_rows,
                   ipm_revenue=r.mechanism.revenue, ipm_verified=bool(r.mechanism.verify().ok),
                   ipm_timing={a: round(b, 2) for a, b in r.ipm.timing.items()},
                   load_ipm=[load0, _load()])
        _emit(args, dict(row, partial=True))
        for opts in args.ipm_variants:  # other settings of the same path, same process
            load0 = _load()
            t, c = time.perf_counter(), time.process_time()
            rv = solve_menu_ipm(env, f, **opts)
            row.setdefault("variants", []).append(dict(
                options=opts, seconds=time.perf_counter() - t, cpu_seconds=time.process_time() - c,
                iterations=rv.ipm.iterations, stage_seconds=rv.ipm.seconds,
                single_iterations=rv.ipm.single_iterations, cg_steps=rv.ipm.cg_steps,
                pcg_iterations=rv.ipm.pcg_iterations,
                candidate_rows=rv.ipm.candidate_rows, final_rows=rv.stats.final_ic_rows,
                revenue=rv.mechanism.revenue,
                max_allocation_difference=float(np.abs(rv.mechanism.allocation
                                                       - r.mechanism.allocation).max()),
                timing={a: round(b, 2) for a, b in rv.ipm.timing.items()}, load=[load0, _load()]))
            _emit(args, dict(row, partial=True))
        if not args.skip_lazy:
            load0 = _load()
            t, c = time.perf_counter(), time.process_time()
            lz = solve_menu_lazy(env, f)
            row.update(lazy_seconds=time.perf_counter() - t, lazy_cpu_seconds=time.process_time() - c,
                       lazy_rounds=lz.stats.rounds,
                       lazy_final_rows=lz.stats.final_ic_rows, lazy_revenue=lz.mechanism.revenue,
                       load_lazy=[load0, _load()])
            row["ratio_lazy_over_ipm"] = row["lazy_seconds"] / row["ipm_seconds"]
            row["cpu_ratio_lazy_over_ipm"] = row["lazy_cpu_seconds"] / row["ipm_cpu_seconds"]
            row["same_answer"] = bool(
                abs(lz.mechanism.revenue - r.mechanism.revenue) <= 1e-7 * max(1, abs(lz.mechanism.revenue))
                and np.abs(lz.mechanism.allocation - r.mechanism.allocation).max() <= 1e-6
                and np.abs(lz.mechanism.payments - r.mechanism.payments).max() <= 1e-6)
            row["max_allocation_difference"] = float(np.abs(lz.mechanism.allocation
                                                            - r.mechanism.allocation).max())
        if not args.skip_bounds:
            load0 = _load()
            t, c = time.perf_counter(), time.process_time()
            b = menu_bounds(env, f)
            row.update(bounds_seconds=time.perf_counter() - t, bounds_cpu_seconds=time.process_time() - c,
                       bounds_iterations=b.params["iterations"], bounds_ipm_status=b.params["ipm_status"],
                       bounds_refinement_steps=b.params["refinement_steps"],
                       bounds_cg_steps=b.params["cg_steps"],
                       load_bounds=[load0, _load()], bounds_lower=b.lower,
                       bounds_upper=b.upper, bounds_gap=b.gap, bounds_verified=bool(b.verify().ok))
        _emit(args, row)


def anytime(args):
    import infopricing as ip
    from infopricing.screening.interior_point import menu_bounds

    for n in args.sizes:
        V, f = instance(args.family, n, args.k, args.noise)
        env = ip.Environment(V)
        for opts in [{}] + list(args.ipm_variants):  # the defaults, then other settings
            marks = []
            c0 = time.process_time()
            t0 = time.perf_counter()
            load0 = _load()
            b = menu_bounds(env, f, time_limit=args.time_limit, **opts,
                            progress=lambda it, total, gap=None: marks.append((it, round(time.perf_counter() - t0, 1), gap)))
            _emit(args, dict(family=args.family, noise=args.noise, n=n, k=args.k, options=opts,
                             seconds=time.perf_counter() - t0, cpu_seconds=time.process_time() - c0,
                             iterations=b.params["iterations"], cg_steps=b.params["cg_steps"],
                             refinement_steps=b.params["refinement_steps"], ipm_status=b.params["ipm_status"],
                             lower=b.lower, upper=b.upper,
                             gap=b.gap, verified=bool(b.verify().ok), trace=marks[-5:],
                             load=[load0, _load()]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["compare", "anytime"])
    ap.add_argument("--family", default="uniform")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--noise", type=float, default=0.0)
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[250, 500])
    ap.add_argument("--time-limit", type=float, default=540.0)
    ap.add_argument("--skip-lazy", action="store_true")
    ap.add_argument("--skip-bounds", action="store_true")
    ap.add_argument("--json", default=None)
    ap.add_argument("--ipm-variants", type=json.loads, default=[],
                    help='JSON list of solve_menu_ipm keyword sets run after the default, '
                         'e.g. \'[{"stop_gap": 1e-8, "restart": "crossover"}]\'')
    args = ap.parse_args()
    print(f"# {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, load {_load()}, "
          f"uptime: {_uptime()}", flush=True)
    {"compare": compare, "anytime": anytime}[args.mode](args)
    print(f"# done, uptime: {_uptime()}", flush=True)


def _uptime() -> str:
    import subprocess

    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"loadavg {os.getloadavg()}"


if __name__ == "__main__":
    main()
