"""MkDocs hook: run every page's code, add its figures, generate the reference pages.

At ``on_files`` (before navigation is built):

- every Markdown page with ``python`` or ``bash`` blocks is run by :mod:`runner` (the build
  fails, under ``--strict`` or not, when a block raises or prints something else than the
  page shows), and the figures and files it writes are added to the site next to the page;
- ``reference/<area>.md`` pages are generated: one mkdocstrings entry for every public name
  of ``infopricing`` (``infopricing.__all__`` when defined, else the subpackages'
  ``__all__``), grouped by the subpackage that defines it;
- ``howto/model-file-reference.md`` is generated from :mod:`schema` (whose key lists are
  checked against the loaders' own);
- ``howto/reproducing.md`` renders the claims registry (every claim, its paper value, its
  tolerance, and where the paper's text is wrong, the explanation and corrected value).

Set ``INFOPRICING_DOCS_SKIP_RUN=1`` to build without running the pages, for quick edits of
prose with ``mkdocs serve`` (the figures are then missing, so ``--strict`` fails; the tests
never set it).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

import runner  # noqa: E402
import schema  # noqa: E402
import apipages  # noqa: E402

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

_TMP: list[tempfile.TemporaryDirectory] = []
ARTIFACTS = {".png", ".svg", ".toml", ".json", ".csv"}


def _add(files, config, uri: str, *, content: str | None = None, path: Path | None = None):
    old = files.get_file_from_path(uri)
    if old is not None:
        files.remove(old)
    if content is not None:
        files.append(File.generated(config, uri, content=content))
    else:
        files.append(File.generated(config, uri, abs_src_path=str(path)))


def on_files(files, config):
    docs = Path(config["docs_dir"])
    for uri, text in apipages.pages().items():
        _add(files, config, uri, content=text)
    _add(files, config, "howto/model-file-reference.md", content=schema.reference_page())
    _add(files, config, "howto/reproducing.md", content=apipages.reproduction_page(
        (HERE / "reproducing.md").read_text()))
    if os.environ.get("INFOPRICING_DOCS_SKIP_RUN") == "1":
        return files
    tmp = tempfile.TemporaryDirectory(prefix="infopricing-docs-")
    _TMP.append(tmp)
    pages = [(p, p.relative_to(docs)) for p in sorted(docs.rglob("*.md"))
             if p.relative_to(docs).parts[0] != "hooks"]
    pages.append((HERE / "reproducing.md", Path("howto/reproducing.md")))   # the template's code
    for page, rel in pages:
        if not runner.blocks(page.read_text()):
            continue
        work = Path(tmp.name) / rel.with_suffix("")
        try:
            run = runner.run_page(page, work)
        except runner.PageError as exc:
            raise PluginError(f"docs page {rel} does not run as written: {exc}") from None
        for f in run.files:
            if f.suffix.lower() in ARTIFACTS:
                _add(files, config, (rel.parent / f.name).as_posix(), path=f)
    return files


def on_shutdown():
    for t in _TMP:
        shutil.rmtree(t.name, ignore_errors=True)
