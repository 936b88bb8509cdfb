"""The synthetic dataset generator: format of DESIGN.md section 2, determinism, realism."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from mentornet.generate import generate_dataset

PEOPLE_COLUMNS = [
    "id", "name", "role", "department", "institution", "career_stage", "mentee",
    "research_interests", "career_interests", "identity.gender", "identity.urm",
    "identity.first_gen", "seeks_concordance", "capacity", "accepting", "leadership",
]
RELATIONSHIP_COLUMNS = ["source", "target", "type", "focus", "status", "since", "last_met", "formal"]
ROLES = {"student", "resident", "fellow", "faculty", "alumni", "external"}
TRAINEES = {"student", "resident", "fellow"}
TYPES = {"MENTORS", "COLLEAGUE", "COAUTHOR", "KNOWS"}
REFERENCE = pd.Timestamp("2026-11-25")
N = 1500


def read(directory):
    def table(name):
        return pd.read_csv(directory / name, dtype=str, keep_default_na=False, encoding="utf-8")
    return table("people.csv"), table("relationships.csv")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    directory = tmp_path_factory.mktemp("generated")
    summary = generate_dataset(directory, people=N, seed=7)
    people, rels = read(directory)
    return directory, summary, people, rels


def mentors(rels):
    return rels[rels["type"] == "MENTORS"]


# --------------------------------------------------------------------------- format


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        generate_dataset(tmp_path / name, people=600, seed=seed)
    for file in ("people.csv", "relationships.csv"):
        a, b, c = ((tmp_path / name / file).read_bytes() for name in "abc")
        assert a == b
        assert a != c


def test_columns_are_exactly_those_of_the_design(generated):
    directory = generated[0]
    for file, columns in (("people.csv", PEOPLE_COLUMNS), ("relationships.csv", RELATIONSHIP_COLUMNS)):
        raw = (directory / file).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
        assert raw.decode("utf-8").split("\n", 1)[0] == ",".join(columns)


def test_ids_are_unique_zero_padded_and_roles_valid(generated):
    people = generated[2]
    assert len(people) == N
    assert people["id"].is_unique
    assert people["id"].str.fullmatch(r"P\d{4}").all()
    assert people["id"].iloc[0] == "P0001"
    assert set(people["role"]) == ROLES
    assert (people["name"] != "").all()


def test_role_proportions_are_realistic(generated):
    share = generated[2]["role"].value_counts(normalize=True)
    expected = {"student": 0.15, "resident": 0.25, "fellow": 0.08, "faculty": 0.40, "alumni": 0.07,
                "external": 0.05}
    for role, p in expected.items():
        assert share[role] == pytest.approx(p, abs=0.04), role


def test_relationships_have_no_self_ties_and_no_unknown_ids(generated):
    people, rels = generated[2], generated[3]
    assert (rels["source"] != rels["target"]).all()
    ids = set(people["id"])
    assert rels["source"].isin(ids).all() and rels["target"].isin(ids).all()


def test_about_ten_relationships_per_person_of_every_type(generated):
    summary, people, rels = generated[1], generated[2], generated[3]
    assert 7 <= len(rels) / len(people) <= 13
    assert set(rels["type"]) == TYPES
    counts = rels["type"].value_counts()
    assert counts["COLLEAGUE"] > counts["COAUTHOR"] > counts["MENTORS"]
    assert summary["people"] == N and summary["relationships"] == len(rels)
    assert summary["relationship_types"] == {t: int(counts[t]) for t in TYPES}
    assert summary["roles"] == people["role"].value_counts().to_dict()


def test_acquaintance_ties_are_not_repeated_in_either_direction(generated):
    rels = generated[3]
    ties = rels[rels["type"] != "MENTORS"]
    source, target = ties["source"].to_numpy(), ties["target"].to_numpy()
    first = source < target
    pair = pd.DataFrame({"a": np.where(first, source, target), "b": np.where(first, target, source),
                         "type": ties["type"].to_numpy()})
    assert not pair.duplicated().any()


# --------------------------------------------------------------------------- people


def test_one_chair_per_department_of_each_institution(generated):
    people = generated[2]
    faculty = people[people["role"] == "faculty"]
    chairs = faculty[faculty["leadership"].str.split(";").map(lambda titles: "chair" in titles)]
    assert not chairs[["institution", "department"]].duplicated().any()
    assert len(chairs) == faculty.groupby(["institution", "department"]).ngroups
    assert (people.loc[people["leadership"] != "", "role"] == "faculty").all()


def test_identity_columns_have_realistic_non_disclosure(generated):
    people = generated[2]
    values = {"identity.gender": {"female", "male", "nonbinary", ""},
              "identity.urm": {"yes", "no", ""}, "identity.first_gen": {"yes", "no", ""}}
    for column, allowed in values.items():
        assert set(people[column]) == allowed, column
        assert 0.02 <= (people[column] == "").mean() <= 0.2, column


def test_value_columns_hold_valid_values(generated):
    people = generated[2]
    assert set(people["mentee"]) == {"", "true", "false"}
    assert set(people["accepting"]) == {"", "true", "false"}
    capacity = people.loc[people["capacity"] != "", "capacity"].astype(int)
    assert capacity.between(0, 6).all() and len(capacity) > 0
    eligible = people["role"].isin({"faculty", "alumni", "external"})
    assert (people.loc[~eligible, ["capacity", "accepting"]] == "").all().all()
    faculty = people[people["role"] == "faculty"]
    assert set(faculty["career_stage"]) == {"early", "mid", "senior"}
    assert (faculty.loc[faculty["mentee"] == "true", "career_stage"] != "senior").all()
    careers = {"academic-promotion", "private-practice", "leadership", "work-life", "teaching",
               "research-funding", "clinical-excellence"}
    for column, vocabulary in (("career_interests", careers), ("research_interests", None)):
        lists = people.loc[people[column] != "", column].str.split(";")
        assert lists.map(len).between(1, 3).all()
        assert lists.map(lambda items: len(set(items)) == len(items)).all()
        if vocabulary:
            assert set(lists.explode()) <= vocabulary


def test_some_mentees_seek_concordance_some_on_an_undisclosed_attribute(generated):
    people = generated[2]
    seekers = people[people["seeks_concordance"] != ""]
    assert len(seekers) > 0.05 * len(people)
    defaulted = (seekers["mentee"] == "") & seekers["role"].isin(TRAINEES)
    assert ((seekers["mentee"] == "true") | defaulted).all()
    undisclosed = [
        attr for _, row in seekers.iterrows() for attr in row["seeks_concordance"].split(";")
        if row["identity." + attr] == ""
    ]
    assert undisclosed


# --------------------------------------------------------------------------- mentorships


def test_mentors_are_eligible_and_mentees_are_mentees(generated):
    people, rels = generated[2], generated[3]
    person = people.set_index("id")
    rows = mentors(rels)
    assert person.loc[rows["source"], "role"].isin({"faculty", "alumni", "external"}).all()
    mentee = person.loc[rows["target"]]
    assert ((mentee["mentee"] == "true") | ((mentee["mentee"] == "") & mentee["role"].isin(TRAINEES))).all()
    same_department = person.loc[rows["source"], "department"].to_numpy() == mentee["department"].to_numpy()
    assert same_department.mean() > 0.7


def test_mentorship_fields_are_valid_and_untidy_like_real_data(generated):
    rows = mentors(generated[3])
    assert set(rows["status"]) == {"active", "ended", ""}
    assert set(rows["formal"]) == {"true", "false", ""}
    focus = rows.loc[rows["focus"] != "", "focus"].str.split(";").explode()
    assert set(focus) <= {"research", "career", "psychosocial", "peer", "clinical"}
    assert {"research", "career"} <= set(focus)
    for column in ("since", "last_met"):
        dated = rows.loc[rows[column] != "", column]
        assert dated.map(lambda text: dt.date.fromisoformat(text).isoformat() == text).all()
        assert (rows[column] == "").any()
    both = rows[(rows["since"] != "") & (rows["last_met"] != "")]
    assert (both["since"] <= both["last_met"]).all()
    assert (pd.to_datetime(both["last_met"]) <= REFERENCE).all()
    active = rows[(rows["status"] != "ended") & (rows["last_met"] != "")]
    stale = (REFERENCE - pd.to_datetime(active["last_met"])).dt.days > 365
    assert 0.03 < stale.mean() < 0.4
    assert (rows["status"] == "ended").mean() > 0.03
    acquaintances = generated[3][generated[3]["type"] != "MENTORS"]
    assert (acquaintances[RELATIONSHIP_COLUMNS[3:]] == "").all().all()


def test_a_few_duplicate_mentorship_rows(generated):
    rows = mentors(generated[3])
    duplicated = rows.duplicated(["source", "target"]).sum()
    assert 1 <= duplicated <= 0.05 * len(rows)
    assert rows.duplicated().any()


def test_a_few_leaders_mentor_trainees_of_their_own_department(generated):
    people, rels = generated[2], generated[3]
    person = people.set_index("id")
    rows = mentors(rels)
    mentor, mentee = person.loc[rows["source"]], person.loc[rows["target"]]
    conflict = ((mentor["leadership"].to_numpy() != "") & mentee["role"].isin(TRAINEES).to_numpy()
                & (mentor["department"].to_numpy() == mentee["department"].to_numpy())
                & (mentor["institution"].to_numpy() == mentee["institution"].to_numpy()))
    assert 1 <= conflict.sum() <= 10


def test_some_mentors_are_over_capacity(generated):
    people, rels = generated[2], generated[3]
    rows = mentors(rels)
    met = pd.to_datetime(rows["last_met"].replace("", None))
    active = rows[(rows["status"] != "ended") & ~((REFERENCE - met).dt.days > 365)]
    load = active.drop_duplicates(["source", "target"])["source"].value_counts()
    capacity = people.set_index("id")["capacity"].replace("", "3").astype(int)
    over = load > capacity.loc[load.index].to_numpy()
    assert 0 < over.sum() < 0.25 * len(load)


# --------------------------------------------------------------------------- sizes and arguments


@pytest.mark.parametrize("people", [1, 2, 7, 60])
def test_tiny_datasets_are_valid(tmp_path, people):
    summary = generate_dataset(tmp_path, people=people)
    table, rels = read(tmp_path)
    assert len(table) == summary["people"] == people and table["id"].is_unique
    assert (rels["source"] != rels["target"]).all()
    assert rels["source"].isin(table["id"]).all() and rels["target"].isin(table["id"]).all()


def test_a_large_system_has_several_institutions_and_departments(tmp_path):
    summary = generate_dataset(tmp_path, people=25_000, seed=1)
    people = pd.read_csv(tmp_path / "people.csv", dtype=str, keep_default_na=False,
                         usecols=["id", "role", "department", "institution"])
    assert summary["institutions"] == 2
    insiders = people[people["role"].isin(TRAINEES | {"faculty"})]
    assert insiders["institution"].nunique() == 2
    sizes = insiders["department"].value_counts()
    assert len(sizes) >= 12 and sizes.iloc[0] > 5 * sizes.iloc[-1]
    assert people["id"].iloc[-1] == "P25000"


def test_creates_a_missing_directory(tmp_path):
    target = tmp_path / "new" / "dataset"
    generate_dataset(target, people=50)
    assert (target / "people.csv").is_file() and (target / "relationships.csv").is_file()


@pytest.mark.parametrize("people, seed", [(0, 0), (-5, 0), (2.5, 0), (True, 0), (10, -1), (10, "x")])
def test_bad_arguments_raise_value_error(tmp_path, people, seed):
    with pytest.raises(ValueError):
        generate_dataset(tmp_path, people=people, seed=seed)
    assert not any(tmp_path.iterdir())
