"""Small builders shared by the tests: datasets written as real CSV files."""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import random
import signal
import tempfile
from pathlib import Path

from mentornet import read_dataset

AS_OF = dt.date(2026, 11, 25)
PEOPLE_COLUMNS = ["id", "name", "role", "department", "research_interests", "career_interests",
                  "identity.gender", "identity.urm", "seeks_concordance", "capacity", "accepting",
                  "leadership", "mentee"]
REL_COLUMNS = ["source", "target", "type", "focus", "status", "last_met"]


@contextlib.contextmanager
def in_new_directory(parent=None):
    """Run the block in a new empty directory (under ``parent`` if given), then go back.

    Replaces click's ``CliRunner.isolated_filesystem``, deprecated in click 8.5.
    """
    before = os.getcwd()
    with tempfile.TemporaryDirectory(dir=parent) as directory:
        os.chdir(directory)
        try:
            yield os.path.realpath(directory)
        finally:
            os.chdir(before)


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def write_dataset(directory: Path, people: list[dict], relationships: list[dict],
                  people_columns=None, rel_columns=None) -> Path:
    directory = Path(directory)
    pcols = people_columns or _columns(PEOPLE_COLUMNS, people)
    rcols = rel_columns or _columns(REL_COLUMNS, relationships)
    write_csv(directory / "people.csv", pcols, people)
    write_csv(directory / "relationships.csv", rcols, relationships)
    return directory


def _columns(base, rows):
    extra = [c for row in rows for c in row if c not in base]
    return base + list(dict.fromkeys(extra))


def dataset(tmp_path: Path, people: list[dict], relationships: list[dict]):
    return read_dataset(write_dataset(tmp_path, people, relationships))


def random_dataset(rng: random.Random, n_people: int, n_rels: int):
    """A read Dataset made of :func:`random_rows`, written to (and read from) a temporary directory."""
    import tempfile

    people, rels = random_rows(rng, n_people, n_rels)
    with tempfile.TemporaryDirectory() as tmp:
        return read_dataset(write_dataset(Path(tmp), people, rels))


def random_rows(rng: random.Random, n_people: int, n_rels: int):
    """A small random dataset exercising every rule: roles, capacity, leaders, stale rows..."""
    roles = ["student", "resident", "fellow", "faculty", "faculty", "alumni", "external"]
    topics = ["ai", "MSK", "neuro", "Peds", "qi"]
    careers = ["leadership", "teaching", "work-life"]
    depts = ["Rad", "rad ", "Surg", ""]
    people = []
    for i in range(n_people):
        role = rng.choice(roles)
        people.append({
            "id": f"p{i:02d}", "name": f"Person {i}", "role": role, "department": rng.choice(depts),
            "research_interests": ";".join(rng.sample(topics, rng.randint(0, 2))),
            "career_interests": ";".join(rng.sample(careers, rng.randint(0, 2))),
            "identity.gender": rng.choice(["female", "Male", "", "nonbinary"]),
            "identity.urm": rng.choice(["yes", "no", ""]),
            "seeks_concordance": rng.choice(["", "gender", "urm", "gender;urm"]),
            "capacity": rng.choice(["", "0", "1", "2"]),
            "accepting": rng.choice(["", "true", "true", "false"]),
            "leadership": rng.choice(["", "", "", "chair"]),
            "mentee": rng.choice(["", "", "true"]) if role == "faculty" else "",
        })
    rels = []
    for _ in range(n_rels):
        a, b = rng.sample(range(n_people), 2)
        rtype = rng.choice(["MENTORS", "MENTORS", "COLLEAGUE", "COAUTHOR", "KNOWS"])
        rels.append({
            "source": f"p{a:02d}", "target": f"p{b:02d}", "type": rtype,
            "focus": ";".join(rng.sample(["research", "career", "psychosocial"], rng.randint(0, 2)))
            if rtype == "MENTORS" else "",
            "status": rng.choice(["", "active", "active", "ended"]),
            "last_met": rng.choice(["", "", "2026-06-01", "2025-01-01", "2025-11-25", "2025-11-24"]),
        })
    return people, rels


def xlsx_text_cells(path: Path) -> list[tuple[str, object]]:
    """(sheet title, cell) for every text cell of a workbook, sheet by sheet."""
    from openpyxl import load_workbook

    return [(ws.title, cell) for ws in load_workbook(path).worksheets
            for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]


def load_once(backend):
    """``load(ds)``: ``backend`` holding ``ds``, loaded (with ``--replace``) unless it is the
    dataset already in the database."""
    current = {}

    def load(ds):
        if current.get("source") != ds.source:
            backend.load(ds, replace=True)
            current["source"] = ds.source
        return backend

    return load


def stored(driver) -> dict:
    """Everything the database holds, comparable across stores: nodes and relationships with
    their labels, types and properties (sorted), the constraints and indexes. A node's labels
    are a set: ``labels(n)`` lists them in the order of the store's label tokens, which the
    importer numbers otherwise than an online load."""
    with driver.session() as session:
        nodes = session.run("MATCH (n) RETURN COLLECT { UNWIND labels(n) AS l RETURN l ORDER BY l } AS labels, "
                            "properties(n) AS props").data()
        rels = session.run("MATCH (a)-[r]->(b) RETURN a.id AS a, b.id AS b, type(r) AS type, "
                           "properties(r) AS props").data()
        constraints = session.run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties").data()
        indexes = session.run("SHOW INDEXES YIELD name, type, labelsOrTypes, properties, state "
                              "WHERE type <> 'LOOKUP'").data()
    key = lambda row: json.dumps(row, sort_keys=True, ensure_ascii=False)  # noqa: E731
    return {"nodes": sorted(map(key, nodes)), "relationships": sorted(map(key, rels)),
            "constraints": sorted(map(key, constraints)), "indexes": sorted(map(key, indexes))}


@contextlib.contextmanager
def ctrl_c_during(backend, monkeypatch, *names: str):
    """A real SIGINT sent to this process as ``backend`` starts the first of its write statements
    ``names`` (which then runs), with Python's own handler installed as in a terminal: a runner
    started in the background (CI) may inherit Ctrl-C ignored, and a load rightly ignores it
    then. Yields the list of what happened, ``"pressed"`` then ``"returned"`` (that call's end);
    the handler and ``backend._write`` are put back on leaving."""
    from mentornet.backends.neo4j.statements import statement

    texts = {statement(name).text for name in names}
    real_write, calls = backend._write, []

    def write(text, **params):
        if text not in texts or calls:
            return real_write(text, **params)
        calls.append("pressed")
        os.kill(os.getpid(), signal.SIGINT)
        result = real_write(text, **params)
        calls.append("returned")
        return result

    monkeypatch.setattr(backend, "_write", write)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield calls
    finally:
        signal.signal(signal.SIGINT, before)
        monkeypatch.setattr(backend, "_write", real_write)
