"""Files as HR and faculty-affairs systems export them are read right, or refused saying what to change.

DESIGN.md section 2 ("Real exports") and README "Data format". The exports come from
tests/hr_exports.py; each test would fail with the reader before this rule existed.
"""
from __future__ import annotations

import time
import unicodedata

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from mentornet.cli import main
from mentornet.errors import DataError
from mentornet.io import read_dataset

import hr_exports

AS_OF = "2026-11-25"
CANONICAL_PEOPLE = ["id", "name", "role", "department", "research_interests", "career_interests", "capacity",
                    "seeks_concordance", "identity.gender", "identity.first_gen"]


def run(args):
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


def assert_reads_as_plain(source, tmp_path):
    """Same people, relationships and gaps as the canonical files."""
    plain = read_dataset(hr_exports.write_plain(tmp_path / "plain"))
    ds = read_dataset(source)
    pd.testing.assert_frame_equal(ds.people[CANONICAL_PEOPLE], plain.people[CANONICAL_PEOPLE])
    columns = ["source", "target", "type", "focus", "status", "since", "last_met", "formal"]
    pd.testing.assert_frame_equal(ds.relationships[columns], plain.relationships[columns])
    assert run(["gaps", str(source), "--as-of", AS_OF, "--format", "csv"])[1] == \
        run(["gaps", str(tmp_path / "plain"), "--as-of", AS_OF, "--format", "csv"])[1]
    return ds


# --------------------------------------------------------------------------- whole exports


@pytest.mark.parametrize("line_end", ["\r\n", "\n", "\r"])
def test_hr_csv_export_reads_as_the_canonical_files(tmp_path, line_end):
    ds = assert_reads_as_plain(hr_exports.write_csv_export(tmp_path / "hr", line_end=line_end), tmp_path)
    lee = ds.people.set_index("id").loc["res-lee"]
    assert lee["research_interests"] == ("ai", "msk")  # 'ai, msk': two topics
    assert lee["identity.gender"] == "female" and lee["seeks_concordance"] == ("gender",)
    assert list(ds.people["badge_no"]) == hr_exports.EXTRA[1]  # kept as a property


def test_semicolon_delimited_export_reads_as_the_canonical_files(tmp_path):
    assert_reads_as_plain(hr_exports.write_csv_export(tmp_path / "hr", delimiter=";"), tmp_path)


def test_one_workbook_with_both_sheets_reads_as_the_canonical_files(tmp_path):
    path = hr_exports.write_workbook_export(tmp_path / "hr")
    ds = assert_reads_as_plain(path.parent, tmp_path)
    assert "someone-who-left" not in set(ds.people["id"])  # the hidden first sheet is not read
    # the merged department cell (rows 4-5) is Radiology for both residents
    assert list(ds.people["department"][:2]) == ["Radiology", "Radiology"]


def test_workbook_export_names_the_sheet_in_messages(tmp_path):
    path = hr_exports.write_workbook_export(tmp_path / "hr")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["Relationships"]["C3"] = "FRIEND"
    wb.save(path)
    code, out, err = run(["validate", str(path.parent)])
    assert code == 2
    assert "mentoring.xlsx, sheet Relationships, row 3, column type: unknown type 'FRIEND'" in err


def test_export_warnings_name_what_was_skipped_and_kept(tmp_path):
    source = hr_exports.write_csv_export(tmp_path / "hr")
    code, _, err = run(["validate", str(source)])
    assert code == 0
    assert "people.csv, row 1: row(s) 1 above the header (row 3) are not data and were skipped: " \
           f"'{hr_exports.TITLE}'" in err
    assert "people.csv, row 3: column(s) 'badge_no' are not columns mentornet uses; kept as properties" in err


# --------------------------------------------------------------------------- headers


def write(tmp_path, people, rels="source,target,type\n"):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "people.csv").write_text(people, encoding="utf-8", newline="")
    (tmp_path / "relationships.csv").write_text(rels, encoding="utf-8", newline="")
    return tmp_path


