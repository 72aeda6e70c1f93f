"""Promise pages: record, fulfil, countersign on the enterprise's behalf, the register, credibility."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import CurrentUser, can_edit_project, staff_only
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.excel import exports
from tracker.i18n import N_
from tracker.listing import paginate, parse_page, parse_sort, query_without, sort_rows
from tracker.org import queries as org_queries
from tracker.org.queries import active_departments
from tracker.org.tables import Department, Officer
from tracker.projects import queries as project_queries
from tracker.projects.tables import Milestone, Project
from tracker.promises import queries, rules
from tracker.savedviews.views import views_for
from tracker.settings import get_settings, today
from tracker.web import Form, flash, int_or_none


def may_edit(user: CurrentUser, project: dict, promise: dict | None = None) -> bool:
    """Coordinators, the project's lead officer, and the officer responsible for the promise."""
    if can_edit_project(user, project):
        return True
    return promise is not None and user.officer_id is not None and promise["officer"] == user.officer_id


async def _project(project_id: int) -> dict:
    project = await Project.select(Project.id, Project.name, Project.lead_officer, Project.status, Project.signed_on).where(
        Project.id == project_id
    ).first()
    if not project:
        raise NotFoundException()
    return project


class ProjectPromiseController(Controller):
    path = "/projects/{project_id:int}/promises"
    guards = [staff_only]

    async def _context(self, project: dict, values: dict, errors: dict) -> dict:
        return {
            "project": project, "values": values, "errors": errors, "categories": rules.CATEGORIES, "sources": rules.SOURCES,
            "templates": rules.TEMPLATES,
            "departments": await active_departments(),
            "officers": await org_queries.officer_choices(),
            "milestones": await Milestone.select(Milestone.id, Milestone.name, Milestone.stage, Milestone.actual_on).where(
                Milestone.project == project["id"]
            ).order_by(Milestone.seq),
        }

    @get("/new")
    async def new(self, request: Request, project_id: int) -> Template:
        project = await _project(project_id)
        if not may_edit(request.user, project):
            raise PermissionDeniedException(N_("Only the lead officer or a coordinator may update this project."))
        values = {"promised_on": today().isoformat(), "due_kind": "fixed", "source": "contract"}
        key = request.query_params.get("template")
        template = next((t for t in rules.TEMPLATES if t.key == key), None)
        if template:
            trigger = await Milestone.select(Milestone.id).where(Milestone.project == project_id, Milestone.stage == template.trigger_stage).first()
            values.update(content=template.content, category=template.category, due_kind="after_milestone",
                          due_workdays=template.due_workdays, target_workdays=template.target_workdays or "",
                          trigger_milestone=trigger["id"] if trigger else "")
        return Template("promises/form.html", context=await self._context(project, values, {}))

    @post("/")
    async def create(self, request: Request, project_id: int) -> Response:
        project = await _project(project_id)
        if not may_edit(request.user, project):
            raise PermissionDeniedException(N_("Only the lead officer or a coordinator may update this project."))
        data = await request.form()
        form = Form(data)
        content = form.text("content", max_length=2000)
        category = form.choice("category", rules.CATEGORIES)
        source = form.choice("source", rules.SOURCES)
        source_ref = form.text("source_ref", required=False, max_length=100)
        legal_basis = form.text("legal_basis", required=False, max_length=2000)
        departments = {d["id"] for d in await Department.select(Department.id).where(Department.active == True)}  # noqa: E712
        officers = {o["id"] for o in await Officer.select(Officer.id).where(Officer.active == True)}  # noqa: E712
        department = form.integer("department", choices=departments)
        officer = form.integer("officer", choices=officers)
        amount = form.decimal("amount", required=False)
        promised_on = form.date("promised_on")
        due_kind = form.choice("due_kind", ("fixed", "after_milestone"))
        fixed_due_on = due_workdays = target = trigger = None
        if due_kind == "fixed":
            fixed_due_on = form.date("due_on")
        elif due_kind == "after_milestone":
            due_workdays = form.integer("due_workdays", minimum=1, maximum=rules.DUE_WORKDAYS_MAX)
            target = form.integer("target_workdays", required=False, minimum=1, maximum=rules.DUE_WORKDAYS_MAX)
            trigger = form.integer("trigger_milestone")
            if trigger and not await Milestone.exists().where(Milestone.id == trigger, Milestone.project == project_id):
                form.error("trigger_milestone", N_("This milestone belongs to another project."))
        if form.ok and (problem := rules.check_promise(promised_on, fixed_due_on, amount, today())):
            form.error(*problem)
        if not form.ok:
            return Template("promises/form.html", context=await self._context(project, dict(data), form.errors), status_code=422)
        async with write_transaction():
            promise_id = await queries.create(
                queries.NewPromise(project_id, content, category, source, source_ref, legal_basis, department, officer, amount,
                                   promised_on, due_kind, fixed_due_on, due_workdays, target, trigger),
                request.user.id, await project_queries.load_calendar(),
            )
            await project_queries.refresh_colours([project_id], today())
        flash(request, N_("Promise recorded."))
        return Redirect(f"/promises/{promise_id}")


