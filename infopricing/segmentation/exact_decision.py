"""Exact answers about segmentations of small multi-product markets.

HS prove that generic inefficient markets are Pareto improvable (Theorem 1) but give no
procedure for the others. This module decides Pareto improvability for *every* market of a
small environment, computes the consumer-surplus-maximising Pareto-improving segmentation,
and the set of (consumer surplus, producer surplus) pairs that segmentations achieve.

Method
------
The market simplex splits into *cells* on which the set of optimal mechanisms, hence the
selected mechanism, is constant (:mod:`infopricing.segmentation.exact_cells`: the relatively
open normal cones of the faces of the payment polyhedron, faces of every dimension
included). Two segments in the same cell can be merged (the cell is a convex cone and the
mechanism is the same), so a segmentation is one unnormalised segment ``m_F`` per cell F,
with ``sum_F m_F = f``. A cell's markets all have the same support S_F; a segment in F is
allowed in a Pareto-improving segmentation iff ``CS(t, F) >= CS(t, f)`` for every t in S_F
(HS 4.1), and it is *strict* if some t in S_F gains. Each ``m_F`` is a strictly positive
combination of the cell's generators, so with ``lam >= 0`` in place of ``lam > 0`` the
problem is an LP over the cells' *closures*.

Boundaries are handled as follows (the selection rule decides what a boundary market
gets, since boundary cells are cells of their own with their own selected mechanism):

* **No improvement** is certified by the closure LP: it relaxes the true problem, so if
  even it admits no mass of strictly gaining types, none exists. The certificate is a dual
  vector y with ``y . f <= 0`` and ``y . a >=`` (the mass of gaining types in a) on the
  generators a of allowed cells (:class:`NoImprovementCertificate`, re-checked in rational
  arithmetic).
* **An improvement** is found by the *shrunk* LP, which requires each used cell's
  coefficients to satisfy ``s_F <= lam_Fj <= C s_F`` (so a used segment is strictly inside
  its cell and gets the cell's mechanism); the returned segmentation is rebuilt in exact
  rationals and verified by :class:`~infopricing.segmentation.segment_welfare.Segmentation`.
* If the closure LP admits strict mass but the shrunk LP (for C up to 1e6) finds none, a
  second relaxation decides most such markets: a segment strictly inside a cell is a
  combination of *all* the cell's generators with positive weights, so if no segmentation
  over the allowed closures gives every generator of some gaining cell a positive weight,
  nothing is improvable (:class:`InteriorCertificate`, re-checked in rational arithmetic).
  The closure LP can over-count because it credits a gaining cell's gains to each of its
  generators, which a segment may also use as a boundary cell of its own where nobody gains.
* Otherwise the answer is ``None`` (undecided) with that reason: an improvement would need
  mass on a cell boundary that the selection rule does not give.

Sizes (``benchmarks/bench_hs_exact.py``, 2-core development machine, random half-integer
valuations, two environments per size; one decision includes its own cell decomposition):

======  ======  ==========  ========  ==============
types   alts    vertices    cells     decision (s)
======  ======  ==========  ========  ==============
3       2-4     2-3         9-14      0.01-0.15
4       2-3     3-5         29-46     0.25-0.6
5       2-3     10-37       180-550   2-7
6       2       32          ~1700     ~18
======  ======  ==========  ========  ==============

The cost is dominated by one selected-mechanism LP per cell, and the number of cells grows
quickly with the number of types: use it up to 5-6 types; beyond, use HS Theorem 1
(``pareto_improving_segmentation(method="theorem")``) where it applies. Markets meant to lie
on a cell boundary should be given with exactly representable rational probabilities
(denominators up to ``tolerances.RATIONAL_DENOMINATOR``), otherwise an improvement found in
floating point may not be rebuildable exactly and the answer is ``None``.

References
----------
HS, sections 4.1 (Pareto improvements), 6.2 (the payment polytope and its normal fan) and
footnote 8 (surplus pairs of multi-product segmentations); BBM15 (the single-product
surplus triangle, which the surplus set reduces to with one alternative).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)
from .._progress import check_progress

from .. import tolerances as tol
from ..errors import SolverError
from ..lp import Status, solve_lp
from ..model import Environment, Market
from ..screening import Verification, optimal_mechanism
from ..screening.optimal import SELECTIONS, _check_inputs
from .exact_cells import CellDecomposition, cell_decomposition
from ..exact_numbers import exact_market
from .segment_welfare import ParetoImprovement, Segmentation
from ..verify.protocol import Result, Tabular

__all__ = ["exact_pareto_improvement", "max_consumer_surplus_segmentation", "surplus_set",
           "SurplusSet", "ConsumerOptimalSegmentation", "NoImprovementCertificate", "InteriorCertificate",
           "plot_surplus_set"]

_SHRINK = (1e2, 1e4, 1e6)


# ---------------------------------------------------------------------------------------
# the LP over cells
# ---------------------------------------------------------------------------------------
def _columns(dec: CellDecomposition, cells):
    """Generator matrix (n x N) of the given cells and the owning cell of each column."""
    G = np.vstack([dec.cells[c].generators for c in cells]) if cells else np.zeros((0, dec.env.n_types))
    owner = np.concatenate([np.full(len(dec.cells[c].generators), c) for c in cells]) if cells else np.zeros(0, int)
    return G.T, owner


def _closure_lp(dec, cells, f, obj_per_col, sense="max"):
    G, owner = _columns(dec, cells)
    N = G.shape[1]
    res = solve_lp(obj_per_col, sp.csc_matrix(G), f, f, np.zeros(N), np.full(N, np.inf), sense=sense)
    return res, G, owner


def _shrink_lp(dec, cells, f, obj_per_col, C, at_least=None):
    """Maximise over segmentations whose used segments are strictly inside their cells.

    Columns: lam (one per generator) then s (one per cell). Rows: sum lam a = f;
    lam_j - s_F >= 0; C s_F - lam_j >= 0; and, with ``at_least = (w, b)``, w . lam >= b."""
    G, owner = _columns(dec, cells)
    n, N = G.shape
    K = len(cells)
    pos = {c: i for i, c in enumerate(cells)}
    own = np.array([pos[c] for c in owner], dtype=int)
    r = np.arange(N)
    A1 = sp.csr_matrix((np.ones(N), (r, r)), shape=(N, N + K)) - sp.csr_matrix((np.ones(N), (r, N + own)), shape=(N, N + K))
    A2 = sp.csr_matrix((np.full(N, C), (r, N + own)), shape=(N, N + K)) - sp.csr_matrix((np.ones(N), (r, r)), shape=(N, N + K))
    A0 = sp.hstack([sp.csr_matrix(G), sp.csr_matrix((n, K))])
    blocks, lo_x, hi_x = [A0, A1, A2], [], []
    if at_least is not None:
        blocks.append(sp.csr_matrix(np.concatenate([at_least[0], np.zeros(K)])[None, :]))
        lo_x, hi_x = [at_least[1]], [np.inf]
    A = sp.vstack(blocks, format="csc")
    lo = np.concatenate([f, np.zeros(2 * N), lo_x])
    hi = np.concatenate([f, np.full(2 * N, np.inf), hi_x])
    c = np.concatenate([obj_per_col, np.zeros(K)])
    res = solve_lp(c, A, lo, hi, np.zeros(N + K), np.full(N + K, np.inf), sense="max")
    return res, G, owner


def _segments_from(lam, G, owner, tiny=1e-13):
    """Group columns by cell: {cell: unnormalised segment}."""
    segs: dict = {}
    for j in np.flatnonzero(lam > tiny):
        segs.setdefault(int(owner[j]), np.zeros(G.shape[0]))
        segs[int(owner[j])] += lam[j] * G[:, j]
    return segs


def _exact_columns(dec, owner):
    """Exact generator of every column (cells listed in ``owner`` order)."""
    out = []
    seen: dict = {}
    for c in owner:
        c = int(c)
        k = seen.get(c, 0)
        seen[c] = k + 1
        cell = dec.cells[c]
        if cell.exact_generators:
            out.append(cell.exact_generators[k])
        else:
            out.append(tuple(Fraction(float(x)) for x in cell.generators[k]))
    return out


def _column_keys(owner) -> list:
    """(cell, k) of each column: generator k of its cell (cells as listed in ``owner``)."""
    seen: dict = {}
    out = []
    for c in owner:
        c = int(c)
        out.append((c, seen.get(c, 0)))
        seen[c] = seen.get(c, 0) + 1
    return out


def _exact_segmentation(market: Market, lam, G, owner, dec, selection: str, original=None,
                        tiny: float = 1e-13, coefficients: dict | None = None):
    """A Segmentation from LP coefficients ``lam`` on the cells' generators, rebuilt in
    exact arithmetic: coefficients are rationalised except for a set of linearly independent
    columns (the largest), whose coefficients are solved exactly so that the segments add
    up exactly to the (rationalised) market. Each segment is then an exact positive
    combination of its cell's exact generators, so it lies exactly in the cell.
    ``coefficients`` (a dict), when given, receives the exact coefficient of each used
    generator, keyed (cell, k) as in :func:`_column_keys`."""
    from ..lp import solve_exact_square

    env = market.env
    fe = exact_market(market)  # the market as given, never snapped (exact_numbers.py)
    S = [t for t in range(env.n_types) if fe[t] > 0]
    used = [int(j) for j in np.argsort(-lam) if lam[j] > tiny]
    if not used:
        raise SolverError("empty segmentation")
    Ex = _exact_columns(dec, owner)
    GS = G[S]
    basis: list = []
    for j in used:
        if np.linalg.matrix_rank(GS[:, basis + [j]], tol=1e-10) > len(basis):
            basis.append(j)
        if len(basis) == len(S):
            break
    rows: list = []
    for t in range(len(S)):
        if np.linalg.matrix_rank(GS[rows + [t]][:, basis], tol=1e-10) > len(rows):
            rows.append(t)
        if len(rows) == len(basis):
            break
    lam_e = {j: Fraction(float(lam[j])).limit_denominator(10**9) for j in used if j not in basis}
    rhs = [fe[S[t]] - sum((lam_e[j] * Ex[j][S[t]] for j in lam_e), Fraction(0)) for t in rows]
    Mx = [[Ex[j][S[t]] for j in basis] for t in rows]
    try:
        sol = solve_exact_square(Mx, rhs)
    except ValueError as exc:
        raise SolverError("singular exact system while rebuilding the segmentation") from exc
    lam_e.update(zip(basis, sol))
    if any(v <= 0 for v in lam_e.values()):
        raise SolverError("exact rebuilding of the segmentation produced a non-positive coefficient")
    if coefficients is not None:
        keys = _column_keys(owner)
        coefficients.clear()
        coefficients.update({keys[j]: v for j, v in lam_e.items()})
    segs: dict = {}
    for j, v in lam_e.items():
        c = int(owner[j])
        acc = segs.setdefault(c, [Fraction(0)] * env.n_types)
        for t in range(env.n_types):
            if Ex[j][t]:
                acc[t] += v * Ex[j][t]
    for t in range(env.n_types):
        if sum((m[t] for m in segs.values()), Fraction(0)) != fe[t]:
            raise SolverError("the market is not exactly in the span of the segments' generators")
    ws, Fs = [], []
    for m in segs.values():
        w = sum(m, Fraction(0))
        ws.append(w)
        Fs.append(tuple(x / w for x in m))
    return Segmentation(market, [float(w) for w in ws],
                        [Market(env, [float(x) for x in F], normalize=True) for F in Fs],
                        selection=selection, original=original,
                        exact_weights=tuple(ws), exact_markets=tuple(Fs))


@dataclass(frozen=True)
class _Setup:
    market: Market
    f: np.ndarray
    mech: object
    dec: CellDecomposition
    allowed: list
    strict: list
    gain: dict  # cell -> (n,) bool: types of its support that strictly gain
    fe: tuple = ()  # the market exactly as given (exact_numbers.exact_market)


def _setup(env, market, selection, atol=tol.EQUAL, dec=None, progress=None) -> _Setup:
    market = _check_inputs(env, market)
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    mech = optimal_mechanism(env, market, selection=selection)
    f = market.probabilities
    if dec is None:
        dec = cell_decomposition(env, selection=selection, support=f > 0, progress=progress)
    u0 = mech.utilities
    allowed, strict, gain = [], [], {}
    for i, c in enumerate(dec.cells):
        S = c.support
        if np.any(S & (f <= 0)):
            continue
        d = c.utilities[S] - u0[S]
        if np.all(d >= -atol):
            allowed.append(i)
            if np.any(d > atol):
                strict.append(i)
                gmask = np.zeros(env.n_types, dtype=bool)
                gmask[np.flatnonzero(S)[d > atol]] = True
                gain[i] = gmask
    return _Setup(market, f, mech, dec, allowed, strict, gain, exact_market(market))


def _gain_mask(st: _Setup, owner) -> np.ndarray:
    """(N, n) mask: for each column, the types of its cell that strictly gain."""
    n = st.dec.env.n_types
    return np.array([st.gain.get(int(c), np.zeros(n, dtype=bool)) for c in owner]).reshape(len(owner), n)


def _gain_weights(st: _Setup, G, owner) -> np.ndarray:
    """Per column: the mass of the strictly gaining types in that generator. A segment
    strictly Pareto dominates f only if a gaining type has positive mass in it (on a cell's
    boundary it may not), so this, not the segment's total mass, is the strictness measure."""
    return (G.T * _gain_mask(st, owner)).sum(axis=1)


