"""``viz --without`` in a real headless Chromium: what the committee sees of a departure.

Asserted from the page as drawn: the pixels of the canvas, the nodes and edges vis-network
rendered, the tooltips and the sidebar, never from the HTML source. The dataset is the hand
case of ``test_planning`` (a and m3 leave: m2 loses their only research mentor a; m3's leaving
frees d, one hop from m2, who becomes m2's referral).
"""
from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from mentornet.cli import main
from mentornet.viz import GAP_COLOUR

from helpers import write_dataset
from test_planning import PEOPLE, RELS

pytestmark = pytest.mark.browser

READY = "window.mentornetReady === true"

# The colour of each point of the canvas (network coordinates), as RGB.
PIXELS = """points => {
  const net = mentornet.network, canvas = document.querySelector('#network canvas');
  const ratio = canvas.width / canvas.getBoundingClientRect().width, ctx = canvas.getContext('2d');
  return points.map(([x, y]) => {
    const at = net.canvasToDOM({x: x, y: y});
    return Array.from(ctx.getImageData(Math.round(at.x * ratio), Math.round(at.y * ratio), 1, 1).data.slice(0, 3));
  });
}"""
# Each person as drawn: position, radius, fill, border, opacity and label.
DRAWN = """() => {
  const out = {}, pos = mentornet.network.getPositions(), body = mentornet.network.body.nodes;
  mentornet.data.nodes.forEach((p, i) => {
    const o = body[i].options;
    out[p.id] = {x: pos[i].x, y: pos[i].y, size: o.size, fill: o.color.background, border: o.color.border,
                 borderWidth: o.borderWidth, opacity: o.opacity, label: o.label};
  });
  return out;
}"""
# The referral bands drawn, as pairs of person ids.
BANDS = """() => Object.values(mentornet.network.body.edges)
  .filter(e => String(e.id).startsWith('r'))
  .map(e => [mentornet.data.nodes[e.fromId].id, mentornet.data.nodes[e.toId].id].sort())"""


