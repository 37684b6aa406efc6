"""Exact certificates of the closure LPs behind the HS surplus results.

Every segmentation of a market ``f`` is one unnormalised segment per cell of the market
simplex (:mod:`.exact_cells`), and a segment in the closure of cell F is a non-negative
combination ``sum_j lam_j a_j`` of F's generators. With ``u_F`` and ``p_F`` the utilities
and payments of F's selected mechanism, the consumer and producer surplus of such a
segmentation are ``sum_j lam_j a_j . u_F`` and ``sum_j lam_j a_j . p_F``: linear in
``lam``. So, for a direction ``d = (d_cs, d_ps)``, the *closure LP*

    maximise  sum_j lam_j (d_cs a_j . u_F(j) + d_ps a_j . p_F(j))
    subject to  sum_j lam_j a_j = f,  lam >= 0

bounds ``d . (CS, PS)`` over every segmentation whose segments lie in the listed cells
(segments strictly inside their cells included), and a row multiplier ``y`` with
``y . a_j >= c_j`` for every generator proves ``d . (CS, PS) <= y . f`` for all of them
(weak duality). This module builds that LP with exact rational data (the cells' exact
generators, the exact utilities and payments of their mechanisms, re-solved from the LP
basis and checked exactly IC and IR, and the market as given, :mod:`infopricing.exact_numbers`),
and certifies exact primal and dual points with :func:`infopricing.lp.exact_certificate.certify`.

What the certificates take as given: the cell decomposition itself (which cells exist,
their generators, and that the selected mechanism is constant on each cell), as every
result of :mod:`.exact_decision` does. ``ExactCertificate.to_json`` exports one LP; the
problem entry names the builder ``hs-closure-surplus``, with which
``infopricing/verify/check_certificate.py`` rebuilds the LP from the stated market, cell
generators, utilities and payments with the standard library alone.

References
----------
HS, sections 4.1 and 6.2 (cells of the market simplex); BBM 2015 (the surplus triangle);
LP duality for the certificates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

__all__ = ["ClosureLP", "closure_lp", "exact_mechanism_utilities"]


def exact_mechanism_utilities(mech):
    """Exact (utilities, payments, allocation) of a solver mechanism: its LP vertex re-solved in
    rationals and checked exactly feasible, IC and IR; ``None`` with the failures when it
    does not verify exactly."""
    from ..screening.mechanism import verify_mechanism
    from ..exact_numbers import exact_values

    chk = verify_mechanism(mech, exact=True, optimality=False)
    if not chk.ok:
        return None, tuple(chk.failures)
    xe, pe = chk.details["allocation"], chk.details["payments"]
    V = exact_values(mech.env)
    k = len(V[0]) if V else 0
    ue = tuple(sum((V[t][a] * xe[t][a] for a in range(k)), Fraction(0)) - pe[t] for t in range(len(V)))
    return (ue, tuple(pe), tuple(tuple(r) for r in xe)), ()


@dataclass(frozen=True, eq=False)
class ClosureLP:
    """The closure LP of a market over a list of cells, with exact data.

    Attributes
    ----------
    cells : tuple of int               the cells (indices into the decomposition)
    keys : tuple of (cell, k)          column j is generator k of cell ``keys[j][0]``
    generators : tuple                 exact generator of each column (tuples of Fraction)
    cs, ps : tuple of Fraction         a_j . u_F and a_j . p_F per column
    market : tuple of Fraction         f, exactly as given
    cell_data : dict                   cell -> (exact utilities, payments, allocation)
    G : ndarray (n, N)                 the generators in floating point (for the solver)
    """

    cells: tuple
    keys: tuple
    generators: tuple
    cs: tuple
    ps: tuple
    market: tuple
    cell_data: dict
    G: np.ndarray
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def n_columns(self) -> int:
        return len(self.keys)

    def index(self) -> dict:
        return {key: j for j, key in enumerate(self.keys)}

    def objective(self, direction) -> list:
        d0, d1 = (Fraction(v) for v in direction)
        return [d0 * a + d1 * b for a, b in zip(self.cs, self.ps)]

    def rational(self, direction, backend: str = "auto"):
        """The LP along ``direction`` (two rationals) as a RationalLP (sense max)."""
        import dataclasses

        from ..lp.exact_certificate import rational_lp

        c = self.objective(direction)
        base = self._cache.get(backend)
        if base is None:  # the rows and bounds are the same along every direction
            n, N = self.G.shape
            A_exact = {(t, j): g[t] for j, g in enumerate(self.generators) for t in range(n) if g[t] != 0}
            f = list(self.market)
            base = rational_lp(np.zeros(N), sp.csr_matrix(self.G), n * [0.0], n * [0.0], sense="max",
                               A_exact=A_exact, c_exact=[0] * N, backend=backend,
                               bounds_exact={"row_lower": f, "row_upper": list(f)})
            self._cache[backend] = base
        return dataclasses.replace(base, c=[base.field.q(v) for v in c])

    def solve(self, direction):
        """The floating LP along ``direction`` (for a basis)."""
        from ..lp import solve_lp

        c = np.array([float(v) for v in self.objective(direction)])
        f = np.array([float(v) for v in self.market])
        N = self.n_columns
        return solve_lp(c, sp.csc_matrix(self.G), f, f, np.zeros(N), np.full(N, np.inf), sense="max")

    def certify(self, direction, *, primal=None, basis=None, backend: str = "auto"):
        """Exact certificate along ``direction``: ``primal`` (exact lam) or the primal of
        ``basis``; the dual from ``basis`` (repaired by exact pivots when needed), else
        from a fresh floating solve's basis."""
        from ..lp.exact_certificate import certify

        lp = self.rational(direction, backend=backend)
        if basis is None:
            res = self.solve(direction)
            if res.col_basis is None:
                return certify(lp, primal=primal, x=None if primal is not None else res.x, y=res.row_dual)
            basis = (res.col_basis, res.row_basis)
        cert = certify(lp, primal=primal, basis=basis if primal is None else None, dual_basis=basis)
        if not cert.ok and primal is not None:
            res = self.solve(direction)  # a fresh basis along this exact direction
            if res.col_basis is not None:
                alt = certify(lp, primal=primal, dual_basis=(res.col_basis, res.row_basis))
                if alt.ok:
                    return alt
        return cert

    def problem(self, direction, env) -> dict:
        """The certificate's ``problem`` entry: what the LP is, with the numbers the
        stand-alone checker rebuilds it from (builder ``hs-closure-surplus``)."""
        pair = lambda q: [q.numerator, q.denominator]
        from ..exact_numbers import exact_values

        order = []
        for c, _ in self.keys:
            if not order or order[-1] != c:
                order.append(c)
        gens = {}
        for (c, _), g in zip(self.keys, self.generators):
            gens.setdefault(c, []).append([pair(x) for x in g])
        return {"builder": "hs-closure-surplus", "types": list(env.types),
                "values": [[pair(v) for v in row] for row in exact_values(env)],
                "market": [pair(q) for q in self.market],
                "direction": [pair(Fraction(v)) for v in direction],
                "cells": [{"cell": int(c), "generators": gens[c],
                           "utilities": [pair(q) for q in self.cell_data[c][0]],
                           "payments": [pair(q) for q in self.cell_data[c][1]],
                           "allocation": [[pair(q) for q in r] for r in self.cell_data[c][2]]}
                          for c in order],
                "variables": "lam[j]: weight of generator j, cells in order, each cell's "
                             "generators in order"}


