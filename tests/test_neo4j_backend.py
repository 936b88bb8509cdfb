"""The Neo4j backend against a real Neo4j 5.26 server (tests/neo4j): load, gaps parity, query, errors."""
import datetime as dt
import json
import socket
from pathlib import Path
from types import MappingProxyType

import pandas as pd
import pytest
from click.testing import CliRunner

from mentornet.analysis import dataset_warnings
from mentornet.backends.networkx import NetworkXBackend
from mentornet.cli import main
from mentornet.errors import BackendUnavailable, DataError
from mentornet.generate import generate_dataset
from mentornet.io import read_dataset
from mentornet.model import Policy

from helpers import write_dataset

pytestmark = pytest.mark.neo4j

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "radiology"
AS_OF = dt.date(2026, 11, 25)
WRONG_PASSWORD = "not-the-password-Zq7"


@pytest.fixture(scope="module")
def server(neo4j_clean):
    return neo4j_clean


@pytest.fixture()
def backend(server):
    from mentornet.backends.neo4j import Neo4jBackend

    with Neo4jBackend.connect(server.uri, user=server.user, password=server.password,
                              database=server.database) as opened:
        yield opened


def env_for(server, password=None):
    return {"NEO4J_PASSWORD": password if password is not None else server.password,
            "NEO4J_USERNAME": server.user, "NEO4J_DATABASE": server.database}


def invoke(server, *args, password=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env_for(server, password))


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graph_snapshot(server):
    """Every person and relationship with all properties, in a stable order."""
    with server.driver() as driver:
        people, _, _ = driver.execute_query(
            "MATCH (p:Person) RETURN p.id AS id, properties(p) AS props ORDER BY id", database_=server.database)
        rels, _, _ = driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props "
            "ORDER BY a, t, b, coalesce(r.duplicate, 0)", database_=server.database)
        other, _, _ = driver.execute_query(
            "MATCH (n) WHERE NOT n:Person RETURN labels(n) AS labels, properties(n) AS props",
            database_=server.database)
    return ([r.data() for r in people], [r.data() for r in rels], [r.data() for r in other])


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    found = {}
    for seed in (3, 11):
        directory = tmp_path_factory.mktemp(f"gen{seed}") / "ds"
        generate_dataset(directory, people=300, seed=seed)
        found[seed] = read_dataset(directory)
    return found


def policies(ds):
    concordance = {attr: frozenset({"female", "nonbinary", "yes"}) for attr in ds.identity_attributes}
    return [Policy(), Policy(stale_after_days=120, concordance=MappingProxyType(concordance))]


def assert_same_frame(left, right):
    pd.testing.assert_frame_equal(left.reset_index(drop=True).astype(str), right.reset_index(drop=True).astype(str))


# --------------------------------------------------------------------------- parity


def check_parity(backend, ds):
    backend.load(ds, replace=True)
    embedded = NetworkXBackend(ds)
    for policy in policies(ds):
        for as_of in (AS_OF, dt.date(2024, 3, 1)):
            expected = embedded.gaps(policy=policy, as_of=as_of)
            assert_same_frame(backend.gaps(policy=policy, as_of=as_of), expected)
            assert [p.message for p in backend.warnings(policy=policy, as_of=as_of)] == \
                [p.message for p in dataset_warnings(ds, policy=policy, as_of=as_of)]


def test_gaps_parity_on_the_example(backend):
    ds = read_dataset(EXAMPLE)
    check_parity(backend, ds)
    assert len(backend.gaps(policy=Policy(), as_of=AS_OF)) > 0


@pytest.mark.parametrize("seed", [3, 11])
def test_gaps_parity_on_generated_datasets(backend, generated, seed):
    check_parity(backend, generated[seed])


