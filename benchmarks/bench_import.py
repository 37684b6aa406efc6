"""Start-up cost: `import infopricing`, `infopricing --help` and the first use of an area,
beside a bare interpreter and `import numpy`, each the median of several fresh processes.

    python benchmarks/bench_import.py [--repeat 7]

Targets (issue 15): `import infopricing` under 0.5 s and `infopricing --help` under 1 s.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    ("bare python", ["-c", "pass"]),
    ("import numpy", ["-c", "import numpy"]),
    ("import infopricing", ["-c", "import infopricing"]),
    ("infopricing --help", ["-m", "infopricing", "--help"]),
    ("first ip.optimal_mechanism", ["-c", "import infopricing as ip; ip.optimal_mechanism"]),
    ("first ip.compete area", ["-c", "import infopricing as ip; ip.check_equilibrium"]),
]


def _seconds(argv, repeat):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, *argv], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    base = None
    for label, argv in CASES:
        s = _seconds(argv, args.repeat)
        base = base or s
        print(f"{label:28s} {s:6.3f} s   {s / base:5.2f}x bare python")


if __name__ == "__main__":
    main()
