"""Lottery mechanisms: the true optimum OPT-Rev of the joint design, and the baseline
with exogenous (full) information.

OPT-Rev is a bilinear program (signals x menu items). By the revelation principle each
signal recommends one menu item; fixing the menu, the information is a persuasion
problem with ``n`` states, whose optimum needs at most ``n`` signals (Caratheodory /
Kamenica-Gentzkow), so a menu of ``K = n`` items (one may be the null item) suffices::

    max  sum_k tau_k M_k
    s.t. sum_k pi(t, k) = f(t);   M_k = sum_t pi(t, k);   N_ki = sum_t pi(t, k) v_ti
         N_k . x_k - tau_k M_k >= N_k . x_l - tau_l M_k     (obedience, k != l)
         N_k . x_k - tau_k M_k >= 0                         (IR)
         x_k >= 0, sum_i x_ki <= 1, 0 <= tau_k <= max v,  M_1 >= M_2 >= ... (symmetry)

SCIP (optional extra ``global``) solves it to global optimality with a proven bound. The
design returned is always rebuilt with exact-feasible LPs (fix the signal: the core menu
LP on the posterior types; fix the menu: the persuasion LP) and verified.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import tolerances as tol
from ..lp.bilinear import BilinearRows, global_solver_available, solve_bilinear
from .._progress import check_progress
from ..model import Environment
from ..screening import Verification, optimal_mechanism
from .design import DesignEvaluation, Menu, evaluate_design
from .distribution import ValueDistribution, _check_dist, optimal_welfare
from .best_response import optimal_information
from .signals import Signal
from ..verify.protocol import Result, no_exact

#: ``method="auto"`` sends instances with at most this many bilinear products to SCIP.
GLOBAL_TERMS_LIMIT = 200

from ..limits import NODE_LIMIT  # noqa: E402  (default node limit of OPT-Rev's global solve)

#: SCIP nodes per cell of ``formulation="cells"`` before the cell is split in four.
CELL_NODE_LIMIT = 400


def optimal_menu_for_signal(dist: ValueDistribution, signal: Signal) -> DesignEvaluation:
    """Fix the information structure; the revenue-optimal lottery menu for it.

    Each signal of positive probability is a type whose values are its posterior means;
    the menu is the core IC-IR lottery-menu LP (:func:`~infopricing.optimal_mechanism`)
    over those types, products as alternatives.

    References
    ----------
    CLW, section 2 (mechanisms on posterior means); HS, section 4 (menu LP).
    """
    _check_dist(dist)
    if not isinstance(signal, Signal):
        signal = Signal(dist, signal)
    r = signal.probabilities
    live = np.flatnonzero(r > 0)
    env = Environment(signal.posterior_means[live], alternatives=dist.products)
    mech = optimal_mechanism(env, r[live] / r[live].sum())
    pay = np.asarray(mech.payments, dtype=float)
    if np.any(pay < -tol.FEAS * max(1.0, float(dist.values.max()))):
        raise ValueError("menu LP returned a negative payment")  # pragma: no cover
    alloc = np.clip(np.asarray(mech.allocation, dtype=float), 0.0, 1.0)
    s = alloc.sum(axis=1)
    alloc = np.where(s[:, None] > 1.0, alloc / np.maximum(s, 1.0)[:, None], alloc)
    menu = Menu(alloc, np.maximum(pay, 0.0), labels=[f"item for {signal.labels[j]}" for j in live])
    return evaluate_design(dist, signal, menu)


def exogenous_baseline(dist: ValueDistribution) -> DesignEvaluation:
    """The buyer fully informed of his values (exogenous information): the best lottery
    menu, each value profile a type and each product an alternative (Hart-Nisan regime).

    References
    ----------
    CLW, section 1 and Proposition 4 (Hart and Nisan, 2019); HS, section 4 (menu LP).
    """
    return optimal_menu_for_signal(dist, Signal.full_revelation(dist))


@dataclass(frozen=True, repr=False)
class JointDesign(Result):
    """The revenue-optimal joint design (OPT-Rev) with a certificate.

    Attributes
    ----------
    revenue : float
    evaluation : DesignEvaluation
        The verified design (signal + lottery menu).
    upper_bound : float
        Proven bound: the global solver's bound capped by OPT-Wel (OPT-Wel alone without
        the global solver).
    proven_optimal : bool
        ``upper_bound - revenue <= GLOBAL_GAP * max(1, upper_bound)``.
    welfare : float
        OPT-Wel.
    pricing_revenue : float
        The best pricing mechanism's revenue (a lower bound used as the start).
    method : str
        ``"global"``, ``"heuristic"``, ``"welfare bound"`` (the design extracts OPT-Wel,
        so OPT-Wel proves it optimal without a global solve) or ``"enumeration"`` (two
        profiles: the exact optimum of :mod:`~infopricing.disclosure.two_profile`, gap 0
        up to rounding, no global solve).
    solver_message : str
    params : dict
        What was used: method, formulation, number of signals, the solver's gap, node
        limit and time limit (``None``: none), and what the solver reported (status,
        nodes, bound).

    References
    ----------
    CLW, section 2 (OPT-Rev), Example 2, Lemma 2.

    Examples
    --------
    >>> import infopricing as ip
    >>> r = ip.optimal_design(ip.catalog.clw_example4(0.1))       # CLW Example 4
    >>> round(r.pricing_revenue, 4), str(r.status), r.verify().ok  # pricing is optimal here
    (1.9, 'optimal', True)
    """

    revenue: float
    evaluation: DesignEvaluation
    upper_bound: float
    proven_optimal: bool
    welfare: float
    pricing_revenue: float
    method: str
    solver_message: str = ""
    params: dict = field(default_factory=dict)

    @property
    def menu(self) -> Menu:
        return self.evaluation.menu

    @property
    def signal(self) -> Signal:
        return self.evaluation.signal

    @property
    def lottery_gain(self) -> float:
        """``revenue - pricing_revenue``: what lotteries add over deterministic prices."""
        return self.revenue - self.pricing_revenue

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """The design verifies (Bayes plausibility, IC, IR, accounting) and
        ``pricing_revenue <= revenue <= upper_bound <= OPT-Wel`` (recomputed)."""
        no_exact(self, exact)
        v = self.evaluation.verify(atol=atol)
        fails = list(v.failures)
        scale = max(1.0, self.welfare)
        wel = optimal_welfare(self.evaluation.dist)
        err = abs(self.evaluation.revenue - self.revenue)
        if err > atol * scale:
            fails.append("revenue differs from the design's")
        order = max(self.pricing_revenue - self.revenue, self.revenue - self.upper_bound,
                    self.upper_bound - wel, 0.0)
        if order > atol * scale:
            fails.append("ordering pricing <= revenue <= upper bound <= OPT-Wel fails")
        worst = max(v.max_violation, err / scale, order / scale)   # relative, as the tolerance
        return Verification(ok=not fails, failures=tuple(fails), max_violation=worst)


def _alternate_lottery(dist, ev: DesignEvaluation, max_iter: int = 30) -> DesignEvaluation:
    best = ev
    for _ in range(max_iter):
        a = optimal_menu_for_signal(dist, best.signal)
        b = optimal_information(dist, a.menu)
        cand = max((a, b), key=lambda e: e.revenue)
        if cand.revenue <= best.revenue * (1 + tol.EQUAL) + tol.EQUAL:
            if cand.revenue > best.revenue:
                best = cand
            break
        best = cand
    return best


#: ``optimal_design(formulation=...)``: the programs OPT-Rev can be solved by
FORMULATIONS = ("auto", "scaled", "posterior", "cells", "cutoff")


def check_formulation(formulation, dist) -> None:
    """``ValueError`` unless ``formulation`` is one of :data:`FORMULATIONS` and fits ``dist``
    (``"cells"`` needs exactly three profiles)."""
    if formulation not in FORMULATIONS:
        raise ValueError(f"formulation must be one of {FORMULATIONS}, got {formulation!r}")
    if formulation == "cells" and dist.n_profiles != 3:
        raise ValueError(f"formulation='cells' needs exactly 3 profiles, got {dist.n_profiles}")


def _mass_cells(dist, best, cutoff_gap, node_limit, cell_nodes, progress):
    """Three signals: OPT-Rev by SCIP on cells of the masses (issue 18).

    The signals are sorted by mass, ``M_1 >= M_2 >= M_3``, so the masses lie in the
    triangle ``0 <= M_3 <= M_2 <= (1 - M_3) / 2``. Each cell, a box of ``(M_2, M_3)``,
    is one SCIP solve of the scaled program (module docstring) with those mass bounds and
    the row ``revenue >= cutoff`` (``cutoff = best * (1 + cutoff_gap)``), at most
    ``cell_nodes`` nodes: "infeasible" proves the cell's optimum below the cutoff; a
    solution above it is a better design (kept; the cutoff rises, closed cells stay
    closed); a node limit splits the cell in four. Why cells: with masses nearly fixed
    the program is bilinear only in (posterior, lottery) and SCIP closes it in about a
    hundred nodes, while the whole program has a continuum of optimal designs (a signal
    split in two with the same posterior, a signal of mass 0 with any item) on which its
    bound converges slowly. Deterministic: cells are visited in a fixed order and the
    total ``node_limit`` (None: none) stops the splitting; a cell left open then counts
    with its parent's bound.

    Returns ``(best, upper, stats, candidates)``: the best revenue found, a proven upper
    bound on OPT-Rev, a dict of counts, and the decoded solutions above the cutoff."""
    n, m = dist.values.shape
    K = 3
    value = best
    cands = []
    stack = [((0.0, 0.5, 0.0, 1.0 / 3.0), np.inf)]
    open_bound = -np.inf
    cells = nodes = closed = 0
    while stack:
        (a2, b2, a3, b3), parent = stack.pop()
        if a3 > b2 or 2 * a2 + a3 > 1.0:
            continue  # no sorted masses in this box
        if node_limit is not None and nodes >= node_limit:
            open_bound = max(open_bound, parent)
            continue
        lo = np.array([max(1.0 - b2 - b3, 0.0), a2, a3])
        hi = np.array([1.0 - a2 - a3, b2, b3])
        while True:
            cutoff = value * (1.0 + cutoff_gap) if value > 0 else cutoff_gap
            per = cell_nodes if node_limit is None else max(1, min(cell_nodes, node_limit - nodes))
            res, decode = _global_lottery(dist, K, None, None, 1e-9, mass_bounds=(lo, hi), cutoff=cutoff,
                                          node_limit=per)
            cells += 1
            nodes += res.nodes
            if progress is not None:
                progress(nodes, node_limit)
            if np.all(np.isfinite(res.x)) and np.isfinite(res.objective) and res.objective >= cutoff:
                cands.append(decode(res.x))
                value = max(value, float(res.objective))
                continue  # the same cell again under the higher cutoff
            break
        if res.message == "infeasible":
            closed += 1
            continue
        bound = float(res.bound) if np.isfinite(res.bound) else parent
        if node_limit is not None and nodes >= node_limit:
            open_bound = max(open_bound, min(bound, parent))
            continue
        m2, m3 = (a2 + b2) / 2, (a3 + b3) / 2
        for box in ((m2, b2, m3, b3), (a2, m2, m3, b3), (m2, b2, a3, m3), (a2, m2, a3, m3)):
            stack.append((box, min(bound, parent)))
    cutoff = value * (1.0 + cutoff_gap) if value > 0 else cutoff_gap
    upper = max(cutoff, open_bound)
    stats = {"cells": cells, "cells_closed": closed, "cell_node_limit": cell_nodes, "solver_nodes": nodes,
             "cutoff_gap": cutoff_gap, "open_bound": None if open_bound == -np.inf else open_bound}
    return value, upper, stats, cands


def _cutoff_proof(dist, best, cutoff_gap, node_limit, progress):
    """OPT-Rev by one SCIP solve of the scaled program (module docstring) under the row
    ``revenue >= cutoff``, ``cutoff = best * (1 + cutoff_gap)`` (issue 18, thirteenth
    session).

    "infeasible" proves OPT-Rev below the cutoff; a solution above it is a better design
    (kept; the cutoff rises and SCIP is run again on the nodes left); a node limit leaves
    ``max(cutoff, SCIP's bound)``. The same program as the default ``"scaled"`` solve, but
    as a feasibility question: SCIP propagates the revenue row into the bounds of the
    prices and masses, which on CLW Example 1 proves the cutoff in about 33,000 nodes
    (19,000 to 33,000 as the cutoff moves in its 11th digit), where the optimisation stops
    at 20,000 nodes with gap 9.4e-4 (benchmarks/README.md).
    Deterministic: node counts only, no clock; ``node_limit`` (None: none) is the total.

    Returns ``(best, upper, stats, candidates)`` as :func:`_mass_cells` does."""
    K = dist.n_profiles
    value = best
    cands = []
    nodes = solves = 0
    while True:
        cutoff = value * (1.0 + cutoff_gap) if value > 0 else cutoff_gap
        per = None if node_limit is None else max(1, node_limit - nodes)
        res, decode = _global_lottery(dist, K, None, None, 1e-9, cutoff=cutoff, node_limit=per)
        solves += 1
        nodes += res.nodes
        if progress is not None:
            progress(nodes, node_limit)
        found = np.all(np.isfinite(res.x)) and np.isfinite(res.objective) and res.objective >= cutoff
        if found:
            cands.append(decode(res.x))
            value = max(value, float(res.objective))
            if res.message != "optimal" and (node_limit is None or nodes < node_limit):
                continue  # again under the higher cutoff
        break
    if res.message == "infeasible":
        upper = cutoff
    else:
        upper = max(cutoff, float(res.bound) if np.isfinite(res.bound) else np.inf)
    stats = {"solves": solves, "solver_nodes": nodes, "cutoff_gap": cutoff_gap, "cutoff": cutoff,
             "cutoff_status": res.message}
    return value, upper, stats, cands


def _lottery_decoder(n, K, m, ix, it, vmax):
    """Read (pi, per-signal lotteries, per-signal prices) off a solution vector of either
    global formulation (both put pi first and x, tau at offsets ix, it)."""

    def decode(xv):
        pi = np.maximum(xv[: n * K].reshape(n, K), 0.0)
        xk = np.clip(xv[ix: ix + K * m].reshape(K, m), 0.0, 1.0)
        tk = np.clip(xv[it: it + K], 0.0, vmax)
        return pi, xk, tk

    return decode


def _ic_ir_rows(B: BilinearRows, K, m, imean, ix, k, ir_linear, ic_linear):
    """IR and IC rows of signal k's group: ``mean_k . x_k - tau_k ... >= 0`` against the
    outside option and every other item l, where ``mean_k`` are the columns at ``imean``
    (the group's value sums N_k or posterior means nu_k). ``ir_linear`` / ``ic_linear(l)``
    give the rows' linear entries; the price terms that are bilinear in one formulation
    are added by the caller through the returned row indices."""
    row_ir = B.add(ir_linear, 0.0, np.inf)
    for i in range(m):
        B.quad(row_ir, imean + k * m + i, ix + k * m + i, 1.0)
    rows_ic = {}
    for l in range(K):
        if l == k:
            continue
        row = B.add(ic_linear(l), 0.0, np.inf)
        for i in range(m):
            B.quad(row, imean + k * m + i, ix + k * m + i, 1.0)
            B.quad(row, imean + k * m + i, ix + l * m + i, -1.0)
        rows_ic[l] = row
    return row_ir, rows_ic


def _global_lottery(dist, K, start: DesignEvaluation | None, time_limit, gap, mass_bounds=None, cutoff=None,
                    **kw):
    n, m = dist.values.shape
    f = dist.probabilities
    V = dist.values
    vmax = float(V.max())
    # layout: pi (n*K) | M (K) | N (K*m) | x (K*m) | tau (K)
    ipi = 0
    iM = n * K
    iN = iM + K
    ix = iN + K * m
    it = ix + K * m
    Nv = it + K
    P = lambda t, k: ipi + t * K + k
    B = BilinearRows(Nv)
    for t in range(n):
        B.add([(P(t, k), 1.0) for k in range(K)], f[t], f[t])
    for k in range(K):
        B.add([(iM + k, 1.0)] + [(P(t, k), -1.0) for t in range(n)], 0.0, 0.0)
        for i in range(m):
            B.add([(iN + k * m + i, 1.0)] + [(P(t, k), -V[t, i]) for t in range(n) if V[t, i] != 0], 0.0, 0.0)
        B.add([(ix + k * m + i, 1.0) for i in range(m)], -np.inf, 1.0)
        # IR and IC on group sums: N_k . x - tau M_k (prices enter bilinearly)
        row_ir, rows_ic = _ic_ir_rows(B, K, m, iN, ix, k, [], lambda l: [])
        B.quad(row_ir, it + k, iM + k, -1.0)
        for l, row in rows_ic.items():
            B.quad(row, it + k, iM + k, -1.0)
            B.quad(row, it + l, iM + k, 1.0)
        # valid linear cuts: m_i M_k <= N_ki <= M_k max_t v_ti (posterior means in range);
        # revenue of the group <= its welfare bound sum_t pi(t,k) max_i v_ti
        for i in range(m):
            B.add([(iN + k * m + i, 1.0), (iM + k, -float(V[:, i].max()))], -np.inf, 0.0)
            B.add([(iN + k * m + i, 1.0), (iM + k, -float(V[:, i].min()))], 0.0, np.inf)
        row = B.add([(P(t, k), float(V[t].max())) for t in range(n)], 0.0, np.inf)
        B.quad(row, it + k, iM + k, -1.0)
        if k + 1 < K:  # symmetry breaking
            B.add([(iM + k, 1.0), (iM + k + 1, -1.0)], 0.0, np.inf)
    cl = np.zeros(Nv)
    cu = np.concatenate([np.repeat(f, K), np.ones(K), np.tile(np.maximum(V.max(axis=0), 0.0), K) + 0.0,
                         np.ones(K * m), np.full(K, vmax)])
    cu[iN:iN + K * m] = np.tile(f @ V, K)
    if mass_bounds is not None:  # one cell of the mass decomposition (_mass_cells)
        cl[iM:iM + K] = np.maximum(cl[iM:iM + K], mass_bounds[0])
        cu[iM:iM + K] = np.minimum(cu[iM:iM + K], mass_bounds[1])
    if cutoff is not None:  # revenue >= cutoff: "infeasible" proves the cell's optimum below it
        row = B.add([], float(cutoff), np.inf)
        for k in range(K):
            B.quad(row, it + k, iM + k, 1.0)
    obj = ([it + k for k in range(K)], [iM + k for k in range(K)], [1.0] * K)
    x0 = None
    if start is not None and cutoff is None:
        dec = _start_items(dist, start, K)
        if dec is not None:
            pi0, xk, tk = dec
            Mk = pi0.sum(axis=0)
            x0 = np.concatenate([pi0.ravel(), Mk, (pi0.T @ V).ravel(), xk.ravel(), np.minimum(tk, vmax)])
    res = solve_bilinear(np.zeros(Nv), B.matrix(), B.lower, B.upper, cl, cu, obj_quad=obj,
                         row_quad=B.row_quad, sense="max", time_limit=time_limit, gap=gap,
                         start=x0, feastol=tol.GLOBAL_FEAS, **kw)
    return res, _lottery_decoder(n, K, m, ix, it, vmax)


def _global_lottery_posterior(dist, K, start: DesignEvaluation | None, time_limit, gap, **kw):
    """Posterior form: signal k has mass M_k and posterior q_k in Delta(V); pi = M_k q_k.

    IC/IR are stated on posterior means (rows not scaled by signal masses, so the solver's
    absolute tolerance means what it says); the bilinear terms are pi(t,k) = M_k q_k(t),
    nu_k . x_l (IC) and tau_k M_k (revenue)."""
    n, m = dist.values.shape
    f = dist.probabilities
    V = dist.values
    vmax = float(V.max())
    # layout: pi (n*K) | M (K) | q (n*K) | nu (K*m) | x (K*m) | tau (K) | R (K)
    ipi, iM = 0, n * K
    iq = iM + K
    inu = iq + n * K
    ix = inu + K * m
    it = ix + K * m
    iR = it + K
    Nv = iR + K
    B = BilinearRows(Nv)
    for t in range(n):
        B.add([(ipi + t * K + k, 1.0) for k in range(K)], f[t], f[t])
    B.add([(iM + k, 1.0) for k in range(K)], 1.0, 1.0)
    obj_c = np.zeros(Nv)
    for k in range(K):
        B.add([(iM + k, 1.0)] + [(ipi + t * K + k, -1.0) for t in range(n)], 0.0, 0.0)
        B.add([(iq + t * K + k, 1.0) for t in range(n)], 1.0, 1.0)
        for t in range(n):  # pi(t,k) - M_k q(t,k) = 0
            row = B.add([(ipi + t * K + k, 1.0)], 0.0, 0.0)
            B.quad(row, iM + k, iq + t * K + k, -1.0)
        for i in range(m):
            B.add([(inu + k * m + i, 1.0)] + [(iq + t * K + k, -V[t, i]) for t in range(n) if V[t, i] != 0],
                  0.0, 0.0)
        B.add([(ix + k * m + i, 1.0) for i in range(m)], -np.inf, 1.0)
        # IR and IC on posterior means: nu_k . x - tau (prices linear here)
        _ic_ir_rows(B, K, m, inu, ix, k, [(it + k, -1.0)], lambda l: [(it + k, -1.0), (it + l, 1.0)])
        row = B.add([(iR + k, 1.0)], 0.0, 0.0)  # R_k = tau_k M_k
        B.quad(row, it + k, iM + k, -1.0)
        B.add([(iR + k, -1.0)] + [(ipi + t * K + k, float(V[t].max())) for t in range(n)], 0.0, np.inf)
        obj_c[iR + k] = 1.0
        if k + 1 < K:
            B.add([(iM + k, 1.0), (iM + k + 1, -1.0)], 0.0, np.inf)
    cl = np.zeros(Nv)
    cl[inu:inu + K * m] = np.tile(V.min(axis=0), K)
    cu = np.concatenate([np.repeat(f, K), np.ones(K), np.ones(n * K), np.tile(V.max(axis=0), K),
                         np.ones(K * m), np.full(K, vmax), np.full(K, float(f @ V.max(axis=1)))])
    x0 = None
    if start is not None:
        dec = _start_items(dist, start, K)
        if dec is not None:
            pi0, xk, tk = dec
            Mk = pi0.sum(axis=0)
            q0 = np.where(Mk[None, :] > 0, pi0 / np.where(Mk > 0, Mk, 1.0)[None, :], 1.0 / n)
            nu0 = (q0.T @ V)
            x0 = np.concatenate([pi0.ravel(), Mk, q0.ravel(), nu0.ravel(), xk.ravel(), np.minimum(tk, vmax),
                                 np.minimum(tk, vmax) * Mk])
    res = solve_bilinear(obj_c, B.matrix(), B.lower, B.upper, cl, cu,
                         row_quad=B.row_quad, sense="max", time_limit=time_limit, gap=gap,
                         start=x0, feastol=tol.GLOBAL_FEAS, **kw)
    return res, _lottery_decoder(n, K, m, ix, it, vmax)


def _start_items(dist, start, K):
    """(pi, x, tau) with at most K items from a design (None if it needs more)."""
    n, m = dist.values.shape
    joint = start.signal.joint
    pi0 = np.zeros((n, K))
    xk = np.zeros((K, m))
    tk = np.zeros(K)
    items = {}
    for s in np.argsort(-start.signal.probabilities):
        c = int(start.choice[s])
        if c not in items:
            if len(items) >= K:
                return None
            items[c] = len(items)
            if c >= 0:
                xk[items[c]] = start.menu.allocations[c]
                tk[items[c]] = start.menu.prices[c]
        pi0[:, items[c]] += joint[:, s]
    perm = np.argsort(-pi0.sum(axis=0), kind="stable")
    return pi0[:, perm], xk[perm], tk[perm]


def _polish_lottery(dist, pi, xk, tk):
    out = []
    n = dist.n_profiles
    f = dist.probabilities
    used = np.flatnonzero(pi.sum(axis=0) > tol.MASS)
    if used.size:
        mat = np.zeros((n, used.size))
        pos = f > 0
        mat[pos] = pi[pos][:, used]
        mat[~pos, 0] = 1.0
        rs = mat.sum(axis=1, keepdims=True)
        if np.all(rs > 0):
            sig = Signal(dist, mat / rs)
            out.append(_alternate_lottery(dist, optimal_menu_for_signal(dist, sig)))
    s = xk.sum(axis=1, keepdims=True)
    xk = np.where(s > 1, xk / np.maximum(s, 1), xk)
    out.append(_alternate_lottery(dist, optimal_information(dist, Menu(xk, tk))))
    return out


def _two_profile_design(dist):
    """OPT-Rev of a two-profile distribution by :func:`~.two_profile.two_profile_opt_rev`:
    (the design rebuilt from the maximiser, polished by the two LPs, or None when its
    prices are negative; the exact optimum, an upper bound on every design)."""
    from .two_profile import two_profile_opt_rev

    opt = two_profile_opt_rev(dist.values, dist.probabilities)
    scale = max(1.0, float(np.abs(dist.values).max()))
    if np.any(opt.prices < -tol.FEAS * scale):
        return None, opt.value
    qL, qH = opt.q
    ML, MH = opt.mass
    joint = np.array([[ML * qL, MH * qH], [ML * (1 - qL), MH * (1 - qH)]])
    keep = np.flatnonzero(joint.sum(axis=0) > tol.MASS)
    joint = joint[:, keep]
    mat = joint / joint.sum(axis=1, keepdims=True)
    s = opt.allocations.sum(axis=1, keepdims=True)
    x = np.clip(opt.allocations / np.maximum(s, 1.0), 0.0, 1.0)
    ev = evaluate_design(dist, Signal(dist, mat), Menu(x, np.maximum(opt.prices, 0.0)))
    return _alternate_lottery(dist, ev), opt.value


def optimal_design(dist: ValueDistribution, method: str = "auto", time_limit: float | None = None,
                   gap: float = tol.GLOBAL_GAP, pricing=None, formulation: str = "auto",
                   node_limit: int | None = NODE_LIMIT, progress=None) -> JointDesign:
    """OPT-Rev: the revenue-optimal joint design of information and a lottery menu.

    Parameters
    ----------
    dist : ValueDistribution
    method : {"auto", "global", "heuristic"}
        ``"global"``: SCIP on the bilinear program (needs pyscipopt), optimality proven
        within ``GLOBAL_GAP`` unless the time limit stops it; ``"heuristic"``: alternate
        the two LPs (menu for fixed signal, signal for fixed menu) from the best pricing
        mechanism and from full revelation, bound OPT-Wel; ``"auto"``: global when
        pyscipopt is installed and the program has at most ``GLOBAL_TERMS_LIMIT``
        bilinear products. With two profiles of positive probability both ``"global"``
        and ``"auto"`` use the exact enumeration of :mod:`~infopricing.disclosure.two_profile`
        instead (no solver needed, gap 0 up to rounding; ``method="enumeration"``).
    time_limit : float or None
        Seconds for the global solver (default none). A wall-clock limit makes the answer
        and ``proven_optimal`` depend on the machine's speed; prefer ``node_limit``.
    gap : float
        Relative gap for the global solver.
    node_limit : int or None
        Branch-and-bound nodes for the global solver (deterministic; default
        :data:`NODE_LIMIT`; ``None``: no limit). Also used for the pricing search when
        ``pricing`` is not given.
    progress : callable ``progress(done, total)``, optional
        Called with the global solver's nodes so far and ``node_limit`` (the library's
        one progress signature, as in :func:`~infopricing.buyer_optimal_learning`).
    pricing : PricingResult, optional
        A pricing result to start from (computed with the same ``method`` otherwise).
    formulation : {"auto", "scaled", "posterior", "cells", "cutoff"}
        Bilinear form handed to SCIP: obedience on unnormalised posteriors (rows scaled by
        signal masses; the module docstring's program) or on posterior means with
        ``pi(t,k) = M_k q_k(t)`` as bilinear equalities. Same optimum; which one SCIP
        closes faster depends on the instance ("auto": posterior for two profiles, where
        it was faster on CLW's examples, scaled otherwise). ``"cells"`` (three profiles
        only): the scaled program solved on cells of the signal masses, each under a
        revenue cutoff (:func:`_mass_cells`); it proves CLW Example 1 within
        ``gap / 10``, where one solve stops at the node limit, but takes minutes
        (benchmarks/README.md), so it is not the default. ``node_limit`` is then the
        total over all cells and ``time_limit`` is not used; ``params`` gains ``cells``,
        ``cells_closed``, ``cell_node_limit``, ``cutoff_gap`` and ``open_bound``.
        ``"cutoff"``: the scaled program in one SCIP solve under the row
        ``revenue >= best * (1 + gap / 10)`` (:func:`_cutoff_proof`); "infeasible" proves
        the best design within ``gap / 10``. It proves CLW Example 1 in about 33,000 nodes
        (more than the default ``node_limit``: pass ``node_limit=None`` or 50000; about
        half a minute here, against minutes for ``"cells"``), so it is not the default;
        ``params`` gains ``solves``, ``cutoff``, ``cutoff_gap`` and ``cutoff_status``.

    Returns
    -------
    JointDesign
        ``.revenue``, ``.menu``, ``.signal``, ``.upper_bound``, ``.proven_optimal``.

    References
    ----------
    CLW, section 2 (OPT-Rev), Example 2 (lotteries help), Lemma 2 (OPT-Rev vs welfare).

    Examples
    --------
    CLW Example 4 at eps = 0.1: the optimum extracts the full surplus 2 - eps = 1.9 (CLW,
    Example 4), so the welfare bound proves it without a global solve:

    >>> import infopricing as ip
    >>> r = ip.optimal_design(ip.catalog.clw_example4(0.1))
    >>> round(r.revenue, 4), round(r.upper_bound, 4), r.proven_optimal, r.method
    (1.9, 1.9, True, 'welfare bound')
    """
    check_progress(progress)
    from .pricing import optimal_pricing

    _check_dist(dist)
    if method not in ("auto", "global", "heuristic"):
        raise ValueError(f"method must be 'auto', 'global' or 'heuristic', got {method!r}")
    check_formulation(formulation, dist)
    from .pricing import PricingResult, _check_limits
    _check_limits(time_limit, gap, node_limit, progress)
    if pricing is not None:
        if not isinstance(pricing, PricingResult):
            raise TypeError(f"pricing must be None or a PricingResult, got {type(pricing).__name__}")
        pd_ = pricing.evaluation.dist
        if pd_ is not dist and not (pd_.values.shape == dist.values.shape
                                    and np.array_equal(pd_.values, dist.values)
                                    and np.array_equal(pd_.probabilities, dist.probabilities)):
            raise ValueError("pricing must be a PricingResult of the same distribution as dist "
                             "(optimal_pricing(dist)); it was computed for another one")
    if formulation == "auto":
        formulation = "posterior" if dist.n_profiles <= 2 else "scaled"
    params = {"method": method, "formulation": formulation, "signals": dist.n_profiles, "gap": gap,
              "solver_gap": gap / 10, "node_limit": node_limit, "time_limit": time_limit}
    wel = optimal_welfare(dist)
    if pricing is None:
        pricing = optimal_pricing(dist, method=method, time_limit=time_limit, node_limit=node_limit)
    best = _alternate_lottery(dist, pricing.evaluation)
    full = _alternate_lottery(dist, exogenous_baseline(dist))
    if full.revenue > best.revenue:
        best = full
    n, m = dist.n_profiles, dist.n_products
    K = n
    terms = K * K * (m + 1) + K * (m + 1)
    want = method == "global" or (method == "auto" and terms <= GLOBAL_TERMS_LIMIT)
    used = "heuristic"
    upper = wel
    msg = "no global solver run; upper bound is OPT-Wel"
    if method != "heuristic" and best.revenue >= wel - tol.EQUAL * max(1.0, wel):
        # full surplus extraction (CLW Lemma 1, Propositions 5-6): OPT-Rev <= OPT-Wel is
        # the certificate; no branch and bound is needed
        want = False
        used = "welfare bound"
        msg = "the design extracts OPT-Wel, which bounds OPT-Rev; no global solve needed"
        params["certificate"] = "OPT-Wel"
    if want and n == 2 and np.all(dist.probabilities > 0):
        # two profiles: OPT-Rev in closed form over finitely many candidates (module
        # two_profile); exact, no branch and bound, the same on every machine
        cand, exact_upper = _two_profile_design(dist)
        if cand is not None and cand.revenue > best.revenue:
            best = cand
        if best.revenue >= exact_upper - tol.EQUAL * max(1.0, exact_upper):
            want = False
            used = "enumeration"
            upper = min(upper, exact_upper)
            msg = f"two-profile enumeration (exact): OPT-Rev = {exact_upper:.12g}; no global solve needed"
            params["certificate"] = "two-profile enumeration"
            params["enumeration_bound"] = exact_upper
    if want and not global_solver_available():
        if method == "global":
            from ..errors import SolverError
            raise SolverError("method='global' needs pyscipopt (pip install 'infopricing[global]')")
        msg = "global solver (pyscipopt) not installed; upper bound is OPT-Wel"
        want = False
    if want and formulation in ("cutoff", "cells"):
        if formulation == "cutoff":
            value, bound, stats, cands = _cutoff_proof(dist, best.revenue, gap / 10, node_limit, progress)
            msg = (f"SCIP under the cutoff {stats['cutoff']:.9g}: {stats['cutoff_status']}, "
                   f"{stats['solver_nodes']} nodes")
            solver_status = stats["cutoff_status"]
        else:
            value, bound, stats, cands = _mass_cells(dist, best.revenue, gap / 10, node_limit, CELL_NODE_LIMIT,
                                                     progress)
            msg = f"SCIP on {stats['cells']} mass cells, {stats['solver_nodes']} nodes, bound {bound:.9g}"
            solver_status = "cells"
        used = "global"
        params.update(stats)
        params.update({"solver_status": solver_status, "solver_bound": bound})
        upper = min(upper, bound)
        for dec in cands:
            for cand in _polish_lottery(dist, *dec):
                if cand.revenue > best.revenue:
                    best = cand
        want = False
    if want:
        solver = _global_lottery if formulation == "scaled" else _global_lottery_posterior
        res, decode = solver(dist, K, best, time_limit, gap / 10, node_limit=node_limit, progress=progress)
        used = "global"
        msg = f"SCIP: {res.message}, bound {res.bound:.9g}"
        params.update({"solver_status": res.message, "solver_nodes": res.nodes, "solver_bound": res.bound})
        if np.isfinite(res.bound):
            upper = min(upper, res.bound)
        if np.all(np.isfinite(res.x)):
            for cand in _polish_lottery(dist, *decode(res.x)):
                if cand.revenue > best.revenue:
                    best = cand
    upper = max(upper, best.revenue)
    proven = (used in ("global", "welfare bound", "enumeration")
              and upper - best.revenue <= tol.GLOBAL_GAP * max(1.0, upper))
    params["method_used"] = used
    params["relative_gap"] = (upper - best.revenue) / max(1.0, upper)
    return JointDesign(revenue=best.revenue, evaluation=best, upper_bound=upper, proven_optimal=proven,
                       welfare=wel, pricing_revenue=pricing.revenue, method=used, solver_message=msg,
                       params=params)
