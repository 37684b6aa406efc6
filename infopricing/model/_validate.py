"""Boundary validation helpers shared by the model objects (private)."""

from __future__ import annotations

import numpy as np

from .. import tolerances as tol

#: How to rescale probabilities that do not sum to one, in both places a user can be.
#: The model-file parsers (:mod:`infopricing.io` and the areas' ``files`` modules) replace
#: this text with the exact table to edit.
NORMALIZE_HINT = "pass normalize=True (Python) or set normalize = true (model file) to rescale"
#: The advice where the function at hand has no ``normalize`` argument.
RESCALE_HINT = "rescale them to sum to 1"


def real_array(x, name: str, ndim: int | None = None) -> np.ndarray:
    """Convert to a float array, rejecting non-numeric input, NaN and inf."""
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be numeric, got a string")
    try:
        a = np.array(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array: {exc}") from None
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {a.shape}")
    if a.size and not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must contain finite numbers (no NaN or inf)")
    return a


def probability_vector(p, name: str, size: int | None = None, normalize: bool | None = None,
                       atol: float = tol.PROB_SUM) -> np.ndarray:
    """Validate a probability vector: finite, non-negative, sums to one (or rescale).

    ``normalize`` is the caller's own ``normalize`` argument: pass it (``True`` or
    ``False``) only from a function that has one, so that the error for a vector not
    summing to one advises ``normalize=True`` exactly where that argument exists; the
    default ``None`` (no such argument) does not rescale and advises fixing the numbers."""
    a = real_array(p, name, ndim=1)
    if size is not None and a.size != size:
        raise ValueError(f"{name} must have {size} entries, got {a.size}")
    if a.size == 0:
        raise ValueError(f"{name} must not be empty")
    if np.any(a < 0):
        raise ValueError(f"{name} must be non-negative; smallest entry is {float(a.min()):g}")
    s = a.sum()
    if normalize:
        if s <= 0:
            raise ValueError(f"{name} has zero total mass and cannot be normalised")
        a = a / s
    elif abs(s - 1.0) > atol:
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


def frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float, copy=True)
    a.setflags(write=False)
    return a
