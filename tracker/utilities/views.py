"""Utility connections (水电气热, plus network): the list, a project's connections, the figures."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import CurrentUser, can_edit_project, staff_only
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.i18n import N_
from tracker.org.tables import Department
from tracker.projects import queries as project_queries
from tracker.projects.tables import Project
from tracker.settings import today
from tracker.utilities import export, queries, rules
from tracker.web import Form, flash, int_or_none

EDIT_REFUSED = N_("Only the lead officer or a coordinator may update this project.")


def may_edit(user: CurrentUser, project: dict) -> bool:
    return can_edit_project(user, project)


async def _project(project_id: int) -> dict:
    project = await Project.select(Project.id, Project.name, Project.lead_officer, Project.status, Project.signed_on).where(
        Project.id == project_id).first()
    if not project:
        raise NotFoundException()
    return project


async def parse_fields(form: Form, project_id: int, exclude: int | None = None) -> queries.Fields | None:
    utility = form.choice("utility", rules.UTILITIES)
    providers = {p["id"] for p in await queries.providers()}
    provider = form.integer("provider", choices=providers)
    applied_on = form.date("applied_on", required=False)
    surveyed_on = form.date("surveyed_on", required=False)
    connected_on = form.date("connected_on", required=False)
    note = form.text("note", required=False, max_length=2000)
    if not form.errors.get("applied_on"):
        for problem in rules.check_connection(applied_on, surveyed_on, connected_on, today()):
            if not form.errors.get(problem[0]):
                form.error(*problem)
    if utility in rules.UTILITIES and await queries.exists_for(project_id, utility, exclude):
        form.error("utility", N_("This project already has a connection for this utility."))
    if not form.ok:
        return None
    return queries.Fields(utility, provider, applied_on, surveyed_on, connected_on, note)


async def form_context(project: dict, values: dict, errors: dict, connection: dict | None = None) -> dict:
    target, stretch = queries.targets()
    return {"project": project, "values": values, "errors": errors, "connection": connection, "utilities": rules.UTILITIES,
            "providers": await queries.providers(), "target": target, "stretch": stretch}


def values_of(row: dict) -> dict:
    out = {k: row.get(k) for k in ("utility", "provider", "applied_on", "surveyed_on", "connected_on", "note")}
    return {k: (v.isoformat() if isinstance(v, date) else ("" if v is None else v)) for k, v in out.items()}


class ProjectUtilityController(Controller):
    path = "/projects/{project_id:int}/utilities"
    guards = [staff_only]

    @get("/new")
    async def new(self, request: Request, project_id: int) -> Template:
        project = await _project(project_id)
        if not may_edit(request.user, project):
            raise PermissionDeniedException(EDIT_REFUSED)
        utility = request.query_params.get("utility")
        values = {"utility": utility if utility in rules.UTILITIES else ""}
        return Template("utilities/form.html", context=await form_context(project, values, {}))

    @post("/")
    async def create(self, request: Request, project_id: int) -> Response:
        project = await _project(project_id)
        if not may_edit(request.user, project):
            raise PermissionDeniedException(EDIT_REFUSED)
        data = await request.form()
        form = Form(data)
        fields = await parse_fields(form, project_id)
        if fields is None:
            return Template("utilities/form.html", context=await form_context(project, dict(data), form.errors), status_code=422)
        async with write_transaction():
            connection_id = await queries.create(project_id, fields, request.user.id)
            await project_queries.refresh_colours([project_id], today())
        flash(request, N_("Utility connection recorded."))
        return Redirect(f"/utilities/{connection_id}")


def _list_filter(q) -> queries.ListFilter:
    return queries.ListFilter(
        utility=q.get("utility") if q.get("utility") in rules.UTILITIES else "", provider=int_or_none(q.get("provider"), 1),
        district=int_or_none(q.get("district"), 1), project=int_or_none(q.get("project"), 1),
        state=q.get("state") if q.get("state") in ("open", "done", "late") else "")


class UtilityController(Controller):
    path = "/utilities"
    guards = [staff_only]

    @get("/")
    async def index(self, request: Request) -> Response:
        f = _list_filter(request.query_params)
        rows = await queries.listing(f, today(), await project_queries.load_calendar())
        target, stretch = queries.targets()
        if request.query_params.get("format") == "xlsx":
            return export.workbook_response(request, rows, target)
        return Template("utilities/index.html", context={
            "rows": rows, "f": f, "utilities": rules.UTILITIES, "providers": await queries.providers(),
            "districts": await Department.select(Department.id, Department.name).where(Department.kind == "district").order_by(Department.name),
            "target": target, "stretch": stretch, "params": dict(request.query_params),
        })

    @get("/figures")
    async def figures(self, request: Request) -> Template:
        rows = await queries.listing(queries.ListFilter(), today(), await project_queries.load_calendar())
        target, stretch = queries.targets()

        def by(key) -> list:
            return sorted(rules.figures(((key(r), r["clock"]) for r in rows), target, stretch), key=lambda g: str(g.key))

        return Template("utilities/figures.html", context={
            "by_utility": sorted(rules.figures(((r["utility"], r["clock"]) for r in rows), target, stretch),
                                 key=lambda g: rules.UTILITIES.index(g.key)),
            "by_provider": by(lambda r: r["provider_name"]), "by_district": by(lambda r: r["district_name"]),
            "late": [r for r in rows if not r["clock"].done and r["clock"].elapsed > target],
            "target": target, "stretch": stretch,
        })

    async def _detail(self, request: Request, connection_id: int, **extra) -> dict:
        connection = await queries.get(connection_id, today(), await project_queries.load_calendar())
        if not connection:
            raise NotFoundException()
        project = await _project(connection["project"])
        context = await form_context(project, values_of(connection), {}, connection)
        return {**context, "can_edit": may_edit(request.user, project), **extra}

    @get("/{connection_id:int}")
    async def show(self, request: Request, connection_id: int) -> Template:
        return Template("utilities/detail.html", context=await self._detail(request, connection_id))

    @post("/{connection_id:int}")
    async def update(self, request: Request, connection_id: int) -> Response:
        context = await self._detail(request, connection_id)
        if not context["can_edit"]:
            raise PermissionDeniedException(EDIT_REFUSED)
        connection = context["connection"]
        data = await request.form()
        form = Form(data)
        fields = await parse_fields(form, connection["project"], exclude=connection_id)
        version = form.version()
        if fields is None:
            context.update(values=dict(data), errors=form.errors)
            return Template("utilities/detail.html", context=context, status_code=422)
        try:
            async with write_transaction():
                await queries.update(connection, fields, version, request.user.id)
                await project_queries.refresh_colours([connection["project"]], today())
        except Conflict:
            context.update(values=dict(data), errors={"form": CONFLICT_MESSAGE})
            return Template("utilities/detail.html", context=context, status_code=409)
        flash(request, N_("Saved."))
        return Redirect(f"/utilities/{connection_id}")
