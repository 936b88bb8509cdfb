"""Reading one sheet of an Excel workbook as rows of text, bounded by what the sheet holds.

A workbook declares its own size (``<dimension ref="A1:XFD1048576">``), and a reader that trusts
it fills every row up to it: a 1.6 KB file then costs gigabytes. Here the sheet's XML is
streamed, only cells holding a value are kept, and a value beyond :data:`MAX_COLUMNS` stops the
reading at once. Merged cells and hidden sheets are resolved as README "Data format" says.
A cell is read as the value the file saved; an error value (``#N/A``) or a formula saved without
its result is never read as text or as empty (:class:`_Parser`): the reader refuses it, naming
the cell, when it lies in the table (``Sheet.unread``).
"""
from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from dataclasses import dataclass, field

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from .errors import DataError, Problem

MAX_UNPACKED = 512 * 1024 * 1024  # bytes of XML inside a workbook; a real table is far smaller


@dataclass
class Sheet:
    """The non-empty rows of one sheet: ``rows[row_number] = {column_number: text}``."""

    title: str
    rows: dict[int, dict[int, str]]
    merged: list[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row), more than one cell
    notes: list[str] = field(default_factory=list)  # what the reader chose (e.g. hidden sheets skipped)
    #: cells whose value the file does not hold (an error value, a formula saved without its
    #: result; left out of ``rows``), by row: the problems the reader raises for rows of the table
    unread: dict[int, list[Problem]] = field(default_factory=dict)


def sheet_names(raw: bytes) -> list[str]:
    """Titles of every sheet (hidden ones included); [] when the file is no readable workbook."""
    try:
        book = _open(raw)
        book.archive.close()
        return [sheet.title for sheet in book.sheets]
    except Exception:  # noqa: BLE001 - damaged workbooks raise assorted errors; the reader reports them
        return []


def read_sheet(raw: bytes, name: str, *, want: str, normal, max_columns: int) -> Sheet:
    """The sheet whose title normalises to ``want``, else the first visible sheet.

    ``normal`` normalises a title as a header is normalised. A sheet named ``want`` that is
    hidden is refused (hidden sheets hold what is no longer meant to be read).
    """
    _check_unpacked_size(raw, name)
    try:
        book = _open(raw)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises assorted errors on damaged workbooks
        raise DataError(Problem(name, f"not a readable Excel .xlsx file ({type(exc).__name__})")) from None
    try:
        sheet, notes = _choose_sheet(book.sheets, name, want, normal)
        try:
            rows, merged, unread = _stream(book, sheet, name, max_columns)
        except DataError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise DataError(Problem(name, f"not a readable Excel .xlsx file ({type(exc).__name__})")) from None
        return Sheet(sheet.title, rows, merged, notes, unread)
    finally:
        book.archive.close()


@dataclass
class _Entry:
    title: str
    state: str
    part: str  # the sheet's XML inside the archive


@dataclass
class _Book:
    archive: zipfile.ZipFile
    strings: list
    workbook: object
    sheets: list[_Entry]


