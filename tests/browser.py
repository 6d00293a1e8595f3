"""What the browser tests share: Debian's Chromium driven by Playwright (no browser is downloaded), axe-core from
npm, and the site served by uvicorn in a background thread on a free port."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"no browser at {CHROMIUM} (install the Debian packages chromium and chromium-driver): browser tests skipped"
    if not AXE.exists():
        return f"axe-core is not installed at {AXE} (scripts/test runs npm ci): browser tests skipped"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (scripts/venv test): browser tests skipped"
    return None


def launched_chromium():
    """Yields a launched Chromium (for a fixture); with CI=true a missing browser fails, elsewhere it skips."""
    why = missing()
    if why:
        if IN_CI:
            pytest.fail("CI=true but " + why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@contextmanager
def served(app):
    """The application served by uvicorn in a background thread; gives its base address."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start within 30 s"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
