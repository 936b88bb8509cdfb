"""Committee assignment (DESIGN.md section 3, "Match").

Hand-checked cases for :func:`mentornet.matching.solve_match` and for the backend's ``match``
on tiny datasets, then hypothesis properties against brute force: on random pools, and on
random datasets through the backend. Brute force enumerates every feasible assignment and
keeps the best (most gaps filled, then fewest total hops).
"""
from __future__ import annotations


import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from helpers import AS_OF, dataset, random_dataset

from mentornet.backends.networkx import NetworkXBackend
from mentornet.matching import MATCH_COLUMNS, MATCH_DETAILS, NO_SUITED, TAKEN, solve_match
from mentornet.model import Policy
from mentornet.referrals import match_pools

POOL_COLUMNS = ["mentee_id", "area", "candidate_id", "hops"]


def pools(*rows):
    """Pool rows from (mentee, area, candidate, hops) tuples."""
    return pd.DataFrame(list(rows), columns=POOL_COLUMNS)


def chosen(frame):
    return sorted((m, a, c, int(h)) for m, a, c, h in frame[POOL_COLUMNS].itertuples(index=False))


# --------------------------------------------------------------------------- brute force


def brute_force(pool: pd.DataFrame, remaining) -> tuple[int, int]:
    """(gaps filled, total hops) of the best feasible assignment, by exhaustive search."""
    options = {}
    for m, a, c, h in pool[POOL_COLUMNS].itertuples(index=False):
        options.setdefault((m, a), []).append((c, int(h)))
    gaps = list(options)
    best = [(0, 0)]
    used, pairs = {}, set()

    def search(i, filled, hops):
        if i == len(gaps):
            if (filled, -hops) > (best[0][0], -best[0][1]):
                best[0] = (filled, hops)
            return
        m = gaps[i][0]
        for c, h in options[gaps[i]]:
            if used.get(c, 0) < remaining[c] and (m, c) not in pairs:
                used[c] = used.get(c, 0) + 1
                pairs.add((m, c))
                search(i + 1, filled + 1, hops + h)
                used[c] -= 1
                pairs.discard((m, c))
        search(i + 1, filled, hops)

    search(0, 0, 0)
    return best[0]


def assert_feasible(choice: pd.DataFrame, pool: pd.DataFrame, remaining) -> None:
    """At most one per gap, from the gap's pool, never the same candidate twice for a mentee, capacity kept."""
    assert not choice.duplicated(["mentee_id", "area"]).any()
    assert not choice.duplicated(["mentee_id", "candidate_id"]).any()
    offered = set(pool[POOL_COLUMNS].astype(str).itertuples(index=False, name=None))
    assert set(choice[POOL_COLUMNS].astype(str).itertuples(index=False, name=None)) <= offered
    for c, count in choice["candidate_id"].value_counts().items():
        assert count <= remaining[c]


def score(choice: pd.DataFrame) -> tuple[int, int]:
    return len(choice), int(choice["hops"].sum()) if len(choice) else 0


# --------------------------------------------------------------------------- solve_match by hand


def test_no_pools_no_assignment():
    assert solve_match(pools(), pd.Series(dtype=int)).empty


def test_capacity_is_respected():
    # c has room for one: only one of m1, m2 gets c.
    choice = solve_match(pools(("m1", "research", "c", 1), ("m2", "research", "c", 2)), pd.Series({"c": 1}))
    assert len(choice) == 1
    # room for two: both get c.
    choice = solve_match(pools(("m1", "research", "c", 1), ("m2", "research", "c", 2)), pd.Series({"c": 2}))
    assert chosen(choice) == [("m1", "research", "c", 1), ("m2", "research", "c", 2)]


def test_a_candidate_is_never_chosen_twice_for_one_mentee():
    # c has room for 3, but is the only candidate for two gaps of the same mentee: one filled.
    choice = solve_match(pools(("m", "career", "c", 1), ("m", "research", "c", 1)), pd.Series({"c": 3}))
    assert len(choice) == 1
    # with a second candidate d (2 hops) for research, both gaps fill: career c, research d
    # (the alternative research c + career nothing fills fewer).
    choice = solve_match(pools(("m", "career", "c", 1), ("m", "research", "c", 1), ("m", "research", "d", 2)),
                         pd.Series({"c": 3, "d": 3}))
    assert chosen(choice) == [("m", "career", "c", 1), ("m", "research", "d", 2)]


