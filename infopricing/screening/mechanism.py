"""Direct mechanisms (menus of lotteries and prices) and their independent verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np

from .. import tolerances as tol
from ..lp import Status
from ..model import Environment, Market
from ..verify import Verification
from ..verify.protocol import Result, Tabular


@dataclass(frozen=True)
class BindingGraph:
    """Binding IC and IR constraints of a mechanism (HS section 6.1.2).

    ``ic[t, s]`` is True when type t is indifferent between its own menu item and type s's
    (t's IC constraint against s binds); ``ir[t]`` when t's surplus is zero. As a directed
    graph, an edge t -> s means "t's surplus is pinned down by s's"; HS information-rent
    paths follow these edges to a type with a binding IR constraint.

    References
    ----------
    HS, section 6.1.2 (binding constraints and information-rent paths).
    """

    ic: np.ndarray
    ir: np.ndarray

    def edges(self) -> list[tuple[int, int]]:
        T, S = np.nonzero(self.ic)
        return list(zip(T.tolist(), S.tolist()))

    def successors(self, t: int) -> list[int]:
        return np.flatnonzero(self.ic[t]).tolist()


@dataclass(frozen=True)
class LPCertificate:
    """What is needed to re-solve the mechanism's vertex exactly: the final basis of the
    selection LP and the bounds of the optimal face it was taken on."""

    col_basis: np.ndarray
    row_basis: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    revenue_stage_objective: float
    #: row duals of the revenue stage over ALL rows of :func:`build_menu_lp` (zero for rows a
    #: lazy method never added): a dual certificate of revenue optimality, see
    #: :func:`revenue_dual_bound`.
    revenue_duals: np.ndarray | None = None
    #: (col_basis, row_basis) of the revenue stage over all rows of :func:`build_menu_lp`
    #: (rows a lazy method never added: basic): re-solved exactly it gives the exact dual
    #: point of ``verify(exact=True)``'s optimality certificate.
    revenue_basis: tuple | None = None


@dataclass(frozen=True, eq=False, repr=False)
class Mechanism(Result, Tabular):
    """An IC-IR direct mechanism for an environment (HS section 4).

    Attributes
    ----------
    env : Environment
    market : Market or None       the market it was optimised for (None when built by hand)
    allocation : ndarray (n, k)    probabilities over alternatives; 1 - row sum = outside option
    payments : ndarray (n,)        payments on net values (= seller profit per type)
    status : Status
    selection : str                selection rule used among optimal mechanisms
    certificate : LPCertificate or None

    Derived: ``utilities`` (surplus per type), ``consumer_surplus`` (same, per type),
    ``prices`` (gross: payments plus expected production cost), ``revenue``,
    ``total_surplus``, ``is_efficient``, ``binding``.

    References
    ----------
    HS, section 4 (direct mechanisms, incentive compatibility and individual rationality).

    Examples
    --------
    A posted price of 2 in HS Section 3's single-product environment (values 1 and 2)
    as a direct mechanism: t1 does not buy, t2 buys at 2 (by hand: revenue 2 x 3/4 =
    1.5 with a quarter of t1):

    >>> import infopricing as ip
    >>> env = ip.catalog.hs_section3_single_product()
    >>> m = ip.Mechanism(env, ip.Market(env, [0.25, 0.75]), [[0.0], [1.0]], [0.0, 2.0])
    >>> round(m.revenue, 4), m.consumer_surplus.tolist(), m.verify().ok
    (1.5, [0.0, 0.0], True)
    """

    env: Environment
    market: Market | None
    allocation: np.ndarray
    payments: np.ndarray
    status: Status = Status.OPTIMAL
    selection: str = "efficient"
    certificate: LPCertificate | None = field(default=None, repr=False)

    def __post_init__(self):
        a = np.array(self.allocation, dtype=float)
        p = np.array(self.payments, dtype=float)
        n, k = self.env.n_types, self.env.n_alternatives
        if a.shape != (n, k):
            raise ValueError(f"allocation must have shape {(n, k)}, got {a.shape}")
        if p.shape != (n,):
            raise ValueError(f"payments must have shape {(n,)}, got {p.shape}")
        a.setflags(write=False)
        p.setflags(write=False)
        object.__setattr__(self, "allocation", a)
        object.__setattr__(self, "payments", p)

    # -- derived quantities --------------------------------------------------------
    @cached_property
    def utilities(self) -> np.ndarray:
        """Surplus of each type from its own menu item, ``v[t] @ x[t] - p[t]``."""
        return np.einsum("tk,tk->t", self.env.values, self.allocation) - self.payments

    @property
    def consumer_surplus(self) -> np.ndarray:
        """Per-type consumer surplus (same as :attr:`utilities`)."""
        return self.utilities

    @cached_property
    def prices(self) -> np.ndarray:
        """Gross prices: payment plus the expected production cost of the lottery."""
        return self.payments + self.allocation @ self.env.costs

    @cached_property
    def values_received(self) -> np.ndarray:
        """Net value each type receives, ``v[t] @ x[t]`` (its total surplus contribution)."""
        return np.einsum("tk,tk->t", self.env.values, self.allocation)

    def _weights(self, market=None) -> np.ndarray:
        m = market if market is not None else self.market
        if m is None:
            raise ValueError("this mechanism has no market; pass one")
        return m.probabilities if isinstance(m, Market) else np.asarray(m, dtype=float)

    def revenue_in(self, market) -> float:
        return float(self._weights(market) @ self.payments)

    @property
    def revenue(self) -> float:
        """Expected revenue (profit, on net values) in :attr:`market`."""
        return self.revenue_in(None)

    @property
    def total_surplus(self) -> float:
        """Expected net value created in :attr:`market`."""
        return float(self._weights() @ self.values_received)

    @property
    def expected_consumer_surplus(self) -> float:
        return float(self._weights() @ self.utilities)

    def efficient_types(self, atol: float = tol.FEAS) -> np.ndarray:
        """Boolean (n,): the type's allocation attains its efficient value (``atol`` in
        units of ``tolerances.value_scale(values)``)."""
        return self.values_received >= self.env.efficient_value - atol * tol.value_scale(self.env.values)

    @property
    def is_efficient(self) -> bool:
        """Every type (zero-mass types included: HS defines efficiency of the allocation
        rule) receives an efficient allocation."""
        return bool(np.all(self.efficient_types()))

    def binding_with(self, atol: float = tol.BINDING) -> BindingGraph:
        """IC and IR constraints with slack at most ``atol`` (in units of
        ``tolerances.value_scale(values)``)."""
        U = self.env.values @ self.allocation.T - self.payments[None, :]  # U[t, s]
        own = np.diag(U)
        atol = atol * tol.value_scale(self.env.values)
        ic = (own[:, None] - U) <= atol
        np.fill_diagonal(ic, False)
        ir = own <= atol
        ic.setflags(write=False)
        ir.setflags(write=False)
        return BindingGraph(ic=ic, ir=ir)

    @cached_property
    def binding(self) -> BindingGraph:
        return self.binding_with()

    # -- verification --------------------------------------------------------------
    def _summary(self) -> dict:
        # the revenue and consumer surplus first (what a notebook reader looks for), when
        # the mechanism has a market
        head = {} if self.market is None else {
            "revenue": float(self.revenue),
            "expected_consumer_surplus": float(self.expected_consumer_surplus)}
        return {**head, **super()._summary()}

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check feasibility, IC and IR without the solver.

        ``exact=False``: vectorised floating check with tolerance ``atol`` (for IC, IR,
        payments and the duality gap in units of ``tolerances.value_scale(values)``: 1 for
        values of ordinary size, a power of two near the largest value otherwise).
        ``exact=True``: re-solve the vertex exactly from the LP basis (when the mechanism
        came from :func:`optimal_mechanism`; otherwise the floating allocation and payments
        are read as exact rationals) and check every constraint in ``Fraction``
        arithmetic with zero tolerance; the exact answer must also be within ``atol`` of
        the floating one (and, when it comes from the basis, within rounding,
        ``tolerances.ROUNDING``, or it is not the certified menu). For an optimal-status
        mechanism with a market, optimality is then *proven*: an exact dual point (the
        revenue stage's basis re-solved in rationals, repaired by exact pivots when the
        float basis is optimal only to rounding; a fresh solve for a hand-built menu) must
        be exactly feasible with the same objective as the exact menu
        (:func:`exact_optimality`); a menu losing 1e-15 of revenue fails, and an exact
        check that cannot be completed fails and says so. ``details`` then holds
        ``exact_revenue``, ``exact_gap`` and ``exact_certificate``.
        """
        return verify_mechanism(self, exact=exact, atol=atol)

    def exact_certificate(self, backend: str = "auto"):
        """Exact optimality certificate of this menu's revenue in its market: the menu LP
        (:mod:`.lp_build`, variables ``x[t, a]`` at ``t * k + a`` then ``u[t]``), the exact
        menu as its primal point and an exact dual (see :func:`exact_optimality`).
        ``.to_json(path)`` writes it for ``infopricing/verify/check_certificate.py``.
        Raises ValueError when the menu has no market or the certificate does not hold."""
        import dataclasses

        if self.market is None:
            raise ValueError("this mechanism has no market; optimality needs one")
        oc = exact_optimality(self, backend=backend)
        if not oc.ok:
            raise ValueError("the exact optimality certificate does not hold: " + "; ".join(oc.failures[:5]))
        from ..verify.exact_lp import headline

        return dataclasses.replace(oc, problem=headline({
            "kind": "menu (HS section 4 revenue LP)", "types": list(self.env.types),
            "alternatives": list(self.env.alternatives), **menu_problem(self.env, oc.lp)},
            oc.lp.field.frac(oc.objective), reported={"revenue": self.revenue},
            claims={"revenue": lambda obj, problem: obj}))

    # -- presentation helpers ------------------------------------------------------
    def menu_items(self, atol: float = tol.EQUAL):
        """Distinct (lottery, price) pairs with the types choosing each."""
        unit = tol.value_scale(self.env.values)
        items = []
        for t in range(self.env.n_types):
            for it in items:
                if (np.allclose(it["allocation"], self.allocation[t], atol=atol)
                        and abs(it["payment"] - self.payments[t]) <= atol * unit):
                    it["types"].append(self.env.types[t])
                    break
            else:
                items.append({"allocation": self.allocation[t].copy(), "payment": float(self.payments[t]),
                              "price": float(self.prices[t]), "types": [self.env.types[t]]})
        return items

    def _table(self) -> dict:
        """One row per type: allocation over the alternatives, payment, price, surplus."""
        env = self.env
        cols = {f"x[{a}]": self.allocation[:, j] for j, a in enumerate(env.alternatives)}
        return {"index": list(env.types), **cols, "payment": self.payments, "price": self.prices,
                "consumer_surplus": self.utilities}

    def as_dict(self) -> dict:
        env = self.env
        d = {
            "types": list(env.types), "alternatives": list(env.alternatives),
            "allocation": self.allocation.tolist(), "payments": self.payments.tolist(),
            "prices": self.prices.tolist(), "consumer_surplus": self.utilities.tolist(),
            "is_efficient": self.is_efficient, "status": str(self.status.value),
            "selection": self.selection,
            "binding_ic": [[env.types[t], env.types[s]] for t, s in self.binding.edges()],
            "binding_ir": [env.types[t] for t in np.flatnonzero(self.binding.ir)],
        }
        if self.market is not None:
            d.update(probabilities=self.market.probabilities.tolist(), revenue=self.revenue,
                     total_surplus=self.total_surplus,
                     expected_consumer_surplus=self.expected_consumer_surplus)
        return d

    def menu_table(self, max_rows: int | None = None):
        """A rich table of the menu, one row per type; with ``max_rows`` only the types of
        largest mass (in type order) are shown and the caption says how many were left out."""
        from rich.table import Table

        env = self.env
        shown = np.arange(env.n_types)
        if max_rows is not None and env.n_types > max_rows:
            w = self.market.probabilities if self.market is not None else np.ones(env.n_types)
            shown = np.sort(np.argsort(-w, kind="stable")[:max(int(max_rows), 0)])
        # a menu that is only proven within a gap (the anytime answer) is not called optimal
        head = "Optimal menu" if self.status != Status.WITHIN_GAP else "IC-IR menu (proven within a gap)"
        t = Table(title=head + (f" (selection: {self.selection})" if self.selection else ""))
        if shown.size < env.n_types:
            t.caption = (f"{shown.size} of {env.n_types} types shown (largest mass); "
                         f"--json prints all")
        t.add_column("type")
        if self.market is not None:
            t.add_column("mass", justify="right")
        t.add_column("lottery")
        t.add_column("price", justify="right")
        t.add_column("surplus", justify="right")
        t.add_column("efficient")
        eff = self.efficient_types()
        for i in shown.tolist():
            lot = ", ".join(f"{env.alternatives[a]}:{self.allocation[i, a]:.4g}"
                            for a in range(env.n_alternatives) if self.allocation[i, a] > 1e-9) or "outside option"
            row = [env.types[i]]
            if self.market is not None:
                row.append(f"{self.market.probabilities[i]:.4g}")
            row += [lot, f"{_clean(self.prices[i]):.6g}", f"{_clean(self.utilities[i]):.6g}", str(bool(eff[i]))]
            t.add_row(*row)
        return t


