"""Database helpers shared by every area."""

from piccolo.columns.combination import Where
from piccolo.columns.operators.comparison import ComparisonOperator
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


class _LikeEscaped(ComparisonOperator):
    template = "{name} LIKE {value} ESCAPE '\\'"


class _ILikeEscaped(ComparisonOperator):
    template = "{name} ILIKE {value} ESCAPE '\\'"


def like_pattern(text: str) -> str:
    """A substring pattern in which the user's %, _ and \\ are plain characters."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, text: str) -> Where:
    """Case-insensitive substring match of the user's text taken literally: ILIKE on PostgreSQL,
    LIKE (already case-insensitive for ASCII) on SQLite, which has no ILIKE."""
    return Where(column=column, value=like_pattern(text), operator=_LikeEscaped if is_sqlite() else _ILikeEscaped)
