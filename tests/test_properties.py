"""Property: a gap is always a need, and no covered need is ever reported as a gap."""
import random
import tempfile
from pathlib import Path

from hypothesis import given, settings, strategies as st

from mentornet import Policy, find_gaps
from mentornet.analysis import active_mentorships, covered_needs, mentee_needs

from helpers import AS_OF, dataset, random_rows


def independent_coverage(ds, policy):
    """Coverage recomputed row by row, straight from the definitions."""
    people = {p["id"]: p for p in ds.people.to_dict("records")}
    cutoff = (AS_OF.toordinal() - policy.stale_after_days)
    covered = set()
    for r in ds.relationships.to_dict("records"):
        if r["type"] != "MENTORS" or r["status"] != "active":
            continue
        if r["last_met"] and __import__("datetime").date.fromisoformat(r["last_met"]).toordinal() < cutoff:
            continue
        mentor, mentee = people[r["source"]], people[r["target"]]
        for area in ("research", "career"):
            if area in r["focus"]:
                covered.add((mentee["id"], area))
        for col in ds.people.columns:
            if col.startswith("identity.") and mentee[col] and mentee[col].lower() == mentor[col].lower():
                covered.add((mentee["id"], "identity:" + col.split(".", 1)[1]))
    return covered


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), stale=st.integers(0, 800),
       concordance=st.sampled_from([{}, {"gender": frozenset({"female"})}, {"urm": frozenset({"yes"})}]))
def test_gaps_are_uncovered_needs(seed, stale, concordance):
    rng = random.Random(seed)
    people, rels = random_rows(rng, rng.randint(2, 25), rng.randint(0, 50))
    with tempfile.TemporaryDirectory() as d:
        ds = dataset(Path(d), people, rels)
    policy = Policy(stale_after_days=stale, concordance=concordance)
    gaps = set(zip(*find_gaps(ds, policy=policy, as_of=AS_OF)[["mentee_id", "area"]].T.values))
    needs = set(zip(*mentee_needs(ds, policy=policy).T.values))
    covered = independent_coverage(ds, policy)
    assert gaps <= needs
    assert not (gaps & covered)
    assert gaps | (needs & covered) == needs
    active = active_mentorships(ds, policy=policy, as_of=AS_OF)
    assert set(zip(*covered_needs(ds, active).T.values)) & needs == needs & covered


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_reference_greedy_path_is_the_smallest_of_all_shortest_paths(seed):
    """The oracle's greedy walk equals brute force over every shortest path."""
    import networkx as nx

    from mentornet._reference import best_path

    rng = random.Random(seed)
    graph = nx.gnp_random_graph(rng.randint(2, 14), 0.3, seed=seed)
    graph = nx.relabel_nodes(graph, {n: f"n{n}" for n in graph})
    nodes = sorted(graph)
    source, target = rng.sample(nodes, 2)
    if not nx.has_path(graph, source, target):
        return
    mentors = set(rng.sample(nodes, rng.randint(0, len(nodes))))
    expected = min(nx.all_shortest_paths(graph, source, target),
                   key=lambda p: ((p[1] not in mentors, p[1]),) + tuple(p[2:]))
    assert best_path(graph, source, target, mentors) == expected
