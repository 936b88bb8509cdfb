"""Referral candidates, ranking and paths (DESIGN.md section 3) on tiny hand-built datasets.

Every test builds a few people and ties whose answer can be read off by hand; the expected
answer is worked out in the comment above the assertion. The last test checks the fast
implementation against the straightforward one (:mod:`mentornet._reference`) on random
datasets.

Unless a test says otherwise the mentee is ``m``, a radiology resident who wants research
guidance on ``ai``, and we look only at m's research gap.
"""
from __future__ import annotations

import random
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from helpers import AS_OF, dataset, random_dataset

from mentornet._reference import reference_referrals
from mentornet.backends.networkx import NetworkXBackend
from mentornet.model import Policy
from mentornet.referrals import find_referrals

PATH_COLUMNS = ["mentee_id", "area", "rank", "candidate_id", "hops", "score", "path"]


def person(pid, role="faculty", **fields):
    return {"id": pid, "role": role, **fields}


def mentee(**fields):
    return {"id": "m", "role": "resident", "department": "Rad", "research_interests": "ai", **fields}


def tie(a, b, rtype="COLLEAGUE", **fields):
    return {"source": a, "target": b, "type": rtype, **fields}


def referrals(tmp_path, people, rels, *, mentee_id="m", area="research", **policy):
    """Referral rows of one gap through the embedded backend."""
    backend = NetworkXBackend(dataset(tmp_path, people, rels))
    return backend.refer(policy=Policy(**policy), as_of=AS_OF, mentee=mentee_id, area=area)


def ranked(tmp_path, people, rels, **kwargs):
    """Candidate ids of one gap in rank order."""
    rows = referrals(tmp_path, people, rels, **kwargs)
    assert rows["rank"].tolist() == list(range(1, len(rows) + 1))
    return rows["candidate_id"].tolist()


def triples(tmp_path, people, rels, **kwargs):
    rows = referrals(tmp_path, people, rels, **kwargs)
    return [(c, int(h), round(float(s), 6)) for c, h, s in zip(rows["candidate_id"], rows["hops"], rows["score"])]


# --------------------------------------------------------------------------- candidate rules


def test_a_colleague_sharing_a_topic_is_a_candidate(tmp_path):
    # m -- c, both work on ai: c is a candidate at 1 hop, Jaccard {ai}/{ai} = 1.
    rows = referrals(tmp_path, [mentee(), person("c", research_interests="ai")], [tie("m", "c")])
    assert rows[PATH_COLUMNS].values.tolist() == [["m", "research", 1, "c", 1, 1.0, "m>c"]]


def test_a_mentor_at_full_capacity_is_not_a_candidate(tmp_path):
    # full: capacity 1, already mentoring x (active) -> remaining 0, excluded.
    # room: capacity 2, mentoring y -> remaining 1, a candidate.
    people = [mentee(), person("full", capacity="1", research_interests="ai"),
              person("room", capacity="2", research_interests="ai"),
              person("x", "fellow"), person("y", "fellow")]
    rels = [tie("m", "full"), tie("m", "room"), tie("full", "x", "MENTORS", focus="research"),
            tie("room", "y", "MENTORS", focus="research")]
    assert ranked(tmp_path, people, rels) == ["room"]


def test_a_mentor_over_capacity_is_not_a_candidate(tmp_path):
    # capacity 1 with two active mentees: remaining -1, excluded.
    people = [mentee(), person("over", capacity="1", research_interests="ai"),
              person("x", "fellow"), person("y", "fellow")]
    rels = [tie("m", "over"), tie("over", "x", "MENTORS"), tie("over", "y", "MENTORS")]
    assert ranked(tmp_path, people, rels) == []


def test_capacity_zero_is_never_a_candidate(tmp_path):
    # zero: capacity 0 and no mentees -> remaining 0, excluded; one: capacity 1 -> remaining 1.
    people = [mentee(), person("zero", capacity="0", research_interests="ai"),
              person("one", capacity="1", research_interests="ai")]
    assert ranked(tmp_path, people, [tie("m", "zero"), tie("m", "one")]) == ["one"]


