"""Merging two records of one project (/projects/<id>/merge, coordinators and admins)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import managers_only
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.duplicates import queries, rules
from tracker.i18n import N_
from tracker.projects import queries as project_queries
from tracker.settings import today
from tracker.web import Form, flash, int_or_none


async def _project(project_id: int | None) -> dict | None:
    return await project_queries.get_project(project_id) if project_id else None


class MergeController(Controller):
    path = "/projects/{project_id:int}/merge"
    guards = [managers_only]

    async def _context(self, project_id: int, other_id: int | None, keep: str, values: dict, errors: dict) -> dict:
        project = await _project(project_id)
        if project is None:
            raise NotFoundException()
        other = await _project(other_id)
        if other_id and other is None:
            errors.setdefault("other", N_("There is no project with this number."))
        survivor, absorbed = (project, other) if keep != "other" else (other, project)
        preview = await queries.merge_preview(survivor["id"], absorbed["id"]) if other and other["id"] != project["id"] else None
        problem = rules.merge_error(survivor, absorbed) if other else None
        found = await queries.candidates(project["name"], project["enterprise_code"], exclude=project_id) if not project["merged_into"] else []
        return {"project": project, "other": other, "keep": keep, "survivor": survivor if other else None, "absorbed": absorbed if other else None,
                "preview": preview, "problem": problem, "candidates": found, "why_words": rules.WHY, "values": values, "errors": errors,
                "merged_records": await queries.merged_records(project_id)}

    @get("/")
    async def form(self, request: Request, project_id: int) -> Template:
        q = request.query_params
        keep = "other" if q.get("keep") == "other" else "this"
        return Template("duplicates/merge.html", context=await self._context(project_id, int_or_none(q.get("other"), 1), keep, {}, {}))

    @post("/")
    async def merge(self, request: Request, project_id: int) -> Response:
        data = await request.form()
        form = Form(data)
        other_id = form.integer("other", minimum=1)
        keep = form.choice("keep", ("this", "other"))
        reason = form.text("reason", max_length=500)
        if not form.boolean("confirm"):
            form.error("confirm", N_("Tick the box to confirm the merge: it cannot be undone."))
        this_version, other_version = form.version("version"), form.version("other_version")
        if form.ok:
            project, other = await _project(project_id), await _project(other_id)
            if project is None:
                raise NotFoundException()
            if other is None:
                form.error("other", N_("There is no project with this number."))
        if form.ok:
            project["version"], other["version"] = this_version, other_version
            survivor, absorbed = (project, other) if keep == "this" else (other, project)
            try:
                async with write_transaction():
                    await queries.merge(survivor, absorbed, reason, request.user.id, today())
            except Conflict:
                form.error("form", CONFLICT_MESSAGE)
            except ValueError as refused:
                form.error("form", refused.args[0])
        if not form.ok:
            context = await self._context(project_id, other_id, keep or "this", dict(data), form.errors)
            return Template("duplicates/merge.html", context=context, status_code=409 if form.errors.get("form") == CONFLICT_MESSAGE else 422)
        flash(request, N_("The two records are merged: this project now holds everything of both."))
        return Redirect(f"/projects/{survivor['id']}")