# ---------------------------------------------------------------------------------------
# certificate of no improvement
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class NoImprovementCertificate(Result):
    """LP-duality certificate that no segmentation is Pareto improving.

    With ``A`` the generators of the cells allowed in a Pareto-improving segmentation and
    ``g_a`` the mass that generator a puts on the types that strictly gain in its cell (0 in
    cells where no type gains), the vector ``y`` satisfies ``y . a >= g_a`` for every
    generator and ``y . f <= 0``: any segmentation ``f = sum lam_a a`` (``lam >= 0``, cell
    closures included) then has strictly-gaining mass ``sum g_a lam_a <= y . f <= 0``.

    Attributes
    ----------
    y : tuple of Fraction
    generators : ndarray (N, n)    rows a (markets: the cells' generators)
    exact_generators : tuple       the same in exact arithmetic (used by ``verify``)
    gain : ndarray (N, n) of bool  for each generator, the gaining types of its cell
    market : tuple of Fraction     f
    cells_allowed, cells_strict, cells_total : int

    References
    ----------
    HS, section 4.1 and Theorem 1 (markets that are not Pareto improvable); the certificate
    is LP duality.

    Examples
    --------
    HS Section 3's market (q = 3/4) is not Pareto improvable (HS, Section 3); the dual
    certificate is rational and re-checked exactly:

    >>> import infopricing as ip
    >>> r = ip.exact_pareto_improvement(ip.catalog.hs_section3(), [0.25, 0.75])
    >>> c = r.certificate
    >>> type(c).__name__, c.cells_allowed, c.cells_strict, c.cells_total
    ('NoImprovementCertificate', 5, 2, 7)
    >>> [str(y) for y in c.y], c.verify(exact=True).ok
    (['3/8', '-1/8'], True)
    """

    y: tuple
    generators: np.ndarray = field(repr=False)
    gain: np.ndarray = field(repr=False)
    market: tuple = field(repr=False)
    cells_allowed: int = 0
    cells_strict: int = 0
    cells_total: int = 0
    exact_generators: tuple = field(default=(), repr=False)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Check the dual inequalities: ``y . a >= g_a`` in ``Fraction`` arithmetic when
        ``exact`` (on the exact generators) and ``y . f <= 0`` exactly, on the market as given
        (``details["y_dot_f"]`` has the exact value: a market within rounding of the boundary
        ``y . f = 0`` but on its far side fails, and the decision reports it as near the
        boundary); in floating point with ``atol``."""
        fails = []
        if exact:
            y = self.y
            worst = Fraction(0)
            gens = self.exact_generators or [tuple(Fraction(float(x)) for x in a) for a in self.generators]
            for j, a in enumerate(gens):
                val = sum((x * yi for x, yi in zip(a, y) if x), Fraction(0))
                need = sum((x for x, m in zip(a, self.gain[j]) if m), Fraction(0))
                if val < need:
                    fails.append(f"generator {j}: y.a = {float(val):.3g} < {float(need):.3g}")
                    worst = max(worst, need - val)
            yf = sum((fi * yi for fi, yi in zip(self.market, y)), Fraction(0))
            if yf > 0:
                fails.append(f"y.f = {float(yf):.3g} > 0")
                worst = max(worst, yf)
            return Verification(ok=not fails, failures=tuple(fails[:20]), max_violation=float(worst),
                                exact=True, details={"y_dot_f": yf})
        y = np.array([float(v) for v in self.y])
        slack = self.generators @ y - (self.generators * self.gain).sum(axis=1)
        yf = float(np.array([float(v) for v in self.market]) @ y)
        worst = max(0.0, float(-slack.min()) if slack.size else 0.0, yf)
        if worst > atol:
            fails.append(f"dual inequalities violated by {worst:.3g}")
        return Verification(ok=not fails, failures=tuple(fails), max_violation=worst, exact=False)


def _certificate(st: _Setup) -> NoImprovementCertificate | None:
    G, owner = _columns(st.dec, st.allowed)
    Ex = tuple(_exact_columns(st.dec, owner))
    mask = _gain_mask(st, owner)
    g = _gain_weights(st, G, owner)
    n = G.shape[0]
    fe = st.fe
    make = lambda y: NoImprovementCertificate(y, G.T.copy(), mask, fe, len(st.allowed), len(st.strict),
                                              len(st.dec.cells), Ex)
    if not (g > 0).any():
        return make(tuple(Fraction(0) for _ in range(n)))
    # dual: min y.f  s.t.  G^T y >= g, y free
    res = solve_lp(st.f, sp.csc_matrix(G.T), g, np.full(G.shape[1], np.inf),
                   np.full(n, -np.inf), np.full(n, np.inf), sense="min")
    if res.status is not Status.OPTIMAL:
        return None
    for den in (10**3, 10**4, 10**6, 10**9):
        cert = make(tuple(Fraction(float(v)).limit_denominator(den) for v in res.x))
        if cert.verify(exact=True).ok:
            return cert
    return make(tuple(Fraction(float(v)) for v in res.x))


@dataclass(frozen=True, eq=False, repr=False)
class InteriorCertificate(Result):
    """LP-duality certificate that no segment can lie strictly inside a cell where some type
    gains, hence that no segmentation is Pareto improving.

    A segment strictly inside a cell F is a combination of *all* of F's generators with
    positive weights. With ``A`` the generators of the allowed cells, ``y`` and ``z >= 0``
    satisfy ``y . a >= z_a`` for every generator, ``sum of z_a over F's generators >= 1``
    for every cell F where some type gains, and ``y . f <= 0``. If f = sum lam_a a with all
    of F's weights at least s > 0, then ``0 >= y . f >= sum lam_a z_a >= s``: impossible.
    This decides markets that the gain-weighted certificate (:class:`NoImprovementCertificate`)
    leaves open because a strict cell's generator is also reachable as a boundary cell
    where nobody gains.

    Attributes
    ----------
    y : tuple of Fraction
    z : tuple of Fraction          one per generator (0 off the strict cells)
    groups : tuple of tuple of int the generator indices of each strict cell
    generators : ndarray (N, n);  exact_generators : tuple;  market : tuple of Fraction

    References
    ----------
    HS, section 4.1 and Theorem 1 (markets that are not Pareto improvable); the certificate
    is LP duality.

    Examples
    --------
    A uniform three-type market that the closure certificate leaves open (the regression
    case of tests/segmentation/test_hs_exact.py, confirmed there by a brute-force search over splits):

    >>> import infopricing as ip
    >>> env = ip.Environment([[2.25, 0.75], [2.75, 1.5], [1.0, 0.5]])
    >>> r = ip.exact_pareto_improvement(env, [1 / 3, 1 / 3, 1 / 3])
    >>> r.improvable, type(r.certificate).__name__, r.certificate.verify(exact=True).ok
    (False, 'InteriorCertificate', True)
    """

    y: tuple
    z: tuple
    groups: tuple
    generators: np.ndarray = field(repr=False)
    market: tuple = field(repr=False)
    exact_generators: tuple = field(default=(), repr=False)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Check ``y . a >= z_a``, ``z >= 0``, the group sums and ``y . f <= 0`` in
        ``Fraction`` arithmetic with no tolerance (``exact``; the market is the exact
        value of the floating input: any positive ``y . f``, however small, leaves room for
        an improvement of that size), or in floating point with ``atol``."""
        fails = []
        if exact:
            gens = self.exact_generators or [tuple(Fraction(float(x)) for x in a) for a in self.generators]
            for j, a in enumerate(gens):
                if self.z[j] < 0:
                    fails.append(f"z[{j}] = {float(self.z[j]):.3g} < 0")
                val = sum((x * yi for x, yi in zip(a, self.y) if x), Fraction(0))
                if val < self.z[j]:
                    fails.append(f"generator {j}: y.a = {float(val):.3g} < z = {float(self.z[j]):.3g}")
            for k, grp in enumerate(self.groups):
                if sum((self.z[j] for j in grp), Fraction(0)) < 1:
                    fails.append(f"strict cell {k}: its generators' z sum below 1")
            yf = sum((fi * yi for fi, yi in zip(self.market, self.y)), Fraction(0))
            if yf > 0:
                fails.append(f"y.f = {float(yf):.3g} > 0")
            return Verification(ok=not fails, failures=tuple(fails[:20]), exact=True,
                                details={"y_dot_f": yf})
        y = np.array([float(v) for v in self.y])
        z = np.array([float(v) for v in self.z])
        worst = max(0.0, float((z - self.generators @ y).max(initial=0.0)), float(-z.min(initial=0.0)),
                    float(np.array([float(v) for v in self.market]) @ y),
                    max((1.0 - z[list(g)].sum() for g in self.groups), default=0.0))
        if worst > atol:
            fails.append(f"dual inequalities violated by {worst:.3g}")
        return Verification(ok=not fails, failures=tuple(fails), max_violation=worst, exact=False)


