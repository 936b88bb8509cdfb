"""Reading and validating a dataset directory (DESIGN.md section 2) and a policy file.

Every problem is collected first, then :class:`~mentornet.errors.DataError` is raised once
with all of them. Rows are numbered as a spreadsheet shows them (header = row 1).
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import datetime as dt
import io as _io
import re
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import DataError, Problem
from .model import (
    FOCI,
    IDENTITY_PREFIX,
    INT_POLICY_FIELDS,
    INT_POLICY_MAXIMUM,
    MENTEE_BY_DEFAULT,
    REL_TYPES,
    ROLES,
    STATUSES,
    Dataset,
    Policy,
    fold,
    nul_joined,
    processors,
)

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PEOPLE = "people"
RELATIONSHIPS = "relationships"
PEOPLE_REQUIRED = ("id", "role")
REL_REQUIRED = ("source", "target", "type")
PEOPLE_LIST_COLUMNS = ("research_interests", "career_interests", "seeks_concordance", "leadership")
PEOPLE_TEXT_COLUMNS = ("name", "department", "institution", "career_stage")
REL_COLUMNS = ("source", "target", "type", "focus", "status", "since", "last_met", "formal")
TRUE = frozenset({"true", "yes", "1"})
FALSE = frozenset({"false", "no", "0"})
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CAPACITY_RE = re.compile(r"^\+?[0-9]+(\.0*)?$")
MAX_COLUMNS = 1_000  # far more than any real table; keeps a mangled file from stalling the reader
MAX_CAPACITY = 1_000_000  # far above any real mentor; keeps the number a machine integer
PATH_SEPARATOR = ">"  # referral paths are ids joined by it (DESIGN.md section 3)
MAX_PREAMBLE = 20  # rows searched for the header below a title or notes rows
REQUIRED = {PEOPLE: PEOPLE_REQUIRED, RELATIONSHIPS: REL_REQUIRED}
#: Columns whose cells repeat a lot (a few roles and types, dates, topic lists, yes and no, over
#: many rows; every identity column too): the CSV parser reads them as categories, hashing each
#: cell's bytes as it reads them and making one text per distinct cell, not one per row to be
#: hashed again. Ids and names, nearly one per row, and columns mentornet does not use are read
#: as text (a category per row would cost more than it saves). See :func:`_repeats`.
REPEATING = {PEOPLE: frozenset({"role", "department", "institution", "career_stage", "mentee", "capacity",
                                "accepting", *PEOPLE_LIST_COLUMNS}),
             RELATIONSHIPS: frozenset(REL_COLUMNS) - {"source", "target"}}
SEPARATORS_RE = re.compile(r"[\s_\-]+")
LIST_SEPARATOR_RE = re.compile(r"[;,]")
#: what ends a line (Python's ``str.splitlines``): LF, CR, vertical tab (FileMaker's return in a
#: field), form feed, the file/group/record separators, NEL, the line and paragraph separators
LINE_BREAK_RE = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
ASCII_SPACES = "".join(chr(c) for c in range(128) if chr(c).isspace())  # what str.strip removes of ASCII
_NOT_SPACE_RE = re.compile(b"[^" + re.escape(ASCII_SPACES.encode("ascii")) + b"]")
CSV_SEPARATORS = (",", ";")  # tried in turn on the header row
MANY_BLANK_LINES = 10_000  # past this many lines that may be blank, _maybe_blank reads every line's first byte
#: A line end followed by what cannot start a filled first cell (a control or space, a
#: non-ASCII byte, a line end, the separator), per separator; only the line end is matched,
#: so that one found right after it is found too. (:func:`_maybe_blank_lines` says the same
#: with numpy; a test holds the two to each other.)
_BLANK_START_RE = {sep: re.compile(rb"\n(?=[^!-~]|" + re.escape(sep.encode("ascii")) + rb")")
                   for sep in CSV_SEPARATORS}
EDGE_SPACE_RE = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")  # a space (str.strip's) starting or ending a NUL-joined value
IDENTITY_HEADER_RE = re.compile(r"^identity(?:\s*[.:]|[\s_\-])\s*(.*)$", re.DOTALL)
NEAR_MISS = 0.8  # difflib ratio above which an unknown column is taken for a typo of a known one
INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cn"})  # control, format, separators, unassigned
MAX_REPORTED = 200  # problems listed in a message; the count of the rest is still given
THREADED_IDS = 100_000  # cells in an id column from which _distinct_ids factorizes the columns on threads


# --------------------------------------------------------------------------- files


def find_table(directory: Path, stem: str) -> Path:
    """The file holding table ``stem``: ``stem.csv``, ``stem.xlsx``, or the one workbook in
    ``directory`` with a sheet named ``stem`` (a single export holding both tables). More than
    one of them is an error: one is likely an older copy, and reading either could be reading
    the wrong one."""
    csv_path, xlsx_path = directory / f"{stem}.csv", directory / f"{stem}.xlsx"
    named = [path for path in (csv_path, xlsx_path) if path.exists()]
    holders = [path for path in sorted(directory.glob("*.xlsx"))
               if path not in named and not path.name.startswith(("~$", ".")) and path.is_file()
               and stem in {normal_name(title) for title in _workbook().sheet_names(_read_bytes(path))}]
    if named and len(named) + len(holders) > 1:  # (workbooks alone: their own message below)
        listed = ", ".join(f"{p.name} (sheet {stem!r})" if p in holders else p.name for p in named + holders)
        raise DataError(Problem(str(directory), f"the {stem} table is in more than one file here ({listed}), "
                                                "and one is probably an older copy; keep only the one to read "
                                                "(move the others away)"))
    if named:
        return named[0]
    if len(holders) == 1:
        return holders[0]
    if len(holders) > 1:
        raise DataError(Problem(str(directory), f"several workbooks hold a sheet named {stem!r} "
                                                f"({', '.join(p.name for p in holders)}); keep only one"))
    raise DataError(Problem(str(csv_path), f"missing file: expected {stem}.csv or {stem}.xlsx "
                                           f"(or one workbook with a sheet named {stem!r})"))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def read_table(path: Path, stem: str | None = None) -> pd.DataFrame:
    """Read one CSV or Excel table as text cells, header names normalised (:func:`normal_name`).

    The frame's index is each row's number as a spreadsheet shows it; rows whose cells are all
    empty are left out. With ``stem`` (``people`` or ``relationships``) the header is found
    below a title row, and a workbook's sheet of that name is read.
    """
    frame = _read_table(path, stem)[0]
    return frame.astype({c: object for c, t in frame.dtypes.items() if isinstance(t, pd.CategoricalDtype)})


def _read_table(path: Path, stem: str | None) -> tuple[pd.DataFrame, str, list[Problem]]:
    """(frame, the name messages give the file, warnings about what the reader chose)."""
    name = str(path)
    if path.is_dir():
        raise DataError(Problem(name, "is a directory, expected a file"))
    if not path.is_file():  # a pipe or device would block or never end
        raise DataError(Problem(name, "not a regular file (a pipe, socket or device?)"))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(Problem(name, f"cannot read file: {exc.strerror or exc}")) from None
    if path.suffix.lower() == ".xlsx":
        return _read_excel(raw, path, stem, REQUIRED.get(stem, ()))
    frame, notes = _read_csv(raw, name, stem)
    return frame, name, notes


def _read_csv(raw: bytes, name: str, stem: str | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """The CSV in ``raw`` as cells of text, checked and read as bytes: ASCII is UTF-8 as it is,
    anything else is decoded once to check it, and a line end, a quote or a separator is one
    byte in UTF-8, so what is counted on the bytes is what would be counted on the text.

    With ``stem`` (``people`` or ``relationships``) the header is found below a title row
    (:func:`_find_csv_header`), and the table's :data:`REPEATING` columns are read as
    categorical columns (the same texts, each distinct cell made once; :func:`_factorized`
    takes their codes as they are); every other column is read as text."""
    required = REQUIRED.get(stem, ())
    if _looks_utf16(raw):
        raise DataError(Problem(name, "this file is UTF-16 encoded (as some spreadsheets save 'Unicode text'); "
                                      "save it as CSV UTF-8", row=1))
    if raw.isascii():
        blank_file = _NOT_SPACE_RE.search(raw) is None  # what str.strip removes of ASCII, and nothing else
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            row = _one_line_end(raw[:exc.start]).count(b"\n") + 1
            raise DataError(
                Problem(name, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                              "save the file as UTF-8", row=row)
            ) from None
        blank_file = not text or text.isspace()
        del text
        raw = raw.removeprefix(codecs.BOM_UTF8)  # what utf-8-sig leaves out
    raw = _one_line_end(raw)
    if b"\x00" in raw:
        row = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise DataError(Problem(name, "contains a NUL byte: this looks like a binary file, not CSV", row=row))
    if blank_file:
        raise DataError(Problem(name, "file is empty: expected a header row", row=1))
    head = _first_lines(raw)
    start, header_row, sep = _find_csv_header(head, required)
    offset = len(head[:start].encode("utf-8"))
    body = raw[offset:] if offset else raw
    width = _header_width(body, sep)
    if width > MAX_COLUMNS:  # pandas would take seconds per 100,000 columns
        raise DataError(Problem(name, f"the header has {width:,} cells; a table has at most {MAX_COLUMNS:,} "
                                      "columns (is this the right file?)", row=header_row))
    try:
        # header=None: every line, the header included, is parsed alike, so a row with
        # more cells than the header is an error instead of silently becoming an index;
        # blank lines are kept so that every row keeps the number a spreadsheet shows
        frame = pd.read_csv(
            _io.BytesIO(body), sep=sep, dtype=_column_types(head[start:], sep, width, stem), header=None,
            keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c",
        )
    except pd.errors.ParserError as exc:
        if "read(nbytes) on source failed" in str(exc):
            # the text is in memory, so only Ctrl-C fails a read; pandas drops the KeyboardInterrupt
            raise KeyboardInterrupt from None
        row = _parser_row(exc)
        raise DataError(Problem(name, _parser_message(exc), row=None if row is None else row + header_row - 1)) \
            from None
    except (csv.Error, ValueError) as exc:
        raise DataError(Problem(name, f"cannot parse CSV: {exc}")) from None
    header = frame.iloc[0].astype(object).fillna("")  # (a row of categorical columns alike is categorical)
    frame = frame.iloc[1:]
    frame.columns = list(header)
    frame.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(frame))
    lines = _unquoted_records(body)  # for both checks, worked out once
    blank = _blank_rows(frame, _maybe_blank(body, sep, len(frame), lines))
    _check_ragged(body, frame, blank, name, sep, lines)
    notes = _preamble_note(head[:start], header_row, name)
    # no cell is missing: na_filter is off and _check_ragged refused short rows
    return _normalise_header(frame[~blank] if blank.any() else frame, name, header_row, copy=False), notes


def _one_line_end(raw: bytes) -> bytes:
    """CRLF and lone CR (old Mac exports) as LF, so every reader below counts the same rows (in
    UTF-8, CR and LF are never part of another character)."""
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in raw else raw


def _first_lines(raw: bytes) -> str:
    """The first :data:`MAX_PREAMBLE` lines of ``raw`` (line ends included), decoded: all that
    the header search reads."""
    end = -1
    for _ in range(MAX_PREAMBLE):
        end = raw.find(b"\n", end + 1)
        if end < 0:
            return raw.decode("utf-8")
    return raw[:end + 1].decode("utf-8")


@contextlib.contextmanager
def _csv_reader(body: bytes, sep: str) -> Iterator[Iterator[list[str]]]:
    """:mod:`csv`'s reader of the UTF-8 ``body`` (decoded as it is read, line ends left as they
    are), a quoted cell allowed to be as long as the file; the module's limit is put back after."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(body) + 1))
    try:
        yield csv.reader(_io.TextIOWrapper(_io.BytesIO(body), encoding="utf-8", newline=""), delimiter=sep)
    finally:
        csv.field_size_limit(limit)


