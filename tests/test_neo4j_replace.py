"""``load --replace`` over an earlier load, against a real Neo4j 5.26 server (tests/neo4j):
updated in place or deleted and written again, the database ends holding exactly what a first
load of the new files writes (every node, relationship, label, property, constraint and index)."""
from pathlib import Path

import pandas as pd
import pytest

from mentornet.errors import DataError, DatabaseIncomplete, LoadInterrupted
from mentornet.generate import generate_dataset
from mentornet.io import read_dataset

from helpers import ctrl_c_during, stored, write_dataset

pytestmark = pytest.mark.neo4j

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "radiology"


@pytest.fixture()
def backend(neo4j_clean):
    from mentornet.backends.neo4j import Neo4jBackend

    with Neo4jBackend.connect(neo4j_clean.uri, user=neo4j_clean.user, password=neo4j_clean.password,
                              database=neo4j_clean.database) as opened:
        opened.delete_loaded()
        yield opened
        opened.delete_loaded()


class Statements:
    """The names of the statements ``backend`` runs while this is on (the real calls are made)."""

    def __init__(self, backend, monkeypatch):
        from mentornet.backends.neo4j.statements import statements

        by_text = {s.text: s.name for s in statements(kind="write")}
        self.names: list[str] = []
        real = backend._write

        def write(text, **params):
            self.names.append(by_text.get(text, "?"))
            return real(text, **params)

        monkeypatch.setattr(backend, "_write", write)


def first_load(backend, server, ds) -> dict:
    """What a first load of ``ds`` into an empty database holds."""
    backend.delete_loaded()
    backend.load(ds)
    with server.driver() as driver:
        return stored(driver)


def replaced(backend, server, monkeypatch, before, after, *, then=None) -> tuple[dict, dict, list[str]]:
    """(what ``load(after, replace=True)`` over a load of ``before`` holds, what a first load of
    ``after`` holds, the statements the replace ran); ``then(session)`` runs between the two loads."""
    expected = first_load(backend, server, after)
    first_load(backend, server, before)
    if then is not None:
        with server.driver() as driver, driver.session() as session:
            then(session)
    ran = Statements(backend, monkeypatch)
    backend.load(after, replace=True)
    with server.driver() as driver:
        return stored(driver), expected, ran.names


def assert_same(got: dict, expected: dict) -> None:
    for kind in expected:  # what differs, named, before the whole comparison
        assert got[kind] == expected[kind], (kind, sorted(set(got[kind]) - set(expected[kind]))[:3],
                                             sorted(set(expected[kind]) - set(got[kind]))[:3])
    assert got == expected


def changed_export(before: Path, after: Path) -> Path:
    """A later export of the generated dataset ``before``: people gone (with their rows), people
    new, every relationship of some pairs gone, a duplicate row gone, a new row, changed values,
    an identity value withdrawn, a new column."""
    people = pd.read_csv(before / "people.csv", dtype=str, keep_default_na=False)
    rels = pd.read_csv(before / "relationships.csv", dtype=str, keep_default_na=False)
    gone = set(people["id"].iloc[5:15])
    people = people[~people["id"].isin(gone)]
    rels = rels[~rels["source"].isin(gone) & ~rels["target"].isin(gone)]
    rels = rels.drop(rels.index[::7])  # every seventh row: whole pairs and one of two duplicates
    doubled = rels.iloc[[3]].assign(focus="career")  # a pair written twice: a duplicate number 1
    rels = pd.concat([rels, doubled], ignore_index=True)
    new = people.iloc[[0]].assign(id="new-person", name="New")
    people = pd.concat([people, new], ignore_index=True)
    people.loc[people.index[1], "role"] = "faculty"
    identity = [c for c in people.columns if c.startswith("identity.")][0]
    people.loc[people.index[2:40], identity] = ""
    people["office"] = [f"B-{i}" if i % 3 else "" for i in range(len(people))]
    rels = pd.concat([rels, pd.DataFrame([{"source": "new-person", "target": people["id"].iloc[3],
                                           "type": "COLLEAGUE"}])], ignore_index=True).fillna("")
    after.mkdir(parents=True)
    people.to_csv(after / "people.csv", index=False)
    rels.to_csv(after / "relationships.csv", index=False)
    return after


