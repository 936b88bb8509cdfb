"""The Neo4j backend: the dataset lives in a Neo4j database, the analysis runs inside it.

Every statement is a named file in ``cypher/`` (the package ``mentornet.cypher``); Python
only passes parameters and turns rows into DataFrames. Values are always parameters, and
relationship types come from the fixed list in :data:`mentornet.model.REL_TYPES` (one
statement file per type), never from the data.

How a dataset is stored (see the README, "Neo4j"):

- one ``(:Person)`` node per person, ``id`` unique (constraint ``mentornet_person_id``); text
  columns as strings, list columns (``research_interests``, ``career_interests``,
  ``seeks_concordance``, ``leadership``) as lists of strings, absent when empty (write
  ``coalesce(p.leadership, [])``), ``mentee``/``accepting`` as
  booleans, ``capacity`` as an integer or absent when empty; ``id_codepoints``, the id as a
  list of Unicode code points, so that ``ORDER BY p.id_codepoints`` is Python's plain string
  order (Neo4j compares strings by UTF-16 code unit, which differs for characters above
  U+FFFF); ``research_lower``/``career_lower`` (always present), the interests as sorted
  lower-case sets, so the referral queries compare topics without re-normalising them for
  every pair (a database loaded by an earlier version must be loaded again). Stored even when
  equal to the interests: a query reading an absent property scans the whole property chain,
  which made `refer` about a fifth slower;
- identity columns keep their column name as the property key, ``identity.<attr>`` (Neo4j
  properties cannot hold maps; in Cypher write ``p.`identity.gender```). An undisclosed
  (empty) identity value is not stored;
- one relationship per row of ``relationships.csv``, of type ``MENTORS``, ``COLLEAGUE``,
  ``COAUTHOR`` or ``KNOWS``, with ``focus`` (list, absent when empty), ``status``, ``formal``
  (boolean), ``since``/``last_met`` (ISO text, absent when empty), ``duplicate`` (on the second
  and later rows with the same source, target and type: how many came before; with those three
  the key that makes loading idempotent) and any unknown columns as text. On ``COLLEAGUE``,
  ``COAUTHOR`` and ``KNOWS`` a status or formal flag at its default (``active``, false) is not
  stored: only mentorships are read by status, and most ties are then written with no property,
  which costs the server about half as much;
- one ``(:MentornetDataset {key: 'dataset'})`` node recording the identity attribute names.

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
import functools
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from typing import Callable, Iterator

import neo4j
import neo4j.exceptions as nx_exc
import numpy as np
import pandas as pd

from .. import matching
from ..analysis import GAP_COLUMNS, sort_rows
from ..errors import BackendUnavailable, DataError, Problem
from ..io import PEOPLE_LIST_COLUMNS
from ..model import IDENTITY_PREFIX, REL_TYPES, Dataset, Policy, stale_cutoff
from ..referrals import REFER_COLUMNS
from ..report import AuditTables

BATCH_ROWS = 10_000
PATH_BATCH = 2_000
DELETE_BATCH = 10_000
HEADER_RE = re.compile(r"^//\s*(\w+):\s*(.*?)\s*$")
#: Errors meaning the server cannot be used: unreachable, gone, or refusing the credentials.
UNAVAILABLE = (nx_exc.ServiceUnavailable, nx_exc.SessionExpired, nx_exc.AuthError,
               nx_exc.DatabaseUnavailable, nx_exc.ConfigurationError, nx_exc.ConnectionAcquisitionTimeoutError,
               OSError)


# --------------------------------------------------------------------------- cypher files


@dataclass(frozen=True)
class Statement:
    """One ``cypher/*.cypher`` file: its header fields and its text."""

    name: str
    description: str
    parameters: str
    kind: str  # "read" (analyst queries, run by `mentornet query`) or "write" (used by load)
    text: str
    columns: tuple[str, ...] = ()  # the names it returns, for the statements read in bulk

    @property
    def packed(self) -> str:
        """The statement wrapped to send all its rows as one record, ``rows``, a list of
        ``[column values...]`` in :attr:`columns` order. The driver spends about 20 µs of Python
        per record, which for the 200,000 rows of a large ``refer`` took a core from the server."""
        if not self.columns:
            raise ValueError(f"{self.name}: no '// columns:' header to pack the rows by")
        return f"CALL () {{\n{self.text}\n}}\nRETURN collect([{', '.join(self.columns)}]) AS rows\n"


@functools.cache
def statement(name: str) -> Statement:
    """The statement in ``cypher/<name>.cypher`` (read once per process); :class:`DataError`
    if there is none."""
    resource = files("mentornet.cypher") / f"{name}.cypher"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or not resource.is_file():
        known = ", ".join(s.name for s in statements(kind="read"))
        raise DataError(Problem("query", f"no query named {name!r} (known: {known})"))
    return _parse(name, resource.read_text(encoding="utf-8"))


def statements(*, kind: str | None = None) -> list[Statement]:
    """Every statement file, sorted by name (only those of ``kind`` when given)."""
    found = []
    for resource in files("mentornet.cypher").iterdir():
        if resource.name.endswith(".cypher"):
            found.append(_parse(resource.name[: -len(".cypher")], resource.read_text(encoding="utf-8")))
    return sorted((s for s in found if kind is None or s.kind == kind), key=lambda s: s.name)


def _parse(name: str, text: str) -> Statement:
    header = {}
    for line in text.splitlines():
        m = HEADER_RE.match(line)
        if not m:
            break
        header[m.group(1).lower()] = m.group(2)
    return Statement(name=header.get("name", name), description=header.get("description", ""),
                     parameters=header.get("parameters", ""), kind=header.get("kind", "read"), text=text,
                     columns=tuple(c.strip() for c in header.get("columns", "").split(",") if c.strip()))


# --------------------------------------------------------------------------- rows to write


#: Person columns stored under their own name; identity and unknown columns go in ``extra``.
STORED_PERSON_COLUMNS = ("id", "name", "department", "institution", "career_stage", "role", "mentee",
                         *PEOPLE_LIST_COLUMNS, "accepting", "capacity")
#: What the analysis queries compare, computed at load time (see the module docstring).
DERIVED_PERSON_COLUMNS = ("id_codepoints", "research_lower", "career_lower")


def person_columns(people: pd.DataFrame) -> dict[str, list]:
    """One batch of people as the column lists the people statements take: each of
    :data:`STORED_PERSON_COLUMNS` and :data:`DERIVED_PERSON_COLUMNS` (``None`` where nothing is
    stored: an empty list, an empty capacity), and ``extra``, one map per person of the
    identity columns (undisclosed values left out) and any unknown columns."""
    convert = {"capacity": lambda v: None if pd.isna(v) else int(v), "mentee": bool, "accepting": bool,
               **{col: lambda v: list(v) or None for col in PEOPLE_LIST_COLUMNS}}
    params = {col: _column(people, col, convert.get(col, _plain)) for col in STORED_PERSON_COLUMNS}
    params["id_codepoints"] = [[ord(ch) for ch in i] for i in params["id"]]
    for col, source in (("research_lower", "research_interests"), ("career_lower", "career_interests")):
        params[col] = [sorted({t.lower() for t in v or ()}) for v in params[source]]
    others = [c for c in people.columns if c not in (*STORED_PERSON_COLUMNS, *DERIVED_PERSON_COLUMNS)]
    params["extra"] = _extra(people, others,
                             lambda col: (lambda v: v or None) if col.startswith(IDENTITY_PREFIX) else _plain)
    return params


#: Relationship columns stored under their own name (anything else is stored as text, see ``extra``).
STORED_REL_COLUMNS = ("duplicate", "focus", "status", "formal", "since", "last_met")


def relationship_columns(rels: pd.DataFrame, nodes: dict[str, str], *, split_plain: bool) -> dict[str, list]:
    """One batch of ``Dataset.relationships`` (all of one type, with a ``duplicate`` column, see
    :func:`duplicate_numbers`) as the column lists the relationship statements take:
    ``node_a``/``node_b`` (the element ids ``nodes`` maps source and target to), each of
    :data:`STORED_REL_COLUMNS` and ``extra``, one map of the unknown columns per row. Columns,
    not one map per row: much less to encode here and to unpack in the server.

    ``None`` where nothing is stored: an empty list or date, the first row of a pair, no
    unknown value, and on ``COLLEAGUE``, ``COAUTHOR`` and ``KNOWS`` a status or formal flag at
    its default (``active``, false; only mentorships are read by status). With
    ``split_plain``, the rows left with nothing to store (most acquaintance ties) go apart as
    ``plain_a`` and ``plain_b``: the create statements write them with a bare ``CREATE``, which
    costs the server about half as much as one that sets properties. Without it those two lists
    are empty.
    """
    tie = rels["type"].ne("MENTORS").to_numpy()
    formal = rels["formal"].to_numpy(dtype=object)
    values = {
        "duplicate": rels["duplicate"].to_numpy(),
        "focus": rels["focus"].to_numpy(),
        "status": rels["status"].where(~(tie & rels["status"].eq("active").to_numpy())).to_numpy(),
        "formal": np.where(tie & (formal == False), None, formal),  # noqa: E712 (elementwise)
        "since": rels["since"].to_numpy(),
        "last_met": rels["last_met"].to_numpy(),
    }
    unknown = [c for c in rels.columns if c not in (*STORED_REL_COLUMNS, "source", "target", "type", "row")]
    extra = np.array([m or None for m in _extra(rels, unknown, lambda col: _plain)] or [None] * len(rels),
                     dtype=object)
    plain = np.zeros(len(rels), dtype=bool)
    if split_plain:
        plain = ((values["duplicate"] == 0) & (rels["focus"].str.len().to_numpy() == 0)
                 & pd.isna(values["status"]) & pd.isna(values["formal"])
                 & (values["since"] == "") & (values["last_met"] == "") & pd.isna(extra))
    node_a = np.array([nodes[i] for i in rels["source"]], dtype=object)
    node_b = np.array([nodes[i] for i in rels["target"]], dtype=object)
    kept = ~plain
    return {
        "plain_a": node_a[plain].tolist(),
        "plain_b": node_b[plain].tolist(),
        "node_a": node_a[kept].tolist(),
        "node_b": node_b[kept].tolist(),
        "duplicate": [int(v) or None for v in values["duplicate"][kept].tolist()],
        "focus": [list(v) or None for v in values["focus"][kept]],
        "status": [v if isinstance(v, str) else None for v in values["status"][kept].tolist()],
        "formal": [None if pd.isna(v) else bool(v) for v in values["formal"][kept].tolist()],
        "since": [v or None for v in values["since"][kept].tolist()],
        "last_met": [v or None for v in values["last_met"][kept].tolist()],
        "extra": extra[kept].tolist(),
    }


def duplicate_numbers(rels: pd.DataFrame) -> pd.Series:
    """For each relationship row, how many earlier rows have the same source, target and type
    (0 for the first): with those three, the key that makes loading idempotent."""
    return rels.groupby(["type", "source", "target"], sort=False).cumcount()


def _column(frame: pd.DataFrame, col: str, convert: Callable) -> list:
    """``convert`` applied to each value of ``col``; all ``None`` when the frame lacks it."""
    return [convert(v) for v in frame[col]] if col in frame.columns else [None] * len(frame)


def _extra(frame: pd.DataFrame, columns: list[str], converter: Callable[[str], Callable]) -> list[dict]:
    """One map per row of ``columns`` (each converted by ``converter(column)``, ``None`` values
    left out); an empty list when there are no such columns."""
    if not columns:
        return []
    values = [_column(frame, col, converter(col)) for col in columns]
    return [{k: v for k, v in zip(columns, row) if v is not None} for row in zip(*values)]


def _plain(value):
    if value is None or (not isinstance(value, (str, list, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def batches(rows: list, size: int = BATCH_ROWS) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


# --------------------------------------------------------------------------- backend


class Neo4jBackend:
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
                database: str | None = None, retry_seconds: float = 30.0,
                connect_timeout: float | None = None, query_timeout: float | None = None) -> "Neo4jBackend":
        """Connect and check the server answers; :class:`BackendUnavailable` otherwise.

        The message names the URI and the reason, never the password. ``retry_seconds`` is how
        long a transaction is retried after a lost connection before giving up.
        ``connect_timeout`` (default: env ``MENTORNET_NEO4J_CONNECT_TIMEOUT`` or 10 s) bounds
        how long a server that accepts the connection but never answers may keep us waiting;
        ``query_timeout`` (default: env ``MENTORNET_NEO4J_QUERY_TIMEOUT`` or none) stops any
        statement that runs longer. Either limit, when hit, is a :class:`BackendUnavailable`
        saying which limit and how to change it.
        """
        connect_timeout = connect_timeout or float(os.environ.get("MENTORNET_NEO4J_CONNECT_TIMEOUT") or 10.0)
        if query_timeout is None and os.environ.get("MENTORNET_NEO4J_QUERY_TIMEOUT"):
            query_timeout = float(os.environ["MENTORNET_NEO4J_QUERY_TIMEOUT"])
        driver = None
        try:
            driver = neo4j.GraphDatabase.driver(uri, auth=(user or "neo4j", password or ""),
                                                connection_timeout=connect_timeout,
                                                connection_acquisition_timeout=connect_timeout,
                                                max_transaction_retry_time=retry_seconds)
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

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

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
        """A statement stopped by the query timeout becomes a clear BackendUnavailable."""
        try:
            yield
        except nx_exc.Neo4jError as exc:
            if "TimedOut" in (exc.code or "") or "timed out" in str(exc.message or "").lower():
                raise BackendUnavailable(
                    f"{self.uri}: a statement ran longer than the query timeout of {self.query_timeout} s "
                    "(raise --query-timeout / MENTORNET_NEO4J_QUERY_TIMEOUT)") from None
            raise

    def run_query(self, name: str, params: dict) -> pd.DataFrame:
        """Run the read statement ``cypher/<name>.cypher`` with ``params``; one row per record."""
        found = statement(name)
        if found.kind != "read":
            raise DataError(Problem("query", f"{name!r} is a statement used by load, not a query"))
        try:
            with self._session() as session:
                keys, records = session.execute_read(lambda tx: _keys_and_values(tx.run(found.text, params)))
        except nx_exc.ClientError as exc:
            raise DataError(Problem(f"query {name}", _one_line(exc.message or str(exc)))) from None
        except UNAVAILABLE as exc:
            raise BackendUnavailable(unavailable_message(self.uri, exc)) from None
        return pd.DataFrame(records, columns=keys)

    def _rows(self, name: str, **params) -> list[dict]:
        try:
            return self._read(statement(name).text, **params)
        except UNAVAILABLE as exc:
            raise BackendUnavailable(unavailable_message(self.uri, exc)) from None

    # -- the interface -----------------------------------------------------------------

    def identity_attributes(self) -> list[str]:
        return list(self._rows("dataset_info")[0]["identity_attributes"])

    def counts(self) -> dict[str, int]:
        """Number of people and of relationships between people in the database."""
        info = self._rows("dataset_info")[0]
        return {"people": info["people"], "relationships": info["relationships"]}

    def standard_parameters(self, *, policy: Policy, as_of: dt.date) -> dict:
        """The parameters every query file draws from: the date cutoff and the policy."""
        return {
            "cutoff": stale_cutoff(as_of, policy),
            "concordance": {attr: sorted(values) for attr, values in policy.concordance.items()},
            "attrs": self.identity_attributes(),
            "default_capacity": policy.default_capacity,
            "max_hops": policy.max_hops,
            "limit": policy.top_k,
            "mentee": None,
            "area": None,
            "part": 0,
            "parts": 1,
        }

    def warnings(self, *, policy: Policy, as_of: dt.date) -> list[Problem]:
        """Over-capacity mentors and leadership conflicts, computed in the database.

        Warnings found while reading the files (duplicate rows, undisclosed concordance) are
        reported by ``load``; they are not stored in the database.
        """
        params = self.standard_parameters(policy=policy, as_of=as_of)
        found = []
        for row in self._rows("over_capacity", **params):
            found.append(Problem(self.uri, f"mentor {row['mentor_id']!r} has {row['load']} active mentees, "
                                           f"over capacity {row['capacity']}", severity="warning"))
        for row in self._rows("leadership_conflicts", **params):
            found.append(Problem(self.uri, f"leader {row['mentor_id']!r} mentors {row['mentee_id']!r}, a trainee "
                                           "of their own department (leadership conflict)", severity="warning"))
        return found

    def gaps(self, *, policy: Policy, as_of: dt.date) -> pd.DataFrame:
        """Every need without coverage, computed by ``cypher/gaps.cypher``; same frame as the embedded backend."""
        params = self.standard_parameters(policy=policy, as_of=as_of)
        frame = self._frame("gaps", **params)
        for col in GAP_COLUMNS[:-1]:
            frame[col] = frame[col].fillna("").astype(object)
        frame["active_mentors"] = frame["active_mentors"].astype(int)
        # Neo4j orders strings by UTF-16 code unit; Python by code point: re-sort to be exact.
        return sort_rows(frame, ["mentee_id", "area"])[GAP_COLUMNS]

    def names(self, ids) -> dict[str, str]:
        """Display names for the given ids."""
        rows = self._rows("names", ids=[str(i) for i in ids])
        return {r["id"]: r["name"] for r in rows}

    def asked_concordance(self, ids) -> dict[str, frozenset[str]]:
        """The attributes each given mentee asked concordance on (``seeks_concordance``)."""
        rows = self._rows("seeks_concordance", ids=[str(i) for i in ids])
        return {r["id"]: frozenset(str(a).lower() for a in r["seeks"]) for r in rows}

    def refer(self, *, policy: Policy, as_of: dt.date, mentee: str | None = None,
              area: str | None = None) -> pd.DataFrame:
        """Top-k referrals per gap with paths, ranked by ``cypher/referral_candidates.cypher``
        and walked by ``cypher/referral_paths.cypher``; the same frame as the embedded backend."""
        self.check_filters(mentee=mentee, area=area)
        rows = self.candidates(policy=policy, as_of=as_of, limit=policy.top_k, mentee=mentee,
                               area=None if area is None else area.strip().lower())
        if rows.empty:
            return rows[REFER_COLUMNS]
        rows["path"], rows["ties"] = self.paths(rows["mentee_id"], rows["candidate_id"], rows["hops"], policy=policy,
                                                as_of=as_of)
        return rows[REFER_COLUMNS]

    def check_filters(self, *, mentee: str | None, area: str | None) -> None:
        """The checks of :func:`mentornet.referrals.check_filters`, asked of the database."""
        if mentee is not None and not self.names([mentee]):
            raise DataError(Problem("--mentee", f"no person with id {mentee!r} in {self.uri}"))
        if area is not None:
            known = {"research", "career"} | {f"identity:{a}" for a in self.identity_attributes()}
            if area.strip().lower() not in known:
                raise DataError(Problem("--area", f"unknown area {area!r} (expected one of {', '.join(sorted(known))})"))

    def candidates(self, *, policy: Policy, as_of: dt.date, limit: int, mentee: str | None = None,
                   area: str | None = None) -> pd.DataFrame:
        """The best ``limit`` candidates of every gap (columns of REFER_COLUMNS, ``path`` and
        ``ties`` empty) plus ``remaining``, sorted by mentee, area, rank."""
        params = {**self.standard_parameters(policy=policy, as_of=as_of), "limit": limit, "mentee": mentee,
                  "area": area}
        parts = 1 if mentee is not None else self.parallel
        frames = self._in_parallel([("referral_candidates", {**params, "part": part, "parts": parts})
                                    for part in range(parts)])
        frames = [f for f in frames if not f.empty] or frames[:1]  # an empty part would make text columns object
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        columns = [*REFER_COLUMNS, "remaining"]
        if frame.empty:  # the embedded backend's empty frame: every column of object dtype
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        frame["shares"] = [";".join(sorted(s)) for s in frame["shares"]]
        frame["path"], frame["ties"] = "", ""
        frame = frame.astype({"rank": "int64", "hops": "int64", "score": "float64", "remaining": "int64"})
        return sort_rows(frame, ["mentee_id", "area", "rank"])[columns]

    def paths(self, mentee_ids, candidate_ids, hops, *, policy: Policy, as_of: dt.date) -> tuple[list[str], list[str]]:
        """Referral paths and tie descriptions (``>``-joined) for (mentee, candidate) pairs ``hops`` apart.

        Pairs are sent sorted by mentee, so that the statement walks each mentee's layers once per batch.
        """
        pairs = sorted({(m, c): int(h) for m, c, h in zip(mentee_ids, candidate_ids, hops)}.items())
        rows = [{"mentee_id": m, "candidate_id": c, "hops": h} for (m, c), h in pairs]
        found = {}
        cutoff = stale_cutoff(as_of, policy)
        for frame in self._in_parallel([("referral_paths", {"pairs": batch, "cutoff": cutoff})
                                        for batch in batches(rows, PATH_BATCH)]):
            for m, c, path, ties in zip(frame["mentee_id"], frame["candidate_id"], frame["path"], frame["ties"]):
                found[(m, c)] = (">".join(path), ">".join(ties))
        chosen = [found[(m, c)] for m, c in zip(mentee_ids, candidate_ids)]
        return [p for p, _ in chosen], [t for _, t in chosen]

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
        try:
            with self._session() as session, self._timeouts():
                rows = session.execute_read(
                    self._work(lambda tx: tx.run(found.packed, params).single(strict=True)["rows"]))
        except UNAVAILABLE as exc:
            raise BackendUnavailable(unavailable_message(self.uri, exc)) from None
        return pd.DataFrame(rows, columns=list(found.columns))

    def match(self, *, policy: Policy, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(assignment rows, open gaps with reasons): pools from the database, the flow solved
        by :func:`mentornet.matching.solve_match`, paths from the database."""
        gaps = self.gaps(policy=policy, as_of=as_of)
        pools = self.candidates(policy=policy, as_of=as_of, limit=policy.match_pool)
        remaining = self.remaining(policy=policy, as_of=as_of)
        chosen = matching.solve_match(pools, remaining)
        open_ = matching.open_gaps(gaps, pools, chosen, remaining)
        chosen = chosen[["mentee_id", "area", "candidate_id", "hops"]].reset_index(drop=True)
        chosen["path"] = self.paths(chosen["mentee_id"], chosen["candidate_id"], chosen["hops"], policy=policy,
                                    as_of=as_of)[0]
        return sort_rows(chosen, ["mentee_id", "area"])[matching.MATCH_COLUMNS], open_

    def remaining(self, *, policy: Policy, as_of: dt.date) -> pd.Series:
        """Remaining capacity of every mentor-eligible person (or with a mentee), by id."""
        rows = self._frame("mentor_load", **self.standard_parameters(policy=policy, as_of=as_of))
        return pd.Series(rows["remaining"].to_numpy(), index=rows["mentor_id"].to_numpy(), dtype="int64")

    def audit_tables(self, *, policy: Policy, as_of: dt.date) -> AuditTables:
        """The tables :func:`mentornet.report.audit` composes, from ``cypher/audit_*.cypher``."""
        params = self.standard_parameters(policy=policy, as_of=as_of)
        attrs = params["attrs"]
        identity_cols = [IDENTITY_PREFIX + a for a in attrs]
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
        gap_rows = mentees[["id", "gaps"]].explode("gaps").dropna()
        reached = self.candidates(policy=policy, as_of=as_of, limit=1)
        reached_keys = set(zip(reached["mentee_id"], reached["area"]))
        no_candidate = pd.DataFrame([(m, a) for m, a in zip(gap_rows["id"], gap_rows["gaps"])
                                     if (m, a) not in reached_keys], columns=["mentee_id", "area"])
        return AuditTables(identity_attributes=tuple(attrs), mentees=mentees, mentors=mentors,
                           conflicts=conflicts[["mentor_id", "mentee_id"]], stale=stale, no_candidate=no_candidate)

    @property
    def dataset(self):
        raise DataError(Problem(self.uri, "this command is not available for a Neo4j source yet; "
                                          "run it on the dataset directory"))

    # -- loading -----------------------------------------------------------------------

    def load(self, ds: Dataset, *, replace: bool = False,
             progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
        """Write a validated dataset idempotently; returns the rows written per kind.

        Schema first, then people, then relationships, in batches of :data:`BATCH_ROWS`.
        ``replace`` first deletes what an earlier load wrote. ``progress(kind, done, total)``
        is called after each batch. A connection lost midway raises
        :class:`BackendUnavailable`; running the load again converges.

        How it stays fast (see the README, "Neo4j"): a database holding no people when the
        load begins (a first load, or after ``replace``) is written with ``CREATE``
        (``cypher/create_*.cypher``), since nothing can match; otherwise
        (``cypher/load_*.cypher``) people are merged on their id and relationships found by
        their two people, type and duplicate number, which is what makes an interrupted load
        converge when run again. The people statements return each
        person's element id and the relationship statements find people by it; at the end,
        each element id is checked to still be its person's (:meth:`_check_people`), so a person
        deleted or re-created meanwhile is an error, not a silently wrong edge; after a load
        over people already there, more relationships than rows is one too
        (:meth:`_check_no_more_relationships`). :attr:`parallel` threads write batches at once
        (no two hold the same row; Neo4j takes the locks for new relationships in a fixed
        order, and any deadlock is retried by the driver) while this one prepares the next
        rows; the people are all written before the first relationship.
        """
        progress = progress or (lambda kind, done, total: None)
        written = {"people": 0, "relationships": 0}
        try:
            for name in ("schema_person_id", "schema_person_mentee", "schema_person_department"):
                self._auto(statement(name).text)
            if replace:
                self.delete_loaded()
            verb = "create" if self.counts()["people"] == 0 else "load"
            people = ds.people
            nodes: dict[str, str] = {}  # person id -> element id, from the people statements
            with _Pipeline(self._write, workers=self.parallel) as pipe:  # batches are prepared while others are written
                text = statement(f"{verb}_people").text
                for start in range(0, len(people), BATCH_ROWS):
                    pipe.submit(text, person_columns(people.iloc[start:start + BATCH_ROWS]),
                                lambda params, result: _people_written(len(params["id"]), result, nodes, written,
                                                                       progress, len(people)))
                rels = ds.relationships.assign(duplicate=duplicate_numbers(ds.relationships))  # while people are written
                pipe.drain()
                for rtype in REL_TYPES:
                    text = statement(f"{verb}_{rtype.lower()}").text
                    of_type = rels[rels["type"] == rtype]
                    for start in range(0, len(of_type), BATCH_ROWS):
                        batch = relationship_columns(of_type.iloc[start:start + BATCH_ROWS], nodes,
                                                     split_plain=verb == "create")
                        pipe.submit(text, batch, lambda params, result: _relationships_written(
                            len(params["node_a"]) + len(params["plain_a"]), result, written, progress,
                            len(rels), self.uri))
            self._check_people(nodes)
            if verb == "load":
                self._check_no_more_relationships(len(rels))
            self._write(statement("load_dataset_info").text, attrs=ds.identity_attributes, source=ds.source)
        except BackendUnavailable:
            raise
        except UNAVAILABLE as exc:
            raise BackendUnavailable(f"{unavailable_message(self.uri, exc)} {_how_far(written)}") from None
        except nx_exc.ConstraintError:
            raise BackendUnavailable(f"{self.uri}: another client wrote people into the database during this load "
                                     f"{_how_far(written)}") from None
        return written

    def _check_people(self, nodes: dict[str, str]) -> None:
        """Raise :class:`BackendUnavailable` unless every element id the relationships were
        written by still belongs to its person. Checked once here rather than at each
        relationship end (two million property reads at 100,000 people): a person deleted
        meanwhile already shows as a batch writing too few relationships; this catches one
        whose element id another client's new node has taken."""
        found = self._read(statement("load_check_people").text, ids=list(nodes), nodes=list(nodes.values()))
        if found[0]["found"] < len(nodes):
            raise BackendUnavailable(
                f"{self.uri}: people were deleted or re-created by another client during this load, so some "
                f"relationships may join the wrong people; run the load again with --replace")

    def _check_no_more_relationships(self, expected: int) -> None:
        """After a load over people already there: raise :class:`BackendUnavailable` if the
        database holds more relationships between people than ``relationships.csv`` has rows.
        They come from an earlier load of other files, from a version of mentornet that keyed
        relationships differently, or from another load running at the same time (the
        statements look a relationship up, then create it, without MERGE's lock)."""
        found = self.counts()["relationships"]
        if found > expected:
            raise BackendUnavailable(
                f"{self.uri}: the database holds {found:,} relationships between people, {found - expected:,} more "
                f"than the files (left by a load of other files or of an earlier mentornet version, or written "
                f"by another load at the same time); run the load again with --replace")

    def delete_loaded(self) -> None:
        """Delete every :Person (with its relationships) and the dataset record, in batches."""
        for name in ("delete_relationships", "delete_people"):
            text = statement(name).text
            while self._write(text, batch=DELETE_BATCH)[0]["deleted"]:
                pass

    def _auto(self, text: str, **params) -> None:
        with self._session() as session:
            session.run(text, params).consume()


class _Pipeline:
    """Statements run on ``workers`` threads (each its own session and transaction) while the
    caller prepares the next.

    ``submit(text, params, done)`` queues ``write(text, **params)``; ``done(params, result)`` is
    called on the caller's thread, in submission order, once it has finished. At most ``depth``
    statements (default ``workers + 1``) are queued or running, so prepared batches do not pile
    up in memory. The first error (of a write or of ``done``) is raised from
    ``submit``/``drain``/the end of the ``with`` block; from then on nothing more is sent
    (statements already running finish first).
    """

    def __init__(self, write: Callable[..., list[dict]], depth: int | None = None, workers: int = 1):
        self._write = write
        self._depth = depth or workers + 1
        self._pending: list = []
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mentornet-load")

    def submit(self, text: str, params: dict, done: Callable[[dict, list[dict]], None]) -> None:
        while len(self._pending) >= self._depth:
            self._finish_one()
        self._pending.append((self._pool.submit(self._run, text, params), params, done))

    def drain(self) -> None:
        while self._pending:
            self._finish_one()

    def _run(self, text: str, params: dict):
        if self._stop.is_set():
            return None  # something failed: that error is what the caller sees
        try:
            return self._write(text, **params)
        except BaseException:
            self._stop.set()
            raise

    def _finish_one(self) -> None:
        future, params, done = self._pending.pop(0)
        try:
            done(params, future.result())
        except BaseException:
            self._stop.set()
            raise

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.drain()
        finally:
            self._stop.set()  # after an error nothing queued is sent; after success nothing is queued
            self._pool.shutdown(wait=True, cancel_futures=True)


def _people_written(count, result, nodes, written, progress, total) -> None:
    nodes.update(zip(result[0]["ids"], result[0]["nodes"]))
    written["people"] += count
    progress("people", written["people"], total)


def _how_far(written: dict[str, int]) -> str:
    return (f"(after {written['people']} people and {written['relationships']} relationships; "
            "run the load again: it converges)")


def _relationships_written(count, result, written, progress, total, uri) -> None:
    if result[0]["written"] < count:
        raise BackendUnavailable(f"{uri}: people were deleted or re-created by another client during this load "
                                 f"{_how_far(written)}")
    written["relationships"] += count
    progress("relationships", written["relationships"], total)


def _spread_identity(frame: pd.DataFrame, identity_cols: list[str]) -> pd.DataFrame:
    """The ``identity`` list column (values in ``$attrs`` order) as one column per attribute."""
    values = list(frame.pop("identity"))
    for i, col in enumerate(identity_cols):
        frame[col] = [v[i] for v in values]
    return frame


def _keys_and_values(result) -> tuple[list[str], list[list]]:
    keys = list(result.keys())
    return keys, [list(record.values()) for record in result]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def unavailable_message(uri: str, exc: BaseException, password: str | None = None,
                        connect_timeout: float | None = None) -> str:
    """One line saying why ``uri`` cannot be used; the password is never part of it."""
    text = str(exc)
    if connect_timeout and ("deadline" in text.lower() or "timed out" in text.lower()):
        reason = (f"the server did not answer within {connect_timeout:g} s "
                  "(raise --connect-timeout / MENTORNET_NEO4J_CONNECT_TIMEOUT if it is just slow)")
    elif isinstance(exc, nx_exc.AuthError):
        reason = "authentication failed (check --user / NEO4J_USERNAME and NEO4J_PASSWORD)"
    elif isinstance(exc, nx_exc.Neo4jError) and "database" in str(exc.message or "").lower():
        reason = _one_line(exc.message)
    elif isinstance(exc, (nx_exc.ServiceUnavailable, nx_exc.SessionExpired, OSError)):
        reason = "cannot reach the server (is it running, and is the address right?)"
    else:
        reason = _one_line(getattr(exc, "message", None) or str(exc) or type(exc).__name__)
    message = f"{uri}: {reason}"
    if password:
        message = message.replace(password, "***")
    return message


__all__ = ["Neo4jBackend", "Statement", "statement", "statements", "person_columns", "relationship_columns"]
