"""Audit figures (DESIGN.md section 3 "Audit"), every one checked by hand on tiny datasets."""
from __future__ import annotations

import json
import random

import pytest

from mentornet import Policy
from mentornet.analysis import active_mask, stale_mask
from mentornet.audit import audit_figures, audit_tables, stale_pairs
from mentornet.matching import FULL, NO_SUITED, ONLY_LEADERS as LEADERS

from helpers import AS_OF, dataset, random_dataset

# Worked example. Active mentorships on AS_OF (2026-11-25):
#   f1 -> m1 research; f2 -> m1 career (met 2026-06-01); f1 -> m3 research+career.
# Not active: f3 -> m2 ended; f2 -> m2 active but last met 2024-01-01 (stale).
# f1 is program director in Rad (m1 resident Rad, m3 fellow "rad"): two conflicts.
PEOPLE = [
    {"id": "m1", "role": "resident", "department": "Rad", "identity.gender": "Female", "identity.urm": "yes",
     "seeks_concordance": "gender;urm", "research_interests": "ai"},
    {"id": "m2", "role": "resident", "department": "Rad", "identity.gender": "male"},
    {"id": "m3", "role": "fellow", "department": "rad", "identity.gender": "female"},
    {"id": "m4", "role": "student"},
    {"id": "f1", "role": "faculty", "department": "Rad", "identity.gender": "female", "identity.urm": "no",
     "capacity": "1", "leadership": "program_director"},
    {"id": "f2", "role": "faculty", "department": "Rad", "identity.gender": "male", "identity.urm": "YES"},
    {"id": "f3", "role": "faculty", "department": "Surg", "identity.gender": "female", "capacity": "2",
     "research_interests": "AI"},
    {"id": "f4", "role": "alumni"},
]
RELS = [
    {"source": "f1", "target": "m1", "type": "MENTORS", "focus": "research"},
    {"source": "f2", "target": "m1", "type": "MENTORS", "focus": "career", "last_met": "2026-06-01"},
    {"source": "f1", "target": "m3", "type": "MENTORS", "focus": "career;research"},
    {"source": "f3", "target": "m2", "type": "MENTORS", "focus": "research", "status": "ended",
     "last_met": "2025-01-01"},
    {"source": "f2", "target": "m2", "type": "MENTORS", "focus": "career", "last_met": "2024-01-01"},
    {"source": "m4", "target": "f3", "type": "KNOWS"},
]


def figures(tmp_path, people=PEOPLE, rels=RELS, **policy):
    ds = dataset(tmp_path, people, rels)
    p = Policy().with_(**policy)
    return audit_figures(audit_tables(ds, policy=p, as_of=AS_OF), policy=p, as_of=AS_OF)


@pytest.fixture
def worked(tmp_path):
    return figures(tmp_path)


def test_contract_keys_in_order(worked):
    assert list(worked)[:2] == ["as_of", "min_group_size"]
    for key in ["as_of", "mentees", "mentees_without_mentor", "coverage", "mosaic", "groups", "mentors",
                "over_capacity", "conflicts", "stale"]:
        assert key in worked
    assert worked["as_of"] == "2026-11-25"


def test_headline_counts(worked):
    assert worked["mentees"] == 4
    assert worked["mentees_without_mentor"] == 2  # m2 (only ended/stale rows), m4
    assert worked["gaps"] == 4                    # research and career of m2 and m4


def test_coverage(worked):
    assert worked["coverage"] == {
        "research": {"needing": 4, "covered": 2},
        "career": {"needing": 4, "covered": 2},
        "identity:gender": {"needing": 1, "covered": 1},  # f1 shares m1's gender ("Female" = "female")
        "identity:urm": {"needing": 1, "covered": 1},     # f2 "YES" = m1 "yes"
    }


def test_mosaic(worked):
    assert worked["mosaic"] == {"0": 2, "1": 1, "2": 1, "3+": 0}


