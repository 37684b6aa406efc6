"""Information structures over a finite value distribution (CLW section 2, Definition 2)."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from .. import tolerances as tol
from ._validate import frozen, real_array
from .distribution import ValueDistribution, _check_dist

__all__ = ["Signal"]


class Signal:
    """An information structure ``sigma: V -> Delta(S)`` with finitely many signals.

    Parameters
    ----------
    dist : ValueDistribution
    matrix : array_like, shape (n_profiles, n_signals)
        ``matrix[t, s]`` = probability of signal s when the profile is t; rows sum to 1.
    labels : sequence, optional
        One label per signal (strings, or frozensets for coarse horizontal disclosure).

    Attributes
    ----------
    probabilities : ndarray (n_signals,)
        ``r(s)``, the ex-ante probability of each signal.
    posterior_means : ndarray (n_signals, m)
        ``nu(s)``, the buyer's posterior mean values (NaN rows for signals of
        probability zero).

    References
    ----------
    CLW, section 2 ("Information Structures").

    Examples
    --------
    Without information the buyer's posterior mean is the prior mean (CLW Example 1:
    ``(4.4, 4.2)``); full revelation's posteriors are the profiles themselves:

    >>> import infopricing as ip
    >>> d = ip.ValueDistribution([[10, 5], [6, 5], [0, 3]], [0.2, 0.4, 0.4])
    >>> ip.Signal.no_information(d).posterior_means.round(12).tolist()
    [[4.4, 4.2]]
    >>> ip.Signal.full_revelation(d).posterior_means.round(12).tolist()
    [[10.0, 5.0], [6.0, 5.0], [0.0, 3.0]]
    """

    def __init__(self, dist: ValueDistribution, matrix, labels=None):
        _check_dist(dist)
        a = real_array(matrix, "matrix", ndim=2)
        if a.shape[0] != dist.n_profiles:
            raise ValueError(f"matrix must have one row per profile ({dist.n_profiles}), got {a.shape[0]}")
        if a.shape[1] == 0:
            raise ValueError("matrix must have at least one signal column")
        if np.any(a < -tol.FEAS):
            raise ValueError(f"matrix must be non-negative; smallest entry is {float(a.min()):g}")
        a = np.maximum(a, 0.0)
        rows = a.sum(axis=1)
        bad = np.flatnonzero(np.abs(rows - 1.0) > tol.PROB_SUM * max(1, a.shape[1]) + tol.FEAS)
        if bad.size:
            raise ValueError(f"matrix rows must sum to 1 (row {int(bad[0])} sums to {float(rows[bad[0]]):.12g})")
        a = a / rows[:, None]
        self.dist = dist
        self.matrix = frozen(a)
        if labels is None:
            labels = tuple(f"s{j + 1}" for j in range(a.shape[1]))
        labels = tuple(labels)
        if len(labels) != a.shape[1]:
            raise ValueError(f"labels must have one entry per signal ({a.shape[1]}), got {len(labels)}")
        self.labels = labels

    @property
    def n_signals(self) -> int:
        return self.matrix.shape[1]

    @cached_property
    def joint(self) -> np.ndarray:
        """``joint[t, s] = f(t) sigma(s | t)``."""
        return frozen(self.dist.probabilities[:, None] * self.matrix)

    @cached_property
    def probabilities(self) -> np.ndarray:
        return frozen(self.joint.sum(axis=0))

    @cached_property
    def posterior_means(self) -> np.ndarray:
        r = self.probabilities
        num = self.joint.T @ self.dist.values
        out = np.full(num.shape, np.nan)
        pos = r > 0
        out[pos] = num[pos] / r[pos, None]
        return frozen(out)

    def __repr__(self) -> str:
        return f"Signal({self.n_signals} signals over {self.dist.n_profiles} profiles)"

    # -- standard structures -------------------------------------------------------------
    @classmethod
    def no_information(cls, dist: ValueDistribution) -> "Signal":
        """The uninformative structure (one signal)."""
        _check_dist(dist)
        return cls(dist, np.ones((dist.n_profiles, 1)), labels=("no information",))

    @classmethod
    def full_revelation(cls, dist: ValueDistribution) -> "Signal":
        """Reveal the profile (one signal per profile)."""
        _check_dist(dist)
        return cls(dist, np.eye(dist.n_profiles), labels=tuple(f"v{t + 1}" for t in range(dist.n_profiles)))

    def bayes_plausibility_error(self) -> float:
        """``max |sum_s r(s) nu(s) - E[v]|`` (zero up to rounding for any valid structure)."""
        r = self.probabilities
        pos = r > 0
        avg = r[pos] @ self.posterior_means[pos]
        return float(np.max(np.abs(avg - self.dist.mean))) if pos.any() else float("inf")
