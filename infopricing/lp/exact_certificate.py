"""Exact optimality certificates for linear programs, written once for every LP-based result.

An LP in the library's one standard form (:mod:`infopricing.lp.highs`)::

    optimise  c @ x   subject to  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper

is *proven* optimal at a point ``x`` by a row multiplier ``y`` when, in rational arithmetic,

* ``x`` satisfies every row and column bound exactly (primal feasibility);
* with reduced costs ``d = c - A^T y``, every multiplier pushes only against a finite bound:
  for a maximisation ``y_i > 0`` needs a finite ``row_upper[i]`` and ``y_i < 0`` a finite
  ``row_lower[i]`` (and likewise ``d_j`` against the column bounds; a minimisation swaps
  the sides) (dual feasibility);
* ``c @ x`` equals the dual bound ``sum_i y_i * (active row bound) + sum_j d_j * (active
  column bound)`` (zero duality gap).

Weak duality (``c @ x = y @ (A x) + d @ x`` for every ``x``) then says that no feasible
point does better, so "optimal" is a theorem about the LP as given, not an estimate.

Both points come from a simplex basis, re-solved exactly (:func:`basis_primal`,
:func:`basis_dual`), or from floating vectors read as exact binary rationals. The data
themselves are floats (exact binary rationals) unless the caller passes exact entries,
as the results built from a model do (its numbers read by :mod:`infopricing.exact_numbers`: ints and
Fractions as given, short decimals such as 0.1 as 1/10).
Arithmetic is python-flint's ``fmpq`` when it is installed (``pip install
infopricing[exact]``) and :class:`fractions.Fraction` otherwise; answers are identical, only
the speed differs (``benchmarks/bench_exact.py``).

:meth:`ExactCertificate.to_json` writes the LP, the rational primal and dual and their
objective as integers; ``infopricing/verify/check_certificate.py`` checks such a file with
the Python standard library alone.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

from .exact_vertex import BASIC, AT_LOWER, AT_UPPER, pivot

__all__ = ["RationalLP", "ExactCertificate", "rational_lp", "basis_primal", "basis_dual",
           "certify", "flint_available", "FORMAT"]

FORMAT = "infopricing.lp-certificate"
VERSION = 1

_FLINT: list = []   # [module or None] once looked up: python-flint loads on first exact use


def _fl():
    """python-flint, or None when it is not installed (imported on first use, so that
    ``import infopricing`` does not pay for it)."""
    if not _FLINT:
        try:  # pragma: no cover - depends on the environment
            import flint  # type: ignore
        except ImportError:  # pragma: no cover
            flint = None
        _FLINT.append(flint)
    return _FLINT[0]


def flint_available() -> bool:
    """Whether python-flint is installed (then exact arithmetic uses ``fmpq``)."""
    return _fl() is not None


class _Field:
    """Rational arithmetic backend: ``Fraction`` or flint ``fmpq`` (same interface)."""

    def __init__(self, backend: str):
        if backend == "auto":
            backend = "flint" if _fl() is not None else "fraction"
        if backend == "flint" and _fl() is None:
            raise ValueError("backend='flint' needs python-flint (pip install python-flint)")
        if backend not in ("flint", "fraction"):
            raise ValueError(f"backend must be 'auto', 'flint' or 'fraction', got {backend!r}")
        self.name = backend
        if backend == "flint":
            self.zero = _fl().fmpq(0)
            self.one = _fl().fmpq(1)
        else:
            self.zero = Fraction(0)
            self.one = Fraction(1)

    def q(self, v):
        """An exact rational from a float (its exact binary value), int, Fraction or fmpq."""
        if self.name == "flint":
            if isinstance(v, _fl().fmpq):
                return v
            if isinstance(v, Fraction):
                return _fl().fmpq(v.numerator, v.denominator)
            if isinstance(v, (int, np.integer)):
                return _fl().fmpq(int(v))
            f = Fraction(float(v))
            return _fl().fmpq(f.numerator, f.denominator)
        if isinstance(v, Fraction):
            return v
        if isinstance(v, (int, np.integer)):
            return Fraction(int(v))
        if _fl() is not None and isinstance(v, _fl().fmpq):
            return Fraction(int(v.p), int(v.q))
        return Fraction(float(v))

    def frac(self, v) -> Fraction:
        if isinstance(v, Fraction):
            return v
        return Fraction(int(v.p), int(v.q))

    def solve(self, rows, b, n):
        """Solve the square sparse system ``M z = b`` (``rows``: list of {col: value})."""
        if n == 0:
            return []
        if self.name == "flint":
            M = _fl().fmpq_mat(n, n)
            for i, r in enumerate(rows):
                for j, v in r.items():
                    M[i, j] = v
            B = _fl().fmpq_mat(n, 1)
            for i, v in enumerate(b):
                B[i, 0] = v
            try:
                z = M.solve(B)
            except ZeroDivisionError as exc:
                raise ValueError("singular basis matrix") from exc
            return [z[i, 0] for i in range(n)]
        from .exact_vertex import solve_exact_square

        dense = [[Fraction(0)] * n for _ in range(n)]
        for i, r in enumerate(rows):
            for j, v in r.items():
                dense[i][j] = v
        return solve_exact_square(dense, list(b))


def _nd(v) -> list[int]:
    """[numerator, denominator] of a rational (Fraction or fmpq)."""
    if isinstance(v, Fraction):
        return [v.numerator, v.denominator]
    return [int(v.p), int(v.q)]


@dataclass(frozen=True, eq=False)
class RationalLP:
    """An LP with exact rational data (bounds ``None`` where infinite).

    ``rows[i]`` is a dict {column: coefficient} of row i's non-zeros."""

    c: list
    rows: list
    row_lower: list
    row_upper: list
    col_lower: list
    col_upper: list
    sense: str
    field: _Field = field(repr=False)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.c)