def test_more_gaps_filled_beats_fewer_hops():
    # m1 can have c1 (1 hop) or c2 (3 hops); m2 only c1 (2 hops); c1 has room for one.
    # Greedy by hops gives m1-c1 and leaves m2 open (1 filled, 1 hop); the optimum fills both:
    # m1-c2 + m2-c1 = 2 filled, 5 hops.
    choice = solve_match(pools(("m1", "research", "c1", 1), ("m1", "research", "c2", 3), ("m2", "research", "c1", 2)),
                         pd.Series({"c1": 1, "c2": 1}))
    assert chosen(choice) == [("m1", "research", "c2", 3), ("m2", "research", "c1", 2)]


def test_then_fewest_total_hops():
    # both fill 2 gaps either way: m1-c1 + m2-c2 = 1 + 3 = 4 hops; m1-c2 + m2-c1 = 2 + 1 = 3 hops.
    choice = solve_match(pools(("m1", "research", "c1", 1), ("m1", "research", "c2", 2),
                               ("m2", "research", "c1", 1), ("m2", "research", "c2", 3)),
                         pd.Series({"c1": 1, "c2": 1}))
    assert chosen(choice) == [("m1", "research", "c2", 2), ("m2", "research", "c1", 1)]
    # with room everywhere each gap takes its nearest candidate: c1 twice, 2 hops.
    choice = solve_match(pools(("m1", "research", "c1", 1), ("m1", "research", "c2", 2),
                               ("m2", "research", "c1", 1), ("m2", "research", "c2", 3)),
                         pd.Series({"c1": 2, "c2": 2}))
    assert chosen(choice) == [("m1", "research", "c1", 1), ("m2", "research", "c1", 1)]


# --------------------------------------------------------------------------- backend match by hand


def person(pid, role="faculty", **fields):
    return {"id": pid, "role": role, **fields}


def trainee(pid, **fields):
    return {"id": pid, "role": "resident", "research_interests": "ai", **fields}


def tie(a, b, rtype="COLLEAGUE", **fields):
    return {"source": a, "target": b, "type": rtype, **fields}


def run_match(tmp_path, people, rels, **policy):
    backend = NetworkXBackend(dataset(tmp_path, people, rels))
    rows, open_gaps = backend.match(policy=Policy(**policy), as_of=AS_OF)
    return rows, open_gaps


def test_match_fills_most_gaps_then_fewest_hops_on_a_dataset(tmp_path):
    # m1 - c1 (1 hop) and m1 - x - c2 (2 hops); m2 - c1 (1 hop) only. c1 takes one mentee.
    # Filling both research gaps needs m1-c2 (2) + m2-c1 (1) = 3 hops, not m1-c1 (1 hop, 1 filled).
    # x is faculty with no interests: no candidate for anything. No one lists career
    # interests, so the career gaps have no candidate in reach.
    people = [trainee("m1"), trainee("m2"), person("c1", capacity="1", research_interests="ai"),
              person("c2", research_interests="ai"), person("x")]
    rels = [tie("m1", "c1"), tie("m2", "c1"), tie("m1", "x"), tie("x", "c2")]
    rows, open_gaps = run_match(tmp_path, people, rels)
    assert list(rows.columns) == MATCH_COLUMNS + MATCH_DETAILS
    assert rows[MATCH_COLUMNS].values.tolist() == [["m1", "research", "c2", 2, "m1>x>c2"], ["m2", "research", "c1", 1, "m2>c1"]]
    assert open_gaps.values.tolist() == [["m1", "career", NO_SUITED], ["m2", "career", NO_SUITED]]


def test_match_leaves_gaps_open_with_the_reason(tmp_path):
    # c (room 1) suits both m1 and m2; lonely has no one in reach.
    # One of m1/m2 gets c, the other is open "candidates taken by other gaps"; fewest hops decides:
    # m1 - c is 1 hop, m2 - y - c is 2 hops -> m1 gets c.
    people = [trainee("m1"), trainee("m2"), trainee("lonely"), person("y", "external"),
              person("c", capacity="1", research_interests="ai")]
    rels = [tie("m1", "c"), tie("m2", "y"), tie("y", "c")]
    rows, open_gaps = run_match(tmp_path, people, rels)
    assert rows[["mentee_id", "area", "candidate_id", "hops"]].values.tolist() == [["m1", "research", "c", 1]]
    # open gaps in gap order (mentee_id, area)
    assert open_gaps.values.tolist() == [
        ["lonely", "career", NO_SUITED], ["lonely", "research", NO_SUITED],
        ["m1", "career", NO_SUITED], ["m2", "career", NO_SUITED], ["m2", "research", TAKEN]]


