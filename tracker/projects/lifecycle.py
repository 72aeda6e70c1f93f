"""Lifecycle templates: reading them for project creation, and the admin's edits."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.audit.record import audit
from tracker.db import Conflict
from tracker.projects import rules
from tracker.projects.tables import LifecycleTemplate, Project, TemplateMilestone


async def templates(active_only: bool = True) -> list[dict]:
    query = LifecycleTemplate.select().order_by(LifecycleTemplate.id)
    if active_only:
        query = query.where(LifecycleTemplate.active == True)  # noqa: E712
    return await query


async def template_milestones(template_id: int) -> list[rules.MilestoneTemplate]:
    rows = await TemplateMilestone.select().where(TemplateMilestone.template == template_id).order_by(TemplateMilestone.seq)
    return [rules.MilestoneTemplate(r["stage"], r["name"], r["offset_workdays"], r["green_offset_workdays"], r["applies"]) for r in rows]


async def template_by_code(code: str) -> dict | None:
    return await LifecycleTemplate.select().where(LifecycleTemplate.code == code).first()


async def default_template_id() -> int | None:
    row = await template_by_code(rules.DEFAULT_TEMPLATE) or await LifecycleTemplate.select().order_by(LifecycleTemplate.id).first()
    return row["id"] if row else None


async def usage() -> dict[int, int]:
    """How many projects were created from each template."""
    from piccolo.query.methods.select import Count

    rows = await Project.select(Project.template, Count(Project.id).as_alias("n")).group_by(Project.template)
    return {r["template"]: r["n"] for r in rows if r["template"] is not None}


def _as_values(code: str, name: str, description: str, rows: list[rules.MilestoneTemplate]) -> dict:
    return {"code": code, "name": name, "description": description,
            "milestones": "; ".join(f"{r.stage}/{r.name}/{r.offset_workdays}/{r.green}/{int(r.applies)}" for r in rows)}


async def _replace_milestones(template_id: int, rows: list[rules.MilestoneTemplate]) -> None:
    await TemplateMilestone.delete().where(TemplateMilestone.template == template_id)
    await TemplateMilestone.insert(*[
        TemplateMilestone(template=template_id, seq=seq, stage=r.stage, name=r.name, offset_workdays=r.offset_workdays,
                          green_offset_workdays=r.green, applies=r.applies)
        for seq, r in enumerate(rows, start=1)
    ])


async def create_template(code: str, name: str, description: str, rows: list[rules.MilestoneTemplate], user_id: int | None) -> int:
    template_id = (await LifecycleTemplate.insert(LifecycleTemplate(
        code=code, name=name, description=description, updated_at=datetime.now(UTC))).returning(LifecycleTemplate.id))[0]["id"]
    await _replace_milestones(template_id, rows)
    await audit(user_id, "create", "lifecycle_template", template_id, _as_values(code, name, description, rows))
    return template_id


async def update_template(template: dict, name: str, description: str, active: bool, rows: list[rules.MilestoneTemplate],
                          version: int, user_id: int) -> None:
    """Change a template; projects already created keep their milestones (they were copied)."""
    updated = await LifecycleTemplate.update({
        LifecycleTemplate.name: name, LifecycleTemplate.description: description, LifecycleTemplate.active: active,
        LifecycleTemplate.version: LifecycleTemplate.version + 1, LifecycleTemplate.updated_at: datetime.now(UTC),
    }).where(LifecycleTemplate.id == template["id"], LifecycleTemplate.version == version).returning(LifecycleTemplate.id)
    if not updated:
        raise Conflict()
    before = _as_values(template["code"], template["name"], template["description"], await template_milestones(template["id"]))
    await _replace_milestones(template["id"], rows)
    after = _as_values(template["code"], name, description, rows)
    await audit(user_id, "update", "lifecycle_template", template["id"], {
        **{f"{k}_before": v for k, v in before.items() if v != after[k]},
        **{f"{k}_after": v for k, v in after.items() if v != before[k]},
        "active": active,
    })
