"""Buyer-optimal learning for a monopolist (Roesler & Szentes 2017), on grids and in
closed form.

The consumer chooses what to learn about their value ``v ~ F``; the seller (cost ``c``)
sees the resulting distribution ``G`` of the consumer's interim expected value and posts
an optimal price; the consumer buys when the interim value is at least the price. The
feasible ``G`` are the mean-preserving contractions of ``F``. The consumer-surplus
maximising pair ``(G, p)`` is found on a grid by one convex-order LP per candidate price:
maximise ``E_G[(Y - p)^+]`` subject to "``p`` is an optimal price under ``G``" (the seller
charges ``p`` when indifferent: buyer-preferred tie-breaking). Candidate prices are
scanned upwards and the scan stops once the bound ``E_F[(V - p)^+]`` (convexity) cannot
beat the best value found.

With common knowledge of gains from trade (``c <=`` the lowest value), RS show the
optimum is the truncated Pareto (equal-revenue) distribution on ``[p, B]`` with an atom
at ``B``, the price ``p`` at the bottom of the support and ``(p, B)`` chosen to make ``p``
as small as possible subject to the convex-order constraint;
:func:`truncated_pareto_solution` computes it and :func:`learning_convergence` reports
the grid LP's error against it as the grid refines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import tolerances as tol
from ..lp import Status
from ..model._validate import frozen
from ..verify import Checker, Verification
from .monopoly import _cost, profit_curve
from .mpc import MPCResult, integrated_cdf, is_mean_preserving_contraction, mpc_optimize
from .prior import Prior, as_prior
from ..verify.protocol import Result, no_exact, PER_TYPE, deprecated_alias
from .._progress import check_progress


def brentq(*args, **kwargs):  # scipy.optimize loads on first use: it is 1/3 of the import time
    from scipy.optimize import brentq as _brentq
    return _brentq(*args, **kwargs)


__all__ = ["LearningResult", "buyer_optimal_learning", "TruncatedPareto",
           "truncated_pareto_solution", "learning_convergence"]


@dataclass(frozen=True, eq=False, repr=False)
class LearningResult(Result):
    """Consumer-optimal information and the seller's price (grid LP).

    Attributes
    ----------
    price : float
    expected_consumer_surplus, producer_surplus, total_surplus : float
    efficient_surplus : float
        ``E_F[(v - c)^+]``.
    distribution : ndarray (M,)
        The interim value distribution ``G`` on :attr:`grid`.
    grid : ndarray (M,)
    prior : Prior
    cost : float
    lps_solved : int
        Number of convex-order LPs solved in the price scan.
    status : Status
    mpc : MPCResult
        The LP answer at the optimal price (carries the transport plan when used).

    References
    ----------
    Roesler & Szentes (2017); BBM25, section III.B and Example 3.

    Examples
    --------
    >>> import infopricing as ip
    >>> r = ip.buyer_optimal_learning(ip.catalog.bbm25_example1_residual(), size=41)
    >>> round(r.total_surplus, 4), round(r.efficient_surplus, 4)    # trade is efficient
    (2.25, 2.25)
    """

    price: float
    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    producer_surplus: float
    total_surplus: float
    efficient_surplus: float
    distribution: np.ndarray
    grid: np.ndarray
    prior: Prior
    cost: float
    lps_solved: int
    status: Status
    mpc: MPCResult

    @property
    def is_efficient(self) -> bool:
        return self.efficient_surplus - self.total_surplus <= tol.FEAS * max(1.0, self.efficient_surplus)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check: G is a mean-preserving contraction of the prior, the price is at
        least the cost and optimal for the seller under G, and the surpluses follow."""
        no_exact(self, exact)
        ck = Checker()
        g, y, p, c = self.distribution, self.grid, self.price, self.cost
        ck.check("distribution is a pmf", max(-g.min(), abs(g.sum() - 1)), atol)
        _, viol = is_mean_preserving_contraction(y, g, self.prior.values, self.prior.probabilities, atol)
        ck.check("mean-preserving contraction of the prior", viol, atol)
        ck.check("price at or above cost", c - p, atol)
        prof = profit_curve(y, g, c)
        buy = y >= p - tol.EQUAL * max(1.0, abs(p))
        own = (p - c) * g[buy].sum()
        ck.check("price optimal for the seller", np.max(prof[y >= c], initial=0.0) - own, atol)
        ck.check("consumer surplus", abs(((y - p) * g)[buy].sum() - self.expected_consumer_surplus), atol)
        ck.check("producer surplus", abs(own - self.producer_surplus), atol)
        return ck.report()

    def as_dict(self) -> dict:
        return {"price": self.price, "expected_consumer_surplus": self.expected_consumer_surplus,
                "producer_surplus": self.producer_surplus, "total_surplus": self.total_surplus,
                "efficient_surplus": self.efficient_surplus, "cost": self.cost,
                "grid": self.grid, "distribution": self.distribution,
                "lps_solved": self.lps_solved, "status": str(self.status.value)}


