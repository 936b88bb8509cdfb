"""Loading a dataset into Neo4j: rows encoded as the column lists the write statements take,
and the pipeline that writes batches on several sessions while the next are prepared."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Callable, Iterator

import neo4j.exceptions as nx_exc
import numpy as np
import pandas as pd

from ...errors import BackendUnavailable, DataError, LoadInterrupted, Problem
from ...io import PEOPLE_LIST_COLUMNS
from ...interrupts import CtrlCBetweenSteps
from ...model import IDENTITY_PREFIX, REL_TYPES, Dataset, fold, fold_values
from .connection import UNAVAILABLE, unavailable_message
from .statements import statement

if TYPE_CHECKING:
    from .queries import Neo4jBackend

BATCH_ROWS = 10_000
DELETE_BATCH = 1_000  # people (with their relationships, ~20 each in generated data) per transaction
#: ``--replace`` looks up this many rows of the files (evenly spread) in the database, and updates
#: it in place when it holds at least :data:`IN_PLACE_SHARE` of them (see :func:`load_dataset`).
REPLACE_SAMPLE = 1_000
IN_PLACE_SHARE = 0.5
KEY_LIMIT = 2 ** 62  # with_duplicate_numbers renumbers its key before it could reach this


class LoadConflict(BackendUnavailable):
    """Another client changed the database during the load (exit 3, like a lost connection)."""

    heading = "load stopped"


# --------------------------------------------------------------------------- rows to write


#: Person columns stored under their own name; identity and unknown columns go in ``extra``.
STORED_PERSON_COLUMNS = ("id", "name", "department", "institution", "career_stage", "role", "mentee",
                         *PEOPLE_LIST_COLUMNS, "accepting", "capacity")
#: What the analysis queries compare, computed at load time (see :mod:`.queries`): the statements
#: compare these keys, folded once in Python (:func:`mentornet.model.fold`), and never fold data
#: in Cypher. (A capital letter: no column of the files can take the name, headers are folded.)
DERIVED_PERSON_COLUMNS = ("id_codepoints", "research_lower", "career_lower", "departmentKey")
#: ``identityKey.<attr>``: the folded value of ``identity.<attr>`` (absent when undisclosed).
IDENTITY_KEY_PREFIX = "identityKey."
#: What this version stores, recorded on the dataset record; analyses refuse a database loaded
#: in another format (an earlier version stored no folded keys).
STORAGE_FORMAT = 2
#: The dataset record's state from the start of a load until it completes (``load_begin``): a load
#: cut short leaves it, and every analysis refuses the database in it.
LOADING = "loading"
#: The dataset record's state after a bulk import (:mod:`.bulk`) until ``finish-import`` completes it;
#: like :data:`LOADING`, every analysis refuses the database in it.
IMPORTED = "imported"
#: What a bulk import leaves on the dataset record until ``finish-import`` completes it
#: (:mod:`.bulk`): the record's own values, each key prefixed :data:`BULK_RECORD_PREFIX`; which
#: kinds of entity name empty lists (:data:`BULK_FIX`); the record's own empty lists
#: (:data:`EMPTY_LISTS`, a property any imported node may carry). Writing the record removes
#: them, so that a load over an import never finished leaves none of them behind.
BULK_RECORD_PREFIX, BULK_FIX, EMPTY_LISTS = "bulk_record_", "bulk_fix", "mentornet_empty_lists"


def person_columns(people: pd.DataFrame) -> dict[str, list]:
    """One batch of people as the column lists the people statements take: each of
    :data:`STORED_PERSON_COLUMNS` and :data:`DERIVED_PERSON_COLUMNS` (``None`` where nothing is
    stored: an empty list, an empty capacity), and ``extra``, one map per person of the
    identity columns (undisclosed values left out) and any unknown columns."""
    convert = {"capacity": _wholes, "mentee": _flags, "accepting": _flags,
               **{col: _lists for col in PEOPLE_LIST_COLUMNS}}
    params = {col: _column(people, col, convert.get(col, _plains)) for col in STORED_PERSON_COLUMNS}
    params["id_codepoints"] = [list(map(ord, i)) for i in params["id"]]
    folded = _Folded()  # the topics and departments repeat: each folded once
    for col, source in (("research_lower", "research_interests"), ("career_lower", "career_interests")):
        params[col] = [sorted({folded[t] for t in v}) if v else [] for v in params[source]]
    params["departmentKey"] = [folded[d] if d else None for d in params["department"]]
    others = [c for c in people.columns if c not in (*STORED_PERSON_COLUMNS, *DERIVED_PERSON_COLUMNS)]
    keys = {IDENTITY_KEY_PREFIX + c[len(IDENTITY_PREFIX):]: fold_values(people[c])
            for c in others if c.startswith(IDENTITY_PREFIX)}
    params["extra"] = _extra(people.assign(**keys), [*others, *keys],
                             lambda col: _texts if col.startswith((IDENTITY_PREFIX, IDENTITY_KEY_PREFIX)) else _plains)
    return params


#: Relationship columns stored under their own name (anything else is stored as text, see ``extra``).
STORED_REL_COLUMNS = ("duplicate", "focus", "status", "formal", "since", "last_met")


def relationship_columns(rels: pd.DataFrame, nodes: dict[str, str] | None, *, split_plain: bool
                         ) -> dict[str, list]:
    """One batch of ``Dataset.relationships`` (all of one type, with a ``duplicate`` column, see
    :func:`with_duplicate_numbers`) as the column lists the relationship statements take:
    ``node_a``/``node_b`` (the element ids ``nodes`` maps source and target to; with ``nodes``
    ``None``, source and target themselves, as the bulk import files name the people), each of
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
    extra = np.array([m or None for m in _extra(rels, unknown, lambda col: _plains)] or [None] * len(rels),
                     dtype=object)
    plain = np.zeros(len(rels), dtype=bool)
    if split_plain:
        plain = ((values["duplicate"] == 0) & (rels["focus"].str.len().to_numpy() == 0)
                 & pd.isna(values["status"]) & pd.isna(values["formal"])
                 & (values["since"] == "") & (values["last_met"] == "") & pd.isna(extra))
    if nodes is None:
        node_a, node_b = rels["source"].to_numpy(dtype=object), rels["target"].to_numpy(dtype=object)
    else:
        node_a = np.array([nodes[i] for i in rels["source"].tolist()], dtype=object)
        node_b = np.array([nodes[i] for i in rels["target"].tolist()], dtype=object)
    kept = ~plain
    formal = values["formal"][kept]
    return {
        "plain_a": node_a[plain].tolist(),
        "plain_b": node_b[plain].tolist(),
        "node_a": node_a[kept].tolist(),
        "node_b": node_b[kept].tolist(),
        "duplicate": [int(v) or None for v in values["duplicate"][kept].tolist()],
        "focus": [list(v) or None for v in values["focus"][kept]],
        "status": [v if isinstance(v, str) else None for v in values["status"][kept].tolist()],
        "formal": [None if missing else bool(v) for v, missing in zip(formal.tolist(), pd.isna(formal).tolist())],
        "since": [v or None for v in values["since"][kept].tolist()],
        "last_met": [v or None for v in values["last_met"][kept].tolist()],
        "extra": extra[kept].tolist(),
    }


