"""Reading and validating a dataset directory (DESIGN.md section 2) and a policy file.

Every problem is collected first, then :class:`~mentornet.errors.DataError` is raised once
with all of them. Rows are numbered as a spreadsheet shows them (header = row 1).
"""
from __future__ import annotations

import csv
import datetime as dt
import io as _io
import re
import warnings
import zipfile
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from .errors import DataError, Problem
from .model import (
    FOCI,
    IDENTITY_PREFIX,
    INT_POLICY_FIELDS,
    MENTEE_BY_DEFAULT,
    REL_TYPES,
    ROLES,
    STATUSES,
    Dataset,
    Policy,
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
MAX_REPORTED = 200  # problems listed in a message; the count of the rest is still given


# --------------------------------------------------------------------------- files


def find_table(directory: Path, stem: str) -> Path:
    """The CSV or Excel file for ``stem`` in ``directory`` (CSV preferred when both exist)."""
    csv_path, xlsx_path = directory / f"{stem}.csv", directory / f"{stem}.xlsx"
    if csv_path.exists():
        return csv_path
    if xlsx_path.exists():
        return xlsx_path
    raise DataError(Problem(str(csv_path), f"missing file: expected {stem}.csv or {stem}.xlsx"))


def read_table(path: Path) -> pd.DataFrame:
    """Read one CSV or Excel table as text cells, header names trimmed and lower-cased."""
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
        frame = _read_excel(raw, name)
    else:
        frame = _read_csv(raw, name)
    return _normalise_header(frame, name)


def _read_csv(raw: bytes, name: str) -> pd.DataFrame:
    if _looks_utf16(raw):
        raise DataError(Problem(name, "this file is UTF-16 encoded (as some spreadsheets save 'Unicode text'); "
                                      "save it as CSV UTF-8", row=1))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(
            Problem(name, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                          "save the file as UTF-8", row=row)
        ) from None
    if "\x00" in text:
        row = text.count("\n", 0, text.index("\x00")) + 1
        raise DataError(Problem(name, "contains a NUL byte: this looks like a binary file, not CSV", row=row))
    if not text.strip():
        raise DataError(Problem(name, "file is empty: expected a header row", row=1))
    width = _header_width(text)
    if width > MAX_COLUMNS:  # pandas would take seconds per 100,000 columns
        raise DataError(Problem(name, f"the header has {width:,} cells; a table has at most {MAX_COLUMNS:,} "
                                      "columns (is this the right file?)", row=1))
    try:
        # header=None: every line, the header included, is parsed alike, so a row with
        # more cells than the header is an error instead of silently becoming an index
        frame = pd.read_csv(
            _io.StringIO(text), dtype=object, header=None, keep_default_na=False, na_filter=False,
            skip_blank_lines=True, engine="c",
        )
    except pd.errors.ParserError as exc:
        if "read(nbytes) on source failed" in str(exc):
            # the text is in memory, so only Ctrl-C fails a read; pandas drops the KeyboardInterrupt
            raise KeyboardInterrupt from None
        raise DataError(Problem(name, _parser_message(exc), row=_parser_row(exc))) from None
    except (csv.Error, ValueError) as exc:
        raise DataError(Problem(name, f"cannot parse CSV: {exc}")) from None
    header = frame.iloc[0].fillna("")
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = list(header)
    _check_ragged(text, frame, name)
    return frame  # no cell is missing: na_filter is off and _check_ragged refused short rows


def _header_width(text: str) -> int:
    """Cells in the first non-blank record (read alone, so a huge header costs no more than its length)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        for record in csv.reader(_io.StringIO(text, newline="")):
            if record:
                return len(record)
    except csv.Error:
        return 0  # let the parser report it, with its row
    finally:
        csv.field_size_limit(limit)
    return 0


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


def _check_ragged(text: str, frame: pd.DataFrame, name: str) -> None:
    """Rows with fewer cells than the header (pandas would quietly fill them with '')."""
    if frame.empty:
        return
    counts = _cells_per_record(text)
    short = np.flatnonzero(counts[1:] < len(frame.columns))
    if len(short):
        raise DataError([
            Problem(name, f"row has {int(counts[1:][i])} cells, fewer than the header's {len(frame.columns)}",
                    row=int(i) + 2)
            for i in short[:MAX_REPORTED]
        ])


def _cells_per_record(text: str) -> np.ndarray:
    """Number of cells in each non-blank record (vectorised when the text has no quotes)."""
    if '"' in text:
        limit = csv.field_size_limit()
        csv.field_size_limit(max(limit, len(text) + 1))  # a quoted cell may be as long as the file
        try:  # newline="": a lone CR ends a record, as it does for pandas
            return np.array([len(r) for r in csv.reader(_io.StringIO(text, newline="")) if r], dtype=np.int64)
        finally:
            csv.field_size_limit(limit)
    data = np.frombuffer(text.replace("\r\n", "\n").encode("utf-8"), dtype=np.uint8)
    newline = np.flatnonzero(data == ord("\n"))
    ends = np.append(newline, len(data))
    starts = np.concatenate([[0], newline + 1])
    commas = np.flatnonzero(data == ord(","))
    blank = (ends - starts) == 0
    counts = np.searchsorted(commas, ends) - np.searchsorted(commas, starts) + 1
    return counts[~blank]


def _read_excel(raw: bytes, name: str) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():  # openpyxl's notes on styles or extensions mean nothing to users
            warnings.simplefilter("ignore")
            frame = pd.read_excel(_io.BytesIO(raw), dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
        raise DataError(Problem(name, f"not a readable Excel .xlsx file ({type(exc).__name__})")) from None
    except Exception as exc:  # openpyxl raises assorted errors on damaged workbooks
        raise DataError(Problem(name, f"not a readable Excel .xlsx file ({type(exc).__name__})")) from None
    return frame.map(_excel_cell) if not frame.empty else frame.astype(str)


def _excel_cell(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normalise_header(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    problems = []
    columns = []
    for i, col in enumerate(frame.columns):
        text = str(col).strip().lower()
        if not text or text.startswith("unnamed:"):
            problems.append(Problem(name, f"header cell {i + 1} is empty", row=1))
        columns.append(text)
    seen = set()
    for col in columns:
        if col in seen and col:
            problems.append(Problem(name, "column appears twice in the header", row=1, column=col))
        seen.add(col)
    if problems:
        raise DataError(problems)
    frame = frame.copy()
    frame.columns = columns
    return frame


# --------------------------------------------------------------------------- helpers


def _per_value(series: pd.Series, func) -> pd.Series:
    """``func`` applied once per distinct value (enumerated columns repeat a handful of values)."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [func(str(u)) for u in uniques]
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def _strip(series: pd.Series) -> pd.Series:
    """Trimmed text, computed once per distinct value (ids and types repeat a lot)."""
    return _per_value(series, str.strip)


def _split_list(series: pd.Series, *, lower: bool = False) -> pd.Series:
    """`;`-separated cells to tuples of trimmed, non-empty items (parsed once per distinct cell)."""
    cache = {}
    for cell in series.unique():
        items = tuple(item.strip() for item in cell.split(";") if item.strip())
        if lower:
            items = tuple(item.lower() for item in items)
        cache[cell] = tuple(dict.fromkeys(items))
    return series.map(cache)


def _short(value: str, limit: int = 60) -> str:
    """A cell quoted in a message, cut short so a huge cell cannot flood the terminal."""
    return value if len(value) <= limit else value[:limit] + f"... ({len(value):,} characters)"


def _rows(mask: np.ndarray) -> np.ndarray:
    return np.flatnonzero(mask) + 2


def _enumerated(frame, column, allowed, case, file, problems, default=None) -> pd.Series:
    """An enumerated column trimmed and case-folded with ``case``; values outside ``allowed``
    are problems. An empty cell takes ``default`` (or is a problem when there is none);
    a missing optional column is all ``default``."""
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=object)
    values = _per_value(frame[column], lambda v: case(v.strip()))
    if default is not None:
        values = values.where(values.ne(""), default)
    bad = ~values.isin(allowed)
    for r, value in zip(_rows(bad.to_numpy()), frame[column][bad]):
        problems.append(Problem(file, f"unknown {column} {_short(value.strip())!r} "
                                      f"(expected one of {', '.join(allowed)})", row=int(r), column=column))
    return values


