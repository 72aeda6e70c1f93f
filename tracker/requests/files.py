"""Attachments: the type is read from the content, never from the name or the browser's claim.

Files are kept under the upload directory (outside the web root) by a random name, so a posted
name cannot reach the file system; the original name is only shown and offered on download.
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
from pathlib import Path
from urllib.parse import quote

import filetype
from PIL import Image

from tracker.i18n import N_

ALLOWED = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


def sniff(content: bytes) -> str | None:
    """The MIME type of an allowed file, judged by its bytes; None for anything else."""
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in ALLOWED:
        return None
    if kind.mime.startswith("image/"):
        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
        except Exception:
            return None
    return kind.mime


def check(content: bytes, max_bytes: int) -> tuple[str | None, str | None]:
    """(mime, None) for an acceptable file, (None, message id) otherwise."""
    if not content:
        return None, N_("The file is empty.")
    if len(content) > max_bytes:
        return None, N_("A file is larger than the size limit.")
    mime = sniff(content)
    if mime is None:
        return None, N_("Only PDF files and images (PNG, JPEG, WebP) can be attached.")
    return mime, None


def display_name(posted: str | None, mime: str) -> str:
    """A harmless display name: no directories, no control characters, the right extension."""
    name = re.split(r"[\\/]", posted or "")[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C").strip(" .")
    extension = ALLOWED[mime]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:100] or "attachment"
    return f"{stem}.{extension}"


def new_stored_name() -> str:
    return secrets.token_hex(16)


def path_for(directory: Path, stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise ValueError("bad stored name")
    return directory / stored_name


def content_disposition(filename: str) -> str:
    """Always a download (never rendered inline), with an ASCII fallback and the UTF-8 name."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