def test_mosaic_three_plus(tmp_path):
    people = [{"id": "m", "role": "resident"}] + [{"id": f"f{i}", "role": "faculty"} for i in range(4)]
    rels = [{"source": f"f{i}", "target": "m", "type": "MENTORS", "focus": "peer"} for i in range(4)]
    rels.append({"source": "f0", "target": "m", "type": "MENTORS", "focus": "research"})  # same mentor twice
    assert figures(tmp_path, people, rels)["mosaic"] == {"0": 0, "1": 0, "2": 0, "3+": 1}


def test_mentors_load_and_capacity(worked):
    assert worked["mentors"] == [
        {"id": "f1", "load": 2, "capacity": 1},
        {"id": "f2", "load": 1, "capacity": 3},   # the stale row to m2 is no load
        {"id": "f3", "load": 0, "capacity": 2},
        {"id": "f4", "load": 0, "capacity": 3},   # policy default
    ]
    assert worked["over_capacity"] == ["f1"]


def test_peer_mentor_with_load_is_listed(tmp_path):
    people = [{"id": "r1", "role": "resident"}, {"id": "s1", "role": "student"}]
    rels = [{"source": "r1", "target": "s1", "type": "MENTORS", "focus": "peer"}]
    f = figures(tmp_path, people, rels)
    assert f["mentors"] == [{"id": "r1", "load": 1, "capacity": 3}]


def test_load_distribution_and_busiest_share(worked):
    assert worked["load_distribution"] == {"0": 2, "1": 1, "2": 1}
    # 10% of 4 mentors, rounded up: the busiest 1 (f1) carries 2 of 3 mentorships
    assert worked["busiest_share"] == {"mentors": 4, "busiest": 1, "mentorships": 3, "busiest_mentorships": 2,
                                       "share": 0.6667}


def test_busiest_share_rounds_up_and_handles_no_load(tmp_path):
    people = [{"id": f"f{i:02d}", "role": "faculty"} for i in range(11)] + [
        {"id": f"m{i}", "role": "resident"} for i in range(4)]
    rels = [{"source": "f00", "target": "m0", "type": "MENTORS"}, {"source": "f00", "target": "m1", "type": "MENTORS"},
            {"source": "f01", "target": "m2", "type": "MENTORS"}, {"source": "f02", "target": "m3", "type": "MENTORS"}]
    f = figures(tmp_path, people, rels)
    assert f["busiest_share"] == {"mentors": 11, "busiest": 2, "mentorships": 4, "busiest_mentorships": 3,
                                  "share": 0.75}
    empty = figures(tmp_path / "b", [{"id": "f", "role": "faculty"}], [])
    assert empty["busiest_share"]["share"] is None
    assert empty["load_distribution"] == {"0": 1}


def test_conflicts(worked):
    assert worked["conflicts"] == [{"mentor_id": "f1", "mentee_id": "m1"}, {"mentor_id": "f1", "mentee_id": "m3"}]


def test_stale_pairs(worked):
    assert worked["stale"] == [
        {"mentor_id": "f2", "mentee_id": "m2", "last_met": "2024-01-01", "status": "lapsed"},
        {"mentor_id": "f3", "mentee_id": "m2", "last_met": "2025-01-01", "status": "ended"},
    ]


def test_stale_pair_with_an_active_row_is_not_stale_and_latest_date_wins(tmp_path):
    people = [{"id": "m", "role": "resident"}, {"id": "a", "role": "faculty"}, {"id": "b", "role": "faculty"}]
    rels = [
        {"source": "a", "target": "m", "type": "MENTORS", "last_met": "2020-01-01"},
        {"source": "a", "target": "m", "type": "MENTORS", "last_met": "2026-01-01"},  # active: pair not stale
        {"source": "b", "target": "m", "type": "MENTORS", "status": "ended", "last_met": "2023-03-03"},
        {"source": "b", "target": "m", "type": "MENTORS", "status": "ended", "last_met": "2024-04-04"},
        {"source": "b", "target": "m", "type": "MENTORS", "status": "ended"},
    ]
    assert figures(tmp_path, people, rels)["stale"] == [
        {"mentor_id": "b", "mentee_id": "m", "last_met": "2024-04-04", "status": "ended"}]


