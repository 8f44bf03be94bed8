"""Real-browser tests: Debian's Chromium driven by Playwright against a live server.

They run when /usr/bin/chromium and Playwright are present and are skipped otherwise,
with the reason printed; with REQUIRE_E2E=1 (CI) a skip is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.platform.extensions import db

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _why_not() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _why_not()
    if reason:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"browser tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The app served on 127.0.0.1 by a real HTTP server, with its own database."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'live.db'}", WTF_CSRF_ENABLED=True
    )
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def shots(tmp_path_factory, request):
    """Saves numbered screenshots under the run's temporary folder (and docs/ on request)."""
    folder = tmp_path_factory.mktemp("screenshots")
    counter = {"n": 0}

    def take(page, name):
        counter["n"] += 1
        path = folder / f"{counter['n']:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            SHOTS.mkdir(parents=True, exist_ok=True)
            journey = request.node.name.split("_")[2]
            shutil.copy(path, SHOTS / f"{journey}-{path.name}")
        return path

    take.folder = folder
    return take
