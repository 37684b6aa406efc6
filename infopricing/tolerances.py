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
