"""Boundary validation helpers shared by the model objects and every public function
(private). Wrong type -> ``TypeError``, wrong value -> ``ValueError``; each message names
the argument and the valid range, as the model files' parser does."""

from __future__ import annotations

import math
import numbers

import numpy as np

from .. import tolerances as tol

#: Largest magnitude accepted for values, costs and utilities. The computations add
#: and multiply them (sums over types, differences of values, products with masses), so
#: finite numbers near the float limit (1.8e308) would overflow to inf midway; 2**500
#: (about 3.3e150) leaves room for squares and sums of many terms.
MAX_ABS = 2.0 ** 500

#: Memory a computation may plan to allocate before it is refused (bytes); the
#: estimate is compared with this and with the machine's physical memory.
MEMORY_LIMIT = 8 * 2 ** 30


def _pandas_labels(x):
    """(row labels, column labels) of a pandas Series/DataFrame (None for a default
    0..n-1 range index), or None when ``x`` is not a pandas object."""
    mod = type(x).__module__
    if not mod.startswith("pandas"):
        return None

    def lab(index):
        try:
            import pandas as pd

            if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
                return None
        except ImportError:  # pragma: no cover
            pass
        return [str(v) for v in index]

    if hasattr(x, "columns"):
        return lab(x.index), lab(x.columns)
    if hasattr(x, "index"):
        return lab(x.index), None
    return None


def align_labels(x, name: str, rows=None, columns=None):
    """A pandas Series/DataFrame reordered by its labels to ``rows`` (index) and
    ``columns`` (e.g. an environment's types and alternatives); other input unchanged.

    Labels that are the default 0..n-1 range are positions. Labels that do not name each
    of ``rows`` / ``columns`` once are refused (``ValueError`` naming the missing and
    unknown ones), as are labels where the callee has none to match (``rows=None``):
    a labelled Series would otherwise be read in its stored order, silently misaligned.
    """
    got = _pandas_labels(x)
    if got is None:
        return x
    r_lab, c_lab = got
    for axis, have, want in (("index", r_lab, rows), ("columns", c_lab, columns)):
        if have is None:
            continue
        if want is None:
            raise TypeError(f"{name}: a pandas object with labels on its {axis} "
                            f"({', '.join(have[:5])}{', ...' if len(have) > 5 else ''}) cannot "
                            "be matched here; pass .to_numpy() to use the stored order")
        want = [str(w) for w in want]
        if sorted(have) != sorted(want) or len(set(have)) != len(have):
            unknown = [h for h in have if h not in want]
            missing = [w for w in want if w not in have]
            raise ValueError(f"{name}: the labels of its {axis} must name each of "
                             f"{want} once; unknown {unknown}, missing {missing}")
    if c_lab is not None:
        x = x[[x.columns[c_lab.index(str(w))] for w in columns]]
    if r_lab is not None:
        x = x.iloc[[r_lab.index(str(w)) for w in rows]]
    return x.to_numpy()


def _ragged_row(x):
    """``(row, its length, row 0's length)`` of the first row of a nested sequence whose
    length differs from row 0's, else None."""
    if not isinstance(x, (list, tuple)) or not x or not all(isinstance(r, (list, tuple, np.ndarray)) for r in x):
        return None
    want = len(x[0])
    for i, r in enumerate(x):
        if len(r) != want:
            return i, len(r), want
    return None


