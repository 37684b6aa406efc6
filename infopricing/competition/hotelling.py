"""The Hotelling duopoly of BBM25 Section III.C: consumer-optimal information.

Two producers with zero cost, values ``v_1 + v_2 = v-bar``, residual ``r = v_1 - v_2``
with a symmetric prior ``F`` on ``[-v-bar, v-bar]``. Theorem 3: consumer surplus is
maximised by an interim residual distribution in the two-sided truncated Pareto family
``G_b^B`` (producers learn who is interim efficient; the efficient one prices at ``b``)
that is a mean-preserving contraction of ``F``. This module gives the family's closed
forms, the optimal ``(b, B)`` for any symmetric prior (stop-loss check of the
contraction), the same problem as a linear program over all symmetric contractions on
a grid (a cross-check: it cannot beat the family), and the Armstrong & Zhou (2022)
benchmark in which producers learn nothing and play a symmetric pure equilibrium.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

from .. import tolerances as tol
from ..errors import SolverError
from ..lp import Status, solve_lp
from ..information.mpc import integrated_cdf
from ..information.prior import Prior
from ..model._validate import check_count, check_tolerance, frozen, probability_vector, real_array
from ..verify import Checker, Verification
from ..verify.protocol import Result, no_exact, records_params, renamed_keywords, PER_TYPE, deprecated_alias


def minimize_scalar(*args, **kwargs):  # scipy.optimize loads on first use (import time)
    from scipy.optimize import minimize_scalar as _minimize_scalar
    return _minimize_scalar(*args, **kwargs)


__all__ = ["TwoSidedPareto", "SymmetricPrior", "HotellingOptimum", "hotelling_optimum",
           "hotelling_lp", "HotellingLP", "armstrong_zhou", "ArmstrongZhou"]


# ---------------------------------------------------------------------------------------
# the prior of the residual
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class SymmetricPrior:
    """A symmetric distribution of the residual ``r`` on ``[-v-bar, v-bar]``.

    Build with :meth:`of`: a ``(values, probabilities)`` pair or an
    :class:`infopricing.information.Prior` (finite), or a frozen continuous
    ``scipy.stats`` distribution with bounded support symmetric about 0. This adds the
    symmetry check, ``v-bar`` and the stop-loss function to the information package's
    :class:`~infopricing.information.Prior`, which it uses for validation and
    discretisation.

    Attributes
    ----------
    values, probabilities : ndarray or None
        Finite prior (support increasing).
    dist : frozen scipy distribution or None
    vbar : float
        Bound of the support (``max |r|``, or as given).

    References
    ----------
    BBM25, section III, Theorem 3 (Hotelling).

    Examples
    --------
    >>> import infopricing as ip
    >>> p = ip.SymmetricPrior.of(([-1, 1], [0.5, 0.5]))    # BBM25 Example 4's residual
    >>> p.vbar, p.values.tolist()
    (1.0, [-1.0, 1.0])
    """

    values: np.ndarray | None
    probabilities: np.ndarray | None
    dist: object
    vbar: float
    _t: np.ndarray = field(default=None, repr=False)
    _sl: np.ndarray = field(default=None, repr=False)

    @classmethod
    def of(cls, prior, vbar=None, atol: float = tol.FEAS) -> "SymmetricPrior":
        if isinstance(prior, SymmetricPrior):
            return prior
        if isinstance(prior, Prior):
            prior = (prior.values, prior.probabilities)
        if hasattr(prior, "dist") and hasattr(prior, "cdf"):
            import scipy.stats as st
            if not isinstance(prior.dist, st.rv_continuous):
                raise TypeError("prior must be a frozen continuous scipy.stats distribution")
            lo, hi = (float(x) for x in prior.support())
            if not (np.isfinite(lo) and np.isfinite(hi)):
                raise ValueError(f"prior must have bounded support, got [{lo}, {hi}]")
            x = np.linspace(0, max(abs(lo), abs(hi)), 41)
            if abs(lo + hi) > atol or np.max(np.abs(prior.cdf(-x) - prior.sf(x))) > atol:
                raise ValueError("prior must be symmetric about 0 (F(-r) = 1 - F(r)); "
                                 f"support is [{lo:g}, {hi:g}]")
            vb = _vbar(vbar, hi)
            t = np.linspace(0.0, vb, 8001)
            sf = prior.sf(t)
            # stop-loss E(r - t)^+ = int_t^vbar sf, by Simpson on the fine grid
            h = t[1] - t[0]
            seg = h / 6.0 * (sf[:-1] + 4 * prior.sf(0.5 * (t[1:] + t[:-1])) + sf[1:])
            sl = np.r_[np.cumsum(seg[::-1])[::-1], 0.0]
            return cls(None, None, prior, vb, frozen(t), frozen(sl))
        if isinstance(prior, tuple) and len(prior) == 2:
            v = real_array(prior[0], "prior values", ndim=1)
            p = probability_vector(prior[1], "prior probabilities", size=v.size)
            order = np.argsort(v, kind="stable")
            fin = Prior(v[order], p[order])          # finite, strictly increasing, sums to 1
            keep = fin.probabilities > 0
            v, p = fin.values[keep], fin.probabilities[keep]
            mirrored = np.array([p[np.argmin(np.abs(v + x))] if np.min(np.abs(v + x)) <= atol
                                 else np.nan for x in v])
            if np.any(np.isnan(mirrored)) or np.max(np.abs(mirrored - p)) > atol:
                raise ValueError("prior must be symmetric about 0: every support point r needs "
                                 "-r with the same probability")
            return cls(frozen(v), frozen(p), None, _vbar(vbar, float(np.max(np.abs(v)))))
        raise TypeError("prior must be a (values, probabilities) pair or a frozen continuous "
                        "scipy.stats distribution such as scipy.stats.uniform(-1, 2)")

    @property
    def is_finite(self) -> bool:
        return self.values is not None

    def stop_loss(self, t) -> np.ndarray:
        """``E_F (r - t)^+``."""
        t = np.asarray(t, dtype=float)
        if self.is_finite:
            # E(r - t)^+ = E(t - r)^+ + E r - t (E r = 0 by symmetry, kept for rounding)
            out = integrated_cdf(self.values, self.probabilities, np.atleast_1d(t)) \
                + float(self.values @ self.probabilities) - np.atleast_1d(t)
            out = np.maximum(out, 0.0)
            return out if t.ndim else float(out[0])
        return np.interp(t, self._t, self._sl, left=np.nan, right=0.0)

    @property
    def r_max(self) -> float:
        """``max |r|`` over the support (``vbar`` may be larger)."""
        if self.is_finite:
            return float(np.max(np.abs(self.values)))
        return float(max(abs(x) for x in self.dist.support()))

    @property
    def mean_abs(self) -> float:
        """``E_F |r|`` (twice the stop-loss at 0, by symmetry)."""
        return 2.0 * float(self.stop_loss(0.0))

    def kinks(self) -> np.ndarray:
        """Non-negative points where the stop-loss function can bend (finite prior)."""
        if self.is_finite:
            return self.values[self.values >= 0]
        return self._t

    def discretized(self, size: int = 200):
        """A finite symmetric prior that is a contraction of this one: ``2 size`` equal
        cells of the support, each cell's mass at its conditional mean
        (:meth:`infopricing.information.Prior.from_distribution`), symmetrised exactly."""
        if self.is_finite:
            return self
        pr = Prior.from_distribution(self.dist, size=2 * int(size))
        v = 0.5 * (pr.values - pr.values[::-1])
        p = 0.5 * (pr.probabilities + pr.probabilities[::-1])
        keep = p > 0
        return SymmetricPrior.of((v[keep], p[keep] / p[keep].sum()), vbar=self.vbar)

    def describe(self) -> str:
        if self.is_finite:
            return "finite: " + ", ".join(f"{v:g}:{p:.4g}" for v, p in zip(self.values, self.probabilities))
        name = getattr(self.dist.dist, "name", "distribution")
        lo, hi = self.dist.support()
        return f"{name} on [{lo:g}, {hi:g}]"


def _vbar(vbar, smax) -> float:
    if vbar is None:
        return float(smax)
    vb = float(vbar)
    if not np.isfinite(vb) or vb < smax - tol.FEAS:
        raise ValueError(f"vbar must be at least max |r| = {smax:g}, got {vbar!r}")
    return vb


# ---------------------------------------------------------------------------------------
# the G_b^B family
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TwoSidedPareto:
    """The two-sided truncated Pareto distribution ``G_b^B`` (``0 < b <= B``).

    ``G(r) = -b/(2r)`` on ``(-B, -b]``, ``1/2`` on ``(-b, b]``, ``1 - b/(2r)`` on
    ``(b, B]``; atoms ``b/(2B)`` at ``+-B``.

    References
    ----------
    BBM25, Section III.C (definition of ``G_b^B``), Theorem 3.
    """

    b: float
    B: float

    def __post_init__(self):
        if not (np.isfinite(self.b) and np.isfinite(self.B)) or not 0 < self.b <= self.B:
            raise ValueError(f"need 0 < b <= B, got b={self.b!r}, B={self.B!r}")

    def cdf(self, r):
        r = np.asarray(r, dtype=float)
        b, B = self.b, self.B
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.select([r < -B, r < -b, r < b, r < B], [0.0, -b / (2 * r), 0.5, 1 - b / (2 * r)], 1.0)

    def density(self, r):
        """Density of the continuous part, ``b / (2 r^2)`` for ``b < |r| < B``."""
        r = np.asarray(r, dtype=float)
        a = np.abs(r)
        with np.errstate(divide="ignore"):
            return np.where((a > self.b) & (a < self.B), self.b / (2 * r * r), 0.0)

    @property
    def atom(self) -> float:
        """Mass at each of ``+B`` and ``-B``."""
        return self.b / (2 * self.B)

    def stop_loss(self, t):
        """``E_G (r - t)^+`` for ``t >= 0``."""
        t = np.asarray(t, dtype=float)
        b, B = self.b, self.B
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.select([t <= b, t <= B],
                             [(b - t) / 2 + 0.5 * b * np.log(B / b), 0.5 * b * np.log(B / np.maximum(t, b))],
                             0.0)

    @property
    def mean_abs(self) -> float:
        """``E|r| = b (1 + ln(B/b))``."""
        return self.b * (1.0 + np.log(self.B / self.b))

    def producer_surplus(self) -> float:
        """Sum of the two producers' surplus, ``b`` (each earns ``b/2``)."""
        return self.b

    def total_surplus(self, vbar: float) -> float:
        """``v-bar/2 + E|r|/2`` (BBM25 equation (3))."""
        return 0.5 * vbar + 0.5 * self.mean_abs

    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)

    def expected_consumer_surplus(self, vbar: float) -> float:
        """``v-bar/2 + (b/2)(ln(B/b) - 1)``."""
        return self.total_surplus(vbar) - self.b


