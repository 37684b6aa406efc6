"""Market sweeps: many markets of one environment, certified by stored optimal bases.

For a fixed environment the feasible menus do not depend on the market; the market
``f`` enters the menu LP only through its objective ``c(f) = M f`` (revenue
``sum_t f[t] (v[t] @ x[t] - u[t])``). Fix an optimal basis B of the LP for some market.
Its duals ``y(f)`` (solve ``B^T y = c_B(f)``) and reduced costs ``d(f) = c(f) - A^T y(f)``
are *linear in f*: ``y(f) = Y f``, ``d(f) = D f``. B is optimal for f exactly when these
have the right signs (dual feasibility), i.e. when ``G f <= 0`` for a matrix G (one row per
non-basic column or row, sign-adjusted) — a polyhedral cone of markets. Checking a batch of
markets against a stored basis is one matrix product ``F @ G.T``.

What is certified, per market f:

* **Revenue optimality** (always): the stored basis's dual solution ``y(f)`` is dual
  feasible, and the reported mechanism is primal feasible with revenue equal to the dual
  objective ``sum_t y_feas[t](f)`` — an LP duality certificate, re-checked independently
  by :meth:`SweepResult.verify` from the rebuilt constraint matrix.
* **The selected mechanism**: when every entry of ``G f`` is non-zero (beyond
  ``dual_tol``), the basis is strictly complementary, so the revenue-optimal mechanism is
  *unique* and is the basis's vertex — every selection rule returns it. When some entries
  are zero, f lies on the boundary of the cone and the optimal face may be larger. The
  optimal face is determined by which constraints have non-zero dual (complementary
  slackness), i.e. by the zero pattern of ``G f``; since the selection rules of
  :func:`~infopricing.screening.optimal_mechanism` depend only on the face (they are
  market-free, HS's consistent selection), all markets with the same (basis, zero
  pattern) get the same selected mechanism, computed once by ``optimal_mechanism`` for a
  representative of the group.

Markets that no stored basis certifies are solved by the LP (warm-started from the last
basis) and the new basis joins the store.

Sweeps are meant for small type spaces (a few to a few dozen types): each stored basis
keeps dense ``Y`` and ``D`` matrices of size (n + n(n-1)) x n and (n(k+1)) x n, found
with a dense solve of the basis system.

References
----------
HS, section 4 (the menu LP; consistent selection); the sweep serves HS's maps of where
segmentation helps (section 6, Figure 2).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

import numpy as np
from .._lazy import sparse as sp  # scipy.sparse loads on first use (import time)

from .. import tolerances as tol
from ..errors import SolverError
from ..lp import LinearProgram, Status
from ..model import Environment
from ..model._validate import check_tolerance, real_array
from ..screening.lp_build import build_menu_lp, revenue_objective
from . import backend as _bk
from ..verify.protocol import Result, records_params, PER_TYPE, deprecated_alias
from ..lp.basis import AT_LOWER as _AT_LOWER, AT_UPPER as _AT_UPPER, BASIC as _BASIC
from .._progress import check_progress

KIND_CONE, KIND_FACE, KIND_LP = 0, 1, 2
KIND_NAMES = {KIND_CONE: "cone", KIND_FACE: "face", KIND_LP: "lp"}


def objective_map(values: np.ndarray) -> sp.csr_matrix:
    """Sparse M (N x n) with ``revenue_objective(values, f) == M @ f``."""
    n, k = values.shape
    rows = np.concatenate([np.arange(n * k), n * k + np.arange(n)])
    cols = np.concatenate([np.repeat(np.arange(n), k), np.arange(n)])
    data = np.concatenate([values.ravel(), -np.ones(n)])
    return sp.csr_matrix((data, (rows, cols)), shape=(n * k + n, n))


@dataclass(frozen=True, eq=False)
class BasisCone:
    """An optimal basis of the menu LP and the cone of markets it certifies.

    Attributes
    ----------
    Y : ndarray (m_rows, n)     row duals as a linear function of the market, ``y = Y f``
    D : ndarray (N, n)          reduced costs as a linear function, ``d = D f``
    G : ndarray (r, n)          sign-adjusted non-basic rows of [D; Y]: certified iff G f <= tol
    allocation : ndarray (n, k), payments : ndarray (n,)   the basis's vertex (a mechanism)
    key : str                   a hash of the basis (which columns are basic and at which
                                bound every column and row sits): the same basis found in
                                two processes has the same key

    References
    ----------
    HS, section 4 (the menu LP); basis reuse is a computational device of this library.
    """

    Y: np.ndarray
    D: np.ndarray
    G: np.ndarray
    allocation: np.ndarray
    payments: np.ndarray
    key: str = ""
    #: the basis itself (HiGHS codes), for exact re-checks (``SweepResult.verify(exact=True)``)
    col_basis: np.ndarray | None = field(default=None, repr=False)
    row_basis: np.ndarray | None = field(default=None, repr=False)


#: Constraint matrices with at most this many entries are kept dense for the per-basis
#: algebra (small environments: scipy.sparse indexing overhead dominated the basis step,
#: 46 of 83 ms of a 5-type 10^4-market sweep).
_DENSE_MAX_ENTRIES = 4_000_000


def _cone_from_basis(A, M, res, n: int, k: int) -> BasisCone:
    """The cone of markets for which the basis of ``res`` is optimal. ``A`` and ``M`` may
    be scipy sparse or dense numpy arrays (same results)."""
    dense = isinstance(A, np.ndarray)
    cb = np.asarray(res.col_basis)
    rb = np.asarray(res.row_basis)
    m_rows, N = A.shape
    JB = np.flatnonzero(cb == _BASIC)
    RN = np.flatnonzero(rb != _BASIC)
    if JB.size != RN.size:
        raise SolverError(f"basis is not square ({JB.size} basic columns, {RN.size} tight rows)")
    Y = np.zeros((m_rows, n))
    if JB.size:
        Bt = A[np.ix_(RN, JB)].T if dense else A[RN][:, JB].T.toarray()  # (|JB|, |RN|)
        rhs = M[JB] if dense else M[JB].toarray()
        Y[RN] = np.linalg.solve(Bt, rhs)
    D = (M if dense else M.toarray()) - A.T @ Y
    D[JB] = 0.0
    G = []
    for stat, vals in ((cb, D), (rb, Y)):
        lo = np.flatnonzero(stat == _AT_LOWER)
        up = np.flatnonzero(stat == _AT_UPPER)
        other = np.flatnonzero((stat != _BASIC) & (stat != _AT_LOWER) & (stat != _AT_UPPER))
        G += [vals[lo], -vals[up], vals[other], -vals[other]]
    G = np.vstack(G)
    z = res.x
    x = np.clip(z[: n * k].reshape(n, k), 0.0, None)
    # payments p[t] = v[t] @ x[t] - u[t] = (M.T @ z)[t] (M's column t is market e_t's objective)
    h = hashlib.sha256(np.asarray(cb, dtype=np.int8).tobytes() + b"|"
                       + np.asarray(rb, dtype=np.int8).tobytes())
    return BasisCone(Y=Y, D=D, G=G, allocation=x, payments=np.asarray(M.T @ z).ravel(),
                     key=h.hexdigest()[:16], col_basis=cb.copy(), row_basis=rb.copy())


#: The largest sweep written as CSV (``SweepResult.write_csv``, ``infopricing sweep --csv``):
#: about 200 bytes a row for a few types, so at most about 20 MB; larger sweeps go to Parquet.
CSV_MAX_MARKETS = 100_000

#: decimals kept of allocations and of payments (in the value unit) when a menu is hashed
MENU_ID_DECIMALS = 9


def menu_id(allocation, payments, unit: float = 1.0) -> str:
    """A content id of a menu (16 hex digits): the hash of its shape, its allocation
    rounded to :data:`MENU_ID_DECIMALS` decimals and its payments divided by ``unit`` and
    rounded the same way. Menus computed separately (other chunks, other processes) that
    agree to that precision get the same id; a value straddling a rounding boundary can
    split one menu into two ids (it never merges two different menus)."""
    x = np.round(np.asarray(allocation, dtype=float), MENU_ID_DECIMALS) + 0.0  # no -0.0
    p = np.round(np.asarray(payments, dtype=float) / float(unit), MENU_ID_DECIMALS) + 0.0
    h = hashlib.sha256(repr((x.shape, p.shape)).encode() + x.tobytes() + p.tobytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True, eq=False, repr=False)
class SweepResult(Result):
    """Per-market optimal mechanisms of one environment, each with its certificate.

    Attributes
    ----------
    env : Environment
    markets : ndarray (m, n)
    revenue : ndarray (m,)
    surplus : ndarray (m, n)          per-type consumer surplus of the selected mechanism
    total_surplus : ndarray (m,)      expected net value created
    expected_consumer_surplus : ndarray (m,)   expected consumer surplus
    efficient : ndarray (m,) bool     the selected mechanism's allocation is efficient
    mechanism : ndarray (m,) int      index into ``allocations`` / ``payments``
    basis : ndarray (m,) int          index into ``cones`` of the certifying basis
    kind : ndarray (m,) int8          0 "cone": unique optimum, the basis's vertex;
                                      1 "face": boundary market, mechanism selected on its face;
                                      2 "lp": solved individually (fallback)
    allocations : ndarray (q, n, k), payments : ndarray (q, n)   the distinct mechanisms
    cones : tuple of BasisCone
    selection : str
    lp_solves : int                   LPs solved (bases found + face/fallback selections)
    seconds : float
    backend : str                     where the certification products ran

    References
    ----------
    HS, section 4 (the menu LP, solved for many markets); LP duality per market.

    Examples
    --------
    HS Section 3 at q = 1/4 and 3/4, the two non-generic markets of HS Figure 1(a) (revenue
    1 and 1.5 by hand); t1 is served efficiently only in the first:

    >>> import numpy as np
    >>> import infopricing as ip
    >>> markets = np.array([[0.75, 0.25], [0.25, 0.75]])
    >>> res = ip.sweep(ip.catalog.hs_section3(), markets, backend="numpy")   # no GPU probe
    >>> res.revenue.round(4).tolist(), res.efficient.tolist(), res.verify().ok
    ([1.0, 1.5], [True, False], True)
    """

    env: Environment
    markets: np.ndarray
    revenue: np.ndarray
    surplus: np.ndarray
    total_surplus: np.ndarray
    expected_consumer_surplus: np.ndarray
    consumer_surplus = deprecated_alias("expected_consumer_surplus", PER_TYPE)
    efficient: np.ndarray
    mechanism: np.ndarray
    basis: np.ndarray
    kind: np.ndarray
    allocations: np.ndarray
    payments: np.ndarray
    cones: tuple = field(repr=False)
    selection: str = "efficient"
    lp_solves: int = 0
    seconds: float = 0.0
    backend: str = "numpy"

    _not_params = ("kind",)        # per-market solve kinds: data, not a parameter

    def __len__(self) -> int:
        return self.markets.shape[0]

    def mechanism_for(self, i: int):
        """The selected :class:`~infopricing.screening.Mechanism` of market ``i``."""
        from ..model import Market
        from ..screening import Mechanism

        q = int(self.mechanism[i])
        return Mechanism(env=self.env, market=Market(self.env, self.markets[i], normalize=True),
                         allocation=self.allocations[q], payments=self.payments[q],
                         selection=self.selection)

    def exact_certificate(self, i: int, backend: str = "auto"):
        """Exact optimality certificate of market ``i``'s revenue (the menu LP with market
        ``i``'s objective; see :meth:`~infopricing.screening.Mechanism.exact_certificate`).
        ValueError when it does not hold."""
        import dataclasses

        cert = self._exact_market(int(i), backend)
        if not cert.ok:
            raise ValueError(f"market {i}: the exact certificate does not hold: " + "; ".join(cert.failures[:5]))
        from ..screening.mechanism import menu_problem

        from ..verify.exact_lp import headline

        return dataclasses.replace(cert, problem=headline({
            "kind": "sweep market (HS section 4 revenue LP)", "market_index": int(i),
            **menu_problem(self.env, cert.lp), "certificate_kind": KIND_NAMES[int(self.kind[int(i)])]},
            cert.lp.field.frac(cert.objective), reported={"revenue": float(self.revenue[int(i)])},
            claims={"revenue": lambda obj, problem: obj}))

    def _exact_market(self, i: int, backend: str = "auto"):
        """Exact certificate of market i: a market certified by a basis cone (kind "cone")
        takes the basis's exact vertex and dual (repaired by exact pivots when the float
        basis is only optimal to rounding); other markets (kind "face"/"lp") are re-solved by
        :func:`~infopricing.screening.optimal_mechanism` and its exact menu and dual used.
        The sweep's floating mechanism must lie within ``tolerances.FEAS`` of the exact menu."""
        from ..lp.exact_certificate import basis_primal, certify
        from ..model import Market
        from ..screening.mechanism import exact_optimality, menu_lp_exact

        env = self.env
        n, k = env.n_types, env.n_alternatives
        f = self.markets[i]
        cone = self.cones[int(self.basis[i])] if int(self.kind[i]) == 0 else None
        if cone is not None and cone.col_basis is not None:
            lp = menu_lp_exact(env, f, backend=backend)
            try:
                z = basis_primal(lp, cone.col_basis, cone.row_basis)
            except ValueError:
                return certify(lp)  # incomplete, says so
            cert = certify(lp, primal=z, dual_basis=(cone.col_basis, cone.row_basis))
        else:
            from ..screening import optimal_mechanism

            m = optimal_mechanism(env, Market(env, f, normalize=True), selection=self.selection)
            cert = exact_optimality(m, backend=backend)
            z = cert.primal
        if z is not None and cert.ok:
            q = int(self.mechanism[i])
            xs = np.array([float(v) for v in z[: n * k]]).reshape(n, k)
            us = np.array([float(v) for v in z[n * k:]])
            ps = np.einsum("tk,tk->t", env.values, xs) - us
            dev = max(float(np.abs(xs - self.allocations[q]).max()),
                      float(np.abs(ps - self.payments[q]).max()) / tol.value_scale(env.values))
            if dev > tol.FEAS:
                import dataclasses

                cert = dataclasses.replace(cert, ok=False, failures=cert.failures + (
                    f"the sweep's mechanism is {dev:.3g} from the certified exact menu",))
        return cert

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS, backend: str = "auto"):
        """Re-check every market's certificate independently of the sweep's algebra.

        ``exact=True`` adds, for every market, an exact optimality certificate of its
        revenue (:meth:`exact_certificate`; rational arithmetic, zero tolerance), and fails
        saying so for any market where it cannot be completed.

        Rebuilds the LP matrix, and for each market f with certifying basis b: the duals
        ``y = Y_b f`` have the right signs (IC rows <= 0, feasibility rows >= 0), the
        reduced costs ``M f - A^T y`` recomputed from A are <= 0 (all columns have lower
        bound 0 and no upper bound), and the market's revenue equals the dual objective
        ``sum_t y_feas[t]`` (strong duality). Every distinct mechanism is checked for
        feasibility, IC and IR. Sign errors and the duality gap are allowed ``atol``
        times max(1, largest absolute net value), all in the unit of
        ``tolerances.value_scale`` (1 for values of ordinary size). Returns a Verification.
        """
        from ..screening.mechanism import Verification

        env = self.env
        n = env.n_types
        # the cones were computed in units of `unit` (BasisStore); re-check in those units,
        # where reduced costs of allocation and utility columns share one tolerance
        unit = tol.value_scale(env.values)
        V = env.values / unit
        A, *_ = build_menu_lp(V)
        M = objective_map(V)
        AT = A.T.tocsr()
        failures = []
        worst = 0.0
        scale = max(1.0, float(np.abs(V).max()))
        for b, cone in enumerate(self.cones):
            idx = np.flatnonzero(self.basis == b)
            if idx.size == 0:
                continue
            F = self.markets[idx]
            Yf = F @ cone.Y.T  # (q, m_rows)
            d = (M @ F.T).T - (AT @ Yf.T).T
            v_d = float(max(0.0, d.max())) if d.size else 0.0
            v_ic = float(max(0.0, Yf[:, n:].max())) if Yf.shape[1] > n else 0.0
            v_fe = float(max(0.0, -Yf[:, :n].min()))
            dual_obj = Yf[:, :n].sum(axis=1)
            gap = float(np.abs(dual_obj - self.revenue[idx] / unit).max())
            for name, val, lim in (("reduced cost of wrong sign", v_d, atol * scale),
                                   ("IC dual of wrong sign", v_ic, atol * scale),
                                   ("feasibility dual of wrong sign", v_fe, atol * scale),
                                   ("duality gap", gap, atol * scale)):
                worst = max(worst, val)
                if val > lim:
                    failures.append(f"basis {b}: {name} {val:.3g}")
        from ..screening import Mechanism

        for q in range(self.allocations.shape[0]):
            v = Mechanism(env=env, market=None, allocation=self.allocations[q],
                          payments=self.payments[q]).verify(atol=atol)
            worst = max(worst, v.max_violation)
            if not v.ok:
                failures.append(f"mechanism {q}: " + "; ".join(v.failures))
        rev = np.einsum("mn,mn->m", self.markets, self.payments[self.mechanism])
        rgap = float(np.abs(rev - self.revenue).max()) if rev.size else 0.0
        if rgap > atol * unit:
            failures.append(f"reported revenue differs from the mechanism's by {rgap:.3g}")
        if exact:
            for i in range(len(self)):
                c = self._exact_market(i, backend)
                if not c.ok:
                    failures += [f"market {i}: exact certificate: {msg}" for msg in c.failures[:3]]
                elif abs(float(c.objective) - float(self.revenue[i])) > atol * unit * max(1.0, abs(float(c.objective)) / unit):
                    failures.append(f"market {i}: reported revenue {self.revenue[i]!r} is not the certified "
                                    f"optimum {float(c.objective)!r}")
        return Verification(ok=not failures, failures=tuple(failures[:20]), max_violation=worst,
                            exact=bool(exact))

    def _summary(self) -> dict:
        kinds = np.bincount(np.asarray(self.kind, dtype=np.int64), minlength=3)
        empty = len(self) == 0

        def stat(a, fn):
            return None if empty else float(fn(a))

        return {"markets": len(self), "bases": len(self.cones), "lp_solves": int(self.lp_solves),
                "certified_unique": int(kinds[KIND_CONE]), "boundary_selected": int(kinds[KIND_FACE]),
                "solved_individually": int(kinds[KIND_LP]),
                "revenue_min": stat(self.revenue, np.min), "revenue_mean": stat(self.revenue, np.mean),
                "revenue_max": stat(self.revenue, np.max),
                "share_efficient": stat(self.efficient, np.mean),
                "consumer_surplus_mean": stat(self.expected_consumer_surplus, np.mean),
                "seconds": float(self.seconds), "backend": self.backend}

    def as_dict(self) -> dict:
        """The sweep's summary, JSON-ready (the CLI's ``--json``): market count, bases,
        LP solves, how many markets each certificate kind covers, revenue min / mean /
        max, the share of efficient markets, mean consumer surplus, seconds and backend,
        with the protocol's ``type``, ``status`` and ``params``. The per-market rows are
        :meth:`market_table` (and :meth:`write_csv`); a summary keeps ``--json`` small
        for any number of markets."""
        return self._summary()

    def _extra_params(self) -> dict:
        # "kind" (a PARAM_FIELDS name) is the per-market certificate array here: data, not a
        # parameter (_not_params), so it is not recorded
        return {"backend": self.backend, "types": list(self.env.types),
                "alternatives": list(self.env.alternatives)}

    def market_table(self, start: int = 0):
        """One row per market with ids that mean the same thing in every run: the
        columns of :meth:`to_frame` after a ``market`` column (``start``, ``start + 1``,
        ...), with ``mechanism`` the menu's content id (:func:`menu_id`) and ``basis`` the
        certifying basis's key, as in the Parquet chunks of
        :func:`~infopricing.scale.sweep_to_parquet`."""
        df = self.to_frame()
        df.insert(0, "market", np.arange(int(start), int(start) + len(self), dtype=np.int64))
        unit = tol.value_scale(self.env.values)
        ids = np.array([menu_id(x, p, unit) for x, p in zip(self.allocations, self.payments)],
                       dtype=object)
        df["mechanism"] = ids[self.mechanism] if len(ids) else np.array([], dtype=object)
        keys = np.array([c.key for c in self.cones], dtype=object)
        df["basis"] = keys[self.basis] if len(keys) else np.array([], dtype=object)
        return df

    def write_csv(self, path, verified: bool | None = None) -> None:
        """Write :meth:`market_table` as CSV (with a ``verified`` column: ``verified``, or
        this result's :meth:`verify` when None), for runs of at most
        :data:`CSV_MAX_MARKETS` markets (larger sweeps: :func:`sweep_to_parquet`).
        Written to a temporary file beside ``path`` and renamed, so a failed write leaves
        no partial file. ``ValueError`` above the size limit."""
        import os
        from pathlib import Path

        if len(self) > CSV_MAX_MARKETS:
            raise ValueError(f"a CSV of {len(self)} markets is above CSV_MAX_MARKETS = "
                             f"{CSV_MAX_MARKETS}; write Parquet (sweep_to_parquet) instead")
        df = self.market_table()
        df["verified"] = bool(self.verify().ok if verified is None else verified)
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            df.to_csv(tmp, index=False)  # floats as shortest round-trip text
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()

    def to_frame(self):
        """A pandas DataFrame, one row per market (needs the ``scale`` extra)."""
        import pandas as pd

        types = self.env.types
        d = {f"f_{t}": self.markets[:, i] for i, t in enumerate(types)}
        d.update(revenue=self.revenue, total_surplus=self.total_surplus,
                 expected_consumer_surplus=self.expected_consumer_surplus, efficient=self.efficient)
        d.update({f"cs_{t}": self.surplus[:, i] for i, t in enumerate(types)})
        d.update(mechanism=self.mechanism, basis=self.basis,
                 certificate=np.array([KIND_NAMES[int(c)] for c in range(3)])[self.kind])
        return pd.DataFrame(d)


