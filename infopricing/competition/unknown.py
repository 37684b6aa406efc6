"""Unknown values (BBM25 Section III.A-B): value garblings, interim bounds, homogeneous
values, and consumer-optimal consumer information for a low-cost producer (known costs)
and, with random costs, for every producer at once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

from .. import tolerances as tol
from ..errors import SolverError
from ..lp import Status
from ..lp.exact_certificate import solve_lp_recorded
from ..model._validate import check_tolerance, frozen, probability_vector, real_array
from ..verify import Checker, Verification
from .game import PricingGame, producer_surplus_bounds
from ..verify.protocol import Result, no_exact, PER_TYPE, deprecated_alias

__all__ = ["ValueGarbling", "value_garbling", "is_homogeneous", "has_common_knowledge_of_gains",
           "interim_bounds", "HomogeneousOptimum", "consumer_optimal_homogeneous",
           "UnknownValuesOptimum", "consumer_optimal_unknown_values"]


@dataclass(frozen=True, repr=False)
class ValueGarbling(Result):
    """A value garbling ``mu'`` of ``mu`` induced by a consumer signal.

    Attributes
    ----------
    prior : PricingGame
        ``mu``.
    interim : PricingGame
        ``mu'``: profiles are (signal, cost vector) pairs with the consumer's posterior
        mean values.
    kernel : ndarray (m', m)
        ``eta``: ``kernel[a, row]`` is the probability of prior profile ``row`` given
        interim profile ``a`` (zero unless the costs agree).

    References
    ----------
    BBM25, Section III.A (value garbling).

    Examples
    --------
    >>> import infopricing as ip
    >>> g = ip.PricingGame([[0, 1], [1, 0]], [[0, 0], [0, 0]], [0.5, 0.5])   # BBM25 Example 4
    >>> vg = ip.value_garbling(g, [[1], [1]])          # no information: both values 1/2
    >>> vg.interim.values.tolist(), vg.kernel.tolist()
    ([[0.5, 0.5]], [[0.5, 0.5]])
    """

    prior: PricingGame
    interim: PricingGame
    kernel: np.ndarray

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """``mu = mu' eta``, costs preserved, and ``E[v | v', c] = v'``."""
        no_exact(self, exact)
        ck = Checker()
        K, P, I = self.kernel, self.prior, self.interim
        ck.check("kernel rows are distributions", max(-K.min(), np.max(np.abs(K.sum(axis=1) - 1))),
                 atol)
        ck.check("prior recovered", np.max(np.abs(I.probabilities @ K - P.probabilities)), atol,
                 "mu is not mu' averaged through the kernel")
        ck.check("mean-zero noise", np.max(np.abs(K @ P.values - I.values)), atol,
                 "E[v | v', c] != v'")
        on = K > atol
        mixed = np.array([np.max(np.abs(P.costs[on[a]] - I.costs[a]), initial=0.0)
                          for a in range(K.shape[0])])
        worst = int(np.argmax(mixed)) if mixed.size else 0
        ck.check("costs preserved", mixed.max(initial=0.0), atol,
                 f"interim profile {worst} mixes different costs")
        return ck.report()