def _clean(x: float) -> float:
    return 0.0 if abs(x) < 5e-13 else float(x)


def verify_mechanism(mech: Mechanism, exact: bool = False, atol: float = tol.FEAS,
                     optimality: bool = True) -> Verification:
    """See :meth:`Mechanism.verify`; ``optimality=False`` skips the exact optimality
    certificate (callers that only need the exact menu and judge optimality themselves)."""
    from ..model._validate import check_flag, check_tolerance

    check_flag(exact, "exact")
    check_tolerance(atol, "atol")
    env = mech.env
    v = env.values
    x = mech.allocation
    p = mech.payments
    failures: list[str] = []
    details = {}
    # value-denominated checks (IC, IR, payments, duality gap) in the units the LP was
    # solved in; allocation checks are unit-free (tolerances.value_scale)
    unit = tol.value_scale(v)
    cert = mech.certificate
    if cert is not None and cert.revenue_duals is not None and mech.market is not None:
        # in the solver's units: the allocation columns' reduced costs carry the value unit,
        # the utility columns' do not, so one tolerance fits both only there
        y = np.array(cert.revenue_duals, dtype=float)
        y[: env.n_types] /= unit
        b_u, dual_inf = revenue_dual_bound(v / unit, mech.market, y)
        bound = b_u * unit
        gap = bound - mech.revenue
        details.update(dual_bound=bound, duality_gap=gap, dual_infeasibility=dual_inf)
        if gap / unit > atol * max(1.0, abs(b_u)) or dual_inf > atol:
            failures.append(f"optimality certificate fails: dual bound {bound:.10g} vs revenue "
                            f"{mech.revenue:.10g}, dual infeasibility {dual_inf:.3g}")
    if not exact:
        viol = 0.0
        neg = float(max(0.0, -x.min()))
        over = float(max(0.0, (x.sum(axis=1) - 1).max()))
        U = v @ x.T - p[None, :]
        own = np.diag(U)
        ir = float(max(0.0, -own.min()))
        icv = float(max(0.0, (U - own[:, None]).max()))
        for name, val, u_ in (("negative allocation probability", neg, 1.0),
                              ("allocation sums above 1", over, 1.0),
                              ("IR violated", ir, unit), ("IC violated", icv, unit)):
            viol = max(viol, val)
            if val > atol * u_:
                failures.append(f"{name} by {val:.3g}")
        return Verification(ok=not failures, failures=tuple(failures), max_violation=viol,
                            exact=False, details=details)

    xe, pe, from_basis = _exact_point(mech)
    n, k = v.shape
    from ..exact_numbers import exact_values

    V = exact_values(env)  # exact model data: exact_numbers.py

    from ..verify.ic_ir import exact_ic_ir
    found, worst = exact_ic_ir(V, xe, pe, names=env.types, alternatives=env.alternatives)
    failures.extend(found)
    dev_x = max(abs(float(xe[t][a]) - x[t, a]) for t in range(n) for a in range(k))
    dev_p = max(abs(float(pe[t]) - p[t]) for t in range(n))
    dev = max(dev_x, dev_p)
    if dev_x > atol or dev_p > atol * unit:
        failures.append(f"exact vertex differs from the floating answer by {dev:.3g}")
    elif from_basis and (dev_x > tol.ROUNDING or dev_p > tol.ROUNDING * unit):
        # the floats claim to be the basis's vertex: more than rounding apart, they are a
        # different menu, and that menu (read exactly) must prove itself
        failures.append(f"the floating menu is {dev:.3g} from its basis's exact vertex (more than "
                        f"rounding, tolerances.ROUNDING = {tol.ROUNDING:g}): it is not the certified menu")
    details.update(allocation=xe, payments=pe, deviation=dev,
                   exact_point="basis" if from_basis else "floats")
    if optimality and mech.market is not None and mech.status is Status.OPTIMAL:
        oc = exact_optimality(mech, xe, pe)
        if not oc.ok and from_basis and oc.complete and not found:
            oc, note = _repaired_optimality(mech, oc, x, p, unit)
            if note:
                details["repair"] = note
                if oc.ok:
                    details.update(exact_point="repaired basis")
        details.update(exact_certificate=oc, exact_revenue=oc.objective and oc.lp.field.frac(oc.objective),
                       exact_gap=oc.gap)
        if not oc.ok:
            failures += [f"exact optimality certificate: {f}" for f in oc.failures[:10]]
    return Verification(ok=not failures, failures=tuple(failures[:20]), max_violation=float(worst),
                        exact=True, details=details)


