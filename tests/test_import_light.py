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
