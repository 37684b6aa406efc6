"""Bayesian persuasion with finite states and actions, as a linear program.

A sender commits to a signal about the state; the receiver updates and takes an action.
By the revelation principle it suffices to recommend actions: the signal is a joint
distribution ``x[w, a] = prior[w] * signal[w, a]`` and the recommendation must be
*obedient*: for every recommended ``a`` and every alternative ``b``,
``sum_w x[w, a] (u_R(w, a) - u_R(w, b)) >= 0``. The sender maximises
``sum_{w,a} x[w, a] u_S(w, a)``.

Tie-breaking is **sender-preferred**: obedience is a weak inequality, so a receiver who
is indifferent follows the recommendation (the standard sender-preferred equilibrium of
Kamenica & Gentzkow 2011). The result records which obedience constraints bind (where
the receiver is indifferent).

For two states the sender's value is also computed by concavification (the concave
envelope of the sender's value as a function of the posterior) as an independent
cross-check.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

from .. import tolerances as tol
from ..lp import Status
from ..lp.exact_certificate import solve_lp_recorded
from ..model._validate import check_tolerance, frozen, labels, probability_vector, real_array
from ..verify import Checker, Verification
from ..verify.protocol import Result, records_params

__all__ = ["PersuasionResult", "persuade", "concavified_value"]

#: ``method="auto"``: interior point when the obedience block has at least this many
#: non-zeros (``n_states * n_actions * (n_actions - 1)``) and the receiver's utility is
#: not of low rank (see :func:`_choose_method`).
IPM_MIN_NONZEROS = 4000
#: ``method="auto"``: receiver utilities whose state-centred matrix has numerical rank at
#: most this keep the simplex method at every size.
IPM_MAX_LOW_RANK = 3


def _choose_method(uR: np.ndarray) -> str:
    """The LP method ``method="auto"`` uses for a receiver utility matrix (states x actions).

    Measured (``benchmarks/bench_information.py``, section 4; 2-core machine): on random
    dense utilities interior point was 1.7-14x faster than simplex from about 4,500
    obedience non-zeros (n = 50, 10 actions) up and 0.5-0.7x below; on structured
    problems of the same sizes (quadratic loss ``-(w - a)^2``, a posted-price ladder
    ``v_w - p_a``) simplex was 1-7x faster throughout. What separates them is the rank of
    the receiver's utility once each state's mean is removed (obedience only compares
    actions within a state): 2 for both structured families, full for the random ones.
    """
    n, m = uR.shape
    if n * m * (m - 1) < IPM_MIN_NONZEROS:
        return "simplex"
    centred = uR - uR.mean(axis=1, keepdims=True)
    sv = np.linalg.svd(centred, compute_uv=False)
    rank = int(np.sum(sv > tol.EQUAL * max(1.0, float(sv[0]) if sv.size else 0.0)))
    return "simplex" if rank <= IPM_MAX_LOW_RANK else "ipm"


@dataclass(frozen=True, eq=False, repr=False)
class PersuasionResult(Result):
    """The sender-optimal signal of a finite persuasion problem.

    Attributes
    ----------
    value : float
        The sender's expected utility.
    signal : ndarray (n_states, n_actions)
        ``signal[w, a]`` = probability of recommending ``a`` in state ``w`` (rows sum to
        one; a zero-probability state recommends the most likely recommendation).
    joint : ndarray (n_states, n_actions)
        ``prior[w] * signal[w, a]``.
    action_probabilities : ndarray (n_actions,)
    posteriors : ndarray (n_actions, n_states)
        Posterior after each recommendation (``nan`` rows for unused ones).
    prior, receiver_utility, sender_utility : ndarrays
    states, actions : tuple of str
    no_information_value : float
        Sender's utility without information (receiver's prior best action, ties to the
        sender).
    full_information_value : float
        Sender's utility when the state is revealed (ties to the sender).
    upper_bound : float
        ``sum_w prior[w] max_a u_S(w, a)``: the sender choosing the action in every state.
    binding : ndarray (n_actions, n_actions) of bool
        ``binding[a, b]``: the receiver recommended ``a`` is indifferent to ``b`` (b != a).
    tie_breaking : str
        ``"sender-preferred"``.
    status : Status
    concavification_value : float or None
        For two states, the concave envelope of the sender's value at the prior.
    method : str
        The LP method used (``"simplex"`` or ``"ipm"``; ``method="auto"`` records its
        choice).

    References
    ----------
    Kamenica & Gentzkow (2011), Proposition 1 (obedient recommendations) and Corollary 2
    (concavification); CLW, sections 2-4 (fix a menu, choose the information structure);
    HS, Appendix B.1.

    Examples
    --------
    Kamenica and Gentzkow's prosecutor (prior 0.7 innocent): the judge convicts with
    probability 0.6, against 0 without information and 0.3 with full information;
    the posteriors are "surely innocent" and "guilty with probability 1/2":

    >>> import infopricing as ip
    >>> r = ip.persuade([0.7, 0.3], [[1, 0], [0, 1]], [[0, 1], [0, 1]])
    >>> round(r.value, 4), round(r.no_information_value, 4), r.posteriors.round(4).tolist()
    (0.6, 0.0, [[1.0, 0.0], [0.5, 0.5]])
    """

    value: float
    signal: np.ndarray
    joint: np.ndarray
    action_probabilities: np.ndarray
    posteriors: np.ndarray
    prior: np.ndarray
    receiver_utility: np.ndarray
    sender_utility: np.ndarray
    states: tuple
    actions: tuple
    no_information_value: float
    full_information_value: float
    upper_bound: float
    binding: np.ndarray
    status: Status
    tie_breaking: str = "sender-preferred"
    concavification_value: float | None = None
    method: str = "simplex"
    #: the persuasion LP as solved (for ``verify(exact=True)`` and ``exact_certificate()``)
    lp_record: object = field(default=None, repr=False)

    def as_dict(self) -> dict:
        return {"value": self.value, "status": str(self.status.value),
                "tie_breaking": self.tie_breaking, "states": list(self.states),
                "actions": list(self.actions), "prior": self.prior, "signal": self.signal,
                "action_probabilities": self.action_probabilities,
                "posteriors": np.where(np.isnan(self.posteriors), None, self.posteriors).tolist(),
                "no_information_value": self.no_information_value,
                "full_information_value": self.full_information_value,
                "upper_bound": self.upper_bound,
                "concavification_value": self.concavification_value}

    def exact_certificate(self, backend: str = "auto"):
        """Exact optimality certificate of the persuasion LP (variables ``joint[w, a]``
        flattened ``w * n_actions + a``; rows: consistency with the prior, then obedience
        for each ordered pair of actions); ``.to_json(path)`` exports it for
        ``infopricing/verify/check_certificate.py``."""
        from ..verify.exact_lp import export_certificate

        ex = (self.lp_record.exact or {}).get("model") if self.lp_record is not None else None
        pair = lambda q: [q.numerator, q.denominator]
        data = {} if ex is None else {
            "builder": "persuasion", "prior": [pair(q) for q in ex[0]],
            "receiver_utility": [[pair(q) for q in r] for r in ex[1]],
            "sender_utility": [[pair(q) for q in r] for r in ex[2]]}
        return export_certificate(self.lp_record, "persuasion", {
            **data, "variables": "joint[w, a] at w * n_actions + a"}, backend=backend,
            reported={"value": self.value}, claims={"value": lambda obj, problem: obj})

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Re-check obedience, Bayes plausibility, the value and its bounds.

        ``exact=True`` adds the exact optimality certificate of the LP (an exactly feasible
        signal and dual with equal values, in rational arithmetic; fails, saying so, when
        it cannot be completed) and requires ``value`` within ``atol`` of the certified
        optimum.

        Checks: the signal's rows are probability vectors; Bayes plausibility (the
        posteriors weighted by the recommendation probabilities average to the prior);
        obedience at every used recommendation's posterior (the recommended action is a
        receiver best response); the value equals the sender's expected utility under
        the signal; ``no-information value <= value <= upper bound``; and for two states
        agreement with the concavification.
        """
        ck = Checker()
        s, mu = self.signal, self.prior
        ck.check("signal non-negative", -s.min(), atol)
        ck.check("signal rows sum to one", np.abs(s.sum(axis=1) - 1.0).max(), atol)
        joint = mu[:, None] * s
        pa = joint.sum(axis=0)
        used = pa > tol.MASS
        post = np.where(used[:, None], joint.T / np.where(used, pa, 1.0)[:, None], 0.0)
        ck.check("Bayes plausibility", np.abs(pa[used] @ post[used] - mu).max(), atol)
        # expected receiver utility of every action at each used posterior
        eu = post[used] @ self.receiver_utility  # (used, n_actions)
        rec = np.flatnonzero(used)
        gain = eu.max(axis=1) - eu[np.arange(rec.size), rec]
        ck.check("obedience (recommended action is a best response)",
                 gain.max(initial=0.0), atol)
        val = float((joint * self.sender_utility).sum())
        ck.check("value equals the sender's expected utility", abs(val - self.value), atol)
        ck.check("value >= no-information value", self.no_information_value - self.value, atol)
        ck.check("value <= sender-chooses-action bound", self.value - self.upper_bound, atol)
        if self.concavification_value is not None:
            ck.check("agrees with concavification (two states)",
                     abs(self.concavification_value - self.value), atol)
        if exact:
            from ..verify.exact_lp import exact_branch

            return exact_branch(ck.report(), [("persuasion LP", self.lp_record, self.value)], atol=atol)
        return ck.report()