@pytest.mark.parametrize("header, column", [
    ("ID", "id"), ("Research Interests", "research_interests"), ("Career-Interests", "career_interests"),
    ("Identity: Gender", "identity.gender"), ("Identity: First Gen", "identity.first_gen"),
    ("Department ", "department"), ("identity-urm", "identity.urm"), ("IDENTITY . Gender", "identity.gender"),
    ("research__interests", "research_interests"), ("Seeks  Concordance", "seeks_concordance"),
])
def test_headers_are_normalised(tmp_path, header, column):
    people = f"{header},role\nx,faculty\n" if column != "id" else "ID,role\nx,faculty\n"
    if column == "id":
        ds = read_dataset(write(tmp_path, people))
        assert list(ds.people["id"]) == ["x"]
        return
    ds = read_dataset(write(tmp_path, f"id,{header},role\nx,a,faculty\n"))
    assert column in ds.people.columns
    assert header.strip().lower() == column or header.strip().lower() not in ds.people.columns


def test_identity_need_is_found_under_an_hr_header(tmp_path):
    people = ("ID,Role,Identity: Gender,Seeks Concordance,Research Interests\n"
              "res-a,resident,female,Gender,ai\nfac-b,faculty,male,,ai\nfac-c,faculty,female,,ai\n")
    rels = "source,target,type\nfac-b,res-a,MENTORS\nfac-c,fac-b,KNOWS\n"
    code, out, err = run(["gaps", str(write(tmp_path, people, rels)), "--as-of", AS_OF, "--format", "csv"])
    assert code == 0, err
    assert "res-a,identity:gender" in out and "has not disclosed" not in err


def test_two_headers_naming_one_column_are_an_error_naming_both(tmp_path):
    with pytest.raises(DataError) as info:
        read_dataset(write(tmp_path, "id,role,Identity: Gender,identity.gender\nx,faculty,f,m\n"))
    message = str(info.value.problems[0])
    assert "row 1, column identity.gender" in message
    assert "'Identity: Gender' (cell 3) and 'identity.gender' (cell 4)" in message


def test_near_miss_column_is_a_warning_naming_the_column_meant(tmp_path):
    code, _, err = run(["validate", str(write(tmp_path, "id,role,reserch_interests\nx,faculty,ai\n"))])
    assert code == 0
    assert "column reserch_interests: unknown column 'reserch_interests': did you mean 'research_interests'?" in err


def test_near_miss_of_a_required_column_is_named(tmp_path):
    code, _, err = run(["validate", str(write(tmp_path, "id,rol\nx,faculty\n"))])
    assert code == 2 and "column role: missing required column (is 'rol' meant to be role?)" in err


def test_validate_on_canonical_files_lists_no_unknown_columns(tmp_path):
    code, _, err = run(["validate", str(hr_exports.write_plain(tmp_path))])
    assert code == 0 and "kept as properties" not in err and "0 warning(s)" in err


# --------------------------------------------------------------------------- lists, blank rows


def test_list_cells_split_on_comma_or_semicolon(tmp_path):
    people = 'id,role,research_interests,leadership\nx,faculty,"AI, MSK; neuro",chair\n'
    ds = read_dataset(write(tmp_path, people))
    assert ds.people["research_interests"][0] == ("AI", "MSK", "neuro")


def test_a_line_break_inside_a_list_item_is_an_error_naming_the_cell(tmp_path):
    # Alt+Enter between items: read as one focus "research\ncareer", the mentee had two gaps
    (tmp_path / "people.csv").write_text("id,role,research_interests\nres-a,resident,AI\n"
                                         'fac-k,faculty,"AI\nMSK"\n')
    (tmp_path / "relationships.csv").write_text('source,target,type,focus\nfac-k,res-a,MENTORS,"research\ncareer"\n')
    with pytest.raises(DataError) as info:
        read_dataset(tmp_path)
    assert [(p.file.rsplit("/", 1)[-1], p.row, p.column) for p in info.value.problems] == [
        ("people.csv", 3, "research_interests"), ("relationships.csv", 2, "focus")]
    assert "focus cell 'research\\ncareer' has a line break inside an item" in info.value.problems[1].message
    code, out, err = run(["gaps", str(tmp_path), "--as-of", AS_OF])
    assert code == 2 and out == "" and "separate the items with ';' or ','" in err


