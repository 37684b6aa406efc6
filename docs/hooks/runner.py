"""Run a documentation page's code blocks and compare what they print with the page.

A page is a sequence of fenced blocks. Every ``python`` block runs, in order, in one namespace
per page (so later blocks use earlier names), with the working directory set to a folder that
receives the page's figures and files. A ``text`` block that directly follows a ``python``
block is that block's expected output: the printed output must match it token by token,
numbers within a relative tolerance of 1e-6 (so a change in the last printed digit of a
rounding does not fail, but any real change of a number does). A ``bash`` block runs each line
that starts with ``infopricing`` as ``python -m infopricing ...`` in the same folder and must
exit with status 0 (or the status written after ``# exit`` at the end of the line).

Used by the MkDocs hook (the build fails when a page does not run) and by
``tests/docs/test_tutorials.py`` (one test per page).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
TOKEN = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[A-Za-z_]+|\S")
RTOL = 1e-6
ATOL = 1e-9


@dataclass
class Block:
    lang: str
    code: str
    line: int
    expected: str | None = None


@dataclass
class PageRun:
    page: str
    blocks: int = 0
    compared: int = 0
    files: list[Path] = field(default_factory=list)


class PageError(Exception):
    """A code block of a page failed or printed something else than the page says."""


def blocks(text: str) -> list[Block]:
    """The page's python/bash blocks, each with the text block that follows it (if any)."""
    found = []
    for m in FENCE.finditer(text):
        found.append((m.group(1).lower(), m.group(2), text.count("\n", 0, m.start()) + 1,
                      m.start(), m.end()))
    out: list[Block] = []
    for i, (lang, code, line, start, end) in enumerate(found):
        if lang not in ("python", "bash"):
            continue
        b = Block(lang, code, line)
        if i + 1 < len(found):
            nlang, ncode, _, nstart, _ = found[i + 1]
            if nlang == "text" and text[end:nstart].strip() == "":
                b.expected = ncode
        out.append(b)
    return out


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def same_output(got: str, want: str) -> str | None:
    """None when ``got`` matches ``want``, else a one-line reason."""
    a, b = tokens(got), tokens(want)
    if len(a) != len(b):
        return f"printed {len(a)} tokens, the page shows {len(b)}"
    for x, y in zip(a, b):
        if NUMBER.fullmatch(x) and NUMBER.fullmatch(y):
            fx, fy = float(x), float(y)
            if not math.isclose(fx, fy, rel_tol=RTOL, abs_tol=ATOL):
                return f"printed {x} where the page shows {y}"
        elif x != y:
            return f"printed {x!r} where the page shows {y!r}"
    return None


def _run_bash(code: str, cwd: Path) -> str:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("COLUMNS", "100")
    env["MPLBACKEND"] = "Agg"
    printed = []
    for raw in code.splitlines():
        line = raw.strip()
        if not line.startswith("infopricing "):
            continue
        want = 0
        m = re.search(r"#\s*exit\s+(\d+)\s*$", line)
        if m:
            want = int(m.group(1))
        line = line.split("#", 1)[0]
        args = shlex.split(line)[1:]
        res = subprocess.run([sys.executable, "-m", "infopricing", *args], cwd=cwd, env=env,
                             capture_output=True, text=True, timeout=300)
        if res.returncode != want:
            raise PageError(f"`{line.strip()}` exited with {res.returncode} (expected {want}):\n"
                            f"{res.stdout[-2000:]}{res.stderr[-2000:]}")
        printed.append(res.stdout)
    return "".join(printed)


def run_page(path: Path, workdir: Path) -> PageRun:
    """Run every block of the page at ``path`` with ``workdir`` as working directory."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    text = Path(path).read_text()
    workdir.mkdir(parents=True, exist_ok=True)
    before = set(workdir.iterdir())
    run = PageRun(str(path))
    ns: dict = {"__name__": f"__docs_{Path(path).stem}__"}
    old = Path.cwd()
    os.chdir(workdir)
    try:
        for b in blocks(text):
            run.blocks += 1
            where = f"{path}:{b.line}"
            if b.lang == "bash":
                got = _run_bash(b.code, workdir)
            else:
                buf = io.StringIO()
                try:
                    with contextlib.redirect_stdout(buf):
                        exec(compile(b.code, where, "exec"), ns)
                except Exception as exc:  # the page's reader would see this traceback
                    raise PageError(f"{where}: the block raised {type(exc).__name__}: {exc}") from exc
                got = buf.getvalue()
            if b.expected is not None:
                reason = same_output(got, b.expected)
                if reason:
                    raise PageError(f"{where}: {reason}\n--- printed ---\n{got}--- page ---\n"
                                    f"{b.expected}")
                run.compared += 1
        plt.close("all")
    finally:
        os.chdir(old)
    run.files = sorted(p for p in workdir.iterdir() if p not in before and p.is_file())
    return run
