"""The commands on a real Neo4j 5.26 (tests/neo4j) print what they print for the dataset directory;
the backends' parity itself is tests/test_parity.py."""
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from mentornet.backends.networkx import NetworkXBackend
from mentornet.cli import main
from mentornet.generate import generate_dataset
from mentornet.io import read_dataset
from mentornet.model import Policy

from helpers import load_once
from test_parity import page_network

pytestmark = pytest.mark.neo4j

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "radiology"
AS_OF = dt.date(2026, 11, 25)
POLICIES = {"default": Policy(), "two-hops-top5": Policy(max_hops=2, top_k=5)}


@pytest.fixture(scope="module")
def server(neo4j_clean):
    return neo4j_clean


@pytest.fixture(scope="module")
def backend(server):
    from mentornet.backends.neo4j import Neo4jBackend

    with Neo4jBackend.connect(server.uri, user=server.user, password=server.password,
                              database=server.database) as opened:
        yield opened


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    found = {"radiology": read_dataset(EXAMPLE)}
    for seed in (5, 23):
        directory = tmp_path_factory.mktemp(f"gen{seed}") / "ds"
        generate_dataset(directory, people=300, seed=seed)
        found[f"generated-{seed}"] = read_dataset(directory)
    return found


@pytest.fixture(scope="module")
def loaded(backend):
    """Load a dataset unless it is the one already in the database."""
    return load_once(backend)


def invoke(server, *args):
    env = {"NEO4J_PASSWORD": server.password, "NEO4J_USERNAME": server.user, "NEO4J_DATABASE": server.database}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def assert_same(left: pd.DataFrame, right: pd.DataFrame):
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


def assert_same_values(left: pd.DataFrame, right: pd.DataFrame):
    assert list(left.columns) == list(right.columns)
    assert left.astype(str).values.tolist() == right.astype(str).values.tolist()


# --------------------------------------------------------------------------- command line


@pytest.mark.parametrize("args", [
    ["refer"], ["refer", "--mentee", "res-petrov"], ["refer", "--area", "career", "--format", "json"], ["match"],
    ["audit", "--format", "json"],
])
def test_cli_on_neo4j_prints_what_the_directory_gives(server, args):
    assert invoke(server, "load", EXAMPLE, server.uri, "--replace").exit_code == 0
    fmt = [] if "--format" in args else ["--format", "csv"]
    command, options = args[0], args[1:] + fmt + ["--as-of", AS_OF.isoformat()]
    via_neo4j = invoke(server, command, server.uri, *options)
    via_directory = invoke(server, command, EXAMPLE, *options)
    assert via_neo4j.exit_code == via_directory.exit_code == 0, via_neo4j.output
    assert via_neo4j.stdout == via_directory.stdout
    assert via_neo4j.stdout.count("\n") > 2


def test_cli_refer_unknown_mentee_exits_2(server):
    assert invoke(server, "load", EXAMPLE, server.uri, "--replace").exit_code == 0
    result = invoke(server, "refer", server.uri, "--mentee", "nobody")
    assert result.exit_code == 2
    assert "no person with id 'nobody'" in result.stderr and "Traceback" not in result.output


def test_query_referral_candidates_for_one_mentee(server):
    assert invoke(server, "load", EXAMPLE, server.uri, "--replace").exit_code == 0
    result = invoke(server, "query", "referral_candidates", server.uri, "-p", "mentee=res-petrov",
                    "--as-of", AS_OF.isoformat(), "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "mentee_id,area,rank,candidate_id,hops,score,candidate_name,shares,remaining"
    assert len(lines) > 1 and all(line.startswith("res-petrov,") for line in lines[1:])


@pytest.mark.parametrize("parallel", [1, 3])
def test_refer_and_match_are_the_same_however_many_sessions_share_the_work(server, datasets, loaded, parallel,
                                                                           monkeypatch):
    # MENTORNET_NEO4J_PARALLEL splits the mentees (and the paths) over that many read sessions.
    from mentornet.backends.neo4j import Neo4jBackend

    ds = datasets["generated-5"]
    loaded(ds)
    embedded = NetworkXBackend(ds)
    monkeypatch.setenv("MENTORNET_NEO4J_PARALLEL", str(parallel))
    with Neo4jBackend.connect(server.uri, user=server.user, password=server.password,
                              database=server.database) as split:
        assert split.parallel == parallel
        assert_same(split.refer(policy=Policy(), as_of=AS_OF), embedded.refer(policy=Policy(), as_of=AS_OF))
        chosen, open_ = split.match(policy=Policy(), as_of=AS_OF)
        expected_chosen, expected_open = embedded.match(policy=Policy(), as_of=AS_OF)
        assert_same(chosen, expected_chosen)
        assert_same_values(open_, expected_open)


def test_viz_on_neo4j_draws_the_network_the_directory_draws(server, tmp_path):
    assert invoke(server, "load", EXAMPLE, server.uri, "--replace").exit_code == 0
    via_neo4j = invoke(server, "viz", server.uri, "--as-of", AS_OF.isoformat(), "-o", tmp_path / "db.html")
    via_directory = invoke(server, "viz", EXAMPLE, "--as-of", AS_OF.isoformat(), "-o", tmp_path / "dir.html")
    assert via_neo4j.exit_code == via_directory.exit_code == 0, via_neo4j.output
    # the same counts (the warnings differ: those found reading the files are reported by load)
    assert via_neo4j.stderr.splitlines()[-1].replace("db.html", "dir.html") == via_directory.stderr.splitlines()[-1]
    drawn = page_network((tmp_path / "db.html").read_text(encoding="utf-8"))
    assert drawn == page_network((tmp_path / "dir.html").read_text(encoding="utf-8"))
    assert len(drawn["nodes"]) == len(read_dataset(EXAMPLE).people) and len(drawn["edges"]) > 20


def test_every_statement_is_accepted_by_the_server(server):
    """EXPLAIN plans a statement without running it: each one, fragments included and types
    filled in, parses and plans on Neo4j 5.26."""
    from mentornet.backends.neo4j import statements

    with server.driver() as driver:
        for s in statements():
            if s.name.startswith("schema_"):
                continue  # schema commands cannot be explained
            driver.execute_query("EXPLAIN " + s.text, database_=server.database)
            if s.columns:
                driver.execute_query("EXPLAIN " + s.packed, database_=server.database)
