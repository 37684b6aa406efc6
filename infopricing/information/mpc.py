"""Optimisation over mean-preserving contractions (the convex order) on a grid.

Given a prior ``F`` (finite, support points ``v_k``) and a grid ``y_1 < ... < y_M`` that
contains the prior's support, the distributions ``G`` on the grid that are
mean-preserving contractions of ``F`` (``F`` is a mean-preserving spread of ``G``;
equivalently ``G`` is the distribution of the interim expected value ``E[v | signal]``
for some signal whose posterior means lie on the grid) form a polytope. This module
optimises a linear objective ``sum_j obj[j] g[j]`` over it, with optional extra linear
constraints on ``g`` (e.g. "price p is optimal for the seller").

Two equivalent formulations are offered:

``"transport"``
    A plan ``T[k, j] >= 0`` sending prior mass at ``v_k`` to posterior mean ``y_j``:
    rows ``sum_j T[k, j] = f[k]`` and the martingale condition
    ``sum_k T[k, j] (v_k - y_j) = 0``; then ``g[j] = sum_k T[k, j]``. The plan *is* the
    signal (it is returned).
``"cdf"``
    The integrated-CDF characterisation: same mean and
    ``E[(x - Y)^+] <= E[(x - V)^+]`` at every grid point ``x`` (enough because both
    sides are piecewise linear with kinks on the grid). Sparse, with ``3M`` variables,
    so it scales to fine grids.

``"auto"`` uses the CDF formulation unless the plan is asked for (``return_plan=True``):
measured (``benchmarks/bench_information.py``, section 1b) the CDF LP is never slower
beyond timing noise and 4-370 times faster from 20 grid points up (40 transport plan
entries per grid point's worth of rows), with the same optimal value.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

from .. import tolerances as tol
from ..lp import Status
from ..lp.exact_certificate import solve_lp_recorded
from ..model._validate import frozen, real_array
from ..verify import Checker, Verification
from .prior import Prior, as_prior, strictly_increasing
from ..verify.protocol import Result

__all__ = ["MPCResult", "mpc_optimize", "is_mean_preserving_contraction",
           "price_optimality_constraints", "integrated_cdf"]

TRANSPORT_MAX = 250_000
"""Largest number of plan entries for which ``formulation="auto"`` builds the transport LP
when the plan is asked for (``return_plan=True``); above it the request is refused (a
plan that large is slower than the CDF LP by three orders of magnitude, see the module
docstring) and ``formulation="transport"`` must be named explicitly."""


def integrated_cdf(values, probs, x) -> np.ndarray:
    """``E[(x - V)^+]`` for a finite distribution, at each point of ``x`` (kernel).

    References
    ----------
    Rothschild & Stiglitz (1970) (the convex order); used by BBM25, Theorems 2 and 3, and
    Roesler & Szentes (2017).
    """
    from ..model._validate import probability_vector

    values = real_array(values, "values", ndim=1)
    probs = probability_vector(probs, "probs", size=values.size)
    x = real_array(x, "x").ravel()
    return np.maximum(x[:, None] - np.asarray(values)[None, :], 0.0) @ np.asarray(probs)


def is_mean_preserving_contraction(g_values, g_probs, f_values, f_probs,
                                   atol: float = tol.FEAS) -> tuple[bool, float]:
    """Whether G is a mean-preserving contraction of F (finite distributions).

    Checks equal means and ``E[(x - Y)^+] <= E[(x - V)^+]`` at every support point of
    either distribution (both sides are piecewise linear with kinks only there).

    Returns
    -------
    (ok, violation) : (bool, float)
        ``violation`` is the largest excess of G's integrated CDF over F's, or the mean
        difference, whichever is larger.

    References
    ----------
    Rothschild & Stiglitz (1970); BBM25, Appendix A3 (the condition as used there).

    Examples
    --------
    >>> import infopricing as ip
    >>> ip.is_mean_preserving_contraction([2.6], [1.0], [1, 2, 5], [0.3, 0.4, 0.3])[0]
    True
    """
    from ..model._validate import check_tolerance, probability_vector

    gv = real_array(g_values, "g_values", ndim=1)
    gp = probability_vector(g_probs, "g_probs", size=gv.size)
    fv = real_array(f_values, "f_values", ndim=1)
    fp = probability_vector(f_probs, "f_probs", size=fv.size)
    check_tolerance(atol, "atol")
    pts = np.union1d(gv, fv)
    excess = integrated_cdf(gv, gp, pts) - integrated_cdf(fv, fp, pts)
    mean_gap = abs(gv @ gp - fv @ fp)
    viol = float(max(excess.max(initial=0.0), mean_gap))
    return viol <= atol, viol


def price_optimality_constraints(grid, price: float, cost: float = 0.0, candidates=None):
    """Rows saying "``price`` is an optimal seller price" for a pmf ``g`` on ``grid``.

    For every candidate price ``q`` (default: grid points at or above the cost):
    ``(price - c) P(Y >= price) - (q - c) P(Y >= q) >= 0``, linear in ``g``. Ties are
    resolved in favour of ``price`` (the seller charges it when indifferent).

    Returns
    -------
    (A, lower, upper) : (ndarray (r, M), ndarray, ndarray)

    References
    ----------
    BBM25, section III.B (the seller's pricing constraint in Roesler-Szentes).
    """
    y = np.asarray(grid, dtype=float)
    q = y[y >= cost] if candidates is None else np.asarray(candidates, dtype=float)
    q = q[q != price]
    A = (price - cost) * (y[None, :] >= price) - (q[:, None] - cost) * (y[None, :] >= q[:, None])
    return A.astype(float), np.zeros(q.size), np.full(q.size, np.inf)


@dataclass(frozen=True, eq=False, repr=False)
class MPCResult(Result):
    """Optimum of a linear objective over mean-preserving contractions on a grid.

    Attributes
    ----------
    value : float
        Optimal objective value.
    grid : ndarray (M,)
    distribution : ndarray (M,)
        The optimal ``g`` (pmf of G on the grid).
    plan : ndarray (K, M) or None
        Transport plan (prior support point -> posterior mean) when the transport
        formulation was used: ``plan[k] / f[k]`` is the signal's distribution of
        posterior means given value ``v_k``.
    prior : Prior
    objective : ndarray (M,)
    constraints : tuple
        The extra ``(A, lower, upper)`` constraints.
    formulation : str
    status : Status

    References
    ----------
    BBM25, section III (value garbling) and Appendix A3; Roesler & Szentes (2017).

    Examples
    --------
    >>> import infopricing as ip
    >>> prior = ip.catalog.bbm25_example1_residual()
    >>> r = ip.mpc_optimize(prior, lambda x: (x - 3).clip(0), grid=[1, 2.25, 3, 4],
    ...                     sense="min", return_plan=True)
    >>> r.plan.round(4).tolist()     # rows: prior values 1, 3, 4; columns: the grid
    [[0.15, 0.35, 0.0, 0.0], [0.0, 0.0, 0.25, 0.0], [0.0, 0.25, 0.0, 0.0]]
    """

    value: float
    grid: np.ndarray
    distribution: np.ndarray
    plan: np.ndarray | None
    prior: Prior
    objective: np.ndarray
    constraints: tuple
    formulation: str
    status: Status
    #: the convex-order LP as solved (for ``verify(exact=True)`` and ``exact_certificate()``)
    lp_record: object = field(default=None, repr=False)

    @property
    def mean(self) -> float:
        return float(self.grid @ self.distribution)

    def exact_certificate(self, backend: str = "auto"):
        """Exact optimality certificate of the convex-order LP as solved (the
        ``formulation``'s variables; ``.to_json(path)`` exports it for
        ``infopricing/verify/check_certificate.py``). Without extra constraints or
        ``optimal_price`` the LP is the one of the model's exact numbers (prior, grid and
        objective read by :mod:`infopricing.exact_numbers`), and the exported problem names
        the builder ``convex-order`` by which the checker rebuilds it; with them the
        certificate is of the LP as the solver saw it (floats read exactly)."""
        from ..verify.exact_lp import export_certificate

        ex = (self.lp_record.exact or {}).get("model") if self.lp_record is not None else None
        pair = lambda q: [q.numerator, q.denominator]
        data = {"grid": self.grid, "objective": self.objective,
                "prior_values": self.prior.values, "prior_probabilities": self.prior.probabilities}
        if ex is not None:  # the plain LP: the checker rebuilds it from these exact numbers
            data = {"builder": "convex-order", **{key: [pair(q) for q in ex[key]] for key in
                    ("prior_values", "prior_probabilities", "grid", "objective")},
                    "sense": self.lp_record.sense}
        return export_certificate(self.lp_record, "convex order (mpc_optimize)", {
            **data, "formulation": self.formulation}, backend=backend,
            reported={"value": self.value}, claims={"value": lambda obj, problem: obj})

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check: ``g`` is a pmf, a mean-preserving contraction of the prior, the
        extra constraints hold, the value is the objective at ``g``; for a transport
        plan also its marginals and the martingale condition. ``exact=True`` adds the
        LP's exact optimality certificate (rational primal and dual with equal values;
        fails, saying so, when it cannot be completed)."""
        ck = Checker()
        g, y = self.distribution, self.grid
        ck.check("distribution non-negative", -g.min(), atol)
        ck.check("distribution sums to one", abs(g.sum() - 1.0), atol)
        ok, viol = is_mean_preserving_contraction(y, g, self.prior.values, self.prior.probabilities, atol)
        ck.check("mean-preserving contraction of the prior (convex order)", viol, atol)
        for i, (A, lo, hi) in enumerate(self.constraints):
            act = np.asarray(A @ g).ravel()
            ck.check(f"extra constraint block {i}",
                     max(np.max(lo - act, initial=0.0), np.max(act - hi, initial=0.0)), atol)
        ck.check("value equals the objective at the distribution", abs(self.objective @ g - self.value), atol)
        if self.plan is not None:
            T = self.plan
            f = self.prior.probabilities[self.prior.probabilities > 0]
            v = self.prior.values[self.prior.probabilities > 0]
            ck.check("plan non-negative", -T.min(), atol)
            ck.check("plan's first marginal is the prior", np.abs(T.sum(axis=1) - f).max(), atol)
            ck.check("plan's second marginal is the distribution", np.abs(T.sum(axis=0) - g).max(), atol)
            ck.check("martingale: posterior means on the grid", np.abs(v @ T - y * T.sum(axis=0)).max(), atol)
        if exact:
            from ..verify.exact_lp import exact_branch

            return exact_branch(ck.report(), [("convex-order LP", self.lp_record, self.value)], atol=atol)
        return ck.report()

    def as_dict(self) -> dict:
        return {"value": self.value, "status": str(self.status.value), "formulation": self.formulation,
                "grid": self.grid, "distribution": self.distribution, "mean": self.mean}