def _max_violation(prior: SymmetricPrior, g: TwoSidedPareto) -> float:
    """``max_{t >= 0} E_G (r - t)^+ - E_F (r - t)^+`` (contraction iff <= 0)."""
    if prior.is_finite:
        t = np.unique(np.r_[0.0, g.b, g.B, prior.kinks()])
    else:
        t = np.unique(np.r_[np.linspace(0.0, g.B, 301), g.b, g.B])
        t = t[t <= prior.vbar]
        d = g.stop_loss(t) - prior.stop_loss(t)
        j = int(np.argmax(d))
        # refine around the worst coarse point
        fine = np.linspace(t[max(j - 1, 0)], t[min(j + 1, t.size - 1)], 201)
        return float(max(d[j], np.max(g.stop_loss(fine) - prior.stop_loss(fine))))
    return float(np.max(g.stop_loss(t) - prior.stop_loss(t)))


@dataclass(frozen=True, repr=False)
class HotellingOptimum(Result):
    """Consumer-optimal ``G_b^B`` for a symmetric Hotelling prior (BBM25 Theorem 3).

    Attributes
    ----------
    b, B : float
        Optimal bounds: the efficient producer's price ``b``; the top of the support ``B``.
    expected_consumer_surplus, total_surplus, producer_surplus : float
    efficient_surplus : float
        ``v-bar/2 + E_F|r|/2`` (consumer fully informed, efficient allocation).
    vbar : float
    prior : SymmetricPrior
    max_violation : float
        Largest stop-loss excess of ``G_b^B`` over ``F`` (<= 0 up to tolerance).

    References
    ----------
    BBM25, section III, Theorem 3.

    Examples
    --------
    BBM25 Example 4: B = 1, b = e^-2, consumer surplus (1 + e^-2) / 2 = 0.57 and total
    surplus (1 + 3 e^-2) / 2 = 0.70 (the paper's numbers):

    >>> import infopricing as ip
    >>> h = ip.hotelling_optimum(([-1, 1], [0.5, 0.5]))
    >>> round(float(h.b), 4), round(float(h.expected_consumer_surplus), 4), round(float(h.total_surplus), 4)
    (0.1353, 0.5677, 0.703)
    """

    b: float
    B: float
    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    total_surplus: float
    producer_surplus: float
    efficient_surplus: float
    vbar: float
    prior: SymmetricPrior
    max_violation: float

    @property
    def distribution(self) -> TwoSidedPareto:
        return TwoSidedPareto(self.b, self.B)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check: contraction (stop-loss), welfare by numerical integration of the
        density and atoms (not the closed forms), the efficient producer's indifference
        on ``[b, B]`` and optimality of ``b``, and local optimality in ``b``.

        Returns
        -------
        Verification
            The integration-based checks use ``1e3 * atol`` (quadrature error); their
            violations are pooled into ``max_violation`` with the others.
        """
        no_exact(self, exact)
        from scipy.integrate import quad
        g = self.distribution
        ck = Checker()
        ck.check("contraction", _max_violation(self.prior, g), atol,
                 "G_b^B is not a mean-preserving contraction of the prior")
        cont = quad(lambda r: r * g.density(r), self.b, self.B, limit=200)[0]
        mean_abs = 2 * (cont + self.B * g.atom)
        ts = 0.5 * self.vbar + 0.5 * mean_abs
        ck.check("total surplus", abs(ts - self.total_surplus), 1e3 * atol,
                 f"total surplus {self.total_surplus} != integrated {ts}")
        p = np.linspace(1e-9, self.vbar, 4001)
        p = np.unique(np.r_[p, self.b, self.B])
        demand = 1.0 - g.cdf(p - 1e-15)          # P(r >= p), with G's atoms counted
        rev = p * demand
        ck.check("b optimal", rev.max() - self.b / 2, atol,
                 "a price beats b for the efficient producer")
        on = (p >= self.b) & (p <= self.B)
        ck.check("indifference on [b, B]", np.max(np.abs(rev[on] - self.b / 2), initial=0.0),
                 1e3 * atol, "efficient producer not indifferent on [b, B]")
        ck.check("CS = TS - PS", abs(self.expected_consumer_surplus - (ts - self.b)), 1e3 * atol)
        for db in (-1e-3, 1e-3):
            bb = self.b * (1 + db)
            BB = _best_B(self.prior, bb)
            if BB is not None:
                ck.check("local optimality in b",
                         TwoSidedPareto(bb, BB).expected_consumer_surplus(self.vbar) - self.expected_consumer_surplus,
                         atol, f"perturbing b to {bb:.6g} raises consumer surplus")
        return ck.report()

    def as_dict(self) -> dict:
        return {"b": self.b, "B": self.B, "expected_consumer_surplus": self.expected_consumer_surplus,
                "total_surplus": self.total_surplus, "producer_surplus": self.producer_surplus,
                "efficient_surplus": self.efficient_surplus, "vbar": self.vbar,
                "prior": self.prior.describe(), "max_violation": self.max_violation}


def _best_B(prior: SymmetricPrior, b: float, atol: float = tol.FEAS):
    """Largest ``B`` in ``[b, max |r|]`` with ``G_b^B`` a contraction of the prior (or None).

    A contraction lives on the prior's support, so ``B <= max |r|`` even when ``v-bar`` is
    larger (the bisection up to ``v-bar`` stopped up to the tolerance above ``max |r|``)."""
    top = prior.r_max
    if b <= 0 or b > top or _max_violation(prior, TwoSidedPareto(b, b)) > atol:
        return None
    if _max_violation(prior, TwoSidedPareto(b, top)) <= atol:
        return top
    lo, hi = b, top
    for _ in range(45):
        mid = 0.5 * (lo + hi)
        if _max_violation(prior, TwoSidedPareto(b, mid)) <= atol:
            lo = mid
        else:
            hi = mid
    return lo


@renamed_keywords(grid="size")
@records_params("vbar", "size")
def hotelling_optimum(prior, vbar=None, size: int = 60) -> HotellingOptimum:
    """Consumer-surplus-maximising ``(b, B)`` for the Hotelling duopoly.

    Parameters
    ----------
    prior : (values, probabilities) or frozen scipy.stats distribution
        Symmetric prior of the residual ``r = v_1 - v_2`` on ``[-v-bar, v-bar]``.
    vbar : float, optional
        ``v_1 + v_2``; defaults to ``max |r|`` in the support.
    size : int
        Number of ``b`` values scanned before a bounded local refinement (at least 5).
    grid : int, optional
        Deprecated name of ``size`` (a count is ``size``; ``grid`` is an array elsewhere).

    Returns
    -------
    HotellingOptimum

    Notes
    -----
    For each ``b`` the largest feasible ``B`` is found by bisection (feasibility is
    monotone in ``B`` since the stop-loss of ``G_b^B`` increases with ``B``; consumer
    surplus increases with ``B``), then consumer surplus is maximised over ``b`` on a
    grid and refined with a bounded scalar search around the best grid point.

    References
    ----------
    BBM25, Theorem 3 and Appendix A3; Example 4.

    Examples
    --------
    >>> import math
    >>> import infopricing as ip
    >>> h = ip.hotelling_optimum(([-1, 1], [0.5, 0.5]))   # BBM25 Example 4
    >>> abs(h.b - math.exp(-2)) < 1e-6, round(h.B, 4)
    (True, 1.0)
    """
    P = SymmetricPrior.of(prior, vbar)
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 5:
        raise ValueError(f"size must be an integer >= 5, got {size!r}")
    bmax = min(P.mean_abs, P.vbar)
    if bmax <= 0:
        raise ValueError("prior puts all mass at r = 0: there is nothing to learn")

    def cs(b):
        B = _best_B(P, b)
        return -np.inf if B is None else TwoSidedPareto(b, B).expected_consumer_surplus(P.vbar)

    bs = bmax * np.linspace(1e-4, 1.0, size)
    vals = np.array([cs(b) for b in bs])
    j = int(np.argmax(vals))
    lo, hi = bs[max(j - 1, 0)], bs[min(j + 1, size - 1)]
    res = minimize_scalar(lambda b: -cs(b), bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-10 * max(1.0, bmax)})
    b = float(res.x) if -res.fun >= vals[j] else float(bs[j])
    B = _best_B(P, b)
    g = TwoSidedPareto(b, B)
    return HotellingOptimum(b, float(B), g.expected_consumer_surplus(P.vbar), g.total_surplus(P.vbar),
                            g.producer_surplus(), 0.5 * P.vbar + 0.5 * P.mean_abs, P.vbar, P,
                            _max_violation(P, g))


# ---------------------------------------------------------------------------------------
# LP over all symmetric contractions on a grid
# ---------------------------------------------------------------------------------------
def _abs_grid(P: SymmetricPrior, size: int) -> np.ndarray:
    return np.unique(np.r_[np.linspace(0.0, P.vbar, size), np.abs(P.values)])


def _stop_loss_rows(y: np.ndarray, t: np.ndarray):
    """Rows ``E_G (r - t)^+ = sum_j h_j (y_j - t)^+ / 2`` for a symmetric ``G`` whose
    ``|r|`` has masses ``h`` on ``y`` (the mass at ``y = 0`` contributes nothing)."""
    return 0.5 * np.maximum(y[None, :] - t[:, None], 0.0)


@dataclass(frozen=True, repr=False)
class HotellingLP(Result):
    """Consumer-optimal symmetric contraction on a grid (BBM25 Theorem 3 cross-check).

    Attributes
    ----------
    expected_consumer_surplus, total_surplus, producer_surplus : float
    support : ndarray
        Grid of ``|r|`` values.
    masses : ndarray
        Optimal distribution of ``|r|`` (``r = +-y`` with half each).
    status : Status
    prior : SymmetricPrior
        The (discretised) prior used; a contraction of the given one.

    References
    ----------
    BBM25, section III, Theorem 3 (a grid cross-check).

    Examples
    --------
    >>> import infopricing as ip
    >>> h = ip.hotelling_lp(([-1, 1], [0.5, 0.5]), size=81, cells=40)   # BBM25 Example 4
    >>> round(float(h.masses.sum()), 4), h.support.size
    (1.0, 81)
    """

    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    total_surplus: float
    producer_surplus: float
    support: np.ndarray
    masses: np.ndarray
    status: Status
    prior: SymmetricPrior
    #: the LP as solved (for ``verify(exact=True)`` and ``exact_certificate()``)
    lp_record: object = field(default=None, repr=False, compare=False)

    def exact_certificate(self, backend: str = "auto"):
        """Exact optimality certificate of the grid LP (variables h on ``support`` then t;
        objective ``sum h_j y_j / 2 - 2 t``, the consumer surplus less ``v-bar / 2``), for
        ``infopricing/verify/check_certificate.py``."""
        from ..verify.exact_lp import export_certificate

        from fractions import Fraction

        vbar = lambda obj, problem: Fraction(*problem["support"][-1])  # the grid ends at v-bar
        return export_certificate(
            self.lp_record, "BBM25 Hotelling grid LP", {"variables": "h[j] at j, then t at len(support)"},
            backend=backend,
            reported={"expected_consumer_surplus": self.expected_consumer_surplus, "vbar": self.prior.vbar},
            claims={"vbar": vbar,   # consumer surplus = v-bar / 2 + the LP's objective
                    "expected_consumer_surplus": lambda obj, problem: obj + vbar(obj, problem) / 2})

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check the grid distribution: contraction, producer surplus, welfare.
        ``exact=True`` adds the grid LP's exact optimality certificate (rational primal and
        dual with equal values; fails, saying so, when it cannot be completed)."""
        ck = Checker()
        y, h = self.support, self.masses
        ck.check("distribution", max(abs(h.sum() - 1), -h.min()), atol, "masses are not a distribution")
        t = np.unique(np.r_[y, self.prior.kinks()])
        ck.check("contraction", np.max(_stop_loss_rows(y, t) @ h - self.prior.stop_loss(t)), atol,
                 "not a contraction of the prior")
        surv = 0.5 * np.cumsum(h[::-1])[::-1]
        ps = 2 * float(np.max(y * surv))
        ck.check("producer surplus", abs(ps - self.producer_surplus), atol)
        ts = 0.5 * self.prior.vbar + 0.5 * float(y @ h)
        ck.check("welfare", max(abs(ts - self.total_surplus), abs(ts - ps - self.expected_consumer_surplus)),
                 atol)
        if exact:
            from ..verify.exact_lp import exact_branch

            return exact_branch(ck.report(), [("Hotelling grid LP", self.lp_record,
                                               self.expected_consumer_surplus - 0.5 * self.prior.vbar)], atol=atol)
        return ck.report()


