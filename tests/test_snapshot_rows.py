"""The people positions a dataset and its snapshot carry (io finds each relationship's people
while it validates the ids; the snapshot finds each active mentorship's once) must be exactly
what looking the ids up gives, or every rule built on them goes wrong quietly."""
import random

import numpy as np
import pandas as pd
import pytest

from mentornet import Policy
from mentornet.analysis import (active_mentorships, covered_needs, gaps_from, leadership_conflicts, mentee_needs,
                                mentor_load, person_rows)
from mentornet.model import Dataset
from mentornet.snapshot import dataset_snapshot, dataset_without, snapshot_without

from helpers import AS_OF, dataset, random_dataset

SEEDS = range(6)


def looked_up(ds: Dataset) -> Dataset:
    """``ds`` without the positions io handed on: everything is looked up from the ids."""
    return Dataset(people=ds.people, relationships=ds.relationships, source=ds.source, warnings=ds.warnings)


def reference_active(ds: Dataset, policy: Policy) -> pd.DataFrame:
    """Active mentorships by the ids alone: pairs grouped and sorted as text."""
    from mentornet.analysis import active_mask
    rels = ds.relationships
    rows = rels[rels["type"] == "MENTORS"]
    rows = rows[active_mask(rows, policy=policy, as_of=AS_OF)]
    pairs = {}
    for mentor, mentee, focus in zip(rows["source"], rows["target"], rows["focus"]):
        pairs.setdefault((mentee, mentor), set()).update(focus)
    return pd.DataFrame([{"mentor_id": m, "mentee_id": t, "focus": tuple(sorted(f)),
                          "research": "research" in f, "career": "career" in f}
                         for (t, m), f in sorted(pairs.items())],
                        columns=["mentor_id", "mentee_id", "focus", "research", "career"])


@pytest.mark.parametrize("seed", SEEDS)
def test_io_positions_are_the_people_rows_of_the_ids(seed):
    ds = random_dataset(random.Random(seed), 40, 300)
    assert ds.endpoints is not None  # handed on by io, not looked up again
    source, target = ds.relationship_people
    expected = person_rows(ds, ds.relationships["source"], ds.relationships["target"])
    assert np.array_equal(source, expected[0]) and np.array_equal(target, expected[1])
    fresh = looked_up(ds).relationship_people
    assert np.array_equal(fresh[0], source) and np.array_equal(fresh[1], target)


def test_positions_of_trimmed_and_unicode_ids(tmp_path):
    # the file order is not the string order, and the relationship cells need trimming and NFC
    people = [{"id": i, "role": "faculty" if i.startswith("f") else "resident"}
              for i in ("zoë", "f10", "f9", "r2", "Éa")]
    rels = [{"source": " f9", "target": "zoe\u0308", "type": "MENTORS", "focus": "research"},
            {"source": "f10 ", "target": "\u0045\u0301a", "type": "mentors", "focus": "career"},
            {"source": "f10", "target": "r2", "type": "KNOWS"}]
    ds = dataset(tmp_path, people, rels)
    assert [list(a) for a in ds.relationship_people] == [[2, 1, 1], [0, 4, 3]]
    assert list(ds.people["id"].to_numpy()[ds.id_order]) == sorted(ds.people["id"])
    assert ds.id_ranks[ds.id_order].tolist() == list(range(5))


@pytest.mark.parametrize("seed", SEEDS)
def test_positions_after_people_leave(seed):
    rng = random.Random(seed)
    ds = random_dataset(rng, 40, 300)
    gone = rng.sample(list(ds.people["id"]), 7)
    reduced = dataset_without(ds, gone)
    fresh = looked_up(reduced).relationship_people
    assert reduced.endpoints is not None
    assert np.array_equal(reduced.endpoints[0], fresh[0]) and np.array_equal(reduced.endpoints[1], fresh[1])
    assert (fresh[0] >= 0).all() and (fresh[1] >= 0).all()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("stale_after_days", [365, 30])
