"""Reads and writes of projects shared by pages, the CLI and (later) briefings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from piccolo.query import OrderByRaw
from piccolo.query.methods.select import Count

from tracker.approvals import queries as approval_queries
from tracker.audit.record import audit
from tracker.calendar.queries import load_calendar  # noqa: F401 - pages read the calendar through here
from tracker.db import Conflict, contains, is_sqlite
from tracker.liaison import queries as liaison_queries
from tracker.liaison.tables import Handover
from tracker.listing import Page, Sorting, page_bounds
from tracker.meetings import queries as meeting_queries
from tracker.org.tables import Department, Enterprise
from tracker.projects import lifecycle, rules
from tracker.projects.tables import ColourChange, Milestone, MilestoneChange, Project
from tracker.promises import queries as promise_queries
from tracker.settings import get_settings
from tracker.settings import today as current_day
from tracker.utilities import queries as utility_queries
from tracker.workdays import WorkCalendar


def thresholds() -> rules.Thresholds:
    s = get_settings()
    return rules.Thresholds(s.red_overdue_workdays, s.amber_due_within_workdays, s.amber_signals_for_red)


def _now() -> datetime:
    return datetime.now(UTC)


def open_milestone():
    """The condition of a milestone still to be done: not done and not "does not apply"."""
    return Milestone.actual_on.is_null() & (Milestone.not_applicable == False)  # noqa: E712


# --- colours -------------------------------------------------------------------------------


async def signals_for(project_ids: list[int] | None, today: date, calendar: WorkCalendar) -> dict[int, list[rules.Signal]]:
    """Warning signals of active projects (all of them when project_ids is None)."""
    query = Milestone.select(
        Milestone.project, Milestone.name, Milestone.stage, Milestone.planned_on, Milestone.actual_on
    ).where(open_milestone(), Milestone.project.status == "active")
    if project_ids is not None:
        if not project_ids:
            return {}
        query = query.where(Milestone.project.is_in(project_ids))
    by_project: dict[int, list[rules.MilestoneState]] = defaultdict(list)
    for row in await query:
        by_project[row["project"]].append(
            rules.MilestoneState(row["name"], row["stage"], row["planned_on"], row["actual_on"])
        )
    promises = await promise_queries.overdue_by_project(project_ids, today)
    actions = await meeting_queries.overdue_by_project(project_ids, today)
    th = thresholds()
    procedures = await approval_queries.signals_by_project(project_ids, today, calendar, th)
    connections = await utility_queries.signals_by_project(project_ids, today, calendar)
    return {
        pid: rules.project_signals(
            by_project.get(pid, []), today, calendar, th,
            overdue_promises=promises.get(pid, ()), overdue_action_items=actions.get(pid, ()),
            other_signals=[*procedures.get(pid, ()), *connections.get(pid, ())],
        )
        for pid in set(by_project) | set(promises) | set(actions) | set(procedures) | set(connections)
    }


async def refresh_colours(project_ids: list[int] | None, today: date, calendar: WorkCalendar | None = None) -> int:
    """Recompute stored colours; record each change. Returns how many projects changed colour.

    Runs inside the caller's transaction when there is one.
    """
    calendar = calendar or await load_calendar()
    signals = await signals_for(project_ids, today, calendar)
    query = Project.select(Project.id, Project.colour).where(Project.status == "active")
    if project_ids is not None:
        query = query.where(Project.id.is_in(project_ids))
    th = thresholds()
    changes: dict[str, list[tuple[int, str, list[rules.Signal]]]] = defaultdict(list)
    for row in await query:
        sigs = signals.get(row["id"], [])
        colour = rules.colour_of(sigs, th)
        if colour != row["colour"]:
            changes[colour].append((row["id"], row["colour"], sigs))
    for colour, items in changes.items():
        ids = [pid for pid, _old, _s in items]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            await Project.update({Project.colour: colour, Project.colour_since: today}).where(Project.id.is_in(chunk))
        await ColourChange.insert(
            *[
                ColourChange(
                    project=pid,
                    on=today,
                    from_colour=old,
                    to_colour=colour,
                    reasons="; ".join(f"{s.kind}:{s.subject}:{s.workdays}" for s in sigs),
                )
                for pid, old, sigs in items
            ]
        )
    return sum(len(v) for v in changes.values())


# --- creating a project --------------------------------------------------------------------


@dataclass
class NewProject:
    name: str
    enterprise_id: int
    industry: str
    district_id: int
    park_id: int | None
    total_investment: Decimal
    signed_on: date
    level: str
    green_channel: bool
    introducing_unit_id: int
    first_signing_department_id: int
    first_signing_leader_id: int
    responsible_leader_id: int
    lead_officer_id: int
    description: str = ""
    # The lifecycle template (None: the default one) and the other two levels of responsibility.
    template_id: int | None = None
    area_leader_id: int | None = None
    unit_leader_id: int | None = None


async def create_enterprise(name: str, credit_code: str, contact_name: str, contact_phone: str, user_id: int | None) -> int:
    row = (
        await Enterprise.insert(
            Enterprise(name=name, credit_code=credit_code, contact_name=contact_name, contact_phone=contact_phone)
        ).returning(Enterprise.id)
    )[0]
    await audit(user_id, "create", "enterprise", row["id"], {"name": name, "credit_code": credit_code})
    return row["id"]


async def create_project(data: NewProject, user_id: int | None, today: date, calendar: WorkCalendar) -> int:
    """Insert the project and its lifecycle milestones from its template; call inside a write
    transaction."""
    now = _now()
    template_id = data.template_id or await lifecycle.default_template_id()
    template = await lifecycle.template_milestones(template_id) if template_id else list(rules.DEFAULT_LIFECYCLE)
    row = (
        await Project.insert(
            Project(
                name=data.name,
                enterprise=data.enterprise_id,
                industry=data.industry,
                district=data.district_id,
                park=data.park_id,
                total_investment=data.total_investment,
                signed_on=data.signed_on,
                level=data.level,
                green_channel=data.green_channel,
                introducing_unit=data.introducing_unit_id,
                first_signing_department=data.first_signing_department_id,
                first_signing_leader=data.first_signing_leader_id,
                responsible_leader=data.responsible_leader_id,
                lead_officer=data.lead_officer_id,
                description=data.description,
                template=template_id,
                stage="signed",
                colour="green",
                colour_since=today,
                created_at=now,
                updated_at=now,
            )
        ).returning(Project.id)
    )[0]
    project_id = row["id"]
    await liaison_queries.first_assignments(project_id, {
        "lead_officer": data.lead_officer_id, "responsible_leader": data.responsible_leader_id,
        "area_leader": data.area_leader_id, "unit_leader": data.unit_leader_id,
    }, data.signed_on)
    plan = rules.plan_milestones(data.signed_on, calendar, template, data.green_channel)
    await Milestone.insert(
        *[
            Milestone(
                project=project_id,
                stage=p.stage,
                seq=p.seq,
                name=p.name,
                baseline_on=p.planned_on,
                planned_on=p.planned_on,
                offset_workdays=(item.green if data.green_channel else item.offset_workdays),
                provisional=p.provisional,
                # Signing is done by definition on the signing date.
                actual_on=data.signed_on if p.stage == "signed" else None,
                not_applicable=not p.applies,
            )
            for p, item in zip(plan, template)
        ]
    )
    await audit(user_id, "create", "project", project_id, {k: v for k, v in data.__dict__.items()})
    await refresh_colours([project_id], today, calendar)
    return project_id


EDITABLE = {
    "name": Project.name, "enterprise_id": Project.enterprise, "industry": Project.industry, "district_id": Project.district,
    "park_id": Project.park, "total_investment": Project.total_investment, "level": Project.level,
    "green_channel": Project.green_channel, "description": Project.description,
}
STORED_AS = {"enterprise_id": "enterprise", "district_id": "district", "park_id": "park"}


async def update_project(project: dict, values: dict, version: int, user_id: int, today: date, calendar: WorkCalendar) -> list[str]:
    """Change a project's details (never its first-signing fields); returns the fields changed.
    The audit event keeps each changed field's value before and after."""
    changed = {k: v for k, v in values.items() if project[STORED_AS.get(k, k)] != v}
    updated = await Project.update({
        **{EDITABLE[k]: v for k, v in changed.items()}, Project.version: Project.version + 1, Project.updated_at: _now(),
    }).where(Project.id == project["id"], Project.version == version).returning(Project.id)
    if not updated:
        raise Conflict()
    if changed:
        await audit(user_id, "update", "project", project["id"], {
            **{f"{k}_before": project[STORED_AS.get(k, k)] for k in changed}, **{f"{k}_after": v for k, v in changed.items()},
        })
    if "green_channel" in changed:
        await _replan_for_green_channel(project["id"], values["green_channel"], user_id, today, calendar)
    return list(changed)


