"""The bulk path for a new database: a validated dataset written as the CSV files that
``neo4j-admin database import full`` takes, then the importer run on them, offline; once the
server runs, :func:`finish_import` completes what the importer cannot write.

The values come from the online load's encoders (:func:`.load.person_columns`,
:func:`.load.relationship_columns`, :func:`.load.with_duplicate_numbers`), so both paths store the
same thing; this module only spells those values in the importer's CSV dialect:

- a property column is headed ``name:type`` (``string``, ``boolean``, ``long``, ``double``,
  ``string[]``, ``long[]``); the person id is the ``id:ID`` column, stored as ``id``;
- ``None`` (nothing stored) is an empty, unquoted field, which the importer leaves out; every
  text is quoted, so an empty text stays an empty text;
- list items are joined by an array delimiter absent from every item;
- an empty list cannot be spelled at all (the importer reads ``""`` in a list column as no
  value), so the names of a node's or relationship's empty lists go into the property
  :data:`.load.EMPTY_LISTS`, and :func:`finish_import` sets them to ``[]`` and removes it;
- the dataset record is imported with ``state: 'imported'`` and what
  :func:`.load.dataset_record` gives, each key prefixed :data:`.load.BULK_RECORD_PREFIX`;
  :func:`finish_import` writes the record with the online load's own statement from them,
  which removes them (as it removes them after any load). Until then the analyses refuse the
  database.

Neither constraints nor indexes can be written by the Community importer (its ``--schema``
needs the block format), so :func:`finish_import` creates them, as an online load does first.
"""
from __future__ import annotations

import gc
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple, NoReturn

import pandas as pd

from ...errors import DataError, Problem
from ...model import REL_TYPES, Dataset
from ...referrals import search_threads
from .load import (BULK_FIX, BULK_RECORD_PREFIX, EMPTY_LISTS, IMPORTED, create_schema, dataset_record,
                   person_columns, relationship_columns, with_duplicate_numbers, write_dataset_record)
from .statements import statement

if TYPE_CHECKING:
    from .queries import Neo4jBackend

#: Labels of the people, as ``cypher/create_people.cypher`` writes them.
PERSON_LABELS = ("Person", "Mentornet")
#: Label and key of the dataset record, as ``cypher/load_dataset_info.cypher`` merges it.
RECORD_LABEL, RECORD_KEY = "MentornetDataset", "dataset"
#: Array delimiters tried in turn: the first that no list item contains is used.
ARRAY_DELIMITERS = (";", "\x1f", "\x1e", "\x1d", "|", "\t")
FINISH_BATCH = 10_000
WRITE_ROWS = 50_000  # rows of an import file spelled and written at a time (its whole text is never held)
#: Relationships from which the files are written by two processes (see :func:`write_import_files`);
#: below, they take a second or less.
APART_FROM = 200_000
_MASKS = hasattr(signal, "pthread_sigmask")
INDEX_WAIT_SECONDS = 3600  # populating the indexes over the imported people (seconds at 100,000)


@dataclass
class ImportFiles:
    """What :func:`write_import_files` wrote: the importer's ``--nodes``/``--relationships``
    arguments and the options the values need."""

    directory: Path
    nodes: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    array_delimiter: str = ";"
    multiline: bool = False
    people: int = 0
    rels: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # "files", "importer": wall time of each

    def arguments(self) -> list[str]:
        return [*(f"--nodes={n}" for n in self.nodes), *(f"--relationships={r}" for r in self.relationships),
                f"--array-delimiter={_char_option(self.array_delimiter)}",
                *(["--multiline-fields=true"] if self.multiline else [])]


def _char_option(ch: str) -> str:
    return ch if ch.isprintable() and ch not in " \t" else f"U+{ord(ch):04X}"


# --------------------------------------------------------------------------- the files


