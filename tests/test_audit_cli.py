"""``mentornet audit`` through the command line: formats, files, --compare, errors, escaping."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from mentornet.cli import main

from helpers import write_dataset, xlsx_text_cells

ROOT = Path(__file__).resolve().parent.parent
RADIOLOGY = str(ROOT / "examples" / "radiology")
AS_OF = "2026-11-25"
SUPPRESSED = {"suppressed": True}

SCRIPT = "<script>window.pwned=1</script>"
# ids cannot contain '>' (it joins the ids of a referral path): an unclosed tag is the hostile id
LEADER = "<img src=x onerror=window.pwned=3 alt="
IMG = '<img src=x onerror="window.pwned=2">'
FORMULA = '=HYPERLINK("http://evil.example","click")'
MATH = "$\\frac{1}{0}$ --> <!-- | *x* [a](b)"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def hostile_dataset(directory: Path) -> Path:
    """Published groups and listed mentors whose names are markup, formulas and mathtext."""
    people = []
    for i, dept in enumerate([IMG] * 5 + [FORMULA] * 5 + [MATH] * 5):
        people.append({"id": f"m{i:02d}", "role": "resident", "department": dept,
                       "identity.gender": SCRIPT if i % 3 else "@female"})
    people += [
        {"id": LEADER, "role": "faculty", "department": IMG, "leadership": "chair", "capacity": "1"},
        {"id": FORMULA, "role": "faculty", "department": "x"},
        {"id": "-2+3", "role": "faculty"},
    ]
    rels = [
        {"source": LEADER, "target": "m00", "type": "MENTORS", "focus": "research"},
        {"source": LEADER, "target": "m01", "type": "MENTORS", "focus": "career"},
        {"source": FORMULA, "target": "m05", "type": "MENTORS", "status": "ended", "last_met": "2025-01-01"},
        {"source": "-2+3", "target": "m10", "type": "MENTORS", "focus": "research"},
    ]
    return write_dataset(directory, people, rels)


@pytest.fixture
def hostile(tmp_path):
    return hostile_dataset(tmp_path / "hostile")


# --------------------------------------------------------------------------- the radiology tour


@pytest.fixture(scope="module")
def radiology():
    result = invoke("audit", RADIOLOGY, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_radiology_headline_figures(radiology):
    f = radiology
    assert f["as_of"] == AS_OF and f["mentees"] == 29 and f["mentees_without_mentor"] == 5
    assert f["coverage"] == {
        "research": {"needing": 29, "covered": 18}, "career": {"needing": 29, "covered": 20},
        "identity:first_gen": {"needing": 2, "covered": 1}, "identity:gender": {"needing": 11, "covered": 8}}
    # one mentee did not disclose urm: with "yes" hidden, urm's need headline would still bound them
    assert f["suppressed_needs"] == ["identity:urm"] and "identity:urm" not in f["no_candidate"]["by_area"]
    assert f["mosaic"] == {"0": 5, "1": 17, "2": 6, "3+": 1}
    assert f["gaps"] == 28


def test_radiology_groups_with_complementary_suppression(radiology):
    g = radiology["groups"]
    # School of Medicine (4) is small; with only two departments, Radiology would give it back
    assert g["department"] == {"Radiology": SUPPRESSED, "School of Medicine": SUPPRESSED}
    # students (4) and faculty (3) hide each other: together 7 people
    assert g["role"]["student"] == g["role"]["faculty"] == SUPPRESSED
    cells = {v: (c["mentees"], c["without_mentor"], c["gaps"]) for v, c in g["role"].items() if c != SUPPRESSED}
    assert cells == {"fellow": (6, 1, 4), "resident": (16, 2, 13)}
    # nonbinary (1) is small and everyone disclosed gender: male (13, the smaller) hides it
    assert g["identity.gender"]["nonbinary"] == g["identity.gender"]["male"] == SUPPRESSED
    female = g["identity.gender"]["female"]
    assert (female["mentees"], female["without_mentor"], female["gaps"]) == (15, 0, 12)
    # 18 + 10 of 29 disclosed urm: printing both would give away the one who did not (issue 14)
    assert g["identity.urm"]["yes"] == SUPPRESSED
    assert (lambda c: (c["mentees"], c["without_mentor"], c["gaps"]))(g["identity.urm"]["no"]) == (18, 4, 17)
    assert {v: (c["mentees"], c["without_mentor"], c["gaps"]) for v, c in g["identity.first_gen"].items()} == {
        "no": (20, 4, 19), "yes": (9, 1, 9)}


def test_radiology_mentors_and_lists(radiology):
    f = radiology
    assert len(f["mentors"]) == 35
    loads = {m["id"]: (m["load"], m["capacity"]) for m in f["mentors"]}
    assert loads["fac-hassan"] == (4, 4) and loads["fac-patel"] == (3, 2) and loads["fac-schmidt"] == (0, 0)
    assert loads["fel-rahman"] == (1, 3) and loads["res-alvarez"] == (1, 3)
    assert f["over_capacity"] == ["fac-patel"]
    assert f["conflicts"] == [{"mentor_id": "fac-lindqvist", "mentee_id": "res-jones"}]
    assert f["stale"] == [
        {"mentor_id": "fac-sato", "mentee_id": "res-huang", "last_met": "2025-05-20", "status": "lapsed"},
        {"mentor_id": "fac-thompson", "mentee_id": "fel-santos", "last_met": "2024-06-20", "status": "ended"}]
    # stu-quinn has no relationships: her three gaps have no candidate
    assert f["no_candidate"]["without_candidate"] == 3
    assert f["busiest_share"] == {"mentors": 35, "busiest": 4, "mentorships": 32, "busiest_mentorships": 12,
                                  "share": 0.375}


# --------------------------------------------------------------------------- formats


def test_terminal_summary(tmp_path):
    result = invoke("audit", RADIOLOGY, "--as-of", AS_OF, "--format", "table")
    assert result.exit_code == 0
    out = result.stdout
    for title in ["Summary", "Coverage by need", "Mosaic", "By group", "Identity concordance by group",
                  "Mentor load", "Load distribution", "Mentors by identity", "Leadership conflicts",
                  "Stale or ended mentorships", "Gaps with no candidate in reach"]:
        assert f"\n{title}" in out
    assert re.search(r"^mentees without any active mentor +5 \(17\.2%\)$", out, re.M)
    assert "Dr. Maria Lindqvist (fac-lindqvist)  Dr. Tanisha Jones (res-jones)" in out
    assert "warning:" not in result.stdout and "warning:" in result.stderr


def test_default_format_when_piped_is_csv():
    result = invoke("audit", RADIOLOGY, "--as-of", AS_OF)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["section", "item", "column", "value"]
    assert ["Coverage by need", "research", "covered", "18"] in rows
    assert ["By group", "department / School of Medicine", "mentees", "suppressed"] in rows
    assert ["Leadership conflicts", "fac-lindqvist", "mentee", "res-jones"] in rows
    assert ["Stale or ended mentorships", "fac-sato / res-huang", "last met", "2025-05-20"] in rows


def test_json_is_stable(tmp_path):
    a = invoke("audit", RADIOLOGY, "--as-of", AS_OF, "--format", "json").stdout
    b = invoke("audit", RADIOLOGY, "--as-of", AS_OF, "-o", tmp_path / "r.json")
    assert b.exit_code == 0 and b.stdout == ""
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == a
    assert list(json.loads(a))[:6] == ["as_of", "min_group_size", "mentees", "mentees_without_mentor", "gaps",
                                       "coverage"]


def test_markdown_report(tmp_path):
    out = tmp_path / "report.md"
    result = invoke("audit", RADIOLOGY, "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 0 and f"wrote {out}" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Mentor audit\n")
    assert "## Coverage by need" in text
    assert "| research | 29 | 18 | 62.1% |" in text
    assert "| identity.gender | nonbinary | suppressed |" in text


def test_html_report_is_self_contained(tmp_path):
    out = tmp_path / "report.html"
    assert invoke("audit", RADIOLOGY, "--as-of", AS_OF, "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert html.count('<img src="data:image/svg+xml;base64,') == 5


def test_xlsx_report(tmp_path):
    out = tmp_path / "report.xlsx"
    assert invoke("audit", RADIOLOGY, "--as-of", AS_OF, "-o", out).exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Summary", "Coverage", "Mosaic"]
    coverage = [[c.value for c in row] for row in wb["Coverage"].iter_rows(max_row=3)]
    assert coverage == [["need", "needing", "covered", "rate"], ["research", 29, 18, 0.6207],
                        ["career", 29, 20, 0.6897]]
    assert wb["Coverage"]["D2"].number_format == "0.0%"


# --------------------------------------------------------------------------- hostile names


def test_hostile_names_in_json_are_kept_exactly(hostile):
    f = json.loads(invoke("audit", hostile, "--as-of", AS_OF, "--format", "json").stdout)
    assert set(f["groups"]["department"]) == {IMG, FORMULA, MATH}
    assert f["groups"]["department"][IMG]["mentees"] == 5
    assert f["conflicts"] == [{"mentor_id": LEADER, "mentee_id": "m00"}, {"mentor_id": LEADER, "mentee_id": "m01"}]
    assert f["over_capacity"] == [LEADER]
    assert f["groups"]["identity.gender"][SCRIPT.lower()]["mentees"] == 10


def test_hostile_names_escaped_in_html(hostile, tmp_path):
    out = tmp_path / "r.html"
    assert invoke("audit", hostile, "--as-of", AS_OF, "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and "<img src=x" not in html and "<!--" not in html
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;window.pwned=2&#34;&gt;" in html
    assert "&lt;img src=x onerror=window.pwned=3 alt=" in html


def test_hostile_names_escaped_in_markdown(hostile, tmp_path):
    out = tmp_path / "r.md"
    assert invoke("audit", hostile, "--as-of", AS_OF, "-o", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text and "<!--" not in text
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in text
    # a pipe in a value cannot open a new table column: every table row has its header's width
    for block in text.split("\n\n"):
        rows = [r for r in block.splitlines() if r.startswith("|")]
        widths = {r.replace("\\|", "").count("|") for r in rows}
        assert len(widths) <= 1, block


def test_xlsx_neutralises_formulas(hostile, tmp_path):
    out = tmp_path / "r.xlsx"
    assert invoke("audit", hostile, "--as-of", AS_OF, "-o", out).exit_code == 0
    values = []
    for sheet, cell in xlsx_text_cells(out):
        assert cell.data_type == "s", (sheet, cell.coordinate, cell.value)
        assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
        values.append(cell.value)
    assert "'" + FORMULA in values and "'-2+3" in values and "'@female" in values
    assert SCRIPT in values


def test_csv_neutralises_formulas(hostile):
    rows = list(csv.reader(io.StringIO(invoke("audit", hostile, "--as-of", AS_OF, "--format", "csv").stdout)))
    items = {r[1] for r in rows[1:]}
    assert "'-2+3" in items and f"'{FORMULA} / m05" in items
    assert not any(cell.startswith(("=", "+", "-", "@")) and not re.fullmatch(r"-\d+", cell)
                   for row in rows for cell in row)


# --------------------------------------------------------------------------- --compare


BASE_PEOPLE = [
    {"id": "m1", "role": "resident"}, {"id": "m2", "role": "resident"},
    {"id": "f1", "role": "faculty", "career_interests": "teaching"}, {"id": "f2", "role": "faculty"},
]
BASE_RELS = [
    {"source": "f1", "target": "m1", "type": "MENTORS", "focus": "research"},
    {"source": "f2", "target": "m2", "type": "MENTORS", "focus": "research", "last_met": "2025-06-01"},
]


def test_compare_two_snapshots(tmp_path):
    old = write_dataset(tmp_path / "old", BASE_PEOPLE, BASE_RELS)
    new = write_dataset(tmp_path / "new", BASE_PEOPLE + [{"id": "m3", "role": "fellow"}], BASE_RELS + [
        {"source": "f1", "target": "m2", "type": "MENTORS", "focus": "career"}])
    result = invoke("audit", new, "--compare", old, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    c = json.loads(result.stdout)["compare"]
    assert c["as_of"] == AS_OF
    fig = c["figures"]
    assert fig["mentees"] == {"old": 2, "new": 3, "change": 1}
    # f2 -> m2 (last met 2025-06-01) is stale on 2026-11-25 in both snapshots
    assert fig["mentees_without_mentor"] == {"old": 1, "new": 1, "change": 0}
    # old: m1 career, m2 research + career = 3 gaps; new: m1 career, m2 research, m3 both = 4
    assert fig["gaps"] == {"old": 3, "new": 4, "change": 1}
    assert fig["coverage.career.covered"] == {"old": 0, "new": 1, "change": 1}
    assert fig["coverage.career.rate"] == {"old": 0.0, "new": 0.3333, "change": 0.3333}
    assert fig["mosaic.1"] == {"old": 1, "new": 2, "change": 1}
    assert fig["mentorships"] == {"old": 1, "new": 2, "change": 1}
    assert fig["stale"] == {"old": 1, "new": 1, "change": 0}
    assert fig["over_capacity"] == {"old": 0, "new": 0, "change": 0}
    assert not any(name.startswith("groups") for name in fig)  # group cells are never compared


def test_compare_as_of_for_the_old_snapshot(tmp_path):
    ds = write_dataset(tmp_path / "ds", BASE_PEOPLE, BASE_RELS)
    # by 2026-11-25 the f2 -> m2 mentorship (last met 2025-06-01) is stale; a year earlier it was not
    same = json.loads(invoke("audit", ds, "--compare", ds, "--as-of", AS_OF, "--format", "json").stdout)
    assert same["compare"]["figures"]["mentees_without_mentor"] == {"old": 1, "new": 1, "change": 0}
    earlier = json.loads(invoke("audit", ds, "--compare", ds, "--compare-as-of", "2025-11-25", "--as-of", AS_OF,
                                "--format", "json").stdout)
    assert earlier["compare"]["as_of"] == "2025-11-25"
    assert earlier["compare"]["figures"]["mentees_without_mentor"] == {"old": 0, "new": 1, "change": 1}
    assert earlier["compare"]["figures"]["stale"] == {"old": 0, "new": 1, "change": 1}


def test_compare_in_every_report(tmp_path):
    ds = write_dataset(tmp_path / "ds", BASE_PEOPLE, BASE_RELS)
    table = invoke("audit", ds, "--compare", ds, "--compare-as-of", "2025-11-25", "--as-of", AS_OF,
                   "--format", "table").stdout
    assert "Change since 2025-11-25" in table
    assert re.search(r"^mentees without any active mentor +0 +1 +\+1$", table, re.M)
    assert re.search(r"^research need: coverage rate +100\.0% +50\.0% +\u221250\.0 pts$", table, re.M)
    for suffix in ("md", "html"):
        out = tmp_path / f"r.{suffix}"
        assert invoke("audit", ds, "--compare", ds, "--as-of", AS_OF, "-o", out).exit_code == 0
        assert "Change since 2026" in out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- errors write nothing


def test_bad_dataset_writes_nothing(tmp_path):
    bad = write_dataset(tmp_path / "bad", [{"id": "a", "role": "wizard"}], [])
    out = tmp_path / "report.html"
    result = invoke("audit", bad, "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 2
    assert "unknown role 'wizard'" in result.stderr and "nothing was written" in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "bad"]


def test_bad_old_snapshot_leaves_existing_report_alone(tmp_path):
    good = write_dataset(tmp_path / "good", BASE_PEOPLE, BASE_RELS)
    bad = write_dataset(tmp_path / "bad", BASE_PEOPLE, [{"source": "f1", "target": "nobody", "type": "MENTORS"}])
    out = tmp_path / "report.json"
    out.write_text("previous", encoding="utf-8")
    result = invoke("audit", good, "--compare", bad, "--as-of", AS_OF, "-o", out)
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "good", "report.json"]


def test_unknown_report_type_is_a_usage_error(tmp_path):
    result = invoke("audit", tmp_path / "does-not-exist", "-o", tmp_path / "report.pdf")
    assert result.exit_code == 2
    assert "report.pdf: unknown report type" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "report.pdf").exists()


def test_missing_output_directory(tmp_path):
    result = invoke("audit", RADIOLOGY, "--as-of", AS_OF, "-o", tmp_path / "no" / "report.html")
    assert result.exit_code == 2 and "no such directory" in result.stderr


def test_bad_compare_date(tmp_path):
    result = invoke("audit", RADIOLOGY, "--compare", RADIOLOGY, "--compare-as-of", "2026-13-01")
    assert result.exit_code == 2 and "not a date" in result.output


def test_replaces_an_existing_report_without_temporary_files(tmp_path):
    out = tmp_path / "report.md"
    out.write_text("old report", encoding="utf-8")
    assert invoke("audit", RADIOLOGY, "--as-of", AS_OF, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Mentor audit")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_help_has_an_example():
    result = invoke("audit", "--help")
    assert result.exit_code == 0
    assert "mentornet audit examples/radiology" in result.stdout and "--compare" in result.stdout