async def _replan_for_green_channel(project_id: int, green: bool, user_id: int, today: date, calendar: WorkCalendar) -> None:
    """The open milestones that were never rescheduled by hand move to the template's offsets for
    the new setting; each move is kept in the milestone's history."""
    project = await Project.select(Project.signed_on, Project.template).where(Project.id == project_id).first()
    if project["template"] is None:
        return
    offsets = {(t.stage, t.name): t for t in await lifecycle.template_milestones(project["template"])}
    reason = "绿色通道开启：按绿色通道时限重新计划" if green else "绿色通道取消：按常规时限重新计划"
    for m in await Milestone.select().where(Milestone.project == project_id, open_milestone()):
        item = offsets.get((m["stage"], m["name"]))
        if item is None or m["planned_on"] != m["baseline_on"]:
            continue
        offset = item.green if green else item.offset_workdays
        planned, provisional = calendar.add_workdays_marked(project["signed_on"], offset)
        if planned == m["planned_on"]:
            continue
        await Milestone.update({
            Milestone.planned_on: planned, Milestone.baseline_on: planned, Milestone.offset_workdays: offset,
            Milestone.provisional: provisional, Milestone.version: Milestone.version + 1,
        }).where(Milestone.id == m["id"])
        await MilestoneChange.insert(MilestoneChange(milestone=m["id"], kind="reschedule", from_date=m["planned_on"], to_date=planned,
                                                     reason=reason, user=user_id, at=_now()))
    await refresh_colours([project_id], today, calendar)


