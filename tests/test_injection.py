"""Hostile ids, names and topics are stored and shown as plain data in every file-based output.

Values carry HTML/JS (``<img onerror>``, ``</script>``), spreadsheet formulas (``=cmd|...``,
``+1``, ``-1``, ``@SUM``, a leading tab), Cypher (``'}) DETACH DELETE n //``) and terminal
escape sequences. JSON keeps them exactly; CSV and XLSX keep them behind a ``'`` when a
spreadsheet would run them; HTML and Markdown escape them; terminal tables show control
characters as ``\\xNN``. (Real-browser checks: tests/test_injection_browser.py,
tests/test_viz_browser.py, tests/test_audit_browser.py.)
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentornet import DataError, read_dataset
from mentornet.cli import main
from mentornet.output import printable

from helpers import write_dataset, xlsx_text_cells

AS_OF = "2026-11-25"
# ids may not contain '>' (it joins the ids of a referral path), so the HTML ones are unclosed
MENTEE = "<svg onload=alert(1)//"
FORMULA_ID = "=cmd|'/C calc'!A0"
CYPHER_ID = "'}) DETACH DELETE n //"
PLUS_ID, MINUS_ID, AT_ID, LONER = "+1", "-1", "@SUM(1+1)", "@loner"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
CYPHER = "x\"}) MATCH (n) DETACH DELETE n // '"
ESCAPE = "Dr. \x1b[2J\x1b]0;pwned\x07Cleared"
FORMULA_NAME = "=HYPERLINK(\"http://evil.example\",\"x\")"
TAB_ID = "calc x"  # a tab inside an id is refused (it prints like a space); the name holds one
IDS = [MENTEE, "m2", LONER, FORMULA_ID, CYPHER_ID, PLUS_ID, MINUS_ID, AT_ID, TAB_ID]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

PEOPLE = [
    {"id": MENTEE, "name": IMG, "role": "resident", "department": SCRIPT, "research_interests": f"ai;{IMG}",
     "career_interests": FORMULA_NAME},
    {"id": LONER, "name": "=1+2", "role": "student", "department": "-Peds"},
    {"id": "m2", "name": ESCAPE, "role": "resident", "department": SCRIPT, "research_interests": CYPHER,
     "career_interests": "@teaching"},
    {"id": FORMULA_ID, "name": SCRIPT, "role": "faculty", "department": SCRIPT, "research_interests": f"ai;{CYPHER}",
     "career_interests": FORMULA_NAME, "leadership": "chair", "capacity": "1"},
    {"id": CYPHER_ID, "name": CYPHER, "role": "faculty", "department": "Surg", "research_interests": "ai",
     "career_interests": "@teaching;" + FORMULA_NAME},
    {"id": PLUS_ID, "name": "+44 20 7946 0000", "role": "external", "research_interests": IMG,
     "career_interests": "-neg"},
    {"id": MINUS_ID, "name": "-2+3", "role": "alumni", "research_interests": CYPHER, "career_interests": "@teaching"},
    {"id": AT_ID, "name": "@SUM(A1:A9)", "role": "faculty", "department": "Surg", "research_interests": "ai"},
    {"id": TAB_ID, "name": "Tab\tbed", "role": "faculty", "department": "Surg", "career_interests": FORMULA_NAME},
]
RELS = [
    {"source": FORMULA_ID, "target": MENTEE, "type": "MENTORS", "focus": "career"},
    {"source": FORMULA_ID, "target": "m2", "type": "MENTORS", "focus": "research"},
    {"source": CYPHER_ID, "target": "m2", "type": "MENTORS", "focus": "career", "status": "ended"},
    {"source": FORMULA_ID, "target": CYPHER_ID, "type": "COAUTHOR"},
    {"source": CYPHER_ID, "target": PLUS_ID, "type": "KNOWS"},
    {"source": PLUS_ID, "target": MINUS_ID, "type": "COLLEAGUE"},
    {"source": MINUS_ID, "target": AT_ID, "type": "KNOWS"},
    {"source": AT_ID, "target": TAB_ID, "type": "KNOWS"},
    {"source": "m2", "target": TAB_ID, "type": "KNOWS"},
]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> str:
    directory = write_dataset(tmp_path_factory.mktemp("hostile"), PEOPLE, RELS)
    read_dataset(directory)  # the hostile dataset is valid: these are just unusual values
    return str(directory)


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, str):
        yield value


# --------------------------------------------------------------------------- gaps, refer, match


@pytest.mark.parametrize("command", ["gaps", "refer", "match"])
def test_json_keeps_every_value_exactly(source, command):
    rows = json.loads(run(command, source, "--as-of", AS_OF, "--format", "json"))
    assert rows
    ids = {r["mentee_id"] for r in rows} | {r.get("candidate_id") for r in rows} - {None}
    assert MENTEE in ids and ids <= set(IDS)
    for row in rows:
        if row.get("status") == "open":  # match: a gap left open has no candidate
            assert row["candidate_id"] is None and row["path"] is None and row["reason"]
            continue
        if "path" in row and row["path"] is None:  # refer: a gap without referrals (reason only)
            assert row["reason"]
            continue
        if "path" in row:
            hops = row["path"].split(">")
            assert hops[0] == row["mentee_id"] and hops[-1] == row["candidate_id"]
            assert set(hops) <= set(IDS) and len(hops) == row["hops"] + 1
        if "name" in row:
            assert row["name"] == {p["id"]: p["name"] for p in PEOPLE}[row["mentee_id"]]
    if command == "refer":
        assert {r["candidate_name"] for r in rows} & {SCRIPT, CYPHER, "-2+3", "@SUM(A1:A9)", "Tab\tbed"}
        assert any(IMG in r["shares"] or CYPHER in r["shares"] or FORMULA_NAME in r["shares"] for r in rows)


@pytest.mark.parametrize("command", ["gaps", "refer", "match"])
def test_csv_neutralises_formulas_and_keeps_the_rest(source, command):
    text = run(command, source, "--as-of", AS_OF, "--format", "csv")
    plain = json.loads(run(command, source, "--as-of", AS_OF, "--format", "json"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(plain)
    for row, exact in zip(rows, plain):
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_START), (column, cell)
            value = exact[column]
            value = ";".join(value) if isinstance(value, list) else value
            if isinstance(value, str):
                expected = "'" + value if value.startswith(FORMULA_START) else value
                assert cell == expected, (column, cell, value)
    assert sum(cell.startswith("'") for row in rows for cell in row.values()) >= 2


def test_csv_path_and_shares_starting_with_a_formula_are_neutralised(source):
    rows = list(csv.DictReader(io.StringIO(run("refer", source, "--as-of", AS_OF, "--format", "csv",
                                               "--mentee", "m2"))))
    assert rows
    assert all(not r["path"].startswith(FORMULA_START) for r in rows)
    assert {r["shares"] for r in rows} & {"'@teaching", CYPHER}


@pytest.mark.parametrize("command", ["gaps", "refer", "match"])
def test_terminal_table_shows_escape_sequences_as_text(source, command):
    text = run(command, source, "--as-of", AS_OF, "--format", "table")
    assert "\x1b" not in text and "\x07" not in text and "\t" not in text
    if command in ("gaps", "refer"):
        assert "Dr. \\x1b[2J\\x1b]0;pwned\\x07Cleared" in text


def test_audit_terminal_summary_has_no_control_characters(source):
    text = run("audit", source, "--as-of", AS_OF, "--format", "table")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


def test_cypher_text_is_plain_data(source):
    """Quotes, braces and comments in values change nothing: they are never parsed as queries."""
    rows = json.loads(run("refer", source, "--as-of", AS_OF, "--format", "json", "--mentee", CYPHER_ID))
    assert rows == []  # a faculty member who is not a mentee: asked for by its exact id
    gaps = json.loads(run("gaps", source, "--as-of", AS_OF, "--format", "json"))
    assert {g["mentee_id"] for g in gaps} == {MENTEE, "m2", LONER}


# --------------------------------------------------------------------------- audit files


@pytest.fixture(scope="module")
def audit_files(source, tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    for suffix in ("json", "md", "html", "xlsx"):
        result = CliRunner().invoke(main, ["audit", source, "--as-of", AS_OF, "--policy", str(policy(out)),
                                           "-o", str(out / f"report.{suffix}")])
        assert result.exit_code == 0, result.output
    return out


def policy(directory: Path) -> Path:
    path = directory / "policy.toml"
    path.write_text("min_group_size = 1\n")  # publish every group, so hostile departments show
    return path


def test_audit_json_keeps_hostile_ids_exactly(audit_files):
    figures = json.loads((audit_files / "report.json").read_text(encoding="utf-8"))
    assert figures["over_capacity"] == [FORMULA_ID]
    assert {"mentor_id": FORMULA_ID, "mentee_id": MENTEE} in figures["conflicts"]
    assert SCRIPT in figures["groups"]["department"]
    assert {m["id"] for m in figures["mentors"]} >= {FORMULA_ID, CYPHER_ID, PLUS_ID, MINUS_ID, AT_ID, TAB_ID}


def test_audit_html_escapes_hostile_ids(audit_files):
    html = (audit_files / "report.html").read_text(encoding="utf-8")
    assert "<svg onload" not in html and "<script" not in html and "<img src=x" not in html
    assert "&lt;svg onload=alert(1)//" in html and "&lt;/script&gt;&lt;script&gt;alert(2)" in html
    assert "&#39;}) DETACH DELETE n //" in html


def test_audit_markdown_escapes_hostile_ids(audit_files):
    text = (audit_files / "report.md").read_text(encoding="utf-8")
    assert "<svg" not in text and "<script" not in text and "\t" not in text
    assert "&lt;svg onload=alert(1)//" in text


def test_audit_xlsx_stores_formulas_as_text(audit_files):
    values = []
    for sheet, cell in xlsx_text_cells(audit_files / "report.xlsx"):
        assert cell.data_type == "s", (sheet, cell.coordinate, cell.value)
        assert not cell.value.startswith(FORMULA_START), cell.value
        values.append(cell.value)
    # people are shown as "name (id)"; a cell that would start with a formula character is neutralised
    assert f"{SCRIPT} ({FORMULA_ID})" in values and "'-Peds" in values
    assert any(v.endswith(f"({CYPHER_ID})") for v in values)
    assert any(v.endswith(f"({MENTEE})") for v in values) and "</script><script>alert(2)</script>" in values
    with zipfile.ZipFile(audit_files / "report.xlsx") as zf:
        assert not any("<f>" in zf.read(n).decode("utf-8", "replace") for n in zf.namelist())


# --------------------------------------------------------------------------- viz


def test_viz_page_keeps_hostile_ids_as_data(source, tmp_path):
    out = tmp_path / "network.html"
    run("viz", source, "--as-of", AS_OF, "-o", out)
    html = out.read_text(encoding="utf-8")
    for raw in (MENTEE, IMG, "<script>alert", "\x1b"):
        assert raw not in html
    data = json.loads(re.search(r'<script type="application/json" id="mentornet-data">(.*?)</script>',
                                html, re.S).group(1))
    assert {n["id"] for n in data["nodes"]} == set(IDS)
    assert {n["name"] for n in data["nodes"]} >= {IMG, SCRIPT, CYPHER, ESCAPE, "-2+3"}


# --------------------------------------------------------------------------- the one id rule


def test_an_id_containing_the_path_separator_is_a_data_error(tmp_path):
    source = write_dataset(tmp_path, [{"id": IMG, "role": "resident"}, {"id": "f1", "role": "faculty"}], [])
    with pytest.raises(DataError) as caught:
        read_dataset(source)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "id") and "'>'" in problem.message


def test_pages_carry_a_policy_that_forbids_network_requests(source, audit_files, tmp_path):
    """Even markup that slipped through could fetch nothing: default-src 'none', no connect-src."""
    out = tmp_path / "network.html"
    run("viz", source, "--as-of", AS_OF, "-o", out)
    for html in (out.read_text(encoding="utf-8"), (audit_files / "report.html").read_text(encoding="utf-8")):
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
        assert "default-src 'none'" in policy and "connect-src" not in policy and "http" not in policy


# --------------------------------------------------------------------------- the terminal sanitiser

# retitles the window, clears the screen, reverses what follows (bidi override), hides a
# character (zero-width space), breaks the line (line separator), an 8-bit CSI and a tag character
HOSTILE = "A\x1b]0;pwned\x07\x1b[2J\u202eevil\u200b\u2028x\x9b1m\U000e0041z"
HOSTILE_SHOWN = "A\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil\\u200b\\u2028x\\x9b1m\\U000e0041z"


def unsafe_characters(text: str) -> set[str]:
    """What a terminal could act on (or hide): anything Python does not call printable, but newlines and spaces."""
    return {ch for ch in text if not ch.isprintable() and ch != "\n" and unicodedata.category(ch) != "Zs"}


def test_printable_escapes_control_format_and_separator_characters():
    assert printable(HOSTILE) == HOSTILE_SHOWN
    assert printable("Dr.\u00a0Kim, Ana\u3000Ruiz, Zoë, 山田, \u05e9\u05dc\u05d5\u05dd") == \
        "Dr.\u00a0Kim, Ana\u3000Ruiz, Zoë, 山田, \u05e9\u05dc\u05d5\u05dd"  # spaces and right-to-left text stay
    assert printable("a\nb\tc\r") == "a\\x0ab\\x09c\\x0d" and printable("a\nb", keep="\n") == "a\nb"
    assert printable("\ud800\ue000\U0010ffff") == "\\ud800\\ue000\\U0010ffff"  # surrogate, private use, unassigned


def stderr_of(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def _duplicate_row(tmp_path):
    people = [{"id": HOSTILE, "role": "resident"}, {"id": "mentor" + HOSTILE, "role": "faculty"}]
    rels = [{"source": "mentor" + HOSTILE, "target": HOSTILE, "type": "MENTORS"}] * 2
    return ["validate", write_dataset(tmp_path / "ds", people, rels)]


def _open_gap(tmp_path):
    people = [{"id": HOSTILE, "role": "resident", "research_interests": "ai"}]
    return ["match", write_dataset(tmp_path / "ds", people, []), "--as-of", AS_OF, "--format", "csv"]


def _department_list(tmp_path):
    people = [{"id": "r1", "role": "resident", "department": HOSTILE}]
    return ["viz", write_dataset(tmp_path / "ds", people, []), "--department", "Nowhere", "-o", tmp_path / "v.html"]


def _header_name(tmp_path):
    directory = write_dataset(tmp_path / "ds", [{"id": "r1", "role": "resident"}], [])
    (directory / "people.csv").write_text(f"id,role,identity.{HOSTILE},identity.{HOSTILE}\nr1,resident,a,b\n",
                                          encoding="utf-8")
    return ["validate", directory]


@pytest.mark.parametrize("case", [_duplicate_row, _open_gap, _department_list, _header_name],
                         ids=["duplicate-row-warning", "match-open-gap", "department-list", "header-name"])
def test_stderr_shows_what_the_data_carries_as_escapes(tmp_path, case):
    """Warnings, open gaps and errors quote the data through the same sanitiser as the tables."""
    status, stderr = stderr_of(*case(tmp_path))
    assert status in (0, 2)
    assert unsafe_characters(stderr) == set(), stderr
    assert HOSTILE_SHOWN.lower() in stderr.lower()  # escaped, not dropped (a header is lower-cased)


def test_terminal_table_escapes_bidi_invisible_and_line_breaks(tmp_path):
    people = [{"id": "r1", "name": "Ana " + HOSTILE, "role": "resident", "research_interests": "ai",
               "career_interests": "x"},
              # a line break (U+2028) inside a list item is refused (test_real_exports): the topic keeps the rest
              {"id": "f1", "name": "Dr\nFake line", "role": "faculty",
               "research_interests": "ai;x" + HOSTILE.replace("\u2028", "")},
              {"id": "f2", "name": "Bo", "role": "faculty", "career_interests": "x"}]
    rels = [{"source": "f2", "target": "r1", "type": "MENTORS", "focus": "career"},
            {"source": "f2", "target": "f1", "type": "COAUTHOR"}]
    source = write_dataset(tmp_path / "ds", people, rels)
    for command in ("gaps", "refer", "match"):
        text = run(command, source, "--as-of", AS_OF, "--format", "table")
        assert unsafe_characters(text) == set(), (command, text)
    referrals = run("refer", source, "--as-of", AS_OF, "--format", "table")
    assert "Ana " + HOSTILE_SHOWN in referrals and "Dr\\x0aFake line" in referrals
    assert not any(line.startswith("Fake line") for line in referrals.splitlines())
    summary = run("audit", source, "--as-of", AS_OF, "--format", "table", "--policy", policy(tmp_path))
    assert unsafe_characters(summary) == set()


def test_every_message_on_stderr_goes_through_the_sanitiser():
    """Only clitools.say writes to stderr (besides the password prompt, and launch's one fixed line)."""
    package = Path(__file__).resolve().parent.parent / "mentornet"
    allowed = {"click.echo(printable(message), err=True)",
               'return click.prompt("Neo4j password", hide_input=True, err=True)'}
    found = [f"{path.name}:{n}: {line.strip()}" for path in sorted(package.rglob("*.py")) if path.name != "launch.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"err=True|sys\.(__)?stderr", line) and line.strip() not in allowed]
    assert found == []
