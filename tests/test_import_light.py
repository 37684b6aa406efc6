"""`import infopricing` stays light and the CLI follows the ecosystem's conventions.

Import time is measured in benchmarks, not asserted here; what is asserted is the cause of a
slow import: the heavy optional dependencies must not be loaded by `import infopricing`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["matplotlib", "pyscipopt", "dask", "distributed", "pandas", "pyarrow", "scipy.optimize",
         "scipy.sparse", "scipy.stats", "typer", "rich"]


def _run(code, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, *args, "-c", code] if code else [sys.executable, *args],
                          capture_output=True, text=True, env=env, cwd=ROOT)


def test_import_does_not_load_heavy_dependencies():
    code = ("import json, sys, infopricing; "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_lazy_sparse_module_behaves_like_scipy_sparse():
    import scipy.sparse

    from infopricing._lazy import sparse as sp

    m = sp.csr_matrix([[0.0, 2.0], [3.0, 0.0]])
    assert isinstance(m, scipy.sparse.csr_matrix) and sp.issparse(m)
    assert (sp.vstack([m, m]).toarray() == [[0, 2], [3, 0], [0, 2], [3, 0]]).all()
    with pytest.raises(AttributeError):
        sp.no_such_function


def test_version_option_prints_the_package_version_and_exits_0():
    import infopricing

    for argv in (["-m", "infopricing", "--version"],):
        out = _run(None, *argv)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == f"infopricing {infopricing.__version__}"


def test_short_help_option_and_python_dash_m():
    out = _run(None, "-m", "infopricing", "-h")
    assert out.returncode == 0, out.stderr
    assert "--version" in out.stdout and "menu" in out.stdout and "reproduce" in out.stdout
    sub = _run(None, "-m", "infopricing", "menu", "-h")
    assert sub.returncode == 0 and "Usage" in sub.stdout


def test_import_loads_no_area_and_not_numpy():
    """The top level resolves its names lazily: importing it loads no area and no numpy."""
    code = ("import json, sys, infopricing; "
            "print(json.dumps(sorted(m for m in sys.modules "
            "if m.startswith('infopricing') or m == 'numpy')))")
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["infopricing"]


def test_every_public_name_resolves_to_its_areas_object():
    import importlib
    import types

    import infopricing as ip

    homes = ip._HOME
    for name in ip.__all__:
        value = getattr(ip, name)
        if isinstance(value, types.ModuleType):
            assert value.__name__ == f"infopricing.{name}"
            continue
        area = importlib.import_module(f"infopricing.{homes[name]}")
        assert getattr(area, name) is value, name
    # the table names nothing that is not public, and nothing twice
    assert set(homes) <= set(ip.__all__)
    assert sum(len(v) for v in ip._AREAS.values()) == len(homes)
    assert set(ip.__all__) <= set(dir(ip))
    with pytest.raises(AttributeError, match="no_such_name"):
        ip.no_such_name


def test_star_import_gives_every_public_name():
    code = ("import json; ns = {}; exec('from infopricing import *', ns); "
            "import infopricing; "
            "print(json.dumps(sorted(set(infopricing.__all__) - set(ns))))")
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_area_names_outside_the_curated_list_stay_reachable():
    """Before the top level became lazy, every area's ``__all__`` was star-imported into it;
    those names (not curated in ``infopricing.__all__``) must still resolve to the same objects."""
    import infopricing as ip
    from infopricing import screening
    from infopricing.competition import public_segments

    assert "solve_menu_ipm" not in ip.__all__
    assert ip.solve_menu_ipm is screening.solve_menu_ipm
    assert ip.menu_bounds is screening.menu_bounds
    assert ip.evaluate_public_segmentation is public_segments.evaluate_public_segmentation
    with pytest.raises(AttributeError):
        ip._private_name_of_no_area


def test_report_is_the_function_even_after_its_subpackage_is_imported():
    code = ("import infopricing.report.html, infopricing as ip, json, inspect; "
            "print(json.dumps([inspect.isfunction(ip.report), ip.report.__name__]))")
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [True, "report"]


def test_help_loads_the_command_line_but_no_solver_area():
    """`infopricing --help` builds every command's options (their defaults included, such
    as the CLW node limit) without importing an area: the solvers load when a command runs."""
    code = ("import json, sys, infopricing.cli; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('infopricing.') "
            "and not m.startswith('infopricing.cli'))))")
    out = _run(code)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["infopricing._json", "infopricing.errors",
                                      "infopricing.limits"]


def test_limits_are_the_defaults_the_solvers_and_the_cli_use():
    import inspect

    from infopricing import limits
    from infopricing.disclosure import lottery, pricing
    from infopricing.scale import distributed

    assert lottery.NODE_LIMIT is limits.NODE_LIMIT and pricing.NODE_LIMIT is limits.NODE_LIMIT
    assert distributed.CONNECT_TIMEOUT is limits.CONNECT_TIMEOUT
    assert inspect.signature(lottery.optimal_design).parameters["node_limit"].default \
        == limits.NODE_LIMIT