def test_active_mentorships_match_grouping_the_ids(seed, stale_after_days):
    policy = Policy(stale_after_days=stale_after_days)
    ds = random_dataset(random.Random(seed), 40, 400)
    got = active_mentorships(ds, policy=policy, as_of=AS_OF)
    pd.testing.assert_frame_equal(got, reference_active(ds, policy), check_dtype=False)
    assert got["mentor_id"].dtype == object and got["mentee_id"].dtype == object


def test_pair_on_several_rows_in_reverse_id_order(tmp_path):
    people = [{"id": "r2", "role": "resident"}, {"id": "r1", "role": "resident"},
              {"id": "f2", "role": "faculty"}, {"id": "f1", "role": "faculty"}]
    rels = [{"source": "f2", "target": "r1", "type": "MENTORS", "focus": "career"},
            {"source": "f1", "target": "r2", "type": "MENTORS", "focus": "peer"},
            {"source": "f1", "target": "r1", "type": "MENTORS", "focus": "research"},
            {"source": "f2", "target": "r1", "type": "MENTORS", "focus": "research;clinical"},
            {"source": "f2", "target": "r1", "type": "MENTORS", "focus": "career", "status": "ended"}]
    active = active_mentorships(dataset(tmp_path, people, rels), policy=Policy(), as_of=AS_OF)
    assert active[["mentor_id", "mentee_id"]].values.tolist() == [["f1", "r1"], ["f2", "r1"], ["f1", "r2"]]
    assert active["focus"].tolist() == [("research",), ("career", "clinical", "research"), ("peer",)]
    assert active["research"].tolist() == [True, True, False]
    assert active["career"].tolist() == [False, True, False]


@pytest.mark.parametrize("seed", SEEDS)
def test_snapshot_rows_give_the_facts_of_a_lookup(seed):
    rng = random.Random(seed)
    ds = random_dataset(rng, 40, 400)
    policy = Policy(concordance={"gender": frozenset({"female"})})
    snap = dataset_snapshot(ds, policy=policy, as_of=AS_OF)
    active = snap.active
    mentor, mentee = person_rows(ds, active["mentor_id"], active["mentee_id"])
    assert np.array_equal(snap.active_rows.mentor, mentor) and np.array_equal(snap.active_rows.mentee, mentee)
    plain = looked_up(ds)  # every function below looks the ids up itself
    pd.testing.assert_frame_equal(snap.load, mentor_load(plain, active, policy=policy))
    pd.testing.assert_frame_equal(snap.conflicts, leadership_conflicts(plain, active))
    covered = covered_needs(plain, active)
    pd.testing.assert_frame_equal(snap.covered, covered)
    pd.testing.assert_frame_equal(snap.gaps, gaps_from(plain, mentee_needs(plain, policy=policy), covered, active))
    reduced = snapshot_without(snap, rng.sample(list(ds.people["id"]), 5))
    rows = person_rows(reduced.dataset, reduced.active["mentor_id"], reduced.active["mentee_id"])
    assert np.array_equal(reduced.active_rows.mentor, rows[0])
    assert np.array_equal(reduced.active_rows.mentee, rows[1])


@pytest.mark.parametrize("seed", SEEDS)
def test_needs_and_coverage_carry_their_mentees_positions(seed):
    """The gaps take each need's and each coverage's mentee by the position these give, not by
    looking the id up: each must be exactly the id's row."""
    from mentornet.analysis import covered_needs_at, mentee_needs_at
    ds = random_dataset(random.Random(seed), 40, 400)
    policy = Policy(concordance={"gender": frozenset({"female"}), "urm": frozenset({"yes"})})
    snap = dataset_snapshot(ds, policy=policy, as_of=AS_OF)
    needs, at = mentee_needs_at(ds, policy=policy)
    assert len(needs) and np.array_equal(at, person_rows(ds, needs["mentee_id"])[0])
    covered, at = covered_needs_at(ds, snap.active, rows=snap.active_rows)
    assert len(covered) and np.array_equal(at, person_rows(ds, covered["mentee_id"])[0])


