"""`tracker backup` and `tracker restore` through the real command, on the engine of DATABASE_URL.

The backup runs in this process (`tracker.cli.main`) against the test database; a restore runs
as a `tracker` subprocess with DATABASE_URL and TRACKER_UPLOAD_DIR pointing at a new, empty
database and upload directory.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.helpers import is_postgres, run
from tracker.backup.archive import DATABASE_MEMBER
from tracker.cli import main
from tracker.settings import ROOT, get_settings, sqlite_path

TRACKER = Path(sys.executable).parent / "tracker"


# Plain SQL on either engine ----------------------------------------------------------------------


def query(url: str, sql: str, *args) -> list[tuple]:
    """Rows of one statement; placeholders are written `?` and become $1… on PostgreSQL."""
    if (path := sqlite_path(url)) is not None:
        conn = sqlite3.connect(path, timeout=30)
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    async def fetch():
        import asyncpg

        conn = await asyncpg.connect(url)
        try:
            pieces = sql.split("?")
            numbered = pieces[0] + "".join(f"${i}{piece}" for i, piece in enumerate(pieces[1:], 1))
            return [tuple(r) for r in await conn.fetch(numbered, *args)]
        finally:
            await conn.close()

    return run(fetch())


def tables(url: str) -> list[str]:
    if sqlite_path(url) is not None:
        return [r[0] for r in query(url, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return [r[0] for r in query(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]


def table_counts(url: str) -> dict[str, int]:
    return {name: query(url, f'SELECT count(*) FROM "{name}"')[0][0] for name in sorted(tables(url))}


def admin_url() -> str:
    return re.sub(r"/[^/]*$", "/postgres", os.environ["DATABASE_URL"])


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url())
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def new_database(tmp_path):
    """The URL of a new, empty database: an SQLite path that does not exist yet, or a PostgreSQL
    database created for this test and dropped after it."""
    suffix = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    if not is_postgres():
        yield f"sqlite:///{tmp_path / f'restored-{suffix}.sqlite'}"
        return
    name = f"tracker_test_restore_{suffix}"
    run(_admin(f"CREATE DATABASE {name}"))
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", os.environ["DATABASE_URL"])
    finally:
        run(_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def restore(archive: Path, database_url: str, upload_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "TRACKER_UPLOAD_DIR": str(upload_dir)}
    return subprocess.run([str(TRACKER), "restore", str(archive)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def backup(output: Path) -> None:
    main(["backup", "--output", str(output)])


def is_empty(database_url: str) -> bool:
    if (path := sqlite_path(database_url)) is not None and not Path(path).exists():
        return True
    return not tables(database_url)


# A writer that commits one row at a time ----------------------------------------------------------

NOTE = "backup-test writer"


class Writer(threading.Thread):
    """Inserts calendar days, one transaction each, and records the id of every committed row."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.acknowledged, self.errors, self.stop = url, [], [], threading.Event()

    def day(self) -> date:
        return date(2300, 1, 1) + timedelta(days=len(self.acknowledged))

    def run(self) -> None:
        try:
            if (path := sqlite_path(self.url)) is not None:
                self.write_sqlite(path)
            else:
                asyncio.run(self.write_postgres())
        except Exception as error:  # reported by the test
            self.errors.append(error)

    def write_sqlite(self, path: str) -> None:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            while not self.stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                cursor = conn.execute("INSERT INTO calendar_day (day, is_workday, note) VALUES (?, 0, ?)", (self.day().isoformat(), NOTE))
                conn.execute("COMMIT")
                self.acknowledged.append(cursor.lastrowid)
        finally:
            conn.close()

    async def write_postgres(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.url)
        try:
            while not self.stop.is_set():
                row_id = await conn.fetchval(
                    "INSERT INTO calendar_day (day, is_workday, note) VALUES ($1, false, $2) RETURNING id", self.day(), NOTE)
                self.acknowledged.append(row_id)
        finally:
            await conn.close()

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count and not self.errors:
            assert time.monotonic() < deadline, f"the writer committed only {len(self.acknowledged)} rows"
            time.sleep(0.005)


# Tests -------------------------------------------------------------------------------------------


def test_a_backup_taken_during_writes_restores_every_write_acknowledged_before_it(db, tmp_path, new_database):
    source = os.environ["DATABASE_URL"]
    if sqlite_path(source) is not None:
        query(source, "PRAGMA journal_mode=WAL")  # as `tracker migrate` leaves a production database
    counts_at_start = table_counts(source)
    archive = tmp_path / "during-writes.tar.gz"
    writer = Writer(source)
    writer.start()
    try:
        writer.wait_for(20)
        acknowledged_before = list(writer.acknowledged)
        started = time.monotonic()
        backup(archive)
        seconds = time.monotonic() - started
        during = len(writer.acknowledged) - len(acknowledged_before)
        writer.wait_for(len(writer.acknowledged) + 10)
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert not writer.errors, writer.errors
    assert during > 0, "the writer was not writing while the backup ran"
    print(f"\nbackup {seconds:.2f} s, {archive.stat().st_size} bytes; writes acknowledged before it: "
          f"{len(acknowledged_before)}, during it: {during}, after it: {len(writer.acknowledged) - len(acknowledged_before) - during}")

    done = restore(archive, new_database, tmp_path / "restored-uploads")
    assert done.returncode == 0, done.stderr

    restored_ids = {r[0] for r in query(new_database, "SELECT id FROM calendar_day WHERE note = ?", NOTE)}
    assert set(acknowledged_before) <= restored_ids
    assert restored_ids <= set(writer.acknowledged)
    if sqlite_path(new_database) is not None:
        assert "PRAGMA integrity_check: ok" in done.stdout
        assert query(new_database, "PRAGMA integrity_check") == [("ok",)]
    # Every other table holds exactly what the source held; the written table what the copy saw.
    restored, finished = table_counts(new_database), table_counts(source)
    assert restored.keys() == finished.keys()
    for name, count in finished.items():
        if name == "calendar_day":
            assert restored[name] == counts_at_start[name] + len(restored_ids)
        else:
            assert restored[name] == count, name


