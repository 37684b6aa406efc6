"""Distributed sweeps on Dask: chunked, resumable, Parquet with parameters and version
(issue 7, item 3). Uses a small local multi-process cluster."""

import json

import numpy as np
import pytest

pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")

from infopricing import Environment, __version__, optimal_mechanism  # noqa: E402
from infopricing.scale import random_markets, run_chunked, sweep, sweep_to_parquet  # noqa: E402
from infopricing.scale.distributed import _SweepTask  # noqa: E402
from infopricing.scale.sweep import BasisStore  # noqa: E402

ENV = Environment(np.array([[3.0, 1.0], [5.0, 2.0], [6.0, 6.0], [2.0, 7.0]]))


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as c:
        yield c


def test_embedded_cluster_sweep_matches_in_process_and_resumes(tmp_path):
    """Default (embedded local cluster): the Parquet rows equal an in-process sweep; after a
    chunk file is lost only that chunk is recomputed."""
    F = random_markets(4, 4000, seed=3)
    run = sweep_to_parquet(ENV, F, tmp_path, chunk_size=1000, n_workers=2, pilot=200)
    assert run.computed == (0, 1, 2, 3) and run.skipped == ()
    assert run.verify().ok
    df = run.read()
    ref = sweep(ENV, F)
    np.testing.assert_array_equal(df["market"].to_numpy(), np.arange(4000))
    np.testing.assert_allclose(df["revenue"].to_numpy(), ref.revenue, atol=1e-12)
    np.testing.assert_array_equal(df["efficient"].to_numpy(), ref.efficient)
    np.testing.assert_allclose(df[[f"cs_{t}" for t in ENV.types]].to_numpy(), ref.surplus, atol=1e-12)
    for i in (0, 1234, 3999):
        assert df["revenue"][i] == pytest.approx(optimal_mechanism(ENV, F[i]).revenue, abs=1e-9)
    # parameters and library version recorded in every file and in the manifest
    md = json.loads(pq.read_schema(run.paths()[1]).metadata[b"infopricing"])
    assert md["library_version"] == __version__ and md["chunk"] == 1
    assert md["selection"] == "efficient" and md["values"] == ENV.values.tolist()
    man = json.loads((tmp_path / "_manifest.json").read_text())
    assert man["input_hash"] == md["input_hash"] and man["n_chunks"] == 4
    # interruption: a chunk is lost -> only it is recomputed
    run.paths()[2].unlink()
    again = sweep_to_parquet(ENV, F, tmp_path, chunk_size=1000, n_workers=2, pilot=200)
    assert again.computed == (2,) and again.skipped == (0, 1, 3)
    np.testing.assert_allclose(again.read()["revenue"].to_numpy(), ref.revenue, atol=1e-12)
    # other inputs into the same directory are refused
    with pytest.raises(ValueError, match="different run"):
        sweep_to_parquet(ENV, F[:3000], tmp_path, chunk_size=1000)


def test_failed_chunk_is_reported_and_resumed_on_an_existing_scheduler(tmp_path, cluster):
    """A chunk that fails leaves the others on disk; the next run computes only it
    (``scheduler=`` an existing cluster's address)."""
    good = random_markets(4, 900, seed=5)
    bad = good.copy()
    bad[310] *= 2.0  # not a probability vector: the worker raises
    task = _SweepTask(ENV, BasisStore(ENV), "efficient", "numpy", 1e-9)
    params = {"input_hash": "test-run-1"}
    chunks = lambda F: [(a, F[a:a + 300]) for a in range(0, 900, 300)]  # noqa: E731
    with pytest.raises(RuntimeError, match="chunk 1"):
        run_chunked(task, chunks(bad), tmp_path, params, scheduler=cluster.scheduler_address)
    assert sorted(p.name for p in tmp_path.glob("part-*.parquet")) == ["part-00000.parquet",
                                                                     "part-00002.parquet"]
    run = run_chunked(task, chunks(good), tmp_path, params, scheduler=cluster.scheduler_address)
    assert run.computed == (1,) and run.skipped == (0, 2)
    assert run.verify().ok and len(run.read()) == 900


def test_run_chunked_needs_an_input_hash(tmp_path):
    with pytest.raises(ValueError, match="input_hash"):
        run_chunked(lambda p: p, [1], tmp_path, {})
    with pytest.raises(ValueError, match="chunk_size"):
        sweep_to_parquet(ENV, random_markets(4, 10), tmp_path, chunk_size=0)