def test_policy_default_capacity_applies_when_capacity_is_empty(tmp_path):
    # default_capacity = 0: "dflt" (capacity empty) has no room; "given" (capacity 1) has.
    people = [mentee(), person("dflt", research_interests="ai"), person("given", capacity="1", research_interests="ai")]
    rels = [tie("m", "dflt"), tie("m", "given")]
    assert ranked(tmp_path, people, rels, default_capacity=0) == ["given"]
    # with the default policy (3) both have room; equal hops and score, "dflt" has more room (3 > 1).
    assert ranked(tmp_path / "again", people, rels) == ["dflt", "given"]


@pytest.mark.parametrize("accepting, expected", [("false", []), ("no", []), ("FALSE", []), ("0", []),
                                                 ("true", ["c"]), ("yes", ["c"]), ("", ["c"])])
def test_only_people_accepting_mentees_are_candidates(tmp_path, accepting, expected):
    # accepting defaults to true; false/no/0 in any case exclude.
    people = [mentee(), person("c", accepting=accepting, research_interests="ai")]
    assert ranked(tmp_path, people, [tie("m", "c")]) == expected


def test_leader_in_the_trainees_department_is_excluded_case_insensitively(tmp_path):
    # chair: leader, department "RAD" = m's "Rad" ignoring case -> leadership conflict, excluded.
    # other: leader of "Surgery" -> allowed.  plain: same department, no leadership -> allowed.
    people = [mentee(), person("chair", department="RAD", leadership="chair", research_interests="ai"),
              person("other", department="Surgery", leadership="program_director", research_interests="ai"),
              person("plain", department="rad", research_interests="ai")]
    rels = [tie("m", "chair"), tie("m", "other"), tie("m", "plain")]
    assert ranked(tmp_path, people, rels) == ["other", "plain"]


@pytest.mark.parametrize("role", ["student", "resident", "fellow"])
def test_leader_conflict_applies_to_every_trainee_role(tmp_path, role):
    # the mentee is a student / resident / fellow of Rad; the Rad chair is excluded.
    people = [mentee(role=role), person("chair", department="Rad", leadership="chair", research_interests="ai"),
              person("z", research_interests="ai")]
    assert ranked(tmp_path, people, [tie("m", "chair"), tie("m", "z")]) == ["z"]


def test_leader_may_mentor_faculty_of_their_own_department(tmp_path):
    # m is early-career faculty (mentee=true), not a trainee: the Rad chair is allowed.
    people = [mentee(role="faculty", mentee="true"),
              person("chair", department="Rad", leadership="chair", research_interests="ai")]
    assert ranked(tmp_path, people, [tie("m", "chair")]) == ["chair"]


@pytest.mark.parametrize("mentee_dept, leader_dept", [("", ""), ("", "Rad"), ("Rad", "")])
def test_an_empty_department_never_conflicts(tmp_path, mentee_dept, leader_dept):
    # a conflict needs a shared NON-EMPTY department; any empty side -> the leader is allowed.
    people = [mentee(department=mentee_dept),
              person("chair", department=leader_dept, leadership="chair", research_interests="ai")]
    assert ranked(tmp_path, people, [tie("m", "chair")]) == ["chair"]


def test_only_faculty_alumni_and_external_are_candidates(tmp_path):
    # everyone below is a colleague of m and works on ai; trainees are never mentor-eligible.
    roles = ["student", "resident", "fellow", "faculty", "alumni", "external"]
    people = [mentee()] + [person(role, role, research_interests="ai") for role in roles]
    rels = [tie("m", role) for role in roles]
    # equal hops (1), score (1) and room (3): id order alumni < external < faculty.
    assert ranked(tmp_path, people, rels) == ["alumni", "external", "faculty"]


def test_an_active_mentor_is_not_proposed_again(tmp_path):
    # mentor: active career mentor of m (works on ai, but research is still a gap) -> excluded.
    # new: an ai colleague -> the only candidate.
    people = [mentee(), person("mentor", research_interests="ai"), person("new", research_interests="ai")]
    rels = [tie("mentor", "m", "MENTORS", focus="career"), tie("m", "new")]
    assert ranked(tmp_path, people, rels) == ["new"]