def _repaired_optimality(mech, oc, x, p, unit):
    """When the solver's basis re-solved exactly is feasible but not exactly optimal (the
    float solve broke an exact tie of the data, by 1e-17), exact primal simplex pivots
    (:func:`~infopricing.lp.exact_certificate.repair_basis`) find an exactly optimal basis.
    If its exact vertex is the floating menu up to rounding (``tolerances.ROUNDING``), the
    menu is certified at that vertex; otherwise the menu is not the exact optimum and the
    note says what the exact optimum is. Returns (certificate, note or "")."""
    import dataclasses as _dc

    from ..lp.exact_certificate import REPAIR_MAX_ROWS, basis_primal, certify, repair_basis

    cert = mech.certificate
    basis = cert.revenue_basis if cert is not None else None
    lp = oc.lp
    if basis is None or lp.shape[0] > REPAIR_MAX_ROWS:
        return oc, ""
    try:
        try:
            rb = repair_basis(lp, basis[0], basis[1])
        except ValueError:
            # the basis is exactly infeasible (a degenerate vertex whose floats broke an exact
            # tie): exact phase-1 pivots to a feasible basis first (lp/exact_vertex.py)
            from ..lp.exact_vertex import exact_feasible_basis

            Fq = lp.field
            Ae = {(i, j): Fq.frac(v) for i, r in enumerate(lp.rows) for j, v in r.items()}
            bd = [[None if b is None else Fq.frac(b) for b in a]
                  for a in (lp.col_lower, lp.col_upper, lp.row_lower, lp.row_upper)]
            fb = exact_feasible_basis(Ae, lp.shape, *bd, basis[0], basis[1])
            rb = repair_basis(lp, *fb)
        z = basis_primal(lp, *rb)
    except ValueError as exc:
        return oc, f"exact basis repair failed: {exc}"
    alt = certify(lp, primal=z, dual_basis=rb)
    if not alt.ok:
        return oc, "exact basis repair found no certified vertex"
    n, k = mech.env.n_types, mech.env.n_alternatives
    from ..exact_numbers import exact_values

    V = exact_values(mech.env)
    F = lp.field
    z = [F.frac(v) for v in z]
    xe = [[z[t * k + a] for a in range(k)] for t in range(n)]
    pe = [sum((V[t][a] * xe[t][a] for a in range(k)), Fraction(0)) - z[n * k + t] for t in range(n)]
    dev_x = max(abs(float(F.frac(xe[t][a])) - x[t, a]) for t in range(n) for a in range(k))
    dev_p = max(abs(float(F.frac(pe[t])) - p[t]) for t in range(n))
    if dev_x <= tol.ROUNDING and dev_p <= tol.ROUNDING * unit:
        return alt, ("the solver's basis was exactly optimal only up to rounding; exact pivots "
                     "reached an exactly optimal basis whose vertex is this menu")
    g = F.frac(alt.objective) - F.frac(oc.objective) if oc.objective is not None else None
    return _dc.replace(oc, failures=oc.failures + (
        f"the exactly optimal menu is another vertex (exact revenue {F.frac(alt.objective)}, "
        f"{'' if g is None else f'{float(g):.3g} more; '}menus {max(dev_x, dev_p):.3g} apart): "
        "the floats broke an exact tie of the data",)), "repair found a different optimal menu"


