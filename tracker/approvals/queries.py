"""Reads and writes of approval procedures, shared by the pages, the project colour, the portal,
the briefings and the Excel export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tracker.approvals import rules
from tracker.approvals.tables import Procedure, ProcedureReturn, ProcedureType
from tracker.audit.record import audit
from tracker.db import Conflict
from tracker.projects.rules import Signal, Thresholds
from tracker.projects.tables import Milestone, Project
from tracker.requests.files import new_stored_name, path_for
from tracker.settings import get_settings, private_dir, write_private
from tracker.workdays import WorkCalendar


def _now() -> datetime:
    return datetime.now(UTC)


TYPE_COLUMNS = (*ProcedureType.all_columns(), ProcedureType.department.name.as_alias("department_name"))

COLUMNS = (
    *Procedure.all_columns(),
    Procedure.procedure_type.name.as_alias("type_name"),
    Procedure.procedure_type.limit_kind.as_alias("limit_kind"),
    Procedure.procedure_type.department.as_alias("type_department"),
    Procedure.department.name.as_alias("department_name"),
    Procedure.agent.name.as_alias("agent_name"),
    Procedure.milestone.name.as_alias("milestone_name"),
    Procedure.project.name.as_alias("project_name"),
    Procedure.project.status.as_alias("project_status"),
    Procedure.project.enterprise.as_alias("enterprise"),
    Procedure.project.lead_officer.as_alias("lead_officer"),
)


# --- the catalogue ---------------------------------------------------------------------------


async def catalogue(active_only: bool = False) -> list[dict]:
    query = ProcedureType.select(*TYPE_COLUMNS).order_by(ProcedureType.seq).order_by(ProcedureType.id)
    if active_only:
        query = query.where(ProcedureType.active == True)  # noqa: E712
    return await query


async def get_type(type_id: int) -> dict | None:
    return await ProcedureType.select(*TYPE_COLUMNS).where(ProcedureType.id == type_id).first()


async def save_type(type_id: int | None, values: dict, version: int, user_id: int) -> int:
    if type_id is None:
        row = await ProcedureType.insert(ProcedureType(**values)).returning(ProcedureType.id)
        type_id = row[0]["id"]
        await audit(user_id, "create", "procedure_type", type_id, values)
        return type_id
    before = await get_type(type_id)
    updated = await ProcedureType.update({**{getattr(ProcedureType, k): v for k, v in values.items()},
                                          ProcedureType.version: ProcedureType.version + 1}).where(
        ProcedureType.id == type_id, ProcedureType.version == version).returning(ProcedureType.id)
    if not updated:
        raise Conflict()
    await audit(user_id, "update", "procedure_type", type_id,
                {k: {"from": before.get(k), "to": v} for k, v in values.items() if before and before.get(k) != v})
    return type_id


# --- procedures ------------------------------------------------------------------------------


async def _returns(procedure_ids: list[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    if not procedure_ids:
        return out
    for start in range(0, len(procedure_ids), 500):
        chunk = procedure_ids[start:start + 500]
        for r in await ProcedureReturn.select().where(ProcedureReturn.procedure.is_in(chunk)).order_by(ProcedureReturn.id):
            out.setdefault(r["procedure"], []).append(r)
    return out


def clock_of(row: dict, returns: list[dict], today: date, calendar: WorkCalendar) -> rules.Clock:
    return rules.clock(row["submitted_on"], row["accepted_on"], row["approved_on"],
                       [rules.Return(r["returned_on"], r["resubmitted_on"]) for r in returns],
                       row["time_limit_workdays"], today, calendar)


async def annotate(rows: list[dict], today: date, calendar: WorkCalendar) -> list[dict]:
    """Add each procedure's returns and its clock (rules.Clock) as row["clock"]."""
    returns = await _returns([r["id"] for r in rows])
    for r in rows:
        r["returns"] = returns.get(r["id"], [])
        r["clock"] = clock_of(r, r["returns"], today, calendar)
        r["status"] = r["clock"].status
    return rows


def overdue_first(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (-r["clock"].overdue_by, r["clock"].status == "approved",
                                       r["clock"].due_on or date.max, r["id"]))


@dataclass
class ListFilter:
    department: int | None = None
    agent: int | None = None
    project: int | None = None
    enterprise: int | None = None
    status: str = ""
    overdue: bool = False


async def listing(f: ListFilter, today: date, calendar: WorkCalendar) -> list[dict]:
    query = Procedure.select(*COLUMNS).where(Procedure.project.status != "merged")
    if f.department:
        query = query.where(Procedure.department == f.department)
    if f.agent:
        query = query.where(Procedure.agent == f.agent)
    if f.project:
        query = query.where(Procedure.project == f.project)
    if f.enterprise:
        query = query.where(Procedure.project.enterprise == f.enterprise)
    rows = await annotate(await query, today, calendar)
    if f.status:
        rows = [r for r in rows if r["status"] == f.status]
    if f.overdue:
        rows = [r for r in rows if r["clock"].overdue_by > 0]
    return overdue_first(rows)


async def project_procedures(project_id: int, today: date, calendar: WorkCalendar) -> list[dict]:
    rows = await Procedure.select(*COLUMNS).where(Procedure.project == project_id).order_by(Procedure.id)
    return await annotate(rows, today, calendar)


async def get(procedure_id: int, today: date, calendar: WorkCalendar) -> dict | None:
    row = await Procedure.select(*COLUMNS).where(Procedure.id == procedure_id).first()
    if row is None:
        return None
    return (await annotate([row], today, calendar))[0]