def buyer_optimal_learning(prior, cost=0.0, grid=None, size: int = 200, prices=None,
                           formulation: str = "cdf",
                           progress: Callable[[int, int], None] | None = None) -> LearningResult:
    """Consumer-surplus maximising information for a monopoly (Roesler-Szentes) on a grid.

    Parameters
    ----------
    prior : Prior, ``(values, probabilities)`` or frozen continuous ``scipy.stats``
        distribution with bounded support (discretised into ``size`` cells at their
        conditional means, an inner approximation: every answer is feasible for the
        continuous prior too).
    cost : float
        The seller's marginal cost.
    grid : array_like, optional
        Support points allowed for the interim value distribution; must contain the
        prior's support. Default: for a finite prior, its support points together with
        ``size`` evenly spaced points from its lowest to its highest value (the buyer-optimal
        interim distribution is spread over that interval: restricted to the prior's own
        support points the answer can be far from the optimum); for a continuous prior,
        its ``size`` cells.
    size : int
        Cells for a continuous prior; evenly spaced points of the default grid for a
        finite prior.
    prices : array_like, optional
        Candidate prices (default: grid points at or above the cost).
    formulation : {"cdf", "transport", "auto"}
        Convex-order LP formulation (see :func:`mpc_optimize`).
    progress : callable, optional
        ``progress(done, total)`` after each LP.

    Returns
    -------
    LearningResult
        ``.price``, ``.expected_consumer_surplus``, ``.distribution`` (on ``.grid``).

    References
    ----------
    Roesler & Szentes (2017), Theorem 1; BBM25, section III.B.

    Examples
    --------
    Roesler-Szentes on BBM25 Example 1's residual (values 1, 3, 4; mean 2.25): price 1
    always sells, so the seller earns at least 1 and the buyer at most 2.25 - 1 = 1.25 (by
    hand); the optimal information attains it, at price 1:

    >>> import infopricing as ip
    >>> r = ip.buyer_optimal_learning(ip.catalog.bbm25_example1_residual(), size=41)
    >>> r.price, round(r.expected_consumer_surplus, 4), round(r.producer_surplus, 4), r.verify().ok
    (1.0, 1.25, 1.0, True)
    """
    check_progress(progress)
    pr = as_prior(prior, size=size)
    c = _cost(cost)
    if grid is not None:
        y = np.asarray(grid, dtype=float)
    elif pr.source == "finite" and pr.size > 1:
        if not isinstance(size, (int, np.integer)) or size < 2:
            raise ValueError(f"size must be an integer >= 2, got {size!r}")
        y = np.union1d(pr.values, np.linspace(pr.values[0], pr.values[-1], int(size)))
    else:
        y = pr.values
    cand = y[y >= c] if prices is None else np.sort(np.asarray(prices, dtype=float))
    if cand.size == 0:
        raise ValueError(f"no candidate price at or above cost {c:g} on the grid")
    v, f = pr.values, pr.probabilities
    bound = np.maximum(v[None, :] - cand[:, None], 0.0) @ f  # E_F[(V - p)^+], decreasing
    best, best_res, best_p = -np.inf, None, None
    solved = 0
    for i, p in enumerate(cand):
        if bound[i] <= best + tol.EQUAL * max(1.0, abs(best)):
            break
        obj = np.where(y >= p, y - p, 0.0)
        res = mpc_optimize(pr, obj, grid=y, formulation=formulation, optimal_price=(float(p), c))
        solved += 1
        if progress is not None:
            progress(i + 1, cand.size)
        if res.status is Status.OPTIMAL and res.value > best:
            best, best_res, best_p = res.value, res, float(p)
    if best_res is None:  # pragma: no cover - price max(grid) with G = F is always feasible
        raise ValueError("no candidate price can be optimal for the seller")
    g = best_res.distribution
    buy = y >= best_p - tol.EQUAL * max(1.0, abs(best_p))
    ps = (best_p - c) * g[buy].sum()
    cs = float(((y - best_p) * g)[buy].sum())
    eff = float((np.maximum(v - c, 0.0) * f).sum())
    return LearningResult(price=best_p, expected_consumer_surplus=cs, producer_surplus=float(ps),
                          total_surplus=float(ps + cs), efficient_surplus=eff,
                          distribution=g, grid=frozen(y), prior=pr, cost=c, lps_solved=solved,
                          status=best_res.status, mpc=best_res)