@pytest.mark.parametrize("brk", ["\r", "\v", "\x85", "\u2028"])
def test_every_kind_of_line_break_inside_a_list_item_is_an_error(tmp_path, brk):
    (tmp_path / "people.csv").write_text(f'id,role,leadership\nres-a,resident,\nfac-k,faculty,"chair{brk}dean"\n',
                                         newline="")
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    with pytest.raises(DataError) as info:
        read_dataset(tmp_path)
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "leadership")]


def test_a_line_break_next_to_a_separator_is_only_space(tmp_path):
    (tmp_path / "people.csv").write_text('id,role,research_interests\nres-a,resident,"AI;\nMSK"\nfac-k,faculty,AI\n')
    (tmp_path / "relationships.csv").write_text('source,target,type,focus\nfac-k,res-a,MENTORS,"research,\r\ncareer"\n')
    ds = read_dataset(tmp_path)
    assert list(ds.people["research_interests"]) == [("AI", "MSK"), ("AI",)]
    assert list(ds.relationships["focus"]) == [("research", "career")]


def test_blank_rows_are_skipped_and_later_rows_keep_their_numbers(tmp_path):
    people = "id,role\nres-a,resident\n,\n\n  ,  \nfac-b,professor\n,\n"
    with pytest.raises(DataError) as info:
        read_dataset(write(tmp_path, people))
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'people.csv'}, row 6, column role: unknown role 'professor' "
        "(expected one of student, resident, fellow, faculty, alumni, external)"]


def test_blank_rows_in_relationships_keep_row_numbers(tmp_path):
    people = "id,role\nres-a,resident\nfac-b,faculty\n"
    rels = "source,target,type\n,,\nfac-b,res-a,MENTORS\n\nfac-b,nobody,MENTORS\n"
    with pytest.raises(DataError) as info:
        read_dataset(write(tmp_path, people, rels))
    assert [(p.row, p.column) for p in info.value.problems] == [(5, "target")]


def test_blank_rows_of_a_workbook_are_skipped_with_row_numbers_kept(tmp_path):
    wb = Workbook()
    ws = wb.active
    for row in (["id", "role"], ["res-a", "resident"], [None, None], ["fac-b", "professor"], [None, ""]):
        ws.append(row)
    wb.save(tmp_path / "people.xlsx")
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    with pytest.raises(DataError) as info:
        read_dataset(tmp_path)
    assert [(p.row, p.column) for p in info.value.problems] == [(4, "role")]


def test_duplicate_id_names_the_first_row_as_a_spreadsheet_shows_it(tmp_path):
    with pytest.raises(DataError) as info:
        read_dataset(write(tmp_path, "Roster\nid,role\n\nx,faculty\nx,faculty\n"))
    problem = [p for p in info.value.problems if p.severity == "error"][0]
    assert problem.row == 5 and "first used on row 4" in problem.message


def test_title_row_above_the_header_is_skipped_with_a_warning(tmp_path):
    ds = read_dataset(write(tmp_path, "Mentoring roster 2026,,\n,,\nid,role,name\nx,faculty,X\n"))
    assert list(ds.people["id"]) == ["x"]
    assert any(w.row == 1 and "above the header (row 3)" in w.message for w in ds.warnings)


# --------------------------------------------------------------------------- line ends, ids


def test_cr_only_line_ends_keep_the_short_row_check(tmp_path):
    people = "id,role\rres-a,resident\rfac-b,faculty\r"
    rels = "source,target,type,status\rfac-b,res-a,MENTORS,ended\rfac-b,res-a\r"
    with pytest.raises(DataError) as info:
        read_dataset(write(tmp_path, people, rels))
    assert [(p.row, p.message) for p in info.value.problems] == [(3, "row has 2 cells, fewer than the header's 4")]


