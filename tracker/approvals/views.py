"""Approval procedures and the agency service (代办): the list, the catalogue, a project's
procedures, returns for supplements, the figures, and the signed authorisation."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from tracker.approvals import export, queries, rules
from tracker.auth.roles import CurrentUser, can_edit_project, enterprise_only, managers_only, staff_only
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.i18n import N_
from tracker.org import queries as org_queries
from tracker.org.tables import Department, Officer
from tracker.projects import queries as project_queries
from tracker.projects import rules as project_rules
from tracker.projects.tables import Milestone, Project
from tracker.requests import files
from tracker.settings import get_settings, today
from tracker.web import Form, flash, int_or_none

EDIT_REFUSED = N_("Only the lead officer, the agent or a coordinator may update this procedure.")


def may_edit(user: CurrentUser, project: dict, procedure: dict | None = None) -> bool:
    if can_edit_project(user, project):
        return True
    return procedure is not None and user.officer_id is not None and procedure["agent"] == user.officer_id


async def _project(project_id: int) -> dict:
    project = await Project.select(Project.id, Project.name, Project.lead_officer, Project.status,
                                   Project.signed_on, Project.enterprise).where(Project.id == project_id).first()
    if not project:
        raise NotFoundException()
    return project


async def read_authorisation(form: Form) -> queries.Upload | None:
    """The signed authorisation: one PDF or image, judged by its content."""
    posted = form.data.get("authorisation")
    if not isinstance(posted, UploadFile) or not posted.filename:
        return None
    content = await posted.read()
    mime, problem = files.check(content, get_settings().upload_max_bytes)
    if problem:
        form.error("authorisation", problem)
        return None
    return queries.Upload(files.display_name(posted.filename, mime), mime, content)


def download(procedure: dict) -> Response:
    if not procedure["authorisation_file"]:
        raise NotFoundException()
    path = files.path_for(get_settings().upload_dir, procedure["authorisation_file"])
    if not path.is_file():
        raise NotFoundException()
    return Response(path.read_bytes(), media_type=procedure["authorisation_mime"], headers={
        "Content-Disposition": files.content_disposition(procedure["authorisation_name"]),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store",
    })


async def parse_fields(form: Form, project_id: int, types: dict[int, dict], current: dict | None = None) -> queries.Fields | None:
    """Every field checked one by one; the dates in order; the department must handle the procedure."""
    type_id = form.integer("procedure_type", choices=set(types))
    departments = {d["id"] for d in await Department.select(Department.id)}
    department = form.integer("department", choices=departments)
    milestones = {m["id"] for m in await Milestone.select(Milestone.id).where(Milestone.project == project_id)}
    milestone = form.integer("milestone", required=False, choices=milestones)
    limit = form.integer("time_limit_workdays", minimum=0, maximum=rules.TIME_LIMIT_MAX)
    officers = {o["id"] for o in await Officer.select(Officer.id).where(Officer.active == True)}  # noqa: E712
    if current and current.get("agent"):
        officers.add(current["agent"])
    agent = form.integer("agent", required=False, choices=officers)
    dates = {name: form.date(name, required=False) for name in ("authorised_on", "submitted_on", "accepted_on", "approved_on")}
    document_no = form.text("document_no", required=False, max_length=100)
    note = form.text("note", required=False, max_length=2000)
    if type_id in types and (problem := rules.check_department(department, types[type_id]["department"])):
        form.error(*problem)
    returns = [rules.Return(r["returned_on"], r["resubmitted_on"]) for r in (current or {}).get("returns", [])]
    for problem in rules.check_dates(dates["authorised_on"], dates["submitted_on"], dates["accepted_on"], dates["approved_on"],
                                     agent, today(), returns):
        if not form.errors.get(problem[0]):
            form.error(*problem)
    if dates["approved_on"] and not document_no:
        form.error("document_no", N_("Enter the document number of the approval."))
    if not form.ok:
        return None
    return queries.Fields(type_id, department, milestone, limit, agent, dates["authorised_on"], dates["submitted_on"],
                          dates["accepted_on"], dates["approved_on"], document_no, note)


async def form_context(project: dict, values: dict, errors: dict, procedure: dict | None = None) -> dict:
    return {
        "project": project, "values": values, "errors": errors, "procedure": procedure,
        "types": await queries.catalogue(active_only=procedure is None),
        "departments": await Department.select(Department.id, Department.name).where(
            Department.kind.is_in(["approval", "district", "park", "bureau"])).order_by(Department.name),
        "officers": await org_queries.officer_choices(),
        "milestones": await Milestone.select(Milestone.id, Milestone.name, Milestone.stage).where(
            Milestone.project == project["id"]).order_by(Milestone.seq),
    }


def values_of(row: dict) -> dict:
    out = {k: ("" if row.get(k) is None else row.get(k)) for k in (
        "procedure_type", "department", "milestone", "time_limit_workdays", "agent", "authorised_on", "submitted_on",
        "accepted_on", "approved_on", "document_no", "note")}
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in out.items()}


class ProjectApprovalController(Controller):
    path = "/projects/{project_id:int}/approvals"
    guards = [staff_only]

    @get("/new")
    async def new(self, request: Request, project_id: int) -> Template:
        project = await _project(project_id)
        if not may_edit(request.user, project):
            raise PermissionDeniedException(EDIT_REFUSED)
        values: dict = {}
        type_id = int_or_none(request.query_params.get("type"), 1)
        if type_id and (t := await queries.get_type(type_id)):
            values = {"procedure_type": t["id"], "department": t["department"], "time_limit_workdays": t["time_limit_workdays"]}
        return Template("approvals/form.html", context=await form_context(project, values, {}))

    @post("/")
    async def create(self, request: Request, project_id: int) -> Response:
        project = await _project(project_id)
        if not may_edit(request.user, project):
            raise PermissionDeniedException(EDIT_REFUSED)
        data = await request.form()
        form = Form(data)
        types = {t["id"]: t for t in await queries.catalogue(active_only=True)}
        fields = await parse_fields(form, project_id, types)
        upload = await read_authorisation(form)
        if fields is None or not form.ok:
            values = {k: v for k, v in dict(data).items() if isinstance(v, str)}
            return Template("approvals/form.html", context=await form_context(project, values, form.errors), status_code=422)
        async with write_transaction():
            procedure_id = await queries.create(project_id, fields, upload, request.user.id)
            await project_queries.refresh_colours([project_id], today())
        flash(request, N_("Procedure recorded."))
        return Redirect(f"/approvals/{procedure_id}")

    @post("/propose")
    async def propose(self, request: Request, project_id: int) -> Response:
        """Add the catalogue's usual procedures for this project's type."""
        project = await _project(project_id)
        if not may_edit(request.user, project):
            raise PermissionDeniedException(EDIT_REFUSED)
        async with write_transaction():
            added = await queries.propose(project_id, await queries.project_template_code(project_id), request.user.id)
        flash(request, N_("%(n)s usual procedures added."), n=added)
        return Redirect(f"/projects/{project_id}#project-approvals")


def _list_filter(q) -> queries.ListFilter:
    return queries.ListFilter(
        department=int_or_none(q.get("department"), 1), agent=int_or_none(q.get("agent"), 1),
        project=int_or_none(q.get("project"), 1), status=q.get("status") if q.get("status") in rules.STATUSES else "",
        overdue=q.get("overdue") == "1")


class ApprovalController(Controller):
    path = "/approvals"
    guards = [staff_only]

    @get("/")
    async def index(self, request: Request) -> Response:
        f = _list_filter(request.query_params)
        rows = await queries.listing(f, today(), await project_queries.load_calendar())
        if request.query_params.get("format") == "xlsx":
            return export.workbook_response(request, rows)
        return Template("approvals/index.html", context={
            "rows": rows, "f": f, "statuses": rules.STATUSES, "params": dict(request.query_params),
            "departments": await Department.select(Department.id, Department.name).where(
                Department.kind.is_in(["approval", "district", "park", "bureau"])).order_by(Department.name),
            "officers": await org_queries.officer_choices(),
        })

    @get("/figures")
    async def figures(self, request: Request) -> Template:
        rows = await queries.listing(queries.ListFilter(), today(), await project_queries.load_calendar())
        by_department = rules.figures((r["department_name"], r["clock"]) for r in rows)
        by_agent = rules.figures((r["agent_name"] or "", r["clock"]) for r in rows)
        return Template("approvals/figures.html", context={
            "by_department": sorted(by_department, key=lambda g: str(g.key)),
            "by_agent": sorted(by_agent, key=lambda g: (-g.procedures, str(g.key))),
            "overdue": [r for r in rows if r["clock"].overdue_by > 0],
        })

    # --- the catalogue -------------------------------------------------------------------

    async def _catalogue_page(self, values: dict, errors: dict, status: int = 200, editing: dict | None = None) -> Template:
        return Template("approvals/catalogue.html", status_code=status, context={
            "types": await queries.catalogue(), "values": values, "errors": errors, "editing": editing,
            "limit_kinds": rules.LIMIT_KINDS, "stages": project_rules.STAGES,
            "departments": await Department.select(Department.id, Department.name).where(
                Department.active == True, Department.kind.is_in(["approval", "district", "park", "bureau"])  # noqa: E712
            ).order_by(Department.name),
        })

    @get("/catalogue")
    async def catalogue(self, request: Request) -> Template:
        edit_id = int_or_none(request.query_params.get("edit"), 1)
        editing = await queries.get_type(edit_id) if edit_id else None
        values = dict(editing) if editing else {"limit_kind": "statutory", "active": True}
        return await self._catalogue_page(values, {}, editing=editing)

    @post("/catalogue", guards=[managers_only])
    async def save_type(self, request: Request) -> Response:
        data = await request.form()
        form = Form(data)
        type_id = form.integer("id", required=False, choices={t["id"] for t in await queries.catalogue()})
        departments = {d["id"] for d in await Department.select(Department.id).where(Department.active == True)}  # noqa: E712
        values = {
            "name": form.text("name", max_length=100),
            "department": form.integer("department", choices=departments),
            "time_limit_workdays": form.integer("time_limit_workdays", minimum=0, maximum=rules.TIME_LIMIT_MAX),
            "limit_kind": form.choice("limit_kind", rules.LIMIT_KINDS),
            "stage": form.choice("stage", project_rules.STAGES, required=False),
            "templates": form.text("templates", required=False, max_length=200),
            "seq": form.integer("seq", required=False, minimum=0, maximum=10000) or 0,
            "active": form.boolean("active"),
        }
        version = form.version() if type_id else 1
        editing = await queries.get_type(type_id) if type_id else None
        if not form.ok:
            return await self._catalogue_page(dict(data), form.errors, 422, editing)
        try:
            async with write_transaction():
                await queries.save_type(type_id, values, version, request.user.id)
        except Conflict:
            return await self._catalogue_page(dict(data), {"form": CONFLICT_MESSAGE}, 409, editing)
        flash(request, N_("Saved."))
        return Redirect("/approvals/catalogue")

    # --- one procedure -------------------------------------------------------------------

    async def _detail(self, request: Request, procedure_id: int, **extra) -> dict:
        procedure = await queries.get(procedure_id, today(), await project_queries.load_calendar())
        if not procedure:
            raise NotFoundException()
        project = await _project(procedure["project"])
        context = await form_context(project, values_of(procedure), {}, procedure)
        return {**context, "can_edit": may_edit(request.user, project, procedure), **extra}

    @get("/{procedure_id:int}")
    async def show(self, request: Request, procedure_id: int) -> Template:
        return Template("approvals/detail.html", context=await self._detail(request, procedure_id))

    async def _for_edit(self, request: Request, procedure_id: int) -> dict:
        context = await self._detail(request, procedure_id)
        if not context["can_edit"]:
            raise PermissionDeniedException(EDIT_REFUSED)
        return context

    async def _refused(self, request: Request, procedure_id: int, values: dict, errors: dict, status: int = 422) -> Template:
        context = await self._detail(request, procedure_id)
        context["values"].update(values)
        context["errors"] = errors
        return Template("approvals/detail.html", context=context, status_code=status)

    @post("/{procedure_id:int}")
    async def update(self, request: Request, procedure_id: int) -> Response:
        context = await self._for_edit(request, procedure_id)
        procedure = context["procedure"]
        data = await request.form()
        form = Form(data)
        types = {t["id"]: t for t in context["types"]}
        fields = await parse_fields(form, procedure["project"], types, procedure)
        upload = await read_authorisation(form)
        version = form.version()
        values = {k: v for k, v in dict(data).items() if isinstance(v, str)}
        if fields is None or not form.ok:
            return await self._refused(request, procedure_id, values, form.errors)
        try:
            async with write_transaction():
                await queries.update(procedure, fields, upload, version, request.user.id)
                await project_queries.refresh_colours([procedure["project"]], today())
        except Conflict:
            return await self._refused(request, procedure_id, values, {"form": CONFLICT_MESSAGE}, 409)
        flash(request, N_("Saved."))
        return Redirect(f"/approvals/{procedure_id}")

    @post("/{procedure_id:int}/returns")
    async def add_return(self, request: Request, procedure_id: int) -> Response:
        context = await self._for_edit(request, procedure_id)
        procedure = context["procedure"]
        form = Form(await request.form())
        returned_on = form.date("returned_on")
        reason = form.text("reason", max_length=2000)
        version = form.version()
        returns = [rules.Return(r["returned_on"], r["resubmitted_on"]) for r in procedure["returns"]]
        if problem := rules.check_return(procedure["accepted_on"], procedure["approved_on"], returns, returned_on, today()):
            form.error(*problem)
        if not form.ok:
            return await self._refused(request, procedure_id, {"returned_on": form.raw("returned_on"), "reason": reason}, form.errors)
        try:
            async with write_transaction():
                await queries.add_return(procedure, returned_on, reason, version, request.user.id)
                await project_queries.refresh_colours([procedure["project"]], today())
        except Conflict:
            return await self._refused(request, procedure_id, {}, {"form": CONFLICT_MESSAGE}, 409)
        flash(request, N_("Return for supplements recorded: the clock is stopped."))
        return Redirect(f"/approvals/{procedure_id}")

    @post("/{procedure_id:int}/resubmission")
    async def resubmit(self, request: Request, procedure_id: int) -> Response:
        context = await self._for_edit(request, procedure_id)
        procedure = context["procedure"]
        form = Form(await request.form())
        resubmitted_on = form.date("resubmitted_on")
        version = form.version()
        if not procedure["returns"] or procedure["returns"][-1]["resubmitted_on"] is not None:
            form.error("resubmitted_on", N_("The procedure is not waiting for supplements."))
        elif problem := rules.check_resubmission(procedure["returns"][-1]["returned_on"], resubmitted_on, today()):
            form.error(*problem)
        if not form.ok:
            return await self._refused(request, procedure_id, {"resubmitted_on": form.raw("resubmitted_on")}, form.errors)
        try:
            async with write_transaction():
                await queries.resubmit(procedure, resubmitted_on, version, request.user.id)
                await project_queries.refresh_colours([procedure["project"]], today())
        except Conflict:
            return await self._refused(request, procedure_id, {}, {"form": CONFLICT_MESSAGE}, 409)
        flash(request, N_("Resubmission accepted: the clock starts again from zero."))
        return Redirect(f"/approvals/{procedure_id}")

    @get("/{procedure_id:int}/authorisation")
    async def authorisation(self, request: Request, procedure_id: int) -> Response:
        procedure = await queries.get(procedure_id, today(), await project_queries.load_calendar())
        if not procedure:
            raise NotFoundException()
        return download(procedure)


class PortalApprovalController(Controller):
    """The enterprise downloads the authorisation it signed, for its own projects only."""

    path = "/portal/approvals"
    guards = [enterprise_only]

    @get("/{procedure_id:int}/authorisation")
    async def authorisation(self, request: Request, procedure_id: int) -> Response:
        procedure = await queries.get(procedure_id, today(), await project_queries.load_calendar())
        if not procedure or procedure["enterprise"] != request.user.enterprise_id:
            raise NotFoundException()
        return download(procedure)