def _bool_column(series, default, file, column, problems):
    """Parse a boolean column; empty cells take ``default`` (a scalar or a Series)."""
    low = _per_value(series, str.lower)
    is_true, is_false, empty = low.isin(TRUE), low.isin(FALSE), low.eq("")
    bad = ~(is_true | is_false | empty)
    for r, value in zip(_rows(bad.to_numpy()), series[bad]):
        problems.append(Problem(file, f"not a boolean: {_short(value)!r} (use true/false, yes/no or 1/0)",
                                row=int(r), column=column))
    result = pd.Series(default, index=series.index, dtype=bool) if not isinstance(default, pd.Series) \
        else default.astype(bool).copy()
    result[is_true] = True
    result[is_false] = False
    return result


def _check_dates(series, file, column, problems):
    bad_values = {}
    for value in series.unique():
        if value == "":
            continue
        try:
            ok = bool(DATE_RE.match(value)) and dt.date.fromisoformat(value) is not None
        except ValueError:
            ok = False
        if not ok:
            bad_values[value] = True
    if bad_values:
        bad = series.isin(list(bad_values)).to_numpy()
        for r, value in zip(_rows(bad), series[bad]):
            problems.append(Problem(file, f"not a date: {_short(value)!r} (use YYYY-MM-DD)", row=int(r), column=column))