def test_match_never_gives_one_mentee_the_same_new_mentor_twice(tmp_path):
    # c lists ai and teaching, has room for 3: it suits m's research and career gaps,
    # but may fill only one of them. d (2 hops, via x) suits research only.
    # Best: both filled -> career c (1 hop), research d (2 hops).
    people = [trainee("m"), person("c", research_interests="ai", career_interests="teaching"),
              person("d", research_interests="ai"), person("x")]
    rels = [tie("m", "c"), tie("m", "x"), tie("x", "d")]
    rows, _ = run_match(tmp_path, people, rels)
    mine = rows[rows["mentee_id"] == "m"]
    assert mine[["area", "candidate_id", "hops", "path"]].values.tolist() == [
        ["career", "c", 1, "m>c"], ["research", "d", 2, "m>x>d"]]


def test_open_reason_does_not_claim_capacity_when_the_only_candidate_has_room(tmp_path):
    # m (resident, research ai, no career interests) - c (faculty, ai, career teaching, capacity 3).
    # c suits both of m's gaps but may be chosen only once for m: one gap is filled, the other
    # left open. c has room for 2 more mentees, so "full" would be untrue: the gap is open
    # because its only candidate is already m's new mentor for another gap.
    people = [trainee("m"), person("c", capacity="3", research_interests="ai", career_interests="teaching")]
    rows, open_gaps = run_match(tmp_path, people, [tie("m", "c")])
    assert len(rows) == 1 and len(open_gaps) == 1
    assert open_gaps["reason"].iloc[0] == TAKEN


def test_match_pool_limits_the_candidates_considered(tmp_path):
    # m1 and m2 both rank c1 first (1 hop, score 1) and c2 second (1 hop, score 1/2); c1 has room 1.
    # match_pool = 1: only c1 is considered -> one of them is left open, its candidate taken.
    # match_pool = 2: c2 is considered too -> both filled, 1 hop each (c2 has room for both,
    # so c1 + c2 and c2 + c2 are equally good).
    people = [trainee("m1"), trainee("m2"), person("c1", capacity="1", research_interests="ai"),
              person("c2", research_interests="ai;qi")]
    rels = [tie("m1", "c1"), tie("m2", "c1"), tie("m1", "c2"), tie("m2", "c2")]
    rows, open_gaps = run_match(tmp_path, people, rels, match_pool=1)
    assert len(rows) == 1 and rows["candidate_id"].tolist() == ["c1"]
    assert open_gaps[open_gaps["area"] == "research"]["reason"].tolist() == [TAKEN]
    rows, open_gaps = run_match(tmp_path / "two", people, rels, match_pool=2)
    assert rows[["mentee_id", "area", "hops"]].values.tolist() == [["m1", "research", 1], ["m2", "research", 1]]
    assert set(rows["candidate_id"]) <= {"c1", "c2"} and "research" not in set(open_gaps["area"])


def test_match_output_is_sorted_by_mentee_and_area(tmp_path):
    # people listed in reverse order; output sorted by mentee_id then area (plain string order).
    people = [trainee("b", career_interests="teaching"), trainee("B", career_interests="teaching"),
              trainee("a", career_interests="teaching"),
              person("c", research_interests="ai", career_interests="teaching"),
              person("d", research_interests="ai", career_interests="teaching")]
    rels = [tie(t, c) for t in ("a", "b", "B") for c in ("c", "d")]
    rows, open_gaps = run_match(tmp_path, people, rels)
    assert rows[["mentee_id", "area"]].values.tolist() == [
        ["B", "career"], ["B", "research"], ["a", "career"], ["a", "research"], ["b", "career"], ["b", "research"]]
    assert open_gaps.empty


# --------------------------------------------------------------------------- properties against brute force


CANDIDATES = ["c1", "c2", "c3", "c4"]
GAPS = [(m, a) for m in ("m1", "m2", "m3") for a in ("research", "career", "identity:gender")]


@st.composite
def instances(draw):
    """Up to 7 gaps, each with 1-4 distinct candidates at 1-4 hops; capacities 1-3."""
    gaps = draw(st.lists(st.sampled_from(GAPS), min_size=0, max_size=7, unique=True))
    rows = []
    for m, a in gaps:
        for c in draw(st.lists(st.sampled_from(CANDIDATES), min_size=1, max_size=4, unique=True)):
            rows.append((m, a, c, draw(st.integers(1, 4))))
    remaining = pd.Series({c: draw(st.integers(1, 3)) for c in CANDIDATES})
    return pools(*rows), remaining


@settings(max_examples=80, deadline=None)
@given(instances())
def test_solve_match_equals_brute_force(instance):
    pool, remaining = instance
    choice = solve_match(pool, remaining)
    assert_feasible(choice, pool, remaining)
    assert score(choice) == brute_force(pool, remaining)