def _find_csv_header(text: str, required) -> tuple[int, int, str]:
    """(offset, row number, delimiter) of the header: the first of the first few rows that holds
    every ``required`` column when split on ``,`` (or else on ``;``); without one, the first
    non-blank row, split on ``,``."""
    first = None
    offset = 0
    for number, line in enumerate(text.split("\n", MAX_PREAMBLE)[:MAX_PREAMBLE], start=1):
        if line.count('"') % 2:  # a cell running over several lines: no title row looks like this
            break
        if line.strip():
            if first is None:
                first = (offset, number, ",")
            if not required:
                break
            for sep in CSV_SEPARATORS:
                try:
                    names = {normal_name(cell) for cell in next(csv.reader([line], delimiter=sep), [])}
                except csv.Error:  # a cell longer than the csv module allows: no header
                    names = set()
                if all(column in names for column in required):
                    return offset, number, sep
        offset += len(line) + 1
    return first if first is not None else (0, 1, ",")


def _column_types(text: str, sep: str, width: int, stem: str | None) -> dict[int, object] | type:
    """The parser's type for each of the ``width`` columns of the header that starts ``text``:
    ``"category"`` for the ``stem`` table's :data:`REPEATING` columns, else text. All text
    (``object``) when the header's line holds a quote (a quoted cell may run over lines) or its
    cells are not ``width``: a category is only faster."""
    line = text.split("\n", 1)[0]
    names = [] if '"' in line else [normal_name(cell) for cell in line.split(sep)]
    if len(names) != width:
        return object
    return {i: "category" if _repeats(stem, name) else object for i, name in enumerate(names)}


def _repeats(stem: str | None, column: str) -> bool:
    """Whether the ``stem`` table's ``column`` (a normalised header name) is read as categories:
    one of :data:`REPEATING`, or a person's identity column."""
    return column in REPEATING.get(stem, ()) or (stem == PEOPLE and column.startswith(IDENTITY_PREFIX))


def _preamble_note(preamble: str, header_row: int, name: str) -> list[Problem]:
    """A warning naming the non-blank rows above the header, which are not read."""
    lines = [re.sub(r"[,;\s]+$", "", line).strip() for line in preamble.split("\n")[:header_row - 1]]
    skipped = [(n, line) for n, line in enumerate(lines, start=1) if line.strip(",; ")]
    if not skipped:
        return []
    rows = ", ".join(str(n) for n, _ in skipped)
    return [Problem(name, f"row(s) {rows} above the header (row {header_row}) are not data and were skipped: "
                          f"{_short(skipped[0][1])!r}", row=skipped[0][0], severity="warning")]