TRICKY_PEOPLE = [
    {"id": "f1", "role": "faculty", "department": "Rad", "identity.gender": "female", "identity.urm": "",
     "research_interests": "ai", "capacity": "1", "email": "f1@example.org"},
    {"id": "f2", "role": "Faculty", "department": "rad", "identity.gender": "male", "identity.urm": "no",
     "leadership": "chair"},
    {"id": "f3", "role": "alumni", "identity.gender": "", "accepting": "no"},
    {"id": "m1", "role": "resident", "department": "Rad", "identity.gender": "Female", "seeks_concordance": "gender"},
    {"id": "m2", "role": "resident", "department": "Rad", "identity.urm": "Yes"},
    {"id": "r-\U0001D518", "role": "student", "identity.gender": "nonbinary", "seeks_concordance": "gender;urm"},
    {"id": "r-\uFF5A", "role": "student", "name": "Zed"},
    {"id": "m4", "role": "fellow", "department": "", "identity.urm": "yes", "seeks_concordance": "urm"},
    {"id": "m5", "role": "faculty", "mentee": "true", "identity.gender": "FEMALE", "seeks_concordance": "gender"},
]
TRICKY_RELS = [
    {"source": "f1", "target": "m1", "type": "MENTORS", "focus": "research", "last_met": "2025-11-25"},
    {"source": "f2", "target": "m1", "type": "mentors", "focus": "career", "last_met": "2025-11-24"},
    {"source": "f1", "target": "m4", "type": "MENTORS", "focus": "research"},
    {"source": "f1", "target": "m4", "type": "MENTORS", "focus": "Career;peer"},
    {"source": "f2", "target": "m2", "type": "MENTORS", "focus": "career", "status": "Ended"},
    {"source": "f2", "target": "m2", "type": "MENTORS", "focus": "research"},
    {"source": "f2", "target": "m4", "type": "MENTORS", "focus": "psychosocial"},
    {"source": "f3", "target": "m5", "type": "MENTORS", "focus": "research;career"},
    {"source": "f1", "target": "m5", "type": "MENTORS", "focus": "", "status": "ended", "last_met": "2026-01-01"},
    {"source": "f1", "target": "r-\U0001D518", "type": "COAUTHOR", "note": "paper"},
    {"source": "f1", "target": "r-\uFF5A", "type": "KNOWS"},
]


def test_gaps_parity_on_edge_cases(backend, tmp_path):
    ds = read_dataset(write_dataset(tmp_path / "tricky", TRICKY_PEOPLE, TRICKY_RELS))
    check_parity(backend, ds)
    for policy in policies(ds):
        rows = backend.gaps(policy=policy, as_of=AS_OF)
        # Python's code-point order, not Neo4j's UTF-16 order
        assert rows["mentee_id"].drop_duplicates().tolist() == sorted(rows["mentee_id"].unique())
    gaps = backend.gaps(policy=Policy(), as_of=AS_OF)
    assert ("m1", "identity:gender") not in set(zip(gaps["mentee_id"], gaps["area"]))  # Female == female
    assert ("m4", "career") not in set(zip(gaps["mentee_id"], gaps["area"]))  # focus of duplicate rows joined


def test_gaps_frame_has_the_embedded_columns_and_types(backend):
    ds = read_dataset(EXAMPLE)
    backend.load(ds, replace=True)
    got = backend.gaps(policy=Policy(), as_of=AS_OF)
    expected = NetworkXBackend(ds).gaps(policy=Policy(), as_of=AS_OF)
    assert list(got.columns) == list(expected.columns)
    assert got["active_mentors"].dtype == expected["active_mentors"].dtype
    assert got[["mentee_id", "area"]].values.tolist() == expected[["mentee_id", "area"]].values.tolist()


def test_names(backend):
    backend.load(read_dataset(EXAMPLE), replace=True)
    assert backend.names(["res-alvarez", "nobody"]) == {"res-alvarez": "Dr. Sofia Alvarez"}


# --------------------------------------------------------------------------- loading


@pytest.fixture()
def small_batches(monkeypatch):
    """Batches of 7 rows, so even the example is written in many batches through the pipeline."""
    import mentornet.backends.neo4j.load as neo4j_backend

    monkeypatch.setattr(neo4j_backend, "BATCH_ROWS", 7)


def test_load_twice_converges(server, backend, small_batches):
    ds = read_dataset(EXAMPLE)
    backend.load(ds, replace=True)
    first, first_snapshot = backend.counts(), graph_snapshot(server)
    backend.load(ds)
    assert backend.counts() == first == {"people": len(ds.people), "relationships": len(ds.relationships)}
    assert graph_snapshot(server) == first_snapshot


