"""Pareto-improving segmentation of multi-product markets, constructively (HS section 6).

* :func:`information_rent_path` — the path of binding IC constraints from a type to a
  zero-surplus type (HS section 6.1.2).
* :func:`pareto_dominating_market` — HS Proposition 3's construction M -> M1 -> M2 -> M*
  and the Lemma 5 market f' (explicit rational proportions) on which M* is the unique
  optimal mechanism, confirmed by solving the menu LP on f'.
* :func:`pareto_improving_segmentation` — HS Theorem 1: f = eps f' + (1 - eps) f'' with
  f'' keeping f's optimal mechanism (method ``"theorem"``), or the exact decision procedure
  of :mod:`infopricing.segmentation.exact_decision` (method ``"exact"``).

All constructions run in exact rational arithmetic on the exact vertex of the selected
optimal mechanism (re-solved from the LP basis), so "binds" means "holds with equality".
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .. import tolerances as tol
from ..model import Environment, Market
from ..screening import Mechanism, Verification, optimal_mechanism, payment_rule_is_unique
from ..screening.optimal import SELECTIONS, _check_inputs
from . import units
from .segment_welfare import (ParetoImprovement, Segmentation, _exact_values, efficient_on_support,
                              revenue_upper_bound)
from ..verify.ic_ir import exact_ic_ir, utility_matrix as _utility_matrix
from ..verify.protocol import Result, records_params, worst_status
from .._progress import check_progress

__all__ = ["InformationRentPath", "information_rent_path", "DominatingMarket",
           "pareto_dominating_market", "pareto_improving_segmentation",
           "single_product_pareto_segmentation", "ParetoAnalysis", "pareto_analysis"]


# ---------------------------------------------------------------------------------------
# exact mechanism data
# ---------------------------------------------------------------------------------------
def _verified_exact_point(mech: Mechanism):
    """Exact (allocation, payments) of a mechanism: the LP vertex re-solved exactly when the
    mechanism came from the solver, otherwise its floats read as exact rationals."""
    from ..screening.mechanism import verify_mechanism

    chk = verify_mechanism(mech, exact=True, optimality=False)  # optimality is judged by the caller
    if not chk.ok:
        raise ValueError("mechanism does not verify exactly: " + "; ".join(chk.failures))
    return chk.details["allocation"], chk.details["payments"]


def _check_ic_ir(V, X, P, types, label=""):
    """Exact IC/IR/feasibility check over the given types; returns a list of failures."""
    return [label + f for f in exact_ic_ir(V, X, P, types=types)[0]]


# ---------------------------------------------------------------------------------------
# Information-rent paths (HS 6.1.2)
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class InformationRentPath(Result):
    """A path of binding IC constraints ending at a zero-surplus type (HS section 6.1.2).

    Attributes
    ----------
    mechanism : Mechanism
    types : tuple of int       t = types[0] -> types[1] -> ... -> types[-1]; every step is a
                               binding IC constraint, the last type has surplus 0
    labels : tuple of str
    surplus : tuple            surplus of each type on the path (Fraction when exact)
    payments : tuple           payment of each type on the path
    efficient : tuple of bool  whether each type's allocation is efficient
    exact : bool               binding decided in exact arithmetic (equality)

    References
    ----------
    HS, section 6.1.2 (construction of the set S in the proof of Proposition 3).

    Examples
    --------
    >>> import infopricing as ip
    >>> m = ip.optimal_mechanism(ip.catalog.hs_section3(), [0.5, 0.5])
    >>> p = ip.information_rent_path(m, 1)          # t2 -> t1 (HS section 6.1.2)
    >>> p.types, [str(x) for x in p.payments], p.verify().ok
    ((1, 0), ['7/4', '3/4'], True)
    """

    mechanism: Mechanism
    types: tuple
    labels: tuple
    surplus: tuple
    payments: tuple
    efficient: tuple
    exact: bool = True

    def verify(self, *, exact: bool = False, atol: float = tol.BINDING) -> Verification:
        """Re-check that each consecutive IC constraint binds (and holds), that the last
        type's IR binds, and that payments weakly decrease along the path when the first
        type's allocation is inefficient (HS 6.1.2)."""
        env = self.mechanism.env
        failures = []
        if exact:
            X, P = _verified_exact_point(self.mechanism)
            U = _utility_matrix(_exact_values(env), X, P)
            gap = lambda t, s: U[t][t] - U[t][s]  # noqa: E731
            zero = lambda x: x == 0  # noqa: E731
        else:
            Uf = env.values @ self.mechanism.allocation.T - self.mechanism.payments[None, :]
            gap = lambda t, s: float(Uf[t, t] - Uf[t, s])  # noqa: E731
            unit = tol.value_scale(env.values)  # atol is in the values' unit (1e9 values: 1e-7 * 2^30)
            zero = lambda x: abs(x) <= atol * unit  # noqa: E731
            U = Uf
        path = self.types
        for a, b in zip(path[:-1], path[1:]):
            g = gap(a, b)
            if not zero(g):
                failures.append(f"IC {env.types[a]} -> {env.types[b]} does not bind (slack {float(g):.3g})")
        last = path[-1]
        if not zero(U[last][last]):
            failures.append(f"surplus of the last type {env.types[last]} is {float(U[last][last]):.3g}, not 0")
        return Verification(ok=not failures, failures=tuple(failures), exact=exact)

    def as_dict(self) -> dict:
        return {"path": list(self.labels), "surplus": [float(x) for x in self.surplus],
                "payments": [float(x) for x in self.payments], "efficient": list(self.efficient)}


def _rent_path(U, start, allowed, exact: bool, atol: float):
    """BFS over binding IC edges from ``start`` within ``allowed`` to a zero-surplus type."""
    binds = (lambda x: x == 0) if exact else (lambda x: abs(float(x)) <= atol)
    parent = {start: None}
    q = deque([start])
    while q:
        t = q.popleft()
        if binds(U[t][t]) or (not exact and float(U[t][t]) <= atol):
            path = [t]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])
            return path[::-1]
        for s in allowed:
            if s != t and s not in parent and binds(U[t][t] - U[t][s]):
                parent[s] = t
                q.append(s)
    return None


