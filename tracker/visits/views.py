"""Visits (回访): the list of recent and overdue visits, recording a visit on a project, one visit,
and turning something the enterprise raised into a request."""

from __future__ import annotations

from datetime import date, timedelta

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import STAFF, allow, staff_only
from tracker.calendar.queries import load_calendar
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.i18n import N_
from tracker.org.tables import Department
from tracker.projects.tables import Project
from tracker.requests import rules as request_rules
from tracker.settings import today
from tracker.visits import export, queries, rules
from tracker.web import DATE_MAX, DATE_MIN, Form, flash, ids_of, int_or_none

OVERDUE_SHOWN = 10
RECENT_DAYS = 90


async def _project(project_id: int) -> dict:
    project = await Project.select(Project.id, Project.name, Project.enterprise, Project.signed_on, Project.status,
                                   Project.lead_officer, Project.level).where(Project.id == project_id).first()
    if not project or project["status"] == "merged":
        raise NotFoundException()
    return project


def _date_param(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is None or DATE_MIN <= day <= DATE_MAX else None


def _list_filter(q) -> queries.ListFilter:
    return queries.ListFilter(
        project=int_or_none(q.get("project"), 1), enterprise=int_or_none(q.get("enterprise"), 1),
        officer=int_or_none(q.get("officer"), 1), district=int_or_none(q.get("district"), 1),
        mode=q.get("mode") if q.get("mode") in rules.MODES else "",
        start=_date_param(q.get("start")), end=_date_param(q.get("end")), overdue=q.get("overdue") == "1")


async def _districts() -> list[dict]:
    return await Department.select(Department.id, Department.name).where(Department.kind == "district").order_by(Department.name)


class VisitController(Controller):
    path = "/visits"
    guards = [staff_only]

    @get("/")
    async def index(self, request: Request) -> Response:
        f = _list_filter(request.query_params)
        day = today()
        if not (f.start or f.end or f.project or f.enterprise or f.overdue):
            f.start = day - timedelta(days=RECENT_DAYS)
        visits = [] if f.overdue else await queries.listing(f)
        if f.overdue or request.query_params.get("format") == "xlsx":
            overdue = await queries.overdue(day, district=f.district)
            overdue_total = len(overdue)
        else:  # the ten most overdue beside the recent visits, without reading every overdue project
            overdue, overdue_total = await queries.overdue_capped(day, OVERDUE_SHOWN, district=f.district)
        if request.query_params.get("format") == "xlsx":
            return export.workbook_response(request, visits, overdue, f.overdue)
        return Template("visits/index.html", context={
            "f": f, "visits": visits, "overdue": overdue, "overdue_total": overdue_total,
            "params": dict(request.query_params), "districts": await _districts(), "officers": await queries.visitor_choices(),
            "modes": rules.MODES, "recent_days": RECENT_DAYS, "plan": queries.plan(),
        })

    @get("/{visit_id:int}")
    async def show(self, request: Request, visit_id: int) -> Template:
        return await self._page(visit_id, {}, {})

    async def _page(self, visit_id: int, values: dict, errors: dict, status: int = 200) -> Template:
        visit = await queries.get(visit_id)
        if not visit:
            raise NotFoundException()
        return Template("visits/detail.html", status_code=status, context={
            "visit": visit, "values": values, "errors": errors, "categories": request_rules.CATEGORIES})

    # As on the request pages, leaders read requests but do not raise them.
    @post("/{visit_id:int}/items/{item_id:int}/request", guards=[allow(*[r for r in STAFF if r != "leader"])])
    async def item_to_request(self, request: Request, visit_id: int, item_id: int) -> Response:
        visit = await queries.get(visit_id)
        item = next((i for i in (visit or {}).get("items", []) if i["id"] == item_id), None)
        if not visit or not item:
            raise NotFoundException()
        form = Form(await request.form())
        category = form.choice("category", request_rules.CATEGORIES)
        version = form.version()
        if item["request"] is not None:
            form.error("category", N_("This item is already a request."))
        if not form.ok:
            return await self._page(visit_id, {"item": item_id}, form.errors, 422)
        try:
            async with write_transaction():
                request_id = await queries.item_to_request(visit, item, category, version, request.user.id, today(),
                                                           await load_calendar())
        except Conflict:
            return await self._page(visit_id, {}, {"form": CONFLICT_MESSAGE}, 409)
        flash(request, N_("Request raised from the visit."))
        return Redirect(f"/requests/{request_id}")


class ProjectVisitController(Controller):
    path = "/projects/{project_id:int}/visits"
    guards = [staff_only]

    async def _form(self, project: dict, values: dict, errors: dict, status: int = 200) -> Template:
        return Template("visits/form.html", status_code=status, context={
            "project": project, "values": values, "errors": errors, "modes": rules.MODES,
            "officers": await queries.visitor_choices(), "max_items": rules.MAX_ITEMS})

    @get("/new")
    async def new(self, request: Request, project_id: int) -> Template:
        project = await _project(project_id)
        officers = [request.user.officer_id] if request.user.officer_id else []
        return await self._form(project, {"visited_on": today().isoformat(), "mode": "on_site", "officers": officers}, {})

    @post("/")
    async def create(self, request: Request, project_id: int) -> Response:
        project = await _project(project_id)
        data = await request.form()
        form = Form(data)
        day = today()
        visited_on = form.date("visited_on")
        mode = form.choice("mode", rules.MODES)
        choices = {o["id"] for o in await queries.visitor_choices()}
        officers = list(dict.fromkeys(ids_of(data.getall("officers", []) if hasattr(data, "getall") else [])))
        if not officers:
            form.error("officers", N_("Choose who went."))
        elif any(o not in choices for o in officers):
            form.error("officers", N_("This choice is not valid."))
        summary = form.text("summary", required=False, max_length=4000)
        follow_up_on = form.date("follow_up_on", required=False)
        raw_items = [v for v in (data.getall("items", []) if hasattr(data, "getall") else []) if isinstance(v, str)]
        items = rules.clean_items(raw_items)
        if len(items) > rules.MAX_ITEMS:
            form.error("items", N_("Too many items."))
        elif any(len(t) > 2000 for t in items):
            form.error("items", N_("This text is too long."))
        for name, message in rules.check_visit(visited_on, project["signed_on"], day, follow_up_on):
            form.error(name, message)
        if not form.ok:
            values = {k: v for k, v in dict(data).items() if isinstance(v, str)}
            values.update(officers=officers, items=raw_items)
            return await self._form(project, values, form.errors, 422)
        async with write_transaction():
            visit_id = await queries.create(project, queries.NewVisit(visited_on, mode, officers, summary, follow_up_on, items),
                                            request.user.id)
        flash(request, N_("Visit recorded."))
        return Redirect(f"/visits/{visit_id}")