def _grid(prior: Prior, grid) -> np.ndarray:
    if grid is None:
        return prior.values
    y = strictly_increasing(grid, "grid")
    supp = prior.support
    idx = np.searchsorted(y, supp)
    idx = np.clip(idx, 0, y.size - 1)
    near = np.minimum(np.abs(y[idx] - supp), np.abs(y[np.maximum(idx - 1, 0)] - supp))
    scale = max(1.0, float(np.abs(y).max()))
    missing = supp[near > tol.EQUAL * scale]
    if missing.size:
        raise ValueError(f"grid must contain the prior's support; missing {missing[:5].tolist()}"
                         + (" ..." if missing.size > 5 else ""))
    return y


def _constraints(constraints, M):
    out = []
    for i, c in enumerate(constraints or ()):
        if not (isinstance(c, tuple) and len(c) == 3):
            raise TypeError(f"constraints[{i}] must be a tuple (A, lower, upper)")
        A, lo, hi = c
        A = sp.csr_matrix(A, dtype=float)
        if A.shape[1] != M:
            raise ValueError(f"constraints[{i}]: A must have {M} columns (one per grid point), got {A.shape[1]}")
        r = A.shape[0]
        lo = np.broadcast_to(np.asarray(lo, dtype=float), (r,)).copy()
        hi = np.broadcast_to(np.asarray(hi, dtype=float), (r,)).copy()
        out.append((A, lo, hi))
    return tuple(out)


