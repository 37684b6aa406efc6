"""Pricing mechanisms with designed information: optimal, uniform, two-price (CLW s. 4-5).

The joint problem "choose prices p and an information structure" is bilinear: for fixed
prices the information is a persuasion LP (:func:`~.best_response.optimal_information`), for a
fixed information structure and fixed purchases the prices are an LP
(:func:`~.best_response.optimal_prices_for_signal`). Two methods are offered:

* ``"global"``: the bilinear program below, solved to global optimality by SCIP
  (optional extra ``global``), with its proven upper bound::

      max  sum_a q_{g(a)} M_a
      s.t. sum_a pi(t, a) = f(t)                         (t profiles, a products + outside)
           M_a = sum_t pi(t, a)
           sum_t pi(t, a) (v_ta - v_tb) - q_{g(a)} M_a + q_{g(b)} M_a >= 0   (a != b)
           0 <= q_g <= max v,  pi >= 0

  (recommendation a obeyed against b; ``v_t,outside = q_outside = 0``). A price equal to
  the largest value is equivalent to not offering the product. By the revelation
  principle (one signal per purchased item) this is exactly the optimal pricing problem.
* ``"heuristic"``: alternate the two LPs from several starts (the full-extraction prices
  of Lemma 1, each single product at its prior mean, the uniform price p*, Proposition
  1's M3); each step weakly raises revenue; the gap to OPT-Wel is reported.

Measured (``benchmarks/bench_clw.py``, 2-core development machine, random "general"
instances, 4 per size, n profiles x m products up to 20 x 2, 10 x 3, 8 x 4): the global
search (which runs the heuristic first) took 1.6-2.6 times the heuristic's time (both well
under a second), proved optimality on every instance, and the heuristic alone fell short
of the optimum by up to 3.6% of revenue (0 on most two-product instances).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)
from .._progress import check_progress

from .. import tolerances as tol
from ..lp import Status, solve_lp
from ..lp.bilinear import global_solver_available, solve_bilinear
from ..screening import Verification
from .design import DesignEvaluation, evaluate_design
from .distribution import ValueDistribution, _check_dist, optimal_welfare
from .best_response import optimal_information, optimal_prices_for_signal
from .signals import Signal, coarse_horizontal_disclosure, horizontal_disclosure
from ..verify.protocol import Result, no_exact

#: problems with more profile x action variables than this are not sent to the global
#: solver by ``method="auto"`` (they get the heuristic and the OPT-Wel bound).
GLOBAL_SIZE_LIMIT = 400

from ..limits import NODE_LIMIT  # noqa: E402  (default node limit of the pricing search)


@dataclass(frozen=True, repr=False)
class PricingResult(Result):
    """A deterministic pricing mechanism with its information structure.

    Attributes
    ----------
    prices : ndarray (m,)
        Product prices (``inf`` = not offered).
    revenue : float
    evaluation : DesignEvaluation
        The design (signal, menu, choices), verifiable.
    upper_bound : float
        Proven upper bound on the best revenue in this class (the global solver's bound,
        capped by OPT-Wel; OPT-Wel alone without the global solver).
    proven_optimal : bool
        True when ``upper_bound - revenue <= GLOBAL_GAP * max(1, upper_bound)``.
    welfare : float
        OPT-Wel.
    method : str
        ``"global"``, ``"heuristic"``, ``"welfare bound"`` (the design extracts OPT-Wel,
        which proves it optimal without a global solve) or ``"enumeration"`` (two
        profiles, one price per product: the exact optimum of
        :mod:`~infopricing.disclosure.two_profile`, no global solve).
    params : dict
        What was used: method, the solver's gap, node limit and time limit (``None``:
        none), and what the solver reported (status, nodes, bound).
    price_groups : ndarray (m,)
        Products in the same group share a price (identity: free prices; zeros:
        uniform).
    solver_message : str

    References
    ----------
    CLW, Definition 1, Theorems 1-2, Proposition 1.

    Examples
    --------
    >>> import infopricing as ip
    >>> r = ip.optimal_pricing(ip.catalog.clw_example4(0.1))    # CLW Example 4
    >>> str(r.status), round(r.upper_bound, 4), round(r.welfare, 4), r.verify().ok
    ('optimal', 1.9, 1.9, True)
    """

    prices: np.ndarray
    revenue: float
    evaluation: DesignEvaluation
    upper_bound: float
    proven_optimal: bool
    welfare: float
    method: str
    price_groups: np.ndarray
    solver_message: str = ""
    params: dict = field(default_factory=dict)

    @property
    def signal(self) -> Signal:
        return self.evaluation.signal

    @property
    def gap_to_welfare(self) -> float:
        """``1 - revenue / OPT-Wel`` (0 when OPT-Wel is 0)."""
        return 0.0 if self.welfare <= 0 else 1.0 - self.revenue / self.welfare

    @property
    def gap(self) -> float:
        """``upper_bound - revenue``."""
        return self.upper_bound - self.revenue

    def exact_certificate(self, backend: str = "auto"):
        """Exact optimality certificate of the last LP that produced the design: the
        information LP at the final prices or the price LP at the final signal and
        purchases (:meth:`DesignEvaluation.exact_certificate`; checker builders
        ``clw-information`` / ``clw-prices``). It proves the design optimal *for that
        structure*, not over all prices: that claim rests on ``method``'s bound."""
        return self.evaluation.exact_certificate(backend=backend)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """The design verifies (Bayes plausibility, IC, IR, accounting); the prices respect
        the groups; ``revenue <= upper_bound <= OPT-Wel`` (recomputed).

        ``exact=True`` adds, in rational arithmetic, the optimality certificate of the last
        LP of the search (the information LP given the final prices, or the price LP given
        the final signal and purchases): the reported revenue is the exact optimum of that
        LP. The search over structures (alternating LPs, SCIP's bilinear branch and bound,
        the two-profile enumeration) is not re-proven exactly, with one exception: when the
        certified revenue equals OPT-Wel computed exactly, which bounds every mechanism's
        revenue (IR), the design is proven globally optimal (``details["global"]``)."""
        if exact:
            return self._verify_exact(atol)
        v = self.evaluation.verify(atol=atol)
        fails = list(v.failures)
        worst = v.max_violation
        scale = max(1.0, self.welfare)
        wel = optimal_welfare(self.evaluation.dist)
        p = self.prices
        for g in np.unique(self.price_groups):
            sel = p[self.price_groups == g]
            fin = sel[np.isfinite(sel)]
            if fin.size and (fin.max() - fin.min() > atol * scale or fin.size < sel.size):
                fails.append(f"prices of group {g} differ: {sel.tolist()}")
        if abs(self.evaluation.revenue - self.revenue) > atol * scale:
            fails.append("revenue differs from the design's")
        if self.revenue > self.upper_bound + atol * scale:
            fails.append(f"revenue {self.revenue} exceeds the upper bound {self.upper_bound}")
        if self.upper_bound > wel + atol * scale:
            fails.append(f"upper bound {self.upper_bound} exceeds OPT-Wel {wel}")
        worst = max(worst, abs(self.evaluation.revenue - self.revenue) / scale,
                    (self.revenue - self.upper_bound) / scale, (self.upper_bound - wel) / scale)
        return Verification(ok=not fails, failures=tuple(fails), max_violation=worst)


    def _verify_exact(self, atol):
        import dataclasses

        from fractions import Fraction

        from ..exact_numbers import exact_array, exact_market

        v = self.evaluation.verify(exact=True, atol=atol)
        d = self.evaluation.dist
        f = exact_market(d)
        V = exact_array(d.values.ravel())
        m = d.n_products
        wel = sum((q * max([Fraction(0)] + V[t * m:(t + 1) * m]) for t, q in enumerate(f)),
                  Fraction(0))
        obj = v.details.get("objective")
        if obj is not None and obj == wel:
            glob = "proven exactly: the certified revenue equals OPT-Wel, which bounds every revenue"
        else:
            glob = (f"not proven exactly (method {self.method!r}: the bound {self.upper_bound!r} is "
                    "floating point); the certificate is of the LP at the chosen structure")
        fl = self.verify(atol=atol)
        return dataclasses.replace(
            v, ok=bool(v.ok and fl.ok), failures=tuple(fl.failures) + tuple(v.failures),
            max_violation=max(float(v.max_violation), float(fl.max_violation)),
            details={**v.details, "opt_wel": wel, "global": glob})


