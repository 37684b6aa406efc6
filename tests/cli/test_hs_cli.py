"""`infopricing pareto` command, HS plots, and the HS claims in the reproduction catalogue."""

import json

from typer.testing import CliRunner

from infopricing import catalog
from infopricing.cli import app

runner = CliRunner()


def test_pareto_json_section611(tmp_path):
    r = runner.invoke(app, ["pareto", "examples/hs_section611.toml", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["theorem"]["improvable"] is True
    assert d["dominating_market"]["chain"] == ["t3", "t2", "t1"]
    assert d["information_rent_paths"][0]["path"] == ["t2", "t1"]
    assert d["verification"]["ok"]


def test_pareto_tables_and_plots(tmp_path):
    out = tmp_path / "hs.png"
    r = runner.invoke(app, ["pareto", "examples/hs_section3.toml", "--plot", str(out)])
    assert r.exit_code == 0, r.output
    assert "inefficient non-improvable markets: 3/4" in r.stdout.replace("\n", " ")
    for p in (out, tmp_path / "hs_fig1.png", tmp_path / "hs_fig2.png"):
        assert p.exists() and p.stat().st_size > 1000


def test_pareto_bad_market(tmp_path):
    m = tmp_path / "bad.toml"
    m.write_text('[environment]\nvaluations = [[1.0], [2.0]]\n[market]\nprobabilities = [0.5, 0.3, 0.2]\n')
    r = runner.invoke(app, ["pareto", str(m)])
    assert r.exit_code == 2
    m.write_text('[environment]\nvaluations = [[1.0], [2.0]]\n')
    r = runner.invoke(app, ["pareto", str(m)])
    assert r.exit_code == 2 and "market" in r.output
    r = runner.invoke(app, ["pareto", "examples/hs_section3.toml", "--selection", "best"])
    assert r.exit_code == 2


def test_hs_claims_reproduce():
    from infopricing.claims import run_claims

    recs = [r for r in run_claims("HS") if not r.id.startswith("HS-C")]
    bad = [(r.id, r.status, r.note[:200]) for r in recs if not r.ok]
    assert not bad
    assert {"HS-3-two-alt-only-075-not-improvable", "HS-6.2-fig2-hyperplane",
            "HS-6.1.1-three-types-needed", "HS-B.1.1-lemma6-two-type-dominating"} <= {r.id for r in recs}


def test_plot_functions_return_figures():
    from matplotlib.figure import Figure

    from infopricing import Environment
    from infopricing.segmentation import (genericity_hyperplanes, pareto_improving_segmentation,
                                          two_type_profile)
    from infopricing.segmentation.plots_hs import (plot_genericity, plot_segmentation_surplus,
                                                   plot_two_type_profile)

    env3 = Environment([[1.0, 0.5], [2.0, 2.5], [1.5, 3.0]])
    calls = []
    fig = plot_genericity(genericity_hyperplanes(env3), resolution=4,
                          progress=lambda i, n: calls.append((i, n)))
    assert isinstance(fig, Figure) and calls[-1] == (15, 15)
    r = pareto_improving_segmentation(env3, [0.5, 0.1, 0.4])
    assert isinstance(plot_segmentation_surplus(r.segmentation), Figure)
    assert isinstance(plot_two_type_profile(two_type_profile(Environment([[1.0], [2.0]]))), Figure)


def test_theorem_undecided_falls_back_to_exact():
    """At q = 3/4 (HS section 3) Theorem 1 does not apply; the analysis runs the exact
    procedure, which proves the market is not Pareto improvable."""
    from infopricing.segmentation import pareto_analysis

    a = pareto_analysis(catalog.hs_section3(), [0.25, 0.75])
    assert a.improvement.improvable is None
    assert a.exact_improvement is not None and a.exact_improvement.improvable is False
