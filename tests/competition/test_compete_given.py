"""`compete` on an information structure the user gives (issue 15, section 2): a public
segmentation in the model file's [information] table or in Python
(`evaluate_public_segmentation`), its equilibrium check, beside the three benchmarks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import infopricing as ip
from infopricing.competition import complete_information_outcome, no_information_outcome
from infopricing.competition.public_segments import evaluate_public_segmentation

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples/bbm25_given_information.toml"

# homogeneous Bertrand duopoly: common value 2, A's cost 0, B's cost 0.5 or 1.5
VALUE = 2.0
B_COSTS = (0.5, 1.5)


def _game():
    return ip.PricingGame([[2, 2], [2, 2]], [[0, 0.5], [0, 1.5]], [0.5, 0.5])


def _profit(own_price, own_cost, rival_law):
    """Independent Bertrand payoff: the consumer buys the cheaper offer if it is at most the
    value, ties split evenly (BBM25, Section I)."""
    p = np.asarray(own_price, dtype=float)[:, None]
    q, w = rival_law.prices[None, :], rival_law.probabilities[None, :]
    share = np.where(p < q - 1e-12, 1.0, np.where(np.abs(p - q) <= 1e-12, 0.5, 0.0))
    return np.where(p[:, 0] <= VALUE, (p[:, 0] - own_cost) * (share * w).sum(axis=1), 0.0)


def test_one_segment_per_profile_is_complete_information():
    g = _game()
    out = evaluate_public_segmentation(g, [0.5, 0.5], [[1, 0], [0, 1]], size=21, check_size=41)
    full = complete_information_outcome(g)
    assert out.expected_consumer_surplus == pytest.approx(full.expected_consumer_surplus, abs=1e-6)
    assert np.allclose(out.producer_surplus, full.producer_surplus, atol=1e-6)
    # closed form: A sells at B's cost, CS = 2 - (0.5 + 1.5) / 2 = 1
    assert out.expected_consumer_surplus == pytest.approx(1.0, abs=1e-6)
    assert out.verify().ok


def test_one_segment_is_no_information():
    g = _game()
    out = evaluate_public_segmentation(g, [1.0], [[0.5, 0.5]], size=21, check_size=41)
    none = no_information_outcome(g, size=21, check_size=41)
    assert out.expected_consumer_surplus == pytest.approx(none.expected_consumer_surplus, abs=1e-9)
    assert out.deviation_gain == pytest.approx(none.deviation_gain, abs=1e-12)


def test_given_segmentation_equilibrium_checked_independently():
    """Each segment's price laws re-checked here with an independent payoff function on a
    fine grid (plus every rival atom and the points just below): no deviation gains more
    than the reported epsilon; the welfare is recomputed from the laws."""
    g = _game()
    w, S = np.array([0.5, 0.5]), np.array([[0.75, 0.25], [0.25, 0.75]])
    out = evaluate_public_segmentation(g, w, S, size=41, check_size=81)
    # an epsilon-equilibrium (epsilon 0.035 on this grid): verified at tolerance epsilon, and
    # 'inaccurate' like its segments' no-information equilibria (one convention, review12)
    eps = out.deviation_gain
    assert out.verify().ok and eps > 1e-3 and out.status.value == "inaccurate"
    assert any(o.status.value == "inaccurate" for o in out.segment_outcomes)
    cs = 0.0
    for k, seg in enumerate(out.segment_outcomes):
        lawA = seg.strategies[0][0.0]
        lawsB = seg.strategies[1]
        cand = np.unique(np.concatenate([np.linspace(0, VALUE, 2001), lawA.prices,
                                         lawA.prices - 1e-9, *[lb.prices for lb in lawsB.values()],
                                         *[lb.prices - 1e-9 for lb in lawsB.values()]]))
        # A does not know B's cost: its posterior in segment k is S[k]
        def payoff_A(prices):
            return sum(S[k, r] * _profit(prices, 0.0, lawsB[B_COSTS[r]]) for r in range(2))
        prescribed = float(lawA.probabilities @ payoff_A(lawA.prices))
        assert payoff_A(cand).max() <= prescribed + eps + 1e-7
        for r, c in enumerate(B_COSTS):
            lb = lawsB[c]
            cB = cand[cand >= c]
            prescribed = float(lb.probabilities @ _profit(lb.prices, c, lawA))
            assert _profit(cB, c, lawA).max() <= prescribed + eps + 1e-7
            # welfare: everybody buys (all prices <= 2) at the lower price
            lo = np.minimum(lawA.prices[:, None], lb.prices[None, :])
            cs += w[k] * S[k, r] * float(lawA.probabilities @ (VALUE - lo) @ lb.probabilities)
    assert out.expected_consumer_surplus == pytest.approx(cs, abs=1e-9)


def test_bad_segmentation_input():
    g = _game()
    with pytest.raises(ValueError, match="average to the game's prior"):
        evaluate_public_segmentation(g, [0.5, 0.5], [[1, 0], [1, 0]])
    with pytest.raises(ValueError, match="segments must have shape"):
        evaluate_public_segmentation(g, [1.0], [[1, 0, 0]])
    with pytest.raises(TypeError, match="PricingGame"):
        evaluate_public_segmentation("game", [1.0], [[0.5, 0.5]])
    with pytest.raises(ValueError, match="must be finite"):     # nan compares False to 0
        evaluate_public_segmentation(g, [0.5, 0.5], [[np.nan, 0], [0.5, 0.5]])


def test_compete_nan_in_information_is_one_line_naming_the_field(tmp_path):
    """Regression (user review): nan in [information] passed the loader's checks and
    failed mid-run, after two blank progress lines, without the file or field."""
    m = tmp_path / "m.toml"
    m.write_text(EXAMPLE.read_text().replace("[[0.75, 0.25], [0.25, 0.75]]", "[[0.75, 0.25], [nan, 0.75]]"))
    r = run_cli("compete", m)
    assert r.returncode == 2 and r.stdout == "", (r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: ")
    assert "information.segments" in r.stderr and "finite" in r.stderr


def run_cli(*args, cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "infopricing", *map(str, args)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow   # a subprocess computing four equilibria and the construction (~5-9 s)
def test_compete_json_given_beside_the_benchmarks():
    r = run_cli("compete", EXAMPLE, "--json", "--grid", "41", "--no-info-grid", "41")
    assert r.returncode == 0, r.stderr[-2000:]
    d = json.loads(r.stdout)
    given = d["given"]
    assert d["given_verification"]["ok"] is True
    labels = [o["label"] for o in d["outcomes"]]
    assert labels[0].startswith("given") and len(labels) == 4   # given + the three benchmarks
    w = np.array(given["weights"])
    S = np.array([s["composition"] for s in given["segments"]])
    assert np.allclose(w @ S, [0.5, 0.5])
    assert given["expected_consumer_surplus"] == pytest.approx(
        sum(s["weight"] * s["expected_consumer_surplus"] for s in given["segments"]), abs=1e-9)
    assert given["equilibrium_check"]["max_gain"] <= given["deviation_gain"] + 1e-7
    full = next(o for o in d["outcomes"] if o["label"].startswith("complete"))
    best = next(o for o in d["outcomes"] if "Theorem 1" in o["label"])
    # BBM25 Theorem 1: no equilibrium of any structure gives consumers more than
    # TS-bar - sum PS_i (here 2 - 0.75 = 1.25), which the construction attains
    assert best["expected_consumer_surplus"] == pytest.approx(d["max_consumer_surplus"], abs=1e-9)
    assert given["expected_consumer_surplus"] <= d["max_consumer_surplus"] + given["deviation_gain"]
    assert full["expected_consumer_surplus"] == pytest.approx(1.0, abs=1e-9)


def test_compete_bad_information_table_exits_2(tmp_path):
    bad = EXAMPLE.read_text().replace("[[0.75, 0.25], [0.25, 0.75]]", "[[0.75, 0.25], [0.75, 0.25]]")
    m = tmp_path / "m.toml"
    m.write_text(bad)
    from typer.testing import CliRunner

    from infopricing.cli import app

    r = CliRunner().invoke(app, ["compete", str(m)])
    assert r.exit_code == 2 and "information" in r.output and "average" in r.output, r.output
    m.write_text(bad.replace("weights =", "weight ="))
    r = CliRunner().invoke(app, ["compete", str(m)])
    assert r.exit_code == 2 and "information.weight" in r.output, r.output
