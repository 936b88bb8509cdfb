"""Every statement file loads and is well formed, with no server; the active-mentorship rule is
written once (cypher/fragment_active_mentorship.cypher) and is the same text wherever it is used."""
import re
from importlib.resources import files

import pytest
from click.testing import CliRunner

from mentornet.backends.neo4j.statements import FRAGMENT_PREFIX, TYPED, fragment, statement, statements
from mentornet.cli import main
from mentornet.model import REL_TYPES

ACTIVE = fragment("active_mentorship")
RAW = {r.name[: -len(".cypher")]: r.read_text(encoding="utf-8")
       for r in files("mentornet.cypher").iterdir() if r.name.endswith(".cypher")}


def code(text: str) -> str:
    """The statement without comments, string literals and quoted names (what brackets are counted in)."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else n
        elif ch in "'\"`":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            out.append("''")
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def balanced(text: str) -> bool:
    stack, pairs = [], {")": "(", "]": "[", "}": "{"}
    for ch in code(text):
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return not stack


@pytest.mark.parametrize("s", statements(), ids=lambda s: s.name)
def test_every_statement_loads_whole(s):
    assert s.kind in ("read", "write") and s.description and s.parameters
    assert s.text.splitlines()[0] == f"// name: {s.name}"
    body = code(s.text)
    assert "{{" not in body and "}}" not in body, "a fragment was not included"
    assert "REL_TYPE" not in s.text, "a relationship type was not filled in"
    assert balanced(s.text), "unbalanced brackets"
    assert body.strip(), "no Cypher after the header"
    if s.columns:
        assert re.search(r"\bRETURN\b", body), "a statement read in bulk must return its columns"
    assert statement(s.name) == s


def test_the_active_mentorship_rule_is_written_once():
    assert ACTIVE == ("(r.status = 'active' AND (r.last_met IS NULL OR r.last_met >= $cutoff)"
                      " AND (r.since IS NULL OR r.since <= $as_of))")
    users = []
    for name, text in RAW.items():
        if name.startswith(FRAGMENT_PREFIX):
            continue
        # no hand-written copy, whole or in part: only the include
        assert "last_met >= $cutoff" not in code(text), name
        if "{{ active_mentorship }}" in text:
            users.append(name)
    assert len(users) >= 11
    for name in users:
        expanded = statement(name).text
        assert expanded.count(ACTIVE) == RAW[name].count("{{ active_mentorship }}") >= 1, name


def test_the_duplicate_number_is_read_in_one_place():
    """The last part of a relationship's load key, absent for the first row of a pair, is read
    only through the fragment: a statement spelling ``.duplicate`` itself could read it otherwise."""
    assert fragment("duplicate_number") == "coalesce(r.duplicate, 0)"
    users = []
    for name, text in RAW.items():
        if name.startswith(FRAGMENT_PREFIX):
            continue
        assert not re.search(r"\w\.duplicate\b", code(text)), name  # writes spell `duplicate: $duplicate[i]`
        if "{{ duplicate_number }}" in text:
            users.append(name)
    assert sorted(users) == ["delete_relationships_not_in", "load_count_found", "load_relationships",
                             "relationship_rows"]
    for name in ("load_mentors", "load_count_found", "delete_relationships_not_in", "relationship_rows"):
        assert "coalesce(r.duplicate, 0)" in statement(name).text, name


def test_per_type_statements_differ_only_in_the_type():
    for template in TYPED:
        verb = template[: -len("_relationships")]
        texts = {t: statement(f"{verb}_{t.lower()}").text for t in REL_TYPES}
        for t, text in texts.items():
            assert f":{t}]" in text
            assert not any(f":{other}]" in text for other in REL_TYPES if other != t)
            assert re.sub(rf"\b{t}\b|{t.lower()}", "T", text) == re.sub(r"\bKNOWS\b|knows", "T", texts["KNOWS"])


def test_templates_and_fragments_are_not_statements_of_their_own():
    names = {s.name for s in statements()}
    assert not names & set(TYPED)
    assert not any(n.startswith(FRAGMENT_PREFIX) for n in names)
    for name in (*TYPED, FRAGMENT_PREFIX + "active_mentorship", "create_nothing"):
        result = CliRunner().invoke(main, ["query", name, "--show"])
        assert result.exit_code == 2 and "no query named" in result.stderr


def test_query_show_prints_the_statement_with_the_rule_in_place():
    result = CliRunner().invoke(main, ["query", "gaps", "--show"])
    assert result.exit_code == 0, result.output
    assert result.stdout == statement("gaps").text
    assert ACTIVE in result.stdout and "{{" not in result.stdout
