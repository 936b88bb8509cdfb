"""Every validation error of DESIGN.md section 2: exit 2, file/row/column named, no traceback."""
import pytest
from click.testing import CliRunner

from mentornet.cli import main

GOOD_PEOPLE = "id,name,role,capacity,accepting,mentee\nr1,Ann,resident,,,\nf1,Bob,faculty,2,true,\n"
GOOD_RELS = "source,target,type,status,since,last_met,formal\nf1,r1,MENTORS,active,2024-01-01,2026-01-01,true\n"


def run(args):
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def make(tmp_path, people=GOOD_PEOPLE, rels=GOOD_RELS):
    if people is not None:
        (tmp_path / "people.csv").write_text(people, encoding="utf-8")
    if rels is not None:
        (tmp_path / "relationships.csv").write_text(rels, encoding="utf-8")
    return tmp_path


CASES = [
    # (name, people, relationships, expected fragments)
    ("missing people file", None, GOOD_RELS, ["people.csv", "missing file"]),
    ("missing relationships file", GOOD_PEOPLE, None, ["relationships.csv", "missing file"]),
    ("missing id column", "name,role\nA,resident\n", GOOD_RELS, ["people.csv", "row 1", "column id", "missing required column"]),
    ("missing type column", GOOD_PEOPLE, "source,target\nf1,r1\n", ["relationships.csv", "row 1", "column type"]),
    ("empty id", "id,role\nr1,resident\n ,faculty\n", "source,target,type\n", ["people.csv", "row 3", "column id", "empty id"]),
    ("duplicate id", "id,role\nr1,resident\nr1,faculty\n", "source,target,type\n", ["row 3", "column id", "duplicate id 'r1'", "row 2"]),
    ("unknown role", "id,role\nr1,residnet\n", "source,target,type\n", ["people.csv", "row 2", "column role", "unknown role 'residnet'"]),
    ("unknown type", GOOD_PEOPLE, "source,target,type\nf1,r1,FRIEND\n", ["relationships.csv", "row 2", "column type", "FRIEND"]),
    ("unknown status", GOOD_PEOPLE, "source,target,type,status\nf1,r1,MENTORS,paused\n", ["row 2", "column status", "paused"]),
    ("unknown person", GOOD_PEOPLE, "source,target,type\nf1,zz,KNOWS\n", ["relationships.csv", "row 2", "column target", "unknown person 'zz'"]),
    ("empty source", GOOD_PEOPLE, "source,target,type\n,r1,KNOWS\n", ["row 2", "column source", "empty source"]),
    ("self relationship", GOOD_PEOPLE, "source,target,type\nf1,f1,KNOWS\n", ["row 2", "themselves"]),
    ("bad date", GOOD_PEOPLE, "source,target,type,last_met\nf1,r1,MENTORS,2026-02-30\n", ["row 2", "column last_met", "2026-02-30"]),
    ("bad date format", GOOD_PEOPLE, "source,target,type,since\nf1,r1,MENTORS,01/02/2024\n", ["row 2", "column since"]),
    ("non-integer capacity", "id,role,capacity\nf1,faculty,two\n", "source,target,type\n", ["row 2", "column capacity", "'two'"]),
    ("negative capacity", "id,role,capacity\nf1,faculty,-1\n", "source,target,type\n", ["row 2", "column capacity", "'-1'"]),
    ("fractional capacity", "id,role,capacity\nf1,faculty,1.5\n", "source,target,type\n", ["row 2", "column capacity"]),
    ("bad boolean", "id,role,accepting\nf1,faculty,maybe\n", "source,target,type\n", ["row 2", "column accepting", "'maybe'"]),
    ("bad mentee boolean", "id,role,mentee\nf1,faculty,sometimes\n", "source,target,type\n", ["row 2", "column mentee"]),
    ("bad formal boolean", GOOD_PEOPLE, "source,target,type,formal\nf1,r1,MENTORS,official\n", ["row 2", "column formal"]),
    ("ragged row", "id,role\nr1,resident,extra\n", "source,target,type\n", ["people.csv", "row 2", "cells"]),
    ("short row", GOOD_PEOPLE, "source,target,type,status\nf1,r1\n", ["relationships.csv", "row 2", "fewer than the header"]),
    ("unclosed quote", 'id,role\nr1,"resident\nf1,faculty\n', "source,target,type\n", ["people.csv", "unclosed quote"]),
    ("empty file", "", "source,target,type\n", ["people.csv", "empty"]),
    ("duplicate column", "id,role,ID\nr1,resident,x\n", "source,target,type\n", ["row 1", "column id", "twice"]),
]