def mpc_optimize(prior, objective, grid=None, constraints=(), sense: str = "max",
                 formulation: str = "auto", size: int = 200, optimal_price=None,
                 return_plan: bool = False) -> MPCResult:
    """Optimise ``sum_j objective[j] g[j]`` over mean-preserving contractions G of a prior.

    Parameters
    ----------
    prior : Prior, ``(values, probabilities)`` or frozen continuous ``scipy.stats``
        distribution with bounded support (discretised into ``size`` cells).
    objective : array_like (M,) or callable
        Coefficients per grid point, or a function of the grid array returning them.
    grid : array_like (M,), optional
        Strictly increasing points for G's support; must contain the prior's support.
        Default: the prior's support points.
    constraints : sequence of ``(A, lower, upper)``
        Extra linear constraints ``lower <= A @ g <= upper``, ``A`` of shape (r, M)
        (dense or sparse); see :func:`price_optimality_constraints`.
    sense : {"max", "min"}
    formulation : {"auto", "transport", "cdf"}
        See the module docstring; both give the same optimal value. ``"auto"``: the CDF
        LP, or the transport LP when ``return_plan`` (the plan is the signal).
    size : int
        Cells when ``prior`` is a continuous distribution.
    optimal_price : (price, cost), optional
        Also require that ``price`` is an optimal seller price under G with marginal
        cost ``cost`` (same rows as :func:`price_optimality_constraints`, built sparsely
        on the CDF variables in the ``"cdf"`` formulation).

    Returns
    -------
    MPCResult
        ``status`` is ``Status.INFEASIBLE`` (and ``distribution`` all ``nan``) when the
        extra constraints cannot be met; any other non-optimal solver outcome raises.

    References
    ----------
    BBM25, section III (value garblings) and Appendix A3 (convex-order constraint);
    Roesler & Szentes (2017).

    Examples
    --------
    BBM25 Example 1's residual (values 1, 3, 4 with probabilities 1/2, 1/4, 1/4) and the
    convex objective E[max(v - 3, 0)]: the prior itself is a maximiser (its value, by hand,
    (4 - 3) / 4 = 1/4) and pooling everything at the mean 2.25 is the minimiser (value 0):

    >>> import infopricing as ip
    >>> prior = ip.catalog.bbm25_example1_residual()
    >>> g = lambda x: (x - 3).clip(0)
    >>> round(ip.mpc_optimize(prior, g, grid=[1, 2.25, 3, 4]).value, 4)
    0.25
    >>> r = ip.mpc_optimize(prior, g, grid=[1, 2.25, 3, 4], sense="min")
    >>> round(r.value, 4), r.distribution.round(4).tolist(), r.verify().ok
    (0.0, [0.0, 1.0, 0.0, 0.0], True)
    """
    from ..errors import SolverError

    pr = as_prior(prior, size=size)
    y = _grid(pr, grid)
    M = y.size
    c = objective(y) if callable(objective) else objective
    c = real_array(c, "objective", ndim=1)
    if c.size != M:
        raise ValueError(f"objective must have one entry per grid point ({M}), got {c.size}")
    if sense not in ("max", "min"):
        raise ValueError(f"sense must be 'max' or 'min', got {sense!r}")
    if formulation not in ("auto", "transport", "cdf"):
        raise ValueError(f"formulation must be 'auto', 'transport' or 'cdf', got {formulation!r}")
    cons = _constraints(constraints, M)
    if optimal_price is not None:
        p_opt, c_opt = (float(t) for t in optimal_price)
    pos = pr.probabilities > 0
    v, f = pr.values[pos], pr.probabilities[pos]
    K = v.size
    if not isinstance(return_plan, (bool, np.bool_)):
        raise TypeError(f"return_plan must be a bool, got {type(return_plan).__name__}")
    if return_plan and formulation == "cdf":
        raise ValueError("return_plan=True needs formulation 'transport' or 'auto' (the CDF LP has no plan)")
    if formulation == "auto":
        if return_plan and K * M > TRANSPORT_MAX:
            raise ValueError(f"return_plan=True: the plan would have {K * M} entries, more than "
                             f"TRANSPORT_MAX = {TRANSPORT_MAX}; pass formulation='transport' to build it anyway")
        formulation = "transport" if return_plan else "cdf"
    if formulation == "transport":
        if optimal_price is not None:
            cons_lp = cons + _constraints([price_optimality_constraints(y, p_opt, c_opt)], M)
        else:
            cons_lp = cons
        res, g, plan, rec = _solve_transport(v, f, y, c, cons_lp, sense)
    else:
        res, g, rec = _solve_cdf(v, f, y, c, cons, sense,
                            None if optimal_price is None else (p_opt, c_opt))
        plan = None
    if not cons and optimal_price is None:  # the plain convex-order LP: its exact model data
        rec = dataclasses.replace(rec, exact=_exact_lp_data(v, f, y, c, formulation))
    if optimal_price is not None:
        cons = cons + _constraints([price_optimality_constraints(y, p_opt, c_opt)], M)
    if res.status in (Status.INFEASIBLE, Status.INFEASIBLE_OR_UNBOUNDED):
        nan = np.full(M, np.nan)
        return MPCResult(float("nan"), frozen(y), frozen(nan), None, pr, frozen(c), cons,
                         formulation, Status.INFEASIBLE)
    if res.status is not Status.OPTIMAL:
        raise SolverError(f"convex-order LP not solved to optimality: {res.status.value} ({res.message})")
    g = np.clip(g, 0.0, None)
    return MPCResult(float(c @ g), frozen(y), frozen(g), None if plan is None else frozen(plan),
                     pr, frozen(c), cons, formulation, res.status, lp_record=rec)