def value_garbling(game: PricingGame, signal) -> ValueGarbling:
    """The garbling induced by a consumer signal ``signal[row, s] = P(s | profile row)``.

    Producers' costs are kept; the consumer's interim value of each good is the
    posterior mean given the signal and the cost profile.

    Parameters
    ----------
    game : PricingGame
    signal : array_like (m, S)
        Row-stochastic.

    Returns
    -------
    ValueGarbling

    References
    ----------
    BBM25, Section III.A.

    Examples
    --------
    BBM25 Example 3 (value 0 or 4, equally likely): a signal that reveals nothing garbles
    the values to their mean 2 (by hand: (0 + 4) / 2):

    >>> import infopricing as ip
    >>> vg = ip.value_garbling(ip.catalog.bbm25_example3(), [[1], [1]])
    >>> vg.interim.values.tolist(), vg.interim.probabilities.tolist(), vg.verify().ok
    ([[2.0]], [1.0], True)
    """
    if not isinstance(game, PricingGame):
        raise TypeError(f"game must be a PricingGame, got {type(game).__name__}")
    S = real_array(signal, "signal", ndim=2)
    if S.shape[0] != game.n_profiles:
        raise ValueError(f"signal must have one row per profile ({game.n_profiles}), got {S.shape[0]}")
    if np.any(S < 0) or np.max(np.abs(S.sum(axis=1) - 1)) > tol.PROB_SUM:
        raise ValueError("signal rows must be probability vectors (non-negative, summing to 1)")
    costs_u, cost_idx = np.unique(game.costs, axis=0, return_inverse=True)
    cost_idx = cost_idx.ravel()
    vals, costs, probs, rows = [], [], [], []
    for s in range(S.shape[1]):
        for ci in range(costs_u.shape[0]):
            w = game.probabilities * S[:, s] * (cost_idx == ci)
            mass = w.sum()
            if mass <= tol.MASS:
                continue
            vals.append(w @ game.values / mass)
            costs.append(costs_u[ci])
            probs.append(mass)
            rows.append(w / mass)
    probs = np.array(probs)
    interim = PricingGame(np.array(vals), np.array(costs), probs / probs.sum(),
                          producers=game.producers)
    return ValueGarbling(game, interim, frozen(np.array(rows)))


def is_homogeneous(game: PricingGame, atol: float = tol.EQUAL) -> bool:
    """``v_1 = ... = v_N`` on the support (BBM25, Section III.B).

    References
    ----------
    BBM25, section III.B.
    """
    atol = check_tolerance(atol, "atol")
    v = game.values[game.probabilities > 0]
    return bool(np.all(np.abs(v - v[:, :1]) <= atol))


def has_common_knowledge_of_gains(game: PricingGame, atol: float = tol.EQUAL) -> bool:
    """``max_i v_i - c_i >= 0`` on the support (BBM25, Section III.B).

    References
    ----------
    BBM25, section III.B and Theorem 2.
    """
    atol = check_tolerance(atol, "atol")
    g = game.gains[game.probabilities > 0]
    return bool(np.all(g.max(axis=1) >= -atol))


def interim_bounds(garbling: ValueGarbling) -> dict:
    """``TS-bar(mu')``, ``PS_i(mu')`` and the consumer surplus of Proposition 2
    (``expected_consumer_surplus``; the deprecated key ``consumer_surplus`` holds the same).

    References
    ----------
    BBM25, Section III.A (interim bounds), Proposition 2.
    """
    g = garbling.interim
    ps = producer_surplus_bounds(g)
    ts = g.efficient_surplus
    return {"total_surplus": ts, "producer_surplus": ps, "expected_consumer_surplus": ts - ps.sum(),
            "consumer_surplus": ts - ps.sum(),                     # deprecated key
            "prior_efficient_surplus": garbling.prior.efficient_surplus}


