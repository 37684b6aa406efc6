"""The alternative utility models of CLW Appendix B.3 (realised maximum) and B.4 (additive).

Menus here offer deterministic bundles (0/1 vectors over products) at prices.

* ``"realized-max"`` (B.3): the buyer enjoys the largest *realised* value among the
  products he receives, ``u = E[max_{i in bundle} v_i | s] - price``.
* ``"additive"`` (B.4): ``u = sum_{i in bundle} nu_i(s) - price``.

Ties go to the seller (highest price, then lowest bundle index).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .. import tolerances as tol
from ..model._validate import frozen, real_array
from ..screening import Verification
from .distribution import ValueDistribution, _check_dist
from .signals import Signal
from ..verify.protocol import Result, no_exact

MODELS = ("realized-max", "additive")


def _bundle_values(dist, signal, bundles, model):
    """(n_signals, n_bundles) expected value of each bundle after each signal."""
    joint = signal.joint
    r = signal.probabilities
    safe = np.where(r > 0, r, 1.0)
    if model == "additive":
        per_profile = dist.values @ bundles.T
    else:
        per_profile = np.stack([np.where(b > 0, dist.values, 0.0).max(axis=1) if b.any()
                                else np.zeros(dist.n_profiles) for b in bundles], axis=1)
    return (joint.T @ per_profile) / safe[:, None], per_profile


@dataclass(frozen=True, repr=False)
class AlternativeOutcome(Result):
    """Buyer choices and revenue of a bundle menu under an alternative utility model.

    Attributes
    ----------
    model : str
    signal : Signal
    bundles : ndarray (B, m) of 0/1
    prices : ndarray (B,)
    choice : ndarray (n_signals,) of int (-1 = nothing)
    revenue, welfare : float

    References
    ----------
    CLW, Appendix B.3 and B.4.
    """

    model: str
    signal: Signal
    bundles: np.ndarray
    prices: np.ndarray
    choice: np.ndarray
    revenue: float
    welfare: float

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Each chosen bundle is a best response with non-negative utility (recomputed
        profile by profile), and revenue is the expected price paid."""
        no_exact(self, exact)
        d = self.signal.dist
        val, per_profile = _bundle_values(d, self.signal, self.bundles, self.model)
        r = self.signal.probabilities
        fails = []
        scale = max(1.0, float(d.values.max()) * max(1, d.n_products))
        worst = 0.0
        for s in np.flatnonzero(r > 0):
            u = val[s] - self.prices
            c = self.choice[s]
            uc = 0.0 if c < 0 else u[c]
            gain = max(0.0, float(u.max()) - uc, -uc)
            worst = max(worst, gain / scale)
            if gain > atol * scale:
                fails.append(f"signal {s}: chosen bundle is not a best response (gain {gain:.3g})")
        pay = np.where(self.choice >= 0, self.prices[np.maximum(self.choice, 0)], 0.0)
        if abs(float(r @ pay) - self.revenue) > atol * scale:
            fails.append("revenue does not equal the expected payment")
        return Verification(ok=not fails, failures=tuple(fails), max_violation=worst)


def evaluate_bundles(dist: ValueDistribution, signal, bundles, prices, model: str = "realized-max",
                     atol: float = tol.EQUAL) -> AlternativeOutcome:
    """Evaluate a deterministic bundle menu under CLW's alternative utility models.

    Parameters
    ----------
    dist : ValueDistribution
    signal : Signal or array_like (n_profiles, n_signals)
    bundles : array_like (B, m) of 0/1
    prices : array_like (B,), non-negative
    model : {"realized-max", "additive"}

    References
    ----------
    CLW, Appendix B.3 (realised maximum) and B.4 (additive values).
    """
    _check_dist(dist)
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    if not isinstance(signal, Signal):
        signal = Signal(dist, signal)
    b = real_array(bundles, "bundles", ndim=2)
    if b.shape[1] != dist.n_products or not np.all((b == 0) | (b == 1)):
        raise ValueError(f"bundles must be 0/1 rows over the {dist.n_products} products")
    p = real_array(prices, "prices", ndim=1)
    if p.size != b.shape[0] or np.any(p < 0):
        raise ValueError("prices must be non-negative, one per bundle")
    val, per_profile = _bundle_values(dist, signal, b, model)
    r = signal.probabilities
    choice = np.full(signal.n_signals, -1, dtype=int)
    for s in np.flatnonzero(r > 0):
        u = val[s] - p
        best = max(0.0, float(u.max()))
        cand = np.flatnonzero(u >= best - atol * max(1.0, abs(best)))
        if cand.size:
            choice[s] = int(cand[np.lexsort((cand, -p[cand]))[0]])
    pay = np.where(choice >= 0, p[np.maximum(choice, 0)], 0.0)
    wel_s = np.where(choice >= 0, val[np.arange(signal.n_signals), np.maximum(choice, 0)], 0.0)
    live = r > 0
    choice.setflags(write=False)
    return AlternativeOutcome(model=model, signal=signal, bundles=frozen(b), prices=frozen(p), choice=choice,
                              revenue=float(r @ pay), welfare=float(r[live] @ wel_s[live]))


def additive_price_menu(prices):
    """All bundles of an additive price vector (bundle price = sum of item prices)."""
    p = real_array(prices, "prices", ndim=1)
    bundles = np.array(list(itertools.product((0, 1), repeat=p.size)), dtype=float)
    return bundles, bundles @ p


def bundle_everything_no_information(dist: ValueDistribution) -> AlternativeOutcome:
    """B.3: no information, every product in one bundle at ``E[max_i v_i]``."""
    _check_dist(dist)
    return evaluate_bundles(dist, Signal.no_information(dist), np.ones((1, dist.n_products)),
                            [float(dist.probabilities @ dist.max_value)], model="realized-max")


def additive_prior_mean_pricing(dist: ValueDistribution) -> AlternativeOutcome:
    """B.4: no information, each product at its prior mean (additive values)."""
    _check_dist(dist)
    bundles, prices = additive_price_menu(dist.mean)
    return evaluate_bundles(dist, Signal.no_information(dist), bundles, prices, model="additive")
