"""Chunked, resumable runs on Dask with Parquet output.

Work is split into numbered chunks; each chunk runs as one Dask task that writes its
own Parquet file ``part-00000.parquet``. Every file is written under a hidden temporary
name (``.part-00000.parquet.tmp-PID``, which Parquet readers skip, as they skip names
starting with ``_``) and renamed into place, so a ``part-*`` file that exists was written
completely; the manifest ``_manifest.json`` is replaced the same way, never written in
place. The manifest records the run's parameters, a hash of its inputs and the library
version; every Parquet file carries the same record in its schema metadata (key
``infopricing``).

Running again with the same inputs into the same directory (after an interruption, a
crash, a killed client or worker) removes the temporary files that interrupted writes
left, checks every chunk file that is there (its footer reads, it belongs to this run
and chunk, its row count is right), recomputes the chunks whose file is missing or
damaged (naming the damaged files in :attr:`ChunkedRun.repaired`), and rewrites a
manifest that is unreadable when the chunk files show the directory holds this run.
Running with different inputs into it is refused. After a run the directory is what
``pandas.read_parquet(out_dir)`` reads: every chunk once.

A task may also return side tables (``(frame, {"menus": table})``): each is written to
``_menus/part-00000.parquet`` (before the chunk's own file, so a chunk file that exists
has its side tables); the sweep saves its menus this way (:func:`read_menus`).

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
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import tolerances as tol
from ..errors import SchedulerUnreachable
from ..verify.protocol import Result, no_exact

MANIFEST = "_manifest.json"

from ..limits import CONNECT_TIMEOUT  # noqa: E402  (seconds to wait for a Dask scheduler)
from .._progress import check_progress  # noqa: E402

#: Version of what the sweep's input hash covers; 2 added the type and alternative labels,
#: the gross values and the costs (version 1 hashed the net values and markets only).
SWEEP_HASH_SCHEME = 2

# manifest entries that describe the run's software, not its inputs
_NOT_INPUTS = ("library_version", "input_hash")


def _version() -> str:
    from .. import __version__

    return __version__


def _part_name(i: int) -> str:
    return f"part-{i:05d}.parquet"


def _part_path(out_dir: Path, i: int) -> Path:
    return out_dir / _part_name(i)


def _side_path(out_dir: Path, name: str, i: int) -> Path:
    return out_dir / f"_{name}" / _part_name(i)


def _tmp_path(path: Path) -> Path:
    """A hidden temporary name beside ``path`` (readers of the directory skip it)."""
    return path.with_name("." + path.name + f".tmp-{os.getpid()}")


#: temporary files of interrupted writes: hidden ones (this version) and the visible
#: ``part-*.parquet.tmp-PID`` names of earlier versions, which broke pandas.read_parquet
_TMP_NAME = re.compile(r"^\.?(part-\d{5}\.parquet|_manifest\.json)\.tmp-\d+$")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a hidden temporary file and a rename: ``path``
    holds either its old content or all of the new one, never a part."""
    tmp = _tmp_path(path)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _write_parquet(df, path: Path, meta: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    md = dict(table.schema.metadata or {})
    md[b"infopricing"] = json.dumps(meta, sort_keys=True).encode()
    table = table.replace_schema_metadata(md)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_path(path)
    try:
        with open(tmp, "wb") as fh:
            pq.write_table(table, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _run_chunk(task, payload, path: str, meta: dict, chunk: int) -> int:
    """Worker side: compute one chunk and write its file (side tables first). Returns
    the row count."""
    out = task(payload)
    df, sides = out if isinstance(out, tuple) else (out, {})
    path = Path(path)
    undeclared = sorted(set(sides) - set(_side_names(meta)))
    if undeclared:
        raise ValueError(f"the task returned side tables {undeclared} that run_chunked was not "
                         "given in side_tables")
    for name, side in sides.items():
        _write_parquet(side, _side_path(path.parent, name, chunk),
                       {**meta, "chunk": chunk, "table": name})
    df.insert(0, "chunk", np.full(len(df), chunk, dtype=np.int32))
    _write_parquet(df, path, {**meta, "chunk": chunk, "rows": len(df)})
    return len(df)


def _part_problem(path: Path, meta: dict, chunk: int, full: bool = False) -> str | None:
    """Why the chunk file ``path`` is not a complete file of this run's chunk ``chunk``
    (None when it is). Reads the footer (and every row when ``full``)."""
    import pyarrow.parquet as pq

    try:
        md = pq.read_metadata(path)
        rec = json.loads((md.metadata or {}).get(b"infopricing", b"null"))
    except Exception as exc:  # truncated, empty, not Parquet, unreadable
        return f"unreadable ({(str(exc).splitlines() or [type(exc).__name__])[0]})"
    if not isinstance(rec, dict):
        return "has no infopricing record in its metadata"
    if rec.get("input_hash") != meta["input_hash"]:
        return "was written for other inputs"
    if rec.get("chunk") != chunk:
        return f"holds chunk {rec.get('chunk')!r}, not chunk {chunk}"
    if "rows" in rec and rec["rows"] != md.num_rows:
        return f"has {md.num_rows} rows, its record says {rec['rows']}"
    ranges = meta.get("key_ranges")
    if ranges is not None and chunk < len(ranges):
        a, b = ranges[chunk]
        if md.num_rows != b - a:
            return f"has {md.num_rows} rows, chunk {chunk} has {b - a}"
    if full:
        try:
            table = pq.read_table(path)
        except Exception as exc:
            return f"unreadable ({(str(exc).splitlines() or [type(exc).__name__])[0]})"
        key = meta.get("key_column")
        if key and ranges is not None and chunk < len(ranges) and key in table.column_names:
            got = table.column(key).to_numpy()
            a, b = ranges[chunk]
            if not np.array_equal(got, np.arange(a, b)):
                return f"column {key!r} is not {a}..{b - 1} in order"
    return None


def _side_names(meta: dict) -> tuple[str, ...]:
    return tuple(meta.get("side_tables", ()))


def _chunk_problem(out: Path, meta: dict, i: int, full: bool = False) -> str | None:
    """Why chunk ``i`` must be (re)computed: None when its file and side tables are sound,
    ``"missing"`` when its file is absent, else the damage (naming the file)."""
    p = _part_path(out, i)
    if not p.exists():
        return "missing"
    why = _part_problem(p, meta, i, full)
    if why is not None:
        return f"{p.name} {why}"
    for name in _side_names(meta):
        sp_ = _side_path(out, name, i)
        if not sp_.exists():
            return f"_{name}/{sp_.name} missing"
        import pyarrow.parquet as pq

        try:
            rec = json.loads((pq.read_metadata(sp_).metadata or {}).get(b"infopricing", b"null"))
            if full:
                pq.read_table(sp_)
        except Exception as exc:
            return f"_{name}/{sp_.name} unreadable ({(str(exc).splitlines() or [type(exc).__name__])[0]})"
        if not isinstance(rec, dict) or rec.get("input_hash") != meta["input_hash"]:
            return f"_{name}/{sp_.name} was written for other inputs"
    return None


def _stray_files(out: Path, meta: dict) -> list[str]:
    """Files in ``out`` that are not this run's manifest, chunk files or side tables
    (temporary files of interrupted writes, other files), as paths relative to ``out``."""
    n = int(meta.get("n_chunks", 0))
    own = {MANIFEST} | {_part_name(i) for i in range(n)}
    stray = []
    if not out.is_dir():
        return stray
    for p in sorted(out.iterdir()):
        if p.name in own and p.is_file():
            continue
        if p.is_dir() and p.name[1:] in _side_names(meta) and p.name.startswith("_"):
            for q in sorted(p.iterdir()):
                if not (q.is_file() and q.name in own - {MANIFEST}):
                    stray.append(f"{p.name}/{q.name}")
            continue
        stray.append(p.name + ("/" if p.is_dir() else ""))
    return stray


def _remove_tmp_files(out: Path) -> list[str]:
    """Delete the temporary files interrupted writes left in ``out`` (and its side-table
    folders); returns their names."""
    removed = []
    if not out.is_dir():
        return removed
    dirs = [out] + [d for d in out.iterdir() if d.is_dir() and d.name.startswith("_")]
    for d in dirs:
        for p in d.iterdir():
            if p.is_file() and _TMP_NAME.match(p.name):
                try:
                    p.unlink()
                    removed.append(str(p.relative_to(out)))
                except FileNotFoundError:
                    pass
    return sorted(removed)


@dataclass(frozen=True, repr=False)
class ChunkedRun(Result):
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
    repaired : tuple of str        damaged files found and recomputed (``"part-00003.parquet
                                   unreadable (...)"``), and ``_manifest.json`` when it
                                   was unreadable and rewritten
    removed : tuple of str         temporary files of interrupted writes that were deleted

    References
    ----------
    No paper result: the library's resumable chunked runner.

    Examples
    --------
    Run twice into one directory: the second run finds every chunk complete and computes
    nothing (resumption):

    >>> import tempfile
    >>> import pandas as pd
    >>> import infopricing as ip
    >>> from distributed import LocalCluster
    >>> def squares(n):
    ...     return pd.DataFrame({"n": [n], "square": [n * n]})
    >>> cluster = LocalCluster(processes=False, n_workers=1, dashboard_address=None)
    >>> out, params = tempfile.mkdtemp(), {"input_hash": "squares-1-3"}
    >>> first = ip.run_chunked(squares, [1, 2, 3], out, params, scheduler=cluster.scheduler_address)
    >>> again = ip.run_chunked(squares, [1, 2, 3], out, params, scheduler=cluster.scheduler_address)
    >>> first.computed, again.computed, again.skipped
    ((0, 1, 2), (), (0, 1, 2))
    >>> cluster.close()
    >>> import shutil; shutil.rmtree(out)           # tidy up
    """

    out_dir: Path
    n_chunks: int
    computed: tuple[int, ...]
    skipped: tuple[int, ...]
    params: dict = field(repr=False)
    seconds: float = 0.0
    scheduler: str = ""
    repaired: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """JSON-ready summary (the CLI's ``--json``): where the chunks are, which were
        computed, skipped, repaired or removed, the scheduler and seconds."""
        return {"markets": self.params.get("n_markets"), "out_dir": str(self.out_dir),
                "chunks": self.n_chunks, "computed": list(self.computed),
                "skipped": list(self.skipped), "repaired": list(self.repaired),
                "removed": list(self.removed), "scheduler": self.scheduler,
                "seconds": self.seconds, "library_version": self.params.get("library_version")}

    def paths(self) -> list[Path]:
        return [_part_path(self.out_dir, i) for i in range(self.n_chunks)]

    def read(self):
        """All chunks as one pandas DataFrame (in chunk order); the same rows as
        ``pandas.read_parquet(out_dir)``."""
        import pandas as pd

        return pd.concat([pd.read_parquet(p) for p in self.paths()], ignore_index=True)

    def menus(self) -> dict:
        """The sweep's menus: ``{menu id: (allocation (n, k), payments (n,))}`` (see
        :func:`read_menus`)."""
        return read_menus(self.out_dir)

    def verify(self, *, exact: bool = False):
        """Check the directory as a reader will find it: every chunk file exists, reads
        completely, carries this run's input hash and chunk number and its row count (and,
        where the run has a key column such as ``market``, exactly its keys, so every
        market is there once); its side tables exist and read; no chunk reports a failed
        certificate (column ``verified`` where present); and no other file is in the
        directory (a stray file, such as a temporary file of an interrupted write, is
        reported: it may break ``pandas.read_parquet(out_dir)``)."""
        no_exact(self, exact)
        import pyarrow.parquet as pq

        from ..screening.mechanism import Verification

        failures = []
        man = self.out_dir / MANIFEST
        try:
            rec = json.loads(man.read_text())
            if not isinstance(rec, dict) or rec.get("input_hash") != self.params["input_hash"]:
                failures.append(f"{MANIFEST} does not describe this run")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            failures.append(f"{MANIFEST} unreadable ({exc})")
        for i in range(self.n_chunks):
            why = _chunk_problem(self.out_dir, self.params, i, full=True)
            if why == "missing":
                failures.append(f"chunk {i} missing ({_part_name(i)})")
                continue
            if why is not None:
                failures.append(f"chunk {i}: {why}")
                continue
            p = _part_path(self.out_dir, i)
            if "verified" in pq.read_schema(p).names:
                v = pq.read_table(p, columns=["verified"]).column("verified").to_numpy()
                if not v.all():
                    failures.append(f"chunk {i}: {int((~v).sum())} rows failed verification")
        stray = _stray_files(self.out_dir, self.params)
        if stray:
            failures.append(f"{len(stray)} stray file(s) in {self.out_dir}: " + ", ".join(stray[:10]))
        return Verification(ok=not failures, failures=tuple(failures[:20]))


def read_menus(out_dir) -> dict:
    """The menus a :func:`sweep_to_parquet` run saved beside its data (``_menus/``).

    Returns ``{menu id: (allocation, payments)}`` with ``allocation`` of shape (n, k)
    (row t: type t's probabilities of the alternatives) and ``payments`` of shape (n,)
    (net of costs, as :class:`~infopricing.screening.Mechanism`), types and alternatives
    in the order of the run's manifest (``types``, ``alternatives``). The ``mechanism``
    column of the data holds these ids; an id is a hash of the menu rounded to 1e-9
    (allocation) and 1e-9 of the value unit (payments), so it names the same menu in every
    chunk.
    """
    import pyarrow.parquet as pq

    out = Path(out_dir)
    rec = json.loads((out / MANIFEST).read_text())
    types, alts = rec["types"], rec["alternatives"]
    n, k = len(types), len(alts)
    menus = {}
    folder = out / "_menus"
    for p in sorted(folder.glob("part-*.parquet")):
        t = pq.read_table(p).to_pandas()
        X = t[[f"x_{a}_{b}" for a in range(n) for b in range(k)]].to_numpy().reshape(-1, n, k)
        P = t[[f"p_{a}" for a in range(n)]].to_numpy()
        for j, mid in enumerate(t["mechanism"]):
            menus.setdefault(str(mid), (X[j], P[j]))
    return menus


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
                connect_timeout: float = CONNECT_TIMEOUT, key_column: str | None = None,
                key_ranges=None, side_tables=()) -> ChunkedRun:
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
    key_column : str, optional
        A column numbering the rows (``market``); with ``key_ranges`` (one ``(start,
        stop)`` per payload) a chunk file is sound only with ``stop - start`` rows, and
        :meth:`ChunkedRun.verify` checks the column holds exactly ``start..stop-1``.
    side_tables : sequence of str
        Names of the side tables the task returns (``task`` then returns ``(frame,
        {name: frame})``); each is written to ``_<name>/part-NNNNN.parquet``.

    Returns
    -------
    ChunkedRun

    Raises
    ------
    ValueError
        ``out_dir`` holds a run with other inputs (the message names the recorded
        settings that differ), is a file or cannot be created, ``params`` lacks ``input_hash``, or
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

    Examples
    --------
    One chunk per payload, each written to its own Parquet file (an in-process Dask
    cluster here):

    >>> import tempfile
    >>> import pandas as pd
    >>> import infopricing as ip
    >>> from distributed import LocalCluster
    >>> def squares(n):
    ...     return pd.DataFrame({"n": [n], "square": [n * n]})
    >>> cluster = LocalCluster(processes=False, n_workers=1, dashboard_address=None)
    >>> out = tempfile.mkdtemp()
    >>> run = ip.run_chunked(squares, [1, 2, 3], out, {"input_hash": "squares-1-3"},
    ...                      scheduler=cluster.scheduler_address)
    >>> run.n_chunks, pd.read_parquet(out).square.tolist(), run.verify().ok
    (3, [1, 4, 9], True)
    >>> cluster.close()
    >>> import shutil; shutil.rmtree(out)           # tidy up
    """
    check_progress(progress)
    if "input_hash" not in params:
        raise ValueError("params must contain 'input_hash' (see input_hash())")
    _check_run_options(scheduler, n_workers, connect_timeout)
    require_scale_extra("a chunked run")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out_dir {str(out)!r} exists and is not a directory")
    meta = {**params, "library_version": _version(), "n_chunks": len(payloads)}
    if key_column is not None:
        if key_ranges is None or len(key_ranges) != len(payloads):
            raise ValueError("key_ranges must give one (start, stop) pair per payload")
        meta["key_column"] = str(key_column)
        meta["key_ranges"] = [[int(a), int(b)] for a, b in key_ranges]
    if side_tables:
        meta["side_tables"] = [str(x) for x in side_tables]
    man = out / MANIFEST
    repaired = []
    if man.exists():
        try:
            old = json.loads(man.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            # an interrupted write of an earlier version (this one replaces it atomically):
            # rewritten when the chunk files show the directory holds this run
            others = _foreign_parts(out, meta)
            if others:
                raise ValueError(f"out_dir {str(out)!r}: its {MANIFEST} cannot be read ({exc}) and "
                                 f"its chunk files belong to another run ({', '.join(others[:3])}); "
                                 "use another directory, or delete this one to recompute") from None
            old = None
            repaired.append(f"{MANIFEST} unreadable ({exc}); rewritten")
        if old is not None and (not isinstance(old, dict) or old.get("input_hash") != meta["input_hash"]
                                or old.get("n_chunks") != meta["n_chunks"]):
            raise ValueError(_mismatch_message(out, old if isinstance(old, dict) else {}, meta))
    removed = _remove_tmp_files(out)
    todo = []
    for i in range(len(payloads)):
        why = _chunk_problem(out, meta, i)
        if why is None:
            continue
        todo.append(i)
        if why != "missing":
            repaired.append(why)
    skipped = tuple(i for i in range(len(payloads)) if i not in set(todo))
    t0 = time.perf_counter()
    address = "none (nothing to compute)"
    failed = []
    # the directory first (a path that cannot be created is bad input, reported before a
    # cluster starts), then connect (or start the local cluster) before writing anything
    # in it: an unreachable scheduler leaves no manifest, and no directory it created
    created = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"out_dir {str(out)!r} cannot be created: {exc.strerror or exc}") from None
    try:
        client, cluster = _client(scheduler, n_workers, connect_timeout) if todo else (None, None)
    except BaseException:
        for p in created:  # innermost first; only directories this call made, still empty
            try:
                p.rmdir()
            except OSError:
                break
        raise
    try:
        if not man.exists() or any(r.startswith(MANIFEST) for r in repaired):
            _atomic_write_text(man, json.dumps(meta, indent=2, sort_keys=True, default=str))
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
        # a worker killed mid-write (Dask reran its task elsewhere) leaves its temporary file
        removed += _remove_tmp_files(out)
    if failed:
        raise RuntimeError(f"{len(failed)} chunk(s) failed (completed chunks are kept; run again "
                           f"to resume): " + "; ".join(f"chunk {i}: {e}" for i, e in failed[:5]))
    return ChunkedRun(out_dir=out, n_chunks=len(payloads), computed=tuple(todo), skipped=skipped,
                      params=meta, seconds=time.perf_counter() - t0, scheduler=address,
                      repaired=tuple(repaired), removed=tuple(removed))


def _foreign_parts(out: Path, meta: dict) -> list[str]:
    """Chunk files in ``out`` whose readable record names another run's input hash."""
    import pyarrow.parquet as pq

    others = []
    for p in sorted(out.glob("part-*.parquet")):
        try:
            rec = json.loads((pq.read_metadata(p).metadata or {}).get(b"infopricing", b"null"))
        except Exception:
            continue
        if isinstance(rec, dict) and rec.get("input_hash") != meta["input_hash"]:
            others.append(p.name)
    return others


#: the install command of the optional extra that chunked runs need
SCALE_INSTALL = "pip install 'infopricing[scale]'"


class MissingExtra(ModuleNotFoundError):
    """An optional dependency is not installed; the message gives the install command."""


def require_scale_extra(what: str) -> None:
    """Raise :class:`MissingExtra` naming the missing module and the install command when
    Dask (distributed), pandas or pyarrow is not installed."""
    import importlib.util

    missing = [m for m in ("distributed", "pandas", "pyarrow") if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingExtra(f"{what} needs {', '.join(missing)} (the optional 'scale' extra), which "
                           f"is not installed; install it with: {SCALE_INSTALL}", name=missing[0])


class _SweepTask:
    """Picklable sweep of one chunk of markets with a shared pilot basis store."""

    def __init__(self, env, store, selection, backend, dual_tol, menus: bool = False):
        self.env, self.store, self.selection = env, store, selection
        self.backend, self.dual_tol, self.menus = backend, dual_tol, menus

    def __call__(self, payload):
        from .sweep import sweep

        start, F = payload
        import pandas as pd

        from .. import tolerances as tol_
        from .sweep import menu_id

        res = sweep(self.env, F, selection=self.selection, backend=self.backend,
                    dual_tol=self.dual_tol, store=self.store)
        # ids that mean the same menu / basis in every chunk (the sweep's own indices are
        # local to this chunk)
        df = res.market_table(start)
        unit = tol_.value_scale(self.env.values)
        ids = np.array([menu_id(x, p, unit) for x, p in zip(res.allocations, res.payments)])
        ok = res.verify().ok
        df["verified"] = ok
        if not self.menus:
            return df
        used = np.unique(res.mechanism)
        first = {}
        for q in used:
            first.setdefault(ids[q], int(q))
        n, k = self.env.n_types, self.env.n_alternatives
        qs = list(first.values())
        menus = {"mechanism": list(first)}
        X = res.allocations[qs].reshape(len(qs), n * k)
        for c in range(n * k):
            menus[f"x_{c // k}_{c % k}"] = X[:, c]
        for t in range(n):
            menus[f"p_{t}"] = res.payments[qs, t]
        return df, {"menus": pd.DataFrame(menus)}


def sweep_to_parquet(env, markets, out_dir, selection: str = "efficient", chunk_size: int = 100_000,
                     scheduler: str | None = None, n_workers: int | None = None, pilot: int = 2000,
                     backend: str = "numpy", dual_tol: float = tol.DUAL, seed: int = 0,
                     progress=None, connect_timeout: float = CONNECT_TIMEOUT) -> ChunkedRun:
    """:func:`~infopricing.scale.sweep` of many markets, chunked on Dask, to Parquet.

    A pilot sweep of up to ``pilot`` random markets runs first on the client; its stored
    bases are shipped with every chunk, so workers mostly certify and rarely solve. Each
    chunk's rows (market index, masses, revenue, surpluses, efficiency, certificate kind
    and a ``verified`` flag from :meth:`SweepResult.verify`) go to one Parquet file.
    The ``mechanism`` column holds a content id of the market's menu
    (:func:`~infopricing.scale.sweep.menu_id`) and ``basis`` a hash of the certifying
    basis, the same in every chunk; the menus themselves (columns ``x_t_a``: type t's
    probability of alternative a, ``p_t``: type t's payment net of costs; types and
    alternatives in the manifest's order) are saved in ``_menus/`` beside the data and
    read by :func:`read_menus` / :meth:`ChunkedRun.menus`.

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

    Examples
    --------
    HS Section 3 at q = 0, 1/2, 1 (revenues 1, 1.25 and 2: price 1 for H, the paper's
    screening menu, price 2). Here on a Dask cluster inside this process; pass the address
    of a real cluster the same way, or nothing for local worker processes:

    >>> import tempfile
    >>> import numpy as np
    >>> import pandas as pd
    >>> import infopricing as ip
    >>> from distributed import LocalCluster
    >>> cluster = LocalCluster(processes=False, n_workers=1, dashboard_address=None)
    >>> out = tempfile.mkdtemp()
    >>> markets = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    >>> run = ip.sweep_to_parquet(ip.catalog.hs_section3(), markets, out,
    ...                           scheduler=cluster.scheduler_address, pilot=0)
    >>> pd.read_parquet(out).revenue.round(4).tolist(), run.verify().ok
    ([1.0, 1.25, 2.0], True)
    >>> cluster.close()
    >>> import shutil; shutil.rmtree(out)           # tidy up
    """
    check_progress(progress)
    from ..model import Environment
    from .sweep import BasisStore, _validate_markets, sweep

    require_scale_extra("sweep_to_parquet")
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
    task = _SweepTask(env, store, selection, backend, dual_tol, menus=True)
    return run_chunked(task, payloads, out_dir, params, scheduler=scheduler, n_workers=n_workers,
                       progress=progress, connect_timeout=connect_timeout, key_column="market",
                       key_ranges=[(a, a + P.shape[0]) for a, P in payloads],
                       side_tables=("menus",))
