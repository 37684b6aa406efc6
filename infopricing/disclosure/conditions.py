"""Section 5 conditions: full surplus extraction by pricing with horizontal disclosure.

Lemma 1 / Proposition 5: with prices ``p_i = E[v_i | i*(v) = i]`` and horizontal
disclosure a pricing mechanism extracts OPT-Wel when
``E[v_i | i* = i] >= E[v_i | i* = i']`` for all ``i != i'`` (and, for generic
distributions, only then). Sufficient primitives: negative affiliation (Definition 3,
log-submodular pmf) and exchangeability (Definition 4).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from ..screening import Verification
from .design import DesignEvaluation, evaluate_design
from .distribution import ValueDistribution, _check_dist, optimal_welfare
from .signals import horizontal_disclosure
from ..verify.protocol import Result, no_exact


def _profile_table(dist: ValueDistribution) -> dict:
    """{profile tuple: probability} with identical profiles merged."""
    table: dict = {}
    for v, p in zip(map(tuple, dist.values.tolist()), dist.probabilities):
        if p > 0:
            table[v] = table.get(v, 0.0) + float(p)
    return table


def is_generic(dist: ValueDistribution, atol: float = 0.0) -> bool:
    """Definition 5: no two products tie with positive probability.

    ``atol = 0`` (default) compares exactly, right for instances built exactly (the
    catalogue builds its exact ties exactly); with ``atol > 0`` two values within
    ``atol * max(1, |v|)`` count as tied (for values carrying rounding error).

    References
    ----------
    CLW, Definition 5.
    """
    _check_dist(dist)
    if not atol >= 0:
        raise ValueError(f"atol must be non-negative, got {atol!r}")
    v = dist.values[dist.probabilities > 0]
    m = v.shape[1]
    for i, j in itertools.combinations(range(m), 2):
        scale = np.maximum(1.0, np.maximum(np.abs(v[:, i]), np.abs(v[:, j])))
        if np.any(np.abs(v[:, i] - v[:, j]) <= atol * scale):
            return False
    return True


def negative_affiliation_violation(dist: ValueDistribution, rtol: float = tol.FEAS):
    """First violation of Definition 3 (log-submodularity), or None.

    The pmf f must satisfy ``f(v) f(v') >= f(v ^ v') f(v v v')`` for all v, v'. Only pairs
    whose meet and join both have positive mass can fail; for such a pair ``a <= b`` in the
    support, every (v, v') with meet a and join b takes, coordinate by coordinate, one of
    ``a_i, b_i`` (the other going to v'), so those splits are enumerated.

    Returns
    -------
    None or (v, v', f(v) f(v'), f(meet) f(join))

    References
    ----------
    CLW, Definition 3.
    """
    _check_dist(dist)
    tab = _profile_table(dist)
    pts = list(tab)
    arr = np.array(pts)
    for ia, a in enumerate(pts):
        le = np.all(arr >= np.array(a), axis=1)
        for ib in np.flatnonzero(le):
            b = pts[ib]
            diff = [i for i in range(len(a)) if a[i] != b[i]]
            if len(diff) < 2:
                continue
            rhs = tab[a] * tab[b]
            for mask in itertools.product((0, 1), repeat=len(diff) - 1):
                v = list(a)
                w = list(b)
                for bit, i in zip((1,) + mask, diff):
                    if bit:
                        v[i], w[i] = b[i], a[i]
                lhs = tab.get(tuple(v), 0.0) * tab.get(tuple(w), 0.0)
                if lhs < rhs * (1 - rtol) - tol.MASS:
                    return tuple(v), tuple(w), lhs, rhs
    return None


def is_negatively_affiliated(dist: ValueDistribution, rtol: float = tol.FEAS) -> bool:
    """Definition 3 (log-submodular pmf on R_+^m). CLW, Definition 3.

    References
    ----------
    CLW, Definition 3.
    """
    return negative_affiliation_violation(dist, rtol) is None


def is_exchangeable(dist: ValueDistribution, atol: float = tol.PROB_SUM) -> bool:
    """Definition 4: F is invariant under every permutation of the products.

    Adjacent transpositions generate the symmetric group, so invariance under each of
    them is checked. CLW, Definition 4.

    References
    ----------
    CLW, Definition 4.
    """
    from ..model._validate import check_tolerance

    _check_dist(dist)
    atol = check_tolerance(atol, "atol")
    tab = _profile_table(dist)
    m = dist.n_products
    for i in range(m - 1):
        for v, p in tab.items():
            w = list(v)
            w[i], w[i + 1] = w[i + 1], w[i]
            if abs(tab.get(tuple(w), 0.0) - p) > atol:
                return False
    return True


@dataclass(frozen=True, repr=False)
class FullExtraction(Result):
    """Lemma 1 / Proposition 5 for one distribution.

    Attributes
    ----------
    prices : ndarray (m,)
        ``p_i = E[v_i | i*(v) = i]`` (``inf`` for a product never on top).
    condition : bool
        ``E[v_i | i* = i] >= E[v_i | i* = i']`` for all i != i' (classes of positive mass).
    violations : tuple of (i, i', E[v_i | i*=i], E[v_i | i*=i'])
    generic : bool
        Definition 5 (then the condition is also necessary, Proposition 5).
    negatively_affiliated, exchangeable : bool
    evaluation : DesignEvaluation
        Horizontal disclosure with these prices.
    welfare : float
    ties : str
        Tie rule of the horizontal disclosure.

    References
    ----------
    CLW, Lemma 1, Propositions 2, 3, 5; Definitions 3-5.

    Examples
    --------
    >>> import infopricing as ip
    >>> r = ip.full_extraction(ip.catalog.clw_example4(0.1))      # CLW Example 4
    >>> r.prices.tolist(), r.negatively_affiliated, r.verify().ok
    ([10.0, 1.0], True, True)
    """

    prices: np.ndarray
    condition: bool
    violations: tuple
    generic: bool
    negatively_affiliated: bool
    exchangeable: bool
    evaluation: DesignEvaluation
    welfare: float
    ties: str = "uniform"

    @property
    def extracts_full_surplus(self) -> bool:
        return self.evaluation.revenue >= self.welfare - tol.FEAS * max(1.0, self.welfare)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """The design verifies; Lemma 1: condition => revenue = OPT-Wel; Lemma 3 /
        Lemma 4: exchangeability => condition (with symmetric tie-breaking, or no ties);
        Lemma 3: negative affiliation => condition, checked for two products only (Corollary
        1, no ties): for three or more products Lemma 3 is false (see
        :func:`~infopricing.disclosure.catalog.negatively_affiliated_three_products`)."""
        no_exact(self, exact)
        v = self.evaluation.verify(atol=atol)
        fails = list(v.failures)
        if self.condition and not self.extracts_full_surplus:
            fails.append("Lemma 1 condition holds but the revenue is below OPT-Wel")
        if self.exchangeable and (self.ties == "uniform" or self.generic) and not self.condition:
            fails.append("exchangeable but the Lemma 1 condition fails (Lemma 4)")
        two = self.evaluation.dist.n_products == 2
        if two and self.negatively_affiliated and self.generic and not self.condition:
            fails.append("negatively affiliated but the Lemma 1 condition fails (Lemma 3)")
        return Verification(ok=not fails, failures=tuple(fails), max_violation=v.max_violation)


def full_extraction(dist: ValueDistribution, ties: str = "any", atol: float = tol.FEAS) -> FullExtraction:
    """Check Lemma 1's condition and evaluate the full-extraction pricing mechanism.

    Parameters
    ----------
    dist : ValueDistribution
    ties : {"any", "uniform", "lowest"}
        Tie-breaking of ``i*(v)`` in the horizontal disclosure (see
        :func:`horizontal_disclosure`). It matters both ways: for exchangeable
        distributions with ties, breaking ties to the lowest index can make the condition
        fail (e.g. (7,6), (6,7) and (0,0); Lemma 4's symmetry argument needs symmetric
        tie-breaking), while splitting a worthless tied profile uniformly can create a
        class of its own priced at 0 (e.g. (4,2), (0,0), (9,4)) where the lowest index
        satisfies it. CLW break ties arbitrarily and Lemma 1 needs one rule that works,
        so ``"any"`` (default) tries ``"uniform"`` then ``"lowest"`` and reports the first
        rule satisfying the condition (``ties`` of the result says which); when neither
        does, the uniform rule's result is returned. Without ties in the distribution
        the rules coincide.

    References
    ----------
    CLW, Lemma 1 and Proposition 5 (prices ``p_i = E[v_i | i*(v) = i]`` with horizontal
    disclosure), Propositions 2-3.

    Examples
    --------
    CLW Example 4 meets Lemma 1's condition (full extraction, revenue 2 - eps); CLW
    Appendix B.2's (5, 4), (9, 10) does not (the posterior mean of product 1 is higher when
    product 2 is the top product: 9 > 5), and horizontal disclosure with these prices
    earns only 5 of the 7.5 available:

    >>> import infopricing as ip
    >>> r = ip.full_extraction(ip.catalog.clw_example4(0.1))
    >>> r.condition, round(r.evaluation.revenue, 4), round(r.welfare, 4)
    (True, 1.9, 1.9)
    >>> b2 = ip.full_extraction(ip.catalog.clw_b2())
    >>> b2.condition, b2.violations, round(b2.evaluation.revenue, 4), round(b2.welfare, 4)
    (False, ((0, 1, 5.0, 9.0),), 5.0, 7.5)
    """
    from ..model._validate import check_tolerance

    _check_dist(dist)
    atol = check_tolerance(atol, "atol")  # a NaN atol turned the condition from False to True
    if ties == "any":
        first = full_extraction(dist, "uniform", atol)
        if first.condition:
            return first
        second = full_extraction(dist, "lowest", atol)
        return second if second.condition else first
    hd = horizontal_disclosure(dist, ties=ties)
    r = hd.probabilities
    nu = hd.posterior_means
    m = dist.n_products
    live = r > 0
    prices = np.array([nu[i, i] if live[i] else np.inf for i in range(m)])
    viol = []
    scale = max(1.0, float(dist.values.max()))
    for i in range(m):
        for j in range(m):
            if i != j and live[i] and live[j] and nu[i, i] < nu[j, i] - atol * scale:
                viol.append((i, j, float(nu[i, i]), float(nu[j, i])))
    ev = evaluate_design(dist, hd.signal, prices)
    return FullExtraction(prices=prices, condition=not viol, violations=tuple(viol), generic=is_generic(dist),
                          negatively_affiliated=is_negatively_affiliated(dist), exchangeable=is_exchangeable(dist),
                          evaluation=ev, welfare=optimal_welfare(dist), ties=ties)
