"""The engine-specific half of backup and restore.

SQLite: the online backup API copies a consistent snapshot while the app reads and writes; a
plain file copy during writes can lose acknowledged writes or tear a page. PostgreSQL: pg_dump
(custom format, one consistent snapshot) and pg_restore in a single transaction.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from tracker.backup.archive import BackupError, fsync_directory

# How long the copy waits for SQLite's lock before giving up, in seconds (the app waits as long).
BUSY_TIMEOUT = 30
# Tables whose row counts a restore prints (those that exist).
MAIN_TABLES = ("project", "enterprise", "officer", "promise", "meeting", "enterprise_request", "audit_event", "tracker_user")
PG_LIB = Path("/usr/lib/postgresql")


def engine_of(database_url: str) -> str:
    from tracker.settings import sqlite_path

    if sqlite_path(database_url) is not None:
        return "sqlite"
    if database_url.startswith(("postgresql://", "postgres://")):
        return "postgresql"
    raise BackupError("DATABASE_URL must start with sqlite:/// or postgresql://")


# SQLite ------------------------------------------------------------------------------------------


def integrity_check(conn: sqlite3.Connection) -> str:
    """'ok', or SQLite's list of problems joined by '; '."""
    return "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in rows]


def sqlite_migrations(conn: sqlite3.Connection) -> list[str]:
    """The ids of the migrations applied, in the order they ran (Piccolo's `migration` table)."""
    if "migration" not in sqlite_tables(conn):
        return []
    return [row[0] for row in conn.execute("SELECT name FROM migration ORDER BY id")]


def sqlite_counts(conn: sqlite3.Connection, tables: tuple[str, ...] | None = None) -> dict[str, int]:
    present = sqlite_tables(conn)
    names = [t for t in (tables or present) if t in present]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def sqlite_copy(source: Path, target: Path) -> list[str]:
    """Copy the live database at `source` into the new file `target`; return the applied migrations.

    One backup step copies every page while holding one read transaction, so the copy is one
    consistent snapshot: in WAL mode (what `tracker migrate` sets) writers go on meanwhile; in
    rollback-journal mode they wait for it (the app's busy timeout is 30 s). Copying in several
    steps would let writers in between, and SQLite restarts the copy after each such write, so
    under steady writes it might never finish. The copy is checked before it is archived.
    """
    if not source.is_file():
        raise BackupError(f"the SQLite database {source} does not exist (check DATABASE_URL)")
    try:
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst, pages=-1, sleep=0.05)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
                result = integrity_check(dst)
                if result != "ok":
                    raise BackupError(f"the copy of {source} fails its integrity check: {result}")
                return sqlite_migrations(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as error:
        raise BackupError(f"could not copy the SQLite database {source}: {error}") from error


def sqlite_target_problem(path: Path) -> str | None:
    """Why the SQLite file at `path` cannot receive a restore, or None when it is absent or empty
    (no tables)."""
    for suffix in ("-wal", "-journal"):
        leftover = Path(f"{path}{suffix}")
        if leftover.exists() and leftover.stat().st_size > 0:
            return f"{leftover} exists beside the target database; move it away (and the database with it) before restoring"
    if not path.exists():
        return None
    if not path.is_file():
        return f"{path} is not a file"
    if path.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT)
        try:
            tables = sqlite_tables(conn)
            projects = conn.execute("SELECT count(*) FROM project").fetchone()[0] if "project" in tables else None
        finally:
            conn.close()
    except sqlite3.Error as error:
        return f"{path} exists and is not an empty SQLite database ({error})"
    if not tables:
        return None
    rows = f", {projects} rows in project" if projects is not None else ""
    return (f"the database {path} is not empty ({len(tables)} tables{rows}): restore only into an empty database. "
            "Point DATABASE_URL at a new file, or move this one away first")


def sqlite_restore(staged: Path, target: Path) -> str:
    """Put the staged database file (on the target's file system) in place; return the result of
    PRAGMA integrity_check on the restored file."""
    try:
        conn = sqlite3.connect(staged)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # as `tracker migrate` sets it
        finally:
            conn.close()
        os.chmod(staged, 0o600)
        os.replace(staged, target)
        fsync_directory(target.parent)
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT)
        try:
            return integrity_check(conn)
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise BackupError(f"could not restore the SQLite database into {target}: {error}") from error