# -- the heuristic ----------------------------------------------------------------------

def _project(prices, groups, vmax):
    """Prices respecting the groups: each group at the smallest finite price in it."""
    p = np.array(prices, dtype=float)
    out = np.empty_like(p)
    free = np.array_equal(groups, np.arange(p.size))
    for g in np.unique(groups):
        sel = groups == g
        fin = p[sel][np.isfinite(p[sel])]
        val = fin.min() if fin.size else (np.inf if free else vmax)
        out[sel] = val
    return out


def _alternate(dist, prices, groups, max_iter: int = 50) -> DesignEvaluation:
    """Alternate information LP and price LP from ``prices`` until revenue stops rising."""
    best = optimal_information(dist, prices)
    for _ in range(max_iter):
        rec = np.where(best.choice >= 0, best.choice, -1)
        try:
            step = optimal_prices_for_signal(dist, best.signal, rec, groups)
        except ValueError:
            break
        nxt = optimal_information(dist, step.menu.prices)
        cand = max((step, nxt), key=lambda e: e.revenue)
        if cand.revenue <= best.revenue * (1 + tol.EQUAL) + tol.EQUAL:
            if cand.revenue > best.revenue:
                best = cand
            break
        best = cand
    return best


def _starts(dist, groups, extra=()):
    m = dist.n_products
    vmax = float(dist.values.max())
    hd = horizontal_disclosure(dist)
    diag = np.array([hd.posterior_means[i, i] if hd.probabilities[i] > 0 else np.inf for i in range(m)])
    starts = [diag]
    for i in range(m):
        p = np.full(m, np.inf)
        p[i] = dist.mean[i]
        starts.append(p)
    starts.append(np.full(m, float(dist.mean.max())))
    starts.extend(extra)
    out = []
    for s in starts:
        pr = _project(s, groups, vmax)
        if not any(np.array_equal(pr, o) for o in out):
            out.append(pr)
    return out