def information_rent_path(mechanism: Mechanism, type, exact: bool = True,
                          support_only: bool = True, atol: float = tol.BINDING) -> InformationRentPath:
    """The information-rent path of a type in an optimal mechanism (HS section 6.1.2).

    Starting from ``type``, follows binding IC constraints (type t is indifferent between
    its own menu item and type s's) until a type with zero surplus (binding IR) is reached;
    the shortest such path is returned. In an optimal mechanism such a path exists from
    every type (otherwise the payments of all types reachable from it could be raised);
    HS uses it from a type with an inefficient allocation.

    Parameters
    ----------
    mechanism : Mechanism
        Usually from :func:`~infopricing.screening.optimal_mechanism`.
    type : int or str
        Index or label of the starting type.
    exact : bool
        Decide "binds" by exact equality on the exact LP vertex (default) instead of a
        floating tolerance ``atol``.
    support_only : bool
        Restrict the path to types with positive mass in ``mechanism.market`` (HS assumes
        full support without loss of generality).

    Raises
    ------
    ValueError
        When ``type`` is unknown or has no mass, or no binding path exists (the mechanism
        is not revenue-optimal).

    References
    ----------
    HS, section 6.1.2 (proof of Proposition 3).

    Examples
    --------
    HS Section 3 at q = 1/2: t2's IC constraint towards t1 binds and t1 keeps nothing, so
    the path is t2 -> t1 with surpluses 1/4 and 0 (by hand: 2 - 1.75 = 1 - 0.75):

    >>> import infopricing as ip
    >>> m = ip.optimal_mechanism(ip.catalog.hs_section3(), [0.5, 0.5])
    >>> p = ip.information_rent_path(m, 1)
    >>> p.labels, [str(s) for s in p.surplus], p.efficient
    (('t2', 't1'), ['1/4', '0'], (True, False))
    """
    if not isinstance(mechanism, Mechanism):
        raise TypeError(f"mechanism must be a Mechanism, got {mechanism.__class__.__name__}")
    from ..model._validate import check_tolerance

    atol = check_tolerance(atol, "atol")
    senv, scale = units.scaled(mechanism.env)
    if senv is not None:  # any units: decide on values / a power of two (units.py)
        p = information_rent_path(units.rebind_mechanism(mechanism, senv, 1.0 / scale), type, exact=exact,
                                  support_only=support_only, atol=atol)
        return units.rebind_rent_path(p, mechanism.env, scale)
    env = mechanism.env
    t0 = env.index_of_type(type)
    n = env.n_types
    allowed = list(range(n))
    if support_only and mechanism.market is not None:
        allowed = [int(s) for s in mechanism.market.support]
        if t0 not in allowed:
            raise ValueError(f"type {env.types[t0]!r} has no mass in the mechanism's market; "
                             "pass support_only=False to search all types")
    if exact:
        X, P = _verified_exact_point(mechanism)
        V = _exact_values(env)
        U = _utility_matrix(V, X, P)
        eff_val = [max([Fraction(0)] + V[t]) for t in range(n)]
        vx = [sum((V[t][a] * X[t][a] for a in range(env.n_alternatives)), Fraction(0)) for t in range(n)]
        eff = [vx[t] == eff_val[t] for t in range(n)]
    else:
        U = env.values @ mechanism.allocation.T - mechanism.payments[None, :]
        P = mechanism.payments
        eff = list(mechanism.efficient_types())
    path = _rent_path(U, t0, allowed, exact, atol)
    if path is None:
        raise ValueError(f"no path of binding IC constraints from {env.types[t0]!r} to a zero-surplus "
                         "type: the mechanism is not revenue-optimal for its market")
    return InformationRentPath(mechanism=mechanism, types=tuple(path),
                               labels=tuple(env.types[t] for t in path),
                               surplus=tuple(U[t][t] for t in path),
                               payments=tuple(P[t] for t in path),
                               efficient=tuple(bool(eff[t]) for t in path), exact=exact)