def rational_lp(c, A, row_lower=None, row_upper=None, col_lower=None, col_upper=None,
                sense: str = "max", A_exact=None, c_exact=None, backend: str = "auto",
                bounds_exact=None) -> RationalLP:
    """The LP of :func:`infopricing.lp.solve_lp`'s arguments with exact rational data.

    Floats are read as the exact binary rationals they are; ``A_exact`` (dict {(i, j):
    rational}) and ``c_exact`` (sequence) replace the floating matrix / objective when the
    caller knows exact data that the floats only approximate; ``bounds_exact`` (dict with
    any of the keys ``row_lower``, ``row_upper``, ``col_lower``, ``col_upper``: sequences of
    rationals, ``None`` for an infinite bound) likewise replaces floating bounds.
    ``backend``: ``"flint"``, ``"fraction"`` or ``"auto"`` (flint when installed)."""
    if sense not in ("max", "min"):
        raise ValueError(f"sense must be 'max' or 'min', got {sense!r}")
    F = _Field(backend)
    c = np.asarray(c, dtype=float).ravel()
    n = c.size
    A = sp.csr_matrix((0, n)) if A is None else sp.csr_matrix(A, dtype=float)
    m = A.shape[0]
    if A.shape[1] != n:
        raise ValueError(f"A has {A.shape[1]} columns, c has {n} entries")

    def bounds(a, default, size):
        a = np.full(size, default) if a is None else np.asarray(a, dtype=float).ravel()
        if a.size != size:
            raise ValueError(f"a bound vector has {a.size} entries, expected {size}")
        return [None if not np.isfinite(v) else F.q(v) for v in a.tolist()]

    rows: list[dict] = [dict() for _ in range(m)]
    if A_exact is not None:
        for (i, j), v in A_exact.items():
            qv = F.q(v)
            if qv != 0:
                rows[int(i)][int(j)] = qv
    else:
        A.sum_duplicates()
        for i in range(m):
            lo, hi = A.indptr[i], A.indptr[i + 1]
            r = rows[i]
            for j, v in zip(A.indices[lo:hi].tolist(), A.data[lo:hi].tolist()):
                if v != 0.0:
                    r[j] = F.q(v)
    cq = [F.q(v) for v in (c_exact if c_exact is not None else c.tolist())]
    if len(cq) != n:
        raise ValueError(f"c_exact has {len(cq)} entries, expected {n}")
    bx = bounds_exact or {}

    def exact_or(key, a, default, size):
        if bx.get(key) is None:
            return bounds(a, default, size)
        vals = list(bx[key])
        if len(vals) != size:
            raise ValueError(f"bounds_exact[{key!r}] has {len(vals)} entries, expected {size}")
        return [None if v is None else F.q(v) for v in vals]

    return RationalLP(c=cq, rows=rows, row_lower=exact_or("row_lower", row_lower, -np.inf, m),
                      row_upper=exact_or("row_upper", row_upper, np.inf, m),
                      col_lower=exact_or("col_lower", col_lower, 0.0, n),
                      col_upper=exact_or("col_upper", col_upper, np.inf, n), sense=sense, field=F)


