"""The backup archive: one gzip-compressed tar file.

Members, in this order:

    database/tracker.sqlite   (SQLite) or database/tracker.pgdump (PostgreSQL, pg_dump custom format)
    uploads/<path>            every file of the upload directory
    manifest.json             engine, created_at (UTC), app version, applied migrations, and
                              the name, size and sha256 of every other member

The manifest comes last so each member is hashed while it is written, in one read. A restore
reads the whole archive into a staging directory, then checks it against the manifest before it
changes anything.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
import zlib
from pathlib import Path

FORMAT = "tracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_MEMBER = {"sqlite": "database/tracker.sqlite", "postgresql": "database/tracker.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
_MANIFEST_MAX_BYTES = 50 * 1024 * 1024
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A refusal or failure with a message for the person at the terminal (no traceback)."""


class _HashingReader:
    """Reads a file for tarfile and hashes what it hands over."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def upload_members(upload_dir: Path) -> list[tuple[str, Path]]:
    """(member name, path) of every regular file under the upload directory, sorted; symbolic
    links are skipped. A missing directory has no files."""
    if not upload_dir.is_dir():
        return []
    members = []
    for path in sorted(upload_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            members.append((f"{UPLOADS}/{path.relative_to(upload_dir).as_posix()}", path))
    return members


def manifest_for(engine: str, created_at: str, app_version: str, migrations: list[str]) -> dict:
    """The manifest without its file list (write_archive adds it)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "engine": engine,
        "created_at": created_at,
        "app_version": app_version,
        "migrations": migrations,
    }


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    """Add one file and return its manifest entry. The size is taken once from the open file, so
    a file still growing is stored as it was when opened (and hashed as stored)."""
    with open(path, "rb") as file:
        info = tarfile.TarInfo(name)
        stat = os.fstat(file.fileno())
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
        reader = _HashingReader(file)
        try:
            tar.addfile(info, reader)
        except OSError as error:
            raise BackupError(f"{path} changed while it was being copied ({error}); run the backup again") from error
    return {"name": name, "size": info.size, "sha256": reader.sha256.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), mtime, 0o600
    tar.addfile(info, io.BytesIO(data))


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_archive(output: Path, members: list[tuple[str, Path]], manifest: dict) -> dict:
    """Write the members and then the manifest (completed with their checksums) into `output`.

    The archive is written to a temporary file beside `output` (readable by the owner only),
    synced and renamed over `output` at the end, so a failed backup never leaves a half file.
    Returns the manifest as written.
    """
    fd, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
                files = [_add_file(tar, name, path) for name, path in members]
                manifest = {**manifest, "files": files}
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
                _add_bytes(tar, MANIFEST, data, int(time.time()))
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, output)
        fsync_directory(output.parent)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return manifest


def safe_member_name(name: str) -> bool:
    """A relative path without '..', backslashes or empty parts: one that cannot leave the
    directory it is restored into."""
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and "\\" not in name and all(part not in ("", ".", "..") for part in parts)


def read_archive(archive: Path, staging: Path) -> tuple[dict, dict[str, Path]]:
    """Unpack `archive` into `staging` (one flat file per member) and check it against its manifest.

    Returns (manifest, {member name: staged path}). Raises BackupError when the file is not a
    backup archive, a member is missing, extra or corrupted, or the manifest is not one we know.
    """
    if not archive.exists():
        raise BackupError(f"{archive}: no such file")
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file")
    staged: dict[str, Path] = {}
    digests: dict[str, tuple[int, str]] = {}
    manifest_bytes = None
    try:
        with gzip.open(archive, "rb") as raw, tarfile.open(fileobj=raw, mode="r|") as tar:
            for index, member in enumerate(tar):
                name = member.name
                if not member.isfile() or not safe_member_name(name):
                    raise BackupError(f"{archive} is not a tracker backup: unexpected member {name!r}")
                if name in staged or (name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"{archive} is not a tracker backup: member {name!r} appears twice")
                source = tar.extractfile(member)
                if name == MANIFEST:
                    if member.size > _MANIFEST_MAX_BYTES:
                        raise BackupError(f"{archive} is not a tracker backup: the manifest is too large")
                    manifest_bytes = source.read()
                    continue
                target = staging / f"member-{index}"
                digest = hashlib.sha256()
                size = 0
                with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                staged[name] = target
                digests[name] = (size, digest.hexdigest())
            # A damaged header can look like the end of the tar; reading the gzip stream to its end
            # checks its CRC, so damage anywhere is caught here.
            while raw.read(_CHUNK):
                pass
    except BackupError:
        raise
    except (tarfile.TarError, gzip.BadGzipFile, zlib.error, EOFError) as error:
        raise BackupError(f"{archive} is not a readable backup archive (a .tar.gz made by `tracker backup`): {error}") from error
    if manifest_bytes is None:
        raise BackupError(f"{archive} is damaged or not a tracker backup: it has no {MANIFEST}")
    manifest = parse_manifest(manifest_bytes, archive)
    check_members(manifest, digests, archive)
    return manifest, staged


def parse_manifest(data: bytes, archive: Path) -> dict:
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive}: the manifest is not valid JSON ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} is not a tracker backup (its manifest has no format {FORMAT!r})")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{archive} has backup format version {manifest.get('format_version')!r}; this tracker reads version {FORMAT_VERSION}")
    if manifest.get("engine") not in DATABASE_MEMBER:
        raise BackupError(f"{archive}: unknown database engine {manifest.get('engine')!r} in the manifest")
    files = manifest.get("files")
    if not isinstance(files, list) or not all(isinstance(f, dict) and {"name", "size", "sha256"} <= f.keys() for f in files):
        raise BackupError(f"{archive}: the manifest's file list is malformed")
    return manifest


def check_members(manifest: dict, digests: dict[str, tuple[int, str]], archive: Path) -> None:
    """Every member listed with the same size and sha256, none missing, none extra."""
    listed = {f["name"]: (f["size"], f["sha256"]) for f in manifest["files"]}
    database = DATABASE_MEMBER[manifest["engine"]]
    if database not in listed:
        raise BackupError(f"{archive}: the manifest lists no database ({database})")
    for name in listed:
        if name != database and not name.startswith(f"{UPLOADS}/"):
            raise BackupError(f"{archive} is not a tracker backup: unexpected member {name!r}")
    for name in listed.keys() - digests.keys():
        raise BackupError(f"{archive} is incomplete: {name} is listed in the manifest but missing")
    for name in digests.keys() - listed.keys():
        raise BackupError(f"{archive}: {name} is not listed in the manifest")
    for name, expected in sorted(listed.items()):
        if digests[name] != tuple(expected):
            raise BackupError(f"{archive} is corrupted: {name} does not match its checksum in the manifest")
