"""``viz`` without a browser: views, privacy, escaping, errors and what gets written."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentornet import Policy, read_dataset
from mentornet.backends.networkx import NetworkXBackend
from mentornet.cli import main
from mentornet.viz import build_network_html, json_for_script, view_inputs

from helpers import AS_OF, write_dataset

HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">'
HOSTILE_TOPIC = "</script><script>window.__pwned=2</script>"
HOSTILE_DEPARTMENT = "Other</title><script>window.__pwned=3</script>"
ODD_NAME = "Ann &amp; Bo\u2028Line \u00e9"
SECRET = "zqx"  # every identity value contains it, so its absence is easy to check

PEOPLE = [
    {"id": "m1", "name": "Mentee One", "role": "resident", "department": "Radiology",
     "research_interests": "ai", "career_interests": "leadership",
     "identity.gender": f"{SECRET}-female", "seeks_concordance": "gender"},
    {"id": "f1", "name": "Faculty One", "role": "faculty", "department": "Radiology",
     "research_interests": "ai", "career_interests": "teaching", "identity.gender": f"{SECRET}-male"},
    {"id": "f2", "name": "Faculty Two", "role": "faculty", "department": "radiology ",
     "research_interests": "ai", "career_interests": "leadership", "identity.gender": f"{SECRET}-female"},
    {"id": "f3", "name": "Faculty Three", "role": "faculty", "department": "RADIOLOGY",
     "research_interests": "neuro"},
    {"id": "f4", "name": "Faculty Four", "role": "faculty", "department": "Surgery",
     "research_interests": "trauma", "career_interests": "work-life", "identity.urm": f"{SECRET}-yes"},
    {"id": "m2", "name": ODD_NAME, "role": "student", "department": "Surgery",
     "research_interests": "trauma;ai", "career_interests": "leadership"},
    {"id": "x1", "name": HOSTILE_NAME, "role": "external", "department": HOSTILE_DEPARTMENT,
     "research_interests": HOSTILE_TOPIC, "career_interests": "leadership"},
]
RELS = [
    {"source": "f1", "target": "m1", "type": "MENTORS", "focus": "research", "last_met": "2026-10-01"},
    {"source": "f1", "target": "f2", "type": "COAUTHOR"},
    {"source": "f2", "target": "f1", "type": "COLLEAGUE"},
    {"source": "f3", "target": "m1", "type": "MENTORS", "focus": "research", "status": "ended"},
    {"source": "f4", "target": "m2", "type": "MENTORS", "focus": "career", "last_met": "2024-01-01"},
    {"source": "m2", "target": "x1", "type": "KNOWS"},
    {"source": "x1", "target": "f2", "type": "COAUTHOR"},
]
# Distinct pairs: f1-m1, f1-f2 (two ties, one connection), f3-m1, f4-m2, m2-x1, x1-f2.
CONNECTIONS = 6


@pytest.fixture
def source(tmp_path) -> Path:
    return write_dataset(tmp_path / "ds", PEOPLE, RELS)


@pytest.fixture
def backend(source):
    return NetworkXBackend(read_dataset(source))


def page_json(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="mentornet-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def invoke(*args):
    return CliRunner().invoke(main, ["viz", *map(str, args)])


def test_whole_network_has_everyone_and_one_connection_per_pair(backend):
    data = page_json(build_network_html(backend, policy=Policy(), as_of=AS_OF))
    assert [n["id"] for n in data["nodes"]] == [p["id"] for p in PEOPLE]
    assert len(data["edges"]) == CONNECTIONS
    kinds = {(data["nodes"][e[0]]["id"], data["nodes"][e[1]]["id"]): e[2] for e in data["edges"]}
    assert kinds == {("f1", "m1"): "active", ("f1", "f2"): "COAUTHOR", ("f3", "m1"): "ended",
                     ("f4", "m2"): "stale", ("m2", "x1"): "KNOWS", ("f2", "x1"): "COAUTHOR"}
    both = next(e for e in data["edges"] if e[2] == "COAUTHOR" and {e[0], e[1]} == {1, 2})
    assert sorted(f[0] for f in both[3]) == ["COAUTHOR", "COLLEAGUE"]


def test_nodes_carry_gaps_load_and_capacity(backend):
    data = page_json(build_network_html(backend, policy=Policy(), as_of=AS_OF))
    node = {n["id"]: n for n in data["nodes"]}
    assert node["m1"]["gaps"] == ["career", "identity:gender"]
    assert node["m2"]["gaps"] == ["career", "research"]
    assert (node["f1"]["load"], node["f1"]["capacity"]) == (1, 3)
    assert node["f4"]["load"] == 0  # stale mentorships give no load
    assert data["counts"] == {"people": 7, "connections": 6, "mentees_with_gaps": 2, "gaps": 4,
                              "referrals": len(data["referrals"]),
                              "drawn_paths": sum(r["rank"] == 1 for r in data["referrals"]), "opened": 0}


def test_referral_paths_match_refer(backend):
    refs = backend.refer(policy=Policy(), as_of=AS_OF)
    data = page_json(build_network_html(backend, policy=Policy(), as_of=AS_OF))
    ids = [n["id"] for n in data["nodes"]]
    got = [(ids[r["mentee"]], r["area"], r["rank"], ">".join(ids[i] for i in r["path"])) for r in data["referrals"]]
    assert got == list(zip(refs["mentee_id"], refs["area"], refs["rank"], refs["path"]))
    assert ("m1", "career", 1, "m1>f1>f2") in got


def test_no_referrals(backend):
    data = page_json(build_network_html(backend, policy=Policy(), as_of=AS_OF, referrals=False))
    assert data["referrals"] == []
    assert all(n["suggested"] == [] for n in data["nodes"])


def test_mentee_view_is_the_mentee_their_mentors_and_their_paths(backend):
    refs = backend.refer(policy=Policy(), as_of=AS_OF, mentee="m2")
    on_paths = {p for path in refs["path"] for p in path.split(">")}
    data = page_json(build_network_html(backend, policy=Policy(), as_of=AS_OF, mentee="m2"))
    assert {n["id"] for n in data["nodes"]} == {"m2", "f4"} | on_paths
    assert [n["id"] for n in data["nodes"] if n["focus"]] == ["m2"]
    # their own mentor f4 is not drawn faded; the people on referral paths are context
    assert sorted(n["id"] for n in data["nodes"] if not n["context"]) == ["f4", "m2"]
    gaps = backend.gaps(policy=Policy(), as_of=AS_OF)
    own = gaps[gaps["mentee_id"] == "m2"]
    assert data["counts"]["gaps"] == len(own) and data["counts"]["mentees_with_gaps"] == (1 if len(own) else 0)
    assert all(r["drawn"] for r in data["referrals"])  # every rank drawn for one mentee


def test_mentee_view_shows_ended_mentors_too(backend):
    data = page_json(build_network_html(backend, policy=Policy(), as_of=AS_OF, mentee="m1", referrals=False))
    assert {n["id"] for n in data["nodes"]} == {"m1", "f1", "f3"}


def test_department_view_is_case_insensitive_and_adds_context(backend):
    inputs = view_inputs(backend, policy=Policy(), as_of=AS_OF, department="  RADIOLOGY")
    assert inputs.focus_ids == {"m1", "f1", "f2", "f3"}
    on_paths = {p for path in inputs.referrals["path"] for p in path.split(">")}
    assert set(inputs.people["id"]) == {"m1", "f1", "f2", "f3"} | on_paths
    assert set(inputs.referrals["mentee_id"]) == {"m1"}
    assert inputs.subject == "department Radiology"


def test_department_view_includes_outside_mentors(backend):
    inputs = view_inputs(backend, policy=Policy(), as_of=AS_OF, department="surgery", referrals=False)
    assert set(inputs.people["id"]) == {"f4", "m2"}
    inputs = view_inputs(backend, policy=Policy(), as_of=AS_OF, department="Radiology", referrals=False)
    assert set(inputs.people["id"]) == {"m1", "f1", "f2", "f3"}


class Recording(NetworkXBackend):
    """The embedded backend, noting each whole-network question asked of it."""

    def __init__(self, dataset):
        super().__init__(dataset)
        self.whole = []

    def people(self, ids=None, *, department=None):
        if ids is None and department is None:
            self.whole.append("people")
        return super().people(ids, department=department)

    def relationship_rows(self, ids=None, *, among=False):
        if ids is None:
            self.whole.append("relationship_rows")
        return super().relationship_rows(ids, among=among)

    def find_gaps(self, snap, mentees=None):
        if mentees is None:
            self.whole.append("find_gaps")
        return super().find_gaps(snap, mentees)

    def mentor_load(self, snap, ids=None):
        if ids is None:
            self.whole.append("mentor_load")
        return super().mentor_load(snap, ids)

    def ranked_candidates(self, snap, *, limit, mentee=None, area=None, with_paths=True, mentees=None):
        if mentee is None and mentees is None:
            self.whole.append("ranked_candidates")
        return super().ranked_candidates(snap, limit=limit, mentee=mentee, area=area, with_paths=with_paths,
                                         mentees=mentees)


@pytest.mark.parametrize("view", [{"department": "radiology"}, {"mentee": "m1"}, {"department": "Surgery"},
                                  {"department": "radiology", "without": ("f4",)}])
def test_a_view_of_part_of_the_network_asks_only_for_that_part(source, view):
    """A department or mentee view asks the backend for the people, rows, gaps, load and
    referrals it draws, never the whole network's (a database would send all of it)."""
    backend = Recording(read_dataset(source))
    data = page_json(build_network_html(backend, policy=Policy(), as_of=AS_OF, **view))
    assert len(data["nodes"]) >= 2
    # with departures (viz --without) the needs they open are found as whatif finds them, for everyone
    allowed = {"find_gaps"} if "without" in view else set()
    assert set(backend.whole) <= allowed, backend.whole