def menu_lp_exact(env: Environment, market, backend: str = "auto"):
    """The full menu LP of ``env`` with the revenue objective of ``market``, in exact rational
    arithmetic (values and masses read exactly as given: :mod:`infopricing.exact_numbers`)."""
    from ..lp.exact_certificate import rational_lp
    from ..exact_numbers import exact_masses, exact_values
    from .lp_build import build_menu_lp, exact_matrix, revenue_objective

    F = list(exact_masses(market))
    f = np.array([float(q) for q in F])
    A, lo_r, hi_r, lo_c, hi_c = build_menu_lp(env.values)
    n, k = env.n_types, env.n_alternatives
    V = exact_values(env)
    c_exact = [F[t] * V[t][a] for t in range(n) for a in range(k)] + [-q for q in F]
    return rational_lp(revenue_objective(env.values, f), A, lo_r, hi_r, lo_c, hi_c, sense="max",
                       A_exact=exact_matrix(env.values, V=V), c_exact=c_exact, backend=backend)


def menu_problem(env: Environment, lp) -> dict:
    """The model data of an exact menu LP (:func:`menu_lp_exact`) for an exported
    certificate, exact as [numerator, denominator] pairs, with the name of the LP's layout
    (``builder``) by which ``infopricing/verify/check_certificate.py`` rebuilds the LP from
    them: the masses are read off the LP's objective (the coefficient of ``u[t]`` is
    ``-f[t]``), the values are the environment's exact values."""
    from ..exact_numbers import exact_values

    n, k = env.n_types, env.n_alternatives
    F = lp.field
    pair = lambda q: [F.frac(q).numerator, F.frac(q).denominator]
    return {"builder": "hs-menu-revenue", "n_types": n, "n_alternatives": k,
            "values": [[pair(v) for v in row] for row in exact_values(env)],
            "probabilities": [pair(-lp.c[n * k + t]) for t in range(n)],
            "variables": "x[t, a] at t * n_alternatives + a, then u[t] at n_types * n_alternatives + t"}


