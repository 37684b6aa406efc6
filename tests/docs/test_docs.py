"""The README's Python examples run as written (documentation with runnable examples)."""

import re
import shutil
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_python_blocks_run(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # the README's commands run from the repository root, where examples/ lives
    shutil.copytree(README.parent / "examples", tmp_path / "examples")
    exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})


def test_readme_has_the_two_setup_commands():
    text = README.read_text()
    assert "pip install . && infopricing reproduce" in text
    ci = (README.parent / ".ci" / "run").read_text()
    m = re.search(r'pip install -q -e "\.\[test\]" && python -m pytest', text)
    assert m and m.group(0) in ci
