"""Segmentations of a market and their welfare comparison (HS section 4 and 4.1).

A *segmentation* of a market f is a finite distribution over markets (segments) that
averages to f; in every segment the seller offers the selected optimal mechanism of that
segment. :class:`Segmentation` carries the segments, their weights and mechanisms, the
original market and its mechanism, the per-segment and per-type surplus changes and the
Pareto comparison of HS section 4.1, and re-checks all of it with :meth:`Segmentation.verify`
(in exact rational arithmetic when asked).

:class:`ParetoImprovement` is the answer of
:func:`infopricing.segmentation.pareto.pareto_improving_segmentation`: whether the market is
Pareto improvable (True / False / None when the method cannot decide), a segmentation
when one was found, and the reason.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

from .. import tolerances as tol
from ..model import Environment, Market
from ..screening import Mechanism, Verification, optimal_mechanism
from ..screening.mechanism import exact_optimality, verify_mechanism
from ..screening.optimal import SELECTIONS
from ..verify.averaging import averaging_deviation, exact_averaging_failures
from ..verify.protocol import Result, Tabular

__all__ = ["Segmentation", "ParetoImprovement", "rational_vector", "revenue_upper_bound"]


# ---------------------------------------------------------------------------------------
# exact helpers
# ---------------------------------------------------------------------------------------
def rational_vector(p, max_denominator: int = tol.RATIONAL_DENOMINATOR, total=None) -> tuple:
    """Rationalise a floating vector (e.g. a market) into ``Fraction`` entries.

    Each entry is replaced by its best rational approximation with denominator at most
    ``max_denominator``. When ``total`` is given (e.g. ``1`` for a probability vector) and
    the rationalised entries do not sum to it exactly, the exact binary values of the
    floats are used instead, rescaled to sum to ``total`` (a change of order 1e-16).
    """
    arr = np.asarray(p, dtype=float).ravel()
    r = [Fraction(float(x)).limit_denominator(max_denominator) for x in arr]
    if total is None or sum(r, Fraction(0)) == total:
        return tuple(r)
    b = [Fraction(float(x)) for x in arr]
    s = sum(b, Fraction(0))
    if s == 0:
        raise ValueError("cannot rescale a zero vector")
    return tuple(x * Fraction(total) / s for x in b)


def exact_segments_of(weights, segments, market_exact) -> tuple[tuple, tuple]:
    """Exact weights and segments that represent a floating segmentation and average to
    ``market_exact`` exactly.

    Weights and segments are first rationalised one by one (:func:`rational_vector`, which
    recovers simple fractions such as 4/5); when their average then misses the market
    (by a unit in the last place: a correct segmentation failed its exact check), the
    joint masses ``weights[i] * segments[i, t]`` of that rationalisation are kept and in
    each type's column the largest mass absorbs the column's difference to the market (a
    change of order 1e-16, supports unchanged); each segment's weight is then its row sum
    and the segment its row divided by it. Returns ``(weights, segments)`` as tuples of
    ``Fraction`` (segments as tuples of rows)."""
    w = np.asarray(weights, dtype=float)
    S = np.asarray(segments, dtype=float)
    we = rational_vector(w, total=1)
    Fe = tuple(rational_vector(S[i], total=1) for i in range(S.shape[0]))
    if all(sum((we[i] * Fe[i][t] for i in range(len(we))), Fraction(0)) == market_exact[t]
           for t in range(S.shape[1])):
        return we, Fe
    J = [[we[i] * Fe[i][t] for t in range(S.shape[1])] for i in range(S.shape[0])]
    for t in range(S.shape[1]):
        col = [J[i][t] for i in range(len(J))]
        diff = market_exact[t] - sum(col, Fraction(0))
        if diff:
            i = max(range(len(J)), key=lambda r: col[r])
            J[i][t] += diff
    we, Fe = [], []
    for row in J:
        tot = sum(row, Fraction(0))
        we.append(tot)
        Fe.append(tuple(x / tot for x in row) if tot else tuple(rational_vector(S[len(Fe)], total=1)))
    return tuple(we), tuple(Fe)


def _exact_masses(p):
    from ..exact_numbers import exact_masses

    return list(exact_masses(p))


def _exact_values(env: Environment):
    from ..exact_numbers import exact_values  # the one convention (exact_numbers.py)

    return exact_values(env)


def revenue_upper_bound(env: Environment, probabilities, exact: bool = False):
    """An upper bound on the optimal revenue of a market, certified by LP duality.

    The menu LP (HS section 4) is solved once to obtain dual multipliers; any multipliers
    give, by weak duality, the bound ``sum_i max_{a in [lo_i, hi_i]} y_i a +
    sum_j max_{z_j in [l_j, u_j]} d_j z_j`` with reduced costs ``d = c - A^T y``. The bound
    is evaluated here from the multipliers alone (the solver's primal answer is not used),
    so it is an independent certificate: a mechanism whose revenue equals it is optimal.

    With ``exact=True`` the multipliers are rationalised and the bound is evaluated in
    ``Fraction`` arithmetic on the exact LP data (``probabilities`` may then be a sequence
    of ``Fraction``). Returns ``inf`` when the rounded multipliers certify nothing.

    References
    ----------
    HS, section 4 (the IC-IR menu LP); LP weak duality.
    """
    from ..lp import solve_lp
    from ..screening.lp_build import build_menu_lp, exact_matrix, revenue_objective

    n, k = env.values.shape
    pf = np.array([float(x) for x in probabilities])
    A, lo_r, hi_r, lo_c, hi_c = build_menu_lp(env.values)
    c = revenue_objective(env.values, pf)
    # solved in units of value_scale (a power of two, exact): the solver's absolute
    # tolerances then fit the values; the basis is unit-free and of the duals only the n
    # feasibility rows' carry the unit
    unit = tol.value_scale(env.values)
    Vs = env.values / unit
    As = build_menu_lp(Vs)[0]
    res = solve_lp(revenue_objective(Vs, pf), As, lo_r, hi_r, lo_c, hi_c, sense="max",
                   options={"dual_feasibility_tolerance": tol.FEAS / 100,
                            "primal_feasibility_tolerance": tol.FEAS / 100})
    res = dataclasses.replace(res, row_dual=np.concatenate([np.asarray(res.row_dual[:n]) * unit,
                                                            np.asarray(res.row_dual[n:])]))
    best = float("inf") if not exact else None
    if exact and res.col_basis is not None:
        # exact multipliers from the final basis, re-solved in rationals on the LP as given
        # (and repaired by exact pivots when the float basis is optimal only to rounding):
        # any exactly dual-feasible multipliers bound the revenue (weak duality)
        from ..lp.exact_certificate import certify
        from ..screening.mechanism import menu_lp_exact

        cert = certify(menu_lp_exact(env, list(probabilities)), basis=(res.col_basis, res.row_basis))
        if cert.dual_bound is not None:
            return cert.lp.field.frac(cert.dual_bound)
    for sign in (1.0, -1.0):
        y = sign * np.asarray(res.row_dual, dtype=float)
        if not exact:
            d = c - A.T @ y
            ub = _bound_float(y, d, lo_r, hi_r, lo_c, hi_c, unit)
            best = min(best, ub)
        else:
            ub = _bound_exact(env, probabilities, y, lo_r, hi_r, lo_c, hi_c,
                              exact_matrix(env.values, V=_exact_values(env)))
            if ub is not None and (best is None or ub < best):
                best = ub
    return best if best is not None else float("inf")


def _bound_float(y, d, lo_r, hi_r, lo_c, hi_c, unit: float = 1.0) -> float:
    from ..lp.weak_duality import weak_duality_bound

    # tiny wrong-signed multipliers (below the dual tolerance, in the model's units: the
    # reduced costs carry the values' unit, so rounding of 1e9-sized values leaves ~1e-7)
    # are treated as zero
    bound, infeasibility = weak_duality_bound(y, d, lo_r, hi_r, lo_c, hi_c)
    return float("inf") if infeasibility > tol.DUAL * max(1.0, unit) else bound


def _exact_objective(env, probabilities):
    n, k = env.values.shape
    V = _exact_values(env)
    P = _exact_masses(probabilities)
    return [P[t] * V[t][a] for t in range(n) for a in range(k)] + [-P[t] for t in range(n)]


def _basis_duals(env, probabilities, res, A_exact):
    """Exact row multipliers of the LP's final basis (None when the basis is unusable)."""
    from ..lp import solve_exact_square
    from ..lp.basis import BASIC

    c = _exact_objective(env, probabilities)
    rows_nb = [i for i, b in enumerate(res.row_basis) if b != BASIC]
    cols_b = [j for j, b in enumerate(res.col_basis) if b == BASIC]
    if len(rows_nb) != len(cols_b):
        return None
    pos = {i: r for r, i in enumerate(rows_nb)}
    colpos = {j: r for r, j in enumerate(cols_b)}
    M = [[Fraction(0)] * len(rows_nb) for _ in cols_b]
    for (i, j), aij in A_exact.items():
        if i in pos and j in colpos:
            M[colpos[j]][pos[i]] = aij
    try:
        yN = solve_exact_square(M, [c[j] for j in cols_b]) if cols_b else []
    except ValueError:
        return None
    y = [Fraction(0)] * len(res.row_basis)
    for i, v in zip(rows_nb, yN):
        y[i] = v
    return y


def _bound_exact(env, probabilities, y_float, lo_r, hi_r, lo_c, hi_c, A_exact):
    n, k = env.values.shape
    V = _exact_values(env)
    P = _exact_masses(probabilities)
    # exact objective: sum_t f_t (v_t . x_t - u_t)
    c = [P[t] * V[t][a] for t in range(n) for a in range(k)] + [-P[t] for t in range(n)]
    m = len(lo_r)
    y = []
    for i in range(m):
        if isinstance(y_float[i], Fraction):
            yi = y_float[i]
        else:
            yi = Fraction(float(y_float[i])).limit_denominator(tol.RATIONAL_DENOMINATOR)
        # a multiplier must have the sign that keeps its bound finite
        if yi > 0 and not np.isfinite(hi_r[i]):
            yi = Fraction(0)
        if yi < 0 and not np.isfinite(lo_r[i]):
            yi = Fraction(0)
        y.append(yi)
    d = list(c)
    for (i, j), aij in A_exact.items():
        if y[i]:
            d[j] -= aij * y[i]
    total = Fraction(0)
    for i in range(m):
        if y[i] > 0:
            total += y[i] * Fraction(float(hi_r[i]))
        elif y[i] < 0:
            total += y[i] * Fraction(float(lo_r[i]))
    for j, dj in enumerate(d):
        if dj > 0:
            if not np.isfinite(hi_c[j]):
                return None
            total += dj * Fraction(float(hi_c[j]))
        elif dj < 0:
            if not np.isfinite(lo_c[j]):
                return None
            total += dj * Fraction(float(lo_c[j]))
    return total


def _exact_mechanism_data(mech: Mechanism, check: Verification):
    """Exact (allocation, payments, utilities) of a mechanism verified exactly."""
    env = mech.env
    n, k = env.values.shape
    xe = check.details["allocation"]
    pe = check.details["payments"]
    V = _exact_values(env)
    ue = [sum((V[t][a] * xe[t][a] for a in range(k)), Fraction(0)) - pe[t] for t in range(n)]
    return xe, pe, ue


class _SolvedOnFirstUse:
    """A dataclass field whose value, when not given, is computed on first access.

    :class:`Segmentation`'s constructor only validates: the selected optimal mechanism of
    each segment (``mechanisms``) and of the market (``original``) are solved the first
    time they are read, then kept.
    """

    def __set_name__(self, owner, name):
        self.name, self.slot = name, "_" + name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return None                            # the dataclass default: "not given"
        value = obj.__dict__.get(self.slot)
        if value is None:
            value = obj._solve(self.name)
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj, value):
        obj.__dict__[self.slot] = value


