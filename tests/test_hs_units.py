"""HS constructions in any units (issue 19): answers equivariant under rescaling values by
1e-9..1e9 and under permuting types, where the construction supports it."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infopricing.model import Environment
from infopricing.segmentation import two_type_profile


def _rel(a, b, rtol=1e-9):
    return abs(float(a) - float(b)) <= rtol * max(abs(float(a)), abs(float(b)), 1e-300)


@st.composite
def two_type_envs(draw):
    """Two types, k in 1..3, values on a 1/8 grid in [1/8, 4] so each has a unique
    efficient alternative (drawn until it has)."""
    k = draw(st.integers(1, 3))
    vals = draw(st.lists(st.integers(1, 32), min_size=2 * k, max_size=2 * k, unique=True))
    return np.array(vals, dtype=float).reshape(2, k) / 8.0


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_type_envs(), st.integers(-9, 9))
def test_two_type_profile_equivariant_under_rescaling(V, e):
    base = two_type_profile(Environment(V))
    s = 10.0 ** e
    p = two_type_profile(Environment(V * s))
    assert (p.high, p.low, p.efficient_intervals) == (base.high, base.low, base.efficient_intervals)
    assert len(p.thresholds) == len(base.thresholds)
    assert all(_rel(a, b) for a, b in zip(p.thresholds, base.thresholds))
    assert all(_rel(a, Fraction(s) * b) if b else a == 0 for a, b in zip(p.surplus, base.surplus))
    assert len(p.non_improvable) == len(base.non_improvable)
    assert p.verify(samples_per_interval=1).ok


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_type_envs())
def test_two_type_profile_equivariant_under_permuting_types(V):
    a = two_type_profile(Environment(V, types=["x", "y"]))
    b = two_type_profile(Environment(V[::-1], types=["y", "x"]))
    if a.high is None:
        assert b.high is None
    else:
        assert (b.high, b.low) == (1 - a.high, 1 - a.low)
    assert a.thresholds == b.thresholds and a.surplus == b.surplus
    assert a.non_improvable == b.non_improvable


def test_two_type_profile_tiny_and_huge_units():
    """HS section 5 example values scaled to 1e-9 and 1e9: no refusal, same thresholds; the
    high type's surplus scales with the values (closed form alpha = v_H - v_L per unit when
    the low type is served: here (1, 2) single product -> thresholds 0, 1/2, 1)."""
    for s in (1e-9, 1.0, 1e9):
        p = two_type_profile(Environment(np.array([[1.0], [2.0]]) * s))
        # exact at s = 1; elsewhere the scaled values (1e-9 / 2^-30 = 1.0737...) are read as
        # rationals with denominators up to 1e6 (as every two-type input is), so within 1e-9
        assert len(p.thresholds) == 3 and all(_rel(a, b) for a, b in zip(p.thresholds, (0, 0.5, 1)))
        assert p.thresholds[0] == 0 and p.thresholds[-1] == 1
        assert _rel(p.surplus[0], s) and p.surplus[1] == 0
