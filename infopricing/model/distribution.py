"""Finite-support joint distributions of a unit-demand buyer's values (CLW section 2)."""

from __future__ import annotations

import itertools
from functools import cached_property

import numpy as np

from ._validate import _pandas_labels, align_labels, frozen, labels, probability_vector, real_array, shape_of, stored

__all__ = ["ValueDistribution"]


class ValueDistribution:
    """A finite-support joint distribution F of values ``v in R_+^m`` for m products.

    Parameters
    ----------
    values : array_like, shape (n, m)
        ``values[t, i]`` is profile t's value for product i (non-negative, finite). A
        pandas DataFrame's columns are the products (reordered to ``products`` if given).
    probabilities : array_like, shape (n,)
        Probability of each profile (non-negative, sums to one unless ``normalize``).
    products : sequence of str, optional
        Product labels (default ``p1..pm``).
    normalize : bool
        Rescale ``probabilities`` to sum to one.

    Notes
    -----
    Profiles are kept as given (duplicates are allowed; :meth:`merged` combines them).
    The product with the highest value, ``i*(v)``, breaks ties towards the lowest
    index (CLW break them "arbitrarily"; every function that uses ``i*`` says so).

    References
    ----------
    CLW, section 2 (model) and Definition 2 (``i*(v)``).

    Examples
    --------
    CLW Example 1: the mean values are ``0.2*10 + 0.4*6 = 4.4`` and
    ``0.2*5 + 0.4*5 + 0.4*3 = 4.2``; the third profile prefers product 2:

    >>> import infopricing as ip
    >>> d = ip.ValueDistribution([[10, 5], [6, 5], [0, 3]], [0.2, 0.4, 0.4])
    >>> d.mean.round(12).tolist(), d.top_product.tolist()
    ([4.4, 4.2], [0, 0, 1])
    """

    __slots__ = ("_values", "_probs", "products", "__dict__")

    def __init__(self, values, probabilities, products=None, normalize: bool = False):
        got = _pandas_labels(values)
        if got is not None and got[1] is not None:   # a DataFrame's columns are the products
            products = got[1] if products is None else products
            values = align_labels(values, "values", columns=products)
        v = real_array(values, "values")
        if v.ndim != 2:
            raise ValueError(f"values must be 2-dimensional (profiles x products), got shape {v.shape}")
        n, m = v.shape
        if n == 0 or m == 0:
            raise ValueError(f"values must have at least one profile and one product, got shape {v.shape}")
        if np.any(v < 0):
            raise ValueError(f"values must be non-negative (v in R_+^m); smallest entry is {float(v.min()):g}")
        self._values = frozen(v)
        self._probs = probability_vector(probabilities, "probabilities", size=n, normalize=normalize)
        self.products = labels(products, m, "p", "products")
        # the exact masses for exact checks (exact_numbers.exact_masses): ints/Fractions as
        # given; with normalize, the numbers given rescaled exactly (the rescaled floats of
        # 1/3, 1/2, 1/6 read back as other rationals, and the exact LPs then failed)
        from ..exact_numbers import exact_array, exact_input

        ex = exact_input(probabilities)
        if ex is None and normalize:
            ex = tuple(exact_array(real_array(probabilities, "probabilities", max_abs=None).ravel()))
        if ex is not None and normalize:
            ex = tuple(q / sum(ex) for q in ex)
        self._exact_probabilities = ex

    # -- constructors ----------------------------------------------------------------
    @classmethod
    def independent(cls, marginal_values, marginal_probabilities, products=None):
        """Product distribution of independent marginals (one list of values and of
        probabilities per product)."""
        if len(marginal_values) != len(marginal_probabilities):
            raise ValueError("marginal_values and marginal_probabilities must have one entry per product")
        if len(marginal_values) == 0:
            raise ValueError("marginal_values must name at least one product")
        vals, probs = [], []
        for i, (mv, mp) in enumerate(zip(marginal_values, marginal_probabilities)):
            a = real_array(mv, f"marginal_values[{i}]", ndim=1)
            p = probability_vector(mp, f"marginal_probabilities[{i}]", size=a.size)
            vals.append(a)
            probs.append(p)
        grid = np.array(list(itertools.product(*vals)), dtype=float)
        pr = np.array([np.prod(c) for c in itertools.product(*probs)], dtype=float)
        return cls(grid, pr, products=products, normalize=True)

    # -- basic shape -------------------------------------------------------------------
    values = stored("_values")
    probabilities = stored("_probs")
    n_profiles = shape_of("_values", 0)
    n_products = shape_of("_values", 1)

    def __repr__(self) -> str:
        return f"ValueDistribution({self.n_profiles} profiles, {self.n_products} products)"

    # -- derived quantities -------------------------------------------------------------
    @cached_property
    def mean(self) -> np.ndarray:
        """Prior mean value of each product, ``E[v_i]``."""
        return frozen(self._probs @ self._values)

    @cached_property
    def top_product(self) -> np.ndarray:
        """``i*(v)`` for each profile (ties to the lowest index)."""
        a = np.argmax(self._values, axis=1)
        a.setflags(write=False)
        return a

    @cached_property
    def max_value(self) -> np.ndarray:
        """``max_i v_i`` for each profile."""
        return frozen(self._values.max(axis=1))

    def merged(self) -> "ValueDistribution":
        """The same distribution with identical profiles combined (order of first
        appearance; zero-probability profiles dropped)."""
        keep = self._probs > 0
        v = self._values[keep]
        p = self._probs[keep]
        uniq, inv = np.unique(v, axis=0, return_inverse=True)
        inv = np.asarray(inv).ravel()
        first = np.full(uniq.shape[0], v.shape[0])
        np.minimum.at(first, inv, np.arange(v.shape[0]))
        order = np.argsort(first)
        pos = np.empty_like(order)
        pos[order] = np.arange(order.size)
        pr = np.zeros(uniq.shape[0])
        np.add.at(pr, pos[inv], p)
        return ValueDistribution(uniq[order], pr, products=self.products, normalize=True)

    def permuted(self, perm) -> "ValueDistribution":
        """Relabel products: product ``j`` of the result is product ``perm[j]`` of self."""
        perm = [int(i) for i in perm]
        if sorted(perm) != list(range(self.n_products)):
            raise ValueError(f"perm must be a permutation of 0..{self.n_products - 1}, got {perm}")
        out = ValueDistribution(self._values[:, perm], self._probs,
                                products=[self.products[i] for i in perm])
        out._exact_probabilities = getattr(self, "_exact_probabilities", None)
        return out


def _check_dist(dist) -> None:
    if not isinstance(dist, ValueDistribution):
        raise TypeError(f"dist must be a ValueDistribution, got {type(dist).__name__}")