def _require_columns(frame, required, file):
    missing = [c for c in required if c not in frame.columns]
    if missing:
        hint = ""
        if len(frame.columns) == 1 and any(sep in str(frame.columns[0]) for sep in (";", "\t", "|")):
            hint = " (the header is one cell: the file must be comma-separated)"
        raise DataError([Problem(file, "missing required column" + hint, row=1, column=c) for c in missing])


# --------------------------------------------------------------------------- people


def parse_people(frame: pd.DataFrame, file: str, problems: list[Problem]) -> pd.DataFrame:
    """Validate and normalise the people table (appends to ``problems``)."""
    _require_columns(frame, PEOPLE_REQUIRED, file)
    out = pd.DataFrame(index=frame.index)
    ids = _strip(frame["id"])
    empty = ids.eq("").to_numpy()
    for r in _rows(empty):
        problems.append(Problem(file, "empty id", row=int(r), column="id"))
    dup = ids.duplicated(keep="first").to_numpy() & ~empty
    if dup.any():
        first_row = {v: int(i) + 2 for i, v in zip(np.flatnonzero(~ids.duplicated().to_numpy()), ids[~ids.duplicated()])}
        for r, value in zip(_rows(dup), ids[dup]):
            problems.append(Problem(file, f"duplicate id {_short(value)!r} (first used on row {first_row[value]})",
                                    row=int(r), column="id"))
    arrow = ids.str.contains(PATH_SEPARATOR, regex=False).to_numpy()
    for r, value in zip(_rows(arrow), ids[arrow]):
        problems.append(Problem(file, f"id {_short(value)!r} contains {PATH_SEPARATOR!r}, which separates the "
                                      "ids of a referral path; use another character", row=int(r), column="id"))
    out["id"] = ids
    for col in PEOPLE_TEXT_COLUMNS:
        out[col] = _strip(frame[col]) if col in frame.columns else ""
    out["name"] = out["name"].where(out["name"].ne(""), ids)

    role = _enumerated(frame, "role", ROLES, str.lower, file, problems)
    out["role"] = role

    default_mentee = role.isin(MENTEE_BY_DEFAULT)
    mentee = _strip(frame["mentee"]) if "mentee" in frame.columns else pd.Series("", index=frame.index)
    out["mentee"] = _bool_column(mentee, default_mentee, file, "mentee", problems)

    for col in ("research_interests", "career_interests", "leadership"):
        out[col] = _split_list(frame[col].astype(str)) if col in frame.columns else [()] * len(frame)
    out["seeks_concordance"] = (
        _split_list(frame["seeks_concordance"].astype(str), lower=True)
        .map(lambda t: tuple(a[len(IDENTITY_PREFIX):] if a.startswith(IDENTITY_PREFIX) else a for a in t))
        if "seeks_concordance" in frame.columns else [()] * len(frame)
    )

    capacity = _strip(frame["capacity"]) if "capacity" in frame.columns else pd.Series("", index=frame.index)
    valid = capacity.str.match(CAPACITY_RE) | capacity.eq("")
    for r, value in zip(_rows((~valid).to_numpy()), capacity[~valid]):
        problems.append(Problem(file, f"capacity must be a whole number 0 or more, got {_short(value)!r}",
                                row=int(r), column="capacity"))
    too_big = capacity.map(lambda v: bool(CAPACITY_RE.match(v)) and float(v) > MAX_CAPACITY).astype(bool)
    for r, value in zip(_rows(too_big.to_numpy()), capacity[too_big]):
        problems.append(Problem(file, f"capacity {_short(value)!r} is too large (at most {MAX_CAPACITY:,})",
                                row=int(r), column="capacity"))
    valid &= ~too_big
    numbers = pd.to_numeric(capacity.where(valid & capacity.ne(""), None), errors="coerce")
    out["capacity"] = numbers.astype("Int64")

    accepting = _strip(frame["accepting"]) if "accepting" in frame.columns else pd.Series("", index=frame.index)
    out["accepting"] = _bool_column(accepting, True, file, "accepting", problems)

    known = set(out.columns) | set(PEOPLE_REQUIRED)
    for col in frame.columns:
        if col in known:
            continue
        if col.startswith(IDENTITY_PREFIX):
            attr = col[len(IDENTITY_PREFIX):].strip()
            if not attr:
                problems.append(Problem(file, "identity column needs an attribute name", row=1, column=col))
                continue
            out[IDENTITY_PREFIX + attr] = _strip(frame[col])
        else:
            out[col] = _strip(frame[col])
    return out.reset_index(drop=True)