def test_ids_are_nfc_so_composed_and_decomposed_forms_are_one_person(tmp_path):
    composed, decomposed = "jos\u00e9", "jose\u0301"
    assert composed != decomposed and unicodedata.normalize("NFC", decomposed) == composed
    ds = read_dataset(write(tmp_path, f"id,role\n{composed},resident\nfac-b,faculty\n",
                            f"source,target,type\nfac-b,{decomposed},MENTORS\n"))
    assert ds.relationships["target"][0] == composed == ds.people["id"][0]


def test_ids_differing_only_by_normalisation_are_duplicates(tmp_path):
    with pytest.raises(DataError) as info:
        read_dataset(write(tmp_path, "id,role\njos\u00e9,resident\njose\u0301,faculty\n"))
    assert "duplicate id" in str(info.value)


@pytest.mark.parametrize("char, name", [("\u200b", "U+200B (ZERO WIDTH SPACE)"), ("\u202e", "U+202E"),
                                        ("\u00a0", "U+00A0 (NO-BREAK SPACE)"), ("\x07", "U+0007")])
def test_invisible_characters_in_ids_are_refused(tmp_path, char, name):
    people = f"id,role\nres-a,resident\nres{char}-a,resident\nfac-b,faculty\n"
    rels = f"source,target,type\nfac-b,res{char}-a,MENTORS\n"
    with pytest.raises(DataError) as info:
        read_dataset(write(tmp_path, people, rels))
    found = [(p.file.rsplit("/", 1)[-1], p.row, p.column) for p in info.value.problems]
    assert found == [("people.csv", 3, "id"), ("relationships.csv", 2, "target")]
    assert name in info.value.problems[0].message


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("value, hint", [
    ("11/25/2024", "write 2024-11-25"),
    ("25/11/2024", "write 2024-11-25"),
    ("03/04/2025", "2025-03-04 if it is month/day, 2025-04-03 if it is day/month"),
    ("2024-11-25 09:30", "without a time"),
    ("45620", "format the column as Date"),
])
def test_dates_in_other_formats_are_refused_with_what_to_write(tmp_path, value, hint):
    people = "id,role\nres-a,resident\nfac-b,faculty\n"
    rels = f"source,target,type,since\nfac-b,res-a,MENTORS,{value}\n"
    with pytest.raises(DataError) as info:
        read_dataset(write(tmp_path, people, rels))
    assert f"not a date: {value!r} (use YYYY-MM-DD" in info.value.problems[0].message
    assert hint in info.value.problems[0].message


# --------------------------------------------------------------------------- workbooks


def workbook(path, sheets, hidden=()):
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


PEOPLE_ROWS = [["id", "role"], ["res-a", "resident"], ["fac-b", "faculty"]]


def test_hidden_first_sheet_is_skipped_with_a_warning(tmp_path):
    workbook(tmp_path / "people.xlsx", {"Old": [["id", "role"], ["gone", "faculty"]], "Roster": PEOPLE_ROWS},
             hidden={"Old"})
    (tmp_path / "relationships.csv").write_text("source,target,type\nfac-b,res-a,MENTORS\n")
    ds = read_dataset(tmp_path)
    assert list(ds.people["id"]) == ["res-a", "fac-b"]
    assert any("hidden sheet(s) 'Old' skipped" in w.message for w in ds.warnings)


def test_people_xlsx_with_a_relationships_sheet_is_read_whole(tmp_path):
    workbook(tmp_path / "people.xlsx", {"people": PEOPLE_ROWS,
                                        "relationships": [["source", "target", "type"], ["fac-b", "res-a", "MENTORS"]]})
    ds = read_dataset(tmp_path)
    assert list(ds.relationships["source"]) == ["fac-b"]


