"""Meetings, their agenda and minutes, and action items: reads and writes shared by pages."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime

from piccolo.query.methods.select import Count

from tracker.approvals import queries as approval_queries
from tracker.audit.record import audit
from tracker.calendar.queries import load_calendar
from tracker.db import Conflict
from tracker.meetings import rules
from tracker.meetings.tables import ActionItem, Addendum, AgendaItem, Attendee, Meeting
from tracker.projects.tables import Project
from tracker.promises import queries as promise_queries
from tracker.requests import queries as request_queries
from tracker.utilities import queries as utility_queries


def _now() -> datetime:
    return datetime.now(UTC)


class Locked(Exception):
    """A write to closed minutes; args[0] is the message id."""


ACTION_COLUMNS = (
    *ActionItem.all_columns(),
    ActionItem.project.name.as_alias("project_name"),
    ActionItem.owner_department.name.as_alias("department_name"),
    ActionItem.owner_officer.name.as_alias("officer_name"),
    ActionItem.meeting.held_on.as_alias("meeting_on"),
)


async def carry_counts(action_ids: list[int]) -> dict[int, int]:
    """How many later meetings have carried each action item."""
    if not action_ids:
        return {}
    rows = await AgendaItem.select(AgendaItem.carried_action, Count(AgendaItem.id).as_alias("n")).where(
        AgendaItem.carried_action.is_in(action_ids)
    ).group_by(AgendaItem.carried_action)
    return {r["carried_action"]: r["n"] for r in rows}


async def open_action_items(**filters) -> list[dict]:
    query = ActionItem.select(*ACTION_COLUMNS).where(ActionItem.status == "open").order_by(ActionItem.due_on)
    for column, value in filters.items():
        if value is not None:
            query = query.where(getattr(ActionItem, column) == value)
    rows = await query
    counts = await carry_counts([r["id"] for r in rows])
    for r in rows:
        r["carried"] = counts.get(r["id"], 0)
    return rows


async def proposed_agenda(today: date) -> list[dict]:
    """What the data says this week's meeting should discuss."""
    items = []
    # Each title names its project: the same promise or task on several projects stays distinguishable.
    for a in await open_action_items():
        title = f"{a['project_name']}: {a['task']}" if a["project"] else a["task"]
        items.append({"kind": "carried_action", "title": title, "project": a["project"], "carried_action": a["id"]})
    red = await Project.select(Project.id, Project.name).where(Project.status == "active", Project.colour == "red").order_by(Project.name)
    for p in red:
        items.append({"kind": "red_project", "title": p["name"], "project": p["id"]})
    overdue = [r for r in await promise_queries.register(promise_queries.RegisterFilter(overdue=True), today, await load_calendar()) if r["overdue"]]
    for p in overdue:
        items.append({"kind": "overdue_promise", "title": f"{p['project_name']}: {p['content']}", "project": p["project"], "promise": p["id"]})
    for r in await request_queries.overdue(today):
        items.append({"kind": "overdue_request", "title": f"{r['enterprise_name']}: {r['description'][:60]}", "project": r["project"]})
    # Overdue approval procedures and utility connections past their target (issue 17).
    calendar = await load_calendar()
    for r in await approval_queries.listing(approval_queries.ListFilter(overdue=True), today, calendar):
        if r["project_status"] == "active":
            items.append({"kind": "overdue_procedure", "title": f"{r['project_name']}: {r['type_name']}（{r['department_name']}）",
                          "project": r["project"]})
    for r in await utility_queries.listing(utility_queries.ListFilter(state="late"), today, calendar):
        if r["project_status"] == "active" and not r["clock"].done:
            name = utility_queries.UTILITY_NAMES_ZH.get(r["utility"], r["utility"])
            items.append({"kind": "late_connection", "title": f"{r['project_name']}: {name}（{r['provider_name']}）",
                          "project": r["project"]})
    return items


