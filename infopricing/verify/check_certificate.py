#!/usr/bin/env python3
"""Stand-alone checker of an exact LP optimality certificate (Python standard library only).

Usage::

    python check_certificate.py cert.json [more.json ...]

A certificate (written by infopricing's ``certificate()`` methods; format
``infopricing.lp-certificate`` version 1) holds an LP

    optimise  c . x   subject to  row_lower <= A x <= row_upper,  col_lower <= x <= col_upper

(``sense`` "max" or "min"), a primal point ``x``, row multipliers ``y`` and the claimed
optimal value, every number as an integer pair [numerator, denominator] and ``null`` for an
infinite bound. ``A`` lists its non-zeros as [row, column, numerator, denominator].

The certificate is accepted exactly when, in rational arithmetic,

1. x satisfies every bound (primal feasibility);
2. with d = c - A^T y, every multiplier y_i and d_j pushes only against a finite bound (for
   "max": positive against an upper bound, negative against a lower one; "min" the
   reverse), so that  B = sum_i y_i b_i + sum_j d_j b_j  over those bounds is, by weak
   duality, a bound on c . z for every feasible z;
3. c . x == B == the claimed objective.

Then x is optimal: no feasible point does better than B, and x attains it. The file's
"problem" entry says which model the LP encodes; this script checks the LP as written.
Exit status: 0 every certificate accepted, 1 one was rejected, 2 one could not be read.
This file imports nothing outside the standard library, so it can be copied and run alone.
"""

import json
import sys
from fractions import Fraction

FORMAT = "infopricing.lp-certificate"


class CertificateError(ValueError):
    """The file is not a well-formed certificate."""


def _q(pair, what):
    if pair is None:
        return None
    if (not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair)):
        raise CertificateError(f"{what}: expected [numerator, denominator] integers, got {pair!r}")
    if pair[1] == 0:
        raise CertificateError(f"{what}: zero denominator")
    return Fraction(pair[0], pair[1])


def _vec(data, key, size, allow_none):
    a = data.get(key)
    if not isinstance(a, list) or len(a) != size:
        raise CertificateError(f"{key}: expected a list of {size} entries")
    out = [_q(v, f"{key}[{i}]") for i, v in enumerate(a)]
    if not allow_none and any(v is None for v in out):
        raise CertificateError(f"{key}: every entry must be a number")
    return out


def check(data):
    """Check a certificate (the parsed JSON). Returns (ok, list of messages)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CertificateError(f"not an {FORMAT} document")
    if data.get("version") != 1:
        raise CertificateError(f"unsupported version {data.get('version')!r}")
    sense = data.get("sense")
    if sense not in ("max", "min"):
        raise CertificateError(f"sense must be 'max' or 'min', got {sense!r}")
    m, n = data.get("rows"), data.get("cols")
    if not (isinstance(m, int) and isinstance(n, int) and m >= 0 and n >= 0):
        raise CertificateError("rows and cols must be non-negative integers")
    c = _vec(data, "c", n, False)
    rl, ru = _vec(data, "row_lower", m, True), _vec(data, "row_upper", m, True)
    cl, cu = _vec(data, "col_lower", n, True), _vec(data, "col_upper", n, True)
    x, y = _vec(data, "primal", n, False), _vec(data, "row_dual", m, False)
    claimed = _q(data.get("objective"), "objective")
    if claimed is None:
        raise CertificateError("objective missing")
    rows = [dict() for _ in range(m)]
    ents = data.get("A")
    if not isinstance(ents, list):
        raise CertificateError("A: expected a list of [row, col, num, den]")
    for e in ents:
        if not (isinstance(e, list) and len(e) == 4 and all(isinstance(v, int) for v in e)):
            raise CertificateError(f"A: bad entry {e!r}")
        i, j = e[0], e[1]
        if not (0 <= i < m and 0 <= j < n):
            raise CertificateError(f"A: entry {e!r} out of range")
        if j in rows[i]:
            raise CertificateError(f"A: duplicate entry ({i}, {j})")
        rows[i][j] = _q(e[2:], f"A[{i},{j}]")

    msgs = []
    for j in range(n):
        if cl[j] is not None and x[j] < cl[j]:
            msgs.append(f"primal infeasible: column {j} below its lower bound by {cl[j] - x[j]}")
        if cu[j] is not None and x[j] > cu[j]:
            msgs.append(f"primal infeasible: column {j} above its upper bound by {x[j] - cu[j]}")
    d = list(c)
    for i in range(m):
        act = sum((v * x[j] for j, v in rows[i].items()), Fraction(0))
        if rl[i] is not None and act < rl[i]:
            msgs.append(f"primal infeasible: row {i} below its lower bound by {rl[i] - act}")
        if ru[i] is not None and act > ru[i]:
            msgs.append(f"primal infeasible: row {i} above its upper bound by {act - ru[i]}")
        if y[i]:
            for j, v in rows[i].items():
                d[j] -= v * y[i]
    bound = Fraction(0)
    dual_ok = True
    for what, w, lo, hi in ([(f"row {i}", y[i], rl[i], ru[i]) for i in range(m)]
                            + [(f"column {j}", d[j], cl[j], cu[j]) for j in range(n)]):
        if w == 0:
            continue
        b = (hi if w > 0 else lo) if sense == "max" else (lo if w > 0 else hi)
        if b is None:
            dual_ok = False
            msgs.append(f"dual infeasible: {what} multiplier {w} pushes against an infinite bound")
        else:
            bound += w * b
    obj = sum((ci * xi for ci, xi in zip(c, x)), Fraction(0))
    if obj != claimed:
        msgs.append(f"claimed objective {claimed} differs from c.x = {obj}")
    if dual_ok and bound != obj:
        msgs.append(f"duality gap: dual bound {bound} vs objective {obj} (difference {bound - obj})")
    if not msgs:
        msgs.append(f"certificate accepted: optimal value {obj} (= {float(obj):.17g}), "
                    f"{m} rows, {n} columns, sense {sense}")
        return True, msgs
    return False, msgs


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[0])
        print("usage: check_certificate.py cert.json [more.json ...]")
        return 0 if args else 2
    status = 0
    for path in args:
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            ok, msgs = check(data)
        except (OSError, ValueError) as exc:  # CertificateError and JSON errors are ValueErrors
            print(f"{path}: unreadable certificate: {exc}")
            status = max(status, 2)
            continue
        problem = data.get("problem", {}).get("kind", "") if isinstance(data.get("problem"), dict) else ""
        head = f"{path}" + (f" ({problem})" if problem else "")
        print(f"{head}: {'OK' if ok else 'REJECTED'}")
        for msg in msgs[:20]:
            print("  " + msg)
        if not ok:
            status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main())