def _at_bound(code, lo, hi):
    """The bound a non-basic column/row sits at (HiGHS codes), or None if it cannot."""
    if code == AT_UPPER:
        return hi if hi is not None else lo
    if code == AT_LOWER:
        return lo if lo is not None else hi
    if lo is not None:
        return lo
    return hi


def basis_primal(lp: RationalLP, col_basis, row_basis, col_lower=None, col_upper=None,
                 row_lower=None, row_upper=None) -> list:
    """Exact vertex of a simplex basis: non-basic columns and rows at their bounds (the
    ``*_lower/_upper`` overrides, e.g. an optimal face's tighter bounds, default to the
    LP's own), basic columns solving the square system of the non-basic rows.

    Raises ValueError when the basis is not square or its matrix is singular."""
    F = lp.field
    m, n = lp.shape
    cb = np.asarray(col_basis).tolist()
    rb = np.asarray(row_basis).tolist()
    if len(cb) != n or len(rb) != m:
        raise ValueError(f"basis has {len(cb)} columns / {len(rb)} rows, LP is {m} x {n}")

    def ov(a, default):
        return default if a is None else [None if not np.isfinite(v) else F.q(v)
                                          for v in np.asarray(a, dtype=float).tolist()]

    cl, cu = ov(col_lower, lp.col_lower), ov(col_upper, lp.col_upper)
    rl, ru = ov(row_lower, lp.row_lower), ov(row_upper, lp.row_upper)
    x = [F.zero] * n
    basic = [j for j in range(n) if cb[j] == BASIC]
    for j in range(n):
        if cb[j] != BASIC:
            b = _at_bound(cb[j], cl[j], cu[j])
            x[j] = F.zero if b is None else b
    tight = [i for i in range(m) if rb[i] != BASIC]
    if len(tight) != len(basic):
        raise ValueError(f"basis is not square: {len(tight)} non-basic rows vs {len(basic)} "
                         "basic columns")
    pos = {j: t for t, j in enumerate(basic)}
    M, rhs = [], []
    for i in tight:
        target = _at_bound(rb[i], rl[i], ru[i])
        if target is None:
            raise ValueError(f"row {i} is non-basic but has no finite bound")
        r = {}
        for j, v in lp.rows[i].items():
            if j in pos:
                r[pos[j]] = v
            else:
                target = target - v * x[j]
        M.append(r)
        rhs.append(target)
    for j, val in zip(basic, F.solve(M, rhs, len(basic))):
        x[j] = val
    return x


def basis_dual(lp: RationalLP, col_basis, row_basis) -> list:
    """Exact row multipliers of a simplex basis: zero on basic rows, and on the non-basic
    rows the solution of ``A[tight, basic]^T y = c[basic]`` (basic columns have zero
    reduced cost). Raises ValueError when the basis is not square or singular."""
    F = lp.field
    m, n = lp.shape
    cb = np.asarray(col_basis).tolist()
    rb = np.asarray(row_basis).tolist()
    basic = [j for j in range(n) if cb[j] == BASIC]
    tight = [i for i in range(m) if rb[i] != BASIC]
    if len(tight) != len(basic):
        raise ValueError(f"basis is not square: {len(tight)} non-basic rows vs {len(basic)} "
                         "basic columns")
    pos = {j: t for t, j in enumerate(basic)}
    # transpose: one equation per basic column, one unknown per tight row
    MT = [dict() for _ in basic]
    for t, i in enumerate(tight):
        for j, v in lp.rows[i].items():
            p = pos.get(j)
            if p is not None:
                MT[p][t] = v
    yt = F.solve(MT, [lp.c[j] for j in basic], len(basic))
    y = [F.zero] * m
    for i, v in zip(tight, yt):
        y[i] = v
    return y