@pytest.mark.parametrize("last_met, expected", [
    ("2025-11-25", []),       # AS_OF - 365 days: still active (<= stale_after_days) -> excluded
    ("2025-11-24", ["old"]),  # 366 days: stale, eligible again (and the research need is a gap)
])
def test_a_stale_mentor_is_eligible_again(tmp_path, last_met, expected):
    people = [mentee(), person("old", capacity="1", research_interests="ai")]
    rels = [tie("old", "m", "MENTORS", focus="career", last_met=last_met)]
    # capacity 1: the stale row does not count as load, so "old" still has room.
    assert ranked(tmp_path, people, rels) == expected


def test_stale_after_days_comes_from_the_policy(tmp_path):
    # last met 2026-06-01, 177 days before AS_OF: active by default, stale with stale_after_days=100.
    people = [mentee(), person("old", research_interests="ai")]
    rels = [tie("old", "m", "MENTORS", focus="career", last_met="2026-06-01")]
    assert ranked(tmp_path, people, rels) == []
    assert ranked(tmp_path / "again", people, rels, stale_after_days=100) == ["old"]


def test_an_ended_mentor_is_eligible_again(tmp_path):
    # the MENTORS row is ended: not active, no load; still a tie, so "old" is at 1 hop.
    people = [mentee(), person("old", capacity="1", research_interests="ai")]
    rels = [tie("old", "m", "MENTORS", focus="research", status="ended")]
    assert triples(tmp_path, people, rels) == [("old", 1, 1.0)]


@pytest.mark.parametrize("max_hops, expected", [
    (1, []),
    (2, []),
    (3, [("c", 3, 1.0)]),   # m - x - y - c: exactly max_hops away -> in reach
    (4, [("c", 3, 1.0)]),
])
def test_reach_is_limited_by_max_hops(tmp_path, max_hops, expected):
    # x and y have no research interests, so they are not suited to m's ai need.
    people = [mentee(), person("x"), person("y"), person("c", research_interests="ai")]
    rels = [tie("m", "x"), tie("x", "y"), tie("y", "c")]
    assert triples(tmp_path, people, rels, max_hops=max_hops) == expected


def test_every_relationship_row_is_an_undirected_tie(tmp_path):
    # m <-KNOWS- a, a -(ended MENTORS)-> b, c -COAUTHOR-> b: c is 3 hops from m in either
    # direction, and any status or type links people.
    people = [mentee(), person("a", "student"), person("b", "student"), person("c", research_interests="ai")]
    rels = [tie("a", "m", "KNOWS"), tie("a", "b", "MENTORS", status="ended"), tie("c", "b", "COAUTHOR")]
    rows = referrals(tmp_path, people, rels)
    assert rows[["candidate_id", "hops", "path"]].values.tolist() == [["c", 3, "m>a>b>c"]]


def test_people_out_of_reach_are_not_candidates(tmp_path):
    # c works on ai but shares no path with m.
    people = [mentee(), person("c", research_interests="ai"), person("d")]
    assert ranked(tmp_path, people, [tie("c", "d")]) == []


def test_the_mentee_is_never_their_own_candidate(tmp_path):
    # m is faculty seeking mentors, also accepting mentees and working on ai.
    people = [mentee(role="faculty", mentee="true"), person("c", research_interests="ai")]
    assert ranked(tmp_path, people, [tie("m", "c")]) == ["c"]


# --------------------------------------------------------------------------- suitability and score


def test_research_candidates_share_a_topic_case_insensitively(tmp_path):
    # m: {ai}. shares: "AI;msk" shares ai (case ignored); other: "neuro" shares nothing; none: empty.
    people = [mentee(), person("shares", research_interests="AI;msk"), person("other", research_interests="neuro"),
              person("none")]
    rels = [tie("m", "shares"), tie("m", "other"), tie("m", "none")]
    # Jaccard {ai} vs {ai, msk} = 1/2.
    assert triples(tmp_path, people, rels) == [("shares", 1, 0.5)]