def test_restore_into_a_database_with_data_is_refused_and_changes_nothing(db, tmp_path, capsys):
    source = os.environ["DATABASE_URL"]
    archive = tmp_path / "full.tar.gz"
    backup(archive)
    capsys.readouterr()
    counts = table_counts(source)
    path = sqlite_path(source)
    before = hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else None

    with pytest.raises(SystemExit) as exit_:
        main(["restore", str(archive)])

    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "rows in project" in err and "Traceback" not in err
    assert table_counts(source) == counts
    if path:
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == before


def _repack(archive: Path, output: Path, change) -> None:
    """Rewrite an archive; change(members: dict[name, bytes], manifest: dict) edits it in place."""
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members.pop("manifest.json"))
    change(members, manifest)
    with tarfile.open(output, "w:gz") as tar:
        for name, data in [*members.items(), ("manifest.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_a_damaged_missing_or_foreign_archive_is_refused_and_changes_nothing(db, tmp_path, new_database):
    archive = tmp_path / "good.tar.gz"
    backup(archive)
    data = archive.read_bytes()

    flipped = tmp_path / "flipped.tar.gz"
    flipped.write_bytes(data[: len(data) // 2] + bytes(b ^ 0xFF for b in data[len(data) // 2: len(data) // 2 + 16]) + data[len(data) // 2 + 16:])
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    not_an_archive = tmp_path / "notes.tar.gz"
    not_an_archive.write_text("not a backup\n")
    tampered = tmp_path / "tampered.tar.gz"

    def damage_database(members, manifest):
        name = next(n for n in members if n.startswith("database/"))
        members[name] = members[name][:-100] + b"\0" * 100

    _repack(archive, tampered, damage_database)
    foreign = tmp_path / "foreign.tar.gz"

    def other_engine(members, manifest):
        engine = manifest["engine"]
        other = "sqlite" if engine == "postgresql" else "postgresql"
        old, new = DATABASE_MEMBER[engine], DATABASE_MEMBER[other]
        members[new] = members.pop(old)
        manifest["engine"] = other
        for entry in manifest["files"]:
            entry["name"] = new if entry["name"] == old else entry["name"]

    _repack(archive, foreign, other_engine)
    uploads = tmp_path / "restored-uploads"
    expected = {
        flipped: "not a readable backup archive",
        truncated: "not a readable backup archive",
        not_an_archive: "not a readable backup archive",
        tampered: "does not match its checksum",
        foreign: "cannot be restored into",
        tmp_path / "missing.tar.gz": "no such file",
    }
    for bad, message in expected.items():
        done = restore(bad, new_database, uploads)
        assert done.returncode == 2, (bad.name, done.stdout, done.stderr)
        assert message in done.stderr and "Traceback" not in done.stderr, (bad.name, done.stderr)
        assert is_empty(new_database), bad.name
        assert not uploads.exists() or not any(uploads.iterdir()), bad.name


def test_uploads_round_trip_and_are_never_overwritten(db, tmp_path, new_database):
    upload_dir = get_settings().upload_dir
    name = f"backup-{uuid.uuid4().hex}"
    files = {f"{name}.pdf": b"%PDF-1.4 backup test\n", f"{name}/nested.png": os.urandom(3000)}
    for relative, content in files.items():
        (upload_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (upload_dir / relative).write_bytes(content)
    archive = tmp_path / "with-uploads.tar.gz"
    backup(archive)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left behind

    # An upload directory that already holds one of the files: refused before anything changes.
    occupied = tmp_path / "occupied-uploads"
    (occupied / f"{name}.pdf").parent.mkdir(parents=True)
    (occupied / f"{name}.pdf").write_bytes(b"keep me")
    done = restore(archive, new_database, occupied)
    assert done.returncode == 2 and "refusing to overwrite" in done.stderr, done.stderr
    assert (occupied / f"{name}.pdf").read_bytes() == b"keep me"
    assert is_empty(new_database)

    restored_uploads = tmp_path / "restored-uploads"
    done = restore(archive, new_database, restored_uploads)
    assert done.returncode == 0, done.stderr
    for relative, content in files.items():
        assert (restored_uploads / relative).read_bytes() == content
        assert (restored_uploads / relative).stat().st_mode & 0o777 == 0o600
    # The restored database takes `tracker migrate` (the next step of the restore procedure).
    env = {**os.environ, "DATABASE_URL": new_database}
    migrated = subprocess.run([str(TRACKER), "migrate"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert query(new_database, "SELECT count(*) FROM project") == query(os.environ["DATABASE_URL"], "SELECT count(*) FROM project")
