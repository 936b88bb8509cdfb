"""One way to write rows for every command: an aligned table, CSV or JSON.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
or a tab/carriage return) are prefixed with ``'`` so they are shown as text (DESIGN.md §5).
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import math
import unicodedata
from typing import IO, Callable

import numpy as np
import pandas as pd

from .model import nul_joined

FORMATS = ("table", "csv", "json")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A spreadsheet-safe version of one cell."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def printable(text: str, keep: str = "") -> str:
    """``text`` safe to show on a terminal: every character that is not printable is escaped.

    The one sanitiser for terminal output (tables, warnings, errors, summaries). Control
    characters (escape sequences could move the cursor, clear or retitle the terminal), format
    characters (bidi overrides such as U+202E reorder what follows; zero-width characters hide),
    line and paragraph separators, surrogates, private-use and unassigned code points become
    ``\\xNN``, ``\\uNNNN`` or ``\\UNNNNNNNN`` (escaped, not dropped, so a reader sees
    something is there); spaces and the characters in ``keep`` stay. CSV and JSON keep the
    data exact, except when written to a terminal (:func:`emit`).
    """
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(ch if ch.isprintable() or ch in keep or unicodedata.category(ch) == "Zs" else _escape(ch)
                   for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class PrintableStream:
    """A text stream that makes what it is given :func:`printable`, newlines kept (for terminal output)."""

    def __init__(self, stream: IO[str]):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text, keep="\n"))

    def __getattr__(self, name):
        return getattr(self._stream, name)


def for_terminal(stream: IO[str]) -> IO[str]:
    """``stream``, made :func:`printable` when it is a terminal (a pipe or file gets text exact)."""
    return PrintableStream(stream) if is_terminal(stream) else stream


def is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def _plain(value):
    if isinstance(value, (tuple, list, set, frozenset)):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return format_score(value)
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return value


def format_score(value: float) -> str:
    """Scores as decimals with 4 places (DESIGN.md section 4)."""
    return f"{value:.4f}"


CSV_CHUNK = 20_000  # rows formatted in memory and handed to the stream in one write
CSV_SPECIAL = (",", '"', "\r", "\n")  # what makes csv.writer quote a cell (its delimiter, quote and line ends)


def write_csv(frame: pd.DataFrame, stream: IO[str]) -> None:
    """CSV with every cell made plain text and spreadsheet-safe, one column at a time.

    Rows are written to memory a chunk at a time and each chunk to ``stream`` in one write
    (the same text as row by row, without a call into the stream per row). When no cell needs
    quoting (:func:`_bare_cells`), a row is its cells joined by commas: the text
    :class:`csv.writer` writes, without its look at every character of every cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(c) for c in frame.columns])
    columns = [_csv_column(frame[c]) for c in frame.columns] if len(frame.columns) else []
    bare = _bare_columns(frame, columns)
    if bare is not None:
        stream.write(buffer.getvalue())
        lines = map(",".join, zip(*bare))
        while chunk := list(itertools.islice(lines, CSV_CHUNK)):
            stream.write("\n".join(chunk) + "\n")
        return
    rows = zip(*columns)
    while True:
        chunk = list(itertools.islice(rows, CSV_CHUNK))
        writer.writerows(chunk)
        stream.write(buffer.getvalue())
        if len(chunk) < CSV_CHUNK:
            return
        buffer.seek(0)
        buffer.truncate()


def _bare_columns(frame: pd.DataFrame, columns: list[list]) -> list[list[str]] | None:
    """Every column's :func:`_bare_cells`, or None when a cell needs quoting or the frame has
    one column (csv.writer quotes an empty cell alone in its row)."""
    if len(columns) < 2:
        return None
    bare = []
    for name, cells in zip(frame.columns, columns):
        bare.append(_bare_cells(frame[name], cells))
        if bare[-1] is None:
            return None
    return bare


def _bare_cells(series: pd.Series, cells: list) -> list[str] | None:
    """``cells`` (a column as :func:`_csv_column` gives it) as the text :class:`csv.writer`
    writes for each, when none needs quoting: whole numbers and booleans as ``str`` makes them,
    and text holding no comma, quote or line break (looked for in all of it joined). None
    otherwise."""
    if series.dtype.kind in "iub":
        return list(map(str, cells))
    joined = nul_joined(cells)
    if joined is None or any(special in joined for special in CSV_SPECIAL):
        return None
    return cells


def _csv_column(series: pd.Series) -> list:
    """A column's cells as they appear in CSV, formatted once per distinct value."""
    if series.dtype.kind in "iub":
        return series.tolist()
    values = series.to_numpy(dtype=object)
    if series.dtype.kind == "O" and _plain_safe_text(values):  # text cells as they are, not even factorized
        return values.tolist()
    try:
        codes, uniques = pd.factorize(values)  # cells are rarely missing: looked for only when one is
        if len(codes) and codes.min() < 0:
            codes, uniques = pd.factorize(values, use_na_sentinel=False)
    except TypeError:  # unhashable cells (lists): format each one
        return [neutralise(_plain(v)) for v in series.tolist()]
    cells = np.empty(len(uniques), dtype=object)  # (not all plain safe text: the check above failed)
    cells[:] = [neutralise(_plain(u)) for u in uniques]
    return cells[codes].tolist()