def test_a_mentee_without_research_interests_may_take_anyone_who_lists_some(tmp_path):
    # m lists none: any candidate listing research interests is suited, with score 0;
    # "blank" lists none and is not. Ties on hops and score: room (b: 3, a: 1), then id.
    people = [mentee(research_interests=""), person("a", capacity="1", research_interests="neuro"),
              person("b", research_interests="msk;qi"), person("c", research_interests="ai"), person("blank")]
    rels = [tie("m", p) for p in ("a", "b", "c", "blank")]
    assert triples(tmp_path, people, rels) == [("b", 1, 0.0), ("c", 1, 0.0), ("a", 1, 0.0)]


def test_career_candidates_follow_the_same_rule(tmp_path):
    # m seeks {leadership, teaching}. lead: {Leadership, work-life} -> 1/3; teach: {teaching} -> 1/2;
    # wl: {work-life} shares nothing -> excluded.
    people = [mentee(career_interests="leadership;teaching"), person("lead", career_interests="Leadership;work-life"),
              person("teach", career_interests="teaching"), person("wl", career_interests="work-life")]
    rels = [tie("m", p) for p in ("lead", "teach", "wl")]
    assert triples(tmp_path, people, rels, area="career") == [("teach", 1, 0.5), ("lead", 1, 0.333333)]


def test_career_without_interests_takes_anyone_listing_career_interests(tmp_path):
    # m lists no career interests: wl (lists work-life) is suited with score 0; nothing is not.
    people = [mentee(), person("wl", career_interests="work-life"), person("nothing", research_interests="ai")]
    rels = [tie("m", "wl"), tie("m", "nothing")]
    assert triples(tmp_path, people, rels, area="career") == [("wl", 1, 0.0)]


def test_identity_candidates_share_the_value_case_insensitively(tmp_path):
    # m discloses gender "Female" and seeks concordance on it.
    # f1 "female" and f2 "FEMALE" share it; male and undisclosed do not.
    # Score = Jaccard of research interests: m {ai, msk}; f1 {ai} -> 1/2; f2 {} -> 0.
    people = [mentee(research_interests="ai;msk", **{"identity.gender": "Female", "seeks_concordance": "gender"}),
              person("f1", research_interests="ai", **{"identity.gender": "female"}),
              person("f2", **{"identity.gender": "FEMALE"}),
              person("male", research_interests="ai;msk", **{"identity.gender": "male"}),
              person("undisclosed", research_interests="ai;msk")]
    rels = [tie("m", p) for p in ("f1", "f2", "male", "undisclosed")]
    assert triples(tmp_path, people, rels, area="identity:gender") == [("f1", 1, 0.5), ("f2", 1, 0.0)]


def test_identity_need_from_the_policy_concordance_table(tmp_path):
    # m did not ask, but the policy lists urm = yes: identity:urm is a need; "u" (YES) suits it.
    people = [mentee(**{"identity.urm": "yes"}), person("u", **{"identity.urm": "YES"}),
              person("n", **{"identity.urm": "no"})]
    rels = [tie("m", "u"), tie("m", "n")]
    concordance = MappingProxyType({"urm": frozenset({"yes"})})
    assert triples(tmp_path, people, rels, area="identity:urm", concordance=concordance) == [("u", 1, 0.0)]
    assert triples(tmp_path / "again", people, rels, area="identity:urm") == []  # no need, no gap


@pytest.mark.parametrize("mine, theirs, score", [
    ("ai", "ai", 1.0),
    ("ai;msk", "ai;neuro;peds", 0.25),     # {ai} / {ai, msk, neuro, peds}
    ("ai;msk", "MSK;neuro", 0.333333),     # {msk} / {ai, msk, neuro}
    ("AI;Msk", "msk;ai", 1.0),             # case ignored
    ("ai;msk;neuro", "neuro", 0.333333),   # {neuro} / {ai, msk, neuro}
    ("ai;ai", "ai;qi", 0.5),               # duplicates count once
])
def test_score_is_the_jaccard_similarity_of_interests(tmp_path, mine, theirs, score):
    people = [mentee(research_interests=mine), person("c", research_interests=theirs)]
    assert triples(tmp_path, people, [tie("m", "c")]) == [("c", 1, score)]


