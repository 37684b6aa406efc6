"""HS constructions in any units: solve on values divided by a power of two, answer in the
caller's units.

The HS segmentation routines decide many equalities (binding IC constraints, zero
surpluses, equal payments) with the absolute tolerances of :mod:`infopricing.tolerances`.
Those fit values of ordinary size; for values near 1e-9 every market would look efficient,
near 1e9 rounding alone exceeds them. Dividing the values (and costs) by the power of two
:func:`~infopricing.tolerances.value_scale` rounds nothing, so the problem *is* the same
environment in other units: allocations, segment weights, segment markets, thresholds and
the dual certificates on the market simplex are unit-free and carry over unchanged, and
payments, surpluses and revenues scale by that power of two (exactly, also for the
``Fraction`` quantities). The functions here rebuild each result on the caller's
environment.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from .. import tolerances as tol
from ..model import Environment, Market

__all__ = ["scaled", "rebind_market", "rebind_mechanism", "rebind_segmentation",
           "rebind_improvement", "rebind_dominating", "rebind_rent_path"]


def scaled(env):
    """``(env / scale, scale)`` with ``scale = tolerances.value_scale(env.values)``, or
    ``(None, 1.0)`` when the environment is already in ordinary units."""
    if not isinstance(env, Environment):
        return None, 1.0
    s = tol.value_scale(env.values)
    if s == 1.0:
        return None, 1.0
    senv = Environment(env.gross_values / s, types=env.types, alternatives=env.alternatives,
                       costs=env.costs / s)
    # the scaled problem is exactly the given one divided by s (exact values: exact_numbers.py)
    from ..exact_numbers import exact_values

    S = Fraction(s)
    senv._exact_values = tuple(tuple(x / S for x in row) for row in exact_values(env))
    return senv, s


def rebind_market(m, env):
    if m is None or not isinstance(m, Market):
        return m
    kept = getattr(m, "_exact_probabilities", None)  # exact masses stay exact
    return Market(env, list(kept) if kept is not None else m.probabilities)


def rebind_mechanism(mech, env, scale):
    """The mechanism ``mech`` of the scaled environment as one of ``env`` (payments times
    ``scale``; the LP basis and certificate are unit-free but for the feasibility rows'
    duals, see :func:`infopricing.screening.optimal._rescaled`)."""
    if mech is None:
        return None
    from ..screening import Mechanism
    from ..screening.optimal import _rescaled

    if mech.market is None:
        return Mechanism(env=env, market=None, allocation=mech.allocation, payments=mech.payments * scale,
                         status=mech.status, selection=mech.selection)
    return _rescaled(mech, env, rebind_market(mech.market, env), scale)


def _times(seq, S):
    if seq is None:
        return None
    return tuple(v * S if isinstance(v, Fraction) else float(v) * float(S) for v in seq)


def rebind_segmentation(seg, env, scale):
    if seg is None:
        return None
    from .segment_welfare import Segmentation

    return Segmentation(market=rebind_market(seg.market, env), weights=seg.weights,
                        markets=tuple(rebind_market(m, env) if isinstance(m, Market) else m
                                      for m in seg.markets),
                        selection=seg.selection,
                        mechanisms=None if seg.mechanisms is None else
                        tuple(rebind_mechanism(m, env, scale) for m in seg.mechanisms),
                        original=rebind_mechanism(seg.original, env, scale),
                        exact_weights=seg.exact_weights, exact_markets=seg.exact_markets)


def rebind_dominating(dm, env, scale):
    if dm is None:
        return None
    S = Fraction(scale)
    return dataclasses.replace(
        dm, market=rebind_market(dm.market, env), mechanism=rebind_mechanism(dm.mechanism, env, scale),
        payments_star=_times(dm.payments_star, S), dominating=rebind_market(dm.dominating, env),
        lp_mechanism=rebind_mechanism(dm.lp_mechanism, env, scale),
        surplus_original=_times(dm.surplus_original, S), surplus_star=_times(dm.surplus_star, S))


def rebind_improvement(imp, env, scale):
    """A :class:`~.segment_welfare.ParetoImprovement` of the scaled environment as one of ``env``
    (its certificate, on the market simplex, is unit-free)."""
    from .pareto import DominatingMarket

    dom = imp.dominating
    if isinstance(dom, DominatingMarket):
        dom = rebind_dominating(dom, env, scale)
    elif isinstance(dom, Market):
        dom = rebind_market(dom, env)
    return dataclasses.replace(imp, market=rebind_market(imp.market, env),
                               segmentation=rebind_segmentation(imp.segmentation, env, scale),
                               dominating=dom)


def rebind_rent_path(p, env, scale):
    S = Fraction(scale)
    return dataclasses.replace(p, mechanism=rebind_mechanism(p.mechanism, env, scale),
                               surplus=_times(p.surplus, S), payments=_times(p.payments, S))
