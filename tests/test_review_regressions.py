"""Regressions found by the review session (each failed before its fix)."""

from fractions import Fraction

import numpy as np

import infopricing as ip

# Four types, three products, decimal masses. Two menus tie exactly at revenue 16/5 (by hand):
#   A: lite at 2 to students, std at 3 to families, max at 5 to pros and enterprise;
#   B: lite at 2 to students and families, max at 6 to pros and enterprise.
# A - B = f_families - f_pros - f_enterprise = 3/10 - 1/5 - 1/10 = 0 in decimals, but the
# binary values of the floats make B better by 2**-55, so reading masses as binary rationals
# made the exact certificate reject the (efficient) optimal menu A.
V4 = [[2, 2.5, 2.5], [3, 4, 4.5], [3, 5, 7], [4, 6, 10]]
F4 = [0.4, 0.3, 0.2, 0.1]


def _revenue(f, pay):
    return sum(Fraction(str(q)) * p for q, p in zip(f, pay))


def test_decimal_masses_exact_tie_certifies():
    ra = _revenue(F4, [2, 3, 5, 5])
    rb = _revenue(F4, [2, 2, 6, 6])
    assert ra == rb == Fraction(16, 5)
    env = ip.Environment(V4)
    mech = ip.optimal_mechanism(env, ip.Market(env, F4))
    assert abs(mech.revenue - 3.2) < 1e-12
    ver = mech.verify(exact=True)
    assert ver.ok, ver.failures
    cert = mech.exact_certificate()
    assert cert.ok
    assert Fraction(cert.lp.field.frac(cert.objective)) == Fraction(16, 5)


def test_fraction_masses_are_kept_exact():
    """Masses given as Fractions are the exact data (1/3 is not its float 0.333...); a
    float mass is its shortest decimal (0.1 is 1/10, not the binary 0.1000000000000000055...)."""
    from infopricing.exact_numbers import exact_masses, exact_values

    env = ip.Environment([[1, 2], [2, 3], [3, 5]])
    third = Fraction(1, 3)
    m = ip.Market(env, [third, third, third])
    assert exact_masses(m) == (third, third, third)
    assert exact_masses(ip.Market(env, [0.1, 0.2, 0.7])) == (Fraction(1, 10), Fraction(1, 5), Fraction(7, 10))
    assert exact_values(env)[2] == [3, 5]
    # normalising exact masses keeps them exact
    assert exact_masses(ip.Market(env, [1, 1, 2], normalize=True)) == (Fraction(1, 4), Fraction(1, 4), Fraction(1, 2))
    # the exact certificate's objective is in those exact masses: revenue of the optimal menu
    # (sell a1 at 1... checked against the exact dual bound, so any gap fails)
    mech = ip.optimal_mechanism(env, m)
    ver = mech.verify(exact=True)
    assert ver.ok, ver.failures
    rev = ver.details["exact_revenue"]
    # the exact revenue is a combination of the masses 1/3 with the (integer) values, so its
    # denominator divides 3 (a binary reading of 1/3 would give a power-of-two denominator)
    assert (rev * 3).denominator == 1 and abs(float(rev) - mech.revenue) < 1e-12


def test_masses_computed_as_counts_over_total_certify():
    """Masses computed as w / sum(w) in floating point: values 2.25, 1.5, 1 with counts 1, 7, 4
    tie exactly between the prices 1.5 and 1 (1.5 * 8/12 = 1 * 12/12 = 1, by hand), but the
    binary roundings of 1/12, 7/12, 4/12 favour one of them by 1e-17, so reading the floats as
    binary rationals rejected the solver's (exactly optimal) menu. A float is now the simplest
    rational that rounds to it (7/12 for 0.5833333333333334)."""
    from infopricing.exact_numbers import exact_masses

    w = np.array([1.0, 7.0, 4.0])
    cases = [([[2.25], [1.5], [1.0]], w, 12), ([[0.25, -0.5], [2.5, 0.0], [1.0, 0.0]], np.array([1.0, 4.0, 6.0]), 11)]
    for V, counts, total in cases:
        env = ip.Environment(V)
        mkt = ip.Market(env, counts / counts.sum())
        assert exact_masses(mkt) == tuple(Fraction(int(c), total) for c in counts)
        mech = ip.optimal_mechanism(env, mkt)
        ver = mech.verify(exact=True)
        assert ver.ok, ver.failures
    # the first: revenue exactly 1 (price 1 to all, or 1.5 to the two upper types)
    env = ip.Environment([[2.25], [1.5], [1.0]])
    assert ip.optimal_mechanism(env, w / w.sum()).verify(exact=True).details["exact_revenue"] == 1


def test_exact_net_values_are_the_exact_difference_of_gross_values_and_costs():
    """With costs, the model's inputs are gross values and costs: exact checks use their
    exact difference (1.2 - 0.8 = 2/5), not the float difference read back
    (0.3999999999999999), which made the exact decision undecided on HS Corollary 2's
    three-type market (merge regression)."""
    from infopricing.exact_numbers import exact_values

    env = ip.Environment([[1.2, 1.9], [0.95, 2.6]], costs=[0.8, 0.1])
    assert float(env.values[0, 0]) != 0.4                 # the float difference is inexact
    assert exact_values(env) == [[Fraction(2, 5), Fraction(9, 5)], [Fraction(3, 20), Fraction(5, 2)]]
