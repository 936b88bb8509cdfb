"""The columns whose cells repeat (io.REPEATING: types, statuses, dates, roles, topic lists,
identity) are parsed as categories, for speed alone: a dataset read that way must be the same,
every value, warning and problem with its row and column, as the same files read as text."""
import csv
import io as _io
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentornet import io
from mentornet.errors import DataError


def read(directory, *, categories: bool):
    """What read_dataset gives: the dataset's tables, endpoints and warnings, or its problems."""
    with patch.object(io, "_repeats", io._repeats if categories else lambda stem, column: False):
        try:
            ds = io.read_dataset(directory)
        except DataError as exc:
            return "problems", [(p.row, p.column, str(p)) for p in exc.problems]
    return ds, [(p.row, p.column, str(p)) for p in ds.warnings]


def assert_read_alike(directory):
    with_categories, as_text = read(directory, categories=True), read(directory, categories=False)
    assert with_categories[1] == as_text[1]
    if as_text[0] == "problems":
        assert with_categories[0] == "problems"
        return as_text[1]
    ds, other = with_categories[0], as_text[0]
    pd.testing.assert_frame_equal(ds.people, other.people)
    pd.testing.assert_frame_equal(ds.relationships, other.relationships)
    for ours, theirs in zip(ds.relationship_people, other.relationship_people):
        np.testing.assert_array_equal(ours, theirs)
    return as_text[1]


def write(path, header, rows, *, title=False, blank_at=(), sep=",", end="\n", bom=False):
    out = _io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=end)
    if title:
        out.write(f"Export of 2026-11-30{sep}{sep}{end}")
    writer.writerow(header)
    for i, row in enumerate(rows):
        if i in blank_at:
            out.write(sep * (len(header) - 1) + end)
        writer.writerow(row)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))


IDS = ["p0", "p1", "p2", "p3", " p4", "p5 ", "p9"]
ROLES = ["faculty", " Faculty", "RESIDENT ", "student", "fellow", "alumni", "", "prof"]
BOOLS = ["", "yes", "No ", "TRUE", "0", "maybe"]
TYPES = ["KNOWS", " mentors", "COAUTHOR ", "colleague", "Mentors", "mentorz", ""]
STATUSES = ["", "active", " Ended", "ACTIVE", "paused?"]
DATES = ["", "2020-01-01", " 2021-02-03", "2021-02-03 ", "3/4/2021", "2021-13-01"]
TOPICS = ["", "imaging", "imaging; ai", " AI ,imaging", "a, b;;", "global-health"]
GENDERS = ["", "woman", "Woman ", "man", "non-binary"]


@st.composite
def datasets(draw):
    valid = draw(st.booleans())  # else a bad cell anywhere is likely: half the files are valid ones

    def cell(choices, bad=()):
        return draw(st.sampled_from([c for c in choices if c not in bad] if valid else choices))

    n = draw(st.integers(2, 6))
    people = [[f"p{i}", cell(ROLES, {"", "prof"}), cell(BOOLS, {"maybe"}), cell(BOOLS, {"maybe"}),
               cell(["", "2", "3.0", "x", "-1"], {"x", "-1"}), cell(TOPICS), cell(GENDERS), cell(["", "note", "a, b"])]
              for i in range(n)]
    ids = IDS[:n] if valid else IDS
    rels = []
    for _ in range(draw(st.integers(0, 12))):
        source, target = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=valid))
        rels.append([source, target, cell(TYPES, {"mentorz", ""}), cell(TOPICS), cell(STATUSES, {"paused?"}),
                     cell(DATES, {"3/4/2021", "2021-13-01"}), cell(DATES, {"3/4/2021", "2021-13-01"}),
                     cell(BOOLS, {"maybe"})])
    form = {"sep": draw(st.sampled_from([",", ";"])), "end": draw(st.sampled_from(["\n", "\r\n"])),
            "bom": draw(st.booleans())}
    return people, rels, draw(st.booleans()), draw(st.sets(st.integers(0, 12), max_size=2)), draw(st.booleans()), form


