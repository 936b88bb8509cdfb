"""The rules in force on a date, applied to one dataset: what every command derives first.

A :class:`Snapshot` is a policy and an ``as_of`` date; each backend makes its own kind with
:meth:`mentornet.backends.base.Backend.snapshot` and hands it to every question of one
command, so what follows from the rules (active mentorships, load, needs, gaps, the referral
network) is computed once and shared, not recomputed by each layer.

:class:`DatasetSnapshot` is the embedded backend's: a :class:`~mentornet.model.Dataset` and
the derived facts as cached properties. A snapshot of a smaller dataset (one "without" some
people, for a departure stress test) is the same class built on the reduced dataset.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import analysis
from .model import Dataset, Policy, stale_cutoff

if TYPE_CHECKING:
    from .referrals import Network, Pools


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The rules in force on a date: ``policy`` and ``as_of``."""

    policy: Policy
    as_of: dt.date

    @property
    def cutoff(self) -> str:
        """The earliest ``last_met`` (ISO text) that still counts as active."""
        return stale_cutoff(self.as_of, self.policy)

    def same_rules(self, policy: Policy, as_of: dt.date) -> bool:
        return self.policy == policy and self.as_of == as_of


@dataclass(frozen=True, eq=False)
class DatasetSnapshot(Snapshot):
    """A dataset under the rules, with every derived fact computed once, when first asked."""

    dataset: Dataset = None  # type: ignore[assignment]  (always given; a default only for field order)

    @cached_property
    def _active_pairs(self) -> tuple[pd.DataFrame, analysis.ActiveRows]:
        return analysis.active_pairs(self.dataset, policy=self.policy, as_of=self.as_of)

    @cached_property
    def active(self) -> pd.DataFrame:
        """Active mentorships (:func:`mentornet.analysis.active_mentorships`)."""
        return self._active_pairs[0]

    @cached_property
    def active_rows(self) -> analysis.ActiveRows:
        """The mentor and mentee of each of :attr:`active` as positions in the people table,
        found once for every rule below that looks them up."""
        return self._active_pairs[1]

    @cached_property
    def load(self) -> pd.DataFrame:
        """Load, capacity and remaining capacity of every person, indexed by id."""
        return analysis.mentor_load(self.dataset, self.active, policy=self.policy, rows=self.active_rows)

    @cached_property
    def _needs_at(self) -> tuple[pd.DataFrame, np.ndarray]:
        return analysis.mentee_needs_at(self.dataset, policy=self.policy)

    @cached_property
    def needs(self) -> pd.DataFrame:
        return self._needs_at[0]

    @cached_property
    def _covered_at(self) -> tuple[pd.DataFrame, np.ndarray | None]:
        return analysis.covered_needs_at(self.dataset, self.active, rows=self.active_rows)

    @cached_property
    def covered(self) -> pd.DataFrame:
        return self._covered_at[0]

    @cached_property
    def gaps(self) -> pd.DataFrame:
        """The gaps (:func:`mentornet.analysis.gaps_from`), the needs' and coverage's mentees
        taken by their positions rather than looked up by id."""
        return analysis.gaps_from(self.dataset, self.needs, self.covered, self.active, rows=self.active_rows,
                                  people=(self._needs_at[1], self._covered_at[1]))

    @cached_property
    def covering(self) -> pd.DataFrame:
        """Each active mentor covering each need (:func:`mentornet.analysis.covering_mentors`)."""
        return analysis.covering_mentors(self.dataset, self.needs, self.active, rows=self.active_rows)

    @cached_property
    def conflicts(self) -> pd.DataFrame:
        """Active mentorships in a leadership conflict (``mentor_id, mentee_id``)."""
        return analysis.leadership_conflicts(self.dataset, self.active, rows=self.active_rows)

    def pools(self, limit: int) -> Pools:
        """The best ``limit`` candidates of every gap, without paths (:class:`mentornet.referrals.Pools`,
        ``gap`` indexing :attr:`gaps`): one candidate search per snapshot, shared by ``match``,
        the audit's gaps without a candidate and any smaller limit (the first ``limit`` ranks of a
        larger pool are the pool of ``limit``: a search stops a mentee only once each gap has
        enough candidates, and later hops rank lower)."""
        from .referrals import top_ranks, candidate_pools

        kept = self.__dict__.get("_pools")
        if kept is None or kept[0] < limit:
            net, gaps = self.network, self.gaps
            found = candidate_pools(net, net.position(gaps["mentee_id"]), gaps["area"].to_numpy(dtype=object),
                                    max_hops=self.policy.max_hops, limit=limit)
            kept = (limit, found)
            self.__dict__["_pools"] = kept
        return top_ranks(kept[1], limit)

    @cached_property
    def network(self) -> Network:
        """The arrays the referral questions run on (:func:`mentornet.referrals.network_of`)."""
        from .referrals import network_of

        return network_of(self)


