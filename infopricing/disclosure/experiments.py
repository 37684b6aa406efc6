"""Random families of value distributions and the ratio experiments of CLW.

Families (all with a seed, integer values unless stated):

* ``independent``: independent marginals, ``g = round(support^(1/m))`` (at least 2)
  distinct values in 0..10 per product, Dirichlet probabilities (support ``g^m``).
  Independent distributions are negatively affiliated (CLW, footnote to Definition 3).
* ``negatively-affiliated``: on a product grid as above,
  ``f(v) ∝ prod_i w_i(v_i) * exp(-theta * sum_{i<j} v_i v_j / 10)``: the log-pmf has
  non-positive cross differences, hence is log-submodular (Definition 3).
* ``exchangeable``: ``ceil(support / m!)`` random profiles, symmetrised over all
  permutations of the products (Definition 4).
* ``positively-correlated``: ``v_i = c + e_i`` with a common level c in 0..8 and
  idiosyncratic e_i in 0..3, ``support`` draws with Dirichlet weights.
* ``hart-nisan``: Example 3 generalised: ``support`` points ``(1/eps)^j u_j``, u_j random
  directions in the positive orthant, probabilities ``∝ eps^j``, eps in [0.3, 0.6].
* ``general``: ``support`` random profiles in 0..10, Dirichlet weights.

For each instance the experiment computes OPT-Wel, the best uniform price (and p*), the
best pricing mechanism, for two products Proposition 1's M1-M3, and (small instances)
OPT-Rev, the full-information lottery baseline, and the section-5 conditions.
"""

from __future__ import annotations

import csv
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from .. import tolerances as tol
from .conditions import full_extraction
from .._progress import check_progress
from .distribution import ValueDistribution
from .lottery import exogenous_baseline, optimal_design
from .pricing import optimal_pricing, two_product_mechanisms, uniform_pricing
from ..verify import Checker, Verification
from ..verify.protocol import Result, ResultStatus, Tabular, jsonable, no_exact

FAMILIES = ("independent", "negatively-affiliated", "exchangeable", "positively-correlated",
            "hart-nisan", "general")


def _grid_levels(rng, products, support):
    g = max(2, int(round(support ** (1.0 / products))))
    levels = [np.sort(rng.choice(11, size=g, replace=False)).astype(float) for _ in range(products)]
    return g, levels