def closure_lp(dec, cells, market_exact) -> tuple:
    """The :class:`ClosureLP` of the exact market over ``cells`` of the decomposition
    ``dec``, or ``(None, failures)`` when a cell's mechanism or generators are not exact."""
    n = dec.env.n_types
    keys, gens, cs, ps, data = [], [], [], [], {}
    fails = []
    for c in cells:
        cell = dec.cells[c]
        if not cell.exact_generators:
            fails.append(f"cell {c} has no exact generators")
            continue
        up, why = exact_mechanism_utilities(cell.mechanism)
        if up is None:
            fails.append(f"cell {c}: its mechanism does not verify exactly ({'; '.join(why[:2])})")
            continue
        data[c] = up
        u, p = up[0], up[1]
        for k, g in enumerate(cell.exact_generators):
            keys.append((int(c), k))
            gens.append(tuple(g))
            cs.append(sum((g[t] * u[t] for t in range(n) if g[t]), Fraction(0)))
            ps.append(sum((g[t] * p[t] for t in range(n) if g[t]), Fraction(0)))
    if fails:
        return None, tuple(fails)
    G = np.array([[float(x) for x in g] for g in gens]).T.reshape(n, len(gens))
    return ClosureLP(tuple(int(c) for c in cells), tuple(keys), tuple(gens), tuple(cs), tuple(ps),
                     tuple(market_exact), data, G), ()
