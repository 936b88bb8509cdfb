"""The command line: output formats, help texts, exit codes."""
import csv
import io
import json

import pytest
from click.testing import CliRunner

from mentornet.cli import main

from helpers import write_dataset

PEOPLE = [
    {"id": "r1", "name": "Ann Lee", "role": "resident", "department": "Rad"},
    {"id": "f1", "name": "=HYPERLINK(\"x\")", "role": "faculty", "department": "Rad"},
    {"id": "r2", "name": "Cy", "role": "resident", "department": "Rad"},
]
RELS = [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": "research"}]


@pytest.fixture
def source(tmp_path):
    return str(write_dataset(tmp_path / "ds", PEOPLE, RELS))


def invoke(*args):
    return CliRunner().invoke(main, list(args))


def test_gaps_csv_exact(source):
    result = invoke("gaps", source, "--format", "csv", "--as-of", "2026-11-25")
    assert result.exit_code == 0
    assert result.stdout == (
        "mentee_id,area,name,role,department,active_mentors\n"
        "r1,career,Ann Lee,resident,Rad,1\n"
        "r2,career,Cy,resident,Rad,0\n"
        "r2,research,Cy,resident,Rad,0\n")


def test_gaps_json(source):
    result = invoke("gaps", source, "--format", "json", "--as-of", "2026-11-25")
    rows = json.loads(result.stdout)
    assert [(r["mentee_id"], r["area"]) for r in rows] == [("r1", "career"), ("r2", "career"), ("r2", "research")]
    assert rows[0]["active_mentors"] == 1


def test_gaps_table(source):
    result = invoke("gaps", source, "--format", "table", "--as-of", "2026-11-25")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["mentee_id", "area", "name", "role", "department", "active_mentors"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split()[:2] == ["r1", "career"] and len(lines) == 5


def test_default_format_is_csv_when_piped(source):
    assert invoke("gaps", source).stdout.startswith("mentee_id,area,")


def test_csv_neutralises_formulas(tmp_path):
    people = [{"id": "=1+1", "role": "resident", "name": "@SUM(A1)"}, {"id": "-x", "role": "resident"}]
    src = write_dataset(tmp_path, people, [])
    rows = list(csv.reader(io.StringIO(invoke("gaps", str(src), "--format", "csv").stdout)))
    assert rows[1][0] == "'-x" and rows[3][0] == "'=1+1" and rows[3][2] == "'@SUM(A1)"


def test_warnings_go_to_stderr_not_stdout(tmp_path):
    src = write_dataset(tmp_path, PEOPLE, RELS + RELS)
    result = invoke("gaps", str(src), "--format", "csv")
    assert "duplicate" in result.stderr and "duplicate" not in result.stdout


def test_policy_file_changes_needs(source, tmp_path):
    policy = tmp_path / "p.toml"
    policy.write_text('stale_after_days = 10\n[concordance]\ngender = ["female"]\n')
    assert invoke("gaps", source, "--policy", str(policy)).exit_code == 0


def test_generate_then_gaps(tmp_path):
    out = tmp_path / "gen"
    assert invoke("generate", str(out), "--people", "200", "--seed", "3").exit_code == 0
    assert invoke("validate", str(out)).exit_code == 0
    again = invoke("generate", str(out), "--people", "200")
    assert again.exit_code == 2 and "--force" in again.stderr
    assert invoke("gaps", str(out), "--format", "csv").stdout.startswith("mentee_id,area")


def test_python_dash_m(source):
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "mentornet", "gaps", source, "--format", "csv"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("mentee_id,area")


def commands():
    return sorted(main.commands)


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_with_example(name):
    result = invoke(name, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"mentornet {name}" in result.stdout


def test_unknown_command_is_usage_error():
    assert invoke("frobnicate").exit_code == 2
