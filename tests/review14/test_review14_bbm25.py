"""Review 14, persona 2 (an EconCS researcher): BBM25 on games of the reviewer's own,
against brute force."""
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import infopricing as ip

sys.path.insert(0, str(Path(__file__).parent))
from _review14_independent import bbm25_bounds, complete_information_cs  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("seed", [1, 7])
def test_bounds_and_construction_on_random_games(seed):
    rng = np.random.default_rng(seed)
    for _ in range(6):
        N, R = int(rng.integers(2, 4)), int(rng.integers(2, 5))
        V = rng.integers(0, 6, (R, N)).astype(float)
        C = rng.integers(0, 3, (R, N)).astype(float)
        P = rng.dirichlet(np.ones(R))
        g = ip.PricingGame(V, costs=C, probabilities=P)
        bi = bbm25_bounds(V, C, P)
        cs, ts = complete_information_cs(V, C, P)
        np.testing.assert_allclose(ip.producer_surplus_bounds(g), bi, atol=1e-9)
        assert ip.complete_information_outcome(g).expected_consumer_surplus == pytest.approx(cs, abs=1e-9)
        a = ip.alignment_construction(g)
        assert a.total_surplus == pytest.approx(ts, abs=1e-7)
        np.testing.assert_allclose(a.producer_surplus, bi, atol=1e-7)


def test_normalized_game_certificate_proves_the_given_numbers(tmp_path):
    # homogeneous value 3, costs (0, 1), (1, 0), (1/2, 1/2) with masses 1/3, 1/2, 1/6 given
    # as floats and normalize=True: the certificate proved the rescaled floats' masses (a
    # 46-digit fraction near 5/6), not the game's. The value 3 is common and known, so
    # no garbling changes it: the producers' surplus is the Bertrand rent on the costs,
    # E[second-lowest cost - lowest cost] = 1/3 + 1/2 + 0 = 5/6 = TS - CS by brute force.
    kw = dict(costs=[[0, 1], [1, 0], [0.5, 0.5]])
    cs, ts = complete_information_cs([[3, 3]] * 3, kw["costs"], [1 / 3, 1 / 2, 1 / 6])
    assert ts - cs == pytest.approx(5 / 6, abs=1e-12)
    plain = ip.PricingGame([[3, 3]] * 3, probabilities=[1 / 3, 1 / 2, 1 / 6], **kw)
    normed = ip.PricingGame([[3, 3]] * 3, probabilities=[1 / 3, 1 / 2, 1 / 6], normalize=True, **kw)
    for g in (plain, normed):
        c = ip.consumer_optimal_unknown_values(g).exact_certificate()
        path = tmp_path / "u.json"
        c.to_json(path)
        claims = json.loads(path.read_text())["problem"]["claims"]
        assert Fraction(*claims["total_producer_surplus"]) == Fraction(5, 6)
        r = subprocess.run([sys.executable, "-I", str(ROOT / "infopricing/verify/check_certificate.py"),
                            str(path)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout


def test_construction_is_an_equilibrium_by_an_independent_checker():
    # my own asymmetric duopoly; the rival's mixed price is discretised into 2001 quantiles,
    # so a deviation can look better by at most one quantile's mass times the largest
    # profit, (1 / 2001) x 4 < 2.5e-3 (the gain falls as 1/n: 1.1e-4 at 2001, 1.1e-5 at 20001)
    from _review14_independent import bertrand_deviation_gain

    g = ip.PricingGame([[3, 2], [1, 4], [2, 2]], costs=[[0, 0.5], [0, 1], [1, 0]],
                       probabilities=[0.3, 0.3, 0.4])
    a = ip.alignment_construction(g)
    info = a.info
    gain = bertrand_deviation_gain(g.values, g.costs, info.profile, info.probability,
                                   info.signals, a.strategy, grid=401)
    assert gain < 2.5e-3
    np.testing.assert_allclose(a.producer_surplus, bbm25_bounds(g.values, g.costs, g.probabilities), atol=1e-9)
