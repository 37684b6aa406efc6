"""Agent-form payoffs of the N-producer no-information grid game, and a mixed solver.

Private helper of :mod:`infopricing.competition.uninformed`. An *agent* is a pair
(producer ``i``, own cost ``c``); its strategy is a discrete price law on a finite grid.
Agents of different producers randomise independently; in a profile (row) of the game
the consumer buys the good with the highest ``v_j - p_j`` when that is ``>= 0``, ties
split uniformly (BBM25, Section I).

Payoff of agent (i, c) at own price ``p`` against the rivals' laws, per unit of the
agent's probability::

    (p - c) * sum_rows mu_r * E[ 1{no rival strictly better} / (1 + #rivals tied) ] / mu(c)

With independent rivals, ``P(rival j strictly worse) = a_j`` and ``P(tied) = t_j``
(``v_j - p_j = v_i - p``), the number of tied rivals among those not strictly better is
a Poisson-binomial count; its generating polynomial ``prod_j (a_j + t_j z)`` is built by
the recursion of elementary symmetric polynomials, and the expected share is
``sum_k [z^k] / (k + 1)``. Everything is vectorised over own prices and over the rows
sharing the same rival agent.
"""

from __future__ import annotations

import numpy as np

from .. import tolerances as tol

__all__ = ["AgentGame", "fictitious_play"]


class AgentGame:
    """The N-producer pricing game in agent form on given price grids.

    Parameters
    ----------
    game : PricingGame
    agents : list of (int, float)
        (producer, cost) pairs, one per agent.
    grids : list of ndarray
        Sorted price grid of each agent (all prices at least the agent's cost).
    """

    def __init__(self, game, agents, grids):
        self.game = game
        self.agents = list(agents)
        self.grids = [np.asarray(g, dtype=float) for g in grids]
        index = {ag: k for k, ag in enumerate(self.agents)}
        v, c, mu = game.values, game.costs, game.probabilities
        n = game.n_producers
        self._rows = []          # per agent: (mu_rows, own values, [(rival j, rival agent, rows subset)])
        self.mass = np.zeros(len(self.agents))
        for k, (i, cost) in enumerate(self.agents):
            rows = np.flatnonzero((c[:, i] == cost) & (mu > 0))
            self.mass[k] = mu[rows].sum()
            rivals = []
            for j in range(n):
                if j == i:
                    continue
                groups = []
                for b in np.unique(c[rows, j]):
                    sel = np.flatnonzero(c[rows, j] == b)
                    # rival j's price making the consumer indifferent: v_j - v_i + p
                    groups.append((index[(j, float(b))], sel, (v[rows[sel], j] - v[rows[sel], i])))
                rivals.append(groups)
            self._rows.append((mu[rows], v[rows, i], rivals))

    def profits(self, k: int, prices, laws) -> np.ndarray:
        """Agent ``k``'s expected profit (per unit of its probability) at ``prices``.

        Parameters
        ----------
        k : int
        prices : ndarray (m,)
            Own prices.
        laws : list of (ndarray, ndarray)
            Every agent's law as (sorted prices, probabilities); agent ``k``'s own entry
            is ignored.

        Returns
        -------
        ndarray (m,)
        """
        prices = np.asarray(prices, dtype=float)
        mu, vi, rivals = self._rows[k]
        if mu.size == 0:
            return np.zeros(prices.size)
        poly = [np.ones((mu.size, prices.size))]
        for groups in rivals:
            a = np.empty((mu.size, prices.size))
            t = np.empty_like(a)
            for b, sel, dv in groups:
                q, w = laws[b]
                cum = np.r_[0.0, np.cumsum(w)]           # cum[s] = P(price among first s atoms)
                x = dv[:, None] + prices[None, :]        # rival price giving a tie
                hi = np.searchsorted(q, x + tol.TIE, side="right")   # atoms <= x + TIE
                lo = np.searchsorted(q, x - tol.TIE, side="left")    # atoms <  x - TIE
                a[sel] = cum[-1] - cum[hi]
                t[sel] = cum[hi] - cum[lo]
            new = [poly[0] * a]
            for m in range(1, len(poly)):
                new.append(poly[m] * a + poly[m - 1] * t)
            new.append(poly[-1] * t)
            poly = new
        share = sum(p / (m + 1) for m, p in enumerate(poly))
        share = share * (vi[:, None] - prices[None, :] >= -tol.TIE)
        cost = self.agents[k][1]
        return (prices - cost) * (mu @ share) / self.mass[k]

    def payoff_vectors(self, laws, grids=None):
        """Every agent's profit at each price of its grid (or of ``grids``)."""
        grids = self.grids if grids is None else grids
        return [self.profits(k, grids[k], laws) for k in range(len(self.agents))]

    def regret(self, laws, grids=None):
        """Largest gain of any agent from its best grid price over its mixed payoff
        (per unit of the agent's probability), and the per-agent payoff vectors."""
        pays = self.payoff_vectors(laws, grids)
        own = [float(self.profits(k, laws[k][0], laws) @ laws[k][1]) for k in range(len(laws))]
        gains = np.array([float(p.max()) - o for p, o in zip(pays, own)])
        return float(gains.max(initial=0.0)), pays, np.array(own)


def fictitious_play(ag: AgentGame, start, tol_eps: float, iterations: int, check: int = 250,
                    progress=None):
    """An approximate mixed equilibrium of the agent game on its grids.

    Simultaneous fictitious play (Brown 1951): at every step each agent plays a best
    response, on its *whole* grid, to the rivals' empirical mixtures, and its empirical
    mixture is the frequency of its past best responses. Every ``check`` steps the
    regret of the empirical profile (largest gain of an agent's best grid price over its
    mixed payoff) is computed and the profile with the smallest regret is kept; the loop
    stops as soon as that regret is at most ``tol_eps``.

    Parameters
    ----------
    ag : AgentGame
    start : list of int
        Index of each agent's first (pure) price in its grid.
    tol_eps : float
        Target regret (per unit of agent probability).
    iterations : int
        Budget of fictitious-play steps.
    check : int
        Steps between regret evaluations.
    progress : callable, optional
        ``progress(steps, iterations)`` after each regret evaluation.

    Returns
    -------
    laws : list of (prices, probabilities)
        Best profile seen (atoms of zero frequency removed).
    eps : float
        Its regret on the grid.
    steps : int
        Steps performed.
    """
    K = len(ag.agents)
    counts = [np.zeros(g.size) for g in ag.grids]
    for k in range(K):
        counts[k][int(start[k])] = 1.0
    best, best_eps = None, np.inf
    steps = 0
    while True:
        laws = [(g, c / c.sum()) for g, c in zip(ag.grids, counts)]
        if steps % check == 0 or steps >= iterations:
            sup = [(g[w > 0], w[w > 0]) for g, w in laws]
            eps = ag.regret(sup)[0]
            if eps < best_eps:
                best, best_eps = sup, eps
            if progress is not None:
                progress(min(steps, iterations), iterations)
            if best_eps <= tol_eps or steps >= iterations:
                return best, float(best_eps), steps
        pays = ag.payoff_vectors(laws)
        for k in range(K):
            counts[k][int(np.argmax(pays[k]))] += 1.0
        steps += 1