def test_a_replace_by_a_later_export_is_updated_in_place_and_holds_what_a_first_load_writes(
        neo4j_clean, backend, tmp_path, monkeypatch):
    generate_dataset(tmp_path / "before", people=300, seed=3)
    before = read_dataset(tmp_path / "before")
    after = read_dataset(changed_export(tmp_path / "before", tmp_path / "after"))
    assert (after.relationships.groupby(["source", "target", "type"]).size() > 1).any()
    got, expected, ran = replaced(backend, neo4j_clean, monkeypatch, before, after)
    assert_same(got, expected)
    # in place: the ten people gone deleted, the rows gone deleted, nobody deleted and written again
    assert "delete_nodes" in ran and "delete_relationships_not_in" in ran
    assert "delete_people" not in ran and "create_people" not in ran


def test_a_replace_by_mostly_other_rows_deletes_everything_first(neo4j_clean, backend, tmp_path, monkeypatch):
    # the same ids (P0001...), other relationships: updating in place would delete almost every row
    for seed in (3, 4):
        generate_dataset(tmp_path / str(seed), people=300, seed=seed)
    before, after = read_dataset(tmp_path / "3"), read_dataset(tmp_path / "4")
    assert before.people["id"].tolist() == after.people["id"].tolist()
    got, expected, ran = replaced(backend, neo4j_clean, monkeypatch, before, after)
    assert_same(got, expected)
    assert ran[ran.index("load_count_found") + 1:ran.index("create_people")].count("delete_people")
    assert "load_people_not_in" not in ran and "load_people" not in ran


def test_a_ctrl_c_while_the_delete_path_deletes_is_refused_until_the_replace_runs_again(
        neo4j_clean, backend, tmp_path, monkeypatch):
    # A real SIGINT during the delete path's first batch (100 people of 300 deleted): the load
    # stops after that batch, before writing; every analysis refuses the half-deleted database;
    # the replace run again (over what is left: mostly other rows, the delete path again) holds
    # what a first load writes.
    import mentornet.backends.neo4j.load as loading

    for seed in (3, 4):
        generate_dataset(tmp_path / str(seed), people=300, seed=seed)
    before, after = read_dataset(tmp_path / "3"), read_dataset(tmp_path / "4")
    expected = first_load(backend, neo4j_clean, after)
    first_load(backend, neo4j_clean, before)
    monkeypatch.setattr(loading, "DELETE_BATCH", 100)
    with ctrl_c_during(backend, monkeypatch, "delete_people") as pressed, pytest.raises(LoadInterrupted) as info:
        backend.load(after, replace=True)
    assert pressed and "after 0 people and 0 relationships; run the load again with --replace" in str(info.value)
    with neo4j_clean.driver() as driver, driver.session() as session:
        left = session.run("MATCH (p:Person) RETURN count(p) AS n").single()["n"]
    assert left == len(before.people) - 100
    with pytest.raises(DatabaseIncomplete, match="cut short") as incomplete:
        backend.identity_attributes()
    assert str(incomplete.value).endswith(f"run `mentornet load {after.source} {backend.uri} --replace` again")
    # a load without --replace cannot remove what the replace left: refused before it writes anything
    with neo4j_clean.driver() as driver:
        held = stored(driver)
    with pytest.raises(DataError, match="with --replace\\) was cut short, so the database may still hold rows of "
                                        "what it was replacing, which only --replace removes"):
        backend.load(after)
    with neo4j_clean.driver() as driver:
        assert_same(stored(driver), held)
    backend.load(after, replace=True)
    with neo4j_clean.driver() as driver:
        assert_same(stored(driver), expected)