def test_two_workbooks_holding_the_same_table_are_refused(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        workbook(tmp_path / name, {"people": PEOPLE_ROWS, "relationships": [["source", "target", "type"]]})
    with pytest.raises(DataError, match="several workbooks hold a sheet named 'people' \\(a.xlsx, b.xlsx\\)"):
        read_dataset(tmp_path)


def test_a_table_in_both_csv_and_xlsx_is_refused(tmp_path):
    # a stale people.csv beside a newer people.xlsx was read without a word
    workbook(tmp_path / "people.xlsx", {"people": PEOPLE_ROWS})
    (tmp_path / "people.csv").write_text("id,role\nres-a,resident\nfac-b,alumni\n")
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    with pytest.raises(DataError, match=r"the people table is in more than one file here \(people.csv, people.xlsx\)"):
        read_dataset(tmp_path)
    code, out, err = run(["validate", str(tmp_path)])
    assert code == 2 and "keep only the one to read" in err


def test_a_table_in_a_csv_and_in_a_workbook_sheet_is_refused(tmp_path):
    # the CSV was read and the workbook's sheet of the same table ignored without a word
    workbook(tmp_path / "mentoring.xlsx", {"people": PEOPLE_ROWS,
                                           "relationships": [["source", "target", "type"], ["fac-b", "res-a", "MENTORS"]]})
    (tmp_path / "people.csv").write_text("id,role\nres-a,resident\nfac-b,alumni\n")
    with pytest.raises(DataError, match=r"the people table is in more than one file here "
                                        r"\(people.csv, mentoring.xlsx \(sheet 'people'\)\)"):
        read_dataset(tmp_path)
    (tmp_path / "people.csv").unlink()
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    with pytest.raises(DataError, match=r"the relationships table is in more than one file here"):
        read_dataset(tmp_path)
    (tmp_path / "relationships.csv").unlink()
    assert list(read_dataset(tmp_path).relationships["source"]) == ["fac-b"]


def test_several_visible_sheets_read_the_first_and_say_so(tmp_path):
    workbook(tmp_path / "people.xlsx", {"Roster": PEOPLE_ROWS, "Notes": [["text"], ["x"]]})
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    ds = read_dataset(tmp_path)
    assert any("read the first visible sheet 'Roster' of 2; name a sheet 'people'" in w.message for w in ds.warnings)


def test_merged_cells_down_a_column_fill_each_row(tmp_path):
    path = workbook(tmp_path / "people.xlsx", {"people": [["id", "role", "department"], ["res-a", "resident", "Rad"],
                                                          ["res-c", "resident", None], ["fac-b", "faculty", "Surg"]]})
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["people"].merge_cells("C2:C3")
    wb["people"].merge_cells("C4:C9")  # past the table: adds no rows
    wb.save(path)
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    ds = read_dataset(tmp_path)
    assert list(ds.people["department"]) == ["Rad", "Rad", "Surg"]


def _rewrite_sheet(path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in the first sheet's XML of the workbook at ``path`` (to write
    what openpyxl cannot: a formula's saved result, as Excel saves it)."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info.filename)
    sheet = "xl/worksheets/sheet1.xml"
    assert old.encode() in parts[sheet]
    parts[sheet] = parts[sheet].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


MENTORED = [["fac-k", "res-a", "MENTORS", "research;career"], ["fac-k", "fac-b", "COAUTHOR", None]]
FOCUS_PEOPLE = ("id,role,department,research_interests,career_interests\nres-a,resident,Radiology,AI,promotion\n"
                "fac-k,faculty,Radiology,AI,promotion\nfac-b,faculty,Radiology,AI,promotion\n")


def _mentored_with_focus(tmp_path, focus, saved: tuple[str, str] | None = None) -> None:
    """people.csv (:data:`FOCUS_PEOPLE`) and relationships.xlsx whose first row's focus (cell D2)
    is ``focus``; ``saved``: (the XML openpyxl wrote for D2, the XML to put in its place)."""
    rows = [["source", "target", "type", "focus"], MENTORED[0][:3] + [focus], MENTORED[1]]
    path = workbook(tmp_path / "relationships.xlsx", {"relationships": rows})
    if saved:
        _rewrite_sheet(path, *saved)
    (tmp_path / "people.csv").write_text(FOCUS_PEOPLE)


def test_formula_without_a_saved_result_is_refused_naming_the_cell(tmp_path):
    # A script wrote the formula and never calculated it: Excel would show research;career, the
    # file holds nothing, and reading it as empty gave res-a a research and a career gap.
    _mentored_with_focus(tmp_path, '=LOWER("Research;Career")')
    with pytest.raises(DataError) as info:
        read_dataset(tmp_path)
    [problem] = info.value.problems
    assert problem.row == 2 and "cell D2 holds a formula whose result was never saved" in problem.message
    code, out, err = run(["gaps", str(tmp_path), "--as-of", AS_OF])
    assert code == 2 and out == "" and "relationships.xlsx, row 2: cell D2 holds a formula" in err
    assert "Traceback" not in err


def test_formula_with_its_saved_result_is_read_as_that_result(tmp_path):
    _mentored_with_focus(tmp_path, '=LOWER("Research;Career")',
                         ('<c r="D2"><f>LOWER("Research;Career")</f><v /></c>',
                          '<c r="D2" t="str"><f>LOWER("Research;Career")</f><v>research;career</v></c>'))
    ds = read_dataset(tmp_path)
    assert list(ds.relationships["focus"]) == [("research", "career"), ()]
    code, out, _ = run(["gaps", str(tmp_path), "--as-of", AS_OF, "--format", "csv"])
    assert code == 0 and "res-a" not in out  # its mentor covers research and career


def test_formula_whose_saved_result_is_empty_text_is_an_empty_cell(tmp_path):
    # =IF(...,"",...) saved by Excel: t="str" and an empty <v>; a value, not a missing one
    _mentored_with_focus(tmp_path, '=IF(1,"","x")',
                         ('<c r="D2"><f>IF(1,"","x")</f><v /></c>', '<c r="D2" t="str"><f>IF(1,"","x")</f><v></v></c>'))
    ds = read_dataset(tmp_path)
    assert list(ds.relationships["focus"]) == [(), ()]


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#DIV/0!", "#VALUE!"])
def test_error_values_are_refused_naming_each_cell(tmp_path, error):
    # a failed lookup is no disclosed identity: read as text, "#N/A" made res-a and fac-b concordant
    people = [["id", "role", "identity.gender", "seeks_concordance"], ["res-a", "resident", error, "gender"],
              ["fac-k", "faculty", "male", None], ["fac-b", "faculty", error, None]]
    workbook(tmp_path / "people.xlsx", {"people": people})
    (tmp_path / "relationships.csv").write_text("source,target,type\nfac-k,res-a,MENTORS\nfac-k,fac-b,COAUTHOR\n")
    with pytest.raises(DataError) as info:
        read_dataset(tmp_path)
    assert [(p.row, p.message.split(" (")[0]) for p in info.value.problems] == [
        (2, f"cell C2 holds the error {error}"), (4, f"cell C4 holds the error {error}")]
    code, out, err = run(["refer", str(tmp_path), "--as-of", AS_OF])
    assert code == 2 and out == "" and f"people.xlsx, row 2: cell C2 holds the error {error}" in err


def test_a_text_formula_saved_without_any_result_is_refused(tmp_path):
    _mentored_with_focus(tmp_path, '=LOWER("Research")',
                         ('<c r="D2"><f>LOWER("Research")</f><v /></c>', '<c r="D2" t="str"><f>LOWER("Research")</f></c>'))
    with pytest.raises(DataError, match="cell D2 holds a formula whose result was never saved"):
        read_dataset(tmp_path)


def test_an_error_cell_without_its_name_is_refused_as_an_error_value(tmp_path):
    _mentored_with_focus(tmp_path, "#N/A", ('<c r="D2" t="e"><v>#N/A</v></c>', '<c r="D2" t="e" />'))
    with pytest.raises(DataError, match="cell D2 holds an error value"):
        read_dataset(tmp_path)


def test_an_error_or_uncalculated_cell_in_a_title_row_is_skipped_with_the_title(tmp_path):
    people = [["Roster #REF!", "=TODAY()"], ["id", "role"], ["res-a", "resident"], ["fac-b", "faculty"]]
    path = workbook(tmp_path / "people.xlsx", {"people": people})
    _rewrite_sheet(path, '<c r="A1" t="inlineStr"><is><t>Roster #REF!</t></is></c>', '<c r="A1" t="e"><v>#REF!</v></c>')
    (tmp_path / "relationships.csv").write_text("source,target,type\nfac-b,res-a,MENTORS\n")
    ds = read_dataset(tmp_path)
    assert list(ds.people["id"]) == ["res-a", "fac-b"]  # the header found in row 2, below the title


def test_a_date_cell_outside_the_dates_is_a_date_error_naming_the_column(tmp_path):
    rows = [["source", "target", "type", "since"], ["fac-k", "res-a", "MENTORS", 99999999]]
    path = workbook(tmp_path / "relationships.xlsx", {"relationships": rows})
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["D2"].number_format = "yyyy-mm-dd"
    wb.save(path)
    (tmp_path / "people.csv").write_text(FOCUS_PEOPLE)
    with pytest.raises(DataError) as info:
        read_dataset(tmp_path)
    [problem] = info.value.problems
    assert (problem.row, problem.column) == (2, "since") and "not a date" in problem.message


def test_many_error_cells_are_listed_up_to_a_limit_then_counted(tmp_path):
    from mentornet.io import MAX_UNREAD_CELLS as MAX_CELL_PROBLEMS

    people = [["id", "role", "department"]] + [[f"p{i}", "faculty", "#N/A"] for i in range(MAX_CELL_PROBLEMS + 5)]
    workbook(tmp_path / "people.xlsx", {"people": people})
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    with pytest.raises(DataError) as info:
        read_dataset(tmp_path)
    problems = info.value.problems
    assert len(problems) == MAX_CELL_PROBLEMS + 1 and problems[-1].message == "... and 5 more such cells"


def test_far_cell_workbook_is_refused_fast(tmp_path):
    wb = Workbook()
    ws = wb.active
    for row in PEOPLE_ROWS:
        ws.append(row)
    ws["XFD1048576"] = "x"
    wb.save(tmp_path / "people.xlsx")
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    start = time.perf_counter()
    with pytest.raises(DataError, match="cell XFD1048576 holds a value, but a table has at most 1,000 columns"):
        read_dataset(tmp_path)
    assert time.perf_counter() - start < 5


def test_far_row_is_read_cheaply_with_its_row_number(tmp_path):
    wb = Workbook()
    ws = wb.active
    for row in PEOPLE_ROWS:
        ws.append(row)
    ws["A1048576"] = "stray"
    wb.save(tmp_path / "people.xlsx")
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    start = time.perf_counter()
    with pytest.raises(DataError) as info:
        read_dataset(tmp_path)
    assert time.perf_counter() - start < 5
    assert [(p.row, p.column) for p in info.value.problems] == [(1048576, "role")]


def test_wide_workbook_header_is_refused_before_its_cells_are_read(tmp_path):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("people")
    ws.append(["id", "role"] + [f"c{i}" for i in range(16_382)])
    for i in range(200):
        ws.append([f"p{i}", "faculty"] + ["v"] * 16_382)
    wb.save(tmp_path / "people.xlsx")
    (tmp_path / "relationships.csv").write_text("source,target,type\n")
    start = time.perf_counter()
    with pytest.raises(DataError, match="cell ALM1 holds a value, but a table has at most 1,000 columns"):
        read_dataset(tmp_path)
    assert time.perf_counter() - start < 5
