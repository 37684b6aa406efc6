"""Chunked, resumable runs on Dask with Parquet output.

Work is split into numbered chunks; each chunk runs as one Dask task that writes its
own Parquet file ``part-00000.parquet`` (written to a temporary name and renamed, so a
file that exists is complete). A manifest ``_manifest.json`` records the run's
parameters, a hash of its inputs and the library version; running again with the same
inputs into the same directory computes only the chunks whose file is missing (after an
interruption, a crash or a killed worker), and running with different inputs into it is
refused. Every Parquet file carries the same record in its schema metadata (key
``infopricing``).

By default an embedded local cluster is started (worker processes on this machine,
nothing to start by hand); pass ``scheduler="tcp://host:8786"`` to use an existing Dask
cluster, whose workers must have infopricing installed and see ``out_dir`` (a shared
filesystem path). The scheduler is contacted (for at most ``connect_timeout`` seconds,
default :data:`CONNECT_TIMEOUT`) before anything is written, so an unreachable address
leaves no manifest behind.

References
----------
Issue 7 of this project (distributed runs); the sweep itself: HS section 4.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import tolerances as tol
from ..errors import SchedulerUnreachable

MANIFEST = "_manifest.json"

#: Seconds to wait for an existing Dask scheduler to answer before giving up
#: (Dask's own default is 30 s; an address that does not answer within this is reported).
CONNECT_TIMEOUT = 10.0

#: Version of what the sweep's input hash covers; 2 added the type and alternative labels,
#: the gross values and the costs (version 1 hashed the net values and markets only).
SWEEP_HASH_SCHEME = 2

# manifest entries that describe the run's software, not its inputs
_NOT_INPUTS = ("library_version", "input_hash")


def _version() -> str:
    from .. import __version__

    return __version__


def _part_path(out_dir: Path, i: int) -> Path:
    return out_dir / f"part-{i:05d}.parquet"


def _write_parquet(df, path: Path, meta: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    md = dict(table.schema.metadata or {})
    md[b"infopricing"] = json.dumps(meta, sort_keys=True).encode()
    table = table.replace_schema_metadata(md)
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def _run_chunk(task, payload, path: str, meta: dict, chunk: int) -> int:
    """Worker side: compute one chunk and write its file. Returns the row count."""
    df = task(payload)
    df.insert(0, "chunk", np.full(len(df), chunk, dtype=np.int32))
    _write_parquet(df, Path(path), {**meta, "chunk": chunk})
    return len(df)


@dataclass(frozen=True)
class ChunkedRun:
    """Outcome of :func:`run_chunked`: where the results are and what was (re)computed.

    Attributes
    ----------
    out_dir : Path
    n_chunks : int
    computed : tuple of int        chunks computed by this call
    skipped : tuple of int         chunks found complete on disk and not recomputed
    params : dict                  the recorded parameters (with ``library_version``, ``input_hash``)
    seconds : float
    scheduler : str                address of the scheduler used

    References
    ----------
    No paper result: the library's resumable chunked runner.
    """

    out_dir: Path
    n_chunks: int
    computed: tuple[int, ...]
    skipped: tuple[int, ...]
    params: dict = field(repr=False)
    seconds: float = 0.0
    scheduler: str = ""

    def paths(self) -> list[Path]:
        return [_part_path(self.out_dir, i) for i in range(self.n_chunks)]

    def read(self):
        """All chunks as one pandas DataFrame (in chunk order)."""
        import pandas as pd

        return pd.concat([pd.read_parquet(p) for p in self.paths()], ignore_index=True)

    def verify(self):
        """Every chunk file exists, carries this run's parameters and input hash, and no
        chunk reports a failed certificate (column ``verified`` where present)."""
        import pyarrow.parquet as pq

        from ..screening.mechanism import Verification

        failures = []
        for i, p in enumerate(self.paths()):
            if not p.exists():
                failures.append(f"chunk {i} missing ({p.name})")
                continue
            md = json.loads(pq.read_schema(p).metadata[b"infopricing"])
            if md.get("input_hash") != self.params["input_hash"]:
                failures.append(f"chunk {i} was written for other inputs")
            cols = pq.read_schema(p).names
            if "verified" in cols:
                v = pq.read_table(p, columns=["verified"]).column("verified").to_numpy()
                if not v.all():
                    failures.append(f"chunk {i}: {int((~v).sum())} rows failed verification")
        return Verification(ok=not failures, failures=tuple(failures[:20]))


def input_hash(*arrays, **params) -> str:
    """A stable hash of the run's inputs (arrays by value, parameters as JSON).

    References
    ----------
    No paper result: the library's resumable chunked runner.
    """
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str(a.dtype).encode() + str(a.shape).encode())
        h.update(a.tobytes())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    return h.hexdigest()[:32]


def _check_run_options(scheduler, n_workers, connect_timeout) -> None:
    if scheduler is not None and not (isinstance(scheduler, str) and scheduler.strip()):
        raise ValueError(f"scheduler must be an address such as 'tcp://host:8786', got {scheduler!r}")
    if n_workers is not None and (isinstance(n_workers, bool)
                                  or not isinstance(n_workers, (int, np.integer)) or n_workers < 1):
        raise ValueError(f"n_workers must be an integer >= 1 (or None for the default "
                         f"min(4, cpu_count)), got {n_workers!r}")
    if not (isinstance(connect_timeout, (int, float, np.integer, np.floating))
            and np.isfinite(connect_timeout) and connect_timeout > 0):
        raise ValueError(f"connect_timeout must be a positive number of seconds, got {connect_timeout!r}")


def _client(scheduler, n_workers, connect_timeout=CONNECT_TIMEOUT):
    """A Dask client: connected to ``scheduler`` (``SchedulerUnreachable`` when it does not
    answer within ``connect_timeout`` seconds), or to a new local cluster."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=float(connect_timeout)), None
        except (OSError, TimeoutError, ValueError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise SchedulerUnreachable(f"cannot connect to the Dask scheduler {scheduler} within "
                                  f"{float(connect_timeout):g} s ({reason}); check the address "
                                  "and that the scheduler is running. Nothing was written.") from None
    cluster = LocalCluster(n_workers=int(n_workers or min(4, os.cpu_count() or 1)), threads_per_worker=1,
                           processes=True, dashboard_address=None, worker_dashboard_address=None)
    return Client(cluster), cluster


def _mismatch_message(out: Path, old: dict, new: dict) -> str:
    """Why ``out``'s manifest does not belong to the run described by ``new``."""
    new = json.loads(json.dumps(new, default=str))  # compare as the manifest stores it
    differ = sorted(k for k in set(old) | set(new)
                    if k not in _NOT_INPUTS and old.get(k) != new.get(k))
    if differ:
        why = "its recorded settings differ in " + ", ".join(differ)
    else:
        why = ("its recorded settings match but its input hash differs (other markets, or it was "
               f"written by infopricing {old.get('library_version', '?')}, whose hash covered "
               "other inputs)")
    return (f"out_dir {str(out)!r} holds a different run (input hash {old.get('input_hash')}, "
            f"{old.get('n_chunks')} chunks; this run: {new.get('input_hash')}, {new.get('n_chunks')} "
            f"chunks): {why}; use another directory, or delete this one to recompute")


def run_chunked(task, payloads, out_dir, params: dict, scheduler: str | None = None,
                n_workers: int | None = None, progress=None,
                connect_timeout: float = CONNECT_TIMEOUT) -> ChunkedRun:
    """Run ``task(payload)`` (returning a pandas DataFrame) for each payload on Dask,
    one Parquet file per chunk, skipping chunks already complete in ``out_dir``.

    Parameters
    ----------
    task : picklable callable
    payloads : sequence
        One payload per chunk (shipped to the worker that runs it).
    out_dir : path
        Directory for the chunk files and the manifest (created if missing).
    params : dict
        JSON-serialisable description of the run; must contain ``input_hash`` (see
        :func:`input_hash`) identifying the inputs, so a resumed run is the same run.
    scheduler : str, optional
        Address of an existing Dask scheduler; default: an embedded local cluster.
    n_workers : int (>= 1), optional
        Worker processes of the local cluster (default ``min(4, cpu_count)``).
    progress : callable, optional
        ``progress(done, total)`` after each chunk.
    connect_timeout : float
        Seconds to wait for ``scheduler`` to answer (default :data:`CONNECT_TIMEOUT`).

    Returns
    -------
    ChunkedRun

    Raises
    ------
    ValueError
        ``out_dir`` holds a run with other inputs (the message names the recorded
        settings that differ) or is a file, ``params`` lacks ``input_hash``, or
        ``n_workers`` / ``scheduler`` / ``connect_timeout`` is invalid. Nothing is
        written then.
    infopricing.errors.SchedulerUnreachable (a ConnectionError)
        ``scheduler`` did not answer within ``connect_timeout`` seconds; nothing is
        written.
    RuntimeError
        Some chunks failed (the others are kept on disk; run again to resume).

    References
    ----------
    No paper result: the library's resumable chunked runner.
    """
    if "input_hash" not in params:
        raise ValueError("params must contain 'input_hash' (see input_hash())")
    _check_run_options(scheduler, n_workers, connect_timeout)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out_dir {str(out)!r} exists and is not a directory")
    meta = {**params, "library_version": _version(), "n_chunks": len(payloads)}
    man = out / MANIFEST
    if man.exists():
        try:
            old = json.loads(man.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"out_dir {str(out)!r}: its {MANIFEST} cannot be read ({exc}); "
                             "use another directory") from None
        if not isinstance(old, dict) or old.get("input_hash") != meta["input_hash"] \
                or old.get("n_chunks") != meta["n_chunks"]:
            raise ValueError(_mismatch_message(out, old if isinstance(old, dict) else {}, meta))
    todo = [i for i in range(len(payloads)) if not _part_path(out, i).exists()]
    skipped = tuple(i for i in range(len(payloads)) if i not in set(todo))
    t0 = time.perf_counter()
    address = "none (nothing to compute)"
    failed = []
    # connect (or start the local cluster) before writing anything: an unreachable
    # scheduler must not leave a manifest behind
    client, cluster = _client(scheduler, n_workers, connect_timeout) if todo else (None, None)
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not man.exists():
            man.write_text(json.dumps(meta, indent=2, sort_keys=True, default=str))
    except BaseException:
        if client is not None:
            client.close()
            if cluster is not None:
                cluster.close()
        raise
    if todo:
        from distributed import as_completed

        try:
            address = client.scheduler.address
            futs = {client.submit(_run_chunk, task, payloads[i], str(_part_path(out, i)), meta, i,
                                  pure=False): i for i in todo}
            done = len(skipped)
            for fut in as_completed(list(futs)):
                i = futs[fut]
                if fut.status == "error":
                    failed.append((i, repr(fut.exception())))
                done += 1
                if progress is not None:
                    progress(done, len(payloads))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    if failed:
        raise RuntimeError(f"{len(failed)} chunk(s) failed (completed chunks are kept; run again "
                           f"to resume): " + "; ".join(f"chunk {i}: {e}" for i, e in failed[:5]))
    return ChunkedRun(out_dir=out, n_chunks=len(payloads), computed=tuple(todo), skipped=skipped,
                      params=meta, seconds=time.perf_counter() - t0, scheduler=address)


class _SweepTask:
    """Picklable sweep of one chunk of markets with a shared pilot basis store."""

    def __init__(self, env, store, selection, backend, dual_tol):
        self.env, self.store, self.selection = env, store, selection
        self.backend, self.dual_tol = backend, dual_tol

    def __call__(self, payload):
        from .sweep import sweep

        start, F = payload
        res = sweep(self.env, F, selection=self.selection, backend=self.backend,
                    dual_tol=self.dual_tol, store=self.store)
        df = res.to_frame()
        df.insert(0, "market", np.arange(start, start + F.shape[0], dtype=np.int64))
        ok = res.verify().ok
        df["verified"] = ok
        return df


def sweep_to_parquet(env, markets, out_dir, selection: str = "efficient", chunk_size: int = 100_000,
                     scheduler: str | None = None, n_workers: int | None = None, pilot: int = 2000,
                     backend: str = "numpy", dual_tol: float = tol.DUAL, seed: int = 0,
                     progress=None, connect_timeout: float = CONNECT_TIMEOUT) -> ChunkedRun:
    """:func:`~infopricing.scale.sweep` of many markets, chunked on Dask, to Parquet.

    A pilot sweep of up to ``pilot`` random markets runs first on the client; its stored
    bases are shipped with every chunk, so workers mostly certify and rarely solve. Each
    chunk's rows (market index, masses, revenue, surpluses, efficiency, certificate kind
    and a ``verified`` flag from :meth:`SweepResult.verify`) go to one Parquet file.

    Parameters
    ----------
    env : Environment
    markets : array_like (m, n)
    out_dir : path
    selection, backend, dual_tol : as in :func:`~infopricing.scale.sweep`
    chunk_size : int
        Markets per chunk (per Parquet file).
    scheduler, n_workers, progress, connect_timeout : as in :func:`run_chunked`
    pilot : int
        Markets of the pilot sweep (0: none).
    seed : int
        Seeds the pilot's sample.

    Returns
    -------
    ChunkedRun

    Notes
    -----
    The input hash (resumption key) covers everything the results depend on: the type
    and alternative labels, the gross values, the costs, the markets, ``selection``,
    ``chunk_size`` and ``dual_tol`` (scheme :data:`SWEEP_HASH_SCHEME`). A directory
    written with other inputs, or by a version whose hash covered less, is refused.

    References
    ----------
    HS, section 4 (menu LP, consistent selection).
    """
    from ..model import Environment
    from .sweep import BasisStore, _validate_markets, sweep

    if not isinstance(env, Environment):
        raise TypeError(f"env must be an Environment, got {type(env).__name__}")
    if not (isinstance(chunk_size, (int, np.integer)) and chunk_size >= 1):
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    if not (isinstance(pilot, (int, np.integer)) and pilot >= 0):
        raise ValueError(f"pilot must be a non-negative integer, got {pilot!r}")
    _check_run_options(scheduler, n_workers, connect_timeout)
    F = _validate_markets(env, markets)
    store = BasisStore(env)
    if pilot:
        rng = np.random.default_rng(seed)
        idx = rng.choice(F.shape[0], size=min(pilot, F.shape[0]), replace=False)
        sweep(env, F[idx], selection=selection, backend=backend, dual_tol=dual_tol, store=store)
    payloads = [(a, F[a:a + chunk_size]) for a in range(0, F.shape[0], chunk_size)]
    params = {"kind": "sweep", "hash_scheme": SWEEP_HASH_SCHEME, "selection": selection,
              "chunk_size": int(chunk_size), "dual_tol": dual_tol, "n_markets": int(F.shape[0]),
              "types": list(env.types), "alternatives": list(env.alternatives),
              "values": env.values.tolist(), "gross_values": env.gross_values.tolist(),
              "costs": env.costs.tolist(),
              "input_hash": input_hash(env.gross_values, env.costs, F, scheme=SWEEP_HASH_SCHEME,
                                       types=list(env.types), alternatives=list(env.alternatives),
                                       selection=selection, chunk_size=int(chunk_size),
                                       dual_tol=dual_tol)}
    task = _SweepTask(env, store, selection, backend, dual_tol)
    return run_chunked(task, payloads, out_dir, params, scheduler=scheduler, n_workers=n_workers,
                       progress=progress, connect_timeout=connect_timeout)
