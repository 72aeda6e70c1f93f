"""Reads and writes of visits, shared by the pages, the dashboard, the reminders, the district
figures and the Excel export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from tracker.audit.record import audit
from tracker.db import Conflict, is_sqlite
from tracker.org.tables import Officer
from tracker.projects.tables import Project
from tracker.requests import queries as request_queries
from tracker.settings import get_settings
from tracker.visits import rules
from tracker.visits.tables import Visit, VisitItem, VisitLatest, VisitOfficer
from tracker.workdays import WorkCalendar


def plan() -> dict[str, dict[str, int]]:
    return rules.parse_plan(get_settings().visit_plan)


def _day(value) -> date | None:
    """MAX() over a date column comes back as text on SQLite (the column type is lost)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# The latest visit of each project at all and at each level, from the visits themselves: what
# visit_latest keeps (refresh_latest) and what the tests check it against.
AGGREGATE = (
    "SELECT visit.project AS project, MAX(visit.visited_on) AS any_on, "
    "MAX(CASE WHEN visit_officer.level = 'officer' THEN visit.visited_on END) AS officer_on, "
    "MAX(CASE WHEN visit_officer.level = 'district' THEN visit.visited_on END) AS district_on, "
    "MAX(CASE WHEN visit_officer.level = 'city' THEN visit.visited_on END) AS city_on "
    "FROM visit LEFT JOIN visit_officer ON visit_officer.visit = visit.id{where} GROUP BY visit.project"
)

LATEST = (
    "SELECT project.id AS id, project.name AS name, project.level AS level, project.signed_on AS signed_on, "
    "project.district AS district, project.lead_officer AS lead_officer, department.name AS district_name, "
    "officer.name AS lead_officer_name, visit_latest.any_on AS any_on, visit_latest.officer_on AS officer_on, "
    "visit_latest.district_on AS district_on, visit_latest.city_on AS city_on "
    "FROM project JOIN department ON department.id = project.district JOIN officer ON officer.id = project.lead_officer "
    "LEFT JOIN visit_latest ON visit_latest.project = project.id "
    "WHERE project.status = 'active'{where}{overdue}"
)
# The latest visit at each level, as LATEST names it (the officer level is met by a visit of any level).
SEEN = {"officer": "visit_latest.any_on", "district": "visit_latest.district_on", "city": "visit_latest.city_on"}


async def refresh_latest(project_ids: list[int] | None = None) -> None:
    """Recompute visit_latest from the visits, for some projects or (None) for all; idempotent.
    Call inside the transaction that records the visits."""
    where = ""
    if project_ids is not None:
        if not project_ids:
            return
        where = " WHERE visit.project IN (" + ", ".join(str(int(i)) for i in project_ids) + ")"
    delete = VisitLatest.delete(force=True)
    if project_ids is not None:
        delete = delete.where(VisitLatest.project.is_in([int(i) for i in project_ids]))
    await delete
    await Visit.raw("INSERT INTO visit_latest (project, any_on, officer_on, district_on, city_on) "
                    + AGGREGATE.format(where=where))


def _overdue_where(today: date, the_plan: dict[str, dict[str, int]]) -> tuple[str, list]:
    """SQL keeping only projects past some interval, so the rows read grow with the overdue
    projects, not with all projects. rules.overdue_levels: late when max(seen, signed) + days < today,
    that is when signed_on and the latest visit (if any) are both before today - days."""
    terms, args = [], []
    for project_level, levels in the_plan.items():
        for level, days in levels.items():
            threshold = today - timedelta(days=days)
            seen = SEEN[level]
            terms.append(f"(project.level = {{}} AND project.signed_on < {{}} AND ({seen} IS NULL OR {seen} < {{}}))")
            args += [project_level, threshold, threshold]
    return (" AND (" + " OR ".join(terms) + ")", args) if terms else (" AND 1 = 0", [])