def test_the_whole_network_view_asks_for_everything(source):
    backend = Recording(read_dataset(source))
    build_network_html(backend, policy=Policy(), as_of=AS_OF)
    assert {"people", "relationship_rows", "find_gaps", "mentor_load"} <= set(backend.whole)


def test_accepts_a_dataset(source):
    html = build_network_html(read_dataset(source), policy=Policy(), as_of=AS_OF)
    assert len(page_json(html)["nodes"]) == 7


def test_identity_values_only_with_show_identity(backend):
    hidden = build_network_html(backend, policy=Policy(), as_of=AS_OF)
    assert SECRET not in hidden
    assert all("identity" not in n for n in page_json(hidden)["nodes"])
    shown = build_network_html(backend, policy=Policy(), as_of=AS_OF, show_identity=True)
    node = {n["id"]: n for n in page_json(shown)["nodes"]}
    assert node["m1"]["identity"] == [["gender", f"{SECRET}-female"]]
    assert node["f4"]["identity"] == [["urm", f"{SECRET}-yes"]]
    assert node["f3"]["identity"] == []


def test_hostile_values_never_appear_as_markup(backend):
    html = build_network_html(backend, policy=Policy(), as_of=AS_OF, department=HOSTILE_DEPARTMENT)
    for raw in (HOSTILE_NAME, HOSTILE_TOPIC, "<script>window.__pwned", "<img", "\u2028"):
        assert raw not in html
    assert html.count("</script>") == 3  # the data block, vis-network and the page's own script
    assert "<title>Mentor network: department Other&lt;/title&gt;&lt;script&gt;" in html
    whole = build_network_html(backend, policy=Policy(), as_of=AS_OF, show_identity=True)
    for raw in (HOSTILE_NAME, HOSTILE_TOPIC, HOSTILE_DEPARTMENT, "<img", "\u2028"):
        assert raw not in whole
    node = {n["id"]: n for n in page_json(whole)["nodes"]}
    assert node["x1"]["name"] == HOSTILE_NAME
    assert node["x1"]["department"] == HOSTILE_DEPARTMENT
    assert node["x1"]["research"] == [HOSTILE_TOPIC]
    assert node["m2"]["name"] == ODD_NAME


