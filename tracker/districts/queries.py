"""District and park figures from aggregate SQL (GROUP BY the project's district or park), one
statement per kind of figure, so the page costs the same at 44 projects as at 10,000. The page, its
workbook and the weekly briefing all call rows()."""

from __future__ import annotations

from datetime import date

from tracker.districts import rules
from tracker.investment import queries as investment_queries
from tracker.investment import rules as investment_rules
from tracker.org.tables import Department
from tracker.projects.tables import Project
from tracker.visits.queries import visits_by_district

_COUNTED = ", ".join(f"'{s}'" for s in investment_queries.COUNTED_STATUSES)
KEY_COLUMNS = {"district": "district", "park": "park"}  # the project's column per kind (never user text)

PROJECTS_SQL = """
SELECT p.{key} AS k, p.status, p.stage, p.colour, COUNT(*) AS n, SUM(p.total_investment) AS signed
FROM project p WHERE p.status IN ({counted}) AND p.{key} IS NOT NULL
GROUP BY p.{key}, p.status, p.stage, p.colour
"""

MILESTONES_SQL = """
SELECT p.{key} AS k, COUNT(*) AS n
FROM milestone m JOIN project p ON p.id = m.project
WHERE p.status = 'active' AND p.{key} IS NOT NULL AND m.actual_on IS NULL AND m.not_applicable = {{}} AND m.planned_on < {{}}
GROUP BY p.{key}
"""

# A promise counted as tracker.promises.rules.credibility does: made (withdrawn ones left out), on
# time, late, overdue, unfulfillable. {{today}} is the statement's parameter.
_CREDIBILITY_COLUMNS = """
       SUM(CASE WHEN pr.status <> 'withdrawn' THEN 1 ELSE 0 END) AS made,
       SUM(CASE WHEN pr.status IN ('fulfilled', 'partial') AND (pr.due_on IS NULL OR pr.settled_on <= pr.due_on) THEN 1 ELSE 0 END) AS on_time,
       SUM(CASE WHEN pr.status IN ('fulfilled', 'partial') AND pr.due_on IS NOT NULL AND (pr.settled_on IS NULL OR pr.settled_on > pr.due_on)
                THEN 1 ELSE 0 END) AS late,
       SUM(CASE WHEN pr.status IN ('pending', 'in_progress') AND pr.due_on < {} THEN 1 ELSE 0 END) AS overdue_judged,
       SUM(CASE WHEN pr.status = 'unfulfillable' THEN 1 ELSE 0 END) AS unfulfillable"""

# Promises made to the unit's projects, whichever department answers for them, and those overdue
# today (the register's rule: open, and past the due date or the remedy plan's date).
PROMISES_SQL = """
SELECT p.{key} AS k,""" + _CREDIBILITY_COLUMNS.replace("{}", "{{}}") + """,
       SUM(CASE WHEN pr.status IN ('pending', 'in_progress', 'partial', 'unfulfillable')
                 AND COALESCE(CASE WHEN pr.status = 'unfulfillable' THEN pr.remedy_due_on END, pr.due_on) < {{}}
                THEN 1 ELSE 0 END) AS overdue
FROM promise pr JOIN project p ON p.id = pr.project
WHERE p.status <> 'merged' AND p.{key} IS NOT NULL
GROUP BY p.{key}
"""

# The promises the district government (or the park's committee) itself answers for: 区县政务诚信.
CREDIBILITY_SQL = """
SELECT pr.department AS k,""" + _CREDIBILITY_COLUMNS + """
FROM promise pr JOIN department d ON d.id = pr.department
WHERE d.kind IN ('district', 'park')
GROUP BY pr.department
"""

REQUESTS_SQL = """
SELECT p.{key} AS k, COUNT(*) AS total,
       SUM(CASE WHEN r.status = 'closed' THEN 1 ELSE 0 END) AS closed,
       SUM(CASE WHEN r.status = 'closed' AND r.solved = {{}} THEN 1 ELSE 0 END) AS resolved,
       COUNT(r.satisfaction) AS rated, COALESCE(SUM(r.satisfaction), 0) AS satisfaction
FROM enterprise_request r JOIN project p ON p.id = r.project
WHERE p.status <> 'merged' AND p.{key} IS NOT NULL
GROUP BY p.{key}
"""


