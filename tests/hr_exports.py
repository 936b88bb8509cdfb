"""Files shaped as HR and faculty-affairs systems export them (DESIGN.md section 2, "Real exports").

Each writer takes the same small department and writes it with a quirk real exports have: a
title row above a header spelt the way people write it (`ID`, `Research Interests`,
`Identity: Gender`, `Department `), lists as `AI, MSK`, blank rows in the middle and at the end,
CR-only or CRLF line ends, `;` as the delimiter, and a single workbook with a hidden first
sheet, merged department cells and real date cells. :func:`write_plain` writes the same
department in the canonical form, so a test can check that both read the same.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

# The department, canonical column names. Lists use ';' here; the exports use ', '.
PEOPLE = [
    {"id": "res-lee", "name": "Ana Lee", "role": "resident", "department": "Radiology",
     "research_interests": "ai;msk", "career_interests": "academic-promotion",
     "identity.gender": "female", "identity.first_gen": "yes", "seeks_concordance": "gender", "capacity": ""},
    {"id": "res-ng", "name": "Bo Ng", "role": "resident", "department": "Radiology",
     "research_interests": "neuro", "career_interests": "private-practice",
     "identity.gender": "male", "identity.first_gen": "no", "seeks_concordance": "", "capacity": ""},
    {"id": "fac-kim", "name": "Grace Kim", "role": "faculty", "department": "Radiology",
     "research_interests": "ai;msk", "career_interests": "academic-promotion;leadership",
     "identity.gender": "female", "identity.first_gen": "yes", "seeks_concordance": "", "capacity": "3"},
    {"id": "fac-ortiz", "name": "Luis Ortiz", "role": "faculty", "department": "Surgery",
     "research_interests": "neuro", "career_interests": "private-practice",
     "identity.gender": "male", "identity.first_gen": "no", "seeks_concordance": "", "capacity": "2"},
]
RELATIONSHIPS = [
    {"source": "fac-kim", "target": "res-lee", "type": "MENTORS", "focus": "research", "since": "2025-07-01",
     "last_met": "2026-10-02"},
    {"source": "fac-kim", "target": "fac-ortiz", "type": "COLLEAGUE", "focus": "", "since": "", "last_met": ""},
    {"source": "fac-ortiz", "target": "res-ng", "type": "KNOWS", "focus": "", "since": "", "last_met": ""},
]
PEOPLE_COLUMNS = list(PEOPLE[0])
REL_COLUMNS = list(RELATIONSHIPS[0])

# How an HR system labels the same columns (and one column mentornet does not use).
HR_HEADERS = {
    "id": "ID", "name": "Name", "role": "Role", "department": "Department ",
    "research_interests": "Research Interests", "career_interests": "Career-Interests",
    "identity.gender": "Identity: Gender", "identity.first_gen": "Identity: First Gen",
    "seeks_concordance": "Seeks Concordance", "capacity": "Capacity",
}
HR_REL_HEADERS = {"source": "Source", "target": "Target", "type": "Type", "focus": "Focus", "since": "Since",
                  "last_met": "Last Met"}
EXTRA = ("Badge No", ["B-1", "B-2", "B-3", "B-4"])
TITLE = "Faculty Affairs - mentoring roster (exported 2026-11-01)"


def write_plain(directory: Path) -> Path:
    """The department as a canonical dataset (the answer the exports must read as)."""
    directory.mkdir(parents=True, exist_ok=True)
    _write_csv(directory / "people.csv", [PEOPLE_COLUMNS] + [[p[c] for c in PEOPLE_COLUMNS] for p in PEOPLE])
    _write_csv(directory / "relationships.csv", [REL_COLUMNS] + [[r[c] for c in REL_COLUMNS] for r in RELATIONSHIPS])
    return directory


def people_rows() -> list[list[str]]:
    """Title row, blank row, HR header, the people with ', ' lists, a blank row in the middle
    and blank rows at the end (as a sheet saved to CSV leaves them)."""
    header = [HR_HEADERS[c] for c in PEOPLE_COLUMNS] + [EXTRA[0]]
    width = len(header)
    rows = [[TITLE] + [""] * (width - 1), [""] * width, header]
    for i, p in enumerate(PEOPLE):
        cells = [p[c].replace(";", ", ") for c in PEOPLE_COLUMNS] + [EXTRA[1][i]]
        rows.append(cells)
        if i == 1:
            rows.append([""] * width)
    return rows + [[""] * width, [""] * width]


def relationship_rows() -> list[list[str]]:
    header = [HR_REL_HEADERS[c] for c in REL_COLUMNS]
    rows = [header] + [[r[c] for c in REL_COLUMNS] for r in RELATIONSHIPS]
    return rows + [[""] * len(header)]


def write_csv_export(directory: Path, *, line_end: str = "\r\n", delimiter: str = ",") -> Path:
    """people.csv and relationships.csv as an HR system writes them."""
    directory.mkdir(parents=True, exist_ok=True)
    _write_csv(directory / "people.csv", people_rows(), line_end=line_end, delimiter=delimiter)
    _write_csv(directory / "relationships.csv", relationship_rows(), line_end=line_end, delimiter=delimiter)
    return directory


def write_workbook_export(directory: Path, name: str = "mentoring.xlsx", *, merge_departments: bool = True,
                          date_cells: bool = True) -> Path:
    """One workbook: a hidden first sheet of old data, then sheets `People` and `Relationships`;
    the title row merged across the columns, department cells merged down where neighbours
    share one, and dates stored as real date cells."""
    from openpyxl import Workbook

    directory.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    old = wb.active
    old.title = "Old roster"
    old.append(["id", "role"])
    old.append(["someone-who-left", "faculty"])
    old.sheet_state = "hidden"

    people = wb.create_sheet("People")
    rows = people_rows()
    for row in rows:
        people.append([_number(v) for v in row])
    people.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[2]))
    if merge_departments:  # res-lee (row 4) and res-ng (row 5) are both Radiology
        column = PEOPLE_COLUMNS.index("department") + 1
        people.cell(row=5, column=column).value = None
        people.merge_cells(start_row=4, start_column=column, end_row=5, end_column=column)

    rels = wb.create_sheet("Relationships")
    for row in relationship_rows():
        rels.append([_date(v) if date_cells else v for v in row])
    path = directory / name
    wb.save(path)
    return path


def _number(value: str):
    return int(value) if value.isdigit() else value


def _date(value: str):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value


def _write_csv(path: Path, rows, *, line_end: str = "\n", delimiter: str = ",") -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