def _validate_markets(env, markets):
    F = real_array(markets, "markets")
    if F.ndim == 1:
        F = F[None, :]
    if F.ndim != 2 or F.shape[1] != env.n_types:
        raise ValueError(f"markets must have shape (m, {env.n_types}) (one row per market), "
                         f"got {F.shape}")
    if F.shape[0] == 0:
        raise ValueError("markets must contain at least one market")
    if np.any(F < 0):
        raise ValueError(f"markets must be non-negative; smallest entry is {float(F.min()):g}")
    s = F.sum(axis=1)
    bad = np.abs(s - 1.0) > tol.PROB_SUM
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"markets must be probability vectors (rows summing to 1 within "
                         f"{tol.PROB_SUM:g}); row {i} sums to {float(s[i]):.12g}")
    return np.ascontiguousarray(F)


class BasisStore:
    """The stored optimal bases of one environment's menu LP (reusable across sweeps,
    picklable, so a pilot sweep's bases can be shipped to workers).

    References
    ----------
    HS, section 4 (the menu LP); basis reuse is a computational device of this library.
    """

    def __init__(self, env: Environment):
        if not isinstance(env, Environment):
            raise TypeError(f"env must be an Environment, got {type(env).__name__}")
        self.env = env
        self.cones: list[BasisCone] = []
        #: selected mechanisms of boundary groups: (selection, basis, zero pattern) -> (x, p)
        self.faces: dict = {}
        self._lp = None
        #: the LPs, and so every cone's duals, reduced costs and payments, are in units of
        #: ``unit`` (tolerances.value_scale: 1 for values of ordinary size); cone payments
        #: and allocation-row duals are multiplied by it where they leave the store
        self.unit = tol.value_scale(env.values)
        self._values = env.values / self.unit
        A, lo_r, hi_r, lo_c, hi_c = build_menu_lp(self._values)
        self._data = (A, lo_r, hi_r, lo_c, hi_c)
        self.M = objective_map(self._values)
        self._dense = None  # dense (A, M) for small environments, built on first solve

    def __getstate__(self):
        d = self.__dict__.copy()
        d["_lp"] = None
        d["_dense"] = None
        return d

    def solve(self, f) -> BasisCone:
        """Solve the revenue LP for market f (warm from the last basis) and store its basis."""
        A, lo_r, hi_r, lo_c, hi_c = self._data
        n, k = self.env.n_types, self.env.n_alternatives
        c = revenue_objective(self._values, f)
        if self._lp is None:
            self._lp = LinearProgram(c, A, lo_r, hi_r, lo_c, hi_c, sense="max", method="simplex",
                                     tiny_entries="raise")
        else:
            self._lp.set_objective(c, "max")
        res = self._lp.solve()
        if res.status is not Status.OPTIMAL or res.col_basis is None:
            raise SolverError(f"menu LP not solved for a market: {res.status} ({res.message})")
        if self._dense is None and A.shape[0] * A.shape[1] <= _DENSE_MAX_ENTRIES:
            self._dense = (A.toarray(), self.M.toarray())
        Am, Mm = self._dense if self._dense is not None else (A, self.M)
        cone = _cone_from_basis(Am, Mm, res, n, k)
        self.cones.append(cone)
        return cone


