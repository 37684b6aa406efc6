"""Conversion of results (numpy arrays and scalars, nested containers) to JSON-ready values."""

from __future__ import annotations

import numpy as np


def to_jsonable(obj, fallback=None):
    """Recursively turn numpy arrays/scalars into lists/Python scalars and tuples into lists.

    Leaves that are not JSON types are returned unchanged, or passed through ``fallback``
    (e.g. ``str``) when one is given."""
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist(), fallback)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (np.floating, np.integer)):
        return obj.item()
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v, fallback) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v, fallback) for v in obj]
    if fallback is None or obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    return fallback(obj)
