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


def write_csv(frame: pd.DataFrame, stream: IO[str]) -> None:
    """CSV with every cell made plain text and spreadsheet-safe, one column at a time.

    Rows are written to memory a chunk at a time and each chunk to ``stream`` in one write
    (the same text as row by row, without a call into the stream per row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(c) for c in frame.columns])
    columns = [_csv_column(frame[c]) for c in frame.columns] if len(frame.columns) else []
    rows = zip(*columns)
    while True:
        chunk = list(itertools.islice(rows, CSV_CHUNK))
        writer.writerows(chunk)
        stream.write(buffer.getvalue())
        if len(chunk) < CSV_CHUNK:
            return
        buffer.seek(0)
        buffer.truncate()


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


def nul_joined(values) -> str | None:
    """``values`` joined by NUL when every one is text holding no NUL of its own, else None:
    one string in which to check them all at once, since a value starts at the start or
    after a NUL and ends before a NUL or at the end (``io._cleaned``, :func:`_plain_safe_text`)."""
    try:
        joined = "\x00".join(values)
    except TypeError:  # not all text
        return None
    if joined.count("\x00") != max(len(values) - 1, 0):  # a value holds NUL itself
        return None
    return joined


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
    json.dump(records, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


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
    json.dump(report, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