def exact_optimality(mech: Mechanism, xe=None, pe=None, backend: str = "auto", masses=None):
    """Exact optimality certificate of ``mech``'s revenue in its market
    (:class:`~infopricing.lp.exact_certificate.ExactCertificate`).

    Primal point: the exact menu (``xe``, ``pe``; by default :func:`_exact_point`) as the
    menu LP's (x, u). Dual point: the revenue stage's basis re-solved exactly; a mechanism
    without one (built by hand, or from an LP too large to keep a basis) gets it from a
    fresh solve of the revenue LP (the dual it yields is then checked exactly like any
    other). The certificate holds when the menu is exactly feasible and its exact revenue
    equals the exact dual bound: the menu is revenue-optimal, not just within a tolerance.
    ``masses`` (e.g. exact ``Fraction`` masses of which the market's floats are the
    rounding) replaces the market's probabilities in the objective.

    References
    ----------
    HS, section 4 (the menu LP); LP weak duality.
    """
    from ..lp.exact_certificate import certify

    if mech.market is None:
        raise ValueError("this mechanism has no market; optimality needs one")
    if xe is None or pe is None:
        xe, pe, _ = _exact_point(mech)
    env = mech.env
    n, k = env.n_types, env.n_alternatives
    lp = menu_lp_exact(env, mech.market if masses is None else list(masses), backend=backend)
    from ..exact_numbers import exact_values

    V = exact_values(env)
    ue = [sum((V[t][a] * xe[t][a] for a in range(k)), Fraction(0)) - pe[t] for t in range(n)]
    z = [xe[t][a] for t in range(n) for a in range(k)] + ue
    cert = mech.certificate
    basis = cert.revenue_basis if cert is not None else None
    if basis is None:
        from .optimal import optimal_mechanism

        ref = optimal_mechanism(env, mech.market, method="full" if n <= 200 else "auto")
        basis = ref.certificate.revenue_basis if ref.certificate is not None else None
    if basis is None:
        return certify(lp, primal=z)  # incomplete: says so
    return certify(lp, primal=z, dual_basis=basis)


