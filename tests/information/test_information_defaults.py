"""Issue 18 section 3: the defaults that fit the size (mpc_optimize's formulation,
persuade's LP method) give the same answers as the alternatives, and explicit choices
are still honoured. Speed itself is measured in benchmarks/bench_information.py."""

import numpy as np
import pytest
import scipy.stats as st
from scipy.optimize import linprog

from infopricing import Prior, mpc_optimize
from infopricing.information.mpc import TRANSPORT_MAX
from infopricing.information.persuasion import (IPM_MAX_LOW_RANK, IPM_MIN_NONZEROS, _choose_method,
                                                persuade)


def _random_prior(rng, k):
    v = np.sort(rng.choice(40, size=k, replace=False)).astype(float) / 4
    return v, rng.dirichlet(np.ones(k))


@pytest.mark.parametrize("seed", range(8))
def test_mpc_auto_equals_transport_on_random_instances(seed):
    """Auto (the CDF LP) and the transport LP agree on random priors, grids and
    objectives, with and without the seller-price constraint; auto builds no plan."""
    rng = np.random.default_rng(seed)
    v, f = _random_prior(rng, int(rng.integers(2, 6)))
    y = np.union1d(v, np.linspace(v[0], v[-1], int(rng.integers(3, 25))))
    obj = rng.normal(size=y.size)
    for kw in ({}, {"optimal_price": (float(y[y.size // 3]), 0.0)}):
        for sense in ("max", "min"):
            a = mpc_optimize((v, f), obj, grid=y, sense=sense, **kw)
            b = mpc_optimize((v, f), obj, grid=y, sense=sense, formulation="transport", **kw)
            assert a.formulation == "cdf" and a.plan is None
            assert b.formulation == "transport"
            assert a.status == b.status
            if "optimal_price" not in kw:   # no extra constraint: always feasible
                assert b.status.name == "OPTIMAL"
            if b.status.name == "OPTIMAL":
                assert b.plan is not None
                assert a.value == pytest.approx(b.value, abs=1e-8)
                assert a.verify().ok and b.verify().ok


def test_mpc_plan_only_when_asked():
    """return_plan=True gives the transport plan (a verified signal), the default does
    not; the value is the same. Uniform prior on 30 cells, objective P(Y >= 0.6)."""
    pr = Prior.from_distribution(st.uniform(0, 1), size=30)
    obj = (pr.values >= 0.6).astype(float)
    a = mpc_optimize(pr, obj)
    b = mpc_optimize(pr, obj, return_plan=True)
    assert a.plan is None and b.plan is not None and b.formulation == "transport"
    assert b.verify().ok
    # posterior means of the plan lie on the grid and average to the prior mean
    assert b.plan.sum() == pytest.approx(1.0)
    assert a.value == pytest.approx(b.value, abs=1e-9)


def test_mpc_explicit_formulations_still_work():
    pr = Prior.from_distribution(st.uniform(0, 1), size=12)
    obj = pr.values ** 2
    t = mpc_optimize(pr, obj, formulation="transport")
    c = mpc_optimize(pr, obj, formulation="cdf")
    assert t.formulation == "transport" and t.plan is not None
    assert c.formulation == "cdf" and c.plan is None
    # max E[Y^2] over contractions is E[V^2] (no garbling, Jensen): independent value
    assert t.value == pytest.approx(float(pr.values ** 2 @ pr.probabilities), abs=1e-9)
    assert c.value == pytest.approx(t.value, abs=1e-9)


def test_mpc_return_plan_bad_input():
    pr = Prior([0.0, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="return_plan"):
        mpc_optimize(pr, np.zeros(2), formulation="cdf", return_plan=True)
    with pytest.raises(TypeError, match="return_plan"):
        mpc_optimize(pr, np.zeros(2), return_plan="yes")
    big = Prior.from_distribution(st.uniform(0, 1), size=600)
    assert 600 * 600 > TRANSPORT_MAX
    with pytest.raises(ValueError, match="TRANSPORT_MAX"):
        mpc_optimize(big, np.zeros(600), return_plan=True)


def _linprog_persuasion(mu, uR, uS):
    """The persuasion LP written independently for scipy's linprog."""
    n, m = uR.shape
    A_eq = np.zeros((n, n * m))
    for w in range(n):
        A_eq[w, w * m:(w + 1) * m] = 1.0
    rows = []
    for a in range(m):
        for b in range(m):
            if a != b:
                r = np.zeros(n * m)
                r[np.arange(n) * m + a] = -(uR[:, a] - uR[:, b])
                rows.append(r)
    res = linprog(-uS.ravel(), A_ub=np.array(rows), b_ub=np.zeros(len(rows)), A_eq=A_eq, b_eq=mu,
                  bounds=(0, None), method="highs")
    assert res.status == 0
    return -res.fun


def _problems(rng):
    n, m = 50, 10
    yield "random", rng.dirichlet(np.ones(n)), rng.normal(size=(n, m)), rng.normal(size=(n, m))
    w, a = np.linspace(0, 1, n), np.linspace(0, 1, m)
    yield "quadratic", np.full(n, 1 / n), -(w[:, None] - a[None, :]) ** 2, -(w[:, None] + 0.2 - a[None, :]) ** 2
    v, p = np.sort(rng.uniform(0, 10, n)), np.linspace(0, 10, m - 1)
    uR = np.concatenate([v[:, None] - p[None, :], np.zeros((n, 1))], axis=1)
    uS = np.concatenate([np.broadcast_to(p, (n, m - 1)), np.zeros((n, 1))], axis=1)
    yield "price-ladder", rng.dirichlet(np.ones(n)), uR, uS


def test_persuade_auto_choice_and_same_answers():
    """The measured rule picks interior point for a large random problem and simplex for
    the low-rank structured ones; every method gives linprog's value."""
    rng = np.random.default_rng(3)
    expect = {"random": "ipm", "quadratic": "simplex", "price-ladder": "simplex"}
    for kind, mu, uR, uS in _problems(rng):
        assert uR.size * (uR.shape[1] - 1) >= IPM_MIN_NONZEROS
        ref = _linprog_persuasion(mu, uR, uS)
        auto = persuade(mu, uR, uS)
        assert auto.method == expect[kind], kind
        for meth in ("simplex", "ipm"):
            r = persuade(mu, uR, uS, method=meth)
            assert r.method == meth
            assert r.value == pytest.approx(ref, abs=1e-7)
            assert r.verify().ok
        assert auto.value == pytest.approx(ref, abs=1e-7)


def test_persuade_rule_small_and_rank():
    rng = np.random.default_rng(0)
    assert _choose_method(rng.normal(size=(10, 5))) == "simplex"          # below the size
    # a state-only term does not change obedience and must not change the choice
    w = np.linspace(0, 1, 60)
    a = np.linspace(0, 1, 12)
    low = -(w[:, None] - a[None, :]) ** 2 + rng.normal(size=(60, 1))
    assert np.linalg.matrix_rank(low - low.mean(axis=1, keepdims=True)) <= IPM_MAX_LOW_RANK
    assert _choose_method(low) == "simplex"
    assert _choose_method(rng.normal(size=(60, 12))) == "ipm"
    with pytest.raises(ValueError, match="method"):
        persuade([0.5, 0.5], np.eye(2), np.eye(2), method="barrier")