def _best_response_value(belief, uR, uS, atol=tol.EQUAL):
    """Sender's utility when the receiver best-responds to ``belief``, ties to sender."""
    eu = belief @ uR
    best = eu.max()
    opt = eu >= best - atol * max(1.0, abs(best))
    return float((belief @ uS)[opt].max())


def concavified_value(prior, receiver_utility, sender_utility, atol: float = tol.EQUAL) -> float:
    """Concave envelope of the sender's value at the prior, for two states.

    The sender's value ``v(q)`` (receiver best-responds to posterior ``q`` on the second
    state, ties to the sender) is piecewise linear between the receiver's indifference
    points; its concave envelope at the prior is the best chord between two such points
    (or 0, 1) that brackets the prior.

    References
    ----------
    Kamenica & Gentzkow (2011), Corollary 2.
    """
    atol = check_tolerance(atol, "atol")
    mu = probability_vector(prior, "prior")
    uR = real_array(receiver_utility, "receiver_utility", ndim=2)
    uS = real_array(sender_utility, "sender_utility", ndim=2)
    if mu.size != 2 or uR.shape[0] != 2 or uS.shape != uR.shape:
        raise ValueError("concavified_value needs exactly two states (utilities of shape (2, n_actions))")
    # posterior q = P(state 2); receiver utility of action a: uR[0,a] + q (uR[1,a]-uR[0,a])
    base, slope = uR[0], uR[1] - uR[0]
    pts = [0.0, 1.0, float(mu[1])]
    m = base.size
    for a in range(m):
        for b in range(a + 1, m):
            ds = slope[a] - slope[b]
            if abs(ds) > atol:
                q = (base[b] - base[a]) / ds
                if 0.0 < q < 1.0:
                    pts.append(float(q))
    q = np.unique(np.array(pts))
    vals = np.array([_best_response_value(np.array([1 - t, t]), uR, uS, atol) for t in q])
    q0 = float(mu[1])
    best = -np.inf
    for i in np.flatnonzero(q <= q0 + 1e-15):
        for j in np.flatnonzero(q >= q0 - 1e-15):
            if q[j] - q[i] <= 1e-15:
                cand = vals[i] if abs(q[i] - q0) <= 1e-15 else -np.inf
                cand = max(cand, vals[j] if abs(q[j] - q0) <= 1e-15 else -np.inf)
            else:
                lam = (q0 - q[i]) / (q[j] - q[i])
                cand = (1 - lam) * vals[i] + lam * vals[j]
            best = max(best, cand)
    return float(best)


