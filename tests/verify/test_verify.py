"""The shared verification report (infopricing.verify): one type for every verify()."""

import doctest
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import infopricing
from infopricing import verify as verify_pkg
from infopricing.verify import Checker, Verification


def test_one_type_everywhere():
    """screening's and information's names are the same class as infopricing.verify's."""
    from infopricing.information import CheckReport
    from infopricing.information._check import _Checker
    from infopricing.screening import Verification as ScreeningVerification
    from infopricing.screening.mechanism import Verification as MechanismVerification

    assert ScreeningVerification is Verification
    assert MechanismVerification is Verification
    assert CheckReport is Verification
    assert _Checker is Checker
    assert infopricing.Verification is Verification and infopricing.Checker is Checker


def test_truthiness_and_dict():
    good = Verification(ok=True)
    bad = Verification(ok=False, failures=("IR: type 1",), max_violation=0.5, exact=True,
                        checks=("IC", "IR"), details={"x": 1})
    assert good and not bad
    assert bad.as_dict() == {"ok": False, "failures": ["IR: type 1"], "max_violation": 0.5,
                             "exact": True, "checks": ["IC", "IR"]}
    json.dumps(bad.as_dict())                       # JSON-ready (details left out)
    with pytest.raises(AttributeError):
        bad.ok = True                               # frozen


def test_checker_pass_fail_and_format():
    ck = Checker()
    assert ck.check("sum", 1e-12, 1e-9)
    assert ck.check("slack", -3.0, 1e-9)            # negative violation = slack, counts 0
    assert not ck.check("IR", 0.25, 1e-7, "type 2")
    ck.fail("support", "price below cost")
    assert ck.require("public", True, "unused")
    assert not ck.require("labels", False, "mismatch")
    rep = ck.report()
    assert not rep.ok
    assert rep.failures == ("IR: violation 0.25 > 1e-07 (type 2)", "support: price below cost",
                            "labels: mismatch")
    assert rep.max_violation == 0.25
    assert rep.checks == ("sum", "slack", "IR", "support", "public", "labels")
    assert rep.exact is False and rep.details == {}


def test_checker_nan_fails_but_does_not_poison_max():
    ck = Checker()
    assert not ck.check("nan", float("nan"), 1.0)
    assert ck.check("tiny", 1e-3, 1.0)
    rep = ck.report(exact=True, details={"n": 3})
    assert not rep.ok and rep.max_violation == 1e-3 and not math.isnan(rep.max_violation)
    assert rep.exact is True and rep.details == {"n": 3}


def test_checker_tolerance_boundary_is_inclusive():
    """A violation equal to the tolerance passes (the tolerance is the largest allowed)."""
    ck = Checker()
    assert ck.check("edge", 1e-7, 1e-7)
    assert not ck.check("over", np.nextafter(1e-7, 1.0), 1e-7)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-10, 10), st.floats(0, 5)), max_size=12))
def test_checker_report_matches_its_checks(items):
    """ok iff every violation is within its tolerance; max_violation is the largest
    clamped violation; one failure line per failed check, names kept in order."""
    ck = Checker()
    for j, (v, a) in enumerate(items):
        ck.check(f"c{j}", v, a)
    rep = ck.report()
    assert rep.ok == all(v <= a for v, a in items)
    assert len(rep.failures) == sum(v > a for v, a in items)
    assert rep.max_violation == max([0.0] + [v for v, _ in items])
    assert rep.checks == tuple(f"c{j}" for j in range(len(items)))


def test_doctests():
    res = doctest.testmod(verify_pkg.report)
    assert res.attempted >= 4 and res.failed == 0


# ---- competition (BBM25) results report through the same type -------------------------
def _ex1():
    from infopricing import PricingGame
    return PricingGame.independent([([(1, 1), (1, 0), (4, 1), (4, 0)], [0.25] * 4)] * 2)


def test_complete_information_report_sizes_a_price_error():
    """BBM25 Section II.A (complete information), Example 1: the seller's price r_k is the
    largest that keeps the sale, so raising it by delta = 0.5 in one profile makes the
    consumer walk away by exactly delta; the report says so and its max_violation is
    delta (the surplus checks are off by the profile's probability times delta, less)."""
    import dataclasses
    from infopricing import complete_information_outcome

    full = complete_information_outcome(_ex1())
    ok = full.verify()
    assert isinstance(ok, Verification) and ok.ok and ok.failures == ()
    assert ok.max_violation <= 1e-12 and "consumer buys" in ok.checks
    g = full.game
    row, i = map(int, np.argwhere(g.uniquely_efficient)[0])
    prices = np.array(full.prices, dtype=float)
    prices[row, i] += 0.5
    bad = dataclasses.replace(full, prices=prices).verify()
    assert not bad.ok
    assert bad.max_violation == pytest.approx(0.5, abs=1e-12)
    assert any(f.startswith("consumer buys: violation 0.5") for f in bad.failures)
    assert any(f.startswith("producer surplus") for f in bad.failures)


def test_equilibrium_check_has_report_fields():
    """BBM25 Theorem 1 construction on Example 1: its equilibrium check passes with no
    failure lines; pricing the efficient producer at cost (a wrong strategy) fails with
    one line, and max_violation is the largest deviation gain."""
    from infopricing import alignment_construction, check_equilibrium
    from infopricing.competition.equilibrium import PointPrice

    a = alignment_construction(_ex1())
    good = a.check_equilibrium(size=101)
    assert good.ok and good.failures == () and good.max_violation <= 1e-7

    def lazy(i, sig, cost):
        d = a.strategy(i, sig, cost)
        return PointPrice(cost) if isinstance(d, PointPrice) else d

    bad = check_equilibrium(a.game, a.info, lazy, size=101)
    assert not bad.ok and len(bad.failures) == 1
    assert bad.max_violation == bad.max_gain > 1e-3
    rep = a.verify(size=101)
    assert rep.ok and "no profitable deviation" in rep.checks
    assert rep.max_violation <= 1e-7


def test_fail_without_detail_is_the_name():
    ck = Checker()
    ck.fail("segments average (exact)")
    assert not ck.require("x (exact)", False)
    assert ck.report().failures == ("segments average (exact)", "x (exact)")


def test_bbm15_exact_check_says_exact():
    """BBM15 Theorem 1 on BBM25 Example 1's residuals (1, 3, 4 w.p. 1/2, 1/4, 1/4): the
    greedy segmentation passes the rational re-check, reported as exact; a float check is
    not."""
    from infopricing import greedy_segmentation

    seg = greedy_segmentation([1.0, 3.0, 4.0], [0.5, 0.25, 0.25])
    ex = seg.verify(exact=True)
    assert ex.ok and ex.exact and ex.max_violation == 0.0
    assert all(name.endswith("(exact)") for name in ex.checks) and len(ex.checks) >= 6
    fl = seg.verify()
    assert fl.ok and not fl.exact
