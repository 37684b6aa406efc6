"""The BBM25 pricing game: producers' joint distribution of values and costs (Section I).

A :class:`PricingGame` is a finite-support joint distribution of values and costs of
``N`` producers. It validates its data and derives, in closed form, the efficient total
surplus, each producer's residual willingness to pay, the conditional distribution of the
residual given that the producer is efficient and its cost, and the optimal price against
rivals pricing at cost. The equilibrium computations that use it live in
:mod:`infopricing.competition`.

Residual willingness to pay: equation (2) of BBM25 defines
``r_i = v_i - max(0, max_{j != i} (v_j - c_j))``, which includes the consumer's outside
option; Appendix A1 writes ``min_{j != i} (v_i - v_j + c_j)``. The two agree whenever
some rival always has non-negative gains from trade (as in Example 1); the library uses
equation (2), which is the consumer's actual willingness to pay for good ``i`` when the
rivals price at cost (and is ``v_i`` for a monopolist).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import product

import numpy as np

from .. import tolerances as tol
from ._validate import _pandas_labels, align_labels, frozen, labels, probability_vector, real_array, shape_of, stored

__all__ = ["PricingGame", "ConditionalResidual", "residual_willingness_to_pay",
           "optimal_prices_against_cost"]


def residual_willingness_to_pay(values, costs) -> np.ndarray:
    """Residual willingness to pay of each producer when all rivals price at cost.

    Parameters
    ----------
    values, costs : array_like, shape (..., N)
        Values and costs of the ``N`` producers (trailing axis).

    Returns
    -------
    ndarray, shape (..., N)
        ``r_i = v_i - max(0, max_{j != i} (v_j - c_j))``.

    References
    ----------
    BBM25, equation (2); Appendix A1 (definition of ``r_i``).
    """
    v = real_array(values, "values")
    c = real_array(costs, "costs")
    try:
        shape = np.broadcast_shapes(v.shape, c.shape)
    except ValueError:
        raise ValueError(f"values {v.shape} and costs {c.shape} must have the same shape "
                         "(or broadcast: producers on the trailing axis)") from None
    if v.ndim == 0 or shape[-1] == 0:
        raise ValueError(f"values must have at least one producer on the trailing axis, got shape {v.shape}")
    gains = v - c
    n = v.shape[-1]
    out = np.empty(np.broadcast(v, c).shape, dtype=float)
    for i in range(n):
        others = np.delete(gains, i, axis=-1)
        best = np.maximum(0.0, others.max(axis=-1)) if n > 1 else np.zeros(gains.shape[:-1])
        out[..., i] = v[..., i] - best
    return out


@dataclass(frozen=True)
class ConditionalResidual:
    """Distribution of producer ``i``'s residual given that ``i`` is efficient and its cost.

    Attributes
    ----------
    producer : int
    cost : float
    weight : float
        Probability (in the prior) of the conditioning event, divided by the probability
        of the producer being efficient at all (so the weights over costs sum to one):
        the "Prob" column of BBM25's conditional table.
    mass : float
        Unnormalised prior probability of the conditioning event.
    values : ndarray
        Distinct residual values, increasing.
    probabilities : ndarray
        Conditional probabilities of ``values``.
    unique : bool
        True when conditioned on ``i`` being the *unique* efficient producer (the
        paper's table in Example 1); False when ties are included with the uniform
        tie-breaking weights ``q_i`` (the measure ``nu^i`` of Appendix A1).

    References
    ----------
    BBM25, section II (the residual distribution behind the bounds of Theorem 1).
    """

    producer: int
    cost: float
    weight: float
    mass: float
    values: np.ndarray
    probabilities: np.ndarray
    unique: bool

    def profit_curve(self) -> np.ndarray:
        """``(p - c) P(r >= p | c)`` at each ``p`` in :attr:`values`."""
        surv = np.cumsum(self.probabilities[::-1])[::-1]
        return (self.values - self.cost) * surv


def _distinct(values: np.ndarray, weights: np.ndarray, atol: float):
    """Merge values closer than ``atol`` (sorted), summing their weights."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    if v.size == 0:
        return v, w, np.empty(0, dtype=int)
    new = np.r_[True, np.diff(v) > atol]
    group = np.cumsum(new) - 1
    vals = v[new]
    ws = np.bincount(group, weights=w)
    inverse = np.empty_like(group)
    inverse[order] = group
    return vals, ws, inverse


def optimal_prices_against_cost(values, probabilities, cost: float,
                                atol: float = tol.EQUAL) -> np.ndarray:
    """All maximisers of ``(p - cost) P(r >= p)`` over ``p`` in the support.

    Ties in the consumer's choice are broken in the producer's favour here: the
    supremum of equation (1) is approached by pricing just below ``p`` (BBM25,
    Appendix A1, first claim).

    Returns
    -------
    ndarray
        Optimal prices, increasing (empty if no support point exceeds the cost).

    References
    ----------
    BBM25, section II (the producer's optimal price against its residual, Theorem 1).
    """
    from ._validate import check_real, check_tolerance

    v = real_array(values, "values", ndim=1)
    if v.size > 1 and not np.all(np.diff(v) > 0):
        raise ValueError("values must be strictly increasing (the support, in order)")
    p = probability_vector(probabilities, "probabilities", size=v.size)
    cost = check_real(cost, "cost")
    check_tolerance(atol, "atol")
    keep = v > cost
    if not keep.any():
        return np.empty(0)
    surv = np.cumsum(p[::-1])[::-1]
    prof = (v - cost) * surv
    prof = np.where(keep, prof, -np.inf)
    best = prof.max()
    return v[keep & (prof >= best - atol * max(1.0, abs(best)))]


class PricingGame:
    """``N`` Bertrand producers and a consumer with unit demand (BBM25, Section I).

    Parameters
    ----------
    values : array_like, shape (m, N)
        The consumer's value for each producer's good in each of ``m`` profiles. A pandas
        DataFrame's columns are the producers (reordered to ``producers`` if given).
    costs : array_like, shape (m, N)
        Each producer's cost in each profile (a row (N,) is broadcast to all profiles).
    probabilities : array_like, shape (m,)
        Probability of each profile (must sum to one unless ``normalize=True``).
    producers : sequence of str, optional
        Labels of the producers.
    normalize : bool
        Rescale ``probabilities`` to sum to one.

    Notes
    -----
    The consumer buys from a producer maximising ``v_i - p_i`` if that is at least 0,
    ties broken uniformly (BBM25, Section I). Values and costs must be finite and
    non-negative (the paper's ``mu`` lives on ``R_+^{2N}`` with bounded values).

    References
    ----------
    BBM25, Section I (model).

    Examples
    --------
    BBM25 Example 1: two independent producers, each with value 1 or 4 and cost 0 or 1,
    all four pairs equally likely. The gains ``v - c`` are 0, 1, 3 or 4, so the efficient
    surplus ``E[max(g_1, g_2)]`` is ``(1*3 + 3*5 + 4*7) / 16 = 2.875``:

    >>> import infopricing as ip
    >>> m = ([(1, 1), (1, 0), (4, 1), (4, 0)], [0.25] * 4)
    >>> game = ip.PricingGame.independent([m, m])
    >>> game.n_producers, game.n_profiles, game.efficient_surplus
    (2, 16, 2.875)
    """

    def __init__(self, values, costs, probabilities, producers=None, normalize: bool = False):
        got = _pandas_labels(values)
        if got is not None and got[1] is not None:   # a DataFrame's columns are the producers
            producers = got[1] if producers is None else producers
            values = align_labels(values, "values", columns=producers)
        got = _pandas_labels(costs)
        if got is not None and got[1] is not None:
            costs = align_labels(costs, "costs", columns=producers)
        v = real_array(values, "values")
        if v.ndim == 1:
            v = v[:, None]
        if v.ndim != 2 or v.shape[0] == 0 or v.shape[1] == 0:
            raise ValueError("values must have shape (profiles, producers) with at least one "
                             f"profile and one producer, got shape {v.shape}")
        m, n = v.shape
        c = real_array(costs, "costs")
        if c.ndim == 1 and n == 1 and c.shape[0] == m:
            c = c[:, None]
        elif c.ndim == 1 and c.shape[0] == n:
            c = np.broadcast_to(c, (m, n))
        elif c.ndim == 2 and c.shape == (1, n):
            c = np.broadcast_to(c, (m, n))
        if c.shape != (m, n):
            raise ValueError(f"costs must have shape {(m, n)} (or ({n},) for costs common "
                             f"to all profiles), got {np.shape(costs)}")
        if np.any(v < 0):
            raise ValueError(f"values must be non-negative; smallest is {float(v.min()):g}")
        if np.any(c < 0):
            raise ValueError(f"costs must be non-negative; smallest is {float(c.min()):g}")
        p = probability_vector(probabilities, "probabilities", size=m, normalize=normalize)
        self._values = frozen(v)
        self._costs = frozen(c)
        self._probabilities = p
        self._producers = labels(producers, n, "producer ", "producers")
        # exact masses for the exact certificates (exact_numbers.exact_masses), as Market:
        # with normalize, the numbers given rescaled exactly, not the rescaled floats
        from ..exact_numbers import exact_array, exact_input

        ex = exact_input(probabilities)
        if ex is None and normalize:
            ex = tuple(exact_array(real_array(probabilities, "probabilities", max_abs=None).ravel()))
        if ex is not None and normalize:
            ex = tuple(q / sum(ex) for q in ex)
        self._exact_probabilities = ex

    # -- constructors ------------------------------------------------------------------
    @classmethod
    def independent(cls, marginals, producers=None) -> "PricingGame":
        """Independent producers: ``marginals[i] = (pairs, probabilities)``.

        ``pairs`` is a ``(K_i, 2)`` array of ``(value, cost)`` pairs of producer ``i``;
        the profiles are all combinations, with product probabilities.
        """
        if isinstance(marginals, (str, bytes)) or not hasattr(marginals, "__len__"):
            raise TypeError("marginals must be a sequence of (pairs, probabilities)")
        if len(marginals) == 0:
            raise ValueError("marginals must describe at least one producer")
        pairs, probs = [], []
        for i, mg in enumerate(marginals):
            if not (isinstance(mg, (tuple, list)) and len(mg) == 2):
                raise TypeError(f"marginals[{i}] must be a (pairs, probabilities) pair")
            pr = real_array(mg[0], f"marginals[{i}] pairs", ndim=2)
            if pr.shape[1] != 2 or pr.shape[0] == 0:
                raise ValueError(f"marginals[{i}] pairs must have shape (K, 2) of "
                                 f"(value, cost), got {pr.shape}")
            pb = probability_vector(mg[1], f"marginals[{i}] probabilities", size=pr.shape[0])
            pairs.append(pr)
            probs.append(pb)
        idx = np.array(list(product(*[range(len(p)) for p in pairs])))
        n = len(pairs)
        vals = np.column_stack([pairs[i][idx[:, i], 0] for i in range(n)])
        costs = np.column_stack([pairs[i][idx[:, i], 1] for i in range(n)])
        prob = np.prod(np.column_stack([probs[i][idx[:, i]] for i in range(n)]), axis=1)
        return cls(vals, costs, prob / prob.sum(), producers=producers)

    @classmethod
    def from_table(cls, table, producers=None, normalize: bool = False) -> "PricingGame":
        """From rows ``[v_1, ..., v_N, c_1, ..., c_N, probability]``."""
        t = real_array(table, "table", ndim=2)
        if t.shape[1] < 3 or (t.shape[1] - 1) % 2:
            raise ValueError("table rows must be [v_1..v_N, c_1..c_N, probability], "
                             f"an odd number >= 3 of columns; got {t.shape[1]}")
        n = (t.shape[1] - 1) // 2
        return cls(t[:, :n], t[:, n:2 * n], t[:, -1], producers=producers, normalize=normalize)

    # -- data --------------------------------------------------------------------------
    values = stored("_values")
    costs = stored("_costs")
    probabilities = stored("_probabilities")
    producers = stored("_producers")
    n_producers = shape_of("_values", 1)
    n_profiles = shape_of("_values", 0)

    def __repr__(self) -> str:
        return (f"PricingGame(producers={self.n_producers}, profiles={self.n_profiles}, "
                f"efficient_surplus={self.efficient_surplus:.6g})")

    # -- surplus and residuals -------------------------------------------------------------
    @cached_property
    def gains(self) -> np.ndarray:
        """``v_i - c_i`` per profile and producer."""
        return frozen(self._values - self._costs)

    @cached_property
    def profile_surplus(self) -> np.ndarray:
        """``TS(v, c) = max(0, max_i v_i - c_i)`` per profile (BBM25, Section II)."""
        return frozen(np.maximum(0.0, self.gains.max(axis=1)))

    @property
    def efficient_surplus(self) -> float:
        """Efficient total surplus ``TS-bar`` (BBM25, Section I)."""
        return float(self._probabilities @ self.profile_surplus)

    @cached_property
    def efficient_shares(self) -> np.ndarray:
        """``q_k(v, c)``: uniform weight over the efficient producers, 0 if no trade.

        A producer is efficient when its gain is maximal (within ``tol.TIE``) and
        non-negative; this is the allocation when every producer prices at cost.
        """
        g = self.gains
        best = g.max(axis=1, keepdims=True)
        eff = (g >= best - tol.TIE) & (best >= -tol.TIE)
        cnt = eff.sum(axis=1, keepdims=True)
        return frozen(np.where(cnt > 0, eff / np.maximum(cnt, 1), 0.0))

    @cached_property
    def residuals(self) -> np.ndarray:
        """Residual willingness to pay ``r_i`` per profile (BBM25, equation (2))."""
        return frozen(residual_willingness_to_pay(self._values, self._costs))

    @cached_property
    def uniquely_efficient(self) -> np.ndarray:
        """Boolean (m, N): producer ``i`` is the unique efficient producer, ``r_i > c_i``."""
        return self.residuals > self._costs + tol.TIE

    def producer_costs(self, i: int) -> np.ndarray:
        """Distinct costs of producer ``i`` in the support, increasing."""
        self._check_producer(i)
        return np.unique(self._costs[:, i])

    def _check_producer(self, i) -> int:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"producer index must be an integer, got {type(i).__name__}")
        if not 0 <= i < self.n_producers:
            raise ValueError(f"producer index must be in [0, {self.n_producers - 1}], got {i}")
        return int(i)

    def conditional_residuals(self, i: int, unique: bool = True) -> list[ConditionalResidual]:
        """Conditional distribution of ``r_i`` given ``i`` efficient and ``c_i``.

        Parameters
        ----------
        i : int
            Producer index.
        unique : bool
            Condition on ``i`` being the unique efficient producer (the paper's table in
            Example 1; tie profiles only ever yield zero profit) or include ties with
            weight ``q_i`` (the measure ``nu^i`` of Appendix A1).

        Returns
        -------
        list of ConditionalResidual, one per cost with positive conditional mass.

        References
        ----------
        BBM25, Example 1 (conditional table); Appendix A1 (``eta^i``, ``nu^i``).
        """
        i = self._check_producer(i)
        if unique:
            w = self._probabilities * self.uniquely_efficient[:, i]
        else:
            w = self._probabilities * self.efficient_shares[:, i]
        total = w.sum()
        out = []
        for c in self.producer_costs(i):
            sel = (self._costs[:, i] == c) & (w > 0)
            mass = float(w[sel].sum())
            if mass <= 0:
                continue
            vals, ws, _ = _distinct(self.residuals[sel, i], w[sel], tol.TIE)
            out.append(ConditionalResidual(i, float(c), mass / total, mass, frozen(vals),
                                           frozen(ws / ws.sum()), unique))
        return out

    def optimal_price(self, i: int, cost: float) -> float:
        """``p_i^*(c_i)``: the lowest optimal price against rivals pricing at cost.

        Selection rule: the lowest maximiser of ``(p - c_i) P(r_i >= p | c_i, i
        efficient)``; ``c_i`` itself when no residual exceeds the cost.

        References
        ----------
        BBM25, Appendix A1 (first claim).
        """
        for cr in self.conditional_residuals(i):
            if cr.cost == cost:
                opt = optimal_prices_against_cost(cr.values, cr.probabilities, cr.cost)
                return float(opt[0]) if opt.size else float(cost)
        if cost not in self.producer_costs(i):
            raise ValueError(f"cost {cost!r} is not in the support of producer {i}'s costs "
                             f"{self.producer_costs(i).tolist()}")
        return float(cost)

    def producer_surplus_with(self, i: int, prices_by_cost) -> float:
        """Producer ``i``'s surplus from pricing ``f(c_i)`` when rivals price at cost.

        Evaluates the integrand of equation (1) exactly, with the model's uniform
        tie-breaking (no favourable ties), so the bound is approached from below by
        ``f(c) = p^*(c) - epsilon``.

        Parameters
        ----------
        i : int
        prices_by_cost : dict or callable
            ``f``: maps each of producer ``i``'s costs to a price.

        References
        ----------
        BBM25, equation (1).
        """
        i = self._check_producer(i)
        f = prices_by_cost if callable(prices_by_cost) else (lambda c: prices_by_cost[c])
        p_i = np.array([float(f(float(c))) for c in self._costs[:, i]])
        prices = self._costs.copy()
        prices[:, i] = p_i
        share = _consumer_shares(self._values, prices)[:, i]
        return float(self._probabilities @ ((p_i - self._costs[:, i]) * share))


def _consumer_shares(values: np.ndarray, prices: np.ndarray, atol: float = tol.TIE) -> np.ndarray:
    """``q_i(v, p)``: uniform over the producers maximising ``v_i - p_i`` when >= 0."""
    u = values - prices
    best = u.max(axis=1, keepdims=True)
    w = (u >= best - atol) & (best >= -atol)
    cnt = w.sum(axis=1, keepdims=True)
    return np.where(cnt > 0, w / np.maximum(cnt, 1), 0.0)