async def latest(district: int | None = None, lead_officer: int | None = None,
                 overdue_on: date | None = None, ids: list[int] | None = None) -> list[dict]:
    """Each active project with its latest visit at each level: one aggregate query, whatever the
    number of projects (with overdue_on, only those past a visit interval on that day)."""
    where, args = "", []
    if district:
        where += " AND project.district = {}"
        args.append(district)
    if lead_officer:
        where += " AND project.lead_officer = {}"
        args.append(lead_officer)
    if ids:
        where += " AND project.id IN (" + ", ".join(str(int(i)) for i in ids) + ")"
    overdue, overdue_args = _overdue_where(overdue_on, plan()) if overdue_on else ("", [])
    rows = await Visit.raw(LATEST.format(where=where, overdue=overdue), *args, *overdue_args)
    for r in rows:
        r["signed_on"] = _day(r["signed_on"])
        r["last"] = {level: day for level in rules.LEVELS if (day := _day(r.pop(f"{level}_on"))) is not None}
        r["last_on"] = _day(r.pop("any_on"))
    return rows


async def overdue(today: date, district: int | None = None, lead_officer: int | None = None) -> list[dict]:
    """Active projects past a visit interval, most overdue first; each row carries its `dues`."""
    the_plan = plan()
    out = []
    for p in await latest(district, lead_officer, overdue_on=today):
        dues = rules.overdue_levels(p["level"], p["signed_on"], p["last"], today, the_plan)
        if dues:
            p["dues"] = dues
            p["days_late"] = dues[0].days_late
            out.append(p)
    return sorted(out, key=lambda r: (-r["days_late"], r["id"]))


def _earliest_due_sql(the_plan: dict[str, dict[str, int]]) -> str:
    """SQL for the earliest date a project's visit plan falls due (the same rule as
    rules.overdue_levels: max(latest visit at the level, signing) + the level's days), over the
    columns of visit_latest. A level the project's plan lacks never falls due. On SQLite the date
    is a Julian day number (julianday() costs half of date(x, '+n days') over 10,000 rows), to be
    compared with _due_key(today)."""
    never = "9e9" if is_sqlite() else "DATE '9999-12-31'"
    dues = []
    for level, seen in SEEN.items():
        cases = " ".join(f"WHEN '{project_level}' THEN {int(levels[level])}"
                         for project_level, levels in the_plan.items() if level in levels)
        if not cases:
            continue
        days = f"(CASE project.level {cases} END)"
        if is_sqlite():
            due = f"(julianday(max(COALESCE({seen}, project.signed_on), project.signed_on)) + {days})"
        else:
            due = f"(GREATEST(COALESCE({seen}, project.signed_on), project.signed_on) + {days})"
        dues.append(f"COALESCE({due}, {never})")
    if not dues:
        return never
    if len(dues) == 1:
        return dues[0]
    return ("min(" if is_sqlite() else "LEAST(") + ", ".join(dues) + ")"


def _due_key(day: date):
    """A day as _earliest_due_sql's values are: a Julian day number on SQLite, a date on PostgreSQL."""
    return day.toordinal() + 1721424.5 if is_sqlite() else day


async def overdue_capped(today: date, limit: int, district: int | None = None) -> tuple[list[dict], int]:
    """The `limit` most overdue projects (as overdue() orders them) and how many are overdue in
    all, without reading every overdue project: the dashboard's card at any number of projects."""
    the_plan = plan()
    # The overdue test in plain comparisons first, so the due date is worked out only for the
    # projects past an interval.
    overdue, overdue_args = _overdue_where(today, the_plan)
    if district:
        overdue, overdue_args = f" AND project.district = {{}}{overdue}", [district, *overdue_args]
    inner = (f"SELECT project.id AS id, {_earliest_due_sql(the_plan)} AS due_on FROM project "
             f"LEFT JOIN visit_latest ON visit_latest.project = project.id WHERE project.status = 'active'{overdue}")
    # One pass: the overdue count rides on each of the first rows (a window over the filtered rows).
    first = await Visit.raw(f"SELECT id, COUNT(*) OVER () AS n FROM ({inner}) AS dues WHERE dues.due_on < {{}} "
                            "ORDER BY dues.due_on, dues.id LIMIT {}", *overdue_args, _due_key(today), limit)
    ids = [r["id"] for r in first]
    if not ids:
        return [], 0
    rows = []
    for p in await latest(ids=ids):
        dues = rules.overdue_levels(p["level"], p["signed_on"], p["last"], today, the_plan)
        if dues:
            p["dues"] = dues
            p["days_late"] = dues[0].days_late
            rows.append(p)
    return sorted(rows, key=lambda r: (-r["days_late"], r["id"])), first[0]["n"]