async def create_meeting(held_on: date, chair: int, location: str, officers: list[int], departments: list[int], user_id: int, today: date) -> int:
    meeting_id = (
        await Meeting.insert(Meeting(held_on=held_on, chair=chair, location=location, created_by=user_id, created_at=_now())).returning(Meeting.id)
    )[0]["id"]
    attendees = [Attendee(meeting=meeting_id, officer=o) for o in officers] + [Attendee(meeting=meeting_id, department=d) for d in departments]
    if attendees:
        await Attendee.insert(*attendees)
    agenda = await proposed_agenda(today)
    if agenda:
        await AgendaItem.insert(*[AgendaItem(meeting=meeting_id, position=i, **item) for i, item in enumerate(agenda, start=1)])
    await audit(user_id, "create", "meeting", meeting_id, {"held_on": held_on, "chair": chair, "agenda_items": len(agenda)})
    return meeting_id


async def meeting_for_write(meeting_id: int) -> dict:
    """The meeting, or Locked when its minutes are closed."""
    meeting = await Meeting.select().where(Meeting.id == meeting_id).first()
    if meeting and (locked := rules.minutes_locked(meeting["status"])):
        raise Locked(locked)
    return meeting


async def change_status(meeting: dict, new: str, version: int, user_id: int) -> None:
    values = {Meeting.status: new, Meeting.version: Meeting.version + 1}
    if new == "closed":
        values[Meeting.closed_at] = _now()
    updated = await Meeting.update(values).where(Meeting.id == meeting["id"], Meeting.version == version).returning(Meeting.id)
    if not updated:
        raise Conflict()
    await audit(user_id, "meeting_status", "meeting", meeting["id"], {"from": meeting["status"], "to": new})


async def attendees(meeting_id: int) -> list[dict]:
    return await Attendee.select(*Attendee.all_columns(), Attendee.officer.name.as_alias("officer_name"),
                                 Attendee.department.name.as_alias("department_name")).where(Attendee.meeting == meeting_id)


async def agenda(meeting_id: int) -> list[dict]:
    items = await AgendaItem.select(*AgendaItem.all_columns(), AgendaItem.project.name.as_alias("project_name")).where(
        AgendaItem.meeting == meeting_id
    ).order_by(AgendaItem.position).order_by(AgendaItem.id)
    counts = await carry_counts([i["carried_action"] for i in items if i["carried_action"]])
    actions = await ActionItem.select(*ACTION_COLUMNS).where(ActionItem.meeting == meeting_id).order_by(ActionItem.id)
    addenda = await Addendum.select(*Addendum.all_columns(), Addendum.created_by.display_name.as_alias("author")).where(
        Addendum.meeting == meeting_id
    ).order_by(Addendum.id)
    by_item: dict[int, list] = defaultdict(list)
    for a in actions:
        by_item[a["agenda_item"]].append(a)
    notes: dict[int | None, list] = defaultdict(list)
    for n in addenda:
        notes[n["agenda_item"]].append(n)
    for i in items:
        i["carried"] = counts.get(i["carried_action"], 0)
        i["actions"] = by_item.get(i["id"], [])
        i["addenda"] = notes.get(i["id"], [])
    return items


async def reorder(meeting_id: int, item_id: int, direction: str) -> None:
    ids = [r["id"] for r in await AgendaItem.select(AgendaItem.id).where(AgendaItem.meeting == meeting_id).order_by(AgendaItem.position).order_by(AgendaItem.id)]
    for position, iid in enumerate(rules.move(ids, item_id, direction), start=1):
        await AgendaItem.update({AgendaItem.position: position}).where(AgendaItem.id == iid)


async def add_action_item(meeting: dict, item: dict, task: str, department: int, officer: int, due_on: date, user_id: int) -> int:
    row = await ActionItem.insert(
        ActionItem(meeting=meeting["id"], agenda_item=item["id"], project=item["project"], task=task, owner_department=department,
                   owner_officer=officer, due_on=due_on)
    ).returning(ActionItem.id)
    await audit(user_id, "create", "action_item", row[0]["id"], {"meeting": meeting["id"], "task": task, "due_on": due_on, "owner": officer},
                project=item["project"])
    return row[0]["id"]


