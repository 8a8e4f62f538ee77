"""A page in a journey, watched for what a user would trip over.

Every page a journey reaches is checked the same way: no JavaScript error in the console, no failed request, no
horizontal scrolling of the page at the viewport's width, buttons and links of forms and navigation tall enough to
tap (44 px, the usual guideline for fingers), and a label for every form control. Key screens are saved under
var/screenshots/<journey>/ for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import translation

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Request, Response

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"
MIN_TAP_PX = 43.5  # 44 px, with room for sub-pixel rounding

# Runs in the page: everything the checks need in one round trip.
PAGE_CHECKS = (Path(__file__).with_name("page_checks.js")).read_text(encoding="utf-8")


def zh(message: str, **params: Any) -> str:
    """What a user of the default language reads for this English source text."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
    return text % params if params else text


def zh_plural(singular: str, plural: str, count: int, **params: Any) -> str:
    """The same for a message that depends on a number (`counter` in the message)."""
    with translation.override("zh-hans"):
        text = translation.ngettext(singular, plural, count)
    return text % {"counter": count, **params}


class Screenshots:
    """Numbered screenshots of one journey at one viewport: var/screenshots/<journey>/<viewport>-NN-<name>.png."""

    def __init__(self, journey: str, viewport: str) -> None:
        self.folder = SCREENSHOTS / journey
        self.viewport = viewport
        self.count = 0
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob(f"{viewport}-*.png"):
            old.unlink()

    def next_path(self, name: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        return self.folder / f"{self.viewport}-{self.count:02d}-{slug}.png"


class JourneyPage:
    """A browser tab in one journey at one viewport, with the checks every page must pass."""

    def __init__(self, context: BrowserContext, base_url: str, journey: str, viewport: str,
                 shots: Screenshots) -> None:
        self.context = context
        self.page: Page = context.new_page()
        self.base_url = base_url.rstrip("/")
        self.journey = journey
        self.viewport = viewport
        self.problems: list[str] = []
        self.expected_statuses: set[int] = set()
        self.shots = shots
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium logs every 4xx/5xx answer as "Failed to load resource"; a refusal the journey expects is fine.
        if any(f"status of {status} " in message.text for status in self.expected_statuses):
            return
        self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # A link that downloads a file ends its navigation as "aborted"; the download itself is checked.
        if "ERR_ABORTED" in failure and request.is_navigation_request():
            return
        self.problems.append(f"request failed: {request.method} {request.url} ({failure})")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and response.status not in self.expected_statuses:
            self.problems.append(f"{response.status} for {response.request.method} {response.url}")

    @contextmanager
    def expecting_status(self, status: int) -> Iterator[None]:
        """A refusal the journey means to meet (e.g. a volunteer opening a child's file)."""
        self.expected_statuses.add(status)
        try:
            yield
        finally:
            self.expected_statuses.discard(status)

    def url(self, path: str) -> str:
        return self.base_url + path

    def go(self, path: str, screenshot: str | None = None) -> Page:
        self.page.goto(self.url(path))
        self.check(screenshot)
        return self.page

    def check(self, screenshot: str | None = None) -> None:
        """Assert that the page as it is now is usable; save a screenshot under the given name."""
        self.page.wait_for_load_state()
        found = self.page.evaluate(PAGE_CHECKS, MIN_TAP_PX)
        where = f"{self.page.url} at {self.viewport}"
        problems = list(self.problems)
        self.problems.clear()
        if found["scrollWidth"] > found["width"]:
            problems.append(f"the page scrolls sideways ({found['scrollWidth']} px content in {found['width']} px):"
                            f" {found['wide']}")
        problems += [f"too small to tap: {item}" for item in found["small"]]
        problems += [f"no label: {item}" for item in found["unlabelled"]]
        if screenshot:
            self.screenshot(screenshot)
        assert not problems, f"{where}:\n  " + "\n  ".join(problems)

    def screenshot(self, name: str) -> Path:
        path = self.shots.next_path(name)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def fill(self, within: str = "body", **values: str) -> None:
        """Type into the form's fields, found by their names (inside the element `within` selects)."""
        for name, value in values.items():
            self.page.locator(within).locator(f"[name={name}]").fill(value)

    def choose(self, within: str = "body", **labels: str) -> None:
        """Pick the option of each named drop-down whose text is (or contains) the given label."""
        for name, label in labels.items():
            select = self.page.locator(within).locator(f"select[name={name}]")
            value = select.locator("option", has_text=label).first.get_attribute("value")
            select.select_option(value=value)

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    def submit(self, button: str, screenshot: str | None = None, **kwargs: Any) -> Page:
        """Press a form's button by its visible text and wait for the next page."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button, **kwargs).click()
        self.check(screenshot)
        return self.page

    def follow(self, link: str, screenshot: str | None = None, **kwargs: Any) -> Page:
        """Follow a link by its visible text and wait for the next page."""
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=link, **kwargs).first.click()
        self.check(screenshot)
        return self.page