async def add_milestone(project: dict, stage: str, name: str, planned_on: date, version: int, user_id: int, today: date,
                        calendar: WorkCalendar) -> int:
    """A milestone the template did not have, placed after the last one of its stage."""
    updated = await Project.update({Project.version: Project.version + 1, Project.updated_at: _now()}).where(
        Project.id == project["id"], Project.version == version).returning(Project.id)
    if not updated:
        raise Conflict()
    existing = await Milestone.select(Milestone.id, Milestone.stage, Milestone.seq).where(Milestone.project == project["id"]).order_by(Milestone.seq)
    seq = rules.insertion_seq([(m["stage"], m["seq"]) for m in existing], stage)
    for m in reversed(existing):
        if m["seq"] >= seq:
            await Milestone.update({Milestone.seq: m["seq"] + 1}).where(Milestone.id == m["id"])
    provisional = calendar.is_provisional_year(planned_on.year)
    milestone_id = (await Milestone.insert(Milestone(
        project=project["id"], stage=stage, seq=seq, name=name, baseline_on=planned_on, planned_on=planned_on, provisional=provisional,
    )).returning(Milestone.id))[0]["id"]
    await MilestoneChange.insert(MilestoneChange(milestone=milestone_id, kind="added", to_date=planned_on, user=user_id, at=_now()))
    await audit(user_id, "milestone_add", "milestone", milestone_id, {"stage": stage, "name": name, "planned_on": planned_on},
                project=project["id"])
    await _after_milestone_change(project["id"], today, calendar)
    return milestone_id


