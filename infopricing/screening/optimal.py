"""Revenue-optimal lottery menus with a consistent selection rule (HS section 4).

The optimal face of the menu LP is computed from the revenue LP's duals (a feasible menu
is revenue-optimal iff every constraint with a non-zero dual binds — complementary
slackness), and secondary objectives that do not depend on the market are optimised over
that face, lexicographically. Because every secondary objective is market-free, the chosen
mechanism depends only on the set of optimal mechanisms: the selection is *consistent* in
HS's sense (section 4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from ..errors import SolverError
from ..lp import LinearProgram, Status
from ..model import Environment, Market
from .lp_build import build_menu_lp, revenue_objective
from .mechanism import LPCertificate, Mechanism  # noqa: F401
from .selection import (SELECTIONS, check_menu_inputs, face_fix, rescaled_mechanism, secondary_objectives,
                        tiebreak_weights)
from ..verify.protocol import record_params
from .._progress import check_progress

# the names other modules import from here (the helpers live in .selection)
_check_inputs, _face_fix, _rescaled = check_menu_inputs, face_fix, rescaled_mechanism
_secondary_objectives, _tiebreak_weights = secondary_objectives, tiebreak_weights

#: number of types from which the revenue stage uses interior point + crossover
IPM_THRESHOLD = 60

#: ``method="auto"`` uses lazy IC generation (:mod:`.lazy_menu`) above this many types; the
#: full LP at or below it. Measured crossover on a 2-core machine (benchmarks/README.md):
#: full/lazy time 0.5-0.9 at n=8-16, 1.1-1.4 at n=24, 1.2-1.7 at n=32, 2-5 at n=48-96.
LAZY_THRESHOLD = 24


#: HiGHS tolerances of the menu LP, tighter than its defaults (1e-7): a type's objective
#: coefficients are its mass times its values, so with a mass of 1e-7 a reduced cost that
#: matters is 1e-7 and the default dual tolerance stopped at a wrong vertex (HS section
#: 6.1.1-like values [[1, .5], [1.5, 3]] at masses (1 - 1e-7, 1e-7): t2 left a surplus of
#: 2.5 instead of 0.5). The lazy path (lazy_menu.py) uses the same values.
_MENU_LP_OPTIONS = {"dual_feasibility_tolerance": tol.FEAS / 100,
                    "primal_feasibility_tolerance": tol.FEAS / 100}


def _solve_revenue(env: Environment, market: Market):
    A, lo_r, hi_r, lo_c, hi_c = build_menu_lp(env.values)
    c = revenue_objective(env.values, market.probabilities)
    # Interior point (with crossover to a vertex basis) is far faster than simplex on the
    # dense IC block once n grows (benchmarks/README.md); later stages re-solve warm with simplex.
    big = env.n_types >= IPM_THRESHOLD
    lp = LinearProgram(c, A, lo_r, hi_r, lo_c, hi_c, sense="max", method="ipm" if big else "simplex",
                       options=_MENU_LP_OPTIONS, tiny_entries="raise")
    res = lp.solve()
    if big:
        lp.set_method("simplex")
    if res.status is not Status.OPTIMAL:
        raise SolverError(f"menu LP not solved: {res.status} ({res.message})")
    return lp, res, (lo_c, hi_c, lo_r, hi_r)


METHODS = ("auto", "full", "lazy", "ipm")

#: When the lazy path's solver fails, :func:`optimal_mechanism` solves the full LP instead
#: up to this many types (the full LP took 17.6 s at n = 400 on the 2-core machine,
#: benchmarks/README.md); ``params`` then records ``fallback_from="lazy"`` and the reason.
FULL_FALLBACK_TYPES = 400


def uses_lazy_rows(env: Environment, method: str) -> bool:
    """Whether :func:`optimal_mechanism` with this ``method`` takes a path that generates
    IC rows (``"lazy"``, or ``"ipm"`` whose restricted LP does)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return method in ("lazy", "ipm") or (method == "auto" and env.n_types > LAZY_THRESHOLD)


