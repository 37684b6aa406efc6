"""The interior point's fused elementwise kernels and its strictly IC starting point.

The numpy kernels walk (n, n) arrays in cache-sized row blocks; each is checked against
the plain formula written here, on shapes that span one block and several, and on the
torch (GPU) path with CPU tensors. The "ic" start is checked against the IC slacks
``a |v_t - v_s|^2 / 4`` computed here from the values."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infopricing.lp import arrays
from infopricing.lp import menu_interior_point as mip
from infopricing.lp.arrays import array_backend


def _data(rows, cols, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((rows, cols)) for _ in range(4)]


def _push(a, da, s, b, db, t, lo, hi):
    p = (a + s * da) * (b + t * db)
    out = np.zeros_like(p)
    out[p < lo] = (lo - p)[p < lo]
    out[p > hi] = (hi - p)[p > hi]
    return np.maximum(out, -hi)


@settings(max_examples=20, deadline=None)
@given(rows=st.integers(1, 300), cols=st.integers(1, 300), seed=st.integers(0, 2**31),
       s=st.floats(0, 1), t=st.floats(0, 1))
def test_numpy_kernels_equal_the_plain_formulas(rows, cols, seed, s, t):
    a, da, b, db = _data(rows, cols, seed)
    xp = array_backend("numpy")
    assert xp.min_product(a, b) == pytest.approx(float((a * b).min()), rel=1e-14, abs=1e-300)
    ref = float(((a + s * da) * (b + t * db)).sum())
    assert xp.sum_shifted_product(a, da, s, b, db, t) == pytest.approx(ref, rel=1e-10, abs=1e-10)
    np.testing.assert_allclose(xp.centrality_push(a, da, s, b, db, t, 0.1, 2.0),
                               _push(a, da, s, b, db, t, 0.1, 2.0), rtol=1e-14, atol=1e-15)


def test_kernels_span_several_blocks_and_one_dimension():
    xp = array_backend("numpy")
    n = 2 * int(np.sqrt(arrays._BLOCK)) + 3  # several row blocks
    a, da, b, db = _data(n, n, 1)
    assert len(xp._blocks(a)) > 2
    np.testing.assert_allclose(xp.centrality_push(a, da, 0.3, b, db, 0.7, 0.05, 1.5),
                               _push(a, da, 0.3, b, db, 0.7, 0.05, 1.5), rtol=1e-14, atol=1e-15)
    v = a[0]
    np.testing.assert_allclose(xp.centrality_push(v, da[0], 0.3, b[0], db[0], 0.7, 0.05, 1.5),
                               _push(v, da[0], 0.3, b[0], db[0], 0.7, 0.05, 1.5), rtol=1e-14)
    out = np.empty_like(a)
    assert xp.subtract(a, b, out) is out and np.array_equal(out, a - b)
    assert xp.multiply(a, b, out) is out and np.array_equal(out, a * b)
    c = np.abs(a) + 1.0
    expect = 1.0 / c
    assert xp.reciprocal_(c) is c and np.array_equal(c, expect)


def test_torch_kernels_on_cpu_tensors():
    torch = pytest.importorskip("torch", reason="torch not installed: the torch (GPU) array path "
                                "is tested on CPU tensors when it is")
    xp = array_backend("torch", device="cpu")
    a, da, b, db = _data(40, 33, 2)
    ta, tda, tb, tdb = (torch.as_tensor(x) for x in (a, da, b, db))
    assert xp.min_product(ta, tb) == pytest.approx(float((a * b).min()), rel=1e-14)
    assert xp.sum_shifted_product(ta, tda, 0.4, tb, tdb, 0.6) == pytest.approx(
        float(((a + 0.4 * da) * (b + 0.6 * db)).sum()), rel=1e-12)
    np.testing.assert_allclose(xp.centrality_push(ta, tda, 0.4, tb, tdb, 0.6, 0.1, 2.0).numpy(),
                               _push(a, da, 0.4, b, db, 0.6, 0.1, 2.0), rtol=1e-14, atol=1e-15)
    out = torch.empty_like(ta)
    np.testing.assert_array_equal(xp.subtract(ta, tb, out).numpy(), a - b)
    c = torch.as_tensor(np.abs(a) + 1.0)
    np.testing.assert_array_equal(xp.reciprocal_(c).numpy(), 1.0 / (np.abs(a) + 1.0))


def test_ic_start_is_primal_feasible_with_the_stated_slacks():
    rng = np.random.default_rng(5)
    V = rng.random((25, 4))
    ipm = mip.MenuInteriorPoint(V, np.full(25, 0.04), backend="numpy")
    u, X, w1, W = ipm._start("ic")
    Vc = V - V.mean(axis=0)
    tot = (Vc - Vc.min(axis=0)).sum(axis=1).max()
    a = 0.5 / tot
    diff = Vc[:, None, :] - Vc[None, :, :]
    expect = a * (diff ** 2).sum(axis=2) / 2.0  # half of a |v_t - v_s|^2 / 2
    slack = u[:, None] - u[None, :] - np.einsum("tsa,sa->ts", diff, X)
    off = ~np.eye(25, dtype=bool)
    np.testing.assert_allclose(slack[off], expect[off], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(W[off], np.maximum(expect[off], mip.START_W), rtol=1e-10)
    assert (X > 0).all() and (u > 0).all() and (w1 > 0).all()
    np.testing.assert_allclose(w1, 1.0 - X.sum(axis=1))


def test_auto_start_falls_back_to_uniform_for_tied_types_and_rejects_unknown_starts():
    rng = np.random.default_rng(6)
    V = rng.random((10, 3))
    V[5:] = V[:5]
    ipm = mip.MenuInteriorPoint(V, np.full(10, 0.1), backend="numpy")
    for got, want in zip(ipm._start("auto"), ipm._start("uniform")):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="start"):
        ipm.solve(start="cold")


@pytest.mark.parametrize("start", ["ic", "uniform"])
def test_both_starts_reach_the_full_lp_optimum(start):
    """The menu LP solved densely by scipy's HiGHS (written here) against both starts."""
    import scipy.optimize as so

    rng = np.random.default_rng(7)
    n, k = 18, 3
    V = rng.random((n, k))
    f = rng.dirichlet(np.ones(n))
    # variables (u, x); max sum f (v.x - u)
    c = -np.concatenate([-f, (f[:, None] * V).ravel()])
    rows, rhs = [], []
    for t in range(n):
        for s in range(n):
            if t != s:  # u_t - u_s - (v_t - v_s).x_s >= 0
                r = np.zeros(n + n * k)
                r[t] -= 1.0
                r[s] += 1.0
                r[n + s * k:n + (s + 1) * k] += V[t] - V[s]
                rows.append(r)
                rhs.append(0.0)
    for s in range(n):
        r = np.zeros(n + n * k)
        r[n + s * k:n + (s + 1) * k] = 1.0
        rows.append(r)
        rhs.append(1.0)
    lp = so.linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=(0, None), method="highs")
    p = mip.MenuInteriorPoint(V, f, backend="numpy").solve(gap_tol=1e-10, start=start)
    assert p.status == "optimal"
    assert p.primal == pytest.approx(-lp.fun, rel=1e-8)


