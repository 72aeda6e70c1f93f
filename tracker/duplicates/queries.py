"""Likely duplicates of a project being created or edited, and merging two records of one project."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tracker.audit.record import audit
from tracker.db import Conflict
from tracker.duplicates import rules
from tracker.i18n import N_
from tracker.liaison.tables import Assignment, Handover
from tracker.meetings.tables import ActionItem, AgendaItem
from tracker.org.tables import Enterprise
from tracker.projects import queries as project_queries
from tracker.projects.rules import STAGES, derive_stage
from tracker.projects.tables import Milestone, MilestoneChange, Project
from tracker.promises import queries as promise_queries
from tracker.promises.tables import Promise
from tracker.requests.tables import EnterpriseRequest
from tracker.web import Form

# The form field by which the user says "this is a different project" after seeing the candidates.
CONFIRM_FIELD = "different_project"


async def index(exclude: int | None = None) -> rules.Index:
    """Every project that is not itself merged away, by enterprise code and by name key."""
    query = Project.select(Project.id, Project.name, Project.status, Project.enterprise.credit_code.as_alias("code"),
                           Project.enterprise.name.as_alias("enterprise_name")).where(Project.merged_into.is_null())
    if exclude is not None:
        query = query.where(Project.id != exclude)
    return rules.Index(rules.Known(p["id"], p["name"], rules.name_key(p["name"]), p["code"], p["enterprise_name"], p["status"])
                       for p in await query)


async def candidates(name: str, credit_code: str, exclude: int | None = None) -> list[rules.Candidate]:
    return (await index(exclude)).likely(rules.name_key(name), credit_code)


async def check_form(form: Form, name: str, enterprise_id: int | None = None, credit_code: str = "",
                     project: dict | None = None) -> list[dict]:
    """The create and edit forms' check: likely duplicates of the name and enterprise typed. When
    there are some and the user has not yet said "a different project" (CONFIRM_FIELD), a form
    error stops the save and the form shows the candidates. On edit (project given) only a change
    of name or enterprise is checked."""
    if not form.ok or not name:
        return []
    if project is not None and rules.name_key(name) == rules.name_key(project["name"]) and enterprise_id == project["enterprise"]:
        return []
    if enterprise_id and not credit_code:
        row = await Enterprise.select(Enterprise.credit_code).where(Enterprise.id == enterprise_id).first()
        credit_code = row["credit_code"] if row else ""
    found = await candidates(name, credit_code, exclude=project["id"] if project else None)
    if found and not form.boolean(CONFIRM_FIELD):
        form.error(CONFIRM_FIELD, N_("This looks like a project that is already recorded. Open it if it is the same project; "
                                     "tick the box if it is a different one."))
    return [{"id": c.known.id, "name": c.known.name, "enterprise": c.known.enterprise_name, "code": c.known.enterprise_code,
             "status": c.known.status, "why": rules.WHY[c.why]} for c in found]


# --- merging --------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


async def merge_preview(survivor_id: int, absorbed_id: int) -> dict:
    """What a merge would move, for the confirmation page."""
    milestones = {pid: await Milestone.select(Milestone.id, Milestone.stage, Milestone.seq, Milestone.name, Milestone.actual_on,
                                              Milestone.not_applicable).where(Milestone.project == pid).order_by(Milestone.seq)
                  for pid in (survivor_id, absorbed_id)}
    not_applicable, _order = rules.milestone_plan(milestones[survivor_id], milestones[absorbed_id], STAGES)
    survivor_done = {m["stage"] for m in milestones[survivor_id] if m["actual_on"] is not None or m["not_applicable"]}
    return {
        "promises": await Promise.count().where(Promise.project == absorbed_id),
        "requests": await EnterpriseRequest.count().where(EnterpriseRequest.project == absorbed_id),
        "action_items": await ActionItem.count().where(ActionItem.project == absorbed_id),
        "agenda_items": await AgendaItem.count().where(AgendaItem.project == absorbed_id),
        "assignments": await Assignment.count().where(Assignment.project == absorbed_id),
        "handovers": await Handover.count().where(Handover.project == absorbed_id),
        "pending_handovers": await Handover.count().where(Handover.project == absorbed_id, Handover.accepted_at.is_null()),
        "milestones": len(milestones[absorbed_id]),
        "not_applicable": len(not_applicable),
        # Stages done in the absorbed record but open on the survivor: the survivor does not take
        # them over by itself (its own dates stand); the coordinator records them after the merge.
        "done_only_there": [m for m in milestones[absorbed_id] if m["actual_on"] is not None and m["stage"] not in survivor_done],
    }


async def merge(survivor: dict, absorbed: dict, reason: str, user_id: int, today: date) -> None:
    """Merge `absorbed` into `survivor`; call inside a write transaction. Raises Conflict when
    either changed since the page was built (their versions), ValueError with a message id when
    the rules refuse.

    What moves to the survivor: milestones with their change history (those of a stage the
    survivor has are marked "does not apply", reason merged), promises (a clock started by a
    milestone that stops applying is moved to the survivor's milestone of that stage), enterprise
    requests, meeting agenda items and action items, role assignments and handovers (the
    absorbed record's active assignments end today, so each role keeps one active holder).
    The absorbed record keeps its colour history and its own audit trail (append-only); it is
    cancelled with the reason, points at the survivor and is never deleted. A merge event is
    audited on both.
    """
    if problem := rules.merge_error(survivor, absorbed):
        raise ValueError(problem)
    if await Handover.exists().where(Handover.project == absorbed["id"], Handover.accepted_at.is_null()):
        raise ValueError(N_("The other record has a handover waiting for acceptance: settle it first."))
    for p in (survivor, absorbed):
        updated = await Project.update({Project.version: Project.version + 1, Project.updated_at: _now()}).where(
            Project.id == p["id"], Project.version == p["version"], Project.merged_into.is_null()).returning(Project.id)
        if not updated:
            raise Conflict()
    sid, aid = survivor["id"], absorbed["id"]
    columns = (Milestone.id, Milestone.stage, Milestone.seq, Milestone.actual_on, Milestone.not_applicable)
    own = await Milestone.select(*columns).where(Milestone.project == sid)
    theirs = await Milestone.select(*columns).where(Milestone.project == aid)
    not_applicable, order = rules.milestone_plan(own, theirs, STAGES)
    merged_reason = f"合并：与项目#{sid}重复登记 / merged: duplicate of project #{sid}"
    await Milestone.update({Milestone.project: sid, Milestone.version: Milestone.version + 1}).where(Milestone.project == aid)
    if not_applicable:
        await Milestone.update({Milestone.not_applicable: True, Milestone.na_reason: merged_reason}).where(Milestone.id.is_in(not_applicable))
        await MilestoneChange.insert(*[MilestoneChange(milestone=mid, kind="not_applicable", reason=merged_reason, user=user_id, at=_now())
                                       for mid in not_applicable])
    for milestone_id, seq in order:
        await Milestone.update({Milestone.seq: seq}).where(Milestone.id == milestone_id)
    # Promises whose clock a no-longer-applying milestone would start: the survivor's milestone of that stage starts it.
    first_of_stage: dict[str, int] = {}
    for m in sorted(own, key=lambda m: m["seq"]):
        first_of_stage.setdefault(m["stage"], m["id"])
    stage_of = {m["id"]: m["stage"] for m in theirs}
    for mid in not_applicable:
        await Promise.update({Promise.trigger_milestone: first_of_stage[stage_of[mid]]}).where(
            Promise.project == aid, Promise.trigger_milestone == mid)
    moved = {
        "promises": await Promise.update({Promise.project: sid}).where(Promise.project == aid).returning(Promise.id),
        "requests": await EnterpriseRequest.update({EnterpriseRequest.project: sid}).where(EnterpriseRequest.project == aid).returning(EnterpriseRequest.id),
        "agenda_items": await AgendaItem.update({AgendaItem.project: sid}).where(AgendaItem.project == aid).returning(AgendaItem.id),
        "action_items": await ActionItem.update({ActionItem.project: sid}).where(ActionItem.project == aid).returning(ActionItem.id),
    }
    ended = await Assignment.update({Assignment.active: False, Assignment.ended_on: today}).where(
        Assignment.project == aid, Assignment.active == True).returning(Assignment.id)  # noqa: E712
    moved["assignments"] = await Assignment.update({Assignment.project: sid}).where(Assignment.project == aid).returning(Assignment.id)
    moved["handovers"] = await Handover.update({Handover.project: sid}).where(Handover.project == aid).returning(Handover.id)
    await Project.update({
        Project.merged_into: sid, Project.merge_reason: reason, Project.status: "cancelled",
        Project.status_reason: f"合并至项目#{sid} / merged into project #{sid}: {reason}",
    }).where(Project.id == aid)
    counts = {k: len(v) for k, v in moved.items()}
    await audit(user_id, "merge", "project", sid, {"absorbed": aid, "absorbed_name": absorbed["name"], "reason": reason,
                                                    "milestones": len(theirs), "not_applicable": len(not_applicable),
                                                    "assignments_ended": len(ended), **counts})
    await audit(user_id, "merged_into", "project", aid, {"survivor": sid, "survivor_name": survivor["name"], "reason": reason,
                                                          "status_before": absorbed["status"]})
    # The survivor's stage and colour from its milestones and promises now, by the usual rules.
    rows = await Milestone.select(Milestone.stage, Milestone.actual_on, Milestone.not_applicable).where(Milestone.project == sid)
    stage = derive_stage((r["stage"], r["actual_on"] is not None or r["not_applicable"]) for r in rows)
    await Project.update({Project.stage: stage}).where(Project.id == sid)
    calendar = await project_queries.load_calendar()
    await promise_queries.recompute_due_dates(calendar)
    await project_queries.refresh_colours([sid], today, calendar)


async def merged_into(project_id: int) -> int | None:
    row = await Project.select(Project.merged_into).where(Project.id == project_id).first()
    return row["merged_into"] if row else None


async def merged_records(project_id: int) -> list[dict]:
    """The records merged into this project (for its page and history)."""
    return await Project.select(Project.id, Project.name, Project.merge_reason).where(Project.merged_into == project_id).order_by(Project.id)
