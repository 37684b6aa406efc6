"""The HS Figure 2 market-simplex map classifies grid markets by one certified market sweep
(infopricing.scale.sweep); the classification must equal per-market LP answers.

References: HS, section 6.2, Observation 1, Figure 2.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from infopricing import Environment
from infopricing.screening import optimal_mechanism
from infopricing.segmentation import genericity_hyperplanes
from infopricing.plots.hs import _grid_efficiency, plot_genericity, simplex_grid

ENV3 = Environment([[1.0, 0.5], [2.0, 2.5], [1.5, 3.0]])


def test_simplex_grid_is_the_full_triangle():
    r = 7
    g = simplex_grid(r)
    assert g.shape == ((r + 1) * (r + 2) // 2, 3)
    assert np.allclose(g.sum(axis=1), 1.0) and (g >= 0).all()
    # every lattice point (i, j, r - i - j) / r exactly once
    assert len({tuple(np.rint(row * r).astype(int)) for row in g}) == len(g)
    with pytest.raises(ValueError, match="resolution"):
        simplex_grid(0)


def test_vertex_markets_closed_form():
    """HS Observation 1 at the simplex vertices, derived by hand for ENV3.

    f = e_0: revenue 1 (sell alternative 0 to t0 at 1); giving t1, t2 alternative 1 at 0.5
    keeps it optimal and efficient, so the efficient selection is efficient.
    f = e_1: full extraction 2.5 from t1; serving t0 its efficient alternative 0 at p <= 1
    leaves t1 surplus 2 - p >= 1, revenue <= 1.5 < 2.5, so every optimal menu is inefficient.
    f = e_2: full extraction 3 from t2; serving t1 alternative 1 at p <= 2.5 leaves t2
    surplus 3 - p >= 0.5, revenue <= 2.5 < 3: inefficient.
    """
    eff = _grid_efficiency(ENV3, np.eye(3))
    assert eff.tolist() == [True, False, False]


@pytest.mark.parametrize("selection", ["efficient", "consumer", "adverse"])
def test_sweep_classification_equals_per_market_lp(selection):
    """HS Figure 2 map: sweep-based efficiency on a fine grid equals
    ``optimal_mechanism(...).is_efficient`` on a random subset of the grid markets."""
    grid = simplex_grid(40)
    eff = _grid_efficiency(ENV3, grid, selection=selection)
    assert eff.shape == (len(grid),)
    assert eff.any() and (~eff).any()  # this environment's map has both regions
    rng = np.random.default_rng(7)
    for i in rng.choice(len(grid), size=40, replace=False):
        m = optimal_mechanism(ENV3, grid[i], selection=selection)
        assert bool(eff[i]) == bool(m.is_efficient), (selection, grid[i])


@settings(max_examples=6, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), min_size=2, max_size=2), min_size=3, max_size=3),
       st.integers(0, 2**31 - 1))
def test_sweep_classification_random_environments(vals, seed):
    """Property (HS section 6.2): for random 3-type, 2-alternative environments the sweep
    classification of random grid markets matches one LP per market."""
    env = Environment(np.array(vals, dtype=float))
    grid = simplex_grid(12)
    eff = _grid_efficiency(env, grid)
    rng = np.random.default_rng(seed)
    for i in rng.choice(len(grid), size=10, replace=False):
        assert bool(eff[i]) == bool(optimal_mechanism(env, grid[i]).is_efficient), grid[i]


def test_plot_genericity_three_types_returns_figure_with_both_regions():
    calls = []
    fig = plot_genericity(genericity_hyperplanes(ENV3), resolution=30,
                          progress=lambda i, n: calls.append((i, n)))
    assert isinstance(fig, Figure)
    n_grid = 31 * 32 // 2
    assert calls and calls[-1] == (n_grid, n_grid)
    ax = fig.axes[0]
    sizes = [len(c.get_offsets()) for c in ax.collections]
    assert sum(sizes) == n_grid  # every grid market drawn once, green or blue
    labels = ax.get_legend_handles_labels()[1]
    assert any(lbl.startswith("efficient") for lbl in labels)
    assert any(lbl.startswith("inefficient") for lbl in labels)
