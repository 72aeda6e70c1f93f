"""Investment plan and completion: a project's plans and monthly reports (staff; the lead officer
and coordinators record them), and /figures/investment, plan against completion for a year."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import CurrentUser, can_edit_project, staff_only
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.i18n import N_
from tracker.investment import export, queries, rules
from tracker.projects.tables import Project
from tracker.settings import today
from tracker.web import Form, flash, int_or_none

EDIT_REFUSED = N_("Only the lead officer or a coordinator may record the project's investment.")
CLOSED = N_("The investment of a cancelled or merged project is no longer recorded.")


async def _project(project_id: int) -> dict:
    project = await Project.select(Project.id, Project.name, Project.lead_officer, Project.status, Project.signed_on,
                                   Project.total_investment, Project.merged_into).where(Project.id == project_id).first()
    if not project:
        raise NotFoundException()
    project["total_investment"] = rules.money(project["total_investment"])
    return project


def year_param(value: str | None, default: int) -> int:
    year = int_or_none(value, rules.YEAR_MIN, 2100)
    return year if year is not None else default


def may_edit(user: CurrentUser, project: dict) -> bool:
    return can_edit_project(user, project)


class ProjectInvestmentController(Controller):
    path = "/projects/{project_id:int}/investment"
    guards = [staff_only]

    async def _page(self, request: Request, project: dict, plan_values: dict | None = None, plan_errors: dict | None = None,
                    completion_values: dict | None = None, completion_errors: dict | None = None, status: int = 200) -> Template:
        day = today()
        year = year_param(request.query_params.get("year"), day.year)
        plans, completions = await queries.project_plans(project["id"]), await queries.project_completions(project["id"])
        can_edit = may_edit(request.user, project) and project["status"] in queries.COUNTED_STATUSES
        q = request.query_params
        if plan_values is None:
            plan_values = {"year": str(day.year)}
            edit_year = int_or_none(q.get("edit_plan"), rules.YEAR_MIN, 2100)
            if edit := next((p for p in plans if p["year"] == edit_year), None):
                plan_values = {"year": str(edit["year"]), "amount": str(rules.money(edit["amount"])), "note": edit["note"],
                               "version": str(edit["version"])}
        if completion_values is None:
            completion_values = {"month": f"{day.year}-{day.month:02d}"}
            edit_month = rules.parse_month(q.get("edit_month") or "")
            if edit := next((c for c in completions if (c["year"], c["month"]) == edit_month), None):
                completion_values = {"month": f"{edit['year']}-{edit['month']:02d}", "amount": str(rules.money(edit["amount"])),
                                     "note": edit["note"], "version": str(edit["version"])}
        return Template("investment/project.html", status_code=status, context={
            "project": project, "investment": queries.summary(plans, completions, year, day, project["signed_on"]), "plans": plans,
            "completions": completions, "can_edit": can_edit, "plan_values": plan_values, "plan_errors": plan_errors or {},
            "completion_values": completion_values, "completion_errors": completion_errors or {}, "today": day,
        })

    async def _for_edit(self, request: Request, project_id: int) -> dict:
        project = await _project(project_id)
        if not may_edit(request.user, project):
            raise PermissionDeniedException(EDIT_REFUSED)
        return project

    @get("/")
    async def show(self, request: Request, project_id: int) -> Response:
        project = await _project(project_id)
        if project["merged_into"]:
            return Redirect(f"/projects/{project['merged_into']}/investment")
        return await self._page(request, project)

    @post("/plan")
    async def save_plan(self, request: Request, project_id: int) -> Response:
        project = await self._for_edit(request, project_id)
        data = await request.form()
        form = Form(data)
        year = form.integer("year", minimum=rules.YEAR_MIN, maximum=2100)
        amount = form.decimal("amount")
        note = form.text("note", required=False, max_length=500)
        for problem in rules.check_plan(year, amount, project["signed_on"], project["total_investment"], today()):
            form.error(*problem)
        if project["status"] not in queries.COUNTED_STATUSES:
            form.error("form", CLOSED)
        new_entry = not form.raw("version")
        if form.ok and new_entry and await queries.version_of_plan(project_id, year):
            form.error("year", N_("This year already has a plan: change it from the table."))
        values = {k: v for k, v in dict(data).items() if isinstance(v, str)}
        if not form.ok:
            return await self._page(request, project, plan_values=values, plan_errors=form.errors, status=422)
        try:
            async with write_transaction():
                await queries.save_plan(project, year, amount, note, 0 if new_entry else form.version(), request.user.id)
        except Conflict:
            return await self._page(request, project, plan_errors={"form": CONFLICT_MESSAGE}, status=409)
        flash(request, N_("Investment plan saved."))
        return Redirect(f"/projects/{project_id}/investment?year={year}")

    @post("/completion")
    async def save_completion(self, request: Request, project_id: int) -> Response:
        project = await self._for_edit(request, project_id)
        data = await request.form()
        form = Form(data)
        month = rules.parse_month(form.raw("month"))
        if month is None:
            form.error("month", N_("Enter a month as YYYY-MM."))
        amount = form.decimal("amount")
        note = form.text("note", required=False, max_length=500)
        for problem in rules.check_completion(month, amount, project["signed_on"], project["total_investment"], today()):
            form.error(*problem)
        if project["status"] not in queries.COUNTED_STATUSES:
            form.error("form", CLOSED)
        new_entry = not form.raw("version")
        if form.ok and new_entry and await queries.version_of_completion(project_id, *month):
            form.error("month", N_("This month is already reported: change it from the table."))
        values = {k: v for k, v in dict(data).items() if isinstance(v, str)}
        if not form.ok:
            return await self._page(request, project, completion_values=values, completion_errors=form.errors, status=422)
        try:
            async with write_transaction():
                await queries.save_completion(project, month[0], month[1], amount, note, 0 if new_entry else form.version(),
                                              request.user.id)
        except Conflict:
            return await self._page(request, project, completion_errors={"form": CONFLICT_MESSAGE}, status=409)
        flash(request, N_("Completed investment saved."))
        return Redirect(f"/projects/{project_id}/investment?year={month[0]}")


class InvestmentFiguresController(Controller):
    path = "/figures/investment"
    guards = [staff_only]

    @get("/")
    async def index(self, request: Request) -> Response:
        day = today()
        year = year_param(request.query_params.get("year"), day.year)
        figures = await queries.year_figures(year, day)
        if request.query_params.get("format") == "xlsx":
            return export.workbook_response(request, figures)
        years = sorted(set(await queries.years_with_data()) | {day.year, day.year - 1}, reverse=True)
        return Template("investment/figures.html", context={
            "f": figures, "years": years, "params": dict(request.query_params), "today": day,
        })