@records_params("vbar", "size", "cells")
def hotelling_lp(prior, vbar=None, size: int = 201, cells: int = 200) -> HotellingLP:
    """Maximise consumer surplus over all symmetric contractions of the prior on a grid.

    Variables: the masses ``h_j`` of ``|r| = y_j`` and the per-producer revenue bound
    ``t``; maximise ``v-bar/2 + sum h_j y_j / 2 - 2 t`` subject to ``y_j * P(r >= y_j) <= t``
    for every grid price and the stop-loss inequalities at every grid point and prior
    kink. A continuous prior is first replaced by a discretisation that is a
    contraction of it, so every feasible grid distribution is feasible for the original.

    References
    ----------
    BBM25, Theorem 3 (no symmetric contraction beats the ``G_b^B`` family).

    Examples
    --------
    BBM25 Example 4 on a grid: the LP's consumer surplus approaches Theorem 3's
    (1 + e^-2) / 2 = 0.5677 from below as the grid is refined:

    >>> import infopricing as ip
    >>> h = ip.hotelling_lp(([-1, 1], [0.5, 0.5]), size=81, cells=40)
    >>> round(h.expected_consumer_surplus, 3), h.expected_consumer_surplus <= 0.5677, h.verify().ok
    (0.565, True, True)
    """
    size = check_count(size, "size", least=2)      # the grid from 0 to v-bar, both ends
    cells = check_count(cells, "cells", least=1)
    P = SymmetricPrior.of(prior, vbar)
    Pd = P.discretized(cells)
    y = _abs_grid(Pd, size)
    m = y.size
    t_pts = np.unique(np.r_[y, Pd.kinks()])
    # price rows: y_k * 0.5 * sum_{j >= k} h_j - t <= 0   (k with y_k > 0)
    pos = np.flatnonzero(y > 0)
    tri = np.triu(np.ones((m, m)))[pos] * (0.5 * y[pos])[:, None]
    A_price = np.c_[tri, -np.ones(pos.size)]
    A_sl = np.c_[_stop_loss_rows(y, t_pts), np.zeros(t_pts.size)]
    A_sum = np.r_[np.ones(m), 0.0][None, :]
    A = sp.csr_matrix(np.vstack([A_price, A_sl, A_sum]))
    lo = np.r_[np.full(pos.size, -np.inf), np.full(t_pts.size, -np.inf), 1.0]
    hi = np.r_[np.zeros(pos.size), Pd.stop_loss(t_pts), 1.0]
    c = np.r_[0.5 * y, -2.0]
    from ..lp.exact_certificate import solve_lp_recorded

    res, record = solve_lp_recorded(c, A, lo, hi, sense="max")
    if res.status != Status.OPTIMAL:
        raise SolverError(f"Hotelling LP: {res.status}")
    record = _hotelling_exact_lp(record, Pd, y)
    h = np.maximum(res.x[:m], 0.0)
    ps = 2 * float(res.x[m])
    ts = 0.5 * Pd.vbar + 0.5 * float(y @ h)
    return HotellingLP(ts - ps, ts, ps, frozen(y), frozen(h), res.status, Pd, lp_record=record)


