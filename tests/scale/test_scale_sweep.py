"""Market sweeps certified by stored optimal bases (issue 7, item 2)."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from infopricing import Environment, optimal_mechanism
from infopricing.lp import LinearProgram
from infopricing.scale import BasisStore, sweep
from infopricing.scale.backend import NumpyBackend, get_backend, gpu_available
from infopricing.scale.sweep import KIND_CONE, KIND_FACE, objective_map
from infopricing.screening.lp_build import build_menu_lp, revenue_objective


def _env(seed, n, k):
    rng = np.random.default_rng(seed)
    return Environment(rng.integers(1, 10, size=(n, k)).astype(float))


def _assert_same_as_per_market_lp(env, res, idx, selection="efficient"):
    for i in idx:
        m = optimal_mechanism(env, res.markets[i], selection=selection)
        assert res.revenue[i] == pytest.approx(m.revenue, abs=1e-9)
        np.testing.assert_allclose(res.surplus[i], m.utilities, atol=1e-8)
        np.testing.assert_allclose(res.allocations[res.mechanism[i]], m.allocation, atol=1e-8)
        assert bool(res.efficient[i]) == m.is_efficient
        assert res.total_surplus[i] == pytest.approx(m.total_surplus, abs=1e-9)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 5), k=st.integers(1, 3))
def test_sweep_equals_per_market_lp_on_random_subset(seed, n, k):
    """Every swept market's answer equals optimal_mechanism's (random subset of 15)."""
    env = _env(seed, n, k)
    rng = np.random.default_rng(seed + 1)
    F = rng.dirichlet(np.ones(n), size=3000)
    res = sweep(env, F)
    assert res.verify().ok
    assert res.lp_solves < 300  # a few bases certify thousands of markets
    _assert_same_as_per_market_lp(env, res, rng.choice(len(F), 15, replace=False))


def test_two_type_posted_price_closed_form_and_selection_at_the_boundary():
    """One good, values 1 and 2 (HS section 4 with k = 1): revenue max(1, 2 f2); at
    f2 = 1/2 both prices are optimal and the selection rule decides (efficient and
    consumer selections: price 1, efficient; adverse selection: price 2, not efficient)."""
    env = Environment([[1.0], [2.0]])
    f2 = np.linspace(0, 1, 41)
    F = np.column_stack([1 - f2, f2])
    for selection, eff_at_half in (("efficient", True), ("consumer", True), ("adverse", False)):
        res = sweep(env, F, selection=selection)
        np.testing.assert_allclose(res.revenue, np.maximum(1.0, 2 * f2), atol=1e-12)
        half = 20
        assert f2[half] == 0.5
        assert res.kind[half] == KIND_FACE
        assert bool(res.efficient[half]) is eff_at_half
        inner = (f2 > 0) & (f2 < 1) & (f2 != 0.5)
        np.testing.assert_array_equal(res.efficient[inner], f2[inner] < 0.5)
        assert np.all(res.kind[inner] == KIND_CONE)
        _assert_same_as_per_market_lp(env, res, [0, 5, half, 30, 40], selection)


def test_market_outside_every_stored_cone_is_detected_and_solved():
    """A stored basis from market a certifies markets in its cone without an LP and
    rejects a market b with a different optimal menu, which is then solved."""
    env = Environment([[1.0], [2.0]])
    a, b = np.array([0.9, 0.1]), np.array([0.1, 0.9])  # optimal prices 1 and 2
    store = BasisStore(env)
    cone = store.solve(a)
    assert (cone.G @ a).max() <= 1e-9
    assert (cone.G @ b).max() > 1e-3
    cert, _ = NumpyBackend().certify(np.vstack([a, b]), np.arange(2), cone.G, 1e-9, 8)
    assert cert.tolist() == [True, False]
    res = sweep(env, np.vstack([[0.8, 0.2], b]), store=store)
    assert res.basis.tolist() == [0, 1]
    assert res.lp_solves == 1
    np.testing.assert_allclose(res.revenue, [1.0, 1.8], atol=1e-12)
    again = sweep(env, np.vstack([[0.7, 0.3], [0.2, 0.8]]), store=store)
    assert again.lp_solves == 0


def test_basis_duals_match_the_solver():
    """y(f) = Y f and d(f) = D f reproduce HiGHS's row duals and reduced costs at the
    market the basis was found for (sign conventions of the cone)."""
    env = _env(7, 4, 3)
    f = np.array([0.1, 0.2, 0.3, 0.4])
    store = BasisStore(env)
    cone = store.solve(f)
    A, lo_r, hi_r, lo_c, hi_c = build_menu_lp(env.values)
    lp = LinearProgram(revenue_objective(env.values, f), A, lo_r, hi_r, lo_c, hi_c, sense="max")
    res = lp.solve()
    np.testing.assert_allclose(cone.Y @ f, res.row_dual, atol=1e-9)
    np.testing.assert_allclose(cone.D @ f, res.col_dual, atol=1e-9)
    M = objective_map(env.values)
    np.testing.assert_allclose(M @ f, revenue_objective(env.values, f))


def test_verify_detects_a_wrong_answer():
    env = _env(3, 3, 2)
    F = np.random.default_rng(0).dirichlet(np.ones(3), size=200)
    res = sweep(env, F)
    assert res.verify().ok
    bad = dataclasses.replace(res, revenue=res.revenue + np.where(np.arange(200) == 17, 1e-3, 0.0))
    v = bad.verify()
    assert not v.ok and any("gap" in s or "differs" in s for s in v.failures)
    pay = res.payments.copy()
    pay[0] += 0.5  # overcharge: breaks IR or the duality equality
    assert not dataclasses.replace(res, payments=pay).verify().ok


def test_zero_mass_types_and_vertices_of_the_simplex():
    env = _env(5, 3, 2)
    F = np.vstack([np.eye(3), [[0.5, 0.5, 0.0], [0.0, 0.25, 0.75]]])
    res = sweep(env, F)
    assert res.verify().ok
    _assert_same_as_per_market_lp(env, res, range(len(F)))


def test_to_frame_columns():
    pd = pytest.importorskip("pandas")
    env = _env(2, 3, 2)
    res = sweep(env, np.random.default_rng(1).dirichlet(np.ones(3), size=10))
    df = res.to_frame()
    assert isinstance(df, pd.DataFrame) and len(df) == 10
    assert {"revenue", "efficient", "cs_t1", "f_t3", "certificate"} <= set(df.columns)
    np.testing.assert_allclose(df["revenue"].to_numpy(), res.revenue)


@pytest.mark.parametrize("markets, word", [
    (np.array([[0.5, 0.6, 0.0]]), "summing to 1"), (np.array([[0.5, 0.5]]), "shape"),
    (np.array([[1.5, -0.5, 0.0]]), "non-negative"), (np.zeros((0, 3)), "at least one")])
def test_sweep_validates_markets(markets, word):
    with pytest.raises(ValueError, match=word):
        sweep(_env(1, 3, 2), markets)


def test_backend_selection():
    assert get_backend("numpy").name == "numpy"
    with pytest.raises(ValueError, match="backend"):
        get_backend("opencl")
    if gpu_available() is None:
        assert get_backend("auto").name == "numpy"
        with pytest.raises(ValueError, match="not usable"):
            get_backend("torch")
    with pytest.raises(ValueError, match="selection"):
        sweep(_env(1, 3, 2), [[1 / 3] * 3], selection="best")


class _NumpyAsCupy:
    """numpy standing in for CuPy, to run the GPU backends' code paths on the CPU."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def asnumpy(a):
        return np.asarray(a)