@dataclass(frozen=True, repr=False)
class HomogeneousOptimum(Result):
    """Consumer-optimal interim value distribution with homogeneous values.

    Attributes
    ----------
    expected_consumer_surplus, producer_surplus, total_surplus : float
    grid, distribution : ndarray
        Interim value distribution ``G`` on the grid.
    costs : ndarray
        The (deterministic) producer costs.
    prior_values, prior_probabilities : ndarray

    References
    ----------
    BBM25, section III (unknown values), Theorem 2.

    Examples
    --------
    >>> import infopricing as ip
    >>> h = ip.consumer_optimal_homogeneous([0, 0.25, 0.5, 0.75, 1], [0.2] * 5, [0, 0.4],
    ...                                     size=41)       # BBM25 Example 2
    >>> round(float(h.expected_consumer_surplus + h.producer_surplus), 4), h.grid.size
    (0.5, 41)
    """

    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    producer_surplus: float
    total_surplus: float
    grid: np.ndarray
    distribution: np.ndarray
    costs: np.ndarray
    prior_values: np.ndarray
    prior_probabilities: np.ndarray
    #: the LP as solved (for ``verify(exact=True)`` and ``exact_certificate()``)
    lp_record: object = field(default=None, repr=False, compare=False)

    def exact_certificate(self, backend: str = "auto"):
        """Exact optimality certificate of the BBM25 producer-surplus LP this optimum solved
        (minimal producer surplus over value garblings; ``.to_json(path)`` for
        ``infopricing/verify/check_certificate.py``)."""
        from ..verify.exact_lp import export_certificate

        ex = (self.lp_record.exact or {}).get("model") if self.lp_record is not None else None
        pair = lambda q: [q.numerator, q.denominator]
        data = {"grid": self.grid} if ex is None else {
            "builder": "bbm25-homogeneous", **{key: [pair(q) for q in ex[key]] for key in ex}}
        return export_certificate(self.lp_record, "BBM25 homogeneous-values producer-surplus LP", data,
                                  backend=backend, reported={"producer_surplus": self.producer_surplus})

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check with the information package's convex-order test, the lowest-cost
        producer's best price against the capped residual, and the accounting.
        ``exact=True`` adds the LP's exact optimality certificate (the minimal producer
        surplus proven in rational arithmetic; fails, saying so, when incomplete)."""
        from ..information.mpc import is_mean_preserving_contraction
        ck = Checker()
        y, g = self.grid, self.distribution
        _, viol = is_mean_preserving_contraction(y, g, self.prior_values, self.prior_probabilities, atol)
        ck.check("mean-preserving contraction", viol, atol)
        c = np.sort(self.costs)
        cap = c[1] if c.size > 1 else np.inf
        r = np.minimum(y, cap)
        p = np.unique(r[r > c[0]])
        rev = np.array([(q - c[0]) * g[r >= q - tol.TIE].sum() for q in p]) if p.size else np.zeros(1)
        ck.check("producer surplus", abs(rev.max() - self.producer_surplus), atol,
                 f"producer surplus {self.producer_surplus} != best revenue {rev.max()}")
        ts = float(self.prior_values @ self.prior_probabilities) - c[0]
        ck.check("welfare accounting",
                 max(abs(ts - self.total_surplus), abs(ts - self.producer_surplus - self.expected_consumer_surplus)),
                 atol)
        if exact:
            from ..verify.exact_lp import exact_branch

            return exact_branch(ck.report(), [("producer-surplus LP", self.lp_record, self.producer_surplus)],
                                atol=atol)
        return ck.report()


def consumer_optimal_homogeneous(values, probabilities, costs, grid=None, size: int = 201
                                 ) -> HomogeneousOptimum:
    """Consumer-optimal consumer information with homogeneous values and known costs.

    With homogeneous values and common knowledge of gains from trade, Theorem 2 gives
    consumer surplus ``TS-bar - sum_i PS_i(mu')``; only the lowest-cost producer can
    earn, facing the residual ``min(v', c_(2))`` (``c_(2)`` the second-lowest cost;
    ``+inf`` for a monopolist, the Roesler-Szentes case). One LP over interim
    distributions ``G`` on a grid minimises that producer's best revenue ``t``:
    ``(p - c_(1)) G(v' >= p) <= t`` for every grid price ``p <= c_(2)``, with ``G`` a
    mean-preserving contraction of the prior (stop-loss rows at every grid point, which
    contains the prior's support).

    Parameters
    ----------
    values, probabilities : array_like
        Prior of the common value.
    costs : array_like (N,)
        Deterministic costs (Example 2: ``[0, c_2]``).
    grid : array_like, optional
        Default: ``size`` points on ``[min v, max v]`` plus the prior's support.

    References
    ----------
    BBM25, Theorem 2; Example 2; Roesler & Szentes (2017).

    Examples
    --------
    BBM25 Example 2 on a grid: value uniform on {0, 1/4, ..., 1}, costs 0 and 0.4. The
    optimum is efficient (Theorem 2), so total surplus is E[v] = 1/2 (by hand); the
    consumer's share is a grid LP value:

    >>> import infopricing as ip
    >>> h = ip.consumer_optimal_homogeneous([0, 0.25, 0.5, 0.75, 1], [0.2] * 5, [0, 0.4],
    ...                                     size=41)
    >>> round(float(h.total_surplus), 4), round(float(h.expected_consumer_surplus), 3), h.verify().ok
    (0.5, 0.331, True)
    """
    v = real_array(values, "values", ndim=1)
    f = probability_vector(probabilities, "probabilities", size=v.size)
    c = np.sort(real_array(costs, "costs", ndim=1))
    if c.size == 0 or np.any(c < 0):
        raise ValueError("costs must be a non-empty vector of non-negative numbers")
    if v[f > 0].min() < c[0] - tol.EQUAL:
        raise ValueError("common knowledge of gains from trade fails: some value is below "
                         f"the lowest cost {c[0]:g} (Theorem 2 does not apply)")
    y = np.unique(np.r_[np.linspace(v.min(), v.max(), size), v] if grid is None
                  else np.r_[real_array(grid, "grid", ndim=1), v])
    m = y.size
    cap = c[1] if c.size > 1 else np.inf
    prices = y[(y > c[0]) & (y <= cap + tol.TIE)]
    if np.isfinite(cap) and cap > c[0] and not np.any(np.abs(prices - cap) <= tol.TIE):
        prices = np.r_[prices, cap]
    rows = [(p - c[0]) * (y >= p - tol.TIE) for p in prices]
    A_price = np.c_[np.array(rows).reshape(-1, m), -np.ones(len(rows))]
    # convex order: equal mean and E_G (v - t)^+ <= E_F (v - t)^+ at every grid point
    sl_G = np.maximum(y[None, :] - y[:, None], 0.0)
    sl_F = np.maximum(v[None, :] - y[:, None], 0.0) @ f
    A = np.vstack([A_price, np.c_[sl_G, np.zeros(m)], np.r_[y, 0.0], np.r_[np.ones(m), 0.0]])
    lo = np.r_[np.full(len(rows), -np.inf), np.full(m, -np.inf), v @ f, 1.0]
    hi = np.r_[np.zeros(len(rows)), sl_F, v @ f, 1.0]
    res, record = solve_lp_recorded(np.r_[np.zeros(m), 1.0], sp.csr_matrix(A), lo, hi, sense="min")
    if res.status != Status.OPTIMAL:
        raise SolverError(f"homogeneous-values LP: {res.status}")
    ex = _homogeneous_exact_lp(v, f, c, y, len(rows))
    if ex is not None:
        record = dataclasses.replace(record, exact=ex)
    g = np.maximum(res.x[:m], 0.0)
    ps = max(0.0, float(res.x[m]))
    ts = float(v @ f) - c[0]
    return HomogeneousOptimum(ts - ps, ps, ts, frozen(y), frozen(g), frozen(c), frozen(v), frozen(f),
                              lp_record=record)


def _homogeneous_exact_lp(v, f, c, y, n_prices):
    """The homogeneous-values LP in the model's exact numbers (:mod:`infopricing.exact_numbers`;
    masses divided by their exact sum), for the exact certificate, or None when the exact
    price set (grid points in ``(c_(1), c_(2)]``, and ``c_(2)`` itself when it is not one)
    differs from the floating one (a grid point within ``tol.TIE`` of a cost)."""
    from fractions import Fraction

    from ..exact_numbers import exact_array

    V, Y, C = exact_array(v), exact_array(y), sorted(exact_array(c))
    P = exact_array(f)
    s = sum(P, Fraction(0))
    P = [q / s for q in P]
    lo_c, cap = C[0], (C[1] if len(C) > 1 else None)
    prices = [q for q in Y if q > lo_c and (cap is None or q <= cap)]
    if cap is not None and cap > lo_c and cap not in prices:
        prices.append(cap)
    if len(prices) != n_prices:
        return None
    m, zero, one = len(Y), Fraction(0), Fraction(1)
    A = {}
    for r, p in enumerate(prices):  # (p - c_(1)) G(v >= p) - t <= 0
        for j, q in enumerate(Y):
            if q >= p:
                A[(r, j)] = p - lo_c
        A[(r, m)] = -one
    R = len(prices)
    for t, q in enumerate(Y):  # stop-loss E_G (v - y_t)^+ <= E_F (v - y_t)^+
        for j, w in enumerate(Y):
            if w > q:
                A[(R + t, j)] = w - q
    for j, q in enumerate(Y):
        if q:
            A[(R + m, j)] = q
        A[(R + m + 1, j)] = one
    mean = sum((a * b for a, b in zip(V, P)), zero)
    slF = [sum((pk * (vk - q) for vk, pk in zip(V, P) if vk > q), zero) for q in Y]
    return {"A_exact": A, "c_exact": [zero] * m + [one],
            "bounds_exact": {"row_lower": [None] * (R + m) + [mean, one],
                             "row_upper": [zero] * R + slF + [mean, one]},
            "model": {"values": V, "probabilities": P, "costs": C, "grid": Y}}


# ---------------------------------------------------------------------------------------
# homogeneous values with random costs
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class UnknownValuesOptimum(Result):
    """Consumer-optimal consumer information with homogeneous values and random costs.

    Attributes
    ----------
    expected_consumer_surplus, total_surplus : float
    producer_surplus : ndarray (N,)
        ``PS_i(mu')`` at the optimal value garbling ``mu'``.
    grid : ndarray (M,)
        Interim values.
    cost_profiles : ndarray (K, N)
        Distinct cost vectors of the prior.
    masses : ndarray (K, M)
        ``mu'(v' = grid[j], c = cost_profiles[k])``.
    game : PricingGame
        The prior ``mu``.
    status : Status

    References
    ----------
    BBM25, section III (unknown values), Theorem 2.

    Examples
    --------
    >>> import infopricing as ip
    >>> u = ip.consumer_optimal_unknown_values(ip.catalog.bbm25_example2(), size=41)
    >>> u.producer_surplus.round(3).tolist()           # producer 2 (cost 0.4) earns nothing
    [0.169, 0.0]
    """

    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    total_surplus: float
    producer_surplus: np.ndarray
    grid: np.ndarray
    cost_profiles: np.ndarray
    masses: np.ndarray
    game: PricingGame
    status: Status
    #: the LP as solved (for ``verify(exact=True)`` and ``exact_certificate()``)
    lp_record: object = field(default=None, repr=False, compare=False)

    def exact_certificate(self, backend: str = "auto"):
        """Exact optimality certificate of the BBM25 producer-surplus LP this optimum solved
        (minimal producer surplus over value garblings; ``.to_json(path)`` for
        ``infopricing/verify/check_certificate.py``)."""
        from ..verify.exact_lp import export_certificate

        return export_certificate(self.lp_record, "BBM25 unknown-values producer-surplus LP", {},
                                  backend=backend, reported={"producer_surplus": self.producer_surplus},
                                  claims={"total_producer_surplus": lambda obj, problem: obj})

    def interim_game(self) -> PricingGame:
        """``mu'`` as a :class:`PricingGame` (homogeneous interim values)."""
        k_idx, j_idx = np.nonzero(self.masses > tol.MASS)
        n = self.game.n_producers
        v = np.repeat(self.grid[j_idx][:, None], n, axis=1)
        w = self.masses[k_idx, j_idx]
        return PricingGame(v, self.cost_profiles[k_idx], w / w.sum(),
                           producers=self.game.producers)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check without the LP: for every cost vector the interim values are a
        mean-preserving contraction of the prior's conditional values (so ``mu'`` is a
        value garbling of ``mu``); ``PS_i(mu')`` recomputed by
        :func:`producer_surplus_bounds` on the interim game matches; ``TS-bar(mu') =
        TS-bar`` (Theorem 2); ``CS = TS - sum PS``.

        Returns
        -------
        Verification
        """
        from ..information.mpc import is_mean_preserving_contraction
        g = self.game
        ck = Checker()
        ck.check("interim masses non-negative", -self.masses.min(), atol, "negative interim mass")
        for k, kappa in enumerate(self.cost_profiles):
            rows = np.all(g.costs == kappa, axis=1)
            mass = g.probabilities[rows].sum()
            if not ck.check("interim mass per cost vector", abs(self.masses[k].sum() - mass), atol,
                            f"cost vector {kappa.tolist()}: interim mass {self.masses[k].sum()} "
                            f"!= prior mass {mass}"):
                continue
            _, viol = is_mean_preserving_contraction(
                self.grid, self.masses[k] / mass, g.values[rows, 0], g.probabilities[rows] / mass,
                atol)
            ck.check("contraction per cost vector", viol, atol, f"cost vector {kappa.tolist()}")
        interim = self.interim_game()
        ps = producer_surplus_bounds(interim)
        ck.check("PS_i(mu') recomputed", np.max(np.abs(ps - self.producer_surplus)), atol,
                 f"{ps.tolist()} != {self.producer_surplus.tolist()}")
        ck.check("TS-bar(mu') = TS-bar", abs(interim.efficient_surplus - self.total_surplus), atol)
        ck.check("CS = TS - sum PS",
                 abs(self.total_surplus - self.producer_surplus.sum() - self.expected_consumer_surplus), atol)
        if exact:  # the LP's exact optimality certificate (minimal sum of producer surplus)
            from ..verify.exact_lp import exact_branch

            return exact_branch(ck.report(), [("producer-surplus LP", self.lp_record,
                                               float(self.producer_surplus.sum()))], atol=atol)
        return ck.report()


def consumer_optimal_unknown_values(game: PricingGame, grid=None, size: int = 201
                                    ) -> UnknownValuesOptimum:
    """Consumer-optimal consumer information with homogeneous values and random costs.

    Theorem 2: with homogeneous values and common knowledge of gains from trade, maximal
    consumer surplus is ``TS-bar - min_{mu'} sum_i PS_i(mu')`` over value garblings
    ``mu'`` of ``mu``. A garbling keeps the costs and, for each cost vector ``c``,
    replaces the conditional value distribution by a mean-preserving contraction of it
    (the kernel ``eta(dv | v', c)`` has mean ``v'``). With homogeneous values producer
    ``i``'s residual is ``min(v', min_{j != i} c_j)``; it earns only when it is the unique
    lowest-cost producer, and it conditions only on its own cost, so
    ``PS_i(mu') = sum_a max_p (p - a) mu'(min(v', m_i(c)) >= p, c_i = a)`` pools the
    rivals' costs. One LP over the interim distributions (one per cost vector, on a
    grid) minimises ``sum_i sum_a t_{i,a}`` with ``t_{i,a}`` above every candidate
    price's profit.

    Parameters
    ----------
    game : PricingGame
        Homogeneous values (``v_1 = ... = v_N``) with common knowledge of gains from
        trade; costs may be random and correlated with values.
    grid : array_like, optional
        Interim values; default ``size`` points on ``[min v, max v]``. The prior's values
        are always added.
    size : int

    Returns
    -------
    UnknownValuesOptimum

    References
    ----------
    BBM25, Section III.A (value garbling, ``PS_i(mu')``), Theorem 2; Example 2 is the
    deterministic-cost case (:func:`consumer_optimal_homogeneous`).

    Examples
    --------
    BBM25 Example 2 from the catalogue (same numbers as
    :func:`consumer_optimal_homogeneous`, the costs here being a known profile):

    >>> import infopricing as ip
    >>> u = ip.consumer_optimal_unknown_values(ip.catalog.bbm25_example2(), size=41)
    >>> round(float(u.total_surplus), 4), round(float(u.expected_consumer_surplus), 3), u.verify().ok
    (0.5, 0.331, True)
    """
    if not isinstance(game, PricingGame):
        raise TypeError(f"game must be a PricingGame, got {type(game).__name__}")
    if not is_homogeneous(game):
        raise ValueError("values must be homogeneous (v_1 = ... = v_N on the support) for "
                         "Theorem 2")
    if not has_common_knowledge_of_gains(game):
        raise ValueError("common knowledge of gains from trade fails (some profile has "
                         "max_i v_i - c_i < 0): Theorem 2 does not apply")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
        raise ValueError(f"size must be an integer >= 2, got {size!r}")
    live = game.probabilities > 0
    v_all = game.values[live, 0]
    y = np.unique(np.r_[np.linspace(v_all.min(), v_all.max(), size) if grid is None
                        else real_array(grid, "grid", ndim=1), v_all])
    if y.min() < v_all.min() - tol.EQUAL or y.max() > v_all.max() + tol.EQUAL:
        y = y[(y >= v_all.min() - tol.EQUAL) & (y <= v_all.max() + tol.EQUAL)]
    M = y.size
    kappas, inv = np.unique(game.costs[live], axis=0, return_inverse=True)
    inv = inv.ravel()
    K, n = kappas.shape
    mu = game.probabilities[live]
    nvar_g = K * M
    # price rows, one block per (producer, own cost) agent
    rows, cols, vals, n_rows, agents = [], [], [], 0, []
    for i in range(n):
        others = np.delete(kappas, i, axis=1)
        cap = others.min(axis=1) if n > 1 else np.full(K, np.inf)
        uniq = kappas[:, i] < cap - tol.TIE
        for a in np.unique(kappas[uniq, i]):
            ks = np.flatnonzero(uniq & (kappas[:, i] == a))
            if ks.size == 0:
                continue
            t_col = nvar_g + len(agents)
            agents.append((i, float(a)))
            cand = np.unique(np.concatenate([np.minimum(y, cap[k]) for k in ks]))
            cand = cand[cand > a + tol.TIE]
            for p in cand:
                for k in ks:
                    on = np.flatnonzero(np.minimum(y, cap[k]) >= p - tol.TIE)
                    rows.extend([n_rows] * on.size)
                    cols.extend((k * M + on).tolist())
                    vals.extend([p - a] * on.size)
                rows.append(n_rows)
                cols.append(t_col)
                vals.append(-1.0)
                n_rows += 1
    nvar = nvar_g + len(agents)
    A_price = sp.csr_matrix((vals, (rows, cols)), shape=(n_rows, nvar))
    # contraction per cost vector: mass, mean, stop-loss at every grid point
    blocks, lo, hi = [], [], []
    sl_G = np.maximum(y[None, :] - y[:, None], 0.0)
    for k in range(K):
        sel = inv == k
        f_v, f_p = game.values[live][sel, 0], mu[sel]
        mass = f_p.sum()
        B = sp.lil_matrix((M + 2, nvar))
        B[0, k * M:(k + 1) * M] = np.ones(M)
        B[1, k * M:(k + 1) * M] = y
        B[2:, k * M:(k + 1) * M] = sl_G
        blocks.append(B.tocsr())
        sl_F = np.maximum(f_v[None, :] - y[:, None], 0.0) @ f_p
        lo.append(np.r_[mass, f_v @ f_p, np.full(M, -np.inf)])
        hi.append(np.r_[mass, f_v @ f_p, sl_F])
    A = sp.vstack([A_price] + blocks).tocsr()
    row_lo = np.r_[np.full(n_rows, -np.inf), np.concatenate(lo)]
    row_hi = np.r_[np.zeros(n_rows), np.concatenate(hi)]
    c = np.r_[np.zeros(nvar_g), np.ones(len(agents))]
    res, record = solve_lp_recorded(c, A, row_lo, row_hi, sense="min")
    if res.status != Status.OPTIMAL:
        raise SolverError(f"unknown-values LP: {res.status}")
    record = _unknown_exact_lp(record, game, y)
    g_mass = np.maximum(res.x[:nvar_g], 0.0).reshape(K, M)
    ps = np.zeros(n)
    for j, (i, _a) in enumerate(agents):
        ps[i] += max(0.0, float(res.x[nvar_g + j]))
    ts = game.efficient_surplus
    return UnknownValuesOptimum(ts - ps.sum(), ts, frozen(ps), frozen(y), frozen(kappas),
                                frozen(g_mass), game, res.status, lp_record=record)


def _unknown_exact_lp(record, game: PricingGame, y):
    """The unknown-values LP of :func:`consumer_optimal_unknown_values` in the model's exact
    numbers (:mod:`infopricing.exact_numbers`; masses divided by their exact sum), for the
    exact certificate and the checker's ``bbm25-unknown`` builder. Unchanged ``record`` when
    an exact comparison (a cost against a rival's, a grid point against a cost) decides a
    float tie the other way, so that the exact LP has another shape."""
    from fractions import Fraction

    from ..exact_numbers import exact_array, exact_market
    from ..lp.exact_certificate import json_rationals, with_exact_lp

    v = exact_array(game.values[:, 0])
    P = list(exact_market(game))
    C = [exact_array(row) for row in game.costs]
    Y = exact_array(y)
    live = [k for k in range(len(v)) if P[k] > 0]
    kappas = sorted({tuple(C[k]) for k in live})
    K, N, M = len(kappas), len(C[0]), len(Y)
    zero, one = Fraction(0), Fraction(1)
    rows, agents = [], 0
    for i in range(N):
        cap = [min(kap[:i] + kap[i + 1:]) if N > 1 else None for kap in kappas]
        resid = lambda k, q: q if cap[k] is None else min(q, cap[k])  # noqa: E731
        uniq = [cap[k] is None or kappas[k][i] < cap[k] for k in range(K)]
        for a in sorted({kappas[k][i] for k in range(K) if uniq[k]}):
            ks = [k for k in range(K) if uniq[k] and kappas[k][i] == a]
            col = K * M + agents
            agents += 1
            for p in sorted({resid(k, q) for k in ks for q in Y if resid(k, q) > a}):
                row = {k * M + j: p - a for k in ks for j, q in enumerate(Y) if resid(k, q) >= p}
                row[col] = -one
                rows.append(row)
    lo, hi = [None] * len(rows), [zero] * len(rows)
    for k, kap in enumerate(kappas):
        sel = [t for t in live if tuple(C[t]) == kap]
        mass = sum((P[t] for t in sel), zero)
        mean = sum((P[t] * v[t] for t in sel), zero)
        rows += [{k * M + j: one for j in range(M)}, {k * M + j: q for j, q in enumerate(Y) if q}]
        lo += [mass, mean]
        hi += [mass, mean]
        for s in Y:
            rows.append({k * M + j: q - s for j, q in enumerate(Y) if q > s})
            lo.append(None)
            hi.append(sum((P[t] * (v[t] - s) for t in sel if v[t] > s), zero))
    nv = K * M + agents
    problem = {"builder": "bbm25-unknown", "values": json_rationals(v),
               "costs": json_rationals(C), "probabilities": json_rationals(P),
               "grid": json_rationals(Y),
               "variables": "g[k, j] at k * len(grid) + j (cost vectors in increasing order), "
                            "then one revenue bound t per (producer, own cost)"}
    return with_exact_lp(record, rows, [zero] * (K * M) + [one] * agents, lo, hi, [zero] * nv,
                         [None] * nv, problem)