def _hotelling_exact_lp(record, Pd: SymmetricPrior, y):
    """The grid LP of :func:`hotelling_lp` in exact numbers (:mod:`infopricing.exact_numbers`;
    the prior's masses divided by their exact sum), for the exact certificate and the
    checker's ``hotelling-grid`` builder; ``record`` unchanged when the exact prior is not
    exactly symmetric (it was accepted within a tolerance)."""
    from fractions import Fraction

    from ..exact_numbers import exact_array, exact_market
    from ..lp.exact_certificate import json_rationals, with_exact_lp

    V, P, Y = exact_array(Pd.values), list(exact_market(Pd.probabilities)), exact_array(y)
    mass = dict(zip(V, P))
    if len(mass) != len(V) or any(mass.get(-x) != q for x, q in mass.items()):
        return record
    zero, one, half = Fraction(0), Fraction(1), Fraction(1, 2)
    M = len(Y)
    rows, hi = [], []
    for k, q in enumerate(Y):
        if q > 0:
            rows.append({**{j: q * half for j in range(k, M)}, M: -one})
            hi.append(zero)
    for t in sorted(set(Y) | {x for x in V if x >= 0}):
        rows.append({j: (q - t) * half for j, q in enumerate(Y) if q > t})
        hi.append(sum((w * (x - t) for x, w in zip(V, P) if x > t), zero))
    rows.append({j: one for j in range(M)})
    hi.append(one)
    lo = [None] * (len(rows) - 1) + [one]
    problem = {"builder": "hotelling-grid", "prior_values": json_rationals(V),
               "prior_probabilities": json_rationals(P), "support": json_rationals(Y)}
    return with_exact_lp(record, rows, [q * half for q in Y] + [-2 * one], lo, hi,
                         [zero] * (M + 1), [None] * (M + 1), problem)