def test_json_for_script_escapes_what_could_end_the_block():
    text = str(json_for_script({"a": "</script><!-- & \u2028\u2029 >"}))
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 >"}


def test_page_is_self_contained(backend):
    html = build_network_html(backend, policy=Policy(), as_of=AS_OF)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html, re.I)
    assert "@import" not in html
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html


# ------------------------------------------------------------------ command line


def test_cli_writes_only_the_output_file(source, tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    monkeypatch.chdir(cwd)
    result = invoke(source, "--as-of", "2026-11-25", "-o", out_dir / "network.html")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines()[-1] == (
        f"wrote {out_dir / 'network.html'}: 7 people, 6 connections, 4 gaps, "
        f"{len(page_json((out_dir / 'network.html').read_text(encoding='utf-8'))['referrals'])} referral paths")
    assert list(cwd.iterdir()) == []
    assert [p.name for p in out_dir.iterdir()] == ["network.html"]
    html = (out_dir / "network.html").read_bytes().decode("utf-8")
    assert "Mentee One" in html


def test_cli_show_identity(source, tmp_path):
    out = tmp_path / "n.html"
    assert invoke(source, "--as-of", "2026-11-25", "-o", out).exit_code == 0
    assert SECRET not in out.read_text(encoding="utf-8")
    assert invoke(source, "--as-of", "2026-11-25", "--show-identity", "-o", out).exit_code == 0
    assert f"{SECRET}-female" in out.read_text(encoding="utf-8")


def test_cli_mentee_and_department(source, tmp_path):
    out = tmp_path / "n.html"
    assert invoke(source, "--as-of", "2026-11-25", "--mentee", "m1", "--no-referrals", "-o", out).exit_code == 0
    assert {n["id"] for n in page_json(out.read_text(encoding="utf-8"))["nodes"]} == {"m1", "f1", "f3"}
    assert invoke(source, "--as-of", "2026-11-25", "--department", "surgery", "--no-referrals",
                  "-o", out).exit_code == 0
    assert {n["id"] for n in page_json(out.read_text(encoding="utf-8"))["nodes"]} == {"m2", "f4"}


@pytest.mark.parametrize("args, message", [
    (["--mentee", "nobody"], "error: --mentee: no person with id 'nobody' in the dataset"),
    (["--department", "Dermatology"], "error: --department: no one in department 'Dermatology'; departments: "
                                      f"{HOSTILE_DEPARTMENT}, Radiology, Surgery"),
    (["--mentee", "m1", "--department", "Surgery"], "error: --mentee: give either --mentee or --department, not both"),
    (["--max-nodes", "6"], "error: viz: the whole network has 7 people, more than the 6 a browser can draw responsively; "
                           "draw part of it with --department NAME or --mentee ID (or raise --max-nodes)"),
])
def test_cli_bad_input_exits_2_and_writes_nothing(source, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.html"
    result = invoke(source, "--as-of", "2026-11-25", "-o", out, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_cli_max_nodes_applies_to_the_view(source, tmp_path):
    out = tmp_path / "n.html"
    result = invoke(source, "--as-of", "2026-11-25", "--department", "Radiology", "--max-nodes", "3", "-o", out)
    assert result.exit_code == 2
    assert "department Radiology has" in result.stderr
    assert "--department NAME or --mentee ID" in result.stderr
    assert invoke(source, "--as-of", "2026-11-25", "--mentee", "m1", "--no-referrals", "--max-nodes", "3",
                  "-o", out).exit_code == 0


def test_cli_missing_output_directory(source, tmp_path):
    out = tmp_path / "missing" / "n.html"
    result = invoke(source, "-o", out)
    assert result.exit_code == 2
    assert "the directory to write into does not exist" in result.stderr
    assert not out.parent.exists()


def test_cli_requires_output(source):
    result = invoke(source)
    assert result.exit_code == 2
    assert "Missing option '-o'" in result.output


def test_cli_replaces_an_existing_file_atomically(source, tmp_path):
    out = tmp_path / "n.html"
    out.write_text("old", encoding="utf-8")
    assert invoke(source, "--as-of", "2026-11-25", "--mentee", "m1", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds", "n.html"]


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["viz", "--help"])
    assert result.exit_code == 0
    assert "mentornet viz examples/radiology --as-of 2026-11-25 -o network.html" in result.output


def test_people_without_relationships(tmp_path):
    ds = write_dataset(tmp_path / "lonely", [{"id": "r1", "role": "resident"}], [], rel_columns=["source", "target", "type"])
    data = page_json(build_network_html(read_dataset(ds), policy=Policy(), as_of=AS_OF))
    assert [(n["id"], n["name"], n["gaps"]) for n in data["nodes"]] == [("r1", "r1", ["career", "research"])]
    assert data["edges"] == [] and data["referrals"] == []


def test_large_views_are_laid_out_by_department_without_physics(tmp_path):
    people = [{"id": f"p{i:03d}", "role": "faculty", "department": f"D{i % 3}"} for i in range(450)]
    rels = [{"source": f"p{i:03d}", "target": f"p{(i + 3) % 450:03d}", "type": "COLLEAGUE"} for i in range(450)]
    data = page_json(build_network_html(read_dataset(write_dataset(tmp_path / "big", people, rels)),
                                        policy=Policy(), as_of=AS_OF, referrals=False))
    assert data["physics"] is False
    boxes = []
    for d in ("D0", "D1", "D2"):
        xs = [n["x"] for n in data["nodes"] if n["department"] == d]
        ys = [n["y"] for n in data["nodes"] if n["department"] == d]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    for i, a in enumerate(boxes):  # each department is a cluster of its own
        for b in boxes[i + 1:]:
            assert a[1] < b[0] or b[1] < a[0] or a[3] < b[2] or b[3] < a[2]


@pytest.mark.parametrize("block", [1, 7, 1 << 30])
def test_layout_positions_do_not_depend_on_the_repulsion_block(monkeypatch, block):
    # the repulsion is summed in row blocks sized for the cache: each row's sums, and so every
    # position, must be the same bit for bit whatever the block (the page would change otherwise)
    import numpy as np

    from mentornet import viz

    rng = np.random.default_rng(3)
    n = 300
    edges = rng.integers(0, n, (3 * n, 2))
    default = viz.spring_positions(n, edges[:, 0], edges[:, 1], seed=5)
    monkeypatch.setattr(viz, "REPULSION_BLOCK", block)
    other = viz.spring_positions(n, edges[:, 0], edges[:, 1], seed=5)
    assert np.array_equal(default, other)
    assert len(np.unique(default.round(6), axis=0)) == n  # a real layout: people spread apart
