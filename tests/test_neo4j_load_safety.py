"""Loading into Neo4j safely, and the database under hostile conditions (issues 15 and 16):
another dataset refused before anything is written, a load cut short leaves a mark every
analysis refuses, --replace touches only what mentornet wrote, timeouts and a server gone
said in one line, no password inside a URI. Against a real Neo4j 5.26 (tests/neo4j)."""
from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentornet.cli import main
from mentornet.errors import DataError, LoadInterrupted
from mentornet.generate import generate_dataset
from mentornet.io import read_dataset

from helpers import ctrl_c_during, write_dataset

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "radiology"
AS_OF = "2026-11-25"
ANALYSES = [["gaps"], ["refer"], ["match"], ["audit"], ["whatif", "--without", "fac-kim"], ["recruit"],
            ["query", "gaps"]]


@pytest.fixture(scope="module")
def server(neo4j_clean):
    return neo4j_clean


@pytest.fixture()
def backend(server):
    from mentornet.backends.neo4j import Neo4jBackend

    with Neo4jBackend.connect(server.uri, user=server.user, password=server.password,
                              database=server.database) as opened:
        yield opened


def invoke(server, *args):
    env = {"NEO4J_PASSWORD": server.password, "NEO4J_USERNAME": server.user, "NEO4J_DATABASE": server.database}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def analyse(server, command):
    name, *rest = command
    args = [name, *rest, server.uri]
    if name != "query":
        args += ["--as-of", AS_OF]
    if name not in ("query", "viz"):
        args += ["--format", "json"]
    return invoke(server, *args)


def everything(server):
    """Every node and relationship with its labels and properties, in a stable order."""
    with server.driver() as driver:
        nodes, _, _ = driver.execute_query(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.id, n.key",
            database_=server.database)
        rels, _, _ = driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props "
            "ORDER BY a, t, b, coalesce(r.duplicate, 0)", database_=server.database)
    return [r.data() for r in nodes], [r.data() for r in rels]


def small_dataset(directory):
    return write_dataset(directory, [{"id": "f1", "role": "faculty"}, {"id": "r1", "role": "resident"}],
                         [{"source": "f1", "target": "r1", "type": "MENTORS", "focus": "career"}])


# --------------------------------------------------------------------------- another dataset


@pytest.mark.neo4j
def test_another_dataset_is_refused_before_anything_is_written(server, backend, tmp_path):
    backend.load(read_dataset(EXAMPLE), replace=True)
    before = everything(server)
    result = invoke(server, "load", small_dataset(tmp_path / "other"), server.uri)
    assert result.exit_code == 2, result.output
    assert "holds another dataset" in result.stderr and str(EXAMPLE) in result.stderr
    assert "--replace" in result.stderr and "another database" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.output
    assert everything(server) == before
    gaps = analyse(server, ["gaps"])
    assert gaps.exit_code == 0 and '"r1"' not in gaps.stdout


@pytest.mark.neo4j
def test_another_dataset_after_a_load_cut_short_names_that_load(server, backend, tmp_path):
    # The record names the load that was cut short (its mark still there), not where the people came from.
    backend.load(read_dataset(EXAMPLE), replace=True)
    with server.driver() as driver:
        driver.execute_query("MATCH (d:MentornetDataset) SET d.state = 'loading'", database_=server.database)
    before = everything(server)
    result = invoke(server, "load", small_dataset(tmp_path / "other"), server.uri)
    assert result.exit_code == 2, result.output
    assert f"holds another dataset (left by a load of {EXAMPLE} that was cut short): " in result.stderr
    assert "loaded from" not in result.stderr and "nothing was written" in result.stderr
    assert everything(server) == before


