"""The library's numerical tolerances, in one documented place.

Every function that decides an equality question with floating-point numbers takes
its tolerance as a parameter whose default comes from here; no other module holds a
literal tolerance.

``PROB_SUM``   how far a probability vector may sum away from 1 before it is rejected.
``FEAS``       feasibility tolerance for re-checking constraints (IC, IR, obedience,
               averaging) of a floating answer.
``BINDING``    a constraint whose slack is at most this is reported as binding.
``DUAL``       a dual value / reduced cost larger than this in absolute value is
               treated as non-zero (used to identify the optimal face of an LP).
``EQUAL``      two objective values closer than this (relative to max(1, |value|))
               are treated as equal.
``RATIONAL_DENOMINATOR``  largest denominator used when a floating answer is
               rationalised for an exact re-check.
"""

PROB_SUM = 1e-9
FEAS = 1e-7
BINDING = 1e-7
DUAL = 1e-9
EQUAL = 1e-7
RATIONAL_DENOMINATOR = 10**6
