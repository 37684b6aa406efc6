"""Menus and the evaluation of a joint design (information structure + menu).

A design is evaluated by letting the buyer, after each signal, pick the menu item (or
the outside option) that maximises his expected utility at his posterior mean values,
``nu(s) . x - price``. Ties are broken in the seller's favour: the highest price, then
the highest expected welfare, then the lowest item index (the outside option, price 0,
loses every tie against an item it ties with).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .. import tolerances as tol
from ..model._validate import check_tolerance, frozen, real_array
from ..screening import Verification
from .distribution import ValueDistribution, _check_dist
from .signals import Signal
from ..verify.protocol import Result


class Menu:
    """A menu of lotteries over products with prices (unit demand).

    Parameters
    ----------
    allocations : array_like, shape (K, m)
        ``allocations[k, i]`` = probability item k delivers product i (entries in
        [0, 1], rows summing to at most 1).
    prices : array_like, shape (K,)
        Non-negative prices (``inf`` marks an item that is not offered).
    labels : sequence of str, optional
        One label per item.

    Notes
    -----
    The outside option (nothing, price 0) is always available and is not an item.

    References
    ----------
    CLW, section 2 ("Mechanisms", Definition 1).

    Examples
    --------
    CLW Example 1's better design: product 1 at 9 and product 2 at 4 (CLW, Example 1):

    >>> import infopricing as ip
    >>> menu = ip.Menu([[1, 0], [0, 1]], [9, 4])
    >>> menu.prices.tolist(), menu.allocations.shape
    ([9.0, 4.0], (2, 2))
    """

    def __init__(self, allocations, prices, labels=None):
        x = real_array(allocations, "allocations", ndim=2)
        p = np.array(prices, dtype=float).ravel() if not isinstance(prices, str) else None
        if p is None:
            raise TypeError("prices must be numeric")
        if p.size != x.shape[0]:
            raise ValueError(f"prices must have one entry per item ({x.shape[0]}), got {p.size}")
        if np.any(np.isnan(p)) or np.any(p == -np.inf):
            raise ValueError("prices must be numbers or +inf (item not offered)")
        if np.any(p < 0):
            raise ValueError(f"prices must be non-negative; smallest is {float(p.min()):g}")
        if np.any(x < -tol.FEAS) or np.any(x > 1 + tol.FEAS):
            raise ValueError("allocations must lie in [0, 1]")
        if x.size and np.any(x.sum(axis=1) > 1 + tol.FEAS):
            raise ValueError("each allocation must sum to at most 1 (unit demand)")
        self.allocations = frozen(np.clip(x, 0.0, 1.0))
        self.prices = frozen(p)
        if labels is None:
            labels = tuple(f"item{k + 1}" for k in range(x.shape[0]))
        labels = tuple(str(s) for s in labels)
        if len(labels) != x.shape[0]:
            raise ValueError(f"labels must have one entry per item ({x.shape[0]}), got {len(labels)}")
        self.labels = labels

    @classmethod
    def pricing(cls, prices, products=None) -> "Menu":
        """Deterministic pricing: item i sells product i at ``prices[i]`` (``inf`` = not
        offered). CLW, Definition 1."""
        p = np.array(prices, dtype=float).ravel()
        m = p.size
        if m == 0:
            raise ValueError("prices must name at least one product")
        names = products if products is not None else [f"p{i + 1}" for i in range(m)]
        if len(names) != m:
            raise ValueError(f"products must have {m} labels, got {len(names)}")
        return cls(np.eye(m), p, labels=names)

    @property
    def n_items(self) -> int:
        return self.allocations.shape[0]

    @property
    def n_products(self) -> int:
        return self.allocations.shape[1]

    @cached_property
    def is_deterministic(self) -> bool:
        a = self.allocations
        return bool(np.all((np.abs(a) <= tol.FEAS) | (np.abs(a - 1) <= tol.FEAS)))

    @cached_property
    def product_prices(self) -> np.ndarray:
        """For a deterministic menu: the price of each product (cheapest item selling it;
        ``inf`` when none does)."""
        out = np.full(self.n_products, np.inf)
        for k in range(self.n_items):
            row = self.allocations[k]
            if row.max() > 1 - tol.FEAS:
                i = int(np.argmax(row))
                out[i] = min(out[i], self.prices[k])
        return frozen(out)

    def __repr__(self) -> str:
        return f"Menu({self.n_items} items, {self.n_products} products)"


def _choose(nu_row, menu: Menu, atol: float):
    """Seller-favourable best response at posterior mean ``nu_row``; -1 = outside."""
    finite = np.isfinite(menu.prices)
    util = np.where(finite, menu.allocations @ nu_row - np.where(finite, menu.prices, 0.0), -np.inf)
    best = max(0.0, float(util.max()) if util.size else 0.0)
    thr = best - atol * max(1.0, abs(best))
    cand = np.flatnonzero(util >= thr)
    if cand.size == 0:
        return -1
    wel = menu.allocations[cand] @ nu_row
    order = np.lexsort((cand, -wel, -menu.prices[cand]))
    return int(cand[order[0]])


@dataclass(frozen=True, repr=False)
class DesignEvaluation(Result):
    """A joint design (information structure + menu) and the buyer's responses.

    Attributes
    ----------
    signal : Signal
    menu : Menu
    choice : ndarray of int (n_signals,)
        Menu item bought after each signal (-1 = nothing), seller-favourable ties.
    revenue, welfare, buyer_surplus : float
        Expected payment, expected value of the allocation, and their difference.
    sale_probability : float
    tie_atol : float
        Utilities within this (relative) distance count as ties.

    References
    ----------
    CLW, section 2 (IC, IR, Rev(M), Wel(M)).

    Examples
    --------
    CLW Example 2: full disclosure, product 2 at 20 and a 50/50 lottery over products 1
    and 3 at 4.5 extract 12.25 (the paper's number; by hand (20 + 4.5) / 2):

    >>> import infopricing as ip
    >>> d = ip.catalog.clw_example2()
    >>> menu = ip.Menu([[0, 1, 0], [0.5, 0, 0.5]], [20, 4.5])
    >>> e = ip.evaluate_design(d, ip.Signal(d, [[1, 0], [0, 1]]), menu)
    >>> round(e.revenue, 4), e.choice.tolist(), e.verify().ok
    (12.25, [0, 1], True)
    """

    signal: Signal
    menu: Menu
    choice: np.ndarray
    revenue: float
    welfare: float
    buyer_surplus: float
    sale_probability: float
    tie_atol: float
    #: the LP that chose the fixed-menu design, when one did (CLW fixed-menu LPs): for
    #: ``verify(exact=True)``'s optimality certificate and ``exact_certificate()``
    lp_record: object = field(default=None, repr=False, compare=False)

    @property
    def dist(self) -> ValueDistribution:
        return self.signal.dist

    def allocation(self) -> np.ndarray:
        """(n_signals, m) allocation after each signal."""
        x = np.zeros((self.signal.n_signals, self.menu.n_products))
        sold = self.choice >= 0
        x[sold] = self.menu.allocations[self.choice[sold]]
        return x

    def payments(self) -> np.ndarray:
        """(n_signals,) payment after each signal."""
        p = np.zeros(self.signal.n_signals)
        sold = self.choice >= 0
        p[sold] = self.menu.prices[self.choice[sold]]
        return p

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check the design from the distribution, the signal matrix and the menu:

        * the signal matrix is row-stochastic and Bayes plausible (posteriors recomputed
          from the joint distribution average back to the prior);
        * obedience/IC: after every signal of positive probability the chosen item is a
          best response among all items, IR: its utility is non-negative;
        * accounting: revenue and welfare recomputed profile by profile (without the
          posteriors) equal the reported ones, and surplus = welfare - revenue.

        With ``exact=True`` the data are rationalised (denominators up to
        ``RATIONAL_DENOMINATOR``; signal rows renormalised exactly) and IC/IR are checked
        in ``fractions.Fraction`` arithmetic with no tolerance; ``details`` then holds the
        exact revenue.
        """
        if exact:
            if self.lp_record is not None:
                from ..verify.exact_lp import exact_branch

                return exact_branch(self._verify_exact(), [("fixed-menu LP", self.lp_record, self.revenue)],
                                    atol=atol, unit=max(1.0, float(self.dist.values.max())))
            return self._verify_exact()
        failures = []
        worst = 0.0
        d = self.dist
        scale = max(1.0, float(d.values.max()))
        mat = np.asarray(self.signal.matrix)
        rs = np.abs(mat.sum(axis=1) - 1.0).max()
        if rs > atol or mat.min() < -atol:
            failures.append(f"signal matrix not row-stochastic (error {rs:.3g})")
            worst = max(worst, rs)
        joint = d.probabilities[:, None] * mat
        r = joint.sum(axis=0)
        pos = r > 0
        nu = (joint.T @ d.values)[pos] / r[pos, None]
        bp = float(np.abs(r[pos] @ nu - d.mean).max())
        if bp > atol * scale:
            failures.append(f"Bayes plausibility fails by {bp:.3g}")
        worst = max(worst, bp / scale)
        x = self.allocation()[pos]
        pay = self.payments()[pos]
        finite = np.isfinite(self.menu.prices)
        alloc = self.menu.allocations[finite]
        pr = self.menu.prices[finite]
        u_chosen = np.einsum("sm,sm->s", nu, x) - pay
        if alloc.shape[0]:
            u_all = nu @ alloc.T - pr[None, :]
            ic = float((u_all.max(axis=1) - u_chosen).max())
        else:
            ic = 0.0
        if ic > atol * scale:
            failures.append(f"IC/obedience fails: a signal gains {ic:.3g} by another item")
        ir = float(max(0.0, -u_chosen.min())) if u_chosen.size else 0.0
        if ir > atol * scale:
            failures.append(f"IR fails by {ir:.3g}")
        worst = max(worst, ic / scale, ir / scale)
        # accounting, profile by profile
        full_x = self.allocation()
        full_p = self.payments()
        rev = float((joint @ full_p).sum())
        wel = float(np.einsum("ts,sm,tm->", joint, full_x, d.values))
        for name, a, b in (("revenue", rev, self.revenue), ("welfare", wel, self.welfare),
                           ("surplus", wel - rev, self.buyer_surplus)):
            err = abs(a - b)
            if err > atol * scale:
                failures.append(f"{name} recomputed as {a:.9g}, reported {b:.9g}")
            worst = max(worst, err / scale)
        return Verification(ok=not failures, failures=tuple(failures), max_violation=worst)

    def exact_certificate(self, backend: str = "auto"):
        """Exact optimality certificate of the LP that chose this design (CLW fixed-menu
        LPs: :func:`.best_response.optimal_information`, :func:`.best_response.optimal_prices_for_signal`);
        ValueError for a design no LP chose."""
        from ..verify.exact_lp import export_certificate

        return export_certificate(self.lp_record, "CLW fixed-menu LP", {
            "values": self.dist.values, "probabilities": self.dist.probabilities}, backend=backend,
            reported={"revenue": self.revenue}, claims={"revenue": lambda obj, problem: obj})

    def _verify_exact(self) -> Verification:
        from fractions import Fraction

        def q(x):
            return Fraction(float(x)).limit_denominator(tol.RATIONAL_DENOMINATOR)

        d = self.dist
        n, S = self.signal.matrix.shape
        f = [q(x) for x in d.probabilities]
        tot = sum(f)
        f = [x / tot for x in f]
        V = [[q(x) for x in row] for row in d.values]
        sig = []
        for row in self.signal.matrix:
            r = [q(x) for x in row]
            z = sum(r)
            sig.append([x / z for x in r])
        items = [k for k in range(self.menu.n_items) if np.isfinite(self.menu.prices[k])]
        X = {k: [q(x) for x in self.menu.allocations[k]] for k in items}
        P = {k: q(self.menu.prices[k]) for k in items}
        failures = []
        worst = Fraction(0)
        revenue = Fraction(0)
        m = d.n_products
        for s in range(S):
            mass = sum(f[t] * sig[t][s] for t in range(n))
            if mass == 0:
                continue
            num = [sum(f[t] * sig[t][s] * V[t][i] for t in range(n)) for i in range(m)]
            util = {k: sum(num[i] * X[k][i] for i in range(m)) - P[k] * mass for k in items}
            c = int(self.choice[s])
            uc = Fraction(0) if c < 0 else util.get(c)
            if uc is None:
                failures.append(f"signal {s}: chosen item {c} is not offered")
                continue
            best = max([Fraction(0)] + list(util.values()))
            if best > uc:
                failures.append(f"signal {s}: IC/IR fails exactly by {float((best - uc) / mass):.3g}")
                worst = max(worst, (best - uc) / mass)
            if c >= 0:
                revenue += P[c] * mass
        return Verification(ok=not failures, failures=tuple(failures), max_violation=float(worst), exact=True,
                            details={"revenue": revenue})


def as_menu(menu, dist: ValueDistribution) -> "Menu":
    """A :class:`Menu` for ``dist``: a Menu is checked, a price vector becomes a pricing menu.

    Raises ValueError when the number of products does not match ``dist``."""
    if not isinstance(menu, Menu):
        pr = np.array(menu, dtype=float).ravel()
        if pr.size != dist.n_products:
            raise ValueError(f"menu: a price vector needs {dist.n_products} prices (one per product), got {pr.size}")
        menu = Menu.pricing(pr, products=dist.products)
    if menu.n_products != dist.n_products:
        raise ValueError(f"menu has {menu.n_products} products, the distribution {dist.n_products}")
    return menu


def evaluate_design(dist: ValueDistribution, signal, menu, atol: float = tol.EQUAL) -> DesignEvaluation:
    """Evaluate an information structure together with a menu.

    Parameters
    ----------
    dist : ValueDistribution
    signal : Signal or array_like (n_profiles, n_signals)
        The information structure (a stochastic matrix is wrapped into a :class:`Signal`).
    menu : Menu or array_like of prices
        A menu; a 1-D array of m prices is read as a pricing mechanism.
    atol : float
        Relative tolerance within which utilities tie (ties go to the seller).

    Returns
    -------
    DesignEvaluation
        With the buyer's choices, revenue, welfare, surplus and :meth:`verify`.

    References
    ----------
    CLW, section 2 (IC-IR mechanisms, Rev and Wel) and Definition 1.

    Examples
    --------
    CLW Example 1: pooling (6, 5) with (0, 3) and posting prices 9 and 4 earns 5 (the
    paper's number; by hand 0.2 x 9 + 0.8 x 4), more than the 4.4 of horizontal disclosure
    at prices 16/3 and 3:

    >>> import infopricing as ip
    >>> d = ip.catalog.clw_example1()
    >>> pool = ip.Signal(d, [[1, 0], [0, 1], [0, 1]])
    >>> e = ip.evaluate_design(d, pool, ip.Menu([[1, 0], [0, 1]], [9, 4]))
    >>> round(e.revenue, 4), round(e.welfare, 4), round(e.buyer_surplus, 4)
    (5.0, 5.2, 0.2)
    >>> h = ip.horizontal_disclosure(d).signal
    >>> round(ip.evaluate_design(d, h, ip.Menu([[1, 0], [0, 1]], [16 / 3, 3])).revenue, 4)
    4.4
    """
    _check_dist(dist)
    atol = check_tolerance(atol, "atol")
    if not isinstance(signal, Signal):
        signal = Signal(dist, signal)
    elif signal.dist is not dist:
        if signal.dist.values.shape != dist.values.shape or not (
                np.array_equal(signal.dist.values, dist.values)
                and np.array_equal(signal.dist.probabilities, dist.probabilities)):
            raise ValueError("signal was built for a different distribution")
    menu = as_menu(menu, dist)
    r = signal.probabilities
    nu = signal.posterior_means
    choice = np.full(signal.n_signals, -1, dtype=int)
    for s in range(signal.n_signals):
        if r[s] > 0:
            choice[s] = _choose(nu[s], menu, atol)
    sold = choice >= 0
    pay = np.zeros(signal.n_signals)
    pay[sold] = menu.prices[choice[sold]]
    wel_s = np.zeros(signal.n_signals)
    wel_s[sold] = np.einsum("sm,sm->s", nu[sold], menu.allocations[choice[sold]])
    revenue = float(r @ pay)
    welfare = float(r[sold] @ wel_s[sold])
    choice.setflags(write=False)
    return DesignEvaluation(signal=signal, menu=menu, choice=choice, revenue=revenue, welfare=welfare,
                            buyer_surplus=welfare - revenue, sale_probability=float(r[sold].sum()),
                            tie_atol=atol)
