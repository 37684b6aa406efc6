"""Review 14: model files as a regulator writes them (JSON with a CSV of valuations)."""
import json
import sys
from pathlib import Path

import pytest

import infopricing as ip

sys.path.insert(0, str(Path(__file__).parent))
from _review14_independent import clw_revenue_at_prices, menu_lp  # noqa: E402


def test_json_model_with_csv_valuations(tmp_path):
    (tmp_path / "fares.csv").write_text("economy,standard,premium\n2,3,3.5\n3,5,6\n4,6,9\n")
    (tmp_path / "m.json").write_text(json.dumps({
        "environment": {"types": ["retired", "commuter", "business"], "valuations_csv": "fares.csv"},
        "market": {"probabilities": [0.5, 0.3, 0.2]}}))
    m = ip.load(tmp_path / "m.json")
    assert m.environment.alternatives == ("economy", "standard", "premium")
    mech = ip.optimal_mechanism(m.environment, m.market)
    r, _, _ = menu_lp(m.environment.values, [0.5, 0.3, 0.2])
    assert mech.revenue == pytest.approx(r, abs=1e-9) and r == pytest.approx(3.6, abs=1e-9)


def test_distribution_zero_probability_profile_matches_the_reference(tmp_path):
    # the model-file reference said "> 0" for [distribution] probabilities; the parser
    # (and ValueDistribution) accept a zero, and the profile carries no weight
    from infopricing.io.schema import table

    key = next(k for k in table("distribution", "explicit profiles").keys if k.name == "probabilities")
    assert ">= 0" in key.range
    (tmp_path / "d.toml").write_text("[distribution]\nvalues = [[1, 2], [2, 1]]\nprobabilities = [0, 1]\n")
    d = ip.load(tmp_path / "d.toml").distribution
    p = ip.optimal_pricing(d)
    # only (2, 1) has mass: product 1 at 2 extracts its value
    assert p.revenue == pytest.approx(clw_revenue_at_prices([[2, 1]], [1.0], [2, 10]), abs=1e-7)
    assert p.revenue == pytest.approx(2.0, abs=1e-7)


def test_normalized_value_distribution_passes_its_exact_check():
    # 1/3, 1/2, 1/6 as floats rescaled by normalize=True: the exact check read the
    # rescaled floats as other rationals and failed the correct design (columns below
    # their bounds by 1e-32)
    from fractions import Fraction

    from infopricing.exact_numbers import exact_market

    vals = [[3, 0], [0, 3], [1, 1]]
    d = ip.ValueDistribution(vals, [1 / 3, 1 / 2, 1 / 6], normalize=True)
    assert exact_market(d) == (Fraction(1, 3), Fraction(1, 2), Fraction(1, 6))
    p = ip.optimal_pricing(d)
    # by hand: pool (3, 0) with (1, 1) at product 1's price 7/3 (mean value of the pool
    # (1/3 x 3 + 1/6 x 1) / (1/2)), sell product 2 at 3 to (0, 3): 1/2 x 7/3 + 1/2 x 3 = 8/3
    assert p.revenue == pytest.approx(8 / 3, abs=1e-7)
    assert clw_revenue_at_prices(vals, [1 / 3, 1 / 2, 1 / 6], [7 / 3 - 1e-9, 3 - 1e-9]) == pytest.approx(8 / 3, abs=1e-6)
    v = p.verify(exact=True)
    assert v.ok, v.failures
    assert ip.optimal_pricing(d.permuted([1, 0])).verify(exact=True).ok