@given(datasets())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_categories_read_as_text_would(tmp_path, drawn):
    people, rels, title, blank_at, shouted, form = drawn
    header = ["ID", "Role", "Mentee", "accepting", "Capacity", "Research Interests", "Identity: Gender", "notes"]
    if shouted:
        header = [h.upper() + " " for h in header]
    write(tmp_path / "people.csv", header, people, title=title, **form)
    write(tmp_path / "relationships.csv", ["source", "target", " Type", "focus", "status", "since", "last_met",
                                           "formal"], rels, blank_at=blank_at, **form)
    assert_read_alike(tmp_path)


def test_repeating_columns_are_parsed_as_categories(tmp_path):
    write(tmp_path / "people.csv", ["id", "name", "Role", "identity.urm", "notes"], [["p1", "A", "faculty", "no", "x"]])
    frame, _ = io._read_csv((tmp_path / "people.csv").read_bytes(), "people.csv", io.PEOPLE)
    kinds = {c: isinstance(t, pd.CategoricalDtype) for c, t in frame.dtypes.items()}
    assert kinds == {"id": False, "name": False, "role": True, "identity.urm": True, "notes": False}
    # a quoted header cell may run over lines: everything is text then
    (tmp_path / "quoted.csv").write_text('"id","role"\np1,faculty\n', encoding="utf-8")
    frame, _ = io._read_csv((tmp_path / "quoted.csv").read_bytes(), "quoted.csv", io.PEOPLE)
    assert not any(isinstance(t, pd.CategoricalDtype) for t in frame.dtypes)
    # the public reader still gives text cells
    table = io.read_table(tmp_path / "people.csv", "people")
    assert all(t == object for t in table.dtypes) and table.loc[2, "role"] == "faculty"


def test_categories_from_many_parser_chunks(tmp_path):
    # the parser reads 262,144 rows at a time: each part has its own categories, put together after
    n = 300_000
    people = [[f"p{i}", "faculty"] for i in range(10)]
    rels = [[f"p{i % 10}", f"p{(i + 1) % 10}", "KNOWS" if i < 200_000 else " Mentors", "",
             "" if i < 280_000 else "ended", "2020-01-01" if i % 3 else "", "", "yes" if i > 250_000 else ""]
            for i in range(n)]
    rels[-1][2] = "mentorz"
    write(tmp_path / "people.csv", ["id", "role"], people)
    write(tmp_path / "relationships.csv", list(io.REL_COLUMNS), rels)
    problems = assert_read_alike(tmp_path)
    assert (n + 1, "type", f"{tmp_path / 'relationships.csv'}, row {n + 1}, column type: unknown type 'mentorz' "
            "(expected one of MENTORS, COLLEAGUE, COAUTHOR, KNOWS)") in problems
    rels[-1][2] = "KNOWS"
    write(tmp_path / "relationships.csv", list(io.REL_COLUMNS), rels)
    assert_read_alike(tmp_path)
    ds = io.read_dataset(tmp_path)
    kinds = ds.relationships["type"].value_counts().to_dict()
    assert kinds == {"KNOWS": 200_001, "MENTORS": 99_999}
    assert (ds.relationships["status"] == "ended").sum() == 20_000


@pytest.mark.parametrize("people", ["role\nfaculty\n", "Identity: Gender\tID\tRole\nwoman\tp1\tfaculty\n",
                                    "mentee,accepting\naccepting,mentee\n"])
def test_a_table_of_categories_alone_is_read(tmp_path, people):
    # every column categorical, with the same categories: pandas 2.1 gave the header row as a
    # categorical row, which refused the empty cell its missing values become
    (tmp_path / "people.csv").write_text(people, encoding="utf-8")
    (tmp_path / "relationships.csv").write_text("source,target,type\na,b,MENTORS\n", encoding="utf-8")
    problems = assert_read_alike(tmp_path)
    assert (1, "id", f"{tmp_path / 'people.csv'}, row 1, column id: missing required column"
            + (" (the header is one cell: the file must be comma-separated or semicolon-separated)"
               if "\t" in people else "")) in problems
