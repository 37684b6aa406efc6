"""The sweep's GPU (torch) code path selected by name on CPU tensors (``"torch:cpu"``), as
benchmarks/bench_sweep.py measures it on machines without a GPU: the same answers as the
numpy path. Skips cleanly without torch (an optional extra, ``gpu``)."""

import numpy as np
import pytest

from infopricing import Environment
from infopricing.scale import sweep
from infopricing.scale.backend import get_backend


def test_torch_cpu_backend_sweeps_like_numpy():
    pytest.importorskip("torch", reason="torch not installed (optional extra 'gpu')")
    bk = get_backend("torch:cpu")
    assert bk.name == "torch" and str(bk.dev) == "cpu"
    rng = np.random.default_rng(7)
    env = Environment(rng.integers(1, 10, size=(4, 3)).astype(float))
    F = rng.dirichlet(np.ones(4), size=3000)
    ref = sweep(env, F, backend="numpy", pilot=300)
    got = sweep(env, F, backend="torch:cpu", pilot=300, batch=500)
    assert got.backend == "torch"
    np.testing.assert_allclose(got.revenue, ref.revenue, atol=1e-12)
    np.testing.assert_array_equal(got.kind, ref.kind)
    np.testing.assert_array_equal(got.efficient, ref.efficient)
    assert got.verify().ok


def test_unknown_backend_still_rejected():
    with pytest.raises(ValueError, match="backend"):
        get_backend("torch:gpu0")