def _blank_rows(frame: pd.DataFrame, candidates: np.ndarray | None = None) -> np.ndarray:
    """Rows whose every cell is empty or spaces (trailing blank rows of a sheet are normal).

    Columns are checked in turn on the rows still blank, so a filled first column ends it;
    ``candidates``: the positions that may be blank (every row when not given)."""
    if candidates is None:
        candidates = np.arange(len(frame))
    for col in range(frame.shape[1]):
        if not len(candidates):
            break
        values = frame.iloc[candidates, col].to_numpy()
        candidates = candidates[np.array([not (v or "").strip() for v in values.tolist()], dtype=bool)]
    blank = np.zeros(len(frame), dtype=bool)
    blank[candidates] = True
    return blank


def _maybe_blank(body: bytes, sep: str, rows: int, lines: int | None) -> np.ndarray | None:
    """Positions of the rows that may be blank, from the first byte of each line of ``body``
    (the header's line first, LF line ends): a line starting with a visible ASCII character
    other than the separator holds a filled first cell. None (every row may be) when lines
    are not rows: a quoted cell may span lines, or the lines do not add up to ``rows``.

    The lines that may be blank are found by a search for the line ends before them (a
    real export has none or a few), counted as rows from one to the next; past
    :data:`MANY_BLANK_LINES` of them, every line's first byte is read instead. ``lines``:
    :func:`_unquoted_records` of ``body``."""
    if lines != rows + 1:  # None (a quote) too
        return None
    found, line, last = [], 0, 0  # line: how many line ends come before position last
    for match in _BLANK_START_RE[sep].finditer(body):
        if len(found) == MANY_BLANK_LINES:
            return _maybe_blank_lines(body, sep, rows)
        at = match.start()
        line += body.count(b"\n", last, at)
        last = at
        found.append(line)  # the line after the line end numbered `line` is row `line` below the header
    # (every one is a row: the last line end of a body that ends with one has no byte after it)
    return np.array(found, dtype=np.intp)


def _maybe_blank_lines(body: bytes, sep: str, rows: int) -> np.ndarray:
    """:func:`_maybe_blank` by every line's first byte (when many lines may be blank), for a
    ``body`` without quotes whose lines are its ``rows`` and the header's (as that checks first)."""
    data = np.frombuffer(body, dtype=np.uint8)
    newline = np.flatnonzero(data == ord("\n"))
    starts = newline[:rows] + 1  # row i (0-based, below the header) begins after the header's line and i more
    first = np.full(rows, ord("\n"), dtype=np.uint8)
    inside = starts < len(data)
    first[inside] = data[starts[inside]]
    filled = (first > ord(" ")) & (first < 0x7F) & (first != ord(sep))
    return np.flatnonzero(~filled)


def _records(body: bytes) -> int:
    """Lines of ``body`` (LF line ends; a last line without one counts)."""
    return body.count(b"\n") + (0 if body.endswith(b"\n") else 1)


def _unquoted_records(body: bytes) -> int | None:
    """:func:`_records` of ``body``, or None when it holds a quote (a quoted cell may span lines,
    so lines are not records): what the blank-row and short-row checks start from."""
    return None if b'"' in body else _records(body)


def _first_line(body: bytes) -> bytes:
    return body[:body.find(b"\n")] if b"\n" in body else body


def _header_width(body: bytes, sep: str = ",") -> int:
    """Cells in the first record (read alone, so a huge header costs no more than its length)."""
    line = _first_line(body)
    if line and b'"' not in line:  # no quoting: the csv module splits on every separator
        return line.count(sep.encode("ascii")) + 1
    try:
        with _csv_reader(body, sep) as records:
            return len(next(records, []))
    except csv.Error:
        return 0  # let the parser report it, with its row