# --- milestones ------------------------------------------------------------------------------


async def _bump_milestone(milestone_id: int, version: int, values: dict[Any, Any]) -> None:
    updated = (
        await Milestone.update({**values, Milestone.version: Milestone.version + 1})
        .where(Milestone.id == milestone_id, Milestone.version == version)
        .returning(Milestone.id)
    )
    if not updated:
        raise Conflict()


async def _after_milestone_change(project_id: int, today: date, calendar: WorkCalendar, milestone_id: int | None = None) -> None:
    if milestone_id is not None:
        # Promises due "N working days after this milestone" start (or stop) their clock.
        await promise_queries.recompute_due_dates(calendar, milestone_id)
    rows = await Milestone.select(Milestone.stage, Milestone.actual_on, Milestone.not_applicable).where(Milestone.project == project_id)
    stage = rules.derive_stage((r["stage"], r["actual_on"] is not None or r["not_applicable"]) for r in rows)
    await Project.update(
        {Project.stage: stage, Project.updated_at: _now(), Project.version: Project.version + 1}
    ).where(Project.id == project_id)
    await refresh_colours([project_id], today, calendar)


async def mark_milestone_done(milestone: dict, actual_on: date, version: int, user_id: int, today: date, calendar: WorkCalendar,
                              out_of_order: list[str] | None = None) -> None:
    """Record a completion. out_of_order: the names of earlier milestones still open, which the
    user confirmed; the completion is then recorded as out of order."""
    await _bump_milestone(milestone["id"], version, {Milestone.actual_on: actual_on, Milestone.out_of_order: bool(out_of_order)})
    await MilestoneChange.insert(
        MilestoneChange(milestone=milestone["id"], kind="done_out_of_order" if out_of_order else "done", to_date=actual_on,
                        reason="; ".join(out_of_order or []), user=user_id, at=_now())
    )
    await audit(user_id, "milestone_done", "milestone", milestone["id"],
                {"actual_on": actual_on, "out_of_order": bool(out_of_order), "open_before": "; ".join(out_of_order or [])},
                project=milestone["project"])
    await _after_milestone_change(milestone["project"], today, calendar, milestone["id"])


async def mark_not_applicable(milestone: dict, reason: str, version: int, user_id: int, today: date, calendar: WorkCalendar) -> None:
    await _bump_milestone(milestone["id"], version, {Milestone.not_applicable: True, Milestone.na_reason: reason})
    await MilestoneChange.insert(
        MilestoneChange(milestone=milestone["id"], kind="not_applicable", reason=reason, user=user_id, at=_now())
    )
    await audit(user_id, "milestone_not_applicable", "milestone", milestone["id"], {"reason": reason}, project=milestone["project"])
    await _after_milestone_change(milestone["project"], today, calendar, milestone["id"])


async def reopen_milestone(milestone: dict, reason: str, version: int, user_id: int, today: date, calendar: WorkCalendar) -> None:
    """A done milestone becomes open again; one marked "does not apply" applies again."""
    await _bump_milestone(milestone["id"], version, {
        Milestone.actual_on: None, Milestone.out_of_order: False, Milestone.not_applicable: False, Milestone.na_reason: "",
    })
    kind = "applies_again" if milestone["not_applicable"] else "reopen"
    await MilestoneChange.insert(
        MilestoneChange(milestone=milestone["id"], kind=kind, from_date=milestone["actual_on"], reason=reason, user=user_id, at=_now())
    )
    await audit(user_id, "milestone_reopen", "milestone", milestone["id"],
                {"was_done_on": milestone["actual_on"], "was_not_applicable": milestone["not_applicable"], "reason": reason},
                project=milestone["project"])
    await _after_milestone_change(milestone["project"], today, calendar, milestone["id"])


