"""Priors over a one-dimensional value: finite, or a continuous distribution on a grid.

A :class:`Prior` is a finite distribution with strictly increasing support points. A
frozen ``scipy.stats`` continuous distribution with bounded support is turned into one
by :meth:`Prior.from_distribution`: the support is cut into equal cells and each cell's
probability is put at the cell's conditional mean, so the discretised prior is a
mean-preserving contraction of the continuous one (every distribution that is a
contraction of the discretisation is also one of the original).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from ._validate import frozen, probability_vector, real_array

__all__ = ["Prior", "as_prior"]


def strictly_increasing(values, name: str = "values") -> np.ndarray:
    """Validate a 1-D array of finite, strictly increasing numbers (no duplicates)."""
    v = real_array(values, name, ndim=1)
    if v.size == 0:
        raise ValueError(f"{name} must not be empty")
    d = np.diff(v)
    if np.any(d == 0):
        dup = sorted(set(v[1:][d == 0].tolist()))
        raise ValueError(f"{name} must not contain duplicates; repeated: {dup}")
    if np.any(d < 0):
        raise ValueError(f"{name} must be sorted in strictly increasing order")
    return frozen(v)


@dataclass(frozen=True, eq=False)
class Prior:
    """A finite distribution of a scalar value (a willingness to pay, a state).

    Attributes
    ----------
    values : ndarray (K,)
        Strictly increasing support points (zero-probability points are allowed).
    probabilities : ndarray (K,)
        Non-negative, summing to one.
    source : str
        Where it came from (``"finite"`` or a description of the discretised
        continuous distribution and its grid).

    References
    ----------
    BBM 2015, section 2 (a single-product prior); Roesler & Szentes (2017).

    Examples
    --------
    BBM 2015's three-point example: mean ``0.5*1 + 0.25*3 + 0.25*4 = 2.25``, and demand
    at each support price is the mass at or above it:

    >>> import infopricing as ip
    >>> p = ip.Prior.finite([1, 3, 4], [0.5, 0.25, 0.25])
    >>> p.mean, p.survival().tolist()
    (2.25, [1.0, 0.5, 0.25])
    """

    values: np.ndarray
    probabilities: np.ndarray
    source: str = "finite"

    def __post_init__(self):
        v = strictly_increasing(self.values, "values")
        p = probability_vector(self.probabilities, "probabilities", size=v.size)
        object.__setattr__(self, "values", v)
        object.__setattr__(self, "probabilities", p)

    # -- constructors --------------------------------------------------------------
    @classmethod
    def finite(cls, values, probabilities, normalize: bool = False) -> "Prior":
        """A finite prior; ``normalize=True`` rescales probabilities to sum to one."""
        p = probability_vector(probabilities, "probabilities", normalize=normalize)
        return cls(values, p, "finite")

    @classmethod
    def from_distribution(cls, dist, size: int = 200, nodes: int = 8) -> "Prior":
        """Discretise a frozen continuous ``scipy.stats`` distribution with bounded support.

        Parameters
        ----------
        dist : frozen ``scipy.stats`` continuous distribution
            Its support (``dist.support()``) must be a bounded interval.
        size : int
            Number of equal-width cells (and hence support points), at least 2.
        nodes : int
            Gauss-Legendre nodes per cell for the cell's partial expectation.

        Returns
        -------
        Prior
            Support points at the cells' conditional means (cells of zero probability
            keep their midpoint with probability zero).
        """
        _check_frozen_continuous(dist)
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            raise TypeError(f"size must be an integer, got {type(size).__name__}")
        if size < 2:
            raise ValueError(f"size must be at least 2, got {size}")
        a, b = (float(x) for x in dist.support())
        if not (np.isfinite(a) and np.isfinite(b)):
            raise ValueError(f"dist must have bounded support, got [{a}, {b}]")
        edges = np.linspace(a, b, int(size) + 1)
        mass = np.diff(dist.cdf(edges))
        mass = np.clip(mass, 0.0, None)
        xg, wg = np.polynomial.legendre.leggauss(int(nodes))
        lo, hi = edges[:-1, None], edges[1:, None]
        x = 0.5 * (hi - lo) * xg[None, :] + 0.5 * (hi + lo)
        partial = (0.5 * (hi - lo) * wg[None, :] * x * dist.pdf(x)).sum(axis=1)
        mid = 0.5 * (edges[:-1] + edges[1:])
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(mass > 0, partial / np.where(mass > 0, mass, 1.0), mid)
        means = np.clip(means, edges[:-1], edges[1:])
        # keep points strictly increasing even if a cell mean sits on a shared edge
        means = np.maximum.accumulate(means)
        if np.any(np.diff(means) <= 0):
            means = np.where(np.r_[True, np.diff(means) > 0], means, mid)
        probs = mass / mass.sum()
        name = getattr(getattr(dist, "dist", None), "name", "distribution")
        return cls(means, probs, f"{name} on [{a:g}, {b:g}], {int(size)} cells (conditional means)")

    # -- derived -------------------------------------------------------------------
    @property
    def size(self) -> int:
        return int(self.values.size)

    @property
    def mean(self) -> float:
        return float(self.values @ self.probabilities)

    @property
    def support(self) -> np.ndarray:
        """Support points with positive probability."""
        return self.values[self.probabilities > 0]

    def survival(self) -> np.ndarray:
        """``D[k] = P(value >= values[k])`` (demand at price ``values[k]``)."""
        return np.cumsum(self.probabilities[::-1])[::-1]

    def __repr__(self) -> str:
        return f"Prior(size={self.size}, mean={self.mean:.6g}, source={self.source!r})"


def _check_frozen_continuous(dist) -> None:
    import scipy.stats as st

    if not (hasattr(dist, "dist") and isinstance(dist.dist, st.rv_continuous)):
        raise TypeError("dist must be a frozen scipy.stats continuous distribution "
                        f"(e.g. scipy.stats.uniform(0, 1)), got {type(dist).__name__}")


def as_prior(prior, values=None, size: int = 200, normalize: bool = False) -> Prior:
    """Coerce the accepted prior forms into a :class:`Prior`.

    Accepted: a :class:`Prior`; a frozen continuous ``scipy.stats`` distribution with
    bounded support (discretised into ``size`` cells); a probability vector together with
    ``values``; or a pair ``(values, probabilities)``.

    References
    ----------
    BBM 2015, section 2; Roesler & Szentes (2017).
    """
    if isinstance(prior, Prior):
        if values is not None:
            v = strictly_increasing(values)
            if v.size != prior.size or not np.allclose(v, prior.values, rtol=0, atol=tol.EQUAL):
                raise ValueError("values do not match the given Prior's support points")
        return prior
    if hasattr(prior, "dist") and hasattr(prior, "cdf"):
        return Prior.from_distribution(prior, size=size)
    if values is None:
        if isinstance(prior, tuple) and len(prior) == 2:
            return Prior.finite(prior[0], prior[1], normalize=normalize)
        raise TypeError("prior must be a Prior, a frozen scipy.stats continuous distribution, "
                        "a (values, probabilities) pair, or probabilities together with values")
    v = strictly_increasing(values)
    p = probability_vector(prior, "prior", size=v.size, normalize=normalize)
    return Prior(v, p, "finite")
