"""Review 14, persona 1 (a regulator's economist): HS menus, segmentations and sweeps on a
market of the reviewer's own (three fare classes), checked against linprog."""
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import infopricing as ip

sys.path.insert(0, str(Path(__file__).parent))
from _review14_independent import menu_lp  # noqa: E402

V = [[2, 3, 3.5], [3, 5, 6], [4, 6, 9]]       # retired, commuter, business x 3 fares
THIRDS = [1 / 3, 1 / 2, 1 / 6]                 # floats: they sum to 0.9999999999999999


def test_normalized_float_market_keeps_its_exact_masses():
    # normalize=True on the floats of 1/3, 1/2, 1/6 rescaled them by 1/0.9999999999999999
    # and the exact checks then read 0.33333333333333337... (not 1/3): an exact tie of
    # the market broke and verify(exact=True) failed on a correct menu
    env = ip.Environment(V)
    from infopricing.exact_numbers import exact_masses

    mk = ip.Market(env, THIRDS, normalize=True)
    assert exact_masses(mk) == (Fraction(1, 3), Fraction(1, 2), Fraction(1, 6))
    mech = ip.optimal_mechanism(env, mk)
    r, _, _ = menu_lp(V, [1 / 3, 1 / 2, 1 / 6])
    assert mech.revenue == pytest.approx(r, abs=1e-9)
    assert r == pytest.approx(4.0, abs=1e-9)      # premium at 6 to commuter and business
    assert mech.verify(exact=True).ok


def test_sweep_exact_verify_on_a_grid_of_twelfths():
    env = ip.Environment(V)
    F = ip.simplex_grid(3, 12)
    res = ip.sweep(env, F)
    for i in (52, 73):                           # (1/3, 1/2, 1/6) and (7/12, 1/4, 1/6)
        r, _, _ = menu_lp(V, F[i])
        assert res.revenue[i] == pytest.approx(r, abs=1e-9)
    v = res.verify(exact=True)
    assert v.ok, v.failures[:2]