def _heuristic(dist, groups, extra=()):
    best = None
    # efficient recommendations under full revelation and under horizontal disclosure,
    # prices from the price LP: more starting points for the alternation
    extra = list(extra)
    for sig in (Signal.full_revelation(dist), horizontal_disclosure(dist).signal):
        try:
            extra.append(optimal_prices_for_signal(dist, sig, None, groups).menu.prices)
        except ValueError:
            pass
    for p in _starts(dist, groups, extra):
        e = _alternate(dist, p, groups)
        if best is None or e.revenue > best.revenue:
            best = e
    return best


# -- the global program -----------------------------------------------------------------

def _global(dist, groups, start: DesignEvaluation | None, time_limit, gap, node_limit=None, progress=None):
    n, m = dist.values.shape
    A_ = m + 1
    gid, g = np.unique(groups, return_inverse=True)
    G = gid.size
    npi = n * A_
    iM = npi
    iq = npi + A_
    N = iq + G
    vmax = float(dist.values.max())
    U = np.concatenate([dist.values, np.zeros((n, 1))], axis=1)
    f = dist.probabilities
    rows, cols, data = [], [], []
    lo, hi = [], []
    r = 0
    for t in range(n):  # sum_a pi(t, a) = f(t)
        for a in range(A_):
            rows.append(r); cols.append(t * A_ + a); data.append(1.0)
        lo.append(f[t]); hi.append(f[t]); r += 1
    for a in range(A_):  # M_a - sum_t pi(t, a) = 0
        rows.append(r); cols.append(iM + a); data.append(1.0)
        for t in range(n):
            rows.append(r); cols.append(t * A_ + a); data.append(-1.0)
        lo.append(0.0); hi.append(0.0); r += 1
    qr, qi, qj, qc = [], [], [], []
    for a in range(A_):
        for b in range(A_):
            if a == b:
                continue
            for t in range(n):
                d = U[t, a] - U[t, b]
                if d != 0:
                    rows.append(r); cols.append(t * A_ + a); data.append(d)
            if a < m:
                qr.append(r); qi.append(iq + g[a]); qj.append(iM + a); qc.append(-1.0)
            if b < m:
                qr.append(r); qi.append(iq + g[b]); qj.append(iM + a); qc.append(1.0)
            lo.append(0.0); hi.append(np.inf); r += 1
    A = sp.csr_matrix((data, (rows, cols)), shape=(r, N))
    cl = np.zeros(N)
    # a price above every value of its products is "not offered": cap each group there
    gmax = np.array([dist.values[:, g == k].max() for k in range(G)])
    cu = np.concatenate([np.repeat(f, A_), np.ones(A_), gmax])
    obj = ([iq + g[a] for a in range(m)], [iM + a for a in range(m)], [1.0] * m)
    x0 = None
    if start is not None:
        x0 = np.zeros(N)
        joint = start.signal.joint
        for s in range(start.signal.n_signals):
            a = start.choice[s] if start.choice[s] >= 0 else m
            x0[np.arange(n) * A_ + a] += joint[:, s]
        for a in range(A_):
            x0[iM + a] = x0[np.arange(n) * A_ + a].sum()
        pr = np.where(np.isfinite(start.menu.prices), start.menu.prices, vmax)
        for k in range(G):
            x0[iq + k] = min(pr[g == k].min(), gmax[k])
    res = solve_bilinear(np.zeros(N), A, np.array(lo), np.array(hi), cl, cu, obj_quad=obj,
                         row_quad=(qr, qi, qj, qc), sense="max", time_limit=time_limit, gap=gap,
                         start=x0, feastol=tol.GLOBAL_FEAS, node_limit=node_limit, progress=progress)
    return res, (lambda x: x[iq + g])


def _polish(dist, groups, x, qmap):
    """Clean designs from a global solution: (a) keep its recommendations, re-optimise the
    prices exactly (price LP) and alternate; (b) alternate from its prices. Near-ties make
    (b) alone fragile: a price a hair too high flips a purchase."""
    n, m = dist.values.shape
    A_ = m + 1
    pi = np.maximum(np.asarray(x[: n * A_]).reshape(n, A_), 0.0)
    out = []
    f = dist.probabilities
    used = np.flatnonzero(pi.sum(axis=0) > tol.MASS)
    mat = np.zeros((n, used.size))
    pos = f > 0
    mat[pos] = pi[pos][:, used]
    mat[~pos, 0] = 1.0
    rowsum = mat.sum(axis=1, keepdims=True)
    if np.all(rowsum > 0):
        sig = Signal(dist, mat / rowsum)
        rec = np.where(used < m, used, -1)
        try:
            step = optimal_prices_for_signal(dist, sig, rec, groups)
            out.append(step)
            out.append(_alternate(dist, step.menu.prices, groups))
        except ValueError:
            pass
    out.append(_alternate(dist, qmap(x), groups))
    return out