POLICIES = [Policy(), Policy(match_pool=1), Policy(match_pool=2, max_hops=2), Policy(default_capacity=1),
            Policy(max_hops=4, match_pool=3, default_capacity=2)]


@settings(max_examples=20, deadline=None)
@given(rng=st.randoms(use_true_random=False), n_people=st.integers(2, 9), n_rels=st.integers(0, 14),
       policy=st.sampled_from(POLICIES))
def test_backend_match_equals_brute_force_on_random_datasets(rng, n_people, n_rels, policy):
    ds = random_dataset(rng, n_people, n_rels)
    rows, open_gaps = NetworkXBackend(ds).match(policy=policy, as_of=AS_OF)
    gaps, pool, net = match_pools(ds, policy=policy, as_of=AS_OF)
    remaining = pd.Series(net.remaining, index=net.ids)
    assert list(rows.columns) == MATCH_COLUMNS + MATCH_DETAILS
    assert_feasible(rows, pool, remaining)
    assert score(rows) == brute_force(pool, remaining)
    # every gap is either filled or open, with the reason
    filled = set(zip(rows["mentee_id"], rows["area"]))
    opened = set(zip(open_gaps["mentee_id"], open_gaps["area"]))
    assert filled | opened == set(zip(gaps["mentee_id"], gaps["area"])) and not filled & opened
    with_pool = set(zip(pool["mentee_id"], pool["area"]))
    for m, a, reason in open_gaps.itertuples(index=False):
        assert (reason != TAKEN) == ((m, a) not in with_pool)
    # paths lead from the mentee to the candidate in the stated number of hops
    for m, c, h, path in zip(rows["mentee_id"], rows["candidate_id"], rows["hops"], rows["path"]):
        nodes = path.split(">")
        assert (nodes[0], nodes[-1], len(nodes) - 1) == (m, c, h)


def brute_reach(ds, policy, mentee, area):
    """(suited, unconflicted) of DESIGN.md's open-gap reasons, by one BFS and plain Python."""
    import networkx as nx

    from mentornet.analysis import active_mentorships
    from mentornet.model import IDENTITY_PREFIX, MENTOR_ROLES, TRAINEE_ROLES

    graph = nx.Graph()
    graph.add_nodes_from(ds.people["id"])
    graph.add_edges_from(zip(ds.relationships["source"], ds.relationships["target"]))
    people = ds.people.set_index("id")
    mentors = set(active_mentorships(ds, policy=policy, as_of=AS_OF).query("mentee_id == @mentee")["mentor_id"])
    me = people.loc[mentee]
    suited = free = False
    for c, hops in nx.single_source_shortest_path_length(graph, mentee, cutoff=policy.max_hops).items():
        p = people.loc[c]
        if c == mentee or p["role"] not in MENTOR_ROLES or c in mentors:
            continue
        if area.startswith("identity:"):
            col = IDENTITY_PREFIX + area.split(":", 1)[1]
            ok = me[col].lower() != "" and p[col].lower() == me[col].lower()
        else:
            mine = {t.lower() for t in me[f"{area}_interests"]}
            theirs = {t.lower() for t in p[f"{area}_interests"]}
            ok = bool(mine & theirs) if mine else bool(theirs)
        conflict = (len(p["leadership"]) > 0 and me["role"] in TRAINEE_ROLES and me["department"].lower() != ""
                    and p["department"].lower() == me["department"].lower())
        suited |= ok
        free |= ok and not conflict
    return suited, free


@settings(max_examples=25, deadline=None)
@given(rng=st.randoms(use_true_random=False), n_people=st.integers(2, 10), n_rels=st.integers(0, 16),
       policy=st.sampled_from(POLICIES))
def test_open_gap_reasons_equal_a_brute_force(rng, n_people, n_rels, policy):
    from mentornet.matching import FULL, ONLY_LEADERS

    ds = random_dataset(rng, n_people, n_rels)
    _, open_gaps = NetworkXBackend(ds).match(policy=policy, as_of=AS_OF)
    for m, a, reason in open_gaps.itertuples(index=False):
        if reason == TAKEN:
            continue
        suited, free = brute_reach(ds, policy, m, a)
        assert reason == (NO_SUITED if not suited else FULL if free else ONLY_LEADERS), (m, a)


# --------------------------------------------------------------------------- the array flow equals the frame flow


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from mentornet.generate import generate_dataset
    from mentornet.io import read_dataset

    out = []
    for seed in (1, 2):
        directory = tmp_path_factory.mktemp(f"gen{seed}")
        generate_dataset(directory, people=1500, seed=seed)
        out.append(read_dataset(directory))
    return out