@pytest.mark.parametrize("name, people, rels, fragments", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["validate", "gaps"])
def test_bad_input_exits_2_with_location(tmp_path, name, people, rels, fragments, command):
    source = make(tmp_path, people, rels)
    code, out = run([command, str(source), "--format", "csv"])
    assert code == 2, out
    for fragment in fragments:
        assert fragment in out, (fragment, out)
    assert "Traceback" not in out
    assert "mentee_id" not in out  # no result rows were written


def test_all_problems_reported_together(tmp_path):
    source = make(tmp_path, "id,role,capacity\nr1,residnet,\n,faculty,x\n", "source,target,type\nr1,zz,FRIEND\n")
    code, out = run(["validate", str(source)])
    assert code == 2
    for fragment in ["row 2, column role", "row 3, column id", "row 3, column capacity",
                     "relationships.csv, row 2, column target", "relationships.csv, row 2, column type"]:
        assert fragment in out, fragment


def test_not_utf8(tmp_path):
    make(tmp_path)
    (tmp_path / "people.csv").write_bytes(b"id,role,name\nr1,resident,Zo\xe9\nf1,faculty,B\n")
    code, out = run(["gaps", str(tmp_path)])
    assert code == 2 and "people.csv, row 2" in out and "UTF-8" in out and "Traceback" not in out


def test_binary_file(tmp_path):
    make(tmp_path)
    (tmp_path / "relationships.csv").write_bytes(b"\x00\x01\x02binary")
    code, out = run(["gaps", str(tmp_path)])
    assert code == 2 and "relationships.csv" in out


def test_corrupt_xlsx(tmp_path):
    make(tmp_path, people=None)
    (tmp_path / "people.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    code, out = run(["gaps", str(tmp_path)])
    assert code == 2 and "people.xlsx" in out and "Excel" in out and "Traceback" not in out


def test_directory_where_file_expected(tmp_path):
    make(tmp_path, people=None)
    (tmp_path / "people.csv").mkdir()
    code, out = run(["validate", str(tmp_path)])
    assert code == 2 and "people.csv" in out and "directory" in out


def test_missing_dataset_directory(tmp_path):
    code, out = run(["gaps", str(tmp_path / "nope")])
    assert code == 2 and "nope" in out


def test_bad_as_of_is_usage_error(tmp_path):
    code, out = run(["gaps", str(make(tmp_path)), "--as-of", "25/11/2026"])
    assert code == 2 and "YYYY-MM-DD" in out


@pytest.mark.parametrize("text, fragment", [
    ("max_hops = 'three'\n", "max_hops"),
    ("top_k = 0\n", "top_k"),
    ("stale_after_days = -5\n", "stale_after_days"),
    ("unknown_thing = 1\n", "unknown policy setting"),
    ("[concordance]\ngender = 'female'\n", "concordance.gender"),
    ("max_hops = [\n", "not valid TOML"),
])
def test_bad_policy_file(tmp_path, text, fragment):
    source = make(tmp_path)
    policy = tmp_path / "policy.toml"
    policy.write_text(text)
    code, out = run(["gaps", str(source), "--policy", str(policy)])
    assert code == 2 and fragment in out and "policy.toml" in out and "Traceback" not in out


def test_warnings_do_not_stop_the_command(tmp_path):
    source = make(tmp_path, GOOD_PEOPLE, GOOD_RELS + "f1,r1,MENTORS,active,,,\n")
    code, out = run(["validate", str(source)])
    assert code == 0 and "warning" in out and "duplicate MENTORS row" in out and "row 3" in out


def test_leader_and_over_capacity_warnings(tmp_path):
    people = "id,role,department,leadership,capacity\nr1,resident,Rad,,\nr2,resident,Rad,,\nf1,faculty,rad,chair,1\n"
    rels = "source,target,type\nf1,r1,MENTORS\nf1,r2,MENTORS\n"
    code, out = run(["validate", str(make(tmp_path, people, rels)), "--as-of", "2026-11-25"])
    assert code == 0
    assert "over capacity" in out and "leadership conflict" in out
