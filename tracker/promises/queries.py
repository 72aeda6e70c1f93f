"""Reads and writes of promises, shared by pages, the project colour and (later) briefings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from tracker.audit.record import audit
from tracker.db import Conflict
from tracker.projects.tables import Milestone
from tracker.promises import rules
from tracker.promises.tables import Fulfilment, Promise
from tracker.workdays import WorkCalendar


def _now() -> datetime:
    return datetime.now(UTC)


PROMISE_COLUMNS = (
    *Promise.all_columns(),
    Promise.project.name.as_alias("project_name"),
    Promise.department.name.as_alias("department_name"),
    Promise.officer.name.as_alias("officer_name"),
    Promise.trigger_milestone.name.as_alias("trigger_name"),
    Promise.trigger_milestone.actual_on.as_alias("trigger_done_on"),
)


def annotate(rows: list[dict], today: date, calendar: WorkCalendar) -> list[dict]:
    """Add the derived facts pages show: overdue, by how many working days, clock started."""
    for r in rows:
        r["overdue"] = rules.is_overdue(r["status"], r["due_on"], r["remedy_due_on"], today)
        r["overdue_workdays"] = rules.overdue_workdays(r["status"], r["due_on"], r["remedy_due_on"], today, calendar)
        r["clock_started"] = r["due_on"] is not None
    return rows


@dataclass
class NewPromise:
    project_id: int
    content: str
    category: str
    source: str
    source_ref: str
    legal_basis: str
    department_id: int
    officer_id: int
    amount: Decimal | None
    promised_on: date
    due_kind: str
    fixed_due_on: date | None
    due_workdays: int | None
    target_workdays: int | None
    trigger_milestone_id: int | None


async def create(p: NewPromise, user_id: int, calendar: WorkCalendar) -> int:
    trigger_done_on = None
    if p.trigger_milestone_id:
        m = await Milestone.select(Milestone.actual_on).where(Milestone.id == p.trigger_milestone_id).first()
        trigger_done_on = m["actual_on"]
    due_on, provisional = rules.compute_due(p.due_kind, p.fixed_due_on, trigger_done_on, p.due_workdays, calendar)
    row = await Promise.insert(
        Promise(
            project=p.project_id, content=p.content, category=p.category, source=p.source, source_ref=p.source_ref,
            legal_basis=p.legal_basis, department=p.department_id, officer=p.officer_id, amount=p.amount,
            promised_on=p.promised_on, due_kind=p.due_kind, due_workdays=p.due_workdays, target_workdays=p.target_workdays,
            trigger_milestone=p.trigger_milestone_id, due_on=due_on, due_provisional=provisional, created_by=user_id,
            created_at=_now(),
        )
    ).returning(Promise.id)
    await audit(user_id, "create", "promise", row[0]["id"], {k: v for k, v in p.__dict__.items()}, project=p.project_id)
    return row[0]["id"]


async def _update(promise_id: int, version: int, values: dict) -> None:
    updated = await Promise.update({**values, Promise.version: Promise.version + 1}).where(
        Promise.id == promise_id, Promise.version == version
    ).returning(Promise.id)
    if not updated:
        raise Conflict()


async def change_status(promise: dict, new: str, fields: dict, version: int, user_id: int, today: date) -> None:
    values = {
        Promise.status: new,
        Promise.status_reason: fields.get("status_reason", ""),
    }
    if new == "unfulfillable":
        values[Promise.remedy_plan] = fields["remedy_plan"]
        values[Promise.remedy_due_on] = fields["remedy_due_on"]
    if new == "withdrawn":
        values[Promise.explanation] = fields["explanation"]
    if new in ("fulfilled", "partial"):
        values[Promise.settled_on] = fields.get("settled_on") or today
        # A new settlement needs a new countersign.
        values[Promise.answer] = None
    await _update(promise["id"], version, values)
    await audit(user_id, "promise_status", "promise", promise["id"], {"from": promise["status"], "to": new, **fields},
                project=promise["project"])


async def add_fulfilment(promise: dict, delivered_on: date, description: str, amount: Decimal | None, delivered_by: str,
                         corrects: int | None, user_id: int) -> int:
    row = await Fulfilment.insert(
        Fulfilment(promise=promise["id"], delivered_on=delivered_on, description=description, amount=amount,
                   delivered_by=delivered_by, corrects=corrects, recorded_by=user_id, recorded_at=_now())
    ).returning(Fulfilment.id)
    await audit(user_id, "fulfilment", "promise", promise["id"], {"delivered_on": delivered_on, "description": description,
                                                                   "amount": amount, "corrects": corrects},
                project=promise["project"])
    if promise["status"] == "pending":
        await Promise.update({Promise.status: "in_progress", Promise.version: Promise.version + 1}).where(Promise.id == promise["id"])
    return row[0]["id"]


async def record_answer(promise: dict, answer: str, reason: str, version: int, user_id: int, on_behalf: bool) -> None:
    """The enterprise's countersign; staff record it only on the enterprise's behalf, marked so."""
    new_status = rules.answer_effect(promise["status"], answer)
    await _update(promise["id"], version, {
        Promise.answer: answer, Promise.answer_reason: reason, Promise.answer_on_behalf: on_behalf,
        Promise.answered_by: user_id, Promise.answered_at: _now(), Promise.status: new_status,
        **({Promise.settled_on: None} if new_status != promise["status"] else {}),
    })
    await audit(user_id, "promise_answer", "promise", promise["id"], {"answer": answer, "reason": reason, "on_behalf": on_behalf,
                                                                       "reopened": new_status != promise["status"]},
                project=promise["project"])


async def recompute_due_dates(calendar: WorkCalendar, milestone_id: int | None = None) -> None:
    """Trigger-based due dates follow their milestone (done, reopened) and the calendar."""
    query = Promise.select(Promise.id, Promise.due_workdays, Promise.due_on, Promise.due_provisional,
                           Promise.trigger_milestone.actual_on.as_alias("done_on")).where(Promise.due_kind == "after_milestone")
    if milestone_id is not None:
        query = query.where(Promise.trigger_milestone == milestone_id)
    for r in await query:
        due_on, provisional = rules.compute_due("after_milestone", None, r["done_on"], r["due_workdays"], calendar)
        if (due_on, provisional) != (r["due_on"], r["due_provisional"]):
            await Promise.update({Promise.due_on: due_on, Promise.due_provisional: provisional}).where(Promise.id == r["id"])


async def overdue_by_project(project_ids: list[int] | None, today: date) -> dict[int, list[str]]:
    """Contents of overdue promises per project, for the project colour."""
    query = Promise.select(Promise.project, Promise.content, Promise.status, Promise.due_on, Promise.remedy_due_on).where(
        Promise.status.is_in(list(rules.OPEN_STATUSES)), Promise.due_on.is_not_null()
    )
    if project_ids is not None:
        query = query.where(Promise.project.is_in(project_ids or [0]))
    out: dict[int, list[str]] = {}
    for r in await query:
        if rules.is_overdue(r["status"], r["due_on"], r["remedy_due_on"], today):
            out.setdefault(r["project"], []).append(r["content"][:40])
    return out


async def project_promises(project_id: int) -> list[dict]:
    return await Promise.select(*PROMISE_COLUMNS).where(Promise.project == project_id).order_by(Promise.id)


async def get(promise_id: int) -> dict | None:
    return await Promise.select(*PROMISE_COLUMNS).where(Promise.id == promise_id).first()


async def fulfilments(promise_id: int) -> list[dict]:
    return await Fulfilment.select(*Fulfilment.all_columns(), Fulfilment.recorded_by.display_name.as_alias("recorder")).where(
        Fulfilment.promise == promise_id
    ).order_by(Fulfilment.id)


@dataclass
class RegisterFilter:
    department: int | None = None
    category: str = ""
    status: str = ""
    overdue: bool = False
    project: int | None = None
    due_within: int | None = None  # working days


async def register(f: RegisterFilter, today: date, calendar: WorkCalendar) -> list[dict]:
    """The city-wide register; the credibility figures are computed from the same rows."""
    query = Promise.select(*PROMISE_COLUMNS).order_by(Promise.due_on).order_by(Promise.id)
    if f.department:
        query = query.where(Promise.department == f.department)
    if f.category:
        query = query.where(Promise.category == f.category)
    if f.status:
        query = query.where(Promise.status == f.status)
    if f.project:
        query = query.where(Promise.project == f.project)
    if f.due_within is not None:
        until = calendar.add_workdays(today, f.due_within)
        query = query.where(Promise.status.is_in(list(rules.OPEN_STATUSES)), Promise.due_on >= today, Promise.due_on <= until)
    rows = annotate(await query, today, calendar)
    if f.overdue:
        rows = [r for r in rows if r["overdue"]]
    return rows


def facts(rows: list[dict]) -> list[rules.PromiseFacts]:
    return [rules.PromiseFacts(r["department"], r["status"], r["due_on"], r["remedy_due_on"], r["settled_on"], r["answer"]) for r in rows]


async def disputed(lead_officer: int | None = None) -> list[dict]:
    """Fulfilments the enterprise disputed and staff have not yet settled again: the lead officer's
    dashboard shows them until a new fulfilment is countersigned."""
    query = Promise.select(*PROMISE_COLUMNS).where(Promise.answer == "disputed").order_by(Promise.answered_at, ascending=False)
    if lead_officer is not None:
        query = query.where(Promise.project.lead_officer == lead_officer)
    return await query


RANKINGS = ("made", "on_time", "late", "overdue", "unfulfillable", "disputed", "on_time_rate", "confirmed_rate", "name")


async def credibility_ranking(rows: list[dict], today: date, sort: str = "on_time_rate") -> tuple[list[rules.DepartmentRecord], dict[int, str]]:
    """Departments' promise-keeping records from register rows, ranked (best on-time rate first by default)."""
    from tracker.org.tables import Department

    records = rules.credibility(facts(rows), today)
    names = {d["id"]: d["name"] for d in await Department.select(Department.id, Department.name)}
    keys = {
        "made": lambda r: -r.made, "on_time": lambda r: -r.on_time, "late": lambda r: -r.late, "overdue": lambda r: -r.overdue,
        "unfulfillable": lambda r: -r.unfulfillable, "disputed": lambda r: -r.disputed,
        "on_time_rate": lambda r: (r.on_time_rate is None, -(r.on_time_rate or 0)),
        "confirmed_rate": lambda r: (r.confirmed_rate is None, -(r.confirmed_rate or 0)),
        "name": lambda r: names[r.department],
    }
    return sorted(records.values(), key=keys.get(sort, keys["on_time_rate"])), names