def open_viz(browser_page, tmp_path, name, *args):
    directory = tmp_path / "ds"
    if not directory.exists():
        write_dataset(directory, PEOPLE, RELS)
    out = tmp_path / name
    result = CliRunner().invoke(main, ["viz", str(directory), "--as-of", "2026-11-25", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    page = browser_page(out, wait_for=READY)
    assert page.console_errors == [] and page.blocked_requests == []
    return page


def ring(person, fraction, directions=16):
    """Points at ``fraction`` of a drawn person's radius, around the centre."""
    r = person["size"] * fraction
    return [[person["x"] + r * math.cos(2 * math.pi * k / directions),
             person["y"] + r * math.sin(2 * math.pi * k / directions)] for k in range(directions)]


def along(a, b, offset, fractions=(0.35, 0.45, 0.5, 0.55, 0.65)):
    """Points along the line from a to b, ``offset`` network units to its side."""
    dx, dy = b["x"] - a["x"], b["y"] - a["y"]
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length
    return [[a["x"] + f * dx + offset * nx, a["y"] + f * dy + offset * ny] for f in fractions]


def grey(rgb):  # the departed: #BBBBBB, a neutral grey
    return max(rgb) - min(rgb) <= 12 and 150 <= sum(rgb) / 3 <= 240


def blue(rgb):  # faculty: #0072B2
    return rgb[2] - rgb[0] >= 100


def red(rgb):  # the ring of a mentee with gaps
    return rgb[0] >= 170 and rgb[1] <= 110 and rgb[2] <= 110


def orange(rgb):  # a referral band: #FF8C00 at opacity 0.6 over white is about (255, 186, 102)
    return rgb[0] >= 220 and 140 <= rgb[1] <= 225 and rgb[2] <= 160


def hover_text(page, person_id):
    """The tooltip shown when the mouse rests on a person's dot."""
    x, y = page.evaluate("""id => {
        const net = mentornet.network, i = mentornet.data.nodes.findIndex(n => n.id === id);
        const at = net.canvasToDOM(net.getPositions([i])[i]), r = document.getElementById('network').getBoundingClientRect();
        return [r.left + at.x, r.top + at.y]; }""", person_id)
    page.page.mouse.move(x, y)
    page.wait_for("document.getElementById('tip').style.display === 'block'")
    text = page.evaluate("document.getElementById('tip').textContent")
    corner = page.evaluate("(r => [r.right - 3, r.bottom - 3])(document.getElementById('network').getBoundingClientRect())")
    page.page.mouse.move(*corner)  # an empty corner of the drawing: the tooltip goes
    page.wait_for("document.getElementById('tip').style.display === 'none'")
    return text


def test_the_departing_are_drawn_greyed(browser_page, tmp_path):
    page = open_viz(browser_page, tmp_path, "without.html", "--without", "a", "--without", "m3")
    drawn = page.evaluate(DRAWN)
    for gone in ("a", "m3"):
        assert drawn[gone]["fill"] == "#BBBBBB" and drawn[gone]["opacity"] == 0.35
        assert drawn[gone]["label"].startswith("(leaving) ")
        pixels = page.evaluate(PIXELS, ring(drawn[gone], 0.6))
        assert sum(map(grey, pixels)) >= 11, (gone, pixels)  # a few points fall on connections
    # those who stay keep their colour: faculty b is blue on the canvas
    pixels = page.evaluate(PIXELS, ring(drawn["b"], 0.6))
    assert drawn["b"]["opacity"] == 1 and sum(map(blue, pixels)) >= 11, pixels
    # drawn by the load after the departure: d (m3 gone) as small as a person with no mentee
    assert drawn["d"]["size"] == drawn["e"]["size"] < drawn["b"]["size"]
    assert "Leaving (what-if: drawn greyed); mentored 2 mentees before" in hover_text(page, "a")
    assert "Mentoring load: 0 of 1 after the departure" in hover_text(page, "d")
    legend = page.evaluate("document.querySelector('.legend').innerText")
    assert "leaving (what-if; label: opened needs)" in legend


def test_the_needs_they_leave_open_are_marked(browser_page, tmp_path):
    page = open_viz(browser_page, tmp_path, "without.html", "--without", "a", "--without", "m3")
    drawn = page.evaluate(DRAWN)
    m2 = drawn["m2"]
    assert m2["border"] == GAP_COLOUR and m2["borderWidth"] == 4
    assert "(opened: research)" in m2["label"]
    assert sum(map(red, page.evaluate(PIXELS, ring(m2, 1.0)))) >= 11
    assert "(opened" not in drawn["m1"]["label"]  # b still covers m1's research
    assert "Opened by the departure: research" in hover_text(page, "m2")
    sidebar = page.evaluate("[...document.querySelectorAll('#opened-list li')].map(li => li.innerText)")
    assert sidebar == ["m2 research"]
    assert "1 needs opened by the departure" in page.evaluate("document.querySelector('.counts').innerText")
    page.page.click("#opened-list li")
    assert page.evaluate("document.getElementById('details').textContent").startswith("m2m2Role: resident")


def test_the_referral_after_the_departure_is_drawn(browser_page, tmp_path):
    before = open_viz(browser_page, tmp_path, "before.html")
    # before: m2's career referral runs m2 > a > m1 > c, through a; m3's m3 > d > m2 > a
    assert sorted(before.evaluate(BANDS)) == [["a", "m1"], ["a", "m2"], ["c", "m1"], ["d", "m2"], ["d", "m3"]]
    drawn = before.evaluate(DRAWN)
    assert sum(map(orange, before.evaluate(PIXELS, along(drawn["m2"], drawn["a"], 2.5)))) >= 4
    assert before.evaluate("document.getElementById('opened-list')") is None

    after = open_viz(browser_page, tmp_path, "without.html", "--without", "a", "--without", "m3")
    # after: a's ties carry no path; m3's leaving frees d, one hop from m2, for m2's research
    assert after.evaluate(BANDS) == [["d", "m2"]]
    drawn = after.evaluate(DRAWN)
    for side in (2.5, -2.5):  # the band is 8 wide; the acquaintance line on its centre is 1 wide
        assert sum(map(orange, after.evaluate(PIXELS, along(drawn["m2"], drawn["d"], side)))) >= 4
    tip = hover_text(after, "m2")
    assert "Referral (research, rank 1): m2 \u2192 d (1 hop" in tip and "\u2192 a" not in tip
    assert "Suggested mentor for m2 (m2) (research, rank 1)" in hover_text(after, "d")
