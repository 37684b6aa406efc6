"""Plots never change the user's matplotlib backend, nor pyplot's list of open figures
(DESIGN.md, "plots/"): each figure function, run in a fresh interpreter whose backend was
set to ``svg`` before the library was imported, leaves it ``svg``."""

import json
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, matplotlib
matplotlib.use("svg")
import matplotlib.pyplot as plt
import numpy as np
import infopricing as ip
from infopricing import catalog, plots
from infopricing.disclosure.experiments import run_experiment

env = catalog.hs_section3()
lin = ip.LinearEnvironment([1.0, 2.0, 3.0], [1.0], [0.0])
seg = ip.exact_pareto_improvement(env, [0.5, 0.5]).segmentation
from infopricing.competition.information_path import information_path
game = catalog.bbm25_example1()
full, cons = ip.complete_information_outcome(game), ip.alignment_construction(game).outcome
figs = {
    "plot_two_type_profile": lambda: plots.plot_two_type_profile(ip.two_type_profile(env)),
    "plot_genericity": lambda: plots.plot_genericity(ip.genericity_hyperplanes(env), resolution=8),
    "plot_segmentation_surplus": lambda: plots.plot_segmentation_surplus(seg),
    "plot_surplus_set": lambda: plots.plot_surplus_set(ip.surplus_set(env, [0.5, 0.5])),
    "plot_hs_figure6": lambda: plots.plot_hs_figure6(size=21),
    "plot_revenue_curve": lambda: plots.plot_revenue_curve(lin, [0.45, 0.1, 0.45]),
    "plot_surplus_triangle": lambda: plots.plot_surplus_triangle(
        ip.surplus_triangle([1.0, 3.0, 4.0], [0.5, 0.25, 0.25])),
    "plot_interim_density": lambda: plots.plot_interim_density(
        ip.hotelling_optimum(catalog.bbm25_example4_hotelling()), points=51),
    "plot_experiment": lambda: plots.plot_experiment(run_experiment(
        "general", products=2, support=2, instances=1, seed=1, method="heuristic",
        time_limit=5)),
    "plot_hs_figure3": lambda: plots.plot_hs_figure3(),
    "plot_clw_figure1": lambda: plots.plot_clw_figure1(n=3, eps=0.2),
    "plot_sweep_map": lambda: plots.plot_sweep_map(ip.sweep(env, [[0.5, 0.5], [0.1, 0.9]]),
                                                   market=[0.5, 0.5]),
    "plot_information_path": lambda: plots.plot_information_path(
        information_path(full, cons, size=3)),
    "plot_benchmark_paths": lambda: plots.plot_benchmark_paths(full, cons, size=3),
}
out = {}
for name, make in figs.items():
    fig = make()
    fig.savefig("/dev/null", format="png")
    out[name] = [matplotlib.get_backend(), type(fig).__name__, len(plt.get_fignums())]
# an axes handed in is drawn on and its figure returned
fig0, ax0 = plt.subplots()
same = plots.plot_revenue_curve(lin, [0.45, 0.1, 0.45], ax=ax0) is fig0
print(json.dumps({"figs": out, "ax_respected": same, "backend": matplotlib.get_backend(),
                  "names": sorted(n for n in plots.__all__ if n != "figure_and_axes")}))
"""


@pytest.fixture(scope="module")
def run():
    r = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_backend_unchanged_by_every_plot(run):
    assert sorted(run["figs"]) == run["names"]  # every figure function of the package
    for name, (backend, kind, open_figs) in run["figs"].items():
        assert backend == "svg", name
        assert kind == "Figure", name
        assert open_figs == 0, name  # no pyplot figure was created behind the user's back
    assert run["backend"] == "svg"


@pytest.mark.slow
def test_given_axes_is_used(run):
    assert run["ax_respected"] is True


def test_plots_package_lists_every_figure_function():
    import infopricing.plots as plots

    for name in plots.__all__:
        assert callable(getattr(plots, name)), name


def test_moved_figures_stay_importable_where_they_were():
    """The figures moved into infopricing/plots/ are the same objects at their old homes."""
    import infopricing.plots as plots
    from infopricing.competition import plots as cplots
    from infopricing.disclosure import experiments
    from infopricing.segmentation import bbm15, linear, plots_hs
    from infopricing.segmentation import exact_decision as exact

    for mod, names in ((plots_hs, ["plot_two_type_profile", "plot_genericity",
                                   "plot_segmentation_surplus"]),
                       (cplots, ["plot_interim_density"]), (exact, ["plot_surplus_set"]),
                       (linear, ["plot_hs_figure6", "plot_revenue_curve"]),
                       (bbm15, ["plot_surplus_triangle"]), (experiments, ["plot_experiment"])):
        for name in names:
            assert getattr(mod, name) is getattr(plots, name), (mod.__name__, name)
            assert getattr(mod, name).__module__.startswith("infopricing.plots."), name