@pytest.mark.parametrize("seed", range(6))
def test_stale_pairs_are_each_pairs_rows_grouped(seed):
    """One row per pair with a stale row and no active one, in id order: the latest last_met of
    its stale rows, lapsed when any of them is still active (a reference by the ids, row by row)."""
    ds = random_dataset(random.Random(seed), 8, 120)  # few people: pairs with many rows
    policy = Policy()
    rows = ds.relationships[ds.relationships["type"].eq("MENTORS").to_numpy()]
    active = set(zip(*(rows.loc[active_mask(rows, policy=policy, as_of=AS_OF), c] for c in ("source", "target"))))
    expected, grouped = {}, 0
    for mentor, mentee, met, status in rows.loc[stale_mask(rows, policy=policy, as_of=AS_OF),
                                                ["source", "target", "last_met", "status"]].itertuples(index=False):
        if (mentor, mentee) not in active:
            grouped += (mentor, mentee) in expected
            latest, lapsed = expected.get((mentor, mentee), ("", False))
            expected[mentor, mentee] = (max(latest, met), lapsed or status == "active")
    got = stale_pairs(ds, policy=policy, as_of=AS_OF)
    assert got.values.tolist() == [[m, t, met, "lapsed" if lapsed else "ended"]
                                   for (m, t), (met, lapsed) in sorted(expected.items())]
    assert grouped and "lapsed" in set(got["status"])  # (ended pairs: the worked examples)


def test_stale_pairs_of_a_dataset_made_by_hand_naming_someone_who_is_not_a_person():
    """The pairs are told apart and ordered by the ids themselves when an id has no person's
    rank: x (no person) is neither merged with z (the last person in id order) nor put after it."""
    import pandas as pd

    from mentornet.model import Dataset
    rels = pd.DataFrame({"source": ["z", "x", "x"], "target": ["m", "m", "m"], "type": ["MENTORS"] * 3,
                         "focus": [()] * 3, "status": ["ended", "ended", "active"], "since": [""] * 3,
                         "last_met": ["2024-01-01", "2023-01-01", "2020-01-01"]}, dtype=object)
    ds = Dataset(people=pd.DataFrame({"id": pd.Series(["a", "m", "z"], dtype=object)}), relationships=rels)
    got = stale_pairs(ds, policy=Policy(), as_of=AS_OF)
    assert got.values.tolist() == [["x", "m", "2023-01-01", "lapsed"], ["z", "m", "2024-01-01", "ended"]]
    assert [str(t) for t in got.dtypes[:3]] == ["object"] * 3


def test_stale_without_any_date_is_null(tmp_path):
    people = [{"id": "m", "role": "resident"}, {"id": "a", "role": "faculty"}]
    rels = [{"source": "a", "target": "m", "type": "MENTORS", "status": "ended"}]
    assert figures(tmp_path, people, rels)["stale"] == [
        {"mentor_id": "a", "mentee_id": "m", "last_met": None, "status": "ended"}]


def test_stale_boundary_follows_policy(tmp_path):
    people = [{"id": "m", "role": "resident"}, {"id": "a", "role": "faculty"}]
    rels = [{"source": "a", "target": "m", "type": "MENTORS", "last_met": "2025-11-25"}]  # exactly 365 days
    assert figures(tmp_path, people, rels)["stale"] == []
    assert figures(tmp_path / "b", people, rels, stale_after_days=364)["stale"][0]["mentor_id"] == "a"


def test_no_candidate(worked):
    # m2 and m4 reach f3 (lists research interests: a research candidate); nobody lists career
    # interests, so both career gaps have no candidate.
    none = {NO_SUITED: 0, FULL: 0, LEADERS: 0}
    assert worked["no_candidate"] == {
        "gaps": 4, "without_candidate": 2, "by_reason": {**none, NO_SUITED: 2},
        "by_area": {"research": {"gaps": 2, "without_candidate": 0, "by_reason": none},
                    "career": {"gaps": 2, "without_candidate": 2, "by_reason": {**none, NO_SUITED: 2}},
                    "identity:gender": {"gaps": 0, "without_candidate": 0, "by_reason": none},
                    "identity:urm": {"gaps": 0, "without_candidate": 0, "by_reason": none}}}