def _plain_safe_text(values: np.ndarray) -> bool:
    """True when every one of ``values`` is text that no spreadsheet reads as a formula, so
    each is its own cell; checked on all of them joined by NUL (a value's first character
    follows a NUL, or starts the whole)."""
    joined = nul_joined(values)
    if joined is None:
        return False
    return not (joined.startswith(FORMULA_START) or any("\x00" + start in joined for start in FORMULA_START))


def _json_value(value):
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float):
        return round(value, 4)
    return value


def write_json(frame: pd.DataFrame, stream: IO[str]) -> None:
    records = [{c: _json_value(v) for c, v in zip(frame.columns, row)}
               for row in frame.itertuples(index=False, name=None)]
    write_indented_json(records, stream)
    stream.write("\n")


def indented_json(value) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, character for character, in half the time.

    The one writer of the commands' indented JSON. Python 3.11's json module writes indented
    JSON in pure Python, through a chain of generators, one per level; this is one function
    that writes a plain ``str`` or ``int`` inside a container with the container, and each
    string with the json module's own C function. The same rules, in the json module's order:
    ``str``; ``None``, ``True``, ``False``; ``int`` (its ``int`` form); ``float`` (``NaN``,
    ``Infinity``, ``-Infinity`` or its ``float`` form); list and tuple; dict (keys ``str``,
    ``float``, ``True``, ``False``, ``None`` or ``int``, in the dict's order); anything else is
    a ``TypeError``. (A container that holds itself, which no command writes, exhausts the
    recursion instead of the json module's ``ValueError``.)
    """
    text = io.StringIO()
    write_indented_json(value, text)
    return text.getvalue()


JSON_PIECES = 20_000  # pieces held before they are written (the text of a few thousand rows)


def write_indented_json(value, stream: IO[str]) -> None:
    """:func:`indented_json` of ``value`` written to ``stream`` as it is made, a few thousand rows
    at a time (as ``json.dump`` does): the whole text is never held in memory at once."""
    parts: list[str] = []

    def flush() -> None:
        if len(parts) >= JSON_PIECES:
            stream.write("".join(parts))
            parts.clear()

    _put_json(value, "\n", parts, flush, {})
    stream.write("".join(parts))


_json_string = json.encoder.encode_basestring  # the json module's C function when ensure_ascii=False


def _put_json(value, newline: str, parts: list[str], flush, heads: dict) -> None:
    """Add the pieces of ``value``'s JSON to ``parts``; ``newline``: a line break and the indent
    of its line; ``flush()`` is called after each item of a list (to write what is held);
    ``heads``: the text before each key's value made so far (the punctuation, indent, key and
    colon; rows repeat their keys), by (indent, the key's JSON text, whether first)."""
    put = parts.append
    kind = type(value)
    if kind is str:
        put(_json_string(value))
    elif kind is int:
        put(int.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            put("{}")
            return
        inner = newline + "  "
        first = True
        for key, item in value.items():
            name = key if type(key) is str else _json_key(key)  # by its text: True, 1 and 1.0 are one dict key
            head = heads.get((inner, name, first))
            if head is None:
                head = heads[inner, name, first] = ("{" if first else ",") + inner + _json_string(name) + ": "
            first = False
            kind = type(item)
            if kind is str:  # the plain values of a row, written with it
                put(head + _json_string(item))
            elif kind is int:
                put(head + int.__repr__(item))
            else:
                put(head)
                _put_json(item, inner, parts, flush, heads)
        put(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            put("[]")
            return
        inner = newline + "  "
        before = "[" + inner
        for item in value:
            put(before)
            _put_json(item, inner, parts, flush, heads)
            before = "," + inner
            flush()
        put(newline + "]")
    else:
        put(_json_scalar(value))


def _json_scalar(value) -> str:
    if isinstance(value, str):
        return _json_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _json_float(value)
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _json_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == math.inf:
        return "Infinity"
    if value == -math.inf:
        return "-Infinity"
    return float.__repr__(value)


def _json_key(key) -> str:
    """A key that is not a ``str``, as the json module turns it into one."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _json_float(key)
    if key is True or key is False or key is None:
        return _json_scalar(key)
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def write_table(frame: pd.DataFrame, stream: IO[str]) -> None:
    if frame.empty:
        stream.write("(none)\n")
        return
    cells = [[printable(str(_plain(v))) for v in row] for row in frame.itertuples(index=False, name=None)]
    header = [printable(str(c)) for c in frame.columns]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()
    stream.write(line + "\n" + "  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        stream.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")


def emit(frame: pd.DataFrame, fmt: str, stream: IO[str],
         table: Callable[[pd.DataFrame, IO[str]], None] | None = None) -> None:
    """Write ``frame`` in ``fmt``; ``table`` overrides the plain table for human output.

    Whatever reaches a terminal is made :func:`printable`, CSV and JSON included (a pipe or
    file gets them exact).
    """
    if fmt != "table":
        stream = for_terminal(stream)
    if fmt == "csv":
        write_csv(frame, stream)
    elif fmt == "json":
        write_json(frame, stream)
    else:
        (table or write_table)(frame, PrintableStream(stream))


def write_validation_json(source: str, problems, stream: IO[str]) -> None:
    """``validate --format json``: one object with the counts and every problem found."""
    problems = list(problems)
    errors = sum(p.severity == "error" for p in problems)
    report = {"source": source, "valid": errors == 0, "errors": errors, "warnings": len(problems) - errors,
              "problems": [{"severity": p.severity, "file": p.file, "row": p.row, "column": p.column,
                            "message": p.message} for p in problems]}
    write_indented_json(report, stream)
    stream.write("\n")
