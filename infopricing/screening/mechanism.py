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


@dataclass(frozen=True, eq=False)
class Mechanism:
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
    def verify(self, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check feasibility, IC and IR without the solver.

        ``exact=False``: vectorised floating check with tolerance ``atol`` (for IC, IR,
        payments and the duality gap in units of ``tolerances.value_scale(values)``: 1 for
        values of ordinary size, a power of two near the largest value otherwise).
        ``exact=True``: re-solve the vertex exactly from the LP basis (when the mechanism
        came from :func:`optimal_mechanism`; otherwise the floating allocation and payments
        are read as exact rationals) and check every constraint in ``Fraction``
        arithmetic with zero tolerance; the exact answer must also be within ``atol`` of
        the floating one.
        """
        return verify_mechanism(self, exact=exact, atol=atol)

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
        t = Table(title="Optimal menu" + (f" (selection: {self.selection})" if self.selection else ""))
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


def verify_mechanism(mech: Mechanism, exact: bool = False, atol: float = tol.FEAS) -> Verification:
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

    xe, pe = _exact_point(mech)
    n, k = v.shape
    V = [[Fraction(float(v[t, a])) for a in range(k)] for t in range(n)]
    val = [sum((V[t][a] * xe[s][a] for a in range(k)), Fraction(0)) for t in range(n) for s in range(n)]
    U = [[val[t * n + s] - pe[s] for s in range(n)] for t in range(n)]
    worst = Fraction(0)
    for t in range(n):
        for a in range(k):
            if xe[t][a] < 0:
                failures.append(f"x[{env.types[t]},{env.alternatives[a]}] = {xe[t][a]} < 0")
                worst = max(worst, -xe[t][a])
        s_ = sum(xe[t], Fraction(0))
        if s_ > 1:
            failures.append(f"allocation of {env.types[t]} sums to {s_} > 1")
            worst = max(worst, s_ - 1)
        if U[t][t] < 0:
            failures.append(f"IR of {env.types[t]} violated by {-U[t][t]}")
            worst = max(worst, -U[t][t])
        for s in range(n):
            if U[t][s] > U[t][t]:
                failures.append(f"IC {env.types[t]} -> {env.types[s]} violated by {U[t][s] - U[t][t]}")
                worst = max(worst, U[t][s] - U[t][t])
    dev_x = max(abs(float(xe[t][a]) - x[t, a]) for t in range(n) for a in range(k))
    dev_p = max(abs(float(pe[t]) - p[t]) for t in range(n))
    dev = max(dev_x, dev_p)
    if dev_x > atol or dev_p > atol * unit:
        failures.append(f"exact vertex differs from the floating answer by {dev:.3g}")
    return Verification(ok=not failures, failures=tuple(failures[:20]), max_violation=float(worst),
                        exact=True, details={**details, "allocation": xe, "payments": pe, "deviation": dev})


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
    y = np.asarray(row_duals, dtype=float)
    c = revenue_objective(values, f)
    d = c - A.T @ y

    def side(w, lo, hi):
        up = np.where(w > 0, hi, lo)  # the bound each multiplier pushes against
        fin = np.isfinite(up) | (w == 0)
        return float(np.sum(np.where(fin & (w != 0), w * np.where(np.isfinite(up), up, 0.0), 0.0))), \
            float(np.max(np.abs(w[~fin]), initial=0.0))

    b1, i1 = side(y, lo_r, hi_r)
    b2, i2 = side(d, lo_c, hi_c)
    return b1 + b2, max(i1, i2)


def _exact_point(mech: Mechanism):
    """Exact allocation and payments: from the LP basis when there is one, otherwise the
    floating values read as exact rationals."""
    env = mech.env
    n, k = env.n_types, env.n_alternatives
    cert = mech.certificate
    if cert is None:
        xe = [[Fraction(float(mech.allocation[t, a])) for a in range(k)] for t in range(n)]
        pe = [Fraction(float(mech.payments[t])) for t in range(n)]
        return xe, pe
    from ..lp import exact_basic_solution
    from .lp_build import build_menu_lp, exact_matrix

    A, *_ = build_menu_lp(env.values)
    z = exact_basic_solution(A, cert.col_lower, cert.col_upper, cert.row_lower, cert.row_upper,
                             cert.col_basis, cert.row_basis, A_exact=exact_matrix(env.values))
    xe = [[z[t * k + a] for a in range(k)] for t in range(n)]
    ue = [z[n * k + t] for t in range(n)]
    V = [[Fraction(float(env.values[t, a])) for a in range(k)] for t in range(n)]
    pe = [sum((V[t][a] * xe[t][a] for a in range(k)), Fraction(0)) - ue[t] for t in range(n)]
    return xe, pe
