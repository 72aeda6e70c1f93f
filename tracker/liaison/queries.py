"""Handovers, acceptance and departures: reads and writes shared by pages, the CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from piccolo.query.methods.select import Count

from tracker.audit.record import audit
from tracker.db import Conflict
from tracker.i18n import N_
from tracker.liaison import rules
from tracker.liaison.tables import Assignment, Handover
from tracker.meetings.tables import ActionItem
from tracker.org.queries import officer_choices
from tracker.org.tables import Officer
from tracker.projects.tables import Milestone, Project
from tracker.promises.rules import OPEN_STATUSES
from tracker.promises.tables import Promise
from tracker.requests import queries as request_queries
from tracker.settings import get_settings
from tracker.workdays import WorkCalendar


class Refused(Exception):
    """A handover the rules refuse; args[0] is the message id."""


ROLE_COLUMN = {"lead_officer": Project.lead_officer, "responsible_leader": Project.responsible_leader}


def _now() -> datetime:
    return datetime.now(UTC)


async def open_work_snapshot(project_id: int) -> dict:
    """The project's open work at handover time. Later areas (promises, requests, action items)
    add their own lists here."""
    milestones = await Milestone.select(Milestone.name, Milestone.planned_on).where(
        Milestone.project == project_id, Milestone.actual_on.is_null()
    ).order_by(Milestone.seq)
    promises = await Promise.select(Promise.content, Promise.status, Promise.due_on).where(
        Promise.project == project_id, Promise.status.is_in(list(OPEN_STATUSES))
    ).order_by(Promise.id)
    actions = await ActionItem.select(ActionItem.task, ActionItem.due_on, ActionItem.owner_officer.name.as_alias("owner")).where(
        ActionItem.project == project_id, ActionItem.status == "open"
    ).order_by(ActionItem.due_on)
    return {
        "open_requests": await request_queries.open_for_snapshot(project_id),
        "open_action_items": [{"task": a["task"], "due_on": a["due_on"].isoformat(), "owner": a["owner"]} for a in actions],
        "open_milestones": [{"name": m["name"], "planned_on": m["planned_on"].isoformat()} for m in milestones],
        "open_promises": [
            {"content": p["content"], "status": p["status"], "due_on": p["due_on"].isoformat() if p["due_on"] else None}
            for p in promises
        ],
    }


async def candidate(officer_id: int | None) -> rules.Candidate | None:
    if officer_id is None:
        return None
    row = await Officer.select(Officer.id, Officer.active, Officer.is_leader, Officer.department).where(Officer.id == officer_id).first()
    return rules.Candidate(row["id"], row["active"], row["is_leader"], row["department"]) if row else None


def area_departments(project: dict) -> set[int]:
    """The departments whose people may answer for a project at the district/park level."""
    return {d for d in (project["district"], project["park"]) if d}


async def current_holders(project_ids: list[int]) -> dict[int, dict[str, dict]]:
    """The active holder of each role of each project: {project: {role: {officer, name, ...}}}."""
    rows = await Assignment.select(
        Assignment.project, Assignment.role, Assignment.officer, Assignment.officer.name.as_alias("name"),
        Assignment.officer.title.as_alias("title"), Assignment.officer.phone.as_alias("phone"),
        Assignment.officer.department.name.as_alias("department_name"),
    ).where(Assignment.project.is_in(project_ids or [0]), Assignment.active == True)  # noqa: E712
    out: dict[int, dict[str, dict]] = {}
    for r in rows:
        out.setdefault(r["project"], {})[r["role"]] = r
    return out


async def hand_over(
    project_id: int, role: str, to_officer: int, reason: str, note: str, version: int, user_id: int | None,
    today: date, departure_of: int | None = None,
) -> int | None:
    """Move a project role to a successor; call inside a write transaction. A level nobody holds
    yet (a project from before the three levels) gets its first holder, with no handover.

    The project's version is the lock: a second handover built from the same page finds it
    changed and gets Conflict, so the succession stays one chain.
    """
    project = await Project.select(Project.id, Project.district, Project.park, Project.introducing_unit, Project.version).where(
        Project.id == project_id
    ).first()
    if project is None or role not in rules.PROJECT_ROLES:
        raise Refused(N_("This choice is not valid."))
    if project["version"] != version:
        raise Conflict()
    holder = await Assignment.select(Assignment.officer).where(
        Assignment.project == project_id, Assignment.role == role, Assignment.active == True  # noqa: E712
    ).first()
    current = holder["officer"] if holder else None
    if current is None and role in ROLE_COLUMN:
        raise Refused(N_("This choice is not valid."))  # the lead and the city leader are never vacant
    error = rules.handover_error(role, current, await candidate(to_officer), reason if current else reason or "other",
                                 area_departments(project), project["introducing_unit"])
    if error:
        raise Refused(error)
    values = {Project.version: Project.version + 1, Project.updated_at: _now()}
    if role in ROLE_COLUMN:
        values[ROLE_COLUMN[role]] = to_officer
    updated = await Project.update(values).where(Project.id == project_id, Project.version == version).returning(Project.id)
    if not updated:
        raise Conflict()
    if current is None:
        await Assignment.insert(Assignment(project=project_id, role=role, officer=to_officer, started_on=today, active=True))
        await audit(user_id, "assign", "project", project_id, {"role": role, "to": to_officer})
        return None
    await Assignment.update({Assignment.active: False, Assignment.ended_on: today}).where(
        Assignment.project == project_id, Assignment.role == role, Assignment.active == True  # noqa: E712
    )
    handover_id = (
        await Handover.insert(
            Handover(
                project=project_id, role=role, from_officer=current, to_officer=to_officer, handed_on=today, reason=reason,
                note=note, snapshot=await open_work_snapshot(project_id), created_by=user_id, created_at=_now(),
                departure_of=departure_of,
            )
        ).returning(Handover.id)
    )[0]["id"]
    await Assignment.insert(
        Assignment(project=project_id, role=role, officer=to_officer, started_on=today, active=True, started_by_handover=handover_id)
    )
    if role == "lead_officer":
        await request_queries.move_to_successor(project_id, to_officer)
    await audit(user_id, "handover", "project", project_id, {"role": role, "from": current, "to": to_officer, "reason": reason, "handover": handover_id})
    return handover_id


async def accept(handover_id: int, officer_id: int, user_id: int) -> None:
    """The successor takes custody. Raises Refused when it is not theirs or already accepted."""
    handover = await Handover.select().where(Handover.id == handover_id).first()
    if handover is None or handover["to_officer"] != officer_id:
        raise PermissionError
    updated = await Handover.update({Handover.accepted_at: _now(), Handover.accepted_by: user_id}).where(
        Handover.id == handover_id, Handover.accepted_at.is_null()
    ).returning(Handover.id)
    if not updated:
        raise Refused(N_("This handover has already been accepted."))
    await audit(user_id, "handover_accept", "project", handover["project"], {"handover": handover_id, "role": handover["role"]})


async def first_assignments(project_id: int, holders: dict[str, int | None], started_on: date) -> None:
    """Each role's first holder at signing (roles left None stay vacant until someone is named)."""
    await Assignment.insert(*[
        Assignment(project=project_id, role=role, officer=officer, started_on=started_on)
        for role, officer in holders.items() if officer is not None
    ])


