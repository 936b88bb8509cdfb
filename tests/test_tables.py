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


# --------------------------------------------------------------------------- audit tables


def test_audit_table_shows_people_by_name_with_the_id(source):
    out = run("audit", source, "--as-of", AS_OF, "--format", "table", "-q").stdout
    assert "\nDr. One (m1)    2     1         -1    over capacity\n" in out
    over = out[out.index("Mentors over capacity"):]
    assert over.splitlines()[3] == "Dr. One (m1)    2     1"
    conflicts = out[out.index("Leadership conflicts\n"):]
    assert conflicts.splitlines()[3] == "Dr. Chair (c1)  Trainee 1 (t1)"


def test_audit_json_and_csv_keep_ids(source):
    f = json.loads(run("audit", source, "--as-of", AS_OF, "--format", "json", "-q").stdout)
    assert f["conflicts"] == [{"mentor_id": "c1", "mentee_id": "t1"}]
    csv_text = run("audit", source, "--as-of", AS_OF, "--format", "csv", "-q").stdout
    assert "Leadership conflicts,c1,mentee,t1\n" in csv_text


@pytest.mark.parametrize("args, looked_up", [(("--format", "json"), False), (("--format", "csv"), False),
                                              (("-o", "r.json"), False), (("--format", "table"), True),
                                              (("-o", "r.md"), True)])
def test_audit_looks_names_up_only_for_the_formats_that_show_them(source, tmp_path, monkeypatch, args,
                                                                  looked_up):
    """JSON and CSV keep ids alone, so they do not ask for everyone's name (a database would
    send tens of thousands of them for nothing)."""
    from mentornet.backends.networkx import NetworkXBackend

    asked = []
    names = NetworkXBackend.names
    monkeypatch.setattr(NetworkXBackend, "names", lambda self, ids: asked.append(len(ids)) or names(self, ids))
    monkeypatch.chdir(tmp_path)
    assert run("audit", source, "--as-of", AS_OF, *args, "-q").exit_code == 0
    assert bool(asked) == looked_up


@pytest.mark.parametrize("suffix", ["md", "html"])
def test_audit_reports_show_names(source, tmp_path, suffix):
    out = tmp_path / f"r.{suffix}"
    assert run("audit", source, "--as-of", AS_OF, "-o", out, "-q").exit_code == 0
    text = out.read_text(encoding="utf-8")
    cell = {"md": "| Dr. Chair (c1) | Trainee 1 (t1) |", "html": "<td>Dr. Chair (c1)</td><td>Trainee 1 (t1)</td>"}
    assert cell[suffix] in text


def test_audit_pseudonymized_shows_no_names(source, monkeypatch):
    monkeypatch.setenv("MENTORNET_SALT", "a-salt-long-enough-for-the-check-0123456789")
    out = run("audit", source, "--as-of", AS_OF, "--format", "table", "--pseudonymize").stdout
    assert "Dr. " not in out and "Trainee" not in out


def test_xlsx_stores_numbers_as_numbers_with_formats(source, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    assert run("audit", source, "--as-of", AS_OF, "-o", out, "-q").exit_code == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Coverage", "Mosaic", "By group", "Concordance", "Mentor load",
                             "Over capacity", "Load distribution", "Load by identity", "Leadership conflicts",
                             "Stale or ended", "No candidate", "Sole coverage"]
    summary = {row[0].value: row[1] for row in wb["Summary"].iter_rows(min_row=2) if row[0].value}
    share = summary["share of mentorships carried by the busiest 10% of mentors (1)"]
    assert share.data_type == "n" and share.value == 0.1818 and share.number_format == "0.0%"
    without = summary["mentees without any active mentor"]
    assert without.data_type == "n" and without.value == 0
    rate = wb["Coverage"]["D2"]
    assert (rate.data_type, rate.value, rate.number_format) == ("n", 1.0, "0.0%")
    load = wb["Mentor load"]
    assert [c.value for c in load[2]] == ["Dr. One (m1)", 2, 1, -1, "over capacity"]
    assert all(c.data_type == "n" for c in load[2][1:4])


# --------------------------------------------------------------------------- compare