# ----------------------------------------------------------------------------------
# closed form
# ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TruncatedPareto:
    """The Roesler-Szentes optimum: equal-revenue G on [price, upper] with an atom at upper.

    ``G(y) = 1 - (price - c) / (y - c)`` on ``[price, upper)``, ``G(upper) = 1`` (atom
    ``(price - c) / (upper - c)``); every price in ``[price, upper]`` earns ``price - c``.

    Attributes
    ----------
    price, upper, cost, mean : float
    expected_consumer_surplus, producer_surplus : float
        ``mean - price`` and ``price - cost`` (everyone buys).

    References
    ----------
    Roesler & Szentes (2017), Theorem 1; BBM25, section III.B.
    """

    price: float
    upper: float
    cost: float
    mean: float
    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    producer_surplus: float

    def integrated_cdf(self, x) -> np.ndarray:
        """``E[(x - Y)^+]`` under the truncated Pareto distribution."""
        x = np.asarray(x, dtype=float)
        p, B, c = self.price, self.upper, self.cost
        return _tp_icdf(x, p, B, c)

    def cdf(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        p, B, c = self.price, self.upper, self.cost
        with np.errstate(divide="ignore", invalid="ignore"):
            inner = 1.0 - (p - c) / (x - c)
        return np.where(x < p, 0.0, np.where(x >= B, 1.0, inner))


def _tp_mean(p, B, c):
    return p + (p - c) * np.log((B - c) / (p - c))


def _tp_icdf(x, p, B, c):
    xc = np.clip(x, p, B)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = (xc - p) - (p - c) * np.log((xc - c) / (p - c))
    return np.where(x <= p, 0.0, inner + np.maximum(x - B, 0.0))


def _prior_icdf_fn(prior, dist):
    """A function ``x -> E[(x - V)^+]`` for the prior (exact for finite, numeric otherwise)."""
    if dist is None:
        return lambda pts: integrated_cdf(prior.values, prior.probabilities, np.atleast_1d(pts))
    a, b = (float(t) for t in dist.support())
    fine = np.linspace(a, b, 200001)
    F = dist.cdf(fine)
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (F[1:] + F[:-1]) * np.diff(fine))])
    return lambda pts: (np.interp(np.atleast_1d(pts), fine, cum, left=0.0)
                        + np.maximum(np.atleast_1d(pts) - b, 0.0))