def _interior_certificate(st: _Setup) -> InteriorCertificate | None:
    """Solve max sum_F s_F over segmentations f = G lam (closures of the allowed cells) with
    lam_a >= s_F on every generator of each strict cell F; at optimum 0 its duals are an
    :class:`InteriorCertificate` (returned only when it verifies exactly), else None."""
    G, owner = _columns(st.dec, st.allowed)
    n, N = G.shape
    strict = [c for c in st.strict if c in st.allowed]
    groups = [np.flatnonzero(owner == c) for c in strict]
    K = len(groups)
    if K == 0:
        return None
    # variables (lam (N), s (K)); rows: G lam = f (n), lam_a - s_F >= 0 (one per strict column)
    pairs = [(int(j), k) for k, grp in enumerate(groups) for j in grp]
    P = len(pairs)
    rows = [sp.hstack([sp.csc_matrix(G), sp.csc_matrix((n, K))])]
    if P:
        r = np.arange(P)
        B = sp.csc_matrix((np.concatenate([np.ones(P), -np.ones(P)]),
                           (np.concatenate([r, r]),
                            np.concatenate([[j for j, _ in pairs], [N + k for _, k in pairs]]))),
                          shape=(P, N + K))
        rows.append(B)
    A = sp.vstack(rows).tocsc()
    c = np.concatenate([np.zeros(N), np.ones(K)])
    lo = np.concatenate([st.f, np.zeros(P)])
    hi = np.concatenate([st.f, np.full(P, np.inf)])
    # s_F <= 1 keeps the LP bounded when strict interiors are reachable (then its value > 0)
    res = solve_lp(c, A, lo, hi, np.zeros(N + K), np.concatenate([np.full(N, np.inf), np.ones(K)]),
                   sense="max")
    if res.status is not Status.OPTIMAL or res.objective > tol.FEAS:
        return None
    # duals (the LP layer's sign convention for a max problem): y on the n equality rows,
    # w = -(row dual) >= 0 on the pair rows; z_a = sum of w over a's rows
    if res.row_dual is None:
        return None
    dual = np.concatenate([np.asarray(res.row_dual[:n]), -np.asarray(res.row_dual[n:])])
    Ex = tuple(_exact_columns(st.dec, owner))
    # the market exactly as given (exact_numbers.py), not snapped to a nearby simple rational
    # as the closure-LP certificate does, and y.f <= 0 exactly: a market 1e-8 from a
    # non-improvable one can be improvable (code review), so this certificate never
    # rounds the question
    fe = st.fe
    for den in (10**3, 10**4, 10**6, 10**9, None):
        rat = (lambda v: Fraction(float(v)).limit_denominator(den)) if den else (lambda v: Fraction(float(v)))
        y = tuple(rat(v) for v in dual[:n])
        z = [Fraction(0)] * N
        for (j, _), w in zip(pairs, dual[n:]):
            z[j] += max(Fraction(0), rat(w))
        cert = InteriorCertificate(y, tuple(z), tuple(tuple(int(j) for j in g) for g in groups),
                                   G.T.copy(), fe, Ex)
        if cert.verify(exact=True).ok:
            return cert
    return None


