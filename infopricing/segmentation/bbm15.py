"""Single-product market segmentation (Bergemann, Brooks & Morris 2015).

One product, finitely many values ``v_1 < ... < v_K`` with prior probabilities, and a
marginal cost ``c``. A *segmentation* splits the prior into segments (markets) that
average back to it; the seller prices optimally in each segment. BBM15 show that the
achievable (consumer surplus, producer surplus) pairs form the *surplus triangle*
with vertices

* ``(E[(v-c)^+] - pi*, pi*)`` -- efficient, seller held to the uniform profit ``pi*``
  (consumer-optimal);
* ``(0, E[(v-c)^+])`` -- perfect price discrimination (producer-optimal);
* ``(0, pi*)`` -- uniform profit and no consumer surplus.

The consumer-optimal corner is reached by the *greedy extremal segmentation*: repeatedly
take the support ``S`` of what is left, peel off as much as possible of the extremal
market on ``S`` (the one where every price in ``S`` earns the same profit), and repeat.
Each segment then has every support price optimal, in particular its lowest value (so
everyone buys: efficiency) and the uniform monopoly price (so the seller earns exactly
``pi*``). BBM25 Appendix A1 calls such a segmentation *uniform profit preserving*.

Values at or below the cost never trade efficiently; they are gathered into one
*no-trade segment* (profit 0 at any price, so every price at or above the cost,
including the uniform price, is optimal there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .. import tolerances as tol
from ..verify import Checker, Verification
from ..information.monopoly import _cost, optimal_prices, profit_curve
from ..information.prior import Prior, as_prior
from ..model._validate import check_flag, check_memory, check_tolerance
from ..verify.averaging import averaging_deviation
from ..verify.protocol import PER_TYPE, Result, Tabular, deprecated_alias, jsonable, renamed_keywords

__all__ = [
    "SingleProductSegmentation",
    "SurplusTriangle",
    "surplus_triangle",
    "greedy_segmentation",
    "perfect_discrimination",
    "segmentation_for_point",
    "plot_surplus_triangle",
]

_PROPERTIES = ("efficient", "profit_preserving", "uniform")


def _prior(values, prior) -> Prior:
    if values is None and (isinstance(prior, Prior) or hasattr(prior, "dist")):
        return as_prior(prior)  # a Prior, or a continuous distribution on its default grid
    if values is None:
        raise TypeError("values are required unless prior is a Prior or a frozen "
                        "scipy.stats distribution")
    return as_prior(prior, values)


# ----------------------------------------------------------------------------------
# result types
# ----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SurplusTriangle:
    """The BBM15 surplus triangle of a single-product market.

    Attributes
    ----------
    values, prior : ndarray (K,)
    cost : float
    uniform_prices : ndarray
        All optimal uniform (unsegmented) prices.
    uniform_price : float
        The lowest of them.
    uniform_profit : float
        ``pi*``, the producer surplus floor of every segmentation.
    efficient_surplus : float
        ``E[max(v - c, 0)]``.
    uniform_consumer_surplus : float
        Consumer surplus without segmentation at :attr:`uniform_price`.
    vertices : dict
        ``{"consumer_optimal", "perfect_discrimination", "zero_consumer_surplus"}`` ->
        ``(consumer surplus, producer surplus)``; ``"uniform_price"`` is the unsegmented
        outcome (on the edge ``PS = pi*``).

    References
    ----------
    BBM15, Theorem 1 and Figure 1 (restated in BBM25, section II.A and Appendix A1).

    Examples
    --------
    BBM25 Example 1's residual market: price 3 is optimal (profits 1, 1.5, 1), the uniform
    price leaves consumer surplus (4 - 3) / 4 = 0.25, and the efficient surplus is 2.25:

    >>> import infopricing as ip
    >>> t = ip.surplus_triangle([1, 3, 4], [0.5, 0.25, 0.25])
    >>> t.uniform_price, t.uniform_profit, t.uniform_consumer_surplus, t.efficient_surplus
    (3.0, 1.5, 0.25, 2.25)
    >>> t.vertices["consumer_optimal"]
    (0.75, 1.5)
    """

    values: np.ndarray
    prior: np.ndarray
    cost: float
    uniform_prices: np.ndarray
    uniform_price: float
    uniform_profit: float
    efficient_surplus: float
    uniform_consumer_surplus: float
    vertices: dict = field(repr=False)

    @renamed_keywords(consumer_surplus="expected_consumer_surplus")
    def contains(self, expected_consumer_surplus: float, producer_surplus: float,
                 atol: float = tol.FEAS) -> bool:
        """Whether ``(CS, PS)`` lies in the triangle (within ``atol``; the old keyword
        ``consumer_surplus=`` still works and warns)."""
        cs, ps = float(expected_consumer_surplus), float(producer_surplus)
        return (cs >= -atol and ps >= self.uniform_profit - atol
                and cs + ps <= self.efficient_surplus + atol)

    def as_dict(self) -> dict:
        """The triangle as JSON-ready data (lists and floats, as every result's ``as_dict``)."""
        return jsonable({"values": self.values, "prior": self.prior, "cost": self.cost,
                "uniform_prices": self.uniform_prices, "uniform_price": self.uniform_price,
                "uniform_profit": self.uniform_profit,
                "efficient_surplus": self.efficient_surplus,
                "uniform_consumer_surplus": self.uniform_consumer_surplus,
                "vertices": {k: list(v) for k, v in self.vertices.items()}})


@dataclass(frozen=True, eq=False, repr=False)
class SingleProductSegmentation(Result, Tabular):
    """A segmentation of a single-product market and the seller's price in each segment.

    Attributes
    ----------
    values : ndarray (K,)
        Strictly increasing values.
    prior : ndarray (K,)
        The market being segmented.
    cost : float
    weights : ndarray (m,)
        Segment probabilities (sum to one).
    markets : ndarray (m, K)
        ``markets[j]`` is segment j's distribution over ``values``.
    prices : ndarray (m,)
        The price charged in each segment (an optimal price there).
    properties : tuple of str
        Properties the construction guarantees and :meth:`verify` re-checks:
        ``"efficient"`` (everyone with value above cost buys), ``"profit_preserving"``
        (a uniform monopoly price is optimal in every segment, so the producer earns
        exactly the uniform profit), ``"uniform"`` (in every segment with buyers, every
        support value above cost earns the same profit and the uniform price is in the
        support: BBM25 Appendix A1's uniform profit-preserving segments).
    kind : str
        How it was built.
    exact : dict or None
        Rational data (``values, prior, cost, weights, markets, prices`` as
        :class:`fractions.Fraction`) when built with ``exact=True``; used by
        ``verify(exact=True)``.

    References
    ----------
    BBM15, Theorem 1 (greedy extremal segmentation); BBM25, Appendix A1.

    Examples
    --------
    Values 1, 2, 3 equally likely: the uniform price is 2 with profit 4/3; the greedy
    segmentation keeps that profit and sells to everyone, so consumers get the rest of the
    total surplus 2, that is 2/3 (BBM15's bottom-left corner of the triangle):

    >>> import infopricing as ip
    >>> seg = ip.greedy_segmentation([1, 2, 3], [1/3, 1/3, 1/3])
    >>> round(seg.producer_surplus, 4), round(seg.expected_consumer_surplus, 4), seg.properties[:2]
    (1.3333, 0.6667, ('efficient', 'profit_preserving'))
    """

    values: np.ndarray
    prior: np.ndarray
    cost: float
    weights: np.ndarray
    markets: np.ndarray
    prices: np.ndarray
    properties: tuple[str, ...] = ()
    kind: str = "given"
    exact: dict | None = field(default=None, repr=False)

    def __post_init__(self):
        for p in self.properties:
            if p not in _PROPERTIES:
                raise ValueError(f"properties must be among {_PROPERTIES}, got {p!r}")
        for name in ("values", "prior", "weights", "markets", "prices"):
            a = np.array(getattr(self, name), dtype=float)
            a.setflags(write=False)
            object.__setattr__(self, name, a)

    # -- construction from a table (e.g. a paper's) ----------------------------------
    @classmethod
    def from_markets(cls, values, prior, weights, markets, cost=0.0, prices=None,
                     properties=("efficient", "profit_preserving")) -> "SingleProductSegmentation":
        """Wrap a given segmentation (e.g. a paper's table) for checking.

        Parameters
        ----------
        values, prior : array_like (K,)
        weights : array_like (m,)
        markets : array_like (m, K)
        cost : float
        prices : array_like (m,), optional
            Default: the lowest optimal price in each segment.
        properties : tuple of str
            The properties to re-check in :meth:`verify`.
        """
        pr = _prior(values, prior)
        c = _cost(cost)
        w = np.asarray(weights, dtype=float)
        x = np.asarray(markets, dtype=float)
        if w.ndim != 1 or x.ndim != 2 or x.shape != (w.size, pr.size):
            raise ValueError(f"markets must have shape (len(weights), len(values)) = "
                             f"({w.size}, {pr.size}), got {x.shape}")
        if prices is None:
            prices = np.array([_lowest_optimal(pr.values, xi, c) for xi in x])
        return cls(pr.values, pr.probabilities, c, w, x, np.asarray(prices, dtype=float),
                   tuple(properties), "given")

    # -- welfare -----------------------------------------------------------------------
    def _per_segment(self):
        buy = self.values[None, :] >= self.prices[:, None] - tol.EQUAL * np.maximum(1.0, np.abs(self.prices[:, None]))
        ps = ((self.prices[:, None] - self.cost) * self.markets * buy).sum(axis=1)
        cs = ((self.values[None, :] - self.prices[:, None]) * self.markets * buy).sum(axis=1)
        return ps, cs

    @property
    def producer_surplus(self) -> float:
        return float(self.weights @ self._per_segment()[0])

    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)

    @property
    def expected_consumer_surplus(self) -> float:
        return float(self.weights @ self._per_segment()[1])

    @property
    def total_surplus(self) -> float:
        return self.producer_surplus + self.expected_consumer_surplus

    @property
    def n_segments(self) -> int:
        return int(self.weights.size)

    def _table(self) -> dict:
        """One row per segment: its weight, price and distribution over the values."""
        cols = {f"f[{v:g}]": self.markets[:, i] for i, v in enumerate(self.values)}
        return {"weight": self.weights, "price": self.prices, **cols}

    def as_dict(self) -> dict:
        return {"kind": self.kind, "values": self.values, "prior": self.prior,
                "cost": self.cost, "weights": self.weights, "markets": self.markets,
                "prices": self.prices, "properties": list(self.properties),
                "producer_surplus": self.producer_surplus,
                "expected_consumer_surplus": self.expected_consumer_surplus,
                "total_surplus": self.total_surplus}

    # -- certificate ----------------------------------------------------------------------
    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check the segmentation without trusting how it was built.

        Always checked: weights and segments are probability vectors; the segments
        average to the prior; each segment's price is at least the cost and optimal in
        that segment. Then each property in :attr:`properties`: ``efficient`` (every
        value above the cost in a segment's support is at least the segment's price),
        ``profit_preserving`` (some uniform monopoly price is optimal in every segment,
        and the producer surplus equals the uniform profit), ``uniform`` (every support
        value above the cost of a segment with buyers earns that segment's optimal
        profit, and a uniform monopoly price is in the support).

        With ``exact=True`` every check is an exact equality/inequality in rational
        arithmetic: on the stored rational data when the segmentation was built exactly,
        otherwise on the floating data rationalised with denominators up to
        :data:`~infopricing.tolerances.RATIONAL_DENOMINATOR` (so a table such as
        (2/3, 1/6, 1/6) is checked as written).

        References
        ----------
        BBM15, Theorem 1; BBM25, Appendix A1 (uniform profit preserving segmentation).
        """
        if exact:
            return _verify_exact(self)
        ck = Checker()
        v, c, w, x, p = self.values, self.cost, self.weights, self.markets, self.prices
        ck.check("weights non-negative", -w.min(initial=0.0), atol)
        ck.check("weights sum to one", abs(w.sum() - 1.0), atol)
        ck.check("segments non-negative", -x.min(initial=0.0), atol)
        ck.check("segments sum to one", np.abs(x.sum(axis=1) - 1.0).max(initial=0.0), atol)
        ck.check("segments average to the prior", averaging_deviation(w, x, self.prior), atol)
        ck.check("prices at or above cost", (c - p).max(initial=-1.0), atol)
        prof = np.array([profit_curve(v, xi, c) for xi in x]).reshape(x.shape)
        seg_best = np.maximum(np.where((x > tol.MASS) & (v[None, :] >= c), prof, 0.0).max(axis=1, initial=0.0), 0.0)
        ps_seg, _ = self._per_segment()
        ck.check("each price optimal in its segment",
                 (seg_best - ps_seg).max(initial=0.0), atol)
        uni_idx, uni_profit = optimal_prices(v, self.prior, c)
        uni_prices = v[uni_idx]
        active = w > tol.MASS
        buyers = (x > tol.MASS) & (v[None, :] > c + atol)
        if "efficient" in self.properties:
            gap = np.where(buyers, p[:, None] - v[None, :], -np.inf).max(initial=-np.inf)
            ck.check("efficient: every value above cost buys", gap if np.isfinite(gap) else 0.0, atol)
        if "profit_preserving" in self.properties:
            if uni_prices.size == 0:
                ck.check("profit preserving: producer surplus equals uniform profit",
                         abs(self.producer_surplus - uni_profit), atol)
            else:
                # profit of each uniform price in each segment vs the segment's best
                k = np.searchsorted(v, uni_prices)
                gaps = (seg_best[:, None] - prof[:, k])[active]
                ck.check("profit preserving: a uniform monopoly price is optimal in every segment",
                         gaps.max(axis=0).min() if gaps.size else 0.0, atol)
                ck.check("profit preserving: producer surplus equals uniform profit",
                         abs(self.producer_surplus - uni_profit), atol)
        if "uniform" in self.properties:
            spread = np.where(buyers, np.abs(prof - seg_best[:, None]), 0.0)[active]
            ck.check("uniform: every support value above cost earns the same profit",
                     spread.max(initial=0.0), atol)
            if uni_prices.size:
                k = np.searchsorted(v, uni_prices)
                has = buyers[:, k].any(axis=1) | ~buyers.any(axis=1)
                if not np.all(has[active]):
                    ck.fail("uniform: a uniform monopoly price is in every segment's support",
                            f"missing in segments {np.flatnonzero(active & ~has).tolist()}")
        return ck.report()


def _lowest_optimal(values, x, c) -> float:
    idx, _ = optimal_prices(values, x, c)
    return float(values[idx[0]]) if idx.size else float(max(c, values[-1]))


# ----------------------------------------------------------------------------------
# the triangle
# ----------------------------------------------------------------------------------
def surplus_triangle(values, prior, cost=0.0) -> SurplusTriangle:
    """Uniform monopoly price and profit, efficient surplus and the triangle's vertices.

    Parameters
    ----------
    values : array_like (K,)
        Strictly increasing values (or residual willingness to pay).
    prior : array_like (K,) or Prior
        Probabilities of the values (sum to one).
    cost : float
        Marginal cost (prices at or above it; profit ``(p - c) * demand``).

    Returns
    -------
    SurplusTriangle

    References
    ----------
    BBM15, Theorem 1 and Figure 1; BBM25, section II.A.

    Examples
    --------
    >>> import infopricing as ip
    >>> t = ip.surplus_triangle([1, 2, 5], [0.3, 0.4, 0.3])
    >>> t.uniform_price, round(t.uniform_profit, 4), round(t.efficient_surplus, 4)
    (5.0, 1.5, 2.6)
    """
    pr = _prior(values, prior)
    c = _cost(cost)
    v, f = pr.values, pr.probabilities
    idx, pi_star = optimal_prices(v, f, c)
    uni = v[idx] if idx.size else np.array([c])
    p0 = float(uni[0])
    buy = v >= p0
    cs_u = float(((v - p0) * f)[buy].sum())
    ts = float((np.maximum(v - c, 0.0) * f).sum())
    verts = {"consumer_optimal": (ts - pi_star, pi_star),
             "perfect_discrimination": (0.0, ts),
             "zero_consumer_surplus": (0.0, pi_star),
             "uniform_price": (cs_u, pi_star)}
    return SurplusTriangle(v, f, c, uni, p0, float(pi_star), ts, cs_u, verts)


# ----------------------------------------------------------------------------------
# constructions
# ----------------------------------------------------------------------------------
def _greedy_kernel(v: np.ndarray, f: np.ndarray, c: float):
    """Greedy extremal segments of the buyers' part (values above cost).

    Returns (masses, markets): unnormalised segment masses and their distributions.
    """
    resid = np.where(v > c, f, 0.0).astype(float)
    total = resid.sum()
    masses, markets = [], []
    floor = tol.MASS * max(1.0, total)
    resid[resid <= floor] = 0.0
    for _ in range(v.size + 1):
        S = np.flatnonzero(resid > 0)
        if S.size == 0:
            break
        vs = v[S]
        demand = (vs[0] - c) / (vs - c)  # equal profit vs[0]-c at every price in S
        ext = demand - np.append(demand[1:], 0.0)
        ratio = resid[S] / ext
        j = int(np.argmin(ratio))
        alpha = float(ratio[j])
        seg = np.zeros_like(resid)
        seg[S] = ext
        masses.append(alpha)
        markets.append(seg)
        resid[S] -= alpha * ext
        resid[S[j]] = 0.0
        resid[resid <= floor] = 0.0
    return masses, markets


def greedy_segmentation(values, prior, cost=0.0, exact: bool = False) -> SingleProductSegmentation:
    """The greedy extremal (uniform profit-preserving) segmentation: consumer-optimal.

    Every segment with buyers is an *extremal* market: all its support prices earn the
    same profit ``(min supp - c)``, so its lowest value is optimal (everyone buys:
    efficient) and the uniform monopoly price, always in its support, is optimal (the
    seller earns exactly the uniform profit). Values at or below the cost form one
    extra no-trade segment. The seller is assumed to charge the lowest optimal price in
    each segment (the consumer-preferred selection); the outcome is the consumer-optimal
    vertex ``(E[(v-c)^+] - pi*, pi*)`` of the surplus triangle.

    Parameters
    ----------
    values : array_like (K,)
        Strictly increasing values (e.g. residual willingness to pay).
    prior : array_like (K,) or Prior
        Probabilities summing to one.
    cost : float, default 0
        Marginal cost ``c``.
    exact : bool, default False
        Also run the construction in rational arithmetic (inputs rationalised with
        denominators up to :data:`~infopricing.tolerances.RATIONAL_DENOMINATOR`); the
        rational segments are stored in ``.exact`` and checked by ``verify(exact=True)``.

    Returns
    -------
    SingleProductSegmentation
        With ``.weights`` (m,) and ``.markets`` (m, K), probability vectors over
        ``values``; ``.prices`` the lowest value of each segment; ``properties =
        ("efficient", "profit_preserving", "uniform")`` re-checked by ``verify()``.
        At most K segments with buyers (each step empties one support point).

    References
    ----------
    BBM15, Theorem 1 and the greedy algorithm of its section II; BBM25, Appendix A1
    (Theorem 1B of BBM15: uniform profit preserving segmentation).

    Examples
    --------
    >>> import infopricing as ip
    >>> g = ip.greedy_segmentation([1, 3, 4], [0.5, 0.25, 0.25])   # BBM25 Example 1
    >>> round(g.producer_surplus, 4), round(g.expected_consumer_surplus, 4), g.verify().ok
    (1.5, 0.75, True)
    """
    pr = _prior(values, prior)
    c = _cost(cost)
    check_flag(exact, "exact")
    v, f = pr.values, pr.probabilities
    # up to K segments of K masses each (and verify() builds the same table)
    check_memory(3 * 8.0 * v.size ** 2, f"the greedy segmentation of {v.size} values "
                 f"(up to {v.size} segments x {v.size} masses)", "prior")
    if exact:
        return _greedy_exact(v, f, c)
    masses, markets = _greedy_kernel(v, f, c)
    weights = list(masses)
    segs = list(markets)
    prices = [float(v[np.flatnonzero(s > 0)[0]]) for s in segs]
    lo = np.where(v > c, 0.0, f)
    idx, _ = optimal_prices(v, f, c)
    p_star = float(v[idx[0]]) if idx.size else c
    if lo.sum() > tol.MASS:
        weights.append(float(lo.sum()))
        segs.append(lo / lo.sum())
        prices.append(max(p_star, c))
    w = np.array(weights)
    w = w / w.sum() if w.size else w
    x = np.array(segs).reshape(len(segs), v.size)
    return SingleProductSegmentation(v, f, c, w, x, np.array(prices),
                        ("efficient", "profit_preserving", "uniform"), "greedy")


def perfect_discrimination(values, prior, cost=0.0) -> SingleProductSegmentation:
    """One segment per value, priced at the value (values below cost priced at cost).

    The producer-optimal vertex ``(0, E[(v-c)^+])`` of the surplus triangle.

    References
    ----------
    BBM15, Figure 1 (first-degree price discrimination vertex).

    Examples
    --------
    BBM25 Example 1's residual market (values 1, 3, 4 with probabilities 1/2, 1/4, 1/4):
    each value priced at itself, the seller takes the whole efficient surplus E[v] = 2.25:

    >>> import infopricing as ip
    >>> s = ip.perfect_discrimination([1, 3, 4], [0.5, 0.25, 0.25])
    >>> s.prices.tolist(), round(s.producer_surplus, 4), round(s.expected_consumer_surplus, 4)
    ([1.0, 3.0, 4.0], 2.25, 0.0)
    """
    pr = _prior(values, prior)
    c = _cost(cost)
    v, f = pr.values, pr.probabilities
    keep = np.flatnonzero(f > 0)
    x = np.zeros((keep.size, v.size))
    x[np.arange(keep.size), keep] = 1.0
    return SingleProductSegmentation(v, f, c, f[keep], x, np.maximum(v[keep], c), ("efficient",),
                        "perfect discrimination")


@renamed_keywords(consumer_surplus="expected_consumer_surplus")
def segmentation_for_point(values, prior, expected_consumer_surplus, producer_surplus, cost=0.0,
                           atol: float = tol.FEAS) -> SingleProductSegmentation:
    """A segmentation (with the seller's price in each segment) achieving a welfare pair.

    The point is written in barycentric coordinates of the triangle's vertices and the
    three vertex segmentations are mixed with those weights: the greedy segmentation
    priced at each segment's lowest value (consumer-optimal vertex), perfect
    discrimination (producer-optimal vertex) and the greedy segmentation priced at each
    segment's highest value (every support price is optimal there, so this is also an
    equilibrium; consumer surplus 0 and profit ``pi*``). Mixing segmentations of the same
    prior gives a segmentation of that prior, and welfare is linear in the mixture.

    Parameters
    ----------
    values, prior : as in :func:`greedy_segmentation`
    expected_consumer_surplus, producer_surplus : float
        A point of the surplus triangle (checked within ``atol``); ``consumer_surplus=``
        is the deprecated keyword of the first.
    cost : float

    Raises
    ------
    ValueError
        When the point is outside the triangle.

    References
    ----------
    BBM15, Theorem 1 (every point of the triangle is attained).

    Examples
    --------
    BBM25 Example 1's residual market: the consumer-optimal corner of the BBM15 triangle,
    consumer surplus 0.75 at the uniform profit 1.5 (by hand: 2.25 - 1.5):

    >>> import infopricing as ip
    >>> s = ip.segmentation_for_point([1, 3, 4], [0.5, 0.25, 0.25], 0.75, 1.5)
    >>> round(s.expected_consumer_surplus, 4), round(s.producer_surplus, 4), s.verify().ok
    (0.75, 1.5, True)
    """
    atol = check_tolerance(atol, "atol")  # else a bad atol was reported as a point outside
    tri = surplus_triangle(values, prior, cost)
    cs, ps = float(expected_consumer_surplus), float(producer_surplus)
    if not tri.contains(cs, ps, atol):
        raise ValueError(
            f"(expected_consumer_surplus, producer_surplus) = ({cs:g}, {ps:g}) is outside the surplus "
            f"triangle: need expected_consumer_surplus >= 0, producer_surplus >= {tri.uniform_profit:g} "
            f"and their sum <= {tri.efficient_surplus:g}")
    gap = tri.efficient_surplus - tri.uniform_profit
    g = greedy_segmentation(tri.values, tri.prior, tri.cost)
    if gap <= atol:
        return g
    lam1 = min(max(cs / gap, 0.0), 1.0)
    lam2 = min(max((ps - tri.uniform_profit) / gap, 0.0), 1.0 - lam1)
    lam3 = max(1.0 - lam1 - lam2, 0.0)
    perfect = perfect_discrimination(tri.values, tri.prior, tri.cost)
    high = np.array([tri.values[np.flatnonzero(m > tol.MASS)[-1]] if m[tri.values > tri.cost].sum() > tol.MASS
                     else p0 for m, p0 in zip(g.markets, g.prices)])
    parts = [(lam1, g.weights, g.markets, g.prices),
             (lam2, perfect.weights, perfect.markets, perfect.prices),
             (lam3, g.weights, g.markets, high)]
    W, X, P = [], [], []
    for lam, w, x, p in parts:
        if lam > tol.MASS:
            W.append(lam * w)
            X.append(x)
            P.append(p)
    props = ("profit_preserving",) if lam2 <= tol.MASS else ()
    if lam3 <= tol.MASS:
        props = props + ("efficient",)
    return SingleProductSegmentation(tri.values, tri.prior, tri.cost, np.concatenate(W), np.vstack(X),
                        np.concatenate(P), props, f"mixture of vertices ({lam1:.4g}, {lam2:.4g}, {lam3:.4g})")


# ----------------------------------------------------------------------------------
# exact (rational) construction and verification
# ----------------------------------------------------------------------------------
def _q(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    return Fraction(float(x)).limit_denominator(tol.RATIONAL_DENOMINATOR)


def _profits_q(v, x, c):
    """Exact profit (v_k - c) * P(value >= v_k) for every k."""
    out, tail = [Fraction(0)] * len(v), Fraction(0)
    for k in range(len(v) - 1, -1, -1):
        tail += x[k]
        out[k] = (v[k] - c) * tail
    return out


def _greedy_exact(v, f, c) -> SingleProductSegmentation:
    vq = [_q(t) for t in v]
    fq = [_q(t) for t in f]
    tot = sum(fq)
    if tot != 1:  # rationalisation may leave a tiny gap: put it on the largest mass
        k = max(range(len(fq)), key=lambda i: fq[i])
        fq[k] += 1 - tot
    cq = _q(c)
    K = len(vq)
    resid = [fq[k] if vq[k] > cq else Fraction(0) for k in range(K)]
    weights, markets, prices = [], [], []
    while any(r > 0 for r in resid):
        S = [k for k in range(K) if resid[k] > 0]
        s1 = vq[S[0]]
        D = [(s1 - cq) / (vq[k] - cq) for k in S] + [Fraction(0)]
        ext = {k: D[i] - D[i + 1] for i, k in enumerate(S)}
        alpha = min(resid[k] / ext[k] for k in S)
        for k in S:
            resid[k] -= alpha * ext[k]
        weights.append(alpha)
        markets.append([ext.get(k, Fraction(0)) for k in range(K)])
        prices.append(s1)
    lo = [fq[k] if vq[k] <= cq else Fraction(0) for k in range(K)]
    mlo = sum(lo)
    if mlo > 0:
        pr_ = _profits_q(vq, fq, cq)
        cand = [k for k in range(K) if fq[k] > 0 and vq[k] >= cq]
        best = max((pr_[k] for k in cand), default=Fraction(0))
        p_star = min((vq[k] for k in cand if pr_[k] == best), default=cq)
        weights.append(mlo)
        markets.append([t / mlo for t in lo])
        prices.append(max(p_star, cq))
    ex = {"values": tuple(vq), "prior": tuple(fq), "cost": cq, "weights": tuple(weights),
          "markets": tuple(tuple(m) for m in markets), "prices": tuple(prices)}
    return SingleProductSegmentation(
        np.array(v, float), np.array(f, float), float(c), np.array([float(w) for w in weights]),
        np.array([[float(t) for t in m] for m in markets]).reshape(len(markets), K),
        np.array([float(p) for p in prices]), ("efficient", "profit_preserving", "uniform"),
        "greedy (exact)", ex)


def _verify_exact(seg: SingleProductSegmentation) -> Verification:
    ck = Checker()
    if seg.exact is not None:
        e = seg.exact
        v, f, c = list(e["values"]), list(e["prior"]), e["cost"]
        W, X, P = list(e["weights"]), [list(m) for m in e["markets"]], list(e["prices"])
    else:
        v = [_q(t) for t in seg.values]
        f = [_q(t) for t in seg.prior]
        c = _q(seg.cost)
        W = [_q(t) for t in seg.weights]
        X = [[_q(t) for t in m] for m in seg.markets]
        P = [_q(t) for t in seg.prices]
    K = len(v)

    def need(name, ok, detail=""):
        ck.require(name + " (exact)", ok, detail)

    need("weights non-negative", all(w >= 0 for w in W))
    need("weights sum to one", sum(W) == 1, f"sum {sum(W)}")
    need("segments non-negative", all(t >= 0 for m in X for t in m))
    need("segments sum to one", all(sum(m) == 1 for m in X))
    avg = [sum(W[j] * X[j][k] for j in range(len(W))) for k in range(K)]
    need("segments average to the prior", avg == f,
         f"average {[str(a) for a in avg]} vs prior {[str(a) for a in f]}")
    need("prices at or above cost", all(p >= c for p in P))
    prof = [_profits_q(v, m, c) for m in X]
    best = [max([prof[j][k] for k in range(K) if X[j][k] > 0 and v[k] >= c] + [Fraction(0)])
            for j in range(len(X))]
    own = [(P[j] - c) * sum(X[j][k] for k in range(K) if v[k] >= P[j]) for j in range(len(X))]
    need("each price optimal in its segment", all(own[j] == best[j] for j in range(len(X))))
    uni = _profits_q(v, f, c)
    cand = [k for k in range(K) if f[k] > 0 and v[k] >= c]
    pi_star = max([uni[k] for k in cand] + [Fraction(0)])
    stars = [k for k in cand if uni[k] == pi_star]
    active = [j for j in range(len(W)) if W[j] > 0]
    buyers = [[k for k in range(K) if X[j][k] > 0 and v[k] > c] for j in range(len(X))]
    if "efficient" in seg.properties:
        need("efficient: every value above cost buys",
             all(P[j] <= v[k] for j in active for k in buyers[j]))
    if "profit_preserving" in seg.properties:
        if stars:
            need("profit preserving: a uniform monopoly price is optimal in every segment",
                 any(all(prof[j][k] == best[j] for j in active) for k in stars))
        ps = sum(W[j] * own[j] for j in range(len(W)))
        need("profit preserving: producer surplus equals uniform profit", ps == pi_star,
             f"{ps} vs {pi_star}")
    if "uniform" in seg.properties:
        need("uniform: every support value above cost earns the same profit",
             all(prof[j][k] == best[j] for j in active for k in buyers[j]))
        if stars:
            need("uniform: a uniform monopoly price is in every segment's support",
                 all(not buyers[j] or any(k in buyers[j] for k in stars) for j in active))
    return ck.report(exact=True)


# ----------------------------------------------------------------------------------
# plot
# ----------------------------------------------------------------------------------
from ..plots.bbm15 import plot_surplus_triangle  # noqa: E402,F401 (the figure lives in plots/)
