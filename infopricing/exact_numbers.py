"""How a model's numbers are read when a question is answered exactly (one convention).

A model number given exactly, as an ``int`` or a :class:`fractions.Fraction`, is that
rational; :class:`~infopricing.model.Market` and :class:`~infopricing.model.Environment`
keep such inputs beside their float arrays (``_exact_probabilities``, ``_exact_values``).
A model number given as a float is read as the rational it most plausibly stands for:

* its shortest round-trip decimal (``repr``) when that has at most :data:`DECIMAL_DIGITS`
  = 15 significant digits (``0.1`` is 1/10, ``1e-06`` is 1/10**6, a model file's "0.3" is
  3/10): every such decimal rounds to a different double, so the float stands for exactly
  one short decimal, which is what the user typed;
* otherwise the *simplest* rational that rounds to it (smallest denominator strictly inside
  the float's rounding interval): ``8/15`` computed as ``8 / 15`` is 8/15, ``1/3`` is 1/3,
  ``0.75 * 2**-30`` is 3/2**32; a float with no simple preimage (a random draw) gets some
  rational within half a unit in its last place.

So masses typed as decimals tie as typed (0.3 = 0.2 + 0.1), and masses computed as
``w / sum(w)`` are the intended fractions, whose exact ties the binary roundings would
break by 1e-17 (then a menu the floats chose among exactly tied ones would fail its exact
certificate by 3.5e-17). A market typed in Python and the same market loaded from a model
file pose the same exact problem. The floating solve works with the binary floats, within
half a unit in the last place of the exact data; the exact certificate re-solves the
solver's basis with the exact data (repairing it by exact pivots when the rounding chose a
neighbouring basis).

Solver *outputs* (a menu, a dual vector) are points to be checked, not data: they are read
as the exact binary rationals they are (:meth:`infopricing.lp.exact_certificate._Field.q`).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from numbers import Rational

import numpy as np

#: a float whose shortest decimal has at most this many significant digits is read as that
#: decimal (module docstring)
DECIMAL_DIGITS = 15

__all__ = ["DECIMAL_DIGITS", "exact_array", "exact_number", "exact_input", "exact_masses", "exact_market", "exact_values"]


def exact_number(v) -> Fraction:
    """The exact rational a model number stands for (module docstring): an int or Fraction
    is itself, a float its shortest round-trip decimal when that is short (at most
    :data:`DECIMAL_DIGITS` significant digits), else the simplest rational that rounds to
    it."""
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
    return _read_float(x)


@functools.lru_cache(maxsize=1 << 16)
def _read_float(x: float) -> Fraction:
    r = repr(x)
    if len(r.split("e")[0].lstrip("-").replace(".", "").strip("0")) <= DECIMAL_DIGITS:
        return Fraction(r)
    return simplest_rational(x)


def simplest_rational(x: float) -> Fraction:
    """The rational with the smallest denominator strictly inside the rounding interval of
    the float ``x`` (the reals that round to ``x``): the endpoints are the midpoints to the
    neighbouring floats."""
    b = Fraction(x)
    lo = (b + Fraction(math.nextafter(x, -math.inf))) / 2
    hi = (b + Fraction(math.nextafter(x, math.inf))) / 2
    inside = lambda q: lo < q < hi
    if b.denominator == 1 or inside(Fraction(round(x))):
        return Fraction(round(x)) if inside(Fraction(round(x))) else b
    # the closest fraction with denominator <= D moves into the interval as D grows
    # (monotone), so bisect on D; b itself (denominator a power of two) is inside
    D_lo, D_hi = 1, b.denominator
    while D_lo < D_hi:
        mid = (D_lo + D_hi) // 2
        if inside(b.limit_denominator(mid)):
            D_hi = mid
        else:
            D_lo = mid + 1
    return b.limit_denominator(D_lo)


def exact_array(values) -> list:
    """Exact rationals of a flat sequence of model numbers (:func:`exact_number` of each)."""
    vals = values.tolist() if isinstance(values, np.ndarray) else list(values)
    return [exact_number(v) for v in vals]


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
    return tuple(exact_array(p))


def exact_values(env) -> list:
    """The exact net values of an environment (an Environment or its value matrix), as a
    list of rows of Fraction: the exact valuations it kept, else its floats as decimals."""
    kept = getattr(env, "_exact_values", None)
    if kept is not None:
        return [list(r) for r in kept]
    gross, costs = getattr(env, "gross_values", None), getattr(env, "costs", None)
    if gross is not None and costs is not None and np.any(np.asarray(costs) != 0):
        # the inputs were gross values and costs: net values are their exact difference,
        # not the float difference read back (1.2 - 0.8 is 0.3999999999999999 in floats)
        c = exact_array(np.asarray(costs, dtype=float))
        g = np.asarray(gross, dtype=float)
        return [[a - b for a, b in zip(exact_array(row), c)] for row in g]
    v = np.asarray(getattr(env, "values", env), dtype=float)
    flat = exact_array(v.ravel())
    k = v.shape[1]
    return [flat[i * k:(i + 1) * k] for i in range(v.shape[0])]


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
