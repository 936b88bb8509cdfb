"""Planning for departures and hiring (DESIGN.md section 3): sole coverage, ``whatif``, ``recruit``.

Hand-checked small cases for each rule, hypothesis properties against the gaps of the full and
the reduced dataset, and the command line."""
import json
import random
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from mentornet import planning
from mentornet.backends.networkx import NetworkXBackend
from mentornet.cli import main
from mentornet.model import Policy
from mentornet.snapshot import dataset_without

from helpers import AS_OF, dataset, random_rows, write_dataset

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "radiology"

# m1 has two research mentors (a, b) and one career mentor (c); m2 one research mentor (a), who
# also knows e; d (room for one mentee) mentors m3 and knows m2.
PEOPLE = [
    {"id": "m1", "role": "resident", "department": "Rad", "research_interests": "ai", "career_interests": "teaching"},
    {"id": "m2", "role": "resident", "department": "Rad", "research_interests": "ai;msk"},
    {"id": "m3", "role": "resident", "department": "Surg", "research_interests": "ai"},
    {"id": "a", "role": "faculty", "research_interests": "ai", "career_interests": "teaching"},
    {"id": "b", "role": "faculty", "research_interests": "ai"},
    {"id": "c", "role": "faculty", "career_interests": "teaching"},
    {"id": "d", "role": "faculty", "research_interests": "ai", "capacity": "1"},
    {"id": "e", "role": "faculty", "research_interests": "ai"},
]
RELS = [
    {"source": "a", "target": "m1", "type": "MENTORS", "focus": "research", "status": "active"},
    {"source": "b", "target": "m1", "type": "MENTORS", "focus": "research", "status": "active"},
    {"source": "c", "target": "m1", "type": "MENTORS", "focus": "career", "status": "active"},
    {"source": "a", "target": "m2", "type": "MENTORS", "focus": "research", "status": "active"},
    {"source": "d", "target": "m3", "type": "MENTORS", "focus": "research", "status": "active"},
    {"source": "a", "target": "e", "type": "COLLEAGUE"},
    {"source": "m2", "target": "d", "type": "KNOWS"},
]


@pytest.fixture
def small(tmp_path):
    return NetworkXBackend(dataset(tmp_path, PEOPLE, RELS))


def run(backend, without, policy=Policy()):
    snap = backend.snapshot(policy=policy, as_of=AS_OF)
    return planning.whatif(backend, snap, without)


def test_sole_coverage_counts_needs_one_mentor_alone_covers(small):
    snap = small.snapshot(policy=Policy(), as_of=AS_OF)
    # a covers m1 research with b (not alone) and m2 research alone; c m1 career; d m3 research
    assert planning.fragility(small, snap) == [{"id": "a", "sole_coverages": 1}, {"id": "c", "sole_coverages": 1},
                                               {"id": "d", "sole_coverages": 1}]
    assert planning.top_critical(small, snap, 2) == ["a", "c"]  # a tie of three, broken by id


