"""Two types, any number of alternatives (HS section 5, Lemma 1, Proposition 2, Figure 1).

With two types one type (t_L) always has zero surplus and the other (t_H) gets its
efficient alternative; by the proof of Lemma 1 the optimal menu gives t_L the lottery x
maximising the revenue ``(1 - q) v_L(x) + q (v_H(abar_H) - max(0, v_H(x) - v_L(x)))`` at a
share q of t_H. This is concave piecewise linear in x, so its maximum over lotteries is
attained at a pure alternative, the outside option, or a *kink lottery* mixing an
alternative that t_H values more than t_L with one it values less, in the proportion that
makes the two values equal. The upper envelope of these finitely many lines in q gives the
thresholds q_0 = 0 < q_1 < ... < q_{m+1} = 1 and the high type's surplus
alpha_0 > ... > alpha_m = 0 of Lemma 1, in exact arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .. import tolerances as tol
from ..model import Environment, Market
from ..screening import Verification, optimal_mechanism
from ..screening.optimal import SELECTIONS
from .segment_welfare import rational_vector
from ..verify.protocol import Result, no_exact

__all__ = ["TwoTypeProfile", "two_type_profile"]


@dataclass(frozen=True, eq=False, repr=False)
class TwoTypeProfile(Result):
    """The high type's surplus as a function of its share (HS Lemma 1, Proposition 2).

    Attributes
    ----------
    env : Environment
    selection : str
    high, low : int or None      indices of t_H and t_L (None when no type is high: then
                                 every market is efficient with zero surplus)
    thresholds : tuple of Fraction   q_0 = 0 < q_1 < ... < q_{m+1} = 1 (share of t_H)
    surplus : tuple of Fraction      alpha_0 > ... > alpha_m = 0: t_H's surplus on (q_j, q_{j+1})
    low_allocations : tuple          t_L's lottery (tuple of Fraction over alternatives) on
                                     each interval
    efficient_intervals : tuple of bool   whether the optimal menu is efficient on (q_j, q_{j+1})
    non_improvable : tuple of Fraction
        The inefficient markets (shares of t_H) that are not Pareto improvable under the
        selection rule: thresholds whose selected menu is inefficient and gives t_H more
        than the next interval's surplus (then every non-trivial segmentation has a segment
        with a larger share of t_H where t_H loses). The one-type markets q = 0 and 1 are
        served efficiently on their support and are not listed (HS section 5). At most k
        (HS Proposition 2).
    threshold_surplus : tuple of float   t_H's surplus in the selected menu at each q_j

    References
    ----------
    HS, section 5, Lemma 1 (and its proof, Appendix A.1), Proposition 2, Figure 1.

    Examples
    --------
    >>> import infopricing as ip
    >>> p = ip.two_type_profile(ip.catalog.hs_section3())
    >>> p.env.types[p.high], p.env.types[p.low], p.verify().ok
    ('t2', 't1', True)
    """

    env: Environment
    selection: str
    high: int | None
    low: int | None
    thresholds: tuple
    surplus: tuple
    low_allocations: tuple = field(repr=False)
    efficient_intervals: tuple
    non_improvable: tuple
    threshold_surplus: tuple = field(repr=False)

    @property
    def n_intervals(self) -> int:
        return len(self.surplus)

    def market(self, q) -> Market:
        """The market with share ``q`` of the high type."""
        p = np.zeros(2)
        hi = 1 if self.high is None else self.high
        p[hi] = float(q)
        p[1 - hi] = 1 - float(q)
        return Market(self.env, p)

    def high_surplus(self, q) -> Fraction:
        """alpha_j for q in the open interval (q_j, q_{j+1}) (raises at a threshold)."""
        q = Fraction(q)
        for j in range(self.n_intervals):
            if self.thresholds[j] < q < self.thresholds[j + 1]:
                return self.surplus[j]
        raise ValueError(f"q = {q} is a threshold; the surplus there depends on the selection rule")

    def verify(self, *, exact: bool = False, samples_per_interval: int = 3,
               atol: float = tol.FEAS) -> Verification:
        """Re-check against the menu LP: at interior points of every interval t_L's surplus
        is 0 and t_H's is alpha_j, with efficiency as reported; thresholds are increasing
        and surpluses strictly decreasing to 0; at most k non-improvable markets. Surpluses
        are compared within ``atol`` in units of ``tolerances.value_scale(values)``."""
        no_exact(self, exact)
        fails = []
        atol = atol * tol.value_scale(self.env.values)
        th, al = self.thresholds, self.surplus
        if not (th[0] == 0 and th[-1] == 1 and all(a < b for a, b in zip(th, th[1:]))):
            fails.append("thresholds are not 0 < ... < 1")
        if not (al[-1] == 0 and all(a > b for a, b in zip(al, al[1:]))):
            fails.append("surpluses are not strictly decreasing to 0")
        if len(self.non_improvable) > self.env.n_alternatives:
            fails.append("more than k non-improvable inefficient markets (contradicts Proposition 2)")
        for j in range(self.n_intervals):
            lo, hi = th[j], th[j + 1]
            for s in range(1, samples_per_interval + 1):
                q = lo + (hi - lo) * Fraction(s, samples_per_interval + 1)
                m = optimal_mechanism(self.env, self.market(q), selection=self.selection)
                u = m.utilities
                h = 1 if self.high is None else self.high
                if abs(u[1 - h]) > atol or abs(u[h] - float(al[j])) > atol:
                    fails.append(f"at q = {float(q):.6g} the LP gives surpluses {u.tolist()}, "
                                 f"expected ({float(al[j])}) for the high type and 0 for the low")
                if m.is_efficient != self.efficient_intervals[j]:
                    fails.append(f"efficiency at q = {float(q):.6g} differs")
        return Verification(ok=not fails, failures=tuple(fails))

    def as_dict(self) -> dict:
        env = self.env
        return {"high_type": None if self.high is None else env.types[self.high],
                "low_type": None if self.low is None else env.types[self.low],
                "thresholds": [str(q) for q in self.thresholds],
                "high_type_surplus": [str(a) for a in self.surplus],
                "low_allocations": [[str(x) for x in lot] for lot in self.low_allocations],
                "efficient_intervals": list(self.efficient_intervals),
                "non_improvable": [str(q) for q in self.non_improvable]}


def _high_low(env: Environment, V):
    e = [env.efficient_alternative(t) for t in (0, 1)]  # raises when not unique
    val = lambda t, a: Fraction(0) if a < 0 else V[t][a]  # noqa: E731
    highs = [h for h in (0, 1) if val(h, e[1 - h]) > val(1 - h, e[1 - h])]
    if len(highs) > 1:  # pragma: no cover - impossible (HS section 5)
        raise RuntimeError("both types qualify as high: contradicts HS section 5")
    return (highs[0], 1 - highs[0]) if highs else (None, None), e


def _candidates(vL, vH):
    """(v_L, d^+ = max(0, v_H - v_L), lottery) for pure alternatives, the outside option and
    kink lotteries."""
    k = len(vL)
    d = [vH[a] - vL[a] for a in range(k)]
    out = [(Fraction(0), Fraction(0), tuple([Fraction(0)] * k))]
    for a in range(k):
        lot = [Fraction(0)] * k
        lot[a] = Fraction(1)
        out.append((vL[a], max(Fraction(0), d[a]), tuple(lot)))
    for a in range(k):
        if d[a] <= 0:
            continue
        for b in list(range(k)) + [-1]:
            db = Fraction(0) if b < 0 else d[b]
            if db >= 0:
                continue
            lam = -db / (d[a] - db)
            lot = [Fraction(0)] * k
            lot[a] = lam
            if b >= 0:
                lot[b] += 1 - lam
            out.append((sum((vL[i] * lot[i] for i in range(k)), Fraction(0)), Fraction(0), tuple(lot)))
    # outside option mixed with a is the same as a scaled-down lottery: b = -1 has d = 0, skipped
    return out


def two_type_profile(env: Environment, selection: str = "efficient") -> TwoTypeProfile:
    """Thresholds, high-type surpluses and non-improvable markets of a two-type environment.

    Parameters
    ----------
    env : Environment
        Exactly two types, each with a unique efficient alternative; any k >= 1.
    selection : {"efficient", "consumer", "adverse"}
        Only matters at the thresholds (HS: the intervals do not depend on it).

    Returns
    -------
    TwoTypeProfile

    Notes
    -----
    The computation is exact on the valuations read as rationals with denominators up to
    :data:`~infopricing.tolerances.RATIONAL_DENOMINATOR` (so ``0.4`` is 2/5), in units of
    :func:`~infopricing.tolerances.value_scale` (values of any size: a power of two near the
    largest one when it lies outside ``[VALUE_LOW, VALUE_HIGH]``).

    Raises
    ------
    ValueError
        When ``env`` does not have exactly two types or a type has no unique efficient
        alternative.

    References
    ----------
    HS, section 5: Lemma 1, Proposition 2, Figure 1; Appendix A.1 (proof of Lemma 1,
    expression (1)).

    Examples
    --------
    HS Section 3 (Figure 1(a)): the market is efficient up to q = 1/4 (H at price 1, t2
    keeps 1), t2 keeps 1/4 on (1/4, 3/4) and 0 above; q = 3/4 is the only inefficient
    market that is not Pareto improvable:

    >>> import infopricing as ip
    >>> p = ip.two_type_profile(ip.catalog.hs_section3())
    >>> [str(q) for q in p.thresholds], [str(s) for s in p.surplus]
    (['0', '1/4', '3/4', '1'], ['1', '1/4', '0'])
    >>> [str(q) for q in p.non_improvable]
    ['3/4']
    """
    if not isinstance(env, Environment):
        raise TypeError(f"env must be an Environment, got {env.__class__.__name__}")
    scale = tol.value_scale(env.values)
    if scale != 1.0 and env.n_types == 2:
        # any units: solve on the values divided by a power of two (exact in binary floating
        # point, so the same environment in ordinary units) and scale the surpluses back
        # (exactly); thresholds, allocations and the markets named are unit-free
        p = two_type_profile(Environment(env.gross_values / scale, types=env.types,
                                         alternatives=env.alternatives, costs=env.costs / scale),
                             selection=selection)
        S = Fraction(scale)
        return TwoTypeProfile(env=env, selection=p.selection, high=p.high, low=p.low,
                              thresholds=p.thresholds, surplus=tuple(a * S for a in p.surplus),
                              low_allocations=p.low_allocations, efficient_intervals=p.efficient_intervals,
                              non_improvable=p.non_improvable,
                              threshold_surplus=tuple(float(x) * scale for x in p.threshold_surplus))
    if env.n_types != 2:
        raise ValueError(f"env must have exactly 2 types (HS section 5), got {env.n_types}")
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    # valuations as the rationals they were written as (binary floats of decimals like 0.4
    # would otherwise create spurious thresholds a few ulps apart)
    V = [list(rational_vector(row)) for row in env.values]
    (h, l), eff = _high_low(env, V)
    k = env.n_alternatives
    if h is None:
        lot = tuple(Fraction(1) if a == eff[0] else Fraction(0) for a in range(k))
        return TwoTypeProfile(env=env, selection=selection, high=None, low=None,
                              thresholds=(Fraction(0), Fraction(1)), surplus=(Fraction(0),),
                              low_allocations=(lot,), efficient_intervals=(True,),
                              non_improvable=(), threshold_surplus=(0.0, 0.0))
    cands = _candidates(V[l], V[h])

    def g0(c):
        return c[0]

    def slope(c):
        return -(c[0] + c[1])

    # at q = 0: maximise v_L, then the slope
    cur = max(cands, key=lambda c: (g0(c), slope(c)))
    q = Fraction(0)
    thresholds, surplus, lots = [Fraction(0)], [], []
    while True:
        surplus.append(cur[1])
        lots.append(cur[2])
        best_q, best = None, None
        for c in cands:
            if slope(c) <= slope(cur):
                continue
            qc = (g0(cur) - g0(c)) / (slope(c) - slope(cur))
            if qc <= q:
                continue
            if best_q is None or qc < best_q or (qc == best_q and slope(c) > slope(best)):
                best_q, best = qc, c
        if best is None or best_q >= 1:
            thresholds.append(Fraction(1))
            break
        thresholds.append(best_q)
        q, cur = best_q, best
    eff_val = max([Fraction(0)] + V[l])
    eff_int = tuple(sum((V[l][a] * lot[a] for a in range(k)), Fraction(0)) == eff_val for lot in lots)
    prof = TwoTypeProfile(env=env, selection=selection, high=h, low=l, thresholds=tuple(thresholds),
                          surplus=tuple(surplus), low_allocations=tuple(lots),
                          efficient_intervals=eff_int, non_improvable=(), threshold_surplus=())
    # selected menu at each threshold (and at the one-type markets 0 and 1)
    non_imp, th_s = [], []
    for j, qj in enumerate(thresholds):
        m = optimal_mechanism(env, prof.market(qj), selection=selection)
        uh = float(m.utilities[h])
        th_s.append(uh)
        if j == 0 or j == len(thresholds) - 1:
            continue  # one-type markets: efficient on their support (HS section 5)
        if not m.is_efficient and uh > float(surplus[j]) + tol.EQUAL:
            non_imp.append(qj)
    object.__setattr__(prof, "non_improvable", tuple(non_imp))
    object.__setattr__(prof, "threshold_surplus", tuple(th_s))
    return prof
