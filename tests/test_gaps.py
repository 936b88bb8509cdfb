"""Needs, coverage and gaps (DESIGN.md section 3), each rule on a dataset checked by hand."""
import datetime as dt

import pandas as pd
import pytest

from mentornet import Policy, find_gaps, read_dataset
from mentornet.analysis import active_mentorships, mentee_needs

from helpers import AS_OF, dataset


def gap_set(ds, policy=Policy(), as_of=AS_OF):
    rows = find_gaps(ds, policy=policy, as_of=as_of)
    return set(zip(rows["mentee_id"], rows["area"]))


def person(pid, role="resident", **kw):
    return {"id": pid, "role": role, **kw}


def mentors(source, target, focus="research", **kw):
    return {"source": source, "target": target, "type": "MENTORS", "focus": focus, **kw}


def test_resident_without_mentor_has_research_and_career_gaps(tmp_path):
    ds = dataset(tmp_path, [person("r1"), person("f1", "faculty")], [])
    assert gap_set(ds) == {("r1", "research"), ("r1", "career")}


def test_focus_covers_only_its_area(tmp_path):
    ds = dataset(tmp_path, [person("r1"), person("f1", "faculty")], [mentors("f1", "r1", "research;peer")])
    assert gap_set(ds) == {("r1", "career")}


@pytest.mark.parametrize("last_met, covered", [
    ("2025-11-25", True),    # exactly stale_after_days (365) before as_of: still active
    ("2025-11-24", False),   # one day more: stale
    ("", True),              # no date: active
])
def test_stale_by_last_met(tmp_path, last_met, covered):
    ds = dataset(tmp_path, [person("r1"), person("f1", "faculty")],
                 [mentors("f1", "r1", "research;career", last_met=last_met)])
    expected = set() if covered else {("r1", "research"), ("r1", "career")}
    assert gap_set(ds) == expected


def test_stale_after_days_from_policy(tmp_path):
    ds = dataset(tmp_path, [person("r1"), person("f1", "faculty")],
                 [mentors("f1", "r1", "research;career", last_met="2025-07-01")])  # 512 days before AS_OF
    assert gap_set(ds) == {("r1", "research"), ("r1", "career")}
    assert gap_set(ds, policy=Policy(stale_after_days=540)) == set()


def test_ended_mentorship_is_not_coverage(tmp_path):
    ds = dataset(tmp_path, [person("r1"), person("f1", "faculty")],
                 [mentors("f1", "r1", "research;career", status="Ended")])
    assert gap_set(ds) == {("r1", "research"), ("r1", "career")}


def test_duplicate_rows_count_as_one_mentor_with_focus_union(tmp_path):
    ds = dataset(tmp_path, [person("r1"), person("f1", "faculty")],
                 [mentors("f1", "r1", "research"), mentors("f1", "r1", "career")])
    assert gap_set(ds) == set()
    active = active_mentorships(ds, policy=Policy(), as_of=AS_OF)
    assert list(active["focus"]) == [("career", "research")]
    assert any("duplicate MENTORS row" in w.message for w in ds.warnings)


def test_duplicate_row_that_is_stale_does_not_remove_active_one(tmp_path):
    ds = dataset(tmp_path, [person("r1"), person("f1", "faculty")],
                 [mentors("f1", "r1", "research;career"), mentors("f1", "r1", "career", last_met="2020-01-01")])
    assert gap_set(ds) == set()


def test_identity_need_only_when_sought_and_disclosed(tmp_path):
    people = [
        person("r1", **{"identity.gender": "female", "seeks_concordance": "gender"}),
        person("r2", **{"identity.gender": "female"}),                          # not sought
        person("r3", **{"identity.gender": "", "seeks_concordance": "gender"}),  # undisclosed
    ]
    ds = dataset(tmp_path, people, [])
    needs = set(zip(*mentee_needs(ds, policy=Policy()).T.values))
    assert ("r1", "identity:gender") in needs
    assert ("r2", "identity:gender") not in needs
    assert ("r3", "identity:gender") not in needs
    warned = [w for w in ds.warnings if w.column == "seeks_concordance"]
    assert len(warned) == 1 and warned[0].row == 4 and "r3" in warned[0].message


def test_seeking_an_attribute_with_no_column_is_a_warning(tmp_path):
    ds = dataset(tmp_path, [person("r1", seeks_concordance="first_gen")], [])
    assert gap_set(ds) == {("r1", "research"), ("r1", "career")}
    assert [w.row for w in ds.warnings] == [2]


def test_policy_concordance_makes_a_need_without_asking(tmp_path):
    people = [person("r1", **{"identity.gender": "Female"}), person("r2", **{"identity.gender": "male"})]
    ds = dataset(tmp_path, people, [])
    policy = Policy(concordance={"gender": frozenset({"female", "nonbinary"})})
    assert ("r1", "identity:gender") in gap_set(ds, policy)
    assert ("r2", "identity:gender") not in gap_set(ds, policy)


def test_identity_covered_by_any_focus_mentor_with_same_value_case_insensitive(tmp_path):
    people = [person("r1", **{"identity.urm": " YES ", "seeks_concordance": "URM"}),
              person("f1", "faculty", **{"identity.urm": "yes"}),
              person("f2", "faculty", **{"identity.urm": "no"})]
    ds = dataset(tmp_path, people, [mentors("f1", "r1", "psychosocial"), mentors("f2", "r1", "research;career")])
    assert gap_set(ds) == set()