def people_warnings(people: pd.DataFrame, file: str) -> list[Problem]:
    """`seeks_concordance` naming an attribute the mentee has not disclosed."""
    found = []
    seeks = people["seeks_concordance"].tolist()
    ids = people["id"].tolist()
    columns = {c: people[c].tolist() for c in people.columns if c.startswith(IDENTITY_PREFIX)}
    for i, wanted in enumerate(seeks):
        for attr in wanted:
            values = columns.get(IDENTITY_PREFIX + attr)
            if values is None or values[i] == "":
                found.append(Problem(
                    file, f"{ids[i]!r} seeks concordance on {attr!r} but has not disclosed it; "
                          "that need is ignored", row=i + 2, column="seeks_concordance", severity="warning"))
    return found


# --------------------------------------------------------------------------- relationships


def parse_relationships(frame, file, people_ids: pd.Index, problems) -> pd.DataFrame:
    """Validate and normalise the relationships table (appends to ``problems``)."""
    _require_columns(frame, REL_REQUIRED, file)
    out = pd.DataFrame(index=frame.index)
    for col in ("source", "target"):
        values = _strip(frame[col])
        empty = values.eq("").to_numpy()
        for r in _rows(empty):
            problems.append(Problem(file, f"empty {col}", row=int(r), column=col))
        unknown = (people_ids.get_indexer(values) < 0) & ~empty
        for r, value in zip(_rows(unknown), values[unknown]):
            problems.append(Problem(file, f"unknown person {_short(value)!r}", row=int(r), column=col))
        out[col] = values
    self_rel = (out["source"].eq(out["target"]) & out["source"].ne("")).to_numpy()
    for r in _rows(self_rel):
        problems.append(Problem(file, "a person cannot have a relationship with themselves", row=int(r),
                                column="target"))

    out["type"] = _enumerated(frame, "type", REL_TYPES, str.upper, file, problems)

    out["focus"] = _split_list(frame["focus"].astype(str), lower=True) if "focus" in frame.columns \
        else [()] * len(frame)
    out["status"] = _enumerated(frame, "status", STATUSES, str.lower, file, problems, default="active")
    for col in ("since", "last_met"):
        values = _strip(frame[col]) if col in frame.columns else pd.Series("", index=frame.index)
        _check_dates(values, file, col, problems)
        out[col] = values
    formal = _strip(frame["formal"]) if "formal" in frame.columns else pd.Series("", index=frame.index)
    out["formal"] = _bool_column(formal, False, file, "formal", problems)
    out["row"] = np.arange(2, len(frame) + 2)
    for col in frame.columns:
        if col not in out.columns:
            out[col] = _strip(frame[col])
    return out.reset_index(drop=True)