def write_import_files(ds: Dataset, directory: Path, *, apart: bool | None = None) -> ImportFiles:
    """Write ``ds`` into ``directory`` as the importer's CSV files (see the module docstring).

    Python's cycle collector is paused meanwhile: the files are spelled from tens of millions of
    new lists and texts, none in a cycle, and its passes over them took an eighth of the time
    at 1,000,000 people (9 of 78 s). What they free, reference counting frees as before.

    ``apart``: the files shared between this process and a forked one, which write them side by
    side (:func:`_apart`; the same files, the same failures). By default (``None``) from
    :data:`APART_FROM` relationships, on Linux, when :func:`.referrals.search_threads` gives more
    than one (``MENTORNET_THREADS=1``: not). After an error ``directory`` may hold some of the
    files, either way (``run_import`` deletes its own)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _write_import_files(ds, Path(directory), apart)
    finally:
        if collecting:
            gc.enable()


def _write_import_files(ds: Dataset, directory: Path, apart: bool | None) -> ImportFiles:
    units = _units(ds, directory)
    if apart is None:
        apart = len(ds.relationships) >= APART_FROM and search_threads() > 1 and _can_fork()
    delimiter, written = (_apart if apart else _in_turn)(units)
    people, rels = written[0], written[1:]
    out = ImportFiles(directory, nodes=[people.argument], relationships=[w.argument for w in rels],
                      array_delimiter=delimiter, multiline=any(w.multiline for w in written),
                      people=people.rows, rels=len(ds.relationships))
    fix = [kind for kind, parts in (("nodes", [people]), ("relationships", rels)) if any(w.empty_lists for w in parts)]
    record_table = {"key": [RECORD_KEY], "state": [IMPORTED], BULK_FIX: [fix or None],
                    **{f"{BULK_RECORD_PREFIX}{k}": [v] for k, v in dataset_record(ds).items()}}
    _write_csv(directory / "dataset.csv", {}, record_table, delimiter)
    out.nodes.append(f"{RECORD_LABEL}={directory / 'dataset.csv'}")
    return out


# The files are written in units: the people's file, then one per relationship type present, in
# the order of REL_TYPES. A unit's ``prepare`` computes its values and returns the array
# delimiters its lists leave free (:func:`_free_delimiters`) with its ``write``, which writes the
# file with the delimiter chosen for all of them (:func:`_array_delimiter`).


class _Written(NamedTuple):
    """What a unit wrote: the importer's argument for its file, whether a text holds a line
    break, whether a row has an empty list, and how many rows."""

    argument: str
    multiline: bool
    empty_lists: bool
    rows: int


_Prepared = tuple[frozenset, Callable[[str], _Written]]


class _Unit(NamedTuple):
    cost: int  # an estimate, for sharing the units between two processes
    prepare: Callable[[], _Prepared]


#: What a person's row costs, counted in relationship rows, for :func:`_share`. Side by side at
#: 1,000,000 people, the people's file took 27 s, the 9,848,107 relationships' 28 s (2.5 to 5 µs a
#: row by type); 8 gave the closest finish of the ways to share them (the people and KNOWS here,
#: 25 s; the other types there, 32 s).
PERSON_COST = 8


def _units(ds: Dataset, directory: Path) -> list[_Unit]:
    units = [_Unit(PERSON_COST * len(ds.people), partial(_people_file, ds.people, directory))]
    of_type = ds.relationships.groupby("type", sort=False).indices  # each type's rows, in file order
    for rtype in REL_TYPES:
        if rtype in of_type:
            units.append(_Unit(len(of_type[rtype]), partial(_relationship_file, ds.relationships, of_type[rtype],
                                                             rtype, directory)))
    return units


def _people_file(frame: pd.DataFrame, directory: Path) -> _Prepared:
    people = person_columns(frame)
    ids = people["id"]
    extra = _spread(people.pop("extra"), len(ids))
    table = {**{k: v for k, v in people.items() if k != "id"}, **extra}
    path = directory / "people.csv"
    return _file(path, {"id:ID": ids}, table, f"{':'.join(PERSON_LABELS)}={path}", len(ids))


def _relationship_file(frame: pd.DataFrame, rows, rtype: str, directory: Path) -> _Prepared:
    """The file of the relationships of type ``rtype``, ``rows`` of ``frame``. Their duplicate
    numbers are those of the whole frame: a row's number counts earlier rows of its own type."""
    columns = relationship_columns(with_duplicate_numbers(frame.iloc[rows]), None, split_plain=False)
    ends = {":START_ID": columns.pop("node_a"), ":END_ID": columns.pop("node_b")}  # the importer finds
    columns.pop("plain_a"), columns.pop("plain_b")  # people by their id: the ends are the ids (validated)
    table = {**{k: v for k, v in columns.items() if k != "extra"}, **_spread(columns["extra"], len(rows))}
    path = directory / f"{rtype.lower()}.csv"
    return _file(path, ends, table, f"{rtype}={path}", len(rows))


