"""Project pages: the filtered list, one project, creating one, and milestone updates."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from tracker.approvals import queries as approval_queries
from tracker.audit import queries as audit_queries
from tracker.audit import views as audit_views
from tracker.audit.record import audit
from tracker.auth.roles import CurrentUser, can_edit_project, managers_only, staff_only
from tracker.db import CONFLICT_MESSAGE, Conflict, contains, write_transaction
from tracker.duplicates import queries as duplicate_queries
from tracker.excel import exports
from tracker.i18n import N_
from tracker.investment import queries as investment_queries
from tracker.liaison import queries as liaison
from tracker.liaison import rules as liaison_rules
from tracker.listing import parse_page, parse_sort
from tracker.meetings import queries as meeting_queries
from tracker.org import queries as org_queries
from tracker.org.rules import credit_code_error, normalise_credit_code
from tracker.org.tables import Department, Enterprise, Officer
from tracker.projects import lifecycle, queries, rules
from tracker.projects.tables import Project
from tracker.promises import queries as promise_queries
from tracker.requests import queries as request_queries
from tracker.savedviews.views import views_for
from tracker.settings import get_settings, today
from tracker.utilities import queries as utility_queries
from tracker.visits import queries as visit_queries
from tracker.web import Form, flash, int_or_none, is_htmx


def parse_filter(request: Request) -> queries.ProjectFilter:
    """Lenient: an unknown value is ignored rather than refused, so old bookmarks still open."""
    q = request.query_params
    status = q.get("status", "active")
    return queries.ProjectFilter(
        q=(q.get("q") or "").strip()[:100],
        stage=q.get("stage", "") if q.get("stage") in rules.STAGES else "",
        colour=q.get("colour", "") if q.get("colour") in rules.COLOURS else "",
        area=int_or_none(q.get("area")),
        industry=q.get("industry", "") if q.get("industry") in rules.INDUSTRIES else "",
        lead=int_or_none(q.get("lead")),
        status=status if status in rules.PROJECT_STATUSES or status == "" else "active",
        handover="pending" if q.get("handover") == "pending" else "",
        green=q.get("green") == "1",
        due="soon" if q.get("due") == "soon" else "",
        page=parse_page(q.get("page")),
        sort=parse_sort(q.get("sort"), queries.SORT_KEYS, queries.DEFAULT_SORT),
    )


async def _project_or_404(project_id: int) -> dict:
    project = await queries.get_project(project_id)
    if not project:
        raise NotFoundException()
    return project


class ProjectController(Controller):
    path = "/projects"
    guards = [staff_only]

    @get("/", name="projects")
    async def index(self, request: Request) -> Response:
        if exports.wants_xlsx(request):
            return await exports.projects(request, parse_filter(request))
        f = parse_filter(request)
        page = await queries.list_projects(f, get_settings().page_size)
        context = {
            "f": f,
            "page": page,
            "areas": await queries.area_choices(),
            "officers": await org_queries.officer_choices(),
            "stages": rules.STAGES,
            "industries": rules.INDUSTRIES,
            "colours": rules.COLOURS,
            "due_days": queries.thresholds().amber_due_within_workdays,
            # The filters without page and sort, for the links that change one of them.
            "params": {k: v for k, v in f.as_query().items() if k not in ("page", "sort")},
            "saved_views_list": await views_for(request.user.id, "projects"),
        }
        # htmx filter, sort and paging requests get the table and the list state only (the page
        # takes them with hx-select); the URL is pushed, so Back and bookmarks bring the view back.
        partial = is_htmx(request) and request.headers.get("hx-target") == "project-table"
        return Template("projects/_table_update.html" if partial else "projects/list.html", context=context)

    @get("/{project_id:int}", name="project")
    async def show(self, request: Request, project_id: int) -> Response:
        context = await self._detail_context(request, project_id)
        if context["project"]["merged_into"]:  # a duplicate record merged into another: its page is the survivor's
            return Redirect(f"/projects/{context['project']['merged_into']}")
        return Template("projects/detail.html", context=context)

    async def _detail_context(self, request: Request, project_id: int, **extra) -> dict:
        project = await _project_or_404(project_id)
        milestones = await queries.project_milestones(project_id)
        calendar = await queries.load_calendar()
        # Every signal the colour rule used (milestones, promises, action items): the briefing's list.
        signals = (await queries.signals_for([project_id], today(), calendar)).get(project_id, []) if project["status"] == "active" else []
        return {
            "project": project,
            "milestones": milestones,
            "signals": signals,
            "history": await queries.milestone_history(project_id),
            "succession": await liaison.succession(project_id),
            "holders": (await liaison.current_holders([project_id])).get(project_id, {}),
            "level_roles": liaison_rules.LEVEL_ROLES,
            "decisions": await meeting_queries.project_decisions(project_id, today()),
            "requests": await request_queries.listing(request_queries.InboxFilter(project=project_id), today()),
            "promises": promise_queries.annotate(await promise_queries.project_promises(project_id), today(), calendar),
            "procedures": await approval_queries.project_procedures(project_id, today(), calendar),
            "investment": await investment_queries.project_summary(project_id, today()),
            "connections": await utility_queries.project_connections(project_id, today(), calendar),
            **await visit_queries.project_section(project, today()),
            "utility_targets": utility_queries.targets(),
            "pending_handovers": liaison.with_wait(await liaison.pending(project_id=project_id), today(), calendar),
            "colours": await queries.colour_history(project_id),
            "can_edit": can_edit_project(request.user, project),
            "errors": {},
            "stages": rules.STAGES,
            "stage_states": dict(rules.stage_states(
                (m["stage"], m["actual_on"] is not None or m["not_applicable"]) for m in milestones)),
            **extra,
        }

    @get("/{project_id:int}/history")
    async def history(self, request: Request, project_id: int) -> Template:
        """The project's own audit trail: what happened to it and to its milestones, promises,
        requests, meeting items and team, by whom and when."""
        project = await _project_or_404(project_id)
        f, errors = audit_views.parse_filter(request, project=project_id)
        rows, total = await audit_queries.events(f)
        return Template("audit/index.html", context={
            "rows": rows, "total": total, "f": f, "errors": errors, "users": [], "entities": await audit_queries.entity_kinds(),
            "pages": max(1, -(-total // audit_queries.PAGE_SIZE)), "base": f"/projects/{project_id}/history", "project": project,
        }, status_code=422 if errors else 200)

    # --- milestones ---------------------------------------------------------------------

    async def _milestone_for_edit(self, request: Request, project_id: int, milestone_id: int) -> tuple[dict, dict]:
        project = await _project_or_404(project_id)
        if not can_edit_project(request.user, project):
            raise PermissionDeniedException(N_("Only the lead officer or a coordinator may update this project."))
        if project["status"] != "active":
            raise PermissionDeniedException(N_("This project is paused or cancelled; resume it before updating milestones."))
        milestone = await queries.get_milestone(project_id, milestone_id)
        if not milestone:
            raise NotFoundException()
        return project, milestone

    async def _milestone_response(self, request: Request, project_id: int, milestone_id: int, error: str | None = None, status: int = 200,
                                  form_values: dict | None = None, confirm: list[str] | None = None) -> Response:
        """The row in place (htmx) or the page; `confirm` lists the earlier open milestones a
        completion out of order must be confirmed against."""
        if is_htmx(request):
            context = await self._detail_context(request, project_id)
            m = next(m for m in context["milestones"] if m["id"] == milestone_id)
            return Template(
                "projects/_milestone_row.html",
                context={**context, "m": m, "row_error": error, "form_values": form_values or {}, "oob": True,
                         "confirm_milestone": milestone_id if confirm else None, "confirm_out_of_order": confirm},
                status_code=status,
            )
        if error:
            context = await self._detail_context(request, project_id, milestone_errors={milestone_id: error}, form_values=form_values or {},
                                                 confirm_milestone=milestone_id if confirm else None, confirm_out_of_order=confirm)
            return Template("projects/detail.html", context=context, status_code=status)
        return Redirect(f"/projects/{project_id}#m{milestone_id}")

    @post("/{project_id:int}/milestones/{milestone_id:int}/done")
    async def milestone_done(self, request: Request, project_id: int, milestone_id: int) -> Response:
        project, milestone = await self._milestone_for_edit(request, project_id, milestone_id)
        form = Form(await request.form())
        actual_on = form.date("actual_on")
        version = form.version()
        error = next(iter(form.errors.values()), None)
        if not error and milestone["actual_on"] is not None:
            error = N_("This milestone is already done.")
        if not error and milestone["not_applicable"]:
            error = N_("This milestone is marked as not applicable; make it apply again first.")
        if not error:
            error = rules.check_milestone_done(actual_on, project["signed_on"], today())
        if error:
            return await self._milestone_response(request, project_id, milestone_id, error, 422, dict(form.data))
        earlier = [m["name"] for m in rules.open_before(await queries.project_milestones(project_id), milestone["seq"])]
        # Approval procedures linked to this milestone and not approved yet ask for the same confirmation.
        procedures = [p["type_name"] for p in await approval_queries.open_by_milestone(milestone_id)]
        if (earlier or procedures) and not form.boolean("confirm_out_of_order"):
            message = (N_("Earlier milestones are still open. Record this one as done out of order?") if earlier
                       else N_("Approval procedures this milestone needs are not approved yet. Record it as done anyway?"))
            return await self._milestone_response(request, project_id, milestone_id, message, 422, dict(form.data),
                                                  confirm=earlier + procedures)
        user: CurrentUser = request.user
        try:
            async with write_transaction():
                await queries.mark_milestone_done(milestone, actual_on, version, user.id, today(), await queries.load_calendar(),
                                                  out_of_order=earlier)
        except Conflict:
            return await self._milestone_response(request, project_id, milestone_id, CONFLICT_MESSAGE, 409)
        return await self._milestone_response(request, project_id, milestone_id)

    @post("/{project_id:int}/milestones/{milestone_id:int}/reschedule")
    async def milestone_reschedule(self, request: Request, project_id: int, milestone_id: int) -> Response:
        project, milestone = await self._milestone_for_edit(request, project_id, milestone_id)
        form = Form(await request.form())
        new_date = form.date("planned_on")
        reason = form.text("reason", required=False, max_length=500)
        version = form.version()
        error = next(iter(form.errors.values()), None)
        if not error and milestone["actual_on"] is not None:
            error = N_("A milestone that is done cannot be rescheduled; reopen it first.")
        if not error and milestone["not_applicable"]:
            error = N_("This milestone is marked as not applicable; make it apply again first.")
        if not error:
            error = rules.check_reschedule(new_date, milestone["planned_on"], project["signed_on"], reason)
        if error:
            return await self._milestone_response(request, project_id, milestone_id, error, 422, dict(form.data))
        try:
            async with write_transaction():
                await queries.reschedule_milestone(milestone, new_date, reason, version, request.user.id, today(), await queries.load_calendar())
        except Conflict:
            return await self._milestone_response(request, project_id, milestone_id, CONFLICT_MESSAGE, 409)
        return await self._milestone_response(request, project_id, milestone_id)

    @post("/{project_id:int}/milestones/{milestone_id:int}/reopen")
    async def milestone_reopen(self, request: Request, project_id: int, milestone_id: int) -> Response:
        _project, milestone = await self._milestone_for_edit(request, project_id, milestone_id)
        form = Form(await request.form())
        reason = form.text("reason", max_length=500)
        version = form.version()
        error = next(iter(form.errors.values()), None)
        if not error and milestone["actual_on"] is None and not milestone["not_applicable"]:
            error = N_("This milestone is not done.")
        if not error and milestone["stage"] == "signed":
            error = N_("The signing milestone cannot be reopened.")
        if error:
            return await self._milestone_response(request, project_id, milestone_id, error, 422, dict(form.data))
        try:
            async with write_transaction():
                await queries.reopen_milestone(milestone, reason, version, request.user.id, today(), await queries.load_calendar())
        except Conflict:
            return await self._milestone_response(request, project_id, milestone_id, CONFLICT_MESSAGE, 409)
        return await self._milestone_response(request, project_id, milestone_id)

    @post("/{project_id:int}/milestones/{milestone_id:int}/not-applicable")
    async def milestone_not_applicable(self, request: Request, project_id: int, milestone_id: int) -> Response:
        _project, milestone = await self._milestone_for_edit(request, project_id, milestone_id)
        form = Form(await request.form())
        reason = form.text("reason", required=False, max_length=500)
        version = form.version()
        error = next(iter(form.errors.values()), None)
        if not error and milestone["not_applicable"]:
            error = N_("This milestone is already marked as not applicable.")
        if not error:
            error = rules.check_not_applicable(milestone["stage"], milestone["actual_on"] is not None, reason)
        if error:
            return await self._milestone_response(request, project_id, milestone_id, error, 422, dict(form.data))
        try:
            async with write_transaction():
                await queries.mark_not_applicable(milestone, reason, version, request.user.id, today(), await queries.load_calendar())
        except Conflict:
            return await self._milestone_response(request, project_id, milestone_id, CONFLICT_MESSAGE, 409)
        return await self._milestone_response(request, project_id, milestone_id)

    # --- status: pause, resume, cancel ----------------------------------------------------

    @post("/{project_id:int}/status", guards=[managers_only])
    async def change_status(self, request: Request, project_id: int) -> Response:
        project = await _project_or_404(project_id)
        form = Form(await request.form())
        status = form.choice("status", rules.PROJECT_STATUSES)
        reason = form.text("reason", max_length=500)
        version = form.version()
        if form.ok:
            error = rules.check_status_change(project["status"], status)
            if error:
                form.error("status", error)
        if not form.ok:
            context = await self._detail_context(request, project_id, status_errors=form.errors, status_form=dict(form.data))
            return Template("projects/detail.html", context=context, status_code=422)
        async with write_transaction():
            updated = await Project.update(
                {Project.status: status, Project.status_reason: reason, Project.version: Project.version + 1}
            ).where(Project.id == project_id, Project.version == version).returning(Project.id)
            if updated:
                await audit(request.user.id, "status", "project", project_id, {"from": project["status"], "to": status, "reason": reason})
                if status == "active":
                    await queries.refresh_colours([project_id], today())
        if not updated:
            context = await self._detail_context(request, project_id, status_errors={"form": CONFLICT_MESSAGE})
            return Template("projects/detail.html", context=context, status_code=409)
        flash(request, N_("Saved."))
        return Redirect(f"/projects/{project_id}")

    # --- creating -------------------------------------------------------------------------

    @get("/new", guards=[managers_only])
    async def new(self, request: Request) -> Template:
        values = {"signed_on": today().isoformat(), "level": "city", "enterprise_mode": "existing",
                  "template_id": await lifecycle.default_template_id()}
        return Template("projects/form.html", context=await self._form_context(values, {}))

    async def _form_context(self, values: dict, errors: dict, project: dict | None = None) -> dict:
        departments = await Department.select(Department.id, Department.name, Department.kind, Department.parent).where(
            Department.active == True  # noqa: E712
        ).order_by(Department.kind).order_by(Department.name)
        enterprise_id = int_or_none(values.get("enterprise_id"))
        enterprises = await Enterprise.select(Enterprise.id, Enterprise.name, Enterprise.credit_code).order_by(
            Enterprise.id, ascending=False
        ).limit(50)
        if enterprise_id and all(e["id"] != enterprise_id for e in enterprises):
            enterprises += await Enterprise.select(Enterprise.id, Enterprise.name, Enterprise.credit_code).where(Enterprise.id == enterprise_id)
        officers = await liaison.officers_with_workload()
        return {
            "values": values,
            "errors": errors,
            "project": project,
            "departments": departments,
            "districts": [d for d in departments if d["kind"] == "district"],
            "parks": [d for d in departments if d["kind"] == "park"],
            "enterprises": enterprises,
            "officers": officers,
            "leaders": [o for o in officers if o["is_leader"]],
            "templates": await lifecycle.templates(),
            "industries": rules.INDUSTRIES,
            "levels": rules.LEVELS,
        }

    async def _parse_details(self, form: Form, departments: dict[int, dict]) -> dict:
        """The fields a project's creation and its later edits share."""
        name = form.text("name", max_length=150)
        industry = form.choice("industry", rules.INDUSTRIES)
        district_id = form.integer("district_id", choices={i for i, d in departments.items() if d["kind"] == "district"})
        park_id = form.integer("park_id", required=False, choices={i for i, d in departments.items() if d["kind"] == "park"})
        if park_id and district_id and departments[park_id]["parent"] not in (None, district_id):
            form.error("park_id", N_("This park is not in the chosen district."))
        investment = form.decimal("total_investment", minimum=rules.MIN_INVESTMENT)
        level = form.choice("level", rules.LEVELS)
        green = form.boolean("green_channel")
        description = form.text("description", required=False, max_length=2000)
        return {"name": name, "industry": industry, "district_id": district_id, "park_id": park_id, "total_investment": investment,
                "level": level, "green_channel": green, "description": description}

    @post("/", guards=[managers_only])
    async def create(self, request: Request) -> Response:
        data = await request.form()
        form = Form(data)
        user: CurrentUser = request.user
        departments = {d["id"]: d for d in await Department.select(Department.id, Department.kind, Department.parent).where(Department.active == True)}  # noqa: E712
        officers = {o["id"]: o for o in await Officer.select(Officer.id, Officer.is_leader, Officer.department, Officer.active).where(Officer.active == True)}  # noqa: E712
        leaders = {i for i, o in officers.items() if o["is_leader"]}

        details = await self._parse_details(form, departments)
        mode = form.choice("enterprise_mode", ("existing", "new"))
        enterprise_id = None
        new_enterprise = None
        if mode == "existing":
            enterprise_id = form.integer("enterprise_id")
            if enterprise_id and not await Enterprise.exists().where(Enterprise.id == enterprise_id):
                form.error("enterprise_id", N_("This choice is not valid."))
        elif mode == "new":
            e_name = form.text("new_enterprise_name", max_length=150)
            code = normalise_credit_code(form.text("new_credit_code", max_length=30))
            if code and (err := credit_code_error(code)):
                form.error("new_credit_code", err)
            elif code and await Enterprise.exists().where(Enterprise.credit_code == code):
                form.error("new_credit_code", N_("An enterprise with this credit code already exists; pick it from the list."))
            new_enterprise = (e_name, code, form.text("new_contact_name", required=False, max_length=50), form.text("new_contact_phone", required=False, max_length=30))
        signed_on = form.date("signed_on")
        if signed_on and signed_on > today():
            form.error("signed_on", N_("The signing date cannot be in the future."))
        template_id = form.integer("template_id", choices={t["id"] for t in await lifecycle.templates()})
        introducing = form.integer("introducing_unit_id", choices=set(departments))
        fs_department = form.integer("first_signing_department_id", choices=set(departments))
        fs_leader = form.integer("first_signing_leader_id", choices=leaders)
        responsible = form.integer("responsible_leader_id", choices=leaders)
        lead = form.integer("lead_officer_id", choices=set(officers))
        area_leader = form.integer("area_leader_id", choices=set(officers))
        unit_leader = form.integer("unit_leader_id", choices=set(officers))
        # The three levels: each holder must belong to the level it answers for.
        area = {d for d in (details["district_id"], details["park_id"]) if d}
        for field, role, officer_id in (("area_leader_id", "area_leader", area_leader), ("unit_leader_id", "unit_leader", unit_leader)):
            if officer_id and field not in form.errors and (details["district_id"] or role == "unit_leader") and (
                    problem := liaison_rules.eligibility_error(role, officer_candidate(officers[officer_id]), area, introducing)):
                form.error(field, problem)

        duplicates = await duplicate_queries.check_form(form, details["name"], enterprise_id, new_enterprise[1] if new_enterprise else "")
        if not form.ok:
            context = {**await self._form_context(dict(data), form.errors), "duplicates": duplicates}
            return Template("projects/form.html", context=context, status_code=422)
        async with write_transaction():
            if new_enterprise:
                enterprise_id = await queries.create_enterprise(*new_enterprise, user_id=user.id)
            project_id = await queries.create_project(
                queries.NewProject(
                    enterprise_id=enterprise_id, signed_on=signed_on, **details,
                    introducing_unit_id=introducing, first_signing_department_id=fs_department,
                    first_signing_leader_id=fs_leader, responsible_leader_id=responsible, lead_officer_id=lead,
                    template_id=template_id, area_leader_id=area_leader, unit_leader_id=unit_leader,
                ),
                user.id, today(), await queries.load_calendar(),
            )
        flash(request, N_("Project created."))
        return Redirect(f"/projects/{project_id}")

    # --- editing ---------------------------------------------------------------------------

    @get("/{project_id:int}/edit", guards=[managers_only])
    async def edit_form(self, project_id: int) -> Template:
        project = await _project_or_404(project_id)
        values = {k: project[k] for k in ("name", "industry", "total_investment", "level", "green_channel", "description", "version")}
        values.update(enterprise_id=project["enterprise"], district_id=project["district"], park_id=project["park"] or "")
        return Template("projects/edit.html", context=await self._form_context(values, {}, project))

    @post("/{project_id:int}/edit", guards=[managers_only])
    async def edit(self, request: Request, project_id: int) -> Response:
        """Correct a project's details. The first-signing department and leader stay as signed;
        a change of green channel re-plans the open milestones nobody rescheduled by hand."""
        project = await _project_or_404(project_id)
        data = await request.form()
        form = Form(data)
        departments = {d["id"]: d for d in await Department.select(Department.id, Department.kind, Department.parent).where(
            (Department.active == True) | Department.id.is_in([project["district"], project["park"] or 0])  # noqa: E712
        )}
        details = await self._parse_details(form, departments)
        enterprise_id = form.integer("enterprise_id")
        if enterprise_id and not await Enterprise.exists().where(Enterprise.id == enterprise_id):
            form.error("enterprise_id", N_("This choice is not valid."))
        version = form.version()
        duplicates = await duplicate_queries.check_form(form, details["name"], enterprise_id, project=project)
        if not form.ok:
            context = {**await self._form_context(dict(data), form.errors, project), "duplicates": duplicates}
            return Template("projects/edit.html", context=context, status_code=422)
        try:
            async with write_transaction():
                await queries.update_project(project, {**details, "enterprise_id": enterprise_id}, version, request.user.id, today(),
                                             await queries.load_calendar())
        except Conflict:
            fresh = await _project_or_404(project_id)
            context = await self._form_context(dict(data), {"form": CONFLICT_MESSAGE}, fresh)
            return Template("projects/edit.html", context=context, status_code=409)
        flash(request, N_("Project details saved."))
        return Redirect(f"/projects/{project_id}")

    # --- adding a milestone ------------------------------------------------------------------

    @post("/{project_id:int}/milestones")
    async def add_milestone(self, request: Request, project_id: int) -> Response:
        project = await _project_or_404(project_id)
        if not can_edit_project(request.user, project):
            raise PermissionDeniedException(N_("Only the lead officer or a coordinator may update this project."))
        form = Form(await request.form())
        stage = form.choice("stage", rules.STAGES)
        name = form.text("name", max_length=100)
        planned_on = form.date("planned_on", minimum=project["signed_on"])
        version = form.version()
        if stage == "signed":
            form.error("stage", N_("A project has one signing milestone."))
        if not form.ok:
            context = await self._detail_context(request, project_id, add_errors=form.errors, add_values=dict(form.data))
            return Template("projects/detail.html", context=context, status_code=422)
        try:
            async with write_transaction():
                await queries.add_milestone(project, stage, name, planned_on, version, request.user.id, today(),
                                            await queries.load_calendar())
        except Conflict:
            context = await self._detail_context(request, project_id, add_errors={"form": CONFLICT_MESSAGE}, add_values=dict(form.data))
            return Template("projects/detail.html", context=context, status_code=409)
        flash(request, N_("Milestone added."))
        return Redirect(f"/projects/{project_id}#milestones")


def officer_candidate(officer: dict) -> liaison_rules.Candidate:
    return liaison_rules.Candidate(officer["id"], officer["active"], officer["is_leader"], officer["department"])


class EnterpriseController(Controller):
    path = "/enterprises"
    guards = [managers_only]

    @get("/options")
    async def options(self, request: Request) -> Template:
        """<option>s of enterprises matching a name or credit code, for the project form."""
        q = (request.query_params.get("q") or "").strip()[:100]
        query = Enterprise.select(Enterprise.id, Enterprise.name, Enterprise.credit_code).order_by(Enterprise.name).limit(50)
        if q:
            query = query.where(contains(Enterprise.name, q) | contains(Enterprise.credit_code, q))
        return Template("projects/_enterprise_options.html", context={"enterprises": await query, "selected": None})