def uses_interior_point(env: Environment, method: str) -> bool:
    """Whether :func:`optimal_mechanism` with this ``method`` starts from the structured
    interior point (:mod:`.interior_point`): ``"ipm"``, or ``"auto"`` for types spanning
    more than two dimensions (:func:`.interior_point.effective_dimension`) from
    :data:`.interior_point.IPM_MIN_TYPES` types on."""
    from . import interior_point

    uses_lazy_rows(env, method)
    if method == "ipm":
        return True
    return (method == "auto"
            and env.n_types >= max(interior_point.IPM_MIN_TYPES, LAZY_THRESHOLD + 1)
            and interior_point.effective_dimension(env.values) > 2)


def optimal_mechanism(env: Environment, market, selection: str = "efficient",
                      dual_tol: float = tol.DUAL, method: str = "auto",
                      progress=None) -> Mechanism:
    """Revenue-optimal IC-IR lottery menu for ``market``, selected consistently.

    Parameters
    ----------
    env : Environment
    market : Market or array_like
        Distribution over ``env``'s types (zero mass allowed; zero-mass types still get a
        menu item, so the answer is a menu).
    selection : {"efficient", "consumer", "adverse"}
        Rule for choosing among optimal mechanisms (see below).
    dual_tol : float
        Duals larger than this in absolute value identify the optimal face.
    method : {"auto", "full", "lazy", "ipm"}
        ``"full"`` solves the LP with all n(n-1) IC rows; ``"lazy"`` generates IC rows
        lazily and certifies every stage against all of them (:mod:`.lazy_menu`; same answer);
        ``"ipm"`` finds the binding rows by a structured interior point on all IC rows and
        finishes like ``"lazy"`` from them (:mod:`.interior_point`; same answer);
        ``"auto"`` uses ``"ipm"`` for types spanning more than two dimensions from
        :data:`.interior_point.IPM_MIN_TYPES` types on, else ``"lazy"`` above
        :data:`LAZY_THRESHOLD` types, ``"full"`` otherwise.
    progress : callable, optional
        Lazy and interior-point paths: called as ``progress(ic_rows, n(n-1))`` after every
        round of constraint generation, with ``stage`` and ``round`` keywords for a
        callback that accepts them (see :func:`.lazy_menu.solve_menu_lazy`); the
        interior-point path first as ``progress(iteration, max_iter, stage="interior
        point", gap=...)`` after every iteration. The CLI shows it.

    Returns
    -------
    Mechanism
        With ``status``, ``certificate`` (the final basis, for exact re-checks) and
        ``verify()``.

    Notes
    -----
    Units: when the largest absolute value lies outside ``[tolerances.VALUE_LOW,
    tolerances.VALUE_HIGH]`` the LPs are solved on the values divided by
    :func:`..tolerances.value_scale` (a power of two, so exactly) and the payments scaled
    back; the solver's absolute tolerances would otherwise accept IC violations of the
    size of the values themselves (values near 1e-9) or fail on rounding (near 1e9).
    The last tie-break then weighs utilities in those units.

    Selection rules (each optimises market-free objectives over the optimal face, in order):

    * ``"efficient"`` (default): (1) maximise the unweighted sum over types of the net value
        received, ``sum_t v[t] @ x[t]`` — so the efficient mechanism is chosen whenever it is
        optimal (HS footnote 7); (2) maximise the unweighted sum of consumer surplus
        ``sum_t u[t]``; (3) the fixed tie-break.
    * ``"consumer"``: (1) maximise ``sum_t u[t]``; (2) maximise ``sum_t v[t] @ x[t]``; (3) tie-break.
    * ``"adverse"``: (1) minimise ``sum_t u[t]``; (2) maximise ``sum_t v[t] @ x[t]``; (3) tie-break.

    The fixed tie-break maximises ``w @ (x, u)`` for a weight vector ``w`` drawn once from a
    seeded generator that depends only on the environment's shape (n, k), so generically it
    leaves a single mechanism; it never looks at the market.

    References
    ----------
    HS, section 4 (IC-IR mechanisms, consistent selection) and footnote 7.

    Examples
    --------
    HS Section 3's market (a quarter of t1): "she offers the low-quality product at a
    price of 0.75 and the original product at a price of 1.75"; t1 gets L although H is
    efficient for it, and t2 keeps 2 - 1.75 = 0.25 (revenue 0.25 x 0.75 + 0.75 x 1.75 =
    1.5 by hand):

    >>> import infopricing as ip
    >>> m = ip.optimal_mechanism(ip.catalog.hs_section3(), [0.25, 0.75])
    >>> m.allocation.tolist(), m.payments.tolist(), round(m.revenue, 4)
    ([[1.0, 0.0], [0.0, 1.0]], [0.75, 1.75], 1.5)
    >>> m.is_efficient, m.consumer_surplus.tolist(), m.verify(exact=True).ok
    (False, [0.0, 0.25], True)
    """
    check_progress(progress)
    market = check_menu_inputs(env, market)
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    from ..model._validate import check_tolerance

    check_tolerance(dual_tol, "dual_tol")
    uses_lazy_rows(env, method)  # validates method before any solve
    used = {}
    m = _optimal_mechanism(env, market, selection, dual_tol, method, progress, used)
    return record_params(m, method=method, dual_tol=dual_tol, **used)