def test_float32_factor_is_retried_until_it_fails_single_strikes_times_in_a_row(monkeypatch):
    """A float32 Schur complement whose first direction fails its check against the true
    matrix is rebuilt in double; the next iteration tries float32 again, and only after
    SINGLE_STRIKES failures in a row does the run stay in double. With a check that always
    fails (SINGLE_GIVE_UP = 0) exactly SINGLE_STRIKES float32 factors are built; with one
    that never fails every iteration above ``single_above`` is single precision."""
    rng = np.random.default_rng(8)
    V = rng.random((40, 4))
    f = rng.dirichlet(np.ones(40))
    attempts = []
    real = mip._NormalEquations

    def counting(*a, single=False, **kw):
        ne = real(*a, single=single, **kw)
        attempts.append(bool(ne.single))
        return ne

    monkeypatch.setattr(mip, "_NormalEquations", counting)
    monkeypatch.setattr(mip, "SINGLE_GIVE_UP", 0.0)
    p = mip.MenuInteriorPoint(V, f, backend="numpy").solve(gap_tol=1e-9, single_above=1e-3)
    assert p.status == "optimal" and p.single_iterations == 0
    assert sum(attempts) == mip.SINGLE_STRIKES
    attempts.clear()
    monkeypatch.setattr(mip, "SINGLE_GIVE_UP", np.inf)
    q = mip.MenuInteriorPoint(V, f, backend="numpy").solve(gap_tol=1e-9, single_above=1e-3)
    above = sum(1 for t in q.trace if max(t[0], t[1], t[2]) > 1e-3)
    assert q.status == "optimal" and q.single_iterations == sum(attempts) == above > 0
    assert q.primal == pytest.approx(p.primal, rel=1e-8)