# ---------------------------------------------------------------------------------------
# public: decision
# ---------------------------------------------------------------------------------------
def exact_pareto_improvement(env: Environment, market, selection: str = "efficient",
                             atol: float = tol.EQUAL, progress=None) -> ParetoImprovement:
    """Decide whether a market is Pareto improvable, exactly, for a small environment.

    Parameters
    ----------
    env : Environment
    market : Market or array_like
    selection : {"efficient", "consumer", "adverse"}
        Selection rule among optimal mechanisms (HS section 4); it matters on cell
        boundaries, which are cells of their own.
    atol : float
        Tolerance for comparing a cell's surplus with the market's, and for reporting a
        market as near a boundary (below).
    progress : callable ``progress(done, total)``, optional
        Called while the cells' mechanisms are computed (the bulk of the time).

    The market is decided as given: ``Fraction`` (or int) masses exactly, floats as
    :mod:`infopricing.exact_numbers` reads them (a short decimal such as 0.3 is 3/10, any
    other float its binary value), never snapped to a nearby simple rational.

    Returns
    -------
    ParetoImprovement
        ``improvable=True`` with a Pareto-improving ``segmentation`` (exact weights and
        segments; ``segmentation.verify(exact=True)`` re-checks it), preferring one in which
        the seller gains strictly when one is found (the ``reason`` says which holds),
        ``False`` with a :class:`NoImprovementCertificate` in ``certificate`` (or by HS
        Observation 1 for an efficient market), or ``None`` when the improvement would need
        mass on a cell boundary (see the module docstring), or when the market lies within
        ``atol`` of the boundary ``y . f = 0`` of the non-improvable markets but strictly
        outside it (``near_boundary``: a :class:`NearBoundary` naming that hyperplane).
        ``method="exact"``.

    References
    ----------
    HS, section 4.1 (definitions), Observation 1, section 6.2 (cells of the market simplex).

    Examples
    --------
    >>> import infopricing as ip
    >>> env = ip.Environment([[1, 2], [2, 3], [3, 3.5]])
    >>> ex = ip.exact_pareto_improvement(env, ip.Market(env, [0.3, 0.3, 0.4]))
    >>> ex.improvable, ex.verify(exact=True).ok
    (True, True)
    """
    from ..model._validate import check_tolerance
    from . import units

    atol = check_tolerance(atol, "atol")  # a negative or NaN atol would decide wrongly
    senv, scale = units.scaled(env)
    if senv is not None:  # any units: decide on values / a power of two (units.py)
        m0 = _check_inputs(env, market)
        kept = getattr(m0, "_exact_probabilities", None)  # exact masses stay exact
        r = exact_pareto_improvement(senv, list(kept) if kept is not None else m0.probabilities,
                                     selection=selection, atol=atol, progress=progress)
        return units.rebind_improvement(r, env, scale)
    market = _check_inputs(env, market)
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    check_progress(progress)
    mech = optimal_mechanism(env, market, selection=selection)
    if mech.is_efficient:
        return ParetoImprovement(market=market, improvable=False, segmentation=None, method="exact",
                                 selection=selection,
                                 reason="the market is efficient, so no segmentation is Pareto "
                                        "improving (HS Observation 1)")
    st = _setup(env, market, selection, atol, progress=progress)
    return _decide(st, selection, atol)


def _revenue_gain_weights(st: _Setup, G, owner) -> np.ndarray:
    """Per column: the seller's revenue gain on that generator a, ``a . (p_F - p_f)`` (p_F
    the payments of a's cell's mechanism, p_f those of the market's); non-negative up to
    rounding, since the cell's mechanism is optimal on a."""
    p0 = np.asarray(st.mech.payments, dtype=float)
    P = np.array([st.dec.cells[int(c)].payments for c in owner]).reshape(len(owner), -1)
    return np.einsum("nj,jn->j", G, P - p0[None, :])


def _prefer_seller_gain(st: _Setup, seg, g, gain_mass: float, C: float, selection: str):
    """HS 4.1 asks the seller only not to lose; a Pareto improvement in which the seller
    *strictly* gains is preferred when one exists: if ``seg`` leaves the seller indifferent,
    the shrunk LP is re-solved maximising the seller's gain subject to keeping at least half
    the strictly gaining consumer mass, and its segmentation (rebuilt exactly, Pareto
    improving, strictly raising revenue) replaces ``seg``. Returns (segmentation, sentence
    saying which case holds)."""
    unit = tol.value_scale(st.dec.env.values)
    strict = lambda s: s.revenue_change > tol.EQUAL * unit
    if strict(seg):
        return seg, f"the seller gains strictly (revenue {seg.revenue_change:+.6g})"
    G, owner = _columns(st.dec, st.allowed)
    r = np.maximum(_revenue_gain_weights(st, G, owner), 0.0)
    if (r > tol.EQUAL * unit).any():
        res, G, owner = _shrink_lp(st.dec, st.allowed, st.f, r, C, at_least=(g, gain_mass / 2))
        if res.status is Status.OPTIMAL and res.objective > tol.EQUAL * unit:
            try:
                alt = _exact_segmentation(st.market, res.x[: G.shape[1]], G, owner, st.dec,
                                          selection, original=st.mech)
            except (SolverError, ValueError):
                alt = None
            if alt is not None and alt.is_pareto_improving and strict(alt):
                return alt, ("the seller gains strictly (revenue "
                             f"{alt.revenue_change:+.6g}; preferred to a Pareto improvement "
                             "that leaves the seller indifferent)")
    clo, _, _ = _closure_lp(st.dec, st.allowed, st.f, r)
    if clo.status is Status.OPTIMAL and clo.objective <= tol.EQUAL * unit:
        return seg, ("the seller is indifferent, and no segmentation over the allowed cells "
                     "raises revenue (closure LP), so no Pareto improvement gives the seller a "
                     "strict gain")
    return seg, ("the seller is indifferent in this segmentation (revenue change "
                 f"{seg.revenue_change:+.3g}); no strictly revenue-raising one was found")


def _no_improvement(st: _Setup, selection: str, atol: float, reason: str) -> ParetoImprovement:
    """The "not improvable" answer, when its dual certificate holds exactly on the market as
    given. A certificate whose only failure is ``0 < y . f <= atol * max|y|`` means the market
    lies within tolerance of the boundary ``{f: y . f = 0}`` of the non-improvable region
    but strictly outside it: the answer is then ``improvable=None`` with ``near_boundary``
    naming that hyperplane, not the boundary market's answer."""
    cert = _certificate(st)
    if cert is not None:
        chk = cert.verify(exact=True)
        if chk.ok:
            return ParetoImprovement(market=st.market, improvable=False, segmentation=None,
                                     method="exact", selection=selection, certificate=cert,
                                     reason=reason)
        yf = chk.details.get("y_dot_f")
        ymax = max((abs(v) for v in cert.y), default=Fraction(0))
        only_yf = all(f.startswith("y.f") for f in chk.failures)
        if only_yf and yf is not None and ymax > 0 and yf <= Fraction(atol) * ymax:
            norm = float(np.sqrt(sum(float(v) ** 2 for v in cert.y)))
            near = NearBoundary(normal=tuple(cert.y), offset=yf, distance=float(yf) / norm,
                                certificate=cert)
            return ParetoImprovement(
                market=st.market, improvable=None, segmentation=None, method="exact",
                selection=selection, near_boundary=near,
                reason=(f"the market lies {near.distance:.3g} (in probability) outside the "
                        "boundary y . f = 0 of the markets that are not Pareto improvable "
                        f"(y = {near.normal_floats()}; exactly, y . f = {float(yf):.3g} > 0): "
                        "within tolerance of the boundary but not on it, so neither answer is "
                        "proven; give the market exactly (Fractions) to decide the boundary "
                        "market itself"))
    return ParetoImprovement(market=st.market, improvable=None, segmentation=None, method="exact",
                             selection=selection,
                             reason=("the floating LPs find no improvement, but their dual "
                                     "certificate does not hold exactly on the market as given: "
                                     "undecided"))


@dataclass(frozen=True, eq=False)
class NearBoundary:
    """A market within tolerance of a boundary hyperplane ``{f: normal . f = 0}`` of the
    set of markets that are not Pareto improvable, strictly on the far side
    (``offset = normal . f > 0``, exact; ``distance`` the Euclidean distance in probability).
    ``certificate`` is the :class:`NoImprovementCertificate` that proves the boundary
    market (and every market with ``normal . f <= 0`` in the same cells) not improvable."""

    normal: tuple
    offset: Fraction
    distance: float
    certificate: object = field(repr=False, default=None)

    def normal_floats(self) -> list:
        return [float(f"{float(v):.6g}") for v in self.normal]

    def as_dict(self) -> dict:
        return {"normal": [[v.numerator, v.denominator] for v in self.normal],
                "offset": [self.offset.numerator, self.offset.denominator],
                "distance": self.distance}


