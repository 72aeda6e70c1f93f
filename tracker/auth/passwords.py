"""Password hashing (argon2id)."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash with the same parameters as real ones, for usernames that do not exist: checking
    against it costs the same time, so the answer's timing does not tell who has an account."""
    return _hasher.hash("no account has this password")


async def check_password(password_hash: str | None, password: str) -> bool:
    """Verify in a worker thread (argon2 takes a noticeable time and must not stall the event
    loop); without a hash, verify against the dummy and answer False."""
    ok = await asyncio.to_thread(verify_password, password_hash or _dummy_hash(), password)
    return ok and password_hash is not None