def _check(lp: RationalLP, x, y):
    """Exact primal feasibility, dual feasibility and objectives.

    Returns (failures, primal objective, dual bound or None, max primal violation as
    Fraction)."""
    F = lp.field
    m, n = lp.shape
    fails: list[str] = []
    worst = F.zero
    for j in range(n):
        lo, hi = lp.col_lower[j], lp.col_upper[j]
        if lo is not None and x[j] < lo:
            fails.append(f"column {j} below its lower bound by {float(lo - x[j]):.3g}")
            worst = max(worst, lo - x[j])
        if hi is not None and x[j] > hi:
            fails.append(f"column {j} above its upper bound by {float(x[j] - hi):.3g}")
            worst = max(worst, x[j] - hi)
    d = list(lp.c)
    for i in range(m):
        r = lp.rows[i]
        act = F.zero
        for j, v in r.items():
            act += v * x[j]
        lo, hi = lp.row_lower[i], lp.row_upper[i]
        if lo is not None and act < lo:
            fails.append(f"row {i} below its lower bound by {float(lo - act):.3g}")
            worst = max(worst, lo - act)
        if hi is not None and act > hi:
            fails.append(f"row {i} above its upper bound by {float(act - hi):.3g}")
            worst = max(worst, act - hi)
        yi = y[i]
        if yi != 0:
            for j, v in r.items():
                d[j] -= v * yi
    primal = F.zero
    for j in range(n):
        primal += lp.c[j] * x[j]
    bound = F.zero
    dual_ok = True
    up = lp.sense == "max"

    def side(w, lo, hi, what):
        nonlocal bound, dual_ok
        if w == 0:
            return
        b = (hi if w > 0 else lo) if up else (lo if w > 0 else hi)
        if b is None:
            dual_ok = False
            fails.append(f"dual infeasible: {what} multiplier {float(w):.3g} pushes against an "
                         "infinite bound")
        else:
            bound += w * b

    for i in range(m):
        side(y[i], lp.row_lower[i], lp.row_upper[i], f"row {i}")
    for j in range(n):
        side(d[j], lp.col_lower[j], lp.col_upper[j], f"column {j} reduced-cost")
    return fails, primal, (bound if dual_ok else None), worst