def _stack_extra(cons, n_before, M, n_after):
    """Place the extra constraint blocks on the g columns of a larger variable vector."""
    blocks, lo, hi = [], [], []
    for A, l, h in cons:
        r = A.shape[0]
        blocks.append(sp.hstack([sp.csr_matrix((r, n_before)), A, sp.csr_matrix((r, n_after))]))
        lo.append(l)
        hi.append(h)
    return blocks, lo, hi


def _solve_transport(v, f, y, c, cons, sense):
    K, M = v.size, y.size
    N = K * M  # plan T[k, j] at k * M + j, then g (M)
    kk = np.repeat(np.arange(K), M)
    jj = np.tile(np.arange(M), K)
    A_marg = sp.csr_matrix((np.ones(N), (kk, np.arange(N))), shape=(K, N + M))
    A_mart = sp.csr_matrix((v[kk] - y[jj], (jj, np.arange(N))), shape=(M, N + M))
    # link: g_j - sum_k T[k, j] = 0
    A_link = sp.hstack([sp.csr_matrix((-np.ones(N), (jj, np.arange(N))), shape=(M, N)),
                        sp.identity(M, format="csr")])
    extra, elo, ehi = _stack_extra(cons, N, M, 0)
    A = sp.vstack([A_marg, A_mart, A_link] + extra).tocsc()
    lo = np.concatenate([f, np.zeros(M), np.zeros(M)] + elo)
    hi = np.concatenate([f, np.zeros(M), np.zeros(M)] + ehi)
    obj = np.concatenate([np.zeros(N), c])
    res, rec = solve_lp_recorded(obj, A, lo, hi, sense=sense)
    T = res.x[:N].reshape(K, M) if res.x.size else None
    g = res.x[N:] if res.x.size else None
    if T is not None:
        T = np.clip(T, 0.0, None)
        g = T.sum(axis=0)
    return res, g, T, rec


