"""Test set-up: a real app and a real database, fresh for every test.

Settings are read once on import, so the environment is set here before anything from tracker is
imported. The engine follows DATABASE_URL: SQLite (default) or PostgreSQL (CI runs both). The
schema is migrated and the demo loaded once into a template; each test gets a copy of it.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

TODAY = "2026-11-27"  # the demo data's anchor: colours and due dates are deterministic
_TMP = Path(tempfile.mkdtemp(prefix="tracker-tests-"))
_BASE_URL = os.environ.get("DATABASE_URL", "")
IS_POSTGRES = _BASE_URL.startswith(("postgresql://", "postgres://"))
if IS_POSTGRES:
    _PG_ADMIN_URL = re.sub(r"/[^/]*$", "/postgres", _BASE_URL)
    _PG_TEST_DB = "tracker_test"
    _PG_TEMPLATE_DB = "tracker_test_template"
    os.environ["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{_PG_TEST_DB}", _BASE_URL)
else:
    _SQLITE_TEST = _TMP / "test.sqlite"
    _SQLITE_TEMPLATE = _TMP / "template.sqlite"
    os.environ["DATABASE_URL"] = f"sqlite:///{_SQLITE_TEST}"
os.environ["TRACKER_TODAY"] = TODAY
os.environ["SECRET_KEY"] = "ab" * 32
os.environ["PICCOLO_CONF"] = "piccolo_conf"

from litestar.testing import TestClient  # noqa: E402

from tracker.app import create_app  # noqa: E402

DEMO_PASSWORD = "tracker-demo"


def run(coro):
    """Run a coroutine against the test database from a synchronous test."""
    return asyncio.run(coro)


async def _pg_admin(*statements: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_PG_ADMIN_URL)
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


async def _build_template() -> None:
    from tracker.cli import _migrate, load_demo_fixture

    await _migrate()
    await load_demo_fixture()


@pytest.fixture(scope="session")
def _template():
    if IS_POSTGRES:
        run(_pg_admin(
            f"DROP DATABASE IF EXISTS {_PG_TEST_DB} WITH (FORCE)",
            f"DROP DATABASE IF EXISTS {_PG_TEMPLATE_DB} WITH (FORCE)",
            f"CREATE DATABASE {_PG_TEST_DB}",
        ))
        run(_build_template())
        run(_pg_admin(f"ALTER DATABASE {_PG_TEST_DB} RENAME TO {_PG_TEMPLATE_DB}"))
    else:
        run(_build_template())
        import sqlite3

        conn = sqlite3.connect(_SQLITE_TEST)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
        shutil.copy(_SQLITE_TEST, _SQLITE_TEMPLATE)
    yield
    if not IS_POSTGRES:
        shutil.rmtree(_TMP, ignore_errors=True)


@pytest.fixture
def db(_template):
    """A fresh copy of the migrated, demo-loaded database."""
    if IS_POSTGRES:
        run(_pg_admin(
            f"DROP DATABASE IF EXISTS {_PG_TEST_DB} WITH (FORCE)",
            f"CREATE DATABASE {_PG_TEST_DB} TEMPLATE {_PG_TEMPLATE_DB}",
        ))
    else:
        for suffix in ("-wal", "-shm"):
            Path(f"{_SQLITE_TEST}{suffix}").unlink(missing_ok=True)
        shutil.copy(_SQLITE_TEMPLATE, _SQLITE_TEST)
    yield


class Client(TestClient):
    """The Litestar test client with the chores of a browser: CSRF token and login."""

    def csrf(self) -> str:
        if not self.cookies.get("csrftoken"):
            self.get("/login")
        return self.cookies.get("csrftoken")

    def login(self, username: str, password: str = DEMO_PASSWORD):
        response = self.post("/login", data={"username": username, "password": password, "_csrf_token": self.csrf()}, follow_redirects=False)
        assert response.status_code in (302, 303), response.text
        return response

    def submit(self, url: str, data: dict | None = None, htmx: bool = False, **kwargs):
        """POST a form with the CSRF token, as the page's form (or htmx) would."""
        headers = kwargs.pop("headers", {})
        if htmx:
            headers = {"HX-Request": "true", "x-csrftoken": self.csrf(), **headers}
            return self.post(url, data=data or {}, headers=headers, **kwargs)
        return self.post(url, data={**(data or {}), "_csrf_token": self.csrf()}, headers=headers, follow_redirects=False, **kwargs)


@pytest.fixture
def app(db):
    return create_app()


@pytest.fixture
def client(app):
    with Client(app=app) as c:
        yield c


@pytest.fixture
def as_role(app):
    """as_role("officer") -> a logged-in client; several may be open in one test."""
    clients = []

    def make(username: str) -> Client:
        c = Client(app=app)
        c.__enter__()
        clients.append(c)
        c.login(username)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)
