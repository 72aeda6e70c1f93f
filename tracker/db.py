"""Database helpers shared by every area."""

from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from tracker.i18n import N_


def engine():
    return engine_finder()


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def write_transaction():
    """A transaction for writes. On SQLite it takes the write lock up front (IMMEDIATE), so two
    writers queue instead of failing with "database is locked" half-way."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


class Conflict(Exception):
    """Someone else changed the object since the form was loaded (optimistic lock)."""


CONFLICT_MESSAGE = N_(
    "Someone else changed this since you opened the page. The current values are shown; please check and try again."
)


def contains(column, text: str):
    """Case-insensitive substring match: ILIKE on PostgreSQL, LIKE (already case-insensitive
    for ASCII) on SQLite, which has no ILIKE."""
    pattern = f"%{text}%"
    return column.like(pattern) if is_sqlite() else column.ilike(pattern)
