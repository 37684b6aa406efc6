"""Cost of exact optimality certificates against the menu solve itself (issue 19).

For random environments (i.i.d. U[0,1) values, k alternatives, a Dirichlet(1) market, seed
0) of n types, times in one process, one after the other:

* ``solve``: :func:`infopricing.screening.optimal_mechanism` (default ``method="auto"``);
* ``float verify``: ``Mechanism.verify()`` (floating IC/IR and the float dual bound);
* ``exact (flint)`` / ``exact (Fraction)``: the exact optimality certificate
  (:func:`infopricing.screening.mechanism.exact_optimality`: the exact LP is built, the
  revenue basis's dual is re-solved in rationals, and primal feasibility, dual feasibility
  and the zero gap are checked exactly), with python-flint's ``fmpq`` and with
  ``fractions.Fraction``;
* ``exact verify``: the whole ``Mechanism.verify(exact=True)`` (flint when installed).

Ratios to ``solve`` are printed beside the seconds. A Fraction run that took more than
``--fraction-budget`` seconds stops the Fraction column for larger n.

Usage: ``python benchmarks/bench_exact.py --sizes 10 25 50 100 200 500 --k 2``
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from infopricing.lp.exact_certificate import flint_available
from infopricing.model import Environment
from infopricing.screening import optimal_mechanism
from infopricing.screening.mechanism import exact_optimality


def _time(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 25, 50, 100, 200, 500])
    ap.add_argument("--k", type=int, default=2)
    ap.add_argument("--fraction-budget", type=float, default=120.0)
    ap.add_argument("--no-full-verify", action="store_true", help="skip verify(exact=True)")
    a = ap.parse_args(argv)
    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cpus; "
          f"load {os.getloadavg()[0]:.2f}; flint: {flint_available()}")
    print("| n | k | LP rows | solve s | float verify s | exact (flint) s | x solve | "
          "exact (Fraction) s | x solve | Fraction/flint | verify(exact=True) s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    frac_on = True
    for n in a.sizes:
        rng = np.random.default_rng(0)
        env = Environment(rng.uniform(0, 1, (n, a.k)))
        f = rng.dirichlet(np.ones(n))
        m, ts = _time(lambda: optimal_mechanism(env, f))
        _, tv = _time(lambda: m.verify())
        tfl = tfr = None
        if flint_available():
            c, tfl = _time(lambda: exact_optimality(m, backend="flint"))
            assert c.ok, c.failures
        if frac_on:
            c2, tfr = _time(lambda: exact_optimality(m, backend="fraction"))
            assert c2.ok, c2.failures
            frac_on = tfr <= a.fraction_budget
        tx = None
        if not a.no_full_verify:
            chk, tx = _time(lambda: m.verify(exact=True))
            assert chk.ok, chk.failures
        fmt = lambda t: "-" if t is None else f"{t:.3g}"
        rat = lambda t: "-" if t is None else f"{t / ts:.2g}"
        both = "-" if (tfl is None or tfr is None) else f"{tfr / tfl:.2g}"
        print(f"| {n} | {a.k} | {n + n * (n - 1)} | {ts:.3g} | {tv:.3g} | {fmt(tfl)} | {rat(tfl)} | "
              f"{fmt(tfr)} | {rat(tfr)} | {both} | {fmt(tx)} |", flush=True)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