async def reschedule_milestone(milestone: dict, new_date: date, reason: str, version: int, user_id: int, today: date, calendar: WorkCalendar) -> None:
    await _bump_milestone(milestone["id"], version, {Milestone.planned_on: new_date})
    await MilestoneChange.insert(
        MilestoneChange(
            milestone=milestone["id"], kind="reschedule", from_date=milestone["planned_on"], to_date=new_date, reason=reason, user=user_id, at=_now()
        )
    )
    await audit(
        user_id, "milestone_reschedule", "milestone", milestone["id"],
        {"from": milestone["planned_on"], "to": new_date, "reason": reason}, project=milestone["project"],
    )
    await _after_milestone_change(milestone["project"], today, calendar)


# --- listing -------------------------------------------------------------------------------


@dataclass
class ProjectFilter:
    q: str = ""
    stage: str = ""
    colour: str = ""
    area: int | None = None  # a district or park
    industry: str = ""
    lead: int | None = None
    status: str = "active"
    handover: str = ""  # "pending": a handover not yet accepted
    green: bool = False  # green-channel projects only
    due: str = ""  # "soon": a milestone due within the amber window (the dashboard's "due" list)
    page: int = 1
    sort: Sorting = field(default_factory=lambda: Sorting("signed", True))

    def as_query(self, **override: Any) -> dict[str, str]:
        """Non-empty filter values as URL parameters (page left out unless > 1, the default sort left out)."""
        values = {**self.__dict__, **override}
        sort = values.pop("sort")
        out = {k: str(v) for k, v in values.items() if v not in ("", None, False) and not (k == "page" and v == 1)}
        if sort.param != DEFAULT_SORT:
            out["sort"] = sort.param
        if values.get("green"):
            out["green"] = "1"
        if values.get("status") == "active":
            out.pop("status", None)
        return out


# The project list's sort keys: a column, or SQL for what is not one (colour by urgency, stage in
# lifecycle order, the next open milestone's date).
DEFAULT_SORT = "-signed"
COLOUR_ORDER = "CASE project.colour WHEN 'red' THEN 0 WHEN 'amber' THEN 1 ELSE 2 END"
STAGE_ORDER = "CASE project.stage " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(rules.STAGES)) + " END"
NEXT_DUE = ("(SELECT MIN(m.planned_on) FROM milestone m WHERE m.project = project.id AND m.actual_on IS NULL "
            "AND m.not_applicable = {false})")
SORT_KEYS = ("name", "investment", "signed", "colour", "stage", "next_due", "lead")


def _order(query, sorting: Sorting):
    ascending = not sorting.descending
    if sorting.key == "colour":
        query = query.order_by(OrderByRaw(COLOUR_ORDER), ascending=ascending)
    elif sorting.key == "stage":
        query = query.order_by(OrderByRaw(STAGE_ORDER), ascending=ascending)
    elif sorting.key == "next_due":
        # Projects with nothing open come last in either direction.
        due = NEXT_DUE.format(false="0" if is_sqlite() else "FALSE")
        query = query.order_by(OrderByRaw(f"{due} IS NULL")).order_by(OrderByRaw(due), ascending=ascending)
    else:
        column = {"name": Project.name, "investment": Project.total_investment, "signed": Project.signed_on,
                  "lead": Project.lead_officer.name}[sorting.key]
        query = query.order_by(column, ascending=ascending)
    return query.order_by(Project.id, ascending=ascending)


LIST_COLUMNS = (
    Project.id,
    Project.name,
    Project.enterprise.name.as_alias("enterprise_name"),
    Project.industry,
    Project.district.name.as_alias("district_name"),
    Project.park.name.as_alias("park_name"),
    Project.total_investment,
    Project.signed_on,
    Project.stage,
    Project.colour,
    Project.status,
    Project.green_channel,
    Project.level,
    Project.lead_officer.name.as_alias("lead_name"),
)


