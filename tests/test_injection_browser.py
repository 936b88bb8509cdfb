"""Hostile ids (not only names) in ``viz`` and ``audit`` pages, in a real headless Chromium.

tests/test_viz_browser.py and tests/test_audit_browser.py cover hostile names, topics and
departments; here the ids themselves (which appear in tooltips, the sidebar, the gap list and
report tables) carry markup, formulas and Cypher, and the scripts set ``window.__pwned``.
"""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from helpers import write_dataset
from mentornet.cli import main
from test_injection import PEOPLE, RELS

pytestmark = pytest.mark.browser
READY = "window.mentornetReady === true"


def armed(value):
    """The same hostile value, but a script that ran would set window.__pwned (no dialogs)."""
    return value.replace("alert(", "window.__pwned=(") if isinstance(value, str) else value


ARMED_PEOPLE = [{k: armed(v) for k, v in p.items()} for p in PEOPLE]
ARMED_RELS = [{k: armed(v) for k, v in r.items()} for r in RELS]
IDS = [p["id"] for p in ARMED_PEOPLE]


@pytest.fixture
def source(tmp_path):
    return str(write_dataset(tmp_path / "ds", ARMED_PEOPLE, ARMED_RELS))


def write(tmp_path, *args):
    result = CliRunner().invoke(main, [*map(str, args), "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.output


def test_viz_shows_hostile_ids_as_text(browser_page, tmp_path, source):
    out = tmp_path / "network.html"
    write(tmp_path, "viz", source, "-o", out)
    page = browser_page(out, wait_for=READY)
    assert page.console_errors == [] and page.blocked_requests == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, svg[onload], iframe, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 3
    assert sorted(page.evaluate("mentornet.data.nodes.map(n => n.id)")) == sorted(IDS)
    for pid in IDS:
        index = page.evaluate("id => mentornet.data.nodes.findIndex(n => n.id === id)", pid)
        box = page.evaluate("i => mentornet.personBox(i).textContent", index)
        assert pid in box, (pid, box)
    gaps = page.evaluate("[...document.querySelectorAll('#gap-list li')].map(li => li.textContent)")
    assert any(armed("<img src=x onerror=alert(1)>") in item for item in gaps)
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_viz_mentee_view_of_a_hostile_id(browser_page, tmp_path, source):
    out = tmp_path / "mentee.html"
    mentee = armed("<svg onload=alert(1)//")
    write(tmp_path, "viz", source, "--mentee", mentee, "-o", out)
    page = browser_page(out, wait_for=READY)
    assert page.console_errors == []
    assert mentee in page.evaluate("document.title")
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_audit_report_shows_hostile_ids_as_text(browser_page, tmp_path, source):
    policy = tmp_path / "policy.toml"
    policy.write_text("min_group_size = 1\n")
    out = tmp_path / "report.html"
    write(tmp_path, "audit", source, "--policy", policy, "-o", out)
    page = browser_page(out)
    assert page.console_errors == [] and page.blocked_requests == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    cells = page.evaluate("Array.from(document.querySelectorAll('td')).map(td => td.textContent)")
    # people are shown as "name (id)": the hostile ids stay text inside those cells
    assert any(c.endswith("(=cmd|'/C calc'!A0)") for c in cells)
    assert any(c.endswith(f"({armed('<svg onload=alert(1)//')})") for c in cells)
    assert any(c.endswith("('}) DETACH DELETE n //)") for c in cells)


PROPERTY_NAMES = ["__proto__", "constructor", "toString"]


def property_named_dataset(directory):
    """336 people (a large view: department names drawn) in departments named like Object's properties.

    Ids, topics and departments are ``__proto__``, ``constructor`` and ``toString``; every third
    person is a resident with a career mentor, whose co-author offers research mentoring.
    """
    people, rels = [], []
    for dept in PROPERTY_NAMES + ["Radiology"]:
        ids = [dept] + [f"{dept}-{k}" for k in range(1, 84)]  # the first person's id is the bare name
        for k, pid in enumerate(ids):
            role = "resident" if k % 3 == 0 else "faculty"
            people.append({"id": pid, "name": f"Dr {dept} {k}", "role": role, "department": dept,
                           "research_interests": "__proto__;constructor" if role == "faculty" else "__proto__"})
            if role == "resident":
                rels.append({"source": ids[k + 1], "target": pid, "type": "MENTORS", "focus": "career"})
                rels.append({"source": ids[k + 1], "target": ids[k + 2], "type": "COAUTHOR"})
    return write_dataset(directory, people, rels)


def test_viz_names_like_object_properties_are_plain_data(browser_page, tmp_path):
    source = property_named_dataset(tmp_path / "ds")
    out = tmp_path / "network.html"
    write(tmp_path, "viz", source, "-o", out)
    page = browser_page(out, wait_for=READY)
    assert page.console_errors == [] and page.blocked_requests == []
    assert page.evaluate("mentornet.data.physics") is False  # the large view, which labels departments
    # nothing the page did wrote into the prototypes every object inherits from
    assert page.evaluate("Object.keys(Object.prototype)") == []
    assert page.evaluate("Object.keys(Object).concat(Object.keys(Function.prototype))") == []
    assert page.evaluate("({}).n === undefined && ({}).left === undefined")
    assert sorted(page.evaluate("mentornet.departmentLabels")) == sorted(PROPERTY_NAMES + ["Radiology"])
    for name in PROPERTY_NAMES:
        index = page.evaluate("id => mentornet.data.nodes.findIndex(n => n.id === id)", name)
        box = page.evaluate("i => mentornet.personBox(i).textContent", index)
        assert f"Department: {name}" in box, box
    assert page.evaluate("mentornet.data.referrals.length") > 0
    shown = page.evaluate("mentornet.edges.get().filter(e => e.id.startsWith('r')).length")
    assert shown > 0  # referral segments drawn (their index is keyed by text too)
