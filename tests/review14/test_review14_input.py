"""Review 14, persona 3 (a notebook user): bad input is refused with the argument named."""
import numpy as np
import pytest

import infopricing as ip


@pytest.mark.parametrize("build, name", [
    (lambda: ip.Environment([[1, "2"], [2, 3]]), "valuations"),
    (lambda: ip.Market(ip.Environment([[1, 2], [2, 3]]), ["0.5", "0.5"]), "probabilities"),
    (lambda: ip.Market(ip.Environment([[1, 2], [2, 3]]), np.array(["0.5", "0.5"])), "probabilities"),
    (lambda: ip.ValueDistribution([[1, 2], [2, 1]], [0.5, "0.5"]), "probabilities"),
    (lambda: ip.PricingGame([[1, 2], [2, 1]], costs=["0", 0], probabilities=[0.5, 0.5]), "costs"),
    (lambda: ip.sweep(ip.Environment([[1, 2], [2, 3]]), [["0.5", "0.5"]]), "markets"),
])
def test_numeric_strings_are_refused(build, name):
    # np.array(["0.5", "0.5"], dtype=float) parses the text: the library took a string
    # where a number belongs (a CSV read as text, say) without a word
    with pytest.raises(TypeError, match=name):
        build()


def test_numbers_still_accepted():
    from fractions import Fraction

    env = ip.Environment([[1, Fraction(5, 2)], [np.int64(2), 3.0]])
    # premium at 2.5 to both types beats 3 to the second alone (1.5) and any lottery menu
    assert ip.optimal_mechanism(env, [Fraction(1, 2), 0.5]).revenue == pytest.approx(2.5)


def test_surplus_triangle_as_dict_is_json():
    import json

    # my single-product market: values 2, 5, 6 with masses 0.2, 0.5, 0.3; by hand the
    # profits of prices 2, 5, 6 are 2, 4, 1.8, so pi* = 4, CS at price 5 is 0.3 x 1 = 0.3
    # and the efficient surplus 0.4 + 2.5 + 1.8 = 4.7
    t = ip.surplus_triangle([2, 5, 6], [0.2, 0.5, 0.3])
    d = json.loads(json.dumps(t.as_dict(), allow_nan=False))
    assert d["values"] == [2.0, 5.0, 6.0]
    assert d["uniform_profit"] == pytest.approx(4.0)
    assert d["uniform_consumer_surplus"] == pytest.approx(0.3)
    assert d["efficient_surplus"] == pytest.approx(4.7)
    assert d["vertices"]["consumer_optimal"] == pytest.approx([0.7, 4.0])