def _decide(st: _Setup, selection: str, atol: float = tol.EQUAL) -> ParetoImprovement:
    market = st.market
    ncell = len(st.dec.cells)
    if not st.strict:
        return _no_improvement(st, selection, atol,
                               f"no cell of the market simplex ({ncell} cells) gives any type "
                               "of its support more surplus without hurting another, so no "
                               "segment Pareto dominates the market")
    G, owner = _columns(st.dec, st.allowed)
    g = _gain_weights(st, G, owner)
    res, _, _ = _closure_lp(st.dec, st.allowed, st.f, g)
    if res.status is not Status.OPTIMAL:
        raise SolverError(f"closure LP not solved: {res.status}")
    if res.objective <= tol.FEAS:
        return _no_improvement(st, selection, atol,
                               f"LP over the closures of the {len(st.allowed)} allowed cells "
                               f"(of {ncell}) puts no mass on a strictly gaining type of the "
                               f"{len(st.strict)} cells where some type gains; the dual "
                               "certificate proves no Pareto-improving segmentation exists")
    span_trouble = False
    for C in _SHRINK:
        res, G, owner = _shrink_lp(st.dec, st.allowed, st.f, g, C)
        if res.status is Status.OPTIMAL and res.objective > tol.FEAS:
            lam = res.x[: G.shape[1]]
            try:
                seg = _exact_segmentation(market, lam, G, owner, st.dec, selection, original=st.mech)
            except (SolverError, ValueError) as exc:
                span_trouble = span_trouble or "span" in str(exc)
                continue
            if seg.is_pareto_improving:
                seg, seller = _prefer_seller_gain(st, seg, g, res.objective, C, selection)
                return ParetoImprovement(
                    market=market, improvable=True, segmentation=seg, method="exact",
                    selection=selection,
                    reason=(f"LP over the {len(st.allowed)} allowed cells (of {ncell}) found a "
                            f"segmentation with {seg.n_segments} segments, each strictly inside "
                            f"its cell, with strict consumer gains; {seller}"))
    if span_trouble:
        return ParetoImprovement(
            market=market, improvable=None, segmentation=None, method="exact", selection=selection,
            reason=("a Pareto-improving segmentation was found in floating point, but the market "
                    "lies on a cell boundary only up to rounding, so it cannot be rebuilt exactly "
                    "on the market as given; give the probabilities exactly (Fractions, or "
                    "decimals that sum to one) to decide the boundary market"))
    icert = _interior_certificate(st)
    if icert is not None:
        return ParetoImprovement(market=market, improvable=False, segmentation=None, method="exact",
                                 selection=selection, certificate=icert,
                                 reason=("the closure LP credits gains only to generators that a "
                                         "segment can use on a cell boundary, where nobody gains: "
                                         "no segmentation puts a segment strictly inside any of the "
                                         f"{len(st.strict)} cells where some type gains (dual "
                                         "certificate over all their generators)"))
    return ParetoImprovement(market=market, improvable=None, segmentation=None, method="exact",
                             selection=selection,
                             reason=("the closure LP allows strict gains only by placing segments "
                                     "on cell boundaries, and no segmentation strictly inside the "
                                     "cells was found (shrink factor up to 1e6): undecided"))


# ---------------------------------------------------------------------------------------
# public: consumer-optimal Pareto-improving segmentation
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class ConsumerOptimalSegmentation(Result):
    """The consumer-surplus-maximising (Pareto-improving) segmentation.

    Attributes
    ----------
    market : Market
    pareto : bool                  whether segments were restricted to weakly dominate f
    supremum : float               sup of expected consumer surplus over the segmentations
    attained : bool                whether ``segmentation`` attains it (else it comes within
                                   ``supremum - segmentation.expected_consumer_surplus``)
    segmentation : Segmentation or None   (None when no Pareto-improving segmentation exists)
    upper_bound : float            the closure LP over all allowed cells (= supremum unless
                                   some allowed cell is usable only on its boundary)
    original_consumer_surplus : float
    improvement : ParetoImprovement or None   the decision (when ``pareto``)

    References
    ----------
    HS, section 4.1 (Pareto-improving segmentations); BBM 2015 for the single-product
    consumer-optimal segmentation.

    Examples
    --------
    HS Section 3 at q = 1/2: consumer surplus 1/8 unsegmented; the best Pareto-improving
    segmentation reaches 7/32 = 0.21875, attained, and the closure LP's upper bound is the
    same number (so is the best over all segmentations, ``pareto=False``):

    >>> import infopricing as ip
    >>> r = ip.max_consumer_surplus_segmentation(ip.catalog.hs_section3(), [0.5, 0.5])
    >>> round(r.original_consumer_surplus, 5), round(r.supremum, 5), round(r.upper_bound, 5)
    (0.125, 0.21875, 0.21875)
    >>> r.attained, r.verify().ok
    (True, True)
    """

    market: Market
    pareto: bool
    supremum: float
    attained: bool
    segmentation: Segmentation | None
    upper_bound: float
    original_consumer_surplus: float
    improvement: ParetoImprovement | None = None
    #: what the exact certificate is rebuilt from (:class:`_ClosureSource`; None for a
    #: hand-built result, whose exact check then says it cannot be completed)
    exact_source: object = field(default=None, repr=False, compare=False)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """The segmentation verifies (and is Pareto improving when ``pareto``), its consumer
        surplus is at most the supremum, which is at most the upper bound.

        ``exact=True`` checks the segmentation in rational arithmetic (averaging, each
        segment's menu exactly IC, IR and revenue-optimal, Pareto dominance) and *proves*
        its consumer surplus the supremum: the closure LP over the cells (the allowed ones
        when ``pareto``; every excluded cell is checked exactly to hurt some type) is
        re-built with exact data and certified with the segmentation's exact coefficients
        as primal and an exact dual bound ``y . f`` equal to the segmentation's exact
        consumer surplus (:mod:`.surplus_certificates`); ``details["exact_supremum"]``
        holds it. When no Pareto-improving segmentation exists, the decision's exact
        certificate proves the supremum is the unsegmented surplus. When the optimum is not
        attained (or some allowed cell is usable only on its boundary) the exact check
        cannot be completed and fails, saying so (``details["complete"]`` False)."""
        fails = []
        if self.segmentation is not None:
            chk = self.segmentation.verify(exact=exact, atol=atol, check_pareto=self.pareto)
            fails.extend(chk.failures)
            cs = self.segmentation.expected_consumer_surplus
            if cs > self.supremum + tol.EQUAL * max(1.0, abs(self.supremum)):
                fails.append(f"segmentation surplus {cs:.9g} exceeds the supremum {self.supremum:.9g}")
            if self.attained and cs < self.supremum - tol.EQUAL * max(1.0, abs(self.supremum)):
                fails.append("attained, but the segmentation's surplus is below the supremum")
        if self.supremum > self.upper_bound + tol.EQUAL * max(1.0, abs(self.upper_bound)):
            fails.append("supremum above the upper bound")
        details = {}
        if exact:  # issue 19: an exact check that cannot be completed fails, saying so
            efails, edet = self._exact_optimality(atol)
            fails.extend(efails)
            details.update(edet)
        return Verification(ok=not fails, failures=tuple(fails), exact=exact, details=details)

    def _exact_optimality(self, atol: float, backend: str = "auto"):
        """(failures, details) of the exact optimality proof (see :meth:`verify`)."""
        unit = tol.value_scale(self.market.env.values)
        close = lambda a, b: abs(float(a) - float(b)) <= atol * unit * max(1.0, abs(float(b)) / unit)
        if self.segmentation is None:
            imp = self.improvement
            if imp is None or imp.improvable is not False:
                return (["exact optimality of the supremum could not be completed: no "
                         "segmentation and no exact proof that none is Pareto improving"],
                        {"complete": False})
            iv = imp.verify(exact=True)
            f = [f"the decision: {m}" for m in iv.failures]
            if not close(self.supremum, self.original_consumer_surplus):
                f.append("no Pareto improvement exists, but the supremum is not the unsegmented "
                         "consumer surplus")
            return f, {"complete": bool(iv.ok)}
        src = self.exact_source
        if src is None:
            return (["exact optimality of the supremum could not be completed: this result "
                     "keeps no closure LP to certify (built by hand)"], {"complete": False})
        if not self.attained:
            return ([f"exact optimality of the supremum could not be completed: the supremum "
                     f"{self.supremum!r} is not attained (the segmentation comes within "
                     f"{self.supremum - self.segmentation.expected_consumer_surplus:.3g}), so no "
                     "exact primal point attains the dual bound"], {"complete": False})
        cert, f = src.consumer_certificate(self.segmentation, backend)
        if cert is None:
            return f, {"complete": False}
        details = {"complete": cert.complete, "exact_certificate": cert}
        if cert.ok:
            sup = cert.lp.field.frac(cert.objective) * src.scale
            details["exact_supremum"] = sup
            if not close(self.supremum, sup):
                f.append(f"reported supremum {self.supremum!r} is not the certified optimum "
                         f"{float(sup)!r}")
        else:
            f += [f"consumer-surplus LP: {m}" for m in cert.failures[:10]]
            if cert.complete:
                f.append("the segmentation's consumer surplus is not proven optimal: the exact "
                         "dual bound over the cells' closures is higher (or no exact dual holds)")
        return f, details

    def exact_certificate(self, backend: str = "auto"):
        """Exact optimality certificate of the consumer-surplus LP (the closure LP of
        :mod:`.surplus_certificates`, direction (1, 0)): the segmentation's exact
        coefficients on the cells' generators as primal, an exact dual ``y`` proving no
        segmentation over those cells has more consumer surplus. ``.to_json(path)``
        exports it for ``infopricing/verify/check_certificate.py`` (builder
        ``hs-closure-surplus``; surpluses in the solved units, ``problem["value_scale"]``
        times them in the model's). Raises ValueError when the exact proof does not hold
        or cannot be completed."""
        import dataclasses as _dc

        f, det = self._exact_optimality(tol.FEAS, backend)
        cert = det.get("exact_certificate")
        if not f and cert is None and self.segmentation is None:
            raise ValueError("no LP certificate to export: no segmentation is Pareto improving "
                             "here, so the supremum is the unsegmented consumer surplus; its proof "
                             "is the exact decision's certificate (self.improvement.verify(exact=True))")
        if f or cert is None or not cert.ok:
            raise ValueError("no exact certificate: " + "; ".join(f[:5] or ["none formed"]))
        src = self.exact_source
        return _dc.replace(cert, problem={
            "kind": "consumer-optimal segmentation (HS section 4.1 closure LP)",
            "pareto": self.pareto, "value_scale": [src.scale.numerator, src.scale.denominator],
            **src.lp.problem((1, 0), src.env)})

    def as_dict(self) -> dict:
        out = super().as_dict()
        out.pop("exact_source", None)
        return out


