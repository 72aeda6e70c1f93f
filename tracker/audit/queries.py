"""Reading the audit trail: filtered, newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from piccolo.query.methods.select import Count

from tracker.audit.tables import AuditEvent
from tracker.settings import TIMEZONE

PAGE_SIZE = 100


@dataclass
class AuditFilter:
    user: int | None = None
    entity: str = ""
    project: int | None = None
    since: date | None = None
    until: date | None = None
    page: int = 1

    def as_query(self, **override) -> dict[str, str]:
        values = {**self.__dict__, **override}
        return {k: str(v) for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}


def _start_of(day: date) -> datetime:
    """Midnight in Asia/Shanghai: the bureau's days, whatever the server's time zone."""
    return datetime.combine(day, time.min, tzinfo=TIMEZONE)


def _where(f: AuditFilter) -> list:
    clauses = []
    if f.user is not None:
        clauses.append(AuditEvent.user == f.user)
    if f.entity:
        clauses.append(AuditEvent.entity == f.entity)
    if f.project is not None:
        clauses.append(AuditEvent.project == f.project)
    if f.since:
        clauses.append(AuditEvent.at >= _start_of(f.since))
    if f.until:
        clauses.append(AuditEvent.at < _start_of(f.until + timedelta(days=1)))
    return clauses


async def events(f: AuditFilter) -> tuple[list[dict], int]:
    """One page of matching events (newest first) and the number of all matching events."""
    clauses = _where(f)
    total = await AuditEvent.count().where(*clauses) if clauses else await AuditEvent.count()
    query = AuditEvent.select(*AuditEvent.all_columns(), AuditEvent.user.display_name.as_alias("user_name"),
                              AuditEvent.user.username.as_alias("username")).order_by(AuditEvent.id, ascending=False)
    if clauses:
        query = query.where(*clauses)
    rows = await query.limit(PAGE_SIZE).offset((max(f.page, 1) - 1) * PAGE_SIZE)
    return rows, total


async def entity_kinds() -> list[str]:
    rows = await AuditEvent.select(AuditEvent.entity, Count(AuditEvent.id).as_alias("n")).group_by(AuditEvent.entity)
    return sorted(r["entity"] for r in rows)
