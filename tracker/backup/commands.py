"""`tracker backup --output FILE` and `tracker restore FILE`.

make_backup and restore_backup take the database URL and the upload directory as arguments; the
two *_command functions read them from the settings, print, and turn a refusal into a message on
stderr and exit code 2.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tracker.backup import databases
from tracker.backup.archive import (
    DATABASE_MEMBER,
    ENGINE_NAMES,
    UPLOADS,
    BackupError,
    manifest_for,
    read_archive,
    upload_members,
    write_archive,
)

EXIT_REFUSED = 2


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("key-project-tracker")
    except PackageNotFoundError:
        return "unknown"


def make_backup(database_url: str, upload_dir: Path, output: Path) -> dict:
    """Write one archive with a consistent copy of the database and the uploads; return its manifest.

    The database is copied first and the uploads after: the app writes an attachment's file
    before its transaction commits, so every file the copy refers to is already on disk (a file
    written later is an orphan in the archive, which is harmless).
    """
    engine = databases.engine_of(database_url)
    output = output.absolute()
    if output.is_dir():
        raise BackupError(f"{output} is a directory: give the archive's file name, such as {output / 'tracker.tar.gz'}")
    if output.parent.resolve().is_relative_to(upload_dir.resolve()):
        raise BackupError(f"write the archive outside the upload directory {upload_dir}")
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    created_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".tracker-backup-") as work:
        copy = Path(work) / "database"
        if engine == "sqlite":
            from tracker.settings import sqlite_path

            migrations = databases.sqlite_copy(Path(sqlite_path(database_url)), copy)
        else:
            _, _, migrations = databases.pg_inspect(database_url)
            databases.pg_dump(database_url, copy)
        members = [(DATABASE_MEMBER[engine], copy), *upload_members(upload_dir)]
        manifest = manifest_for(engine, created_at, app_version(), migrations)
        return write_archive(output, members, manifest)


@dataclass
class Restored:
    manifest: dict
    target: str
    uploads: int = 0
    integrity: str | None = None  # SQLite: PRAGMA integrity_check on the restored file
    counts: dict[str, int] = field(default_factory=dict)


def _upload_targets(staged: dict[str, Path], upload_dir: Path) -> list[tuple[Path, Path]]:
    """(staged file, destination) for every upload; refuses when any destination exists."""
    prefix = f"{UPLOADS}/"
    pairs = [(path, upload_dir / name[len(prefix):]) for name, path in sorted(staged.items()) if name.startswith(prefix)]
    existing = [target for _, target in pairs if target.exists() or target.is_symlink()]
    if existing:
        raise BackupError(f"{len(existing)} of the archive's upload files already exist in {upload_dir} "
                          f"(for example {existing[0].name}); refusing to overwrite them: restore into an empty upload directory")
    return pairs


def _copy_uploads(pairs: list[tuple[Path, Path]]) -> None:
    for done, (source, target) in enumerate(pairs):
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(source, "rb") as src, open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as dst:
                shutil.copyfileobj(src, dst)
        except OSError as error:
            raise BackupError(f"the database was restored, but copying the upload files stopped after {done} of {len(pairs)}: "
                              f"{error}") from error


def restore_backup(database_url: str, upload_dir: Path, archive: Path) -> Restored:
    """Restore the archive into the empty database of `database_url` and the upload directory.

    Nothing is changed until the archive has been read in full and matches its manifest, the
    engines agree, the database is empty and no upload file would be overwritten.
    """
    engine = databases.engine_of(database_url)
    archive = archive.absolute()
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file" if not archive.exists() else f"{archive} is not a file")
    if engine == "sqlite":
        from tracker.settings import sqlite_path

        target = Path(sqlite_path(database_url)).absolute()
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging_parent = target.parent  # the staged file is renamed into place: same file system
    else:
        staging_parent = None
    with tempfile.TemporaryDirectory(dir=staging_parent, prefix=".tracker-restore-") as work:
        manifest, staged = read_archive(archive, Path(work))
        if manifest["engine"] != engine:
            have, want = ENGINE_NAMES[manifest["engine"]], ENGINE_NAMES[engine]
            raise BackupError(f"{archive} holds a {have} database, which cannot be restored into {want} (DATABASE_URL): "
                              f"a {have} archive restores only into {have}")
        problem = databases.sqlite_target_problem(target) if engine == "sqlite" else databases.pg_target_problem(database_url)
        if problem:
            raise BackupError(f"refusing to restore: {problem}")
        uploads = _upload_targets(staged, upload_dir)
        database = staged[DATABASE_MEMBER[engine]]
        if engine == "sqlite":
            integrity = databases.sqlite_restore(database, target)
            result = Restored(manifest, str(target), integrity=integrity, counts=databases.sqlite_restored_counts(target))
        else:
            databases.pg_restore(database_url, database)
            _, counts, _ = databases.pg_inspect(database_url, databases.MAIN_TABLES)
            result = Restored(manifest, f"PostgreSQL database {databases.database_name(database_url)!r}", counts=counts)
        _copy_uploads(uploads)
        result.uploads = len(uploads)
        return result


def _refuse(command: str, error: Exception) -> None:
    print(f"tracker {command}: {error}", file=sys.stderr)
    raise SystemExit(EXIT_REFUSED)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def backup_command(output: str) -> None:
    from tracker.settings import get_settings

    settings = get_settings()
    started = time.monotonic()
    try:
        manifest = make_backup(settings.database_url, settings.upload_dir, Path(output))
    except (BackupError, OSError, sqlite3.Error) as error:
        _refuse("backup", error)
    uploads = sum(1 for f in manifest["files"] if f["name"].startswith(f"{UPLOADS}/"))
    print(f"Wrote {output} ({_size(Path(output).stat().st_size)}): the {ENGINE_NAMES[manifest['engine']]} database "
          f"and {uploads} upload files, in {time.monotonic() - started:.2f} s.")


def restore_command(archive: str) -> None:
    from tracker.settings import get_settings

    settings = get_settings()
    try:
        restored = restore_backup(settings.database_url, settings.upload_dir, Path(archive))
    except (BackupError, OSError, sqlite3.Error) as error:
        _refuse("restore", error)
    manifest = restored.manifest
    migrations = manifest["migrations"]
    print(f"Archive: {ENGINE_NAMES[manifest['engine']]} backup made {manifest['created_at']} by tracker {manifest['app_version']}, "
          f"{len(migrations)} migrations applied (last {migrations[-1] if migrations else 'none'}); checksums verified.")
    print(f"Restored the database into {restored.target} and {restored.uploads} upload files into {settings.upload_dir}.")
    if restored.integrity is not None:
        print(f"PRAGMA integrity_check: {restored.integrity}")
    print("Rows: " + ", ".join(f"{name} {n}" for name, n in restored.counts.items()))
    if restored.integrity not in (None, "ok"):
        print("tracker restore: the restored database fails its integrity check", file=sys.stderr)
        raise SystemExit(1)
    print("Next: run `tracker migrate` to bring the schema up to this version of the tracker.")
