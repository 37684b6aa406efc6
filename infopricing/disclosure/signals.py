"""Information structures over a finite value distribution (CLW section 2, Definition 2)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from ..model._validate import frozen, real_array
from ..model.distribution import ValueDistribution, _check_dist
from ..model.signal import Signal
from ..verify import Verification
from ..verify.protocol import Result, no_exact


@dataclass(frozen=True, repr=False)
class HorizontalDisclosure(Result):
    """Horizontal disclosure: the buyer learns ``i*(v)``, the product he values most.

    Attributes
    ----------
    signal : Signal
        One signal per product (label = product label); a product that is never the
        top product has a signal of probability zero.
    probabilities : ndarray (m,)
        ``r(i)`` = Pr[i*(v) = i].
    posterior_means : ndarray (m, m)
        ``posterior_means[i', i] = nu_i(i') = E[v_i | i*(v) = i']`` (NaN rows for
        products that are never on top).
    top_product : ndarray (n,)
        ``i*(v)`` per profile, ties broken towards the lowest index (with
        ``ties="uniform"`` the signal matrix instead splits a tied profile evenly).

    References
    ----------
    CLW, Definition 2; proof of Theorem 2 (notation ``nu_i(i')``).

    Examples
    --------
    >>> import infopricing as ip
    >>> h = ip.horizontal_disclosure(ip.catalog.clw_b2())   # CLW Appendix B.2
    >>> h.posterior_means.tolist()     # each profile learns its top product, so is revealed
    [[5.0, 4.0], [9.0, 10.0]]
    """

    signal: Signal
    probabilities: np.ndarray
    posterior_means: np.ndarray
    top_product: np.ndarray

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check from the distribution: classes partition the profiles, each profile's
        class is a maximiser of its values, and the posteriors average to the prior."""
        no_exact(self, exact)
        from ..verify import Checker

        d = self.signal.dist
        ck = Checker()
        ck.check("disclosed product is a top product",
                 float(np.max(d.max_value - d.values[np.arange(d.n_profiles), self.top_product])), atol)
        mat = self.signal.matrix
        ck.check("signal only names top products",
                 float(np.max(np.where(d.values >= d.max_value[:, None] - atol, 0.0, mat))), atol)
        r = d.probabilities @ mat
        ck.check("signal probabilities", float(np.max(np.abs(r - self.probabilities))), atol)
        pos = r > 0
        ck.check("posterior means average to the prior mean (Bayes plausibility)",
                 float(np.max(np.abs(r[pos] @ self.posterior_means[pos] - d.mean))),
                 atol * max(1.0, float(d.values.max())))
        return ck.report()


def horizontal_disclosure(dist: ValueDistribution, ties: str = "lowest") -> HorizontalDisclosure:
    """Horizontal disclosure of ``dist`` and its posterior means ``nu_i(i')``.

    Parameters
    ----------
    dist : ValueDistribution
    ties : {"lowest", "uniform"}
        How a profile with several top products is disclosed: always the lowest index
        (deterministic, as in Definition 2), or each tied top product with equal
        probability (symmetric; what the exchangeability argument of Lemma 4 needs).

    References
    ----------
    CLW, Definition 2; Lemma 4.

    Examples
    --------
    CLW Example 1: (10, 5) and (6, 5) both prefer product 1 and are pooled, with posterior
    means ((0.2 x 10 + 0.4 x 6) / 0.6, 5) = (22/3, 5); (0, 3) is told product 2 (by hand):

    >>> import infopricing as ip
    >>> h = ip.horizontal_disclosure(ip.catalog.clw_example1())
    >>> h.probabilities.round(4).tolist(), h.posterior_means.round(4).tolist()
    ([0.6, 0.4], [[7.3333, 5.0], [0.0, 3.0]])
    >>> h.top_product.tolist()
    [0, 0, 1]
    """
    _check_dist(dist)
    if ties not in ("lowest", "uniform"):
        raise ValueError(f"ties must be 'lowest' or 'uniform', got {ties!r}")
    m = dist.n_products
    top = np.asarray(dist.top_product)
    mat = np.zeros((dist.n_profiles, m))
    if ties == "lowest":
        mat[np.arange(dist.n_profiles), top] = 1.0
    else:
        tied = dist.values == dist.max_value[:, None]
        mat = tied / tied.sum(axis=1, keepdims=True)
    sig = Signal(dist, mat, labels=dist.products)
    return HorizontalDisclosure(signal=sig, probabilities=sig.probabilities,
                                posterior_means=sig.posterior_means, top_product=frozen(top).astype(int))


def coarse_horizontal_disclosure(dist: ValueDistribution, tau, sets) -> Signal:
    """A coarse horizontal disclosure: class ``i*(v) = i`` draws a set containing i.

    Parameters
    ----------
    dist : ValueDistribution
    tau : array_like, shape (m, n_sets)
        ``tau[i, s]`` = probability that a profile whose top product is i receives set s.
    sets : sequence of iterables of product indices, length n_sets
        The signal sets (non-empty subsets of ``range(m)``, distinct).

    Raises
    ------
    ValueError
        When ``tau[i]`` puts mass on a set not containing i (Definition 2) or the sets are
        not distinct non-empty subsets.

    References
    ----------
    CLW, Definition 2.
    """
    _check_dist(dist)
    m = dist.n_products
    t = real_array(tau, "tau", ndim=2)
    fs = [frozenset(int(i) for i in s) for s in sets]
    if t.shape != (m, len(fs)):
        raise ValueError(f"tau must have shape (products, sets) = ({m}, {len(fs)}), got {t.shape}")
    for s in fs:
        if not s or not s <= set(range(m)):
            raise ValueError(f"sets must be non-empty subsets of 0..{m - 1}, got {sorted(s)}")
    if len(set(fs)) != len(fs):
        raise ValueError("sets must be distinct (Definition 2: S = 2^[m] minus the empty set)")
    for i in range(m):
        for j, s in enumerate(fs):
            if t[i, j] > tol.FEAS and i not in s:
                raise ValueError(f"tau[{i}] puts mass {t[i, j]:g} on set {sorted(s)} which does not "
                                 f"contain product {i} (Definition 2)")
    mat = t[np.asarray(dist.top_product)]
    return Signal(dist, mat, labels=tuple(fs))
