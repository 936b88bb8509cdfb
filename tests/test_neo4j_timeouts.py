"""A slow or silent Neo4j server: timeouts are configurable, and hitting one is reported (exit 3)."""
import socket
import time

import pytest
from click.testing import CliRunner

from mentornet.cli import main
from mentornet.errors import BackendUnavailable

pytestmark = pytest.mark.neo4j


@pytest.fixture
def silent_server():
    """A loopback port that accepts connections and never answers: a hung server."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"bolt://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize("how", ["option", "env"])
def test_silent_server_gives_up_after_the_connect_timeout(silent_server, how):
    args = ["gaps", silent_server]
    env = {"NEO4J_PASSWORD": "secret-password-123"}
    if how == "option":
        args += ["--connect-timeout", "1"]
    else:
        env["MENTORNET_NEO4J_CONNECT_TIMEOUT"] = "1"
    start = time.monotonic()
    result = CliRunner().invoke(main, args, env=env)
    elapsed = time.monotonic() - start
    assert result.exit_code == 3, result.output
    assert "did not answer within 1 s" in result.output and "--connect-timeout" in result.output
    assert "secret-password-123" not in result.output and "Traceback" not in result.output
    assert elapsed < 20


def test_query_timeout_stops_a_long_statement(neo4j_server):
    from mentornet.backends.neo4j import Neo4jBackend

    with Neo4jBackend.connect(neo4j_server.uri, user=neo4j_server.user, password=neo4j_server.password,
                              database=neo4j_server.database, query_timeout=0.5) as backend:
        assert backend._read("RETURN 1 AS one") == [{"one": 1}]
        start = time.monotonic()
        with pytest.raises(BackendUnavailable, match="query timeout of 0.5 s"):
            backend._read("UNWIND range(1, 2000000000) AS x RETURN count(x) AS n")
        assert time.monotonic() - start < 30


def test_query_timeout_option_reaches_the_backend(neo4j_server):
    env = {"NEO4J_PASSWORD": neo4j_server.password, "NEO4J_USERNAME": neo4j_server.user}
    result = CliRunner().invoke(main, ["query", "dataset_info", neo4j_server.uri, "--query-timeout", "30",
                                       "--format", "csv"], env=env)
    assert result.exit_code == 0, result.output