# --------------------------------------------------------------------------- ranking


def test_hops_rank_before_score(tmp_path):
    # near: 1 hop, Jaccard {ai}/{ai, msk, neuro} = 1/3; far: 2 hops (via x), Jaccard 1.
    people = [mentee(), person("near", research_interests="ai;msk;neuro"), person("x"),
              person("far", research_interests="ai")]
    rels = [tie("m", "near"), tie("m", "x"), tie("x", "far")]
    assert triples(tmp_path, people, rels) == [("near", 1, 0.333333), ("far", 2, 1.0)]


def test_score_ranks_before_remaining_capacity(tmp_path):
    # z: score 1, room 1; a: score 1/2, room 3 -> z first despite less room and a larger id.
    people = [mentee(), person("z", capacity="1", research_interests="ai"),
              person("a", capacity="3", research_interests="ai;qi")]
    assert ranked(tmp_path, people, [tie("m", "z"), tie("m", "a")]) == ["z", "a"]


def test_remaining_capacity_ranks_before_id(tmp_path):
    # same hops and score; room: z 3, y 3 - 2 mentees = 1, a 2 -> z, a, y.
    people = [mentee(), person("a", capacity="2", research_interests="ai"),
              person("y", capacity="3", research_interests="ai"),
              person("z", capacity="3", research_interests="ai"), person("t1", "fellow"), person("t2", "fellow")]
    rels = [tie("m", "a"), tie("m", "y"), tie("m", "z"), tie("y", "t1", "MENTORS"), tie("y", "t2", "MENTORS")]
    assert ranked(tmp_path, people, rels) == ["z", "a", "y"]


def test_id_breaks_the_last_tie_in_plain_string_order(tmp_path):
    # equal hops, score and room: plain string order puts "B" before "a" and "p10" before "p9".
    ids = ["p9", "a", "p10", "B"]
    people = [mentee()] + [person(i, research_interests="ai") for i in ids]
    rels = [tie("m", i) for i in ids]
    assert ranked(tmp_path, people, rels, top_k=4) == ["B", "a", "p10", "p9"]


def test_top_k_keeps_the_best_candidates_of_each_gap(tmp_path):
    # research (m: ai): a 1.0, b 0.5 ({ai}/{ai,qi}), c 1/3 ({ai}/{ai,qi,msk}), d 1/4.
    # career (m lists none): everyone listing career interests, score 0, by id: a, b, c, d.
    people = [mentee(), person("a", research_interests="ai", career_interests="teaching"),
              person("b", research_interests="ai;qi", career_interests="teaching"),
              person("c", research_interests="ai;qi;msk", career_interests="teaching"),
              person("d", research_interests="ai;qi;msk;neuro", career_interests="teaching")]
    rels = [tie("m", p) for p in "abcd"]
    assert ranked(tmp_path, people, rels) == ["a", "b", "c"]  # default top_k = 3
    assert ranked(tmp_path / "k2", people, rels, top_k=2) == ["a", "b"]
    assert ranked(tmp_path / "k9", people, rels, top_k=9) == ["a", "b", "c", "d"]
    rows = referrals(tmp_path / "both", people, rels, area=None, top_k=2)
    assert rows[["area", "rank", "candidate_id"]].values.tolist() == [
        ["career", 1, "a"], ["career", 2, "b"], ["research", 1, "a"], ["research", 2, "b"]]


# --------------------------------------------------------------------------- referral paths


def path_of(tmp_path, people, rels, candidate="c", **kwargs):
    rows = referrals(tmp_path, people, rels, **kwargs)
    return dict(zip(rows["candidate_id"], rows["path"]))[candidate]


