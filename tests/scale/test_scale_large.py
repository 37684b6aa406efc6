"""Large menus by lazy IC generation (issue 7, item 1): same answers as the full LP,
certified against every IC row of the full problem."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from infopricing import Environment, optimal_mechanism
from infopricing import tolerances as tol
from infopricing.screening import lazy_menu as large
from infopricing.screening.lazy_menu import (full_row_index, ic_violations, solve_menu_lazy,
                                         starting_pairs)
from infopricing.screening.lp_build import ic_pairs


def _instance(seed, n, k, integer=False):
    rng = np.random.default_rng(seed)
    V = rng.integers(0, 8, size=(n, k)).astype(float) if integer else rng.uniform(0, 1, (n, k))
    return Environment(V), rng.dirichlet(np.ones(n))


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 22), k=st.integers(1, 4),
       selection=st.sampled_from(["efficient", "consumer", "adverse"]),
       integer=st.booleans())
def test_lazy_equals_full_lp(seed, n, k, selection, integer):
    """Lazy rows give the same selected mechanism as the full LP (HS section 4 selection),
    including degenerate integer-valued environments where the selection matters."""
    env, f = _instance(seed, n, k, integer)
    full = optimal_mechanism(env, f, selection=selection, method="full")
    lazy = optimal_mechanism(env, f, selection=selection, method="lazy")
    assert lazy.revenue == pytest.approx(full.revenue, abs=1e-9)
    np.testing.assert_allclose(lazy.allocation, full.allocation, atol=1e-7)
    np.testing.assert_allclose(lazy.payments, full.payments, atol=1e-7)
    assert lazy.verify().ok


def test_lazy_single_good_is_best_posted_price():
    """One good (k = 1): the optimal mechanism is a posted price (HS section 4 / Riley and
    Zeckhauser); revenue max_p p * P(v >= p) computed here by brute force."""
    rng = np.random.default_rng(5)
    n = 90
    v = np.sort(rng.uniform(0, 10, n))
    f = rng.dirichlet(np.ones(n))
    brute = max(p * f[v >= p].sum() for p in v)
    r = solve_menu_lazy(Environment(v[:, None]), f)
    assert r.mechanism.revenue == pytest.approx(brute, abs=1e-9)
    assert r.verify().ok
    # far fewer rows than the full problem were needed
    assert r.stats.final_ic_rows < r.stats.full_ic_rows / 5


def test_lazy_certificate_is_a_full_lp_certificate():
    """The lazy basis mapped to the full LP re-solves exactly to the same vertex, and the
    revenue duals (zero on absent rows) certify optimality by weak duality."""
    env, f = _instance(3, 12, 3)
    m = optimal_mechanism(env, f, method="lazy")
    assert m.certificate is not None
    assert m.certificate.row_basis.size == 12 + 12 * 11
    v = m.verify(exact=True)
    assert v.ok, v.failures
    assert abs(v.details["duality_gap"]) <= 1e-9


def test_lazy_large_instance_certified_and_cheaper():
    """n = 150 uniform types, k = 3: every one of the n(n-1) IC rows holds at the end."""
    env, f = _instance(11, 150, 3)
    r = solve_menu_lazy(env, f)
    assert r.max_ic_violation <= tol.LAZY_CUT
    ver = r.verify()
    assert ver.ok and ver.max_violation <= tol.FEAS
    assert r.stats.final_ic_rows < r.stats.full_ic_rows / 4
    # the dense O(n^2) check of Mechanism.verify agrees
    assert r.mechanism.verify().ok


def test_ic_violations_finds_the_violated_pair():
    """Hand-made menu: type 0 (values [1, 0]) gets nothing and pays nothing; type 1 (values
    [2, 1]) gets alternative 0 at price 0.5. Type 0 would rather take type 1's item:
    violation 1 - 0.5 = 0.5; type 1 is fine."""
    V = np.array([[1.0, 0.0], [2.0, 1.0]])
    x = np.array([[0.0, 0.0], [1.0, 0.0]])
    u = np.array([0.0, 1.5])
    T, S, w, worst = ic_violations(V, x, u)
    assert T.tolist() == [0] and S.tolist() == [1]
    assert w[0] == pytest.approx(0.5) and worst == pytest.approx(0.5)
    skip = np.zeros((2, 2), dtype=bool)
    skip[0, 1] = True
    T, S, w, worst = ic_violations(V, x, u, skip=skip)
    assert T.size == 0 and worst == pytest.approx(0.5)  # max over all pairs ignores skip


def test_starting_pairs_contain_adjacent_types_in_one_dimension():
    v = np.sort(np.random.default_rng(0).uniform(0, 1, 40))[:, None]
    T, S = starting_pairs(v, neighbours=1)
    got = set(zip(T.tolist(), S.tolist()))
    for t in range(39):
        assert (t, t + 1) in got and (t + 1, t) in got
    assert all(t != s for t, s in got)


def test_full_row_index_matches_build_order():
    n = 7
    T, S = ic_pairs(n)
    np.testing.assert_array_equal(full_row_index(n, T, S), n + np.arange(T.size))


def test_auto_uses_lazy_above_threshold(monkeypatch):
    from infopricing.screening import optimal

    calls = []
    real = large.solve_menu_lazy
    monkeypatch.setattr(large, "solve_menu_lazy", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    env, f = _instance(2, optimal.LAZY_THRESHOLD + 1, 2)
    optimal_mechanism(env, f)
    assert calls == [1]
    env, f = _instance(2, 5, 2)
    optimal_mechanism(env, f)
    assert calls == [1]


@pytest.mark.parametrize("kw, word", [({"neighbours": -1}, "neighbours"), ({"per_type": 0}, "per_type"),
                                      ({"max_add": 0}, "max_add"), ({"selection": "x"}, "selection"),
                                      ({"lp_method": "pdlp"}, "lp_method"),
                                      ({"separation": "random"}, "separation")])
def test_lazy_rejects_bad_arguments(kw, word):
    env, f = _instance(1, 4, 2)
    with pytest.raises(ValueError, match=word):
        solve_menu_lazy(env, f, **kw)


def test_method_name_validated():
    env, f = _instance(1, 4, 2)
    with pytest.raises(ValueError, match="method"):
        optimal_mechanism(env, f, method="fast")


def test_warm_start_from_a_neighbouring_market_same_answer_fewer_rounds():
    """The binding pattern of a nearby market's menu as starting rows: same menu, and no
    more rounds than the cold start."""
    env, f = _instance(21, 120, 3)
    first = solve_menu_lazy(env, f)
    g = 0.98 * f + 0.02 * np.random.default_rng(1).dirichlet(np.ones(120))
    cold = solve_menu_lazy(env, g)
    warm = solve_menu_lazy(env, g, warm_start=first.mechanism)
    np.testing.assert_allclose(warm.mechanism.allocation, cold.mechanism.allocation, atol=1e-7)
    np.testing.assert_allclose(warm.mechanism.payments, cold.mechanism.payments, atol=1e-7)
    assert warm.stats.stage_rounds[0] <= cold.stats.stage_rounds[0]
    assert warm.stats.initial_ic_rows > cold.stats.initial_ic_rows
    with pytest.raises(ValueError, match="warm_start"):
        solve_menu_lazy(env, g, warm_start="no")


def test_binding_pairs_match_the_dense_binding_graph():
    env, f = _instance(4, 30, 3)
    m = optimal_mechanism(env, f, method="full")
    T, S = large.binding_pairs(env.values, m.allocation, m.utilities)
    dense = set(zip(*np.nonzero(m.binding.ic)))
    assert set(zip(T.tolist(), S.tolist())) == {(int(t), int(s)) for t, s in dense}


@pytest.mark.parametrize("seed", [3, 4])
def test_dropping_slack_rows_changes_nothing_but_the_row_count(seed):
    """Generic k = 6 types: deleting slack IC rows between rounds (the default) gives the
    same menu as keeping every row, deletes rows, and the smaller final LP is still
    certified against all n(n-1) IC rows."""
    env, f = _instance(seed, 120, 6)
    keep = solve_menu_lazy(env, f, drop_slack=False)
    drop = solve_menu_lazy(env, f)
    assert keep.stats.dropped_rows == 0 and drop.stats.dropped_rows > 0
    assert drop.stats.final_ic_rows < keep.stats.final_ic_rows
    assert drop.mechanism.revenue == pytest.approx(keep.mechanism.revenue, abs=1e-9)
    np.testing.assert_allclose(drop.mechanism.allocation, keep.mechanism.allocation, atol=1e-7)
    np.testing.assert_allclose(drop.mechanism.payments, keep.mechanism.payments, atol=1e-7)
    assert drop.max_ic_violation <= tol.LAZY_CUT and drop.verify().ok
    # and both equal the full LP's selected mechanism
    full = optimal_mechanism(env, f, method="full")
    np.testing.assert_allclose(drop.mechanism.allocation, full.allocation, atol=1e-7)


def test_progress_is_called_once_per_round():
    """progress(ic_rows, n(n-1), stage=, round=) after every round: as many calls as rounds,
    the revenue stage first, and each stage's last call carries its round count; a
    two-argument callback gets (ic_rows, n(n-1)) only (the library's one convention)."""
    env, f = _instance(8, 80, 5)
    calls, plain = [], []
    r = solve_menu_lazy(env, f, progress=lambda done, total, **d: calls.append((d["stage"], d["round"], done, total)))
    solve_menu_lazy(env, f, progress=lambda done, total: plain.append((done, total)))
    assert len(calls) == r.stats.rounds == len(plain)
    assert [c[2:] for c in calls] == plain and {c[3] for c in calls} == {80 * 79}
    stages = [c[0] for c in calls]
    assert stages[0] == "revenue" and set(stages) <= {"revenue", "selection"}
    n_rev = r.stats.stage_rounds[0]
    assert stages[:n_rev] == ["revenue"] * n_rev and [c[1] for c in calls[:n_rev]] == list(range(1, n_rev + 1))
    assert calls[-1][2] == r.stats.final_ic_rows


def test_stalled_solve_is_retried_with_highs_settings(monkeypatch):
    """A warm re-solve that hits the per-solve iteration cap (here forced to 1 iteration)
    counts as stalled and is redone with HiGHS's own settings and no cap: the answer is
    still the full LP's, and the retries are counted."""
    monkeypatch.setattr(large, "_iteration_cap", lambda rows, cols: 1)
    env, f = _instance(21, 40, 3)
    r = solve_menu_lazy(env, f)
    assert r.stats.retried_solves >= 1
    full = optimal_mechanism(env, f, method="full")
    assert r.mechanism.revenue == pytest.approx(full.revenue, abs=1e-9)
    np.testing.assert_allclose(r.mechanism.allocation, full.allocation, atol=1e-7)
    assert r.verify().ok


def test_drop_slack_default_follows_type_dimension():
    """Default: slack rows are deleted for types spanning more than two dimensions only
    (two-factor values: rank 2, nothing deleted; i.i.d. values in 5 dimensions: deleted)."""
    rng = np.random.default_rng(2)
    th, Q = rng.uniform(0, 1, (90, 2)), rng.uniform(0, 1, (2, 6))
    f = rng.dirichlet(np.ones(90))
    low = solve_menu_lazy(Environment(th @ Q - 0.3 * Q.sum(0)), f)
    assert low.stats.dropped_rows == 0
    high = solve_menu_lazy(Environment(rng.uniform(0, 1, (90, 5))), f)
    assert high.stats.dropped_rows > 0
    assert low.verify().ok and high.verify().ok


def test_ic_violations_nearest_order_keeps_the_nearest_violated_partner():
    """Three one-good types with values 1, 1.1 and 3. Type 0 gets nothing; type 1 gets the
    good at price 0.5 and type 2 at price 0.2 (hand-made, not IC). Type 0 would gain 0.5
    from type 1's offer and 0.8 from type 2's: by violation type 2 comes first, by
    distance type 1 (0.1 away against 2). With one pair per type the two orders differ;
    both report the largest violation over all pairs (0.8) the same way."""
    V = np.array([[1.0], [1.1], [3.0]])
    x = np.array([[0.0], [1.0], [1.0]])
    p = np.array([0.0, 0.5, 0.2])
    u = (V * x).sum(axis=1) - p
    T, S, w, worst = ic_violations(V, x, u, per_type=1)
    assert (T[T == 0].tolist(), S[T == 0].tolist()) == ([0], [2])
    assert w[T == 0][0] == pytest.approx(0.8)
    Tn, Sn, wn, worst_n = ic_violations(V, x, u, per_type=1, order="nearest")
    assert (Tn[Tn == 0].tolist(), Sn[Tn == 0].tolist()) == ([0], [1])
    assert wn[Tn == 0][0] == pytest.approx(0.5)
    assert worst == worst_n == pytest.approx(0.8)  # type 0 taking type 2's offer
    # only violated pairs are ever returned, whatever the order
    assert np.all(wn > tol.LAZY_CUT)
    with pytest.raises(ValueError, match="order"):
        ic_violations(V, x, u, order="far")


@pytest.mark.parametrize("separation", ["violation", "nearest"])
def test_both_separation_orders_give_the_full_lp_menu(separation):
    """Two-factor values (the default there is "nearest") and i.i.d. values: either order
    of adding violated rows ends at the full LP's selected mechanism."""
    rng = np.random.default_rng(6)
    th, Q = rng.uniform(0, 1, (70, 2)), rng.uniform(0, 1, (2, 5))
    f = rng.dirichlet(np.ones(70))
    for env in (Environment(th @ Q - 0.3 * Q.sum(0)), Environment(rng.uniform(0, 1, (70, 4)))):
        r = solve_menu_lazy(env, f, separation=separation)
        full = optimal_mechanism(env, f, method="full")
        assert r.mechanism.revenue == pytest.approx(full.revenue, abs=1e-9)
        np.testing.assert_allclose(r.mechanism.allocation, full.allocation, atol=1e-7)
        np.testing.assert_allclose(r.mechanism.payments, full.payments, atol=1e-7)
        assert r.max_ic_violation <= tol.LAZY_CUT and r.verify().ok


def test_separation_default_follows_type_dimension():
    """Default: nearest-first rows for two-dimensional types only (two-factor values: rank
    2; one-dimensional vertical types and i.i.d. values in 4 dimensions: by violation)."""
    rng = np.random.default_rng(9)
    th, Q = rng.uniform(0, 1, (60, 2)), rng.uniform(0, 1, (2, 4))
    f = rng.dirichlet(np.ones(60))
    two = solve_menu_lazy(Environment(th @ Q), f)
    assert two.stats.separation == "nearest"
    q = np.sort(rng.uniform(0, 1, 4))
    one = solve_menu_lazy(Environment(np.outer(th[:, 0], q) - 0.5 * q ** 2), f)
    assert one.stats.separation == "violation"
    four = solve_menu_lazy(Environment(rng.uniform(0, 1, (60, 4))), f)
    assert four.stats.separation == "violation"
    assert two.verify().ok and one.verify().ok and four.verify().ok