@records_params("method")
def persuade(prior, receiver_utility, sender_utility, states=None, actions=None,
             method: str = "auto") -> PersuasionResult:
    """Sender-optimal obedient signal (Bayesian persuasion LP).

    Parameters
    ----------
    prior : array_like (n_states,)
        Prior over states (non-negative, sums to one).
    receiver_utility : array_like (n_states, n_actions)
        ``receiver_utility[w, a]``.
    sender_utility : array_like (n_states, n_actions)
        ``sender_utility[w, a]``.
    states, actions : sequences of str, optional
        Labels for tables.
    method : {"auto", "simplex", "ipm"}
        LP method passed to the solver layer; ``"auto"`` chooses by size and the rank of
        the receiver's utility (:data:`IPM_MIN_NONZEROS`, :data:`IPM_MAX_LOW_RANK`; the
        measurements are in ``_choose_method``). The choice is recorded in ``.method``.

    Returns
    -------
    PersuasionResult
        ``.value`` (sender's expected utility), ``.signal`` (state x action),
        ``.posteriors``; ties are broken in the sender's favour (obedience is weak).

    Raises
    ------
    ValueError
        Shapes that do not match, a prior that is not a probability vector.
    SolverError
        When the solver does not return an optimal answer.

    References
    ----------
    Kamenica & Gentzkow (2011); CLW, sections 2-4; HS, Appendix B.1.

    Examples
    --------
    >>> import infopricing as ip
    >>> r = ip.persuade([0.7, 0.3], [[1, 0], [0, 1]], [[0, 1], [0, 1]])   # the prosecutor
    >>> round(r.value, 4), r.verify().ok
    (0.6, True)
    """
    from ..errors import SolverError

    from ..model._validate import check_choice

    check_choice(method, "method", ("auto", "simplex", "ipm"))
    mu = probability_vector(prior, "prior")
    uR = real_array(receiver_utility, "receiver_utility", ndim=2)
    uS = real_array(sender_utility, "sender_utility", ndim=2)
    n = mu.size
    if uR.shape[0] != n or uR.shape[1] == 0:
        raise ValueError(f"receiver_utility must have shape (n_states={n}, n_actions>=1), got {uR.shape}")
    if uS.shape != uR.shape:
        raise ValueError(f"sender_utility must have the shape of receiver_utility {uR.shape}, got {uS.shape}")
    m = uR.shape[1]
    if method == "auto":
        method = _choose_method(uR)
    st = labels(states, n, "w", "states")
    ac = labels(actions, m, "a", "actions")

    # receiver utilities of two actions in one state that differ by a near-tie (float
    # round-off such as 4e-16) are merged before their differences enter the obedience rows
    # (the LP solver would drop them; lp.conditioning); obedience is re-checked on uR itself
    from ..lp.conditioning import merge_near_ties

    uR_lp, spread = merge_near_ties(uR, axis=1)
    if spread > tol.NEAR_TIE_SPREAD * max(float(np.max(np.abs(uR))), 1e-300):
        raise ValueError("receiver_utility: a chain of near-tied utilities spans "
                         f"{spread:.3g}, too wide to merge; round the utilities")
    # variables x[w, a], flattened w * m + a
    N = n * m
    # Bayes/consistency rows: sum_a x[w, a] = mu[w]
    rows_c = np.repeat(np.arange(n), m)
    A_cons = sp.csr_matrix((np.ones(N), (rows_c, np.arange(N))), shape=(n, N))
    # obedience rows for each ordered pair (a, b), a != b:
    #   sum_w x[w, a] (uR[w, a] - uR[w, b]) >= 0
    pairs = [(a, b) for a in range(m) for b in range(m) if a != b]
    if pairs:
        P = np.array(pairs)
        r = np.repeat(np.arange(len(pairs)), n)
        w_idx = np.tile(np.arange(n), len(pairs))
        a_idx = np.repeat(P[:, 0], n)
        b_idx = np.repeat(P[:, 1], n)
        data = uR_lp[w_idx, a_idx] - uR_lp[w_idx, b_idx]
        A_ob = sp.csr_matrix((data, (r, w_idx * m + a_idx)), shape=(len(pairs), N))
    else:
        A_ob = sp.csr_matrix((0, N))
    A = sp.vstack([A_cons, A_ob]).tocsc()
    lo = np.concatenate([mu, np.zeros(A_ob.shape[0])])
    hi = np.concatenate([mu, np.full(A_ob.shape[0], np.inf)])
    res, record = solve_lp_recorded(uS.ravel(), A, lo, hi, sense="max", method=method)
    record = dataclasses.replace(record, exact=_exact_lp_data(prior, mu, receiver_utility, uR,
                                                              sender_utility, uS, pairs))
    if res.status is not Status.OPTIMAL:
        raise SolverError(f"persuasion LP not solved to optimality: {res.status.value} ({res.message})")
    x = np.clip(res.x.reshape(n, m), 0.0, None)
    # re-impose the prior exactly on each row (removes solver round-off)
    rs = x.sum(axis=1)
    x = np.where(rs[:, None] > 0, x * (mu / np.where(rs > 0, rs, 1.0))[:, None], 0.0)
    # a state of positive mass below the solver's tolerance (1.1e-16 from 1 - sum(...)) can
    # come back with no mass on any recommendation; it gets the most used recommendation,
    # which moves no posterior by more than its mass
    lost = (mu > 0) & ~(rs > 0)
    if lost.any():
        x[lost, int(np.argmax(x.sum(axis=0)))] = mu[lost]
    # a recommendation of tiny mass (1e-12) can be disobeyed at its posterior while its
    # obedience rows hold within the solver's absolute tolerance (the posterior is the row
    # divided by that mass): its mass moves to the receiver's best response there, which
    # keeps every other recommendation obeyed (obedience is linear in the joint) and
    # changes the value by at most that mass times max |uS|
    for _ in range(m):
        pa = x.sum(axis=0)
        bad = [a for a in np.flatnonzero(pa > tol.MASS)
               if (x[:, a] @ uR).max() - x[:, a] @ uR[:, a] > tol.FEAS * pa[a]]
        if not bad:
            break
        a = bad[0]
        b = int(np.argmax(x[:, a] @ uR))
        x[:, b] += x[:, a]
        x[:, a] = 0.0
    pa = x.sum(axis=0)
    used = pa > tol.MASS
    signal = np.zeros((n, m))
    pos = mu > 0
    signal[pos] = x[pos] / mu[pos, None]
    signal[~pos, int(np.argmax(pa))] = 1.0
    posts = np.full((m, n), np.nan)
    posts[used] = (x[:, used] / pa[used]).T
    binding = np.zeros((m, m), dtype=bool)
    if pairs:
        slack = res.row_activity[n:]
        for k, (a, b) in enumerate(pairs):
            binding[a, b] = used[a] and slack[k] <= tol.BINDING
    no_info = _best_response_value(mu, uR, uS)
    full = float(sum(mu[w] * _best_response_value(np.eye(n)[w], uR, uS) for w in range(n)))
    upper = float(mu @ uS.max(axis=1))
    conc = concavified_value(mu, uR, uS) if n == 2 else None
    value = float((x * uS).sum())
    return PersuasionResult(value=value, signal=frozen(signal), joint=frozen(x),
                            action_probabilities=frozen(pa), posteriors=frozen(posts),
                            prior=mu, receiver_utility=frozen(uR), sender_utility=frozen(uS),
                            states=st, actions=ac, no_information_value=no_info,
                            full_information_value=full, upper_bound=upper,
                            binding=binding, status=res.status, concavification_value=conc,
                            lp_record=record, method=method)


