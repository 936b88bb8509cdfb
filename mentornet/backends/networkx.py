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

import numpy as np
import pandas as pd

from .. import audit, matching, referrals
from ..errors import Problem
from ..model import Dataset, Policy, fold
from ..snapshot import DatasetSnapshot, snapshot_without
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
        return {i: frozenset(fold(str(a)) for a in s) for i, s in zip(wanted["id"], wanted["seeks_concordance"])}

    def read_warnings(self) -> list[Problem]:
        return list(self.dataset.warnings)

    def warning_facts(self, snap: DatasetSnapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
        load = snap.load
        over = load.loc[load["remaining"] < 0, ["id", "load", "capacity"]].rename(columns={"id": "mentor_id"})
        return over, snap.conflicts

    def find_gaps(self, snap: DatasetSnapshot, mentees=None) -> pd.DataFrame:
        """The snapshot's gaps (all of them are found at once, a vectorised pass), or those of ``mentees``."""
        return snap.gaps if mentees is None else _of(snap.gaps, "mentee_id", mentees)

    def ranked_candidates(self, snap: DatasetSnapshot, *, limit: int, mentee: str | None = None,
                          area: str | None = None, with_paths: bool = True, mentees=None) -> pd.DataFrame:
        gaps = None if mentees is None else snap.gaps[snap.gaps["mentee_id"].isin(list(mentees)).to_numpy()]
        return referrals.ranked_referrals(snap, limit=limit, mentee=mentee, area=area, with_paths=with_paths,
                                          gaps=gaps)

    def assignment(self, snap: DatasetSnapshot, gaps: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """From the snapshot's shared search, as arrays (:func:`mentornet.matching.choose_from_pools`);
        text columns are made for the chosen rows only."""
        net = snap.network
        chosen, reached = matching.choose_from_pools(net, gaps, snap.pools(snap.policy.match_pool))
        rows = referrals.pools_frame(net, gaps, chosen)
        rows["candidate_name"] = self.dataset.people["name"].to_numpy()[net.position(rows["candidate_id"])]
        return rows, gaps.loc[~reached, ["mentee_id", "area"]].reset_index(drop=True)

    def referral_paths(self, snap: DatasetSnapshot, mentee_ids, candidate_ids, hops) -> tuple[list[str], list[str]]:
        return referrals.paths_for(snap.network, mentee_ids, candidate_ids, hops)

    def covering_mentors(self, snap: DatasetSnapshot) -> pd.DataFrame:
        return snap.covering

    def without(self, snap: DatasetSnapshot, ids) -> DatasetSnapshot:
        return snapshot_without(snap, ids)

    def suited_reach(self, snap: DatasetSnapshot, gaps: pd.DataFrame) -> pd.DataFrame:
        return referrals.suited_in_reach(snap, gaps)

    def mentor_load(self, snap: DatasetSnapshot, ids=None) -> pd.DataFrame:
        return snap.load if ids is None else _of(snap.load, "id", ids)

    def audit_tables(self, snap: DatasetSnapshot) -> audit.AuditTables:
        return audit.tables_of(snap)

    def people(self, ids=None, *, department: str | None = None) -> pd.DataFrame:
        people = self.dataset.people
        if department is not None:  # the departments folded once, as every rule compares them
            codes, folded = self.dataset.folded_codes("department")
            people = people[np.isin(codes, np.flatnonzero(folded == department))]
        return people if ids is None else _of(people, "id", ids)

    def relationship_rows(self, ids=None, *, among: bool = False) -> pd.DataFrame:
        rows = self.dataset.relationships
        if ids is None:
            return rows
        wanted = list(ids)
        source, target = rows["source"].isin(wanted).to_numpy(), rows["target"].isin(wanted).to_numpy()
        return rows[source & target if among else source | target]

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The whole dataset as a NetworkX multigraph: people as nodes, one edge per row."""
        return to_networkx(self.dataset)


def _of(frame: pd.DataFrame, column: str, ids) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` is one of ``ids``, in their order."""
    return frame[frame[column].isin(list(ids)).to_numpy()]


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