def test_path_prefers_an_active_mentor_as_first_introducer(tmp_path):
    # two shortest paths m>a>c and m>z>c; z is m's active career mentor, a is only a colleague.
    # The mentor is asked first although "a" < "z".
    people = [mentee(), person("a", "fellow"), person("z"), person("c", research_interests="ai")]
    rels = [tie("m", "a"), tie("a", "c"), tie("z", "m", "MENTORS", focus="career"), tie("z", "c", "COAUTHOR")]
    assert path_of(tmp_path, people, rels) == "m>z>c"


def test_path_without_a_mentor_takes_the_smallest_ids(tmp_path):
    # shortest paths to c (3 hops): m>a>y>c, m>a>x>c, m>b>w>c -> smallest sequence m>a>x>c.
    people = [mentee()] + [person(p, "student") for p in "abwxy"] + [person("c", research_interests="ai")]
    rels = [tie("m", "b"), tie("m", "a"), tie("a", "y"), tie("a", "x"), tie("b", "w"),
            tie("y", "c"), tie("x", "c"), tie("w", "c")]
    assert path_of(tmp_path, people, rels) == "m>a>x>c"


def test_path_ids_compare_in_plain_string_order(tmp_path):
    # m>p9>c and m>p10>c: "p10" < "p9" as strings.  m>B>... also exists and "B" < "p10" < "a".
    people = [mentee(), person("p9", "student"), person("p10", "student"), person("c", research_interests="ai")]
    rels = [tie("m", "p9"), tie("p9", "c"), tie("m", "p10"), tie("p10", "c")]
    assert path_of(tmp_path, people, rels) == "m>p10>c"
    people += [person("B", "student"), person("a", "student")]
    rels += [tie("m", "a"), tie("a", "c"), tie("m", "B"), tie("B", "c")]
    assert path_of(tmp_path / "more", people, rels) == "m>B>c"


def test_a_stale_mentor_is_not_preferred_on_the_path(tmp_path):
    # z's MENTORS row last met 2024-01-01 is stale: z is an ordinary acquaintance, so the
    # smaller id wins: m>a>c.  (z has no research interests, so is no candidate itself.)
    people = [mentee(), person("a", "fellow"), person("z"), person("c", research_interests="ai")]
    rels = [tie("m", "a"), tie("a", "c"), tie("z", "m", "MENTORS", focus="research", last_met="2024-01-01"),
            tie("z", "c")]
    assert path_of(tmp_path, people, rels) == "m>a>c"


def test_an_ended_mentor_is_not_preferred_on_the_path(tmp_path):
    people = [mentee(), person("a", "fellow"), person("z"), person("c", research_interests="ai")]
    rels = [tie("m", "a"), tie("a", "c"), tie("z", "m", "MENTORS", status="ended"), tie("z", "c")]
    assert path_of(tmp_path, people, rels) == "m>a>c"


def test_the_mentees_own_mentee_is_not_a_preferred_introducer(tmp_path):
    # m is faculty and mentors z (z -> m is "mentee", not "mentor"): the smaller id a wins.
    people = [mentee(role="faculty", mentee="true"), person("a", "fellow"), person("z", "fellow"),
              person("c", research_interests="ai")]
    rels = [tie("m", "a"), tie("a", "c"), tie("m", "z", "MENTORS"), tie("z", "c")]
    assert path_of(tmp_path, people, rels) == "m>a>c"


def test_mentor_preference_is_for_the_first_hop_only(tmp_path):
    # m's active mentors z1 and z2 (both larger ids than a) reach c in 3 hops;
    # first hop: the smaller mentor z1; later hops by id only: x < y.
    # m>a>b>c is also shortest but starts with a non-mentor.
    people = [mentee()] + [person(p, "student") for p in "abxy"] + [
        person("z1"), person("z2"), person("c", research_interests="ai")]
    rels = [tie("z2", "m", "MENTORS", focus="career"), tie("z1", "m", "MENTORS", focus="career"),
            tie("m", "a"), tie("a", "b"), tie("b", "c"),
            tie("z1", "y"), tie("z1", "x"), tie("z2", "b"), tie("x", "c"), tie("y", "c")]
    assert path_of(tmp_path, people, rels) == "m>z1>x>c"


