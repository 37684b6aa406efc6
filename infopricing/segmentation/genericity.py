"""Genericity: the hyperplanes H(b) containing every market with multiple optimal payment
rules (HS section 6.2, Lemmas 2-4, Proposition 4, Definition 1, Figure 2).

The set P of payment rules of IC-IR mechanisms is a polytope (HS Lemma 2); a market has
several optimal payment rules only if two distinct payment rules p, p' of P are both
revenue-maximal in its direction, so it lies on H(p - p') (HS Lemma 4). The payment rules
that matter are found by an LP-based search over the market simplex: keep a finite set W
of optimal payment rules; for each p in W compute the vertices of its region
C_p = {f in simplex : f.p >= f.q for all q in W}; at every such vertex solve the menu LP, and
add its payment rule when it earns strictly more than p. When no vertex improves, the
maximum revenue is convex in f and equals f.p at every vertex of C_p, hence on all of C_p:
the regions cover the simplex and every market with two optimal payment rules lies on
H(p - q) for two members of W with a common market. Vertex enumeration of the regions
is brute force, practical for n <= 4 types.

"Multiple optimal payment rules" is meant on the market's support throughout: on a face
of the simplex (some f_t = 0) optimal payment rules may also differ in the payments of the
zero-mass types; such markets lie on the coordinate hyperplanes ``f_t = 0``, which are not
listed (Theorem 1 needs uniqueness only on the support).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .. import tolerances as tol
from ..model import Environment, Market
from ..screening import Verification, optimal_mechanism
from .segment_welfare import rational_vector, revenue_upper_bound
from ..verify.protocol import Result, no_exact

__all__ = ["Genericity", "genericity_hyperplanes"]

MAX_TYPES = 4


@dataclass(frozen=True, eq=False, repr=False)
class Genericity(Result):
    """Payment rules covering the market simplex and the hyperplanes H(b) between them.

    Attributes
    ----------
    env : Environment
    payment_rules : tuple of tuple of Fraction
        Optimal payment rules whose regions cover the simplex (vertices of P as found).
    hyperplanes : tuple of tuple of int
        Primitive integer normals b (first non-zero entry positive) with b = p - q up to
        scale, for pairs p, q of ``payment_rules`` that are both optimal on some market:
        every market with multiple optimal payment rules on its support lies on some H(b)
        (see the module docstring for zero-mass types).
    complete : bool       the search ended because no region vertex improved (not by the cap)
    lp_solves : int

    References
    ----------
    HS, section 6.2: Lemma 2, Lemma 4, Proposition 4, Definition 1, Figure 2.

    Examples
    --------
    >>> import infopricing as ip
    >>> g = ip.genericity_hyperplanes(ip.catalog.hs_section3())
    >>> [tuple(str(b) for b in rule) for rule in g.payment_rules]
    [('1', '1'), ('0', '2'), ('3/4', '7/4')]
    """

    env: Environment
    payment_rules: tuple = field(repr=False)
    hyperplanes: tuple = ()
    complete: bool = True
    lp_solves: int = 0

    def on_hyperplanes(self, market, atol: float = tol.EQUAL) -> list[tuple]:
        """The normals b with ``b . f = 0`` (within ``atol`` relative to |b|) for a market."""
        f = market.probabilities if isinstance(market, Market) else np.asarray(market, dtype=float)
        out = []
        for b in self.hyperplanes:
            bb = np.array(b, dtype=float)
            if abs(bb @ f) <= atol * max(1.0, np.abs(bb).max()):
                out.append(b)
        return out

    def optimal_revenue(self, market) -> float:
        f = market.probabilities if isinstance(market, Market) else np.asarray(market, dtype=float)
        return max(float(sum(float(x) * fi for x, fi in zip(p, f))) for p in self.payment_rules)

    def verify(self, *, exact: bool = False, samples: int = 20, seed: int = 0,
               atol: float = tol.FEAS) -> Verification:
        """Re-check with the menu LP on seeded random markets: the optimal revenue equals
        ``max_p f.p`` over the payment rules (coverage), and every sampled market whose
        payment rule is not unique on a full support lies on some H(b). Also checks that
        every payment rule is the payment rule of an IC-IR menu optimal somewhere (each
        appears as the revenue bound at some market in its region)."""
        no_exact(self, exact)
        rng = np.random.default_rng(seed)
        n = self.env.n_types
        fails = []
        for _ in range(samples):
            f = rng.dirichlet(np.ones(n))
            ub = revenue_upper_bound(self.env, f)
            cov = self.optimal_revenue(f)
            if abs(ub - cov) > atol * max(1.0, abs(ub)):
                fails.append(f"at market {np.round(f, 4).tolist()} the optimal revenue {ub:.9g} "
                             f"differs from the covering value {cov:.9g}")
        # markets on a hyperplane: midpoints between two region vertices are checked by the
        # caller's tests; here check the hyperplanes pass through the simplex
        for b in self.hyperplanes:
            bb = np.array(b, dtype=float)
            if not (bb.max() >= 0 and bb.min() <= 0):
                fails.append(f"H({b}) does not meet the simplex")
        return Verification(ok=not fails, failures=tuple(fails))

    def as_dict(self) -> dict:
        return {"types": list(self.env.types),
                "payment_rules": [[str(x) for x in p] for p in self.payment_rules],
                "hyperplanes": [list(b) for b in self.hyperplanes],
                "complete": self.complete, "lp_solves": self.lp_solves}


def _primitive(b) -> tuple | None:
    """Scale a rational vector to a primitive integer vector, first non-zero entry > 0."""
    b = [Fraction(x) for x in b]
    if all(x == 0 for x in b):
        return None
    den = 1
    for x in b:
        den = den * x.denominator // math.gcd(den, x.denominator)
    ints = [int(x * den) for x in b]
    g = 0
    for v in ints:
        g = math.gcd(g, abs(v))
    ints = [v // g for v in ints]
    first = next(v for v in ints if v != 0)
    if first < 0:
        ints = [-v for v in ints]
    return tuple(ints)


def _region_vertices(p, W, n):
    """Exact vertices of {f >= 0, sum f = 1, f.(p - q) >= 0 for q in W}."""
    G = [[Fraction(int(i == t)) for i in range(n)] for t in range(n)]
    G += [[p[i] - q[i] for i in range(n)] for q in W if q != p]
    Gf = np.array([[float(x) for x in g] for g in G])
    verts = []
    seen = set()
    for combo in itertools.combinations(range(len(G)), n - 1):
        M = np.vstack([np.ones((1, n)), Gf[list(combo)]])
        if abs(np.linalg.det(M)) < 1e-12:
            continue
        fl = np.linalg.solve(M, np.concatenate([[1.0], np.zeros(n - 1)]))
        if np.any(Gf @ fl < -1e-9):
            continue
        # exact re-solve
        Me = [[Fraction(1)] * n] + [G[c] for c in combo]
        try:
            fe = _solve_exact(Me, [Fraction(1)] + [Fraction(0)] * (n - 1))
        except ZeroDivisionError:
            continue
        if any(sum((g[i] * fe[i] for i in range(n)), Fraction(0)) < 0 for g in G):
            continue
        key = tuple(fe)
        if key not in seen:
            seen.add(key)
            verts.append(key)
    return verts


def _solve_exact(M, b):
    from ..lp import solve_exact_square

    try:
        return solve_exact_square(M, b)
    except ValueError as exc:
        raise ZeroDivisionError(str(exc)) from None


def _payments_exact(env, f, selection):
    m = optimal_mechanism(env, Market(env, [float(x) for x in f]), selection=selection)
    chk = m.verify(exact=True)
    if chk.ok:
        return tuple(chk.details["payments"])
    return tuple(rational_vector(m.payments))


def genericity_hyperplanes(env: Environment, max_lp_solves: int = 2000,
                           selection: str = "efficient") -> Genericity:
    """The finite set of hyperplanes H(b) of HS Proposition 4 for an environment.

    Parameters
    ----------
    env : Environment
        At most :data:`MAX_TYPES` (4) types (region vertex enumeration is brute force). Any
        units: the search runs on the values divided by a power of two
        (:mod:`.units`, exact), and the payment rules are scaled back exactly; the
        hyperplanes' primitive normals do not depend on the units. Ints and Fractions in
        the valuations are kept exact, so rescaling them by any rational (1e-9 given as
        ``Fraction(1, 10**9)``) gives the same hyperplanes; a float rescaling by a power of
        ten rounds the values (3 * 7.500000000000001e-10 is not 2.2500000000000003e-09)
        and may move the exact payment rules of the rounded data.
    max_lp_solves : int
        Cap on menu-LP solves; ``complete`` is False when it is reached.
    selection : str
        Selection rule of the LP solves (any optimal payment rule serves).

    Returns
    -------
    Genericity
        ``payment_rules`` covering the simplex and the primitive integer normals
        ``hyperplanes``; every market with multiple optimal payment rules on its support
        lies on one of them (HS Lemma 4), and Theorem 1 applies to every inefficient market
        off them.

    References
    ----------
    HS, section 6.2, Lemma 2, Lemma 4, Proposition 4, Definition 1, Figure 2.

    Examples
    --------
    HS Section 3 (Figure 2): the non-generic markets lie on f(t1) - 3 f(t2) = 0 (q = 1/4)
    and 3 f(t1) - f(t2) = 0 (q = 3/4), between three payment rules:

    >>> import infopricing as ip
    >>> g = ip.genericity_hyperplanes(ip.catalog.hs_section3())
    >>> g.complete, len(g.payment_rules), g.hyperplanes
    (True, 3, ((1, -3), (3, -1)))
    """
    if not isinstance(env, Environment):
        raise TypeError(f"env must be an Environment, got {env.__class__.__name__}")
    from . import units

    senv, scale = units.scaled(env)
    if senv is not None:  # any units: search on values / a power of two, scale back exactly
        g = genericity_hyperplanes(senv, max_lp_solves=max_lp_solves, selection=selection)
        S = Fraction(scale)
        return dataclasses.replace(g, env=env,
                                   payment_rules=tuple(tuple(x * S for x in p) for p in g.payment_rules))
    n = env.n_types
    if not 2 <= n <= MAX_TYPES:
        raise ValueError(f"env must have between 2 and {MAX_TYPES} types for the region search, got {n}")
    if max_lp_solves < 1:
        raise ValueError(f"max_lp_solves must be positive, got {max_lp_solves}")
    W: list[tuple] = []
    solves = 0
    starts = [tuple(Fraction(int(i == t)) for i in range(n)) for t in range(n)]
    starts.append(tuple(Fraction(1, n) for _ in range(n)))
    for f in starts:
        p = _payments_exact(env, f, selection)
        solves += 1
        if p not in W:
            W.append(p)
    complete = False
    checked: set = set()
    while solves < max_lp_solves:
        improved = False
        for p in list(W):
            for f in _region_vertices(p, W, n):
                key = (p, f)
                if key in checked:
                    continue
                checked.add(key)
                fp = sum((a * b for a, b in zip(f, p)), Fraction(0))
                q = _payments_exact(env, f, selection)
                solves += 1
                fq = sum((a * b for a, b in zip(f, q)), Fraction(0))
                if fq > fp and q not in W:
                    W.append(q)
                    improved = True
                if solves >= max_lp_solves:
                    break
            if solves >= max_lp_solves:
                break
        if not improved and solves < max_lp_solves:
            complete = True
            break
    # hyperplanes between payment rules that are both optimal at a common market
    planes = []
    for p in W:
        for f in _region_vertices(p, W, n):
            fp = sum((a * b for a, b in zip(f, p)), Fraction(0))
            for q in W:
                if q == p:
                    continue
                if sum((a * b for a, b in zip(f, q)), Fraction(0)) == fp:
                    b = _primitive([x - y for x, y in zip(p, q)])
                    if b is not None and b not in planes:
                        planes.append(b)
    planes.sort()
    return Genericity(env=env, payment_rules=tuple(W), hyperplanes=tuple(planes),
                      complete=complete, lp_solves=solves)