def _where(f: ProjectFilter, due_window: tuple[date, date] | None = None) -> list:
    clauses = [Project.merged_into.is_null()]  # a record merged into another (一项多码) is listed as that one
    if f.q:
        clauses.append(
            contains(Project.name, f.q) | contains(Project.enterprise.name, f.q) | contains(Project.enterprise.credit_code, f.q)
        )
    if f.stage:
        clauses.append(Project.stage == f.stage)
    if f.colour:
        clauses.append(Project.colour == f.colour)
    if f.area:
        clauses.append((Project.district == f.area) | (Project.park == f.area))
    if f.industry:
        clauses.append(Project.industry == f.industry)
    if f.lead:
        clauses.append(Project.lead_officer == f.lead)
    if f.status:
        clauses.append(Project.status == f.status)
    if f.green:
        clauses.append(Project.green_channel == True)  # noqa: E712
    if f.handover == "pending":
        clauses.append(Project.id.is_in(Handover.select(Handover.project).where(Handover.accepted_at.is_null())))
    if due_window:
        clauses.append(Project.id.is_in(Milestone.select(Milestone.project).where(
            open_milestone(), Milestone.planned_on >= due_window[0], Milestone.planned_on <= due_window[1])))
    return clauses


async def due_window(today: date) -> tuple[date, date]:
    """Today to the end of the amber window ("due within 5 working days")."""
    calendar = await load_calendar()
    return today, calendar.add_workdays(today, thresholds().amber_due_within_workdays)


@dataclass
class ProjectPage(Page):
    next_milestones: dict[int, dict] = field(default_factory=dict)


async def list_projects(f: ProjectFilter, page_size: int) -> ProjectPage:
    clauses = _where(f, await due_window(current_day()) if f.due == "soon" else None)
    total = await Project.count().where(*clauses) if clauses else await Project.count()
    page, pages = page_bounds(total, f.page, page_size)
    query = _order(Project.select(*LIST_COLUMNS), f.sort)
    if clauses:
        query = query.where(*clauses)
    rows = await query.limit(page_size).offset((page - 1) * page_size)
    return ProjectPage(rows, total, page, pages, page_size, await first_open_milestones([r["id"] for r in rows]))


# The first open milestone (lowest seq) of each listed project, one row per project: the SQL
# picks them, instead of reading every open milestone of the page's projects (about 400 rows).
NEXT_MILESTONES = (
    "SELECT m.project AS project, m.name AS name, m.planned_on AS planned_on FROM milestone m "
    "WHERE m.project IN ({ids}) AND m.actual_on IS NULL AND m.not_applicable = {false} AND m.seq = ("
    "SELECT MIN(o.seq) FROM milestone o WHERE o.project = m.project AND o.actual_on IS NULL AND o.not_applicable = {false}) "
    "ORDER BY m.project, m.id"
)


async def first_open_milestones(ids: list[int]) -> dict[int, dict]:
    """Per project id, its next open milestone (name, planned_on), if it has one."""
    if not ids:
        return {}
    rows = await Milestone.raw(NEXT_MILESTONES.format(ids=", ".join(str(int(i)) for i in ids),
                                                      false="0" if is_sqlite() else "FALSE"))
    out: dict[int, dict] = {}
    for r in rows:  # two milestones sharing the lowest seq: the first created, as before
        if r["project"] not in out:
            if r["planned_on"] is not None and not isinstance(r["planned_on"], date):
                r["planned_on"] = date.fromisoformat(str(r["planned_on"])[:10])
            out[r["project"]] = r
    return out


async def area_choices() -> list[dict]:
    """Districts and their parks, for filters and forms."""
    return await Department.select(Department.id, Department.name, Department.kind, Department.parent).where(
        Department.kind.is_in(["district", "park"]), Department.active == True  # noqa: E712
    ).order_by(Department.kind).order_by(Department.name)


# --- one project ---------------------------------------------------------------------------