def sqlite_restored_counts(target: Path) -> dict[str, int]:
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT)
    try:
        return sqlite_counts(conn, MAIN_TABLES)
    finally:
        conn.close()


# PostgreSQL --------------------------------------------------------------------------------------


def _version_key(directory_name: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in directory_name.split("."))
    except ValueError:
        return (0,)


def find_pg_tool(name: str, lib: Path = PG_LIB) -> str:
    """pg_dump or pg_restore: the newest under /usr/lib/postgresql/<version>/bin (a client at
    least as new as the server is needed), else the one on PATH."""
    candidates = sorted(lib.glob(f"*/bin/{name}"), key=lambda p: _version_key(p.parent.parent.name), reverse=True)
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return str(candidate)
    if found := shutil.which(name):
        return found
    raise BackupError(f"{name} was found neither on PATH nor under {lib}/*/bin: install the PostgreSQL client programs "
                      "(Debian: apt-get install postgresql-client)")


def pg_connection(database_url: str) -> tuple[str, dict[str, str]]:
    """(the URL without its password, an environment carrying it as PGPASSWORD): the password
    stays out of the process list. The tools never prompt for one."""
    parts = urlsplit(database_url)
    env = {**os.environ}
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        userinfo, hostport = parts.netloc.rsplit("@", 1)
        parts = parts._replace(netloc=f"{userinfo.split(':', 1)[0]}@{hostport}")
    return urlunsplit(parts), env


def database_name(database_url: str) -> str:
    return unquote(urlsplit(database_url).path.lstrip("/"))


def _run_tool(args: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True)
    except OSError as error:
        raise BackupError(f"could not run {args[0]}: {error}") from error
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed (exit code {done.returncode}): {done.stderr.strip()}")


def pg_dump(database_url: str, target: Path) -> None:
    """One consistent snapshot of the database (pg_dump runs in one repeatable-read transaction)."""
    dsn, env = pg_connection(database_url)
    _run_tool([find_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}", f"--dbname={dsn}"], env)


def pg_restore(database_url: str, dump: Path) -> None:
    """Restore into the (empty) database in one transaction: it restores everything or nothing."""
    dsn, env = pg_connection(database_url)
    _run_tool([find_pg_tool("pg_restore"), "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
               "--no-password", f"--dbname={dsn}", str(dump)], env)


async def _pg_inspect(database_url: str, count: tuple[str, ...] | None) -> tuple[list[str], dict[str, int], list[str]]:
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema, table_name")
        schema = await conn.fetchval("SELECT current_schema()")
        tables = [r["table_name"] if r["table_schema"] == schema else f'{r["table_schema"]}.{r["table_name"]}' for r in rows]
        names = [t for t in (tables if count is None else count) if t in tables]
        counts = {name: await conn.fetchval(f'SELECT count(*) FROM "{name}"') for name in names}
        migrations = [r["name"] for r in await conn.fetch("SELECT name FROM migration ORDER BY id")] if "migration" in tables else []
        return tables, counts, migrations
    finally:
        await conn.close()


def pg_inspect(database_url: str, count: tuple[str, ...] | None = ()) -> tuple[list[str], dict[str, int], list[str]]:
    """(tables, row counts of the `count` tables (all when None), applied migrations)."""
    import asyncpg

    try:
        return asyncio.run(_pg_inspect(database_url, count))
    except asyncpg.InvalidCatalogNameError as error:
        name = database_name(database_url)
        raise BackupError(f"the PostgreSQL database {name!r} does not exist: create it empty first (createdb {name})") from error
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise BackupError(f"could not reach the PostgreSQL database {database_name(database_url)!r}: {error}") from error


def pg_target_problem(database_url: str) -> str | None:
    """Why the PostgreSQL database cannot receive a restore, or None when it has no tables."""
    tables, counts, _ = pg_inspect(database_url, ("project",))
    if not tables:
        return None
    rows = f", {counts['project']} rows in project" if "project" in counts else ""
    name = database_name(database_url)
    return (f"the PostgreSQL database {name!r} is not empty ({len(tables)} tables{rows}): restore only into an empty database. "
            f"Create a new one (createdb) and point DATABASE_URL at it")