@dataclass(frozen=True, eq=False)
class ReducedSnapshot(DatasetSnapshot):
    """``base``'s dataset without the people ``gone`` (the departure stress test), under the same rules.

    Removing people removes exactly their rows from the active mentorships, the needs and the
    covering mentors, so those are ``base``'s facts filtered rather than recomputed; the gaps
    follow from the needs and their covering mentors (the coverage of needs, which is all that
    :func:`mentornet.analysis.gaps_from` uses of ``covered``). Every fact equals the one a
    :class:`DatasetSnapshot` of the reduced dataset computes (``tests/test_planning.py``).
    """

    base: DatasetSnapshot = None  # type: ignore[assignment]
    gone: frozenset = frozenset()

    def _kept(self, frame: pd.DataFrame, columns) -> pd.DataFrame | None:
        """``frame`` without the rows naming someone gone; None when nothing is left (then the
        fact is computed afresh, so that an empty table has the types it always has)."""
        gone = list(self.gone)
        keep = ~np.logical_or.reduce([frame[c].isin(gone).to_numpy() for c in columns])
        return frame[keep].reset_index(drop=True) if keep.any() else None

    @cached_property
    def active(self) -> pd.DataFrame:
        kept = self._kept(self.base.active, ["mentor_id", "mentee_id"])
        return DatasetSnapshot.active.func(self) if kept is None else kept

    @cached_property
    def active_rows(self) -> analysis.ActiveRows:
        return analysis.active_rows(self.dataset, self.active)

    @cached_property
    def needs(self) -> pd.DataFrame:
        kept = self._kept(self.base.needs, ["mentee_id"])
        return DatasetSnapshot.needs.func(self) if kept is None else kept

    @cached_property
    def covering(self) -> pd.DataFrame:
        kept = self._kept(self.base.covering, ["mentee_id", "mentor_id"])
        return DatasetSnapshot.covering.func(self) if kept is None else kept

    @cached_property
    def gaps(self) -> pd.DataFrame:
        return analysis.gaps_from(self.dataset, self.needs, self.covering[["mentee_id", "area"]], self.active,
                                  rows=self.active_rows)


def snapshot_without(snap: DatasetSnapshot, ids) -> ReducedSnapshot:
    """The snapshot of ``snap``'s dataset without the people ``ids`` (:class:`ReducedSnapshot`)."""
    gone = frozenset(ids)
    return ReducedSnapshot(policy=snap.policy, as_of=snap.as_of, dataset=dataset_without(snap.dataset, gone),
                           base=snap, gone=gone)


def dataset_snapshot(ds: Dataset, *, policy: Policy, as_of: dt.date) -> DatasetSnapshot:
    return DatasetSnapshot(policy=policy, as_of=as_of, dataset=ds)


def dataset_without(ds: Dataset, ids) -> Dataset:
    """``ds`` with the people ``ids`` removed, and every relationship row that names them
    (the departure stress test, DESIGN.md section 3)."""
    stays = ~ds.people["id"].isin(list(ids)).to_numpy()
    people = ds.people[stays].reset_index(drop=True)
    source, target = ds.relationship_people
    keep = stays[source] & stays[target]  # every source and target is a person
    moved = np.cumsum(stays) - 1  # a remaining person's new position
    return Dataset(people=people, relationships=ds.relationships[keep].reset_index(drop=True), source=ds.source,
                   warnings=ds.warnings, endpoints=(moved[source[keep]], moved[target[keep]]))