def _optimal_mechanism(env, market, selection, dual_tol, method, progress, used: dict) -> Mechanism:
    """:func:`optimal_mechanism` after validation; notes in ``used`` the path it took."""
    scale = tol.value_scale(env.values)
    if scale != 1.0:
        used["value_scale"] = scale
        scaled = Environment(env.values / scale)
        m = _optimal_mechanism(scaled, Market(scaled, market.probabilities), selection, dual_tol, method,
                               progress, used)
        return rescaled_mechanism(m, env, market, scale)
    merged = merged_near_duplicates(env)
    if merged is not None:  # near-duplicate types: solve the merged values (see the function)
        used["merged_near_duplicates"] = True
        m = _optimal_mechanism(merged, Market(merged, market.probabilities), selection, dual_tol, method,
                               progress, used)
        return on_original_types(m, env, market)
    if uses_interior_point(env, method):
        from .interior_point import solve_menu_ipm
        used["method_used"] = "ipm"
        r = solve_menu_ipm(env, market, selection=selection, dual_tol=dual_tol, progress=progress)
        # what the interior point did, in params (the CLI's ``menu --json`` prints them)
        used.update(ipm_iterations=int(r.ipm.iterations), ipm_status=r.ipm.status,
                    cg_steps=int(r.ipm.cg_steps), pcg_iterations=int(r.ipm.pcg_iterations),
                    merged_types=int(r.ipm.merged_types))
        return r.mechanism
    if uses_lazy_rows(env, method):
        from .lazy_menu import solve_menu_lazy
        used["method_used"] = "lazy"
        try:
            m = solve_menu_lazy(env, market, selection=selection, dual_tol=dual_tol,
                                progress=progress).mechanism
        except SolverError as err:
            if env.n_types > FULL_FALLBACK_TYPES:
                raise
            # HiGHS has declared a feasible face-fixed selection stage infeasible on
            # near-duplicate values (tests/screening/test_near_duplicates.py); the full LP,
            # every IC row present from the start, solves the same problem.
            used["fallback_from"], used["fallback_reason"] = "lazy", str(err)
        else:
            if env.n_types > FULL_FALLBACK_TYPES:
                return m
            # on near-duplicate values the restricted LP's duals can miss dual feasibility
            # on the full LP by more than the tolerance (1.6e-6 on a 35-type instance of
            # the same test) although the menu is the full LP's; the full LP's own duals
            # certify it. The check is O(n^2), small beside the lazy solve at these sizes.
            chk = m.verify()
            if chk.ok:
                return m
            used["fallback_from"] = "lazy"
            used["fallback_reason"] = "the lazy path's menu does not verify: " + "; ".join(chk.failures[:2])
    used["method_used"] = "full"
    lp, res, bounds = _solve_revenue(env, market)
    rev_obj = res.objective
    rev_duals = res.row_dual.copy()
    rev_basis = None if res.col_basis is None else (res.col_basis.copy(), res.row_basis.copy())
    status = Status.OPTIMAL
    for c, sense in secondary_objectives(env.values, selection):
        bounds = face_fix(lp, res, *bounds, dual_tol)
        lp.set_objective(c, sense)
        res = lp.solve()
        if res.status is not Status.OPTIMAL:
            raise SolverError(f"selection stage not solved: {res.status} ({res.message})")
    return _mechanism_from_solution(env, market, res, bounds, selection, status, rev_obj, rev_duals,
                                    rev_basis)