async def visits_by_district(start: date, end: date, today: date) -> dict[int, dict]:
    """Per district id: visits dated in [start, end] ("done"), active projects past a visit
    interval on `today` ("due"), and active projects ("projects"). Three queries in all, each
    counting in the database."""
    out: dict[int, dict] = {}
    for r in await Project.raw("SELECT district, COUNT(*) AS n FROM project WHERE status = 'active' GROUP BY district"):
        out.setdefault(r["district"], {"done": 0, "due": 0, "projects": 0})["projects"] += r["n"]
    for r in await Visit.raw("SELECT project.district AS district, COUNT(*) AS n FROM visit JOIN project ON project.id = visit.project "
                             "WHERE visit.visited_on >= {} AND visit.visited_on <= {} AND project.status <> 'merged' "
                             "GROUP BY project.district", start, end):
        out.setdefault(r["district"], {"done": 0, "due": 0, "projects": 0})["done"] += r["n"]
    overdue, args = _overdue_where(today, plan())
    for r in await Visit.raw("SELECT project.district AS district, COUNT(*) AS n FROM project "
                             "LEFT JOIN visit_latest ON visit_latest.project = project.id "
                             f"WHERE project.status = 'active'{overdue} GROUP BY project.district", *args):
        out.setdefault(r["district"], {"done": 0, "due": 0, "projects": 0})["due"] += r["n"]
    return out


@dataclass
class ListFilter:
    project: int | None = None
    enterprise: int | None = None
    officer: int | None = None
    district: int | None = None
    mode: str = ""
    start: date | None = None
    end: date | None = None
    overdue: bool = False


COLUMNS = (*Visit.all_columns(), Visit.project.name.as_alias("project_name"), Visit.enterprise.name.as_alias("enterprise_name"),
           Visit.project.district.as_alias("district"), Visit.project.district.name.as_alias("district_name"),
           Visit.recorded_by.display_name.as_alias("recorded_by_name"))