def _two_profile_pricing(dist, groups):
    """The best pricing mechanism of a two-profile distribution by
    :func:`~.two_profile.two_profile_opt_rev` (``deterministic=True``): (the design from
    the maximiser's prices, polished by the alternating LPs, or None when a price is
    negative; the exact optimum)."""
    from .two_profile import two_profile_opt_rev

    opt = two_profile_opt_rev(dist.values, dist.probabilities, deterministic=True)
    scale = max(1.0, float(np.abs(dist.values).max()))
    if np.any(opt.prices < -tol.FEAS * scale):
        return None, opt.value
    p = np.full(dist.n_products, np.inf)
    for k in range(2):
        if opt.mass[k] > tol.MASS and opt.allocations[k].max() > 0.5:
            i = int(np.argmax(opt.allocations[k]))
            p[i] = min(p[i], max(0.0, float(opt.prices[k])))
    return _alternate(dist, p, groups), opt.value


def _price_search(dist, groups, method, time_limit, gap, extra=(), node_limit=NODE_LIMIT, progress=None,
                  params=None):
    _check_dist(dist)
    if method not in ("auto", "global", "heuristic"):
        raise ValueError(f"method must be 'auto', 'global' or 'heuristic', got {method!r}")
    _check_limits(time_limit, gap, node_limit, progress)
    if params is not None:
        params.update({"method": method, "gap": gap, "solver_gap": gap / 10, "node_limit": node_limit,
                       "time_limit": time_limit})
    wel = optimal_welfare(dist)
    best = _heuristic(dist, groups, extra)
    upper = wel
    used = "heuristic"
    msg = "no global solver run; upper bound is OPT-Wel"
    size = dist.n_profiles * (dist.n_products + 1)
    want = method == "global" or (method == "auto" and size <= GLOBAL_SIZE_LIMIT)
    if method != "heuristic" and best.revenue >= wel - tol.EQUAL * max(1.0, wel):
        # the heuristic extracts OPT-Wel (CLW Lemma 1): that bound is the certificate
        want = False
        used = "welfare bound"
        msg = "the design extracts OPT-Wel, which bounds every revenue; no global solve needed"
        if params is not None:
            params["certificate"] = "OPT-Wel"
    if (want and dist.n_profiles == 2 and np.all(dist.probabilities > 0)
            and np.array_equal(groups, np.arange(dist.n_products))):
        # two profiles, one price per product: the best pricing mechanism in closed form
        # over (m + 1)^2 product pairs (module two_profile); exact, no branch and bound
        cand, exact_upper = _two_profile_pricing(dist, groups)
        if cand is not None and cand.revenue > best.revenue:
            best = cand
        if best.revenue >= exact_upper - tol.EQUAL * max(1.0, exact_upper):
            want = False
            used = "enumeration"
            upper = min(upper, exact_upper)
            msg = f"two-profile enumeration (exact): best pricing revenue = {exact_upper:.12g}"
            if params is not None:
                params["certificate"] = "two-profile enumeration"
                params["enumeration_bound"] = exact_upper
    if want and not global_solver_available():
        if method == "global":
            from ..errors import SolverError
            raise SolverError("method='global' needs pyscipopt (pip install 'infopricing[global]')")
        msg = "global solver (pyscipopt) not installed; upper bound is OPT-Wel"
        want = False
    if want:
        res, qmap = _global(dist, groups, best, time_limit, gap / 10, node_limit, progress)
        used = "global"
        msg = f"SCIP: {res.message}, bound {res.bound:.9g}"
        if params is not None:
            params.update({"solver_status": res.message, "solver_nodes": res.nodes, "solver_bound": res.bound})
        if np.isfinite(res.bound):
            upper = min(upper, res.bound)
        if np.all(np.isfinite(res.x)):
            for cand in _polish(dist, groups, res.x, qmap):
                if cand.revenue > best.revenue:
                    best = cand
    upper = max(upper, best.revenue)
    proven = (used in ("global", "welfare bound", "enumeration")
              and upper - best.revenue <= tol.GLOBAL_GAP * max(1.0, upper))
    if params is not None:
        params["method_used"] = used
        params["relative_gap"] = (upper - best.revenue) / max(1.0, upper)
    return best, upper, proven, used, msg, wel