def test_a_replace_over_an_unfinished_bulk_import_leaves_nothing_of_it_on_the_record(
        neo4j_clean, backend, monkeypatch):
    # what a bulk import keeps on the dataset record until `finish-import` completes it (bulk.py):
    # its state, the kinds of entity with empty lists, the record's own values and empty lists
    ds = read_dataset(EXAMPLE)
    got, expected, ran = replaced(backend, neo4j_clean, monkeypatch, ds, ds, then=lambda session: session.run(
        "MATCH (d:MentornetDataset) SET d.state = 'imported', d.bulk_fix = ['nodes'], "
        "d.bulk_record_source = 'elsewhere', d.bulk_record_attrs = ['gender'], "
        "d.mentornet_empty_lists = ['bulk_record_attrs']").consume())
    assert "delete_people" in ran  # an import is never updated in place
    assert_same(got, expected)


def test_a_replace_by_the_same_files_deletes_nothing(neo4j_clean, backend, monkeypatch):
    ds = read_dataset(EXAMPLE)
    got, expected, ran = replaced(backend, neo4j_clean, monkeypatch, ds, ds)
    assert_same(got, expected)
    assert "delete_people" not in ran and "delete_relationships_not_in" not in ran and "delete_nodes" not in ran
    assert ran.count("load_people_not_in") == 1  # one look, nothing found


@pytest.mark.parametrize("leftover, deleted_by", [
    ("MATCH (a:Mentornet {id: $a}) CREATE (:Note {text: 'kept'})-[:ABOUT]->(a)",  # from another node
     "delete_relationships_from_others"),
    ("MATCH (a:Mentornet {id: $a}), (b:Mentornet {id: $b}) CREATE (a)-[:FRIEND]->(b)",  # another type
     "delete_relationships_not_in"),
    ("CREATE (:Person:Mentornet {name: 'ghost', role: 'resident', mentee: true})", "delete_nodes"),  # no id
    ("MATCH (a:Mentornet {id: $a})-[r:MENTORS]->(b) WITH a, b, r LIMIT 1 "
     "CREATE (a)-[s:MENTORS]->(b) SET s = properties(r)", "delete_people"),  # two relationships with one key
    ("CREATE (:Mentornet {id: $a})", "delete_people"),  # the label alone (the constraint is on :Person)
])
def test_what_the_files_do_not_hold_is_deleted(neo4j_clean, backend, monkeypatch, leftover, deleted_by):
    ds = read_dataset(EXAMPLE)
    mentor = ds.relationships.loc[ds.relationships["type"] == "MENTORS"].iloc[0]
    got, expected, ran = replaced(backend, neo4j_clean, monkeypatch, ds, ds, then=lambda session: session.run(
        leftover, a=mentor["source"], b=mentor["target"]).consume())
    assert got["relationships"] == expected["relationships"]
    with neo4j_clean.driver() as driver:
        with driver.session() as session:
            session.run("MATCH (n:Note) DETACH DELETE n").consume()  # another application's node is left alone
        assert_same(stored(driver), expected)
    assert len(got["nodes"]) == len(expected["nodes"]) + ("Note" in leftover)
    # in place, by the statement named; otherwise every person deleted and written again
    assert deleted_by in ran
    assert ("delete_people" in ran) == (deleted_by == "delete_people")


def write_pair(directory: Path, rows: int) -> Path:
    people = [{"id": "f1", "role": "faculty"}, {"id": "r1", "role": "resident"}]
    rels = [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": f"career{i}"} for i in range(rows)]
    return write_dataset(directory, people, rels)


def test_fewer_duplicate_rows_keep_the_first_ones(neo4j_clean, backend, tmp_path, monkeypatch):
    three, one = (read_dataset(write_pair(tmp_path / str(n), n)) for n in (3, 1))
    got, expected, ran = replaced(backend, neo4j_clean, monkeypatch, three, one)
    assert_same(got, expected)
    assert "delete_relationships_not_in" in ran and "delete_people" not in ran
