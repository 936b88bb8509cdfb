"""Injection against the real Neo4j (issue 7): hostile ids, names, topics and `query -p`
values are stored and returned as plain data, and the database is intact afterwards."""

import pytest
from click.testing import CliRunner

from mentornet.cli import main

from helpers import write_dataset

pytestmark = pytest.mark.neo4j

CYPHER_ID = "x'}) DETACH DELETE n //"
CYPHER_ID2 = 'y"}) MATCH (n) DETACH DELETE n RETURN 1 //'
HTML_NAME = "<script>window.pwned=1</script>"
FORMULA = "=cmd|'/C calc'!A0"
TOPIC = "ai'}) MATCH (n) DETACH DELETE n //"  # no ';': that separates list items

PEOPLE = [
    {"id": CYPHER_ID, "name": HTML_NAME, "role": "resident", "department": "Rad`}",
     "research_interests": TOPIC, "identity.gender": "female", "seeks_concordance": "gender"},
    {"id": CYPHER_ID2, "name": FORMULA, "role": "faculty", "department": "Rad`}",
     "research_interests": TOPIC + ";{x: 1}", "identity.gender": "female"},
    {"id": "plain", "name": "Plain Person", "role": "faculty", "research_interests": "ai"},
]
RELS = [
    {"source": CYPHER_ID2, "target": CYPHER_ID, "type": "MENTORS", "focus": "career"},
    {"source": "plain", "target": CYPHER_ID2, "type": "COAUTHOR"},
]


@pytest.fixture(scope="module")
def server(neo4j_clean):
    return neo4j_clean


def invoke(server, *args):
    env = {"NEO4J_PASSWORD": server.password, "NEO4J_USERNAME": server.user,
           "NEO4J_DATABASE": server.database}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def people_in_db(server):
    with server.driver() as driver:
        rows, _, _ = driver.execute_query(
            "MATCH (p:Person) RETURN p.id AS id, p.name AS name, p.research_interests AS topics ORDER BY id",
            database_=server.database)
    return [(r["id"], r["name"], list(r["topics"] or [])) for r in rows]


def test_hostile_values_are_stored_and_returned_as_data(server, tmp_path):
    source = write_dataset(tmp_path / "ds", PEOPLE, RELS)
    loaded = invoke(server, "load", source, server.uri, "--replace")
    assert loaded.exit_code == 0, loaded.output
    stored = people_in_db(server)
    assert sorted(p[0] for p in stored) == sorted(p["id"] for p in PEOPLE)
    by_id = {p[0]: p for p in stored}
    assert by_id[CYPHER_ID][1] == HTML_NAME
    assert by_id[CYPHER_ID2][1] == FORMULA
    assert by_id[CYPHER_ID][2] == [TOPIC]
    assert by_id[CYPHER_ID2][2] == [TOPIC, "{x: 1}"]
    # the same rows, whichever backend answers; formulas neutralised in CSV on both
    via_db = invoke(server, "gaps", server.uri, "--as-of", "2026-11-25", "--format", "csv")
    via_files = invoke(server, "gaps", source, "--as-of", "2026-11-25", "--format", "csv")
    assert via_db.exit_code == via_files.exit_code == 0
    assert via_db.stdout == via_files.stdout
    assert CYPHER_ID in via_db.stdout


def test_query_parameters_carrying_cypher_are_plain_values(server, tmp_path):
    source = write_dataset(tmp_path / "ds", PEOPLE, RELS)
    assert invoke(server, "load", source, server.uri, "--replace").exit_code == 0
    before = people_in_db(server)
    for value in ["x' OR 1=1 //", "'}) DETACH DELETE n //", "\") MATCH (n) DETACH DELETE n //"]:
        result = invoke(server, "query", "names", server.uri, "-p", f"ids:=[\"{value.replace(chr(34), '')}\"]",
                        "--format", "csv")
        assert result.exit_code == 0, result.output
        assert result.stdout.count("\n") == 1  # header only: no person has that id
        cutoff = invoke(server, "query", "stale_mentorships", server.uri, "-p", f"cutoff={value}",
                        "--format", "csv")
        assert cutoff.exit_code == 0, cutoff.output
    hostile_lookup = invoke(server, "query", "names", server.uri, "-p", f"ids:=[\"{CYPHER_ID}\"]", "--format", "json")
    assert hostile_lookup.exit_code == 0 and "<script>" in hostile_lookup.stdout
    assert people_in_db(server) == before