def _solve_cdf(v, f, y, c, cons, sense, optimal_price=None):
    M = y.size
    phi = integrated_cdf(v, f, y)  # E[(y_j - V)^+]
    # variables: g (M), C (M) = cdf at y_j, H (M) = E[(y_j - Y)^+]
    gi, Ci, Hi = np.arange(M), M + np.arange(M), 2 * M + np.arange(M)
    j = np.arange(M)
    j1 = np.arange(1, M)
    d = np.diff(y)
    # rows 0..M-1:  C_j - C_{j-1} - g_j = 0  (C_{-1} = 0)
    # rows M..2M-2: H_j - H_{j-1} - (y_j - y_{j-1}) C_{j-1} = 0, j >= 1
    rows = np.concatenate([j, j, j1, M - 1 + j1, M - 1 + j1, M - 1 + j1])
    cols = np.concatenate([Ci[j], gi[j], Ci[j1 - 1], Hi[j1], Hi[j1 - 1], Ci[j1 - 1]])
    vals = np.concatenate([np.ones(M), -np.ones(M), -np.ones(M - 1), np.ones(M - 1),
                           -np.ones(M - 1), -d])
    r = 2 * M - 1
    A_core = sp.csr_matrix((vals, (rows, cols)), shape=(r, 3 * M))
    extra, elo, ehi = _stack_extra(cons, 0, M, 2 * M)
    if optimal_price is not None:
        # (p - c) D(p) - (q - c) D(q) >= 0 with D(y_i) = 1 - C_{i-1} (D(y_0) = 1)
        p, cc = optimal_price
        ip = int(np.searchsorted(y, p - tol.EQUAL * max(1.0, abs(p))))
        qi = np.flatnonzero((y >= cc) & (np.arange(M) != ip))
        nq = qi.size
        rr = np.concatenate([np.arange(nq) if ip > 0 else np.zeros(0, int), np.arange(nq)[qi > 0]])
        cols_p = np.full(nq, Ci[ip - 1]) if ip > 0 else np.zeros(0, int)
        cc_ = np.concatenate([cols_p, Ci[qi[qi > 0] - 1]])
        vv = np.concatenate([np.full(nq, -(p - cc)) if ip > 0 else np.zeros(0),
                             (y[qi[qi > 0]] - cc)])
        extra.append(sp.csr_matrix((vv, (rr, cc_)), shape=(nq, 3 * M)))
        # constant part: (p - c) - (q - c) moved to the bounds
        elo.append(-((p - cc) - (y[qi] - cc)))
        ehi.append(np.full(nq, np.inf))
    A = sp.vstack([A_core] + extra).tocsc()
    lo = np.concatenate([np.zeros(r)] + elo)
    hi = np.concatenate([np.zeros(r)] + ehi)
    col_lo = np.zeros(3 * M)
    col_hi = np.concatenate([np.full(M, np.inf), np.full(M, np.inf), phi])
    col_lo[Ci[-1]] = col_hi[Ci[-1]] = 1.0          # total mass one
    col_lo[Hi[-1]] = phi[-1]                        # equal means (given mass one)
    col_hi[Hi[0]] = 0.0
    obj = np.concatenate([c, np.zeros(2 * M)])
    res, rec = solve_lp_recorded(obj, A, lo, hi, col_lo, col_hi, sense=sense)
    g = res.x[:M] if res.x.size else None
    return res, g, rec


