"""The one interface both backends answer, and what is composed on it once.

A backend answers a few primitive questions about the dataset it holds, each under the rules
of a :class:`~mentornet.snapshot.Snapshot` it made itself (:meth:`Backend.snapshot`): the
gaps, the ranked candidates of each gap, referral paths, mentor load, the audit tables, the
people and relationship rows. Everything a command builds from those (the warnings, ``refer``,
``match``, the checks of ``--mentee``/``--area``) is written here, once, for both.

Every public question takes either a snapshot or the ``policy=``/``as_of=`` keywords (a thin
wrapper: the backend keeps the last snapshot it made, so asking twice under the same rules
computes the derived facts once).
"""
from __future__ import annotations

import abc
import datetime as dt

import pandas as pd

from .. import matching
from ..analysis import policy_warnings, rule_warnings, sort_rows
from ..audit import AuditTables
from ..errors import DataError, Problem
from ..model import BASE_AREAS, Policy, fold
from ..snapshot import Snapshot


class Backend(abc.ABC):
    """An open dataset: the embedded one in memory, or one inside a Neo4j database."""

    name: str
    _last: Snapshot | None = None

    # -- what each backend implements -------------------------------------------------------

    @property
    @abc.abstractmethod
    def label(self) -> str:
        """How messages name the source (a dataset directory, a URI)."""

    @abc.abstractmethod
    def make_snapshot(self, *, policy: Policy, as_of: dt.date) -> Snapshot:
        """A new snapshot of this backend's dataset under the rules (see :meth:`snapshot`)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release what the backend holds (a driver); nothing for the embedded one."""

    @abc.abstractmethod
    def identity_attributes(self) -> list[str]:
        """Identity attribute names (lower case, without the ``identity.`` prefix)."""

    @abc.abstractmethod
    def names(self, ids) -> dict[str, str]:
        """Display names of those of ``ids`` who are people of the dataset."""

    @abc.abstractmethod
    def asked_concordance(self, ids) -> dict[str, frozenset[str]]:
        """The attributes (lower case) each of the given mentees asked concordance on."""

    @abc.abstractmethod
    def read_warnings(self) -> list[Problem]:
        """Warnings found when the files were read (none once they are in a database)."""

    @abc.abstractmethod
    def warning_facts(self, snap: Snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(over-capacity mentors ``mentor_id, load, capacity``, leadership conflicts
        ``mentor_id, mentee_id``), in any order: :func:`mentornet.analysis.rule_warnings` orders them."""

    @abc.abstractmethod
    def find_gaps(self, snap: Snapshot, mentees=None) -> pd.DataFrame:
        """Every need without coverage (columns of :data:`mentornet.analysis.GAP_COLUMNS`), sorted;
        of the collection of ids ``mentees`` only, when given (a view of part of the network)."""

    @abc.abstractmethod
    def ranked_candidates(self, snap: Snapshot, *, limit: int, mentee: str | None = None,
                          area: str | None = None, with_paths: bool = True, mentees=None) -> pd.DataFrame:
        """The best ``limit`` candidates of every gap (of ``mentee`` / ``area``, lower case, when
        given; of the collection ``mentees`` when given), columns of
        :data:`mentornet.referrals.REFER_COLUMNS` sorted by mentee, area, rank;
        ``path``/``ties`` empty unless ``with_paths``."""

    @abc.abstractmethod
    def referral_paths(self, snap: Snapshot, mentee_ids, candidate_ids, hops) -> tuple[list[str], list[str]]:
        """Referral paths and tie descriptions (``>``-joined) of (mentee, candidate) pairs ``hops`` apart."""

    @abc.abstractmethod
    def covering_mentors(self, snap: Snapshot) -> pd.DataFrame:
        """``mentee_id, area, mentor_id``: each active mentor covering each need, sorted."""

    @abc.abstractmethod
    def without(self, snap: Snapshot, ids) -> Snapshot:
        """A snapshot under the same rules of the dataset without the people ``ids`` (and every
        relationship row naming them): the departure stress test. Never changes stored data."""

    @abc.abstractmethod
    def suited_reach(self, snap: Snapshot, gaps: pd.DataFrame) -> pd.DataFrame:
        """For each of ``gaps`` (``mentee_id, area``), in that order: ``suited`` (someone within
        ``max_hops`` is mentor-eligible, not already an active mentor of the mentee and suited to
        the need, whatever their capacity, acceptance or leadership conflicts) and
        ``unconflicted`` (one of those is not a leader of the mentee's department)."""

    @abc.abstractmethod
    def mentor_load(self, snap: Snapshot, ids=None) -> pd.DataFrame:
        """``id, load, capacity, remaining`` of (at least) every mentor-eligible person or anyone
        with a mentee, indexed by id; of those of the collection ``ids`` only, when given."""

    @abc.abstractmethod
    def audit_tables(self, snap: Snapshot) -> AuditTables:
        """The tables :func:`mentornet.audit.audit_figures` composes."""

    @abc.abstractmethod
    def people(self, ids=None, *, department: str | None = None) -> pd.DataFrame:
        """Every person as :attr:`mentornet.model.Dataset.people` holds them, in the backend's
        order; only those of the collection ``ids``, and only those whose department folded
        (:func:`mentornet.model.fold` of the trimmed text) is ``department``, when given."""

    @abc.abstractmethod
    def relationship_rows(self, ids=None, *, among: bool = False) -> pd.DataFrame:
        """Every relationship row: ``source, target, type, focus, status, since, last_met``
        as :attr:`mentornet.model.Dataset.relationships` holds them, in the backend's order;
        with ``ids`` (a collection of person ids) only the rows naming one of them, or with
        ``among`` only those whose source and target are both among them."""

    def run_query(self, name: str, params: dict) -> pd.DataFrame:
        """A named query of ``cypher/`` (only a database runs them)."""
        raise DataError(Problem("query", f"named queries run inside Neo4j; {self.label} is not a Neo4j URI"))

    # -- composed once ------------------------------------------------------------------------

    def snapshot(self, snap: Snapshot | None = None, *, policy: Policy | None = None,
                 as_of: dt.date | None = None) -> Snapshot:
        """``snap`` itself, or the snapshot of the rules ``policy`` and ``as_of`` (the last one
        made when the rules are the same, so its derived facts are reused)."""
        if snap is not None:
            return snap
        if policy is None or as_of is None:
            raise TypeError("give a snapshot, or both policy= and as_of=")
        if self._last is None or not self._last.same_rules(policy, as_of):
            self._last = self.make_snapshot(policy=policy, as_of=as_of)
        return self._last

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def warnings(self, snap: Snapshot | None = None, **rules) -> list[Problem]:
        """The files' warnings, the policy's (a ``[concordance]`` attribute the dataset has no
        column for), then over-capacity mentors and leadership conflicts on the date."""
        snap = self.snapshot(snap, **rules)
        over, conflicts = self.warning_facts(snap)
        return (self.read_warnings() + policy_warnings(snap.policy, self.identity_attributes())
                + rule_warnings(self.warning_label, over, conflicts))

    @property
    def warning_label(self) -> str:
        return self.label

    def gaps(self, snap: Snapshot | None = None, *, mentees=None, **rules) -> pd.DataFrame:
        return self.find_gaps(self.snapshot(snap, **rules), mentees)

    def remaining(self, snap: Snapshot | None = None, **rules) -> pd.Series:
        """Remaining capacity by id (of those :meth:`mentor_load` lists)."""
        load = self.mentor_load(self.snapshot(snap, **rules))
        return pd.Series(load["remaining"].to_numpy(), index=load["id"].to_numpy(), dtype="int64")

    def check_filters(self, *, mentee: str | None, area: str | None) -> None:
        """An unknown mentee id or a malformed area is a usage error, not an empty answer."""
        if mentee is not None and not self.names([mentee]):
            raise DataError(Problem("--mentee", f"no person with id {mentee!r} in {self.label}"))
        if area is not None:
            known = set(BASE_AREAS) | {f"identity:{a}" for a in self.identity_attributes()}
            if fold(area.strip()) not in known:
                raise DataError(Problem("--area", f"unknown area {area!r} (expected one of {', '.join(sorted(known))})"))

    def refer(self, snap: Snapshot | None = None, *, mentee: str | None = None, area: str | None = None,
              **rules) -> pd.DataFrame:
        """Top ``top_k`` referrals per gap with paths (DESIGN.md section 3)."""
        snap = self.snapshot(snap, **rules)
        self.check_filters(mentee=mentee, area=area)
        return self.ranked_candidates(snap, limit=snap.policy.top_k, mentee=mentee,
                                      area=None if area is None else fold(area.strip()))

    def reasons(self, snap: Snapshot, gaps: pd.DataFrame) -> pd.DataFrame:
        """``mentee_id, area, reason`` of gaps that have no candidate at all (DESIGN.md section 3,
        "Open-gap reasons"; :func:`mentornet.matching.gap_reasons`)."""
        return matching.gap_reasons(self.suited_reach(snap, gaps[["mentee_id", "area"]].reset_index(drop=True)))

    def refer_open(self, snap: Snapshot | None = None, *, referrals: pd.DataFrame, mentee: str | None = None,
                   area: str | None = None, **rules) -> pd.DataFrame:
        """The gaps (of ``mentee`` / ``area``) that ``referrals`` (what :meth:`refer` returned)
        has no row for, with the reason (``mentee_id, area, reason``)."""
        snap = self.snapshot(snap, **rules)
        gaps = self.find_gaps(snap)
        if mentee is not None:
            gaps = gaps[gaps["mentee_id"] == mentee]
        if area is not None:
            gaps = gaps[gaps["area"] == fold(area.strip())]
        return self.reasons(snap, matching.without_candidate(gaps, referrals))

    def match(self, snap: Snapshot | None = None, *, with_paths: bool = True,
              **rules) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(assignment rows, open gaps with reasons): the best ``match_pool`` candidates of each
        gap, the flow solved by :func:`mentornet.matching.solve_match`, then the chosen paths
        (``path`` and ``ties`` left empty without ``with_paths``: ``recruit`` needs the open
        gaps only)."""
        snap = self.snapshot(snap, **rules)
        gaps = self.find_gaps(snap)
        chosen, unreached = self.assignment(snap, gaps)
        open_ = matching.open_gaps(gaps, chosen, self.reasons(snap, unreached))
        chosen = chosen[["mentee_id", "area", "candidate_id", "hops", *matching.MATCH_DETAILS[:-1]]]
        chosen = chosen.reset_index(drop=True)
        if with_paths:
            chosen["path"], chosen["ties"] = self.referral_paths(snap, chosen["mentee_id"], chosen["candidate_id"],
                                                                 chosen["hops"])
        else:
            chosen["path"], chosen["ties"] = "", ""
        return sort_rows(chosen, ["mentee_id", "area"])[matching.MATCH_COLUMNS + matching.MATCH_DETAILS], open_

    def assignment(self, snap: Snapshot, gaps: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(the chosen rows of the gaps' ``match_pool`` pools, with the columns of
        :meth:`ranked_candidates`; the gaps of ``gaps`` with no candidate at all, ``mentee_id,
        area``). A backend may answer it from its own arrays, with the same rows."""
        pools = self.ranked_candidates(snap, limit=snap.policy.match_pool, with_paths=False)
        return matching.solve_match(pools, self.remaining(snap)), matching.without_candidate(gaps, pools)