# --- reading --------------------------------------------------------------------------------

HANDOVER_COLUMNS = (
    *Handover.all_columns(),
    Handover.project.name.as_alias("project_name"),
    Handover.from_officer.name.as_alias("from_name"),
    Handover.to_officer.name.as_alias("to_name"),
)


def with_wait(rows: list[dict], today: date, calendar: WorkCalendar) -> list[dict]:
    for r in rows:
        r["waited_workdays"] = calendar.workdays_between(r["handed_on"], today)
    return rows


async def pending(to_officer: int | None = None, project_id: int | None = None) -> list[dict]:
    query = Handover.select(*HANDOVER_COLUMNS).where(Handover.accepted_at.is_null()).order_by(Handover.handed_on)
    if to_officer is not None:
        query = query.where(Handover.to_officer == to_officer)
    if project_id is not None:
        query = query.where(Handover.project == project_id)
    return await query


async def succession(project_id: int) -> list[dict]:
    """Every period of each role on the project, oldest first, with the handover that began it."""
    return await Assignment.select(
        *Assignment.all_columns(),
        Assignment.officer.name.as_alias("officer_name"),
        Assignment.officer.department.name.as_alias("department_name"),
        Assignment.started_by_handover.reason.as_alias("reason"),
        Assignment.started_by_handover.note.as_alias("note"),
        Assignment.started_by_handover.accepted_at.as_alias("accepted_at"),
        Assignment.started_by_handover.snapshot.as_alias("snapshot"),
    ).where(Assignment.project == project_id).order_by(Assignment.role).order_by(Assignment.started_on).order_by(Assignment.id)