def revenue_dual_bound(env, market, row_duals):
    """Upper bound on the optimal revenue from any row multipliers (weak duality).

    For ``max c.z`` s.t. ``lo_r <= A z <= hi_r``, ``lo_c <= z <= hi_c`` and any ``y``:
    ``c.z = y.(A z) + d.z`` with ``d = c - A^T y``, so ``c.z <= sum_i sup y_i [lo_r, hi_r]
    + sum_j sup d_j [lo_c, hi_c]``. Parts that would be infinite (a multiplier of the wrong
    sign on an unbounded side) are dropped and their size is returned as the dual
    infeasibility. Computed with numpy only: it does not trust the solver's optimality claim.
    ``env`` may be an Environment or its net value matrix, ``market`` a Market or its
    probability vector.

    Returns (bound, dual_infeasibility).
    """
    from .lp_build import build_menu_lp, revenue_objective

    values = env if isinstance(env, np.ndarray) else env.values
    f = market if isinstance(market, np.ndarray) else market.probabilities
    A, lo_r, hi_r, lo_c, hi_c = build_menu_lp(values)
    from ..lp.weak_duality import weak_duality_bound

    y = np.asarray(row_duals, dtype=float)
    c = revenue_objective(values, f)
    return weak_duality_bound(y, c - A.T @ y, lo_r, hi_r, lo_c, hi_c)


