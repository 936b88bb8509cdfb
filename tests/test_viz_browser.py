"""``viz`` pages in a real headless Chromium, offline: drawing, escaping, privacy, filters, scale."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from mentornet import Policy, read_dataset
from mentornet.backends.networkx import NetworkXBackend
from mentornet.generate import generate_dataset
from mentornet.viz import build_network_html, write_html

from helpers import AS_OF, write_dataset
from test_viz import HOSTILE_DEPARTMENT, HOSTILE_NAME, HOSTILE_TOPIC, ODD_NAME, PEOPLE, RELS, SECRET

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
READY = "window.mentornetReady === true"
COUNTS = "[mentornet.network.body.data.nodes.length, mentornet.network.body.data.edges.length]"


@pytest.fixture
def backend(tmp_path):
    return NetworkXBackend(read_dataset(write_dataset(tmp_path / "ds", PEOPLE, RELS)))


def open_view(browser_page, tmp_path, backend_or_dataset, name="network.html", **options):
    path = write_html(tmp_path / name, build_network_html(backend_or_dataset, policy=Policy(), as_of=AS_OF, **options))
    page = browser_page(path, wait_for=READY)
    assert page.console_errors == []
    assert page.blocked_requests == []
    return page


def segments(refs, max_rank):
    """Distinct pairs of people on the referral paths of rank <= max_rank."""
    pairs = set()
    for path in refs.loc[refs["rank"] <= max_rank, "path"]:
        ids = path.split(">")
        pairs |= {frozenset(p) for p in zip(ids, ids[1:])}
    return len(pairs)


def node_index(page, person_id):
    return page.evaluate("id => mentornet.data.nodes.findIndex(n => n.id === id)", person_id)


def test_draws_every_person_and_connection_offline(browser_page, tmp_path, backend):
    page = open_view(browser_page, tmp_path, backend)
    refs = backend.refer(policy=Policy(), as_of=AS_OF)
    assert page.evaluate(COUNTS) == [7, 6 + segments(refs, 1)]
    assert page.evaluate("document.title") == "Mentor network: all people (as of 2026-11-25)"
    assert page.evaluate("mentornet.network.body.data.nodes.get(0).label") == "Mentee One  \u26a0 career, identity:gender"
    drawn = page.evaluate("Object.keys(mentornet.network.body.nodes).length")
    assert drawn == 7
    assert page.evaluate("document.querySelectorAll('#gap-list li').length") == 2


def test_hostile_names_and_interests_never_execute(browser_page, tmp_path, backend):
    page = open_view(browser_page, tmp_path, backend, department=HOSTILE_DEPARTMENT, show_identity=True)
    assert page.evaluate("document.title") == f"Mentor network: department {HOSTILE_DEPARTMENT} (as of 2026-11-25)"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 3
    x1 = node_index(page, "x1")
    box = page.evaluate("i => { const b = mentornet.personBox(i); "
                        "return [b.textContent, b.querySelectorAll('*').length, b.querySelectorAll('div').length]; }", x1)
    assert HOSTILE_NAME in box[0] and HOSTILE_TOPIC in box[0] and HOSTILE_DEPARTMENT in box[0]
    assert box[1] == box[2]  # only the text lines the page made itself
    assert page.evaluate("i => mentornet.network.body.data.nodes.get(i).label", x1) == HOSTILE_NAME

    # Hover the hostile person: the tooltip shows the name as text.
    x, y = page.evaluate("""i => {
        const net = mentornet.network, at = net.canvasToDOM(net.getPositions([i])[i]);
        const r = document.getElementById('network').getBoundingClientRect();
        return [r.left + at.x, r.top + at.y]; }""", x1)
    page.page.mouse.move(x, y)
    page.wait_for("document.getElementById('tip').style.display === 'block'")
    assert HOSTILE_NAME in page.evaluate("document.getElementById('tip').textContent")
    page.page.mouse.click(x, y)
    assert HOSTILE_TOPIC in page.evaluate("document.getElementById('details').textContent")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, iframe').length") == 0
    assert page.console_errors == []


def test_odd_characters_are_shown_as_written(browser_page, tmp_path, backend):
    page = open_view(browser_page, tmp_path, backend)
    m2 = node_index(page, "m2")
    assert page.evaluate("i => mentornet.data.nodes[i].name", m2) == ODD_NAME
    assert ODD_NAME in page.evaluate("i => mentornet.personBox(i).textContent", m2)
    items = page.evaluate("[...document.querySelectorAll('#gap-list li')].map(li => li.textContent)")
    assert f"{ODD_NAME} career, research" in items


def test_identity_values_appear_only_with_show_identity(browser_page, tmp_path, backend):
    page = open_view(browser_page, tmp_path, backend, name="hidden.html")
    assert page.evaluate(f"document.documentElement.outerHTML.includes('{SECRET}')") is False
    assert page.evaluate(f"JSON.stringify(mentornet.data).includes('{SECRET}')") is False
    assert "Identity" not in page.evaluate("mentornet.personBox(0).textContent")
    page = open_view(browser_page, tmp_path, backend, name="shown.html", show_identity=True)
    assert f"Identity: gender {SECRET}-female" in page.evaluate("mentornet.personBox(0).textContent")


def test_mentee_view_draws_the_mentee_mentors_and_all_ranked_paths(browser_page, tmp_path, backend):
    refs = backend.refer(policy=Policy(), as_of=AS_OF, mentee="m2")
    people = {"m2", "f4"} | {p for path in refs["path"] for p in path.split(">")}
    connections = sum(1 for a, b in {frozenset((r["source"], r["target"])) for r in RELS
                                     if {r["source"], r["target"]} <= people} if a != b)
    page = open_view(browser_page, tmp_path, backend, mentee="m2")
    assert page.evaluate(COUNTS) == [len(people), connections + segments(refs, 3)]
    # the mentee and their own mentor f4 are drawn in full; only the people on paths are context
    assert sorted(page.evaluate("mentornet.data.nodes.filter(n => !n.context).map(n => n.id)")) == ["f4", "m2"]
    # the header's gap count is the sidebar's list: the mentee's own gaps
    gaps = backend.gaps(policy=Policy(), as_of=AS_OF)
    own = gaps[gaps["mentee_id"] == "m2"]
    assert page.evaluate("document.querySelectorAll('#gap-list li').length") == (1 if len(own) else 0)
    assert page.evaluate("document.querySelector('.counts').textContent").count(f"with {len(own)} gaps") == 1


def test_department_view(browser_page, tmp_path, backend):
    page = open_view(browser_page, tmp_path, backend, department="radiology", referrals=False)
    # m1, f1, f2, f3; connections f1-m1, f1-f2, f3-m1; no referral bands.
    assert page.evaluate(COUNTS) == [4, 3]
    assert page.evaluate("mentornet.data.subject") == "department Radiology"


def test_radiology_example_screenshot(browser_page, tmp_path):
    ds = read_dataset(ROOT / "examples" / "radiology")
    backend = NetworkXBackend(ds)
    refs = backend.refer(policy=Policy(), as_of=AS_OF)
    path = write_html(tmp_path / "radiology.html", build_network_html(backend, policy=Policy(), as_of=AS_OF))
    page = browser_page(path, wait_for=READY, width=1400, height=900)
    assert page.console_errors == [] and page.blocked_requests == []
    assert page.evaluate(COUNTS) == [59, 80 + segments(refs, 1)]
    ringed = page.evaluate("mentornet.nodes.get().filter(n => n.borderWidth === 4).length")
    assert ringed == 18  # the 18 mentees with gaps (examples/radiology/README.md)
    shot = page.screenshot(tmp_path / "radiology-network.png")
    assert shot.stat().st_size > 50_000
    if os.environ.get("MENTORNET_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(shot, ROOT / "docs" / "radiology-network.png")


def test_five_thousand_people_open_responsive(browser_page, tmp_path, capsys):
    generate_dataset(tmp_path / "big", people=5000, seed=1)
    backend = NetworkXBackend(read_dataset(tmp_path / "big"))
    started = time.perf_counter()
    html = build_network_html(backend, policy=Policy(), as_of=AS_OF)
    built = time.perf_counter() - started
    path = write_html(tmp_path / "big.html", html)
    started = time.perf_counter()
    page = browser_page(path, wait_for=READY, timeout_ms=120_000)
    opened = time.perf_counter() - started
    assert page.console_errors == [] and page.blocked_requests == []
    assert page.evaluate("mentornet.network.body.data.nodes.length") == 5000
    assert page.evaluate("mentornet.data.physics") is False
    redraw_ms = page.evaluate("""() => new Promise(done => {
        const net = mentornet.network, t = performance.now();
        net.once('afterDrawing', () => done(performance.now() - t));
        net.moveTo({scale: net.getScale() * 1.5}); })""")
    with capsys.disabled():
        print(f"\nviz 5,000 people: HTML built in {built:.1f} s ({len(html) / 1e6:.1f} MB), "
              f"ready in Chromium after {opened:.1f} s, zoom redraw {redraw_ms:.0f} ms")


OVERLAPS = """(() => {
  const b = mentornet.labelBoxes(), out = [];
  for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) {
    const ox = Math.min(b[i].x + b[i].right, b[j].x + b[j].right) - Math.max(b[i].x + b[i].left, b[j].x + b[j].left);
    const oy = Math.min(b[i].y + b[i].bottom, b[j].y + b[j].bottom) - Math.max(b[i].y + b[i].top, b[j].y + b[j].top);
    if (ox > 0 && oy > 0) out.push([mentornet.data.nodes[i].id, mentornet.data.nodes[j].id]);
  }
  return out;
})()"""


def test_labels_do_not_overlap_in_the_full_radiology_example(browser_page, tmp_path):
    ds = read_dataset(ROOT / "examples" / "radiology")
    page = open_view(browser_page, tmp_path, ds)
    boxes = page.evaluate("mentornet.labelBoxes().length")
    assert boxes == 59
    # a label box is the dot plus the text below it, as wide as the text as measured on the page
    assert page.evaluate("mentornet.labelBoxes().every(b => b.right - b.left > 40)")
    assert page.evaluate(OVERLAPS) == []