@pytest.mark.parametrize("policy", [Policy(), Policy(match_pool=3, default_capacity=1), Policy(max_hops=2)])
def test_array_flow_chooses_what_the_frame_flow_chooses(generated, policy):
    """The embedded backend's assignment (integer arrays from the search) and the generic one
    (:func:`solve_match` on the pools' text rows) give the solver the same network, so the
    same rows, in the same order, with the same columns; on generated datasets, where many
    optimal assignments tie, so a different network would show."""
    from mentornet.backends.base import Backend

    for ds in generated:
        backend = NetworkXBackend(ds)
        snap = backend.snapshot(policy=policy, as_of=AS_OF)
        gaps = backend.find_gaps(snap)
        fast, fast_open = backend.assignment(snap, gaps)
        slow, slow_open = Backend.assignment(backend, snap, gaps)
        assert len(fast) > 100
        pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True))
        pd.testing.assert_frame_equal(fast_open, slow_open)


def test_trimming_a_pool_can_change_the_chosen_optimum():
    """Why ``match`` never trims pools (:func:`mentornet.matching.choose_from_pools`): the row
    m2/research/c1 (the last of its gap's pool) is in no optimal assignment, and dropping it
    keeps the optimum's value, yet the solver then returns another, equally good assignment
    (c1 and c2 swap between m1's and m2's career gaps), so the output would change."""
    rows = [("m1", "career", "c2", 1), ("m1", "career", "c1", 1), ("m1", "research", "c3", 1),
            ("m1", "research", "c2", 1), ("m1", "research", "c1", 2), ("m2", "career", "c2", 2),
            ("m2", "career", "c1", 2), ("m2", "career", "c3", 2), ("m2", "research", "c2", 1),
            ("m2", "research", "c3", 1), ("m2", "research", "c1", 2), ("m3", "career", "c2", 1)]
    unused = ("m2", "research", "c1", 2)
    remaining = pd.Series({"c1": 1, "c2": 2, "c3": 2})
    trimmed = [r for r in rows if r != unused]
    assert unused not in set().union(*optimal_assignments(rows, remaining))
    full, cut = solve_match(pools(*rows), remaining), solve_match(pools(*trimmed), remaining)
    assert score(full) == score(cut) == brute_force(pools(*rows), remaining)
    assert chosen(full) != chosen(cut)


def optimal_assignments(rows, remaining) -> list[set]:
    """Every best feasible assignment (most gaps, then fewest hops), each a set of rows."""
    import itertools

    gaps = sorted({(m, a) for m, a, _, _ in rows})
    best, found = None, []
    for pick in itertools.product(*[[None, *[r for r in rows if r[:2] == g]] for g in gaps]):
        taken = [r for r in pick if r is not None]
        counts = pd.Series([r[2] for r in taken], dtype=object).value_counts()
        if any(counts[c] > remaining[c] for c in counts.index) or len({(r[0], r[2]) for r in taken}) < len(taken):
            continue
        key = (len(taken), -sum(r[3] for r in taken))
        if best is None or key > best:
            best, found = key, []
        if key == best:
            found.append(set(taken))
    return found


@pytest.mark.parametrize("policy", [Policy(), Policy(max_hops=4, match_pool=5)])
def test_short_paths_without_bfs_equal_the_layered_paths(generated, policy, monkeypatch):
    """``paths_for`` finds paths of up to ``DIRECT_HOPS`` from adjacency rows alone
    (:func:`mentornet.referrals._short_paths`); they are the paths the mentee's BFS layers give,
    for every pool row (every hop count, several rows per mentee) of generated datasets."""
    from mentornet import referrals

    for ds in generated:
        snap = NetworkXBackend(ds).snapshot(policy=policy, as_of=AS_OF)
        net, found = snap.network, snap.pools(policy.match_pool)
        mentees = snap.gaps["mentee_id"].to_numpy()[found.gap]
        cands = net.ids[found.cand]
        assert {1, 2, 3} <= set(found.hops.tolist())
        assert (found.hops <= referrals.DIRECT_HOPS).sum() > 1000
        fast = referrals.paths_for(net, mentees, cands, found.hops)
        with monkeypatch.context() as patch:
            patch.setattr(referrals, "DIRECT_HOPS", 0)  # every path from the BFS layers
            slow = referrals.paths_for(net, mentees, cands, found.hops)
        assert fast == slow
        assert all(p.count(">") == h for p, h in zip(fast[0], found.hops.tolist()))