def merged_near_duplicates(env: Environment) -> Environment | None:
    """``env`` with near-tied values merged, or None when no two values are near-tied.

    For each alternative, the types' values that differ by at most
    ``tolerances.NEAR_TIE`` times the largest absolute value (chains of them, single
    linkage) are replaced by the smallest of them, so that the menu LP's IC rows hold
    every value difference exactly or as an exact zero (HiGHS drops matrix entries near
    1e-12; dropping some differences of near-duplicate types made menus 17% below the
    optimum look optimal). The menu of the merged values, offered to the original types,
    keeps IR exactly (values only went down) and violates an IC constraint by at most the
    change, at most ``NEAR_TIE_SPREAD`` times the largest value; a larger chain is
    refused with a ValueError."""
    from ..lp.conditioning import merge_near_ties

    V, spread = merge_near_ties(env.values, axis=0)
    if spread == 0.0:
        return None
    top = float(np.max(np.abs(env.values)))
    if spread > tol.NEAR_TIE_SPREAD * top:
        raise ValueError(
            f"env: values differ by less than {tol.NEAR_TIE * top:.3g} between types along a "
            f"chain that spans {spread:.3g}; the LP solver cannot resolve such differences "
            "and merging them would move values by more than "
            f"{tol.NEAR_TIE_SPREAD * top:.3g}. Round the values or merge the types")
    return Environment(V, types=env.types, alternatives=env.alternatives)


def on_original_types(m: Mechanism, env: Environment, market: Market) -> Mechanism:
    """The mechanism ``m`` of :func:`merged_near_duplicates`'s environment, offered to
    ``env``'s types: the same menu item per type (allocation, payment, LP basis)."""
    return Mechanism(env=env, market=market, allocation=m.allocation, payments=m.payments,
                     status=m.status, selection=m.selection, certificate=m.certificate)


def _mechanism_from_solution(env, market, res, bounds, selection, status, rev_obj, rev_duals=None,
                             rev_basis=None):
    n, k = env.n_types, env.n_alternatives
    z = res.x
    x = np.clip(z[: n * k].reshape(n, k), 0.0, None)
    u = z[n * k:]
    p = np.einsum("tk,tk->t", env.values, x) - u
    cert = None
    if res.col_basis is not None:
        lo_c, hi_c, lo_r, hi_r = bounds
        cert = LPCertificate(res.col_basis.copy(), res.row_basis.copy(), lo_c, hi_c, lo_r, hi_r,
                             float(rev_obj), rev_duals, rev_basis)
    return Mechanism(env=env, market=market, allocation=x, payments=p, status=status,
                     selection=selection, certificate=cert)


