"""Data the LP solver can represent: merging near-ties before an LP is built.

The LP builders put *differences* of data into the constraint matrix (the menu LP's IC
rows carry ``v[t] - v[s]``, the persuasion LP's obedience rows ``uR[w, a] - uR[w, b]``).
HiGHS drops a matrix entry of magnitude at most its ``small_matrix_value`` (at least
1e-12; :mod:`.highs` refuses such entries instead), and dropping only some of the
differences of a group of nearly equal numbers leaves an LP that belongs to no value
matrix at all (menus 17% below the optimum were reported optimal). So numbers closer
than :data:`~infopricing.tolerances.NEAR_TIE` (relative to the data's scale) are merged
*consistently* before building: along the chosen axis each cluster of nearly equal
numbers is replaced by one representative, so every difference the LP sees is either
exactly zero or safely above what the solver resolves. The perturbation is at most the
cluster's spread, reported so that callers can state it and refuse when it is too big.
"""

from __future__ import annotations

import numpy as np

from .. import tolerances as tol


def merge_near_ties(values, axis: int = 0, scale: float | None = None,
                    near_tie: float = tol.NEAR_TIE, rule: str = "min"):
    """Merge numbers that differ by at most ``near_tie * scale`` along ``axis``.

    Parameters
    ----------
    values : array_like, 1-D or 2-D
    axis : int
        Numbers are compared along this axis: for the menu LP's (types x alternatives)
        matrix ``axis=0`` compares the types' values of one alternative.
    scale : float, optional
        The unit of ``near_tie``; default the largest absolute entry (1 if all are 0).
    near_tie : float
        Single-linkage threshold: sorted neighbours at most this far apart (in units of
        ``scale``) are one cluster.
    rule : {"min", "max"}
        Each cluster's representative: its smallest (default) or largest member.

    Returns
    -------
    (merged, spread) : (ndarray, float)
        ``merged`` has the shape of ``values`` (the input itself, not a copy, when
        nothing was merged); ``spread`` is the largest change of any entry
        (``|merged - values|`` max, 0.0 when nothing was merged).
    """
    if rule not in ("min", "max"):
        raise ValueError(f"rule must be 'min' or 'max', got {rule!r}")
    v = np.asarray(values, dtype=float)
    if v.ndim not in (1, 2):
        raise ValueError(f"values must be 1-D or 2-D, got {v.ndim} dimensions")
    if v.size == 0:
        return v, 0.0
    if scale is None:
        scale = float(np.max(np.abs(v)))
        scale = scale if scale > 0 and np.isfinite(scale) else 1.0
    gap = near_tie * scale
    w = v if v.ndim == 2 else v[:, None]
    w = np.moveaxis(w, axis if v.ndim == 2 else 0, 0)  # compare along the first axis
    out = w.copy()
    changed = False
    for j in range(w.shape[1]):
        col = w[:, j]
        order = np.argsort(col, kind="stable")
        s = col[order]
        d = np.diff(s)
        close = (d > 0) & (d <= gap)
        if not close.any():
            continue
        changed = True
        # cluster id of each sorted entry: a new cluster starts where the gap is wide
        cid = np.concatenate([[0], np.cumsum(~((d <= gap)))])
        rep = np.empty_like(s)
        for c in np.unique(cid):
            idx = np.flatnonzero(cid == c)
            rep[idx] = s[idx[0]] if rule == "min" else s[idx[-1]]
        out[order, j] = rep
    if not changed:
        return v, 0.0
    out = np.moveaxis(out, 0, axis if v.ndim == 2 else 0)
    if v.ndim == 1:
        out = out[:, 0]
    return out, float(np.max(np.abs(out - v)))