def project_details():
    """A project with the names of everyone and everything it refers to."""
    return Project.select(
        *Project.all_columns(),
        Project.enterprise.name.as_alias("enterprise_name"),
        Project.enterprise.credit_code.as_alias("enterprise_code"),
        Project.district.name.as_alias("district_name"),
        Project.park.name.as_alias("park_name"),
        Project.introducing_unit.name.as_alias("introducing_unit_name"),
        Project.first_signing_department.name.as_alias("first_signing_department_name"),
        Project.first_signing_leader.name.as_alias("first_signing_leader_name"),
        Project.responsible_leader.name.as_alias("responsible_leader_name"),
        Project.responsible_leader.title.as_alias("responsible_leader_title"),
        Project.lead_officer.name.as_alias("lead_name"),
        Project.lead_officer.phone.as_alias("lead_phone"),
        Project.lead_officer.email.as_alias("lead_email"),
        Project.lead_officer.department.name.as_alias("lead_department_name"),
    )


async def get_project(project_id: int) -> dict | None:
    return await project_details().where(Project.id == project_id).first()


async def project_milestones(project_id: int) -> list[dict]:
    return await Milestone.select().where(Milestone.project == project_id).order_by(Milestone.seq)


async def milestone_history(project_id: int) -> list[dict]:
    return await MilestoneChange.select(
        *MilestoneChange.all_columns(),
        MilestoneChange.milestone.name.as_alias("milestone_name"),
        MilestoneChange.user.display_name.as_alias("user_name"),
    ).where(MilestoneChange.milestone.project == project_id).order_by(MilestoneChange.at, ascending=False)


async def colour_history(project_id: int) -> list[dict]:
    return await ColourChange.select().where(ColourChange.project == project_id).order_by(ColourChange.id, ascending=False)


async def get_milestone(project_id: int, milestone_id: int) -> dict | None:
    return await Milestone.select().where(Milestone.id == milestone_id, Milestone.project == project_id).first()


# --- dashboard -----------------------------------------------------------------------------


async def count_by(column, where: list | None = None) -> dict[str, int]:
    query = Project.select(column, Count(Project.id).as_alias("n")).group_by(column)
    query = query.where(Project.status == "active", *(where or []))
    return {r[column._meta.name]: r["n"] for r in await query}


async def due_soon(today: date, until: date, limit: int = 50) -> list[dict]:
    return await (
        Milestone.select(
            Milestone.id, Milestone.name, Milestone.planned_on, Milestone.project,
            Milestone.project.name.as_alias("project_name"),
            Milestone.project.lead_officer.name.as_alias("lead_name"),
        )
        .where(
            open_milestone(), Milestone.planned_on >= today, Milestone.planned_on <= until,
            Milestone.project.status == "active",
        )
        .order_by(Milestone.planned_on)
        .limit(limit)
    )


async def next_milestones(project_ids: list[int], per_project: int = 2) -> dict[int, list[dict]]:
    """The next open milestones of each project, in plan order."""
    rows = await Milestone.select(Milestone.project, Milestone.name, Milestone.planned_on, Milestone.provisional).where(
        Milestone.project.is_in(project_ids or [0]), open_milestone()
    ).order_by(Milestone.project).order_by(Milestone.seq)
    out: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        if len(out[r["project"]]) < per_project:
            out[r["project"]].append(r)
    return out


async def newest_signings(limit: int = 8) -> list[dict]:
    return await Project.select(*LIST_COLUMNS).where(Project.merged_into.is_null()).order_by(Project.signed_on, ascending=False).order_by(
        Project.id, ascending=False).limit(limit)


async def colours_by_lead() -> dict[int, dict[str, int]]:
    """Red and amber counts of active projects per lead officer."""
    rows = await Project.select(Project.lead_officer, Project.colour, Count(Project.id).as_alias("n")).where(
        Project.status == "active", Project.colour.is_in(["red", "amber"])
    ).group_by(Project.lead_officer, Project.colour)
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for r in rows:
        out[r["lead_officer"]][r["colour"]] = r["n"]
    return out