def _exactly_within(A_exact: dict, shape, z, cert) -> bool:
    """Whether the exact point ``z`` satisfies the face LP's column and row bounds exactly."""
    m, n = shape
    for j in range(n):
        lo, hi = cert.col_lower[j], cert.col_upper[j]
        if (np.isfinite(lo) and z[j] < Fraction(float(lo))) or (np.isfinite(hi) and z[j] > Fraction(float(hi))):
            return False
    act = [Fraction(0)] * m
    for (i, j), v in A_exact.items():
        if v:
            act[i] += v * z[j]
    for i in range(m):
        lo, hi = cert.row_lower[i], cert.row_upper[i]
        if (np.isfinite(lo) and act[i] < Fraction(float(lo))) or (np.isfinite(hi) and act[i] > Fraction(float(hi))):
            return False
    return True


def _exactly_optimal_vertex(env, market, A, Ae, bounds, cert):
    """An exactly revenue-optimal vertex of the menu LP on the exact data, reached from the
    solver's final basis by exact phase-1 pivots (feasibility) and exact primal simplex
    pivots (revenue); None when there is no market or the pivots fail."""
    if market is None:
        return None
    from ..lp.exact_certificate import REPAIR_MAX_ROWS, basis_primal, rational_lp, repair_basis
    from ..lp.exact_vertex import exact_feasible_basis
    from .lp_build import revenue_objective

    if A.shape[0] > REPAIR_MAX_ROWS:
        return None
    from ..exact_numbers import exact_market

    lo_c, hi_c, lo_r, hi_r = bounds
    try:
        cb, rb = exact_feasible_basis(Ae, A.shape, lo_c, hi_c, lo_r, hi_r, cert.col_basis, cert.row_basis)
        fe = exact_market(market)
        n, k = env.n_types, env.n_alternatives
        V = exact_values_of(env)
        c_exact = [fe[t] * V[t][a] for t in range(n) for a in range(k)] + [-fe[t] for t in range(n)]
        lp = rational_lp(revenue_objective(env.values, market.probabilities), A, lo_r, hi_r, lo_c,
                         hi_c, sense="max", A_exact=Ae, c_exact=c_exact, backend="fraction")
        return basis_primal(lp, *repair_basis(lp, cb, rb))
    except ValueError:
        return None