# ---------------------------------------------------------------------------------------
# Armstrong & Zhou (2022): producers learn nothing, symmetric pure equilibrium
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class ArmstrongZhou(Result):
    """Consumer-optimal consumer information when producers learn nothing.

    The interim residual is represented by a symmetric piecewise-uniform density: cell
    ``j`` of ``|r|``, ``(edges[j], edges[j+1]]``, carries mass ``masses[j]``, half on each
    side. (An atom would invite undercutting, so the equilibrium distribution has a
    density near 0; a grid of atoms cannot represent it.)

    Attributes
    ----------
    price : float
        Common equilibrium price.
    expected_consumer_surplus, total_surplus, producer_surplus : float
    edges, masses : ndarray
    prices, values : ndarray
        Scanned prices and the consumer surplus at each (``-inf`` if infeasible).
    prior : SymmetricPrior
    deviation_gain : float
        The ``epsilon`` of this ``epsilon``-equilibrium: the largest gain of a producer
        from any price in ``[0, v-bar]`` against the other at ``price``, computed exactly
        (the deviation profit is piecewise quadratic in the price; every piece's maximum
        is evaluated). The LP imposes no-deviation only at finitely many prices, so this
        is positive in general; refinement rounds shrink it.
    deviation_price : float
        Where the largest gain is attained.
    refinements : int
        Constraint-generation rounds used (each adds the most profitable deviation
        prices found to the LP and re-solves at the same common price).

    References
    ----------
    Armstrong & Zhou (2022), as discussed in BBM25, section III.

    Examples
    --------
    >>> import infopricing as ip
    >>> az = ip.armstrong_zhou(([-1, 1], [0.5, 0.5]), price=0.05596, size=20, cells=40)
    >>> az.price, round(az.producer_surplus, 5), az.verify().ok   # all buy at the price
    (0.05596, 0.05596, True)
    """

    price: float
    expected_consumer_surplus: float
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    total_surplus: float
    producer_surplus: float
    edges: np.ndarray
    masses: np.ndarray
    prices: np.ndarray
    values: np.ndarray
    prior: SymmetricPrior
    deviation_gain: float = 0.0
    deviation_price: float = 0.0
    refinements: int = 0

    def density(self, r):
        """Density of the interim residual at ``r``."""
        r = np.abs(np.asarray(r, dtype=float))
        j = np.clip(np.searchsorted(self.edges, r) - 1, 0, self.masses.size - 1)
        width = np.diff(self.edges)[j]
        inside = (r > self.edges[0]) & (r <= self.edges[-1])
        return np.where(inside, 0.5 * self.masses[j] / width, 0.0)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS,
               points: int = 20001) -> Verification:
        """Re-check: no deviation gains more than ``atol``, contraction at every cell
        edge and prior kink, and welfare accounting.

        Deviations are checked twice, independently of the LP: exactly (the maximum of
        the piecewise-quadratic deviation profit over every piece) and on a grid of
        ``points`` prices.

        Parameters
        ----------
        atol : float
            Tolerance on a deviation's gain and on the accounting. The default is the
            library's feasibility tolerance; the LP result is an ``epsilon``-equilibrium
            with ``epsilon = self.deviation_gain``, so pass that (plus rounding) to check
            the reported ``epsilon``. The default is not loosened automatically.
        points : int

        Returns
        -------
        Verification
        """
        no_exact(self, exact)
        ck = Checker()
        e, h, p, vb = self.edges, self.masses, self.price, self.prior.vbar
        dev = np.linspace(0.0, vb, points)
        prof = dev * (_az_demand_rows(e, dev, p, vb) @ h)
        ck.check("no profitable deviation (grid)", prof.max() - 0.5 * p, atol,
                 f"deviation to {dev[np.argmax(prof)]:.6g} gains {prof.max() - p / 2:.3g}")
        gain, where, _ = _az_gain(e, h, p, vb)
        ck.check("no profitable deviation (exact)", gain, atol,
                 f"deviation to {where:.6g} gains {gain:.3g} (exact piecewise maximum)")
        t = np.unique(np.r_[e, self.prior.kinks()])
        ck.check("contraction", np.max(_cell_stop_loss_rows(e, t) @ h - self.prior.stop_loss(t)),
                 atol, "not a contraction of the prior")
        ts = 0.5 * vb + 0.5 * float(0.5 * (e[1:] + e[:-1]) @ h)
        ck.check("welfare", max(abs(ts - self.total_surplus), abs(ts - p - self.expected_consumer_surplus)),
                 atol)
        return ck.report()


