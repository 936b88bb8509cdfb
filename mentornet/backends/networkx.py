"""The embedded backend: the dataset held in memory on one machine.

People and relationships stay in pandas; the acquaintance network is kept as a compressed
adjacency (scipy CSR) built from the same edge list as :meth:`NetworkXBackend.graph`, the
NetworkX graph for notebooks. The hot loops (reach within ``max_hops``, ranking, paths) run
on the compressed arrays because a Python-level traversal of a million-edge NetworkX graph is
an order of magnitude slower. Every derived fact lives on the
:class:`~mentornet.snapshot.DatasetSnapshot`, computed once per command.
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from .. import audit, referrals
from ..errors import Problem
from ..model import Dataset, Policy
from ..snapshot import DatasetSnapshot, dataset_without
from .base import Backend

if TYPE_CHECKING:
    import networkx as nx


class NetworkXBackend(Backend):
    """Answers every analysis question from a :class:`~mentornet.model.Dataset` in memory."""

    name = "networkx"

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    @property
    def label(self) -> str:
        return self.dataset.source or "the dataset"

    @property
    def warning_label(self) -> str:
        return self.dataset.source or "people"

    def make_snapshot(self, *, policy: Policy, as_of: dt.date) -> DatasetSnapshot:
        return DatasetSnapshot(policy=policy, as_of=as_of, dataset=self.dataset)

    def close(self) -> None:
        """Nothing to release."""

    def identity_attributes(self) -> list[str]:
        return self.dataset.identity_attributes

    def names(self, ids) -> dict[str, str]:
        people = self.dataset.people
        wanted = people[people["id"].isin(list(ids))]
        return dict(zip(wanted["id"], wanted["name"]))

    def asked_concordance(self, ids) -> dict[str, frozenset[str]]:
        people = self.dataset.people
        wanted = people[people["id"].isin(list(ids))]
        return {i: frozenset(str(a).lower() for a in s) for i, s in zip(wanted["id"], wanted["seeks_concordance"])}

    def read_warnings(self) -> list[Problem]:
        return list(self.dataset.warnings)

    def warning_facts(self, snap: DatasetSnapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
        load = snap.load
        over = load.loc[load["remaining"] < 0, ["id", "load", "capacity"]].rename(columns={"id": "mentor_id"})
        return over, snap.conflicts

    def find_gaps(self, snap: DatasetSnapshot) -> pd.DataFrame:
        return snap.gaps

    def ranked_candidates(self, snap: DatasetSnapshot, *, limit: int, mentee: str | None = None,
                          area: str | None = None, with_paths: bool = True, mentees=None) -> pd.DataFrame:
        gaps = None if mentees is None else snap.gaps[snap.gaps["mentee_id"].isin(list(mentees)).to_numpy()]
        return referrals.ranked_referrals(snap, limit=limit, mentee=mentee, area=area, with_paths=with_paths,
                                          gaps=gaps)

    def referral_paths(self, snap: DatasetSnapshot, mentee_ids, candidate_ids, hops) -> tuple[list[str], list[str]]:
        return referrals.paths_for(snap.network, mentee_ids, candidate_ids, hops)

    def covering_mentors(self, snap: DatasetSnapshot) -> pd.DataFrame:
        return snap.covering

    def without(self, snap: DatasetSnapshot, ids) -> DatasetSnapshot:
        return DatasetSnapshot(policy=snap.policy, as_of=snap.as_of, dataset=dataset_without(snap.dataset, ids))

    def suited_reach(self, snap: DatasetSnapshot, gaps: pd.DataFrame) -> pd.DataFrame:
        return referrals.suited_in_reach(snap, gaps)

    def mentor_load(self, snap: DatasetSnapshot) -> pd.DataFrame:
        return snap.load

    def audit_tables(self, snap: DatasetSnapshot) -> audit.AuditTables:
        return audit.tables_of(snap)

    def people(self) -> pd.DataFrame:
        return self.dataset.people

    def relationship_rows(self) -> pd.DataFrame:
        return self.dataset.relationships

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
