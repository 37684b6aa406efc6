"""Strict model-file parsing (user review): boolean flags, numbers only in numeric fields,
no unknown keys, CSV with a byte-order mark or trailing commas, file-worded messages."""

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from infopricing import Environment, Market
from infopricing.cli import app
from infopricing.competition.files import load_game
from infopricing.disclosure.report import distribution_from_dict, load_distribution
from infopricing.errors import ModelFileError
from infopricing.information.files import load_persuasion_model, load_segmentation_model
from infopricing.io import environment_from_dict, load_environment, read_csv_matrix, read_model_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ENV = '[environment]\nvaluations = [[1.0], [2.0]]\n'


def _write(tmp_path, text, name="m.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def _error(loader, p) -> ModelFileError:
    with pytest.raises(ModelFileError) as ei:
        loader(p)
    return ei.value


# -- 1. flags must be booleans ----------------------------------------------------------------

@pytest.mark.parametrize("loader, text, field", [
    (load_environment, ENV + '[market]\nprobabilities = [2, 2]\nnormalize = "false"\n', "market.normalize"),
    (load_game, '[game]\nvalues = [[1, 4], [4, 1]]\ncosts = [0, 0]\nprobabilities = [1, 1]\n'
                'normalize = "false"\n', "game.normalize"),
    (load_segmentation_model, '[prior]\nvalues = [1, 3]\nprobabilities = [1, 1]\nnormalize = "false"\n',
     "prior.normalize"),
    (load_distribution, '[distribution]\nvalues = [[1, 2], [3, 0]]\nprobabilities = [1, 1]\n'
                        'normalize = "false"\n', "distribution.normalize"),
])
def test_string_flag_is_rejected_not_read_as_true(tmp_path, loader, text, field):
    """bool("false") is True: the string must be refused (it used to rescale [2, 2])."""
    e = _error(loader, _write(tmp_path, text))
    assert e.field == field
    table = field.split(".")[0]
    assert "the string 'false'" in e.reason and "must be true or false" in e.reason
    assert f"[{table}]" in e.reason


def test_numeric_flag_is_rejected_and_real_booleans_work(tmp_path):
    e = _error(load_environment, _write(tmp_path, ENV + '[market]\nprobabilities = [2, 2]\nnormalize = 1\n'))
    assert e.field == "market.normalize" and "the number 1" in e.reason
    _, m = load_environment(_write(tmp_path, ENV + '[market]\nprobabilities = [1, 3]\nnormalize = true\n'))
    np.testing.assert_allclose(m.probabilities, [0.25, 0.75])
    e = _error(load_environment, _write(tmp_path, ENV + '[market]\nprobabilities = [1, 3]\nnormalize = false\n'))
    assert e.field == "market.probabilities" and "sums to 4" in e.reason
    q = tmp_path / "m.json"
    q.write_text(json.dumps({"prior": {"values": [1, 3], "probabilities": [1, 1], "normalize": True}}))
    prior, _, _ = load_segmentation_model(q)
    np.testing.assert_allclose(prior.probabilities, [0.5, 0.5])


# -- 2. numbers only in numeric fields ----------------------------------------------------------

@pytest.mark.parametrize("loader, text, field, got", [
    (load_environment, '[environment]\nvaluations = [[1.0], ["2.0"]]\n', "environment.valuations[1][0]",
     "the string '2.0'"),
    (load_environment, '[environment]\nvaluations = [[1.0, 2.0]]\ncosts = [0, true]\n',
     "environment.costs[1]", "the boolean true"),
    (load_environment, ENV + '[market]\nprobabilities = ["0.5", 0.5]\n', "market.probabilities[0]",
     "the string '0.5'"),
    (load_environment, ENV + '[market]\nprobabilities = [true, false]\n', "market.probabilities[0]",
     "the boolean true"),
    (load_game, '[game]\nvalues = [[1, "4"], [4, 1]]\ncosts = [0, 0]\nprobabilities = [0.5, 0.5]\n',
     "game.values[0][1]", "the string '4'"),
    (load_game, '[game]\n[[game.marginal]]\npairs = [[1, 0], [4, false]]\nprobabilities = [0.5, 0.5]\n',
     "game.marginal[0].pairs[1][1]", "the boolean false"),
    (load_segmentation_model, '[prior]\nvalues = [1, "3"]\nprobabilities = [0.5, 0.5]\n', "prior.values[1]",
     "the string '3'"),
    (load_segmentation_model, '[prior]\nvalues = [1, 3]\nprobabilities = [0.5, 0.5]\n[segmentation]\n'
                              'point = [0.5, "1"]\n', "segmentation.point[1]", "the string '1'"),
    (load_persuasion_model, '[persuasion]\nprior = [0.7, 0.3]\nreceiver_utility = [[1, 0], [0, 1]]\n'
                            'sender_utility = [[0, true], [0, 1]]\n', "persuasion.sender_utility[0][1]",
     "the boolean true"),
    (load_distribution, '[distribution]\nvalues = [[1, 2], [3, 0]]\nprobabilities = [0.5, "0.5"]\n',
     "distribution.probabilities[1]", "the string '0.5'"),
    (load_distribution, '[distribution]\n[distribution.independent]\nvalues = [[1, 2], [0, "3"]]\n'
                        'probabilities = [[0.5, 0.5], [0.2, 0.8]]\n',
     "distribution.independent.values[1][1]", "the string '3'"),
])
def test_strings_and_booleans_in_numeric_fields_are_rejected(tmp_path, loader, text, field, got):
    e = _error(loader, _write(tmp_path, text))
    assert e.field == field
    assert got in e.reason and "must be a number" in e.reason


def test_dict_path_accepts_numpy_numbers_but_not_numpy_booleans():
    """Python callers building the dict with numpy arrays (int, float, float32 dtypes,
    numpy scalars) still load; a numpy boolean array is refused like a TOML boolean."""
    d = {"distribution": {"values": np.array([[1, 2], [3, 0]], dtype=np.int64),
                          "probabilities": np.array([0.25, 0.75], dtype=np.float32)}}
    dist = distribution_from_dict(d)
    np.testing.assert_allclose(dist.probabilities, [0.25, 0.75])
    env = environment_from_dict({"environment": {"valuations": [[np.float64(1.0)], [np.int32(2)]]}})
    np.testing.assert_array_equal(env.values, [[1.0], [2.0]])
    with pytest.raises(ModelFileError) as ei:
        environment_from_dict({"environment": {"valuations": np.array([[True], [False]])}})
    assert ei.value.field == "environment.valuations" and "bool" in ei.value.reason


def test_python_api_still_takes_numpy_arrays():
    """The shared validators are unchanged for the API: numpy dtypes pass as before."""
    env = Environment(np.array([[1, 2], [3, 4]], dtype=np.int32))
    m = Market(env, np.array([1, 3], dtype=np.float32), normalize=True)
    np.testing.assert_allclose(m.probabilities, [0.25, 0.75])


# -- 3. unknown keys ---------------------------------------------------------------------------

@pytest.mark.parametrize("loader, text, field, suggestion", [
    (load_environment, ENV + '[market]\nprobabilities = [2, 2]\nnormalise = true\n', "market.normalise",
     "normalize"),
    (load_environment, '[environment]\nvaluation = [[1.0], [2.0]]\n', "environment.valuation", "valuations"),
    (load_segmentation_model, '[prior]\nvalues = [1, 3]\nprobabilities = [0.5, 0.5]\n[segmentation]\n'
                              'costs = 0.5\n', "segmentation.costs", "cost"),
    (load_game, '[game]\nvalues = [[1, 4], [4, 1]]\ncosts = [0, 0]\ncost = [1, 1]\n'
                'probabilities = [0.5, 0.5]\n', "game.cost", "costs"),
    (load_game, '[game]\n[[game.marginal]]\npairs = [[1, 0]]\nprobability = [1]\n',
     "game.marginal[0].probability", "probabilities"),
    (load_distribution, '[distribution]\nvalues = [[1, 2]]\nprobabilities = [1]\nproduct = ["A", "B"]\n',
     "distribution.product", "products"),
    (load_distribution, '[distribution]\n[distribution.independent]\nvalues = [[1, 2]]\n'
                        'probabilities = [[0.5, 0.5]]\nnormalise = true\n',
     "distribution.independent.normalise", None),
    (load_persuasion_model, '[persuasion]\nprior = [0.7, 0.3]\nreceiver_utility = [[1, 0], [0, 1]]\n'
                            'sender_utility = [[0, 1], [0, 1]]\nstate = ["a", "b"]\n',
     "persuasion.state", "states"),
])
def test_unknown_keys_are_rejected_with_the_closest_accepted_key(tmp_path, loader, text, field, suggestion):
    e = _error(loader, _write(tmp_path, text))
    assert e.field == field
    key = field.rsplit(".", 1)[1]
    assert f"unknown key {key!r}" in e.reason and "accepted keys:" in e.reason
    if suggestion is not None:
        assert f"did you mean {suggestion!r}" in e.reason
    else:
        assert "did you mean" not in e.reason


def test_keys_of_the_other_form_do_not_mix(tmp_path):
    """[game] with both marginal and values; [prior] with distribution and values;
    [distribution] with catalog and products: the ignored keys used to pass silently."""
    e = _error(load_game, _write(tmp_path, '[game]\nvalues = [[1]]\n[[game.marginal]]\npairs = [[1, 0]]\n'
                                           'probabilities = [1]\n'))
    assert e.field == "game.values" and "marginal" in e.reason
    e = _error(load_segmentation_model, _write(tmp_path, '[prior]\ndistribution = "uniform"\nvalues = [1]\n'))
    assert e.field == "prior.values" and "with 'distribution'" in e.reason
    e = _error(load_segmentation_model, _write(tmp_path, '[prior]\nvalues = [1]\nprobabilities = [1]\nsize = 5\n'))
    assert e.field == "prior.size"
    e = _error(load_distribution, _write(tmp_path, '[distribution]\ncatalog = "example1"\nproducts = ["a", "b"]\n'))
    assert e.field == "distribution.products"
    e = _error(load_environment, _write(tmp_path, '[environment]\nvaluations = [[1.0]]\nvaluations_csv = "v.csv"\n'))
    assert e.field == "environment.valuations_csv" and "not both" in e.reason


def test_other_top_level_tables_are_left_alone(tmp_path):
    """One file may carry the tables of several commands; each loader reads its own."""
    text = (ENV + '[market]\nprobabilities = [0.5, 0.5]\n'
            '[prior]\nvalues = [1, 3]\nprobabilities = [0.5, 0.5]\n[notes]\nsource = "x"\n')
    p = _write(tmp_path, text)
    env, market = load_environment(p)
    prior, cost, point = load_segmentation_model(p)
    assert env.n_types == 2 and prior.size == 2 and cost == 0.0 and point is None


def test_every_example_loads():
    loaders = {"environment": load_environment, "game": load_game, "prior": load_segmentation_model,
               "persuasion": load_persuasion_model, "distribution": load_distribution}
    files = sorted(EXAMPLES.glob("*.toml"))
    assert files
    for f in files:
        tables = [t for t in read_model_file(f) if t in loaders]
        assert tables, f
        for t in tables:
            loaders[t](f)


# -- 4. CSV: byte-order mark and trailing commas ------------------------------------------------

def test_csv_with_excel_bom_keeps_the_first_label_clean(tmp_path):
    (tmp_path / "v.csv").write_bytes("L,H\r\n0.75,1.0\r\n1.0,2.0\r\n".encode("utf-8-sig"))
    env, _ = load_environment(_write(tmp_path, '[environment]\nvaluations_csv = "v.csv"\n'))
    assert env.alternatives == ("L", "H")
    np.testing.assert_array_equal(env.values, [[0.75, 1.0], [1.0, 2.0]])


def test_model_file_with_bom_parses(tmp_path):
    p = tmp_path / "m.toml"
    p.write_bytes((ENV + "[market]\nprobabilities = [0.5, 0.5]\n").encode("utf-8-sig"))
    env, market = load_environment(p)
    np.testing.assert_allclose(market.probabilities, [0.5, 0.5])


def test_csv_bom_on_a_numeric_first_row_is_not_a_header(tmp_path):
    p = tmp_path / "v.csv"
    p.write_bytes("1,2\n3,4\n".encode("utf-8-sig"))
    m, header = read_csv_matrix(p)
    assert header is None
    np.testing.assert_array_equal(m, [[1, 2], [3, 4]])


@pytest.mark.parametrize("text, header", [
    ("1,2,\n3,4,\n", None),              # numeric rows, each ending with a comma
    ("L,H,\n1,2,\n3,4,\n", ["L", "H"]),  # header too
    ("L,H\n1,2,\n3,4,\n", ["L", "H"]),   # header without, rows with
    ("L,H,\n1,2\n3,4\n", ["L", "H"]),    # header with, rows without
    ("1,2,,\n3,4,,\n", None),            # two trailing empty columns
])
def test_csv_trailing_empty_column_is_dropped(tmp_path, text, header):
    p = tmp_path / "v.csv"
    p.write_text(text)
    m, h = read_csv_matrix(p)
    assert h == header
    np.testing.assert_array_equal(m, [[1, 2], [3, 4]])


@pytest.mark.parametrize("text, words", [
    ("1,2,\n3,4\n", ["line 1", "last column is empty", "trailing comma"]),
    ("1,2\n3,4,\n", ["line 2", "last column is empty", "trailing comma"]),
    ("1,,2\n3,4,5\n", ["line 1", "column 2 is empty"]),
    ("1,2\n3,x\n", ["line 2, column 2", "'x' is not a number"]),
    ("L,H,M\n1,2\n", ["3 labels", "2 columns"]),
    ("1,2\n3,4,5\n", ["different numbers of columns [2, 3]"]),
    ("L,H\n", ["no numeric rows"]),
])
def test_csv_errors_say_where(tmp_path, text, words):
    p = tmp_path / "v.csv"
    p.write_text(text)
    with pytest.raises(ModelFileError) as ei:
        read_csv_matrix(p)
    for w in words:
        assert w in ei.value.reason, ei.value.reason


# -- 5. messages worded for a file, plain numbers ------------------------------------------------

@pytest.mark.parametrize("loader, text, table, total", [
    (load_environment, ENV + '[market]\nprobabilities = [0.5, 0.6]\n', "market", "1.1"),
    (load_game, '[game]\nvalues = [[1, 4], [4, 1]]\ncosts = [0, 0]\nprobabilities = [0.5, 0.6]\n', "game", "1.1"),
    (load_segmentation_model, '[prior]\nvalues = [1, 3]\nprobabilities = [0.5, 0.6]\n', "prior", "1.1"),
    (load_distribution, '[distribution]\nvalues = [[1, 2], [3, 0]]\nprobabilities = [0.5, 0.6]\n',
     "distribution", "1.1"),
])
def test_sum_error_tells_a_file_user_what_to_write(tmp_path, loader, text, table, total):
    e = _error(loader, _write(tmp_path, text))
    assert f"sums to {total};" in e.reason
    assert f"set normalize = true in [{table}]" in e.reason
    assert "normalize=True" not in e.reason and "np.float64" not in str(e)


def test_tables_without_normalize_do_not_suggest_it(tmp_path):
    e = _error(load_game, _write(tmp_path, '[game]\n[[game.marginal]]\npairs = [[1, 0], [4, 0]]\n'
                                           'probabilities = [0.5, 0.6]\n'))
    assert e.field == "game.marginal[0].probabilities"
    assert "sums to 1.1" in e.reason and "no normalize option" in e.reason and "set normalize" not in e.reason
    e = _error(load_persuasion_model, _write(tmp_path, '[persuasion]\nprior = [0.7, 0.4]\n'
                                                       'receiver_utility = [[1, 0], [0, 1]]\n'
                                                       'sender_utility = [[0, 1], [0, 1]]\n'))
    assert e.field == "persuasion.prior" and "sums to 1.1" in e.reason and "no normalize option" in e.reason


def test_negative_entries_are_plain_numbers_in_file_messages(tmp_path):
    e = _error(load_environment, _write(tmp_path, ENV + '[market]\nprobabilities = [-0.25, 1.25]\n'))
    assert "smallest entry is -0.25" in e.reason and "np." not in e.reason
    e = _error(load_game, _write(tmp_path, '[game]\nvalues = [[1, 4], [4, -1.5]]\ncosts = [0, 0]\n'
                                           'probabilities = [0.5, 0.5]\n'))
    assert "-1.5" in e.reason and "np." not in e.reason


def test_python_api_message_names_both_spellings():
    env = Environment([[1.0], [2.0]])
    with pytest.raises(ValueError) as ei:
        Market(env, [0.5, 0.6])
    msg = str(ei.value)
    assert "sums to 1.1;" in msg and "normalize=True (Python)" in msg and "normalize = true (model file)" in msg


def test_cli_rejects_string_flag_with_exit_2(tmp_path):
    p = _write(tmp_path, ENV + '[market]\nprobabilities = [2, 2]\nnormalize = "false"\n')
    r = CliRunner().invoke(app, ["menu", str(p)])
    assert r.exit_code == 2
    out = " ".join(r.output.split())
    assert "market.normalize" in out and "the string 'false'" in out
    assert "in [market]" in out            # the table name survives the console's markup


def test_segmentation_cost_must_be_non_negative(tmp_path):
    """The loader itself refuses a negative [segmentation] cost (not only the CLI)."""
    from infopricing.errors import ModelFileError
    from infopricing.information.files import load_segmentation_model

    f = tmp_path / "s.toml"
    f.write_text("[prior]\nvalues = [1, 3, 4]\nprobabilities = [0.5, 0.25, 0.25]\n"
                 "[segmentation]\ncost = -5\n")
    with pytest.raises(ModelFileError, match=r"segmentation\.cost.*>= 0, got -5"):
        load_segmentation_model(f)
    f.write_text("[prior]\nvalues = [1, 3, 4]\nprobabilities = [0.5, 0.25, 0.25]\n"
                 "[segmentation]\ncost = 0.5\n")
    assert load_segmentation_model(f)[1] == 0.5
