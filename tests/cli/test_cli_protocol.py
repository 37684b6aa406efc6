"""The CLI's exit status comes from verify() and its --json from as_dict() (the result
protocol): `compete` verifies its whole Theorem 1 construction, `hotelling` all the results
it computed, `disclose` prints the report's as_dict."""

import json

import pytest
from typer.testing import CliRunner

from infopricing.cli import app
from infopricing.verify import Verification

runner = CliRunner()


def _json(out: str) -> dict:
    return json.loads(out[out.index("{"):])


def _failing(self, **kw):
    return Verification(ok=False, failures=("injected failure",), max_violation=1.0)


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_compete_exit_status_is_the_construction_verify(monkeypatch, json_flag):
    """A construction whose equilibrium check passes but whose other checks (averaging,
    bounds, efficiency) fail exits 1: before, compete looked at the equilibrium check only."""
    from infopricing.competition.construction import AlignmentConstruction

    args = ["compete", "examples/bbm25_example1.toml", "--grid", "21", "--no-info-grid", "21",
            *json_flag]
    original = AlignmentConstruction.verify

    def broken(self, **kw):
        v = original(self, **kw)
        return Verification(ok=False, failures=("segments average: injected failure",),
                            max_violation=1.0, details=v.details)

    monkeypatch.setattr(AlignmentConstruction, "verify", broken)
    r = runner.invoke(app, args)
    assert r.exit_code == 1, r.output
    if json_flag:
        d = _json(r.stdout)
        assert d["equilibrium_check"]["ok"] is True      # the equilibrium part passed ...
        assert d["verification"]["ok"] is False          # ... the construction did not
        assert d["verification"]["failures"] == ["segments average: injected failure"]
    else:
        assert "injected failure" in r.stdout


@pytest.mark.slow
@pytest.mark.parametrize("part,cls_path,flag", [
    ("lp", "infopricing.competition.hotelling.HotellingLP", "--lp"),
    ("armstrong_zhou", "infopricing.competition.hotelling.ArmstrongZhou", "--az"),
    ("optimum", "infopricing.competition.hotelling.HotellingOptimum", None),
])
def test_hotelling_exit_status_covers_all_three_results(monkeypatch, part, cls_path, flag):
    """Before, only the optimum was verified: a failing LP or Armstrong-Zhou result exited 0."""
    import importlib

    mod, name = cls_path.rsplit(".", 1)
    monkeypatch.setattr(getattr(importlib.import_module(mod), name), "verify", _failing)
    args = ["hotelling", "--prior", "-1:0.5, 1:0.5", "--json"] + ([flag] if flag else [])
    r = runner.invoke(app, args)
    assert r.exit_code == 1, r.output
    d = _json(r.stdout)
    assert d["verification"]["ok"] is False
    assert d["verification"]["failures"] == [f"{part}: injected failure"]


@pytest.mark.slow
def test_hotelling_json_parts_are_their_as_dict():
    r = runner.invoke(app, ["hotelling", "--prior", "-1:0.5, 1:0.5", "--lp", "--az", "--json"])
    assert r.exit_code == 0, r.output
    d = _json(r.stdout)
    assert d["optimum"]["type"] == "HotellingOptimum" and d["optimum"]["status"] == "optimal"
    assert d["lp"]["type"] == "HotellingLP" and d["lp"]["status"] == "optimal"
    assert d["armstrong_zhou"]["type"] == "ArmstrongZhou"
    # BBM25 Example 4: CS = 1/2 + 1/(2e^2) at the optimum; the LP over all symmetric
    # contractions cannot do better (up to its discretisation)
    assert d["optimum"]["expected_consumer_surplus"] == pytest.approx(0.5 + 0.5 * 2.718281828459045 ** -2)
    assert d["lp"]["expected_consumer_surplus"] <= d["optimum"]["expected_consumer_surplus"] + 1e-6
    # the old (deprecated) JSON key is still written, with the same value
    assert all(d[k]["consumer_surplus"] == d[k]["expected_consumer_surplus"]
               for k in ("optimum", "lp", "armstrong_zhou"))
    assert any(c.startswith("lp: ") for c in d["verification"]["checks"])
    assert any(c.startswith("armstrong_zhou: ") for c in d["verification"]["checks"])


def test_disclose_json_is_the_report_as_dict(tmp_path):
    model = tmp_path / "m.toml"
    model.write_text("[distribution]\nvalues = [[10, 5], [6, 5], [0, 3]]\n"
                     "probabilities = [0.2, 0.4, 0.4]\n")
    r = runner.invoke(app, ["disclose", str(model), "--json", "--no-opt-rev", "--method", "heuristic"])
    assert r.exit_code == 0, r.output
    d = _json(r.output)
    assert d["type"] == "DisclosureReport" and d["verified"] is True
    assert d["welfare"] == pytest.approx(5.6)                        # CLW Example 1: OPT-Wel
    assert d["uniform"]["p_star"] == pytest.approx(4.4, abs=1e-6)    # CLW Example 1: p* = 4.4
    assert d["pricing"]["evaluation"]["signal"]["type"] == "Signal"  # the signal's matrix, not a repr
    assert len(d["pricing"]["evaluation"]["signal"]["matrix"]) == 3
    json.dumps(d, allow_nan=False)
