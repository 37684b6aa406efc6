"""The IC-IR lottery-menu LP of HS section 4, built vectorised and sparse.

Variables (utility formulation): ``x[t, a]`` (probability that type t gets alternative a;
column ``t*k + a``) and ``u[t]`` (type t's surplus; column ``n*k + t``). The payment is
``p[t] = v[t] @ x[t] - u[t]``. Constraints:

* feasibility rows ``sum_a x[t, a] <= 1`` (rows ``0..n-1``; the remainder is the outside option),
* IC rows ``u[t] - u[s] - (v[t] - v[s]) @ x[s] >= 0`` for every ordered pair t != s
  (k + 2 non-zeros per row; rows ``n..n + n(n-1) - 1`` in the order of :func:`ic_pairs`),
* IR as the column bound ``u[t] >= 0``; ``x >= 0``.

Revenue ``sum_t f[t] p[t]`` is linear in (x, u); the market enters only the objective, so
one LP structure serves every market of an environment.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)


def ic_pairs(n: int, pairs=None) -> tuple[np.ndarray, np.ndarray]:
    """(T, S) arrays of ordered pairs t != s (row-major), or the given subset."""
    if pairs is not None:
        T, S = pairs
        return np.asarray(T, dtype=np.int64), np.asarray(S, dtype=np.int64)
    T, S = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    mask = T != S
    return T[mask], S[mask]


def ic_rows(values: np.ndarray, T: np.ndarray, S: np.ndarray) -> sp.csr_matrix:
    """Sparse IC rows ``u[T] - u[S] - (v[T] - v[S]) @ x[S] >= 0`` (one row per pair)."""
    n, k = values.shape
    P = T.size
    N = n * k + n
    r = np.arange(P)
    diff = values[T] - values[S]  # (P, k)
    rows = np.concatenate([r, r, np.repeat(r, k)])
    cols = np.concatenate([n * k + T, n * k + S, (S[:, None] * k + np.arange(k)[None, :]).ravel()])
    data = np.concatenate([np.ones(P), -np.ones(P), -diff.ravel()])
    keep = data != 0
    return sp.csr_matrix((data[keep], (rows[keep], cols[keep])), shape=(P, N))


def feasibility_rows(n: int, k: int) -> sp.csr_matrix:
    N = n * k + n
    rows = np.repeat(np.arange(n), k)
    cols = np.arange(n * k)
    return sp.csr_matrix((np.ones(n * k), (rows, cols)), shape=(n, N))


def build_menu_lp(values: np.ndarray, pairs=None):
    """Constraint data of the menu LP: (A, row_lower, row_upper, col_lower, col_upper).

    The one builder of every path: ``pairs`` is the row strategy, ``None`` for all
    ``n(n-1)`` IC rows (the full LP, :func:`.optimal.optimal_mechanism`), or the ``(T, S)``
    pairs a lazy solve starts from (:func:`.lazy_menu.solve_menu_lazy` adds rows later with
    :func:`ic_rows`). Rows: n feasibility rows ``sum_a x[t, a] <= 1``, then one IC row per
    pair; columns ``(x, u)``, all non-negative."""
    n, k = values.shape
    T, S = ic_pairs(n, pairs)
    A = sp.vstack([feasibility_rows(n, k), ic_rows(values, T, S)], format="csc")
    row_lower = np.concatenate([np.full(n, -np.inf), np.zeros(T.size)])
    row_upper = np.concatenate([np.ones(n), np.full(T.size, np.inf)])
    col_lower = np.zeros(n * k + n)
    col_upper = np.full(n * k + n, np.inf)
    return A, row_lower, row_upper, col_lower, col_upper


def revenue_objective(values: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Objective vector of expected revenue ``sum_t f[t] (v[t] @ x[t] - u[t])``."""
    f = np.asarray(probabilities, dtype=float)
    return np.concatenate([(f[:, None] * values).ravel(), -f])


def exact_matrix(values: np.ndarray, pairs=None, V=None) -> dict:
    """The LP matrix in exact arithmetic: ``V`` (rows of Fraction) are the exact values,
    by default ``values`` read by :func:`infopricing.exact_numbers.exact_values`."""
    n, k = values.shape
    if V is None:
        from ..exact_numbers import exact_values

        V = exact_values(values)
    T, S = ic_pairs(n, pairs)
    A = {}
    for t in range(n):
        for a in range(k):
            A[(t, t * k + a)] = Fraction(1)
    for r, (t, s) in enumerate(zip(T.tolist(), S.tolist())):
        i = n + r
        A[(i, n * k + t)] = Fraction(1)
        A[(i, n * k + s)] = Fraction(-1)
        for a in range(k):
            d = V[t][a] - V[s][a]
            if d != 0:
                A[(i, s * k + a)] = -d
    return A
