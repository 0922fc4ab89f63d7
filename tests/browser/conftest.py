"""Browser tests: the app served from a thread of the test process, driven by Debian's Chromium.

The server thread uses the test's database connection (see db_connection), so what a
test creates with factories is what the browser sees, and it is all rolled back.
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import TEST_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium absent ({CHROMIUM}) : installez-le avec « apt-get install chromium »")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


# One request at a time: the requests share the test's single database connection, and
# a test must not end (and roll back) while a request of its page is still running.
_request_lock = threading.Lock()
# Between two tests the connection is being rolled back and handed over: a request the
# browser sent late (a favicon) is answered 503 instead of touching it.
_serving = threading.Event()


def _serialised(app):
    def application(environ, start_response):
        with _request_lock:
            if not _serving.is_set():
                start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Content-Length", "0")])
                return [b""]
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                if hasattr(body, "close"):
                    body.close()  # static files: closed here, not by the garbage collector

    return application


@pytest.fixture(autouse=True)
def _serving_window(db_connection):
    """The server answers while this test holds the connection, and no longer: torn down
    before db_connection, after any request still in flight."""
    _serving.set()
    yield
    with _request_lock:
        _serving.clear()


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, _serialised(app), threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-gpu",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def browser_login():
    def _login(page, user, password: str = TEST_PASSWORD):
        page.goto("/connexion")
        page.fill("#email", user.email)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()

    return _login


@pytest.fixture
def screenshot():
    def _screenshot(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _screenshot


@pytest.fixture
def open_menu():
    """Open a page through a drop-down of the main menu, once the DSFR script has started."""

    def _open(page, group: str, item: str):
        page.wait_for_selector("html[data-fr-js]", state="attached")
        page.click(f"#navigation >> button:has-text('{group}')")
        page.locator("#navigation").get_by_role("link", name=item, exact=True).click()
        page.wait_for_load_state()

    return _open