def test_a_longer_path_through_a_mentor_is_not_taken(tmp_path):
    # c is 2 hops away through a; through mentor z it would be 3 hops: the path is shortest first.
    people = [mentee(), person("a", "fellow"), person("z"), person("q", "fellow"),
              person("c", research_interests="ai")]
    rels = [tie("m", "a"), tie("a", "c"), tie("z", "m", "MENTORS", focus="career"), tie("z", "q"), tie("q", "c")]
    rows = referrals(tmp_path, people, rels)
    assert rows[["candidate_id", "hops", "path"]].values.tolist() == [["c", 2, "m>a>c"]]


def test_mentee_and_area_filters(tmp_path):
    # two trainees, both with research and career gaps; c lists ai and teaching.
    people = [mentee(), mentee(id="n"), person("c", research_interests="ai", career_interests="teaching")]
    ds = dataset(tmp_path, people, [tie("m", "c"), tie("n", "c")])
    rows = find_referrals(ds, policy=Policy(), as_of=AS_OF)
    assert rows[["mentee_id", "area"]].values.tolist() == [
        ["m", "career"], ["m", "research"], ["n", "career"], ["n", "research"]]
    only_n = find_referrals(ds, policy=Policy(), as_of=AS_OF, mentee="n")
    assert only_n[["mentee_id", "area"]].values.tolist() == [["n", "career"], ["n", "research"]]
    career = find_referrals(ds, policy=Policy(), as_of=AS_OF, area="Career")
    assert career[["mentee_id", "area"]].values.tolist() == [["m", "career"], ["n", "career"]]


# --------------------------------------------------------------------------- against the reference


POLICIES = [
    Policy(),
    Policy(max_hops=1),
    Policy(max_hops=2, top_k=1),
    Policy(max_hops=5, top_k=10),
    Policy(stale_after_days=30, default_capacity=1, top_k=2),
    Policy(default_capacity=0, max_hops=4),
    Policy(concordance=MappingProxyType({"gender": frozenset({"female", "nonbinary"}), "urm": frozenset({"yes"})})),
]


@settings(max_examples=30, deadline=None)
@given(rng=st.randoms(use_true_random=False), n_people=st.integers(2, 14), n_rels=st.integers(0, 24),
       policy=st.sampled_from(POLICIES))
def test_fast_referrals_equal_the_reference(rng, n_people, n_rels, policy):
    ds = random_dataset(rng, n_people, n_rels)
    fast = find_referrals(ds, policy=policy, as_of=AS_OF)
    slow = reference_referrals(ds, policy=policy, as_of=AS_OF)
    assert fast[PATH_COLUMNS].astype(str).values.tolist() == slow[PATH_COLUMNS].astype(str).values.tolist()
    # every path is a shortest path of the stated length from the mentee to the candidate
    for m, c, h, path in zip(fast["mentee_id"], fast["candidate_id"], fast["hops"], fast["path"]):
        nodes = path.split(">")
        assert (nodes[0], nodes[-1], len(nodes) - 1) == (m, c, h)


def test_reference_property_covers_some_referrals():
    """The random datasets are not all trivially empty (a guard on the generator's use above)."""
    total = 0
    for seed in range(5):
        ds = random_dataset(random.Random(seed), 12, 20)
        total += len(find_referrals(ds, policy=Policy(), as_of=AS_OF))
    assert total > 0


@pytest.mark.parametrize("rows", [0, 1, 7])
def test_popcount_byte_table_equals_a_count_of_the_bits(rows, monkeypatch):
    """numpy < 2.0 has no bitwise_count: the byte-table fallback (also for no rows at all, which
    the lowest-versions CI leg met) counts what bin() counts."""
    import numpy as np

    from mentornet import referrals

    rng = np.random.default_rng(rows)
    bits = rng.integers(0, 2**63, size=(rows, 3), dtype=np.int64).astype(np.uint64)
    expected = [sum(bin(int(x)).count("1") for x in row) for row in bits]
    monkeypatch.setattr(referrals, "_HAS_BITWISE_COUNT", False)
    got = referrals._popcount(bits)
    assert got.shape == (rows,) and got.tolist() == expected