def test_coverage_of_someone_not_a_person_is_looked_up(tmp_path):
    """A dataset made by hand may name someone missing from people: no position, so the gaps
    are found by the ids, as they would be without positions."""
    people = [{"id": "f1", "role": "faculty"}, {"id": "r1", "role": "resident", "research_interests": "ai"},
              {"id": "r2", "role": "resident"}]
    rels = [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": "research"},
            {"source": "f1", "target": "r2", "type": "MENTORS", "focus": "career"}]
    read = dataset(tmp_path, people, rels)
    relationships = read.relationships.copy()
    relationships.loc[1, "target"] = "gone"  # r2's mentor now mentors someone who is not a person
    ds = Dataset(people=read.people, relationships=relationships, source=read.source, warnings=read.warnings)
    snap = dataset_snapshot(ds, policy=Policy(), as_of=AS_OF)
    assert (snap.active_rows.mentee < 0).any() and snap._covered_at[1] is None
    expected = gaps_from(ds, mentee_needs(ds, policy=Policy()), covered_needs(ds, snap.active), snap.active)
    pd.testing.assert_frame_equal(snap.gaps, expected)
    assert set(zip(snap.gaps["mentee_id"], snap.gaps["area"])) == {("r1", "career"), ("r2", "research"),
                                                                     ("r2", "career")}


def reference_covering(ds: Dataset, needs: pd.DataFrame, active: pd.DataFrame) -> pd.DataFrame:
    """Each active mentor covering each need, by the ids: the coverage rule written out row by row."""
    people = ds.people.set_index("id")
    needed = set(zip(needs["mentee_id"], needs["area"]))
    found = set()
    for mentor, mentee, research, career in zip(active["mentor_id"], active["mentee_id"], active["research"],
                                                active["career"]):
        areas = [a for a, on in (("research", research), ("career", career)) if on]
        for attr in ds.identity_attributes:
            value = people.at[mentee, "identity." + attr].lower()
            if value and people.at[mentor, "identity." + attr].lower() == value:
                areas.append("identity:" + attr)
        found.update((mentee, a, mentor) for a in areas if (mentee, a) in needed)
    return pd.DataFrame(sorted(found), columns=["mentee_id", "area", "mentor_id"])


@pytest.mark.parametrize("seed", SEEDS)
def test_covering_mentors_sorted_as_text(seed):
    ds = random_dataset(random.Random(seed), 40, 400)
    snap = dataset_snapshot(ds, policy=Policy(concordance={"urm": frozenset({"yes"})}), as_of=AS_OF)
    got = snap.covering
    assert len(got)  # the random datasets have coverage to sort
    pd.testing.assert_frame_equal(got, reference_covering(ds, snap.needs, snap.active), check_dtype=False)
    pd.testing.assert_frame_equal(got, looked_up_covering(ds, snap))


def looked_up_covering(ds, snap):
    from mentornet.analysis import covering_mentors
    return covering_mentors(looked_up(ds), snap.needs, snap.active)


@pytest.mark.parametrize("values", [3, 64, 70])
def test_sets_by_mentee_packed_or_listed(values):
    # up to 64 distinct values a mentee's set is one word of bits; beyond, it is listed value by value
    from mentornet.audit import _tuples_by_mentee
    rng = random.Random(values)
    names = [f"v{rng.randrange(10**6)}" for _ in range(values)]
    ids = pd.Series([f"m{i}" for i in range(30)] + ["nobody"], dtype=object)
    rows = pd.DataFrame([{"mentee_id": f"m{rng.randrange(35)}", "area": rng.choice(names)} for _ in range(600)])
    expected = [tuple(sorted(set(rows.loc[rows["mentee_id"] == i, "area"]))) for i in ids]
    assert _tuples_by_mentee(rows, "area", ids) == expected
    assert expected[-1] == () and max(map(len, expected)) > 1


