"""refer, match and audit computed inside a real Neo4j 5.26 (tests/neo4j) equal the embedded backend's."""
import datetime as dt
import json
import random
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from mentornet import report
from mentornet.backends.networkx import NetworkXBackend
from mentornet.cli import main
from mentornet.errors import DataError
from mentornet.generate import generate_dataset
from mentornet.io import read_dataset
from mentornet.model import Policy

from helpers import random_dataset, write_dataset

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
    current = {}

    def load(ds):
        if current.get("source") != ds.source:
            backend.load(ds, replace=True)
            current["source"] = ds.source
        return backend

    return load


def invoke(server, *args):
    env = {"NEO4J_PASSWORD": server.password, "NEO4J_USERNAME": server.user, "NEO4J_DATABASE": server.database}
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def assert_same(left: pd.DataFrame, right: pd.DataFrame):
    pd.testing.assert_frame_equal(left.reset_index(drop=True), right.reset_index(drop=True))


def assert_same_values(left: pd.DataFrame, right: pd.DataFrame):
    assert list(left.columns) == list(right.columns)
    assert left.astype(str).values.tolist() == right.astype(str).values.tolist()


# --------------------------------------------------------------------------- parity


@pytest.mark.parametrize("policy_name", POLICIES)
@pytest.mark.parametrize("name", ["radiology", "generated-5", "generated-23"])
def test_refer_parity(loaded, datasets, name, policy_name):
    ds, policy = datasets[name], POLICIES[policy_name]
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    got = backend.refer(policy=policy, as_of=AS_OF)
    assert len(got) > 0
    assert_same(got, embedded.refer(policy=policy, as_of=AS_OF))
    mentee = got["mentee_id"].iloc[len(got) // 2]
    assert_same(backend.refer(policy=policy, as_of=AS_OF, mentee=mentee),
                embedded.refer(policy=policy, as_of=AS_OF, mentee=mentee))
    for area in sorted(set(got["area"])) + [" Career "]:
        assert_same(backend.refer(policy=policy, as_of=AS_OF, area=area),
                    embedded.refer(policy=policy, as_of=AS_OF, area=area))


@pytest.mark.parametrize("policy_name", POLICIES)
@pytest.mark.parametrize("name", ["radiology", "generated-5", "generated-23"])
def test_match_parity(loaded, datasets, name, policy_name):
    ds, policy = datasets[name], POLICIES[policy_name]
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    rows, open_gaps = backend.match(policy=policy, as_of=AS_OF)
    expected_rows, expected_open = embedded.match(policy=policy, as_of=AS_OF)
    assert len(rows) > 0
    assert_same(rows, expected_rows)
    assert_same_values(open_gaps, expected_open)


@pytest.mark.parametrize("policy_name", POLICIES)
@pytest.mark.parametrize("name", ["radiology", "generated-5", "generated-23"])
def test_audit_parity(loaded, datasets, name, policy_name):
    ds, policy = datasets[name], POLICIES[policy_name]
    backend = loaded(ds)
    got = report.audit(backend, policy=policy, as_of=AS_OF)
    expected = report.audit(NetworkXBackend(ds), policy=policy, as_of=AS_OF)
    assert json.dumps(got) == json.dumps(expected)


def test_audit_parity_with_concordance_and_an_earlier_date(loaded, datasets):
    ds = datasets["generated-5"]
    policy = Policy(stale_after_days=120, min_group_size=3,
                    concordance={a: frozenset({"female", "yes"}) for a in ds.identity_attributes})
    backend = loaded(ds)
    for as_of in (AS_OF, dt.date(2024, 3, 1)):
        got = report.audit(backend, policy=policy, as_of=as_of)
        assert json.dumps(got) == json.dumps(report.audit(NetworkXBackend(ds), policy=policy, as_of=as_of))
        assert_same(backend.refer(policy=policy, as_of=as_of),
                    NetworkXBackend(ds).refer(policy=policy, as_of=as_of))


# --------------------------------------------------------------------------- hand-checked ties

# m reaches the candidates c-\uff5a and c-\U0001d518 in one hop, equally suited and with the same
# room left; it reaches far only through x-\uff5a or x-\U0001d518. Plain (code point) string order
# puts \uff5a first; UTF-16 order, which Neo4j uses for strings, would put \U0001d518 first.
TIE_PEOPLE = [
    {"id": "m", "role": "resident", "research_interests": "ai;MSK", "career_interests": "teaching"},
    {"id": "c-\U0001d518", "role": "faculty", "research_interests": "AI", "capacity": "2"},
    {"id": "c-\uff5a", "role": "faculty", "research_interests": "ai", "capacity": "2"},
    {"id": "x-\U0001d518", "role": "resident"},
    {"id": "x-\uff5a", "role": "resident"},
    {"id": "far", "role": "alumni", "research_interests": "msk;ai", "career_interests": "Teaching"},
    {"id": "boss", "role": "faculty", "research_interests": "ai", "leadership": "chair", "department": "Rad"},
]
TIE_RELS = [
    {"source": "m", "target": "c-\U0001d518", "type": "KNOWS"},
    {"source": "m", "target": "c-\uff5a", "type": "COLLEAGUE"},
    {"source": "x-\U0001d518", "target": "m", "type": "COAUTHOR"},
    {"source": "x-\uff5a", "target": "m", "type": "MENTORS", "status": "ended"},
    {"source": "x-\U0001d518", "target": "far", "type": "KNOWS"},
    {"source": "far", "target": "x-\uff5a", "type": "MENTORS", "last_met": "2020-01-01"},
]


def test_ties_broken_by_code_point_order(loaded, tmp_path):
    ds = read_dataset(write_dataset(tmp_path / "ties", TIE_PEOPLE, TIE_RELS))
    backend = loaded(ds)
    rows = backend.refer(policy=Policy(top_k=1), as_of=AS_OF)
    rows_m = rows[rows["mentee_id"] == "m"]
    research = rows_m[rows_m["area"] == "research"].iloc[0]
    assert (research["candidate_id"], research["hops"], research["path"]) == ("c-\uff5a", 1, "m>c-\uff5a")
    career = rows_m[rows_m["area"] == "career"].iloc[0]
    assert (career["candidate_id"], career["hops"], career["score"]) == ("far", 2, 1.0)
    assert (career["path"], career["ties"]) == ("m>x-\uff5a>far", "former mentor>former mentor")
    assert career["shares"] == "teaching" and career["candidate_name"] == "far"
    assert_same(rows, NetworkXBackend(ds).refer(policy=Policy(top_k=1), as_of=AS_OF))
    assert_same(backend.refer(policy=Policy(), as_of=AS_OF), NetworkXBackend(ds).refer(policy=Policy(), as_of=AS_OF))


def test_unknown_mentee_or_area_is_the_embedded_error(loaded, datasets):
    ds = datasets["radiology"]
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    with pytest.raises(DataError) as info:
        backend.refer(policy=Policy(), as_of=AS_OF, mentee="nobody")
    assert "no person with id 'nobody'" in str(info.value) and "--mentee" in str(info.value)
    with pytest.raises(DataError) as got:
        backend.refer(policy=Policy(), as_of=AS_OF, area="identity:height")
    with pytest.raises(DataError) as expected:
        embedded.refer(policy=Policy(), as_of=AS_OF, area="identity:height")
    assert str(got.value) == str(expected.value)


def test_a_mentee_without_gaps_has_no_referrals(loaded, datasets):
    ds = datasets["radiology"]
    backend = loaded(ds)
    gaps = set(backend.gaps(policy=Policy(), as_of=AS_OF)["mentee_id"])
    covered = sorted(set(ds.people["id"]) - gaps)[0]
    rows = backend.refer(policy=Policy(), as_of=AS_OF, mentee=covered)
    assert rows.empty
    assert_same(rows, NetworkXBackend(ds).refer(policy=Policy(), as_of=AS_OF, mentee=covered))


def test_nobody_in_reach(loaded, tmp_path):
    people = [{"id": "m", "role": "resident", "research_interests": "ai"},
              {"id": "full", "role": "faculty", "research_interests": "ai", "capacity": "0"},
              {"id": "closed", "role": "faculty", "research_interests": "ai", "accepting": "no"}]
    rels = [{"source": "m", "target": "full", "type": "KNOWS"}, {"source": "m", "target": "closed", "type": "KNOWS"}]
    ds = read_dataset(write_dataset(tmp_path / "alone", people, rels))
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    assert_same(backend.refer(policy=Policy(), as_of=AS_OF), embedded.refer(policy=Policy(), as_of=AS_OF))
    (rows, open_gaps), (expected_rows, expected_open) = (backend.match(policy=Policy(), as_of=AS_OF),
                                                          embedded.match(policy=Policy(), as_of=AS_OF))
    assert rows.empty
    assert_same(rows, expected_rows)
    assert_same_values(open_gaps, expected_open)
    assert json.dumps(report.audit(backend, policy=Policy(), as_of=AS_OF)) == \
        json.dumps(report.audit(embedded, policy=Policy(), as_of=AS_OF))


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_long_sparse_paths_parity(loaded, seed):
    """Sparse networks and up to five hops: many layers between mentee and candidate, several
    shortest paths to choose from, and hops the candidate search reaches only at its last layer."""
    ds = random_dataset(random.Random(seed), 40, 48)
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    for policy in (Policy(max_hops=5, top_k=6), Policy(max_hops=4, top_k=2, match_pool=4)):
        got = backend.refer(policy=policy, as_of=AS_OF)
        assert_same(got, embedded.refer(policy=policy, as_of=AS_OF))
        (rows, open_gaps), (expected_rows, expected_open) = (backend.match(policy=policy, as_of=AS_OF),
                                                              embedded.match(policy=policy, as_of=AS_OF))
        assert_same(rows, expected_rows)
        assert_same_values(open_gaps, expected_open)


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


def test_policy_only_identity_needs_are_left_out_the_same_way(loaded, datasets):
    """Issue 14: both backends say who asked for concordance, so both leave out the same rows."""
    from mentornet.policy_needs import hide_policy_only

    ds = datasets["radiology"]
    policy = Policy().with_(concordance={"gender": frozenset({"female", "nonbinary"}), "urm": frozenset({"yes"})})
    backend, embedded = loaded(ds), NetworkXBackend(ds)
    ids = sorted(ds.people["id"])
    assert backend.asked_concordance(ids) == embedded.asked_concordance(ids)
    (got,), left_out = hide_policy_only(backend, [backend.gaps(policy=policy, as_of=AS_OF)], policy=policy)
    (expected,), expected_left_out = hide_policy_only(embedded, [embedded.gaps(policy=policy, as_of=AS_OF)],
                                                      policy=policy)
    assert left_out == expected_left_out > 0
    assert_same_values(got, expected)