@dataclass(frozen=True, eq=False)
class ExactCertificate:
    """A checked exact optimality certificate (or the reason there is none).

    Attributes
    ----------
    lp : RationalLP
    primal, row_dual : lists of rationals (None when they could not be formed)
    objective : the exact objective ``c @ primal`` (None without a primal point)
    dual_bound : the exact dual bound (None when the dual is infeasible or missing)
    ok : bool   primal and dual exactly feasible and ``objective == dual_bound``
    complete : bool   whether the exact check could be carried out at all
    failures : tuple of str
    backend : "flint" or "fraction"
    """

    lp: RationalLP
    primal: list | None
    row_dual: list | None
    objective: object
    dual_bound: object
    ok: bool
    complete: bool
    failures: tuple = ()
    backend: str = "fraction"
    #: what the LP encodes (JSON-ready; written as the file's "problem" entry)
    problem: dict = field(default_factory=dict)

    @property
    def gap(self) -> Fraction | None:
        """Exact duality gap ``dual_bound - objective`` (max) / ``objective - dual_bound``
        (min), or None."""
        if self.objective is None or self.dual_bound is None:
            return None
        g = self.dual_bound - self.objective if self.lp.sense == "max" else self.objective - self.dual_bound
        return self.lp.field.frac(g)

    def verification(self, prefix: str = "exact LP certificate"):
        """This certificate as a :class:`~infopricing.verify.Verification`."""
        from ..verify import Verification

        fails = tuple(f"{prefix}: {f}" for f in self.failures[:20])
        gap = self.gap
        details = {"objective": None if self.objective is None else self.lp.field.frac(self.objective),
                   "dual_bound": None if self.dual_bound is None else self.lp.field.frac(self.dual_bound),
                   "gap": gap, "complete": self.complete, "backend": self.backend}
        return Verification(ok=self.ok, failures=fails, max_violation=float(abs(gap)) if gap else 0.0,
                            exact=True, checks=(prefix,), details=details)

    def to_dict(self, problem: dict | None = None) -> dict:
        """JSON-ready dict: the LP data, primal, row dual and objective as integer
        [numerator, denominator] pairs (``null`` for an infinite bound). ``problem``
        (JSON-ready) says what the LP is (the result type, its model data)."""
        if self.primal is None or self.row_dual is None:
            raise ValueError("no exact certificate to export: " + "; ".join(self.failures))
        lp = self.lp
        m, n = lp.shape
        ents = [[i, j, *_nd(v)] for i in range(m) for j, v in sorted(lp.rows[i].items())]

        def vec(a):
            return [None if v is None else _nd(v) for v in a]

        return {"format": FORMAT, "version": VERSION, "problem": problem or {},
                "sense": lp.sense, "rows": m, "cols": n, "A": ents, "c": vec(lp.c),
                "row_lower": vec(lp.row_lower), "row_upper": vec(lp.row_upper),
                "col_lower": vec(lp.col_lower), "col_upper": vec(lp.col_upper),
                "primal": vec(self.primal), "row_dual": vec(self.row_dual),
                "objective": _nd(self.objective)}

    def to_json(self, path=None, problem: dict | None = None) -> str:
        """The certificate as JSON text (written to ``path`` too when given)."""
        text = json.dumps(self.to_dict(problem if problem is not None else self.problem),
                          separators=(",", ":"), default=_json_default)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text


#: largest number of rows for which an exactly non-optimal basis is repaired by exact
#: simplex pivots (dense rational solves; beyond it the check reports the failure)
REPAIR_MAX_ROWS = 600
#: most exact pivots a repair may take
REPAIR_MAX_PIVOTS = 200


