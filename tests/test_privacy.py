"""``--pseudonymize``: stable salted pseudonyms instead of ids and names, the salt never written."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from mentornet import DataError
from mentornet.cli import main
from mentornet.privacy import Pseudonymizer, load_salt, pseudonym, pseudonymize_audit, pseudonymize_frame

from helpers import in_new_directory, write_dataset

SALT = "salt-for-tests-7f3a9c1e5b"
OTHER_SALT = "another-salt-0d4e8b2a6c"
PEOPLE = [
    {"id": "zq-res-1", "name": "Xena Qord", "role": "resident", "department": "Rad", "research_interests": "ai",
     "career_interests": "leadership", "identity.gender": "female", "seeks_concordance": "gender"},
    {"id": "zq-res-2", "name": "Yuri Qant", "role": "resident", "department": "Rad", "research_interests": "neuro"},
    {"id": "zq-fac-1", "name": "Wanda Qim", "role": "faculty", "department": "Rad", "research_interests": "ai",
     "career_interests": "leadership", "identity.gender": "female", "leadership": "chair", "capacity": "1"},
    {"id": "zq-fac-2", "name": "Vic Qole", "role": "faculty", "department": "Surg", "research_interests": "neuro;ai",
     "career_interests": "leadership", "identity.gender": "male"},
    {"id": "zq-fac-3", "name": "Uma Qest", "role": "faculty", "department": "Surg", "research_interests": "ai",
     "career_interests": "leadership", "identity.gender": "female"},
    {"id": "zq-alu-1", "name": "Tom Qarr", "role": "alumni", "research_interests": "neuro"},
]
RELS = [
    {"source": "zq-fac-1", "target": "zq-res-1", "type": "MENTORS", "focus": "research"},
    {"source": "zq-fac-1", "target": "zq-res-2", "type": "MENTORS", "focus": "research"},
    {"source": "zq-fac-2", "target": "zq-res-2", "type": "MENTORS", "focus": "career", "last_met": "2020-01-01"},
    {"source": "zq-fac-1", "target": "zq-fac-2", "type": "COAUTHOR"},
    {"source": "zq-fac-2", "target": "zq-fac-3", "type": "COLLEAGUE"},
    {"source": "zq-fac-2", "target": "zq-fac-3", "type": "COLLEAGUE"},  # a warning that names two people
    {"source": "zq-fac-3", "target": "zq-alu-1", "type": "KNOWS"},
]
IDENTIFYING = [p["id"] for p in PEOPLE] + [p["name"] for p in PEOPLE] + ["zq-", "Xena", "Qord"]

# (command, extra arguments, output file or None for stdout)
EXPORTS = [
    ("gaps", ["--format", "csv"], None),
    ("gaps", ["--format", "json"], None),
    ("gaps", ["--format", "table"], None),
    ("refer", ["--format", "csv"], None),
    ("refer", ["--format", "json"], None),
    ("refer", ["--format", "table"], None),
    ("refer", ["--format", "csv", "--mentee", "zq-res-1"], None),
    ("match", ["--format", "csv"], None),
    ("match", ["--format", "table"], None),
    ("audit", ["--format", "json"], None),
    ("audit", ["--format", "csv"], None),
    ("audit", ["--format", "table"], None),
    ("audit", ["--compare", "SELF", "--format", "json"], None),
    ("audit", [], "report.json"),
    ("audit", [], "report.md"),
    ("audit", [], "report.html"),
    ("audit", [], "report.xlsx"),
    ("viz", [], "network.html"),
    ("viz", ["--mentee", "zq-res-1"], "network.html"),
]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> str:
    return str(write_dataset(tmp_path_factory.mktemp("ds"), PEOPLE, RELS))


def file_text(path: Path) -> str:
    """A file's text; for .xlsx every part of the workbook (cells live in the XML inside)."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as zf:
            return "\n".join(zf.read(n).decode("utf-8") for n in zf.namelist())
    return path.read_text(encoding="utf-8")


def export(tmp_path, source, command, extra, output, *, salt=SALT, env=True, args=()):
    """Run one export; return (result, everything it wrote: stdout, stderr and the output file)."""
    runner = CliRunner(env={"MENTORNET_SALT": salt if env else None})
    Path(tmp_path).mkdir(parents=True, exist_ok=True)
    with in_new_directory(tmp_path):
        argv = [command, source, "--as-of", "2026-11-25", *[source if a == "SELF" else a for a in extra], *args]
        if output:
            argv += ["-o", output]
        result = runner.invoke(main, argv)
        written = file_text(Path(output)) if output and Path(output).exists() else ""
    return result, result.stdout + result.stderr + written


