"""IC, IR and feasibility of a lottery menu in exact arithmetic, written once.

References
----------
HS, Section 4 (a mechanism is IC and IR: ``v(t, x(t)) - p(t) >= v(t, x(s)) - p(s)`` and
``>= 0``; allocations are lotteries: non-negative, summing to at most one).
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["utility_matrix", "exact_ic_ir"]


def utility_matrix(V, X, P):
    """``U[t][s] = v(t, x(s)) - p(s)`` in exact arithmetic."""
    n, k = len(V), len(V[0])
    return [[sum((V[t][a] * X[s][a] for a in range(k)), Fraction(0)) - P[s] for s in range(len(X))]
            for t in range(n)]


def exact_ic_ir(V, X, P, types=None, names=None, alternatives=None) -> tuple[list[str], Fraction]:
    """Exact feasibility, IR and IC of the menu ``(X, P)`` for values ``V``.

    Parameters
    ----------
    V, X : list of list of Fraction      values and allocations, types x alternatives
    P : list of Fraction                 payments
    types : iterable of int, optional    the types checked (IC only among them); default all
    names, alternatives : sequences of str, optional   labels used in the failure lines

    Returns
    -------
    (failures, worst) : list of str, Fraction
        One line per violated constraint, and the largest violation.
    """
    U = utility_matrix(V, X, P)
    types = list(range(len(X))) if types is None else list(types)
    tn = (lambda t: names[t]) if names is not None else (lambda t: t)
    an = (lambda a: alternatives[a]) if alternatives is not None else (lambda a: a)
    failures, worst = [], Fraction(0)
    for t in types:
        for a, x in enumerate(X[t]):
            if x < 0:
                failures.append(f"x[{tn(t)},{an(a)}] = {x} < 0")
                worst = max(worst, -x)
        s_ = sum(X[t], Fraction(0))
        if s_ > 1:
            failures.append(f"allocation of {tn(t)} sums to {s_} > 1")
            worst = max(worst, s_ - 1)
        if U[t][t] < 0:
            failures.append(f"IR of {tn(t)} violated by {-U[t][t]}")
            worst = max(worst, -U[t][t])
        for s in types:
            if U[t][s] > U[t][t]:
                failures.append(f"IC {tn(t)} -> {tn(s)} violated by {U[t][s] - U[t][t]}")
                worst = max(worst, U[t][s] - U[t][t])
    return failures, worst
