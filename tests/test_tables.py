"""Tables a committee can read (issue 15): warnings summarised, ``validate --format json``,
names beside ids in the audit, XLSX numbers, ``audit --compare`` labels.

The dataset: five mentors (m1..m5, "Dr. One" ..) with capacity 1 and two active mentees each
(so five "over capacity" warnings of one kind), and one leader (chair c1) mentoring a resident of
their own department (one "leadership conflict" warning).
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import write_dataset

from mentornet.cli import main

AS_OF = "2026-11-25"
NAMES = ["One", "Two", "Three", "Four", "Five"]


def people():
    rows = [{"id": f"m{i}", "name": f"Dr. {n}", "role": "faculty", "department": "Rad", "capacity": "1",
             "research_interests": "ai"} for i, n in enumerate(NAMES, 1)]
    rows += [{"id": f"t{i}", "name": f"Trainee {i}", "role": "resident", "department": "Rad",
              "research_interests": "ai"} for i in range(1, 11)]
    rows.append({"id": "c1", "name": "Dr. Chair", "role": "faculty", "department": "Rad", "leadership": "chair",
                 "research_interests": "ai"})
    return rows


def relationships():
    rows = [{"source": f"m{i}", "target": f"t{2 * i - 1 + k}", "type": "MENTORS", "status": "active",
             "focus": "research", "since": "2025-01-01", "last_met": "2026-10-01"}
            for i in range(1, 6) for k in range(2)]
    rows.append({"source": "c1", "target": "t1", "type": "MENTORS", "status": "active", "focus": "career",
                 "since": "2025-01-01", "last_met": "2026-10-01"})
    return rows


@pytest.fixture
def source(tmp_path):
    return str(write_dataset(tmp_path / "ds", people(), relationships()))


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


# --------------------------------------------------------------------------- warnings


def test_a_command_shows_each_kind_of_warning_once_with_a_count(source):
    result = run("gaps", source, "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"warning: {source}: mentor 'm1' has 2 active mentees, over capacity 1\n"
        f"warning: {source}: mentor 'm2' has 2 active mentees, over capacity 1\n"
        f"warning: {source}: mentor 'm3' has 2 active mentees, over capacity 1\n"
        "  ... and 2 more like these\n"
        f"warning: {source}: leader 'c1' mentors 't1', a trainee of their own department (leadership conflict)\n"
        "6 warnings in all: `mentornet validate` lists every one; --quiet hides them\n")


@pytest.mark.parametrize("command", ["gaps", "refer", "match", "audit"])
def test_quiet_hides_the_warnings(source, command):
    result = run(command, source, "--as-of", AS_OF, "--format", "csv", "--quiet")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_validate_lists_every_warning(source):
    result = run("validate", source, "--as-of", AS_OF)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert [line for line in lines if "over capacity" in line] == [
        f"warning: {source}: mentor 'm{i}' has 2 active mentees, over capacity 1" for i in range(1, 6)]
    assert lines[-1] == f"{source}: no errors (6 warning(s))"


def test_validate_json_is_one_report_on_stdout(source):
    result = run("validate", source, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert {k: report[k] for k in ("source", "valid", "errors", "warnings")} == {
        "source": source, "valid": True, "errors": 0, "warnings": 6}
    assert report["problems"][0] == {"severity": "warning", "file": source, "row": None, "column": None,
                                     "message": "mentor 'm1' has 2 active mentees, over capacity 1"}
    assert result.stderr == ""


def test_validate_json_reports_errors_with_exit_2(tmp_path):
    src = write_dataset(tmp_path / "bad", [{"id": "a", "name": "A", "role": "wizard"}], [])
    result = run("validate", src, "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["errors"] == 1
    assert report["problems"][0]["row"] == 2 and report["problems"][0]["column"] == "role"