@records_params("selection", "backend", "dual_tol", "batch", "pilot", "seed")
def sweep(env: Environment, markets, selection: str = "efficient", backend: str = "auto",
          dual_tol: float = tol.DUAL, store: BasisStore | None = None, batch: int | None = None,
          pilot: int = 4096, seed: int = 0, progress=None) -> SweepResult:
    """Optimal mechanisms of many markets of one environment, certified per market.

    Parameters
    ----------
    env : Environment
    markets : array_like (m, n)
        One probability vector per row (zero masses allowed).
    selection : {"efficient", "consumer", "adverse"}
        Selection rule among optimal mechanisms, as in
        :func:`~infopricing.screening.optimal_mechanism` (it matters only for markets on
        a cone boundary; see the module docstring).
    backend : {"auto", "numpy", "torch", "cupy"}
        Where the certification products run; ``"auto"`` takes a CUDA GPU through torch
        or CuPy when one is present, else numpy.
    dual_tol : float
        Reduced costs / duals within this of zero count as zero (boundary markets), and
        a basis certifies a market when no entry of ``G f`` exceeds it.
    store : BasisStore, optional
        Bases found earlier for this environment (extended in place).
    batch : int, optional
        Markets per certification product (default: the backend's, 4096 on the CPU so
        the product stays in cache, 2^21 on a GPU).
    pilot : int
        Bases are first found on a random sample of this many markets; all markets are
        then tried against the stored bases in the order of their share of the sample.
    seed : int
        Seeds the choice of which uncertified market to solve next (the answers do not
        depend on it; only which basis certifies which market does).
    progress : callable, optional
        Called as ``progress(done, total)`` when markets get certified.

    Returns
    -------
    SweepResult

    References
    ----------
    HS, section 4 (menu LP, consistent selection).

    Examples
    --------
    >>> import numpy as np
    >>> import infopricing as ip
    >>> env = ip.Environment([[0.75, 1.0], [1.0, 2.0]])
    >>> res = ip.sweep(env, np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]), backend="numpy")
    >>> res.revenue.round(4).tolist(), res.verify().ok
    ([1.0, 1.25, 2.0], True)
    """
    check_progress(progress)
    from ..screening.optimal import SELECTIONS, optimal_mechanism

    if not isinstance(env, Environment):
        raise TypeError(f"env must be an Environment, got {type(env).__name__}")
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    if batch is not None and not (isinstance(batch, (int, np.integer)) and batch >= 1):
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    if not (isinstance(pilot, (int, np.integer)) and pilot >= 1):
        raise ValueError(f"pilot must be a positive integer, got {pilot!r}")
    dual_tol = check_tolerance(dual_tol, "dual_tol")  # else a SolverError on the first market
    F = _validate_markets(env, markets)
    if store is None:
        store = BasisStore(env)
    elif not isinstance(store, BasisStore) or store.env != env:
        raise ValueError("store must be a BasisStore of the same environment")
    bk = _bk.get_backend(backend)
    batch = batch or bk.batch
    t0 = time.perf_counter()
    m = F.shape[0]
    basis = np.full(m, -1, dtype=np.int64)
    face = np.zeros(m, dtype=bool)
    Fd = bk.asarray(F)
    rng = np.random.default_rng(seed)
    lp_solves = 0
    done = 0

    def certify_rows(rows, order):
        """Try the cones in ``order`` on ``rows``; returns the rows none certifies."""
        nonlocal done
        if len(order) > 1 and rows.size and hasattr(bk, "certify_all"):
            # GPU: every cone in one batched product
            first, onb = bk.certify_all(Fd, rows, [store.cones[b].G for b in order], dual_tol, batch)
            ok = first >= 0
            hit = rows[ok]
            basis[hit] = np.asarray(order)[first[ok]]
            face[hit] = onb[ok]
            done += hit.size
            if progress is not None and hit.size:
                progress(done, m)
            return rows[~ok]
        for b in order:
            if rows.size == 0:
                break
            cert, onb = bk.certify(Fd, rows, store.cones[b].G, dual_tol, batch)
            hit = rows[cert]
            basis[hit] = b
            face[hit] = onb[cert]
            rows = rows[~cert]
            done += hit.size
            if progress is not None and hit.size:
                progress(done, m)
        return rows

    def discover(rows):
        """Solve an LP for a random uncertified market, store its basis, repeat."""
        nonlocal lp_solves
        while rows.size:
            i = int(rows[rng.integers(rows.size)])
            store.solve(F[i])
            lp_solves += 1
            b = len(store.cones) - 1
            rows = certify_rows(rows, [b])
            if basis[i] < 0:  # numerically the new basis does not certify its own market
                raise SolverError(f"basis found for market {i} does not certify it "
                                  f"(max G f = {float((store.cones[b].G @ F[i]).max()):.3g})")

    # Pilot: find the bases on a random sample, then try them on everything else in the
    # order of how many sample markets each certified (most markets stop at the first).
    everything = np.arange(m)
    order = list(range(len(store.cones)))
    if m > pilot:
        sample = np.sort(rng.choice(m, size=pilot, replace=False))
        discover(certify_rows(sample, order))
        counts = np.bincount(basis[sample], minlength=len(store.cones))
        order = np.argsort(-counts, kind="stable").tolist()
        mask = np.ones(m, dtype=bool)
        mask[sample] = False
        everything = everything[mask]
    discover(certify_rows(everything, order))
    # mechanisms: one per cone vertex, plus one per (basis, zero pattern) face group
    allocs = [c.allocation for c in store.cones]
    pays = [c.payments * store.unit for c in store.cones]
    mech = basis.copy()
    kind = np.where(face, KIND_FACE, KIND_CONE).astype(np.int8)
    fi = np.flatnonzero(face)
    if fi.size:
        groups = {}
        for b in np.unique(basis[fi]):
            idx = fi[basis[fi] == b]
            Z = np.abs(F[idx] @ store.cones[b].G.T) <= dual_tol
            keys, inv = np.unique(np.packbits(Z, axis=1), axis=0, return_inverse=True)
            for g in range(keys.shape[0]):
                members = idx[inv.ravel() == g]
                groups[(int(b), keys[g].tobytes())] = members
        for (b, pattern), members in groups.items():
            key = (selection, float(dual_tol), b, pattern)
            if key not in store.faces:
                rep = int(members[0])
                mm = optimal_mechanism(env, F[rep], selection=selection, dual_tol=dual_tol,
                                       method="full")
                lp_solves += 1
                store.faces[key] = (np.asarray(mm.allocation), np.asarray(mm.payments))
            x_, p_ = store.faces[key]
            allocs.append(x_)
            pays.append(p_)
            mech[members] = len(allocs) - 1
    allocations = np.stack(allocs)
    payments = np.stack(pays)
    V = env.values
    vr = np.einsum("qtk,tk->qt", allocations, V)
    util = vr - payments
    eff_q = np.all(vr >= env.efficient_value[None, :] - tol.FEAS * store.unit, axis=1)
    P = payments[mech]
    revenue = np.einsum("mn,mn->m", F, P)
    surplus = util[mech]
    total = np.einsum("mn,mn->m", F, vr[mech])
    cs = np.einsum("mn,mn->m", F, surplus)
    return SweepResult(env=env, markets=F, revenue=revenue, surplus=surplus, total_surplus=total,
                       expected_consumer_surplus=cs, efficient=eff_q[mech], mechanism=mech, basis=basis,
                       kind=kind, allocations=allocations, payments=payments,
                       cones=tuple(store.cones), selection=selection, lp_solves=lp_solves,
                       seconds=time.perf_counter() - t0, backend=bk.name)
