"""`infopricing compete --plot` (issue 15, section 2): the figure of consumer surplus along
the mixtures of no information with the consumer-optimal structure and with complete
information, the three benchmarks marked. Checked on BBM25 Example 1: the figure file is a
PNG of the expected size and its end points are the paper's benchmarks."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from infopricing.cli import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # the no-information benchmark (Lemke on an 11-point grid), ~4 s on 2 busy cores
def test_compete_plot_writes_the_benchmark_figure(tmp_path, monkeypatch):
    from matplotlib.image import imread

    import infopricing.plots.bbm25 as pb

    drawn = {}
    real = pb.plot_benchmark_paths

    def spy(*args, **kwargs):
        fig = real(*args, **kwargs)
        drawn["fig"] = fig
        return fig

    monkeypatch.setattr(pb, "plot_benchmark_paths", spy)
    out = tmp_path / "cs.png"
    r = CliRunner().invoke(app, ["compete", str(ROOT / "examples" / "bbm25_example1.toml"),
                                 "--no-info-grid", "11", "--grid", "51", "--plot", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert imread(out).shape[:2] == (4.2 * 120, 9 * 120)
    ax = drawn["fig"].axes[0]
    marks = {ln.get_label().split(":")[0]: float(ln.get_ydata()[0]) for ln in ax.lines
             if ":" in ln.get_label() and not ln.get_label().startswith("CS")}
    # BBM25 Example 1: CS = TS-bar - PS = 2.875 - 2 x 0.875 (complete information) and
    # 2.875 - 2 x 0.625 (Theorem 1); no information lies below both
    assert marks["complete information"] == pytest.approx(1.125)
    assert marks["consumer-optimal (Theorem 1)"] == pytest.approx(1.625)
    assert marks["no information"] < 1.125


def test_compete_plot_bad_path_is_refused_first(tmp_path):
    r = CliRunner().invoke(app, ["compete", str(ROOT / "examples" / "bbm25_example1.toml"),
                                 "--plot", str(tmp_path / "missing" / "x.png")])
    assert r.exit_code == 2
    assert "--plot" in r.stderr


@pytest.mark.slow  # one no-information benchmark and the given structure's equilibria (~3 s)
def test_compete_plot_marks_the_users_own_information_structure(tmp_path, monkeypatch):
    """The figure marks the model file's own [information] structure (issue 15: every figure
    marks the user's own market), at the consumer surplus that compete's JSON reports."""
    import json

    import infopricing.plots.bbm25 as pb

    drawn = {}
    real = pb.plot_benchmark_paths
    monkeypatch.setattr(pb, "plot_benchmark_paths",
                        lambda *a, **k: drawn.setdefault("fig", real(*a, **k)))
    model = str(ROOT / "examples" / "bbm25_given_information.toml")
    r = CliRunner().invoke(app, ["compete", model, "--no-info-grid", "11", "--grid", "51",
                                 "--plot", str(tmp_path / "cs.png"), "--json"])
    assert r.exit_code == 0, r.output
    given_cs = json.loads(r.stdout)["given"]["expected_consumer_surplus"]
    ax = drawn["fig"].axes[0]
    levels = [ln for ln in ax.lines if ln.get_label().startswith("given")]
    assert len(levels) == 1
    assert float(levels[0].get_ydata()[0]) == pytest.approx(given_cs, abs=1e-12)
    lo, hi = ax.get_ylim()
    assert lo < given_cs < hi