def random_distribution(family: str, products: int, support: int, rng) -> ValueDistribution:
    """Draw one distribution of a named family (see the module docstring).

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`.
    products : int (>= 1)
    support : int (>= 1)
        Number of profiles (grid families round it to ``g^m``; exchangeable symmetrises).
    rng : numpy.random.Generator or int seed
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    if not (isinstance(products, (int, np.integer)) and products >= 1):
        raise ValueError(f"products must be a positive integer, got {products!r}")
    if not (isinstance(support, (int, np.integer)) and support >= 1):
        raise ValueError(f"support must be a positive integer, got {support!r}")
    rng = np.random.default_rng(rng)
    m, n = int(products), int(support)
    if family in ("independent", "negatively-affiliated"):
        g, levels = _grid_levels(rng, m, n)
        weights = [rng.dirichlet(np.ones(g)) for _ in range(m)]
        grid = np.array(list(itertools.product(*levels)), dtype=float)
        w = np.array([np.prod(c) for c in itertools.product(*weights)])
        if family == "negatively-affiliated":
            theta = rng.uniform(0.05, 0.5)
            cross = sum(grid[:, i] * grid[:, j] for i in range(m) for j in range(i + 1, m)) if m > 1 else 0.0
            w = w * np.exp(-theta * np.asarray(cross) / 10.0)
        return ValueDistribution(grid, w, normalize=True)
    if family == "exchangeable":
        base = max(1, math.ceil(n / math.factorial(m)))
        prof = rng.integers(0, 11, size=(base, m)).astype(float)
        w = rng.dirichlet(np.ones(base))
        vals, probs = [], []
        perms = list(itertools.permutations(range(m)))
        for v, p in zip(prof, w):
            for perm in perms:
                vals.append(v[list(perm)])
                probs.append(p / len(perms))
        return ValueDistribution(np.array(vals), np.array(probs), normalize=True).merged()
    if family == "positively-correlated":
        c = rng.integers(0, 9, size=(n, 1))
        e = rng.integers(0, 4, size=(n, m))
        return ValueDistribution((c + e).astype(float), rng.dirichlet(np.ones(n)), normalize=True)
    if family == "hart-nisan":
        eps = rng.uniform(0.3, 0.6)
        u = np.abs(rng.normal(size=(n, m)))
        u /= np.linalg.norm(u, axis=1, keepdims=True)
        rad = (1.0 / eps) ** np.arange(n)
        p = eps ** np.arange(n)
        return ValueDistribution(np.round(u * rad[:, None], 6), p, normalize=True)
    vals = rng.integers(0, 11, size=(n, m)).astype(float)
    return ValueDistribution(vals, rng.dirichlet(np.ones(n)), normalize=True)


@dataclass(frozen=True, repr=False)
class ExperimentResult(Result, Tabular):
    """Rows of an experiment (one dict per instance), the instances, and the worst one.

    A protocol result: ``status`` is ``inaccurate`` when an instance did not verify,
    ``gap`` when some pricing solve is not proven optimal, else ``optimal``; ``params`` are
    the ``settings``; ``as_dict()`` holds the ``summary``, the ``worst`` instance (its row,
    values and probabilities) and every row; ``to_frame()`` is one row per instance.

    Attributes
    ----------
    rows : tuple of dict
        Per instance: ``welfare``, ``uniform``, ``p_star``, ``pricing``, ``pricing_proven``,
        ``pricing_bound``, ratios ``uniform_ratio`` / ``pricing_ratio`` (over OPT-Wel),
        ``m123_ratio`` (two products), ``opt_rev``, ``opt_rev_bound``,
        ``pricing_over_optrev``, ``lottery_gap``, ``exogenous``, ``lemma1``,
        ``neg_affiliated``, ``exchangeable``, ``verified``.
    instances : tuple of ValueDistribution
    worst : int
        Index of the instance with the smallest ``pricing_ratio``.
    settings : dict
    """

    rows: tuple
    instances: tuple
    worst: int
    settings: dict = field(default_factory=dict)

    def summary(self) -> dict:
        def col(name):
            return np.array([r[name] for r in self.rows if r.get(name) is not None
                             and not (isinstance(r[name], float) and math.isnan(r[name]))], dtype=float)
        out = {"instances": len(self.rows)}
        for name in ("uniform_ratio", "pricing_ratio", "m123_ratio", "pricing_over_optrev", "lottery_gap"):
            c = col(name)
            if c.size:
                out[f"min_{name}"] = float(c.min())
                out[f"mean_{name}"] = float(c.mean())
        out["all_verified"] = all(r["verified"] for r in self.rows)
        out["pricing_proven"] = sum(bool(r["pricing_proven"]) for r in self.rows)
        out["opt_rev_computed"] = sum(r.get("opt_rev") is not None for r in self.rows)
        out["opt_rev_proven"] = sum(bool(r.get("opt_rev_proven")) for r in self.rows)
        # a verified lottery design earning more than the proven pricing bound refutes
        # "pricing is exactly optimal" for that instance
        beats = [r for r in self.rows if r.get("opt_rev") is not None
                 and r["opt_rev"] > r["pricing_bound"] + tol.GLOBAL_GAP * max(1.0, r["welfare"])]
        out["lottery_beats_proven_pricing_bound"] = len(beats)
        out["two_product_counterexamples"] = [r["instance"] for r in beats if r["n_products"] == 2]
        return out

    def _status(self):
        if not all(r["verified"] for r in self.rows):
            return ResultStatus.INACCURATE
        if not all(bool(r["pricing_proven"]) for r in self.rows):
            return ResultStatus.GAP
        return ResultStatus.OPTIMAL

    def _extra_params(self) -> dict:
        return dict(self.settings)

    def verify(self, *, exact: bool = False, atol: float = tol.FEAS) -> Verification:
        """Every instance verified when it was computed (its designs' own ``verify``), and
        each row's OPT-Wel and ratios are re-derived here: OPT-Wel ``= E max_i v_i`` of the
        instance, each ratio its revenue over OPT-Wel (or over OPT-Rev)."""
        no_exact(self, exact)
        ck = Checker()
        bad = [str(r.get("instance", i)) for i, r in enumerate(self.rows) if not r["verified"]]
        ck.check("instances verified", float(len(bad)), 0.0,
                 f"instances not verified: {', '.join(bad)}")
        worst_w = worst_r = 0.0
        for r, d in zip(self.rows, self.instances):
            wel = float(d.probabilities @ d.max_value)
            worst_w = max(worst_w, abs(wel - r["welfare"]))
            for ratio, num, den in (("uniform_ratio", "uniform", "welfare"),
                                    ("p_star_ratio", "p_star", "welfare"),
                                    ("pricing_ratio", "pricing", "welfare"),
                                    ("pricing_over_optrev", "pricing", "opt_rev")):
                x, a, b = r.get(ratio), r.get(num), r.get(den)
                if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (x, a, b)) or b <= 0:
                    continue
                worst_r = max(worst_r, abs(x - a / b))
        ck.check("OPT-Wel is E max_i v_i", worst_w, atol * 10)
        ck.check("ratios are revenue over OPT-Wel / OPT-Rev", worst_r, atol)
        return ck.report()

    def _table(self) -> dict:
        keys = list(self.rows[0].keys()) if self.rows else []
        return {k: [r.get(k) for r in self.rows] for k in keys}

    def as_dict(self) -> dict:
        """``summary``, ``worst`` (its row with the instance's values and probabilities),
        ``rows`` and ``settings``, JSON-ready."""
        w = self.rows[self.worst] if self.rows else {}
        wd = self.instances[self.worst] if self.instances else None
        worst = {**w} if wd is None else {**w, "values": wd.values, "probabilities": wd.probabilities}
        return {"type": type(self).__name__, "status": self.status.value,
                "params": jsonable(self.params), "summary": jsonable(self.summary()),
                "worst": jsonable(worst), "rows": jsonable(list(self.rows)),
                "settings": jsonable(self.settings)}

    @classmethod
    def _example(cls):
        return run_experiment("independent", products=2, support=2, instances=2, seed=0,
                              method="heuristic", lottery_max_support=0)

    def write_csv(self, path) -> None:
        keys = list(self.rows[0].keys()) if self.rows else []
        with open(path, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=keys)
            w.writeheader()
            for r in self.rows:
                w.writerow(r)


#: Branch-and-bound nodes per global solve in the random-family experiments (deterministic;
#: smaller than the single-instance default because an experiment runs many instances).
EXPERIMENT_NODE_LIMIT = 5_000


def evaluate_instance(dist: ValueDistribution, lottery: bool = True, method: str = "auto",
                      time_limit: float | None = None, node_limit: int | None = EXPERIMENT_NODE_LIMIT) -> dict:
    """All ratios of one instance (see :class:`ExperimentResult`); each global solve stops
    at ``node_limit`` nodes (and ``time_limit`` seconds, default none)."""
    wel = float(dist.probabilities @ dist.max_value)
    uni = uniform_pricing(dist, method=method, time_limit=time_limit, node_limit=node_limit)
    pr = optimal_pricing(dist, method=method, time_limit=time_limit, node_limit=node_limit)
    fe = full_extraction(dist)
    ok = bool(uni.verify().ok and pr.verify().ok and fe.verify().ok)
    div = (lambda a: a / wel) if wel > 0 else (lambda a: 1.0)
    row = {"n_profiles": dist.n_profiles, "n_products": dist.n_products, "welfare": wel,
           "uniform": uni.revenue, "p_star": uni.p_star, "pricing": pr.revenue,
           "pricing_bound": pr.upper_bound, "pricing_proven": pr.proven_optimal,
           "uniform_ratio": div(uni.revenue), "p_star_ratio": div(uni.p_star),
           "pricing_ratio": div(pr.revenue), "m123_ratio": None, "opt_rev": None, "opt_rev_bound": None,
           "opt_rev_proven": None, "pricing_over_optrev": None, "lottery_gap": None, "exogenous": None,
           "lemma1": fe.condition, "neg_affiliated": fe.negatively_affiliated,
           "exchangeable": fe.exchangeable, "verified": ok}
    if dist.n_products == 2:
        tp = two_product_mechanisms(dist)
        row["m123_ratio"] = tp.ratio
        row["verified"] = row["verified"] and tp.verify().ok
    if lottery:
        jd = optimal_design(dist, method=method, time_limit=time_limit, pricing=pr, node_limit=node_limit)
        ex = exogenous_baseline(dist)
        row.update(opt_rev=jd.revenue, opt_rev_bound=jd.upper_bound, opt_rev_proven=jd.proven_optimal,
                   pricing_over_optrev=pr.revenue / jd.revenue if jd.revenue > 0 else 1.0,
                   lottery_gap=jd.revenue - pr.revenue, exogenous=ex.revenue)
        row["verified"] = row["verified"] and jd.verify().ok and ex.verify().ok
    return row


def _check_seed(seed):
    if not (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def experiment_instance(family: str, products: int, support: int, seed: int, index: int) -> ValueDistribution:
    """Instance ``index`` of the experiment with this ``seed``, drawn on its own.

    Each instance has its own random stream, ``SeedSequence(seed, spawn_key=(index,))``
    (the ``index``-th child of ``SeedSequence(seed)``), so instance ``k`` is the same
    whether the instances are drawn in one process, in chunks on other machines, or
    re-drawn alone to inspect one row of a stored run.

    Parameters
    ----------
    family, products, support : see :func:`random_distribution`
    seed : int (>= 0)
    index : int (>= 0)

    Returns
    -------
    ValueDistribution

    References
    ----------
    CLW, section 6 (the random families of the experiments).
    """
    _check_seed(seed)
    if not (isinstance(index, (int, np.integer)) and not isinstance(index, bool) and index >= 0):
        raise ValueError(f"index must be a non-negative integer, got {index!r}")
    ss = np.random.SeedSequence(int(seed), spawn_key=(int(index),))
    return random_distribution(family, products, support, np.random.default_rng(ss))


def run_experiment(family: str, products: int = 2, support: int = 3, instances: int = 10, seed: int = 0,
                   lottery_max_support: int = 3, method: str = "auto", time_limit: float | None = None,
                   progress=None) -> ExperimentResult:
    """Draw ``instances`` distributions of ``family`` and compute every ratio.

    Parameters
    ----------
    family, products, support : see :func:`random_distribution`
    instances : int
    seed : int
        Instance ``k`` is :func:`experiment_instance` ``(family, products, support, seed, k)``.
    lottery_max_support : int
        OPT-Rev (bilinear, global) and the exogenous baseline only for instances with at
        most this many profiles.
    method : {"auto", "global", "heuristic"}
    time_limit : float or None
        Seconds per global solve.
    progress : callable(i, n) or None
        Called after each instance.

    References
    ----------
    CLW, Theorems 1-2, Proposition 1, section 6 (open questions: pricing exactly optimal
    for two products; the 2/3 bound against welfare).
    """
    check_progress(progress)
    if not (isinstance(instances, (int, np.integer)) and instances >= 1):
        raise ValueError(f"instances must be a positive integer, got {instances!r}")
    _check_seed(seed)
    rows, dists = [], []
    for k in range(instances):
        d = experiment_instance(family, products, support, seed, k)
        row = evaluate_instance(d, lottery=d.n_profiles <= lottery_max_support, method=method,
                                time_limit=time_limit)
        row = {"instance": k, **row}
        rows.append(row)
        dists.append(d)
        if progress is not None:
            progress(k + 1, instances)
    worst = int(np.argmin([r["pricing_ratio"] for r in rows]))
    return ExperimentResult(rows=tuple(rows), instances=tuple(dists), worst=worst,
                            settings={"family": family, "products": products, "support": support,
                                      "instances": instances, "seed": seed, "method": method})


from ..plots.clw import plot_experiment  # noqa: E402,F401 (the figure lives in plots/)


@dataclass(frozen=True)
class WorstRatioSearch:
    """Outcome of :func:`search_worst_pricing_ratio`.

    Attributes
    ----------
    dist : ValueDistribution
        The worst instance found.
    ratio : float
        Best pricing revenue found for it over OPT-Wel (a verified design: a lower bound
        on the true pricing ratio).
    ratio_upper : float
        Proven upper bound on its pricing ratio (global solver's bound / OPT-Wel; 1
        without the solver). The true ratio lies in ``[ratio, ratio_upper]``.
    proven : bool
    history : tuple of float
        Heuristic ratio after each accepted step.
    """

    dist: ValueDistribution
    ratio: float
    ratio_upper: float
    proven: bool
    history: tuple


def search_worst_pricing_ratio(products: int = 3, support: int = 3, iterations: int = 200, seed: int = 0,
                               step: float = 0.6, time_limit: float | None = 30.0, start=None,
                               progress=None) -> WorstRatioSearch:
    """Local search for a distribution minimising (best pricing revenue) / OPT-Wel.

    Values are ``exp(theta)`` (log-scale moves reach the extreme instances of Lemma 2) and
    probabilities a softmax of logits; each step perturbs one profile's log-values or the
    logits and is kept when the heuristic pricing ratio (alternating LPs: a lower bound on
    the true optimum, so the search is optimistic) does not rise. The final instance is
    re-solved with the global solver when available, giving a proven interval.

    Probes CLW's conjecture (section 6) that 2/3 of OPT-Wel is the right guarantee for
    pricing (proved for two products, Proposition 1).

    ``start`` (a ValueDistribution with positive values allowed to contain zeros, which
    become ``exp(-8)``) replaces the random starting point; ``products`` and ``support``
    are then taken from it.
    """
    check_progress(progress)
    if not (isinstance(iterations, (int, np.integer)) and iterations >= 1):
        raise ValueError(f"iterations must be a positive integer, got {iterations!r}")
    rng = np.random.default_rng(seed)
    m, n = int(products), int(support)

    def build(theta, logit):
        w = np.exp(logit - logit.max())
        return ValueDistribution(np.exp(theta), w / w.sum())

    def ratio(d):
        wel = float(d.probabilities @ d.max_value)
        return optimal_pricing(d, method="heuristic").revenue / wel

    if start is not None:
        n, m = start.values.shape
        theta = np.log(np.maximum(start.values, np.exp(-8.0)))
        logit = np.log(np.maximum(start.probabilities, np.exp(-10.0)))
    else:
        theta = rng.normal(0.0, 1.5, size=(n, m))
        logit = rng.normal(0.0, 1.0, size=n)
    cur = ratio(build(theta, logit))
    hist = [cur]
    for it in range(iterations):
        th, lg = theta.copy(), logit.copy()
        if rng.random() < 0.7:
            t = rng.integers(n)
            th[t] += rng.normal(0.0, step, size=m)
        else:
            lg += rng.normal(0.0, step, size=n)
        th = np.clip(th, -8.0, 8.0)
        lg = np.clip(lg, -10.0, 10.0)
        r = ratio(build(th, lg))
        if r <= cur:
            theta, logit, cur = th, lg, r
            hist.append(cur)
        if progress is not None:
            progress(it + 1, iterations)
    d = build(theta, logit)
    final = optimal_pricing(d, time_limit=time_limit)
    wel = float(d.probabilities @ d.max_value)
    return WorstRatioSearch(dist=d, ratio=final.revenue / wel, ratio_upper=final.upper_bound / wel,
                            proven=final.proven_optimal, history=tuple(hist))


_ROW_BOOL = ("pricing_proven", "opt_rev_proven", "lemma1", "neg_affiliated", "exchangeable", "verified")
_ROW_FLOAT = ("welfare", "uniform", "p_star", "pricing", "pricing_bound", "uniform_ratio", "p_star_ratio",
              "pricing_ratio", "m123_ratio", "opt_rev", "opt_rev_bound", "pricing_over_optrev",
              "lottery_gap", "exogenous")


def experiment_frame(rows):
    """Experiment rows as a pandas DataFrame with fixed column types.

    Floats that may be absent (``m123_ratio``, the OPT-Rev columns) are ``float64`` with
    NaN; flags that may be absent (``opt_rev_proven``) are pandas' nullable ``boolean``.
    The same conversion is applied to in-process rows and to chunks written by
    :func:`experiment_to_parquet`, so the two compare equal.
    """
    import pandas as pd

    df = pd.DataFrame(list(rows))
    for c in df.columns:
        if c in _ROW_FLOAT:
            df[c] = pd.to_numeric(df[c].astype(object).where(df[c].notna(), np.nan), errors="raise").astype("float64")
        elif c in _ROW_BOOL:
            df[c] = df[c].astype("boolean")
        elif c in ("instance", "n_profiles", "n_products"):
            df[c] = df[c].astype("int64")
    return df


class ExperimentChunkTask:
    """Picklable Dask task: evaluate instances ``payload = (start, stop)`` of one experiment.

    Instances are redrawn on the worker with :func:`experiment_instance`, so a chunk's
    rows equal rows ``start..stop-1`` of :func:`run_experiment` with the same settings.
    """

    def __init__(self, family, products, support, seed, lottery_max_support, method, time_limit):
        self.family, self.products, self.support, self.seed = family, int(products), int(support), int(seed)
        self.lottery_max_support, self.method, self.time_limit = int(lottery_max_support), method, time_limit

    def __call__(self, payload):
        start, stop = payload
        rows = []
        for k in range(start, stop):
            d = experiment_instance(self.family, self.products, self.support, self.seed, k)
            row = evaluate_instance(d, lottery=d.n_profiles <= self.lottery_max_support,
                                    method=self.method, time_limit=self.time_limit)
            rows.append({"instance": k, **row})
        return experiment_frame(rows)


def experiment_to_parquet(family: str, out_dir, products: int = 2, support: int = 3, instances: int = 10,
                          seed: int = 0, lottery_max_support: int = 3, method: str = "auto",
                          time_limit: float | None = None, chunk_size: int = 10,
                          scheduler: str | None = None, n_workers: int | None = None, progress=None,
                          connect_timeout: float | None = None):
    """:func:`run_experiment` chunked on Dask, one Parquet file per chunk, resumable.

    Chunk ``j`` evaluates instances ``j*chunk_size`` to ``(j+1)*chunk_size - 1``, each
    redrawn on the worker from ``(family, products, support, seed, index)``; its rows are
    those of :func:`run_experiment` (as :func:`experiment_frame`) plus a ``chunk`` column.
    The settings, an input hash and the library version are recorded in the manifest and
    in every file's metadata (see :func:`infopricing.scale.distributed.run_chunked`);
    running again into the same directory computes only missing chunks.

    Parameters
    ----------
    family, products, support, instances, seed, lottery_max_support, method, time_limit :
        as in :func:`run_experiment`
    out_dir : path
    chunk_size : int (>= 1)
        Instances per chunk (per Parquet file).
    scheduler : str, optional
        Address of an existing Dask scheduler (default: an embedded local cluster).
    n_workers : int, optional
        Worker processes of the local cluster.
    connect_timeout : float, optional
        Seconds to wait for ``scheduler`` to answer (default: that of
        :func:`infopricing.scale.distributed.run_chunked`); nothing is written if it does not.
    progress : callable(done_chunks, total_chunks), optional

    Returns
    -------
    infopricing.scale.distributed.ChunkedRun
        ``.read()`` gives all rows; ``.verify()`` checks every chunk is present, belongs
        to this run and has every row's certificates passing.

    References
    ----------
    CLW, Theorems 1-2, Proposition 1, section 6.
    """
    check_progress(progress)
    from ..scale.distributed import input_hash, run_chunked

    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
    for name, v, lo in (("products", products, 1), ("support", support, 1), ("instances", instances, 1),
                        ("chunk_size", chunk_size, 1), ("lottery_max_support", lottery_max_support, 0)):
        if not (isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= lo):
            raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")
    _check_seed(seed)
    if method not in ("auto", "global", "heuristic"):
        raise ValueError(f"method must be 'auto', 'global' or 'heuristic', got {method!r}")
    settings = {"kind": "clw-experiment", "family": family, "products": int(products),
                "support": int(support), "instances": int(instances), "seed": int(seed),
                "lottery_max_support": int(lottery_max_support), "method": method,
                "time_limit": time_limit, "chunk_size": int(chunk_size)}
    params = {**settings, "input_hash": input_hash(**settings)}
    payloads = [(a, min(a + int(chunk_size), int(instances))) for a in range(0, int(instances), int(chunk_size))]
    task = ExperimentChunkTask(family, products, support, seed, lottery_max_support, method, time_limit)
    extra = {} if connect_timeout is None else {"connect_timeout": connect_timeout}
    return run_chunked(task, payloads, out_dir, params, scheduler=scheduler, n_workers=n_workers,
                       progress=progress, key_column="instance", key_ranges=payloads, **extra)


def experiment_result_from_frame(df, family: str, products: int, support: int, seed: int,
                                 method: str = "auto") -> ExperimentResult:
    """An :class:`ExperimentResult` from stored rows (e.g. ``ChunkedRun.read()``).

    Missing values (NaN, pandas NA) become ``None`` as in :func:`run_experiment`'s rows,
    the ``chunk`` column is dropped, and the instances are redrawn with
    :func:`experiment_instance` (so they must be the settings the rows were made with).
    """
    import pandas as pd

    df = df.drop(columns=[c for c in ("chunk",) if c in df.columns]).sort_values("instance")
    rows = []
    for rec in df.to_dict(orient="records"):
        row = {}
        for k, v in rec.items():
            if v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                row[k] = None
            elif isinstance(v, (np.bool_, bool)):
                row[k] = bool(v)
            elif isinstance(v, np.integer):
                row[k] = int(v)
            elif isinstance(v, np.floating):
                row[k] = float(v)
            else:
                row[k] = v
        rows.append(row)
    if not rows:
        raise ValueError("df has no rows")
    dists = [experiment_instance(family, products, support, seed, int(r["instance"])) for r in rows]
    worst = int(np.argmin([r["pricing_ratio"] for r in rows]))
    return ExperimentResult(rows=tuple(rows), instances=tuple(dists), worst=worst,
                            settings={"family": family, "products": products, "support": support,
                                      "instances": len(rows), "seed": seed, "method": method})
