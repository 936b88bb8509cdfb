"""The HTML audit report in a real headless Chromium: offline, charts drawn, hostile names inert."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from mentornet.cli import main
from test_audit_cli import IMG, MATH, RADIOLOGY, SCRIPT, hostile_dataset

pytestmark = pytest.mark.browser

CHARTS = ["chart-coverage", "chart-mosaic", "chart-groups", "chart-concordance", "chart-load_distribution"]


def report(source, out):
    result = CliRunner().invoke(main, ["audit", str(source), "--as-of", "2026-11-25", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def chart_state(page) -> dict:
    """For every <img>: its figure id, whether it decoded, its drawn size and its URL scheme."""
    return page.evaluate("""() => Array.from(document.images).map(img => ({
        id: img.closest('figure') ? img.closest('figure').id : null,
        decoded: img.complete && img.naturalWidth > 0,
        width: img.getBoundingClientRect().width,
        height: img.getBoundingClientRect().height,
        scheme: img.src.slice(0, 25)}))""")


def test_report_loads_offline_with_charts(browser_page, tmp_path):
    page = browser_page(report(RADIOLOGY, tmp_path / "report.html"))
    assert page.console_errors == []
    assert page.blocked_requests == []
    assert page.evaluate("document.title") == "Mentor audit as of 2026-11-25"
    images = chart_state(page)
    assert [i["id"] for i in images] == CHARTS
    for image in images:
        assert image["decoded"] and image["width"] > 200 and image["height"] > 80, image
        assert image["scheme"] == "data:image/svg+xml;base64"
    assert page.evaluate("document.scripts.length") == 0
    headings = page.evaluate("Array.from(document.querySelectorAll('h2')).map(h => h.textContent)")
    assert headings[:3] == ["Summary", "Coverage by need", "Mosaic: distinct active mentors per mentee"]
    suppressed = page.evaluate("document.querySelectorAll('td.suppressed').length")
    # department, role, gender groups; gender concordance; urm "yes" group and concordance (the
    # lone urm non-discloser, issue 14); mentor groups first_gen and urm "yes" (one non-discloser each)
    assert suppressed == 2 + 2 + 2 + 2 + 1 + 1 + 2
    page.screenshot(tmp_path / "report.png", full_page=True)


def test_report_prints(browser_page, tmp_path):
    page = browser_page(report(RADIOLOGY, tmp_path / "report.html"))
    pdf = page.page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert page.console_errors == []


def test_hostile_names_are_inert_text(browser_page, tmp_path):
    source = hostile_dataset(tmp_path / "hostile")
    page = browser_page(report(source, tmp_path / "hostile.html"))
    assert page.console_errors == [] and page.blocked_requests == []
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.scripts.length") == 0
    assert [i["id"] for i in chart_state(page)] == CHARTS  # no <img> from the data
    text = page.evaluate("document.body.innerText")
    assert SCRIPT in text and IMG in text and MATH in text
    cells = page.evaluate("Array.from(document.querySelectorAll('td')).map(td => td.textContent)")
    assert SCRIPT in cells and IMG in cells
    for image in chart_state(page):
        assert image["decoded"], image
