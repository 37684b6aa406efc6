"""Docstrings of the public API: a References line on every name, and the examples run.

The examples (numpydoc ``Examples`` sections, doctest format) are run here as doctests, so
an example that stops working fails the suite; the API reference pages render them.
"""

import doctest
import inspect
import sys
from pathlib import Path

import pytest

import infopricing as ip

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "hooks"))
import apipages  # noqa: E402

NAMES = apipages.public_names()
WITH_EXAMPLES = [n for n in NAMES if ">>>" in (inspect.getdoc(getattr(ip, n)) or "")]


def _doc(name: str) -> str:
    return inspect.getdoc(getattr(ip, name)) or ""


def test_every_public_name_has_a_references_section():
    missing = {n for n in NAMES if "References\n----------" not in _doc(n)}
    assert not missing, sorted(missing)


def test_every_public_name_has_an_examples_section():
    """A numpydoc Examples section with at least one doctest line, on every name of
    ``infopricing.__all__`` (the API reference renders it)."""
    missing = {n for n in NAMES if not ("Examples\n--------" in _doc(n) and ">>>" in _doc(n))}
    assert not missing, sorted(missing)


def test_the_main_entry_points_have_examples():
    for n in ("pareto_improving_segmentation", "exact_pareto_improvement", "surplus_set",
              "greedy_segmentation", "persuade", "alignment_construction", "uniform_pricing",
              "hotelling_optimum", "sweep"):
        assert n in WITH_EXAMPLES, n


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_example_runs(name):
    obj = getattr(ip, name)
    globs = dict(vars(sys.modules[obj.__module__]))   # as doctest runs a module's examples
    tests = doctest.DocTestFinder(recurse=False).find(obj, name, globs=globs)
    assert tests and any(t.examples for t in tests)
    run = [e for t in tests for e in t.examples if not e.options.get(doctest.SKIP)]
    assert run, f"every example of {name} is skipped"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for t in tests:
        runner.run(t)
    assert runner.summarize(verbose=False).failed == 0
