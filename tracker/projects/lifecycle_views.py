"""Lifecycle templates for admins (coordinators read them): the milestones a new project gets."""

from __future__ import annotations

import re

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import allow
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.i18n import N_
from tracker.projects import lifecycle, rules
from tracker.projects.tables import LifecycleTemplate
from tracker.web import Form, int_or_none

admins_only = allow("admin")
CODE = re.compile(r"[a-z0-9][a-z0-9_-]{1,29}")
BLANK_ROWS = 4


def parse_rows(form: Form) -> tuple[list[rules.MilestoneTemplate], dict[str, str]]:
    """The template's milestone rows from the form, skipping rows left blank, and every message
    about them keyed by the row as the form shows it (so a blank row in between moves nothing)."""
    count = int_or_none(form.raw("rows"), 0, rules.TEMPLATE_MAX_MILESTONES + BLANK_ROWS) or 0
    rows, shown_as = [], []
    for i in range(count):
        stage, name = form.raw(f"stage_{i}"), form.raw(f"mname_{i}")
        if not stage and not name:
            continue
        offset = form.integer(f"offset_{i}", minimum=0, maximum=5000)
        green = form.integer(f"green_{i}", required=False, minimum=0, maximum=5000)
        rows.append(rules.MilestoneTemplate(stage, name, offset if offset is not None else 0, green, form.boolean(f"applies_{i}")))
        shown_as.append(i)
    errors = {}
    for key, message in rules.check_template(form.raw("name"), rows).items():
        field, _, index = key.rpartition("_")
        errors[f"{field}_{shown_as[int(index)]}" if field and index.isdigit() else key] = message
    return rows, {**errors, **form.errors}


def as_values(template: dict | None, rows: list[rules.MilestoneTemplate]) -> dict:
    values: dict = {"code": template["code"] if template else "", "name": template["name"] if template else "",
                    "description": template["description"] if template else "", "active": template["active"] if template else True,
                    "version": template["version"] if template else ""}
    for i, r in enumerate(rows):
        values.update({f"stage_{i}": r.stage, f"mname_{i}": r.name, f"offset_{i}": r.offset_workdays, f"green_{i}": r.green,
                       f"applies_{i}": r.applies})
    return values


class TemplateController(Controller):
    path = "/admin/templates"
    guards = [allow("admin", "coordinator")]

    async def _context(self, template: dict | None, values: dict, errors: dict, shown: int) -> dict:
        """shown: how many rows the table has (the template's, and blank ones to add more)."""
        return {"template": template, "values": values, "errors": errors, "rows": shown, "stages": rules.STAGES}

    def _posted_rows(self, form: Form) -> int:
        return int_or_none(form.raw("rows"), 0, rules.TEMPLATE_MAX_MILESTONES + BLANK_ROWS) or BLANK_ROWS

    @get("/")
    async def index(self) -> Template:
        templates = await lifecycle.templates(active_only=False)
        counts = {t["id"]: len(await lifecycle.template_milestones(t["id"])) for t in templates}
        return Template("lifecycle/index.html", context={"templates": templates, "counts": counts, "usage": await lifecycle.usage()})

    @get("/new", guards=[admins_only])
    async def new(self) -> Template:
        default = await lifecycle.template_by_code(rules.DEFAULT_TEMPLATE)
        rows = await lifecycle.template_milestones(default["id"]) if default else list(rules.DEFAULT_LIFECYCLE)
        values = {**as_values(None, rows), "name": ""}
        return Template("lifecycle/form.html", context=await self._context(None, values, {}, len(rows) + BLANK_ROWS))

    @post("/", guards=[admins_only])
    async def create(self, request: Request) -> Response:
        data = await request.form()
        form = Form(data)
        code = form.text("code", max_length=30)
        name = form.text("name", max_length=100)
        description = form.text("description", required=False, max_length=500)
        if code and not CODE.fullmatch(code):
            form.error("code", N_("Use 2 to 30 lowercase letters, digits, dashes or underscores."))
        elif code and await lifecycle.template_by_code(code):
            form.error("code", N_("A template with this code exists already."))
        rows, errors = parse_rows(form)
        if errors:
            return Template("lifecycle/form.html", context=await self._context(None, dict(data), errors, self._posted_rows(form)),
                            status_code=422)
        async with write_transaction():
            template_id = await lifecycle.create_template(code, name, description, rows, request.user.id)
        return Redirect(f"/admin/templates/{template_id}")

    async def _template(self, template_id: int) -> dict:
        template = await LifecycleTemplate.select().where(LifecycleTemplate.id == template_id).first()
        if not template:
            raise NotFoundException()
        return template

    @get("/{template_id:int}")
    async def show(self, template_id: int) -> Template:
        template = await self._template(template_id)
        rows = await lifecycle.template_milestones(template_id)
        return Template("lifecycle/form.html", context=await self._context(template, as_values(template, rows), {}, len(rows) + BLANK_ROWS))

    @post("/{template_id:int}", guards=[admins_only])
    async def update(self, request: Request, template_id: int) -> Response:
        template = await self._template(template_id)
        data = await request.form()
        form = Form(data)
        name = form.text("name", max_length=100)
        description = form.text("description", required=False, max_length=500)
        active = form.boolean("active")
        version = form.version()
        rows, errors = parse_rows(form)
        if errors:
            return Template("lifecycle/form.html", context=await self._context(template, dict(data), errors, self._posted_rows(form)),
                            status_code=422)
        try:
            async with write_transaction():
                await lifecycle.update_template(template, name, description, active, rows, version, request.user.id)
        except Conflict:
            fresh = await self._template(template_id)
            context = await self._context(fresh, {**dict(data), "version": fresh["version"]}, {"form": CONFLICT_MESSAGE}, self._posted_rows(form))
            return Template("lifecycle/form.html", context=context, status_code=409)
        return Redirect(f"/admin/templates/{template_id}?saved=1")