def with_duplicate_numbers(rels: pd.DataFrame) -> pd.DataFrame:
    """The relationship rows with ``duplicate``: how many earlier rows have the same source,
    target and type (0 for the first); with those three, the key that makes loading idempotent.

    Counted on one integer key per row (a ``groupby`` of the three text columns took 9 s of
    10,000,000 rows): the columns' codes folded together (renumbered first if the key could
    outgrow 64 bits). Repeated keys are few; only their rows are numbered by a ``groupby``."""
    key = np.zeros(len(rels), dtype=np.int64)
    bound = 1
    for col in ("type", "source", "target"):
        codes, uniques = pd.factorize(rels[col], use_na_sentinel=False)  # (a missing value: a code of its own)
        if bound * len(uniques) >= KEY_LIMIT:
            key = pd.factorize(key)[0]
            bound = len(rels)
        key = key * len(uniques) + codes
        bound *= max(len(uniques), 1)
    repeated = pd.Series(key).duplicated(keep=False).to_numpy()
    duplicate = np.zeros(len(key), dtype=np.int64)
    if repeated.any():  # their rows keep their file order in the subset
        again = key[repeated]
        duplicate[repeated] = pd.Series(again).groupby(again, sort=False).cumcount().to_numpy()
    return rels.assign(duplicate=duplicate)