@dataclass(frozen=True, eq=False)
class _ClosureSource:
    """What an exact certificate of a closure-LP result is rebuilt from: the decomposition,
    the cells of the LP, the market exactly, the floating solves' bases, the exact
    coefficients of the result's segmentation, and the power of two the values were
    divided by (surpluses are ``scale`` times the solved ones)."""

    dec: CellDecomposition
    cells: tuple
    market_exact: tuple
    original: object = None             # the unsegmented market's mechanism (pareto)
    pareto: bool = False
    basis: tuple | None = None          # (col_basis, row_basis) of the direction (1, 0)
    coefficients: dict = field(default_factory=dict)
    scale: Fraction = Fraction(1)
    calls: tuple = ()                   # SurplusSet: (direction, basis, point) per solve
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def env(self):
        return self.dec.env

    @property
    def lp(self):
        if "lp" not in self._cache:
            from .surplus_certificates import closure_lp

            self._cache["lp"] = closure_lp(self.dec, self.cells, self.market_exact)
        return self._cache["lp"][0]

    def lp_failures(self) -> tuple:
        self.lp  # noqa: B018 (builds it)
        return self._cache["lp"][1]

    def excluded_allowed(self) -> list:
        """Cells left out of a Pareto LP that are exactly allowed (a tolerance call that
        would make the LP's bound invalid); [] when every exclusion is exact."""
        from .surplus_certificates import exact_mechanism_utilities

        if not self.pareto:
            return []
        up, why = exact_mechanism_utilities(self.original)
        if up is None:
            return [f"the market's own mechanism does not verify exactly ({'; '.join(why[:2])})"]
        u0 = up[0]
        fe = self.market_exact
        out = []
        inside = set(self.cells)
        for i, c in enumerate(self.dec.cells):
            S = np.flatnonzero(c.support)
            if i in inside or any(fe[t] == 0 for t in S):
                continue
            ue, why = exact_mechanism_utilities(c.mechanism)
            if ue is None:
                out.append(f"cell {i} (excluded): its mechanism does not verify exactly")
            elif all(ue[0][t] >= u0[t] for t in S):
                out.append(f"cell {i} was excluded as hurting a type but, exactly, hurts none")
        return out

    def consumer_certificate(self, seg, backend: str = "auto"):
        """(ExactCertificate or None, failures) for a segmentation claimed consumer optimal."""
        from .surplus_certificates import exact_mechanism_utilities

        lp = self.lp
        if lp is None:
            return None, ["exact check could not be completed: " + "; ".join(self.lp_failures()[:3])]
        f = self.excluded_allowed()
        idx = lp.index()
        stray = [k for k in self.coefficients if k not in idx]
        if stray or not self.coefficients:
            return None, f + ["exact check could not be completed: the segmentation's generator "
                              "coefficients are not columns of the LP"]
        lam = [self.coefficients.get(k, Fraction(0)) for k in lp.keys]
        # the proof needs only: the segmentation's own exact consumer surplus (its segments
        # and their exactly verified menus) equals c . lam = y . f, y exactly dual feasible
        we, Fe = seg.exact_weights, seg.exact_markets
        if not (we and Fe):
            return None, f + ["exact check could not be completed: the segmentation has no exact segments"]
        cs_seg = Fraction(0)
        for w, F, mech in zip(we, Fe, seg.mechanisms):
            up, why = exact_mechanism_utilities(mech)
            if up is None:
                return None, f + [f"a segment's mechanism does not verify exactly ({'; '.join(why[:2])})"]
            cs_seg += w * sum((x * u for x, u in zip(F, up[0])), Fraction(0))
        cert = lp.certify((1, 0), primal=lam, basis=self.basis, backend=backend)
        if cert.objective is not None and cert.lp.field.frac(cert.objective) * self.scale != cs_seg:
            f.append(f"the segmentation's exact consumer surplus {float(cs_seg)!r} differs from "
                     f"the LP's value of its coefficients {float(cert.objective)!r}")
        return cert, f


def _usable(st: _Setup, cells, C):
    """Cells usable strictly inside (shrunk LP, factor C), and a point using all of them."""
    found: set = set()
    pts = []
    while True:
        G, owner = _columns(st.dec, cells)
        obj = np.where(np.isin(owner, list(found)), 0.0, 1.0)
        if not obj.any():
            break
        res, G, owner = _shrink_lp(st.dec, cells, st.f, obj, C)
        if res.status is not Status.OPTIMAL:
            break
        lam = res.x[: G.shape[1]]
        segs = _segments_from(lam, G, owner, tiny=tol.FEAS * 1e-3)
        new = set(segs) - found
        if pts and (res.objective <= tol.FEAS or not new):
            break
        pts.append(lam)
        found |= set(segs)
        if not new:
            break
    if not pts:
        return [], None, None
    lam = np.mean(pts, axis=0)
    G, owner = _columns(st.dec, cells)
    return sorted(found), lam, (G, owner)