@pytest.mark.parametrize("batch_rows", [7, 10_000])
def test_merge_path_writes_what_the_create_path_writes(server, backend, generated, monkeypatch, batch_rows):
    import mentornet.backends.neo4j.load as neo4j_backend

    monkeypatch.setattr(neo4j_backend, "BATCH_ROWS", batch_rows)
    # Into an empty database the load CREATEs; with people present it MERGEs. Both must give
    # the same graph: load fresh, drop the relationships only, load again over the people.
    ds = generated[11]
    backend.load(ds, replace=True)
    fresh = graph_snapshot(server)
    with server.driver() as driver:
        driver.execute_query("MATCH (:Person)-[r]->(:Person) DELETE r", database_=server.database)
    assert backend.counts()["relationships"] == 0
    backend.load(ds)
    assert graph_snapshot(server) == fresh


def load_while_another_client_writes(server, backend, cypher):
    """Load the example into an emptied database while another client runs ``cypher`` once all
    people are written; return the dataset, the graph a clean load gives, and the error."""
    ds = read_dataset(EXAMPLE)
    backend.load(ds, replace=True)
    expected = graph_snapshot(server)

    def interfere(kind, done, total):
        if kind == "people" and done == total:
            with server.driver() as driver:
                driver.execute_query(cypher, database_=server.database)

    backend.delete_loaded()
    with pytest.raises(BackendUnavailable) as info:
        backend.load(ds, progress=interfere)
    return ds, expected, str(info.value)


def test_a_person_deleted_during_the_load_is_reported_and_rerunning_converges(server, backend):
    # Relationships find their people by the element id the people statement returned: a person
    # another client deletes meanwhile must not be skipped silently.
    ds, expected, message = load_while_another_client_writes(
        server, backend, "MATCH (p:Person {id: 'fac-kim'}) DETACH DELETE p")
    assert "deleted or re-created by another client" in message
    assert f"after {len(ds.people)} people" in message
    assert "run the load again: it converges" in message  # a load without --replace: run as it was
    backend.load(ds)
    assert graph_snapshot(server) == expected


def test_a_person_whose_node_is_taken_over_during_the_load_is_reported(server, backend):
    # Relationships find their people by element id alone; the load checks at its end that each
    # element id is still its person's. Another client turning fac-kim's node into someone else
    # (as a deleted node's id taken by a new one would) must not pass as a good load.
    ds, expected, message = load_while_another_client_writes(
        server, backend, "MATCH (p:Person {id: 'fac-kim'}) SET p.id = 'someone-else'")
    assert "re-created by another client" in message and "--replace" in message
    backend.load(ds, replace=True)
    assert graph_snapshot(server) == expected


def test_a_load_over_more_relationships_than_the_files_says_so(server, backend, tmp_path):
    # The MERGE path looks each relationship up and creates the missing ones; anything beyond
    # the files (another load at the same time, an earlier load of other files) is reported.
    ds = read_dataset(EXAMPLE)
    backend.load(ds, replace=True)
    with server.driver() as driver:
        driver.execute_query("MATCH (a:Person {id: 'fac-kim'}), (b:Person {id: 'res-alvarez'}) "
                             "CREATE (a)-[:MENTORS {status: 'active'}]->(b)", database_=server.database)
    before = graph_snapshot(server)
    with pytest.raises(DataError) as info:  # refused before anything is written
        backend.load(ds)
    assert f"holds {len(ds.relationships) + 1} relationships between people" in str(info.value)
    assert "--replace" in str(info.value)
    assert graph_snapshot(server) == before
    backend.load(ds, replace=True)
    assert backend.counts()["relationships"] == len(ds.relationships)


def test_load_twice_through_the_cli(server):
    assert invoke(server, "load", EXAMPLE, server.uri, "--replace").exit_code == 0
    before = graph_snapshot(server)
    result = invoke(server, "load", EXAMPLE, server.uri)
    assert result.exit_code == 0, result.output
    assert "loaded 59 people and 81 relationships" in result.stderr
    assert result.stdout == ""
    assert graph_snapshot(server) == before