def test_compare_labels_and_signed_changes(source, tmp_path):
    fewer = relationships()[:-1] + [{"source": "m1", "target": "t3", "type": "COLLEAGUE"}]
    old = write_dataset(tmp_path / "old", people(), fewer)
    out = run("audit", source, "--compare", old, "--as-of", AS_OF, "--format", "table", "-q").stdout
    change = out[out.index("Change since"):].splitlines()
    assert change[3:] == [
        "mentees                                                     10      10      0",
        "mentees without any active mentor                           0       0       0",
        "gaps (needs without a mentor)                               10      9       \u22121",
        "research need: mentees needing it                           10      10      0",
        "research need: covered                                      10      10      0",
        "research need: coverage rate                                100.0%  100.0%  0.0 pts",
        "career need: mentees needing it                             10      10      0",
        "career need: covered                                        0       1       +1",
        "career need: coverage rate                                  0.0%    10.0%   +10.0 pts",
        "mentees with 0 active mentors                               0       0       0",
        "mentees with 1 active mentor                                10      9       \u22121",
        "mentees with 2 active mentors                               0       1       +1",
        "mentees with 3+ active mentors                              0       0       0",
        "mentors (eligible or mentoring)                             6       6       0",
        "active mentorships                                          10      11      +1",
        "mentors over capacity                                       5       5       0",
        "share of mentorships carried by the busiest 10% of mentors  20.0%   18.2%   \u22121.8 pts",
        "leadership conflicts                                        0       1       +1",
        "stale or ended mentorships                                  0       0       0",
        "gaps with no candidate in reach                             10      9       \u22121",
        "Headline figures only: group cells are not compared, since the difference of two snapshots could "
        "single out one person."]
    xlsx = tmp_path / "c.xlsx"
    assert run("audit", old, "--compare", source, "--as-of", AS_OF, "-o", xlsx, "-q").exit_code == 0
    from openpyxl import load_workbook

    rows = {r[0].value: r for r in load_workbook(xlsx)["Change"].iter_rows(min_row=2) if r[0].value}
    cell = rows["leadership conflicts"][3]
    assert (cell.value, cell.data_type, cell.number_format) == (-1, "n", '+0;"\u2212"0;0')


# --------------------------------------------------------------------------- viz

RADIOLOGY = str(__import__("pathlib").Path(__file__).parent.parent / "examples" / "radiology")


def test_viz_mentee_counts_only_the_mentees_gaps_and_draws_their_mentors_in_full(tmp_path):
    from mentornet.viz import page_data, view_inputs
    import datetime as dt

    from mentornet import read_dataset, read_policy
    from mentornet.backends.networkx import NetworkXBackend

    # res-garcia has 1 gap; her view also draws res-chowdhury (a mentee with a gap of her own)
    # on a referral path: the header counted 2 gaps of 2 mentees, the sidebar listed 1.
    out = tmp_path / "g.html"
    result = run("viz", RADIOLOGY, "--as-of", AS_OF, "--mentee", "res-garcia", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert ", 1 gaps, " in result.stderr
    assert "1 mentees with 1 gaps" in out.read_text(encoding="utf-8")
    backend = NetworkXBackend(read_dataset(RADIOLOGY))
    policy, as_of = read_policy(None), dt.date.fromisoformat(AS_OF)
    inputs = view_inputs(backend, policy=policy, as_of=as_of, mentee="res-garcia")
    data = page_data(inputs, policy=policy, as_of=as_of, show_identity=False)
    listed = [n["id"] for n in data["nodes"] if n["gaps"] and n["focus"]]  # what the sidebar lists
    assert listed == ["res-garcia"] and data["counts"]["mentees_with_gaps"] == 1
    mentors = set(inputs.relations.loc[inputs.relations["target"].eq("res-garcia")
                                       & inputs.relations["kind"].eq("active"), "source"])
    assert mentors and all(not n["context"] for n in data["nodes"] if n["id"] in mentors)


def test_viz_help_offers_only_options_that_apply():
    text = run("viz", "--help").output
    assert "--format" not in text and "--quiet" in text and "--as-of" in text
    assert run("viz", RADIOLOGY, "--format", "csv", "-o", "x.html").exit_code == 2