def _cell_stop_loss_rows(e: np.ndarray, t: np.ndarray):
    """``E (r - t)^+`` per unit mass of each symmetric uniform cell, for ``t >= 0``."""
    lo, hi = e[:-1][None, :], e[1:][None, :]
    tt = t[:, None]
    inside = (hi - np.clip(tt, lo, hi)) ** 2 / (2 * (hi - lo))
    full = 0.5 * (lo + hi) - tt
    return 0.5 * np.where(tt <= lo, full, inside)


def _frac_above(lo, hi, x):
    return np.clip((hi - x) / (hi - lo), 0.0, 1.0)


def _az_demand_rows(e: np.ndarray, dev: np.ndarray, p: float, vb: float):
    """Demand of producer 1 at price ``dev`` (rows) per unit mass of each cell, when
    producer 2 prices at ``p``: ``P(r > max(dev - p, 2 dev - vb))``."""
    x = np.maximum(dev - p, 2 * dev - vb)[:, None]
    lo, hi = e[:-1][None, :], e[1:][None, :]
    return 0.5 * (_frac_above(lo, hi, x) + _frac_above(-hi, -lo, x))


def _az_gain(e: np.ndarray, h: np.ndarray, p: float, vb: float):
    """Exact largest deviation gain against a rival at ``p``.

    The deviating producer's demand ``D(t)`` is piecewise linear in its price ``t``
    (the residual's density is piecewise uniform), with breakpoints where
    ``max(t - p, 2t - v-bar)`` crosses a cell edge; on each piece the profit ``t D(t)``
    is a quadratic whose maximum is at an end or at its stationary point.

    Returns
    -------
    (gain, price, stationary) : float, float, ndarray
        Largest ``t D(t) - p/2``, where, and every piece's maximiser (for constraint
        generation).
    """
    z = np.r_[-e[::-1], e]
    bp = np.unique(np.r_[0.0, vb, vb - p, p + z, 0.5 * (vb + z)])
    bp = bp[(bp >= 0.0) & (bp <= vb)]
    D = _az_demand_rows(e, bp, p, vb) @ h
    prof = bp * D
    lo, hi = bp[:-1], bp[1:]
    slope = np.diff(D) / np.diff(bp)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(slope < 0, (slope * lo - D[:-1]) / (2 * slope), lo)
    inside = (t > lo) & (t < hi)
    t = np.where(inside, t, np.where(prof[:-1] >= prof[1:], lo, hi))
    pt = t * (D[:-1] + slope * (t - lo))
    pt = np.where(inside, pt, np.maximum(prof[:-1], prof[1:]))
    j = int(np.argmax(pt))
    return float(pt[j] - 0.5 * p), float(t[j]), t