def _gpu_backends():
    from infopricing.scale.backend import CupyBackend, TorchBackend

    cpb = CupyBackend.__new__(CupyBackend)
    cpb.cp = _NumpyAsCupy()
    out = [cpb]
    try:
        out.append(TorchBackend("cuda" if gpu_available() == "torch" else "cpu"))
    except Exception:  # torch not installed here
        pass
    return out


@pytest.mark.parametrize("bk", _gpu_backends(), ids=lambda b: b.name)
def test_gpu_code_paths_give_the_numpy_answers(bk, monkeypatch):
    """The batched all-cones product (GPU path) certifies the same markets with the same
    answers as the CPU path (run here with numpy / torch-on-CPU standing in for the GPU)."""
    from infopricing.scale import backend as backend_mod

    env = _env(11, 4, 3)
    F = np.random.default_rng(2).dirichlet(np.ones(4), size=6000)
    F[:50] = np.random.default_rng(3).dirichlet(np.ones(4) * 0.05, size=50)  # near faces
    ref = sweep(env, F, backend="numpy", pilot=500)
    monkeypatch.setattr(backend_mod, "get_backend", lambda name: bk)
    got = sweep(env, F, backend="numpy", pilot=500, batch=700)
    np.testing.assert_allclose(got.revenue, ref.revenue, atol=1e-12)
    np.testing.assert_array_equal(got.efficient, ref.efficient)
    np.testing.assert_array_equal(got.kind, ref.kind)
    assert got.verify().ok