def _file(path: Path, keys: dict[str, list], table: dict[str, list], argument: str, rows: int) -> _Prepared:
    """A unit's prepared file: the delimiters ``table``'s lists leave free, and its ``write``."""
    def write(delimiter: str) -> _Written:
        multiline, empty_lists = _write_csv(path, keys, table, delimiter)
        return _Written(argument, multiline, empty_lists, rows)
    return _free_delimiters(table), write


def _in_turn(units: list[_Unit]) -> tuple[str, list[_Written]]:
    """The array delimiter and what each unit wrote: every ``prepare``, then every ``write``."""
    prepared, failure = _prepare(units, range(len(units)))
    _raise_lowest([failure])
    delimiter = _array_delimiter([free for free, _ in prepared.values()])
    written, failure = _write(prepared, delimiter)
    _raise_lowest([failure])
    return delimiter, list(written.values())


# A failure: where it happened, (1, unit) in a prepare or (3, unit) in a write (the delimiter's
# is 2), and the exception. The lowest is the one :func:`_in_turn` raises.
_Failure = tuple[tuple[int, int], BaseException]


def _prepare(units: list[_Unit], which) -> tuple[dict[int, _Prepared], _Failure | None]:
    prepared = {}
    for i in which:
        try:
            prepared[i] = units[i].prepare()
        except Exception as error:
            return prepared, ((1, i), error)
    return prepared, None


def _write(prepared: dict[int, _Prepared], delimiter: str) -> tuple[dict[int, _Written], _Failure | None]:
    written = {}
    for i, (_, write) in prepared.items():
        try:
            written[i] = write(delimiter)
        except Exception as error:
            return written, ((3, i), error)
    return written, None


def _can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def _share(units: list[_Unit]) -> tuple[list[int], list[int]]:
    """The units of this process and of the other: each, the costliest first, to the one with
    less so far (this one on a tie). Each list in unit order."""
    loads, shares = [0, 0], ([], [])
    for i in sorted(range(len(units)), key=lambda i: -units[i].cost):
        least = loads.index(min(loads))
        loads[least] += units[i].cost
        shares[least].append(i)
    return sorted(shares[0]), sorted(shares[1])


def _apart(units: list[_Unit]) -> tuple[str, list[_Written]]:
    """:func:`_in_turn`, the units shared (:func:`_share`) with a forked process on the second
    processor: at 1,000,000 people the files took 46 s one after the other.

    The exchange: each process prepares its units; this one sends the delimiters its units
    leave free and writes them with the first of those, the child writes its own with the
    first free in all units, and says which it was. Most often the same; if not (a list
    here holds what is free here first), the units here are written again with it.

    The outcome is :func:`_in_turn`'s, its failures included: the lowest (see :data:`_Failure`)
    of either process's first is raised. The child inherits the dataset (copy on write; the
    cycle collector is off, so it does not touch every object) and writes its files itself;
    only the small results and exceptions cross the pipes. It ignores Ctrl-C, which interrupts
    this process; any way out but success kills it."""
    here, there = _share(units)
    child = _Child.fork(units, there)
    if child is None:  # no process to be had (memory, a process limit): the files as one writes them
        return _in_turn(units)
    try:
        child.unblock()
        prepared, failure = _prepare(units, here)
        if failure and failure[0] < (1, min(there, default=len(units))):
            raise failure[1]  # before any the child could find
        free = None if failure else _free_in_all(prepared)
        child.tell(free)  # None: the child is not to write
        written, mine = {}, ""
        if free:
            mine = _array_delimiter([free])
            written, failure = _write(prepared, mine)
        failed_there, free_there = child.answer()  # its prepares
        _raise_lowest([f for f in (failure, failed_there) if f and f[0][0] == 1])  # (not this one's writes)
        delimiter = _array_delimiter([free, free_there])
        failed_there, theirs = child.answer()  # its writes
        _raise_lowest([failure, failed_there])
        if delimiter != mine:
            written, failure = _write(prepared, delimiter)
            _raise_lowest([failure])
        child.reap()
        return delimiter, [{**written, **theirs}[i] for i in range(len(units))]
    finally:
        child.end()