# ---------------------------------------------------------------------------------------
# Proposition 3: a Pareto-dominating market
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class DominatingMarket(Result):
    """HS Proposition 3's Pareto-dominating market, with every step of its construction.

    Attributes
    ----------
    market : Market               the original market f
    mechanism : Mechanism         its selected optimal mechanism M
    exists : bool                 False for an efficient market (HS Observation 1)
    reason : str
    inefficient_type : int        t: a type of the path with an inefficient allocation
    path : tuple of int           the binding-IC path from t to a zero-surplus type (HS 6.1.2,
                                  trimmed so that t is its only inefficient type)
    new_type : int                t': the type that strictly prefers t's M1 item
    chain : tuple of int          (t', t, ...): the Lemma 5 order t_1, ..., t_n
    allocation_star, payments_star : tuple
        M* in exact arithmetic (lists of Fraction), for every type (types off the chain
        choose their best item of the chain menu or the outside option)
    ratios : tuple of Fraction    r_j = F(t_{j-1}) / F(t_j) chosen for Lemma 5
    exact_probabilities : tuple of Fraction   the dominating market f'
    dominating : Market           f' as floats
    lp_mechanism : Mechanism      the selected optimal mechanism of f' (solved)
    surplus_original, surplus_star : tuple of Fraction   CS(t, M) and CS(t, M*) per type
    confirmed : bool              the LP on f' reproduces M* on f''s support with a unique
                                  payment rule there, and the LP revenue equals M*'s

    References
    ----------
    HS, Proposition 3 (section 6.1.2), Lemma 5 (Appendix A.2), Observation 1.

    Examples
    --------
    >>> import infopricing as ip
    >>> d = ip.pareto_dominating_market(ip.catalog.hs_section3(), [0.5, 0.5])
    >>> d.exists, d.inefficient_type, d.new_type, d.verify().ok
    (True, 0, 1, True)
    """

    market: Market
    mechanism: Mechanism
    exists: bool
    reason: str
    selection: str = "efficient"
    inefficient_type: int | None = None
    path: tuple = ()
    new_type: int | None = None
    chain: tuple = ()
    allocation_star: tuple | None = field(default=None, repr=False)
    payments_star: tuple | None = field(default=None, repr=False)
    ratios: tuple = ()
    exact_probabilities: tuple | None = None
    dominating: Market | None = None
    lp_mechanism: Mechanism | None = field(default=None, repr=False)
    surplus_original: tuple | None = None
    surplus_star: tuple | None = None
    confirmed: bool = False

    @property
    def env(self) -> Environment:
        return self.market.env

    @property
    def mechanism_star(self) -> Mechanism | None:
        """M* as a floating :class:`Mechanism` for the dominating market."""
        if self.allocation_star is None:
            return None
        X = np.array([[float(x) for x in row] for row in self.allocation_star])
        P = np.array([float(p) for p in self.payments_star])
        return Mechanism(env=self.env, market=self.dominating, allocation=X, payments=P,
                         selection="construction")

    @property
    def surplus_change(self) -> np.ndarray | None:
        """CS(t, f') - CS(t, f) for types in f''s support (nan elsewhere)."""
        if self.surplus_star is None:
            return None
        out = np.full(self.env.n_types, np.nan)
        for t in self.chain:
            out[t] = float(self.surplus_star[t] - self.surplus_original[t])
        return out

    def verify(self, *, exact: bool = False) -> Verification:
        """Re-check the construction in exact arithmetic: M* is a lottery menu, IC and IR for
        all types; it is efficient on the chain; along the chain each IC binds and the last
        IR binds (Lemma 5's hypothesis); f' is a probability vector with support the chain
        and the Lemma 5 ratio conditions hold strictly; M*'s revenue on f' equals the LP
        duality bound (optimality, certified exactly); CS(t, M*) >= CS(t, M) on the chain,
        strictly for t'; the solved mechanism of f' gives the same surplus on the chain."""
        if not self.exists:
            fails = ([] if efficient_on_support(self.mechanism, self.market)
                     else ["no dominating market claimed for a market inefficient on its support"])
            return Verification(ok=not fails, failures=tuple(fails), exact=exact)
        env = self.env
        V = _exact_values(env)
        X, P = [list(r) for r in self.allocation_star], list(self.payments_star)
        n = env.n_types
        fails = _check_ic_ir(V, X, P, list(range(n)), "M*: ")
        U = _utility_matrix(V, X, P)
        ch = self.chain
        for t in ch:
            eff = env.efficient_alternative(t)
            want = [Fraction(0)] * env.n_alternatives
            if eff >= 0:
                want[eff] = Fraction(1)
            if X[t] != want:
                fails.append(f"M* does not give {env.types[t]} its efficient alternative")
        for a, b in zip(ch[:-1], ch[1:]):
            if U[a][a] != U[a][b]:
                fails.append(f"M*: IC {env.types[a]} -> {env.types[b]} does not bind")
        if U[ch[-1]][ch[-1]] != 0:
            fails.append("M*: IR of the last chain type does not bind")
        f = self.exact_probabilities
        if sum(f, Fraction(0)) != 1 or any(x < 0 for x in f):
            fails.append("f' is not a probability vector")
        if sorted(t for t in range(n) if f[t] > 0) != sorted(ch):
            fails.append("f''s support is not the chain")
        rev = sum((f[t] * P[t] for t in range(n)), Fraction(0))
        ub = revenue_upper_bound(env, f, exact=exact)
        unit = tol.value_scale(env.values)  # floating tolerances are in the values' unit
        if ub == float("inf") or (rev != ub if exact else abs(float(rev) - float(ub)) > tol.EQUAL * unit):
            fails.append(f"M* is not certified optimal on f' (revenue {float(rev):.9g}, bound {float(ub):.9g})")
        for t in ch:
            if self.surplus_star[t] < self.surplus_original[t]:
                fails.append(f"{env.types[t]} is worse off in f'")
            if self.surplus_star[t] != U[t][t]:
                fails.append(f"recorded surplus of {env.types[t]} in M* is wrong")
        if not self.surplus_star[self.new_type] > self.surplus_original[self.new_type]:
            fails.append("t' does not strictly gain")
        if self.lp_mechanism is not None:
            u_lp = self.lp_mechanism.utilities
            for t in ch:
                if abs(u_lp[t] - float(self.surplus_star[t])) > tol.FEAS * unit:
                    fails.append(f"the solved mechanism of f' gives {env.types[t]} surplus "
                                 f"{u_lp[t]:.9g}, M* gives {float(self.surplus_star[t]):.9g}")
        return Verification(ok=not fails, failures=tuple(fails), exact=exact)

    def as_dict(self) -> dict:
        env = self.env
        d = {"exists": self.exists, "reason": self.reason}
        if self.exists:
            d.update(inefficient_type=env.types[self.inefficient_type],
                     path=[env.types[t] for t in self.path], new_type=env.types[self.new_type],
                     chain=[env.types[t] for t in self.chain],
                     dominating_market=[str(x) for x in self.exact_probabilities],
                     ratios=[str(r) for r in self.ratios],
                     surplus_original=[float(x) for x in self.surplus_original],
                     surplus_dominating=[float(x) for x in self.surplus_star],
                     confirmed=self.confirmed)
        return d


