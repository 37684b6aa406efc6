"""CLW Proposition 3 / Lemma 4 (exchangeable values) and the tie rule of Definition 2.

Definition 2 makes horizontal disclosure deterministic, ``sigma(v) = delta_{i*(v)}``, with
ties "broken arbitrarily". Lemma 4's proof swaps the events ``{i* = i}`` and ``{i* = i'}``
by a permutation of the products, which needs a tie rule that commutes with permutations;
no deterministic rule does when a profile with a tie has positive mass. This module
enumerates every deterministic tie rule of Definition 2 and, for each, the best pricing
mechanism with that horizontal disclosure, so the proposition can be checked as printed.

References
----------
CLW, Definition 2, Definition 4, Lemma 1, Lemma 4, Proposition 3.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from .distribution import ValueDistribution, _check_dist, optimal_welfare
from .best_response import optimal_prices_for_signal
from .signals import Signal

#: at most this many deterministic tie rules are enumerated (each a product of the tied
#: profiles' choices); larger instances raise ValueError
MAX_TIE_RULES = 4096


def deterministic_tie_rules(dist: ValueDistribution, atol: float = 0.0):
    """Every deterministic ``i*(v)`` of Definition 2: one top product per profile.

    Parameters
    ----------
    dist : ValueDistribution
    atol : float
        Two values within ``atol`` of the profile's maximum count as tied (0: exact ties
        only, which is right for catalogue instances built exactly).

    Yields
    ------
    ndarray of int (n_profiles,)
        The disclosed product of each profile.
    """
    _check_dist(dist)
    from ..model._validate import check_tolerance

    atol = check_tolerance(atol, "atol")      # NaN passed the former `atol < 0` test
    v = dist.values
    tops = [np.flatnonzero(row >= row.max() - atol) for row in v]
    count = int(np.prod([len(t) for t in tops]))
    if count > MAX_TIE_RULES:
        raise ValueError(f"the distribution has {count} deterministic tie rules; at most "
                         f"MAX_TIE_RULES = {MAX_TIE_RULES} are enumerated")
    for choice in itertools.product(*tops):
        yield np.array(choice, dtype=int)


@dataclass(frozen=True)
class DeterministicHorizontalPricing:
    """The best pricing mechanism over all deterministic horizontal disclosures.

    Attributes
    ----------
    revenue : float
        Best revenue over every tie rule and every recommendation (product bought, or
        nothing, after each disclosed product), prices optimised by LP for each.
    top : ndarray of int
        The tie rule attaining it.
    prices : ndarray
    welfare : float
        OPT-Wel.
    rules : int
        Number of deterministic tie rules enumerated.
    params : dict
        ``{"ties": "every deterministic rule (Definition 2)", "atol": ...}``.
    """

    revenue: float
    top: np.ndarray
    prices: np.ndarray
    welfare: float
    rules: int
    params: dict

    @property
    def extracts_full_surplus(self) -> bool:
        return self.revenue >= self.welfare - tol.FEAS * max(1.0, self.welfare)


def best_deterministic_horizontal_pricing(dist: ValueDistribution, atol: float = 0.0
                                          ) -> DeterministicHorizontalPricing:
    """Best revenue of a pricing mechanism with a horizontal disclosure as Definition 2
    defines it (deterministic signal, any tie rule), by enumeration.

    For each tie rule and each recommendation vector (``(m+1)^m`` of them) the prices
    are the LP optimum of :func:`optimal_prices_for_signal`; a recommendation no price
    vector supports is skipped.

    References
    ----------
    CLW, Definition 2 and Proposition 3.
    """
    _check_dist(dist)
    m = dist.n_products
    best = (-np.inf, None, None)
    rules = 0
    for top in deterministic_tie_rules(dist, atol):
        rules += 1
        mat = np.zeros((dist.n_profiles, m))
        mat[np.arange(dist.n_profiles), top] = 1.0
        rev, prices = best_pricing_for_signal(dist, Signal(dist, mat))
        if rev > best[0]:
            best = (rev, top, prices)
    return DeterministicHorizontalPricing(revenue=float(best[0]), top=best[1], prices=np.asarray(best[2]),
                                          welfare=optimal_welfare(dist), rules=rules,
                                          params={"ties": "every deterministic rule (Definition 2)",
                                                  "atol": atol})


def best_pricing_for_signal(dist: ValueDistribution, signal: Signal):
    """Best revenue of posted prices for a fixed signal: the LP of
    :func:`optimal_prices_for_signal` for every recommendation (product bought, or nothing,
    after each signal of positive probability; ``(m+1)^S`` of them).

    Returns
    -------
    (revenue, prices)
    """
    m = dist.n_products
    live = signal.probabilities > 0
    if (m + 1) ** int(live.sum()) > MAX_TIE_RULES * 16:
        raise ValueError(f"{int(live.sum())} live signals and {m} products: too many recommendations "
                         "to enumerate")
    best = (-np.inf, None)
    for rec in itertools.product(range(-1, m), repeat=int(live.sum())):
        full = np.full(signal.n_signals, -1)
        full[live] = rec
        try:
            ev = optimal_prices_for_signal(dist, signal, recommend=full)
        except ValueError:
            continue
        if ev.revenue > best[0]:
            best = (float(ev.revenue), ev.menu.prices)
    return best


def random_exchangeable(products: int, orbits: int, rng, levels: int = 11, ties: bool = True
                        ) -> ValueDistribution:
    """A random exchangeable distribution: ``orbits`` random profiles, each spread evenly
    over its permutations.

    Parameters
    ----------
    products : int (>= 2)
    orbits : int (>= 1)
    rng : numpy.random.Generator or int seed
    levels : int
        Values are integers ``0..levels-1``.
    ties : bool
        False: every profile has distinct values (a generic distribution, Definition 5).
        True: each profile draws its values with replacement, so ties occur.
    """
    if not (isinstance(products, (int, np.integer)) and products >= 2):
        raise ValueError(f"products must be an integer >= 2, got {products!r}")
    if not (isinstance(orbits, (int, np.integer)) and orbits >= 1):
        raise ValueError(f"orbits must be a positive integer, got {orbits!r}")
    if not ties and levels < products:
        raise ValueError(f"levels must be at least products={products} without ties, got {levels!r}")
    rng = np.random.default_rng(rng)
    vals, probs = [], []
    w = rng.dirichlet(np.ones(orbits))
    perms = list(itertools.permutations(range(products)))
    for k in range(orbits):
        if ties:
            prof = rng.integers(0, levels, size=products)
        else:
            prof = rng.choice(levels, size=products, replace=False)
        for perm in perms:
            vals.append(prof[list(perm)].astype(float))
            probs.append(w[k] / len(perms))
    return ValueDistribution(np.array(vals), np.array(probs), normalize=True).merged()