def repair_basis(lp: RationalLP, col_basis, row_basis, max_pivots: int = REPAIR_MAX_PIVOTS):
    """Exact primal simplex (bounded variables, Bland's rule) from a basis that is optimal in
    floating point but not exactly (a reduced cost of the wrong sign by 1e-17, from ties in
    the data). Returns an exactly optimal basis (col_basis, row_basis) or raises
    ValueError (basis not exactly primal feasible, unbounded, too many pivots). Degenerate
    pivots leave the vertex unchanged, so a float-optimal vertex whose basis was merely the
    wrong one keeps its value and gains an exact dual."""
    F = lp.field
    m, n = lp.shape
    N = n + m
    lo = list(lp.col_lower) + list(lp.row_lower)
    hi = list(lp.col_upper) + list(lp.row_upper)
    cols = [dict() for _ in range(N)]
    for i, r in enumerate(lp.rows):
        for j, v in r.items():
            cols[j][i] = v
    for i in range(m):
        cols[n + i][i] = -F.one
    c = list(lp.c) + [F.zero] * m
    codes = [int(v) for v in np.asarray(col_basis).tolist()] + [int(v) for v in np.asarray(row_basis).tolist()]
    B = [j for j in range(N) if codes[j] == BASIC]
    if len(B) != m:
        raise ValueError("basis is not square")
    val = {}
    for j in range(N):
        if codes[j] != BASIC:
            b = _at_bound(codes[j], lo[j], hi[j])
            val[j] = F.zero if b is None else b
    sgn = 1 if lp.sense == "max" else -1
    for _ in range(max_pivots + 1):
        MB = [dict() for _ in range(m)]
        for t, j in enumerate(B):
            for i, v in cols[j].items():
                MB[i][t] = v
        rhs = [F.zero] * m
        for j, xj in val.items():
            if xj != 0:
                for i, v in cols[j].items():
                    rhs[i] -= v * xj
        xB = F.solve(MB, rhs, m)
        for t, j in enumerate(B):
            if (lo[j] is not None and xB[t] < lo[j]) or (hi[j] is not None and xB[t] > hi[j]):
                raise ValueError("the basis is not exactly primal feasible; no repair attempted")
        MT = [dict() for _ in range(m)]
        for i, r in enumerate(MB):
            for t, v in r.items():
                MT[t][i] = v
        y = F.solve(MT, [c[j] for j in B], m)
        enter = None
        for j in sorted(val):
            d = c[j]
            for i, v in cols[j].items():
                d -= y[i] * v
            d = d * sgn
            if d > 0 and (hi[j] is None or val[j] < hi[j]):
                enter = (j, 1)
                break
            if d < 0 and (lo[j] is None or val[j] > lo[j]):
                enter = (j, -1)
                break
        if enter is None:
            out = [BASIC if codes[j] == BASIC else codes[j] for j in range(N)]
            return np.array(out[:n], dtype=np.int8), np.array(out[n:], dtype=np.int8)
        j, s = enter
        w = F.solve(MB, [cols[j].get(i, F.zero) for i in range(m)], m)
        theta, leave, to_upper = None, None, None
        if s > 0 and hi[j] is not None:
            theta, leave, to_upper = hi[j] - val[j], -1, True
        elif s < 0 and lo[j] is not None:
            theta, leave, to_upper = val[j] - lo[j], -1, False
        for t, bj in enumerate(B):
            rate = -s * w[t]
            if rate > 0 and hi[bj] is not None:
                r_, up = (hi[bj] - xB[t]) / rate, True
            elif rate < 0 and lo[bj] is not None:
                r_, up = (lo[bj] - xB[t]) / rate, False
            else:
                continue
            if theta is None or r_ < theta or (r_ == theta and leave >= 0 and bj < B[leave]):
                theta, leave, to_upper = r_, t, up
        if theta is None:
            raise ValueError("the LP is unbounded along an improving direction")
        pivot(B, val, codes, lo, hi, j, leave, to_upper)  # leave == -1: a bound flip
    raise ValueError(f"no exactly optimal basis within {max_pivots} pivots")


def _json_default(o):
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, Fraction):
        return [o.numerator, o.denominator]
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")



def _rational_point(values, F, what: str, fails: list):
    """A floating point read exactly (``F.q`` of each entry), or None with a failure
    recorded when an entry is not finite."""
    a = np.asarray(values, dtype=float)
    if np.all(np.isfinite(a)):
        return [F.q(v) for v in a.tolist()]
    fails.append(f"the floating {what} is not finite")
    return None