def _lemma5_ratio(V, prev: int, cur: int, eff_cur: int) -> Fraction:
    """Largest-power-of-1/2 ratio r = F(prev)/F(cur) (at most 1/2) strictly below Lemma 5's
    bound: ``v(cur, abar) - v(cur, a) > r (v(prev, abar) - v(prev, a))`` for all a != abar
    (the outside option, value 0, included)."""
    k = len(V[cur])
    val = lambda t, a: Fraction(0) if a < 0 else V[t][a]  # noqa: E731
    bound = None
    for a in list(range(k)) + [-1]:
        if a == eff_cur:
            continue
        gap = val(cur, eff_cur) - val(cur, a)
        den = val(prev, eff_cur) - val(prev, a)
        if gap <= 0:
            raise ValueError("efficient alternative is not unique")
        if den > 0:
            b = gap / den
            bound = b if bound is None else min(bound, b)
    r = Fraction(1, 2)
    # the bound is a ratio of value differences (unit-free); r keeps a relative margin of
    # tol.ROUNDING below it, so a bound that is a power of two up to the rounding of the
    # values (V * 1e-9) gives the same r as the exact power of two (scale equivariance)
    while bound is not None and r >= bound * (1 - Fraction(tol.ROUNDING)):
        r /= 2
    return r


def _efficient_alternatives(env: Environment, types):
    out = {}
    for t in types:
        out[t] = env.efficient_alternative(t)  # raises ValueError when not unique
    return out


def pareto_dominating_market(env: Environment, market, selection: str = "efficient",
                             mechanism: Mechanism | None = None) -> DominatingMarket:
    """A Pareto-dominating market with support inside the market's (HS Proposition 3).

    For an inefficient market f with selected optimal mechanism M, follows the paper's
    construction: pick a type t with an inefficient allocation and its information-rent
    path to a zero-surplus type (:func:`information_rent_path`; trimmed so that t is the
    path's last inefficient type); M1 gives t its efficient alternative at the payment
    that keeps its surplus; some type t' off the path strictly prefers t's new item; M2
    gives t' that item, M* then gives t' its own efficient alternative at the payment that
    keeps its M2 surplus. M* is efficient on the chain (t', t, ..., zero-surplus type)
    with binding chain IC and last IR, so by Lemma 5 it is the unique optimal mechanism of
    a market with cumulative masses F(t_{j-1}) / F(t_j) = r_j below explicit bounds; those
    proportions are returned exactly. Finally the menu LP is solved on f' to confirm.

    Ties are decided so that the answer is the same in any units (values times 1e-9 round
    at the last digit): among the types off the path that gain from t's new item, t' is
    the lowest-indexed one whose gain is within ``tolerances.ROUNDING`` (in the values'
    unit, :func:`~infopricing.tolerances.value_scale`) of the largest gain, so identical
    types (equal rows up to rounding) are chosen alike; and each Lemma 5 ratio is the
    largest power of 1/2 below its bound by a relative margin ``tolerances.ROUNDING`` (a
    unit-free bound that is a power of 1/2 up to rounding gives the next one down, as
    the exact power does).

    For an efficient market no Pareto-dominating market exists (HS Observation 1 and the
    "only if" part of Proposition 3); the result then has ``exists=False``.

    Parameters
    ----------
    env : Environment
    market : Market or array_like
    selection : {"efficient", "consumer", "adverse"}
    mechanism : Mechanism, optional
        The selected optimal mechanism of ``market`` when already computed.

    Raises
    ------
    ValueError
        When a type the construction uses has no unique efficient alternative (HS
        footnote 15: the construction needs uniqueness), or the market is not over ``env``.

    References
    ----------
    HS, Proposition 3 (section 6.1.2), Lemma 5 (Appendix A.2), Observation 1, footnote 15.

    Examples
    --------
    HS Section 3 at q = 1/2: t1 is served L inefficiently; the construction moves mass to
    t1 until the seller sells H to both at price 1 (by hand, at (7/8, 1/8): price 1 earns
    1 > 0.875 from the screening menu and 0.25 from price 2), so t2's surplus rises from
    1/4 to 1:

    >>> import infopricing as ip
    >>> d = ip.pareto_dominating_market(ip.catalog.hs_section3(), [0.5, 0.5])
    >>> d.exists, [str(p) for p in d.exact_probabilities]
    (True, ['7/8', '1/8'])
    >>> [str(s) for s in d.surplus_original], [str(s) for s in d.surplus_star]
    (['0', '1/4'], ['0', '1'])
    """
    senv, scale = units.scaled(env)
    if senv is not None:  # any units: decide on values / a power of two (units.py)
        f = _check_inputs(env, market).probabilities
        d = pareto_dominating_market(senv, f, selection=selection,
                                     mechanism=units.rebind_mechanism(mechanism, senv, 1.0 / scale))
        return units.rebind_dominating(d, env, scale)
    market = _check_inputs(env, market)
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    M = mechanism if mechanism is not None else optimal_mechanism(env, market, selection=selection)
    if M.is_efficient:
        return DominatingMarket(market=market, mechanism=M, exists=False, selection=selection,
                                reason="the market is efficient: no market Pareto dominates it "
                                       "(HS Observation 1, Proposition 3)")
    n, k = env.n_types, env.n_alternatives
    V = _exact_values(env)
    X, P = _verified_exact_point(M)
    U = _utility_matrix(V, X, P)
    support = [int(t) for t in market.support]
    eff_val = [max([Fraction(0)] + V[t]) for t in range(n)]
    vx = [U[t][t] + P[t] for t in range(n)]
    inefficient = [t for t in support if vx[t] < eff_val[t]]
    if not inefficient:
        return DominatingMarket(market=market, mechanism=M, exists=False, selection=selection,
                                reason="every type with positive mass is served efficiently (only "
                                       "zero-mass types are inefficient): no market with support "
                                       "inside the market's Pareto dominates it (Observation 1)")
    _efficient_alternatives(env, support)
    last_error = "no type with an inefficient allocation yields the construction"
    for t_start in inefficient:
        path = _rent_path(U, t_start, support, True, 0.0)
        if path is None:
            last_error = f"no binding path from {env.types[t_start]}"
            continue
        # trim: t = the last type on the path with an inefficient allocation
        ineff_pos = [i for i, s in enumerate(path) if vx[s] < eff_val[s]]
        path = path[ineff_pos[-1]:]
        t = path[0]
        a_t = env.efficient_alternative(t)
        item = [Fraction(0)] * k
        if a_t >= 0:
            item[a_t] = Fraction(1)
        p1 = (V[t][a_t] if a_t >= 0 else Fraction(0)) - U[t][t]
        gains = []
        for s in support:
            if s in path:
                continue
            u_new = sum((V[s][a] * item[a] for a in range(k)), Fraction(0)) - p1
            if u_new > U[s][s]:
                gains.append((u_new - U[s][s], -s, s, u_new))
        if not gains:
            last_error = (f"M1 (efficient item for {env.types[t]}) is IC: the mechanism is not "
                          "optimal (numerical failure)")
            continue
        # largest gain; gains within tol.ROUNDING (in the values' unit) of it are tied and the
        # lowest type index wins, so identical types (equal rows up to rounding) are chosen
        # alike at every scale
        top = max(g[0] for g in gains)
        near = Fraction(tol.ROUNDING) * Fraction(tol.value_scale(env.values))
        t_new, u2 = min((g[2], g[3]) for g in gains if top - g[0] <= near)
        chain = [t_new] + path
        # M*: chain types efficient; payments keep the surpluses of M (path) / M2 (t')
        Xs = [[Fraction(0)] * k for _ in range(n)]
        Ps = [Fraction(0)] * n
        surplus = {}
        for s in path:
            surplus[s] = U[s][s]
        surplus[t_new] = u2
        for s in chain:
            a = env.efficient_alternative(s)
            if a >= 0:
                Xs[s][a] = Fraction(1)
            Ps[s] = (V[s][a] if a >= 0 else Fraction(0)) - surplus[s]
        # types off the chain pick their best chain item (or the outside option)
        for s in range(n):
            if s in chain:
                continue
            best_u, best = Fraction(0), None
            for c in chain:
                u = sum((V[s][a] * Xs[c][a] for a in range(k)), Fraction(0)) - Ps[c]
                price_best = Fraction(0) if best is None else Ps[best]
                if u > best_u or (u == best_u and Ps[c] > price_best):
                    best_u, best = u, c
            if best is not None:
                Xs[s] = list(Xs[best])
                Ps[s] = Ps[best]
        # Lemma 5 market: F(t_n) = 1, F(t_{j-1}) = r_j F(t_j)
        ratios = []
        F = [Fraction(0)] * len(chain)
        F[-1] = Fraction(1)
        for j in range(len(chain) - 1, 0, -1):
            r = _lemma5_ratio(V, chain[j - 1], chain[j], env.efficient_alternative(chain[j]))
            ratios.append(r)
            F[j - 1] = r * F[j]
        ratios = ratios[::-1]
        fe = [Fraction(0)] * n
        prev = Fraction(0)
        for j, s in enumerate(chain):
            fe[s] = F[j] - prev
            prev = F[j]
        dom = Market(env, [float(x) for x in fe])
        lp_mech = optimal_mechanism(env, dom, selection=selection)
        Us = _utility_matrix(V, Xs, Ps)
        s_star = tuple(Us[s][s] for s in range(n))
        s_orig = tuple(U[s][s] for s in range(n))
        confirmed = _confirm(env, dom, lp_mech, Xs, Ps, chain)
        return DominatingMarket(
            market=market, mechanism=M, exists=True, selection=selection,
            reason=(f"type {env.types[t]} is served inefficiently; its information-rent path "
                    f"{' -> '.join(env.types[s] for s in path)} and type {env.types[t_new]} give "
                    f"M*; Lemma 5 market on {', '.join(env.types[s] for s in chain)}"),
            inefficient_type=t, path=tuple(path), new_type=t_new, chain=tuple(chain),
            allocation_star=tuple(tuple(r) for r in Xs), payments_star=tuple(Ps),
            ratios=tuple(ratios), exact_probabilities=tuple(fe), dominating=dom,
            lp_mechanism=lp_mech, surplus_original=s_orig, surplus_star=s_star,
            confirmed=confirmed)
    raise ValueError(f"Proposition 3 construction failed: {last_error}")