class _Child:
    """The forked process of :func:`_apart` and the pipes to it."""

    def __init__(self, pid: int, inbox, outbox, blocked):
        self.pid, self.inbox, self.outbox = pid, inbox, outbox
        self.blocked = blocked  # the signal mask to restore (None: none was changed)
        self.status: int | None = None  # its wait status, once reaped

    @classmethod
    def fork(cls, units: list[_Unit], which: list[int]) -> _Child | None:
        """The child started on ``which`` of ``units``; ``None`` if the system gives no process.
        Ctrl-C is blocked from just before the fork: in the child until it ignores Ctrl-C, here
        until :meth:`unblock`, called inside the ``try`` whose ``finally`` ends the child (a
        Ctrl-C in between would leave it running, or let the child run the caller's code)."""
        fds = [*os.pipe(), *os.pipe()]  # from the child, to the parent, from the parent, to the child
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if _MASKS else None
        parent = os.getpid()
        try:
            with warnings.catch_warnings():  # Python 3.12+ warns of fork with threads running (numpy's idle pool)
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            for fd in fds:
                os.close(fd)
            if blocked is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            return None
        if pid == 0:
            try:
                os.close(fds[0]), os.close(fds[3])
                _child(units, which, fds[2], fds[1], blocked, parent)
            finally:
                os._exit(1)
        os.close(fds[1]), os.close(fds[2])
        return cls(pid, os.fdopen(fds[0], "rb"), os.fdopen(fds[3], "wb"), blocked)

    def unblock(self) -> None:
        if self.blocked is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.blocked)

    def tell(self, message) -> None:
        with suppress(BrokenPipeError):  # it has ended: its answer() says so
            self.outbox.write(pickle.dumps(message))
            self.outbox.flush()

    def answer(self) -> tuple[_Failure | None, object]:
        """Its next answer (its failure or ``None``, and what the step gave), or RuntimeError
        when it ended without one."""
        try:
            return pickle.load(self.inbox)
        except (EOFError, pickle.UnpicklingError):
            self.reap()
            raise RuntimeError(f"the process writing part of the import files ended before it was done "
                               f"(wait status {self.status})") from None

    def reap(self) -> None:
        if self.status is None:
            try:
                self.status = os.waitpid(self.pid, 0)[1]
            except ChildProcessError:  # reaped by someone else (SIGCHLD ignored, or another's handler)
                self.status = -1

    def end(self) -> None:
        """Killed unless reaped, reaped, the pipes closed."""
        if self.status is None:
            with suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.reap()
        for pipe in (self.inbox, self.outbox):
            with suppress(OSError):  # (a write buffered for a child gone)
                pipe.close()