def _az_lp(Pd: SymmetricPrior, e: np.ndarray, p: float, per_cell: int = 4, extra=()):
    vb = Pd.vbar
    m = e.size - 1
    z = np.unique(np.r_[e, np.concatenate([e[:-1] + (e[1:] - e[:-1]) * k / (per_cell + 1)
                                          for k in range(1, per_cell + 1)])])
    z = np.r_[-z[::-1], z]
    dev = np.unique(np.r_[p + z, 0.5 * (vb + z), np.asarray(extra, dtype=float)])
    dev = dev[dev > 0]
    A_dev = _az_demand_rows(e, dev, p, vb) * dev[:, None]
    t_pts = np.unique(np.r_[e, Pd.kinks()])
    A = sp.csr_matrix(np.vstack([A_dev, _cell_stop_loss_rows(e, t_pts), np.ones((1, m))]))
    lo = np.r_[np.full(dev.size, -np.inf), np.full(t_pts.size, -np.inf), 1.0]
    hi = np.r_[np.full(dev.size, 0.5 * p), Pd.stop_loss(t_pts), 1.0]
    return solve_lp(0.25 * (e[1:] + e[:-1]), A, lo, hi, sense="max")


def armstrong_zhou(prior, vbar=None, size: int = 60, prices: int = 8, cells: int = 200,
                   per_cell: int = 2, xatol: float = 1e-3, price=None, refine: int = 10,
                   atol: float = tol.FEAS) -> ArmstrongZhou:
    """Consumer-optimal consumer information with uninformed producers (Armstrong & Zhou).

    For a common price ``p``, a linear program chooses a symmetric piecewise-uniform
    contraction of the prior (``size`` cells of ``|r|``) maximising ``E|r|`` subject to
    no profitable deviation of a producer to any price of a fine grid (every cell edge
    and ``per_cell`` interior points per cell, shifted by ``p``, and the participation
    kinks); consumer surplus is ``v-bar/2 + E|r|/2 - p`` (everybody buys at ``p``).
    The price is chosen by a scan of ``prices`` points of ``(0, v-bar/2]`` followed by a
    bounded scalar search (to ``xatol``) around the best scanned price; or fixed to
    ``price`` when given.

    At the chosen price, up to ``refine`` constraint-generation rounds follow: the exact
    most profitable deviation of every piece of the (piecewise-quadratic) deviation
    profit that gains more than ``atol`` becomes a new no-deviation row, and the LP is
    re-solved. The remaining gain is reported as ``deviation_gain`` (the ``epsilon`` of
    the equilibrium); :meth:`ArmstrongZhou.verify` re-checks it with a caller-set
    tolerance (default ``tol.FEAS``, not loosened).

    References
    ----------
    Armstrong & Zhou (2022); BBM25, Section III.C (comparison in Example 4, Figure 2).

    Examples
    --------
    BBM25 Example 4 with uninformed producers (Armstrong and Zhou 2022), at the
    consumer-optimal price 0.05596 of the closed form (claim BBM25-ex4-az-cs: consumer
    surplus 0.5263, "approximately 0.52" in the paper) on a coarse grid:

    >>> import infopricing as ip
    >>> az = ip.armstrong_zhou(([-1, 1], [0.5, 0.5]), price=0.05596, size=30, cells=60)
    >>> round(az.expected_consumer_surplus, 2), az.verify().ok
    (0.52, True)
    """
    atol = check_tolerance(atol, "atol")  # a negative or NaN atol changed the answer silently
    xatol = check_tolerance(xatol, "xatol", positive=True)   # NaN stopped the price search early
    P = SymmetricPrior.of(prior, vbar)
    Pd = P.discretized(cells)
    vb = Pd.vbar
    e = np.linspace(0.0, vb, size + 1)
    cache = {}

    def value(p):
        p = float(p)
        if p not in cache:
            res = _az_lp(Pd, e, p, per_cell)
            val = (0.5 * vb + res.objective - p) if res.status == Status.OPTIMAL else -np.inf
            cache[p] = (val, res)
        return cache[p][0]

    if price is not None:
        price = float(price)
        if not 0 < price <= 0.5 * vb:
            raise ValueError(f"price must be in (0, vbar/2] = (0, {0.5 * vb:g}], got {price!r}")
        if not np.isfinite(value(price)):
            raise SolverError(f"Armstrong-Zhou: no symmetric equilibrium at price {price:g}")
    else:
        ps = np.linspace(0.0, 0.5 * vb, prices + 1)[1:]
        vals = [value(p) for p in ps]
        j = int(np.argmax(vals))
        if not np.isfinite(vals[j]):
            raise SolverError("Armstrong-Zhou: no feasible symmetric equilibrium price on the grid")
        step = ps[1] - ps[0]
        lo, hi = max(ps[j] - step, 1e-6 * vb), min(ps[j] + step, 0.5 * vb)
        minimize_scalar(lambda p: -value(p) if np.isfinite(value(p)) else 1e9, bounds=(lo, hi),
                        method="bounded", options={"xatol": xatol})
    p = max(cache, key=lambda k: cache[k][0])
    val, res = cache[p]
    if isinstance(refine, bool) or not isinstance(refine, (int, np.integer)) or refine < 0:
        raise ValueError(f"refine must be a non-negative integer, got {refine!r}")
    h = np.maximum(res.x, 0.0)
    gain, where, stat = _az_gain(e, h, p, vb)
    extra = np.empty(0)
    rounds = 0
    while gain > atol and rounds < refine:
        prof = stat * (_az_demand_rows(e, stat, p, vb) @ h)
        extra = np.unique(np.r_[extra, stat[prof > 0.5 * p + atol], where])
        r2 = _az_lp(Pd, e, p, per_cell, extra)
        if r2.status != Status.OPTIMAL:
            break
        rounds += 1
        res = r2
        h = np.maximum(res.x, 0.0)
        gain, where, stat = _az_gain(e, h, p, vb)
    ts = 0.5 * vb + 0.5 * float(0.5 * (e[1:] + e[:-1]) @ h)
    cache[p] = (ts - p, res)
    allp = np.array(sorted(cache))
    return ArmstrongZhou(p, ts - p, ts, p, frozen(e), frozen(h), frozen(allp),
                         frozen(np.array([cache[k][0] for k in allp])), Pd,
                         deviation_gain=max(0.0, gain), deviation_price=where, refinements=rounds)
