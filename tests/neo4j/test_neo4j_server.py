"""Checks of the real Neo4j test server (tests/neo4j/start) and its pytest fixtures."""

import shutil
import sys
from pathlib import Path

# Make `tests.neo4j.fixture` importable however pytest was started (tests/conftest.py may
# already do this and register the plugin; registering it twice is harmless).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

pytest_plugins = ["tests.neo4j.fixture"]

import neo4j  # noqa: E402  (the driver; tests/neo4j has no __init__.py so nothing shadows it)
import neo4j.exceptions  # noqa: E402
import pytest  # noqa: E402

pytestmark = pytest.mark.neo4j


def _count(server, query, **params):
    with server.driver() as driver:
        records, _, _ = driver.execute_query(query, params, database_=server.database)
    return records[0][0]


def test_create_and_read_back(neo4j_clean):
    server = neo4j_clean
    assert server.user == "neo4j"
    assert server.uri.startswith(("bolt://", "neo4j://", "bolt+s://", "neo4j+s://"))
    with server.driver() as driver:
        driver.execute_query(
            "CREATE (:Person {id: $id, name: $name})-[:MENTORS]->(:Person {id: 'p2'})",
            id="p1",
            name="Ada",
            database_=server.database,
        )
        records, _, _ = driver.execute_query(
            "MATCH (a:Person {id: $id})-[:MENTORS]->(b) RETURN a.name AS name, b.id AS mentee",
            id="p1",
            database_=server.database,
        )
    assert [(r["name"], r["mentee"]) for r in records] == [("Ada", "p2")]


def test_server_is_neo4j_5_26(neo4j_server):
    if not neo4j_server.is_managed:
        pytest.skip("external server: version not ours to check")
    with neo4j_server.driver() as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN versions[0] AS v, edition",
            database_="system",
        )
    assert records[0]["v"].startswith("5.26.")
    assert records[0]["edition"] == "community"


def test_wrong_password_raises_auth_error(neo4j_server):
    with neo4j.GraphDatabase.driver(
        neo4j_server.uri, auth=(neo4j_server.user, neo4j_server.password + "-wrong")
    ) as driver:
        with pytest.raises(neo4j.exceptions.AuthError):
            driver.verify_connectivity()
    # A wrong password does not lock the right one out.
    with neo4j_server.driver() as driver:
        driver.verify_connectivity()


def test_clean_removes_data_constraints_and_indexes(neo4j_server):
    with neo4j_server.driver() as driver:
        db = neo4j_server.database
        driver.execute_query("CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE", database_=db)
        driver.execute_query("CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)", database_=db)
        driver.execute_query("UNWIND range(1, 2500) AS i CREATE (:Person {id: i})-[:MENTORS]->(:Person {id: -i})", database_=db)
    neo4j_server.clean()
    assert _count(neo4j_server, "MATCH (n) RETURN count(n)") == 0
    assert _count(neo4j_server, "SHOW CONSTRAINTS YIELD name RETURN count(*)") == 0
    assert _count(neo4j_server, "SHOW INDEXES YIELD type WHERE type <> 'LOOKUP' RETURN count(*)") == 0


def test_stop_then_start_keeps_data(neo4j_clean):
    server = neo4j_clean
    with server.driver() as driver:
        driver.execute_query("CREATE (:Survivor {id: 42})", database_=server.database)
    server.stop()
    try:
        assert not server.running
        with server.driver(connection_timeout=2.0) as driver:
            with pytest.raises(neo4j.exceptions.ServiceUnavailable):
                driver.verify_connectivity()
    finally:
        server.start()
    assert server.running
    assert _count(server, "MATCH (s:Survivor {id: 42}) RETURN count(s)") == 1


def test_a_short_password_is_refused_in_one_line(tmp_path):
    # Neo4j refuses passwords under 8 characters; the script says so instead of a Java trace.
    import os
    import subprocess

    from tests.neo4j.fixture import START_SCRIPT

    result = subprocess.run([str(START_SCRIPT), "7", str(tmp_path / "home")], capture_output=True, text=True,
                            env={**os.environ, "MENTORNET_NEO4J_PASSWORD": "short"}, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == "start: MENTORNET_NEO4J_PASSWORD must be at least 8 characters (Neo4j's rule)"
    assert not (tmp_path / "home").exists()


def _start_on_taken_port(tmp_path, sock, env_password="taken-port-pw"):
    import os
    import subprocess

    from tests.neo4j.fixture import START_SCRIPT

    port = sock.getsockname()[1]
    result = subprocess.run([str(START_SCRIPT), str(port), str(tmp_path / "home")], capture_output=True, text=True,
                            env={**os.environ, "MENTORNET_NEO4J_PASSWORD": env_password}, timeout=600)
    return port, result


def test_a_port_someone_listens_on_is_refused_in_one_line(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port, result = _start_on_taken_port(tmp_path, sock)
    assert result.returncode == 5
    assert result.stdout == ""
    assert result.stderr == f"start: 127.0.0.1:{port} is already in use; choose another PORT\n"


def test_a_port_bound_but_not_listening_is_refused_in_one_line(tmp_path):
    # The script's quick check sees nothing listening; Neo4j's own bind fails. Still one line,
    # no Java stack trace (Maven's build output, if the launcher is rebuilt, comes before it).
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port, result = _start_on_taken_port(tmp_path, sock)
    assert result.returncode == 5
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"start: 127.0.0.1:{port} is already in use; choose another PORT"
    assert "Exception" not in result.stderr and "\tat " not in result.stderr


def test_each_managed_server_gets_its_own_random_password(neo4j_server, monkeypatch):
    from tests.neo4j.fixture import DEFAULT_PASSWORD, Neo4jServer

    monkeypatch.delenv("MENTORNET_NEO4J_PASSWORD", raising=False)
    first, second = Neo4jServer.managed(), Neo4jServer.managed()
    try:
        assert first.password != second.password
        assert len(first.password) >= 16 and DEFAULT_PASSWORD not in (first.password, second.password)
    finally:
        for server in (first, second):
            shutil.rmtree(server._workdir, ignore_errors=True)
    if not neo4j_server.is_managed:
        pytest.skip("external server: its password is not ours to choose")
    # The running server refuses the old shared default: its password really is its own.
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=(neo4j_server.user, DEFAULT_PASSWORD)) as driver:
        with pytest.raises(neo4j.exceptions.AuthError):
            driver.verify_connectivity()