@pytest.mark.neo4j
def test_a_load_with_fewer_relationships_is_refused_before_anything_is_written(server, backend, tmp_path):
    # Same people, one mentorship fewer: a load without --replace cannot remove it.
    ds = read_dataset(EXAMPLE)
    backend.load(ds, replace=True)
    before = everything(server)
    fewer = tmp_path / "fewer"
    shutil.copytree(EXAMPLE, fewer)
    lines = (fewer / "relationships.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (fewer / "relationships.csv").write_text("".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(DataError) as info:
        backend.load(read_dataset(tmp_path / "fewer"))
    assert "more than" in str(info.value) and "--replace" in str(info.value)
    assert everything(server) == before


@pytest.mark.neo4j
def test_replace_leaves_another_applications_people_alone(server, backend, tmp_path):
    backend.load(read_dataset(EXAMPLE), replace=True)
    with server.driver() as driver:
        driver.execute_query("CREATE (:Person {id: 'crm-1', name: 'Not ours'})-[:OWNS]->(:Account {n: 1})",
                             database_=server.database)
    before = everything(server)
    result = invoke(server, "load", small_dataset(tmp_path / "small"), server.uri, "--replace")
    assert result.exit_code == 2, result.output
    assert "1 :Person nodes that this version of mentornet did not write" in result.stderr
    assert "another database" in result.stderr
    assert everything(server) == before
    backend.delete_loaded()  # deletes only what mentornet wrote
    nodes, rels = everything(server)
    assert [n["labels"] for n in nodes] == [["Person"], ["Account"]] or \
        sorted(map(tuple, (n["labels"] for n in nodes))) == [("Account",), ("Person",)]
    assert [(r["a"], r["t"]) for r in rels] == [("crm-1", "OWNS")]
    with server.driver() as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=server.database)


@pytest.mark.neo4j
def test_the_first_load_into_a_fresh_server_prints_no_driver_notifications(server, capfd):
    server.clean()  # no labels, no constraints: the statements name labels the database never saw
    result = invoke(server, "load", EXAMPLE, server.uri)
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("loaded 59 people and 81 relationships")
    assert not any("Notification" in line or "gql_status" in line or "UnknownLabel" in line for line in lines)
    assert all(line.startswith(("warning:", "loading ", "loaded ")) for line in lines), lines
    captured = capfd.readouterr()
    assert "Notification" not in captured.err and "gql_status" not in captured.err


@pytest.mark.neo4j
def test_a_label_the_server_has_never_seen_logs_no_driver_notification(backend, caplog):
    # What a first load into a fresh server looks like: its statements name labels the server
    # has no token for yet, and the server answers with UnknownLabelWarning notifications,
    # which the driver logs at WARNING (printed raw on stderr when nothing else handles them).
    label = f"NeverSeen{time.time_ns()}"
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        assert backend._read(f"MATCH (n:{label}) RETURN count(n) AS n") == [{"n": 0}]
    assert [r.getMessage() for r in caplog.records if "notification" in r.getMessage().lower()] == []


# --------------------------------------------------------------------------- a load cut short


def interrupt_after_people(kind, done, total):
    if kind == "people" and done == total:
        raise KeyboardInterrupt


@pytest.mark.neo4j
def test_a_load_cut_short_leaves_a_mark_that_every_analysis_refuses(server, backend, tmp_path):
    ds = read_dataset(EXAMPLE)
    backend.load(ds, replace=True)
    expected = everything(server)
    with pytest.raises(LoadInterrupted) as info:
        backend.load(ds, replace=True, progress=interrupt_after_people)
    assert f"after {len(ds.people)} people and 0 relationships" in str(info.value)
    for command in [*ANALYSES, ["viz", "-o", tmp_path / "net.html"]]:
        result = analyse(server, command)
        assert result.exit_code == 3, (command, result.output)
        assert result.stderr.startswith("mentornet: database incomplete:") and "was cut short" in result.stderr
        assert f"mentornet load {EXAMPLE} {server.uri} --replace` again" in result.stderr
        assert result.stdout == "" and "Traceback" not in result.output
    assert not (tmp_path / "net.html").exists()
    marked = everything(server)
    # without --replace it is refused before writing: a replace cut short may leave rows only a replace removes
    result = invoke(server, "load", EXAMPLE, server.uri)
    assert result.exit_code == 2 and "nothing was written" in result.stderr
    assert f"the last load into this database (of {EXAMPLE}, with --replace) was cut short, so the database may " \
           "still hold rows of what it was replacing, which only --replace removes" in result.stderr
    assert everything(server) == marked
    result = invoke(server, "load", EXAMPLE, server.uri, "--replace")  # running it again converges, lifts the mark
    assert result.exit_code == 0, result.output
    assert everything(server) == expected
    assert analyse(server, ["gaps"]).exit_code == 0


