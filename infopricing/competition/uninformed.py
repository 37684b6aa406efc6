"""The no-information benchmark: producers know only the prior (and their own cost).

No market segmentation: every producer's only information is its own cost, so a
strategy is a (mixed) price for each own cost. With one producer this is the uniform
monopoly price. With two producers the pricing game is discretised -- prices on a grid
that contains every cost, value, residual and consumer-indifference price together with
points just below and above each, plus an even grid -- and an equilibrium of the finite
Bayesian game (each cost a separate agent) is computed: first a pure equilibrium by
best-response iteration, otherwise Lemke's complementary pivoting, inside a double
oracle (the game is restricted to a few prices per agent, solved, and every agent's best
grid response is added until no agent can gain on the grid; the restricted games stay
small although the grid is fine). The equilibrium is
then re-checked against *continuous* deviations by the independent checker of
:mod:`infopricing.competition.equilibrium`; its largest gain is reported as
``deviation_gain`` (the equilibrium is an ``epsilon``-equilibrium of the actual game with
that ``epsilon``). Optional refinement rounds add each agent's most profitable deviation
price found by the checker to its grid and solve again.

With three or more producers the grid game (same grid, one agent per producer and
cost) is first searched for a *pure* equilibrium by round-robin best responses (cheap,
and exact on the grid when it stops). When that cycles -- as in Varian's (1980) model of
sales, where every equilibrium mixes -- a mixed equilibrium is computed by
*fictitious play* (Brown 1951) on the whole grid, in
:mod:`infopricing.competition._nplayer`: every step, each agent best-responds on its
full grid to the rivals' empirical mixtures (so the support of its mixture grows only by
best responses, as in a double oracle, but without restricted games to re-solve); every
250 steps the regret of the empirical profile -- the largest gain of any agent's best
grid price over its mixed payoff, the grid game's ``epsilon`` -- is computed, and the
loop stops when it is at most ``mixed_tol`` (relative to ``max(1, max value)``). The
payoff of an agent against independent rival mixtures is computed exactly per profile
row (probability that every rival offers less surplus, times the Poisson-binomial tie
split), vectorised over prices.

Why fictitious play and not the alternatives: Lemke-Howson has no N-player
counterpart of comparable simplicity; homotopies (logit tracing) need path following
through folds; replicator / multiplicative-weights dynamics converge (on average) only
to coarse correlated equilibria, and their last iterates cycle in price-dispersion games.
Fictitious play is not guaranteed to converge in N-player games either (Shapley's
example), but on the Bertrand grid games tried (Varian's sales model included) its
empirical mixtures' regret falls roughly like ``1/steps``; and since its answer is
*certified afterwards* (grid regret and the continuous checker), non-convergence cannot
pass silently. Honest failure: when the regret target is not reached in
``mixed_iterations`` steps a :class:`SolverError` reports the regret reached; nothing
is returned. The reported equilibrium is an ``epsilon``-equilibrium, never an exact one:
``grid_gain`` is its grid regret, ``deviation_gain`` the continuous one. Known limit:
on homogeneous Bertrand with private costs (three producers, value 2, costs 0 or 1
equally likely, ``grid=41``) the regret stalls near 0.02 (large tied atoms at the bottom
of the support) and the error is raised.

Selection rule: the equilibrium reported is the first one found from the starting
profile in which every producer charges just below its optimal price against rivals
at cost (``p_i^*(c_i)``); the finite game can have others. Fictitious play starts from
the same profile and breaks best-response ties towards the lowest price.

References
----------
BBM25, Introduction and Section II (the comparison of no segmentation, complete
information and consumer-optimal information); Section I (model, uniform
tie-breaking). Brown (1951), "Iterative solution of games by fictitious play".
Varian (1980), "A model of sales" (the test instance for N = 3).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .. import tolerances as tol
from ..errors import SolverError
from ..model._validate import frozen
from ..verify import Checker, Verification
from ._lemke import bayesian_bimatrix_equilibrium
from ._nplayer import AgentGame, fictitious_play
from .equilibrium import (EquilibriumCheck, InformationStructure, check_equilibrium,
                          evaluate_outcome)
from .game import CompetitionOutcome, PricingGame
from ..verify.protocol import no_exact, records_params, renamed_keywords
from .._progress import check_progress

__all__ = ["DiscreteMix", "NoInformationOutcome", "no_information_outcome"]

COARSE = 21
"""Even-grid size of the first (coarsest) level of the no-information solver."""

OFFSET = tol.PRICE_STEP
"""Default distance of the "just below / just above" grid points from each critical price
(equal to the checker's deviation step, so the grid contains the checker's candidates)."""


@dataclass(frozen=True)
class DiscreteMix:
    """A mixed price with finitely many atoms.

    References
    ----------
    BBM25, section II (the no-information benchmark).
    """

    prices: np.ndarray
    probabilities: np.ndarray

    def prob_greater(self, x):
        """``P(price > x)`` beyond the tie tolerance."""
        x = np.asarray(x, dtype=float)
        return (self.prices[None, :] > x.reshape(-1, 1) + tol.TIE).astype(float) @ \
            self.probabilities if x.ndim else float(self.probabilities[self.prices > x + tol.TIE].sum())

    def prob_equal(self, x):
        """``P(price == x)`` within the tie tolerance."""
        x = np.asarray(x, dtype=float)
        return (np.abs(self.prices[None, :] - x.reshape(-1, 1)) <= tol.TIE).astype(float) @ \
            self.probabilities if x.ndim else float(
                self.probabilities[np.abs(self.prices - x) <= tol.TIE].sum())

    def quadrature(self, n: int = 64):
        return self.prices, self.probabilities

    def critical_points(self) -> np.ndarray:
        return self.prices

    def describe(self) -> str:
        if self.prices.size == 1:
            return f"price {self.prices[0]:.6g}"
        return "mix " + ", ".join(f"{p:.6g}:{w:.3g}" for p, w in zip(self.prices, self.probabilities))


@dataclass(frozen=True, repr=False)
class NoInformationOutcome(CompetitionOutcome):
    """Welfare and strategies when producers know only the prior and their own cost.

    Attributes
    ----------
    strategies : tuple of dict
        ``strategies[i][c]``: producer ``i``'s price law (:class:`DiscreteMix`) at own
        cost ``c``.
    deviation_gain : float
        Largest expected gain (per unit of the cost's probability) of any producer and
        cost from any deviation found by the continuous deviation checker: the
        ``epsilon`` of this ``epsilon``-equilibrium.
    check : EquilibriumCheck
    method : str
        ``"monopoly"`` (N = 1), ``"pure"`` (pure equilibrium of the grid game found by
        best-response iteration), ``"lemke"`` (a mixed one by Lemke's algorithm, N = 2)
        or ``"fictitious play"`` (an approximate mixed one, N >= 3, with regret
        ``grid_gain`` on the grid);
        ``" (oracle stopped)"`` is appended when the double oracle ran out of iterations
        before the grid game's equilibrium was reached.
    grid_sizes : tuple of int
        Number of grid prices per (producer, cost) agent in the last round.
    rounds : int
        Index (1-based) of the reported solve among all solves performed (levels and
        refinement rounds); it is the one with the smallest ``deviation_gain``. For
        fictitious play (N >= 3): the number of fictitious-play steps.
    game : PricingGame
    grid_gain : float
        Largest gain of any agent from a price *on the solver's grid* over its mixed
        payoff (the grid game's ``epsilon``, per unit of the cost's probability). Zero for
        the exact grid equilibria ("pure", "lemke", "monopoly"); for "fictitious play"
        the regret reached, at most ``mixed_tol`` times ``max(1, max value)``.
    grid_level : int or None
        Points of the even grid (before the critical prices are added) on which the
        reported equilibrium was solved; with two producers it can be coarser than the
        ``size`` asked for (see ``ladder_note``). None for a monopoly.
    ladder_note : str
        Why the two-producer coarse-to-fine ladder stopped below the ``size`` asked for
        (Lemke's pivot budget exhausted on a finer level), or "" when it did not.

    References
    ----------
    BBM25, section II (the no-segmentation benchmark).

    Examples
    --------
    BBM25 Example 3 (cost 1, value 0 or 4 known to the consumer): the monopolist prices at
    4 and takes (4 - 1) / 2 = 1.5, consumer surplus 0 (the paper's first case):

    >>> import infopricing as ip
    >>> n = ip.no_information_outcome(ip.catalog.bbm25_example3())
    >>> n.method, round(n.expected_consumer_surplus, 4), n.producer_surplus.round(4).tolist()
    ('monopoly', 0.0, [1.5])
    """

    strategies: tuple = ()
    deviation_gain: float = 0.0
    check: EquilibriumCheck | None = None
    method: str = ""
    grid_sizes: tuple = ()
    rounds: int = 1
    game: PricingGame | None = None
    grid_gain: float = 0.0
    grid_level: int | None = None
    ladder_note: str = ""

    def strategy(self, i: int, signal: int, cost: float):
        """Price law of producer ``i`` at own cost ``cost`` (the signal is uninformative)."""
        return self.strategies[i][float(cost)]

    @property
    def info(self) -> InformationStructure:
        """The trivial information structure: one state per profile, a constant signal."""
        g = self.game
        return InformationStructure(np.arange(g.n_profiles), g.probabilities,
                                    np.zeros((g.n_profiles, g.n_producers), dtype=int))

    @renamed_keywords(grid="size")
    def verify(self, *, exact: bool = False, atol: float = tol.FEAS,
               size: int = 401) -> Verification:
        """Re-check: price laws are distributions at or above cost, the welfare is what the
        strategies give, and no deviation gains more than ``atol``.

        Parameters
        ----------
        atol : float
            Tolerance on the largest deviation gain (and on the accounting). The default
            is the library's feasibility tolerance; a grid equilibrium typically carries
            a positive ``deviation_gain``, so pass ``atol=self.deviation_gain`` (plus
            rounding) to check it is an ``epsilon``-equilibrium with the reported
            ``epsilon``.
        size : int
            Even-grid deviations of the checker (on top of every critical price); the
            old name ``grid`` still works and warns.

        Returns
        -------
        Verification
        """
        no_exact(self, exact)
        g = self.game
        ck = Checker()
        for i, laws in enumerate(self.strategies):
            for c, law in laws.items():
                ck.check("price law is a distribution",
                         max(abs(law.probabilities.sum() - 1), -law.probabilities.min()), tol.FEAS,
                         f"producer {i} at cost {c}: not a distribution")
                ck.check("prices at least cost", np.max(c - law.prices), tol.TIE,
                         f"producer {i} at cost {c}: a price below cost")
        out = evaluate_outcome(g, self.info, self.strategy)
        ck.check("welfare matches the strategies",
                 max(np.max(np.abs(out.producer_surplus - self.producer_surplus)),
                     abs(out.expected_consumer_surplus - self.expected_consumer_surplus)), max(atol, tol.FEAS))
        eq = check_equilibrium(g, self.info, self.strategy, size=size, atol=atol)
        ck.check("no profitable deviation", eq.max_gain, atol, f"gain at {eq.worst}")
        return ck.report()

    def as_dict(self) -> dict:
        d = super().as_dict()
        d.update({"deviation_gain": self.deviation_gain, "method": self.method,
                  "rounds": self.rounds, "grid_gain": self.grid_gain,
                  "grid_level": self.grid_level, "ladder_note": self.ladder_note,
                  "strategies": [{str(c): law.describe() for c, law in laws.items()}
                                 for laws in self.strategies],
                  # the same laws at full precision (the strings above round prices to 6
                  # digits): per producer, per own cost, the atoms and their probabilities
                  "strategy_laws": [{str(c): {"prices": np.asarray(law.prices, dtype=float).tolist(),
                                              "probabilities": np.asarray(law.probabilities, dtype=float).tolist()}
                                     for c, law in laws.items()} for laws in self.strategies]})
        return d


# ---------------------------------------------------------------------------------------
def _base_grid(game: PricingGame, grid: int, offset: float) -> np.ndarray:
    v, c = game.values, game.costs
    n = game.n_producers
    crit = [v.ravel(), c.ravel(), game.residuals.ravel()]
    for i in range(n):
        for j in range(n):
            if i != j:
                crit.append((v[:, i] - v[:, j] + c[:, j]))
    crit = np.unique(np.concatenate(crit))
    lo, hi = float(c.min()), float(max(v.max(), c.max()))
    even = np.linspace(lo, hi, max(int(grid), 2))
    pts = np.concatenate([crit, crit - offset, crit + offset, even])
    return np.unique(pts[(pts >= lo - tol.TIE) & (pts <= hi + offset + tol.TIE)])


def _agents(game: PricingGame, i: int):
    """Distinct costs of producer ``i`` and their probabilities."""
    costs = game.costs[:, i]
    u = np.unique(costs)
    return u, np.array([game.probabilities[costs == a].sum() for a in u])


def _payoff_blocks(game, grids1, grids2):
    """Agent-form payoffs of the two producers (uniform tie-breaking)."""
    c1, _ = _agents(game, 0)
    c2, _ = _agents(game, 1)
    o1 = np.r_[0, np.cumsum([g.size for g in grids1])]
    o2 = np.r_[0, np.cumsum([g.size for g in grids2])]
    A = np.zeros((o1[-1], o2[-1]))
    B = np.zeros_like(A)
    for row in range(game.n_profiles):
        mu = game.probabilities[row]
        if mu <= 0:
            continue
        a = int(np.searchsorted(c1, game.costs[row, 0]))
        b = int(np.searchsorted(c2, game.costs[row, 1]))
        P, Q = grids1[a], grids2[b]
        u1 = game.values[row, 0] - P[:, None]
        u2 = game.values[row, 1] - Q[None, :]
        ok1, ok2 = u1 >= -tol.TIE, u2 >= -tol.TIE
        tie = np.abs(u1 - u2) <= tol.TIE
        s1 = np.where(tie, np.where(ok2, 0.5, 1.0), (u1 > u2).astype(float)) * ok1
        s2 = np.where(tie, np.where(ok1, 0.5, 1.0), (u2 > u1).astype(float)) * ok2
        A[o1[a]:o1[a + 1], o2[b]:o2[b + 1]] += mu * (P[:, None] - c1[a]) * s1
        B[o1[a]:o1[a + 1], o2[b]:o2[b + 1]] += mu * (Q[None, :] - c2[b]) * s2
    return A, B, o1, o2


def _pure_equilibrium(A, B, o1, o2, start, iterations: int = 200):
    """Best-response iteration over pure agent strategies; an exact grid equilibrium or None."""
    k1 = np.array(start[0], int)
    k2 = np.array(start[1], int)
    t1, t2 = o1.size - 1, o2.size - 1
    for _ in range(iterations):
        y = np.zeros(A.shape[1])
        y[o2[:-1] + k2] = 1.0
        pay = A @ y
        new1 = np.array([int(np.argmax(pay[o1[a]:o1[a + 1]])) for a in range(t1)])
        # keep the current strategy when it is already a best response (no churning)
        cur = np.array([pay[o1[a] + k1[a]] for a in range(t1)])
        best = np.array([pay[o1[a] + new1[a]] for a in range(t1)])
        new1 = np.where(cur >= best - tol.PIVOT, k1, new1)
        x = np.zeros(A.shape[0])
        x[o1[:-1] + new1] = 1.0
        pay2 = B.T @ x
        new2 = np.array([int(np.argmax(pay2[o2[b]:o2[b + 1]])) for b in range(t2)])
        cur2 = np.array([pay2[o2[b] + k2[b]] for b in range(t2)])
        best2 = np.array([pay2[o2[b] + new2[b]] for b in range(t2)])
        new2 = np.where(cur2 >= best2 - tol.PIVOT, k2, new2)
        if np.array_equal(new1, k1) and np.array_equal(new2, k2):
            return x, y, (k1, k2)
        k1, k2 = new1, new2
    return None, None, (k1, k2)


def _double_oracle(A, B, o1, o2, start, iterations, max_pivots):
    """Equilibrium of the grid game by a double oracle over restricted strategy subsets.

    Each round solves the game restricted to the subsets (pure best-response iteration,
    else Lemke), then adds every agent's best response on the full grid if it beats the
    agent's current payoff. When nothing is added the restricted equilibrium is an
    equilibrium of the full grid game.

    References
    ----------
    McMahan, Gordon & Blum (2003), "Planning in the presence of cost functions
    controlled by an adversary" (double oracle).
    """
    t1, t2 = o1.size - 1, o2.size - 1
    subs = [[{0, int(s)} for s in start[0]], [{0, int(s)} for s in start[1]]]
    scale = max(1.0, float(np.abs(A).max()), float(np.abs(B).max()))
    method = "pure"
    for _ in range(iterations):
        loc = [[np.array(sorted(S)) for S in subs[0]], [np.array(sorted(S)) for S in subs[1]]]
        idx1 = np.concatenate([o1[a] + loc[0][a] for a in range(t1)])
        idx2 = np.concatenate([o2[b] + loc[1][b] for b in range(t2)])
        sA, sB = A[np.ix_(idx1, idx2)], B[np.ix_(idx1, idx2)]
        so1 = np.r_[0, np.cumsum([l.size for l in loc[0]])]
        so2 = np.r_[0, np.cumsum([l.size for l in loc[1]])]
        st = ([int(np.searchsorted(loc[0][a], start[0][a])) for a in range(t1)],
              [int(np.searchsorted(loc[1][b], start[1][b])) for b in range(t2)])
        xs, ys, last = _pure_equilibrium(sA, sB, so1, so2, st)
        method = "pure"
        if xs is None:
            # Lemke from several pure starts (path lengths differ widely): the last
            # best-response profile, everybody at cost, everybody at the top price
            sizes = ([l.size for l in loc[0]], [l.size for l in loc[1]])
            starts = [last, ([0] * t1, [0] * t2), ([n - 1 for n in sizes[0]], [n - 1 for n in sizes[1]])]
            for s0 in starts:
                xs, ys, status, _ = bayesian_bimatrix_equilibrium(
                    sA, sB, sizes[0], sizes[1], start=s0, max_pivots=max_pivots)
                if xs is not None:
                    break
            if xs is None:
                raise SolverError(f"no-information benchmark: Lemke's algorithm stopped "
                                  f"({status}) on a restricted game of {sA.shape} prices "
                                  "from every start")
            method = "lemke"
        x = np.zeros(A.shape[0])
        y = np.zeros(A.shape[1])
        x[idx1] = xs
        y[idx2] = ys
        added = False
        for pay, offs, mix, S in ((A @ y, o1, x, subs[0]), (B.T @ x, o2, y, subs[1])):
            for a in range(offs.size - 1):
                blk = pay[offs[a]:offs[a + 1]]
                cur = float(mix[offs[a]:offs[a + 1]] @ blk)
                k = int(np.argmax(blk))
                if blk[k] > cur + tol.PIVOT * scale and k not in S[a]:
                    S[a].add(k)
                    added = True
        if not added:
            return x, y, method
    return x, y, method + " (oracle stopped)"


def _solve_on_grid(game, even, offset, oracle, max_pivots, extra):
    """Equilibrium of the two-producer game on one grid (plus ``extra[i][cost]`` prices)."""
    base = _base_grid(game, even, offset)
    c1, _ = _agents(game, 0)
    c2, _ = _agents(game, 1)
    grids = []
    for i, cs in ((0, c1), (1, c2)):
        gl = []
        for cst in cs:
            more = np.array(sorted(extra[i].get(float(cst), ())), dtype=float)
            gl.append(np.unique(np.r_[cst, base[base >= cst - tol.TIE], more]))
        grids.append(gl)
    A, B, o1, o2 = _payoff_blocks(game, grids[0], grids[1])
    # start: each agent just below its optimal price against rivals at cost
    start = [[int(np.argmin(np.abs(gr - game.optimal_price(i, float(cs[k])) + offset)))
              for k, gr in enumerate(grids[i])] for i, cs in ((0, c1), (1, c2))]
    x, y, method = _double_oracle(A, B, o1, o2, start, oracle, max_pivots)
    strategies = (_laws(x, grids[0], o1, c1), _laws(y, grids[1], o2, c2))
    return strategies, method, tuple(g.size for g in grids[0] + grids[1])


def _nplayer_grids(game: PricingGame, grid: int, offset: float):
    """Agents (producer, cost), their price grids (the base grid from the cost up) and
    starting prices (just below ``p_i^*(c_i)``) of the N-producer grid game."""
    n = game.n_producers
    base = _base_grid(game, grid, offset)
    agents = [(i, float(a)) for i in range(n) for a in _agents(game, i)[0]]
    grids = [np.unique(np.r_[ag[1], base[base >= ag[1] - tol.TIE]]) for ag in agents]
    start = [int(np.argmin(np.abs(gr - game.optimal_price(ag[0], ag[1]) + offset)))
             for ag, gr in zip(agents, grids)]
    return agents, grids, start


def _pure_best_response(game: PricingGame, grid: int, offset: float, sweeps: int):
    """Pure equilibrium of the N-producer grid game by round-robin best responses."""
    n = game.n_producers
    agents, glist, start = _nplayer_grids(game, grid, offset)
    grids = dict(zip(agents, glist))
    price = {ag: float(gr[k]) for ag, gr, k in zip(agents, glist, start)}
    scale = max(1.0, float(game.values.max()))
    v, c, mu = game.values, game.costs, game.probabilities
    for _ in range(sweeps):
        changed = False
        for ag in agents:
            i, a = ag
            rows = np.flatnonzero((c[:, i] == a) & (mu > 0))
            P = grids[ag]
            u_i = v[rows, i][:, None] - P[None, :]
            others = np.array([[v[r, j] - price[(j, float(c[r, j]))] for j in range(n) if j != i]
                               for r in rows]).reshape(rows.size, n - 1)
            ok = others >= -tol.TIE
            best = np.where(ok, others, -np.inf).max(axis=1)[:, None]
            ties = ((np.abs(others[:, :, None] - u_i[:, None, :]) <= tol.TIE) & ok[:, :, None]).sum(axis=1)
            share = np.where(u_i > best + tol.TIE, 1.0,
                             np.where(np.abs(u_i - best) <= tol.TIE, 1.0 / (1.0 + ties), 0.0))
            share = share * (u_i >= -tol.TIE)
            pay = mu[rows] @ ((P[None, :] - a) * share)
            cur = float(pay[np.argmin(np.abs(P - price[ag]))])
            k = int(np.argmax(pay))
            if pay[k] > cur + tol.PIVOT * scale:
                price[ag] = float(P[k])
                changed = True
        if not changed:
            strategies = tuple({a: DiscreteMix(np.array([price[(i, a)]]), np.array([1.0]))
                                for (j, a) in agents if j == i} for i in range(n))
            return strategies, tuple(grids[ag].size for ag in agents)
    raise SolverError(f"no-information benchmark: best-response iteration reached no pure "
                      f"equilibrium of the {n}-producer grid game in {sweeps} sweeps")


def _mixed_fictitious_play(game: PricingGame, grid: int, offset: float, mixed_tol: float,
                           iterations: int, progress=None):
    """Mixed equilibrium of the N-producer grid game by fictitious play (see the module
    docstring); raises :class:`SolverError` when the regret target is not reached."""
    agents, grids, start = _nplayer_grids(game, grid, offset)
    ag = AgentGame(game, agents, grids)
    target = mixed_tol * max(1.0, float(game.values.max()))
    laws, eps, steps = fictitious_play(ag, start, target, iterations, progress=progress)
    if eps > target:
        raise SolverError(
            f"no-information benchmark: no pure equilibrium of the {game.n_producers}-producer "
            f"grid game, and fictitious play reached grid epsilon {eps:.3g} (target {target:.3g}) "
            f"in its budget of {iterations} steps; raise mixed_iterations or mixed_tol")
    n = game.n_producers
    strategies = tuple({a: DiscreteMix(frozen(q), frozen(w)) for (j, a), (q, w) in zip(agents, laws)
                        if j == i} for i in range(n))
    return strategies, tuple(g.size for g in grids), eps, steps


def _monopoly(game: PricingGame):
    laws = {}
    for c in game.producer_costs(0):
        p = game.optimal_price(0, float(c))
        laws[float(c)] = DiscreteMix(np.array([p]), np.array([1.0]))
    return (laws,)


@renamed_keywords(grid="size", check_grid="check_size")
@records_params("size", "check_size", "refine", "offset")
def no_information_outcome(game: PricingGame, size: int = 81, offset: float = OFFSET,
                           refine: int = 1, check_size: int = 401, oracle: int = 200,
                           max_pivots: int | None = 5000, progress=None,
                           mixed_tol: float = 1e-3,
                           mixed_iterations: int = 20000) -> NoInformationOutcome:
    """Equilibrium welfare without market segmentation (producers know only the prior).

    Parameters
    ----------
    game : PricingGame
        Any number of producers.
    size : int
        Points of the finest even grid (prices from the lowest cost to the highest value, added to
        the critical prices). The solver works coarse to fine: even grids of
        ``COARSE``, ``2 COARSE - 1``, ... points up to ``size``; it stops at the first
        level whose restricted games exhaust Lemke's pivot budget (path lengths grow
        very fast on fine Bertrand grids) or whose equilibrium is exact, and reports
        the level with the smallest deviation gain. Ignored for one producer; with three
        or more producers the one grid of ``size`` even points is used.
    offset : float
        Distance of the points just below / above each critical price.
    refine : int
        Refinement rounds per level: while the checker finds a deviation gaining more
        than ``tol.FEAS``, add each agent's best deviating price (and the points
        ``offset`` around it) to its grid and solve again. The solve with the smallest
        ``deviation_gain`` is reported (a finer grid can select a different
        equilibrium, so the gain need not fall monotonically).
    check_size : int
        Even-grid deviations of the continuous checker (a count).
    oracle : int
        Iterations of the double oracle (each adds every agent's best grid response
        that beats its current payoff to its strategy subset); with three or more
        producers, sweeps of the pure best-response iteration.
    max_pivots : int, optional
        Pivot budget of Lemke's algorithm on each restricted game.
    progress : callable, optional
        Called as ``progress(done, total)`` after each grid level (two producers); with
        three or more producers after each regret evaluation of fictitious play
        (``done`` steps of ``total = mixed_iterations``) and ``(total, total)`` when an
        equilibrium is returned.
    mixed_tol : float
        N >= 3 only: fictitious play stops when the grid regret of its profile is at most
        ``mixed_tol * max(1, max value)`` (per unit of each cost's probability).
    mixed_iterations : int
        N >= 3 only: budget of fictitious-play steps.
    grid, check_grid : int, optional
        Deprecated names of ``size`` and ``check_size`` (a count is ``size``; ``grid`` is
        an array elsewhere); they still work and warn.

    Returns
    -------
    NoInformationOutcome
        Welfare from the strategies, with ``deviation_gain`` the largest gain from a
        continuous deviation (the ``epsilon`` of the equilibrium).

    Raises
    ------
    SolverError
        When Lemke's algorithm fails (ray or pivot budget) already on the coarsest grid
        (N = 2), or when fictitious play does not reach ``mixed_tol`` within
        ``mixed_iterations`` steps (N >= 3; the message gives the regret reached).

    Notes
    -----
    With three or more producers a *pure* equilibrium of the grid game (even grid of
    ``size`` points plus the critical prices; no coarse-to-fine ladder or refinement)
    is sought first by round-robin best-response iteration (at most ``oracle`` sweeps);
    it is exact on the grid (``method="pure"``). When none is reached, a mixed
    equilibrium is approximated by fictitious play on the whole grid (see the module
    docstring; ``method="fictitious play"``): its grid regret is reported as
    ``grid_gain`` (at most the ``mixed_tol`` target), its continuous one as
    ``deviation_gain``, and ``rounds`` is the number of steps. If the grid's largest gap
    is ``h``, any continuous deviation gains at most ``grid_gain + h * max share``
    (profit ``(p - c) S(p)`` with ``S`` non-increasing: rounding a price down to the
    grid loses at most ``h S(p)``).

    With one producer each cost type charges its lowest optimal uniform price
    ``argmax (p - c) P(v >= p | c)`` (consumer ties resolved by buying, as in the
    model); this is an exact equilibrium.

    References
    ----------
    BBM25, Section I (model) and the Introduction's comparison with no segmentation.

    Examples
    --------
    BBM25 Example 4 as a two-producer game: values (0, 1) or (1, 0), equally likely, zero
    costs. A consumer who knows her values, facing uninformed producers: each prices at 1
    and consumer surplus is zero; one who knows nothing values both at 1/2, the producers
    compete the price to 0 and she gets 1/2 (the paper's two numbers):

    >>> import infopricing as ip
    >>> g = ip.PricingGame([[0, 1], [1, 0]], [[0, 0], [0, 0]], [0.5, 0.5])
    >>> n = ip.no_information_outcome(g)
    >>> round(n.expected_consumer_surplus, 4), n.producer_surplus.round(4).tolist(), n.verify().ok
    (0.0, [0.5, 0.5], True)
    >>> blind = ip.value_garbling(g, [[1], [1]]).interim      # the consumer learns nothing
    >>> round(ip.no_information_outcome(blind).expected_consumer_surplus, 4)
    0.5
    """
    check_progress(progress)
    if not isinstance(game, PricingGame):
        raise TypeError(f"game must be a PricingGame, got {type(game).__name__}")
    for name, val, least in (("size", size, 2), ("refine", refine, 0), ("check_size", check_size, 2)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < least:
            raise ValueError(f"{name} must be an integer >= {least}, got {val!r}")
    if not (np.isfinite(offset) and offset > tol.TIE):
        raise ValueError(f"offset must be a finite number > {tol.TIE:g}, got {offset!r}")
    if isinstance(mixed_iterations, bool) or not isinstance(mixed_iterations, (int, np.integer)) \
            or mixed_iterations < 0:
        raise ValueError(f"mixed_iterations must be an integer >= 0, got {mixed_iterations!r}")
    from ..model._validate import check_count

    check_count(oracle, "oracle", 1)
    check_count(max_pivots, "max_pivots", 1, allow_none=True)
    if not (np.isfinite(mixed_tol) and mixed_tol > 0):
        raise ValueError(f"mixed_tol must be a finite number > 0, got {mixed_tol!r}")
    n = game.n_producers
    if n > 2:
        try:
            strategies, sizes = _pure_best_response(game, size, offset, oracle)
        except SolverError:
            strategies = None
        if strategies is not None:
            if progress is not None:
                progress(1, 1)
            return replace(_finish(game, strategies, "pure", sizes, 1, check_size), grid_level=int(size))
        strategies, sizes, eps, steps = _mixed_fictitious_play(game, size, offset, mixed_tol,
                                                               int(mixed_iterations), progress)
        if progress is not None:
            progress(int(mixed_iterations), int(mixed_iterations))
        return replace(_finish(game, strategies, "fictitious play", sizes, steps, check_size, eps),
                       grid_level=int(size))
    if n == 1:
        strategies = _monopoly(game)
        method, sizes, rounds = "monopoly", (1,) * len(strategies[0]), 1
    else:
        # coarse to fine: the even grid doubles from COARSE up to `size`; a level whose
        # restricted games exhaust Lemke's pivot budget ends the ladder; the level with
        # the smallest deviation gain is reported
        levels = [min(int(size), COARSE)]
        while levels[-1] < size:
            levels.append(min(2 * levels[-1] - 1, int(size)))
        best, rounds, failure, best_level, failed_level = None, 0, None, None, None
        for done, level in enumerate(levels, start=1):
            extra = ({}, {})
            for _ in range(refine + 1):
                try:
                    strategies, method, sizes = _solve_on_grid(game, level, offset, oracle,
                                                                max_pivots, extra)
                except SolverError as exc:
                    failure, failed_level = exc, level
                    break
                rounds += 1
                out = _finish(game, strategies, method, sizes, rounds, check_size)
                if best is None or out.deviation_gain < best.deviation_gain:
                    best, best_level = out, level
                if out.deviation_gain <= tol.FEAS:
                    break
                # add each agent's most profitable deviation price (and its neighbours)
                for (i, _sig, cost), (gain, price, _p) in out.check.gains.items():
                    if gain > tol.FEAS:
                        extra[i].setdefault(cost, set()).update(
                            q for q in (price, price - offset, price + offset) if q >= cost - tol.TIE)
            if progress is not None:
                progress(done, len(levels))
            if failure is not None or (best is not None and best.deviation_gain <= tol.FEAS):
                break
        if best is None:
            raise failure
        note = ""
        if failed_level is not None and failed_level > best_level:
            note = (f"the {failed_level}-point grid level exhausted Lemke's pivot budget "
                    f"({failure}); the {best_level}-point level is reported (raise max_pivots "
                    f"to go finer)")
        return replace(best, grid_level=best_level, ladder_note=note)
    return _finish(game, strategies, method, sizes, rounds, check_size)


def _laws(x, grids, offs, costs):
    laws = {}
    for k, cst in enumerate(costs):
        w = x[offs[k]:offs[k + 1]]
        keep = w > tol.MASS
        w = w[keep] / w[keep].sum()
        laws[float(cst)] = DiscreteMix(frozen(grids[k][keep]), frozen(w))
    return laws


def _finish(game, strategies, method, sizes, rounds, check_grid,
            grid_gain: float = 0.0) -> NoInformationOutcome:
    proto = NoInformationOutcome("no information", frozen(np.zeros(game.n_producers)), 0.0, 0.0,
                                 game.efficient_surplus, None, {}, strategies, 0.0, None, method,
                                 sizes, rounds, game)
    out = evaluate_outcome(game, proto.info, proto.strategy, "no information")
    eq = check_equilibrium(game, proto.info, proto.strategy, size=check_grid)
    return NoInformationOutcome("no information", out.producer_surplus, out.expected_consumer_surplus,
                                out.total_surplus, game.efficient_surplus, None, {}, strategies,
                                max(0.0, eq.max_gain), eq, method, sizes, rounds, game,
                                float(grid_gain))
