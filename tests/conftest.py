"""Test set-up: a real app and a real database, fresh for every test.

Settings are read once on import, so the environment is set here before anything from tracker is
imported. The engine follows DATABASE_URL: SQLite (default) or PostgreSQL (CI runs both). The
schema is migrated and the demo loaded once into a template; each test gets a copy of it.
"""

from __future__ import annotations

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
    # One pair of databases per test process: xdist workers and parallel runs never share one.
    _SUFFIX = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    _PG_TEST_DB = f"tracker_test_{_SUFFIX}"
    _PG_TEMPLATE_DB = f"tracker_test_template_{_SUFFIX}"
    os.environ["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{_PG_TEST_DB}", _BASE_URL)
else:
    _SQLITE_TEST = _TMP / "test.sqlite"
    _SQLITE_TEMPLATE = _TMP / "template.sqlite"
    os.environ["DATABASE_URL"] = f"sqlite:///{_SQLITE_TEST}"
os.environ["TRACKER_TODAY"] = TODAY
os.environ["TRACKER_UPLOAD_DIR"] = str(_TMP / "uploads")
os.environ["TRACKER_DB_POOL_SIZE"] = "0"
os.environ["SECRET_KEY"] = "ab" * 32
os.environ["PICCOLO_CONF"] = "piccolo_conf"

from tests.helpers import Client, run  # noqa: E402
from tracker.app import create_app  # noqa: E402


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
    if IS_POSTGRES:
        run(_pg_admin(f"DROP DATABASE IF EXISTS {_PG_TEST_DB} WITH (FORCE)", f"DROP DATABASE IF EXISTS {_PG_TEMPLATE_DB} WITH (FORCE)"))
    shutil.rmtree(_TMP, ignore_errors=True)


def reset_database() -> None:
    """Replace the test database with a fresh copy of the template."""
    if IS_POSTGRES:
        run(_pg_admin(
            f"DROP DATABASE IF EXISTS {_PG_TEST_DB} WITH (FORCE)",
            f"CREATE DATABASE {_PG_TEST_DB} TEMPLATE {_PG_TEMPLATE_DB}",
        ))
    else:
        for suffix in ("-wal", "-shm"):
            Path(f"{_SQLITE_TEST}{suffix}").unlink(missing_ok=True)
        shutil.copy(_SQLITE_TEMPLATE, _SQLITE_TEST)


@pytest.fixture
def db(_template):
    """A fresh copy of the migrated, demo-loaded database."""
    reset_database()
    yield


@pytest.fixture
def fresh_database(_template):
    """For tests that need several fresh databases (hypothesis examples): call it to reset."""
    return reset_database


@pytest.fixture
def app(db):
    return create_app()


@pytest.fixture
def client(app):
    with Client(app=app) as c:
        yield c


@pytest.fixture
def as_role(db):
    """as_role("officer") -> a logged-in client; several may be open in one test."""
    clients = []

    def make(username: str) -> Client:
        # One app per client: Litestar's test client runs the app's lifespan in its own thread.
        c = Client(app=create_app())
        c.__enter__()
        clients.append(c)
        c.login(username)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)