def _exact_lp_data(prior, mu, receiver_utility, uR, sender_utility, uS, pairs) -> dict:
    """The persuasion LP in the model's exact numbers (ints / Fractions as given, floats as
    their shortest decimals: :mod:`infopricing.exact_numbers`), for the exact certificate:
    ``A_exact``, ``c_exact``, ``bounds_exact`` of :func:`~infopricing.lp.exact_certificate.rational_lp`
    and the exact ``model`` (prior, receiver and sender utilities)."""
    from fractions import Fraction

    from ..exact_numbers import exact_array, exact_input

    def ex(given, arr):
        kept = exact_input(given)
        if kept is not None and np.shape(kept) == arr.shape:
            return [list(r) for r in kept] if arr.ndim == 2 else list(kept)
        flat = exact_array(arr.ravel())  # the per-array rule of exact_numbers
        if arr.ndim == 1:
            return flat
        k = arr.shape[1]
        return [flat[i * k:(i + 1) * k] for i in range(arr.shape[0])]

    q, R, S = ex(prior, mu), ex(receiver_utility, uR), ex(sender_utility, uS)
    n, m = uR.shape
    A = {(w, w * m + a): Fraction(1) for w in range(n) for a in range(m)}
    for r, (a, b) in enumerate(pairs):
        for w in range(n):
            if R[w][a] != R[w][b]:
                A[(n + r, w * m + a)] = R[w][a] - R[w][b]
    P = len(pairs)
    return {"A_exact": A, "c_exact": [S[w][a] for w in range(n) for a in range(m)],
            "bounds_exact": {"row_lower": q + [Fraction(0)] * P, "row_upper": q + [None] * P},
            "model": (tuple(q), tuple(map(tuple, R)), tuple(map(tuple, S)))}