def optimal_pricing(dist: ValueDistribution, method: str = "auto", time_limit: float | None = None,
                    gap: float = tol.GLOBAL_GAP, node_limit: int | None = NODE_LIMIT,
                    progress=None) -> PricingResult:
    """The revenue-optimal deterministic price vector with its optimal information.

    Parameters
    ----------
    dist : ValueDistribution
    method : {"auto", "global", "heuristic"}
        ``"global"``: solve the bilinear program with SCIP (needs pyscipopt) and prove
        optimality; ``"heuristic"``: alternating LPs only; ``"auto"``: global when
        pyscipopt is installed and the instance is small (``GLOBAL_SIZE_LIMIT``). With
        two profiles of positive probability, ``"global"`` and ``"auto"`` use the exact
        enumeration of :mod:`~infopricing.disclosure.two_profile` (no solver needed).
    time_limit : float or None
        Seconds for the global solver (default none). A wall-clock limit makes the answer
        and ``proven_optimal`` depend on the machine's speed; prefer ``node_limit``.
    gap : float
        Relative gap at which the global solver stops.
    node_limit : int or None
        Branch-and-bound nodes for the global solver (deterministic; default
        :data:`NODE_LIMIT`, ``None``: no limit).
    progress : callable ``progress(done, total)``, optional
        Called with the solver's nodes so far and ``node_limit``.

    Returns
    -------
    PricingResult
        ``.prices``, ``.revenue``, ``.signal``, ``.upper_bound``, ``.proven_optimal``.

    References
    ----------
    CLW, Definition 1 and Theorem 2 (pricing with designed information).

    Examples
    --------
    CLW Example 4 at eps = 0.1: full disclosure with prices 1/eps = 10 and 1 extracts the
    full surplus 2 - eps = 1.9 (CLW, Example 4), which proves optimality:

    >>> import infopricing as ip
    >>> r = ip.optimal_pricing(ip.catalog.clw_example4(0.1))
    >>> r.prices.tolist(), round(r.revenue, 4), r.proven_optimal
    ([10.0, 1.0], 1.9, True)
    """
    check_progress(progress)
    dist = _dist_arg(dist)
    groups = np.arange(dist.n_products)
    extra = []
    if dist.n_products == 2:
        extra.append(two_product_mechanisms(dist).m3.menu.prices)
    params = {}
    best, upper, proven, used, msg, wel = _price_search(dist, groups, method, time_limit, gap, extra,
                                                        node_limit, progress, params)
    return PricingResult(prices=best.menu.prices, revenue=best.revenue, evaluation=best, upper_bound=upper,
                         proven_optimal=proven, welfare=wel, method=used, price_groups=groups,
                         solver_message=msg, params=params)


def _check_limits(time_limit, gap, node_limit=None, progress=None):
    if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise ValueError(f"time_limit must be a positive number of seconds or None, got {time_limit!r}")
    if node_limit is not None and not (isinstance(node_limit, (int, np.integer)) and not isinstance(node_limit, bool)
                                       and node_limit >= 1):
        raise ValueError(f"node_limit must be a positive integer or None, got {node_limit!r}")
    check_progress(progress)
    if not (isinstance(gap, (int, float)) and 0 < gap < 1):
        raise ValueError(f"gap must lie in (0, 1), got {gap!r}")


def _dist_arg(dist):
    _check_dist(dist)
    return dist