def certify(lp: RationalLP, *, basis=None, primal=None, x=None, dual_basis=None, y=None,
            primal_bounds=None) -> ExactCertificate:
    """Form and check an exact certificate for ``lp``.

    Primal point, first of: ``primal`` (exact rationals), ``basis`` = (col_basis,
    row_basis) re-solved exactly (with ``primal_bounds`` = (col_lower, col_upper,
    row_lower, row_upper) overriding the bounds the non-basic entries sit at), ``x``
    (floats read exactly). Dual point: ``dual_basis`` (defaults to ``basis``) re-solved
    exactly, else ``y`` (floats read exactly). When a point cannot be formed (no data,
    a singular or non-square basis) the certificate is ``complete=False`` and not ok."""
    F = lp.field
    fails: list[str] = []
    xe = None
    if primal is not None:
        xe = [F.q(v) for v in primal]
    elif basis is not None:
        try:
            pb = primal_bounds or (None, None, None, None)
            xe = basis_primal(lp, basis[0], basis[1], *pb)
        except ValueError as exc:
            fails.append(f"primal vertex not re-solved exactly: {exc}")
    elif x is not None:
        xe = _rational_point(x, F, "primal point", fails)
    else:
        fails.append("no primal point (neither basis nor values)")
    ye = None
    db = dual_basis if dual_basis is not None else (basis if y is None else None)
    if db is not None:
        try:
            ye = basis_dual(lp, db[0], db[1])
        except ValueError as exc:
            fails.append(f"dual point not re-solved exactly: {exc}")
    elif y is not None:
        ye = _rational_point(y, F, "dual point", fails)
    else:
        fails.append("no dual point (neither basis nor multipliers)")
    if xe is None or ye is None:
        return ExactCertificate(lp=lp, primal=xe, row_dual=ye, objective=None, dual_bound=None,
                                ok=False, complete=False,
                                failures=tuple(["exact check could not be completed"] + fails),
                                backend=F.name)
    more, obj, bound, _ = _check(lp, xe, ye)
    if db is not None and (bound is None or bound != obj) and lp.shape[0] <= REPAIR_MAX_ROWS:
        # the float-optimal basis may be exactly off by a (degenerate) pivot: repair it
        try:
            rb_ = repair_basis(lp, db[0], db[1])
            ye2 = basis_dual(lp, *rb_)
            more2, obj2, bound2, _ = _check(lp, xe, ye2)
            if len(more2) < len(more) or (bound2 is not None and bound2 == obj2):
                ye, more, obj, bound = ye2, more2, obj2, bound2
        except ValueError as exc:
            more = more + [f"(exact basis repair failed: {exc})"]
    fails += more
    if bound is not None and obj != bound:
        g = bound - obj if lp.sense == "max" else obj - bound
        fails.append(f"objective {float(obj)!r} differs from the dual bound {float(bound)!r} by "
                     f"{float(g):.3g} (exact gap {F.frac(g)})")
    return ExactCertificate(lp=lp, primal=xe, row_dual=ye, objective=obj, dual_bound=bound,
                            ok=not fails, complete=True, failures=tuple(fails), backend=F.name)


def certify_lp_result(c, A, row_lower, row_upper, col_lower, col_upper, sense, res, *,
                      backend: str = "auto", A_exact=None, c_exact=None,
                      bounds_exact=None) -> ExactCertificate:
    """Exact certificate of an :class:`~infopricing.lp.highs.LPResult` for the LP data it
    was solved on (or the exact data that the floats approximate: ``A_exact``, ``c_exact``,
    ``bounds_exact`` as in :func:`rational_lp`): its basis re-solved exactly when it has
    one, its floating primal and dual read exactly otherwise."""
    lp = rational_lp(c, A, row_lower, row_upper, col_lower, col_upper, sense=sense,
                     A_exact=A_exact, c_exact=c_exact, backend=backend, bounds_exact=bounds_exact)
    if res.col_basis is not None and res.row_basis is not None:
        cert = certify(lp, basis=(res.col_basis, res.row_basis))
        if cert.ok:
            return cert
        alt = certify(lp, x=res.x, y=res.row_dual)  # a basis can be exactly off by a pivot
        if alt.ok:
            return alt
        return cert
    return certify(lp, x=res.x, y=res.row_dual)


@dataclass(frozen=True, eq=False)
class LPRecord:
    """The data of one solved LP, kept on a result so that ``verify(exact=True)`` and
    ``certificate()`` can re-solve and export it (arrays as the solver saw them)."""

    c: np.ndarray
    A: object
    row_lower: np.ndarray | None
    row_upper: np.ndarray | None
    col_lower: np.ndarray | None
    col_upper: np.ndarray | None
    sense: str
    x: np.ndarray
    row_dual: np.ndarray
    col_basis: np.ndarray | None = None
    row_basis: np.ndarray | None = None
    #: exact model data the floats approximate (keys ``A_exact``, ``c_exact``,
    #: ``bounds_exact`` of :func:`rational_lp`); None: the LP as the solver saw it
    exact: dict | None = None

    @classmethod
    def of(cls, c, A, row_lower, row_upper, col_lower, col_upper, sense, res) -> "LPRecord":
        cp = lambda a: None if a is None else np.array(a, dtype=float)
        return cls(c=np.array(c, dtype=float), A=None if A is None else sp.csr_matrix(A, dtype=float),
                   row_lower=cp(row_lower), row_upper=cp(row_upper), col_lower=cp(col_lower),
                   col_upper=cp(col_upper), sense=sense, x=np.array(res.x, dtype=float),
                   row_dual=np.array(res.row_dual, dtype=float),
                   col_basis=None if res.col_basis is None else np.array(res.col_basis),
                   row_basis=None if res.row_basis is None else np.array(res.row_basis))

    def certify(self, backend: str = "auto") -> ExactCertificate:
        return certify_lp_result(self.c, self.A, self.row_lower, self.row_upper, self.col_lower,
                                 self.col_upper, self.sense, self, backend=backend,
                                 **{key: v for key, v in (self.exact or {}).items()
                                    if key in ("A_exact", "c_exact", "bounds_exact")})