def _confirm(env, dom: Market, lp_mech: Mechanism, Xs, Ps, chain) -> bool:
    """The LP on f' reproduces M* on the chain (allocation and payments), the payment rule
    is unique on the support, and revenues agree."""
    uniq = payment_rule_is_unique(env, dom)
    if not uniq.unique_on_support:
        return False
    for s in chain:
        if np.max(np.abs(lp_mech.allocation[s] - np.array([float(x) for x in Xs[s]]))) > tol.FEAS:
            return False
        if abs(lp_mech.payments[s] - float(Ps[s])) > tol.FEAS:
            return False
    rev = sum(float(dom.probabilities[s]) * float(Ps[s]) for s in chain)
    return abs(rev - lp_mech.revenue) <= tol.EQUAL * max(1.0, abs(rev))


# ---------------------------------------------------------------------------------------
# Theorem 1: a two-segment Pareto-improving segmentation
# ---------------------------------------------------------------------------------------
def _short(x: Fraction) -> str:
    """An exact weight for a message: ``p/q`` when short, else its float (a float market's
    exact binary value gives fractions of 30 digits; ``.epsilon`` keeps the exact value)."""
    return str(x) if x.denominator <= 10**6 else f"{float(x):.6g}"


@records_params("method", "selection", "max_halvings")
def pareto_improving_segmentation(env: Environment, market, method: str = "theorem",
                                  selection: str = "efficient", max_halvings: int = 60
                                  ) -> ParetoImprovement:
    """A Pareto-improving segmentation of a market, or why none is returned.

    ``method="theorem"`` (HS Theorem 1): for an inefficient market with a unique optimal
    payment rule (on its support), segment f = eps f' + (1 - eps) f'' where f' is the
    Pareto-dominating market of :func:`pareto_dominating_market` and eps is halved from
    half the largest feasible value until the remainder f'' keeps f's selected mechanism
    (HS Lemma 3 guarantees this for small eps); the segmentation is Pareto improving and
    strictly raises revenue. Answers ``improvable=False`` for an efficient market
    (Observation 1) and ``None`` when the market has multiple optimal payment rules
    (Theorem 1 does not apply: use ``method="exact"``).

    ``method="exact"``: the exact decision procedure for small environments
    (:func:`infopricing.segmentation.exact_decision.exact_pareto_improvement`), which returns a
    Pareto-improving segmentation or a certificate that none exists.

    Returns
    -------
    ParetoImprovement
        ``.improvable`` (True / False / None), ``.segmentation``, ``.reason``; for the
        theorem also ``.dominating`` and ``.epsilon`` (exact).

    References
    ----------
    HS, Theorem 1 and its proof (Appendix A.3), Lemma 3, Proposition 3, Observation 1.

    Examples
    --------
    >>> import infopricing as ip
    >>> env = ip.Environment([[1, 2], [2, 3], [3, 3.5]])
    >>> imp = ip.pareto_improving_segmentation(env, ip.Market(env, [0.3, 0.3, 0.4]))
    >>> imp.improvable, round(imp.segmentation.revenue, 4), imp.verify().ok
    (True, 2.25, True)
    """
    from ..model._validate import check_count

    check_count(max_halvings, "max_halvings", 1)
    senv, scale = units.scaled(env)
    if senv is not None:  # any units: decide on values / a power of two (units.py)
        f = _check_inputs(env, market).probabilities
        r = pareto_improving_segmentation(senv, f, method=method, selection=selection,
                                          max_halvings=max_halvings)
        return units.rebind_improvement(r, env, scale)
    market = _check_inputs(env, market)
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    if method == "exact":
        from .exact_decision import exact_pareto_improvement

        return exact_pareto_improvement(env, market, selection=selection)
    if method != "theorem":
        raise ValueError(f"method must be 'theorem' or 'exact', got {method!r}")
    M = optimal_mechanism(env, market, selection=selection)
    if M.is_efficient:
        return ParetoImprovement(market=market, improvable=False, segmentation=None,
                                 method="theorem", selection=selection,
                                 reason="the market is efficient, so no segmentation is Pareto "
                                        "improving (HS Observation 1)")
    uniq = payment_rule_is_unique(env, market)
    if not uniq.unique_on_support:
        spread = "{" + ", ".join(f"{env.types[t]}: {float(uniq.spread[t]):.6g}" for t in market.support
                                 if uniq.spread[t] > tol.EQUAL) + "}"
        return ParetoImprovement(market=market, improvable=None, segmentation=None,
                                 method="theorem", selection=selection,
                                 reason=("the market has multiple optimal payment rules (payment "
                                         f"ranges {spread}), so it lies on a hyperplane H(b) and "
                                         "Theorem 1 does not apply; try method='exact' (pareto --exact)"))
    try:
        D = pareto_dominating_market(env, market, selection=selection, mechanism=M)
    except ValueError as exc:  # a tie among a type's efficient alternatives (HS footnote 15)
        if "no unique efficient alternative" not in str(exc):
            raise
        return ParetoImprovement(market=market, improvable=None, segmentation=None,
                                 method="theorem", selection=selection,
                                 reason=(f"Theorem 1 does not apply: {str(exc).split(';')[0]} "
                                         "(HS footnote 15: the construction needs uniqueness); "
                                         "try method='exact' (pareto --exact)"))
    if not D.exists:
        return ParetoImprovement(market=market, improvable=False, segmentation=None,
                                 method="theorem", selection=selection, reason=D.reason,
                                 dominating=D)
    n = env.n_types
    from ..exact_numbers import exact_market

    fe = exact_market(market)
    fd = D.exact_probabilities
    eps_max = min(fe[t] / fd[t] for t in range(n) if fd[t] > 0)
    eps = min(eps_max, Fraction(1)) / 2
    u0 = M.utilities
    for _ in range(max_halvings):
        rest = [(fe[t] - eps * fd[t]) / (1 - eps) for t in range(n)]
        rest_m = Market(env, [float(x) for x in rest])
        mech_rest = optimal_mechanism(env, rest_m, selection=selection)
        sup = rest_m.probabilities > 0
        same = np.all(np.abs(mech_rest.utilities[sup] - u0[sup]) <= tol.EQUAL)
        if same:
            seg = Segmentation(market, [float(eps), float(1 - eps)], [D.dominating, rest_m],
                               selection=selection,
                               mechanisms=(D.lp_mechanism, mech_rest), original=M,
                               exact_weights=(eps, 1 - eps), exact_markets=(fd, tuple(rest)))
            if seg.is_pareto_improving and seg.revenue_change > tol.EQUAL:
                return ParetoImprovement(
                    market=market, improvable=True, segmentation=seg, method="theorem",
                    selection=selection, dominating=D, epsilon=eps,
                    reason=(f"HS Theorem 1: f = {_short(eps)} f' + (1 - {_short(eps)}) f''; f' is "
                            "the Proposition 3 "
                            f"market ({D.reason}); f'' keeps the original optimal mechanism"))
        eps /= 2
    return ParetoImprovement(market=market, improvable=None, segmentation=None, method="theorem",
                             selection=selection, dominating=D,
                             reason=f"no epsilon down to 2^-{max_halvings} kept the original "
                                    "mechanism in the remainder (numerical failure)")


