"""Fixtures for the browser journeys: one server per test session, Chromium per test module, a fresh tab per test.

With xdist, the root conftest's scheduler gives all journeys to one worker, which runs them one after another
against one server; the other worker runs the rest of the suite meanwhile.
"""

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tongban.journeys.pages import JourneyPage, Screenshots
from tongban.journeys.server import Server, served

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
DEMO_PASSWORD = "tongban-demo"


@pytest.fixture(scope="session")
def tongban_server() -> Iterator[Server]:
    if not CHROMIUM.exists():
        pytest.skip(f"Browser journeys skipped: Chromium is not installed at {CHROMIUM} "
                    "(`make setup` as root installs Debian's chromium; or `apt-get install chromium`).")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Browser journeys skipped: Playwright is not installed in this virtualenv "
                    "(`make setup`, or `pip install -r requirements-dev.txt`).")
    # On the PostgreSQL pass (DATABASE_URL set) the server gets a fresh PostgreSQL database of its own, so the
    # journeys run on both databases like the rest of the suite; on SQLite a file in a temporary directory.
    with served(os.environ.get("DATABASE_URL")) as server:
        yield server


@pytest.fixture(scope="module")
def chromium(tongban_server: Server) -> Iterator[object]:
    # Playwright's synchronous API keeps an event loop in this thread while it runs, and Django refuses database
    # work next to a running loop. Closing it after each module keeps the worker's later tests unaffected.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


_signed_in_states: dict[str, str] = {}


def _sign_in(page: JourneyPage, username: str) -> None:
    page.go("/accounts/login/")
    page.page.get_by_label("用户名").fill(username)
    page.page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.submit("登录")


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_page(chromium, tongban_server: Server, viewport: str,  # type: ignore[no-untyped-def]
              request: pytest.FixtureRequest) -> Iterator[Callable[..., JourneyPage]]:
    """open_page(username or None, locale=...) → a tab at this viewport, signed in as that demo user.

    The first sign-in of each user goes through the sign-in page; later tabs reuse its cookies.
    """
    journey = request.node.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    opened: list[JourneyPage] = []
    shots = Screenshots(journey, viewport)

    def open_page(username: str | None = None, locale: str = "zh-CN") -> JourneyPage:
        state = _signed_in_states.get(username) if username else None
        context = chromium.new_context(viewport=VIEWPORTS[viewport], locale=locale, storage_state=state,
                                       accept_downloads=True)
        page = JourneyPage(context, tongban_server.url, journey, viewport, shots)
        opened.append(page)
        if username and state is None:
            _sign_in(page, username)
            path = Path(tempfile.mkdtemp(prefix="tongban-state-")) / f"{username}.json"
            context.storage_state(path=str(path))
            _signed_in_states[username] = str(path)
        return page

    yield open_page
    for page in opened:
        problems = list(page.problems)
        page.context.close()
        assert not problems, "after the last check:\n  " + "\n  ".join(problems)