# ---------------------------------------------------------------------------------------
# Segmentation
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class Segmentation(Result, Tabular):
    """A segmentation of a market, with the selected optimal mechanism of every segment.

    Parameters
    ----------
    market : Market
        The original (unsegmented) market f.
    weights : array_like (m,)
        Probability of each segment; non-negative, summing to 1 (within
        :data:`~infopricing.tolerances.PROB_SUM`). Zero-weight segments are allowed and
        ignored by the Pareto comparison (they are not in the segmentation's support).
    markets : sequence of Market or array_like
        The m segments, each a distribution over ``market.env``'s types; their weighted
        average must equal f within :data:`~infopricing.tolerances.FEAS`.
    selection : {"efficient", "consumer", "adverse"}
        Selection rule among optimal mechanisms, used for every segment and for f
        (HS section 4 requires one consistent rule).
    mechanisms : sequence of Mechanism, optional
        The selected optimal mechanism of each segment; when omitted it is solved on
        first use (the constructor only validates).
    original : Mechanism, optional
        The selected optimal mechanism of f; solved on first use when omitted.
    exact_weights, exact_markets : optional
        Exact rational weights and segments (``Fraction``), used by ``verify(exact=True)``
        to check averaging exactly. When omitted they are rationalised from the floats
        (:func:`rational_vector`), which is exact for segmentations with small
        denominators.

    Attributes
    ----------
    surplus : ndarray (m, n)        ``CS(t, f_i)``: type t's surplus in segment i
    original_surplus : ndarray (n,) ``CS(t, f)``
    surplus_change : ndarray (m, n) ``CS(t, f_i) - CS(t, f)``
    type_surplus_change : ndarray (n,)
        Expected change per consumer of each type: ``sum_i w_i f_i(t) (CS(t,f_i) - CS(t,f)) / f(t)``
        (0 for types without mass).
    consumer_surplus : ndarray (n,)  per type: ``original_surplus + type_surplus_change``
    expected_consumer_surplus : float  its average over the market
    revenue_change, consumer_surplus_change, total_surplus_change : float
        Averages over segments minus the unsegmented values.
    is_pareto_improving : bool       HS section 4.1 (see :meth:`pareto_report`)

    References
    ----------
    HS, section 4 (segmentations, consistent selection) and section 4.1 (weak Pareto
    domination, Pareto domination, Pareto improving segmentations).

    Examples
    --------
    The HS tutorial's market (types low, mid, high; values for basic and premium) split
    into the Proposition 3 market (low and mid, half each) with weight 0.3 and the rest.
    By hand: premium sells to all at 2 in the first segment, and at 3 to mid and high in
    the second, so revenue is 0.3 x 2 + 0.7 x (11/14) x 3 = 2.25, up 0.15 from 2.1:

    >>> import infopricing as ip
    >>> env = ip.Environment([[1, 2], [2, 3], [3, 3.5]])
    >>> market = ip.Market(env, [0.3, 0.3, 0.4])
    >>> seg = ip.Segmentation(market, [0.3, 0.7], [[0.5, 0.5, 0], [3/14, 3/14, 4/7]])
    >>> round(seg.revenue, 4), round(seg.revenue_change, 4), seg.is_pareto_improving
    (2.25, 0.15, True)
    >>> seg.consumer_surplus.round(4).tolist(), bool(seg.verify())
    ([0.0, 0.5, 0.5], True)
    """

    market: Market
    weights: np.ndarray
    markets: tuple
    selection: str = "efficient"
    mechanisms: tuple | None = _SolvedOnFirstUse()
    original: Mechanism | None = _SolvedOnFirstUse()
    exact_weights: tuple | None = field(default=None, repr=False)
    exact_markets: tuple | None = field(default=None, repr=False)

    def __post_init__(self):
        if not isinstance(self.market, Market):
            raise TypeError(f"market must be a Market, got {type(self.market).__name__}")
        env = self.market.env
        if self.selection not in SELECTIONS:
            raise ValueError(f"selection must be one of {SELECTIONS}, got {self.selection!r}")
        w = np.array(self.weights, dtype=float).ravel()
        if w.size == 0:
            raise ValueError("weights must contain at least one segment weight")
        if not np.all(np.isfinite(w)):
            raise ValueError("weights must be finite")
        if np.any(w < 0):
            raise ValueError(f"weights must be non-negative, got minimum {w.min():.6g}")
        if abs(w.sum() - 1.0) > tol.PROB_SUM:
            raise ValueError(f"weights must sum to 1 (within {tol.PROB_SUM:g}), got {w.sum():.12g}")
        segs = []
        for i, m in enumerate(self.markets):
            if isinstance(m, Market):
                if m.env != env:
                    raise ValueError(f"markets[{i}] is over a different environment than market")
                segs.append(m)
            else:
                try:
                    segs.append(Market(env, m))
                except ValueError as exc:
                    raise ValueError(f"markets[{i}]: {exc}") from None
        if len(segs) != w.size:
            raise ValueError(f"weights has {w.size} entries but markets has {len(segs)}")
        F = np.array([s.probabilities for s in segs])
        avg = w @ F
        dev = float(np.abs(avg - self.market.probabilities).max())
        if dev > tol.FEAS:
            raise ValueError(f"segments do not average to the market: weighted average "
                             f"{np.round(avg, 9).tolist()} differs from "
                             f"{np.round(self.market.probabilities, 9).tolist()} by {dev:.3g} "
                             f"(tolerance {tol.FEAS:g})")
        w.setflags(write=False)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "markets", tuple(segs))
        mechs = self.__dict__.get("_mechanisms")      # None: solved on first use
        if mechs is not None:
            mechs = tuple(mechs)
            if len(mechs) != len(segs):
                raise ValueError(f"mechanisms has {len(mechs)} entries but markets has {len(segs)}")
            for i, mm in enumerate(mechs):
                if not isinstance(mm, Mechanism) or mm.env != env:
                    raise ValueError(f"mechanisms[{i}] must be a Mechanism over the market's environment")
            object.__setattr__(self, "mechanisms", mechs)
        orig = self.__dict__.get("_original")
        if orig is not None and (not isinstance(orig, Mechanism) or orig.env != env):
            raise ValueError("original must be a Mechanism over the market's environment")
        if self.exact_weights is not None:
            if len(self.exact_weights) != w.size:
                raise ValueError("exact_weights must have one entry per segment")
            object.__setattr__(self, "exact_weights", tuple(Fraction(x) for x in self.exact_weights))
        if self.exact_markets is not None:
            if len(self.exact_markets) != w.size:
                raise ValueError("exact_markets must have one entry per segment")
            object.__setattr__(self, "exact_markets",
                               tuple(tuple(Fraction(x) for x in row) for row in self.exact_markets))

    def _solve(self, name: str):
        """The selected optimal mechanism(s) that ``name`` (a lazy field) holds."""
        env = self.market.env
        if name == "mechanisms":
            return tuple(optimal_mechanism(env, s, selection=self.selection) for s in self.markets)
        return optimal_mechanism(env, self.market, selection=self.selection)

    # -- basic accessors ---------------------------------------------------------------
    @property
    def env(self) -> Environment:
        return self.market.env

    @property
    def n_segments(self) -> int:
        return len(self.markets)

    @property
    def segment_probabilities(self) -> np.ndarray:
        """(m, n) matrix of the segments' distributions."""
        return np.array([s.probabilities for s in self.markets])

    # -- welfare comparison --------------------------------------------------------------
    @cached_property
    def surplus(self) -> np.ndarray:
        return np.array([m.utilities for m in self.mechanisms])

    @property
    def original_surplus(self) -> np.ndarray:
        return self.original.utilities

    @cached_property
    def surplus_change(self) -> np.ndarray:
        return self.surplus - self.original_surplus[None, :]

    @cached_property
    def type_surplus_change(self) -> np.ndarray:
        F = self.segment_probabilities
        mass = self.weights[:, None] * F  # (m, n): mass of type t in segment i
        f = self.market.probabilities
        tot = (mass * self.surplus_change).sum(axis=0)
        out = np.zeros_like(f)
        pos = f > 0
        out[pos] = tot[pos] / f[pos]
        return out

    @property
    def segment_revenues(self) -> np.ndarray:
        return np.array([m.revenue for m in self.mechanisms])

    @property
    def revenue(self) -> float:
        return float(self.weights @ self.segment_revenues)

    def _change(self, after: float, before: float) -> float:
        """``after - before``, reported as exactly 0 when the two agree within ``tol.EQUAL`` in
        the model's units (so float noise of 1e-16 is never read as a loss or a gain)."""
        d = after - before
        return 0.0 if abs(d) <= tol.EQUAL * tol.value_scale(self.env.values) else float(d)

    @property
    def revenue_change(self) -> float:
        return self._change(self.revenue, self.original.revenue)

    @property
    def consumer_surplus(self) -> np.ndarray:
        """Per type: each type's expected surplus over the segments it is in (as
        :attr:`Mechanism.consumer_surplus <infopricing.screening.Mechanism.consumer_surplus>`)."""
        return self.original_surplus + self.type_surplus_change

    @property
    def expected_consumer_surplus(self) -> float:
        """The scalar: consumer surplus averaged over segments and types."""
        return float(self.weights @ np.array([m.expected_consumer_surplus for m in self.mechanisms]))

    @property
    def consumer_surplus_change(self) -> float:
        return self._change(self.expected_consumer_surplus, self.original.expected_consumer_surplus)

    @property
    def total_surplus(self) -> float:
        return float(self.weights @ np.array([m.total_surplus for m in self.mechanisms]))

    @property
    def total_surplus_change(self) -> float:
        return self._change(self.total_surplus, self.original.total_surplus)

    def pareto_report(self, atol: float = tol.EQUAL) -> dict:
        """HS section 4.1 comparison of every segment with the unsegmented market.

        Segment i *weakly Pareto dominates* f when ``CS(t, f_i) >= CS(t, f) - atol`` for every
        type with ``f_i(t) > 0``; it *Pareto dominates* f when moreover some such type gains
        more than ``atol``. The segmentation is Pareto improving when every segment with
        positive weight weakly dominates and some dominates. ``atol`` is in units of
        ``tolerances.value_scale(values)`` (the model's units).
        """
        atol = atol * tol.value_scale(self.env.values)
        F = self.segment_probabilities
        ch = self.surplus_change
        weak, strict = [], []
        for i in range(self.n_segments):
            sup = F[i] > 0
            weak.append(bool(np.all(ch[i, sup] >= -atol)))
            strict.append(weak[-1] and bool(np.any(ch[i, sup] > atol)))
        active = self.weights > 0
        improving = bool(all(w for w, a in zip(weak, active) if a)
                         and any(s for s, a in zip(strict, active) if a))
        return {"weakly_dominates": weak, "dominates": strict, "pareto_improving": improving}

    @property
    def is_pareto_improving(self) -> bool:
        return self.pareto_report()["pareto_improving"]

    @property
    def is_trivial(self) -> bool:
        """All segments with positive weight equal the original market (HS section 4)."""
        F = self.segment_probabilities[self.weights > 0]
        return bool(np.all(np.abs(F - self.market.probabilities[None, :]) <= tol.FEAS))

    # -- verification ------------------------------------------------------------------
    def _summary(self) -> dict:
        # what a notebook reader looks for; only once the menus are known (a segmentation
        # built by hand solves them on first use, which a repr should not trigger)
        out = {"segments": self.n_segments}
        if self.__dict__.get("_mechanisms") is not None and self.__dict__.get("_original") is not None:
            out.update(revenue=self.revenue, revenue_change=self.revenue_change,
                       expected_consumer_surplus=self.expected_consumer_surplus,
                       pareto_improving=bool(self.is_pareto_improving))
        return {**out, **super()._summary()}

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS,
               check_pareto: bool | None = None) -> Verification:
        """Re-check the segmentation independently of the solver that produced it.

        Checks (1) the segments average to the market (in ``Fraction`` arithmetic when
        ``exact``); (2) every segment's mechanism, and the original one, is IC and IR
        (:meth:`Mechanism.verify`); (3) each is revenue-optimal for its market: its revenue
        equals the LP-duality upper bound of :func:`revenue_upper_bound` (exactly when
        ``exact``); (4) when ``check_pareto`` (default: whenever the segmentation claims
        to be Pareto improving in floating point) that it is Pareto improving — exactly,
        from the exact vertices, when ``exact``.

        Returns
        -------
        Verification
            ``details`` holds, for ``exact=True``, the exact per-segment surplus changes.
        """
        failures: list[str] = []
        worst = 0.0
        env = self.env
        n = env.n_types
        if check_pareto is None:
            check_pareto = self.is_pareto_improving
        mechs = list(self.mechanisms) + [self.original]
        names = [f"segment {i}" for i in range(self.n_segments)] + ["original market"]
        if exact:
            from ..exact_numbers import exact_market

            fe = exact_market(self.market)
            if self.exact_weights and self.exact_markets:
                we, Fe = self.exact_weights, self.exact_markets
            else:
                we, Fe = exact_segments_of(self.weights, self.segment_probabilities, fe)
            if sum(we, Fraction(0)) != 1:
                failures.append(f"exact weights sum to {sum(we, Fraction(0))}, not 1")
            if any(x < 0 for x in we):
                failures.append("an exact weight is negative")
            for i, row in enumerate(Fe):
                if any(x < 0 for x in row) or sum(row, Fraction(0)) != 1:
                    failures.append(f"segment {i} is not an exact probability vector")
            found, dev = exact_averaging_failures(we, Fe, fe, labels=env.types)
            failures.extend(found)
            worst = max(worst, dev)
            exact_u = []
            markets_exact = list(Fe) + [fe]
            for name, mech, fx in zip(names, mechs, markets_exact):
                # exact menu and feasibility here; optimality is certified below on the
                # exact segment markets (the float ones may differ from them by rounding)
                chk = verify_mechanism(mech, exact=True, atol=atol, optimality=False)
                if not chk.ok:
                    failures.extend(f"{name}: {s}" for s in chk.failures)
                    worst = max(worst, chk.max_violation)
                    exact_u.append(None)
                    continue
                xe, pe, ue = _exact_mechanism_data(mech, chk)
                exact_u.append(ue)
                # exact optimality on the exact segment market: the exact menu and an exact
                # dual (its revenue basis re-solved, repaired by exact pivots if needed)
                oc = exact_optimality(mech, xe, pe, masses=fx)
                if not oc.ok:
                    gap = oc.gap
                    failures.append(f"{name}: optimality not certified exactly (duality gap "
                                    f"{float('inf') if gap is None else float(gap):.3g})")
            details = {}
            if check_pareto and all(u is not None for u in exact_u):
                u0 = exact_u[-1]
                strict_any = False
                changes = []
                for i in range(self.n_segments):
                    ch = [exact_u[i][t] - u0[t] for t in range(n)]
                    changes.append(ch)
                    if we[i] == 0:
                        continue
                    sup = [t for t in range(n) if Fe[i][t] > 0]
                    if any(ch[t] < 0 for t in sup):
                        failures.append(f"segment {i} does not weakly Pareto dominate the market (exact)")
                    if any(ch[t] > 0 for t in sup):
                        strict_any = True
                if not strict_any:
                    failures.append("no segment strictly Pareto dominates the market (exact)")
                details["surplus_change"] = changes
            return Verification(ok=not failures, failures=tuple(failures[:20]),
                                max_violation=worst, exact=True, details=details)

        # floating checks
        dev = averaging_deviation(self.weights, self.segment_probabilities, self.market.probabilities)
        if dev > atol:
            failures.append(f"segments do not average to the market (deviation {dev:.3g})")
        worst = max(worst, dev)
        if abs(self.weights.sum() - 1) > tol.PROB_SUM or np.any(self.weights < 0):
            failures.append("weights are not a probability vector")
        for name, mech, mk in zip(names, mechs, list(self.markets) + [self.market]):
            chk = mech.verify(exact=False, atol=atol)
            if not chk.ok:
                failures.extend(f"{name}: {s}" for s in chk.failures)
            worst = max(worst, chk.max_violation)
            ub = revenue_upper_bound(env, mk.probabilities)
            rev = mech.revenue_in(mk)
            gap = ub - rev
            if gap > tol.EQUAL * max(1.0, abs(ub)):
                failures.append(f"{name}: revenue {rev:.9g} below the duality bound {ub:.9g}")
        if check_pareto and not self.is_pareto_improving:
            failures.append("segmentation is not Pareto improving")
        return Verification(ok=not failures, failures=tuple(failures[:20]), max_violation=worst,
                            exact=False)

    # -- presentation ------------------------------------------------------------------
    def _table(self) -> dict:
        """One row per segment: its weight, its distribution over types, its revenue."""
        probs = self.segment_probabilities
        cols = {f"f[{t}]": probs[:, i] for i, t in enumerate(self.env.types)}
        return {"weight": self.weights, **cols, "revenue": self.segment_revenues}

    def as_dict(self) -> dict:
        env = self.env
        rep = self.pareto_report()
        return {
            "types": list(env.types), "selection": self.selection,
            "market": self.market.probabilities.tolist(),
            "weights": self.weights.tolist(),
            "segments": [s.probabilities.tolist() for s in self.markets],
            "segment_surplus": self.surplus.tolist(),
            "original_surplus": self.original_surplus.tolist(),
            "surplus_change": self.surplus_change.tolist(),
            "type_surplus_change": self.type_surplus_change.tolist(),
            "segment_revenue": self.segment_revenues.tolist(),
            "revenue": self.revenue, "original_revenue": self.original.revenue,
            "revenue_change": self.revenue_change,
            "consumer_surplus_change": self.consumer_surplus_change,
            "total_surplus_change": self.total_surplus_change,
            "weakly_dominates": rep["weakly_dominates"], "dominates": rep["dominates"],
            "pareto_improving": rep["pareto_improving"],
            "seller_revenue_before": self.original.revenue, "seller_revenue_after": self.revenue,
            "seller_gains_strictly": self.seller_gains_strictly,
            "original_menu": menu_items(self.original),
            "segment_details": [self.segment_detail(i) for i in range(self.n_segments)],
        }

    @property
    def seller_gains_strictly(self) -> bool:
        """The seller's expected revenue rises by more than ``tolerances.EQUAL`` (in the
        model's units, ``tolerances.value_scale``) over the unsegmented market."""
        return bool(self.revenue_change > tol.EQUAL * tol.value_scale(self.env.values))

    def segment_detail(self, i: int) -> dict:
        """Segment ``i`` as a reader checks it: its weight, its composition (the mass of
        each type in it), the seller-optimal menu offered there under the selection rule
        (one item per type: the lottery over alternatives and its price), the seller's
        revenue there, and each type's surplus before (unsegmented market) and after (in
        this segment). JSON-ready; labels are the environment's."""
        env = self.env
        mech = self.mechanisms[i]
        f = self.markets[i].probabilities
        return {
            "segment": i, "weight": float(self.weights[i]),
            "composition": {env.types[t]: float(f[t]) for t in range(env.n_types)},
            "menu": menu_items(mech),
            "revenue": float(mech.revenue_in(self.markets[i])),
            "surplus_before": {env.types[t]: float(self.original_surplus[t]) for t in range(env.n_types)},
            "surplus_after": {env.types[t]: float(mech.utilities[t]) for t in range(env.n_types)},
        }