# -- uniform pricing ------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class UniformPricing(Result):
    """Uniform pricing with designed information (CLW Theorem 1).

    Attributes
    ----------
    price, revenue : float
        The best uniform price and its revenue (with its optimal information).
    evaluation : DesignEvaluation
    p_star : float
        The highest uniform price at which some coarse horizontal disclosure sells with
        probability one (Theorem 1's p*).
    p_star_design : DesignEvaluation
        That coarse horizontal disclosure with every product at p* (revenue p*).
    p_star_sets : tuple of frozenset
        The signal sets of the coarse horizontal disclosure (Definition 2).
    upper_bound, proven_optimal, welfare, method, solver_message, params :
        As in :class:`PricingResult`.

    References
    ----------
    CLW, Theorem 1 and its proof (Appendix A.2).

    Examples
    --------
    One product, value 1 or 2 equally likely: revealing nothing and pricing at the mean
    1.5 sells for sure and extracts the whole welfare 1.5 (by hand), which proves it
    optimal without a global solve:

    >>> import infopricing as ip
    >>> u = ip.uniform_pricing(ip.ValueDistribution([[1], [2]], [0.5, 0.5]))
    >>> u.price, u.revenue, u.welfare, u.proven_optimal
    (1.5, 1.5, 1.5, True)
    """

    price: float
    revenue: float
    evaluation: DesignEvaluation
    p_star: float
    p_star_design: DesignEvaluation
    p_star_sets: tuple
    upper_bound: float
    proven_optimal: bool
    welfare: float
    method: str
    solver_message: str = ""
    params: dict = field(default_factory=dict)

    @property
    def signal(self) -> Signal:
        return self.evaluation.signal

    @property
    def half_welfare_guarantee(self) -> bool:
        """Theorem 1: ``p* >= OPT-Wel / 2``."""
        return self.p_star >= self.welfare / 2 - tol.FEAS * max(1.0, self.welfare)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Both designs verify; the prices are uniform; the p* design is a coarse
        horizontal disclosure (signal depends on the profile only through i*(v); each
        class's signals contain it) selling with probability one at p*; revenue ordering
        ``p* <= revenue <= upper_bound <= OPT-Wel``."""
        no_exact(self, exact)
        fails = []
        worst = 0.0
        scale = max(1.0, self.welfare)
        for name, ev in (("best uniform", self.evaluation), ("p*", self.p_star_design)):
            v = ev.verify(atol=atol)
            fails += [f"{name}: {x}" for x in v.failures]
            worst = max(worst, v.max_violation)
            fin = ev.menu.prices[np.isfinite(ev.menu.prices)]
            if fin.size != ev.menu.n_items or fin.max() - fin.min() > atol * scale:
                fails.append(f"{name}: prices are not uniform")
        d = self.p_star_design
        top = np.asarray(d.dist.top_product)
        mat = d.signal.matrix
        for i in np.unique(top):
            rowsi = mat[top == i]
            if np.abs(rowsi - rowsi[0]).max() > atol:
                fails.append(f"p* signal is not a function of i*(v) (class {i})")
            for s in np.flatnonzero(rowsi[0] > atol):
                if i not in self.p_star_sets[s]:
                    fails.append(f"class {i} sends set {sorted(self.p_star_sets[s])} not containing it")
        if abs(d.sale_probability - 1.0) > atol:
            fails.append(f"p* design sells with probability {d.sale_probability}, not one")
        if abs(d.revenue - self.p_star) > atol * scale:
            fails.append("p* design revenue differs from p*")
        if not (self.p_star <= self.revenue + atol * scale and self.revenue <= self.upper_bound + atol * scale
                and self.upper_bound <= optimal_welfare(d.dist) + atol * scale):
            fails.append("ordering p* <= revenue <= upper bound <= OPT-Wel fails")
        return Verification(ok=not fails, failures=tuple(fails), max_violation=worst)


def _full_sale_feasible(r, nu, p, most_slack: bool = False):
    """Class-level LP: can a garbling of horizontal disclosure sell every class at price p?
    Returns the joint (classes x recommended products) or None. With ``most_slack`` the
    garbling maximises the total slack ``sum_ij x_ij (nu_ij - p)`` (it then avoids mixing
    classes that need not be mixed). Tight primal tolerance: the posterior mean of a
    recommendation is a ratio over its mass, so an absolute tolerance is divided by
    masses that can be small (1e-7 / 8e-4 moved p* by 1e-4)."""
    k, m = nu.shape
    nv = k * m
    idx = np.arange(nv).reshape(k, m)
    rows = [sp.csr_matrix((np.ones(nv), (np.repeat(np.arange(k), m), idx.ravel())), shape=(k, nv))]
    rr = np.repeat(np.arange(m), k)
    cc = idx.T.ravel()
    dd = (nu - p).T.ravel()
    rows.append(sp.csr_matrix((dd, (rr, cc)), shape=(m, nv)))
    A = sp.vstack(rows).tocsc()
    lo = np.concatenate([r, np.zeros(m)])
    hi = np.concatenate([r, np.full(m, np.inf)])
    c = (nu - p).ravel() if most_slack else np.zeros(nv)
    res = solve_lp(c, A, lo, hi, sense="max", options=_TIGHT)
    if res.status is not Status.OPTIMAL:
        return None
    return np.maximum(res.x.reshape(k, m), 0.0)


_TIGHT = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def _smallest_recommended_mean(best, r, nu):
    """The smallest posterior mean of a recommended product under the class garbling
    ``best`` (rows rescaled to the exact class masses), and the products used."""
    best = best * (r / best.sum(axis=1))[:, None]
    mass = best.sum(axis=0)
    used = np.flatnonzero(mass > tol.MASS)
    return float(((best[:, used] * nu[:, used]).sum(axis=0) / mass[used]).min()), best, used


def highest_full_sale_price(dist: ValueDistribution, rtol: float = tol.EQUAL):
    """Theorem 1's p*: the highest uniform price at which some coarse horizontal
    disclosure sells with probability one, and that disclosure.

    A coarse horizontal disclosure reveals only (a garbling of) ``i*(v)``, so the problem
    lives on the m classes ``{i*(v) = i}`` with masses ``r(i)`` and posterior means
    ``nu(i)``. Feasibility at price p is an LP (classes -> recommended product j, each
    recommendation with posterior mean of j at least p); it is monotone in p, so p* is
    found by bisection between ``max_j E[v_j]`` (no information sells at that price) and
    ``max_i nu_i(i)``, and then read off exactly as the smallest recommended posterior
    mean of the last feasible garbling.

    Returns
    -------
    (p_star, design, sets) : float, DesignEvaluation, tuple of frozenset

    References
    ----------
    CLW, Theorem 1 and its proof (Appendix A.2); Definition 2.
    """
    _check_dist(dist)
    hd = horizontal_disclosure(dist)
    live = np.flatnonzero(hd.probabilities > 0)
    r = hd.probabilities[live]
    nu = hd.posterior_means[live]
    lo = float(dist.mean.max())
    hi = float(nu.max())
    best = _full_sale_feasible(r, nu, lo)
    if best is None:  # pragma: no cover - no information always sells at max_j E[v_j]
        best = np.zeros((live.size, dist.n_products))
        best[:, int(np.argmax(dist.mean))] = r
    it = 0
    while hi - lo > rtol * max(1.0, hi) and it < 200:
        mid = 0.5 * (lo + hi)
        sol = _full_sale_feasible(r, nu, mid)
        if sol is None:
            hi = mid
        else:
            lo, best = mid, sol
        it += 1
    # read p* off a garbling feasible at `lo`: the smallest recommended posterior mean is
    # a price that garbling sells at for sure, so the larger read-off of two feasible
    # garblings (the last bisection point, and the most-slack one, which does not mix
    # classes needlessly) is the better; neither can exceed the true p*
    val, best, used = _smallest_recommended_mean(best, r, nu)
    alt = _full_sale_feasible(r, nu, lo, most_slack=True)
    if alt is not None:
        val2, best2, used2 = _smallest_recommended_mean(alt, r, nu)
        if val2 > val:
            val, best, used = val2, best2, used2
    p_star = float(min(val, hi))
    # signal sets: recommended product plus the classes feeding it
    sets = []
    for j in used:
        s = {int(j)} | {int(live[i]) for i in np.flatnonzero(best[:, j] > tol.MASS)}
        sets.append(frozenset(s))
    # Definition 2 identifies signals with sets; enlarge colliding sets when possible
    for a in range(len(sets)):
        for b in range(a):
            if sets[a] == sets[b]:
                for extra in range(dist.n_products):
                    cand = sets[a] | {extra}
                    if cand not in sets:
                        sets[a] = frozenset(cand)
                        break
    tau = np.zeros((dist.n_products, len(used)))
    for ci, i in enumerate(live):
        tau[i] = best[ci, used] / r[ci]
    for i in range(dist.n_products):
        if i not in live:  # never on top: any set containing i, probability irrelevant
            cont = [k for k, s in enumerate(sets) if i in s]
            if cont:
                tau[i, cont[0]] = 1.0
            else:
                sets.append(frozenset({i}))
                tau = np.concatenate([tau, np.zeros((tau.shape[0], 1))], axis=1)
                tau[i, -1] = 1.0
    tau = tau / tau.sum(axis=1, keepdims=True)
    if len(set(sets)) == len(sets):
        sig = coarse_horizontal_disclosure(dist, tau, sets)
    else:  # pragma: no cover - only when every product is already in two colliding sets
        sig = Signal(dist, tau[np.asarray(dist.top_product)], labels=tuple(sets))
    design = evaluate_design(dist, sig, np.full(dist.n_products, p_star))
    return p_star, design, tuple(sets)


def uniform_pricing(dist: ValueDistribution, method: str = "auto", time_limit: float | None = None,
                    gap: float = tol.GLOBAL_GAP, node_limit: int | None = NODE_LIMIT,
                    progress=None) -> UniformPricing:
    """Uniform pricing (one price for every product) with designed information.

    Computes Theorem 1's p* with its coarse horizontal disclosure, and the best uniform
    price with its optimal information structure (any information structure; the
    global solver proves optimality when available, otherwise the bound is OPT-Wel).

    References
    ----------
    CLW, Theorem 1 (``Rev >= OPT-Wel / 2``), Example 4 (tightness).

    Examples
    --------
    >>> import infopricing as ip
    >>> d = ip.ValueDistribution([[10, 0], [0, 2], [1, 1]], [0.2, 0.4, 0.4])
    >>> u = ip.uniform_pricing(d)
    >>> round(u.revenue, 3), u.proven_optimal, u.verify().ok
    (2.4, True, True)
    """
    check_progress(progress)
    dist = _dist_arg(dist)
    p_star, design, sets = highest_full_sale_price(dist)
    groups = np.zeros(dist.n_products, dtype=int)
    params = {}
    best, upper, proven, used, msg, wel = _price_search(
        dist, groups, method, time_limit, gap, extra=[np.full(dist.n_products, p_star)],
        node_limit=node_limit, progress=progress, params=params)
    if design.revenue > best.revenue:
        best = design
        upper = max(upper, best.revenue)
    price = float(best.menu.prices[np.isfinite(best.menu.prices)].max()) if best.sale_probability > 0 else p_star
    return UniformPricing(price=price, revenue=best.revenue, evaluation=best, p_star=p_star, p_star_design=design,
                          p_star_sets=sets, upper_bound=upper, proven_optimal=proven, welfare=wel, method=used,
                          solver_message=msg, params=params)


def two_price_pricing(dist: ValueDistribution, method: str = "auto", time_limit: float | None = None,
                      gap: float = tol.GLOBAL_GAP, node_limit: int | None = NODE_LIMIT) -> PricingResult:
    """The best pricing mechanism using at most two distinct prices.

    Every split of the products into two price classes is tried (``2^(m-1)`` splits,
    the one-class split being uniform pricing); within each split the price search is the
    same as :func:`optimal_pricing` (a price at the largest value acts as "not offered").

    References
    ----------
    CLW, Theorem 2 ("this improved revenue guarantee can be achieved using only two
    distinct prices").
    """
    dist = _dist_arg(dist)
    m = dist.n_products
    if m > 12:
        raise ValueError(f"two_price_pricing enumerates 2^(m-1) splits; m={m} is too many (at most 12)")
    best = None            # (evaluation, groups, method, message)
    upper_all = 0.0        # the two-price optimum is at most the largest per-split bound
    all_global = True
    for bits in itertools.product((0, 1), repeat=m - 1):
        groups = np.array((0,) + bits)
        ev, upper, _, used, msg, wel = _price_search(dist, groups, method, time_limit, gap,
                                                     node_limit=node_limit)
        upper_all = max(upper_all, upper)
        all_global &= used in ("global", "welfare bound")
        if best is None or ev.revenue > best[0].revenue:
            best = (ev, groups, used, msg)
    ev, groups, used, msg = best
    proven = all_global and upper_all - ev.revenue <= tol.GLOBAL_GAP * max(1.0, upper_all)
    return PricingResult(prices=ev.menu.prices, revenue=ev.revenue, evaluation=ev, upper_bound=upper_all,
                         proven_optimal=proven, welfare=wel, method=used, price_groups=groups,
                         solver_message=msg, params={"method": method, "gap": gap, "node_limit": node_limit,
                                                     "time_limit": time_limit, "method_used": used})


# -- two products: Proposition 1 --------------------------------------------------------

@dataclass(frozen=True, repr=False)
class TwoProductMechanisms(Result):
    """The three mechanisms of Proposition 1's proof (two products).

    M1 / M2: no information, only product 1 / 2 offered at its prior mean. M3:
    horizontal disclosure with ``p_1 = nu_1(s_1)`` and
    ``p_2 = nu_2(s_2) - max(0, nu_1(s_2) - nu_1(s_1))``, products labelled so that
    ``nu_2(s_2) >= nu_1(s_1)``.

    Attributes
    ----------
    m1, m2, m3 : DesignEvaluation
    welfare : float
    relabelled : bool
        Whether the products were swapped to make ``nu_2(s_2) >= nu_1(s_1)`` (the
        evaluations are always in the original labelling).

    References
    ----------
    CLW, Proposition 1 and its proof (Appendix A.4).

    Examples
    --------
    >>> import infopricing as ip
    >>> t = ip.two_product_mechanisms(ip.catalog.clw_example1())
    >>> t.relabelled, max(t.m1.revenue, t.m2.revenue, t.m3.revenue) >= 2 / 3 * t.welfare
    (True, True)
    """

    m1: DesignEvaluation
    m2: DesignEvaluation
    m3: DesignEvaluation
    welfare: float
    relabelled: bool

    @property
    def total_revenue(self) -> float:
        return self.m1.revenue + self.m2.revenue + self.m3.revenue

    @property
    def best(self) -> DesignEvaluation:
        return max((self.m1, self.m2, self.m3), key=lambda e: e.revenue)

    @property
    def ratio(self) -> float:
        """Best of the three over OPT-Wel."""
        return 1.0 if self.welfare <= 0 else self.best.revenue / self.welfare

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Each design verifies; ``Rev(M1) + Rev(M2) + Rev(M3) >= 2 OPT-Wel`` and hence
        the best is at least 2/3 of OPT-Wel."""
        no_exact(self, exact)
        fails, worst = [], 0.0
        for name, e in (("M1", self.m1), ("M2", self.m2), ("M3", self.m3)):
            v = e.verify(atol=atol)
            fails += [f"{name}: {x}" for x in v.failures]
            worst = max(worst, v.max_violation)
        scale = max(1.0, self.welfare)
        if self.total_revenue < 2 * self.welfare - atol * scale:
            fails.append(f"Rev(M1)+Rev(M2)+Rev(M3) = {self.total_revenue} < 2 OPT-Wel = {2 * self.welfare}")
        return Verification(ok=not fails, failures=tuple(fails), max_violation=worst)


def two_product_mechanisms(dist: ValueDistribution) -> TwoProductMechanisms:
    """Mechanisms M1, M2, M3 of Proposition 1's proof and their revenues.

    References
    ----------
    CLW, Proposition 1 (Appendix A.4).

    Examples
    --------
    CLW Example 1: selling only product 1 at its prior mean earns 4.4, only product 2
    earns 4.2, and M3 earns 4.4; the best is at least 2/3 of the welfare 5.6
    (Proposition 1):

    >>> import infopricing as ip
    >>> t = ip.two_product_mechanisms(ip.catalog.clw_example1())
    >>> [round(m.revenue, 4) for m in (t.m1, t.m2, t.m3)], round(t.welfare, 4)
    ([4.4, 4.2, 4.4], 5.6)
    """
    _check_dist(dist)
    if dist.n_products != 2:
        raise ValueError(f"two_product_mechanisms needs exactly 2 products, got {dist.n_products}")
    none = Signal.no_information(dist)
    m1 = evaluate_design(dist, none, [dist.mean[0], np.inf])
    m2 = evaluate_design(dist, none, [np.inf, dist.mean[1]])
    hd = horizontal_disclosure(dist)
    r = hd.probabilities
    nu = hd.posterior_means
    # label so that nu_2(s_2) >= nu_1(s_1)  (product "a" plays 1, "b" plays 2)
    d11 = nu[0, 0] if r[0] > 0 else -np.inf
    d22 = nu[1, 1] if r[1] > 0 else -np.inf
    swap = d11 > d22
    a, b = (1, 0) if swap else (0, 1)
    prices = np.full(2, np.inf)
    if r[a] > 0:
        prices[a] = nu[a, a]
    if r[b] > 0:
        pen = max(0.0, nu[b, a] - nu[a, a]) if r[a] > 0 else 0.0
        prices[b] = nu[b, b] - pen
    m3 = evaluate_design(dist, hd.signal, prices)
    return TwoProductMechanisms(m1=m1, m2=m2, m3=m3, welfare=optimal_welfare(dist), relabelled=bool(swap))