@pytest.mark.parametrize("seed", range(5))
def test_sole_coverage_counts_each_need_with_one_mentor(seed):
    """Against a count by hand on random covering rows (a row missing its mentee or area, which
    a frame made by hand may hold, is no need); ties by id, in plain string order."""
    rng = random.Random(seed)
    rows = [(rng.choice(["m1", "m2", "m3", "é", None]), rng.choice(["research", "career", "identity:urm", None]),
             rng.choice(["a", "b", "B", "c", "z"])) for _ in range(40)]
    covering = pd.DataFrame(rows, columns=["mentee_id", "area", "mentor_id"], dtype=object).drop_duplicates()
    mentors = {}
    for (mentee, area), group in covering.dropna().groupby(["mentee_id", "area"]):
        mentors[mentee, area] = list(group["mentor_id"])
    alone = [(need, found[0]) for need, found in mentors.items() if len(found) == 1]
    counts = {}
    for _, mentor in alone:
        counts[mentor] = counts.get(mentor, 0) + 1
    assert planning.sole_coverage(covering).values.tolist() == [
        [m, n] for m, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    assert planning.solely_covered_mentees(covering) == {mentee for (mentee, _), _ in alone}
    assert alone and len(alone) < len(mentors)


def test_a_need_covered_by_two_mentors_survives_one_departure(small):
    assert run(small, ["b"]).empty
    rows = run(small, ["a"])
    assert rows[["mentee_id", "area", "lost_mentor_ids"]].values.tolist() == [["m2", "research", "a"]]
    both = run(small, ["a", "b"])
    assert both[["mentee_id", "area", "lost_mentor_ids"]].values.tolist() == [
        ["m1", "research", "a;b"], ["m2", "research", "a"]]


def test_a_departed_persons_ties_no_longer_carry_referral_paths(small):
    snap = small.snapshot(policy=Policy(), as_of=AS_OF)
    # before: e is reachable from m2 through a; d is full (it mentors m3)
    row = run(small, ["a"]).iloc[0]
    assert (row["candidate_id"], row["hops"], row["path"]) == ("", "", "")
    assert "e" not in set(planning.whatif(small, snap, ["a"])["candidate_id"])


def test_a_removed_mentee_frees_their_mentors_capacity(small):
    row = run(small, ["a", "m3"]).iloc[0]
    assert (row["mentee_id"], row["candidate_id"], row["hops"], row["path"]) == ("m2", "d", 1, "m2>d")
    assert run(small, ["m3"]).empty  # m3 leaves: nobody remaining loses a need


def test_the_reduced_dataset_drops_every_row_naming_them(small):
    reduced = dataset_without(small.dataset, ["a"])
    assert "a" not in set(reduced.people["id"])
    assert not (reduced.relationships[["source", "target"]] == "a").any().any()
    assert len(reduced.relationships) == len(RELS) - 3


def test_recruit_turns_open_gaps_into_profiles(tmp_path):
    people = [{"id": f"r{i}", "role": "resident", "department": "Rad", "research_interests": "AI"} for i in range(4)]
    people += [{"id": "s", "role": "student", "department": "Rad", "identity.gender": "female",
                "seeks_concordance": "gender"}]
    backend = NetworkXBackend(dataset(tmp_path, people, []))
    rows = planning.recruit(backend, backend.snapshot(policy=Policy(), as_of=AS_OF))
    assert rows.values.tolist() == [
        ["Rad", "career", "*", 5, 5, 2],
        ["Rad", "research", "AI", 4, 4, 2],
        ["Rad", "identity", "gender=female", 1, 1, 1],
        ["Rad", "research", "*", 1, 1, 1],
    ]
    shown, hidden = planning.shown_profiles(rows, min_group_size=5, show_identity=False, top=20)
    assert hidden == 1 and "identity" not in set(shown["area"])
    shown, hidden = planning.shown_profiles(rows, min_group_size=5, show_identity=True, top=2)
    assert hidden == 0 and len(shown) == 2


# --------------------------------------------------------------------------- properties


def _backend(seed):
    rng = random.Random(seed)
    people, rels = random_rows(rng, rng.randint(3, 25), rng.randint(0, 60))
    with tempfile.TemporaryDirectory() as d:
        ds = dataset(Path(d), people, rels)
    return NetworkXBackend(ds), rng


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_whatif_rows_are_exactly_the_needs_the_departure_opens(seed):
    backend, rng = _backend(seed)
    snap = backend.snapshot(policy=Policy(), as_of=AS_OF)
    assert planning.whatif(backend, snap, []).empty
    ids = list(backend.dataset.people["id"])
    gone = rng.sample(ids, rng.randint(1, min(4, len(ids))))
    rows = planning.whatif(backend, snap, gone)
    key = lambda frame: set(zip(frame["mentee_id"], frame["area"]))
    before_gaps, needs = key(backend.find_gaps(snap)), key(snap.needs)
    reduced = NetworkXBackend(dataset_without(backend.dataset, gone))
    after = reduced.gaps(policy=Policy(), as_of=AS_OF)
    expected = {k for k in key(after) if k in needs and k not in before_gaps}
    assert key(rows) == expected
    assert not set(rows["mentee_id"]) & set(gone)
    covering = backend.covering_mentors(snap)
    for row in rows.itertuples(index=False):
        lost = covering[(covering["mentee_id"] == row.mentee_id) & (covering["area"] == row.area)]["mentor_id"]
        assert row.lost_mentor_ids.split(";") == sorted(set(lost) & set(gone))
        best = reduced.refer(policy=Policy(top_k=1), as_of=AS_OF, mentee=row.mentee_id)
        best = best[best["area"] == row.area]
        expected_candidate = best["candidate_id"].iloc[0] if len(best) else ""
        assert row.candidate_id == expected_candidate


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_a_reduced_snapshot_has_the_facts_of_the_reduced_dataset(seed):
    """The embedded backend filters the full snapshot's facts instead of recomputing them: each
    equals what a snapshot of the reduced dataset computes from scratch."""
    backend, rng = _backend(seed)
    policy = Policy(concordance={"gender": frozenset({"female"})}) if rng.random() < 0.5 else Policy()
    snap = backend.snapshot(policy=policy, as_of=AS_OF)
    ids = list(backend.dataset.people["id"])
    gone = rng.sample(ids, rng.randint(0, len(ids)))
    if rng.random() < 0.5:  # with the full snapshot's facts computed first, or not
        snap.covering, snap.gaps
    reduced = backend.without(snap, gone)
    fresh = NetworkXBackend(dataset_without(backend.dataset, gone)).snapshot(policy=policy, as_of=AS_OF)
    for fact in ("active", "needs", "covering", "gaps", "covered", "load"):
        # the values exactly; a text column may be str or object depending on which rows made it
        pd.testing.assert_frame_equal(getattr(reduced, fact), getattr(fresh, fact), obj=fact, check_dtype=False,
                                      check_index_type=False)
    assert planning.whatif(backend, snap, gone).equals(planning.whatif(backend, backend.snapshot(policy=policy, as_of=AS_OF), gone))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_recruit_counts_only_the_gaps_match_left_open(seed):
    backend, _ = _backend(seed)
    snap = backend.snapshot(policy=Policy(), as_of=AS_OF)
    filled, open_ = backend.match(snap)
    rows = planning.recruit(backend, snap)
    people = backend.dataset.people.set_index("id")
    expected = 0
    for mentee, area in zip(open_["mentee_id"], open_["area"]):
        expected += max(1, len({t.strip() for t in people.loc[mentee, f"{area}_interests"]})) \
            if not area.startswith("identity:") else 1
    assert int(rows["open_gaps"].sum()) == expected
    assert (rows["mentors_needed"] * 3 >= rows["mentees"]).all()
    assert (rows["mentees"] <= rows["open_gaps"]).all()


# --------------------------------------------------------------------------- command line


def test_whatif_cli_advice_csv_and_summary(tmp_path):
    directory = write_dataset(tmp_path / "ds", PEOPLE, RELS)
    result = CliRunner().invoke(main, ["whatif", str(directory), "--as-of", "2026-11-25", "--without", "a",
                                       "--without", "m3", "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "a (a)'s departure leaves m2 (m2) without a research mentor; best next step: contact d (d) directly" \
        in result.output
    assert "1 mentee(s) affected, 1 need(s) opened, 1 with a referral after the departure" in result.output
    result = CliRunner().invoke(main, ["whatif", str(directory), "--as-of", "2026-11-25", "--top-critical", "2",
                                       "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "mentee_id,area,lost_mentor_ids,candidate_id,hops,path"
    assert "leaving: a, c" in result.stderr
    ids = tmp_path / "ids.txt"
    ids.write_text("a\n\nb\n")
    result = CliRunner().invoke(main, ["whatif", str(directory), "--as-of", "2026-11-25", "--without-file", str(ids),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["mentee_id"] for r in json.loads(result.stdout)] == ["m1", "m2"]


def test_whatif_unknown_id_is_exit_2_naming_it(tmp_path):
    directory = write_dataset(tmp_path / "ds", PEOPLE, RELS)
    result = CliRunner().invoke(main, ["whatif", str(directory), "--without", "a", "--without", "ghost"])
    assert result.exit_code == 2
    assert "ghost" in result.stderr and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["whatif", str(directory)])
    assert result.exit_code == 2 and "--without" in result.stderr


@pytest.mark.parametrize("command", ["whatif", "recruit"])
def test_help_has_an_example(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and f"mentornet {command} examples/radiology" in result.output


def test_recruit_cli_on_the_example():
    result = CliRunner().invoke(main, ["recruit", str(EXAMPLE), "--as-of", "2026-11-25", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "department,area,profile,open_gaps,mentees,mentors_needed"
    table = CliRunner().invoke(main, ["recruit", str(EXAMPLE), "--as-of", "2026-11-25", "--format", "table"])
    assert table.exit_code == 0 and "would serve" in table.output and "at the default capacity" in table.output


def viz_data(directory, page, *args):
    """The node data ``viz`` writes into the page (the JSON block the page script reads)."""
    import re

    result = CliRunner().invoke(main, ["viz", str(directory), "--as-of", "2026-11-25", "-o", str(page), *args])
    assert result.exit_code == 0, result.output
    data = json.loads(re.search(r'<script type="application/json" id="mentornet-data">(.*?)</script>',
                                page.read_text(), re.S).group(1))
    return {**data, "said": result.stderr}


def test_viz_without_greys_the_departed_marks_opened_needs_and_routes_around_them(tmp_path):
    directory = write_dataset(tmp_path / "ds", PEOPLE, RELS)
    data = viz_data(directory, tmp_path / "page.html", "--without", "a", "--without", "m3")
    nodes = {n["id"]: n for n in data["nodes"]}
    assert sorted(i for i, n in nodes.items() if n["departed"]) == ["a", "m3"]
    assert nodes["m2"]["opened"] == ["research"] and "research" in nodes["m2"]["gaps"]
    assert nodes["m1"]["opened"] == []  # b still covers m1's research
    assert data["departures"] is True and data["counts"]["opened"] == 1
    assert "8 people, 7 connections, 2 gaps (1 opened by the departure), 1 referral paths" in data["said"]
    ids = [n["id"] for n in data["nodes"]]
    paths = [[ids[i] for i in r["path"]] for r in data["referrals"]]
    assert ["m2", "d"] in paths and not any({"a", "m3"} & set(p) for p in paths)
    bad = CliRunner().invoke(main, ["viz", str(directory), "--without", "ghost", "-o", str(tmp_path / "x.html")])
    assert bad.exit_code == 2 and "ghost" in bad.stderr and not (tmp_path / "x.html").exists()


def test_viz_without_sizes_people_by_the_load_after_the_departure(tmp_path):
    directory = write_dataset(tmp_path / "ds", PEOPLE, RELS)
    before = {n["id"]: n for n in viz_data(directory, tmp_path / "before.html")["nodes"]}
    assert {i: before[i]["load"] for i in "abcd"} == {"a": 2, "b": 1, "c": 1, "d": 1}
    assert not any(n["departed"] or n["opened"] for n in before.values())
    assert "opened" not in viz_data(directory, tmp_path / "again.html")["said"]
    after = {n["id"]: n for n in viz_data(directory, tmp_path / "after.html", "--without", "a",
                                          "--without", "m3")["nodes"]}
    # m3 leaving frees d (capacity 1); a is gone and carries no load, the two they mentored noted
    assert (after["d"]["load"], after["d"]["capacity"]) == (0, 1)
    assert (after["a"]["load"], after["a"]["load_before"]) == (0, 2)
    assert (after["b"]["load"], after["c"]["load"]) == (1, 1)
    assert after["m3"]["load_before"] == 0 and after["b"]["load_before"] == 0


def test_viz_without_leaves_out_opened_identity_needs_that_come_only_from_the_policy(tmp_path):
    people = [{"id": "s", "role": "student", "identity.gender": "female", "research_interests": "ai"},
              {"id": "f", "role": "faculty", "identity.gender": "female", "research_interests": "ai"}]
    rels = [{"source": "f", "target": "s", "type": "MENTORS", "focus": "research"}]
    directory = write_dataset(tmp_path / "ds", people, rels)
    policy = tmp_path / "policy.toml"
    policy.write_text('[concordance]\ngender = ["female"]\n')
    hidden = viz_data(directory, tmp_path / "hidden.html", "--policy", str(policy), "--without", "f")
    s = next(n for n in hidden["nodes"] if n["id"] == "s")
    assert s["opened"] == ["research"] and "identity:gender" not in s["gaps"]
    shown = viz_data(directory, tmp_path / "shown.html", "--policy", str(policy), "--without", "f",
                     "--show-identity")
    s = next(n for n in shown["nodes"] if n["id"] == "s")
    assert s["opened"] == ["identity:gender", "research"]