def test_stored_properties(server, backend):
    backend.load(read_dataset(EXAMPLE), replace=True)
    with server.driver() as driver:
        records, _, _ = driver.execute_query(
            "MATCH (p:Person {id: 'fac-okafor'}) RETURN properties(p) AS p", database_=server.database)
        person = records[0]["p"]
        records, _, _ = driver.execute_query(
            "MATCH (:Person {id: 'fac-kim'})-[r:MENTORS]->(:Person {id: 'res-alvarez'}) RETURN properties(r) AS r",
            database_=server.database)
        rel = records[0]["r"]
    assert person["capacity"] == 3 and person["accepting"] is True and person["mentee"] is False
    assert person["leadership"] == ["chair"]
    assert person["research_interests"] == ["oncology-imaging", "health-equity"]
    assert person["identity.gender"] == "male"
    assert rel == {"focus": ["research"], "status": "active", "since": "2023-08-01",
                   "last_met": "2026-10-14", "formal": True}
    # empty values are not stored: no empty lists, no empty capacity
    with server.driver() as driver:
        records, _, _ = driver.execute_query(
            "MATCH (p:Person) WHERE any(k IN keys(p) WHERE p[k] = [] AND NOT k ENDS WITH '_lower') "
            "RETURN count(p) AS people", database_=server.database)
        assert records[0]["people"] == 0
        records, _, _ = driver.execute_query(
            "MATCH ()-[r]->() RETURN count(r) AS all, count(r.focus) AS with_focus, "
            "sum(CASE WHEN r.focus = [] THEN 1 ELSE 0 END) AS empty", database_=server.database)
    assert records[0]["empty"] == 0 and 0 < records[0]["with_focus"] < records[0]["all"]


def test_identity_and_unknown_columns_are_stored_as_text(server, backend, tmp_path):
    ds = read_dataset(write_dataset(tmp_path / "ds", [
        {"id": "f1", "role": "faculty", "identity.gender": "female", "office": "B-12"},
        {"id": "r1", "role": "resident", "identity.gender": "", "office": ""}],
        [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": "career", "note": "weekly"},
         {"source": "f1", "target": "r1", "type": "KNOWS"}]))
    backend.load(ds, replace=True)
    with server.driver() as driver:
        people, _, _ = driver.execute_query("MATCH (p:Person) RETURN p.id AS id, properties(p) AS p ORDER BY id",
                                            database_=server.database)
        rels, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, properties(r) AS r ORDER BY t",
                                          database_=server.database)
    f1, r1 = people[0]["p"], people[1]["p"]
    assert f1["identity.gender"] == "female" and f1["office"] == "B-12"
    assert "identity.gender" not in r1 and r1["office"] == ""
    assert rels[0]["t"] == "KNOWS" and "focus" not in rels[0]["r"] and rels[0]["r"]["note"] == ""
    assert rels[1]["r"]["note"] == "weekly" and rels[1]["r"]["focus"] == ["career"]


