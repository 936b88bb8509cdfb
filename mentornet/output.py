"""One way to write rows for every command: an aligned table, CSV or JSON.

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
or a tab/carriage return) are prefixed with ``'`` so they are shown as text (DESIGN.md §5).
"""
from __future__ import annotations

import csv
import json
import math
from typing import IO, Callable

import pandas as pd

FORMATS = ("table", "csv", "json")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A spreadsheet-safe version of one cell."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


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


def write_csv(frame: pd.DataFrame, stream: IO[str]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([neutralise(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([neutralise(_plain(v)) for v in row])


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
    cells = [[str(_plain(v)) for v in row] for row in frame.itertuples(index=False, name=None)]
    header = [str(c) for c in frame.columns]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()
    stream.write(line + "\n" + "  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        stream.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")


def emit(frame: pd.DataFrame, fmt: str, stream: IO[str],
         table: Callable[[pd.DataFrame, IO[str]], None] | None = None) -> None:
    """Write ``frame`` in ``fmt``; ``table`` overrides the plain table for human output."""
    if fmt == "csv":
        write_csv(frame, stream)
    elif fmt == "json":
        write_json(frame, stream)
    else:
        (table or write_table)(frame, stream)