async def _annotate(rows: list[dict]) -> list[dict]:
    ids = [r["id"] for r in rows]
    people: dict[int, list[dict]] = {}
    items: dict[int, list[dict]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for o in await VisitOfficer.select(VisitOfficer.visit, VisitOfficer.officer, VisitOfficer.level,
                                           VisitOfficer.officer.name.as_alias("name")).where(
                VisitOfficer.visit.is_in(chunk)).order_by(VisitOfficer.id):
            people.setdefault(o["visit"], []).append(o)
        for i in await VisitItem.select(*VisitItem.all_columns(), VisitItem.request.status.as_alias("request_status")).where(
                VisitItem.visit.is_in(chunk)).order_by(VisitItem.seq).order_by(VisitItem.id):
            items.setdefault(i["visit"], []).append(i)
    for r in rows:
        r["people"] = people.get(r["id"], [])
        r["items"] = items.get(r["id"], [])
        r["levels"] = sorted({p["level"] for p in r["people"]}, key=rules.LEVELS.index)
    return rows


async def listing(f: ListFilter, limit: int | None = None) -> list[dict]:
    query = Visit.select(*COLUMNS).where(Visit.project.status != "merged").order_by(
        Visit.visited_on, ascending=False).order_by(Visit.id, ascending=False)
    if f.project:
        query = query.where(Visit.project == f.project)
    if f.enterprise:
        query = query.where(Visit.enterprise == f.enterprise)
    if f.district:
        query = query.where(Visit.project.district == f.district)
    if f.mode:
        query = query.where(Visit.mode == f.mode)
    if f.start:
        query = query.where(Visit.visited_on >= f.start)
    if f.end:
        query = query.where(Visit.visited_on <= f.end)
    if f.officer:
        query = query.where(Visit.id.is_in(VisitOfficer.select(VisitOfficer.visit).where(VisitOfficer.officer == f.officer)))
    if limit:
        query = query.limit(limit)
    return await _annotate(await query)


async def get(visit_id: int) -> dict | None:
    row = await Visit.select(*COLUMNS, Visit.project.lead_officer.as_alias("lead_officer"),
                             Visit.project.signed_on.as_alias("signed_on")).where(Visit.id == visit_id).first()
    return (await _annotate([row]))[0] if row else None


async def visitor_choices() -> list[dict]:
    """Active officers with the level a visit by them counts for."""
    rows = await Officer.select(Officer.id, Officer.name, Officer.is_leader, Officer.department.name.as_alias("department_name"),
                                Officer.department.kind.as_alias("department_kind")).where(
        Officer.active == True).order_by(Officer.department.name).order_by(Officer.name)  # noqa: E712
    for r in rows:
        r["level"] = rules.officer_level(r["is_leader"], r["department_kind"])
    return rows


@dataclass
class NewVisit:
    visited_on: date
    mode: str
    officers: list[int]
    summary: str
    follow_up_on: date | None
    items: list[str] = field(default_factory=list)


async def create(project: dict, v: NewVisit, user_id: int) -> int:
    levels = {o["id"]: o["level"] for o in await visitor_choices()}
    row = await Visit.insert(Visit(project=project["id"], enterprise=project["enterprise"], visited_on=v.visited_on, mode=v.mode,
                                   summary=v.summary, follow_up_on=v.follow_up_on, recorded_by=user_id,
                                   recorded_at=datetime.now(UTC))).returning(Visit.id)
    visit_id = row[0]["id"]
    await VisitOfficer.insert(*[VisitOfficer(visit=visit_id, officer=o, level=levels.get(o, "officer")) for o in v.officers])
    if v.items:
        await VisitItem.insert(*[VisitItem(visit=visit_id, seq=n, text=t) for n, t in enumerate(v.items, 1)])
    await refresh_latest([project["id"]])
    await audit(user_id, "visit_create", "visit", visit_id, {
        "visited_on": v.visited_on, "mode": v.mode, "officers": v.officers, "follow_up_on": v.follow_up_on,
        "items": len(v.items)}, project=project["id"])
    return visit_id


async def item_to_request(visit: dict, item: dict, category: str, version: int, user_id: int, today: date,
                          calendar: WorkCalendar) -> int:
    """Raise the item as an enterprise request on the enterprise's behalf (the lead officer is its
    first responder), and link it; the visit's version guards against doing it twice at once."""
    updated = await Visit.update({Visit.version: Visit.version + 1}).where(
        Visit.id == visit["id"], Visit.version == version).returning(Visit.id)
    if not updated:
        raise Conflict()
    project = await request_queries.project_for_raise(visit["project"])
    request_id = await request_queries.raise_request(project, category, item["text"], [], user_id, True, today, calendar)
    await VisitItem.update({VisitItem.request: request_id}).where(VisitItem.id == item["id"])
    await audit(user_id, "visit_item_request", "visit", visit["id"], {"item": item["id"], "request": request_id},
                project=visit["project"])
    return request_id


async def project_section(project: dict, today: date, limit: int = 10) -> dict:
    """The project page's visits: the latest ones and the levels now past their interval."""
    visits = await listing(ListFilter(project=project["id"]), limit=limit)
    last: dict[str, date] = {}
    for r in await Visit.raw(
            "SELECT visit_officer.level AS level, MAX(visit.visited_on) AS last_on FROM visit "
            "JOIN visit_officer ON visit_officer.visit = visit.id WHERE visit.project = {} GROUP BY visit_officer.level",
            project["id"]):
        last[r["level"]] = _day(r["last_on"])
    dues = rules.overdue_levels(project["level"], project["signed_on"], last, today, plan()) if project["status"] == "active" else []
    return {"visits": visits, "visit_dues": dues}