@pytest.mark.neo4j
def test_ctrl_c_during_a_load_says_how_far_it_got(server, backend, monkeypatch):
    import mentornet.cli_neo4j as cli_neo4j

    backend.load(read_dataset(EXAMPLE), replace=True)
    monkeypatch.setattr(cli_neo4j, "_progress", interrupt_after_people)
    result = invoke(server, "load", EXAMPLE, server.uri, "--replace")
    assert result.exit_code == 130, result.output
    assert "after 59 people and 0 relationships; run the load again with --replace: it converges" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "mentornet: interrupted"
    assert "Traceback" not in result.output
    assert analyse(server, ["gaps"]).exit_code == 3


@pytest.mark.neo4j
def test_a_real_ctrl_c_during_a_load_says_how_far_it_got(server, tmp_path):
    # SIGINT, as a terminal sends it, to `mentornet load` once it reports its first batch.
    directory = tmp_path / "big"
    generate_dataset(directory, people=30_000, seed=3)
    env = {**os.environ, "NEO4J_PASSWORD": server.password, "NEO4J_USERNAME": server.user,
           "NEO4J_DATABASE": server.database}
    proc = subprocess.Popen([sys.executable, "-m", "mentornet", "load", str(directory), server.uri, "--replace"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    said = []
    try:
        for line in proc.stderr:
            said.append(line)
            if line.startswith("loading "):
                proc.send_signal(signal.SIGINT)
                break
        _, more = proc.communicate(timeout=120)  # the batches in flight: a second or two
    finally:
        if proc.poll() is None:  # a hang fails this test, not a later one (the process left running)
            proc.kill()
            proc.communicate()
    said += more.splitlines(keepends=True)
    assert proc.returncode == 130, "".join(said)
    text = "".join(said)
    assert re.search(r"the load into \S+ was interrupted \(after [\d,]+ people and [\d,]+ relationships; "
                     r"run the load again with --replace: it converges\); until it is run again, every analysis",
                     text), text
    assert text.rstrip().splitlines()[-1] == "mentornet: interrupted" and "Traceback" not in text
    gaps = analyse(server, ["gaps"])
    assert gaps.exit_code == 3 and "was cut short" in gaps.stderr


@pytest.mark.neo4j
def test_a_ctrl_c_inside_a_driver_call_stops_the_load_after_that_call(server, backend, monkeypatch):
    # A real SIGINT while the main thread is inside the driver (the first statement of --replace
    # after the mark: over the same files, the look for people not in them).
    # Raised there, the KeyboardInterrupt could be dropped by a __del__ of the driver's (the load
    # then ran on to the end) or leave the driver half-way; it is held until that call returns.
    ds = read_dataset(EXAMPLE)
    backend.load(ds, replace=True)
    with ctrl_c_during(backend, monkeypatch, "delete_people", "load_people_not_in") as calls:
        with pytest.raises(LoadInterrupted) as info:
            backend.load(ds, replace=True)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert calls == ["pressed", "returned"]
    assert "interrupted (after 0 people and 0 relationships; run the load again with --replace" in str(info.value)
    assert analyse(server, ["gaps"]).exit_code == 3


# --------------------------------------------------------------------------- timeouts


@pytest.fixture(scope="module")
def slow_database(server, tmp_path_factory):
    """A generated dataset large enough that the referral search takes well over 0.1 s."""
    directory = tmp_path_factory.mktemp("slow") / "ds"
    generate_dataset(directory, people=3000, seed=5)
    assert invoke(server, "load", directory, server.uri, "--replace").exit_code == 0
    return directory


@pytest.mark.neo4j
def test_query_honours_the_query_timeout(server, slow_database):
    result = invoke(server, "query", "referral_candidates", server.uri, "--query-timeout", "0.1",
                    "-p", "max_hops:=12", "-p", "limit:=1000", "--format", "csv")
    assert result.exit_code == 3, result.output[:500]
    assert "query timeout of 0.1 s" in result.stderr and "--query-timeout" in result.stderr
    assert result.stderr.startswith("mentornet: query timed out:") and "cannot reach" not in result.stderr


@pytest.mark.neo4j
@pytest.mark.parametrize("command", ["refer", "match", "audit"])
def test_a_query_timeout_is_reported_as_a_timeout(server, slow_database, tmp_path, command):
    # The referral search with 12 hops takes seconds here. (`gaps` of 3,000 people can finish
    # within the smallest limit, 0.1 s; its statements go through the same Neo4jBackend._timeouts.)
    limit = "0.1"
    policy = tmp_path / "policy.toml"
    policy.write_text("max_hops = 12\ntop_k = 50\nmatch_pool = 200\n")
    result = invoke(server, command, server.uri, "--as-of", AS_OF, "--policy", policy, "--query-timeout", limit,
                    "--format", "json", "--quiet")
    assert result.exit_code == 3, result.output[:500]
    assert f"query timeout of {limit} s" in result.stderr and "cannot reach" not in result.stderr
    said = result.stderr.strip().splitlines()
    assert len(said) == 1 and said[0].startswith(f"mentornet: query timed out: {server.uri}: a statement ran longer")


# --------------------------------------------------------------------------- a password inside the URI


@pytest.mark.parametrize("args", [["gaps", "{uri}"], ["query", "gaps", "{uri}"], ["load", str(EXAMPLE), "{uri}"],
                                  ["audit", "{uri}", "-o", "{tmp}/r.html"], ["viz", "{uri}", "-o", "{tmp}/n.html"]])
def test_a_password_inside_the_uri_is_refused_without_being_shown(tmp_path, args):
    uri = "bolt://neo4j:s3cret-in-uri@127.0.0.1:1"
    result = CliRunner().invoke(main, [a.format(uri=uri, tmp=tmp_path) for a in args],
                                env={"NEO4J_PASSWORD": "x"})
    assert result.exit_code == 2, result.output
    assert "s3cret-in-uri" not in result.output and "inside the URI is not accepted" in result.stderr
    assert "bolt://***@127.0.0.1:1" in result.stderr and list(tmp_path.iterdir()) == []


def test_a_uri_password_is_masked_in_other_messages():
    from mentornet.backends import masked_uri

    assert masked_uri("bolt://neo4j:pw@h:7687/x") == "bolt://***@h:7687/x"
    assert masked_uri("bolt://h:7687") == "bolt://h:7687"
    result = CliRunner().invoke(main, ["gaps", "http://u:pw-in-path@host/x"])
    assert result.exit_code == 2 and "pw-in-path" not in result.output


# --------------------------------------------------------------------------- a server gone mid-command (last: restarts it)


@pytest.mark.neo4j
def test_a_server_stopped_mid_command_is_one_line_and_bounded_by_the_options(server, backend, monkeypatch):
    from mentornet.backends.neo4j import Neo4jBackend

    if not server.is_managed:
        pytest.skip("needs a server this test run started (it is stopped and restarted)")
    backend.load(read_dataset(EXAMPLE), replace=True)
    asked = Neo4jBackend.identity_attributes

    def stop_first(self):
        server.stop()
        return asked(self)

    monkeypatch.setattr(Neo4jBackend, "identity_attributes", stop_first)
    try:
        started = time.monotonic()
        result = invoke(server, "gaps", server.uri, "--connect-timeout", "2", "--as-of", AS_OF)
        elapsed = time.monotonic() - started
    finally:
        server.start()
    assert result.exit_code == 3, result.output
    assert result.stderr.strip().splitlines() == [f"mentornet: database unavailable: {server.uri}: "
                                                  "cannot reach the server (is it running, and is the address right?)"]
    assert elapsed < 20  # the driver's own retry was a fixed 30 s