class _Folded(dict):
    """:func:`mentornet.model.fold` of each text looked up, computed once per text."""

    def __missing__(self, text: str) -> str:
        self[text] = found = fold(text)
        return found


def _column(frame: pd.DataFrame, col: str, convert: Callable[[pd.Series], list]) -> list:
    """``convert`` of the column ``col`` (one of the column converters below: a value per
    cell, as the statements take it); all ``None`` when the frame lacks it."""
    return convert(frame[col]) if col in frame.columns else [None] * len(frame)


# Column converters: each works on Python's own values of a column (``tolist``), without a call
# per cell where a cell is already what it stands for.

def _plains(column: pd.Series) -> list:
    """:func:`_plain` of each cell (a text is its own plain value: most cells, not worth a call each)."""
    return [v if type(v) is str else _plain(v) for v in column.tolist()]


def _lists(column: pd.Series) -> list:
    """Each sequence as a list, ``None`` for an empty one."""
    return [list(v) or None for v in column.tolist()]


def _texts(column: pd.Series) -> list:
    """Each cell, ``None`` for an empty text."""
    return [v or None for v in column.tolist()]


def _flags(column: pd.Series) -> list:
    """Each cell as a boolean (a column of booleans is one already)."""
    values = column.tolist()
    return values if column.dtype == bool else [bool(v) for v in values]


def _wholes(column: pd.Series) -> list:
    """Each cell as an int, ``None`` for a missing one (an ``Int64`` column holds ints and ``pd.NA``)."""
    values = column.tolist()
    if isinstance(column.dtype, pd.Int64Dtype):
        return [None if v is pd.NA else v for v in values]
    return [None if pd.isna(v) else int(v) for v in values]


def _extra(frame: pd.DataFrame, columns: list[str], converter: Callable[[str], Callable[[pd.Series], list]]
           ) -> list[dict]:
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



# --------------------------------------------------------------------------- the load


