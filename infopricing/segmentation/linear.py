"""Linear (Mussa-Rosen) valuations: virtual values, ironing and Pareto improvability.

Types ``t = 1..n`` value quality ``a`` at ``v(t) a`` with ``v`` increasing; qualities form a
finite set or an interval ``[lo, hi]`` with production cost ``C(a)``. HS Appendix C.1
characterises the optimal mechanism by (ironed) virtual values (Proposition 6) and the
Pareto-improvable markets by (t, delta)-perturbations (Definition 2, Proposition 5,
Corollary 2): f is Pareto improvable iff some type with an inefficient allocation has a
virtual value strictly above the smallest virtual value with the same optimal quality.

Conventions (types indexed ``0..n-1`` here, in increasing value):

* ``Ftilde[t] = sum_{s >= t} f[s]`` (mass of t and above), ``Ftilde[n] = 0``;
* revenue curve: the points ``(Ftilde[t], v[t] Ftilde[t])`` and ``(0, 0)``; the ironed
  revenue curve is their upper concave envelope on [0, 1];
* the virtual value of t is the slope of the ironed curve just to the left of
  ``Ftilde[t_L]``, t_L the highest type ``<= t`` whose point lies on the envelope (HS's
  definition, which covers zero-mass types); when ``Ftilde[t_L] = 0`` (no mass at or above
  t) there is no segment to the left and we use the limit ``v[t]`` (a vanishing mass at t
  would have virtual value v[t]); when no such t_L exists (t and all lower types have zero
  mass and lie below a higher type's point at x = 1) the limit is ``-inf`` (exclusion);
* among several virtual-surplus maximisers the largest quality is chosen (the one closest
  to the efficient quality, matching the library's ``"efficient"`` selection).

References
----------
HS, Appendix C and C.1 (Definition 2, Proposition 5, Lemma 7, Proposition 6, Corollaries
2 and 3, Figures 6, 8, 9); Mussa and Rosen (1978); Myerson (1981).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import tolerances as tol
from ..model import Environment
from ..model._validate import probability_vector, real_array
from ..screening import Verification
from ..verify.averaging import averaging_deviation
from ..verify.protocol import Result, no_exact

__all__ = ["LinearEnvironment", "LinearMechanism", "LinearImprovement", "perturbation",
           "plot_hs_figure6", "plot_revenue_curve"]


def _upper_hull(x: np.ndarray, y: np.ndarray):
    """Upper concave envelope of points (x, y): indices of the hull vertices, by x."""
    order = np.lexsort((-y, x))
    pts = []
    for i in order:
        if pts and x[pts[-1]] == x[i]:
            continue  # same x: keep the highest (sorted first)
        while len(pts) >= 2:
            i1, i2 = pts[-2], pts[-1]
            cross = (x[i2] - x[i1]) * (y[i] - y[i1]) - (y[i2] - y[i1]) * (x[i] - x[i1])
            if cross >= 0:  # i2 is on or below the chord: drop it
                pts.pop()
            else:
                break
        pts.append(i)
    return pts


class LinearEnvironment:
    """Types with linear valuations ``v(t) a`` over qualities ``a`` with cost ``C(a)``.

    Parameters
    ----------
    values : array_like (n,)
        Strictly increasing marginal values ``v(t)``.
    alternatives : array_like (k,) or tuple (lo, hi)
        A finite set of non-negative qualities, or a closed interval ``(lo, hi)``,
        ``0 <= lo < hi``. The outside option (quality 0 at cost 0) is always available
        with a finite set: include ``0`` if you want it listed explicitly.
    cost : callable or array_like
        ``C(a)``; for a finite set either a callable or one cost per alternative. For an
        interval C must be convex (the virtual-surplus maximiser is found by a bounded
        scalar search).
    marginal_cost : callable, optional
        ``C'(a)`` for an interval (used for the smallest virtual value supporting a
        quality, ``min Phi``); by default a one-sided finite difference.
    types : sequence of str, optional

    References
    ----------
    HS, Appendix C.1.

    Examples
    --------
    HS Appendix C's example: values 1 and 2, qualities in [0, 1] at cost a^2 / 2. With a
    quarter of t2, t1's virtual value is (1 - 2q) / (1 - q) = 2/3, so t1 gets quality 2/3
    (inefficient) and t2 quality 1, and the market is not Pareto improvable (Corollary 2):

    >>> import infopricing as ip
    >>> env = ip.LinearEnvironment([1.0, 2.0], (0.0, 1.0), lambda a: a * a / 2,
    ...                            marginal_cost=lambda a: a)
    >>> m = env.optimal_mechanism([0.75, 0.25])
    >>> m.virtual_values.round(4).tolist(), m.allocation.round(4).tolist()
    ([0.6667, 2.0], [0.6667, 1.0])
    >>> env.pareto_improvement([0.75, 0.25]).improvable
    False
    """

    def __init__(self, values, alternatives, cost, marginal_cost: Callable | None = None,
                 types=None):
        v = real_array(values, "values", ndim=1)
        if v.size < 1:
            raise ValueError("values must contain at least one type")
        if np.any(np.diff(v) <= 0):
            raise ValueError("values must be strictly increasing (HS Appendix C.1 ranks types by value)")
        self.values = v
        self.n_types = v.size
        self.types = tuple(types) if types is not None else tuple(f"t{i + 1}" for i in range(v.size))
        if len(self.types) != v.size:
            raise ValueError(f"types must have {v.size} labels")
        self._mc = marginal_cost
        if isinstance(alternatives, tuple) and len(alternatives) == 2 and not isinstance(cost, (list, np.ndarray)):
            lo, hi = float(alternatives[0]), float(alternatives[1])
            if not (0 <= lo < hi and np.isfinite(hi)):
                raise ValueError(f"alternatives interval must satisfy 0 <= lo < hi < inf, got {alternatives}")
            if not callable(cost):
                raise TypeError("cost must be callable for an interval of alternatives")
            self.interval = (lo, hi)
            self.qualities = None
            self.cost = cost
            self.costs = None
        else:
            a = real_array(alternatives, "alternatives", ndim=1)
            if a.size < 1 or np.any(a < 0):
                raise ValueError("alternatives must be non-negative qualities (at least one)")
            if np.unique(a).size != a.size:
                raise ValueError("alternatives must be distinct")
            order = np.argsort(a)
            a = a[order]
            if callable(cost):
                c = np.array([float(cost(x)) for x in a])
                self.cost = cost
            else:
                c = real_array(cost, "cost", ndim=1)
                if c.size != a.size:
                    raise ValueError(f"cost must have one entry per alternative ({a.size}), got {c.size}")
                c = c[order]
                self.cost = None
            if a[0] != 0:  # the outside option
                a = np.concatenate([[0.0], a])
                c = np.concatenate([[0.0], c])
            self.interval = None
            self.qualities = a
            self.costs = c
            # HS Appendix C.1 (as HS throughout) assumes each type's efficient alternative is
            # unique; with a tie the "inefficient" type may be served efficiently, and the
            # Corollary 2 construction then claims improvements that do not exist
            for t, vt in enumerate(v):
                s = vt * a - c
                best = s.max()
                tied = np.flatnonzero(s >= best - tol.EQUAL * max(1.0, abs(best)))
                if tied.size > 1:
                    name = self.types[t]
                    raise ValueError(
                        f"type {name}'s efficient quality is not unique: qualities "
                        f"{', '.join(f'{a[i]:g}' for i in tied)} all give net value {best:g} "
                        "(HS Appendix C.1 assumes a unique efficient quality per type)")

    # -- costs and virtual-surplus maximisation ---------------------------------------
    def C(self, a: float) -> float:
        if self.interval is not None:
            return float(self.cost(a))
        i = np.flatnonzero(np.isclose(self.qualities, a, rtol=0, atol=1e-12))
        if i.size == 0:
            raise ValueError(f"{a} is not one of the alternatives")
        return float(self.costs[i[0]])

    def best_quality(self, phi: float, atol: float = tol.EQUAL) -> float:
        """A maximiser of ``phi a - C(a)`` (the largest one when several tie)."""
        if phi == -np.inf:
            return float(self.qualities[0] if self.interval is None else self.interval[0])
        if self.interval is None:
            s = phi * self.qualities - self.costs
            best = s.max()
            return float(self.qualities[np.flatnonzero(s >= best - atol * max(1.0, abs(best)))[-1]])
        from scipy.optimize import minimize_scalar

        lo, hi = self.interval
        grid = np.linspace(lo, hi, 201)
        vals = np.array([phi * g - self.C(g) for g in grid])
        i = int(np.argmax(vals))
        a0, a1 = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
        if a1 > a0:
            r = minimize_scalar(lambda a: -(phi * a - self.C(a)), bounds=(a0, a1), method="bounded",
                                options={"xatol": 1e-12})
            cand = [a0, a1, float(r.x), grid[i]]
        else:
            cand = [grid[i]]
        cand = [lo if c - lo < 1e-9 else hi if hi - c < 1e-9 else c for c in cand]
        vals = [phi * a - self.C(a) for a in cand]
        best = max(vals)
        return float(max(a for a, s in zip(cand, vals) if s >= best - 1e-12))

    def min_supporting_value(self, a: float) -> float:
        """``min Phi``: the smallest virtual value for which quality ``a`` maximises
        virtual surplus (``-inf`` at the lowest quality). HS, before Corollary 2."""
        if self.interval is None:
            i = int(np.flatnonzero(np.isclose(self.qualities, a, rtol=0, atol=1e-12))[0])
            if i == 0:
                return -np.inf
            q, c = self.qualities, self.costs
            return float(np.max((c[i] - c[:i]) / (q[i] - q[:i])))
        lo, hi = self.interval
        if a <= lo + 1e-12:
            return -np.inf
        if self._mc is not None:
            return float(self._mc(a))
        h = 1e-6 * max(1.0, abs(a))
        return float((self.C(a) - self.C(a - h)) / h)

    def efficient_quality(self, t: int) -> float:
        return self.best_quality(self.values[t])

    # -- markets --------------------------------------------------------------------
    def _market(self, f) -> np.ndarray:
        return probability_vector(f, "market", size=self.n_types)

    def upper_mass(self, f) -> np.ndarray:
        """``Ftilde`` (n + 1,): mass of each type and above, with ``Ftilde[n] = 0``."""
        f = self._market(f)
        return np.concatenate([np.cumsum(f[::-1])[::-1], [0.0]])

    def revenue_curve(self, f) -> tuple[np.ndarray, np.ndarray]:
        """Points of the revenue curve R: x = Ftilde[t] (t = 0..n, the last being 0) and
        ``R = v[t] Ftilde[t]`` (0 at x = 0). HS Appendix C.1, Figure 8."""
        Ft = self.upper_mass(f)
        R = np.concatenate([self.values * Ft[:-1], [0.0]])
        return Ft, R

    def ironed_revenue_curve(self, f) -> tuple[np.ndarray, np.ndarray]:
        """Vertices (x increasing) of the ironed revenue curve, the concave envelope of R."""
        x, R = self.revenue_curve(f)
        idx = _upper_hull(x, R)
        return x[idx], R[idx]

    def ironed_value(self, f, x) -> np.ndarray:
        hx, hR = self.ironed_revenue_curve(f)
        return np.interp(x, hx, hR)

    def virtual_values(self, f, atol: float = 1e-12) -> np.ndarray:
        """Virtual value of every type, zero-mass types included (module docstring).

        References
        ----------
        HS, Appendix C.1, Equations (4) and (5) and the definition that follows (4).
        """
        x, R = self.revenue_curve(f)
        hx, hR = self.ironed_revenue_curve(f)
        RI = np.interp(x, hx, hR)
        phi = np.empty(self.n_types)
        for t in range(self.n_types):
            on = [s for s in range(t + 1) if R[s] >= RI[s] - atol * max(1.0, abs(RI[s]))]
            if not on:
                # t and every lower type have zero mass and lie below a higher type's point
                # at x = 1: the limit of a vanishing mass at t has slope -> -inf (exclusion)
                phi[t] = -np.inf
                continue
            tl = max(on)
            xl = x[tl]
            if xl <= atol:
                phi[t] = self.values[t]
                continue
            j = int(np.searchsorted(hx, xl - atol))  # hull vertex at (or just right of) xl
            j = max(j, 1)
            phi[t] = (hR[j] - hR[j - 1]) / (hx[j] - hx[j - 1])
        return phi

    def optimal_mechanism(self, f) -> "LinearMechanism":
        """The optimal mechanism of HS Proposition 6: quality ``a(t)`` maximises
        ``phi(t) a - C(a)`` and ``CS(t) = sum_{s=1}^{t} (v(s) - v(s-1)) a(s-1)``.

        References
        ----------
        HS, Appendix C.1, Proposition 6.
        """
        f = self._market(f)
        phi = self.virtual_values(f)
        a = np.array([self.best_quality(p) for p in phi])
        return LinearMechanism(self, f, phi, a)

    def to_environment(self) -> Environment:
        """The finite environment (values ``v(t) a``, costs ``C(a)``) of a finite set of
        qualities, for the general menu LP (the outside option is implicit there)."""
        if self.interval is not None:
            raise ValueError("to_environment needs a finite set of alternatives")
        q, c = self.qualities[1:], self.costs[1:]
        if q.size == 0:
            raise ValueError("no alternative besides the outside option")
        return Environment(np.outer(self.values, q), types=self.types,
                           alternatives=[f"a={x:g}" for x in q], costs=c)

    # -- Pareto improvability ---------------------------------------------------------
    def improvable_types(self, f, atol: float = tol.EQUAL) -> list[int]:
        """Types that make f Pareto improvable by HS Corollary 2: positive mass and an
        inefficient allocation, a virtual value strictly above ``min Phi`` of its quality,
        and some positive mass above it (someone must gain)."""
        M = self.optimal_mechanism(f)
        f = M.market
        Ft = self.upper_mass(f)
        out = []
        for t in range(self.n_types):
            eff = self.efficient_quality(t)
            if f[t] <= 0 or abs(M.allocation[t] - eff) <= atol:
                continue
            if Ft[t + 1] <= 0:
                continue
            if M.virtual_values[t] > self.min_supporting_value(M.allocation[t]) + atol:
                out.append(t)
        return out

    def pareto_improvement(self, f, atol: float = tol.EQUAL, max_halvings: int = 60) -> "LinearImprovement":
        """Decide Pareto improvability (HS Corollary 2 / Proposition 5) and construct the
        segmentation of the proof: ``f = eps f' + (1 - eps) f''`` with f' a (t, delta')-
        perturbation (delta' < 0, Lemma 7: raises t's virtual value and allocation) and f''
        the (t, delta'')-perturbation with ``delta'' = -eps delta' / (1 - eps) > 0`` small
        enough to keep the optimal mechanism.

        Returns
        -------
        LinearImprovement

        References
        ----------
        HS, Appendix C.1, Definition 2, Proposition 5 and its proof, Lemma 7, Corollary 2.
        """
        f = self._market(f)
        M = self.optimal_mechanism(f)
        ineff = [t for t in range(self.n_types)
                 if f[t] > 0 and abs(M.allocation[t] - self.efficient_quality(t)) > atol]
        if not ineff:
            return LinearImprovement(self, f, False, None, None, None, None, (), (),
                                     "the market is efficient on its support (HS Observation 1)")
        cands = self.improvable_types(f, atol)
        if not cands:
            return LinearImprovement(self, f, False, None, None, None, None, (), (),
                                     "every type with an inefficient allocation has virtual value "
                                     "equal to min Phi, so every (t, delta)-perturbation with delta > 0 "
                                     "changes the optimal mechanism (HS Corollary 2)")
        for t in cands:
            Ft = self.upper_mass(f)
            dmax = f[t] / Ft[t + 1]
            for j in range(1, max_halvings):
                d1 = -1 + 2.0 ** -j
                f1 = perturbation(f, t, d1)
                M1 = self.optimal_mechanism(f1)
                if M1.allocation[t] > M.allocation[t] + atol:
                    break
            else:
                continue
            eps = 0.5
            for _ in range(max_halvings):
                d2 = -eps * d1 / (1 - eps)
                if d2 <= dmax:
                    f2 = perturbation(f, t, d2)
                    M2 = self.optimal_mechanism(f2)
                    if np.allclose(M2.allocation, M.allocation, atol=atol, rtol=0):
                        res = LinearImprovement(self, f, True, t, eps, f1, f2, (d1, d2), (M1, M2),
                                                f"(t, delta)-perturbations of type {self.types[t]}: "
                                                f"delta' = {d1:.6g}, delta'' = {d2:.6g}, eps = {eps:.6g}")
                        if res.verify().ok:
                            return res
                eps /= 2
        return LinearImprovement(self, f, None, None, None, None, None, (), (),
                                 "Corollary 2 says improvable but the construction failed numerically")


def perturbation(f, t: int, delta: float) -> np.ndarray:
    """The (t, delta)-perturbation of HS Definition 2: the mass of every type above t is
    scaled by ``1 + delta`` and type t absorbs the difference.

    Raises ValueError unless ``-1 <= delta <= f[t] / Ftilde[t+1]`` (so the result is a market).

    References
    ----------
    HS, Definition 2.
    """
    f = np.asarray(f, dtype=float)
    n = f.size
    if not 0 <= t < n:
        raise ValueError(f"t must be a type index in 0..{n - 1}, got {t}")
    above = f[t + 1:].sum()
    if delta < -1 or (above > 0 and delta > f[t] / above + 1e-15):
        raise ValueError(f"delta must be in [-1, f[t] / Ftilde[t+1]] = [-1, "
                         f"{(f[t] / above) if above > 0 else np.inf:.6g}], got {delta}")
    g = f.copy()
    g[t + 1:] *= 1 + delta
    g[t] = f[t] - delta * above
    g[t] = max(g[t], 0.0)
    return g


@dataclass(frozen=True, eq=False, repr=False)
class LinearMechanism(Result):
    """The Proposition 6 mechanism of a market in a :class:`LinearEnvironment`.

    Attributes
    ----------
    allocation : ndarray (n,)   quality of each type
    consumer_surplus : ndarray (n,)   ``CS(t) = sum_{s<=t} (v(s) - v(s-1)) a(s-1)``
    expected_consumer_surplus : float  ``sum_t f(t) CS(t)``
    payments : ndarray (n,)     ``v(t) a(t) - CS(t)`` (gross of cost)
    revenue : float             expected profit ``sum_t f(t) (p(t) - C(a(t)))``

    References
    ----------
    HS, Proposition 6 (linear valuations).

    Examples
    --------
    HS Appendix C at q = 1/4: t2's surplus is t1's quality, 2/3 (Proposition 6):

    >>> import infopricing as ip
    >>> env = ip.LinearEnvironment([1.0, 2.0], (0.0, 1.0), lambda a: a * a / 2,
    ...                            marginal_cost=lambda a: a)
    >>> m = env.optimal_mechanism([0.75, 0.25])
    >>> m.consumer_surplus.round(4).tolist(), m.verify().ok
    ([0.0, 0.6667], True)
    """

    env: LinearEnvironment
    market: np.ndarray
    virtual_values: np.ndarray
    allocation: np.ndarray

    @property
    def consumer_surplus(self) -> np.ndarray:
        v, a = self.env.values, self.allocation
        cs = np.zeros(v.size)
        cs[1:] = np.cumsum(np.diff(v) * a[:-1])
        return cs

    @property
    def expected_consumer_surplus(self) -> float:
        """``sum_t f(t) CS(t)``: the per-type surplus averaged over the market."""
        return float(self.market @ self.consumer_surplus)

    @property
    def payments(self) -> np.ndarray:
        return self.env.values * self.allocation - self.consumer_surplus

    @property
    def profits(self) -> np.ndarray:
        return self.payments - np.array([self.env.C(a) for a in self.allocation])

    @property
    def revenue(self) -> float:
        return float(self.market @ self.profits)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """IC and IR of the quality-price menu (own check, no virtual values), and the
        allocation is monotone."""
        no_exact(self, exact)
        v, a, p = self.env.values, self.allocation, self.payments
        U = v[:, None] * a[None, :] - p[None, :]
        own = np.diag(U)
        fails = []
        ic = float((U - own[:, None]).max())
        if ic > atol:
            fails.append(f"IC violated by {ic:.3g}")
        if own.min() < -atol:
            fails.append(f"IR violated by {-own.min():.3g}")
        if np.any(np.diff(a) < -atol):
            fails.append("allocation not monotone")
        return Verification(ok=not fails, failures=tuple(fails), max_violation=max(ic, -own.min(), 0.0))


@dataclass(frozen=True, eq=False, repr=False)
class LinearImprovement(Result):
    """Answer of :meth:`LinearEnvironment.pareto_improvement`.

    Attributes
    ----------
    improvable : bool or None
    type : int or None          the perturbed type t
    epsilon : float or None     weight of the dominating segment f'
    dominating, remainder : ndarray or None   f' and f''
    deltas : tuple              (delta', delta'')
    mechanisms : tuple          (M', M'')
    reason : str

    References
    ----------
    HS, Proposition 6 (linear valuations).

    Examples
    --------
    HS Appendix C for q >= 1/2: t1 is excluded, and a (t1, delta)-perturbation gives a
    Pareto-improving segmentation (here at q = 0.6, two segments averaging to the market):

    >>> import infopricing as ip
    >>> env = ip.LinearEnvironment([1.0, 2.0], (0.0, 1.0), lambda a: a * a / 2,
    ...                            marginal_cost=lambda a: a)
    >>> r = env.pareto_improvement([0.4, 0.6])
    >>> r.improvable, env.types[r.type], r.weights.tolist(), r.segments.round(4).tolist()
    (True, 't1', [0.5, 0.5], [[0.7, 0.3], [0.1, 0.9]])
    >>> r.verify().ok
    True
    """

    env: LinearEnvironment
    market: np.ndarray
    improvable: bool | None
    type: int | None
    epsilon: float | None
    dominating: np.ndarray | None
    remainder: np.ndarray | None
    deltas: tuple = ()
    mechanisms: tuple = field(default=(), repr=False)
    reason: str = ""

    @property
    def weights(self):
        return None if self.epsilon is None else np.array([self.epsilon, 1 - self.epsilon])

    @property
    def segments(self):
        return None if self.dominating is None else np.vstack([self.dominating, self.remainder])

    def verify(self, *, exact: bool = False, atol: float = tol.EQUAL) -> Verification:
        """Re-check a returned segmentation: it averages to the market, each segment's
        mechanism is recomputed and IC-IR, every segment weakly and some segment strictly
        Pareto dominates the market (HS 4.1)."""
        no_exact(self, exact)
        if self.improvable is not True:
            return Verification(ok=True)
        fails = []
        env = self.env
        if averaging_deviation(self.weights, self.segments, self.market) > tol.FEAS:
            fails.append("segments do not average to the market")
        cs0 = env.optimal_mechanism(self.market).consumer_surplus
        strict = False
        for g in self.segments:
            M = env.optimal_mechanism(g)
            chk = M.verify()
            fails.extend(chk.failures)
            d = M.consumer_surplus - cs0
            sup = g > 0
            if np.any(d[sup] < -atol):
                fails.append("a segment lowers some type's surplus")
            strict = strict or bool(np.any(d[sup] > atol))
        if not strict:
            fails.append("no type strictly gains")
        return Verification(ok=not fails, failures=tuple(fails))


from ..plots.hs import plot_hs_figure6, plot_revenue_curve  # noqa: E402,F401 (figures live in plots/)
