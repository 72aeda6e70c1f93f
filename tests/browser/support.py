"""What the browser tests share: constants, the UI helper and a way to query the database.
Imported by the tests as tests.browser.support; the fixtures are in conftest.py."""

from __future__ import annotations

import secrets
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "tracker-demo"
DESKTOP = 1440
PHONE = 390
HEIGHTS = {DESKTOP: 900, PHONE: 844}


def off_loop(function, *args):
    """Call function(*args) in a thread of its own and return its result. Playwright's sync API
    keeps an event loop marked as running in this thread, so asyncio.run() (the database reset on
    PostgreSQL, tests.helpers.run for a query) must run elsewhere."""
    box: dict = {}

    def target():
        try:
            box["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def query(awaitable):
    """Run a Piccolo query against the test database from a browser test."""
    from tests.helpers import run

    return off_loop(run, awaitable)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base_url: str, log_path: Path):
        self.base_url = base_url
        self.log_path = log_path

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")


# Where the page is wider than the window: the document's scroll width, and the outermost elements
# that stick out (those inside a scrolling or clipping box do not widen the page).
_OVERFLOW_JS = """() => {
  const width = window.innerWidth, doc = document.documentElement;
  if (doc.scrollWidth <= width) return null;
  const clipped = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o !== 'visible') return true; } return false; };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1 || clipped(el)) continue;
    const parent = el.parentElement.getBoundingClientRect();
    if (parent.right > width + 1 && el.parentElement !== document.body) continue;
    culprits.push(describe(el) + ' (right edge ' + Math.round(r.right) + ' px, width ' + Math.round(r.width) + ' px: "' +
                  (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60) + '")');
    if (culprits.length >= 6) break;
  }
  return {scrollWidth: doc.scrollWidth, innerWidth: width, culprits: culprits};
}"""


class UI:
    """What a browser test needs: pages for a role and a window width, logged in through the login
    page, and the checks every page must pass."""

    def __init__(self, browser: Browser, server: Server):
        self.browser = browser
        self.server = server
        self.errors: list[str] = []
        self.contexts = []
        self.log_offset = server.log_size()

    def page(self, username: str | None = None, width: int = DESKTOP, locale: str = "zh-CN") -> Page:
        context = self.browser.new_context(
            base_url=self.server.base_url, viewport={"width": width, "height": HEIGHTS.get(width, 900)},
            locale=locale, timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(10_000)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.errors.append(f"uncaught script error on {error.page.url if error.page else '?'}: {error.error}"))
        self.contexts.append(context)
        page = context.new_page()
        if username:
            self.login(page, username)
        return page

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        # Nothing is excused: a failed resource, a Content-Security-Policy violation, an htmx
        # error and a script error all are what a user would meet.
        where = message.location or {}
        self.errors.append(f"console error on {message.page.url if message.page else '?'}: {message.text}"
                           f" ({where.get('url', '')}:{where.get('lineNumber', '')})")

    def login(self, page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
        # Through the login page, landing on a light page (the test then opens the one it needs).
        page.goto("/login?next=/account/password")
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("main form[action='/login'] button")
        assert "/login" not in page.url, f"{username} could not log in: {page.inner_text('main')[:300]}"

    def problems(self, page: Page) -> list[str]:
        """This page's layout problems and every console error so far (taken, so each is told once)."""
        found = []
        overflow = page.evaluate(_OVERFLOW_JS)
        if overflow:
            found.append(f"horizontal scroll on {page.url} at {overflow['innerWidth']} px: the page is {overflow['scrollWidth']} px wide;"
                         f" sticking out: {'; '.join(overflow['culprits']) or '?'}")
        found += self.errors
        self.errors = []
        return found

    def check(self, page: Page) -> None:
        """No horizontal scroll at this width, no console error so far."""
        found = self.problems(page)
        assert not found, "\n".join(found)

    def visit(self, page: Page, path: str, widths: tuple[int, ...] = (DESKTOP, PHONE)) -> list[str]:
        """Open a page as a user would (a full load) and return what is wrong with it at each
        window width (the window is resized: the layout follows, as on a real screen; the page is
        checked at the width it loaded at first, and the window is left at the last one)."""
        response = page.goto(path)
        found = [] if response and response.ok else [f"{path} answered {response.status if response else 'nothing'}"]
        current = page.viewport_size["width"]
        for width in sorted(widths, key=lambda w: w != current):
            if width != page.viewport_size["width"]:
                page.set_viewport_size({"width": width, "height": HEIGHTS.get(width, 900)})
            found += self.problems(page)
        return found

    def walk(self, page: Page, paths: list[str]) -> list[str]:
        """visit() each page in turn; every problem found on any of them."""
        return [problem for path in paths for problem in self.visit(page, path)]

    @staticmethod
    def mark(page: Page) -> str:
        """Put a marker into the window: it survives in-place updates, not a page load."""
        token = secrets.token_hex(8)
        page.evaluate("token => { window.__testMarker = token; }", token)
        return token

    @staticmethod
    def assert_not_reloaded(page: Page, token: str) -> None:
        assert page.evaluate("() => window.__testMarker") == token, "the page was loaded again instead of updated in place"

    def close(self) -> list[str]:
        for context in self.contexts:
            context.close()
        problems = self.errors
        log = self.server.log_since(self.log_offset)
        if "Traceback" in log or "ERROR" in log:
            problems.append(f"the app server logged an error:\n{log[-4000:]}")
        return problems