def _looks_utf16(raw: bytes) -> bool:
    """A UTF-16 byte-order mark, or text whose every other byte is NUL."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = raw[:200]
    return len(head) >= 4 and (head[1::2].count(0) == len(head[1::2]) or head[0::2].count(0) == len(head[0::2]))


def _parser_row(exc: Exception) -> int | None:
    text = str(exc)
    m = re.search(r"in line (\d+)", text) or re.search(r"at row (\d+)", text)
    if not m:
        return None
    number = int(m.group(1))
    return number + 1 if "at row" in text else number


def _parser_message(exc: Exception) -> str:
    text = str(exc)
    if "EOF inside string" in text:
        return "unclosed quote: a quoted cell is never closed"
    m = re.search(r"Expected (\d+) fields in line \d+, saw (\d+)", text)
    if m:
        return f"row has {m.group(2)} cells but the header has {m.group(1)}"
    return f"cannot parse CSV: {text.strip()}"


def _check_ragged(body: bytes, frame: pd.DataFrame, blank: np.ndarray, name: str, sep: str,
                  lines: int | None) -> None:
    """Rows with fewer cells than the header (pandas would quietly fill them with '').

    ``body`` is the UTF-8 text from the header on; blank lines count as records, as they do
    for pandas, and ``blank`` marks the rows :func:`_blank_rows` found (an empty line is one);
    ``lines``: :func:`_unquoted_records` of ``body``."""
    if frame.empty or _no_short_record(body, sep, len(frame), lines, any_blank=bool(blank.any())):
        return
    counts = _cells_per_record(body, sep)[1:]
    if len(counts) != len(frame):  # cannot happen: both readers keep every record
        raise DataError(Problem(name, "cannot parse CSV: rows could not be counted"))
    short = np.flatnonzero((counts < len(frame.columns)) & ~blank)
    if len(short):
        raise DataError([
            Problem(name, f"row has {int(counts[i])} cells, fewer than the header's {len(frame.columns)}",
                    row=int(frame.index[i]))
            for i in short[:MAX_REPORTED]
        ])


def _no_short_record(body: bytes, sep: str, rows: int, lines: int | None, *, any_blank: bool) -> bool:
    """True when, without counting line by line, no record can have fewer cells than the header:
    no quotes, no blank line, and as many separators as ``rows`` full records and the header
    hold (the parser has refused any record with more cells, so none can make up for a short
    one). False means: count them. ``body`` is in UTF-8, where an ASCII byte is always that
    character, so bytes are counted as the characters would be. Without ``any_blank`` (no
    row below the header is blank, and an empty line would be) there is no empty line to look
    for. ``lines``: :func:`_unquoted_records` of ``body``."""
    if lines != rows + 1 or (any_blank and b"\n\n" in body) or body.startswith(b"\n"):  # lines None: a quote
        return False
    width = _first_line(body).count(sep.encode("ascii")) + 1  # the header: no quote, so every separator splits
    return body.count(sep.encode("ascii")) == lines * (width - 1)


def _cells_per_record(body: bytes, sep: str = ",") -> np.ndarray:
    """Number of cells in each record of the UTF-8 ``body`` (LF line ends only), blank lines
    included as 0 (vectorised when it has no quotes)."""
    if b'"' in body:
        with _csv_reader(body, sep) as records:
            return np.array([len(r) for r in records], dtype=np.int64)
    data = np.frombuffer(body, dtype=np.uint8)
    newline = np.flatnonzero(data == ord("\n"))
    ends = np.append(newline, len(data))
    starts = np.concatenate([[0], newline + 1])
    if len(data) and data[-1] == ord("\n"):  # the line end of the last record opens no new one
        ends, starts = ends[:-1], starts[:-1]
    commas = np.flatnonzero(data == ord(sep))
    blank = (ends - starts) == 0
    counts = np.searchsorted(commas, ends) - np.searchsorted(commas, starts) + 1
    counts[blank] = 0
    return counts


def _workbook():
    """:mod:`mentornet.workbook` (openpyxl), imported only when a workbook is read."""
    from . import workbook

    return workbook


def _read_excel(raw: bytes, path: Path, stem: str | None, required) -> tuple[pd.DataFrame, str, list[Problem]]:
    name = str(path)
    sheet = _workbook().read_sheet(raw, name, want=stem or "", normal=normal_name, max_columns=MAX_COLUMNS)
    if stem and normal_name(path.stem) != stem:  # one workbook holding both tables: say which sheet
        name = f"{name}, sheet {sheet.title}"
    notes = [Problem(name, note, severity="warning") for note in sheet.notes]
    rows = sheet.rows
    if not rows:
        raise DataError(Problem(name, "the sheet is empty: expected a header row", row=1))
    header_row = _find_sheet_header(rows, required)
    header = rows[header_row]
    width = max(header)
    _check_merged(sheet.merged, rows, header_row, name)
    problems = _unread_cells(sheet.unread, header_row)  # a title row above the header is not read
    data = []
    numbers = []
    for number in sorted(r for r in rows if r > header_row):
        cells = rows[number]
        beyond = [c for c in cells if c > width]
        if beyond:
            problems.append(Problem(name, f"cell {_workbook().get_column_letter(beyond[0])}{number} holds a value but its "
                                          "column has no header", row=number))
        data.append([cells.get(c, "") for c in range(1, width + 1)])
        numbers.append(number)
    if problems:
        raise DataError(problems[:MAX_REPORTED])
    frame = pd.DataFrame(data, columns=[header.get(c, "") for c in range(1, width + 1)],
                         index=pd.Index(numbers, dtype=np.int64), dtype=object)
    preamble = "\n".join(" ".join(rows[r].values()) if r in rows else "" for r in range(1, header_row))
    notes += _preamble_note(preamble, header_row, name)
    return _normalise_header(frame, name, header_row), name, notes


MAX_UNREAD_CELLS = 20  # error values and uncalculated formulas listed before the rest are counted


def _unread_cells(unread: dict[int, list[Problem]], header_row: int) -> list[Problem]:
    """The problems of the cells whose value the workbook does not hold (``Sheet.unread``), in
    the header row and below: up to :data:`MAX_UNREAD_CELLS`, then how many more."""
    found = [p for number in sorted(unread) if number >= header_row for p in unread[number]]
    if len(found) > MAX_UNREAD_CELLS:
        more = len(found) - MAX_UNREAD_CELLS
        found = found[:MAX_UNREAD_CELLS] + [Problem(found[0].file, f"... and {more:,} more such cells")]
    return found


def _find_sheet_header(rows: dict[int, dict[int, str]], required) -> int:
    """The first of the first few non-empty rows that holds every required column (else the first)."""
    numbers = sorted(rows)
    for number in numbers[:MAX_PREAMBLE] if required else ():
        if all(column in {normal_name(v) for v in rows[number].values()} for column in required):
            return number
    return numbers[0]


def _check_merged(merged, rows, header_row, name):
    """Cells merged down one column take the merged value in every row that holds other data
    (as a person reads a grouped export); any other merge within the table is refused."""
    problems = []
    for min_col, min_row, max_col, max_row in merged:
        if max_row < header_row:
            continue  # a title spanning the columns above the table
        ref = f"{_workbook().get_column_letter(min_col)}{min_row}:{_workbook().get_column_letter(max_col)}{max_row}"
        if min_col != max_col or min_row <= header_row:
            problems.append(Problem(name, f"cells {ref} are merged; unmerge them (Home, Merge & Center, "
                                          "Unmerge Cells) and give each cell its own value", row=min_row))
            continue
        value = rows.get(min_row, {}).get(min_col)
        if value is None:
            continue
        for number in range(min_row + 1, max_row + 1):
            if number in rows:  # only rows that exist: a merge cannot conjure rows out of nothing
                rows[number].setdefault(min_col, value)
    if problems:
        raise DataError(problems[:MAX_REPORTED])


def normal_name(header: object) -> str:
    """A header cell as the column it names: case, surrounding spaces and runs of spaces, ``_``
    or ``-`` do not matter, and ``identity`` followed by ``.``, ``:``, ``-`` or a space and a
    name is ``identity.<name>`` (``Identity: First Gen`` is ``identity.first_gen``)."""
    text = fold(unicodedata.normalize("NFC", str(header)).strip())
    m = IDENTITY_HEADER_RE.match(text)
    if m:
        return IDENTITY_PREFIX + SEPARATORS_RE.sub("_", m.group(1)).strip("_")
    return SEPARATORS_RE.sub("_", text)


def _normalise_header(frame: pd.DataFrame, name: str, header_row: int = 1, *, copy: bool = True) -> pd.DataFrame:
    """``frame`` with its header names normalised (:func:`normal_name`); ``copy=False`` when the
    caller's frame is its own (freshly parsed) and may be relabelled in place."""
    problems = []
    columns = []
    first_cell = {}
    for i, col in enumerate(frame.columns):
        original = str(col)
        text = normal_name(original)
        if not text or text.startswith("unnamed:"):
            problems.append(Problem(name, f"header cell {i + 1} is empty", row=header_row))
        elif text in first_cell:
            j, other = first_cell[text]
            problems.append(Problem(name, f"column appears twice in the header: {_short(other.strip())!r} "
                                          f"(cell {j + 1}) and {_short(original.strip())!r} (cell {i + 1}) both "
                                          f"mean {_short(text)}; rename or remove one", row=header_row, column=_short(text)))
        else:
            first_cell[text] = (i, original)
        columns.append(text)
    if problems:
        raise DataError(problems)
    if copy:
        frame = frame.copy()
    frame.attrs["header_cells"] = [str(c) for c in frame.columns]  # as written, for hints
    frame.columns = columns
    frame.attrs["header_row"] = header_row
    return frame


# --------------------------------------------------------------------------- helpers


def _factorized(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct cells as text): every rule below runs once per distinct cell and is
    spread to the rows through the codes (ids, types and dates repeat a lot). A categorical
    column (:data:`REPEATING`) is already that: its categories may include cells no row holds
    (the header's, a blank row's), which no code names."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        if not len(codes) or codes.min() >= 0:  # no cell missing (code -1): see _factorized_values
            return codes, series.cat.categories.to_numpy(dtype=object)
    values = series.to_numpy(dtype=object)
    if len(values) > 10_000 and (values[:1_000] == "").sum() > 500:
        # a mostly empty optional column (as its first rows tell): only its filled cells are hashed
        filled = np.flatnonzero(values != "")
        codes, uniques = _factorized_values(values[filled])
        spread = np.zeros(len(values), dtype=np.intp)  # the empty cell is code 0
        spread[filled] = codes + 1
        return spread, np.concatenate([np.array([""], dtype=object), uniques])
    return _factorized_values(values)


def _factorized_values(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values)  # cells are text: no missing value to look for first
    if len(codes) and codes.min() < 0:  # but one was missing: it is a distinct cell too
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def _mapped(values, func) -> np.ndarray:
    mapped = np.empty(len(values), dtype=object)
    mapped[:] = [func(str(u)) for u in values]
    return mapped