def test_no_candidate_respects_capacity_and_reach(tmp_path):
    people = [{"id": "m", "role": "resident"}, {"id": "x", "role": "resident"},
              {"id": "full", "role": "faculty", "capacity": "0", "research_interests": "ai"},
              {"id": "far", "role": "faculty", "research_interests": "ai"}]
    rels = [{"source": "m", "target": "full", "type": "KNOWS"}, {"source": "full", "target": "x", "type": "KNOWS"},
            {"source": "x", "target": "far", "type": "KNOWS"}]
    none = {NO_SUITED: 0, FULL: 0, LEADERS: 0}
    assert figures(tmp_path, people, rels)["no_candidate"]["by_area"]["research"] == {
        "gaps": 2, "without_candidate": 0, "by_reason": none}  # 'far' is 3 hops from m and 1 from x
    f = figures(tmp_path / "b", people, rels, max_hops=2)
    # m reaches only 'full' (suited, no room): the reason is capacity, not reach
    assert f["no_candidate"]["by_area"]["research"] == {"gaps": 2, "without_candidate": 1,
                                                        "by_reason": {**none, FULL: 1}}


def test_groups_unsuppressed(tmp_path):
    f = figures(tmp_path, min_group_size=1)
    groups = f["groups"]
    assert list(groups) == ["department", "role", "identity.gender", "identity.urm"]
    # "Rad" and "rad" are one department, shown in its most common spelling; m4 has none
    assert groups["department"] == {"Rad": {
        "mentees": 3, "without_mentor": 1, "gaps": 2,
        "coverage": {"research": {"needing": 3, "covered": 2}, "career": {"needing": 3, "covered": 2}},
        "mosaic": {"0": 1, "1": 1, "2": 1, "3+": 0}, "sole_covered": 2}}
    assert {v: (c["mentees"], c["without_mentor"], c["gaps"]) for v, c in groups["role"].items()} == {
        "fellow": (1, 0, 0), "resident": (2, 1, 2), "student": (1, 1, 2)}
    assert list(groups["role"]) == ["fellow", "resident", "student"]
    female = groups["identity.gender"]["female"]
    assert (female["mentees"], female["without_mentor"], female["gaps"]) == (2, 0, 0)
    assert female["coverage"]["identity:gender"] == {"needing": 1, "covered": 1}
    assert groups["identity.gender"]["male"]["coverage"]["identity:gender"] == {"needing": 0, "covered": 0}
    assert list(groups["identity.urm"]) == ["yes"]  # values lower case; undisclosed not grouped


def test_fragility_counts_needs_one_mentor_alone_covers(tmp_path):
    f = figures(tmp_path, min_group_size=1)
    # f1 alone: m1 research (and gender), m3 research and career; f2 alone: m1 career (and urm,
    # yes = YES). The per-mentor counts leave concordance needs out (SECURITY.md section 3,
    # mentor identity); the mentees count them.
    assert f["fragility"] == [{"id": "f1", "sole_coverages": 3, "name": "f1"},
                              {"id": "f2", "sole_coverages": 1, "name": "f2"}]
    assert f["mentees_sole_covered"] == 2
    assert {v: c.get("sole_covered") for v, c in f["groups"]["role"].items()} == {
        "fellow": 1, "resident": 1, "student": 0}


def test_concordance_by_group(tmp_path):
    f = figures(tmp_path, min_group_size=1)
    # m3 did not ask for gender concordance but has it (f1); m2 has no active mentor at all
    assert f["concordance"] == {
        "gender": {"female": {"mentees": 2, "with_mentor": 2, "concordant": 2, "rate": 1.0},
                   "male": {"mentees": 1, "with_mentor": 0, "concordant": 0, "rate": 0.0}},
        "urm": {"yes": {"mentees": 1, "with_mentor": 1, "concordant": 1, "rate": 1.0}},
    }


def test_load_by_mentor_identity(tmp_path):
    f = figures(tmp_path, min_group_size=1)
    assert f["load_by_identity"] == {
        "gender": {"female": {"mentors": 2, "load": 2, "mean_load": 1.0, "at_or_over_capacity": 1},
                   "male": {"mentors": 1, "load": 1, "mean_load": 1.0, "at_or_over_capacity": 0}},
        "urm": {"no": {"mentors": 1, "load": 2, "mean_load": 2.0, "at_or_over_capacity": 1},
                "yes": {"mentors": 1, "load": 1, "mean_load": 1.0, "at_or_over_capacity": 0}},
    }