def load_dataset(db: Neo4jBackend, ds: Dataset, *, replace: bool = False,
                 progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Write a validated dataset into ``db`` idempotently; returns the rows written per kind.

    Schema first, then people, then relationships, in batches of :data:`BATCH_ROWS`.
    ``replace`` makes the database hold these files and nothing else of an earlier load.
    ``progress(kind, done, total)`` is called after each batch. A connection lost midway
    raises :class:`BackendUnavailable`; running the load again converges.

    How it stays fast (see the README, "Neo4j"): a database holding no people when the
    load begins (a first load) is written with ``CREATE`` (``cypher/create_*.cypher``),
    since nothing can match; otherwise (``cypher/load_*.cypher``) people are merged on their
    id and relationships found by their two people, type and duplicate number, which is what
    makes an interrupted load converge when run again.

    ``replace`` over a load of this version (the dataset record names :data:`STORAGE_FORMAT`:
    a complete load, or a load cut short after one) that holds most of the files' rows already
    (:func:`_mostly_there`) updates it in place, since deleting a relationship costs the server
    about what creating it does, and a new export mostly repeats the last: the people not in the
    files are deleted with their relationships (:func:`_delete_people_not_in`), the rest written
    with the ``load`` statements (every property replaced), then the relationships the files do
    not describe are deleted (:func:`_only_the_files_left`). If something is still left that the
    files do not hold (two relationships with one key, a node with the :Mentornet label but not
    :Person), or the database holds a bulk import, another format or mostly other rows, every
    person an earlier load wrote is deleted and the files are written with ``CREATE``, as into
    an empty database. Either way the database ends holding what a first load of the files
    writes (labels another application added to mentornet's people aside: updated in place, a
    person keeps them).

    The people statements return each
    person's element id and the relationship statements find people by it; at the end,
    each element id is checked to still be its person's (:func:`_check_people`), so a person
    deleted or re-created meanwhile is an error, not a silently wrong edge; after a load
    over people already there, more relationships than rows is one too
    (:func:`_check_no_more_relationships`). :attr:`Neo4jBackend.parallel` threads write batches at once
    (no two hold the same row; Neo4j takes the locks for new relationships in a fixed
    order, and any deadlock is retried by the driver) while this one prepares the next
    rows; the people are all written before the first relationship.

    Ctrl-C (in the main thread) stops the load between two batches, once the batches in
    flight are written, and raises :class:`LoadInterrupted` saying how far it got; a second
    Ctrl-C stops it at once (:class:`~mentornet.interrupts.CtrlCBetweenSteps`). It is never
    raised inside the driver, where it could be dropped or leave a connection half-used.
    """
    progress = progress or (lambda kind, done, total: None)
    written = {"people": 0, "relationships": 0}
    marked = False
    with CtrlCBetweenSteps() as ctrl_c:  # Ctrl-C stops the load between batches, never inside the driver
        try:
            held = check_database(db, ds, replace=replace)  # refuses before anything is written
            create_schema(db)
            ctrl_c.check()
            db._write(statement("load_begin").text, source=ds.source, replace=replace)  # the mark, until the end
            marked = True
            rels = None  # with their duplicate numbers: found while the people are written, unless needed here
            in_place = (replace and held["ours"] > 0 and held["format"] == STORAGE_FORMAT
                        and held["state"] != IMPORTED)
            if in_place:
                rels = with_duplicate_numbers(ds.relationships)
                in_place = _mostly_there(db, rels)
            if in_place:
                _delete_people_not_in(db, ds.people["id"].tolist(), between=ctrl_c.check)
            elif replace:
                _delete_people(db, between=ctrl_c.check)
            verb = "load" if in_place or (held["ours"] and not replace) else "create"
            nodes, rels = _write_rows(db, ds, rels, verb, written, progress, ctrl_c.check, replace)
            if in_place and not _only_the_files_left(db, ds, rels, nodes, between=ctrl_c.check):
                # what only deleting the people removes (two relationships with one key, a node with
                # the :Mentornet label alone): delete them all and write the files as into an empty database
                _delete_people(db, between=ctrl_c.check)
                written.update(people=0, relationships=0)
                verb = "create"
                _write_rows(db, ds, rels, verb, written, progress, ctrl_c.check, replace)
            if verb == "load" and not in_place:
                _check_no_more_relationships(db, len(rels))
            ctrl_c.check()  # the last point where stopping leaves the mark: the record ends the load
            write_dataset_record(db, dataset_record(ds))
        except LoadConflict:
            raise
        except BackendUnavailable as exc:  # the server gone, a timeout: how far the load got
            raise type(exc)(f"{exc} {_how_far(written, replace)}") from None
        except KeyboardInterrupt:
            if not marked:
                raise LoadInterrupted(f"the load into {db.uri} was interrupted before it wrote any data") from None
            raise LoadInterrupted(f"the load into {db.uri} was interrupted {_how_far(written, replace)}; until it is "
                                  "run again, every analysis of this database refuses it") from None
        except UNAVAILABLE as exc:
            raise BackendUnavailable(f"{unavailable_message(db.uri, exc)} {_how_far(written, replace)}") from None
        except nx_exc.ConstraintError:
            raise LoadConflict(f"{db.uri}: another client wrote people into the database during this load "
                                     f"{_how_far(written, replace)}") from None
    return written


def _write_rows(db: Neo4jBackend, ds: Dataset, rels: pd.DataFrame | None, verb: str, written: dict[str, int],
                progress: Callable[[str, int, int], None], between: Callable[[], None], replace: bool
                ) -> tuple[dict[str, str], pd.DataFrame]:
    """Write the people, then the relationships (``rels``: with their duplicate numbers, or
    ``None`` to number them while the people are written), with the ``create`` or the ``load``
    statements (see :func:`load_dataset`); check that every person is still the one written.
    Returns each person's element id by id, and the relationships with their duplicate numbers."""
    people = ds.people
    nodes: dict[str, str] = {}  # person id -> element id, from the people statements
    with _Pipeline(db._write, workers=db.parallel) as pipe:  # batches are prepared while others are written
        text = statement(f"{verb}_people").text
        for start in range(0, len(people), BATCH_ROWS):
            between()
            pipe.submit(text, person_columns(people.iloc[start:start + BATCH_ROWS]),
                        lambda params, result: _people_written(len(params["id"]), result, nodes, written,
                                                               progress, len(people)))
        if rels is None:  # while the people are written
            rels = with_duplicate_numbers(ds.relationships)
        pipe.drain()
        for rtype in REL_TYPES:
            text = statement(f"{verb}_{rtype.lower()}").text
            of_type = rels[rels["type"] == rtype]
            for start in range(0, len(of_type), BATCH_ROWS):
                between()
                batch = relationship_columns(of_type.iloc[start:start + BATCH_ROWS], nodes,
                                             split_plain=verb == "create")
                pipe.submit(text, batch, lambda params, result: _relationships_written(
                    len(params["node_a"]) + len(params["plain_a"]), result, written, progress,
                    len(rels), db.uri, replace))
        pipe.drain()
    between()
    _check_people(db, nodes)
    return nodes, rels


def _mostly_there(db: Neo4jBackend, rels: pd.DataFrame) -> bool:
    """Whether the database holds at least :data:`IN_PLACE_SHARE` of :data:`REPLACE_SAMPLE` rows
    of the files, evenly spread (``cypher/load_count_found.cypher``): then updating in place
    costs less than deleting everything and writing it again. (At 100,000 people, the same files
    replaced in place took half the time of a delete and a first load; another dataset with the
    same ids took 1.6 times as long as those two.) True when the files have no rows."""
    if not len(rels):
        return True
    sample = rels.iloc[np.unique(np.linspace(0, len(rels) - 1, min(len(rels), REPLACE_SAMPLE)).astype(np.int64))]
    found = db._write(statement("load_count_found").text, source=sample["source"].tolist(),
                      target=sample["target"].tolist(), type=sample["type"].tolist(),
                      duplicate=sample["duplicate"].astype(int).tolist())[0]["found"]
    return found >= IN_PLACE_SHARE * len(sample)


def _only_the_files_left(db: Neo4jBackend, ds: Dataset, rels: pd.DataFrame, nodes: dict[str, str], *,
                         between: Callable[[], None]) -> bool:
    """After a replace updated in place: if more relationships go out of or come into the people
    than the files have rows (``cypher/load_count_held.cypher``), delete those coming from nodes
    an earlier load did not write (as deleting the people would have) and those going out that
    the files do not describe, whatever their type (``cypher/delete_relationships_not_in.cypher``).
    True when the people and both counts of relationships then equal the files' (each row has
    its own relationship, so nothing else is left); False when something only deleting the
    people removes is left (two relationships with one key, a node with the :Mentornet label
    but not :Person)."""
    count = statement("load_count_held").text

    def only_the_files() -> bool:
        held = db._write(count)[0]
        return held["people"] == len(ds.people) and held["outgoing"] == held["incoming"] == len(rels)

    if only_the_files():
        return True
    _delete_until_none(db, "delete_relationships_from_others", between,
                       batch=DELETE_BATCH * 20)  # the relationships DELETE_BATCH people carry
    # the rows of each pair: one more than its last row's duplicate number
    last = rels.drop_duplicates(["source", "type", "target"], keep="last")
    types, targets = last["type"].to_numpy(), last["target"].map(nodes).to_numpy()
    rows = (last["duplicate"].to_numpy() + 1).tolist()
    by_source = last.groupby("source", sort=False).indices  # person id -> positions in last
    text = statement("delete_relationships_not_in").text
    people = list(nodes)
    for start in range(0, len(people), DELETE_BATCH):  # a transaction deletes what DETACH DELETE would
        between()
        batch = people[start:start + DELETE_BATCH]  # the keys spelled a batch at a time
        db._write(text, node_a=[nodes[i] for i in batch],
                  rows=[{f"{types[k]} {targets[k]}": rows[k] for k in by_source.get(i, ())} for i in batch])
    between()
    return only_the_files()


#: The constraint and indexes, created before an online load writes and after a bulk import.
SCHEMA_STATEMENTS = ("schema_person_id", "schema_person_mentee", "schema_person_department")


def create_schema(db: Neo4jBackend) -> None:
    """The constraint and indexes of :data:`SCHEMA_STATEMENTS` (each a no-op when there)."""
    for name in SCHEMA_STATEMENTS:
        db._auto(statement(name).text)


def dataset_record(ds: Dataset) -> dict:
    """What the dataset record (``cypher/load_dataset_info.cypher``) is written from: the
    identity attribute names, the dataset directory and the storage format
    (:data:`STORAGE_FORMAT`). The online load and ``finish-import`` both write it from this."""
    return {"attrs": list(ds.identity_attributes), "source": ds.source, "format": STORAGE_FORMAT}


def write_dataset_record(db: Neo4jBackend, record: dict) -> None:
    """Write (or complete) the single :MentornetDataset node from :func:`dataset_record`, and
    remove what a bulk import left on it (:data:`BULK_RECORD_PREFIX`)."""
    db._write(statement("load_dataset_info").text, **record, bulk_prefix=BULK_RECORD_PREFIX,
              bulk_keys=[BULK_FIX, EMPTY_LISTS])


def _check_people(db: Neo4jBackend, nodes: dict[str, str]) -> None:
    """Raise :class:`BackendUnavailable` unless every element id the relationships were
    written by still belongs to its person. Checked once here rather than at each
    relationship end (two million property reads at 100,000 people): a person deleted
    meanwhile already shows as a batch writing too few relationships; this catches one
    whose element id another client's new node has taken."""
    found = db._read(statement("load_check_people").text, ids=list(nodes), nodes=list(nodes.values()))
    if found[0]["found"] < len(nodes):
        raise LoadConflict(
            f"{db.uri}: people were deleted or re-created by another client during this load, so some "
            f"relationships may join the wrong people; run the load again with --replace")

def _check_no_more_relationships(db: Neo4jBackend, expected: int) -> None:
    """After a load over people already there: raise :class:`BackendUnavailable` if the
    database holds more relationships between people than ``relationships.csv`` has rows.
    They come from an earlier load of other files, from a version of mentornet that keyed
    relationships differently, or from another load running at the same time (the
    statements look a relationship up, then create it, without MERGE's lock)."""
    found = db.counts()["relationships"]
    if found > expected:
        raise LoadConflict(
            f"{db.uri}: the database holds {found:,} relationships between people, {found - expected:,} more "
            f"than the files (left by a load of other files or of an earlier mentornet version, or written "
            f"by another load at the same time); run the load again with --replace")


def check_database(db: Neo4jBackend, ds: Dataset, *, replace: bool) -> dict:
    """Refuse (:class:`DataError`, before anything is written) a load that would mix
    ``ds`` with what the database holds; return what it holds (``cypher/load_check_database.cypher``:
    ``ours``, the people an earlier load wrote; the record's ``source``, ``state``, ``format`` and
    ``replacing``).

    Refused: any :Person node mentornet did not write (another application's, or one an
    earlier mentornet version wrote without the :Mentornet label), since the analyses read
    every :Person, with or without ``replace``; and, without ``replace``, a bulk import that
    ``finish-import`` has not completed, people of an earlier load that are not in these
    files, more relationships than they have rows, or what a load with ``replace`` cut short left
    (a load without ``replace`` updates the dataset already there; it cannot remove anything).
    """
    held = db._read(statement("load_check_database").text)[0]
    where = f"{db.uri}" + (f" --database {db.database}" if db.database else "")
    if held["foreign"]:
        raise DataError(Problem(where, (
            f"the database holds {held['foreign']:,} :Person nodes that this version of mentornet did not write "
            "(another application's, or loaded by an earlier mentornet version); mentornet reads every :Person, "
            "so load into another database (--database / NEO4J_DATABASE), or remove those nodes first "
            "(nothing was written)")))
    if replace or not held["ours"]:
        return held
    if held["state"] == IMPORTED:
        raise DataError(Problem(where, (
            f"the database holds a bulk import that is not finished; run `mentornet finish-import {db.uri}`, "
            "or load with --replace to replace it (nothing was written)")))
    if held["state"] == LOADING and held["replacing"]:
        raise DataError(Problem(where, (
            f"{last_load_cut_short(held['source'], True)}, so the database may still hold rows of what it was "
            "replacing, which only --replace removes; run the load again with --replace (nothing was written)")))
    if held["state"] == LOADING:  # the record names the load cut short, not what the rest came from
        earlier = " (left by a load" + (f" of {held['source']}" if held["source"] else "") + " that was cut short)"
    else:
        earlier = f" loaded from {held['source']}" if held["source"] else ""
    found = db._read(statement("load_check_ids").text, ids=ds.people["id"].tolist())[0]["found"]
    if found < held["ours"]:
        raise DataError(Problem(where, (
            f"the database holds another dataset{earlier}: {held['ours'] - found:,} of its {held['ours']:,} people "
            f"are not in {ds.source}; use --replace to replace it, or load into another database "
            "(--database / NEO4J_DATABASE) (nothing was written)")))
    if held["relationships"] > len(ds.relationships):
        raise DataError(Problem(where, (
            f"the database holds {held['relationships']:,} relationships between people{earlier}, "
            f"{held['relationships'] - len(ds.relationships):,} more than {ds.source} has rows; use --replace "
            "to replace them, or load into another database (--database / NEO4J_DATABASE) (nothing was written)")))
    return held


def delete_loaded(db: Neo4jBackend) -> None:
    """Delete what earlier loads wrote (the :Mentornet people with their relationships, and
    the dataset record), in batches; another application's nodes are left alone."""
    _delete_people(db, record=True)


def _delete_people(db: Neo4jBackend, *, record: bool = False, between: Callable[[], None] = lambda: None) -> None:
    """The :Mentornet people with their relationships (DETACH), :data:`DELETE_BATCH` people a
    transaction, and with ``record`` the dataset record; ``between()`` is called before each
    transaction (the load's Ctrl-C check)."""
    _delete_until_none(db, "delete_people", between, batch=DELETE_BATCH, record=record)


def _delete_until_none(db: Neo4jBackend, name: str, between: Callable[[], None], **params) -> None:
    """Run the delete statement ``name`` (one batch a transaction, reporting ``deleted``) until it
    deletes nothing more, ``between()`` before each transaction."""
    text = statement(name).text
    between()
    while db._write(text, **params)[0]["deleted"]:
        between()


def _delete_people_not_in(db: Neo4jBackend, ids: list[str], *, between: Callable[[], None]) -> None:
    """The :Mentornet people whose id is not one of ``ids`` (or who have none), with their
    relationships: found once (``cypher/load_people_not_in.cypher``), then deleted
    :data:`DELETE_BATCH` a transaction by element id, ``between()`` before each."""
    gone = db._write(statement("load_people_not_in").text, ids=ids)[0]["nodes"]
    text = statement("delete_nodes").text
    for start in range(0, len(gone), DELETE_BATCH):
        between()
        db._write(text, nodes=gone[start:start + DELETE_BATCH])


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


def _how_far(written: dict[str, int], replace: bool) -> str:
    return (f"(after {written['people']} people and {written['relationships']} relationships; "
            f"run the load again{' with --replace' if replace else ''}: it converges)")


def last_load_cut_short(source: str | None, replacing: bool) -> str:
    """How the refusals name a load cut short: "the last load into this database (of SOURCE,
    with --replace) was cut short" (the dataset record's ``source`` and ``replacing``)."""
    about = ", ".join([*([f"of {source}"] if source else []), *(["with --replace"] if replacing else [])])
    return f"the last load into this database{f' ({about})' if about else ''} was cut short"


def _relationships_written(count, result, written, progress, total, uri, replace) -> None:
    if result[0]["written"] < count:
        raise LoadConflict(f"{uri}: people were deleted or re-created by another client during this load "
                                 f"{_how_far(written, replace)}")
    written["relationships"] += count
    progress("relationships", written["relationships"], total)

