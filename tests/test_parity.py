"""The parity suite: both backends give the same answers, run on the example, generated
datasets and hand-built edge cases. Each test takes ``loaded``, parameterised over the backends
(the embedded one, and a real Neo4j 5.26 from tests/neo4j for the ``neo4j`` parameter), and
compares what that backend answers with what the embedded backend or the library functions
give for the same dataset."""
import datetime as dt
import json
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from mentornet import find_gaps
from mentornet._reference import reference_referrals
from mentornet.audit import audit, audit_figures, audit_tables
from mentornet.backends.networkx import NetworkXBackend
from mentornet.disclosure import protect, unsuppressed
from mentornet.errors import DataError
from mentornet.generate import generate_dataset
from mentornet.io import read_dataset
from mentornet.model import Policy
from mentornet.referrals import find_referrals
from mentornet.viz import build_network_html

from helpers import load_once, random_dataset, write_dataset

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "radiology"
AS_OF = dt.date(2026, 11, 25)
POLICIES = {"default": Policy(), "two-hops-top5": Policy(max_hops=2, top_k=5)}
BACKENDS = ["networkx", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    found = {"radiology": read_dataset(EXAMPLE)}
    for seed in (5, 23):
        directory = tmp_path_factory.mktemp(f"gen{seed}") / "ds"
        generate_dataset(directory, people=300, seed=seed)
        found[f"generated-{seed}"] = read_dataset(directory)
    return found


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request):
    """``loaded(ds)``: a backend holding ``ds``: a new embedded one, or the test database with
    ``ds`` loaded into it (unless it is the one already there)."""
    if request.param == "networkx":
        yield NetworkXBackend
        return
    from mentornet.backends.neo4j import Neo4jBackend

    server = request.getfixturevalue("neo4j_clean")
    with Neo4jBackend.connect(server.uri, user=server.user, password=server.password,
                              database=server.database) as backend:
        yield load_once(backend)


def assert_same(left: pd.DataFrame, right: pd.DataFrame):
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


def assert_same_values(left: pd.DataFrame, right: pd.DataFrame):
    assert list(left.columns) == list(right.columns)
    assert left.astype(str).values.tolist() == right.astype(str).values.tolist()


# --------------------------------------------------------------------------- parity


