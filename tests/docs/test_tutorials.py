"""Every code block of the documentation runs, and prints what the page shows.

Each page under docs/ with python or bash blocks is one test: its python blocks run in order
in one namespace, a ``text`` block after a python block is compared with what it printed
(numbers to a relative 1e-6), bash lines starting with ``infopricing`` must exit 0
(docs/hooks/runner.py). The docs build (tests/docs/test_docs_site.py) runs the same pages again to
draw their figures into the site.
"""

import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
sys.path.insert(0, str(DOCS / "hooks"))
import runner  # noqa: E402

PAGES = sorted(p for p in DOCS.rglob("*.md")
               if "hooks" not in p.relative_to(DOCS).parts and runner.blocks(p.read_text()))
PAGES.append(DOCS / "hooks" / "reproducing.md")   # template of the generated reproduction page


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_runs_as_written(page, tmp_path):
    run = runner.run_page(page, tmp_path)
    assert run.blocks > 0
    if page.parent.name == "tutorials":   # each tutorial: asserted numbers and a figure it shows
        assert run.compared >= 3, f"only {run.compared} blocks with expected output"
        import re

        shown = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", page.read_text())
        assert shown, "shows no figure"
        drawn = {f.name for f in run.files}
        assert set(shown) <= drawn, f"figures shown but not drawn by the page: {set(shown) - drawn}"


def test_there_is_one_tutorial_per_paper():
    names = {p.stem for p in PAGES if p.parent.name == "tutorials"}
    assert names == {"hs", "bbm25", "clw", "information"}


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
