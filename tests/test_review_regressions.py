"""Regressions found by the review session (each failed before its fix)."""

from fractions import Fraction

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