def test_a_reload_without_replace_takes_the_new_values(server, backend, tmp_path, small_batches):
    # The MERGE path replaces every property: cleared identity, list and capacity disappear,
    # new columns appear, exactly as if the new files had been loaded into an empty database.
    people = [{"id": "f1", "role": "faculty", "capacity": "2", "leadership": "chair", "identity.gender": "female",
               "research_interests": "imaging"},
              {"id": "r1", "role": "resident", "identity.gender": "male", "career_interests": "promotion"}]
    rels = [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": "career"}]
    backend.load(read_dataset(write_dataset(tmp_path / "before", people, rels)), replace=True)
    changed = [{"id": "f1", "role": "faculty", "capacity": "", "leadership": "", "identity.gender": "",
                "research_interests": "", "office": "B-12"},
               {"id": "r1", "role": "resident", "identity.gender": "male", "career_interests": "Promotion;Grants",
                "office": ""}]
    changed_rels = [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": "", "note": "weekly"}]
    after = read_dataset(write_dataset(tmp_path / "after", changed, changed_rels))
    backend.load(after)
    reloaded = graph_snapshot(server)
    backend.load(after, replace=True)
    assert reloaded == graph_snapshot(server)
    f1 = reloaded[0][0]["props"]
    assert "capacity" not in f1 and "leadership" not in f1 and "identity.gender" not in f1
    assert f1["office"] == "B-12" and f1["research_lower"] == [] and "research_interests" not in f1
    assert reloaded[0][1]["props"]["career_lower"] == ["grants", "promotion"]


def test_columns_named_like_derived_properties_do_not_replace_them(server, backend, tmp_path):
    ds = read_dataset(write_dataset(tmp_path / "ds", [
        {"id": "f1", "role": "faculty", "research_interests": "Imaging", "research_lower": "x", "id_codepoints": ""},
        {"id": "r1", "role": "resident", "research_interests": "imaging"}],
        [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": "career"}]))
    backend.load(ds, replace=True)
    with server.driver() as driver:
        records, _, _ = driver.execute_query("MATCH (p:Person) RETURN properties(p) AS p ORDER BY p.id",
                                             database_=server.database)
    f1, r1 = (r["p"] for r in records)
    assert f1["research_lower"] == ["imaging"] and f1["id_codepoints"] == [102, 49]
    assert r1["research_interests"] == ["imaging"] and r1["research_lower"] == ["imaging"]
    assert_same_frame(backend.refer(policy=Policy(), as_of=AS_OF), NetworkXBackend(ds).refer(policy=Policy(), as_of=AS_OF))


def test_acquaintance_ties_store_only_what_differs_from_the_defaults(server, backend, tmp_path):
    # Most relationships are acquaintance ties with nothing to say: they are written bare. A
    # mentorship always keeps status and formal; a tie keeps them only when not the defaults.
    people = [{"id": i, "role": "faculty"} for i in ("f1", "f2")] + [{"id": "r1", "role": "resident"}]
    rels = [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": "career"},
            {"source": "f1", "target": "f2", "type": "COLLEAGUE"},
            {"source": "f1", "target": "f2", "type": "COLLEAGUE"},
            {"source": "f2", "target": "r1", "type": "KNOWS", "status": "ended"},
            {"source": "f2", "target": "f1", "type": "COAUTHOR", "formal": "true"},
            {"source": "r1", "target": "f1", "type": "KNOWS", "since": "2024-01-01"},
            {"source": "r1", "target": "f2", "type": "KNOWS"}]
    ds = read_dataset(write_dataset(tmp_path / "ties", people, rels))
    backend.load(ds, replace=True)
    stored = [(r["a"], r["t"], r["b"], r["props"]) for r in graph_snapshot(server)[1]]
    assert stored == [
        ("f1", "COLLEAGUE", "f2", {}),
        ("f1", "COLLEAGUE", "f2", {"duplicate": 1}),
        ("f1", "MENTORS", "r1", {"focus": ["career"], "status": "active", "formal": False}),
        ("f2", "COAUTHOR", "f1", {"formal": True}),
        ("f2", "KNOWS", "r1", {"status": "ended"}),
        ("r1", "KNOWS", "f1", {"since": "2024-01-01"}),
        ("r1", "KNOWS", "f2", {}),
    ]
    backend.load(ds)  # the MERGE path finds each of them, the duplicate included
    assert [(r["a"], r["t"], r["b"], r["props"]) for r in graph_snapshot(server)[1]] == stored


def test_duplicate_rows_stay_distinct_relationships(server, backend):
    ds = read_dataset(EXAMPLE)
    backend.load(ds, replace=True)
    with server.driver() as driver:
        records, _, _ = driver.execute_query(
            "MATCH (:Person {id: 'fac-reyes'})-[r:MENTORS]->(:Person {id: 'res-brooks'}) RETURN r.duplicate AS duplicate, "
            "r.since AS since ORDER BY since", database_=server.database)
    assert [r.data() for r in records] == [{"duplicate": None, "since": "2023-09-01"},
                                           {"duplicate": 1, "since": "2025-02-10"}]


def test_replace_removes_what_an_earlier_load_wrote(server, backend, tmp_path):
    backend.load(read_dataset(EXAMPLE), replace=True)
    small = write_dataset(tmp_path / "small", [
        {"id": "f1", "role": "faculty"}, {"id": "r1", "role": "resident"}],
        [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": "career"}])
    result = invoke(server, "load", small, server.uri, "--replace")
    assert result.exit_code == 0, result.output
    assert backend.counts() == {"people": 2, "relationships": 1}
    rows = backend.gaps(policy=Policy(), as_of=AS_OF)
    assert rows[["mentee_id", "area"]].values.tolist() == [["r1", "research"]]


@pytest.mark.parametrize("replace", [[], ["--replace"]])
def test_a_dataset_with_an_error_changes_nothing(server, backend, tmp_path, replace):
    backend.load(read_dataset(EXAMPLE), replace=True)
    before = graph_snapshot(server)
    bad = write_dataset(tmp_path / "bad", [
        {"id": "f1", "role": "faculty"}, {"id": "r1", "role": "wizard"}],
        [{"source": "f1", "target": "r1", "type": "MENTORS"}])
    result = invoke(server, "load", bad, server.uri, *replace)
    assert result.exit_code == 2
    assert "unknown role 'wizard'" in result.stderr and "Traceback" not in result.output
    assert graph_snapshot(server) == before


def test_load_needs_a_neo4j_uri(server, tmp_path):
    result = invoke(server, "load", EXAMPLE, tmp_path)
    assert result.exit_code == 2
    assert "not a Neo4j URI" in result.stderr


# --------------------------------------------------------------------------- errors


def test_wrong_password_exits_3_without_printing_it(server):
    for args in (["load", EXAMPLE, server.uri], ["gaps", server.uri], ["query", "gaps", server.uri]):
        result = invoke(server, *args, password=WRONG_PASSWORD)
        assert result.exit_code == 3, result.output
        assert "authentication failed" in result.stderr
        assert WRONG_PASSWORD not in result.output and WRONG_PASSWORD not in result.stderr
        assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1 + (
            2 if args[0] == "load" else 0)  # load also prints the example's two warnings


def test_connect_with_wrong_password_raises_backend_unavailable(server):
    from mentornet.backends.neo4j import Neo4jBackend

    with pytest.raises(BackendUnavailable) as info:
        Neo4jBackend.connect(server.uri, user=server.user, password=WRONG_PASSWORD, database=server.database)
    assert WRONG_PASSWORD not in str(info.value)


@pytest.mark.parametrize("command", ["load", "gaps", "query"])
def test_stopped_server_exits_3(server, command):
    uri = f"bolt://127.0.0.1:{unused_port()}"
    args = {"load": ["load", EXAMPLE, uri], "gaps": ["gaps", uri], "query": ["query", "gaps", uri]}[command]
    result = invoke(server, *args)
    assert result.exit_code == 3, result.output
    assert f"database unavailable: {uri}: cannot reach the server" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_database_exits_3(server):
    result = CliRunner().invoke(main, ["gaps", server.uri, "--database", "nosuchdb"],
                                env=env_for(server))
    assert result.exit_code == 3
    assert "nosuchdb" in result.stderr


# --------------------------------------------------------------------------- query


def test_query_list():
    result = CliRunner().invoke(main, ["query", "--list", "--format", "csv"])
    assert result.exit_code == 0
    frame = pd.read_csv(pd.io.common.StringIO(result.stdout))
    names = set(frame["name"])
    assert {"gaps", "mentor_load", "over_capacity", "leadership_conflicts", "stale_mentorships",
            "coverage_by_department", "mentees_without_mentor"} <= names
    assert not any(n.startswith(("load_", "delete_", "schema_")) for n in names)
    assert frame["description"].str.len().min() > 10


def test_every_cypher_file_has_a_header():
    from mentornet.backends.neo4j import statements

    found = statements()
    assert len(found) >= 15
    for s in found:
        assert s.description and s.parameters and s.kind in ("read", "write"), s.name
        lines = s.text.splitlines()
        assert lines[0] == f"// name: {s.name}"


def test_packed_statements_return_their_rows_as_one_record(server, backend, generated):
    """A statement with a '// columns:' header is read as one record (Statement.packed): the
    columns are the ones it returns when run as written, and the rows are the same."""
    from mentornet.backends.neo4j import statements

    backend.load(generated[3], replace=True)
    chosen = backend.candidates(policy=Policy(), as_of=AS_OF, limit=3)
    params = {**backend.standard_parameters(policy=Policy(), as_of=AS_OF),
              "pairs": [{"mentee_id": m, "candidate_id": c, "hops": int(h)}
                        for m, c, h in zip(chosen["mentee_id"], chosen["candidate_id"], chosen["hops"])]}
    gaps = backend.gaps(policy=Policy(), as_of=AS_OF)
    params["gaps"] = [{"mentee_id": m, "areas": sorted(g["area"])} for m, g in gaps.groupby("mentee_id")]
    bulk = [s for s in statements() if s.columns]
    assert {"gaps", "referral_candidates", "referral_paths", "audit_mentees", "audit_mentors",
            "mentor_load", "suited_reach"} <= {s.name for s in bulk}
    with server.driver() as driver:
        for s in bulk:
            flat = driver.execute_query(s.text, params, database_=server.database)
            packed = driver.execute_query(s.packed, params, database_=server.database)
            assert tuple(flat.keys) == s.columns, s.name
            assert len(flat.records) > 0, s.name  # the comparison below must compare something
            assert packed.keys == ["rows"] and len(packed.records) == 1, s.name
            assert sorted(map(repr, packed.records[0]["rows"])) == \
                sorted(repr(list(r.values())) for r in flat.records), s.name


def test_query_gaps_matches_the_gaps_command(server):
    assert invoke(server, "load", EXAMPLE, server.uri, "--replace").exit_code == 0
    via_query = invoke(server, "query", "gaps", server.uri, "--as-of", "2026-11-25", "--format", "csv")
    via_gaps = invoke(server, "gaps", server.uri, "--as-of", "2026-11-25", "--format", "csv")
    embedded = invoke(server, "gaps", EXAMPLE, "--as-of", "2026-11-25", "--format", "csv")
    assert via_query.exit_code == via_gaps.exit_code == embedded.exit_code == 0
    assert via_query.stdout == via_gaps.stdout == embedded.stdout
    assert via_query.stdout.startswith("mentee_id,area,name,role,department,active_mentors\n")


def test_query_analyst_queries(server):
    assert invoke(server, "load", EXAMPLE, server.uri, "--replace").exit_code == 0
    over = invoke(server, "query", "over_capacity", server.uri, "--as-of", "2026-11-25", "--format", "csv")
    assert over.stdout == "mentor_id,name,load,capacity\nfac-patel,Dr. Anil Patel,3,2\n"
    conflicts = invoke(server, "query", "leadership_conflicts", server.uri, "--as-of", "2026-11-25",
                       "--format", "csv")
    assert conflicts.stdout.splitlines()[1].startswith("fac-lindqvist,res-jones,")
    stale = invoke(server, "query", "stale_mentorships", server.uri, "--as-of", "2026-11-25", "--format", "csv")
    assert stale.stdout == ("mentor_id,mentee_id,last_met,status\n"
                            "fac-sato,res-huang,2025-05-20,lapsed\nfac-thompson,fel-santos,2024-06-20,ended\n")
    # -p overrides the cutoff that --as-of gives: with an early cutoff nothing has lapsed
    early = invoke(server, "query", "stale_mentorships", server.uri, "-p", "cutoff=2000-01-01", "--format", "csv")
    assert early.stdout == "mentor_id,mentee_id,last_met,status\nfac-thompson,fel-santos,2024-06-20,ended\n"
    load = invoke(server, "query", "mentor_load", server.uri, "-p", "default_capacity:=7", "--format", "json")
    assert load.exit_code == 0 and '"capacity": 7' in load.stdout
    for name in ("coverage_by_department", "mentees_without_mentor", "dataset_info"):
        result = invoke(server, "query", name, server.uri, "--as-of", "2026-11-25", "--format", "csv")
        assert result.exit_code == 0 and result.stdout.count("\n") >= 2, (name, result.output)


def test_query_relationship_rows_of_some_people_gives_each_row_once(server):
    """An analyst's $only may repeat an id or hold a null, and $among may be null: each row
    naming a listed person still comes once (null ids name no one; a null $among is false)."""
    assert invoke(server, "load", EXAMPLE, server.uri, "--replace").exit_code == 0
    ds = read_dataset(EXAMPLE)
    rows = ds.relationships
    some = ["res-garcia", "res-fischer", "fac-kim"]
    naming = rows[rows["source"].isin(some) | rows["target"].isin(some)]
    among = rows[rows["source"].isin(some) & rows["target"].isin(some)]
    assert len(naming) > len(among) > 0

    def query(*params):
        result = invoke(server, "query", "relationship_rows", server.uri, *params, "--format", "json")
        assert result.exit_code == 0, result.output
        return sorted((r["source"], r["target"], r["type"]) for r in json.loads(result.stdout))

    once = query("-p", 'only:=["res-garcia", "res-fischer", "fac-kim"]')
    assert once == sorted(zip(naming["source"], naming["target"], naming["type"]))
    assert query("-p", 'only:=["res-garcia", "fac-kim", "res-fischer", "fac-kim", null]', "-p", "among:=null") == once
    assert query("-p", 'only:=["fac-kim", "res-fischer", "res-garcia", "res-garcia"]', "-p", "among:=true") == \
        sorted(zip(among["source"], among["target"], among["type"]))
    assert len(query()) == len(rows)


def test_query_unknown_name_or_write_statement_is_a_usage_error(server):
    for name in ("nope", "load_people", "../gaps"):
        result = invoke(server, "query", name, server.uri)
        assert result.exit_code == 2, (name, result.output)
        assert "Traceback" not in result.output


def test_query_bad_parameter(server):
    result = invoke(server, "query", "gaps", server.uri, "-p", "attrs:=[oops")
    assert result.exit_code == 2
    result = invoke(server, "query", "gaps", server.uri, "-p", "novalue")
    assert result.exit_code == 2


def test_query_without_name_is_a_usage_error():
    assert CliRunner().invoke(main, ["query"]).exit_code == 2


# --------------------------------------------------------------------------- a lost connection (last: restarts the server)


def test_a_load_cut_short_says_so_and_rerunning_converges(server, generated):
    from mentornet.backends.neo4j import Neo4jBackend

    if not server.is_managed:
        pytest.skip("needs a server this test run started (it is stopped and restarted)")
    ds = generated[3]
    with Neo4jBackend.connect(server.uri, user=server.user, password=server.password,
                              database=server.database) as backend:
        backend.load(ds, replace=True)
    expected = graph_snapshot(server)

    def stop_after_people(kind, done, total):
        if kind == "people" and done == total:
            server.stop()

    try:
        with Neo4jBackend.connect(server.uri, user=server.user, password=server.password,
                                  database=server.database, retry_seconds=1.0) as backend:
            backend.delete_loaded()
            with pytest.raises(BackendUnavailable) as info:
                backend.load(ds, progress=stop_after_people)
    finally:
        server.start()
    assert f"after {len(ds.people)} people and 0 relationships" in str(info.value)
    assert "run the load again: it converges" in str(info.value)
    refused = invoke(server, "gaps", server.uri)  # the mark the cut-short load left
    assert refused.exit_code == 3 and "was cut short" in refused.stderr
    assert f"run `mentornet load {ds.source} {server.uri}` again" in refused.stderr  # a plain load: no --replace
    result = invoke(server, "load", ds.source, server.uri)
    assert result.exit_code == 0, result.output
    assert graph_snapshot(server) == expected


def test_refer_finds_the_gaps_beside_its_search_for_the_next_question_only(server, backend, generated):
    """A whole `refer` finds the gaps in a session beside its candidate search and keeps them
    on the snapshot for the next find_gaps (`refer` asks for the open gaps next); they are
    given once, the same as found afresh, and the audit's and match's searches find none."""
    ds = generated[3]
    backend.load(ds, replace=True)
    snap = backend.snapshot(policy=Policy(), as_of=AS_OF)
    backend.candidates(snap, limit=1)
    assert "gaps" not in snap.found
    backend.refer(snap)
    assert "gaps" in snap.found
    prefetched = backend.find_gaps(snap)
    assert "gaps" not in snap.found
    afresh = backend.find_gaps(snap)
    assert len(afresh) > 0
    pd.testing.assert_frame_equal(prefetched, afresh)
    embedded = NetworkXBackend(ds)
    assert_same_frame(prefetched, embedded.find_gaps(embedded.snapshot(policy=Policy(), as_of=AS_OF)))
    backend.refer(snap, mentee=afresh["mentee_id"].iloc[0])
    assert "gaps" not in snap.found
