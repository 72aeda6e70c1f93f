"""Reads and writes of enterprise requests, shared by the portal, the staff inbox, the meeting
agenda and the briefings. Writes are called inside a write transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from tracker.audit.record import audit
from tracker.db import Conflict
from tracker.org.tables import Officer
from tracker.projects.tables import Project
from tracker.requests import rules
from tracker.requests.files import new_stored_name, path_for
from tracker.requests.tables import Attachment, EnterpriseRequest, RequestEvent
from tracker.settings import TIMEZONE, get_settings, private_dir, write_private
from tracker.workdays import WorkCalendar

R = EnterpriseRequest
COLUMNS = (
    *R.all_columns(),
    R.project.name.as_alias("project_name"),
    R.project.lead_officer.as_alias("project_lead"),
    R.enterprise.name.as_alias("enterprise_name"),
    R.responder.name.as_alias("responder_name"),
    R.responder.phone.as_alias("responder_phone"),
    R.responder.department.as_alias("responder_department"),
    R.responder.department.name.as_alias("responder_department_name"),
    R.department.name.as_alias("department_name"),
)


def _at(day: date) -> datetime:
    """Now, or, for a write dated another day (the demo builds weeks of history), that day's morning."""
    now = datetime.now(TIMEZONE)
    return now if now.date() == day else datetime.combine(day, time(9, 30), TIMEZONE)


def annotate(rows: list[dict], today: date) -> list[dict]:
    for r in rows:
        r["ack_overdue"] = rules.ack_overdue(r["status"], r["acknowledged_on"], r["ack_due_on"], today)
        r["answer_overdue"] = rules.answer_overdue(r["status"], r["answered_on"], r["answer_due_on"], today)
        r["overdue"] = r["ack_overdue"] or r["answer_overdue"]
        r["awaits_feedback"] = rules.awaits_feedback(r["status"], r["solved"])
    return rows


@dataclass
class Upload:
    filename: str
    content_type: str
    content: bytes


async def _store(request_id: int, uploads: list[Upload], user_id: int, today: date) -> None:
    directory = private_dir(get_settings().upload_dir)
    for u in uploads:
        stored = new_stored_name()
        await Attachment.insert(Attachment(request=request_id, filename=u.filename, stored_name=stored, content_type=u.content_type,
                                           size=len(u.content), uploaded_by=user_id, uploaded_at=_at(today)))
        write_private(path_for(directory, stored), u.content)


async def _event(request_id: int, kind: str, user_id: int | None, today: date, text: str = "", department: int | None = None) -> None:
    await RequestEvent.insert(RequestEvent(request=request_id, kind=kind, text=text, department=department, user=user_id, at=_at(today)))


async def raise_request(project: dict, category: str, description: str, uploads: list[Upload], user_id: int, on_behalf: bool,
                        today: date, calendar: WorkCalendar) -> int:
    s = get_settings()
    ack_due, answer_due = rules.deadlines(today, calendar, s.request_ack_workdays, s.request_answer_workdays)
    row = await R.insert(R(
        project=project["id"], enterprise=project["enterprise"], category=category, description=description,
        responder=project["lead_officer"], raised_by=user_id, raised_on_behalf=on_behalf, raised_at=_at(today), raised_on=today,
        round_started_on=today, ack_due_on=ack_due, answer_due_on=answer_due,
    )).returning(R.id)
    request_id = row[0]["id"]
    await _event(request_id, "raised_on_behalf" if on_behalf else "raised", user_id, today, description)
    await _store(request_id, uploads, user_id, today)
    await audit(user_id, "request_raise", "request", request_id, {
        "category": category, "on_behalf": on_behalf, "attachments": len(uploads)}, project=project["id"])
    return request_id


async def add_enterprise_message(req: dict, text: str, uploads: list[Upload], user_id: int, today: date) -> None:
    """A message and/or files from the enterprise on its open request; the request's state and
    clocks do not change (the staff's deadlines stand)."""
    await _event(req["id"], "enterprise_message", user_id, today, text)
    await _store(req["id"], uploads, user_id, today)
    await audit(user_id, "request_message", "request", req["id"], {"text": text, "attachments": len(uploads)}, project=req["project"])


async def _update(request_id: int, version: int, values: dict) -> None:
    updated = await R.update({**values, R.version: R.version + 1}).where(R.id == request_id, R.version == version).returning(R.id)
    if not updated:
        raise Conflict()


async def staff_action(req: dict, action: str, text: str, department: int | None, version: int, user_id: int, today: date) -> None:
    values: dict = {R.status: rules.after_staff_action(action)}
    if req["acknowledged_on"] is None:
        values[R.acknowledged_on] = today
    if rules.is_answer(action) and req["answered_on"] is None:
        values[R.answered_on] = today
    if action == "dispatch":
        values[R.department] = department
    if action == "close":
        values.update({R.closed_on: today, R.resolution: text, R.solved: None, R.satisfaction: None, R.feedback: ""})
    await _update(req["id"], version, values)
    await _event(req["id"], action, user_id, today, text, department)
    await audit(user_id, f"request_{action}", "request", req["id"], {"from": req["status"], "text": text, "department": department},
                project=req["project"])


