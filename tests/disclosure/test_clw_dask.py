"""CLW experiments on Dask: chunked, resumable Parquet runs whose rows equal the
in-process :func:`run_experiment` (issue 7; CLW section 6 experiments)."""

import json

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")
pq = pytest.importorskip("pyarrow.parquet")

from infopricing import __version__  # noqa: E402
from infopricing.disclosure.experiments import (  # noqa: E402
    ExperimentChunkTask, experiment_frame, experiment_instance, experiment_result_from_frame,
    experiment_to_parquet, random_distribution, run_experiment)

KW = dict(products=2, support=3, seed=11, lottery_max_support=0, method="heuristic")


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as c:
        yield c


def test_instances_are_drawn_per_index():
    """Instance k depends only on (family, products, support, seed, k): the in-process run
    uses the same per-instance streams as the chunked one."""
    a = experiment_instance("general", 2, 3, 5, 4)
    b = random_distribution("general", 2, 3, np.random.default_rng(np.random.SeedSequence(5).spawn(5)[4]))
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.probabilities, b.probabilities)
    res = run_experiment("general", instances=5, **{k: v for k, v in KW.items() if k != "seed"}, seed=5)
    np.testing.assert_array_equal(res.instances[4].values, a.values)
    assert not np.array_equal(experiment_instance("general", 2, 3, 5, 3).values, a.values)
    with pytest.raises(ValueError, match="index"):
        experiment_instance("general", 2, 3, 5, -1)
    with pytest.raises(ValueError, match="seed"):
        experiment_instance("general", 2, 3, -5, 0)


def test_chunk_task_is_picklable_and_matches_rows():
    import pickle

    task = pickle.loads(pickle.dumps(ExperimentChunkTask("general", 2, 3, 11, 0, "heuristic", 20.0)))
    df = task((2, 4))
    ref = run_experiment("general", instances=4, **KW)
    pd.testing.assert_frame_equal(df, experiment_frame(ref.rows[2:4]).reset_index(drop=True))
    # welfare recomputed independently: E[max_i v_i] of the redrawn instance
    d = experiment_instance("general", 2, 3, 11, 3)
    assert df["welfare"][1] == pytest.approx(float(d.probabilities @ d.values.max(axis=1)), abs=1e-12)


@pytest.mark.slow
def test_parquet_run_equals_in_process_and_resumes_one_chunk(tmp_path, cluster):
    """Rows on Parquet equal run_experiment's; settings and version are recorded; deleting
    one chunk file recomputes only that chunk."""
    ref = run_experiment("exchangeable", instances=7, **KW)
    run = experiment_to_parquet("exchangeable", tmp_path, instances=7, chunk_size=3,
                                scheduler=cluster.scheduler_address, **KW)
    assert run.n_chunks == 3 and run.computed == (0, 1, 2) and run.skipped == ()
    assert run.verify().ok
    df = run.read()
    np.testing.assert_array_equal(df["chunk"].to_numpy(), [0, 0, 0, 1, 1, 1, 2])
    pd.testing.assert_frame_equal(df.drop(columns="chunk"), experiment_frame(ref.rows))
    md = json.loads(pq.read_schema(run.paths()[2]).metadata[b"infopricing"])
    assert md["library_version"] == __version__ and md["chunk"] == 2
    assert (md["family"], md["seed"], md["instances"], md["method"]) == ("exchangeable", 11, 7, "heuristic")
    # the reconstructed result summarises like the in-process one
    back = experiment_result_from_frame(df, "exchangeable", 2, 3, 11, "heuristic")
    assert back.summary() == ref.summary() and back.worst == ref.worst
    # lose chunk 1: only it is recomputed, rows unchanged
    mtime0 = run.paths()[0].stat().st_mtime_ns
    run.paths()[1].unlink()
    again = experiment_to_parquet("exchangeable", tmp_path, instances=7, chunk_size=3,
                                  scheduler=cluster.scheduler_address, **KW)
    assert again.computed == (1,) and again.skipped == (0, 2)
    assert run.paths()[0].stat().st_mtime_ns == mtime0
    pd.testing.assert_frame_equal(again.read(), df)
    # other settings into the same directory are refused
    with pytest.raises(ValueError, match="different run"):
        experiment_to_parquet("exchangeable", tmp_path, instances=7, chunk_size=3,
                              scheduler=cluster.scheduler_address, **{**KW, "seed": 12})


def test_validation():
    with pytest.raises(ValueError, match="family"):
        experiment_to_parquet("nope", "x")
    with pytest.raises(ValueError, match="chunk_size"):
        experiment_to_parquet("general", "x", chunk_size=0)
    with pytest.raises(ValueError, match="method"):
        experiment_to_parquet("general", "x", method="fast")


def test_cli_experiment_out_scheduler(tmp_path, cluster):
    from typer.testing import CliRunner

    from infopricing.cli import app

    out = tmp_path / "run"
    args = ["experiment", "general", "-k", "4", "--seed", "11", "--method", "heuristic",
            "--lottery-max-support", "0", "--json"]
    r = CliRunner().invoke(app, args + ["--out", str(out), "--chunk-size", "2",
                                        "--scheduler", cluster.scheduler_address])
    assert r.exit_code == 0, r.output
    dask_out = json.loads(r.output)
    r2 = CliRunner().invoke(app, args)
    assert r2.exit_code == 0, r2.output
    assert dask_out == json.loads(r2.output)
    assert sorted(p.name for p in out.glob("part-*.parquet")) == ["part-00000.parquet", "part-00001.parquet"]
    r3 = CliRunner().invoke(app, args + ["--workers", "2"])
    assert r3.exit_code == 2 and "--out" in r3.output