def _distinct(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, texts): :func:`_strip` as codes into the trimmed NFC text of each distinct cell
    (two cells that trim alike are two codes with the same text)."""
    codes, uniques = _factorized(series)
    return codes, _cleaned(uniques)


def _distinct_ids(columns: list[pd.Series], ids: pd.Index) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each of ``columns`` of person ids, (codes, texts, positions): :func:`_distinct` of
    the column, with each text's position in ``ids`` (-1 for an unknown text). ``ids`` must be
    the distinct people ids as :func:`parse_people` gives them: text, each already trimmed and
    in NFC, so that a cell equal to one needs no cleaning.

    The cells are factorized after ``ids`` themselves, so that a cell equal to a known id
    takes that id's code, its position (``ids`` are distinct, so the first ``len(ids)`` codes
    are their positions): one hash look-up per cell, none for the column's distinct cells
    again. Only the cells left over (unknown ids, ids with spaces around them or not in NFC)
    are cleaned and looked up by their trimmed NFC text.

    From :data:`THREADED_IDS` cells a column, the columns are factorized side by side, on up
    to :func:`~mentornet.model.processors` threads: pandas hashes text (its string table) mostly
    outside the GIL, and a column in random order spends its time waiting on memory (a million
    people's ids, ten million cells: the target column 3.3 s, the sorted source 1 s; the two
    3.5-3.7 s side by side against 4.5-4.7 s one after the other). Only that runs in the
    threads, each on arrays of its own; the rest, which looks ``ids`` up, runs after, in order.
    Where no thread can start (at the interpreter's exit), they are factorized in turn."""
    known = ids.to_numpy(dtype=object)

    def factorized(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        return _factorized_values(np.concatenate([known, series.to_numpy(dtype=object)]))

    workers = processors(at_most=len(columns))  # a pool starts no more threads than it is given columns
    done = None
    if workers > 1 and len(columns[0]) >= THREADED_IDS:
        try:
            with ThreadPoolExecutor(workers, thread_name_prefix="mentornet-read") as pool:
                done = list(pool.map(factorized, columns))
        except RuntimeError:  # "cannot schedule new futures after interpreter shutdown"
            pass
    if done is None:
        done = [factorized(series) for series in columns]
    n = len(known)
    found = []
    for codes, uniques in done:
        others = _cleaned(uniques[n:])
        positions = np.concatenate([np.arange(n, dtype=np.intp), ids.get_indexer(others).astype(np.intp, copy=False)])
        found.append((codes[n:], np.concatenate([known, others]), positions))
    return found


def _spread(values: np.ndarray, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Each row's value, ``values[codes]``, as an object Series on ``index``; the array the take
    makes becomes the Series' own (pandas 3 would copy it again, one reference a row)."""
    return pd.Series(values[codes], index=index, dtype=object, copy=False)


def _strip(series: pd.Series) -> pd.Series:
    """Trimmed text in Unicode NFC, computed once per distinct value (ids and types repeat a lot)."""
    codes, uniques = _factorized(series)
    return _spread(_cleaned(uniques), codes, series.index)


def _cleaned(values: np.ndarray) -> np.ndarray:
    """:func:`_clean` of each of ``values``, checked on all of them joined when they are text:
    without a space at either end of one and already in NFC, every one is its own clean text.

    NUL joins them: a character that never composes, so the joined text is NFC exactly when
    each one is, and a value's ends are its neighbours of NUL."""
    joined = nul_joined(values)
    if joined is None:  # not all text, or a value holds NUL itself
        return _mapped(values, _clean)
    if joined.isascii():  # always NFC; a space at an end is next to NUL or an end of the whole
        edge = joined[:1].isspace() or joined[-1:].isspace() or any(
            "\x00" + space in joined or space + "\x00" in joined for space in ASCII_SPACES)
    else:
        edge = EDGE_SPACE_RE.search(joined) is not None or not unicodedata.is_normalized("NFC", joined)
    if not edge:
        return np.array(values, dtype=object, copy=True)
    return _mapped(values, _clean)


def _clean(text: str) -> str:
    """Trimmed and NFC-normalised: the composed and decomposed forms of a letter are one text."""
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _split_list(series: pd.Series, file: str, problems: list[Problem], *, lower: bool = False,
                then=None) -> pd.Series:
    """Cells listing items separated by `;` or `,` to tuples of trimmed, non-empty items
    (parsed once per distinct cell); ``then`` maps each tuple further. An item holding a line
    break is a problem: a list typed one item a line in a spreadsheet cell (Alt+Enter) would
    otherwise be read as one item that matches nothing."""
    codes, uniques = _factorized(series)
    lists = np.empty(len(uniques), dtype=object)
    broken = np.zeros(len(uniques), dtype=bool)
    for i, cell in enumerate(uniques):
        text = str(cell)
        items = tuple(_clean(item) for item in LIST_SEPARATOR_RE.split(text) if item.strip())
        if LINE_BREAK_RE.search(text):
            broken[i] = any(LINE_BREAK_RE.search(item) for item in items)
        if lower:
            items = tuple(fold(item) for item in items)
        items = tuple(dict.fromkeys(items))
        lists[i] = then(items) if then else items
    rows = series.index.to_numpy()
    for r in _flagged(codes, broken):
        problems.append(Problem(file, f"{series.name} cell {_short(str(uniques[codes[r]]).strip())!r} has a line "
                                      "break inside an item; separate the items with ';' or ','",
                                row=int(rows[r]), column=str(series.name)))
    return _spread(lists, codes, series.index)


def _short(value: str, limit: int = 60) -> str:
    """A cell quoted in a message, cut short so a huge cell cannot flood the terminal."""
    return value if len(value) <= limit else value[:limit] + f"... ({len(value):,} characters)"


def _rows(mask: pd.Series) -> np.ndarray:
    """Row numbers (as a spreadsheet shows them: the frame's index) where ``mask`` is true."""
    return mask.index.to_numpy()[mask.to_numpy(dtype=bool)]


def _flagged(codes: np.ndarray, flags: list | np.ndarray) -> np.ndarray:
    """Positions of the rows whose distinct value is flagged, in row order."""
    flags = np.asarray(flags, dtype=bool)
    return np.flatnonzero(flags[codes]) if flags.any() else np.empty(0, dtype=np.int64)


def _enumerated(frame, column, allowed, case, file, problems, default=None) -> pd.Series:
    """An enumerated column trimmed and case-folded with ``case``; values outside ``allowed``
    are problems. An empty cell takes ``default`` (or is a problem when there is none);
    a missing optional column is all ``default``."""
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=object)
    values, codes, _ = _enumeration(frame, column, allowed, case, file, problems, default)
    return _spread(values, codes, frame.index)


def _enumerated_places(frame, column, allowed, case, file, problems, default=None) -> tuple[pd.Series, np.ndarray]:
    """(:func:`_enumerated` of a column the frame has, each row's place in ``allowed``, -1 for
    a value outside it)."""
    values, codes, places = _enumeration(frame, column, allowed, case, file, problems, default)
    return _spread(values, codes, frame.index), places[codes]


def _enumeration(frame, column, allowed, case, file, problems, default) \
        -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(each distinct cell's value, each row's code into them, each value's place in ``allowed``)
    for :func:`_enumerated`: worked out per distinct cell, so no row is hashed twice."""
    codes, cells = _factorized(frame[column])
    values = _mapped(cells, lambda v: case(v.strip()))
    if default is not None:
        values[values == ""] = default
    rows = frame.index.to_numpy()
    for i in _flagged(codes, [v not in allowed for v in values]):
        problems.append(Problem(file, f"unknown {column} {_short(str(cells[codes[i]]).strip())!r} "
                                      f"(expected one of {', '.join(allowed)})", row=int(rows[i]), column=column))
    places = np.array([allowed.index(v) if v in allowed else -1 for v in values], dtype=np.int64)
    return values, codes, places


def _bool_column(frame, column, default, file, problems):
    """Parse a boolean column (trimmed); empty cells, and every cell of a missing column, take
    ``default`` (a scalar or a Series)."""
    result = np.array(default.astype(bool), copy=True) if isinstance(default, pd.Series) \
        else np.full(len(frame), default, dtype=bool)
    if column in frame.columns:
        codes, texts = _distinct(frame[column])
        low = _mapped(texts, fold)
        rows = frame.index.to_numpy()
        for i in _flagged(codes, [not (v in TRUE or v in FALSE or v == "") for v in low]):
            problems.append(Problem(file, f"not a boolean: {_short(texts[codes[i]])!r} (use true/false, yes/no or 1/0)",
                                    row=int(rows[i]), column=column))
        result[_flagged(codes, [v in TRUE for v in low])] = True
        result[_flagged(codes, [v in FALSE for v in low])] = False
    return pd.Series(result, index=frame.index, dtype=bool)


def _date_column(frame, column, file, problems) -> pd.Series:
    """A trimmed date column (empty when missing); a cell that is not an ISO date is a problem."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index)
    codes, texts = _distinct(frame[column])
    rows = frame.index.to_numpy()
    for i in _flagged(codes, [v != "" and not _is_date(v) for v in texts]):
        value = texts[codes[i]]
        problems.append(Problem(file, f"not a date: {_short(value)!r} ({_date_hint(value)})", row=int(rows[i]),
                                column=column))
    return _spread(texts, codes, frame.index)


def _is_date(value: str) -> bool:
    try:
        return bool(DATE_RE.match(value)) and dt.date.fromisoformat(value) is not None
    except ValueError:
        return False


def _date_hint(value: str) -> str:
    """What to write instead: the ISO form when the date can be read one way only."""
    m = re.match(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$", value)
    if m:
        first, second, year = (int(g) for g in m.groups())
        readings = []
        for month, day, how in ((first, second, "month/day"), (second, first, "day/month")):
            try:
                readings.append((dt.date(year, month, day).isoformat(), how))
            except ValueError:
                pass
        if len(readings) == 1:
            return f"use YYYY-MM-DD: write {readings[0][0]}"
        if len(readings) == 2 and readings[0][0] != readings[1][0]:
            return (f"use YYYY-MM-DD: {readings[0][0]} if it is {readings[0][1]}, "
                    f"{readings[1][0]} if it is {readings[1][1]}")
        if readings:
            return f"use YYYY-MM-DD: write {readings[0][0]}"
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", value):
        return "use YYYY-MM-DD, without a time"
    if re.match(r"^\d{5}(\.\d+)?$", value):
        return "use YYYY-MM-DD; an Excel date number: format the column as Date"
    return "use YYYY-MM-DD"


def _require_columns(frame, required, file):
    missing = [c for c in required if c not in frame.columns]
    if missing:
        hint = ""
        cells = frame.attrs.get("header_cells", [str(c) for c in frame.columns])
        if len(cells) == 1 and any(sep in cells[0] for sep in (";", "\t", "|")):
            hint = " (the header is one cell: the file must be comma-separated or semicolon-separated)"
        problems = []
        for column in missing:
            close = difflib.get_close_matches(column, [str(c) for c in frame.columns], n=1, cutoff=NEAR_MISS)
            near = f" (is {close[0]!r} meant to be {column}?)" if close and not hint else ""
            problems.append(Problem(file, "missing required column" + (hint or near), row=_header_row(frame),
                                    column=column))
        raise DataError(problems)


def _header_row(frame: pd.DataFrame) -> int:
    return frame.attrs.get("header_row", 1)


def _unknown_columns(frame, known, file) -> list[Problem]:
    """Warnings: one listing the columns kept as properties, one per column that looks like a typo."""
    unknown = [c for c in frame.columns if c not in known and not c.startswith(IDENTITY_PREFIX)]
    if not unknown:
        return []
    row = _header_row(frame)
    found = [Problem(file, f"column(s) {', '.join(repr(_short(c)) for c in unknown[:20])}{' ...' if len(unknown) > 20 else ''} are not columns mentornet uses; "
                           "kept as properties", row=row, severity="warning")]
    for column in unknown:
        close = difflib.get_close_matches(column, sorted(known), n=1, cutoff=NEAR_MISS)
        if close:
            found.append(Problem(file, f"unknown column {_short(column)!r}: did you mean {close[0]!r}? "
                                       "(it is kept as a property, not read as that column)",
                                 row=row, column=_short(column), severity="warning"))
    return found


# --------------------------------------------------------------------------- people


def parse_people(frame: pd.DataFrame, file: str, problems: list[Problem]) -> pd.DataFrame:
    """Validate and normalise the people table (appends to ``problems``)."""
    _require_columns(frame, PEOPLE_REQUIRED, file)
    out = pd.DataFrame(index=frame.index)
    rows = frame.index.to_numpy()
    codes, texts = _distinct(frame["id"])
    ids = _spread(texts, codes, frame.index)
    for i in _flagged(codes, texts == ""):
        problems.append(Problem(file, "empty id", row=int(rows[i]), column="id"))
    _check_invisible(codes, texts, rows, file, "id", problems)
    dup = ids.duplicated(keep="first") & (texts != "")[codes]  # "" compared once per distinct id
    if dup.any():
        first = ~ids.duplicated()
        first_row = dict(zip(ids[first], _rows(first)))
        for r, value in zip(_rows(dup), ids[dup]):
            problems.append(Problem(file, f"duplicate id {_short(value)!r} (first used on row {first_row[value]})",
                                    row=int(r), column="id"))
    joined = nul_joined(texts)
    separated = [] if joined is not None and PATH_SEPARATOR not in joined else [PATH_SEPARATOR in v for v in texts]
    for i in _flagged(codes, separated):
        problems.append(Problem(file, f"id {_short(texts[codes[i]])!r} contains {PATH_SEPARATOR!r}, which separates "
                                      "the ids of a referral path; use another character", row=int(rows[i]),
                                column="id"))
    out["id"] = ids
    for col in PEOPLE_TEXT_COLUMNS:
        out[col] = _strip(frame[col]) if col in frame.columns else ""
    out["name"] = out["name"].where(out["name"].to_numpy() != "", ids)

    role = _enumerated(frame, "role", ROLES, fold, file, problems)
    out["role"] = role
    out["mentee"] = _bool_column(frame, "mentee", role.isin(MENTEE_BY_DEFAULT), file, problems)

    for col in ("research_interests", "career_interests", "leadership"):
        out[col] = _split_list(frame[col], file, problems) if col in frame.columns else [()] * len(frame)
    out["seeks_concordance"] = (
        _split_list(frame["seeks_concordance"], file, problems, lower=True,
                    then=lambda t: tuple(map(attribute_name, t)))
        if "seeks_concordance" in frame.columns else [()] * len(frame)
    )
    out["capacity"] = _capacity_column(frame, file, problems)
    out["accepting"] = _bool_column(frame, "accepting", True, file, problems)

    known = set(out.columns) | set(PEOPLE_REQUIRED)
    problems.extend(_unknown_columns(frame, known, file))
    for col in frame.columns:
        if col in known:
            continue
        if col.startswith(IDENTITY_PREFIX):
            attr = col[len(IDENTITY_PREFIX):].strip()
            if not attr:
                problems.append(Problem(file, "identity column needs an attribute name", row=_header_row(frame),
                                        column=col))
                continue
            out[IDENTITY_PREFIX + attr] = _strip(frame[col])
        else:
            out[col] = _strip(frame[col])
    return out  # indexed by row number; read_dataset numbers the rows 0.. once the warnings are made


def _capacity_column(frame: pd.DataFrame, file: str, problems: list[Problem]) -> pd.Series:
    """``capacity`` as nullable integers (empty: the policy default); a cell that is not a whole
    number 0 or more, or is too large, is a problem (all of the first kind, then the second)."""
    if "capacity" not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    codes, texts = _distinct(frame["capacity"])
    rows = frame.index.to_numpy()
    whole = np.array([bool(CAPACITY_RE.match(v)) for v in texts], dtype=bool)
    for i in _flagged(codes, ~whole & (texts != "")):
        problems.append(Problem(file, f"capacity must be a whole number 0 or more, got {_short(texts[codes[i]])!r}",
                                row=int(rows[i]), column="capacity"))
    too_big = np.array([w and float(v) > MAX_CAPACITY for w, v in zip(whole, texts)], dtype=bool)
    for i in _flagged(codes, too_big):
        problems.append(Problem(file, f"capacity {_short(texts[codes[i]])!r} is too large (at most {MAX_CAPACITY:,})",
                                row=int(rows[i]), column="capacity"))
    usable = pd.Series(np.where(whole & ~too_big, texts, None), dtype=object)
    numbers = pd.to_numeric(usable, errors="coerce").to_numpy()
    return pd.Series(numbers[codes], index=frame.index).astype("Int64")


def attribute_name(text: str) -> str:
    """An identity attribute as ``seeks_concordance`` or a policy names it: ``First Gen``,
    ``first_gen`` and ``identity.first-gen`` are all ``first_gen`` (as their columns are)."""
    name = normal_name(text)
    return name[len(IDENTITY_PREFIX):] if name.startswith(IDENTITY_PREFIX) else name


def _check_invisible(codes: np.ndarray, texts: np.ndarray, rows: np.ndarray, file, column, problems) -> None:
    """Ids holding control, format (zero-width, bidi) or unusual space characters: they print
    like another id, so a relationship would silently go to a lookalike. ``texts[codes]`` are
    the ids, ``rows`` their row numbers.

    Every such character is one Python's :meth:`str.isprintable` refuses, so when all the
    distinct ids joined print, none holds one and no id is looked at alone."""
    if "".join(texts).isprintable():
        return
    found = _mapped(texts, _invisible_character)
    for i in _flagged(codes, found != ""):
        char = found[codes[i]]
        problems.append(Problem(file, f"{column} {_short(texts[codes[i]])!r} contains the invisible character "
                                      f"U+{ord(char):04X} ({unicodedata.name(char, 'a control character')}); "
                                      f"retype the {column}", row=int(rows[i]), column=column))


def _invisible_character(text: str) -> str:
    """The first character of ``text`` that does not show (or shows as a plain space), else ''."""
    if text.isascii() and text.isprintable():
        return ""
    for char in text:
        if unicodedata.category(char) in INVISIBLE or (unicodedata.category(char) == "Zs" and char != " "):
            return char
    return ""


def people_warnings(people: pd.DataFrame, file: str) -> list[Problem]:
    """`seeks_concordance` naming an attribute the mentee has not disclosed."""
    found = []
    seeks = people["seeks_concordance"].to_numpy(dtype=object)
    ids = people["id"].to_numpy(dtype=object)
    columns = {c: people[c].to_numpy(dtype=object) for c in people.columns if c.startswith(IDENTITY_PREFIX)}
    rows = people.index.to_numpy()
    asking = np.flatnonzero(np.fromiter(map(len, seeks), dtype=np.int64, count=len(seeks)))  # most seek nothing
    for i in asking.tolist():
        for attr in seeks[i]:
            values = columns.get(IDENTITY_PREFIX + attr)
            if values is None or values[i] == "":
                found.append(Problem(
                    file, f"{ids[i]!r} seeks concordance on {attr!r} but has not disclosed it; "
                          "that need is ignored", row=int(rows[i]), column="seeks_concordance", severity="warning"))
    return found


# --------------------------------------------------------------------------- relationships


def parse_relationships(frame, file, people_ids: pd.Index, problems) -> pd.DataFrame:
    """Validate and normalise the relationships table (appends to ``problems``).
    ``people_ids``: the distinct ids of the people, as :func:`parse_people` gives them (trimmed
    NFC text), e.g. ``pd.Index(people["id"].unique())``."""
    return _parse_relationships(frame, file, people_ids, problems)[0]


def _parse_relationships(frame, file, people_ids: pd.Index, problems) \
        -> tuple[pd.DataFrame, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """(:func:`parse_relationships`, each row's source, target and type as one number: equal
    numbers are duplicate rows, when every id is known and every type valid; each row's source
    and target as positions in ``people_ids``, -1 when unknown)."""
    _require_columns(frame, REL_REQUIRED, file)
    out = pd.DataFrame(index=frame.index)
    rows = frame.index.to_numpy()
    position = {}
    # every check runs once per distinct id, then is spread to the rows (a million rows name
    # a hundred thousand people)
    columns = ("source", "target")
    for col, (codes, texts, found) in zip(columns, _distinct_ids([frame[c] for c in columns], people_ids)):
        for i in _flagged(codes, texts == ""):
            problems.append(Problem(file, f"empty {col}", row=int(rows[i]), column=col))
        _check_invisible(codes, texts, rows, file, col, problems)
        for i in _flagged(codes, (found < 0) & (texts != "")):
            problems.append(Problem(file, f"unknown person {_short(texts[codes[i]])!r}", row=int(rows[i]), column=col))
        out[col] = _spread(texts, codes, frame.index)
        # a known id's code is its position: the look-up per row only when other cells are named
        position[col] = (codes if len(texts) == len(people_ids) else found[codes]).astype(np.int64, copy=False)
    source, target = position["source"], position["target"]
    self_rel = (source == target) & (source >= 0)
    unknown_both = np.flatnonzero((source < 0) & (target < 0))  # two unknown ids may still be one
    if len(unknown_both):
        named = out["source"].to_numpy()[unknown_both]
        self_rel[unknown_both] = (named == out["target"].to_numpy()[unknown_both]) & (named != "")
    for i in np.flatnonzero(self_rel):
        problems.append(Problem(file, "a person cannot have a relationship with themselves", row=int(rows[i]),
                                column="target"))

    out["type"], kind = _enumerated_places(frame, "type", REL_TYPES, str.upper, file, problems)  # type is required
    key = source * (len(people_ids) + 1)  # (source * (people + 1) + target) * types + kind, in place
    key += target
    key *= len(REL_TYPES)
    key += kind

    out["focus"] = (_split_list(frame["focus"], file, problems, lower=True) if "focus" in frame.columns
                    else [()] * len(frame))
    out["status"] = _enumerated(frame, "status", STATUSES, fold, file, problems, default="active")
    for col in ("since", "last_met"):
        out[col] = _date_column(frame, col, file, problems)
    out["formal"] = _bool_column(frame, "formal", False, file, problems)
    out["row"] = rows.astype(np.int64, copy=False)
    problems.extend(_unknown_columns(frame, set(REL_COLUMNS), file))
    for col in frame.columns:
        if col not in out.columns:
            out[col] = _strip(frame[col])
    return out.reset_index(drop=True), key, (source, target)


def relationship_warnings(rels: pd.DataFrame, file: str, *, key: np.ndarray | None = None) -> list[Problem]:
    """Duplicate rows (the same source, target and type more than once), and rows met before
    they began (``last_met`` before ``since``). ``key``: the rows' numbers from
    :func:`_parse_relationships`, when known."""
    return _duplicate_warnings(rels, file, key) + _met_before_since(rels, file)


def _met_before_since(rels: pd.DataFrame, file: str) -> list[Problem]:
    since, met = rels["since"].to_numpy(dtype=object), rels["last_met"].to_numpy(dtype=object)
    both = np.flatnonzero((since != "") & (met != ""))
    early = np.zeros(len(rels), dtype=bool)
    early[both] = met[both] < since[both]
    found = [Problem(file, f"last_met {met[i]} is before since {since[i]}; one of the dates is wrong",
                     row=int(rels["row"].iat[i]), column="last_met", severity="warning")
             for i in np.flatnonzero(early)[:MAX_REPORTED]]
    if early.sum() > MAX_REPORTED:
        found.append(Problem(file, f"... and {int(early.sum()) - MAX_REPORTED} more rows with last_met before since",
                             severity="warning"))
    return found


def _repeated(key: np.ndarray) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """(which of ``key`` equal an earlier one, as ``duplicated(keep="first")``; a function
    giving, for positions, the position of the first row with the same key), by one stable
    sort: hashing the row numbers of millions of relationships, whose keys are spaced alike,
    was slower."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    later = np.zeros(len(key), dtype=bool)
    later[order[1:]] = ordered[1:] == ordered[:-1]  # equal keys keep their row order: the first is not repeated
    return later, lambda positions: order[np.searchsorted(ordered, key[positions])]


def _duplicate_warnings(rels: pd.DataFrame, file: str, key: np.ndarray | None = None) -> list[Problem]:
    """Duplicate rows: the same source, target and type more than once (equal keys: the
    numbers of :func:`_parse_relationships`, or the three columns factorized)."""
    if key is None:
        codes = [pd.factorize(rels[c])[0].astype(np.int64) for c in ("source", "target", "type")]
        key = (codes[0] * (codes[1].max(initial=0) + 1) + codes[1]) * 8 + codes[2]
    dup, first_of = _repeated(key)
    found = []
    if dup.any():
        source, target, kind, row = (rels[c].to_numpy() for c in ("source", "target", "type", "row"))
        reported = np.flatnonzero(dup)[:MAX_REPORTED]
        for i, first in zip(reported, first_of(reported)):
            found.append(Problem(
                file, f"duplicate {kind[i]} row {source[i]} -> {target[i]} (also row {row[first]}); rows are merged",
                row=int(row[i]), severity="warning"))
        if dup.sum() > MAX_REPORTED:
            found.append(Problem(file, f"... and {int(dup.sum()) - MAX_REPORTED} more duplicate rows",
                                 severity="warning"))
    return found


# --------------------------------------------------------------------------- dataset


def read_dataset(directory: str | Path) -> Dataset:
    """Read and validate a dataset directory; raise :class:`DataError` listing every problem.

    >>> ds = read_dataset("examples/radiology")      # doctest: +SKIP
    >>> ds.people.head()                              # doctest: +SKIP
    """
    directory = Path(directory)
    if not directory.exists():
        raise DataError(Problem(str(directory), "no such dataset directory"))
    if not directory.is_dir():
        raise DataError(Problem(str(directory), "not a directory: a dataset is a directory holding "
                                                "people.csv and relationships.csv"))
    problems: list[Problem] = []
    paths = {}
    for stem in (PEOPLE, RELATIONSHIPS):
        try:
            paths[stem] = find_table(directory, stem)
        except DataError as exc:
            problems.extend(exc.problems)
    tables, names = {}, {}
    for stem, path in paths.items():
        try:
            tables[stem], names[stem], notes = _read_table(path, stem)
            problems.extend(notes)
        except DataError as exc:
            problems.extend(exc.problems)
    people = rels = None
    if PEOPLE in tables:
        try:
            people = parse_people(tables[PEOPLE], names[PEOPLE], problems)
        except DataError as exc:
            problems.extend(exc.problems)
    if RELATIONSHIPS in tables:
        ids = pd.Index(people["id"].unique()) if people is not None else None
        try:
            if ids is None:
                _require_columns(tables[RELATIONSHIPS], REL_REQUIRED, names[RELATIONSHIPS])
            else:
                rels, key, endpoints = _parse_relationships(tables[RELATIONSHIPS], names[RELATIONSHIPS], ids,
                                                            problems)
        except DataError as exc:
            problems.extend(exc.problems)
    if any(p.severity == "error" for p in problems) or people is None or rels is None:
        raise DataError(problems)
    found = problems + people_warnings(people, names[PEOPLE]) + relationship_warnings(rels, names[RELATIONSHIPS], key=key)
    # without an error every id is distinct, so a position among the distinct ids is the person's row
    return Dataset(people=people.reset_index(drop=True), relationships=rels.reset_index(drop=True),
                   source=str(directory), warnings=tuple(found), endpoints=endpoints)


# --------------------------------------------------------------------------- policy


def read_policy(path: str | Path | None) -> Policy:
    """Read a TOML policy file (DESIGN.md section 3); ``None`` gives the defaults."""
    if path is None:
        return Policy()
    path = Path(path)
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(Problem(name, f"cannot read policy file: {getattr(exc, 'strerror', None) or exc}")) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        row = int(m.group(1)) if m else (max(1, len(text.splitlines())) if "end of document" in str(exc) else None)
        raise DataError(Problem(name, f"not valid TOML: {exc}", row=row)) from None
    return policy_from_mapping(data, name)


def policy_from_mapping(data: dict, name: str = "policy") -> Policy:
    """Build a :class:`Policy` from parsed TOML, checking names and types."""
    problems = []
    values = {}
    for key, value in data.items():
        if key in INT_POLICY_FIELDS:
            low, high = INT_POLICY_FIELDS[key], INT_POLICY_MAXIMUM[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                problems.append(Problem(name, f"{key} must be a whole number >= {low}, got {_short(repr(value))}",
                                        column=key))
            elif value > high:
                problems.append(Problem(name, f"{key} = {_short(repr(value))} is out of range: at most {high:,}",
                                        column=key))
            else:
                values[key] = value
        elif key == "concordance":
            if not isinstance(value, dict):
                problems.append(Problem(name, "[concordance] must be a table of attribute = [values]",
                                        column=key))
                continue
            table, keys = {}, {}
            for attr, listed in value.items():
                if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
                    problems.append(Problem(name, f"concordance.{attr} must be a list of strings, got {listed!r}",
                                            column=f"concordance.{attr}"))
                    continue
                named = attribute_name(attr)
                if named in keys:  # the later list would replace the earlier in silence
                    problems.append(Problem(name, f"concordance.{keys[named]} and concordance.{attr} both name the "
                                                  f"attribute {named!r}; list its values under one key",
                                            column=f"concordance.{attr}"))
                    continue
                keys[named] = attr
                table[named] = frozenset(fold(v.strip()) for v in listed)
            values["concordance"] = MappingProxyType(table)
        else:
            known = ", ".join(sorted(INT_POLICY_FIELDS) + ["concordance"])
            problems.append(Problem(name, f"unknown policy setting {key!r} (known: {known})", column=key))
    if problems:
        raise DataError(problems)
    return Policy(**values)


__all__ = ["read_dataset", "read_policy", "policy_from_mapping", "read_table", "FOCI"]
