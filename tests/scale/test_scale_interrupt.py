"""Chunked runs that are interrupted (issue 13, section 3): a rerun after any interruption
leaves a directory that ``pandas.read_parquet(dir)`` opens with every market exactly once;
the manifest is replaced atomically; damaged chunk files are named and recomputed;
``verify()`` reports stray or damaged files; the sweep's ``mechanism`` ids mean the same
menu in every chunk and the menus are saved beside the data.

Real runs are killed by PID (SIGKILL, SIGTERM, a worker process) at several points; the
kinds of damage an interruption can leave (a truncated or empty file, a temporary file of
an interrupted write, a truncated manifest) are also made directly, since a kill lands
between two writes only by chance.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pq = pytest.importorskip("pyarrow.parquet")
psutil = pytest.importorskip("psutil")

from infopricing import Environment, optimal_mechanism  # noqa: E402
from infopricing.scale import random_markets, run_chunked, sweep_to_parquet  # noqa: E402
from infopricing.scale.distributed import read_menus  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ENV = Environment(np.array([[3.0, 1.0], [5.0, 2.0], [6.0, 6.0], [2.0, 7.0]]))
MODEL = """
[environment]
types = ["a", "b", "c", "d"]
valuations = [[3.0, 1.0], [5.0, 2.0], [6.0, 6.0], [2.0, 7.0]]
"""
N_MARKETS, CHUNK = 6000, 1000


def _cli(args, **kw):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-c", "from infopricing.cli import main; main()", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _sweep_args(model, out):
    return ["sweep", str(model), "--random", str(N_MARKETS), "--chunk-size", str(CHUNK),
            "--out", str(out), "--workers", "2", "--backend", "numpy"]


def _wait_for(cond, proc, limit=180.0):
    t0 = time.time()
    while not cond():
        if proc.poll() is not None or time.time() - t0 > limit:
            return False
        time.sleep(0.01)
    return True


def _check_directory(out: Path, n: int):
    """What a reader needs: read_parquet(dir) has markets 0..n-1 once each, in order."""
    df = pd.read_parquet(out)
    np.testing.assert_array_equal(np.sort(df["market"].to_numpy()), np.arange(n))
    assert not any(p.name.startswith(".") or ".tmp-" in p.name for p in out.rglob("*"))
    return df


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGKILL at manifest", "SIGTERM after first chunk",
                                 "SIGKILL after first chunk", "worker killed"])
def test_killed_cli_run_resumes_to_a_readable_directory(tmp_path, how):
    model = tmp_path / "m.toml"
    model.write_text(MODEL)
    out = tmp_path / "out"
    proc = _cli(_sweep_args(model, out))
    try:
        if how == "SIGKILL at manifest":
            ok = _wait_for(lambda: (out / "_manifest.json").exists(), proc)
        else:
            ok = _wait_for(lambda: any(out.glob("part-*.parquet")), proc)
        assert ok, "the run ended before the kill point: " + proc.communicate()[1][-2000:]
        kids = psutil.Process(proc.pid).children(recursive=True)
        if how == "worker killed":
            # kill one worker process (a grandchild: nanny -> worker); Dask reruns its task
            workers = [k for k in kids if k.ppid() != proc.pid] or kids
            os.kill(workers[0].pid, signal.SIGKILL)
            assert proc.wait(timeout=300) == 0, proc.communicate()[1][-2000:]
        else:
            os.kill(proc.pid, signal.SIGKILL if how.startswith("SIGKILL") else signal.SIGTERM)
            proc.wait(timeout=60)
            for k in kids:  # the workers notice their parent is gone and stop; wait for it
                try:
                    k.wait(timeout=30)
                except psutil.TimeoutExpired:
                    k.kill()
                except psutil.NoSuchProcess:
                    pass
    finally:
        if proc.poll() is None:
            proc.kill()
    if how != "worker killed":
        rerun = _cli(_sweep_args(model, out))
        _, err = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, err[-2000:]
    df = _check_directory(out, N_MARKETS)
    # the rows are the right answers (revenue of the optimal menu, recomputed directly)
    F = random_markets(4, N_MARKETS, seed=0)
    for i in (0, 2500, N_MARKETS - 1):
        row = df[df["market"] == i].iloc[0]
        np.testing.assert_allclose(row[[f"f_{t}" for t in "abcd"]].to_numpy(float), F[i])
        assert row["revenue"] == pytest.approx(optimal_mechanism(ENV, F[i]).revenue, abs=1e-9)


# -- the damage an interruption can leave, made directly (fast, on one shared cluster) ------

@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as c:
        yield c


def squares(payload):
    """A chunk task: rows ``key, key**2`` for key in [a, b)."""
    a, b = payload
    k = np.arange(a, b, dtype=np.int64)
    return pd.DataFrame({"key": k, "square": k * k})


RANGES = [(0, 50), (50, 100), (100, 150), (150, 200)]
PARAMS = {"input_hash": "squares-1"}


def _run(out, cluster, **kw):
    return run_chunked(squares, RANGES, out, PARAMS, scheduler=cluster.scheduler_address,
                       key_column="key", key_ranges=RANGES, **kw)


def _truncate(p: Path):
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


DAMAGE = {
    "truncated chunk": lambda out: _truncate(out / "part-00002.parquet"),
    "empty chunk": lambda out: (out / "part-00002.parquet").write_bytes(b""),
    "chunk of another run": lambda out: (out / "part-00002.parquet").write_bytes(
        (out / "other" / "part-00002.parquet").read_bytes()),
    "chunk with another chunk's rows": lambda out: (out / "part-00002.parquet").write_bytes(
        (out / "part-00001.parquet").read_bytes()),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_chunk_is_named_reported_and_recomputed(tmp_path, cluster, damage):
    out = tmp_path / "run"
    run_chunked(squares, RANGES, tmp_path / "run" / "other", {"input_hash": "other-run"},
                scheduler=cluster.scheduler_address)
    first = _run(out, cluster)
    import shutil

    DAMAGE[damage](out)
    shutil.rmtree(out / "other")
    v = first.verify()
    assert not v.ok and any("part-00002.parquet" in f for f in v.failures), v.failures
    again = _run(out, cluster)
    assert again.computed == (2,) and again.skipped == (0, 1, 3)
    assert len(again.repaired) == 1 and again.repaired[0].startswith("part-00002.parquet")
    assert again.verify().ok, again.verify().failures
    df = _check_directory_keys(out)
    np.testing.assert_array_equal(df["square"].to_numpy(), np.arange(200) ** 2)


def _check_directory_keys(out):
    df = pd.read_parquet(out)
    np.testing.assert_array_equal(df["key"].to_numpy(), np.arange(200))
    return df


@pytest.mark.parametrize("name", ["part-00001.parquet.tmp-4242",   # earlier versions' name
                                  ".part-00001.parquet.tmp-4242",  # this version's name
                                  "._manifest.json.tmp-77"])
def test_temporary_file_of_an_interrupted_write_is_removed_by_the_rerun(tmp_path, cluster, name):
    out = tmp_path / "run"
    first = _run(out, cluster)
    (out / "part-00001.parquet").unlink()
    (out / name).write_bytes(b"PAR1 half a file")
    v = first.verify()
    assert not v.ok and any(name in f for f in v.failures) and any("chunk 1 missing" in f
                                                                  for f in v.failures)
    again = _run(out, cluster)
    assert again.computed == (1,) and again.removed == (name,)
    assert again.verify().ok
    _check_directory_keys(out)


@pytest.mark.parametrize("content", [b"", b'{"input_hash": "squa'])
def test_truncated_manifest_is_rewritten_and_finished_chunks_kept(tmp_path, cluster, content):
    out = tmp_path / "run"
    _run(out, cluster)
    (out / "part-00003.parquet").unlink()
    (out / "_manifest.json").write_bytes(content)
    again = _run(out, cluster)
    assert again.computed == (3,) and again.skipped == (0, 1, 2)
    assert any(r.startswith("_manifest.json") for r in again.repaired)
    assert json.loads((out / "_manifest.json").read_text())["input_hash"] == "squares-1"
    assert again.verify().ok


def test_unreadable_manifest_over_another_runs_chunks_is_refused(tmp_path, cluster):
    out = tmp_path / "run"
    run_chunked(squares, RANGES, out, {"input_hash": "other-run"}, scheduler=cluster.scheduler_address)
    (out / "_manifest.json").write_bytes(b"")
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(ValueError, match="belong to another run"):
        _run(out, cluster)
    assert sorted(p.name for p in out.iterdir()) == before


def test_manifest_is_replaced_not_written_in_place(tmp_path, cluster, monkeypatch):
    """A write that dies midway leaves the old manifest whole (an interruption between
    opening and finishing the file, simulated by a failing write)."""
    from infopricing.scale import distributed as dist

    out = tmp_path / "run"
    _run(out, cluster)
    man = out / "_manifest.json"
    man.write_bytes(b"")  # force a rewrite
    old_text = '{"input_hash": "squares-1", "n_chunks": 4}'
    man.write_text(old_text)
    real_open = open

    def failing_open(path, mode="r", *a, **k):
        fh = real_open(path, mode, *a, **k)
        if "w" in mode and str(path).endswith(".tmp-%d" % os.getpid()):
            fh.write("{")
            fh.close()
            raise OSError(28, "No space left on device")
        return fh

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(OSError):
        dist._atomic_write_text(man, '{"input_hash": "new"}')
    monkeypatch.undo()
    assert man.read_text() == old_text
    assert not any(p.name.startswith(".") for p in out.iterdir())


def test_stray_file_is_reported_by_verify(tmp_path, cluster):
    out = tmp_path / "run"
    run = _run(out, cluster)
    assert run.verify().ok
    (out / "notes.txt").write_text("mine")
    v = run.verify()
    assert not v.ok and any("notes.txt" in f for f in v.failures)


# -- menus: ids that mean the same menu in every chunk, saved beside the data -----------------

def test_sweep_mechanism_ids_name_one_menu_across_chunks(tmp_path, cluster):
    F = random_markets(4, 3000, seed=11)
    run = sweep_to_parquet(ENV, F, tmp_path / "s", chunk_size=500, pilot=0,
                           scheduler=cluster.scheduler_address)
    assert run.verify().ok
    df = pd.read_parquet(tmp_path / "s")
    menus = read_menus(tmp_path / "s")
    assert set(df["mechanism"]) <= set(menus)
    # a menu id is shared by chunks (the same menu found in separate chunks)
    per_id = df.groupby("mechanism")["chunk"].nunique()
    assert per_id.max() == 6
    # every market's revenue is the expected payment of the menu its id names
    P = np.stack([menus[m][1] for m in df["mechanism"]])
    masses = df[[f"f_{t}" for t in ENV.types]].to_numpy()
    np.testing.assert_allclose(np.einsum("mn,mn->m", masses, P), df["revenue"], atol=1e-9)
    # and that menu is optimal_mechanism's, recomputed on sampled markets
    rng = np.random.default_rng(0)
    for i in rng.choice(3000, size=12, replace=False):
        x, p = menus[df["mechanism"][i]]
        ref = optimal_mechanism(ENV, F[i])
        np.testing.assert_allclose(x, ref.allocation, atol=1e-7)
        np.testing.assert_allclose(p, ref.payments, atol=1e-7)
    # ids differ for different menus
    ids = list(menus)
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            xa, pa = menus[ids[a]]
            xb, pb = menus[ids[b]]
            assert not (np.allclose(xa, xb, atol=1e-9) and np.allclose(pa, pb, atol=1e-9))
    # the basis column is a hash of the basis (pilot=0: bases found separately per chunk,
    # and the same basis found in two chunks has one key)
    assert df["basis"].str.fullmatch("[0-9a-f]{16}").all()
    assert df.groupby("basis")["chunk"].nunique().max() >= 2
