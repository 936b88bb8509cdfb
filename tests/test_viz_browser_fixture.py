"""The shared headless-Chromium fixture itself: offline, console errors, evaluation."""
from __future__ import annotations

import pytest


pytestmark = pytest.mark.browser


def test_fixture_blocks_network_and_collects_console_errors(browser_page, tmp_path):
    page_file = tmp_path / "page.html"
    page_file.write_text(
        "<!doctype html><html><head><title>fixture</title>"
        "<script src='https://example.invalid/x.js'></script></head><body>"
        "<img src='http://127.0.0.1:9/pixel.png'>"
        "<script>console.error('boom'); window.done = 1 + 1;</script></body></html>",
        encoding="utf-8")
    page = browser_page(page_file, wait_for="window.done === 2")
    assert page.evaluate("document.title") == "fixture"
    assert any("boom" in e for e in page.console_errors)
    assert sorted(page.blocked_requests) == ["http://127.0.0.1:9/pixel.png", "https://example.invalid/x.js"]
    shot = page.screenshot(tmp_path / "shot.png")
    assert shot.read_bytes().startswith(b"\x89PNG")
