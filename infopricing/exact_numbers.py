"""How a model's numbers are read when a question is answered exactly (one convention).

A model number given exactly, as an ``int`` or a :class:`fractions.Fraction`, is that
rational; :class:`~infopricing.model.Market` and :class:`~infopricing.model.Environment`
keep such inputs beside their float arrays (``_exact_probabilities``, ``_exact_values``).
A model number given as a float is read as the *decimal it was typed as* when there is
one: its shortest round-trip decimal (``repr``) when that has at most
:data:`DECIMAL_DIGITS` = 15 significant digits (``0.1`` is 1/10, ``1e-06`` is 1/10**6, a
model file's "0.3" is 3/10). Every decimal of at most 15 significant digits rounds to a
different double, so such a float stands for exactly one short decimal, which is what the
user typed; a market typed in Python and the same market loaded from a file then pose the
same exact problem, and an exact tie in decimal data (masses 0.3 = 0.2 + 0.1) is a tie.
Any other float (16-17 digits: the result of arithmetic, such as ``1/3``, ``1 - 0.7`` or
``0.75 * 2**-30``, or a random draw) is read as the exact binary rational it is, which keeps
every relation that holds exactly in binary (a power-of-two rescaling, a sum that is exact
in floating point). The floating solve works with the binary floats; they are within half
a unit in the last place of the exact data, and the exact certificate re-solves the
solver's basis with the exact data (repairing it by exact pivots when the rounding chose a
neighbouring basis).

Solver *outputs* (a menu, a dual vector) are points to be checked, not data: they are read
as the exact binary rationals they are (:meth:`infopricing.lp.exact_certificate._Field.q`).
"""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Rational

import numpy as np

#: a float whose shortest decimal has at most this many significant digits is read as that
#: decimal (module docstring)
DECIMAL_DIGITS = 15

__all__ = ["DECIMAL_DIGITS", "exact_number", "exact_input", "exact_masses", "exact_market", "exact_values"]


def exact_number(v) -> Fraction:
    """The exact rational a model number stands for (module docstring): an int or Fraction
    is itself, a float its shortest round-trip decimal when that is short (at most
    :data:`DECIMAL_DIGITS` significant digits), else its exact binary value."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, (bool, np.bool_)):
        raise TypeError("a model number must be a real number, not a bool")
    if isinstance(v, (int, np.integer)):
        return Fraction(int(v))
    if isinstance(v, Rational):
        return Fraction(int(v.numerator), int(v.denominator))
    x = float(v)
    if not math.isfinite(x):
        raise ValueError(f"a model number must be finite, got {x!r}")
    r = repr(x)
    digits = r.split("e")[0].lstrip("-").replace(".", "").strip("0")
    return Fraction(r) if len(digits) <= DECIMAL_DIGITS else Fraction(x)


def _is_exact_scalar(v) -> bool:
    return (isinstance(v, (Fraction, int, np.integer, Rational))
            and not isinstance(v, (bool, np.bool_)))


def exact_input(a):
    """Exact rationals of an input array whose entries are all ints / Fractions (a nested
    list, tuple, or object ndarray), as nested tuples of Fraction; ``None`` when any entry is
    a float (or the input is a float/int ndarray, a pandas object, ...: then the floats are
    the data). An int ndarray is exact too."""
    if isinstance(a, np.ndarray):
        if a.dtype.kind in "iu":
            return _nest(a.tolist())
        if a.dtype != object:
            return None
        a = a.tolist()
    if isinstance(a, (list, tuple)):
        if not a:
            return None
        out = []
        for v in a:
            if isinstance(v, (list, tuple, np.ndarray)):
                r = exact_input(v)
                if r is None:
                    return None
                out.append(r)
            elif _is_exact_scalar(v):
                out.append(exact_number(v))
            else:
                return None
        return tuple(out)
    return None


def _nest(a):
    if isinstance(a, list):
        return tuple(_nest(v) for v in a)
    return Fraction(int(a))


def exact_masses(market) -> tuple:
    """The exact masses of a market (a Market, or a sequence of numbers): the exact inputs
    it was built from when it kept them, else its floats read as decimals."""
    kept = getattr(market, "_exact_probabilities", None)
    if kept is not None:
        return kept
    p = getattr(market, "probabilities", market)
    if isinstance(p, np.ndarray):
        p = p.tolist()
    return tuple(exact_number(q) for q in p)


def exact_values(env) -> list:
    """The exact net values of an environment (an Environment or its value matrix), as a
    list of rows of Fraction: the exact valuations it kept, else its floats as decimals."""
    kept = getattr(env, "_exact_values", None)
    if kept is not None:
        return [list(r) for r in kept]
    v = getattr(env, "values", env)
    v = np.asarray(v, dtype=float)
    return [[exact_number(x) for x in row] for row in v.tolist()]


def exact_market(market) -> tuple:
    """:func:`exact_masses` divided by their exact sum: the exact distribution that
    segmentations must average to (equal to the masses as given when they sum exactly to
    one, as typed decimals such as 0.4, 0.3, 0.2, 0.1 do; a float market normalised in
    floating point is within 1e-16 of it)."""
    q = exact_masses(market)
    s = sum(q, Fraction(0))
    if s <= 0:
        raise ValueError("a market must have positive total mass")
    return q if s == 1 else tuple(x / s for x in q)
