"""Size and build time of `infopricing report` for every example model, and the time a
headless Chromium needs to open it offline and draw every figure.

    python benchmarks/bench_report.py [--browser]

Prints one row per example: seconds to compute and write the report, file size in MB, and
(with --browser) seconds from navigation until every figure is drawn. Targets (issue 16):
under 3 MB and under 10 s per example.
"""

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infopricing.report import report  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--browser", action="store_true", help="also time opening each report in Chromium")
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    rows = []
    for path in sorted((ROOT / "examples").glob("*.toml")):
        t = time.perf_counter()
        rep = report(path, out / (path.stem + ".html"))
        build = time.perf_counter() - t
        size = (out / (path.stem + ".html")).stat().st_size / 1e6
        rows.append([path.stem, build, size, None, "verified" if rep.verified else "FAILED"])
    if args.browser:
        from playwright.sync_api import sync_playwright

        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu",
                                                            "--disable-background-networking"])
            for r in rows:
                ctx = b.new_context(offline=True)
                page = ctx.new_page()
                t = time.perf_counter()
                page.goto((out / (r[0] + ".html")).as_uri())
                page.wait_for_function("window.ipReport && window.ipReport.ready === true", timeout=120_000)
                r[3] = time.perf_counter() - t
                ctx.close()
            b.close()
    print(f"{'example':34s} {'build s':>8s} {'MB':>6s} {'open s':>7s}  status")
    for name, build, size, opened, status in rows:
        print(f"{name:34s} {build:8.2f} {size:6.2f} {'' if opened is None else f'{opened:7.2f}':>7s}  {status}")
    shutil.rmtree(out)


if __name__ == "__main__":
    main()