# --------------------------------------------------------------------------- the functions


def test_pseudonym_is_p_and_12_hex_of_hmac_sha256():
    expected = "p_" + hmac.new(b"k" * 16, b"res-a", hashlib.sha256).hexdigest()[:12]
    assert pseudonym("res-a", b"k" * 16) == expected
    assert len(expected) == 14


def test_pseudonym_is_stable_and_depends_on_salt_and_id():
    assert pseudonym("res-a", SALT.encode()) == pseudonym("res-a", SALT.encode())
    assert pseudonym("res-a", SALT.encode()) != pseudonym("res-a", OTHER_SALT.encode())
    assert pseudonym("res-a", SALT.encode()) != pseudonym("res-b", SALT.encode())


def test_pseudonymizer_never_shows_the_salt():
    pz = Pseudonymizer(SALT.encode())
    pz.id("a")
    assert SALT not in repr(pz) and SALT not in str(vars(pz).get("_known"))


def test_paths_and_names_follow_the_ids():
    pz = Pseudonymizer(SALT.encode())
    frame = pd.DataFrame({"mentee_id": ["b", "a"], "area": ["career", "research"], "rank": [1, 1],
                          "candidate_id": ["c", "c"], "candidate_name": ["Dr C", "Dr C"], "path": ["b>x>c", "a>c"]})
    out = pseudonymize_frame(frame, pz, ids=["mentee_id", "candidate_id"], paths=["path"],
                             names={"candidate_name": "candidate_id"}, sort_by=["mentee_id", "area", "rank"])
    assert list(out["path"].str.split(">").str[0]) == list(out["mentee_id"])
    assert (out["candidate_name"] == out["candidate_id"]).all()
    assert list(out["mentee_id"]) == sorted(out["mentee_id"])
    assert list(frame["mentee_id"]) == ["b", "a"]  # the caller's frame is unchanged
    assert set(out["path"]) == {pz.path("b>x>c"), pz.path("a>c")}


def test_audit_lists_are_pseudonymized_and_resorted():
    pz = Pseudonymizer(SALT.encode())
    figures = {"mentees": 2, "mentors": [{"id": "a", "load": 1, "capacity": 2}, {"id": "b", "load": 0, "capacity": 1}],
               "over_capacity": ["a"], "conflicts": [{"mentor_id": "a", "mentee_id": "m"}],
               "stale": [{"mentor_id": "b", "mentee_id": "m", "last_met": None, "status": "ended"}]}
    out = pseudonymize_audit(figures, pz)
    assert [m["id"] for m in out["mentors"]] == sorted([pz.id("a"), pz.id("b")])
    assert out["over_capacity"] == [pz.id("a")] and out["mentees"] == 2
    assert out["conflicts"] == [{"mentor_id": pz.id("a"), "mentee_id": pz.id("m")}]
    assert out["stale"][0]["mentor_id"] == pz.id("b") and out["stale"][0]["status"] == "ended"
    assert figures["over_capacity"] == ["a"]


def test_salt_from_file_wins_over_environment(tmp_path):
    salt_file = tmp_path / "salt"
    salt_file.write_text(OTHER_SALT + "\n")
    assert load_salt(salt_file, {"MENTORNET_SALT": SALT}) == OTHER_SALT.encode()
    assert load_salt(None, {"MENTORNET_SALT": SALT}) == SALT.encode()


@pytest.mark.parametrize("salt_file, environ, fragment", [
    (None, {}, "MENTORNET_SALT"),
    (None, {"MENTORNET_SALT": ""}, "needs a secret salt"),
    (None, {"MENTORNET_SALT": "short"}, "too short"),
    ("missing-file", {"MENTORNET_SALT": SALT}, "cannot read the salt file"),
])
def test_missing_or_weak_salt_is_refused(tmp_path, salt_file, environ, fragment):
    with pytest.raises(DataError, match=fragment):
        load_salt(tmp_path / salt_file if salt_file else None, environ)


# --------------------------------------------------------------------------- the commands