def test_folded_codes_equal_values_equal_codes(tmp_path):
    people = [{"id": "a", "role": "faculty", "department": "Rad", "identity.gender": "Female"},
              {"id": "b", "role": "resident", "department": "rad", "identity.gender": "female"},
              {"id": "c", "role": "resident", "department": "", "identity.gender": ""},
              {"id": "d", "role": "resident", "department": "Surg", "identity.gender": "FEMALE"},
              {"id": "e", "role": "faculty", "department": "SURG", "identity.gender": "male"}]
    ds = dataset(tmp_path, people, [])
    codes, values = ds.folded_codes("department")
    assert codes.tolist() == [0, 0, -1, 2, 2] and values.tolist() == ["rad", "", "surg"]  # "" has a code, unused
    codes, values = ds.folded_codes("identity.gender")
    assert codes.tolist() == [0, 0, -1, 0, 2] and values.tolist() == ["female", "", "male"]
    assert ds.folded_codes("identity.gender")[0] is codes  # worked out once


@pytest.mark.parametrize("seed", SEEDS)
def test_folded_codes_match_folding_every_cell(seed):
    ds = random_dataset(random.Random(seed), 60, 10)
    for column in ["department"] + [c for c in ds.people.columns if c.startswith("identity.")]:
        folded = ds.people[column].str.lower()
        expected, _ = pd.factorize(folded)
        expected[folded.eq("").to_numpy()] = -1
        codes, values = ds.folded_codes(column)
        assert codes.tolist() == expected.tolist()
        assert [values[c] if c >= 0 else "" for c in codes] == folded.tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_date_rules_compare_as_pandas_does(seed):
    """active_mask and started_mask compare the date texts by numpy; a frame made by hand may
    hold None, NaN or pd.NA, which pandas takes as no date (the rows are then not started and
    not recent): the masks must be what pandas' own comparisons give, either way."""
    from mentornet.analysis import active_mask, stale_mask, started_mask
    from mentornet.model import stale_cutoff
    rng = random.Random(seed)
    dates = ["", "2024-01-31", "2025-11-25", "2025-11-26", "2026-11-25", "2026-11-26", "2027-02-01"]
    odd = [None, float("nan"), pd.NA] if seed % 2 else []
    rows = pd.DataFrame({c: pd.Series([rng.choice(dates + odd) for _ in range(300)], dtype=object)
                         for c in ("since", "last_met")})
    rows["status"] = pd.Series([rng.choice(["active", "ended", ""] + odd) for _ in range(300)], dtype=object)
    policy = Policy()
    started = (rows["since"].eq("") | rows["since"].le(AS_OF.isoformat())).to_numpy()
    recent = rows["last_met"].eq("") | rows["last_met"].ge(stale_cutoff(AS_OF, policy))
    assert np.array_equal(started_mask(rows, as_of=AS_OF), started)
    active = (rows["status"].eq("active") & recent).to_numpy() & started
    assert np.array_equal(active_mask(rows, policy=policy, as_of=AS_OF), active)
    assert np.array_equal(stale_mask(rows, policy=policy, as_of=AS_OF), started & ~active)  # started, not active
    assert started.any() and not started.all() and active.any() and (started & ~active).any()


def test_date_rules_on_timestamps_compare_as_pandas_does():
    """A frame made by hand may hold timestamps, which pandas compares with an ISO text (numpy
    cannot): the masks are pandas' answer."""
    from mentornet.analysis import active_mask, started_mask
    rows = pd.DataFrame({"since": pd.to_datetime(["2020-01-01", "2027-01-01", "2026-11-25"]),
                         "last_met": pd.to_datetime(["2026-10-01", "2026-10-01", "2020-01-01"]),
                         "status": ["active", "active", "active"]})
    assert started_mask(rows, as_of=AS_OF).tolist() == [True, False, True]
    assert active_mask(rows, policy=Policy(), as_of=AS_OF).tolist() == [True, False, False]