# ---------------------------------------------------------------------------------------
# Proposition 1: a single alternative, via the BBM (2015) greedy segmentation
# ---------------------------------------------------------------------------------------
def single_product_pareto_segmentation(env: Environment, market) -> ParetoImprovement:
    """A Pareto-improving segmentation of an inefficient single-alternative market.

    Uses the greedy extremal segmentation of Bergemann, Brooks and Morris (2015)
    (:func:`infopricing.segmentation.bbm15.greedy_segmentation`) on the types' net values:
    in every segment all support prices are equally profitable and the uniform monopoly
    price is among them, so with the efficient selection the seller serves every type at
    the segment's lowest value; no type pays more than the uniform price and the types at
    the uniform price in segments reaching below it gain strictly. Types sharing a value
    share its mass in each segment in proportion to the market. Every market segment's
    mechanism is re-solved with the menu LP (selection ``"efficient"``, as HS footnote 7
    requires) and the Pareto comparison is made on those.

    Raises
    ------
    ValueError
        When the environment has more than one alternative.

    References
    ----------
    HS, Proposition 1 and footnote 7; Bergemann, Brooks and Morris (2015), Theorem 1.

    Examples
    --------
    HS Section 3's single-product market (a quarter of t1, price 2, no consumer surplus):
    half the mass goes to a segment with equal shares, where price 1 is optimal (a tie,
    revenue 1 either way) and t2 gains 1; the seller's revenue stays 1.5:

    >>> import infopricing as ip
    >>> env = ip.catalog.hs_section3_single_product()
    >>> r = ip.single_product_pareto_segmentation(env, [0.25, 0.75])
    >>> r.improvable, r.segmentation.weights.round(4).tolist(), round(r.segmentation.revenue, 4)
    (True, [0.5, 0.5], 1.5)
    >>> [s.probabilities.round(4).tolist() for s in r.segmentation.markets]
    [[0.5, 0.5], [0.0, 1.0]]
    """
    senv, scale = units.scaled(env)
    if senv is not None:  # any units: decide on values / a power of two (units.py)
        r = single_product_pareto_segmentation(senv, _check_inputs(env, market).probabilities)
        return units.rebind_improvement(r, env, scale)

    market = _check_inputs(env, market)
    if env.n_alternatives != 1:
        raise ValueError(f"env must have a single alternative (HS Proposition 1), got "
                         f"{env.n_alternatives}")
    M = optimal_mechanism(env, market, selection="efficient")
    if M.is_efficient:
        return ParetoImprovement(market=market, improvable=False, segmentation=None, method="bbm",
                                 reason="the market is efficient (HS Observation 1)")
    v = env.values[:, 0]
    f = market.probabilities
    sup = f > 0
    vals = np.unique(v[sup])
    # the greedy construction in exact arithmetic on the market as verify(exact=True) reads
    # it, so that the segments average to it exactly and every segment is exactly
    # extremal (segments rationalised from floats missed the market by an ulp and the
    # seller's indifference by 1e-16: correct answers failed the exact check)
    from .bbm15 import _greedy_exact

    from ..exact_numbers import exact_market, exact_values

    fe = exact_market(market)
    mass_q = [sum((fe[t] for t in np.flatnonzero(sup & (v == x))), Fraction(0)) for x in vals]
    ev = exact_values(env)  # the environment's exact values, by type
    g = _greedy_exact([ev[int(np.flatnonzero(v == x)[0])][0] for x in vals], mass_q, Fraction(0)).exact
    segs, segs_q = [], []
    for row in g["markets"]:
        seg_q = [Fraction(0)] * env.n_types
        for j, x in enumerate(vals):
            if row[j] > 0:
                for t in np.flatnonzero(sup & (v == x)):
                    seg_q[t] = row[j] * fe[t] / mass_q[j]
        segs_q.append(tuple(seg_q))
        segs.append(np.array([float(q) for q in seg_q]))
    seg = Segmentation(market, np.array([float(w) for w in g["weights"]]), segs,
                       selection="efficient", original=M, exact_weights=g["weights"],
                       exact_markets=tuple(segs_q))
    ok = seg.is_pareto_improving
    return ParetoImprovement(
        market=market, improvable=True if ok else None, segmentation=seg if ok else None,
        method="bbm", selection="efficient",
        reason=("HS Proposition 1: the BBM (2015) greedy extremal segmentation is Pareto improving"
                if ok else "the greedy segmentation is not Pareto improving (numerical failure)"))