def _sql(template: str, kind: str) -> str:
    return template.format(key=KEY_COLUMNS[kind], counted=_COUNTED)


async def units(kind: str) -> list[dict]:
    """The districts/counties, or the parks with their district, active ones by name."""
    return await Department.select(Department.id, Department.name, Department.kind, Department.parent,
                                   Department.parent.name.as_alias("parent_name")).where(
        Department.kind == kind, Department.active == True).order_by(Department.id)  # noqa: E712


async def rows(kind: str, year: int, today: date, visits: bool = True, project_years: list[dict] | None = None) -> list[rules.Row]:
    """One row per district (kind="district") or park (kind="park"). project_years: the year's
    investment_queries.project_years when the caller has read them already (same year and day)."""
    out = {u["id"]: rules.Row(u["id"], u["name"], kind=kind, parent_name=u["parent_name"] or "",
                            parent_id=u["parent"]) for u in await units(kind)}

    def row(k) -> rules.Row | None:
        return out.get(k)

    for r in await Project.raw(_sql(PROJECTS_SQL, kind)):
        if (x := row(r["k"])) is None:
            continue
        x.projects += r["n"]
        x.by_stage[r["stage"]] = x.by_stage.get(r["stage"], 0) + r["n"]
        if r["status"] == "active" and r["colour"] in rules.COLOURS:
            x.by_colour[r["colour"]] += r["n"]
        x.signed += investment_rules.money(r["signed"])
    if project_years is None:
        project_years = await investment_queries.project_years(year, today)
    for p in project_years:
        if (x := row(p[KEY_COLUMNS[kind]])) is None:
            continue
        x.plan += p["plan"] or 0
        x.completed += p["completed"]
        x.behind += p["figures"].behind and p["status"] == "active"
    for r in await Project.raw(_sql(MILESTONES_SQL, kind), False, today):
        if (x := row(r["k"])) is not None:
            x.overdue_milestones = r["n"]
    for r in await Project.raw(_sql(PROMISES_SQL, kind), today, today):
        if (x := row(r["k"])) is not None:
            x.promises, x.promises_overdue = int(r["made"] or 0), int(r["overdue"] or 0)
            x.promises_record = _record(r)
    for r in await Project.raw(CREDIBILITY_SQL, today):
        if (x := row(r["k"])) is not None:
            x.credibility = _record(r)
    for r in await Project.raw(_sql(REQUESTS_SQL, kind), True):
        if (x := row(r["k"])) is not None:
            x.requests, x.requests_closed, x.requests_resolved = r["total"], int(r["closed"] or 0), int(r["resolved"] or 0)
            x.requests_rated, x.satisfaction_sum = r["rated"], int(r["satisfaction"] or 0)
    if visits and kind == "district":
        await _add_visits(out, year, today)
    return list(out.values())


def _record(r: dict) -> rules.Record:
    return rules.Record(int(r["made"] or 0), int(r["on_time"] or 0), int(r["late"] or 0), int(r["overdue_judged"] or 0),
                        int(r["unfulfillable"] or 0))


async def _add_visits(out: dict[int, rules.Row], year: int, today: date) -> None:
    """Visits recorded in the year (up to today), and active projects past their visit interval today
    (tracker.visits)."""
    end = min(today, date(year, 12, 31))
    for district, v in (await visits_by_district(date(year, 1, 1), end, today)).items():
        if (x := out.get(district)) is not None:
            x.visits_done, x.visits_due = v.get("done", 0), v.get("due", 0)


async def district(district_id: int) -> dict | None:
    return await Department.select(Department.id, Department.name, Department.kind).where(
        Department.id == district_id, Department.kind.is_in(list(rules.KINDS))).first()


ATTENTION_SHOWN = 100


async def attention(kind: str, unit_id: int) -> list[dict]:
    """The unit's red and amber active projects, red first: what a leader asks about first (the
    first ATTENTION_SHOWN, and one more to tell that the list goes on)."""
    column = Project.district if kind == "district" else Project.park
    return await Project.select(Project.id, Project.name, Project.colour, Project.stage, Project.total_investment,
                                Project.lead_officer.name.as_alias("lead_name")).where(
        column == unit_id, Project.status == "active", Project.colour.is_in(["red", "amber"])).order_by(
        Project.colour, ascending=False).order_by(Project.name).limit(ATTENTION_SHOWN + 1)
