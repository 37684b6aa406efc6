"""Exact rational re-solution of an LP vertex from a simplex basis.

A floating simplex answer is turned into an exact one by taking its basis at face value:
non-basic columns sit at their bounds, non-basic rows at their active bounds, and the
basic columns solve a square linear system, solved here in ``fractions.Fraction``
arithmetic (python-flint's ``fmpq_mat`` is used instead when it is installed). The
floating data themselves are exact binary rationals, so the answer is the exact vertex of
the LP *as given*; whether it is feasible is then checked exactly by the caller.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

BASIC, AT_LOWER, AT_UPPER, ZERO, NONBASIC = 0, 1, 2, 3, 4


def _frac(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    return Fraction(float(x))


def solve_exact_square(M, b):
    """Solve ``M y = b`` exactly; M a list of rows of Fractions (square, non-singular).

    Returns a list of Fractions, or raises ``ZeroDivisionError``-free ``ValueError`` when M
    is singular.
    """
    n = len(M)
    try:  # fast path
        import flint  # type: ignore

        fm = flint.fmpq_mat(n, n, [flint.fmpq(v.numerator, v.denominator) for row in M for v in row])
        fb = flint.fmpq_mat(n, 1, [flint.fmpq(v.numerator, v.denominator) for v in b])
        sol = fm.solve(fb)
        return [Fraction(int(sol[i, 0].p), int(sol[i, 0].q)) for i in range(n)]
    except ImportError:
        pass
    except ZeroDivisionError as exc:  # pragma: no cover - flint singular
        raise ValueError("singular basis matrix") from exc
    # sparse-aware Gauss-Jordan on dict rows
    rows = [{j: v for j, v in enumerate(r) if v != 0} for r in M]
    rhs = [ _frac(v) for v in b]
    where = [-1] * n
    used = [False] * n
    for col in range(n):
        piv = None
        best = None
        for i in range(n):
            if not used[i] and col in rows[i]:
                ln = len(rows[i])
                if best is None or ln < best:
                    piv, best = i, ln
        if piv is None:
            raise ValueError("singular basis matrix")
        used[piv] = True
        where[col] = piv
        prow = rows[piv]
        pv = prow[col]
        inv = 1 / pv
        for j in list(prow):
            prow[j] = prow[j] * inv
        rhs[piv] *= inv
        for i in range(n):
            if i != piv and col in rows[i]:
                f = rows[i][col]
                ri = rows[i]
                for j, v in prow.items():
                    nv = ri.get(j, 0) - f * v
                    if nv == 0:
                        ri.pop(j, None)
                    else:
                        ri[j] = nv
                rhs[i] -= f * rhs[piv]
    return [rhs[where[c]] for c in range(n)]


def exact_basic_solution(A, col_lower, col_upper, row_lower, row_upper, col_basis, row_basis,
                         A_exact=None):
    """Exact vertex of ``row_lower <= A x <= row_upper, col_lower <= x <= col_upper``.

    Parameters
    ----------
    A : sparse (m, n) float matrix (its entries are read as exact rationals) — or pass
        ``A_exact``, a dict {(i, j): Fraction}, to use exact data that floats only
        approximate.
    col_lower, col_upper, row_lower, row_upper : arrays (may hold +-inf)
    col_basis, row_basis : int arrays of basis codes (see :mod:`infopricing.lp.highs`)

    Returns
    -------
    list of Fraction, length n
    """
    A = sp.csr_matrix(A)
    m, n = A.shape
    col_basis = np.asarray(col_basis)
    row_basis = np.asarray(row_basis)
    xN = [Fraction(0)] * n
    basic_cols = [j for j in range(n) if col_basis[j] == BASIC]
    for j in range(n):
        s = col_basis[j]
        if s == BASIC:
            continue
        if s == AT_UPPER:
            xN[j] = _frac(col_upper[j])
        elif s == AT_LOWER:
            xN[j] = _frac(col_lower[j])
        elif np.isfinite(col_lower[j]):
            xN[j] = _frac(col_lower[j])
        elif np.isfinite(col_upper[j]):
            xN[j] = _frac(col_upper[j])
        else:
            xN[j] = Fraction(0)
    tight_rows = [i for i in range(m) if row_basis[i] != BASIC]
    if len(tight_rows) != len(basic_cols):
        raise ValueError("basis is not square: "
                         f"{len(tight_rows)} non-basic rows vs {len(basic_cols)} basic columns")
    if A_exact is None:
        A_exact = {}
        Acoo = A.tocoo()
        for i, j, v in zip(Acoo.row, Acoo.col, Acoo.data):
            A_exact[(int(i), int(j))] = Fraction(float(v))
    by_row: dict[int, list[tuple[int, Fraction]]] = {}
    for (i, j), v in A_exact.items():
        by_row.setdefault(i, []).append((j, v))
    pos = {j: t for t, j in enumerate(basic_cols)}
    M = []
    b = []
    for i in tight_rows:
        s = row_basis[i]
        if s == AT_UPPER:
            target = _frac(row_upper[i])
        elif s == AT_LOWER:
            target = _frac(row_lower[i])
        else:
            target = _frac(row_lower[i]) if np.isfinite(row_lower[i]) else _frac(row_upper[i])
        row = [Fraction(0)] * len(basic_cols)
        for j, v in by_row.get(i, []):
            if j in pos:
                row[pos[j]] += v
            else:
                target -= v * xN[j]
        M.append(row)
        b.append(target)
    xB = solve_exact_square(M, b) if basic_cols else []
    x = list(xN)
    for j, val in zip(basic_cols, xB):
        x[j] = val
    return x
