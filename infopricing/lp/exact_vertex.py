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

from .basis import AT_LOWER, AT_UPPER, BASIC, NONBASIC, ZERO  # noqa: F401 (re-exported)


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


def _nonbasic_value(code, lo, hi):
    """Where a non-basic column or row sits (as :func:`exact_basic_solution` reads codes)."""
    if code == AT_UPPER and hi is not None:
        return hi
    if code == AT_LOWER and lo is not None:
        return lo
    if lo is not None:
        return lo
    if hi is not None:
        return hi
    return Fraction(0)


def _bound_list(a):
    """Bounds as Fractions, None where infinite (floats read exactly; rationals kept)."""
    out = []
    for v in list(a):
        if v is None or (isinstance(v, (float, np.floating)) and not np.isfinite(v)):
            out.append(None)
        else:
            out.append(_frac(v))
    return out


def exact_feasible_basis(A_exact: dict, shape, col_lower, col_upper, row_lower, row_upper,
                         col_basis, row_basis, max_pivots: int = 200):
    """An exactly primal-feasible basis near a given one (exact phase-1 simplex).

    A degenerate vertex found in floating point can have a basis that, re-solved on the
    exact data (which the floats only approximate: values read as typed, a rescaling by a
    non-power of two), is infeasible by rounding (1e-30). Starting from that basis, bounded
    variable phase-1 pivots in rational arithmetic minimise the sum of the bound violations
    of the basic variables (columns and row activities): the entering variable is the
    lowest-index one whose move lowers it (Bland's rule), the step stops at the first
    breakpoint (a feasible basic variable reaching a bound, an infeasible one reaching the
    bound it violates, or the entering variable's other bound), so the violation never
    rises; degenerate pivots at the vertex cost nothing. Returns (col_basis, row_basis),
    exactly feasible, with the codes of :mod:`infopricing.lp.highs`; raises ValueError when
    the basis is not square, the exact LP is infeasible, or ``max_pivots`` is reached.

    Parameters
    ----------
    A_exact : dict {(i, j): Fraction}   the exact constraint matrix, of ``shape`` (m, n)
    col_lower, col_upper, row_lower, row_upper : sequences of floats (may hold +-inf), read
        exactly, or of rationals (None where infinite)
    col_basis, row_basis : basis codes of the starting basis
    """
    m, n = shape
    N = n + m
    lo = _bound_list(col_lower) + _bound_list(row_lower)
    hi = _bound_list(col_upper) + _bound_list(row_upper)
    cols = [dict() for _ in range(N)]  # A x - s = 0: column j of x, column n + i of s_i
    for (i, j), v in A_exact.items():
        v = _frac(v)
        if v:
            cols[int(j)][int(i)] = v
    for i in range(m):
        cols[n + i][i] = Fraction(-1)
    codes = [int(c) for c in np.asarray(col_basis).tolist()] + [int(c) for c in np.asarray(row_basis).tolist()]
    B = [j for j in range(N) if codes[j] == BASIC]
    if len(B) != m:
        raise ValueError(f"basis is not square: {len(B)} basic variables for {m} rows")
    val = {j: _nonbasic_value(codes[j], lo[j], hi[j]) for j in range(N) if codes[j] != BASIC}
    for j, x in val.items():  # codes that say where each sits under these bounds
        codes[j] = (AT_LOWER if lo[j] is not None and x == lo[j] else
                    AT_UPPER if hi[j] is not None and x == hi[j] else ZERO)
    zero = Fraction(0)

    def dense(Bs):
        M = [[zero] * m for _ in range(m)]
        for t, j in enumerate(Bs):
            for i, v in cols[j].items():
                M[i][t] = v
        return M

    for _ in range(max_pivots + 1):
        MB = dense(B)
        rhs = [zero] * m
        for j, xj in val.items():
            if xj:
                for i, v in cols[j].items():
                    rhs[i] -= v * xj
        xB = solve_exact_square(MB, rhs)
        g = []
        for t, j in enumerate(B):
            if lo[j] is not None and xB[t] < lo[j]:
                g.append(Fraction(-1))
            elif hi[j] is not None and xB[t] > hi[j]:
                g.append(Fraction(1))
            else:
                g.append(zero)
        if not any(g):
            return np.array(codes[:n], dtype=np.int8), np.array(codes[n:], dtype=np.int8)
        MT = [list(r) for r in zip(*MB)]
        pi = solve_exact_square(MT, g)
        enter = None
        for j in sorted(val):
            rate = -sum((pi[i] * v for i, v in cols[j].items()), zero)  # d(violation)/d x_j
            if rate < 0 and (hi[j] is None or val[j] < hi[j]):
                enter = (j, 1)
                break
            if rate > 0 and (lo[j] is None or val[j] > lo[j]):
                enter = (j, -1)
                break
        if enter is None:
            raise ValueError("the exact LP has no feasible point near this basis (phase 1 "
                             "stalls with bound violations)")
        j, s = enter
        w = solve_exact_square(MB, [cols[j].get(i, zero) for i in range(m)])
        best = None  # (theta, variable index, position or -1, to_upper)
        if s > 0 and hi[j] is not None:
            best = (hi[j] - val[j], j, -1, True)
        elif s < 0 and lo[j] is not None:
            best = (val[j] - lo[j], j, -1, False)
        for t, bj in enumerate(B):
            rate = -s * w[t]  # d x_B[t] / d theta
            if rate == 0:
                continue
            x, l_, h_ = xB[t], lo[bj], hi[bj]
            if g[t] == 0:
                if rate > 0 and h_ is not None:
                    cand = ((h_ - x) / rate, True)
                elif rate < 0 and l_ is not None:
                    cand = ((l_ - x) / rate, False)
                else:
                    continue
            elif g[t] < 0 and rate > 0:   # below its lower bound, rising to it
                cand = ((l_ - x) / rate, False)
            elif g[t] > 0 and rate < 0:   # above its upper bound, falling to it
                cand = ((h_ - x) / rate, True)
            else:
                continue
            if best is None or cand[0] < best[0] or (cand[0] == best[0] and bj < best[1]):
                best = (cand[0], bj, t, cand[1])
        if best is None:
            raise ValueError("phase 1: unbounded improving direction (inconsistent data)")
        theta, bj, t, up = best
        pivot(B, val, codes, lo, hi, j, t, up)
    raise ValueError(f"no exactly feasible basis within {max_pivots} pivots")


def pivot(B, val, codes, lo, hi, j, leave, to_upper) -> None:
    """Apply one bounded-simplex step in place: entering variable ``j`` replaces the basic
    variable at position ``leave`` of ``B``, which goes to its upper (``to_upper``) or
    lower bound; ``leave == -1`` is a bound flip of ``j`` itself. ``val`` maps each
    nonbasic variable to its value and ``codes`` holds the basis status codes."""
    if leave == -1:
        val[j] = hi[j] if to_upper else lo[j]
        codes[j] = AT_UPPER if to_upper else AT_LOWER
        return
    bj = B[leave]
    B[leave] = j
    del val[j]
    codes[j] = BASIC
    val[bj] = hi[bj] if to_upper else lo[bj]
    codes[bj] = AT_UPPER if to_upper else AT_LOWER
