"""Fuzzing workbooks by their structure: far cells, merges, hidden and renamed sheets, title and blank rows.

Built with openpyxl from the HR-style export of tests/hr_exports.py, then changed in ways real
workbooks are: ``read_dataset`` must return a dataset or raise :class:`DataError`, quickly,
whatever the declared size (a far cell makes a sheet claim up to 16,384 x 1,048,576 cells).
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from mentornet import DataError, read_dataset

import hr_exports
from test_fuzz import FUZZ, time_limit

CELL_TEXT = st.sampled_from(["", " ", "x", "ID", "role", "faculty", "Identity: Gender", "AI, MSK", "11/25/2024",
                             "res-lee", "fac-kim", "\u200b", "jose\u0301", "=1+1", "MENTORS", "people"])


@st.composite
def workbook_change(draw):
    people = hr_exports.people_rows()
    rels = hr_exports.relationship_rows()
    steps = draw(st.lists(st.tuples(
        st.sampled_from(["far-cell", "cell", "merge", "blank-row"]),
        st.integers(1, 1_048_576), st.integers(1, 16_384), st.integers(0, 3), st.integers(0, 3), CELL_TEXT,
        st.booleans()), max_size=5))
    hide_people = draw(st.booleans())
    people_title = draw(st.sampled_from(["People", "people ", "Roster", "PEOPLE"]))
    return people, rels, steps, hide_people, people_title


def build(directory: Path, change) -> None:
    people, rels, steps, hide_people, people_title = change
    wb = Workbook()
    first = wb.active
    first.title = "Notes"
    first.append(["exported by HR"])
    ws = wb.create_sheet(people_title)
    for row in people:
        ws.append(row)
    wr = wb.create_sheet("Relationships")
    for row in rels:
        wr.append(row)
    # rows are inserted first: openpyxl's insert_rows walks every row up to a far cell
    for kind, row, column, down, across, text, on_people in sorted(steps, key=lambda s: s[0] != "blank-row"):
        sheet = ws if on_people else wr
        if kind == "far-cell":
            sheet.cell(row=row, column=column).value = text or "x"
        elif kind == "cell":
            sheet.cell(row=1 + row % 12, column=1 + column % 12).value = text
        elif kind == "merge":
            top, left = 1 + row % 10, 1 + column % 10
            sheet.merge_cells(start_row=top, start_column=left, end_row=top + down, end_column=left + across)
        else:
            sheet.insert_rows(1 + row % 10)
    if hide_people:
        ws.sheet_state = "hidden"
    wb.save(directory / "export.xlsx")


@FUZZ
@given(workbook_change())
def test_reader_survives_structural_workbook_changes(change):
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp), change)
        started = time.perf_counter()
        with time_limit():
            try:
                ds = read_dataset(tmp)
            except DataError as exc:
                assert exc.problems and all(len(p.message) < 2_000 for p in exc.problems)
            else:
                assert ds.people["id"].is_unique
                assert all(i.isprintable() and i == i.strip() for i in ds.people["id"])
        assert time.perf_counter() - started < 10