# ---------------------------------------------------------------------------------------
# Everything about one market, for the command line and reports
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class ParetoAnalysis(Result):
    """The HS analysis of one market: its selected menu, the information-rent path of every
    inefficiently served type, the Proposition 3 dominating market, the Theorem 1 (or, with
    one alternative, Proposition 1) segmentation, optionally the exact answer, and for two
    types the section 5 profile.

    ``notes`` records why a step was skipped (e.g. non-unique efficient alternatives).

    References
    ----------
    HS, sections 5 and 6: Theorem 1, Proposition 3 and the information-rent paths of section
    6.1.2.

    Examples
    --------
    HS Section 3's market (q = 3/4) has two optimal payment rules, so Theorem 1 does not
    apply (its answer is undecided) and the exact decision settles it, "not improvable", so the
    analysis as a whole is decided (status optimal):

    >>> import infopricing as ip
    >>> a = ip.pareto_analysis(ip.catalog.hs_section3(), [0.25, 0.75], exact=True)
    >>> str(a.status), a.improvement.improvable, a.exact_improvement.improvable
    ('optimal', None, False)
    """

    market: Market
    mechanism: Mechanism
    paths: tuple
    dominating: DominatingMarket | None
    improvement: ParetoImprovement
    exact_improvement: ParetoImprovement | None = None
    profile: object = None
    notes: tuple = ()

    def _status(self):
        # an undecided Theorem 1 answer that the exact procedure then decided is not undecided
        decided = self.exact_improvement is not None and self.improvement.improvable is None
        return worst_status([p.status for p in self._parts() if not (decided and p is self.improvement)])

    def _summary(self) -> dict:
        # the answer (improvable, by which construction, the seller's revenue before/after)
        a = self.answer
        out = {"improvable": a.improvable, "method": repr(a.method), "revenue": float(self.mechanism.revenue)}
        if a.segmentation is not None:
            out.update(revenue_after=float(a.segmentation.revenue), segments=a.segmentation.n_segments)
        return out

    def verify(self, *, exact: bool = False) -> Verification:
        fails = []
        for part in (self.mechanism, self.improvement, self.exact_improvement, self.dominating):
            if part is None:
                continue
            c = part.verify(exact=exact)
            if not c.ok:
                fails.extend(c.failures)
        for p in self.paths:
            if not p.verify(exact=p.exact).ok:
                fails.append(f"rent path {p.labels} does not verify")
        return Verification(ok=not fails, failures=tuple(fails), exact=exact)

    @property
    def answer(self) -> ParetoImprovement:
        """The answer to show a reader: of the improvements computed (the Theorem 1 /
        Proposition 1 one and, when run, the exact one), a Pareto-improving segmentation
        with a strict seller gain first, then any Pareto-improving one, then a decided
        answer (the exact procedure's ``False`` before an undecided theorem), else the
        theorem's."""
        cands = [c for c in (self.improvement, self.exact_improvement) if c is not None]
        for good in (lambda c: c.segmentation is not None and c.seller_gains_strictly,
                     lambda c: c.segmentation is not None,
                     lambda c: c.improvable is not None):
            for c in cands:
                if good(c):
                    return c
        return self.improvement

    def as_dict(self) -> dict:
        """JSON-ready: every part's ``as_dict`` (``mechanism``, ``theorem``, ``exact``, ...)
        and ``answer``: the improvement of :attr:`answer` (its construction, whether the
        seller gains strictly, its segmentation with each segment's composition, menu and
        the types' surplus before and after) and ``answer_from`` naming which part it is."""
        ans = self.answer
        d = {"answer_from": "exact" if ans is self.exact_improvement else "theorem",
             "answer": ans.as_dict(),
             "mechanism": self.mechanism.as_dict(),
             "information_rent_paths": [p.as_dict() for p in self.paths],
             "dominating_market": None if self.dominating is None else self.dominating.as_dict(),
             "theorem": self.improvement.as_dict(), "notes": list(self.notes)}
        if self.exact_improvement is not None:
            d["exact"] = self.exact_improvement.as_dict()
        if self.profile is not None:
            d["two_type_profile"] = self.profile.as_dict()
        return d