@dataclass(frozen=True)
class PaymentUniqueness:
    """Whether all revenue-optimal mechanisms share the payment rule (HS Theorem 1).

    Attributes
    ----------
    unique : bool                all types' payments are pinned down (within ``atol``)
    unique_on_support : bool     the same, for types with positive mass only
    payment_min, payment_max : ndarray (n,)   range of each type's payment over the optimal face
    revenue : float

    References
    ----------
    HS, Theorem 1 (uniqueness of the optimal payment rule).
    """

    unique: bool
    unique_on_support: bool
    payment_min: np.ndarray
    payment_max: np.ndarray
    revenue: float

    @property
    def spread(self) -> np.ndarray:
        return self.payment_max - self.payment_min


def payment_rule_is_unique(env: Environment, market, atol: float = tol.EQUAL,
                           dual_tol: float = tol.DUAL) -> PaymentUniqueness:
    """Decide whether every optimal mechanism has the same payment rule.

    Solves the revenue LP, restricts to its optimal face (complementary slackness with the
    optimal duals) and minimises and maximises each type's payment ``v[t] @ x[t] - u[t]``
    over the face (2n warm-started LPs). Values far from order one are solved in units of
    :func:`..tolerances.value_scale` (a power of two), and ``atol`` applies in those units.

    References
    ----------
    HS, Theorem 1 (the condition "the optimal payment rule is unique") and section 6.2.
    """
    from ..model._validate import check_tolerance

    market = check_menu_inputs(env, market)
    check_tolerance(atol, "atol")
    check_tolerance(dual_tol, "dual_tol")
    scale = tol.value_scale(env.values)
    if scale != 1.0:  # solve in units where the solver's absolute tolerances fit the values
        r = payment_rule_is_unique(Environment(env.values / scale), market.probabilities,
                                   atol=atol, dual_tol=dual_tol)
        return PaymentUniqueness(unique=r.unique, unique_on_support=r.unique_on_support,
                                 payment_min=r.payment_min * scale, payment_max=r.payment_max * scale,
                                 revenue=r.revenue * scale)
    merged = merged_near_duplicates(env)
    if merged is not None:  # the face of the merged values (each change below NEAR_TIE_SPREAD)
        return payment_rule_is_unique(merged, market.probabilities, atol=atol, dual_tol=dual_tol)
    lp, res, bounds = _solve_revenue(env, market)
    face_fix(lp, res, *bounds, dual_tol)
    n, k = env.n_types, env.n_alternatives
    lo = np.empty(n)
    hi = np.empty(n)
    for t in range(n):
        c = np.zeros(n * k + n)
        c[t * k:(t + 1) * k] = env.values[t]
        c[n * k + t] = -1.0
        for sense, out in (("min", lo), ("max", hi)):
            lp.set_objective(c, sense)
            r = lp.solve()
            if r.status is not Status.OPTIMAL:
                raise SolverError(f"payment range LP not solved: {r.status}")
            out[t] = r.objective
    spread = hi - lo
    sup = market.probabilities > 0
    return PaymentUniqueness(unique=bool(np.all(spread <= atol)),
                             unique_on_support=bool(np.all(spread[sup] <= atol)),
                             payment_min=lo, payment_max=hi, revenue=float(res.objective))


def best_posted_price(values: np.ndarray, probabilities: np.ndarray) -> tuple[float, float]:
    """Best single posted price for one alternative: (price, revenue).

    Only prices equal to some type's value need be considered (revenue p * P(v >= p) is
    maximised at a value in the support).

    References
    ----------
    BBM 2015, section 2 (the uniform monopoly price of one product).
    """
    from ..model._validate import probability_vector, real_array

    v = real_array(values, "values", ndim=1)
    f = probability_vector(probabilities, "probabilities", size=v.size)
    cand = np.unique(v[v > 0]) if np.any(v > 0) else np.array([0.0])
    revs = np.array([p * f[v >= p].sum() for p in cand])
    i = int(np.argmax(revs))
    return float(cand[i]), float(revs[i])
