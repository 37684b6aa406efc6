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
``LAZY_CUT``   lazy IC generation (large menus): an IC row not yet in the LP that is
               violated by more than this is added before the solve is accepted.
``MASS``       a probability mass at most this is treated as zero when a construction
               subtracts masses (greedy segmentation residuals, posteriors of unused
               recommendations).
``TIE``        two net surpluses (or prices) closer than this are a tie for the
               consumer (BBM25 uniform tie-breaking) in the competition checks.
``PRICE_STEP`` the step for deviations "just above / just below" a critical price in
               the BBM25 equilibrium check (must exceed ``TIE``).
``GLOBAL_GAP`` relative gap (to max(1, |bound|)) between a design's revenue and a global
               solver's proven bound within which the design is reported as proven
               optimal (CLW pricing / lottery designs). The bilinear programs' rows are
               scaled by signal masses, so the solver's absolute feasibility tolerance
               ``GLOBAL_FEAS`` lets its bound exceed the exact optimum by about
               sqrt(GLOBAL_FEAS) (relative); the gap must exceed that.
``GLOBAL_FEAS`` feasibility tolerance handed to the global (SCIP) solver.
``VALUE_LOW``, ``VALUE_HIGH``  values whose largest magnitude lies in
               ``[VALUE_LOW, VALUE_HIGH]`` are used as given; outside it the menu LPs are solved on values divided by
               a power of two (exact in floating point) and the tolerances above that
               apply to values, payments and surpluses are taken in those units (see
               :func:`value_scale`).
``PLAIN_LOW``, ``PLAIN_HIGH``  the HS segmentation routines (which decide many
               equalities with the absolute tolerances above) accept environments whose
               largest absolute value lies in this range (see :func:`require_plain_units`).
``ROUNDING``   exact checks (``verify(exact=True)``): a floating answer that claims to be
               the exact vertex of its LP basis may differ from it by at most this (in units
               of :func:`value_scale`); farther apart it is another point, judged as given.
``NEAR_TIE``   numbers whose difference enters an LP matrix (values of two types in the
               menu LP, receiver utilities of two actions in the persuasion LP) and that
               differ by at most this, relative to the data's largest magnitude, are merged
               before the LP is built (:mod:`infopricing.lp.conditioning`): the solver
               drops or mangles differences near its ``small_matrix_value`` (1e-12).
``NEAR_TIE_SPREAD``  the largest change (relative to the largest magnitude) that merging
               may make; a longer chain of near-ties is refused with a ValueError.
``PIVOT``      complementary pivoting (Lemke's algorithm, BBM25 no-information
               benchmark): tableau entries at most this are not pivots, and ratios this
               close are ties for the lexicographic rule.
"""

PROB_SUM = 1e-9
FEAS = 1e-7
BINDING = 1e-7
DUAL = 1e-9
EQUAL = 1e-7
RATIONAL_DENOMINATOR = 10**6
LAZY_CUT = 1e-9
MASS = 1e-12
TIE = 1e-11
PRICE_STEP = 1e-8
GLOBAL_GAP = 1e-4
GLOBAL_FEAS = 1e-9
PIVOT = 1e-9
ROUNDING = 1e-11
NEAR_TIE = 2.0 ** -36     # about 1.46e-11: 14x above HiGHS's smallest kept entry, 1e-12
NEAR_TIE_SPREAD = 1e-8    # well inside FEAS, so merged answers still verify
VALUE_LOW = 1.0 / 16.0    # below: absolute tolerances become loose relative to the values
VALUE_HIGH = 1024.0       # above: still far from rounding trouble (1e-16 * 1e3 << 1e-9)


def value_scale(values) -> float:
    """Unit in which value-denominated tolerances apply, for a value matrix.

    ``1.0`` when the largest absolute value lies in ``[VALUE_LOW, VALUE_HIGH]`` (or
    all values are zero); otherwise the power of two nearest to it. The LP solver's own
    tolerances are absolute, so values of 1e-9 (a constraint violated by 1e-10 passes)
    or 1e9 (rounding alone exceeds 1e-7) would otherwise change answers and checks;
    dividing by a power of two changes no digit of the data."""
    import numpy as np

    m = float(np.max(np.abs(values), initial=0.0))
    if m == 0.0 or not np.isfinite(m) or VALUE_LOW <= m <= VALUE_HIGH:
        return 1.0
    return float(2.0 ** round(np.log2(m)))


PLAIN_LOW = 2.0 ** -10
PLAIN_HIGH = 2.0 ** 20


def require_plain_units(env, what: str) -> None:
    """Raise ValueError when ``env``'s values are too small or too large for routines
    whose equality decisions use the absolute tolerances of this module.

    The menu LP itself works in any unit (:func:`value_scale`); the HS segmentation
    constructions compare surpluses, payments and reduced costs in many places, and
    outside ``[PLAIN_LOW, PLAIN_HIGH]`` they would decide those comparisons wrongly (at
    values near 1e-9 every market looked efficient). The message says by which power of
    two to divide: that rounds nothing, leaves allocations and segment weights unchanged
    and scales payments, revenue and surplus by the same factor."""
    import numpy as np

    values = getattr(env, "values", None)
    if values is None:
        return
    m = float(np.max(np.abs(values), initial=0.0))
    if m == 0.0 or PLAIN_LOW <= m <= PLAIN_HIGH:
        return
    k = int(round(np.log2(m)))
    raise ValueError(
        f"{what} needs values of ordinary size (largest absolute value between {PLAIN_LOW:g} "
        f"and {PLAIN_HIGH:g}); the largest here is {m:g}. Divide the valuations (and costs) by "
        f"2^{k} = {2.0 ** k:g}: that rounds nothing, leaves allocations and segment weights "
        f"unchanged, and scales payments, revenue and surplus by the same factor")