async def mark_done(action: dict, resolution: str, outcome: str, version: int, user_id: int, today: date) -> None:
    updated = await ActionItem.update({
        ActionItem.status: "done", ActionItem.resolution: resolution, ActionItem.outcome: outcome, ActionItem.done_on: today,
        ActionItem.done_by: user_id, ActionItem.version: ActionItem.version + 1,
    }).where(ActionItem.id == action["id"], ActionItem.version == version, ActionItem.status == "open").returning(ActionItem.id)
    if not updated:
        raise Conflict()
    await audit(user_id, "action_done", "action_item", action["id"], {"resolution": resolution, "outcome": outcome},
                project=action["project"])


async def save_minutes(item: dict, discussion: str, decision: str, version: int, user_id: int) -> None:
    """Save one item's minutes if nobody saved them since `version`; the old texts go to the audit trail."""
    updated = await AgendaItem.update({
        AgendaItem.discussion: discussion, AgendaItem.decision: decision, AgendaItem.version: AgendaItem.version + 1,
    }).where(AgendaItem.id == item["id"], AgendaItem.version == version).returning(AgendaItem.id)
    if not updated:
        raise Conflict()
    await audit(user_id, "minutes", "meeting", item["meeting"], {
        "item": item["id"], "discussion": discussion, "decision": decision,
        "was_discussion": item["discussion"], "was_decision": item["decision"],
    }, project=item["project"])


async def save_attendance(meeting: dict, rows: list[dict], changes: dict[int, tuple[str, str]], version: int, user_id: int) -> None:
    """Save the attendance list if nobody saved it since `version`; old and new values are audited."""
    updated = await Meeting.update({Meeting.attendance_version: Meeting.attendance_version + 1}).where(
        Meeting.id == meeting["id"], Meeting.attendance_version == version).returning(Meeting.id)
    if not updated:
        raise Conflict()
    record = {}
    for a in rows:
        new = changes[a["id"]]
        if new != (a["attendance"], a["delegate_name"]):
            await Attendee.update({Attendee.attendance: new[0], Attendee.delegate_name: new[1]}).where(Attendee.id == a["id"])
            record[str(a["id"])] = {"was": [a["attendance"], a["delegate_name"]], "now": list(new)}
    await audit(user_id, "attendance", "meeting", meeting["id"], {"changes": json.dumps(record, ensure_ascii=False)})


async def overdue_by_project(project_ids: list[int] | None, today: date) -> dict[int, list[str]]:
    query = ActionItem.select(ActionItem.project, ActionItem.task).where(
        ActionItem.status == "open", ActionItem.due_on < today, ActionItem.project.is_not_null()
    )
    if project_ids is not None:
        query = query.where(ActionItem.project.is_in(project_ids or [0]))
    out: dict[int, list[str]] = defaultdict(list)
    for r in await query:
        out[r["project"]].append(r["task"][:40])
    return out


async def project_decisions(project_id: int, today: date) -> list[dict]:
    """Agenda items about a project with their decisions and action items, newest meeting first."""
    items = await AgendaItem.select(
        AgendaItem.id, AgendaItem.meeting, AgendaItem.title, AgendaItem.decision, AgendaItem.meeting.held_on.as_alias("held_on")
    ).where(AgendaItem.project == project_id).order_by(AgendaItem.meeting.held_on, ascending=False).order_by(AgendaItem.id)
    actions = await ActionItem.select(*ACTION_COLUMNS).where(ActionItem.project == project_id).order_by(ActionItem.id)
    by_item: dict[int, list] = defaultdict(list)
    for a in actions:
        a["overdue"] = rules.is_overdue(a["status"], a["due_on"], today)
        by_item[a["agenda_item"]].append(a)
    out = []
    for i in items:
        i["actions"] = by_item.get(i["id"], [])
        if i["decision"] or i["actions"]:
            out.append(i)
    return out
