"""Reading model files: TOML or JSON text (a file, or ``-`` for standard input), CSV
matrices, and the strict checks every table parser shares.

Parsing never executes anything: TOML via :mod:`tomllib`, JSON via :mod:`json`, CSV via
:mod:`csv`. The checks are strict:

- a key a table does not define is an error (the message names the accepted keys and the
  closest one), so a misspelt ``normalise`` or ``cost`` for ``costs`` is not silently
  ignored;
- flags such as ``normalize`` must be booleans (``true``/``false``, not ``"false"``);
- numeric fields must hold numbers: a quoted number (``"0.5"``) or a boolean is rejected,
  naming the entry.

CSV files are read as UTF-8 (a byte-order mark, as Excel writes, is ignored). A column
that is empty on every row (each line ending with a comma) is dropped; an empty cell
anywhere else is an error. The tables and their keys are in :mod:`infopricing.io.schema`.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
import sys
import tomllib
from pathlib import Path

import numpy as np

from ..errors import ModelFileError
from ..model._validate import NORMALIZE_HINT, RESCALE_HINT

#: The path that means standard input (``infopricing menu -``).
STDIN = "-"
#: How a model read from standard input is named in error messages.
STDIN_NAME = "<stdin>"


def is_stdin(path) -> bool:
    """Whether ``path`` names standard input (``-``)."""
    return str(path) == STDIN


def read_model_bytes(path) -> tuple[bytes, Path, bool]:
    """The raw bytes of a model file (``-``: standard input), the name errors give it, and
    whether it is JSON (``*.json``; on standard input, text starting with ``{``)."""
    if is_stdin(path):
        raw = sys.stdin.buffer.read()
        return raw, Path(STDIN_NAME), raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
    p = Path(path)
    if not p.is_file():
        raise ModelFileError(p, None, "file not found")
    return p.read_bytes(), p, p.suffix.lower() == ".json"


def parse_model_bytes(raw: bytes, path, is_json: bool) -> dict:
    """Parse a model file's bytes (TOML, or JSON when ``is_json``) into a dict; errors name
    ``path``. Nothing is executed."""
    try:
        decoded = raw.decode("utf-8-sig")     # a byte-order mark (Windows editors) is ignored
        if is_json:
            data = json.loads(decoded)
        else:
            data = tomllib.loads(decoded)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelFileError(path, None, f"cannot parse: {exc}") from None
    except RecursionError:
        raise ModelFileError(path, None, "cannot parse: arrays or tables are nested too deeply "
                                         "(a model file needs at most a few levels)") from None
    except ValueError as exc:  # e.g. an integer literal with more digits than Python reads
        raise ModelFileError(path, None, f"cannot parse: {exc}") from None
    if not isinstance(data, dict):
        raise ModelFileError(path, None, "top level must be a table/object")
    return data


def read_model_file(path) -> dict:
    """Parse a TOML or JSON model file into a dict (nothing is executed).

    ``path`` ``"-"`` reads standard input: JSON when the text starts with ``{``, TOML
    otherwise; a ``valuations_csv`` it names is then relative to the working directory.
    Files are JSON when named ``*.json``, TOML otherwise.
    """
    raw, p, is_json = read_model_bytes(path)
    return parse_model_bytes(raw, p, is_json)


def display_path(path):
    """``path`` as error messages name it (``<stdin>`` for ``-``)."""
    return STDIN_NAME if is_stdin(path) else path


def read_csv_matrix(path, base=None, field="valuations_csv"):
    """Read a numeric CSV matrix; returns (matrix, header or None).

    The first non-blank row is a header (labels) when any of its cells is not a number.
    Blank lines are skipped; a trailing column that is empty on every numeric row (lines
    ending with a comma) is dropped, whether or not the header ends with a comma too; an
    empty cell anywhere else is an error. The file is decoded as UTF-8, ignoring a
    byte-order mark (as Excel writes).
    """
    p = Path(path)
    if base is not None and not p.is_absolute():
        p = Path(base).parent / p
    if not p.is_file():
        raise ModelFileError(base or p, field, f"CSV file {str(p)!r} not found")
    lines = []                                  # (line number, stripped cells)
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            for row in reader:
                cells = [c.strip() for c in row]
                if any(cells):
                    lines.append((reader.line_num, cells))
    except UnicodeDecodeError as exc:
        raise ModelFileError(p, field, f"CSV file is not UTF-8 text: {exc}") from None
    except csv.Error as exc:
        raise ModelFileError(p, field, f"cannot parse CSV: {exc}") from None
    if not lines:
        raise ModelFileError(p, field, "CSV has no numeric rows")
    header = None
    first_line, first = lines[0]
    if any(not _is_number(c) for c in first if c != ""):
        header = first
        lines = lines[1:]
    if not lines:
        raise ModelFileError(p, field, "CSV has no numeric rows (only a header)")
    # a trailing column empty on every data row (each line ends with a comma) is dropped,
    # and so are the header's empty labels past the data's last column
    while all(len(cells) > 1 and cells[-1] == "" for _, cells in lines):
        lines = [(ln, cells[:-1]) for ln, cells in lines]
    if header is not None:
        width = max(len(cells) for _, cells in lines)
        while len(header) > width and header[-1] == "":
            header = header[:-1]
    rows = []
    for ln, cells in lines:
        for j, c in enumerate(cells):
            if c == "":
                where = "the last column" if j == len(cells) - 1 else f"column {j + 1}"
                extra = (" (a trailing comma on some rows but not all? remove it, or end "
                         "every row with one)" if j == len(cells) - 1 else "")
                raise ModelFileError(p, field, f"line {ln}: {where} is empty{extra}")
            if not _is_number(c):
                raise ModelFileError(p, field, f"line {ln}, column {j + 1}: {c!r} is not a number")
        rows.append([float(c) for c in cells])
    widths = sorted({len(r) for r in rows})
    if len(widths) != 1:
        short = next(ln for (ln, cells) in lines if len(cells) != len(rows[0]))
        raise ModelFileError(p, field, f"rows have different numbers of columns {widths} "
                                       f"(line {lines[0][0]} has {len(rows[0])}, line {short} differs)")
    if header is not None:
        if any(c == "" for c in header):
            raise ModelFileError(p, field, f"line {first_line}: the header has an empty label")
        if len(header) != widths[0]:
            raise ModelFileError(p, field, f"the header (line {first_line}) has {len(header)} "
                                           f"labels but the rows have {widths[0]} columns")
    return np.array(rows), header


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- strict reading of a table (shared by every area's model-file parser) -------------------

def describe_value(x) -> str:
    """A short, plain description of a parsed value for an error message
    (``the string '0.5'``, ``the boolean true``, ``the number 2``)."""
    if isinstance(x, (bool, np.bool_)):
        return f"the boolean {str(bool(x)).lower()}"
    if isinstance(x, str):
        return f"the string {x!r}"
    if isinstance(x, (int, float, np.integer, np.floating)):
        return f"the number {float(x):g}"
    if isinstance(x, dict):
        return "a table"
    if isinstance(x, (list, tuple)):
        return "a list"
    return f"a value of type {type(x).__name__}"


def check_keys(table: dict, accepted, path, where: str, form: str = "") -> None:
    """Reject a key of ``table`` (the table ``[where]`` of a model file) not in ``accepted``.

    ``form`` says which form of the table is being read (e.g. ``"with 'marginal'"``) when
    the accepted keys depend on it. The message names the key, the table, the closest
    accepted key (:func:`difflib.get_close_matches`) and all accepted keys.
    """
    accepted = list(accepted)
    for key in table:
        if key in accepted:
            continue
        close = difflib.get_close_matches(str(key), accepted, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        in_form = f" {form}" if form else ""
        raise ModelFileError(path, f"{where}.{key}",
                             f"unknown key {key!r} in [{where}]{in_form}; {hint}"
                             f"accepted keys: {', '.join(accepted)}")


def read_flag(table: dict, key: str, path, where: str, default: bool = False) -> bool:
    """A boolean option of a table: TOML/JSON ``true``/``false`` only (not ``"false"``)."""
    if key not in table:
        return default
    x = table[key]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    raise ModelFileError(path, f"{where}.{key}",
                         f"must be true or false (a boolean, without quotes), got {describe_value(x)}; "
                         f"write {key} = true or {key} = false in [{where}]")


def check_numeric_table(table: dict, keys, path, where: str, missing: str) -> None:
    """A table whose ``keys`` are all required and all numeric (e.g. one marginal's
    ``pairs`` and ``probabilities``): unknown keys, a missing key (``missing`` says what
    the table needs) and non-numbers are refused, naming ``[where].key``."""
    check_keys(table, keys, path, where)
    for key in keys:
        if key not in table:
            raise ModelFileError(path, f"{where}.{key}", f"missing ({missing})")
        check_numbers(table[key], path, f"{where}.{key}")


def check_numbers(x, path, field: str):
    """Check that ``x`` (a number or nested lists of numbers) holds only numbers.

    Quoted numbers (``"0.5"``) and booleans are rejected, naming the entry
    (e.g. ``game.values[1][0]``). numpy arrays of integer or float dtype and numpy number
    scalars pass, so dicts built in Python with numpy data are accepted. Returns ``x``.
    """
    _check_numbers(x, path, field)
    return x


def _check_numbers(x, path, field):
    if isinstance(x, (bool, np.bool_)):
        raise ModelFileError(path, field, f"must be a number, got {describe_value(x)}")
    if isinstance(x, (int, float, np.integer, np.floating)):
        return
    if isinstance(x, str):
        raise ModelFileError(path, field, f"must be a number, got {describe_value(x)}; "
                                          "write numbers without quotes")
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "iuf":
            return
        if x.dtype.kind == "O":
            for idx in np.ndindex(x.shape):
                _check_numbers(x[idx], path, field + "".join(f"[{i}]" for i in idx))
            return
        raise ModelFileError(path, field, f"must be numbers, got an array of dtype {x.dtype}")
    if isinstance(x, (list, tuple)):
        for i, item in enumerate(x):
            _check_numbers(item, path, f"{field}[{i}]")
        return
    raise ModelFileError(path, field, f"must be a number or a list of numbers, got {describe_value(x)}")


_NUMPY_SCALAR = re.compile(r"np\.(?:float|int|uint)\d*\(([^()]*)\)")


def file_reason(exc: Exception, where: str | None = None) -> str:
    """The message of an error raised while building a model object, worded for a file.

    The API's advice to rescale (``normalize=True``) becomes ``set normalize = true in
    [where]``; where the table has no ``normalize`` key (``where`` is None) it says to fix
    the probabilities. numpy scalar reprs (``np.float64(1.1)``) become plain numbers.
    """
    msg = str(exc)
    if where is not None:
        fix = f"set normalize = true in [{where}] to rescale"
    else:
        fix = "make them sum to 1 (this table has no normalize option)"
    # the API says NORMALIZE_HINT where the function has a normalize argument, RESCALE_HINT
    # where it has none; in a file, the table decides
    msg = msg.replace(NORMALIZE_HINT, fix).replace(RESCALE_HINT, fix)
    return _NUMPY_SCALAR.sub(lambda m: _plain_number(m.group(1)), msg)


def _plain_number(text: str) -> str:
    try:
        return f"{float(text):g}"
    except ValueError:
        return text
