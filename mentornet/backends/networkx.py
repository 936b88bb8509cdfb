"""The embedded backend: the dataset held in memory on one machine.

People and relationships stay in pandas; the acquaintance network is kept as a compressed
adjacency (scipy CSR) built from the same edge list as :meth:`NetworkXBackend.graph`, the
NetworkX graph for notebooks and the HTML view. The hot loops (reach within ``max_hops``,
ranking, paths) run on the compressed arrays because a Python-level traversal of a
million-edge NetworkX graph is an order of magnitude slower.
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from .. import analysis

if TYPE_CHECKING:
    import networkx as nx
from ..model import Dataset, Policy


class NetworkXBackend:
    """Answers every analysis question from a :class:`~mentornet.model.Dataset` in memory."""

    name = "networkx"

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    def close(self) -> None:
        """Nothing to release; present so both backends can be used the same way."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _active(self, policy: Policy, as_of: dt.date) -> pd.DataFrame:
        """Active mentorships, kept for the last (policy, date) asked: commands ask twice."""
        cached = getattr(self, "_active_cache", None)
        if cached is None or cached[0] != (policy, as_of):
            cached = ((policy, as_of), analysis.active_mentorships(self.dataset, policy=policy, as_of=as_of))
            self._active_cache = cached
        return cached[1]

    def warnings(self, *, policy: Policy, as_of: dt.date):
        return list(self.dataset.warnings) + analysis.dataset_warnings(
            self.dataset, policy=policy, as_of=as_of, active=self._active(policy, as_of))

    def gaps(self, *, policy: Policy, as_of: dt.date) -> pd.DataFrame:
        return analysis.find_gaps(self.dataset, policy=policy, as_of=as_of, active=self._active(policy, as_of))

    def names(self, ids) -> dict[str, str]:
        """Display names for the given ids."""
        people = self.dataset.people
        wanted = people[people["id"].isin(list(ids))]
        return dict(zip(wanted["id"], wanted["name"]))

    def asked_concordance(self, ids) -> dict[str, frozenset[str]]:
        """The attributes each given mentee asked concordance on (``seeks_concordance``)."""
        people = self.dataset.people
        wanted = people[people["id"].isin(list(ids))]
        return {i: frozenset(str(a).lower() for a in s) for i, s in zip(wanted["id"], wanted["seeks_concordance"])}

    def refer(self, *, policy: Policy, as_of: dt.date, mentee=None, area=None) -> pd.DataFrame:
        """Top-k referrals per gap with paths (see :mod:`mentornet.referrals`)."""
        from .. import referrals

        return referrals.find_referrals(self.dataset, policy=policy, as_of=as_of, mentee=mentee, area=area)

    def match(self, *, policy: Policy, as_of: dt.date):
        """(assignment rows, open gaps with reasons) for the committee."""
        from .. import matching, referrals

        gaps, pools, net = referrals.match_pools(self.dataset, policy=policy, as_of=as_of)
        remaining = pd.Series(net.remaining, index=net.ids)
        chosen = matching.solve_match(pools, remaining)
        open_ = matching.open_gaps(gaps, pools, chosen, remaining)
        chosen = chosen[["mentee_id", "area", "candidate_id", "hops"]].reset_index(drop=True)
        chosen["path"] = referrals.paths_for(net, chosen["mentee_id"], chosen["candidate_id"], chosen["hops"])[0]
        return analysis.sort_rows(chosen, ["mentee_id", "area"])[matching.MATCH_COLUMNS], open_

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The whole dataset as a NetworkX multigraph: people as nodes, one edge per row."""
        return to_networkx(self.dataset)


def to_networkx(ds: Dataset) -> nx.MultiDiGraph:
    """People as nodes (all their columns as attributes), relationship rows as keyed edges."""
    import networkx as nx  # imported here: the analysis commands do not need it

    graph = nx.MultiDiGraph()
    people = ds.people
    graph.add_nodes_from((row["id"], row) for row in people.to_dict("records"))
    rels = ds.relationships
    graph.add_edges_from(
        (row["source"], row["target"], row["row"], row) for row in rels.to_dict("records")
    )
    return graph

