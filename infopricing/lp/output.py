"""Solver output: silent by default, solver logs on request.

Every solver behind :mod:`infopricing.lp` is kept silent on standard output and standard
error, at the level of the file descriptors (C and C++ libraries write there directly,
not through Python's ``sys.stdout``), unless solver logs are asked for:

* per call, with ``verbose=True`` on :class:`~infopricing.lp.LinearProgram`,
  :func:`~infopricing.lp.solve_lp` or :func:`~infopricing.lp.bilinear.solve_bilinear`;
* for a block of code, with ``with solver_logs(): ...`` (every solve inside it, in this
  process, logs);
* in the command line, with ``infopricing --verbose COMMAND ...`` (or the environment
  variable ``INFOPRICING_SOLVER_LOGS=1``).

Logs go to standard error (HiGHS's through its logging callback, written to
``sys.stderr``), so a command's ``--json`` output on standard output stays parseable
even with logs on.

Why file descriptors: highspy 1.16 prints a "Running HiGHS ..." banner on descriptor 1
when the first ``Highs`` object of a process is constructed, before any option can be
set; SCIP's LP solver (SoPlex) writes warnings to the C++ streams. Worker processes
(Dask) do not inherit :func:`solver_logs`; they stay silent.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from contextlib import contextmanager

_verbose_default = False
_lock = threading.RLock()


def solver_logs_enabled(verbose: bool | None = None) -> bool:
    """Whether a solve should log: ``verbose`` when given, else the process default."""
    if verbose is None:
        return _verbose_default
    if not isinstance(verbose, bool):
        raise TypeError(f"verbose must be True, False or None, got {verbose!r}")
    return verbose


def set_solver_logs(enabled: bool) -> None:
    """Set the process default for solver logs (``False`` unless changed)."""
    global _verbose_default
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be True or False, got {enabled!r}")
    _verbose_default = enabled


@contextmanager
def solver_logs(enabled: bool = True):
    """Within the block, solves without an explicit ``verbose=`` log (or not) as asked."""
    global _verbose_default
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be True or False, got {enabled!r}")
    before = _verbose_default
    _verbose_default = enabled
    try:
        yield
    finally:
        _verbose_default = before


def _flush_c_stdio() -> None:
    """Flush the C library's stdio buffers (output a native library left buffered)."""
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # pragma: no cover - no libc handle
        pass


class SilencedOutput:
    """Handle yielded by :func:`silence_native_output`: ``visible()`` restores the real
    descriptors for the duration of a ``with`` block (a progress callback that writes to
    the terminal while a native solver runs silenced)."""

    def __init__(self, saved, devnull):
        self._saved, self._devnull = saved, devnull

    @contextmanager
    def visible(self):
        if not self._saved or self._devnull is None:
            yield
            return
        _flush_c_stdio()
        for fd, dup in self._saved:
            os.dup2(dup, fd)
        try:
            yield
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (AttributeError, OSError, ValueError):
                    pass
            for fd, _ in self._saved:
                os.dup2(self._devnull, fd)


@contextmanager
def silence_native_output():
    """Send file descriptors 1 and 2 to /dev/null for the duration of the block; yields a
    :class:`SilencedOutput` (whose ``visible()`` lets a progress callback through).

    Python-level streams are flushed first, and buffered C output is flushed into
    /dev/null before the descriptors are restored. A descriptor that cannot be duplicated
    is left alone. Output written by other threads meanwhile is lost too, so blocks are
    kept short (one native call) and serialised."""
    with _lock:
        saved = []
        try:
            for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
                try:
                    stream.flush()
                except (AttributeError, OSError, ValueError):
                    pass
                try:
                    saved.append((fd, os.dup(fd)))
                except OSError:
                    continue
            devnull = os.open(os.devnull, os.O_WRONLY)
        except OSError:  # pragma: no cover - no /dev/null
            for _, dup in saved:
                os.close(dup)
            yield SilencedOutput([], None)
            return
        try:
            for fd, _ in saved:
                os.dup2(devnull, fd)
            yield SilencedOutput(saved, devnull)
        finally:
            _flush_c_stdio()
            for fd, dup in saved:
                os.dup2(dup, fd)
                os.close(dup)
            os.close(devnull)


@contextmanager
def native_stdout_to_stderr():
    """Point file descriptor 1 at descriptor 2 for the block: a native solver's log
    (SCIP writes to stdout) then goes to standard error, and a command's JSON on standard
    output stays parseable with logs on."""
    with _lock:
        try:
            sys.stdout.flush()
        except (AttributeError, OSError, ValueError):
            pass
        try:
            saved = os.dup(1)
        except OSError:
            yield
            return
        try:
            os.dup2(2, 1)
            yield
        finally:
            _flush_c_stdio()
            os.dup2(saved, 1)
            os.close(saved)


_highs_constructed = False


def new_highs(verbose: bool | None = None):
    """A ``highspy.Highs`` object, silent unless ``verbose`` (or the process default).

    The first one of the process is constructed with descriptors 1 and 2 silenced
    (highspy prints its banner then, whatever the options); when logging, HiGHS's log
    lines are routed through its logging callback to ``sys.stderr``."""
    global _highs_constructed
    import highspy

    if _highs_constructed:
        h = highspy.Highs()
    else:
        with silence_native_output():
            h = highspy.Highs()
        _highs_constructed = True
    h.setOptionValue("output_flag", False)
    if solver_logs_enabled(verbose):
        h.setOptionValue("output_flag", True)
        cb = getattr(h, "cbLogging", None)
        if cb is not None:  # highspy without it logs to the console (stdout)
            h.setOptionValue("log_to_console", False)
            cb.subscribe(_log_to_stderr)
    return h


def _log_to_stderr(event) -> None:
    msg = event.message
    sys.stderr.write(msg if msg.endswith("\n") else msg + "\n")