def relationship_warnings(rels: pd.DataFrame, file: str) -> list[Problem]:
    """Duplicate rows: the same source, target and type more than once."""
    codes = [pd.factorize(rels[c])[0].astype(np.int64) for c in ("source", "target", "type")]
    key = (codes[0] * (codes[1].max(initial=0) + 1) + codes[1]) * 8 + codes[2]
    dup = pd.Series(key).duplicated(keep="first").to_numpy()
    found = []
    if dup.any():
        involved = rels[np.isin(key, key[dup])]
        first = involved.drop_duplicates(["source", "target", "type"])
        first_row = {(s, t, ty): r for s, t, ty, r in first[["source", "target", "type", "row"]]
                     .itertuples(index=False)}
        for i in np.flatnonzero(dup)[:MAX_REPORTED]:
            s, t, ty = rels["source"].iat[i], rels["target"].iat[i], rels["type"].iat[i]
            found.append(Problem(
                file, f"duplicate {ty} row {s} -> {t} (also row {first_row[(s, t, ty)]}); rows are merged",
                row=int(rels["row"].iat[i]), severity="warning"))
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
    tables = {}
    for stem, path in paths.items():
        try:
            tables[stem] = read_table(path)
        except DataError as exc:
            problems.extend(exc.problems)
    people = rels = None
    if PEOPLE in tables:
        try:
            people = parse_people(tables[PEOPLE], str(paths[PEOPLE]), problems)
        except DataError as exc:
            problems.extend(exc.problems)
    if RELATIONSHIPS in tables:
        ids = pd.Index(people["id"].unique()) if people is not None else None
        try:
            if ids is None:
                _require_columns(tables[RELATIONSHIPS], REL_REQUIRED, str(paths[RELATIONSHIPS]))
            else:
                rels = parse_relationships(tables[RELATIONSHIPS], str(paths[RELATIONSHIPS]), ids, problems)
        except DataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataError(problems)
    warnings = people_warnings(people, str(paths[PEOPLE])) + relationship_warnings(rels, str(paths[RELATIONSHIPS]))
    return Dataset(people=people, relationships=rels, source=str(directory), warnings=tuple(warnings))


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
            if isinstance(value, bool) or not isinstance(value, int) or value < INT_POLICY_FIELDS[key]:
                problems.append(Problem(name, f"{key} must be a whole number >= {INT_POLICY_FIELDS[key]}, "
                                              f"got {value!r}", column=key))
            else:
                values[key] = value
        elif key == "concordance":
            if not isinstance(value, dict):
                problems.append(Problem(name, "[concordance] must be a table of attribute = [values]",
                                        column=key))
                continue
            table = {}
            for attr, listed in value.items():
                if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
                    problems.append(Problem(name, f"concordance.{attr} must be a list of strings, got {listed!r}",
                                            column=f"concordance.{attr}"))
                    continue
                attr_key = attr.strip().lower()
                if attr_key.startswith(IDENTITY_PREFIX):
                    attr_key = attr_key[len(IDENTITY_PREFIX):]
                table[attr_key] = frozenset(v.strip().lower() for v in listed)
            values["concordance"] = MappingProxyType(table)
        else:
            known = ", ".join(sorted(INT_POLICY_FIELDS) + ["concordance"])
            problems.append(Problem(name, f"unknown policy setting {key!r} (known: {known})", column=key))
    if problems:
        raise DataError(problems)
    return Policy(**values)


__all__ = ["read_dataset", "read_policy", "policy_from_mapping", "read_table", "FOCI"]
