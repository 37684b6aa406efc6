"""Families of markets over an environment's types, for sweeps."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np

from ..model._validate import check_count, check_memory, check_tolerance


def simplex_grid(n: int, steps: int) -> np.ndarray:
    """All markets whose masses are multiples of ``1/steps`` (rows of an (m, n) array,
    ``m = C(steps + n - 1, n - 1)``), vertices and faces of the simplex included.

    References
    ----------
    HS, Figure 1 and section 5 (maps over the market simplex).

    Examples
    --------
    >>> import infopricing as ip
    >>> ip.simplex_grid(2, 2).tolist()
    [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]
    """
    n = check_count(n, "n", 1)
    steps = check_count(steps, "steps", 1)
    m = math.comb(steps + n - 1, n - 1)
    # the rows are built as Python lists first (about 60 + 36 n bytes each), then copied
    check_memory(m * (60.0 + 36.0 * n + 8.0 * n), f"a simplex grid of {m:.4g} markets "
                 f"({n} types, steps {steps})", "steps")
    rows = []
    for bars in combinations(range(steps + n - 1), n - 1):
        b = (-1,) + bars + (steps + n - 1,)
        rows.append([b[i + 1] - b[i] - 1 for i in range(n)])
    return np.asarray(rows, dtype=float) / steps


def random_markets(n: int, m: int, alpha: float = 1.0, seed: int = 0) -> np.ndarray:
    """``m`` markets drawn from the symmetric Dirichlet(``alpha``) distribution (seeded).

    References
    ----------
    No paper result: random markets for sweeps and experiments.

    Examples
    --------
    >>> import infopricing as ip
    >>> f = ip.random_markets(3, 5, seed=1)
    >>> f.shape, bool(abs(f.sum(axis=1) - 1).max() < 1e-12)
    ((5, 3), True)
    """
    n = check_count(n, "n", 1)
    m = check_count(m, "m", 1)
    if check_tolerance(alpha, "alpha") <= 0:
        raise ValueError(f"alpha must be positive, got {alpha!r}")
    check_memory(3 * 8.0 * n * m, f"{m:.4g} random markets of {n} types", "m")
    return np.random.default_rng(seed).dirichlet(np.full(n, float(alpha)), size=m)
