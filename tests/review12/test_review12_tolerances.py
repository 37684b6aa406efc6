"""review12: tolerance arguments of the public API are checked like every other argument
(ValueError naming it), instead of changing the answer silently or failing elsewhere."""
import numpy as np
import pytest

import infopricing as ip


def test_armstrong_zhou_rejects_a_bad_atol():
    """Defect (fixed, competition/hotelling.py): atol=-1 or NaN was used as is and changed
    the consumer surplus reported (0.525588 at the default, 0.525684 with NaN)."""
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="atol"):
            ip.armstrong_zhou(([-1, 1], [0.5, 0.5]), atol=bad)
    # xatol=NaN stopped the price search: CS 0.4797 instead of 0.4836 (size=10, cells=20)
    for bad in (-1.0, 0.0, float("nan")):
        with pytest.raises(ValueError, match="xatol"):
            ip.armstrong_zhou(([-1, 1], [0.5, 0.5]), xatol=bad, size=10, cells=20)


def test_segmentation_for_point_blames_atol_not_the_point():
    """Defect (fixed, segmentation/bbm15.py): with atol=NaN a point inside the triangle
    was reported as outside it. Values 1, 2, 5 with masses .3, .4, .3: uniform profit
    max(1, 1.4, 1.5) = 1.5, efficient surplus 2.6, so (0.5, 1.6) is inside."""
    s = ip.segmentation_for_point([1, 2, 5], [0.3, 0.4, 0.3], 0.5, 1.6)
    assert s.expected_consumer_surplus == pytest.approx(0.5) and s.producer_surplus == pytest.approx(1.6)
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="^atol"):
            ip.segmentation_for_point([1, 2, 5], [0.3, 0.4, 0.3], 0.5, 1.6, atol=bad)


def test_sweep_rejects_a_bad_dual_tol():
    """Defect (fixed, scale/sweep.py): dual_tol=-1 gave a SolverError ("basis found for
    market 0 does not certify it") instead of a ValueError naming dual_tol."""
    env = ip.Environment([[0.75, 1.0], [1.0, 2.0]])
    assert ip.sweep(env, [[0.5, 0.5]], backend="numpy").revenue[0] == pytest.approx(1.25)   # HS section 3
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="dual_tol"):
            ip.sweep(env, np.array([[0.5, 0.5]]), dual_tol=bad, backend="numpy")


def test_full_extraction_rejects_a_bad_atol():
    """Defect (fixed, disclosure/conditions.py): atol=NaN turned Lemma 1's condition on
    CLW Example 1 from False (the paper: horizontal disclosure earns 5 of the 7.5) to True."""
    d = ip.ValueDistribution([[10, 5], [6, 5], [0, 3]], [0.2, 0.4, 0.4])
    assert ip.full_extraction(d).condition is False
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="atol"):
            ip.full_extraction(d, atol=bad)


def test_information_rent_path_rejects_a_bad_atol():
    env = ip.Environment([[1, 2], [2, 3], [3, 3.5]])
    mech = ip.optimal_mechanism(env, ip.Market(env, [0.3, 0.3, 0.4]))
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="atol"):
            ip.information_rent_path(mech, 0, exact=False, atol=bad)
