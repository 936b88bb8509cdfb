"""A real headless Chromium for tests of the HTML outputs (``viz``, ``audit -o report.html``).

The fixtures are registered for every test module by ``tests/conftest.py``
(``pytest_plugins``). Usage in a test module::

    @pytest.mark.browser
    def test_page(browser_page, tmp_path):
        page = browser_page(tmp_path / "network.html", wait_for="window.mentornetReady === true")
        assert page.console_errors == []
        assert page.blocked_requests == []
        assert page.evaluate("document.title") == "..."
        page.screenshot(tmp_path / "shot.png")

``browser_page(path)`` opens a local HTML file with the network disabled: every request that
is not a ``file:``, ``data:`` or ``blob:`` URL is aborted and recorded in ``blocked_requests``,
and the browser context is offline. ``console_errors`` collects console errors and uncaught
exceptions (``pageerror``) from the moment the page starts loading.

Chromium is the system one (Debian package ``chromium``: ``/usr/bin/chromium``; or set
``MENTORNET_CHROMIUM``), driven by Playwright for Python from PyPI (no ``playwright install``:
its own browser download is never used). Without Chromium or Playwright the tests skip with the
reason, unless ``MENTORNET_REQUIRE_BROWSER=1`` (set by CI), which turns that into a failure.
Each test gets a fresh browser context; the browser itself starts once per session with a
fresh temporary profile.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-default-apps", "--disable-extensions",
    "--disable-sync", "--no-default-browser-check", "--mute-audio",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def chromium_path() -> str | None:
    """The Chromium executable: ``MENTORNET_CHROMIUM``, else the first one on PATH."""
    configured = os.environ.get("MENTORNET_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _unavailable(reason: str):
    if os.environ.get("MENTORNET_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MENTORNET_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


class _Shared:
    """One Playwright and one Chromium for the whole run, however many modules import the fixture.

    Each module that imports :func:`chromium` gets its own session-scoped instance of it, and
    Playwright's sync API cannot be started twice, so they share this one (reference-counted).
    """

    manager = None
    browser = None
    users = 0
    failure: str | None = None

    @classmethod
    def acquire(cls):
        if cls.browser is None and cls.failure is None:
            cls.failure = cls._start()
        if cls.failure is not None:
            _unavailable(cls.failure)
        cls.users += 1
        return cls.browser

    @classmethod
    def _start(cls) -> str | None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            return "Playwright for Python is not installed (pip install playwright)"
        executable = chromium_path()
        if executable is None:
            return "Chromium not found (apt-get install chromium, or set MENTORNET_CHROMIUM)"
        cls.manager = sync_playwright().start()
        try:
            cls.browser = cls.manager.chromium.launch(executable_path=executable, headless=True,
                                                      args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - report why the browser could not start
            cls.manager.stop()
            cls.manager = None
            return f"Chromium at {executable} did not start: {exc}"
        return None

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users == 0 and cls.browser is not None:
            cls.browser.close()
            cls.manager.stop()
            cls.browser = cls.manager = None


@pytest.fixture(scope="session")
def chromium():
    """A running headless Chromium (Playwright ``Browser``), shared by the session."""
    browser = _Shared.acquire()
    yield browser
    _Shared.release()


@dataclass
class LoadedPage:
    """A page opened by :func:`browser_page`, with what it logged and tried to fetch."""

    page: object  # playwright.sync_api.Page, for anything not wrapped here
    console_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)

    def evaluate(self, expression: str, arg=None):
        """Evaluate a JS expression (or ``arg => ...`` function) in the page and return its value."""
        return self.page.evaluate(expression, arg)

    def wait_for(self, expression: str, timeout_ms: int = 30_000) -> None:
        """Wait until a JS expression is truthy.

        Polls with ``evaluate`` rather than Playwright's ``wait_for_function``, whose polling
        runs ``eval`` inside the page and so fails under a Content-Security-Policy without
        ``'unsafe-eval'`` (which the pages under test rightly set).
        """
        deadline = time.monotonic() + timeout_ms / 1000
        while not self.page.evaluate(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout_ms} ms for {expression!r}")
            self.page.wait_for_timeout(50)

    def screenshot(self, path, *, full_page: bool = False) -> Path:
        """Save a PNG screenshot of the viewport (or the whole page) to ``path``."""
        self.page.screenshot(path=str(path), full_page=full_page)
        return Path(path)


@pytest.fixture
def browser_page(chromium):
    """A function ``open(path, *, wait_for=None, width=1280, height=800) -> LoadedPage``.

    Opens the local file ``path`` offline in a new browser context and waits for the load
    event, then (if given) until the JS expression ``wait_for`` is truthy.
    """
    contexts = []

    def open_page(path, *, wait_for: str | None = None, width: int = 1280, height: int = 800,
                  timeout_ms: int = 30_000) -> LoadedPage:
        context = chromium.new_context(viewport={"width": width, "height": height},
                                       offline=True, service_workers="block")
        contexts.append(context)
        page = context.new_page()
        loaded = LoadedPage(page)

        def route(r):
            url = r.request.url
            if url.startswith(LOCAL_SCHEMES):
                r.continue_()
            else:
                loaded.blocked_requests.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda msg: msg.type == "error" and loaded.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: loaded.console_errors.append(f"uncaught: {exc}"))
        page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
        if wait_for:
            loaded.wait_for(wait_for, timeout_ms)
        return loaded

    yield open_page
    for context in contexts:
        context.close()
