"""Environments and markets of the multi-product monopoly model (HS section 4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .. import tolerances as tol
from ._validate import (_pandas_labels, align_labels, frozen, labels, probability_vector, real_array, shape_of,
                        stored)


class Environment:
    """A finite set of consumer types and alternatives (HS section 4).

    Parameters
    ----------
    valuations : array_like, shape (n, k)
        ``valuations[t, a]`` is type t's value for alternative a (the outside option, of
        value 0, is implicit and not a column). A pandas DataFrame's index and columns
        are the types and alternatives (matched by label to ``types`` / ``alternatives``
        when those are given).
    types, alternatives : sequences of str, optional
        Labels (default ``t1..tn`` and ``a1..ak``); must be unique.
    costs : array_like, shape (k,), optional
        Per-alternative production cost. As HS footnote 5 says, the model then works with
        net values ``valuations - costs`` (which may be negative); payments computed on net
        values are the seller's profit, and :attr:`costs` is kept to report gross prices.

    Attributes
    ----------
    values : ndarray (n, k)
        Net values used by every computation (gross values minus costs).
    gross_values : ndarray (n, k)
    efficient_value : ndarray (n,)
        ``max(0, max_a values[t, a])``: the best a type can get, outside option included.
    efficient_alternatives : tuple of tuples
        For each type the alternatives (indices) attaining its efficient value; an empty
        tuple when the outside option is strictly best (all net values negative).

    References
    ----------
    HS, section 4 and footnote 5.

    Examples
    --------
    >>> import infopricing as ip
    >>> env = ip.Environment([[0.75, 1.0], [1.0, 2.0]], types=["t1", "t2"])
    >>> env.n_types, env.n_alternatives
    (2, 2)
    """

    __slots__ = ("_values", "_gross", "_costs", "types", "alternatives", "__dict__")

    def __init__(self, valuations, types=None, alternatives=None, costs=None):
        got = _pandas_labels(valuations)
        if got is not None:  # a DataFrame's labels are the types and alternatives
            types = got[0] if types is None and got[0] is not None else types
            alternatives = got[1] if alternatives is None and got[1] is not None else alternatives
            valuations = align_labels(valuations, "valuations", rows=types, columns=alternatives)
        if _pandas_labels(costs) is not None:
            costs = align_labels(costs, "costs", rows=alternatives)
        v = real_array(valuations, "valuations")
        if v.ndim == 1:
            raise ValueError("valuations must be a 2-D array (types x alternatives); "
                             "for one alternative pass shape (n, 1)")
        if v.ndim != 2:
            raise ValueError(f"valuations must be 2-dimensional, got shape {v.shape}")
        n, k = v.shape
        if n == 0 or k == 0:
            raise ValueError(f"valuations must have at least one type and one alternative, got shape {v.shape}")
        self.types = labels(types, n, "t", "types")
        self.alternatives = labels(alternatives, k, "a", "alternatives")
        if costs is None:
            c = np.zeros(k)
        else:
            c = real_array(costs, "costs", ndim=1)
            if c.size != k:
                raise ValueError(f"costs must have one entry per alternative ({k}), got {c.size}")
        from ..exact_numbers import exact_input  # exact inputs kept for exact checks (issue 19)

        ev, ec = exact_input(valuations), (None if costs is None else exact_input(costs))
        self._exact_values = (None if ev is None or (costs is not None and ec is None) else
                              tuple(tuple(x - (ec[a] if ec else 0) for a, x in enumerate(r)) for r in ev))
        self._costs = frozen(c)
        self._gross = frozen(v)
        self._values = frozen(v - c[None, :])

    # -- basic shape ---------------------------------------------------------------
    values = stored("_values")
    gross_values = stored("_gross")
    costs = stored("_costs")
    n_types = shape_of("_values", 0)
    n_alternatives = shape_of("_values", 1)

    # -- efficiency ----------------------------------------------------------------
    @cached_property
    def efficient_value(self) -> np.ndarray:
        return frozen(np.maximum(0.0, self._values.max(axis=1)))

    def efficient_alternatives_of(self, t: int, atol: float = tol.EQUAL) -> tuple[int, ...]:
        row = self._values[t]
        atol = atol * tol.value_scale(self._values)  # in the model's units
        best = row.max()
        if best < -atol:
            return ()
        return tuple(int(a) for a in np.flatnonzero(row >= best - atol))

    @cached_property
    def efficient_alternatives(self) -> tuple[tuple[int, ...], ...]:
        return tuple(self.efficient_alternatives_of(t) for t in range(self.n_types))

    @cached_property
    def has_unique_efficient_alternatives(self) -> bool:
        """True when every type has exactly one efficient alternative (HS's assumption).

        A type whose values are all negative (outside option strictly best) counts as
        unique (its efficient allocation is the outside option); a type with best value
        exactly 0 ties with the outside option and is not unique.
        """
        for t in range(self.n_types):
            eff = self.efficient_alternatives_of(t)
            if len(eff) > 1:
                return False
            if len(eff) == 1 and abs(self._values[t, eff[0]]) <= tol.EQUAL:
                return False
        return True

    def efficient_alternative(self, t: int) -> int:
        """The unique efficient alternative of type t (``-1`` = outside option).

        Raises ValueError when it is not unique."""
        eff = self.efficient_alternatives_of(t)
        if len(eff) > 1 or (len(eff) == 1 and abs(self._values[t, eff[0]])
                            <= tol.EQUAL * tol.value_scale(self._values)):
            raise ValueError(f"type {self.types[t]!r} has no unique efficient alternative "
                             f"(values {self._values[t].tolist()}); this construction needs uniqueness")
        return eff[0] if eff else -1

    def efficient_allocation(self) -> np.ndarray:
        """(n, k) 0/1 allocation giving each type its first efficient alternative."""
        x = np.zeros(self._values.shape)
        for t, eff in enumerate(self.efficient_alternatives):
            if eff:
                x[t, eff[0]] = 1.0
        return x

    def index_of_type(self, t) -> int:
        if isinstance(t, (int, np.integer)):
            if not 0 <= int(t) < self.n_types:
                raise ValueError(f"type index {t} out of range 0..{self.n_types - 1}")
            return int(t)
        try:
            return self.types.index(str(t))
        except ValueError:
            raise ValueError(f"unknown type {t!r}; types are {list(self.types)}") from None

    def market(self, probabilities, normalize: bool = False) -> "Market":
        return Market(self, probabilities, normalize=normalize)

    # -- value semantics -----------------------------------------------------------
    def __eq__(self, other) -> bool:
        return (isinstance(other, Environment) and self.types == other.types
                and self.alternatives == other.alternatives
                and np.array_equal(self._gross, other._gross)
                and np.array_equal(self._costs, other._costs))

    def __hash__(self) -> int:
        return hash((self.types, self.alternatives, self._gross.tobytes(), self._costs.tobytes()))

    def __setattr__(self, name, value):
        if name in Environment.__slots__[:4] and hasattr(self, name):
            raise AttributeError("Environment is immutable")
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"Environment(n_types={self.n_types}, n_alternatives={self.n_alternatives})"


@dataclass(frozen=True, eq=False)
class Market:
    """A distribution over an environment's types (HS section 4); zero mass allowed.

    Parameters
    ----------
    env : Environment
    probabilities : array_like (n,)
        Non-negative, summing to 1 within :data:`infopricing.tolerances.PROB_SUM`. A
        pandas Series indexed by type labels is matched to the environment's types.
    normalize : bool
        Rescale positive masses to sum to one instead of rejecting.

    References
    ----------
    HS, section 4 (a market f is a distribution over types).

    Examples
    --------
    >>> import infopricing as ip
    >>> env = ip.Environment([[0.75, 1.0], [1.0, 2.0]])
    >>> ip.Market(env, [1, 3], normalize=True).probabilities.tolist()
    [0.25, 0.75]
    """

    env: Environment
    probabilities: np.ndarray
    normalize: bool = field(default=False, repr=False)

    def __post_init__(self):
        if not isinstance(self.env, Environment):
            raise TypeError(f"env must be an Environment, got {type(self.env).__name__}")
        from ._validate import check_flag

        check_flag(self.normalize, "normalize")  # None too: Market's normalize is a bool
        from ..exact_numbers import exact_input  # exact inputs kept for exact checks (issue 19)

        ex = exact_input(self.probabilities)
        p = probability_vector(self.probabilities, "probabilities", size=self.env.n_types,
                               normalize=self.normalize, labels=self.env.types)
        if self.normalize:
            if ex is None:
                # floats: rescale the exact numbers they stand for, not the rescaled floats
                # (1/3, 1/2, 1/6 as floats sum to 0.9999999999999999; their rescaled floats
                # read back as other rationals and break the market's exact ties)
                from ..exact_numbers import exact_array

                raw = real_array(align_labels(self.probabilities, "probabilities",
                                              rows=self.env.types), "probabilities", max_abs=None)
                ex = tuple(exact_array(raw.ravel()))
            ex = tuple(q / sum(ex) for q in ex)
        object.__setattr__(self, "probabilities", p)
        object.__setattr__(self, "_exact_probabilities", ex)

    @property
    def support(self) -> np.ndarray:
        return np.flatnonzero(self.probabilities > 0)

    def __eq__(self, other):
        return (isinstance(other, Market) and self.env == other.env
                and np.array_equal(self.probabilities, other.probabilities))

    def __hash__(self):
        return hash((self.env, self.probabilities.tobytes()))

    def __repr__(self) -> str:
        inner = ", ".join(f"{t}={p:.4g}" for t, p in zip(self.env.types, self.probabilities))
        return f"Market({inner})"