def real_array(x, name: str, ndim: int | None = None, max_abs: float | None = MAX_ABS) -> np.ndarray:
    """Convert to a float array, rejecting non-numeric input, NaN, inf, magnitudes above
    ``max_abs`` (:data:`MAX_ABS`; None: any finite number) and labelled pandas objects
    (align them first with :func:`align_labels`)."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be numeric, got a string")
    if x is None:       # np.array(None, dtype=float) is NaN: the error would say "NaN"
        raise TypeError(f"{name} must be a numeric array, got None")
    x = align_labels(x, name)
    try:
        a = np.array(x, dtype=float)
    except OverflowError:
        raise ValueError(f"{name} must contain finite numbers of magnitude at most "
                         f"{MAX_ABS:.3g}; an entry is too large for a float") from None
    except (TypeError, ValueError) as exc:
        ragged = _ragged_row(x)
        if ragged is not None:
            i, got, want = ragged
            raise ValueError(f"{name} must be a rectangular array: row {i} has {got} entries, "
                             f"row 0 has {want}") from None
        raise TypeError(f"{name} must be a numeric array: {exc}") from None
    except RecursionError:
        raise ValueError(f"{name} is nested too deeply to be an array") from None
    if _holds_text(x):  # np.array(["0.5"], dtype=float) parses text: refuse it
        raise TypeError(f"{name} must be numeric, got text (strings such as '0.5'); "
                        "convert it to numbers first")
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {a.shape}")
    if a.size and not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must contain finite numbers (no NaN or inf)")
    if max_abs is not None and a.size and float(np.max(np.abs(a))) > max_abs:
        raise ValueError(f"{name} must contain numbers of magnitude at most {max_abs:.3g} "
                         f"(larger ones overflow in the computation); largest is "
                         f"{float(np.max(np.abs(a))):.3g}: rescale the units")
    return a

def _holds_text(x) -> bool:
    """Whether array-like ``x`` (already known to convert to floats) has string entries."""
    if isinstance(x, np.ndarray):
        kind = x.dtype.kind
    elif isinstance(x, (list, tuple)):
        kind = np.asarray(x).dtype.kind
    else:
        return False
    if kind in "USa":
        return True
    if kind == "O":
        a = np.asarray(x, dtype=object).ravel()
        return any(isinstance(v, (str, bytes)) for v in a.tolist())
    return False


#: How to rescale probabilities that do not sum to one, in both places a user can be.
#: The model-file parsers (:mod:`infopricing.io` and the areas' ``files`` modules) replace
#: this text with the exact table to edit.
NORMALIZE_HINT = "pass normalize=True (Python) or set normalize = true (model file) to rescale"
#: The advice where the function at hand has no ``normalize`` argument.
RESCALE_HINT = "rescale them to sum to 1"


def probability_vector(p, name: str, size: int | None = None, normalize: bool | None = None,
                       atol: float = tol.PROB_SUM, labels=None) -> np.ndarray:
    """Validate a probability vector: finite, non-negative, sums to one (or rescale).

    ``normalize`` is the caller's own ``normalize`` argument: pass it (``True`` or
    ``False``; a string such as ``"no"`` is refused) only from a function that has one, so
    that the error for a vector not summing to one advises ``normalize=True`` exactly
    where that argument exists; the default ``None`` (no such argument) does not rescale
    and advises fixing the numbers. Rescaling divides by the largest mass first, so masses
    near the float limit do not overflow. A labelled pandas Series is matched to
    ``labels`` (e.g. the environment's types)."""
    if normalize is not None:
        check_flag(normalize, "normalize")
    check_tolerance(atol, "atol")
    p = align_labels(p, name, rows=labels)
    a = real_array(p, name, ndim=1, max_abs=None if normalize else MAX_ABS)
    if size is not None and a.size != size:
        raise ValueError(f"{name} must have {size} entries, got {a.size}")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any(a < 0):
        raise ValueError(f"{name} must be non-negative; smallest entry is {float(a.min()):g}")
    if normalize:
        top = float(a.max())
        if top <= 0:
            raise ValueError(f"{name} has zero total mass and cannot be normalised")
        a = a / top          # in [0, 1]: the sum cannot overflow
        a = a / a.sum()
    elif abs((s := a.sum()) - 1.0) > atol:
        raise ValueError(f"{name} must sum to 1 (within {atol:g}), sums to {float(s):.12g}; "
                         + (NORMALIZE_HINT if normalize is not None else RESCALE_HINT))
    a = a.copy()
    a.setflags(write=False)
    return a


def labels(given, n: int, prefix: str, name: str) -> tuple[str, ...]:
    if given is None:
        return tuple(f"{prefix}{i + 1}" for i in range(n))
    if isinstance(given, str):
        raise TypeError(f"{name} must be a sequence of labels, not a single string")
    out = tuple(str(g) for g in given)
    if len(out) != n:
        raise ValueError(f"{name} must have {n} labels, got {len(out)}")
    if len(set(out)) != len(out):
        dup = sorted({x for x in out if out.count(x) > 1})
        raise ValueError(f"{name} contains duplicate labels: {dup}")
    return out


def stored(attr: str, doc: str | None = None) -> property:
    """A read-only property returning the model's validated, frozen ``attr``."""
    return property(lambda self: getattr(self, attr), doc=doc)


def shape_of(attr: str, axis: int, doc: str | None = None) -> property:
    """A read-only property: the length of ``attr`` along ``axis`` (a count, an int)."""
    return property(lambda self: int(getattr(self, attr).shape[axis]), doc=doc)


def frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float, copy=True)
    a.setflags(write=False)
    return a


def check_real(x, name: str) -> float:
    """A finite real number (not a boolean or string) of magnitude at most MAX_ABS."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number, got {x!r}")
    v = float(x)
    if not math.isfinite(v) or abs(v) > MAX_ABS:
        raise ValueError(f"{name} must be a finite number of magnitude at most {MAX_ABS:.3g}, got {x!r}")
    return v


def check_flag(x, name: str) -> bool:
    """A boolean option: ``True``/``False`` (numpy booleans too), nothing truthy."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    raise TypeError(f"{name} must be True or False, got {x!r}")


def check_tolerance(x, name: str, positive: bool = False) -> float:
    """A tolerance: a real number (not a boolean or string), finite, >= 0 (> 0 when
    ``positive``)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number, got {x!r}")
    v = float(x)
    if not math.isfinite(v) or v < 0 or (positive and v == 0):
        raise ValueError(f"{name} must be a finite number {'>' if positive else '>='} 0, got {x!r}")
    return v


def check_count(x, name: str, least: int = 1, allow_none: bool = False):
    """An integer count (not a boolean or float) of at least ``least``."""
    if x is None and allow_none:
        return None
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{name} must be an integer >= {least}, got {x!r}")
    if x < least:
        raise ValueError(f"{name} must be an integer >= {least}, got {x!r}")
    return int(x)


def check_choice(x, name: str, choices) -> str:
    """One of a fixed set of names (``method=``, ``selection=``); nothing falls back."""
    choices = tuple(choices)
    if not isinstance(x, str) or x not in choices:
        raise ValueError(f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {x!r}")
    return x


def physical_memory() -> int | None:
    """Bytes of physical memory of this machine (None when unknown)."""
    try:
        import os

        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(n_bytes: float, what: str, name: str) -> None:
    """Refuse, before allocating, a computation whose estimated memory exceeds
    :data:`MEMORY_LIMIT` or half the machine's memory; the message gives the estimate."""
    limit = float(MEMORY_LIMIT)
    phys = physical_memory()
    if phys:
        limit = min(limit, phys / 2)
    if n_bytes > limit:
        raise ValueError(f"{name}: {what} needs about {_human(n_bytes)} of memory, more than "
                         f"the {_human(limit)} allowed; use a smaller size (or split the run)")


def _human(b: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if b < 1024 or unit == "PiB":
            return f"{b:.3g} {unit}"
        b /= 1024
    return f"{b:.3g} EiB"  # pragma: no cover
