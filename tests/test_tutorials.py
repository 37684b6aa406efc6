"""Every code block of the documentation runs, and prints what the page shows.

Each page under docs/ with python or bash blocks is one test: its python blocks run in order
in one namespace, a ``text`` block after a python block is compared with what it printed
(numbers to a relative 1e-6), bash lines starting with ``infopricing`` must exit 0
(docs/hooks/runner.py). The docs build (tests/test_docs_site.py) runs the same pages again to
draw their figures into the site.
"""

import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
sys.path.insert(0, str(DOCS / "hooks"))
import runner  # noqa: E402

PAGES = sorted(p for p in DOCS.rglob("*.md")
               if "hooks" not in p.relative_to(DOCS).parts and runner.blocks(p.read_text()))


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_runs_as_written(page, tmp_path):
    run = runner.run_page(page, tmp_path)
    assert run.blocks > 0


def test_every_tutorial_asserts_printed_numbers_and_draws_a_figure(tmp_path):
    for name in ("hs", "bbm25", "clw", "information"):
        page = DOCS / "tutorials" / f"{name}.md"
        run = runner.run_page(page, tmp_path / name)
        assert run.compared >= 3, f"{name}: only {run.compared} blocks with expected output"
        assert any(f.suffix == ".png" for f in run.files), f"{name}: draws no figure"
        for f in run.files:
            if f.suffix == ".png":
                assert f"]({f.name})" in page.read_text(), f"{name}: {f.name} is drawn but not shown"


def test_runner_rejects_a_changed_number(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("```python\nprint(round(2 / 3, 4))\n```\n\n```text\n0.6667\n```\n")
    assert runner.run_page(page, tmp_path / "ok").compared == 1
    page.write_text("```python\nprint(round(2 / 3, 4))\n```\n\n```text\n0.6668\n```\n")
    with pytest.raises(runner.PageError, match="0.6668"):
        runner.run_page(page, tmp_path / "bad")
    page.write_text("```python\nprint('a')\n```\n\n```text\na b\n```\n")
    with pytest.raises(runner.PageError):
        runner.run_page(page, tmp_path / "tokens")
    page.write_text("```bash\ninfopricing menu missing.toml\n```\n")
    with pytest.raises(runner.PageError, match="exited with 2"):
        runner.run_page(page, tmp_path / "cli")
