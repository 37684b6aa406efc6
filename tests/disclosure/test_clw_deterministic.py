"""Issue 15 (deterministic results, progress) and issue 18 section 2 for CLW's global
solves: node limits instead of wall-clock limits, recorded in ``params``; progress through
the library's ``progress(done, total)`` callback and in ``disclose``; designs that extract
OPT-Wel proven by that bound."""

import json

import pytest

from infopricing.disclosure.catalog import clw_example1, clw_example2, clw_example4
from infopricing.disclosure.distribution import optimal_welfare
from infopricing.disclosure.lottery import NODE_LIMIT, optimal_design
from infopricing.disclosure.pricing import optimal_pricing, uniform_pricing
from infopricing.lp.bilinear import global_solver_available

needs_scip = pytest.mark.skipif(not global_solver_available(), reason="needs the global solver")


@needs_scip
def test_node_limit_makes_optimal_design_repeatable():
    """Two runs with the same node limit give the same revenue, bound and proven flag
    bit for bit (a wall-clock limit gave 5.030, 5.082, 5.017 on CLW Example 1); the
    limit and what SCIP did are in params."""
    d = clw_example1()
    pr = optimal_pricing(d, node_limit=200)
    runs = [optimal_design(d, pricing=pr, node_limit=150) for _ in range(2)]
    a, b = runs
    assert (a.revenue, a.upper_bound, a.proven_optimal) == (b.revenue, b.upper_bound, b.proven_optimal)
    for j in runs:
        p = j.params
        assert p["node_limit"] == 150 and p["time_limit"] is None and p["signals"] == 3
        assert p["solver_status"] == "nodelimit" and p["solver_nodes"] == 150
        assert p["solver_bound"] == j.upper_bound or j.upper_bound == optimal_welfare(d)
        assert j.verify().ok
    # CLW Example 1: pooling (6,5) with (0,3) at prices (9, 4) earns 5 (paper); OPT-Wel 5.6
    assert a.revenue >= 5.0 - 1e-9 and a.upper_bound <= 5.6 + 1e-9
    assert pr.params["node_limit"] == 200 and pr.params["method_used"] == "global"


@needs_scip
def test_progress_callback_reports_nodes():
    calls = []
    d = clw_example1()
    pr = optimal_pricing(d, node_limit=200)
    j = optimal_design(d, pricing=pr, node_limit=120, progress=lambda done, total: calls.append((done, total)))
    assert calls, "progress was never called"
    assert all(t == 120 for _, t in calls)
    done = [c for c, _ in calls]
    assert done == sorted(done) and done[-1] == j.params["solver_nodes"] == 120


@needs_scip
def test_example2_proven_with_the_paper_value():
    """CLW Example 2: OPT-Rev = 12.25 (the paper's lottery design), proven exactly by the
    two-profile enumeration (no limits), and SCIP's bilinear program (a second,
    independent formulation) proves the same value within its gap under a node limit."""
    from infopricing.disclosure.lottery import _global_lottery_posterior

    d = clw_example2()
    j = optimal_design(d)
    assert j.proven_optimal and j.method == "enumeration"
    assert j.revenue == pytest.approx(12.25, abs=1e-9) and j.upper_bound == pytest.approx(12.25, abs=1e-9)
    assert j.verify().ok
    res, _ = _global_lottery_posterior(d, 2, None, None, 1e-5, node_limit=NODE_LIMIT)
    assert res.message in ("optimal", "gaplimit") and res.nodes < NODE_LIMIT
    assert 12.25 - 1e-6 <= res.bound <= 12.25 * (1 + 1e-4)


def test_full_extraction_proven_by_welfare_bound():
    """CLW Example 4 (eps = 0.1): horizontal disclosure with prices (10, 1) extracts
    OPT-Wel = 0.9 * 1 + 0.1 * 10 = 1.9, so OPT-Rev = 1.9 is proven exactly without a
    global solve (OPT-Rev <= OPT-Wel); the same for the pricing searches."""
    d = clw_example4(0.1)
    assert optimal_welfare(d) == pytest.approx(1.9)
    j = optimal_design(d)
    assert j.proven_optimal and j.method == "welfare bound" and j.params["certificate"] == "OPT-Wel"
    assert j.upper_bound == pytest.approx(1.9) and j.revenue == pytest.approx(1.9)
    assert "solver_nodes" not in j.params
    assert j.verify().ok
    u = uniform_pricing(d)
    assert u.verify().ok and u.upper_bound <= 1.9 + 1e-9
    # the heuristic method never claims a proof
    h = optimal_design(d, method="heuristic")
    assert h.method == "heuristic" and not h.proven_optimal


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "100"])
def test_node_limit_bad_input(bad):
    with pytest.raises(ValueError, match="node_limit"):
        optimal_design(clw_example4(0.1), node_limit=bad)
    with pytest.raises(ValueError, match="node_limit"):
        optimal_pricing(clw_example4(0.1), node_limit=bad)


def test_progress_must_be_callable():
    with pytest.raises(TypeError, match="progress"):
        optimal_design(clw_example4(0.1), progress=3)


@needs_scip
def test_cli_disclose_node_limit_and_params(tmp_path):
    from typer.testing import CliRunner

    from infopricing.cli import app

    model = tmp_path / "m.toml"
    model.write_text("[distribution]\nvalues = [[10, 5], [6, 5], [0, 3]]\nprobabilities = [0.2, 0.4, 0.4]\n")
    args = ["disclose", str(model), "--json", "--node-limit", "100"]
    r1 = CliRunner().invoke(app, args)
    assert r1.exit_code == 0, r1.output
    out = json.loads(r1.output)
    assert out["design"]["params"]["node_limit"] == 100
    assert out["design"]["params"]["time_limit"] is None
    assert out["pricing"]["params"]["node_limit"] == 100
    assert out["design"]["revenue"] >= 5.0 - 1e-9            # CLW Example 1's pricing design
    r2 = CliRunner().invoke(app, args)
    assert json.loads(r2.output)["design"] == out["design"]   # same answer on a rerun
    text = CliRunner().invoke(app, ["disclose", str(model), "--node-limit", "100"])
    assert text.exit_code == 0, text.output
    assert "of 100 nodes" in text.output
    bad = CliRunner().invoke(app, ["disclose", str(model), "--node-limit", "0"])
    assert bad.exit_code == 2 and "--node-limit" in bad.output