def max_consumer_surplus_segmentation(env: Environment, market, selection: str = "efficient",
                                      pareto: bool = True, mix: float = 1e-3,
                                      atol: float = tol.EQUAL) -> ConsumerOptimalSegmentation:
    """The segmentation maximising expected consumer surplus, over Pareto-improving
    segmentations (``pareto=True``) or over all segmentations.

    The supremum is the closure LP over the cells that some segmentation can use strictly
    inside (found with the shrunk LP); it is attained when the closure optimum puts each
    segment inside its cell (then that segmentation is returned), otherwise the returned
    segmentation mixes the optimum with weight ``1 - mix`` and an interior segmentation
    with weight ``mix``, and comes within ``mix`` times their gap.

    Returns
    -------
    ConsumerOptimalSegmentation

    References
    ----------
    HS, section 4.1; BBM15 (the consumer-optimal point of the surplus triangle, to which
    this reduces with one alternative and ``pareto=False``).

    Examples
    --------
    HS Section 3's market (a quarter of t1): "every segmentation also lowers the average
    consumer surplus" (HS, Section 3), so the best over all segmentations is the
    unsegmented 0.1875 (by hand: 3/4 of t2 keep 1/4 each):

    >>> import infopricing as ip
    >>> env = ip.catalog.hs_section3()
    >>> r = ip.max_consumer_surplus_segmentation(env, [0.25, 0.75], pareto=False)
    >>> round(r.supremum, 4), round(r.original_consumer_surplus, 4), r.attained
    (0.1875, 0.1875, True)
    """
    from ..model._validate import check_flag, check_tolerance

    check_flag(pareto, "pareto")
    atol = check_tolerance(atol, "atol")  # a negative or NaN atol found no improvement
    if not 0 < check_tolerance(mix, "mix") < 1:
        raise ValueError(f"mix must be a number strictly between 0 and 1, got {mix!r}")

    from . import units

    senv, scale = units.scaled(env)
    if senv is not None:  # any units: decide on values / a power of two (units.py)
        r = max_consumer_surplus_segmentation(senv, _check_inputs(env, market).probabilities,
                                              selection=selection, pareto=pareto, mix=mix, atol=atol)
        return dataclasses.replace(
            r, market=units.rebind_market(r.market, env), supremum=r.supremum * scale,
            segmentation=units.rebind_segmentation(r.segmentation, env, scale),
            upper_bound=r.upper_bound * scale, original_consumer_surplus=r.original_consumer_surplus * scale,
            improvement=None if r.improvement is None else units.rebind_improvement(r.improvement, env, scale),
            exact_source=None if r.exact_source is None else
            dataclasses.replace(r.exact_source, scale=Fraction(scale), _cache={}))
    market = _check_inputs(env, market)
    st = _setup(env, market, selection, atol)
    if pareto:
        cells = st.allowed
        dec = _decide(st, selection)
        if dec.improvable is not True:
            cs0 = st.mech.expected_consumer_surplus
            return ConsumerOptimalSegmentation(market, True, cs0 if dec.improvable is False else float("nan"),
                                               False, None, float("nan"), cs0, dec)
    else:
        dec = None
        cells = [i for i, c in enumerate(st.dec.cells) if not np.any(c.support & (st.f <= 0))]
    cs_col = lambda cs: np.concatenate([st.dec.cells[c].generators @ st.dec.cells[c].utilities for c in cs])
    ub_res, _, _ = _closure_lp(st.dec, cells, st.f, cs_col(cells))
    for C in _SHRINK:
        used, lam_in, GO = _usable(st, cells, C)
        if used:
            break
    if not used:
        raise SolverError("no segmentation strictly inside the cells was found")
    res, G, owner = _closure_lp(st.dec, used, st.f, cs_col(used))
    if res.status is not Status.OPTIMAL:
        raise SolverError(f"closure LP not solved: {res.status}")
    sup_val = float(res.objective)
    best = None
    coeffs: dict = {}
    try:
        seg = _exact_segmentation(market, res.x, G, owner, st.dec, selection, original=st.mech,
                                  coefficients=coeffs)
        ok = (not pareto or seg.is_pareto_improving)
        if ok and seg.expected_consumer_surplus >= sup_val - tol.EQUAL * max(1.0, abs(sup_val)):
            best = (seg, True)
    except (SolverError, ValueError):
        pass
    if best is None:
        Gi, owner_i = GO
        lam_mix = mix * lam_in.copy()
        # place the closure optimum's coefficients onto the interior point's columns
        for j, c in enumerate(owner):
            cols = np.flatnonzero(owner_i == c)
            match = cols[np.flatnonzero(np.all(np.isclose(Gi[:, cols], G[:, [j]]), axis=0))]
            lam_mix[match[0]] += (1 - mix) * res.x[j]
        seg = _exact_segmentation(market, lam_mix, Gi, owner_i, st.dec, selection, original=st.mech,
                                  coefficients=coeffs)
        best = (seg, False)
    src = _ClosureSource(dec=st.dec, cells=tuple(int(c) for c in cells), market_exact=st.fe,
                         original=st.mech, pareto=pareto,
                         basis=None if ub_res.col_basis is None else (ub_res.col_basis, ub_res.row_basis),
                         coefficients=dict(coeffs))
    return ConsumerOptimalSegmentation(market, pareto, sup_val, best[1], best[0],
                                       float(ub_res.objective), st.mech.expected_consumer_surplus, dec,
                                       exact_source=src)