async def signals_by_project(project_ids: list[int] | None, today: date, calendar: WorkCalendar,
                             thresholds: Thresholds) -> dict[int, list[Signal]]:
    """Overdue open procedures of active projects, as warning signals."""
    query = Procedure.select(Procedure.id, Procedure.project, Procedure.submitted_on, Procedure.accepted_on,
                             Procedure.approved_on, Procedure.time_limit_workdays,
                             Procedure.procedure_type.name.as_alias("type_name")).where(
        Procedure.approved_on.is_null(), Procedure.accepted_on.is_not_null(), Procedure.project.status == "active")
    if project_ids is not None:
        if not project_ids:
            return {}
        query = query.where(Procedure.project.is_in(project_ids))
    rows = await query
    returns = await _returns([r["id"] for r in rows])
    out: dict[int, list[Signal]] = {}
    for r in rows:
        signal = rules.procedure_signal(r["type_name"], clock_of(r, returns.get(r["id"], []), today, calendar), thresholds)
        if signal:
            out.setdefault(r["project"], []).append(signal)
    return out


async def open_by_milestone(milestone_id: int) -> list[dict]:
    """Procedures linked to a milestone and not approved yet (completing it asks for confirmation)."""
    return await Procedure.select(Procedure.id, Procedure.procedure_type.name.as_alias("type_name")).where(
        Procedure.milestone == milestone_id, Procedure.approved_on.is_null())


@dataclass
class Fields:
    procedure_type: int
    department: int
    milestone: int | None
    time_limit_workdays: int
    agent: int | None
    authorised_on: date | None
    submitted_on: date | None
    accepted_on: date | None
    approved_on: date | None
    document_no: str
    note: str

    def values(self) -> dict:
        return {**self.__dict__, "authorised": self.authorised_on is not None}


@dataclass
class Upload:
    filename: str
    content_type: str
    content: bytes


def _store(upload: Upload | None) -> dict:
    if upload is None:
        return {}
    stored = new_stored_name()
    write_private(path_for(private_dir(get_settings().upload_dir), stored), upload.content)
    return {"authorisation_file": stored, "authorisation_name": upload.filename, "authorisation_mime": upload.content_type}


async def create(project_id: int, fields: Fields, upload: Upload | None, user_id: int) -> int:
    values = {**fields.values(), **_store(upload)}
    row = await Procedure.insert(Procedure(project=project_id, created_by=user_id, created_at=_now(), **values)).returning(Procedure.id)
    procedure_id = row[0]["id"]
    await audit(user_id, "create", "procedure", procedure_id, {k: v for k, v in values.items() if k != "authorisation_file"},
                project=project_id)
    return procedure_id


async def update(procedure: dict, fields: Fields, upload: Upload | None, version: int, user_id: int) -> None:
    values = {**fields.values(), **_store(upload)}
    updated = await Procedure.update({**{getattr(Procedure, k): v for k, v in values.items()},
                                      Procedure.version: Procedure.version + 1}).where(
        Procedure.id == procedure["id"], Procedure.version == version).returning(Procedure.id)
    if not updated:
        raise Conflict()
    changes = {k: {"from": procedure.get(k), "to": v} for k, v in values.items()
               if k != "authorisation_file" and procedure.get(k) != v}
    await audit(user_id, "update", "procedure", procedure["id"], changes, project=procedure["project"])


async def propose(project_id: int, template_code: str | None, user_id: int) -> int:
    """Add the catalogue's usual procedures for the project's type that it does not have yet."""
    have = {r["procedure_type"] for r in await Procedure.select(Procedure.procedure_type).where(Procedure.project == project_id)}
    milestones = {m["stage"]: m["id"] for m in await Milestone.select(Milestone.id, Milestone.stage).where(
        Milestone.project == project_id).order_by(Milestone.seq, ascending=False)}
    added = 0
    for t in rules.proposed_types(await catalogue(active_only=True), template_code):
        if t["id"] in have:
            continue
        fields = Fields(t["id"], t["department"], milestones.get(t["stage"]), t["time_limit_workdays"], None, None, None,
                        None, None, "", "")
        await create(project_id, fields, None, user_id)
        added += 1
    return added


async def project_template_code(project_id: int) -> str | None:
    row = await Project.select(Project.template.code.as_alias("code")).where(Project.id == project_id).first()
    return row["code"] if row else None


async def add_return(procedure: dict, returned_on: date, reason: str, version: int, user_id: int) -> None:
    await _bump(procedure, version)
    await ProcedureReturn.insert(ProcedureReturn(procedure=procedure["id"], returned_on=returned_on, reason=reason,
                                                 recorded_by=user_id, recorded_at=_now()))
    await audit(user_id, "return", "procedure", procedure["id"], {"returned_on": returned_on, "reason": reason},
                project=procedure["project"])


async def resubmit(procedure: dict, resubmitted_on: date, version: int, user_id: int) -> None:
    last = procedure["returns"][-1]
    await _bump(procedure, version)
    await ProcedureReturn.update({ProcedureReturn.resubmitted_on: resubmitted_on}).where(ProcedureReturn.id == last["id"])
    await audit(user_id, "resubmit", "procedure", procedure["id"], {"resubmitted_on": resubmitted_on,
                                                                     "return": last["id"]}, project=procedure["project"])


async def _bump(procedure: dict, version: int) -> None:
    updated = await Procedure.update({Procedure.version: Procedure.version + 1}).where(
        Procedure.id == procedure["id"], Procedure.version == version).returning(Procedure.id)
    if not updated:
        raise Conflict()
