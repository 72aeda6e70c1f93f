"""Handing a project to a successor, accepting custody, officers' pages and departures."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import CurrentUser, managers_only, staff_only
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.excel import exports
from tracker.i18n import N_
from tracker.liaison import queries, rules
from tracker.liaison.tables import Assignment, Handover
from tracker.org.tables import Officer
from tracker.projects import queries as project_queries
from tracker.settings import get_settings, today
from tracker.web import Form, flash


class HandoverController(Controller):
    path = "/projects/{project_id:int}/handover"
    guards = [managers_only]

    async def _context(self, project_id: int, role: str, values: dict, errors: dict) -> dict:
        project = await project_queries.get_project(project_id)
        if not project:
            raise NotFoundException()
        area = queries.area_departments(project)
        officers = [o for o in await queries.officers_with_workload()
                    if not rules.eligibility_error(role, rules.Candidate(o["id"], True, o["is_leader"], o["department"]), area,
                                                   project["introducing_unit"])]
        holder = (await queries.current_holders([project_id])).get(project_id, {}).get(role)
        return {
            "project": project, "role": role, "officers": officers, "reasons": rules.HANDOVER_REASONS, "values": values,
            "errors": errors, "snapshot": await queries.open_work_snapshot(project_id), "holder": holder,
            "workload_limit": get_settings().workload_limit,
        }

    @get("/")
    async def form(self, request: Request, project_id: int) -> Template:
        role = request.query_params.get("role", "lead_officer")
        if role not in rules.PROJECT_ROLES:
            role = "lead_officer"
        context = await self._context(project_id, role, {}, {})
        if context["project"]["status"] == "cancelled":
            raise PermissionDeniedException(N_("A cancelled project is not handed over."))
        context["values"] = {"version": context["project"]["version"]}
        return Template("liaison/handover_form.html", context=context)

    @post("/")
    async def create(self, request: Request, project_id: int) -> Response:
        form = Form(await request.form())
        role = form.choice("role", rules.PROJECT_ROLES)
        successor = form.integer("to_officer")
        # A reason is checked by the rules, which need none when a level gets its first holder.
        reason = form.choice("reason", rules.HANDOVER_REASONS, required=False)
        note = form.text("note", required=False, max_length=2000)
        version = form.version()
        errors = dict(form.errors)
        project = await project_queries.get_project(project_id)
        if not project:
            raise NotFoundException()
        if project["status"] == "cancelled":
            raise PermissionDeniedException(N_("A cancelled project is not handed over."))
        if not errors:
            try:
                async with write_transaction():
                    await queries.hand_over(project_id, role, successor, reason, note, version, request.user.id, today())
                flash(request, N_("Handed over. The successor must now accept custody."))
                return Redirect(f"/projects/{project_id}#team")
            except queries.Refused as refused:
                errors["to_officer" if "reason" not in refused.args[0] else "reason"] = refused.args[0]
            except Conflict:
                errors["form"] = CONFLICT_MESSAGE
        context = await self._context(project_id, role or "lead_officer", dict(form.data), errors)
        if "form" in errors:
            context["values"]["version"] = context["project"]["version"]
        return Template("liaison/handover_form.html", context=context, status_code=409 if "form" in errors else 422)


class CustodyController(Controller):
    path = "/handovers"
    guards = [staff_only]

    @post("/{handover_id:int}/accept")
    async def accept(self, request: Request, handover_id: int) -> Response:
        user: CurrentUser = request.user
        handover = await Handover.select(Handover.project, Handover.to_officer).where(Handover.id == handover_id).first()
        if not handover:
            raise NotFoundException()
        if user.officer_id is None or handover["to_officer"] != user.officer_id:
            raise PermissionDeniedException(N_("Only the successor may accept this handover."))
        try:
            async with write_transaction():
                await queries.accept(handover_id, user.officer_id, user.id)
        except queries.Refused as refused:
            return Template("errors/error.html", context={"status": 409, "message": refused.args[0]}, status_code=409)
        target = (await request.form()).get("next") or f"/projects/{handover['project']}#team"
        flash(request, N_("You have accepted custody of the project."))
        return Redirect(target if target.startswith("/") and not target.startswith("//") else "/")


class OfficerController(Controller):
    path = "/officers"
    guards = [staff_only]

    @get("/")
    async def index(self, request: Request) -> Response:
        if exports.wants_xlsx(request):
            return await exports.officers(request)
        officers = await queries.officers_with_workload()
        colours = await project_queries.colours_by_lead()
        return Template("liaison/officers.html", context={
            "officers": officers, "colours": colours, "limit": get_settings().workload_limit,
            "pending": {r["to_officer"] for r in await queries.pending()},
        })

    @get("/{officer_id:int}")
    async def show(self, officer_id: int) -> Template:
        officer = await Officer.select(*Officer.all_columns(), Officer.department.name.as_alias("department_name")).where(
            Officer.id == officer_id
        ).first()
        if not officer:
            raise NotFoundException()
        history = await Assignment.select(
            *Assignment.all_columns(), Assignment.project.name.as_alias("project_name"),
            Assignment.project.colour.as_alias("colour"), Assignment.project.status.as_alias("status"),
        ).where(Assignment.officer == officer_id).order_by(Assignment.started_on, ascending=False)
        current = [a for a in history if a["active"] and a["status"] != "cancelled"]
        calendar = await project_queries.load_calendar()
        return Template("liaison/officer.html", context={
            "officer": officer,
            "current": current,
            "past": [a for a in history if not a["active"]],
            "workload": sum(1 for a in current if a["role"] == "lead_officer"),
            "limit": get_settings().workload_limit,
            "red": sum(1 for a in current if a["colour"] == "red" and a["status"] == "active"),
            "amber": sum(1 for a in current if a["colour"] == "amber" and a["status"] == "active"),
            "incoming": queries.with_wait(await queries.pending(to_officer=officer_id), today(), calendar),
            "outgoing": queries.with_wait(
                [h for h in await queries.pending() if h["from_officer"] == officer_id], today(), calendar
            ),
        })

    @get("/{officer_id:int}/depart", guards=[managers_only])
    async def depart_form(self, officer_id: int) -> Template:
        return Template("liaison/depart.html", context=await self._depart_context(officer_id, {}, {}))

    async def _depart_context(self, officer_id: int, values: dict, errors: dict) -> dict:
        officer = await Officer.select().where(Officer.id == officer_id).first()
        if not officer:
            raise NotFoundException()
        officers = [o for o in await queries.officers_with_workload() if o["id"] != officer_id]
        return {
            "officer": officer, "held": await queries.led_projects(officer_id), "officers": officers,
            "leaders": [o for o in officers if o["is_leader"]], "reasons": rules.HANDOVER_REASONS,
            "values": values, "errors": errors,
        }

    @post("/{officer_id:int}/depart", guards=[managers_only])
    async def depart(self, request: Request, officer_id: int) -> Response:
        data = await request.form()
        form = Form(data)
        reason = form.choice("reason", rules.HANDOVER_REASONS)
        note = form.text("note", required=False, max_length=2000)
        everyone = form.integer("successor_all", required=False)
        everyone_leader = form.integer("leader_all", required=False)
        held = await queries.led_projects(officer_id)
        items = []
        for a in held:
            key = f"successor_{a['project']}_{a['role']}"
            own = form.integer(key, required=False)
            # The two "for all" choices cover the lead and the city leader; the district/park and
            # introducing-unit levels need someone of that level, chosen per project.
            successor = own or {"lead_officer": everyone, "responsible_leader": everyone_leader}.get(a["role"])
            if successor is None:
                form.error(key, N_("Choose a successor."))
            items.append(queries.DepartureItem(a["project"], a["role"], a["version"], successor))
        errors = dict(form.errors)
        if not errors:
            try:
                async with write_transaction():
                    await queries.depart(officer_id, items, reason, note, request.user.id, today())
                flash(request, N_("Every project was handed over and the officer deactivated."))
                return Redirect(f"/officers/{officer_id}")
            except queries.Refused as refused:
                errors["form"] = refused.args[0]
            except Conflict:
                errors["form"] = CONFLICT_MESSAGE
        return Template("liaison/depart.html", context=await self._depart_context(officer_id, dict(data), errors), status_code=422)

    @post("/{officer_id:int}/deactivate", guards=[managers_only])
    async def deactivate(self, request: Request, officer_id: int) -> Response:
        if not await Officer.exists().where(Officer.id == officer_id):
            raise NotFoundException()
        async with write_transaction():
            still = await queries.deactivate(officer_id, request.user.id, today())
        if still:
            context = await self._depart_context(officer_id, {}, {"form": N_("This officer still leads projects: hand each to a successor first.")})
            return Template("liaison/depart.html", context=context, status_code=409)
        flash(request, N_("Officer deactivated."))
        return Redirect(f"/officers/{officer_id}")
