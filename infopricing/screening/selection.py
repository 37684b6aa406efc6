"""Consistent selection among optimal menus, shared by every path that solves the menu LP
(all IC rows, lazy rows, interior point): the selection rules, fixing the optimal face
from the duals, the market-free secondary objectives, the input check and the return from
rescaled units.

References
----------
HS, section 4 (consistent selection) and footnote 7.
"""

from __future__ import annotations

import numpy as np

from ..lp import LinearProgram
from ..model import Environment, Market
from .mechanism import LPCertificate, Mechanism

__all__ = ["SELECTIONS", "check_menu_inputs", "face_fix", "tiebreak_weights", "secondary_objectives",
           "rescaled_mechanism"]

SELECTIONS = ("efficient", "consumer", "adverse")


def check_menu_inputs(env, market) -> Market:
    """``market`` as a :class:`~infopricing.model.Market` over ``env`` (an array becomes one)."""
    if not isinstance(env, Environment):
        raise TypeError(f"env must be an Environment, got {type(env).__name__}")
    if isinstance(market, Market):
        if market.env != env:
            raise ValueError("market is over a different environment than env")
        return market
    return Market(env, market)


def _fix_at_nearer_bound(lo, hi, idx, value):
    """In place: collapse ``[lo[j], hi[j]]`` to the finite bound nearer ``value[j]``, for j
    in ``idx`` (the lower bound on ties or when the upper one is infinite)."""
    for j in idx:
        v = value[j]
        if np.isfinite(lo[j]) and (not np.isfinite(hi[j]) or abs(v - lo[j]) <= abs(hi[j] - v)):
            hi[j] = lo[j]
        else:
            lo[j] = hi[j]


def face_fix(lp: LinearProgram, res, lo_c, hi_c, lo_r, hi_r, dual_tol):
    """Restrict the LP to the optimal face of its current objective.

    Every row/column with a non-zero dual is fixed at its active bound. Returns the new
    bound arrays."""
    lo_c, hi_c, lo_r, hi_r = lo_c.copy(), hi_c.copy(), lo_r.copy(), hi_r.copy()
    cols = np.flatnonzero(np.abs(res.col_dual) > dual_tol)
    _fix_at_nearer_bound(lo_c, hi_c, cols, res.x)
    rows = np.flatnonzero(np.abs(res.row_dual) > dual_tol)
    _fix_at_nearer_bound(lo_r, hi_r, rows, res.row_activity)
    lp.set_col_bounds(cols, lo_c[cols], hi_c[cols])
    lp.set_row_bounds(rows, lo_r[rows], hi_r[rows])
    return lo_c, hi_c, lo_r, hi_r


def tiebreak_weights(n: int, k: int) -> np.ndarray:
    """The fixed last tie-break's weights on ``(x, u)``: seeded by the shape (n, k) only,
    never by the market."""
    rng = np.random.default_rng(20210101 + 7919 * n + k)
    return rng.uniform(0.5, 1.5, size=n * k + n)


def secondary_objectives(values: np.ndarray, selection: str):
    """The market-free objectives optimised, in order, over the optimal face for
    ``selection`` (see :func:`.optimal.optimal_mechanism`)."""
    n, k = values.shape
    welfare = np.concatenate([values.ravel(), np.zeros(n)])
    cs = np.concatenate([np.zeros(n * k), np.ones(n)])
    if selection == "efficient":
        stages = [(welfare, "max"), (cs, "max")]
    elif selection == "consumer":
        stages = [(cs, "max"), (welfare, "max")]
    elif selection == "adverse":
        stages = [(cs, "min"), (welfare, "max")]
    else:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    stages.append((tiebreak_weights(n, k), "max"))
    return stages


def rescaled_mechanism(m: Mechanism, env: Environment, market: Market, scale: float) -> Mechanism:
    """The mechanism ``m`` solved on ``env.values / scale``, in ``env``'s units.

    Allocations are unit-free; payments scale by ``scale``. The LP's basis and bounds are
    unit-free too (bounds are 0, 1 or infinite); of the revenue-stage duals, those of the
    IC rows (right-hand side 0, coefficient 1 on the utilities) are unchanged and those
    of the n allocation rows (sum of probabilities at most 1) scale by ``scale``."""
    cert = m.certificate
    if cert is not None:
        y = None
        if cert.revenue_duals is not None:
            y = np.array(cert.revenue_duals, dtype=float)
            y[: env.n_types] *= scale
        cert = LPCertificate(cert.col_basis, cert.row_basis, cert.col_lower, cert.col_upper,
                             cert.row_lower, cert.row_upper,
                             float(cert.revenue_stage_objective) * scale, y, cert.revenue_basis)
    return Mechanism(env=env, market=market, allocation=m.allocation, payments=m.payments * scale,
                     status=m.status, selection=m.selection, certificate=cert)