def _child(units: list[_Unit], which: list[int], inbox_fd: int, outbox_fd: int, blocked, parent: int) -> NoReturn:
    """The forked process's whole life (see :func:`_apart`); it leaves by ``os._exit``, so
    nothing of the parent's (its ``finally`` blocks, its buffered output) runs twice. It ignores
    Ctrl-C (the parent handles it and kills it) and is killed when the parent dies."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if blocked is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        _die_with_parent(parent)
        with os.fdopen(inbox_fd, "rb") as inbox, os.fdopen(outbox_fd, "wb") as outbox:
            prepared, failure = _prepare(units, which)
            free = _free_in_all(prepared)
            _tell(outbox, failure, free)
            free_here = pickle.load(inbox)
            if not failure and free_here is not None and free & free_here:
                written, failure = _write(prepared, _array_delimiter([free, free_here]))
                _tell(outbox, failure, written)
        status = 0
    finally:
        os._exit(status)


def _die_with_parent(parent: int) -> None:
    """Linux's PR_SET_PDEATHSIG: SIGKILL when the parent ends (a parent killed leaves no child
    spelling files for nobody); where it cannot be had, the child ends at its next message."""
    with suppress(Exception):
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # (ended before that took hold)
        os._exit(1)


def _free_in_all(prepared: dict[int, _Prepared]) -> frozenset:
    return frozenset(ARRAY_DELIMITERS).intersection(*(free for free, _ in prepared.values()))


def _tell(outbox, failure: _Failure | None, value) -> None:
    """The child's answer, pickled; a failure whose exception does not come back out of pickle
    as it went in goes as a RuntimeError holding its traceback."""
    try:
        data = pickle.dumps((failure, value))
        same = failure is None or type(pickle.loads(data)[0][1]) is type(failure[1])
    except Exception:
        same = False
    if not same:
        where, error = failure
        data = pickle.dumps(((where, RuntimeError("".join(traceback.format_exception(error)))), value))
    outbox.write(data)
    outbox.flush()


def _raise_lowest(failures: list[_Failure | None]) -> None:
    """Raise the exception of the lowest failure (see :data:`_Failure`), if any."""
    found = [f for f in failures if f]
    if found:
        raise min(found, key=lambda f: f[0])[1]


def _spread(maps: list, count: int) -> dict[str, list]:
    """The per-row maps of ``extra`` as one list per key (``None`` where a row lacks it)."""
    keys = list(dict.fromkeys(k for m in maps if m for k in m))
    return {k: [m.get(k) if m else None for m in maps] for k in keys} if maps else {}


def _free_delimiters(table: dict[str, list]) -> frozenset:
    """Those of :data:`ARRAY_DELIMITERS` that no text in ``table``'s lists contains."""
    items = "".join(x for values in table.values()
                    for v in filter(None, values) if type(v) is list for x in v if type(x) is str)
    return frozenset(ch for ch in ARRAY_DELIMITERS if ch not in items)


def _array_delimiter(free: list[frozenset]) -> str:
    """The first of :data:`ARRAY_DELIMITERS` free in every part (:func:`_free_delimiters`)."""
    for ch in ARRAY_DELIMITERS:
        if all(ch in f for f in free):
            return ch
    raise DataError(Problem("--bulk", "every array delimiter the importer could use occurs in a list value; "
                                      "load the dataset with the online load instead"))


def _type(name: str, values: list) -> str:
    """The importer's type for a column of ``values`` (``None`` skipped)."""
    if values.count(None) == len(values):  # most relationship columns
        return "string"
    types = set(map(type, values))
    kinds = {_SCALARS.get(t, "mixed") for t in types - {type(None), list}}
    if list in types:
        inner = {_SCALARS.get(t, "mixed") for t in set(map(type, chain.from_iterable(filter(None, values))))}
        kinds.add((inner.pop() if len(inner) == 1 else "mixed" if inner else "string") + "[]")
    if len(kinds) > 1 or any(k.startswith("mixed") for k in kinds):
        raise DataError(Problem("--bulk", f"the values of {name!r} are of several types ({', '.join(sorted(kinds))}),"
                                          " which the importer cannot write in one column; use the online load"))
    return kinds.pop() if kinds else "string"


_SCALARS = {str: "string", bool: "boolean", int: "long", float: "double"}