# The register's sort keys (missing values last).
SORTS = {
    "due": lambda r: r["due_on"], "project": lambda r: r["project_name"], "department": lambda r: r["department_name"],
    "status": lambda r: rules.STATUSES.index(r["status"]), "amount": lambda r: r["amount"],
    "category": lambda r: rules.CATEGORIES.index(r["category"]),
}


class PromiseController(Controller):
    path = "/promises"
    guards = [staff_only]

    @get("/")
    async def index(self, request: Request) -> Response:
        if exports.wants_xlsx(request):
            return await exports.promises(request, SORTS)
        q = request.query_params

        def as_int(name: str) -> int | None:
            return int_or_none(q.get(name))

        f = queries.RegisterFilter(
            department=as_int("department"), category=q.get("category") if q.get("category") in rules.CATEGORIES else "",
            status=q.get("status") if q.get("status") in rules.STATUSES else "", overdue=q.get("overdue") == "1",
            project=as_int("project"), due_within=int_or_none(q.get("due_within"), 0, rules.DUE_WORKDAYS_MAX),
        )
        rows = await queries.register(f, today(), await project_queries.load_calendar())
        sorting = parse_sort(q.get("sort"), SORTS, "due")
        page = paginate(sort_rows(rows, sorting, SORTS), parse_page(q.get("page")), get_settings().page_size)
        params = query_without(dict(q), "page", "sort")
        return Template("promises/register.html", context={
            "rows": page.rows, "page": page, "sorting": sorting, "params": params,
            "saved_views_list": await views_for(request.user.id, "promises"),
            "f": f, "categories": rules.CATEGORIES, "statuses": rules.STATUSES,
            "departments": await Department.select(Department.id, Department.name).order_by(Department.name),
        })

    @get("/credibility")
    async def credibility(self, request: Request) -> Response:
        if exports.wants_xlsx(request):
            return await exports.credibility(request)
        calendar = await project_queries.load_calendar()
        rows = await queries.register(queries.RegisterFilter(), today(), calendar)
        sort = request.query_params.get("sort", "on_time_rate")
        sort = sort if sort in queries.RANKINGS else "on_time_rate"
        records, names = await queries.credibility_ranking(rows, today(), sort)
        facts = queries.facts(rows)
        threshold = get_settings().breach_overdue_workdays
        breaches = [r for r, fact in zip(rows, facts) if rules.is_breach(fact, today(), calendar, threshold)]
        return Template("promises/credibility.html", context={
            "records": records, "names": names, "sort": sort, "breaches": breaches,
            "threshold": threshold,
        })

    async def _detail(self, request: Request, promise_id: int, **extra) -> dict:
        promise = await queries.get(promise_id)
        if not promise:
            raise NotFoundException()
        calendar = await project_queries.load_calendar()
        project = await _project(promise["project"])
        return {
            "promise": queries.annotate([promise], today(), calendar)[0], "project": project,
            "fulfilments": await queries.fulfilments(promise_id), "can_edit": may_edit(request.user, project, promise),
            "next_statuses": rules.TRANSITIONS[promise["status"]], "errors": {}, "values": {}, **extra,
        }

    @get("/{promise_id:int}")
    async def show(self, request: Request, promise_id: int) -> Template:
        return Template("promises/detail.html", context=await self._detail(request, promise_id))

    async def _for_edit(self, request: Request, promise_id: int) -> dict:
        context = await self._detail(request, promise_id)
        if not context["can_edit"]:
            raise PermissionDeniedException(N_("Only the lead officer, the responsible officer or a coordinator may update this promise."))
        return context

    async def _refused(self, request: Request, promise_id: int, data, errors: dict, status: int = 422) -> Template:
        return Template("promises/detail.html", context=await self._detail(request, promise_id, values=dict(data), errors=errors), status_code=status)

    @post("/{promise_id:int}/fulfilments")
    async def add_fulfilment(self, request: Request, promise_id: int) -> Response:
        context = await self._for_edit(request, promise_id)
        promise = context["promise"]
        data = await request.form()
        form = Form(data)
        delivered_on = form.date("delivered_on")
        description = form.text("description", max_length=2000)
        amount = form.decimal("amount", required=False, minimum=0)
        delivered_by = form.text("delivered_by", required=False, max_length=100)
        corrects = form.integer("corrects", required=False, choices={f["id"] for f in context["fulfilments"]})
        if delivered_on and delivered_on > today():
            form.error("delivered_on", N_("The delivery date cannot be in the future."))
        if delivered_on and delivered_on < promise["promised_on"]:
            form.error("delivered_on", N_("The delivery date cannot be before the promise date."))
        if promise["status"] == "withdrawn":
            form.error("description", N_("A withdrawn promise takes no fulfilment."))
        if not form.ok:
            return await self._refused(request, promise_id, data, form.errors)
        async with write_transaction():
            await queries.add_fulfilment(promise, delivered_on, description, amount, delivered_by, corrects, request.user.id)
        flash(request, N_("Fulfilment recorded."))
        return Redirect(f"/promises/{promise_id}#fulfilments")

    @post("/{promise_id:int}/status")
    async def change_status(self, request: Request, promise_id: int) -> Response:
        context = await self._for_edit(request, promise_id)
        promise = context["promise"]
        data = await request.form()
        form = Form(data)
        new = form.choice("status", rules.STATUSES)
        version = form.version()
        fields = {
            "status_reason": form.text("status_reason", required=False, max_length=2000),
            "remedy_plan": form.text("remedy_plan", required=False, max_length=2000),
            "remedy_due_on": form.date("remedy_due_on", required=False),
            "explanation": form.text("explanation", required=False, max_length=2000),
            "settled_on": form.date("settled_on", required=False),
        }
        if form.ok and (problem := rules.check_transition(promise["status"], new, today(), fields["status_reason"],
                                                          fields["remedy_plan"], fields["remedy_due_on"], fields["explanation"])):
            form.error(*problem)
        if form.ok and fields["settled_on"] and (fields["settled_on"] > today() or fields["settled_on"] < promise["promised_on"]):
            form.error("settled_on", N_("The date must be between the promise date and today."))
        if not form.ok:
            return await self._refused(request, promise_id, data, form.errors)
        try:
            async with write_transaction():
                await queries.change_status(promise, new, fields, version, request.user.id, today())
                await project_queries.refresh_colours([promise["project"]], today())
        except Conflict:
            return await self._refused(request, promise_id, data, {"form": CONFLICT_MESSAGE}, 409)
        flash(request, N_("Status saved."))
        return Redirect(f"/promises/{promise_id}")

    @post("/{promise_id:int}/answer")
    async def answer_on_behalf(self, request: Request, promise_id: int) -> Response:
        """Staff record the enterprise's countersign on its behalf (until the portal has its screens)."""
        context = await self._for_edit(request, promise_id)
        promise = context["promise"]
        data = await request.form()
        form = Form(data)
        answer = form.choice("answer", rules.ANSWERS)
        reason = form.text("answer_reason", required=False, max_length=2000)
        version = form.version()
        if form.ok and (problem := rules.check_answer(promise["status"], answer, reason)):
            form.error(*problem)
        if not form.ok:
            return await self._refused(request, promise_id, data, form.errors)
        try:
            async with write_transaction():
                await queries.record_answer(promise, answer, reason, version, request.user.id, on_behalf=True)
                await project_queries.refresh_colours([promise["project"]], today())
        except Conflict:
            return await self._refused(request, promise_id, data, {"form": CONFLICT_MESSAGE}, 409)
        flash(request, N_("Countersign recorded."))
        return Redirect(f"/promises/{promise_id}")