def _exact_lp_data(v, f, y, c, formulation) -> dict:
    """The plain convex-order LP (no extra rows) in the model's exact numbers, for the exact
    certificate: ``A_exact``, ``c_exact``, ``bounds_exact`` of
    :func:`~infopricing.lp.exact_certificate.rational_lp` and the exact ``model``.

    Prior values, grid and objective are read by :mod:`infopricing.exact_numbers`; a prior
    value that :func:`_grid` matched to a grid point (within ``tol.EQUAL``) is that grid
    point's number, so the prior's support lies exactly on the grid; the masses are divided
    by their exact sum (an exact distribution)."""
    from fractions import Fraction

    from ..exact_numbers import exact_array

    Y, C, P = exact_array(y), exact_array(c), exact_array(f)
    s = sum(P, Fraction(0))
    P = [p / s for p in P]
    scale = max(1.0, float(np.abs(y).max()))
    V = []
    for vk, q in zip(v.tolist(), exact_array(v)):
        j = int(np.argmin(np.abs(y - vk)))
        V.append(Y[j] if abs(y[j] - vk) <= tol.EQUAL * scale else q)
    K, M = len(V), len(Y)
    model = {"prior_values": V, "prior_probabilities": P, "grid": Y, "objective": C}
    A: dict = {}
    if formulation == "transport":
        N = K * M
        for k in range(K):
            for j in range(M):
                A[(k, k * M + j)] = Fraction(1)
                if V[k] != Y[j]:
                    A[(K + j, k * M + j)] = V[k] - Y[j]
                A[(K + M + j, k * M + j)] = Fraction(-1)
        for j in range(M):
            A[(K + M + j, N + j)] = Fraction(1)
        zeros = [Fraction(0)] * (2 * M)
        return {"A_exact": A, "c_exact": [Fraction(0)] * N + C, "model": model,
                "bounds_exact": {"row_lower": P + zeros, "row_upper": P + zeros}}
    phi = [sum((p * (yj - vk) for vk, p in zip(V, P) if yj > vk), Fraction(0)) for yj in Y]
    for j in range(M):  # C_j - C_{j-1} - g_j = 0
        A[(j, M + j)] = Fraction(1)
        A[(j, j)] = Fraction(-1)
        if j:
            A[(j, M + j - 1)] = Fraction(-1)
    for j in range(1, M):  # H_j - H_{j-1} - (y_j - y_{j-1}) C_{j-1} = 0
        r = M - 1 + j
        A[(r, 2 * M + j)] = Fraction(1)
        A[(r, 2 * M + j - 1)] = Fraction(-1)
        A[(r, M + j - 1)] = -(Y[j] - Y[j - 1])
    lo = [Fraction(0)] * (3 * M)
    hi = [None] * (2 * M) + list(phi)
    lo[2 * M - 1] = hi[2 * M - 1] = Fraction(1)
    lo[3 * M - 1] = phi[-1]
    hi[2 * M] = Fraction(0)
    zeros = [Fraction(0)] * (2 * M - 1)
    return {"A_exact": A, "c_exact": C + [Fraction(0)] * (2 * M), "model": model,
            "bounds_exact": {"row_lower": zeros, "row_upper": zeros, "col_lower": lo,
                             "col_upper": hi}}