# ---------------------------------------------------------------------------------------
# public: the set of (consumer surplus, producer surplus) pairs
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class SurplusSet(Result, Tabular):
    """The closure of the set of (consumer surplus, producer surplus) pairs achieved by the
    segmentations of a market (the multi-product analogue of the BBM15 surplus triangle).

    Attributes
    ----------
    market : Market
    vertices : ndarray (V, 2)      the convex polygon's vertices, counter-clockwise,
                                   columns (consumer surplus, producer surplus)
    original : tuple               (CS, PS) of the unsegmented market
    efficient_surplus : float      total surplus of the efficient allocation (the triangle's
                                   hypotenuse CS + PS = efficient_surplus)
    n_cells : int
    lp_solves : int

    Notes
    -----
    Producer surplus is the same for every optimal mechanism, so PS is exact on cell
    boundaries too; consumer surplus on a boundary follows the selection rule, so boundary
    points of the polygon may be approached rather than attained.

    References
    ----------
    BBM 2015, Theorem 1 (the single-product surplus triangle); the multi-product set is this
    library's analogue for HS environments (HS, section 4).

    Examples
    --------
    HS Section 3's market (q = 3/4): the unsegmented point (3/16, 3/2) is a corner of the
    set, and no point has more consumer surplus (HS, Section 3); full extraction of the
    efficient surplus 1.75 is the top corner:

    >>> import infopricing as ip
    >>> s = ip.surplus_set(ip.catalog.hs_section3(), [0.25, 0.75])
    >>> s.original, s.efficient_surplus, round(float(s.vertices[:, 0].max()), 4)
    ((0.1875, 1.5), 1.75, 0.1875)
    """

    market: Market
    vertices: np.ndarray
    original: tuple
    efficient_surplus: float
    n_cells: int
    lp_solves: int
    selection: str = "efficient"
    #: what the exact certificates are rebuilt from (None for a hand-built set)
    exact_source: object = field(default=None, repr=False, compare=False)

    @property
    def max_consumer_surplus(self) -> float:
        return float(self.vertices[:, 0].max())

    @property
    def max_producer_surplus(self) -> float:
        return float(self.vertices[:, 1].max())

    @property
    def min_producer_surplus(self) -> float:
        return float(self.vertices[:, 1].min())

    def contains(self, cs: float, ps: float, atol: float = tol.FEAS) -> bool:
        """Whether (cs, ps) lies in the polygon (within ``atol``)."""
        V = self.vertices
        if len(V) == 1:
            return bool(np.hypot(cs - V[0, 0], ps - V[0, 1]) <= atol)
        for i in range(len(V)):
            p, q = V[i], V[(i + 1) % len(V)]
            cross = (q[0] - p[0]) * (ps - p[1]) - (q[1] - p[1]) * (cs - p[0])
            if cross < -atol * max(1.0, np.hypot(*(q - p))):
                return False
        return True

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Geometric consistency: the unsegmented point is in the set, every vertex has
        PS >= the unsegmented PS (the seller can always keep her menu) and CS + PS <= the
        efficient surplus, CS >= 0.

        ``exact=True`` also *proves* the polygon in rational arithmetic: each vertex is
        attained by an exact segmentation of the closure LP (its basis re-solved exactly:
        exact generator coefficients averaging exactly to the market), the exact vertices
        are within ``atol`` of the reported ones, and along the outer normal of each edge
        of the exact polygon an exact dual bound ``y . f`` proves that no segmentation goes
        beyond it (:mod:`.surplus_certificates`; for a segment or a point, the normals and
        the directions along it). ``details["exact_vertices"]`` holds the exact polygon.
        The exact check fails, saying so, when it cannot be completed."""
        base = self._float_checks(atol)
        if not exact:
            return base
        fails, details, _ = self._exact_proof(atol)
        return Verification(ok=base.ok and not fails, failures=tuple(base.failures) + tuple(fails),
                            exact=True, details=details)

    def _exact_proof(self, atol: float, backend: str = "auto"):
        """(failures, details, certificates) of the exact proof of the polygon."""
        src = self.exact_source
        if src is None:
            return (["exact check could not be completed: this set keeps no closure LP to "
                     "certify (built by hand)"], {"complete": False}, [])
        lp = src.lp
        if lp is None:
            return (["exact check could not be completed: " + "; ".join(src.lp_failures()[:3])],
                    {"complete": False}, [])
        S = src.scale
        unit = tol.value_scale(self.market.env.values)
        V = np.asarray(self.vertices, dtype=float) / float(S)
        fails: list = []
        calls = list(src.calls)
        pts = np.array([c[2] for c in calls]).reshape(len(calls), 2)
        lams, exact_v, bases = [], [], []
        for i, v in enumerate(V):
            order = np.argsort(np.hypot(*(pts - v[None, :]).T)) if len(calls) else []
            got = None
            for j in list(order)[:3]:
                d, basis, _ = calls[j]
                cert = lp.certify(tuple(Fraction(float(x)) for x in d), basis=basis, backend=backend)
                if cert.ok:
                    lam = [cert.lp.field.frac(x) for x in cert.primal]
                    pe = (sum((a * b for a, b in zip(lp.cs, lam)), Fraction(0)),
                          sum((a * b for a, b in zip(lp.ps, lam)), Fraction(0)))
                    got = (lam, pe, basis)
                    break
            if got is None:
                return ([f"exact check could not be completed: vertex {i} is not re-solved "
                         "exactly from any supporting LP's basis"], {"complete": False}, [])
            lams.append(got[0])
            exact_v.append(got[1])
            bases.append(got[2])
            if any(abs(float(x * S) - float(y * S)) > atol * unit * max(1.0, abs(float(y * S)) / unit)
                   for x, y in zip(got[1], v)):
                fails.append(f"vertex {i}: reported {tuple(float(y * S) for y in v)} is not the exact "
                             f"vertex {tuple(float(x * S) for x in got[1])}")
        K = len(exact_v)
        dirs = []  # (direction, vertex index attaining it)
        if K == 1:
            dirs = [((Fraction(1), Fraction(0)), 0), ((Fraction(0), Fraction(1)), 0),
                    ((Fraction(-1), Fraction(0)), 0), ((Fraction(0), Fraction(-1)), 0)]
        else:
            for i in range(K):
                p, q = exact_v[i], exact_v[(i + 1) % K]
                e = (q[0] - p[0], q[1] - p[1])
                if e == (0, 0):
                    fails.append(f"vertices {i} and {(i + 1) % K} coincide exactly")
                    continue
                dirs.append(((e[1], -e[0]), i))
                if K == 2:
                    dirs.append((e, (i + 1) % K))
            for i in range(K if K > 2 else 0):
                a, b, c = exact_v[i - 1], exact_v[i], exact_v[(i + 1) % K]
                if (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]) < 0:
                    fails.append(f"the exact polygon turns clockwise at vertex {i}")
        certs = []
        for d, i in dirs:
            cert = None
            for basis in (bases[i], bases[(i + 1) % K], None):
                cert = lp.certify(d, primal=lams[i], basis=basis, backend=backend)
                if cert.ok:
                    break
            certs.append((d, cert))
            if not cert.ok:
                fails.append(f"direction ({float(d[0]):.6g}, {float(d[1]):.6g}) from vertex {i}: "
                             "no exact dual bound at the vertex (a segmentation goes beyond it, "
                             "or the check could not be completed): " + "; ".join(cert.failures[:3]))
        details = {"complete": all(c.complete for _, c in certs),
                   "exact_vertices": [tuple(x * S for x in v) for v in exact_v],
                   "directions": len(certs)}
        return fails, details, certs

    def exact_certificates(self, backend: str = "auto") -> tuple:
        """The exact certificates proving the polygon, one per supporting direction (edge
        normals; for a segment or a point also the directions along it): each an
        :class:`~infopricing.lp.exact_certificate.ExactCertificate` of the closure LP along
        that direction whose primal is a vertex's exact segmentation (generator
        coefficients) and whose dual bounds every segmentation. ``.to_json(path)`` exports
        each for ``infopricing/verify/check_certificate.py`` (builder
        ``hs-closure-surplus``). Raises ValueError when the exact proof does not hold."""
        import dataclasses as _dc

        fails, det, certs = self._exact_proof(tol.FEAS, backend)
        if fails:
            raise ValueError("no exact certificate: " + "; ".join(fails[:5]))
        src = self.exact_source
        S = src.scale
        return tuple(_dc.replace(c, problem={
            "kind": "surplus set (closure LP along a supporting direction)",
            "value_scale": [S.numerator, S.denominator], **src.lp.problem(d, src.env)})
            for d, c in certs)

    def _float_checks(self, atol: float) -> Verification:
        unit = tol.value_scale(self.market.env.values)  # surpluses in the model's units
        atol = atol * unit
        fails = []
        V = self.vertices
        if not self.contains(*self.original, atol=1e-6 * unit):
            fails.append("the unsegmented market's surplus pair is not in the set")
        if np.any(V[:, 1] < self.original[1] - atol):
            fails.append("a vertex has producer surplus below the unsegmented market's")
        if np.any(V.sum(axis=1) > self.efficient_surplus + atol):
            fails.append("a vertex exceeds the efficient total surplus")
        if np.any(V[:, 0] < -atol):
            fails.append("a vertex has negative consumer surplus")
        return Verification(ok=not fails, failures=tuple(fails))

    def _table(self) -> dict:
        """One row per vertex of the polygon: (consumer surplus, producer surplus)."""
        return {"consumer_surplus": self.vertices[:, 0], "producer_surplus": self.vertices[:, 1]}

    def as_dict(self) -> dict:
        return {"vertices": self.vertices.tolist(), "original": list(self.original),
                "efficient_surplus": self.efficient_surplus, "n_cells": self.n_cells,
                "selection": self.selection}


def surplus_set(env: Environment, market, selection: str = "efficient",
                atol: float = tol.FEAS) -> SurplusSet:
    """The (consumer surplus, producer surplus) pairs achievable by segmenting a market.

    Every segmentation is one segment per cell, so the pairs form the projection of the
    closure LP's feasible set: a convex polygon, computed exactly up to LP accuracy by
    support-function refinement (each edge of the current polygon is tested by maximising
    along its outer normal; a point beyond it is inserted).

    Returns
    -------
    SurplusSet

    References
    ----------
    BBM15 (surplus triangle, single product); HS footnote 8 (with several alternatives
    some pairs of the triangle are not achievable).

    Examples
    --------
    >>> import infopricing as ip
    >>> env = ip.Environment([[1, 2], [2, 3], [3, 3.5]])
    >>> s = ip.surplus_set(env, ip.Market(env, [0.3, 0.3, 0.4]))
    >>> round(s.max_consumer_surplus, 4), round(s.efficient_surplus, 4)
    (0.8, 2.9)
    """
    from ..model._validate import check_tolerance
    from . import units

    atol = check_tolerance(atol, "atol")  # a negative atol made the cell search run on and on
    senv, scale = units.scaled(env)
    if senv is not None:  # any units: decide on values / a power of two (units.py)
        r = surplus_set(senv, _check_inputs(env, market).probabilities, selection=selection,
                        atol=atol)
        return dataclasses.replace(r, market=units.rebind_market(r.market, env),
                                   vertices=r.vertices * scale,
                                   original=tuple(float(v) * scale for v in r.original),
                                   efficient_surplus=r.efficient_surplus * scale,
                                   exact_source=None if r.exact_source is None else
                                   dataclasses.replace(r.exact_source, scale=Fraction(scale), _cache={}))
    market = _check_inputs(env, market)
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    f = market.probabilities
    dec = cell_decomposition(env, selection=selection, support=f > 0)
    cells = [i for i, c in enumerate(dec.cells) if not np.any(c.support & (f <= 0))]
    G, owner = _columns(dec, cells)
    cs = np.concatenate([dec.cells[c].generators @ dec.cells[c].utilities for c in cells])
    ps = np.concatenate([dec.cells[c].generators @ dec.cells[c].payments for c in cells])
    solves = 0
    calls = []

    def support(d):
        nonlocal solves
        res = solve_lp(d[0] * cs + d[1] * ps, sp.csc_matrix(G), f, f, np.zeros(G.shape[1]),
                       np.full(G.shape[1], np.inf), sense="max")
        solves += 1
        if res.status is not Status.OPTIMAL:
            raise SolverError(f"surplus LP not solved: {res.status}")
        pt = np.array([cs @ res.x, ps @ res.x])
        if res.col_basis is not None:
            calls.append((tuple(float(x) for x in d), (res.col_basis, res.row_basis), pt))
        return pt

    pts = [support(d) for d in (np.array([1.0, 0.0]), np.array([0.0, 1.0]),
                                np.array([-1.0, 0.0]), np.array([0.0, -1.0]),
                                np.array([1.0, 1.0]), np.array([-1.0, 1.0]))]
    poly = _hull2d(pts, atol)
    changed = True
    while changed and len(poly) >= 2:
        changed = False
        out = []
        for i in range(len(poly)):
            p, q = poly[i], poly[(i + 1) % len(poly)]
            out.append(p)
            e = q - p
            if np.hypot(*e) <= atol:
                continue
            d = np.array([e[1], -e[0]]) / np.hypot(*e)  # outer normal of a CCW polygon
            r = support(d)
            if d @ r > d @ p + atol:
                out.append(r)
                changed = True
        poly = _hull2d(out, atol)
    mech = optimal_mechanism(env, market, selection=selection)
    return SurplusSet(market=market, vertices=np.array(poly), selection=selection,
                      original=(mech.expected_consumer_surplus, mech.revenue),
                      efficient_surplus=float(f @ env.efficient_value), n_cells=len(cells),
                      lp_solves=solves + dec.lp_solves,
                      exact_source=_ClosureSource(dec=dec, cells=tuple(int(c) for c in cells),
                                                  market_exact=exact_market(market),
                                                  calls=tuple(calls)))


def _hull2d(points, atol):
    """Convex hull (counter-clockwise, collinear points dropped) of 2-D points."""
    P = sorted({(round(float(p[0]), 12), round(float(p[1]), 12)) for p in points})
    if len(P) <= 2:
        return [np.array(p) for p in P]

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in P:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= atol * 1e-3:
            lower.pop()
        lower.append(p)
    for p in reversed(P):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= atol * 1e-3:
            upper.pop()
        upper.append(p)
    return [np.array(p) for p in lower[:-1] + upper[:-1]]


from ..plots.hs import plot_surplus_set  # noqa: E402,F401 (the figure lives in plots/)