@pytest.mark.parametrize("command, extra, output", EXPORTS)
def test_export_has_no_id_name_or_salt(tmp_path, source, command, extra, output):
    result, written = export(tmp_path, source, command, extra, output, args=["--pseudonymize"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "p_" in written.replace("\\_", "_")  # Markdown writes p\_...
    for value in IDENTIFYING + [SALT]:
        assert value not in written, value
    assert "not shown because they name people" in result.stderr


@pytest.mark.parametrize("command, extra, output", EXPORTS)
def test_export_is_stable_with_one_salt_and_changes_with_another(tmp_path, source, command, extra, output):
    first = export(tmp_path / "1", source, command, extra, output, args=["--pseudonymize"])[1]
    again = export(tmp_path / "2", source, command, extra, output, args=["--pseudonymize"])[1]
    other = export(tmp_path / "3", source, command, extra, output, salt=OTHER_SALT, args=["--pseudonymize"])[1]
    if output and output.endswith(".xlsx"):  # the workbook records when it was written
        first, again = (t.split("<dcterms:created")[0] for t in (first, again))
    assert first == again
    assert first != other and OTHER_SALT not in other


def test_pseudonymized_rows_are_the_plain_rows_renamed(tmp_path, source):
    pz = Pseudonymizer(SALT.encode())
    for command, key in (("gaps", ["mentee_id", "area"]), ("refer", ["mentee_id", "area", "rank"]),
                         ("match", ["mentee_id", "area"])):
        plain = json.loads(export(tmp_path / command, source, command, ["--format", "json"], None)[0].stdout)
        hidden = json.loads(export(tmp_path / command, source, command, ["--format", "json"], None,
                                   args=["--pseudonymize"])[0].stdout)
        assert plain, command
        renamed = []
        for row in plain:
            row = dict(row, mentee_id=pz.id(row["mentee_id"]))
            for col in ("candidate_id",):
                if col in row:
                    row[col] = pz.id(row[col])
            if "path" in row:
                row["path"] = pz.path(row["path"])
            if "name" in row:
                row["name"] = row["mentee_id"]
            if "candidate_name" in row:
                row["candidate_name"] = row["candidate_id"]
            renamed.append(row)
        assert sorted(renamed, key=lambda r: [r[k] for k in key]) == hidden, command


def test_salt_file_option(tmp_path, source):
    salt_file = tmp_path / "salt.txt"
    salt_file.write_text(SALT + "\n")
    by_env = export(tmp_path / "a", source, "gaps", ["--format", "csv"], None, args=["--pseudonymize"])[0]
    by_file = export(tmp_path / "b", source, "gaps", ["--format", "csv"], None, env=False,
                     args=["--pseudonymize", "--salt-file", str(salt_file)])[0]
    assert by_file.exit_code == 0 and by_file.stdout == by_env.stdout
    rows = list(csv.reader(io.StringIO(by_file.stdout)))
    assert rows[1][0] == pseudonym("zq-res-1", SALT.encode())


@pytest.mark.parametrize("command, extra, output", [e for e in EXPORTS if e[1] in ([], ["--format", "csv"])])
def test_missing_salt_exits_2_and_writes_nothing(tmp_path, source, command, extra, output):
    runner = CliRunner(env={"MENTORNET_SALT": None})
    with in_new_directory(tmp_path) as cwd:
        argv = [command, source, "--pseudonymize", *extra] + (["-o", output] if output else [])
        result = runner.invoke(main, argv)
        assert list(Path(cwd).iterdir()) == []
    assert result.exit_code == 2 and result.stdout == ""
    assert "MENTORNET_SALT" in result.stderr and "--salt-file" in result.stderr
    assert "Traceback" not in result.output


def test_salt_file_without_pseudonymize_is_a_usage_error(tmp_path, source):
    salt_file = tmp_path / "salt.txt"
    salt_file.write_text(SALT)
    result = CliRunner().invoke(main, ["gaps", source, "--salt-file", str(salt_file)])
    assert result.exit_code == 2 and "--salt-file only applies with --pseudonymize" in result.stderr


def test_without_pseudonymize_warnings_still_name_people(tmp_path, source):
    result, _ = export(tmp_path, source, "gaps", ["--format", "csv"], None)
    assert result.exit_code == 0 and "zq-fac-2 -> zq-fac-3" in result.stderr and "zq-res-1" in result.stdout