def _write_csv(path: Path, keys: dict[str, list], table: dict[str, list], delimiter: str) -> tuple[bool, bool]:
    """Write one importer file; returns whether a text holds a line break (the importer must
    be told) and whether a row has an empty list (named in :data:`EMPTY_LISTS`)."""
    header = list(keys)
    spelled = [_spelling(values, "string", delimiter) for values in keys.values()]
    count = len(next(iter(keys.values()))) if keys else len(next(iter(table.values())))
    empty: list = [None] * count
    for name, values in table.items():
        kind = _type(name, values)
        header.append(f"{name}:{kind}")
        if kind.endswith("[]") and values.count([]):
            for i, v in enumerate(values):
                if type(v) is list and not v:
                    empty[i] = (empty[i] or []) + [name]
        spelled.append(_spelling(values, kind, delimiter))
    has_empty = any(e is not None for e in empty)
    if has_empty:
        header.append(f"{EMPTY_LISTS}:string[]")
        spelled.append(_spelling(empty, "string[]", delimiter))
    row = ",".join(pattern for pattern, _ in spelled).format  # a row's text from its fields'
    fields = [column for _, column in spelled if column is not None]
    multiline = False  # a line break in a text: more line ends than rows (a field spells nothing else with one)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(_quote(h) if any(c in h for c in ',"\r\n') else h for h in header) + "\n")
        for start in range(0, count, WRITE_ROWS):
            rows = min(WRITE_ROWS, count - start)
            text = ("\n".join(map(row, *(column[start:start + WRITE_ROWS] for column in fields))) if fields
                    else "\n".join([row()] * rows)) + "\n"
            multiline = multiline or "\r" in text or text.count("\n") > rows
            fh.write(text)
    return multiline, has_empty


def _spelling(values: list, kind: str, delimiter: str) -> tuple[str, list | None]:
    """How a row spells its field of ``values``: a pattern for :meth:`str.format` (``{}``: where
    the field goes) and the list it takes the field from, ``None`` when every row spells the
    same. The fields are those of :func:`_field`, without a call per row where the pattern can
    hold what the value lacks: no value (every field empty), or texts none of which is ``None``
    or holds a quote (each is itself between quotes): the ids and most other texts, two thirds
    of the time the files took at 1,000,000 people."""
    if values.count(None) == len(values):
        return "", None
    if kind == "string":
        try:
            quotes = '"' in "".join(values)
        except TypeError:  # a None among them
            quotes = True
        if not quotes:
            return '"{}"', values
    return "{}", _field(values, kind, delimiter)


def _field(values: list, kind: str, delimiter: str) -> list[str]:
    """Each value as the importer is to read it: an empty, unquoted field for ``None`` and an
    empty list (which it leaves out), texts quoted (a quote doubled, so ``""`` stays a text),
    booleans as ``"true"``/``"false"``, lists joined by ``delimiter`` and quoted, numbers
    unquoted (``str`` of a float is its ``repr``, as :mod:`csv` spells it). (A column nothing is
    stored in never comes here: :func:`_spelling` spells it by its pattern.)"""
    if kind == "string[]":  # (_type let only texts through)
        return _quoted([delimiter.join(v) if v else None for v in values])
    if kind.endswith("[]"):
        return _quoted([delimiter.join(map(str, v)) if v else None for v in values])
    if kind == "boolean":
        return ["" if v is None else '"true"' if v else '"false"' for v in values]
    if kind == "string":  # (_type let only texts through)
        return _quoted(values)
    return ["" if v is None else str(v) for v in values]


def _quoted(texts: list[str | None]) -> list[str]:
    """Each text quoted (:func:`_quote`), ``None`` an empty field; without a quote in any text, as
    in most columns, without a call per text (the texts :func:`_spelling` passes on: columns with
    a ``None``, the lists joined)."""
    if any('"' in t for t in texts if t):
        return ["" if t is None else _quote(t) for t in texts]
    return ["" if t is None else f'"{t}"' for t in texts]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


# --------------------------------------------------------------------------- the importer