def exact_lp_verification(record: "LPRecord | None", what: str, backend: str = "auto"):
    """The exact verification of one recorded LP, saying so when there is none."""
    from ..verify import Verification

    if record is None:
        return Verification(ok=False, exact=True, checks=(what,),
                            failures=(f"{what}: exact check could not be completed (no LP "
                                      "record on this result)",),
                            details={"complete": False})
    return record.certify(backend).verification(what)


def combine(*verifications):
    """One Verification from several (ok when all are; failures, checks and details
    pooled; exact when all are)."""
    from ..verify import Verification

    fails, checks, details, worst = [], [], {}, 0.0
    for v in verifications:
        fails += list(v.failures)
        checks += list(v.checks)
        details.update(v.details)
        worst = max(worst, float(v.max_violation))
    return Verification(ok=all(bool(v.ok) for v in verifications), failures=tuple(fails),
                        max_violation=worst, exact=all(v.exact for v in verifications),
                        checks=tuple(checks), details=details)


def solve_lp_recorded(c, A=None, row_lower=None, row_upper=None, col_lower=None, col_upper=None,
                      sense="max", method="simplex", options=None, time_limit=None):
    """:func:`infopricing.lp.solve_lp` that also returns the :class:`LPRecord` of the solve
    (for results that offer ``verify(exact=True)`` and ``exact_certificate()``)."""
    from .highs import solve_lp

    res = solve_lp(c, A, row_lower, row_upper, col_lower, col_upper, sense=sense, method=method,
                   options=options, time_limit=time_limit)
    n = np.asarray(c).size
    m = 0 if A is None else sp.csr_matrix(A).shape[0]
    cl = np.zeros(n) if col_lower is None else col_lower
    cu = np.full(n, np.inf) if col_upper is None else col_upper
    rl = np.full(m, -np.inf) if row_lower is None else row_lower
    ru = np.full(m, np.inf) if row_upper is None else row_upper
    return res, LPRecord.of(c, A if A is not None else sp.csr_matrix((0, n)), rl, ru, cl, cu, sense, res)


def json_rationals(a):
    """Nested lists / tuples of rationals as nested lists of [numerator, denominator]
    (the certificate's number format); ``None`` stays ``None``."""
    if a is None:
        return None
    if isinstance(a, (list, tuple)):
        return [json_rationals(v) for v in a]
    return _nd(a if not isinstance(a, int) else Fraction(a))


def with_exact_lp(record: LPRecord, rows, c, row_lower, row_upper, col_lower, col_upper,
                  problem: dict) -> LPRecord:
    """``record`` carrying the exact LP built from the model's exact numbers (``rows``: one
    dict {column: rational} per row; bounds ``None`` where infinite) and the JSON-ready
    ``problem`` (with its checker ``builder``) that the exported certificate names.

    When the exact LP's shape differs from the solved one (a float tie decided the other
    way: a grid point within the tolerance of a cost, ...), the solver's basis would not fit
    it: the record is returned unchanged, and the certificate is of the LP as solved."""
    m, n = len(rows), len(c)
    A = record.A
    if A is None or A.shape != (m, n):
        return record
    A_exact = {(i, j): v for i, r in enumerate(rows) for j, v in r.items() if v != 0}
    return dataclasses.replace(record, exact={
        "A_exact": A_exact, "c_exact": list(c),
        "bounds_exact": {"row_lower": list(row_lower), "row_upper": list(row_upper),
                         "col_lower": list(col_lower), "col_upper": list(col_upper)},
        "problem": problem})