def _open(raw: bytes) -> _Book:
    """The workbook's parts, without touching any sheet (openpyxl's read-only workbook scans every
    sheet whose size is not declared up front, which costs a full parse per sheet)."""
    with warnings.catch_warnings():  # openpyxl's notes on styles or extensions mean nothing to users
        warnings.simplefilter("ignore")
        reader = ExcelReader(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)  # which number formats are dates
            sheets = [_Entry(sheet.name, sheet.state or "visible", rel.target)
                      for sheet, rel in reader.parser.find_sheets()
                      if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
        except BaseException:
            reader.archive.close()
            raise
    return _Book(reader.archive, reader.shared_strings, reader.wb, sheets)


def _check_unpacked_size(raw: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DataError(Problem(name, f"not a readable Excel .xlsx file ({type(exc).__name__})")) from None
    if unpacked > MAX_UNPACKED:
        raise DataError(Problem(name, f"the workbook unpacks to {unpacked:,} bytes (at most {MAX_UNPACKED:,}); "
                                      "save only the people or relationships table in it"))


def _choose_sheet(sheets, name, want, normal):
    named = [ws for ws in sheets if normal(ws.title) == want]
    if named:
        ws = named[0]
        if ws.state != "visible":
            raise DataError(Problem(name, f"the sheet {ws.title!r} is hidden; unhide it (right-click a sheet tab, "
                                          "Unhide) or delete it"))
        return ws, []
    visible = [ws for ws in sheets if ws.state == "visible"]
    if not visible:
        raise DataError(Problem(name, "the workbook has no visible sheet"))
    ws = visible[0]
    notes = []
    hidden = [s.title for s in sheets[:sheets.index(ws)]]
    if hidden:
        notes.append(f"hidden sheet(s) {', '.join(map(repr, hidden))} skipped")
    if len(visible) > 1:
        notes.append(f"read the first visible sheet {ws.title!r} of {len(visible)}; name a sheet {want!r} "
                     "to read another")
    return ws, notes


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser (values, not formulas), marking the cells whose value a person
    sees but the file does not hold: an error value (``t="e"``: ``#N/A``, ``#REF!``, a lookup
    or reference that failed) as :data:`ERROR_VALUE`, and a formula saved without its result
    (a program wrote the formula and never calculated it: Excel shows the result, the file has
    none) as :data:`UNCALCULATED`. (openpyxl's own type ``e``, a date-styled number outside the
    dates, is left to the date check.)"""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if element.get("t") == "e":
            cell["data_type"] = ERROR_VALUE
        elif cell["value"] is None and element.find(FORMULA_TAG) is not None:
            saved = element.find(VALUE_TAG)
            # an empty text result is saved as t="str" with an empty <v>: a value, kept as it is
            if saved is None or (not saved.text and element.get("t") != "str"):
                cell["data_type"] = UNCALCULATED
        return cell


ERROR_VALUE, UNCALCULATED = "error value", "formula without a saved result"


def _stream(book, sheet, name, max_columns):
    wb = book.workbook
    parser = _Parser(book.archive.open(sheet.part), book.strings, data_only=True, epoch=wb.epoch,
                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    rows: dict[int, dict[int, str]] = {}
    unread: dict[int, list[Problem]] = {}  # cells whose value the file does not hold, by row
    try:
        with warnings.catch_warnings():
            # openpyxl warns of a date-styled number outside the dates, which it reads as #VALUE!
            # (left to the date check, which names the column): a raw warning means nothing to users
            warnings.simplefilter("ignore")
            for number, cells in parser.parse():
                kept = {}
                for cell in cells:
                    if cell["data_type"] in (ERROR_VALUE, UNCALCULATED):
                        unread.setdefault(number, []).append(_unread(name, cell, number))
                        continue
                    text = cell_text(cell["value"])
                    if text.strip() == "":
                        continue
                    if cell["column"] > max_columns:
                        where = f"{get_column_letter(cell['column'])}{number}"
                        raise DataError(Problem(name, f"cell {where} holds a value, but a table has at most "
                                                      f"{max_columns:,} columns; delete what lies beyond the table",
                                                row=number))
                    kept[cell["column"]] = text
                if kept:
                    rows.setdefault(number, {}).update(kept)
    finally:
        parser.source.close()
    merged = []
    if parser.merged_cells is not None:
        for ref in parser.merged_cells.mergeCell:
            bounds = range_boundaries(ref.ref)
            if bounds[0] != bounds[2] or bounds[1] != bounds[3]:
                merged.append(bounds)
    return rows, merged, unread


def _unread(name: str, cell: dict, number: int) -> Problem:
    """The problem of a cell whose value the file does not hold (see :class:`_Parser`)."""
    where = f"{get_column_letter(cell['column'])}{number}"
    if cell["data_type"] == ERROR_VALUE:
        error = f"the error {cell['value']}" if cell["value"] else "an error value"
        return Problem(name, f"cell {where} holds {error} (a formula that failed, such as a lookup that found "
                             "nothing); correct it, or clear the cell if it has no value", row=number)
    return Problem(name, f"cell {where} holds a formula whose result was never saved in the file (the program "
                         "that wrote it did not calculate it); open the workbook in Excel or LibreOffice and "
                         "save it, or paste the column as values", row=number)


def cell_text(value: object) -> str:
    """A cell's value as the text the CSV reader would have seen."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)