def exact_values_of(env):
    from ..exact_numbers import exact_values

    return exact_values(env)


def _exact_point(mech: Mechanism):
    """Exact allocation and payments: from the LP basis when there is one, otherwise the
    floating values read as exact rationals."""
    env = mech.env
    n, k = env.n_types, env.n_alternatives
    cert = mech.certificate
    if cert is None:
        xe = [[Fraction(float(mech.allocation[t, a])) for a in range(k)] for t in range(n)]
        pe = [Fraction(float(mech.payments[t])) for t in range(n)]
        return xe, pe, False
    from ..lp import exact_basic_solution
    from .lp_build import build_menu_lp, exact_matrix

    from ..exact_numbers import exact_values

    V = exact_values(env)
    A, lo_r, hi_r, lo_c, hi_c = build_menu_lp(env.values)
    Ae = exact_matrix(env.values, V=V)
    z = exact_basic_solution(A, cert.col_lower, cert.col_upper, cert.row_lower, cert.row_upper,
                             cert.col_basis, cert.row_basis, A_exact=Ae)
    if not _exactly_within(Ae, A.shape, z, cert):
        from ..lp.exact_vertex import exact_feasible_basis

        # a degenerate vertex whose float basis, re-solved on the exact data (which the
        # floats only approximate), is infeasible by rounding: exact phase-1 pivots from
        # that basis find an exactly feasible one: on the optimal face when its bounds hold
        # exactly on the exact data; else (the face, fixed by the float duals, is empty on
        # the exact data: the floats broke an exact tie) on the menu LP itself, followed by
        # exact primal simplex pivots on the revenue objective to an exactly optimal vertex.
        # The caller checks that the vertex found is the floating menu up to rounding
        # (tolerances.ROUNDING), so a menu that is not the exact optimum is still refused.
        try:
            cb, rb = exact_feasible_basis(Ae, A.shape, cert.col_lower, cert.col_upper,
                                          cert.row_lower, cert.row_upper, cert.col_basis, cert.row_basis)
            z = exact_basic_solution(A, cert.col_lower, cert.col_upper, cert.row_lower,
                                     cert.row_upper, cb, rb, A_exact=Ae)
        except ValueError:
            z = _exactly_optimal_vertex(env, mech.market, A, Ae, (lo_c, hi_c, lo_r, hi_r), cert) or z
    xe = [[z[t * k + a] for a in range(k)] for t in range(n)]
    ue = [z[n * k + t] for t in range(n)]
    pe = [sum((V[t][a] * xe[t][a] for a in range(k)), Fraction(0)) - ue[t] for t in range(n)]
    return xe, pe, True