AUTO_EXACT_MAX_TYPES = 4


@records_params("selection", "exact")
def pareto_analysis(env: Environment, market, selection: str = "efficient",
                    exact: bool = False, progress=None) -> ParetoAnalysis:
    """Run the HS constructions on one market (see :class:`ParetoAnalysis`).

    The exact procedure (:mod:`infopricing.segmentation.exact_decision`) runs when ``exact`` is
    True, and also when Theorem 1 cannot decide (multiple optimal payment rules) and the
    environment has at most ``AUTO_EXACT_MAX_TYPES`` types; ``progress(done, total)`` is
    then called while its cells are computed (see :func:`.exact_decision.exact_pareto_improvement`).

    References
    ----------
    HS, sections 5 and 6 (Proposition 1, Proposition 3, Theorem 1, Lemma 1).

    Examples
    --------
    >>> import infopricing as ip
    >>> a = ip.pareto_analysis(ip.catalog.hs_section3(), [0.5, 0.5])
    >>> a.improvement.improvable, a.paths[0].labels, a.dominating.exists
    (True, ('t1',), True)
    >>> round(a.improvement.segmentation.revenue, 4) > round(a.mechanism.revenue, 4)
    True
    """
    check_progress(progress)
    senv, scale = units.scaled(env)
    if senv is not None:  # any units: decide on values / a power of two (units.py)
        m0 = _check_inputs(env, market)
        kept = getattr(m0, "_exact_probabilities", None)  # exact masses stay exact
        a = pareto_analysis(senv, list(kept) if kept is not None else m0.probabilities,
                            selection=selection, exact=exact, progress=progress)
        prof = None
        if a.profile is not None:
            from .two_type import two_type_profile

            prof = two_type_profile(env, selection=selection)
        return ParetoAnalysis(
            market=units.rebind_market(a.market, env), mechanism=units.rebind_mechanism(a.mechanism, env, scale),
            paths=tuple(units.rebind_rent_path(p, env, scale) for p in a.paths),
            dominating=units.rebind_dominating(a.dominating, env, scale),
            improvement=units.rebind_improvement(a.improvement, env, scale),
            exact_improvement=None if a.exact_improvement is None else
            units.rebind_improvement(a.exact_improvement, env, scale),
            profile=prof, notes=a.notes)
    market = _check_inputs(env, market)
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    M = optimal_mechanism(env, market, selection=selection)
    notes = []
    paths = []
    for t in market.support:
        if not M.efficient_types()[t]:
            try:
                paths.append(information_rent_path(M, int(t)))
            except ValueError as exc:
                notes.append(str(exc))
    dom = None
    try:
        dom = pareto_dominating_market(env, market, selection=selection, mechanism=M)
    except ValueError as exc:
        notes.append(f"Proposition 3 construction: {exc}")
    try:
        imp = pareto_improving_segmentation(env, market, selection=selection)
    except ValueError as exc:
        notes.append(f"Theorem 1: {exc}")
        imp = ParetoImprovement(market=market, improvable=None, segmentation=None,
                                reason=str(exc), selection=selection)
    if env.n_alternatives == 1 and imp.improvable is not True and selection == "efficient":
        alt = single_product_pareto_segmentation(env, market)
        if alt.improvable is not None:
            imp = alt
    ex = None
    if exact or (imp.improvable is None and env.n_types <= AUTO_EXACT_MAX_TYPES):
        # Theorem 1 could not decide: fall back to the exact procedure on small environments
        from .exact_decision import exact_pareto_improvement

        ex = exact_pareto_improvement(env, market, selection=selection, progress=progress)
    prof = None
    if env.n_types == 2:
        from .two_type import two_type_profile

        try:
            prof = two_type_profile(env, selection=selection)
        except ValueError as exc:
            notes.append(f"two-type profile: {exc}")
    return ParetoAnalysis(market=market, mechanism=M, paths=tuple(paths), dominating=dom,
                          improvement=imp, exact_improvement=ex, profile=prof, notes=tuple(notes))
