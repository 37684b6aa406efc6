"""The documentation site builds with warnings as errors, and its generated pages are complete.

`mkdocs build --strict` runs every page's code (docs/hooks/build.py: a block that raises or
prints something else than the page shows fails the build), draws the tutorials' figures
into the site, and renders the API reference, the model-file reference and the reproduction
table. Marked slow: it takes about half a minute on two cores.
"""

import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs" / "hooks"))
import apipages  # noqa: E402
import schema  # noqa: E402
import sphinx_roles  # noqa: E402

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               MPLBACKEND="Agg", NO_MKDOCS_2_WARNING="1")
    env.pop("INFOPRICING_DOCS_SKIP_RUN", None)
    res = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-4000:]
    return out


def _inventory(site: Path) -> set[str]:
    raw = (site / "objects.inv").read_bytes()
    header_end = 0
    for _ in range(4):                      # four header lines, then zlib data
        header_end = raw.index(b"\n", header_end) + 1
    text = zlib.decompress(raw[header_end:]).decode()
    return {line.split(" ", 1)[0] for line in text.splitlines() if line}


@pytest.mark.slow
def test_site_builds_strict_with_every_public_name_documented(site):
    assert (site / "index.html").is_file()
    inv = _inventory(site)
    import infopricing as ip

    missing = []
    for name in apipages.public_names():
        obj = getattr(ip, name)
        real = getattr(obj, "__name__", name)
        target = f"{getattr(obj, '__module__', 'infopricing')}.{real}"
        if target not in inv:
            missing.append(name)
    assert not missing, f"public names without an API entry: {missing}"


@pytest.mark.slow
def test_tutorial_figures_are_generated_into_the_site(site):
    for rel in ("tutorials/hs_surplus_set.png", "tutorials/bbm25_benchmarks.png",
                "tutorials/bbm25_hotelling.png", "tutorials/clw_experiment.png",
                "tutorials/bbm15_triangle.png"):
        f = site / rel
        assert f.is_file() and f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", rel
    assert not list((ROOT / "docs").rglob("*.png")), "figures must be generated, not committed"


@pytest.mark.slow
def test_generated_reference_pages_are_complete(site):
    ref = (site / "howto" / "model-file-reference" / "index.html").read_text()
    for t in schema.TABLES:
        for k in t.keys:
            assert f"<code>{k.name}</code>" in ref, (t.name, k.name)
    from infopricing.claims import all_claims

    rep = (site / "howto" / "reproducing" / "index.html").read_text()
    for c in all_claims():
        assert c.id in rep, c.id
    assert (site / "howto" / "reports" / "index.html").is_file()   # the report page's place


def test_model_file_schema_matches_the_loaders():
    assert schema.check() == []


@pytest.mark.parametrize("table", schema.TABLES, ids=[f"{t.name}:{t.form or 'table'}" for t in schema.TABLES])
def test_model_file_reference_examples_load(table, tmp_path):
    path = tmp_path / "model.toml"
    path.write_text(table.example)
    schema._resolve(table.loader)(path)


def test_schema_check_catches_an_undocumented_key(monkeypatch):
    import infopricing.io as io_mod

    monkeypatch.setattr(io_mod, "MARKET_KEYS", io_mod.MARKET_KEYS + ("weights",))
    problems = schema.check()
    assert len(problems) == 1 and "weights" in problems[0]


def test_readme_says_how_to_build_and_serve_the_docs():
    text = (ROOT / "README.md").read_text()
    assert 'pip install -e ".[docs]" && mkdocs serve' in text
    assert "mkdocs build --strict" in text


def test_docs_extra_is_installed_by_the_test_extra():
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "infopricing[docs]" in meta["test"]
    assert {d.split(">")[0].split("[")[0] for d in meta["docs"]} >= {"mkdocs", "mkdocs-material", "mkdocstrings"}


@pytest.mark.slow
def test_reference_shows_no_sphinx_role_text_and_links_public_names(site):
    """Docstrings use Sphinx roles; the reference must render them as links or code,
    never as the raw ``:func:`` text Markdown would show."""
    import re

    role = re.compile(r":(func|meth|class|attr|data|mod|obj|exc|const):")
    for page in (site / "reference").glob("*/index.html"):
        text = re.sub(r"<[^>]+>", "", page.read_text())
        assert not role.search(text), (page.parent.name, role.search(text).group(0))
    scale = (site / "reference" / "scale" / "index.html").read_text()
    assert 'href="../screening/#infopricing.screening.optimal.optimal_mechanism"' in scale


def test_sphinx_roles_become_links_for_public_names_and_code_otherwise():
    c = sphinx_roles.convert
    assert c(":func:`optimal_mechanism`") == \
        "[`optimal_mechanism()`][infopricing.screening.optimal.optimal_mechanism]"
    assert c(":class:`~infopricing.model.Market`") == "[`Market`][infopricing.model.environment.Market]"
    assert c(":data:`~infopricing.tolerances.FEAS`") == "`FEAS`"
    assert c(":meth:`Mechanism.verify`") == "`Mechanism.verify()`"
    assert c(":mod:`runner` and :py:obj:`x <y.z>`") == "`runner` and `x`"
    # a full path that is not the public object is not linked to it
    assert c(":class:`infopricing.no_such.Market`") == "`infopricing.no_such.Market`"
