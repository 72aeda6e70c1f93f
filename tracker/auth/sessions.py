"""Server-side sessions and login attempts.

The signed cookie carries a random key; its session row decides on every request whether it is
still valid. Ending a session is a database write, so it takes effect at once on every app server.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from tracker.auth import rules
from tracker.auth.tables import LoginAttempt, User, UserSession

SESSION_HOURS = 12


def _now() -> datetime:
    return datetime.now(UTC)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def start(user_id: int, client: str, user_agent: str) -> str:
    """A new session for the user; returns the key the cookie carries."""
    key = secrets.token_urlsafe(32)
    now = _now()
    await UserSession.insert(UserSession(
        key_hash=_hash(key), user=user_id, created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS),
        client=client[:64], user_agent=user_agent[:200],
    ))
    return key


# Every request asks this, so it is written as SQL: building the same join through the ORM cost
# about 1.7 ms of CPU per request, against 0.3 ms for running it (issue 16).
SESSION_USER = (
    "SELECT u.id AS id, u.username AS username, u.role AS role, u.display_name AS display_name, "
    "u.officer AS officer, u.enterprise AS enterprise, u.must_change_password AS must_change_password "
    f"FROM {UserSession._meta.tablename} s JOIN {User._meta.tablename} u ON u.id = s.\"user\" "
    "WHERE s.key_hash = {} AND s.ended_at IS NULL AND s.expires_at > {} AND u.active = {}"
)


async def user_of(key: str | None) -> dict | None:
    """The user of a live session (not ended, not expired, the user active), in one query."""
    if not key or not isinstance(key, str):
        return None
    rows = await UserSession.raw(SESSION_USER, _hash(key), _now(), True)
    if not rows:
        return None
    row = rows[0]
    # SQLite hands booleans back as integers.
    row["must_change_password"] = bool(row["must_change_password"])
    return row


async def end(key: str | None, reason: str) -> int | None:
    """End one session (logout); returns its user id."""
    if not key:
        return None
    rows = await UserSession.update({UserSession.ended_at: _now(), UserSession.ended_reason: reason}).where(
        UserSession.key_hash == _hash(key), UserSession.ended_at.is_null()
    ).returning(UserSession.user)
    return rows[0]["user"] if rows else None


async def end_all(user_id: int, reason: str, keep: str | None = None) -> int:
    """End every live session of a user (but `keep`, the caller's own); returns how many."""
    query = UserSession.update({UserSession.ended_at: _now(), UserSession.ended_reason: reason}).where(
        UserSession.user == user_id, UserSession.ended_at.is_null()
    )
    if keep:
        query = query.where(UserSession.key_hash != _hash(keep))
    return len(await query.returning(UserSession.id))


async def live_sessions(user_id: int) -> list[dict]:
    return await UserSession.select(UserSession.id, UserSession.created_at, UserSession.client, UserSession.user_agent).where(
        UserSession.user == user_id, UserSession.ended_at.is_null(), UserSession.expires_at > _now()
    ).order_by(UserSession.created_at, ascending=False)


# --- login attempts ------------------------------------------------------------------------


async def record_attempt(username: str, outcome: str, client: str) -> None:
    await LoginAttempt.insert(LoginAttempt(username=username[:50], at=_now(), outcome=outcome, client=client[:64]))


async def locked_for(username: str, max_failures: int, lock_minutes: int) -> int:
    """Minutes the username is still locked for (0 when not), judged from its attempts alone, so
    an unknown name locks exactly like an existing one."""
    now = _now()
    recent = await LoginAttempt.select(LoginAttempt.at, LoginAttempt.outcome).where(
        LoginAttempt.username == username, LoginAttempt.at > now - timedelta(minutes=lock_minutes)
    ).order_by(LoginAttempt.at, ascending=False).limit(max_failures * 4)
    until = rules.locked_until([(r["at"], r["outcome"]) for r in recent], max_failures, timedelta(minutes=lock_minutes))
    if until is None or until <= now:
        return 0
    return int((until - now).total_seconds() // 60) + 1


async def user_for_login(username: str) -> dict | None:
    if not username:
        return None
    return await User.select(User.id, User.username, User.password_hash, User.role, User.active, User.must_change_password).where(
        User.username == username
    ).first()
