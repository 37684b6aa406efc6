"""Independent checks of the BBM25 rows of issue 17 item 9: Appendix A1's mixing law and
footnote 9 over all information structures of the single-producer case.

The mixing law is checked by the algebra of its derivation and by Monte Carlo (the alerted
rival's markup drawn by inverting the derived distribution here, the efficient producer's
sales counted directly); footnote 9 by hand-built segmentations whose obedience is checked
price by price.
"""

from __future__ import annotations

import numpy as np
import pytest

from infopricing.claims.bbm25 import a1_mixing_survival, segmentation_lp_faces
from infopricing.claims.registry import all_claims, check_claim

CLAIMS = {c.id: c for c in all_claims("BBM25")}

# Example 1's segment x = {1: 2/3, 3: 1/12, 4: 1/4} of the efficient producer at cost 0
R, X, CK = np.array([1.0, 3.0, 4.0]), np.array([2 / 3, 1 / 12, 1 / 4]), 0.0


def test_mixing_row_is_a_decided_discrepancy():
    rec = check_claim(CLAIMS["BBM25-A1-mixing-law"])
    assert rec.status == "text-discrepancy", rec
    assert "Independent check:" in CLAIMS["BBM25-A1-mixing-law"].discrepancy


def test_segment_is_profit_preserving_and_printed_law_fails_by_hand():
    # (p - c) x([p, vbar]) = r_low - c_k = 1 at every support point (BBM Theorem 1B segment)
    for p in R:
        assert (p - CK) * X[R >= p].sum() == pytest.approx(1.0)
    # printed numerator at the segment x = {3: 1/3, 4: 2/3}, c_k = 1, alerted c_j = 0: G(0) < 0
    assert 1 - (3 - 0) / (3 - 1 + 0) == -0.5
    # printed top threshold below the first line's end for any v_1 >= 0
    r_low, r_hat = 1.0, 3.0
    for v1 in (0.0, 1.0, 4.0):
        assert (r_hat - v1 - 3 * r_low) / 2 < (r_hat - r_low) / 2


def test_derived_law_keeps_every_price_equally_profitable():
    A, H, M = 1.0, 1 / 3, 2 / 3
    e = np.linspace(0, 1.999, 400)
    S = a1_mixing_survival(e, 1.0, 3.0, CK, H, width=2.0)
    assert S[0] == pytest.approx(1.0) and np.all(np.diff(S) < 0) and S[-1] > 0
    np.testing.assert_allclose((A + e) * (M * S + H), A, atol=1e-12)
    assert float(a1_mixing_survival(2.0 - 1e-12, 1.0, 3.0, CK, H, width=2.5)) == pytest.approx(0.0, abs=1e-10)


def test_derived_law_monte_carlo_no_profitable_deviation():
    """Draw the alerted rival's markup from the derived law with cut (r_hat - r_low)/2 = 1
    (inverse CDF below the cut, the rest at the cut) and count k's sales at each price."""
    rng = np.random.default_rng(0)
    A, H, M, w = 1.0, 1 / 3, 2 / 3, 1.0
    u = rng.uniform(size=400_000)   # survival level
    top = (A / (A + w) - H) / M     # mass at the cut
    delta = np.where(u < top, w, A / (M * u + H) - A)
    for p in (0.8, 1.0, 1.3, 1.7, 1.95, 2.0, 2.5, 3.0, 3.5, 4.0):
        e = p - 1.0
        bottom = 1.0 if e < 0 else np.mean(delta > e) + 0.5 * np.mean(delta == e)
        upper = sum(q * (1.0 if p < r else 0.5 if p == r else 0.0) for r, q in zip(R[1:], X[1:]))
        profit = (p - CK) * (X[0] * bottom + upper)
        assert profit <= 1.0 + 5e-3, p
        if 1.0 <= p < 2.0:
            assert profit == pytest.approx(1.0, abs=5e-3)


def test_footnote9_row_and_hand_segmentations():
    rec = check_claim(CLAIMS["BBM25-fn9-cs-max-forces-ts-max-ps-min"])
    assert rec.status == "pass", rec
    v, f = np.array([1.0, 3.0, 4.0]), np.array([0.5, 0.25, 0.25])

    def obedient(seg, p):
        profits = [q * seg[v >= q].sum() for q in v]
        return p * seg[v >= p].sum() >= max(profits) - 1e-12

    # BBM (2015) extremal segmentation: weights 3/4 and 1/4, prices 1 and 3: CS = 2.25 - 1.5
    s1, s2 = np.array([2 / 3, 1 / 6, 1 / 6]), np.array([0.0, 0.5, 0.5])
    np.testing.assert_allclose(0.75 * s1 + 0.25 * s2, f)
    assert obedient(s1, 1.0) and obedient(s2, 3.0)
    cs = 0.75 * s1 @ (v - 1.0) + 0.25 * s2 @ np.maximum(v - 3.0, 0)
    assert cs == pytest.approx(2.25 - max(p * f[v >= p].sum() for p in v))
    # complete information: efficient (TS = 2.25) with CS = 0 and PS = 2.25 > PS-bar = 1.5
    ts_bar, ps_bar, cs_max, _, face_ts = segmentation_lp_faces(v, f)
    assert (ts_bar, ps_bar) == (2.25, 1.5) and cs_max == pytest.approx(cs)
    assert face_ts[1] == pytest.approx(0.0, abs=1e-9) and face_ts[3] == pytest.approx(2.25)
