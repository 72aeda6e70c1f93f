"""Reads and writes of utility connections, shared by the pages, the project colour, the portal,
the briefings and the Excel export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tracker.audit.record import audit
from tracker.db import Conflict
from tracker.org.tables import Department
from tracker.projects.rules import Signal
from tracker.settings import get_settings
from tracker.utilities import rules
from tracker.utilities.tables import Connection
from tracker.workdays import WorkCalendar

COLUMNS = (
    *Connection.all_columns(),
    Connection.provider.name.as_alias("provider_name"),
    Connection.project.name.as_alias("project_name"),
    Connection.project.status.as_alias("project_status"),
    Connection.project.enterprise.as_alias("enterprise"),
    Connection.project.lead_officer.as_alias("lead_officer"),
    Connection.project.district.as_alias("district"),
    Connection.project.district.name.as_alias("district_name"),
)


def targets() -> tuple[int, int]:
    s = get_settings()
    return s.utility_target_workdays, s.utility_stretch_workdays


def annotate(rows: list[dict], today: date, calendar: WorkCalendar) -> list[dict]:
    target, stretch = targets()
    for r in rows:
        r["clock"] = rules.clock(r["applied_on"], r["connected_on"], today, calendar, target, stretch)
    return rows


def late_first(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (r["clock"].done, -r["clock"].elapsed, r["id"]))


@dataclass
class ListFilter:
    utility: str = ""
    provider: int | None = None
    district: int | None = None
    project: int | None = None
    enterprise: int | None = None
    state: str = ""  # open | done | late


async def listing(f: ListFilter, today: date, calendar: WorkCalendar) -> list[dict]:
    query = Connection.select(*COLUMNS).where(Connection.project.status != "merged")
    if f.utility:
        query = query.where(Connection.utility == f.utility)
    if f.provider:
        query = query.where(Connection.provider == f.provider)
    if f.district:
        query = query.where(Connection.project.district == f.district)
    if f.project:
        query = query.where(Connection.project == f.project)
    if f.enterprise:
        query = query.where(Connection.project.enterprise == f.enterprise)
    rows = annotate(await query, today, calendar)
    if f.state == "open":
        rows = [r for r in rows if not r["clock"].done]
    elif f.state == "done":
        rows = [r for r in rows if r["clock"].done]
    elif f.state == "late":
        rows = [r for r in rows if r["clock"].band == "late"]
    return late_first(rows)


async def project_connections(project_id: int, today: date, calendar: WorkCalendar) -> list[dict]:
    rows = await Connection.select(*COLUMNS).where(Connection.project == project_id).order_by(Connection.id)
    return annotate(rows, today, calendar)


async def get(connection_id: int, today: date, calendar: WorkCalendar) -> dict | None:
    row = await Connection.select(*COLUMNS).where(Connection.id == connection_id).first()
    return annotate([row], today, calendar)[0] if row else None


async def providers() -> list[dict]:
    return await Department.select(Department.id, Department.name).where(
        Department.kind == "utility", Department.active == True).order_by(Department.name)  # noqa: E712


async def signals_by_project(project_ids: list[int] | None, today: date, calendar: WorkCalendar,
                             names: dict[str, str] | None = None) -> dict[int, list[Signal]]:
    """Open connections of active projects past the target: red signals."""
    target, stretch = targets()
    query = Connection.select(Connection.project, Connection.utility, Connection.applied_on, Connection.connected_on).where(
        Connection.connected_on.is_null(), Connection.project.status == "active")
    if project_ids is not None:
        if not project_ids:
            return {}
        query = query.where(Connection.project.is_in(project_ids))
    out: dict[int, list[Signal]] = {}
    for r in await query:
        c = rules.clock(r["applied_on"], None, today, calendar, target, stretch)
        signal = rules.connection_signal((names or UTILITY_NAMES_ZH).get(r["utility"], r["utility"]), c, target)
        if signal:
            out.setdefault(r["project"], []).append(signal)
    return out


# The subject of a signal is stored text (colour-change reasons, briefings): the Chinese name.
UTILITY_NAMES_ZH = {"water": "供水", "electricity": "供电", "gas": "燃气", "heat": "供热", "network": "通信网络"}


@dataclass
class Fields:
    utility: str
    provider: int
    applied_on: date
    surveyed_on: date | None
    connected_on: date | None
    note: str


async def create(project_id: int, fields: Fields, user_id: int) -> int:
    values = dict(fields.__dict__)
    row = await Connection.insert(Connection(project=project_id, created_by=user_id, created_at=datetime.now(UTC),
                                             **values)).returning(Connection.id)
    connection_id = row[0]["id"]
    await audit(user_id, "create", "utility_connection", connection_id, values, project=project_id)
    return connection_id


async def update(connection: dict, fields: Fields, version: int, user_id: int) -> None:
    values = dict(fields.__dict__)
    updated = await Connection.update({**{getattr(Connection, k): v for k, v in values.items()},
                                       Connection.version: Connection.version + 1}).where(
        Connection.id == connection["id"], Connection.version == version).returning(Connection.id)
    if not updated:
        raise Conflict()
    await audit(user_id, "update", "utility_connection", connection["id"],
                {k: {"from": connection.get(k), "to": v} for k, v in values.items() if connection.get(k) != v},
                project=connection["project"])


async def exists_for(project_id: int, utility: str, exclude: int | None = None) -> bool:
    query = Connection.exists().where(Connection.project == project_id, Connection.utility == utility)
    if exclude:
        query = query.where(Connection.id != exclude)
    return await query
