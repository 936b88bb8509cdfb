"""Identity needs that come only from the policy stay out of people-facing outputs (issue 14)."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from mentornet.cli import main

from helpers import write_dataset

AS_OF = "2026-11-25"


@pytest.fixture
def data(tmp_path):
    """'quiet' (female) never asked for concordance; 'asker' (nonbinary) did. A policy lists both values."""
    people = [
        {"id": "quiet", "role": "resident", "department": "Rad", "identity.gender": "female", "research_interests": "ai"},
        {"id": "asker", "role": "resident", "department": "Rad", "identity.gender": "nonbinary",
         "seeks_concordance": "gender", "research_interests": "ai"},
        {"id": "f1", "role": "faculty", "department": "Rad", "identity.gender": "female", "research_interests": "ai"},
        {"id": "f2", "role": "faculty", "department": "Rad", "identity.gender": "nonbinary", "research_interests": "ai"},
    ]
    rels = [{"source": "f1", "target": "quiet", "type": "COLLEAGUE"},
            {"source": "f2", "target": "asker", "type": "COLLEAGUE"}]
    write_dataset(tmp_path / "d", people, rels)
    (tmp_path / "p.toml").write_text('[concordance]\ngender = ["female", "nonbinary"]\n', encoding="utf-8")
    return tmp_path


def run(data, command, *extra):
    result = CliRunner().invoke(main, [command, str(data / "d"), "--as-of", AS_OF, "--policy", str(data / "p.toml"),
                                       "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return result


def identity_rows(result) -> set[str]:
    """Mentees with an identity:gender row (for match: filled or listed open on stderr)."""
    rows = {r["mentee_id"] for r in json.loads(result.stdout) if r["area"] == "identity:gender"}
    return rows | set(re.findall(r"^open: (\S+) identity:gender:", result.stderr, re.M))


@pytest.mark.parametrize("command", ["gaps", "refer", "match"])
def test_policy_only_identity_needs_only_with_show_identity(data, command):
    hidden = run(data, command)
    assert identity_rows(hidden) == {"asker"}          # asked for: still shown
    assert re.search(r"^1 row\(s\) left out: identity needs that come only from the policy", hidden.stderr, re.M)
    assert "--show-identity" in hidden.stderr
    shown = run(data, command, "--show-identity")
    assert identity_rows(shown) == {"asker", "quiet"}
    assert "left out" not in shown.stderr


def test_viz_leaves_policy_only_needs_out_of_the_page(data):
    out = data / "v.html"
    result = CliRunner().invoke(main, ["viz", str(data / "d"), "--as-of", AS_OF, "--policy", str(data / "p.toml"),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    data_block = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S).group(1)
    nodes = {n["id"]: n for n in json.loads(data_block)["nodes"]}
    assert "identity:gender" not in nodes["quiet"]["gaps"] and "identity:gender" in nodes["asker"]["gaps"]
    assert "left out" in result.stderr
    result = CliRunner().invoke(main, ["viz", str(data / "d"), "--as-of", AS_OF, "--policy", str(data / "p.toml"),
                                       "-o", str(out), "--show-identity"])
    nodes = {n["id"]: n for n in json.loads(re.search(r'<script type="application/json"[^>]*>(.*?)</script>',
                                                      out.read_text(encoding="utf-8"), re.S).group(1))["nodes"]}
    assert "identity:gender" in nodes["quiet"]["gaps"]


def test_the_audit_still_counts_them(data):
    f = json.loads(run(data, "audit").stdout)
    needing = f["coverage"].get("identity:gender", {}).get("needing")
    assert needing == 2 or "identity:gender" in f["suppressed_needs"]


def test_whatif_leaves_policy_only_needs_out_too(data):
    """The identity needs a departure opens: the policy-only one only with --show-identity."""
    people = [
        {"id": "quiet", "role": "resident", "department": "Rad", "identity.gender": "female"},
        {"id": "asker", "role": "resident", "department": "Rad", "identity.gender": "nonbinary",
         "seeks_concordance": "gender"},
        {"id": "f1", "role": "faculty", "department": "Rad", "identity.gender": "female"},
        {"id": "f2", "role": "faculty", "department": "Rad", "identity.gender": "nonbinary"},
    ]
    rels = [{"source": "f1", "target": "quiet", "type": "MENTORS", "focus": "psychosocial"},
            {"source": "f2", "target": "asker", "type": "MENTORS", "focus": "psychosocial"}]
    write_dataset(data / "d", people, rels)

    def opened(*extra):
        result = run(data, "whatif", "--without", "f1", "--without", "f2", *extra)
        return {r["mentee_id"] for r in json.loads(result.stdout) if r["area"] == "identity:gender"}, result.stderr

    hidden, stderr = opened()
    assert hidden == {"asker"}
    assert re.search(r"^1 row\(s\) left out: identity needs that come only from the policy", stderr, re.M)
    shown, stderr = opened("--show-identity")
    assert shown == {"asker", "quiet"} and "left out" not in stderr