# ---------------------------------------------------------------------------------------
# Result of a Pareto-improvement search
# ---------------------------------------------------------------------------------------
def efficient_on_support(mech, market) -> bool:
    """Every type with positive mass in ``market`` receives an efficient allocation.

    The HS constructions need inefficiency on the support: a zero-mass type served
    inefficiently (``Mechanism.is_efficient`` counts it, as HS define efficiency of the
    allocation rule) cannot be helped by segmenting a market it is not in."""
    return bool(np.all(mech.efficient_types()[market.probabilities > 0]))


@dataclass(frozen=True, eq=False, repr=False)
class ParetoImprovement(Result):
    """Whether a market is Pareto improvable, and how (HS sections 4.1, 6, Theorem 1).

    Attributes
    ----------
    market : Market
    improvable : bool or None
        True with a verified Pareto-improving ``segmentation``; False when the method
        proves none exists (e.g. an efficient market, HS Observation 1, or an exact
        certificate); None when the method cannot decide (e.g. Theorem 1 does not apply
        because the market has multiple optimal payment rules).
    segmentation : Segmentation or None
    reason : str
    method : str                 ``"theorem"`` or ``"exact"``
    selection : str
    dominating : object or None  the Pareto-dominating market used (method ``"theorem"``)
    epsilon : Fraction or None   the weight of the dominating segment (method ``"theorem"``)
    certificate : object or None
        Method-specific evidence that no improvement exists (method ``"exact"``); when it
        has a ``verify`` method, :meth:`verify` calls it.
    near_boundary : object or None
        Method ``"exact"``, ``improvable=None``: the boundary hyperplane of the
        non-improvable markets that the market is within tolerance of but not on
        (:class:`~infopricing.segmentation.exact_decision.NearBoundary`).

    References
    ----------
    HS, sections 4.1 and 6, Theorem 1.

    Examples
    --------
    >>> import infopricing as ip
    >>> env = ip.catalog.hs_section3()
    >>> r = ip.pareto_improving_segmentation(env, [0.5, 0.5])   # Theorem 1 construction
    >>> r.improvable, r.method, r.verify().ok
    (True, 'theorem', True)
    >>> ip.exact_pareto_improvement(env, [0.25, 0.75]).improvable   # HS Section 3: not improvable
    False
    """

    market: Market
    improvable: bool | None
    segmentation: Segmentation | None
    reason: str
    method: str = "theorem"
    selection: str = "efficient"
    dominating: Any = None
    epsilon: Any = None
    certificate: Any = None
    near_boundary: Any = None

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check the answer: a returned segmentation must verify and be Pareto improving
        and strictly raise revenue (method ``"theorem"``); ``improvable=False`` from
        Observation 1 needs the market's selected mechanism to be efficient; a certificate
        with a ``verify`` method is re-checked."""
        failures: list[str] = []
        worst = 0.0
        if self.segmentation is not None:
            chk = self.segmentation.verify(exact=exact, atol=atol, check_pareto=True)
            if not chk.ok:
                failures.extend(chk.failures)
            worst = chk.max_violation
            if self.improvable is not True:
                failures.append("a Pareto-improving segmentation is attached but improvable is not True")
            if self.method == "theorem" and not (self.segmentation.revenue_change
                                             > tol.EQUAL * tol.value_scale(self.market.env.values)):
                failures.append("the Theorem 1 segmentation does not strictly raise revenue")
        elif self.improvable is True:
            failures.append("improvable is True but no segmentation is attached")
        if self.improvable is False and self.certificate is None:
            mech = optimal_mechanism(self.market.env, self.market, selection=self.selection)
            if not efficient_on_support(mech, self.market):
                failures.append("improvable=False without a certificate, but the market is "
                                "inefficient on its support")
        if self.certificate is not None and hasattr(self.certificate, "verify"):
            c = self.certificate.verify(exact=exact)
            if not getattr(c, "ok", bool(c)):
                failures.extend(getattr(c, "failures", ("certificate does not verify",)))
        return Verification(ok=not failures, failures=tuple(failures), max_violation=worst,
                            exact=exact)

    @property
    def construction(self) -> str:
        """Which construction produced the answer, in words (from ``method``)."""
        return CONSTRUCTIONS.get(self.method, self.method)

    @property
    def seller_gains_strictly(self) -> bool | None:
        """Whether the attached segmentation strictly raises the seller's revenue (None
        without a segmentation)."""
        return None if self.segmentation is None else self.segmentation.seller_gains_strictly

    def as_dict(self) -> dict:
        d = {"improvable": self.improvable, "reason": self.reason, "method": self.method,
             "construction": self.construction, "selection": self.selection,
             "seller_gains_strictly": self.seller_gains_strictly,
             "epsilon": None if self.epsilon is None else str(self.epsilon)}
        if self.segmentation is not None:
            d["segmentation"] = self.segmentation.as_dict()
        if self.near_boundary is not None:
            d["near_boundary"] = self.near_boundary.as_dict()
        return d


#: the constructions behind :attr:`ParetoImprovement.method`, in words
CONSTRUCTIONS = {
    "theorem": "HS Theorem 1: two segments, the Proposition 3 dominating market f' (weight "
               "epsilon) and the remainder f'' that keeps the original menu",
    "bbm": "HS Proposition 1: the BBM (2015) greedy extremal segmentation (one alternative)",
    "exact": "HS item 6: the exact decision procedure over the cells of the market simplex",
}


def menu_items(mech: Mechanism) -> list:
    """A mechanism's menu as JSON-ready items, one per type: the type it is meant for, the
    lottery over alternatives (probability of each; the rest is the outside option), its
    price (gross of production cost) and that type's surplus from it."""
    env = mech.env
    return [{"type": env.types[t],
             "item": {env.alternatives[a]: float(mech.allocation[t, a])
                      for a in range(env.n_alternatives)},
             "price": float(mech.prices[t]), "surplus": float(mech.utilities[t])}
            for t in range(env.n_types)]