def test_default_policy_suppresses_every_small_group(worked):
    for key, cells in worked["groups"].items():
        assert all(c == {"suppressed": True} for c in cells.values()), key
    for cells in list(worked["concordance"].values()) + list(worked["load_by_identity"].values()):
        assert all(c == {"suppressed": True} for c in cells.values())


def test_complementary_suppression_with_group_size_two(tmp_path):
    f = figures(tmp_path, min_group_size=2)
    # role: fellow 1 and student 1 are small; hidden together they are 2 people in 2 cells of
    # 1, which a reader could tell apart, so resident is hidden too
    assert all(c == {"suppressed": True} for c in f["groups"]["role"].values())
    # gender: male (1) is small; with m4 (not disclosed) the hidden part holds 2 people, so
    # female stays
    assert f["groups"]["identity.gender"]["male"] == {"suppressed": True}
    assert f["groups"]["identity.gender"]["female"]["mentees"] == 2
    assert f["groups"]["department"]["Rad"]["mentees"] == 3


def test_group_values_case_insensitive(tmp_path):
    people = [{"id": f"m{i}", "role": "resident", "department": d, "identity.gender": g}
              for i, (d, g) in enumerate([("Radiology", "Female"), ("radiology", "FEMALE"), ("RADIOLOGY", "female"),
                                          ("Radiology", "female"), ("Radiology", "female")])]
    f = figures(tmp_path, people, [])
    assert list(f["groups"]["department"]) == ["Radiology"]
    assert f["groups"]["department"]["Radiology"]["mentees"] == 5
    assert list(f["groups"]["identity.gender"]) == ["female"]


def test_no_mentees_and_no_identity_columns(tmp_path):
    from helpers import write_dataset
    from mentornet import read_dataset

    ds = read_dataset(write_dataset(tmp_path, [{"id": "f1", "role": "faculty"}], [],
                                    people_columns=["id", "role"], rel_columns=["source", "target", "type"]))
    f = audit_figures(audit_tables(ds, policy=Policy(), as_of=AS_OF), policy=Policy(), as_of=AS_OF)
    assert (f["mentees"], f["mentees_without_mentor"], f["gaps"]) == (0, 0, 0)
    assert f["coverage"] == {"research": {"needing": 0, "covered": 0}, "career": {"needing": 0, "covered": 0}}
    assert f["mosaic"] == {"0": 0, "1": 0, "2": 0, "3+": 0}
    assert f["groups"] == {"department": {}, "role": {}}
    assert f["concordance"] == {} and f["load_by_identity"] == {}
    assert f["mentors"] == [{"id": "f1", "load": 0, "capacity": 3}]
    assert f["busiest_share"]["share"] is None and f["stale"] == [] and f["conflicts"] == []


def test_audit_uses_a_backend_that_supplies_its_own_tables(tmp_path):
    from mentornet.backends.networkx import NetworkXBackend
    from mentornet.audit import audit

    ds = dataset(tmp_path, PEOPLE, RELS)
    embedded = audit(NetworkXBackend(ds), policy=Policy(), as_of=AS_OF)

    class TablesBackend(NetworkXBackend):  # what the Neo4j backend provides: tables, not figures
        calls = 0

        def audit_tables(self, snap):
            TablesBackend.calls += 1
            tables = audit_tables(ds, policy=snap.policy, as_of=snap.as_of)
            # row order is the backend's business: the figures must not depend on it
            return type(tables)(tables.identity_attributes[::-1], tables.mentees[::-1], tables.mentors[::-1],
                                tables.conflicts[::-1], tables.stale[::-1], tables.no_candidate[::-1],
                                tables.covering[::-1])

    other = audit(TablesBackend(ds), policy=Policy(), as_of=AS_OF)
    assert json.dumps(other) == json.dumps(embedded)  # same figures in the same key order
    assert TablesBackend.calls == 1
