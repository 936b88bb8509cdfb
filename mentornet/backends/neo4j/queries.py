"""The questions of :class:`~mentornet.backends.base.Backend` asked of a Neo4j database.

Every statement is a named file in ``cypher/`` (the package ``mentornet.cypher``); Python
only passes parameters and turns rows into DataFrames. Values are always parameters, and
relationship types come from the fixed list in :data:`mentornet.model.REL_TYPES` (filled
into one template per statement by :mod:`.statements`), never from the data.

How a dataset is stored (see the README, "Neo4j"):

- one ``(:Person)`` node per person, ``id`` unique (constraint ``mentornet_person_id``); text
  columns as strings, list columns (``research_interests``, ``career_interests``,
  ``seeks_concordance``, ``leadership``) as lists of strings, absent when empty (write
  ``coalesce(p.leadership, [])``), ``mentee``/``accepting`` as
  booleans, ``capacity`` as an integer or absent when empty; ``id_codepoints``, the id as a
  list of Unicode code points, so that ``ORDER BY p.id_codepoints`` is Python's plain string
  order (Neo4j compares strings by UTF-16 code unit, which differs for characters above
  U+FFFF); ``research_lower``/``career_lower`` (always present), the interests as sorted
  folded sets, so the referral queries compare topics without re-normalising them for
  every pair. Stored even when equal to the interests: a query reading an absent property
  scans the whole property chain, which made `refer` about a fifth slower;
  ``departmentKey``, the department folded (absent when empty);
- identity columns keep their column name as the property key, ``identity.<attr>`` (Neo4j
  properties cannot hold maps; in Cypher write ``p.`identity.gender```), and beside each its
  folded key ``identityKey.<attr>``. An undisclosed (empty) identity value is not stored;
- the keys are folded once, in Python (:func:`mentornet.model.fold`), and the statements compare
  them: no statement folds data with ``toLower`` (Java 17 knows Unicode 13, Python newer, so the
  two would disagree on letters added since), so both backends compare the same keys;
- one relationship per row of ``relationships.csv``, of type ``MENTORS``, ``COLLEAGUE``,
  ``COAUTHOR`` or ``KNOWS``, with ``focus`` (list, absent when empty), ``status``, ``formal``
  (boolean), ``since``/``last_met`` (ISO text, absent when empty), ``duplicate`` (on the second
  and later rows with the same source, target and type: how many came before; with those three
  the key that makes loading idempotent) and any unknown columns as text. On ``COLLEAGUE``,
  ``COAUTHOR`` and ``KNOWS`` a status or formal flag at its default (``active``, false) is not
  stored: only mentorships are read by status, and most ties are then written with no property,
  which costs the server about half as much;
- one ``(:MentornetDataset {key: 'dataset'})`` node recording the identity attribute names,
  the directory loaded, the load's ``state`` (``loading`` until it completes; ``replacing`` set
  meanwhile when it is a ``--replace``, whose rows only a replace removes) and the storage
  ``format`` (:data:`.load.STORAGE_FORMAT`); a database an earlier version loaded (another
  format) is refused by every analysis, and must be loaded again.

Referrals run in ``cypher/referral_candidates.cypher`` (needs, a breadth-first search one hop
at a time that gathers the eligible people new at each hop and the whole layer only when a gap
still needs candidates further out, suitability, Jaccard scores, and the ranking, with the room
left looked up in the eligible people grouped by room) and ``cypher/referral_paths.cypher``
(for each chosen pair ``hops`` apart, the mentee's search layers walked back from the
candidate, then forward along the smallest next id, active mentors first on the first step;
and the tie descriptions). Both run in :attr:`Neo4jBackend.parallel` read sessions at once,
each on a share of the mentees or of the pairs. Statements read in bulk name their columns in
a ``// columns:`` header and are received as one record (:attr:`Statement.packed`). ``match``
takes its candidate pools from the first and solves the flow with :mod:`mentornet.matching`;
``audit_tables`` reads
``cypher/audit_mentees.cypher``, ``cypher/audit_mentors.cypher`` and the analyst queries.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

import neo4j
import neo4j.exceptions as nx_exc
import pandas as pd

from ...analysis import GAP_COLUMNS, sort_rows
from ...audit import AuditTables, with_mentor_names
from ...errors import BackendUnavailable, DatabaseIncomplete, DataError, Problem, QueryTimedOut
from ... import matching
from ...io import PEOPLE_LIST_COLUMNS
from ...model import IDENTITY_PREFIX, Dataset, Policy, fold, stale_cutoff
from ...referrals import REFER_COLUMNS
from ...snapshot import Snapshot
from ..base import Backend
from . import load as loading
from .. import check_uri
from .connection import UNAVAILABLE, _keys_and_values, _one_line, quiet_driver_logs, unavailable_message
from .load import batches
from .statements import statement

PATH_BATCH = 2_000


# --------------------------------------------------------------------------- backend


class Neo4jBackend(Backend):
    """Answers the analysis questions with Cypher run inside a Neo4j database."""

    name = "neo4j"

    def __init__(self, driver, *, uri: str, database: str | None = None, query_timeout: float | None = None,
                 parallel: int | None = None):
        self._driver = driver
        self.uri = uri
        self.database = database
        self.query_timeout = query_timeout
        #: How many sessions run at once: the referral statements' read sessions, each on a
        #: share of the mentees (or of the paths), and the load's writers. Env
        #: ``MENTORNET_NEO4J_PARALLEL``, else this machine's cores up to 4 (at least 1). Neo4j
        #: runs each statement on one core; splitting lets it use more.
        self.parallel = max(1, parallel or int(os.environ.get("MENTORNET_NEO4J_PARALLEL")
                                               or min(4, os.cpu_count() or 1)))

    @classmethod
    def connect(cls, uri: str, *, user: str | None = "neo4j", password: str | None = None,
                database: str | None = None, retry_seconds: float | None = None,
                connect_timeout: float | None = None, query_timeout: float | None = None) -> "Neo4jBackend":
        """Connect and check the server answers; :class:`BackendUnavailable` otherwise.

        The message names the URI and the reason, never the password; a URI carrying a user or
        password (``bolt://neo4j:secret@host``) is refused (:class:`DataError`) without being
        repeated. ``retry_seconds`` (default: the connect timeout) is how long a transaction is
        retried after a lost connection before giving up.
        ``connect_timeout`` (default: env ``MENTORNET_NEO4J_CONNECT_TIMEOUT`` or 10 s) bounds
        how long a server that accepts the connection but never answers may keep us waiting;
        ``query_timeout`` (default: env ``MENTORNET_NEO4J_QUERY_TIMEOUT`` or none) stops any
        statement that runs longer. Either limit, when hit, is a :class:`BackendUnavailable`
        saying which limit and how to change it.
        """
        connect_timeout = connect_timeout or float(os.environ.get("MENTORNET_NEO4J_CONNECT_TIMEOUT") or 10.0)
        if query_timeout is None and os.environ.get("MENTORNET_NEO4J_QUERY_TIMEOUT"):
            query_timeout = float(os.environ["MENTORNET_NEO4J_QUERY_TIMEOUT"])
        check_uri(uri)
        quiet_driver_logs()
        driver = None
        try:
            driver = neo4j.GraphDatabase.driver(uri, auth=(user or "neo4j", password or ""),
                                                connection_timeout=connect_timeout,
                                                connection_acquisition_timeout=connect_timeout,
                                                max_transaction_retry_time=(connect_timeout if retry_seconds is None
                                                                            else retry_seconds),
                                                notifications_min_severity="OFF")
            driver.verify_connectivity()  # fails at once, without the retries of managed transactions
            backend = cls(driver, uri=uri, database=database, query_timeout=query_timeout)
            backend._auto("RETURN 1 AS ok")  # checks the credentials and that the database exists
            return backend
        except (*UNAVAILABLE, nx_exc.Neo4jError, nx_exc.DriverError, ValueError) as exc:
            if driver is not None:
                driver.close()
            raise BackendUnavailable(unavailable_message(uri, exc, password, connect_timeout)) from None

    def close(self) -> None:
        self._driver.close()

    # -- running statements --------------------------------------------------------------

    def _session(self):
        return self._driver.session(database=self.database) if self.database else self._driver.session()

    def _work(self, func):
        """``func`` as a unit of work carrying the query timeout, when one is set."""
        return neo4j.unit_of_work(timeout=self.query_timeout)(func) if self.query_timeout else func

    def _read(self, text: str, **params) -> list[dict]:
        with self._session() as session, self._timeouts():
            return session.execute_read(self._work(lambda tx: tx.run(text, params).data()))

    def _write(self, text: str, **params) -> list[dict]:
        with self._session() as session, self._timeouts():
            return session.execute_write(self._work(lambda tx: tx.run(text, params).data()))

    @contextlib.contextmanager
    def _timeouts(self):
        """The driver's errors as one clear :class:`BackendUnavailable`: a statement stopped by
        the query timeout says which limit it hit; a server gone says so in one line."""
        try:
            yield
        except BackendUnavailable:
            raise
        except nx_exc.Neo4jError as exc:
            if "TimedOut" in (exc.code or "") or "timed out" in str(exc.message or "").lower():
                raise QueryTimedOut(
                    f"{self.uri}: a statement ran longer than "
                    + (f"the query timeout of {self.query_timeout:g} s (raise --query-timeout / "
                       "MENTORNET_NEO4J_QUERY_TIMEOUT)" if self.query_timeout else
                       "the server's transaction timeout (db.transaction.timeout)")) from None
            if isinstance(exc, UNAVAILABLE):
                raise BackendUnavailable(unavailable_message(self.uri, exc)) from None
            raise
        except UNAVAILABLE as exc:
            raise BackendUnavailable(unavailable_message(self.uri, exc)) from None

    def run_query(self, name: str, params: dict) -> pd.DataFrame:
        """Run the read statement ``cypher/<name>.cypher`` with ``params``; one row per record."""
        found = statement(name)
        if found.kind != "read":
            raise DataError(Problem("query", f"{name!r} is a statement used by load, not a query"))
        try:
            with self._session() as session, self._timeouts():
                keys, records = session.execute_read(
                    self._work(lambda tx: _keys_and_values(tx.run(found.text, params))))
        except nx_exc.ClientError as exc:
            raise DataError(Problem(f"query {name}", _one_line(exc.message or str(exc)))) from None
        return pd.DataFrame(records, columns=keys)

    def _rows(self, name: str, **params) -> list[dict]:
        return self._read(statement(name).text, **params)

    def _in_parallel(self, calls: list[tuple[str, dict]]) -> list[pd.DataFrame]:
        """``self._frame(name, **params)`` for each call, :attr:`parallel` at a time, each in
        its own session and read transaction; the frames in the order of ``calls``."""
        if self.parallel <= 1 or len(calls) <= 1:
            return [self._frame(name, **params) for name, params in calls]
        with ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="mentornet-read") as pool:
            return list(pool.map(lambda call: self._frame(call[0], **call[1]), calls))

    def _frame(self, name: str, **params) -> pd.DataFrame:
        """The rows of ``cypher/<name>.cypher`` as a DataFrame with its ``columns``, received
        as one record (:attr:`Statement.packed`): much faster than :meth:`_rows` for the
        hundred thousand rows of gaps or referrals."""
        found = statement(name)
        with self._session() as session, self._timeouts():
            rows = session.execute_read(
                self._work(lambda tx: tx.run(found.packed, params).single(strict=True)["rows"]))
        return pd.DataFrame(rows, columns=list(found.columns))

    # -- the interface (see mentornet.backends.base) ------------------------------------------

    @property
    def label(self) -> str:
        return self.uri

    def make_snapshot(self, *, policy: Policy, as_of: dt.date) -> Neo4jSnapshot:
        return Neo4jSnapshot(policy=policy, as_of=as_of, parameters=MappingProxyType({
            "cutoff": stale_cutoff(as_of, policy),
            "as_of": as_of.isoformat(),
            "concordance": {attr: sorted(values) for attr, values in policy.concordance.items()},
            "attrs": self.identity_attributes(),
            "default_capacity": policy.default_capacity,
            "max_hops": policy.max_hops,
            "limit": policy.top_k,
            "mentee": None,
            "mentees": None,
            "area": None,
            "part": 0,
            "parts": 1,
            "without": [],
            # the filters of the rows statements, for views of part of the network: none
            "only": None,
            "among": False,
            "department_key": None,
        }))

    def without(self, snap: Neo4jSnapshot, ids) -> Neo4jSnapshot:
        """The same parameters with ``$without``: every statement leaves those people out."""
        return Neo4jSnapshot(policy=snap.policy, as_of=snap.as_of,
                             parameters=MappingProxyType({**snap.parameters, "without": sorted(set(ids))}))

    def covering_mentors(self, snap: Neo4jSnapshot) -> pd.DataFrame:
        """From ``cypher/covering_mentors.cypher``, re-sorted in plain string order."""
        frame = self._frame("covering_mentors", **snap.parameters)
        return sort_rows(frame.astype(object), ["mentee_id", "area", "mentor_id"]) if not frame.empty else \
            pd.DataFrame({c: pd.Series(dtype=object) for c in ("mentee_id", "area", "mentor_id")})

    def identity_attributes(self) -> list[str]:
        """The identity attribute names the load recorded; :class:`DatabaseIncomplete` when the
        last load was cut short (its mark is still there) or is a bulk import that ``finish-import``
        has not completed (no indexes, no empty lists, no record yet), since any answer would be wrong."""
        info = self._rows("dataset_info")[0]
        source = info["source"] or "the dataset directory"
        if info["state"] == loading.LOADING:
            again = " --replace" if info["replacing"] else ""  # a replace cut short left rows only it removes
            raise DatabaseIncomplete(
                f"{self.uri}: {loading.last_load_cut_short(source, info['replacing'])} or is still running, so what "
                f"it holds is incomplete; run `mentornet load {source} {self.uri}{again}` again")
        if info["state"] == loading.IMPORTED:
            raise DatabaseIncomplete(
                f"{self.uri}: the database holds a bulk import that is not finished, so what it holds is "
                f"incomplete; run `mentornet finish-import {self.uri}` first")
        if info["people"] and info["state"] is None and info["source"] is None:
            raise DatabaseIncomplete(
                f"{self.uri}: this database holds people that no mentornet load wrote (no dataset record); "
                f"load a dataset with `mentornet load DIRECTORY {self.uri}`")
        if info["people"] and info["format"] != loading.STORAGE_FORMAT:
            raise DatabaseIncomplete(
                f"{self.uri}: the dataset in this database was loaded by an earlier version of mentornet, which did "
                f"not store the keys this version compares; load it again (`mentornet load {source} {self.uri} "
                "--replace`)")
        return list(info["identity_attributes"])

    def counts(self) -> dict[str, int]:
        """Number of people and of relationships between people in the database."""
        info = self._rows("dataset_info")[0]
        return {"people": info["people"], "relationships": info["relationships"]}

    def standard_parameters(self, snap: Snapshot | None = None, **rules) -> dict:
        """The parameters every query file draws from: the date cutoff and the policy (a copy)."""
        return dict(self.snapshot(snap, **rules).parameters)

    def read_warnings(self) -> list[Problem]:
        """None: warnings found while reading the files (duplicate rows, undisclosed
        concordance) are reported by ``load``; they are not stored in the database."""
        return []

    def warning_facts(self, snap: Neo4jSnapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
        over = pd.DataFrame(self._rows("over_capacity", **snap.parameters), columns=["mentor_id", "load", "capacity"])
        conflicts = pd.DataFrame(self._rows("leadership_conflicts", **snap.parameters),
                                 columns=["mentor_id", "mentee_id", "leadership", "department"])
        return over, conflicts

    def find_gaps(self, snap: Neo4jSnapshot, mentees=None) -> pd.DataFrame:
        """Every need without coverage, computed by ``cypher/gaps.cypher`` (or, right after the
        candidate search of a whole ``refer``, beside it: see :meth:`candidates`); with
        ``mentees``, only theirs are computed."""
        if mentees is not None:
            return self._gaps_from(self._frame("gaps", **{**snap.parameters, "mentees": _listed(mentees)}))
        found = snap.found.pop("gaps", None)
        return found if found is not None else self._gaps_from(self._frame("gaps", **snap.parameters))

    @staticmethod
    def _gaps_from(frame: pd.DataFrame) -> pd.DataFrame:
        for col in GAP_COLUMNS[:-1]:
            frame[col] = frame[col].fillna("").astype(object)
        frame["active_mentors"] = frame["active_mentors"].astype(int)
        # Neo4j orders strings by UTF-16 code unit; Python by code point: re-sort to be exact.
        return sort_rows(frame, ["mentee_id", "area"])[GAP_COLUMNS]

    def names(self, ids) -> dict[str, str]:
        rows = self._rows("names", ids=[str(i) for i in ids])
        return {r["id"]: r["name"] for r in rows}

    def asked_concordance(self, ids) -> dict[str, frozenset[str]]:
        rows = self._rows("seeks_concordance", ids=[str(i) for i in ids])
        return {r["id"]: frozenset(fold(str(a)) for a in r["seeks"]) for r in rows}

    def ranked_candidates(self, snap: Neo4jSnapshot, *, limit: int, mentee: str | None = None,
                          area: str | None = None, with_paths: bool = True, mentees=None) -> pd.DataFrame:
        """Ranked by ``cypher/referral_candidates.cypher``, walked by ``cypher/referral_paths.cypher``;
        ``mentees``: those mentees only, as one list parameter (the people with room are found once,
        not once per mentee)."""
        rows = self.candidates(snap, limit=limit, mentee=mentee, area=area,
                               mentees=_listed(mentees), gaps_too=with_paths)
        if with_paths and not rows.empty:
            rows["path"], rows["ties"] = self.referral_paths(snap, rows["mentee_id"], rows["candidate_id"],
                                                             rows["hops"])
        return rows[REFER_COLUMNS]

    def candidates(self, snap: Snapshot | None = None, *, limit: int, mentee: str | None = None,
                   area: str | None = None, mentees: list[str] | None = None, gaps_too: bool = False,
                   **rules) -> pd.DataFrame:
        """The best ``limit`` candidates of every gap (of ``mentee``, or of ``mentees``, when given;
        columns of REFER_COLUMNS, ``path`` and ``ties`` empty) plus ``remaining``, sorted by mentee,
        area, rank. ``gaps_too``: a search of every gap also finds the gaps, kept on the snapshot
        for the next :meth:`find_gaps` (`refer` asks for them next, for the gaps left open), in a
        session of its own after the search's: the parts of the search seldom end together, and
        the gaps fill the core the first to end leaves idle."""
        snap = self.snapshot(snap, **rules)
        params = {**snap.parameters, "limit": limit, "mentee": mentee, "mentees": mentees, "area": area}
        parts = 1 if mentee is not None else self.parallel
        calls = [("referral_candidates", {**params, "part": part, "parts": parts}) for part in range(parts)]
        gaps_too = gaps_too and mentee is None and mentees is None and area is None
        if gaps_too:
            calls.append(("gaps", dict(snap.parameters)))
        frames = self._in_parallel(calls)
        if gaps_too:
            snap.found["gaps"] = self._gaps_from(frames.pop())
        frames = [f for f in frames if not f.empty] or frames[:1]  # an empty part would make text columns object
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        columns = [*REFER_COLUMNS, "remaining"]
        if frame.empty:  # the embedded backend's empty frame: every column of object dtype
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        frame["shares"] = [";".join(sorted(s)) for s in frame["shares"]]
        frame["path"], frame["ties"] = "", ""
        frame = frame.astype({"rank": "int64", "hops": "int64", "score": "float64", "remaining": "int64"})
        return sort_rows(frame, ["mentee_id", "area", "rank"])[columns]

    def referral_paths(self, snap: Neo4jSnapshot, mentee_ids, candidate_ids, hops) -> tuple[list[str], list[str]]:
        """Pairs are sent sorted by mentee, so that the statement walks each mentee's layers once per batch."""
        pairs = sorted({(m, c): int(h) for m, c, h in zip(mentee_ids, candidate_ids, hops)}.items())
        rows = [{"mentee_id": m, "candidate_id": c, "hops": h} for (m, c), h in pairs]
        found = {}
        for frame in self._in_parallel([("referral_paths", {"pairs": batch, "cutoff": snap.parameters["cutoff"],
                                                           "as_of": snap.parameters["as_of"],
                                                           "without": snap.parameters.get("without", [])})
                                        for batch in batches(rows, PATH_BATCH)]):
            for m, c, path, ties in zip(frame["mentee_id"], frame["candidate_id"], frame["path"], frame["ties"]):
                found[(m, c)] = (">".join(path), ">".join(ties))
        chosen = [found[(m, c)] for m, c in zip(mentee_ids, candidate_ids)]
        return [p for p, _ in chosen], [t for _, t in chosen]

    def suited_reach(self, snap: Neo4jSnapshot, gaps: pd.DataFrame) -> pd.DataFrame:
        """From ``cypher/suited_reach.cypher``, in the order of ``gaps``."""
        key = ["mentee_id", "area"]
        if gaps.empty:
            return gaps[key].assign(suited=pd.Series(dtype=bool), unconflicted=pd.Series(dtype=bool))
        areas: dict[str, list[str]] = {}
        for m, a in zip(gaps["mentee_id"], gaps["area"]):
            areas.setdefault(m, []).append(a)
        items = [{"mentee_id": m, "areas": a} for m, a in areas.items()]
        params = {key: snap.parameters[key] for key in ("cutoff", "as_of", "max_hops")}
        params["without"] = snap.parameters.get("without", [])
        frames = self._in_parallel([("suited_reach", {**params, "gaps": batch}) for batch in batches(items, PATH_BATCH)])
        found = pd.concat(frames, ignore_index=True).astype({"suited": bool, "unconflicted": bool})
        return gaps[key].reset_index(drop=True).merge(found, on=key, how="left")

    def mentor_load(self, snap: Neo4jSnapshot, ids=None) -> pd.DataFrame:
        """From ``cypher/mentor_load.cypher``: every mentor-eligible person or anyone with a mentee
        (of ``ids`` only, when given)."""
        rows = self._frame("mentor_load", **{**snap.parameters, "only": _listed(ids)})
        rows = rows.rename(columns={"mentor_id": "id"})
        rows = rows.astype({"load": "int64", "capacity": "int64", "remaining": "int64"})
        return rows[["id", "load", "capacity", "remaining"]].set_index("id", drop=False)

    def audit_tables(self, snap: Neo4jSnapshot) -> AuditTables:
        """From ``cypher/audit_*.cypher`` and the analyst queries. The candidate search (which
        gaps have none) runs in its own sessions while the other statements run one after the
        other in this one: each of those keeps one core of the server busy, and alone they left
        the other idle (a quarter of the audit's time at 100,000 people)."""
        params = snap.parameters
        attrs = params["attrs"]
        identity_cols = [IDENTITY_PREFIX + a for a in attrs]
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mentornet-audit") as pool:
            searched = pool.submit(self.candidates, snap, limit=1)
            # a failing statement leaves the block only once the search has ended
            mentees, mentors, conflicts, stale, covering = self._audit_statements(snap, identity_cols)
            reached = searched.result()
        gap_rows = mentees[["id", "gaps"]].explode("gaps").dropna()
        gap_rows = gap_rows.rename(columns={"id": "mentee_id", "gaps": "area"})
        no_candidate = self.reasons(snap, matching.without_candidate(gap_rows, reached))
        return AuditTables(identity_attributes=tuple(attrs), mentees=mentees, mentors=mentors,
                           conflicts=conflicts[["mentor_id", "mentee_id"]], stale=stale, no_candidate=no_candidate,
                           covering=covering)

    def _audit_statements(self, snap: Neo4jSnapshot, identity_cols: list[str]) -> tuple[pd.DataFrame, ...]:
        """The audit's tables but the gaps without a candidate: mentees, mentors, leadership
        conflicts, stale mentorships and covering mentors (with their names)."""
        params = snap.parameters
        mentees = self._frame("audit_mentees", **params)
        mentees = _spread_identity(mentees, identity_cols)
        for col in ("needs", "gaps", "concordant"):
            mentees[col] = [tuple(sorted(v)) for v in mentees[col]]
        mentees = mentees.astype({"active_mentors": "int64"})[
            ["id", "department", "role", *identity_cols, "active_mentors", "needs", "gaps", "concordant"]]
        mentors = self._frame("audit_mentors", **params)
        mentors = _spread_identity(mentors, identity_cols).astype({"load": "int64", "capacity": "int64"})
        conflicts = pd.DataFrame(self._rows("leadership_conflicts", **params),
                                 columns=["mentor_id", "mentee_id", "leadership", "department"])
        stale = pd.DataFrame(self._rows("stale_mentorships", **params),
                             columns=["mentor_id", "mentee_id", "last_met", "status"])
        covering = self.covering_mentors(snap)
        covering = with_mentor_names(covering, self.names(sorted(set(covering["mentor_id"]))))
        return mentees, mentors, conflicts, stale, covering

    def people(self, ids=None, *, department: str | None = None) -> pd.DataFrame:
        """Every person from ``cypher/people_rows.cypher``, in plain string order of id, with the
        columns :mod:`mentornet.io` gives (unknown columns are not read back); only those of
        ``ids`` and of the folded ``department``, when given (found in the database)."""
        attrs = self.identity_attributes()
        frame = self._frame("people_rows", attrs=attrs, only=_listed(ids),
                            department_key=department)
        frame = _spread_identity(frame, [IDENTITY_PREFIX + a for a in attrs])
        for col in PEOPLE_LIST_COLUMNS:
            frame[col] = [tuple(v) for v in frame[col]]
        frame["capacity"] = pd.array(frame["capacity"].tolist(), dtype="Int64")
        return frame.astype({"mentee": bool, "accepting": bool}).reset_index(drop=True)

    def relationship_rows(self, ids=None, *, among: bool = False) -> pd.DataFrame:
        """Every relationship from ``cypher/relationship_rows.cypher`` (defaults filled in as
        :mod:`mentornet.io` fills them), sorted by source, target, type and duplicate number;
        those naming one of ``ids`` (both people ``among`` them) when given."""
        frame = self._frame("relationship_rows", only=_listed(ids), among=among)
        frame["focus"] = [tuple(v) for v in frame["focus"]]
        return frame[["source", "target", "type", "focus", "status", "since", "last_met"]]

    def load(self, ds: Dataset, *, replace: bool = False,
             progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
        """Write a validated dataset (:func:`mentornet.backends.neo4j.load.load_dataset`)."""
        self._last = None  # a snapshot made before describes what was there before
        return loading.load_dataset(self, ds, replace=replace, progress=progress)

    def delete_loaded(self) -> None:
        """Delete every :Person (with its relationships) and the dataset record, in batches."""
        self._last = None
        loading.delete_loaded(self)

    def _auto(self, text: str, **params) -> list[dict]:
        """``text`` in an auto-commit transaction (schema statements, ``CALL ... IN TRANSACTIONS``;
        not retried); its records."""
        with self._session() as session, self._timeouts():
            return session.run(text, params).data()


@dataclass(frozen=True, eq=False)
class Neo4jSnapshot(Snapshot):
    """The rules as the parameters every statement draws from, asked of the database once.

    A snapshot of the dataset without some people (:meth:`Neo4jBackend.without`, the departure
    stress test) has their ids as ``$without``, which the gap, candidate, path, load and coverage
    statements leave out (``NOT p.id IN $without``); nothing is deleted."""

    parameters: Mapping = field(default_factory=dict)
    #: Answers found ahead of being asked (``gaps``, beside `refer`'s search), each given once.
    found: dict = field(default_factory=dict, repr=False)


def _listed(ids) -> list[str] | None:
    """A collection of ids as a statement's list parameter (each once, sorted), or None for everyone."""
    return None if ids is None else sorted(set(ids))


def _spread_identity(frame: pd.DataFrame, identity_cols: list[str]) -> pd.DataFrame:
    """The ``identity`` list column (values in ``$attrs`` order) as one column per attribute."""
    values = list(frame.pop("identity"))
    for i, col in enumerate(identity_cols):
        frame[col] = [v[i] for v in values]
    return frame

