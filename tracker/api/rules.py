"""The API's rules, without I/O: tokens and their scopes, cursors, entity tags, the rate window and
the problem documents (RFC 9457)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime

from tracker.i18n import N_

# The read areas a token can open.
SCOPES = ("projects", "promises", "requests", "meetings", "figures")
SCOPE_LABELS = {
    "projects": N_("Projects, milestones and assignments"),
    "promises": N_("Promises and their fulfilments"),
    "requests": N_("Enterprise requests (without attachments)"),
    "meetings": N_("Meeting decisions and action items"),
    "figures": N_("Dashboard and credibility figures"),
}
TOKEN_PREFIX = "kpt_"
NAME_MAX = 80
LIST_LIMIT_DEFAULT = 100
LIST_LIMIT_MAX = 500


def new_token() -> str:
    """A token with 256 random bits: hashing it once (no salt, no stretching) is enough to store it."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer …` header, else None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or len(value) > 200:
        return None
    return value


def parse_scopes(values: list[str] | str) -> list[str]:
    """Known scopes in the canonical order; unknown words are dropped."""
    if isinstance(values, str):
        values = values.split(",")
    chosen = {v.strip() for v in values}
    return [s for s in SCOPES if s in chosen]


def name_problem(name: str) -> str | None:
    """Why a token name is refused (an English message id), or None."""
    if not name.strip():
        return N_("Give the token a name.")
    if len(name) > NAME_MAX:
        return N_("A token name has at most 80 characters.")
    return None


def token_state(revoked_at: datetime | None, expires_on: date | None, today: date) -> str:
    """active | expired | revoked."""
    if revoked_at is not None:
        return "revoked"
    if expires_on is not None and expires_on < today:
        return "expired"
    return "active"


def encode_cursor(last_id: int) -> str:
    """An opaque cursor: the list is ordered by id, and the next page starts after this one."""
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """The id a cursor stands for, or None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    kind, _, value = text.partition(":")
    if kind != "id" or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if number < 2**31 else None


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison, a list of tags, or '*'."""
    if not if_none_match:
        return False
    candidates = [t.strip() for t in if_none_match.split(",")]
    return "*" in candidates or any(t.removeprefix("W/") == tag for t in candidates)


class SlidingWindow:
    """At most `limit` events per `seconds` per key, kept in this process's memory (each app server
    counts on its own: with N servers behind a balancer a token may get up to N times the limit)."""

    def __init__(self, limit: int, seconds: float = 60.0, clock=time.monotonic):
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self.events: dict[str, deque[float]] = {}

    def hit(self, key: str) -> float:
        """Count one event; 0 when allowed, else the seconds until the next one would be."""
        if self.limit <= 0:
            return 0.0
        now = self.clock()
        window = self.events.setdefault(key, deque())
        while window and window[0] <= now - self.seconds:
            window.popleft()
        if len(window) >= self.limit:
            return max(0.001, window[0] + self.seconds - now)
        window.append(now)
        if len(self.events) > 10_000:  # forget idle tokens
            for k in [k for k, w in self.events.items() if not w or w[-1] <= now - self.seconds]:
                del self.events[k]
        return 0.0


# Problem documents: a type per kind of refusal, titled in English and Chinese (api.po).
PROBLEM_TITLES = {
    400: ("bad-request", N_("The request is not valid.")),
    401: ("unauthorized", N_("A valid API token is required.")),
    403: ("forbidden", N_("This token may not read this.")),
    404: ("not-found", N_("Not found, or not visible to this token.")),
    405: ("method-not-allowed", N_("The API is read-only.")),
    429: ("rate-limited", N_("Too many requests for this token.")),
    500: ("server-error", N_("Something went wrong on our side.")),
}


@dataclass(frozen=True)
class ProblemKind:
    type: str
    title: str  # English message id


def problem_kind(status: int) -> ProblemKind:
    slug, title = PROBLEM_TITLES.get(status) or PROBLEM_TITLES[500 if status >= 500 else 400]
    return ProblemKind(f"/api/v1/problems/{slug}", title)
