"""The straightforward implementation of DESIGN.md section 3 referrals, kept on purpose.

For each mentee: one breadth-first search with a cutoff (NetworkX), then every reachable
person filtered and ranked in Python; the referral path is the smallest of the shortest
paths, walked greedily with distances from a BFS at the candidate. Obviously correct and
slow: the test oracle for :mod:`mentornet.referrals`, and
the baseline that ``benchmarks/`` measures it against. Not used by the CLI.
"""
from __future__ import annotations

import datetime as dt

import networkx as nx
import pandas as pd

from . import analysis
from .model import IDENTITY_PREFIX, MENTOR_ROLES, TRAINEE_ROLES, Dataset, Policy, fold


def acquaintance_graph(ds: Dataset) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(ds.people["id"])
    graph.add_edges_from(zip(ds.relationships["source"], ds.relationships["target"]))
    return graph


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def reference_referrals(ds: Dataset, *, policy: Policy, as_of: dt.date, limit: int | None = None) -> pd.DataFrame:
    """mentee_id, area, rank, candidate_id, hops, score, path for every gap."""
    limit = policy.top_k if limit is None else limit
    gaps = analysis.find_gaps(ds, policy=policy, as_of=as_of)
    active = analysis.active_mentorships(ds, policy=policy, as_of=as_of)
    load = analysis.mentor_load(ds, active, policy=policy)
    people = {row["id"]: row for row in ds.people.to_dict("records")}
    mentors_of: dict[str, set] = {}
    for mentor, mentee in zip(active["mentor_id"], active["mentee_id"]):
        mentors_of.setdefault(mentee, set()).add(mentor)
    graph = acquaintance_graph(ds)
    low = lambda items: {fold(t) for t in items}  # noqa: E731
    rows = []
    for mentee_id, areas in gaps.groupby("mentee_id", sort=True)["area"]:
        m = people[mentee_id]
        dist = nx.single_source_shortest_path_length(graph, mentee_id, cutoff=policy.max_hops)
        for area in sorted(areas):
            ranked = []
            for c_id, hops in dist.items():
                c = people[c_id]
                if c_id == mentee_id or c["role"] not in MENTOR_ROLES or not c["accepting"]:
                    continue
                remaining = load.at[c_id, "remaining"]
                if remaining <= 0 or c_id in mentors_of.get(mentee_id, ()):
                    continue
                if (c["leadership"] and m["role"] in TRAINEE_ROLES and m["department"]
                        and fold(m["department"]) == fold(c["department"])):
                    continue
                if area in ("research", "career"):
                    mine, theirs = low(m[f"{area}_interests"]), low(c[f"{area}_interests"])
                    if not (mine & theirs if mine else theirs):
                        continue
                    score = _jaccard(mine, theirs) if mine else 0.0
                else:
                    col = IDENTITY_PREFIX + area.split(":", 1)[1]
                    if not m[col] or fold(m[col]) != fold(c[col]):
                        continue
                    score = _jaccard(low(m["research_interests"]), low(c["research_interests"]))
                ranked.append((hops, -score, -remaining, c_id, score))
            ranked.sort()
            for rank, (hops, _, _, c_id, score) in enumerate(ranked[:limit], start=1):
                rows.append({"mentee_id": mentee_id, "area": area, "rank": rank, "candidate_id": c_id,
                             "hops": hops, "score": score,
                             "path": ">".join(best_path(graph, mentee_id, c_id, mentors_of.get(mentee_id, set()), hops))})
    columns = ["mentee_id", "area", "rank", "candidate_id", "hops", "score", "path"]
    return pd.DataFrame(rows, columns=columns)


def best_path(graph: nx.Graph, source: str, target: str, mentors: set, hops: int | None = None) -> list[str]:
    """The smallest shortest path; the first hop prefers the mentee's active mentors.

    A BFS from the target gives every node's distance to it; walking from the source, each
    step takes the smallest neighbour one step closer (first step: mentors first). Choosing
    greedily is exactly the lexicographic minimum over all shortest paths.
    """
    to_target = nx.single_source_shortest_path_length(graph, target, cutoff=hops)
    path = [source]
    while path[-1] != target:
        here = path[-1]
        closer = [v for v in graph[here] if to_target.get(v, -1) == to_target[here] - 1]
        if here == source:
            path.append(min(closer, key=lambda v: (v not in mentors, v)))
        else:
            path.append(min(closer))
    return path
