"""Real-browser tests: the real app served over HTTP by uvicorn, driven by Debian's Chromium
through Playwright.

Per test process (one per xdist worker): one app server on a free port, in a subprocess with the
test settings tests/conftest.py put into the environment (this worker's database, TRACKER_TODAY,
SECRET_KEY, TRACKER_DB_POOL_SIZE=0 so the server holds no database connection between requests),
and one browser. Per test: the database is reset to the demo template (the server survives that
on both engines: it opens a connection per query, and on PostgreSQL DROP DATABASE ... WITH (FORCE)
would end any it held), and each page gets a fresh browser context (cookies, storage); a console
error, an uncaught script error or a server traceback fails the test. Other tests may run in the
same worker between browser tests: Playwright's event loop is put aside meanwhile (see below).

Playwright's own browser download cannot work here, so it drives the system binary; without it
the whole folder is skipped and says why.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
import warnings

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, ROOT, UI, Server, free_port, off_loop

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # make test installs it with the test extras
    sync_playwright = None

if not os.access(CHROMIUM, os.X_OK):
    SKIP_REASON = "browser tests skipped: no Chromium at /usr/bin/chromium (install Debian's chromium)"
elif sync_playwright is None:
    SKIP_REASON = "browser tests skipped: Playwright for Python is not installed (pip install -e '.[test]')"
    collect_ignore_glob = ["test_*.py"]  # they import it
else:
    SKIP_REASON = ""
if SKIP_REASON:
    warnings.warn(SKIP_REASON, pytest.PytestWarning, stacklevel=1)


@pytest.fixture(scope="session", autouse=True)
def _chromium_present():
    """Skips every browser test, with the reason, before a server or a database is made."""
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)


@pytest.fixture(scope="session")
def server(_template, tmp_path_factory):
    """The real app over HTTP: uvicorn in a subprocess on a free port (each xdist worker its own),
    with this process's test environment. Warnings and errors go to a log the tests read."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "uvicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "tracker.app:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=log, stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"the app server stopped at start-up:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/static/js/app.js", timeout=2):
                break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the app server did not answer within 60 s:\n{log_path.read_text()}")
            time.sleep(0.1)
    yield Server(base_url, log_path)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# Playwright's sync API leaves its event loop marked as running in this thread after every call,
# so asyncio.run() (the other tests' database helpers, in this same xdist worker) would refuse to
# run. Between browser tests the mark is put aside, and put back before Playwright is used again.
_playwright_loop: list = []


def _pause_playwright() -> None:
    loop = asyncio._get_running_loop()
    if loop is not None:
        _playwright_loop[:] = [loop]
    asyncio._set_running_loop(None)


def _resume_playwright() -> None:
    if _playwright_loop:
        asyncio._set_running_loop(_playwright_loop[0])


@pytest.fixture(scope="session")
def browser(server):
    """One Chromium per test process. It depends on the server, so the database template is built
    before Playwright's event loop exists and dropped after it is gone."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _pause_playwright()
        yield chromium
        _resume_playwright()
        chromium.close()


@pytest.fixture
def ui(browser, server, fresh_database):
    """A fresh copy of the demo database and the UI helper (pages per role and width, checks).
    Console errors and server tracebacks not yet reported by a check fail the test at its end."""
    off_loop(fresh_database)
    _resume_playwright()
    helper = UI(browser, server)
    try:
        yield helper
        problems = helper.close()
    finally:
        _pause_playwright()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