def test_identity_not_covered_by_stale_mentor(tmp_path):
    people = [person("r1", **{"identity.urm": "yes", "seeks_concordance": "urm"}),
              person("f1", "faculty", **{"identity.urm": "yes"})]
    ds = dataset(tmp_path, people, [mentors("f1", "r1", "research;career", last_met="2024-01-01")])
    assert ("r1", "identity:urm") in gap_set(ds)


@pytest.mark.parametrize("role, mentee, is_mentee", [
    ("student", "", True), ("resident", "", True), ("fellow", "", True),
    ("faculty", "", False), ("alumni", "", False), ("external", "", False),
    ("faculty", "TRUE", True), ("faculty", "yes", True), ("resident", "no", False), ("fellow", "0", False),
])
def test_mentee_defaults_by_role(tmp_path, role, mentee, is_mentee):
    ds = dataset(tmp_path, [person("x", role, mentee=mentee)], [])
    assert bool(gap_set(ds)) == is_mentee


def test_case_and_whitespace_variants(tmp_path):
    people_csv = (" ID , Role ,Research_Interests,Identity.Gender,SEEKS_CONCORDANCE\n"
                  " r1 , Resident , AI ; msk ,  Female , Gender ;\n"
                  "f1,FACULTY,ai,female,\n")
    rels_csv = "SOURCE,Target,TYPE,Focus,Status\n f1 ,r1 ,mentors, Research ; CAREER ,ACTIVE\n"
    (tmp_path / "people.csv").write_text(people_csv, encoding="utf-8")
    (tmp_path / "relationships.csv").write_text(rels_csv, encoding="utf-8")
    ds = read_dataset(tmp_path)
    assert list(ds.people["id"]) == ["r1", "f1"]
    assert ds.people["research_interests"][0] == ("AI", "msk")
    assert gap_set(ds) == set()


def test_ids_compare_exactly(tmp_path):
    ds = dataset(tmp_path, [person("R1"), person("r1"), person("f1", "faculty")],
                 [mentors("f1", "r1", "research;career")])
    assert gap_set(ds) == {("R1", "research"), ("R1", "career")}


@pytest.mark.parametrize("encoding, newline", [("utf-8-sig", "\r\n"), ("utf-8", "\r\n"), ("utf-8-sig", "\n")])
def test_bom_and_crlf(tmp_path, encoding, newline):
    (tmp_path / "people.csv").write_bytes(
        newline.join(["id,role,name", "r1,resident,Zoë", "f1,faculty,F"]).encode(encoding) + newline.encode())
    (tmp_path / "relationships.csv").write_bytes(
        newline.join(["source,target,type,focus", "f1,r1,MENTORS,research"]).encode(encoding))
    ds = read_dataset(tmp_path)
    assert list(ds.people.columns[:3]) == ["id", "name", "department"] or "id" in ds.people.columns
    assert ds.people["name"][0] == "Zoë"
    assert gap_set(ds) == {("r1", "career")}


def test_excel_input_matches_csv(tmp_path):
    people = pd.DataFrame({"ID": ["r1", "f1"], "role": ["resident", "faculty"], "capacity": [None, 2],
                           "mentee": [None, False], "identity.gender": ["female", "female"],
                           "seeks_concordance": ["gender", None]})
    rels = pd.DataFrame({"source": ["f1"], "target": ["r1"], "type": ["MENTORS"], "focus": ["career"],
                         "last_met": [dt.datetime(2026, 1, 5)]})
    people.to_excel(tmp_path / "people.xlsx", index=False)
    rels.to_excel(tmp_path / "relationships.xlsx", index=False)
    ds = read_dataset(tmp_path)
    assert ds.people["capacity"].tolist() == [pd.NA, 2] or ds.people["capacity"].iloc[1] == 2
    assert ds.relationships["last_met"].tolist() == ["2026-01-05"]
    assert gap_set(ds) == {("r1", "research")}


def test_gaps_sorted_by_mentee_then_area_with_details(tmp_path):
    people = [person("b", name="Bee", department="Rad", **{"identity.gender": "f", "seeks_concordance": "gender"}),
              person("B"), person("a")]
    rows = find_gaps(dataset(tmp_path, people, []), policy=Policy(), as_of=AS_OF)
    assert list(zip(rows["mentee_id"], rows["area"])) == [
        ("B", "career"), ("B", "research"), ("a", "career"), ("a", "research"),
        ("b", "career"), ("b", "identity:gender"), ("b", "research")]
    assert list(rows.columns[:2]) == ["mentee_id", "area"]
    assert rows.loc[rows["mentee_id"] == "b", "name"].iloc[0] == "Bee"


def test_caller_dataset_is_not_modified(tmp_path):
    ds = dataset(tmp_path, [person("r1"), person("f1", "faculty")], [mentors("f1", "r1")])
    before = ds.people.copy(), ds.relationships.copy()
    find_gaps(ds, policy=Policy(), as_of=AS_OF)
    pd.testing.assert_frame_equal(ds.people, before[0])
    pd.testing.assert_frame_equal(ds.relationships, before[1])