def run_import(ds: Dataset, home: Path, *, database: str = "neo4j", replace: bool = False,
               admin: Path | None = None, progress: Callable[[str], None] | None = None) -> ImportFiles:
    """Write the files of ``ds`` into a temporary directory and run ``admin`` (default
    ``home/bin/neo4j-admin``) as ``database import full`` into ``database`` of the Neo4j at
    ``home`` (stopped, or the database absent). ``replace`` lets the importer delete a
    database already there. A failure of the importer is a :class:`DataError` carrying the
    end of its output."""
    home = Path(home).absolute()
    admin = Path(admin).absolute() if admin else home / "bin" / "neo4j-admin"
    if not home.is_dir():
        raise DataError(Problem(str(home), "no such directory (give the Neo4j home, the directory holding bin/ and data/)"))
    if not (admin.is_file() and os.access(admin, os.X_OK)):
        raise DataError(Problem(str(admin), "not found or not executable (give --neo4j-admin PATH)"))
    store = home / "data" / "databases" / database
    if not replace and store.is_dir() and any(store.iterdir()):
        raise DataError(Problem(str(home), f"already holds the database {database!r} ({store}); the bulk load "
                                           "writes new databases only: give --replace to delete it, or another "
                                           "--database (nothing was written)"))
    progress = progress or (lambda message: None)
    scratch = Path(tempfile.mkdtemp(prefix="mentornet-import-"))
    try:
        started = time.perf_counter()
        files = write_import_files(ds, scratch)
        files.seconds["files"] = time.perf_counter() - started
        progress(f"wrote the import files of {files.people:,} people and {files.rels:,} relationships "
                 f"in {files.seconds['files']:.1f} s; running the importer")
        cmd = [str(admin), "database", "import", "full", database, *files.arguments(),
               f"--overwrite-destination={'true' if replace else 'false'}",
               f"--report-file={scratch / 'import.report'}"]
        log = scratch / "import.log"
        with open(log, "wb") as fh:
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT,
                                  env={**os.environ, "NEO4J_HOME": str(home)}, cwd=scratch)
        files.seconds["importer"] = time.perf_counter() - started - files.seconds["files"]
        if done.returncode != 0:
            raise DataError(Problem(f"{admin} database import full", f"the importer failed "
                                    f"(exit {done.returncode}): {_why(log.read_text(errors='replace'))}"))
        return files
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _why(output: str) -> str:
    """The importer's own explanation from its output: its error lines, else its last lines."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip() and not ln.startswith(("\tat ", "    at "))]
    causes = [ln for ln in lines if ln.startswith("Caused by:") or "Exception:" in ln]
    chosen = causes[-1:] or lines[-3:]
    return " / ".join(chosen)[-1500:] or "no output"


# --------------------------------------------------------------------------- after the import


def finish_import(db: Neo4jBackend) -> dict[str, int]:
    """Complete a bulk import in a running server: the constraint and indexes, the empty
    lists, then the dataset record written by the online load's statement; returns once the
    indexes are populated. Running it again
    changes nothing. :class:`DataError` when the database holds no bulk import."""
    found = db._read(statement("bulk_pending").text)
    if not found:
        raise DataError(Problem(db.uri, "the database holds no dataset record: nothing to finish "
                                        "(import with `mentornet load DIR --bulk NEO4J_HOME` first)"))
    create_schema(db)
    record = found[0]
    fixed = 0
    for kind in record["fix"]:  # one scan, committed in batches (batch by batch, each scanned anew: 17 s of 22 at 1M)
        fixed += db._auto(statement(f"bulk_empty_lists_{kind}").text, batch=FINISH_BATCH)[0]["fixed"]
    if record["state"] == IMPORTED:
        held = record["record"]
        held.update((k, []) for k in held.get(EMPTY_LISTS) or ())
        # written as the online load writes it, which also removes what the import left on it
        write_dataset_record(db, {k[len(BULK_RECORD_PREFIX):]: v for k, v in held.items()
                                  if k.startswith(BULK_RECORD_PREFIX)})
    db._auto(statement("bulk_await_indexes").text, seconds=INDEX_WAIT_SECONDS)
    return {"empty_lists": fixed}