async def led_projects(officer_id: int) -> list[dict]:
    """Active assignments of an officer on projects that are not cancelled."""
    return await Assignment.select(
        Assignment.project, Assignment.role, Assignment.started_on,
        Assignment.project.name.as_alias("project_name"), Assignment.project.status.as_alias("status"),
        Assignment.project.colour.as_alias("colour"), Assignment.project.stage.as_alias("stage"),
        Assignment.project.version.as_alias("version"),
    ).where(
        Assignment.officer == officer_id, Assignment.active == True, Assignment.project.status != "cancelled"  # noqa: E712
    ).order_by(Assignment.project.name)


async def workloads() -> dict[int, int]:
    """Projects each officer leads now (lead-officer role, projects not cancelled)."""
    rows = await Assignment.select(Assignment.officer, Count(Assignment.id).as_alias("n")).where(
        Assignment.active == True, Assignment.role == "lead_officer", Assignment.project.status != "cancelled"  # noqa: E712
    ).group_by(Assignment.officer)
    return {r["officer"]: r["n"] for r in rows}


@dataclass
class DepartureItem:
    project_id: int
    role: str
    version: int
    successor: int | None


async def depart(officer_id: int, items: list[DepartureItem], reason: str, note: str, user_id: int, today: date) -> None:
    """Hand every project the officer leads or answers for to its successor, then deactivate the
    officer, all in the caller's transaction. Raises Refused or Conflict and changes nothing then."""
    held = {(a["project"], a["role"]) for a in await led_projects(officer_id)}
    given = {(i.project_id, i.role) for i in items}
    if held != given:
        raise Conflict()
    # Several roles of one project: hand over in turn, each bumping the project's version.
    versions: dict[int, int] = {}
    for item in items:
        version = versions.get(item.project_id, item.version)
        await hand_over(item.project_id, item.role, item.successor, reason, note, version, user_id, today, departure_of=officer_id)
        versions[item.project_id] = version + 1
    # Cancelled projects need no successor: their assignment simply ends.
    await Assignment.update({Assignment.active: False, Assignment.ended_on: today}).where(
        Assignment.officer == officer_id, Assignment.active == True  # noqa: E712
    )
    await Officer.update({Officer.active: False}).where(Officer.id == officer_id)
    await audit(user_id, "officer_depart", "officer", officer_id, {"handovers": len(items), "reason": reason})


async def deactivate(officer_id: int, user_id: int, today: date) -> list[dict]:
    """Deactivate an officer who leads nothing; otherwise return what they still lead."""
    still = await led_projects(officer_id)
    if still:
        return still
    await Assignment.update({Assignment.active: False, Assignment.ended_on: today}).where(
        Assignment.officer == officer_id, Assignment.active == True  # noqa: E712
    )
    await Officer.update({Officer.active: False}).where(Officer.id == officer_id)
    await audit(user_id, "officer_deactivate", "officer", officer_id, {})
    return []


async def officers_with_workload() -> list[dict]:
    """Active officers with the number of projects each leads, for pickers and the officer list."""
    loads = await workloads()
    rows = await officer_choices()
    for r in rows:
        r["workload"] = loads.get(r["id"], 0)
        r["over"] = rules.over_workload(r["workload"], get_settings().workload_limit)
    return rows