def truncated_pareto_solution(prior, cost=0.0, n_scan: int = 100, n_check: int = 4001) -> TruncatedPareto:
    """Roesler-Szentes closed form: the smallest-price truncated Pareto contraction.

    For each upper bound ``B`` the price ``p(B)`` is pinned down by the mean
    (``p + (p - c) ln((B - c)/(p - c)) = E[v]``, decreasing in ``B``); the answer is the
    largest ``B`` for which the truncated Pareto distribution is a mean-preserving
    contraction of the prior (integrated CDFs compared on ``n_check`` points), found by a
    scan of ``n_scan`` values and bisection.

    Parameters
    ----------
    prior : Prior, ``(values, probabilities)`` or frozen continuous ``scipy.stats``
        distribution with bounded support (used directly, not discretised).
    cost : float
        Must not exceed the lowest value (common knowledge of gains from trade).

    References
    ----------
    Roesler & Szentes (2017), Theorem 1; BBM25, section III.B.

    Examples
    --------
    >>> import scipy.stats as st
    >>> import infopricing as ip
    >>> tp = ip.truncated_pareto_solution(st.uniform(0, 1))
    >>> round(tp.price, 4), round(tp.expected_consumer_surplus, 4)
    (0.2036, 0.2964)
    """
    c = _cost(cost)
    dist = None
    if hasattr(prior, "dist") and hasattr(prior, "cdf"):
        dist = prior
        a, b = (float(t) for t in dist.support())
        if not (np.isfinite(a) and np.isfinite(b)):
            raise ValueError(f"prior must have bounded support, got [{a}, {b}]")
        m = float(dist.mean())
        pr = None
    else:
        pr = as_prior(prior)
        a, b = float(pr.support[0]), float(pr.support[-1])
        m = pr.mean
    if c > a + tol.EQUAL:
        raise ValueError(f"cost {c:g} exceeds the lowest value {a:g}: the truncated Pareto closed "
                         "form needs common knowledge of gains from trade (use buyer_optimal_learning)")
    if b - m <= tol.EQUAL * max(1.0, abs(m)):
        return TruncatedPareto(m, m, c, m, 0.0, m - c)
    xs = np.linspace(a, b, n_check)
    if pr is not None:
        xs = np.union1d(xs, pr.support)
    icdf = _prior_icdf_fn(pr, dist)
    phiF = icdf(xs)
    slack = 1e-10 * max(1.0, abs(b))  # round-off of the mean equation and quadrature

    def p_of(B):
        if B <= m:
            return m
        return brentq(lambda p: _tp_mean(p, B, c) - m, c + 1e-15 * max(1.0, abs(c)) + 1e-300, m,
                      xtol=1e-14, rtol=1e-14)

    def feasible(B):
        p = p_of(B)
        if p < a:
            return False  # G would put mass below the prior's support
        pts = np.append(xs, B)
        return np.all(_tp_icdf(pts, p, B, c) <= np.append(phiF, icdf(B)) + slack)

    Bs = np.linspace(m, b, n_scan)
    ok = np.array([feasible(B) for B in Bs])
    last = int(np.flatnonzero(ok).max())
    lo, hi = Bs[last], (Bs[last + 1] if last + 1 < Bs.size else Bs[last])
    for _ in range(60):
        if hi - lo <= 1e-12 * max(1.0, b):
            break
        mid = 0.5 * (lo + hi)
        if feasible(mid):
            lo = mid
        else:
            hi = mid
    p = p_of(lo)
    return TruncatedPareto(price=float(p), upper=float(lo), cost=c, mean=m,
                           expected_consumer_surplus=float(m - p), producer_surplus=float(p - c))


def learning_convergence(dist, sizes=(25, 50, 100, 200), cost=0.0,
                         progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """Grid LP vs closed form as the grid refines (continuous prior).

    Returns one row per size: ``size``, ``price``, ``expected_consumer_surplus`` (LP),
    ``closed_form_price``, ``closed_form_expected_consumer_surplus`` and ``error`` (closed form
    minus LP consumer surplus; non-negative up to the closed form's own numerical error,
    because the discretised prior is an inner approximation).
    The rows also carry the deprecated keys ``consumer_surplus`` and
    ``closed_form_consumer_surplus`` (same values; ``consumer_surplus`` now means per type).

    References
    ----------
    Roesler & Szentes (2017); BBM25, section III.B.
    """
    check_progress(progress)
    closed = truncated_pareto_solution(dist, cost)
    rows = []
    for i, n in enumerate(sizes):
        r = buyer_optimal_learning(dist, cost=cost, size=int(n))
        rows.append({"size": int(n), "price": r.price, "expected_consumer_surplus": r.expected_consumer_surplus,
                     "closed_form_price": closed.price,
                     "closed_form_upper": closed.upper,
                     "closed_form_expected_consumer_surplus": closed.expected_consumer_surplus,
                     "error": closed.expected_consumer_surplus - r.expected_consumer_surplus})
        rows[-1].update(consumer_surplus=rows[-1]["expected_consumer_surplus"],    # deprecated keys
                        closed_form_consumer_surplus=closed.expected_consumer_surplus)
        if progress is not None:
            progress(i + 1, len(sizes))
    return rows
