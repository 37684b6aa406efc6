"""The value distributions of CLW's examples, as named instances with their source."""

from __future__ import annotations

import numpy as np

from .distribution import ValueDistribution


def clw_example1() -> ValueDistribution:
    """CLW, Example 1: (10,5) w.p. 0.2, (6,5) w.p. 0.4, (0,3) w.p. 0.4."""
    return ValueDistribution([[10, 5], [6, 5], [0, 3]], [0.2, 0.4, 0.4])


def clw_example2() -> ValueDistribution:
    """CLW, Example 2 / Appendix A.6: (0,20,9) and (4,0,5), each w.p. 1/2."""
    return ValueDistribution([[0, 20, 9], [4, 0, 5]], [0.5, 0.5])


def clw_example3(n: int, eps: float) -> ValueDistribution:
    """CLW, Example 3: ``((1/eps)^i cos(i pi / 2n), (1/eps)^i sin(i pi / 2n))`` w.p.
    ``(eps^i - eps^(i+1)) / (1 - eps^(n+1))``, i = 0..n.

    Built exactly where the paper is exact: the sine at i = 0 and the cosine at i = n are
    0, and for even n the 45-degree point i = n/2 has two equal coordinates (an exact tie
    between the products, so the distribution is not generic; float cos and sin differ
    there in the last bit).
    """
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps!r}")
    i = np.arange(n + 1)
    ang = i * np.pi / (2 * n)
    rad = (1.0 / eps) ** i
    v = np.stack([rad * np.cos(ang), rad * np.sin(ang)], axis=1)
    v[0, 1] = 0.0
    v[-1, 0] = 0.0
    if n % 2 == 0:
        v[n // 2, :] = rad[n // 2] * np.sqrt(0.5)
    p = (eps ** i - eps ** (i + 1)) / (1 - eps ** (n + 1))
    return ValueDistribution(v, p, normalize=True)


def clw_example4(eps: float) -> ValueDistribution:
    """CLW, Example 4: (0,1) w.p. 1-eps, (1/eps, 1) w.p. eps."""
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps!r}")
    return ValueDistribution([[0, 1], [1 / eps, 1]], [1 - eps, eps])


def clw_lemma2(eps: float) -> ValueDistribution:
    """CLW, Lemma 2: (1,0) w.p. 1-eps, (1/eps, 2/eps) w.p. eps."""
    if not 0 < eps < 1:
        raise ValueError(f"eps must lie in (0, 1), got {eps!r}")
    return ValueDistribution([[1, 0], [1 / eps, 2 / eps]], [1 - eps, eps])


def clw_b1(n: int, eps: float) -> ValueDistribution:
    """CLW, Appendix B.1: n products, profile i (i = 1..n) w.p. ``1 / (2^i (1 - 2^-n))``
    with value ``2^i`` for every product except ``2^i + eps`` for product i."""
    if not (isinstance(n, (int, np.integer)) and n >= 2):
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    i = np.arange(1, n + 1)
    v = np.repeat((2.0 ** i)[:, None], n, axis=1) + eps * np.eye(n)
    p = 1.0 / (2.0 ** i * (1 - 2.0 ** -n))
    return ValueDistribution(v, p, normalize=True)


def clw_b2() -> ValueDistribution:
    """CLW, Appendix B.2: (5,4) and (9,10), each w.p. 1/2."""
    return ValueDistribution([[5, 4], [9, 10]], [0.5, 0.5])


def equal_revenue(H: float, points: int) -> ValueDistribution:
    """A discrete equal-revenue distribution on ``[1, H]`` (CLW section 4.2 warm-up).

    Values ``x_k = H^(k/(points-1))``, ``Pr[v >= x_k] = 1/x_k`` exactly (so every posted
    price on the support earns 1 from a fully informed buyer); as ``points`` grows it
    converges to ``F(v) = 1 - 1/v`` on ``[1, H)`` with an atom ``1/H`` at H, and
    ``E[v] = 1 + (points-1)(1 - H^(-1/(points-1))) -> 1 + ln H``.
    """
    if H <= 1:
        raise ValueError(f"H must exceed 1, got {H!r}")
    if points < 2:
        raise ValueError(f"points must be at least 2, got {points!r}")
    x = H ** (np.arange(points) / (points - 1))
    surv = 1.0 / x
    p = surv - np.append(surv[1:], 0.0)
    return ValueDistribution(x[:, None], p, normalize=True)


def negatively_affiliated_three_products() -> ValueDistribution:
    """A negatively affiliated, generic three-product distribution where Lemma 1 fails.

    A Markov chain ``v1 -> v2 -> v3`` on ``{1,6} x {2,3} x {4,5}`` with negative links:
    ``Pr[v1 = 6] = 1/2``, ``Pr[v2 = 3 | v1 = 1] = Pr[v2 = 2 | v1 = 6] = 0.9``,
    ``Pr[v3 = 5 | v2 = 2] = Pr[v3 = 4 | v2 = 3] = 0.9``. Each link's log-probability has
    a negative cross difference, so the pmf is log-submodular (CLW Definition 3), but v1 and
    v3 are *positively* dependent through v2: product 1 is best exactly when v1 = 6, and
    ``E[v3 | i* = 3] = 4 + 2(0.9)(0.1) = 4.18 < E[v3 | i* = 1] = 4 + 0.1^2 + 0.9^2 = 4.82``.
    (Not in the paper: found by this library's search; see the claim CLW-prop2-three-products.)
    """
    p2 = {1: {2: 0.1, 3: 0.9}, 6: {2: 0.9, 3: 0.1}}
    p3 = {2: {4: 0.1, 5: 0.9}, 3: {4: 0.9, 5: 0.1}}
    vals, probs = [], []
    for v1 in (1, 6):
        for v2 in (2, 3):
            for v3 in (4, 5):
                vals.append([v1, v2, v3])
                probs.append(0.5 * p2[v1][v2] * p3[v2][v3])
    return ValueDistribution(vals, probs)


CATALOG = {
    "example1": clw_example1,
    "example2": clw_example2,
    "example4": lambda: clw_example4(0.1),
    "lemma2": lambda: clw_lemma2(0.1),
    "b2": clw_b2,
    "negatively-affiliated-3": negatively_affiliated_three_products,
}