@pytest.mark.parametrize("policy_name", POLICIES)
@pytest.mark.parametrize("name", ["radiology", "generated-5", "generated-23"])
def test_refer_parity(loaded, datasets, name, policy_name):
    ds, policy = datasets[name], POLICIES[policy_name]
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    got = backend.refer(policy=policy, as_of=AS_OF)
    assert len(got) > 0
    assert_same(got, embedded.refer(policy=policy, as_of=AS_OF))
    mentee = got["mentee_id"].iloc[len(got) // 2]
    assert_same(backend.refer(policy=policy, as_of=AS_OF, mentee=mentee),
                embedded.refer(policy=policy, as_of=AS_OF, mentee=mentee))
    for area in sorted(set(got["area"])) + [" Career "]:
        assert_same(backend.refer(policy=policy, as_of=AS_OF, area=area),
                    embedded.refer(policy=policy, as_of=AS_OF, area=area))


@pytest.mark.parametrize("policy_name", POLICIES)
@pytest.mark.parametrize("name", ["radiology", "generated-5", "generated-23"])
def test_match_parity(loaded, datasets, name, policy_name):
    ds, policy = datasets[name], POLICIES[policy_name]
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    rows, open_gaps = backend.match(policy=policy, as_of=AS_OF)
    expected_rows, expected_open = embedded.match(policy=policy, as_of=AS_OF)
    assert len(rows) > 0
    assert_same(rows, expected_rows)
    assert_same_values(open_gaps, expected_open)


@pytest.mark.parametrize("policy_name", POLICIES)
@pytest.mark.parametrize("name", ["radiology", "generated-5", "generated-23"])
def test_audit_parity(loaded, datasets, name, policy_name):
    ds, policy = datasets[name], POLICIES[policy_name]
    backend = loaded(ds)
    got = audit(backend, policy=policy, as_of=AS_OF)
    expected = audit(NetworkXBackend(ds), policy=policy, as_of=AS_OF)
    assert json.dumps(got) == json.dumps(expected)


def test_audit_parity_with_concordance_and_an_earlier_date(loaded, datasets):
    ds = datasets["generated-5"]
    policy = Policy(stale_after_days=120, min_group_size=3,
                    concordance={a: frozenset({"female", "yes"}) for a in ds.identity_attributes})
    backend = loaded(ds)
    for as_of in (AS_OF, dt.date(2024, 3, 1)):
        got = audit(backend, policy=policy, as_of=as_of)
        assert json.dumps(got) == json.dumps(audit(NetworkXBackend(ds), policy=policy, as_of=as_of))
        assert_same(backend.refer(policy=policy, as_of=as_of),
                    NetworkXBackend(ds).refer(policy=policy, as_of=as_of))


# --------------------------------------------------------------------------- hand-built edge cases

# m reaches the candidates c-\uff5a and c-\U0001d518 in one hop, equally suited and with the same
# room left; it reaches far only through x-\uff5a or x-\U0001d518. Plain (code point) string order
# puts \uff5a first; UTF-16 order, which Neo4j uses for strings, would put \U0001d518 first.
TIE_PEOPLE = [
    {"id": "m", "role": "resident", "research_interests": "ai;MSK", "career_interests": "teaching"},
    {"id": "c-\U0001d518", "role": "faculty", "research_interests": "AI", "capacity": "2"},
    {"id": "c-\uff5a", "role": "faculty", "research_interests": "ai", "capacity": "2"},
    {"id": "x-\U0001d518", "role": "resident"},
    {"id": "x-\uff5a", "role": "resident"},
    {"id": "far", "role": "alumni", "research_interests": "msk;ai", "career_interests": "Teaching"},
    {"id": "boss", "role": "faculty", "research_interests": "ai", "leadership": "chair", "department": "Rad"},
]
TIE_RELS = [
    {"source": "m", "target": "c-\U0001d518", "type": "KNOWS"},
    {"source": "m", "target": "c-\uff5a", "type": "COLLEAGUE"},
    {"source": "x-\U0001d518", "target": "m", "type": "COAUTHOR"},
    {"source": "x-\uff5a", "target": "m", "type": "MENTORS", "status": "ended"},
    {"source": "x-\U0001d518", "target": "far", "type": "KNOWS"},
    {"source": "far", "target": "x-\uff5a", "type": "MENTORS", "last_met": "2020-01-01"},
]


def test_ties_broken_by_code_point_order(loaded, tmp_path):
    ds = read_dataset(write_dataset(tmp_path / "ties", TIE_PEOPLE, TIE_RELS))
    backend = loaded(ds)
    rows = backend.refer(policy=Policy(top_k=1), as_of=AS_OF)
    rows_m = rows[rows["mentee_id"] == "m"]
    research = rows_m[rows_m["area"] == "research"].iloc[0]
    assert (research["candidate_id"], research["hops"], research["path"]) == ("c-\uff5a", 1, "m>c-\uff5a")
    career = rows_m[rows_m["area"] == "career"].iloc[0]
    assert (career["candidate_id"], career["hops"], career["score"]) == ("far", 2, 1.0)
    assert (career["path"], career["ties"]) == ("m>x-\uff5a>far", "former mentor>former mentor")
    assert career["shares"] == "teaching" and career["candidate_name"] == "far"
    assert_same(rows, NetworkXBackend(ds).refer(policy=Policy(top_k=1), as_of=AS_OF))
    assert_same(backend.refer(policy=Policy(), as_of=AS_OF), NetworkXBackend(ds).refer(policy=Policy(), as_of=AS_OF))


# over capacity: three mentors (capacity 1, two mentees each) listed neither in id order nor in
# Neo4j's UTF-16 order (U+1D518 is a surrogate pair there, below U+FF5A); leadership conflicts:
# two chairs whose order by mentor is not their order by mentee
WARNING_PEOPLE = (
    [{"id": m, "role": "faculty", "department": "Surg", "capacity": "1"} for m in ("z-\U0001D518", "b1", "z-\uFF5A")]
    + [{"id": f"t{i}", "role": "resident", "department": "Rad"} for i in range(1, 10)]
    + [{"id": lead, "role": "faculty", "department": "Rad", "leadership": "chair"} for lead in ("y-lead", "a-lead")])
WARNING_RELS = (
    [{"source": m, "target": t, "type": "MENTORS", "status": "active"}
     for m, ts in (("z-\U0001D518", ("t2", "t3")), ("b1", ("t4", "t5")), ("z-\uFF5A", ("t6", "t7"))) for t in ts]
    + [{"source": "y-lead", "target": "t1", "type": "MENTORS", "status": "active"},
       {"source": "a-lead", "target": "t9", "type": "MENTORS", "status": "active"}])


def test_warnings_come_in_one_order(loaded, tmp_path):
    """Over-capacity mentors by id, then leadership conflicts by mentee and mentor (plain string
    order), on both backends: only the first few of each kind are shown, so the order is what
    the user sees. (The embedded facts come in file order, the database's in UTF-16 order.)"""
    ds = read_dataset(write_dataset(tmp_path / "warn", WARNING_PEOPLE, WARNING_RELS))
    backend = loaded(ds)
    got = [p.message for p in backend.warnings(policy=Policy(), as_of=AS_OF)[len(backend.read_warnings()):]]
    over = [f"mentor {m!r} has 2 active mentees, over capacity 1" for m in sorted(["z-\U0001D518", "b1", "z-\uFF5A"])]
    conflicts = [f"leader {m!r} mentors {t!r}, a trainee of their own department (leadership conflict)"
                 for t, m in sorted([("t1", "y-lead"), ("t9", "a-lead")])]
    assert over[1:] == ["mentor 'z-\uff5a' has 2 active mentees, over capacity 1",
                        "mentor 'z-\U0001d518' has 2 active mentees, over capacity 1"]  # code points
    assert got == over + conflicts


def test_warnings_order_facts_of_any_kind():
    """Facts a Backend of one's own may give: ids that are not text (compared as their text),
    an index named like a key column, rows with equal keys (kept as given), no rows."""
    from mentornet.analysis import rule_warnings

    over = pd.DataFrame({"mentor_id": ["z", 10, "b", 9], "load": [2, 3, 4, 5], "capacity": 1},
                        index=pd.Index(list("wxyz"), name="mentor_id"))
    conflicts = pd.DataFrame({"mentor_id": ["m2", "m1", 3, "m2"], "mentee_id": ["t1", "t1", "t0", "t1"],
                              "department": ["a", "b", "c", "d"]}).set_index("mentee_id", drop=False)
    got = [p.message for p in rule_warnings("here", over, conflicts)]
    assert [m.split(" has ")[0] for m in got[:4]] == ["mentor 10", "mentor 9", "mentor 'b'", "mentor 'z'"]
    assert [m.split(",")[0] for m in got[4:]] == ["leader 3 mentors 't0'", "leader 'm1' mentors 't1'",
                                                  "leader 'm2' mentors 't1'", "leader 'm2' mentors 't1'"]
    assert rule_warnings("here", over.iloc[:0], conflicts.iloc[:0]) == []


def test_unknown_mentee_or_area_is_the_embedded_error(loaded, datasets):
    ds = datasets["radiology"]
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    with pytest.raises(DataError) as info:
        backend.refer(policy=Policy(), as_of=AS_OF, mentee="nobody")
    assert "no person with id 'nobody'" in str(info.value) and "--mentee" in str(info.value)
    with pytest.raises(DataError) as got:
        backend.refer(policy=Policy(), as_of=AS_OF, area="identity:height")
    with pytest.raises(DataError) as expected:
        embedded.refer(policy=Policy(), as_of=AS_OF, area="identity:height")
    assert str(got.value) == str(expected.value)


def test_a_mentee_without_gaps_has_no_referrals(loaded, datasets):
    ds = datasets["radiology"]
    backend = loaded(ds)
    gaps = set(backend.gaps(policy=Policy(), as_of=AS_OF)["mentee_id"])
    covered = sorted(set(ds.people["id"]) - gaps)[0]
    rows = backend.refer(policy=Policy(), as_of=AS_OF, mentee=covered)
    assert rows.empty
    assert_same(rows, NetworkXBackend(ds).refer(policy=Policy(), as_of=AS_OF, mentee=covered))


def test_nobody_in_reach(loaded, tmp_path):
    people = [{"id": "m", "role": "resident", "research_interests": "ai"},
              {"id": "full", "role": "faculty", "research_interests": "ai", "capacity": "0"},
              {"id": "closed", "role": "faculty", "research_interests": "ai", "accepting": "no"}]
    rels = [{"source": "m", "target": "full", "type": "KNOWS"}, {"source": "m", "target": "closed", "type": "KNOWS"}]
    ds = read_dataset(write_dataset(tmp_path / "alone", people, rels))
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    assert_same(backend.refer(policy=Policy(), as_of=AS_OF), embedded.refer(policy=Policy(), as_of=AS_OF))
    (rows, open_gaps), (expected_rows, expected_open) = (backend.match(policy=Policy(), as_of=AS_OF),
                                                          embedded.match(policy=Policy(), as_of=AS_OF))
    assert rows.empty
    assert_same(rows, expected_rows)
    assert_same_values(open_gaps, expected_open)
    assert json.dumps(audit(backend, policy=Policy(), as_of=AS_OF)) == \
        json.dumps(audit(embedded, policy=Policy(), as_of=AS_OF))


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_long_sparse_paths_parity(loaded, seed):
    """Sparse networks and up to five hops: many layers between mentee and candidate, several
    shortest paths to choose from, and hops the candidate search reaches only at its last layer."""
    ds = random_dataset(random.Random(seed), 40, 48)
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    for policy in (Policy(max_hops=5, top_k=6), Policy(max_hops=4, top_k=2, match_pool=4)):
        got = backend.refer(policy=policy, as_of=AS_OF)
        assert_same(got, embedded.refer(policy=policy, as_of=AS_OF))
        (rows, open_gaps), (expected_rows, expected_open) = (backend.match(policy=policy, as_of=AS_OF),
                                                              embedded.match(policy=policy, as_of=AS_OF))
        assert_same(rows, expected_rows)
        assert_same_values(open_gaps, expected_open)


# --------------------------------------------------------------------------- against the library functions


@pytest.mark.parametrize("name", ["radiology", "generated-5", "generated-23"])
def test_gaps_refer_and_audit_equal_the_library_functions(loaded, datasets, name):
    """What a backend answers equals the plain functions on the dataset (the straightforward
    one-search-per-mentee referrals included), so the suite never only compares a backend with itself."""
    ds, policy = datasets[name], Policy()
    backend = loaded(ds)
    assert_same_values(backend.gaps(policy=policy, as_of=AS_OF), find_gaps(ds, policy=policy, as_of=AS_OF))
    got = backend.refer(policy=policy, as_of=AS_OF)
    assert_same(got, find_referrals(ds, policy=policy, as_of=AS_OF))
    cols = ["mentee_id", "area", "rank", "candidate_id", "hops", "score", "path"]
    assert_same_values(got[cols].astype(str), reference_referrals(ds, policy=policy, as_of=AS_OF)[cols].astype(str))
    unprotected = audit_figures(audit_tables(ds, policy=policy, as_of=AS_OF), policy=unsuppressed(policy), as_of=AS_OF)
    expected = protect(unprotected, policy=policy)[0]
    assert json.dumps(audit(backend, policy=policy, as_of=AS_OF)) == json.dumps(expected)
    rule_warnings = backend.warnings(policy=policy, as_of=AS_OF)[len(backend.read_warnings()):]
    embedded = NetworkXBackend(ds)
    expected_warnings = embedded.warnings(policy=policy, as_of=AS_OF)[len(embedded.read_warnings()):]
    assert [w.message for w in rule_warnings] == [w.message for w in expected_warnings]


def page_network(html: str) -> dict:
    """The network a viz page draws, by person id: the people (without their positions, which
    depend on the order people are listed in), the connections and the referral paths."""
    data = json.loads(re.search(r'<script type="application/json" id="mentornet-data">(.*?)</script>',
                                html, re.S).group(1))
    ids = [n["id"] for n in data["nodes"]]
    nodes = {n["id"]: {k: v for k, v in n.items() if k not in ("x", "y", "suggested")} for n in data["nodes"]}
    for n in data["nodes"]:
        refs = [data["referrals"][r] for r in n["suggested"]]
        nodes[n["id"]]["suggested"] = sorted((ids[r["mentee"]], r["area"], r["rank"]) for r in refs)
    edges = sorted(json.dumps([ids[a], ids[b], kind, sorted([f[0], ids[f[1]], ids[f[2]], f[3], f[4]] for f in facts)])
                   for a, b, kind, facts in data["edges"])
    referrals = sorted(json.dumps({**r, "mentee": ids[r["mentee"]], "path": [ids[i] for i in r["path"]]})
                       for r in data["referrals"])
    rest = {k: v for k, v in data.items() if k not in ("nodes", "edges", "referrals")}
    return {"nodes": nodes, "edges": edges, "referrals": referrals, "rest": rest}


@pytest.mark.parametrize("view", [{}, {"department": "radiology"}, {"mentee": "res-petrov"},
                                  {"show_identity": True, "referrals": False},
                                  {"without": ("fac-kim", "res-nwosu")},
                                  {"department": "RADIOLOGY", "without": ("fac-kim",)},
                                  {"mentee": "res-petrov", "without": ("fac-kim",)}])
def test_viz_draws_the_same_network(loaded, datasets, view):
    ds = datasets["radiology"]
    backend = loaded(ds)
    got = page_network(build_network_html(backend, policy=Policy(), as_of=AS_OF, **view))
    expected = page_network(build_network_html(ds, policy=Policy(), as_of=AS_OF, **view))
    assert got == expected
    assert len(got["nodes"]) > 5 and len(got["edges"]) > 5


@pytest.mark.parametrize("name", ["radiology", "generated-5"])
def test_the_rows_of_part_of_the_network_are_those_of_the_whole(loaded, datasets, name):
    """What a department or mentee view asks for (Backend.people, relationship_rows, gaps and
    mentor_load of some people): on each backend, the whole answer cut down to those people, in
    the whole answer's order, and the department found by its folded name."""
    ds = datasets[name]
    backend = loaded(ds)
    snap = backend.snapshot(policy=Policy(), as_of=AS_OF)
    people, rows = backend.people(), backend.relationship_rows()
    gaps, load = backend.gaps(snap), backend.mentor_load(snap)
    department = people["department"].value_counts().index[0]
    members = people[people["department"].str.strip().str.lower().eq(department.strip().lower())]
    some = set(members["id"][::2]) | set(rows["target"][:7])
    assert 5 < len(some) < len(people) and len(members) < len(people)

    assert_same(backend.people(department=department.strip().lower()), members)
    assert_same(backend.people(some), people[people["id"].isin(some)])
    naming = rows["source"].isin(some) | rows["target"].isin(some)
    among = rows["source"].isin(some) & rows["target"].isin(some)
    assert 0 < among.sum() < naming.sum() < len(rows)
    assert_same(backend.relationship_rows(some), rows[naming])
    assert_same(backend.relationship_rows(some, among=True), rows[among])
    with_gaps = backend.gaps(snap, mentees=some)
    assert 0 < len(with_gaps) < len(gaps)
    assert_same(with_gaps, gaps[gaps["mentee_id"].isin(some)])
    assert_same(backend.mentor_load(snap, some), load[load["id"].isin(some)])
    assert backend.people([]).empty and backend.relationship_rows([]).empty and backend.gaps(snap, mentees=[]).empty


def test_policy_only_identity_needs_are_left_out_the_same_way(loaded, datasets):
    """Issue 14: each backend says who asked for concordance, so both leave out the same rows."""
    from mentornet.policy_needs import hide_policy_only

    ds = datasets["radiology"]
    policy = Policy().with_(concordance={"gender": frozenset({"female", "nonbinary"}), "urm": frozenset({"yes"})})
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    ids = sorted(ds.people["id"])
    assert backend.asked_concordance(ids) == embedded.asked_concordance(ids)
    (got,), left_out = hide_policy_only(backend, [backend.gaps(policy=policy, as_of=AS_OF)], policy=policy)
    (expected,), expected_left_out = hide_policy_only(embedded, [embedded.gaps(policy=policy, as_of=AS_OF)],
                                                      policy=policy)
    assert left_out == expected_left_out > 0
    assert_same_values(got, expected)


# --------------------------------------------------------------------------- planning (whatif, recruit, fragility)


@pytest.mark.parametrize("name", ["radiology", "generated-5", "generated-23"])
def test_whatif_recruit_and_fragility_parity(loaded, datasets, name):
    from mentornet import planning

    ds = datasets[name]
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    snap, esnap = backend.snapshot(policy=Policy(), as_of=AS_OF), embedded.snapshot(policy=Policy(), as_of=AS_OF)
    assert_same_values(backend.covering_mentors(snap), embedded.covering_mentors(esnap))
    fragile = planning.fragility(backend, snap)
    assert fragile and fragile == planning.fragility(embedded, esnap)
    critical = planning.top_critical(backend, snap, 3)
    mentee = sorted(set(backend.gaps(snap)["mentee_id"]))[0]
    for gone in (critical, critical[:1] + [mentee]):
        rows = planning.whatif(backend, snap, gone)
        assert len(rows) > 0
        assert_same_values(rows, planning.whatif(embedded, esnap, gone))
        reduced, ereduced = backend.without(snap, gone), embedded.without(esnap, gone)
        assert_same_values(backend.find_gaps(reduced), embedded.find_gaps(ereduced))
        cols = ["id", "load", "capacity", "remaining"]
        got = backend.mentor_load(reduced).reset_index(drop=True)[cols].sort_values("id", ignore_index=True)
        expected = embedded.mentor_load(ereduced).reset_index(drop=True)[cols]
        expected = expected[expected["id"].isin(set(got["id"]))].sort_values("id", ignore_index=True)
        assert not set(got["id"]) & set(gone)
        assert_same_values(got, expected)
    assert_same_values(planning.recruit(backend, snap), planning.recruit(embedded, esnap))
    # the database still holds everyone: the departure was a parameter, not a deletion
    assert len(backend.people()) == len(ds.people)


def test_whatif_hand_case_parity(loaded, tmp_path):
    from mentornet import planning
    from test_planning import PEOPLE, RELS

    ds = read_dataset(write_dataset(tmp_path / "whatif", PEOPLE, RELS))
    backend = loaded(ds)
    snap = backend.snapshot(policy=Policy(), as_of=AS_OF)
    rows = planning.whatif(backend, snap, ["a", "m3"])
    assert rows.values.tolist() == [["m2", "research", "a", "d", 1, "m2>d"]]
    assert planning.whatif(backend, snap, ["a"]).values.tolist() == [["m2", "research", "a", "", "", ""]]
    assert planning.top_critical(backend, snap, 2) == ["a", "c"]


# --------------------------------------------------------------------------- open-gap reasons

# Each mentee's open gap has one true reason (DESIGN.md section 3, "Open-gap reasons"); every
# mentee is a resident of Rad with research interest ai, and no one lists career interests.
REASON_PEOPLE = [
    # full: suited mentors one hop away, one at capacity (mentoring busy-mentee), one not accepting
    {"id": "m-full", "role": "resident", "department": "Rad", "research_interests": "ai"},
    {"id": "full", "role": "faculty", "research_interests": "ai", "capacity": "1"},
    {"id": "closed", "role": "faculty", "research_interests": "AI", "accepting": "no"},
    {"id": "busy-mentee", "role": "student", "research_interests": "bio", "career_interests": "x"},
    # no suited mentor: a suited student (not mentor-eligible) and an unsuited faculty in one
    # hop, a suited faculty four hops away (beyond max_hops 3)
    {"id": "m-far", "role": "resident", "department": "Rad", "research_interests": "ai"},
    {"id": "peer", "role": "student", "research_interests": "ai"},
    {"id": "bio", "role": "faculty", "research_interests": "bio"},
    {"id": "hop2", "role": "external"}, {"id": "hop3", "role": "external"},
    {"id": "distant", "role": "faculty", "research_interests": "ai"},
    # only leaders of the mentee's department (departments compared without case): the program
    # director of Peds, with room and accepting
    {"id": "m-lead", "role": "resident", "department": "PEDS", "research_interests": "ai"},
    {"id": "director", "role": "faculty", "department": "Peds", "research_interests": "ai",
     "leadership": "program director"},
    {"id": "chair", "role": "faculty", "department": "Rad", "research_interests": "ai", "leadership": "chair"},
    # both a same-department leader (the chair of Rad) and a full non-leader: the first true
    # reason is "full"
    {"id": "m-both", "role": "fellow", "department": "Rad", "research_interests": "ai"},
    # taken (match only): one candidate with room 1, two mentees one hop away
    {"id": "m-take1", "role": "resident", "research_interests": "ml"},
    {"id": "m-take2", "role": "resident", "research_interests": "ml"},
    {"id": "one-seat", "role": "alumni", "research_interests": "ml", "capacity": "1"},
]
REASON_RELS = [
    {"source": "full", "target": "busy-mentee", "type": "MENTORS", "focus": "career"},
    {"source": "m-full", "target": "full", "type": "KNOWS"},
    {"source": "closed", "target": "m-full", "type": "COLLEAGUE"},
    {"source": "m-far", "target": "peer", "type": "KNOWS"},
    {"source": "m-far", "target": "bio", "type": "COLLEAGUE"},
    {"source": "bio", "target": "hop2", "type": "KNOWS"},
    {"source": "hop2", "target": "hop3", "type": "KNOWS"},
    {"source": "hop3", "target": "distant", "type": "KNOWS"},
    {"source": "m-lead", "target": "director", "type": "COLLEAGUE"},
    {"source": "m-both", "target": "chair", "type": "COLLEAGUE"},
    {"source": "m-both", "target": "full", "type": "KNOWS"},
    {"source": "m-take1", "target": "one-seat", "type": "KNOWS"},
    {"source": "m-take2", "target": "one-seat", "type": "KNOWS"},
]
NO_SUITED, FULL, LEADERS, TAKEN = ("no suited mentor in reach", "suited mentors are full or not accepting",
                                   "only leaders of the mentee's department", "candidates taken by other gaps")


@pytest.fixture
def reasons_ds(tmp_path):
    return read_dataset(write_dataset(tmp_path / "reasons", REASON_PEOPLE, REASON_RELS))


def test_open_gap_reasons_are_the_true_ones_on_both_backends(loaded, reasons_ds):
    backend, embedded = loaded(reasons_ds), NetworkXBackend(reasons_ds)
    rules = {"policy": Policy(), "as_of": AS_OF}
    # (peer and busy-mentee are mentees too; no one in their reach shares their interests)
    research = {"m-full": FULL, "m-far": NO_SUITED, "m-lead": LEADERS, "m-both": FULL,
                "peer": NO_SUITED, "busy-mentee": NO_SUITED}
    rows = backend.refer(**rules)
    open_refer = backend.refer_open(referrals=rows, **rules)
    got = {(m, a): r for m, a, r in open_refer.itertuples(index=False)}
    assert {m: r for (m, a), r in got.items() if a == "research"} == research
    # nobody lists career interests: every career gap has no one suited
    assert {r for (m, a), r in got.items() if a == "career"} == {NO_SUITED}
    assert_same(open_refer, embedded.refer_open(referrals=embedded.refer(**rules), **rules))
    # match: the same reasons, and one of m-take1 / m-take2 loses one-seat to the other
    chosen, open_gaps = backend.match(**rules)
    expected_rows, expected_open = embedded.match(**rules)
    assert_same(chosen, expected_rows)
    assert_same_values(open_gaps, expected_open)
    opened = {(m, a): r for m, a, r in open_gaps.itertuples(index=False)}
    assert {m: r for (m, a), r in opened.items() if a == "research"} == {**research, "m-take2": TAKEN}
    assert chosen[["mentee_id", "candidate_id"]].values.tolist() == [["m-take1", "one-seat"]]
    # audit: the gaps without a candidate counted by reason
    figures = audit(backend, **rules)
    assert json.dumps(figures) == json.dumps(audit(embedded, **rules))
    nc = figures["no_candidate"]
    assert nc["by_area"]["research"]["by_reason"] == {NO_SUITED: 3, FULL: 2, LEADERS: 1}
    assert nc["by_reason"][NO_SUITED] == nc["by_area"]["career"]["without_candidate"] + 3
    assert nc["without_candidate"] == sum(nc["by_reason"].values())


def test_reach_counts_hops_and_existing_mentors_are_not_suited_newcomers(loaded, reasons_ds):
    backend = loaded(reasons_ds)
    # with max_hops 4, distant (suited, room) is in reach: m-far's research gap gets a referral
    rows = backend.refer(policy=Policy(max_hops=4), as_of=AS_OF, mentee="m-far", area="research")
    assert rows["candidate_id"].tolist() == ["distant"]
    # with max_hops 1 the full mentor of m-both is still one hop away: still "full"
    one = backend.refer_open(referrals=backend.refer(policy=Policy(max_hops=1), as_of=AS_OF, mentee="m-both"),
                             policy=Policy(max_hops=1), as_of=AS_OF, mentee="m-both")
    assert one.values.tolist()[-1] == ["m-both", "research", FULL]


# --------------------------------------------------------------------------- not started

# kim mentors m since 2025-01-01 (research); ray's mentorship of m begins 2027-01-01 (after
# AS_OF: not started); lee's ended mentorship of m began 2024 and was last met 2023 (before
# since: a warning); old mentored m until 2025 and lapsed. ray is one hop from m and suited.
START_PEOPLE = [
    {"id": "m", "role": "resident", "research_interests": "ai", "career_interests": "teaching"},
    {"id": "kim", "role": "faculty", "research_interests": "ai"},
    {"id": "ray", "role": "faculty", "research_interests": "ai", "career_interests": "teaching"},
    {"id": "lee", "role": "faculty"},
    {"id": "old", "role": "faculty"},
]
START_RELS = [
    {"source": "kim", "target": "m", "type": "MENTORS", "focus": "research", "since": "2025-01-01"},
    {"source": "ray", "target": "m", "type": "MENTORS", "focus": "career", "since": "2027-01-01"},
    {"source": "lee", "target": "m", "type": "MENTORS", "status": "ended", "since": "2024-03-01",
     "last_met": "2023-05-01"},
    {"source": "old", "target": "m", "type": "MENTORS", "since": "2020-01-01", "last_met": "2024-06-01"},
]


def test_a_mentorship_that_has_not_started_is_neither_active_nor_stale(loaded, tmp_path):
    ds = read_dataset(write_dataset(tmp_path / "start", START_PEOPLE, START_RELS))
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    assert [(p.row, p.column, p.message) for p in ds.warnings] == [
        (4, "last_met", "last_met 2023-05-01 is before since 2024-03-01; one of the dates is wrong")]
    rules = {"policy": Policy(), "as_of": AS_OF}
    # ray's career mentorship has not started: m's career need is a gap, ray (one hop, an
    # acquaintance, room left) its candidate, and not counted as anyone's load
    gaps = backend.gaps(**rules)
    assert gaps[["mentee_id", "area", "active_mentors"]].values.tolist() == [["m", "career", 1]]
    rows = backend.refer(**rules)
    assert rows[["area", "candidate_id", "hops", "path", "ties"]].values.tolist() == [
        ["career", "ray", 1, "m>ray", "knows"]]
    assert_same(rows, embedded.refer(**rules))
    figures = audit(backend, **rules)
    assert json.dumps(figures) == json.dumps(audit(embedded, **rules))
    # the stale list: old lapsed, lee ended; ray (not started) in neither
    assert [(s["mentor_id"], s["status"]) for s in figures["stale"]] == [("lee", "ended"), ("old", "lapsed")]
    assert {m["id"]: m["load"] for m in figures["mentors"]} == {"kim": 1, "lee": 0, "old": 0, "ray": 0}
    # as of 2027-06-01 ray's mentorship has begun: the career need is covered
    later = {"policy": Policy(), "as_of": dt.date(2027, 6, 1)}
    assert backend.gaps(**later).empty and embedded.gaps(**later).empty
    # as of 2024-01-01 only old's mentorship had begun (active then); kim's and lee's not yet
    early = {"policy": Policy(), "as_of": dt.date(2024, 1, 1)}
    assert audit(backend, **early)["stale"] == [] == audit(embedded, **early)["stale"]
    assert set(backend.gaps(**early)["area"]) == {"research", "career"}
    assert_same_values(backend.gaps(**early), embedded.gaps(**early))