async def give_feedback(req: dict, solved: bool, rating: int, comment: str, version: int, user_id: int, today: date,
                        calendar: WorkCalendar) -> rules.AfterFeedback:
    s = get_settings()
    outcome = rules.after_feedback(solved, req["reopen_count"], req["escalated"], s.request_escalate_reopens)
    values: dict = {R.solved: solved, R.satisfaction: rating, R.feedback: comment, R.status: outcome.status,
                    R.reopen_count: outcome.reopen_count}
    if not solved:
        # A new round: the clock restarts from the reopening.
        ack_due, answer_due = rules.deadlines(today, calendar, s.request_ack_workdays, s.request_answer_workdays)
        values.update({R.round_started_on: today, R.ack_due_on: ack_due, R.answer_due_on: answer_due, R.acknowledged_on: None,
                       R.answered_on: None, R.closed_on: None})
    if outcome.escalate:
        values[R.escalated] = True
    await _update(req["id"], version, values)
    await _event(req["id"], "solved" if solved else "reopened", user_id, today, comment)
    if outcome.escalate:
        await _event(req["id"], "escalated", None, today)
    await audit(user_id, "request_feedback", "request", req["id"], {
        "solved": solved, "satisfaction": rating, "comment": comment, "reopen_count": outcome.reopen_count,
        "escalated": outcome.escalate}, project=req["project"])
    return outcome


async def get(request_id: int, today: date) -> dict | None:
    row = await R.select(*COLUMNS).where(R.id == request_id).first()
    return annotate([row], today)[0] if row else None


async def events(request_id: int) -> list[dict]:
    return await RequestEvent.select(*RequestEvent.all_columns(), RequestEvent.user.display_name.as_alias("user_name"),
                                     RequestEvent.user.role.as_alias("user_role"),
                                     RequestEvent.department.name.as_alias("department_name")).where(
        RequestEvent.request == request_id).order_by(RequestEvent.id)


async def attachments(request_id: int) -> list[dict]:
    return await Attachment.select().where(Attachment.request == request_id).order_by(Attachment.id)


async def attachment(request_id: int, attachment_id: int) -> dict | None:
    return await Attachment.select().where(Attachment.id == attachment_id, Attachment.request == request_id).first()


@dataclass
class InboxFilter:
    status: str = ""  # a status, or "open"
    responder: int | None = None
    department: int | None = None
    project: int | None = None
    enterprise: int | None = None
    escalated: bool = False
    overdue: bool = False


async def listing(f: InboxFilter, today: date) -> list[dict]:
    query = R.select(*COLUMNS).order_by(R.answer_due_on).order_by(R.id)
    if f.status == "open":
        query = query.where(R.status.is_in(list(rules.OPEN_STATUSES)))
    elif f.status:
        query = query.where(R.status == f.status)
    if f.responder:
        query = query.where(R.responder == f.responder)
    if f.department:
        query = query.where((R.department == f.department) | (R.responder.department == f.department))
    if f.project:
        query = query.where(R.project == f.project)
    if f.enterprise:
        query = query.where(R.enterprise == f.enterprise)
    if f.escalated:
        query = query.where(R.escalated == True)  # noqa: E712
    rows = annotate(await query, today)
    return [r for r in rows if r["overdue"]] if f.overdue else rows


async def overdue(today: date) -> list[dict]:
    """Open requests past a deadline: for the meeting agenda and the briefing."""
    return await listing(InboxFilter(status="open", overdue=True), today)


@dataclass
class FigureTable:
    rows: list[dict] = field(default_factory=list)
    total: rules.Figures = field(default_factory=rules.Figures)


async def figures(today: date) -> tuple[FigureTable, FigureTable]:
    """Per officer (the first responder) and per department (the one dispatched to, else the
    responder's own), from the same rows."""
    rows = await R.select(*COLUMNS)
    facts = [rules.RequestFacts(r["status"], r["ack_due_on"], r["acknowledged_on"], r["answer_due_on"], r["answered_on"],
                                r["solved"], r["satisfaction"]) for r in rows]
    by_officer, total = rules.figures([((r["responder"], r["responder_name"]), f) for r, f in zip(rows, facts)], today)
    by_department, _ = rules.figures([(
        (r["department"], r["department_name"]) if r["department"] else (r["responder_department"], r["responder_department_name"]), f)
        for r, f in zip(rows, facts)], today)

    def table(groups: dict) -> FigureTable:
        return FigureTable(
            rows=[{"id": key[0], "name": key[1], "figures": fig} for key, fig in sorted(groups.items(), key=lambda kv: kv[0][1])],
            total=total,
        )

    return table(by_officer), table(by_department)


async def move_to_successor(project_id: int, to_officer: int) -> int:
    """The first responder owns a request until the project is handed over; open ones follow the lead."""
    moved = await R.update({R.responder: to_officer}).where(
        R.project == project_id, R.status.is_in(list(rules.OPEN_STATUSES))
    ).returning(R.id)
    return len(moved)


async def open_for_snapshot(project_id: int) -> list[dict]:
    rows = await R.select(R.category, R.description, R.status, R.answer_due_on).where(
        R.project == project_id, R.status.is_in(list(rules.OPEN_STATUSES))
    ).order_by(R.id)
    return [{"category": r["category"], "description": r["description"][:80], "status": r["status"],
             "answer_due_on": r["answer_due_on"].isoformat()} for r in rows]


async def project_for_raise(project_id: int) -> dict | None:
    return await Project.select(Project.id, Project.name, Project.enterprise, Project.lead_officer, Project.status).where(
        Project.id == project_id).first()


async def officer_department(officer_id: int | None) -> int | None:
    if officer_id is None:
        return None
    row = await Officer.select(Officer.department).where(Officer.id == officer_id).first()
    return row["department"] if row else None
