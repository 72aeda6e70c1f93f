"""Meeting pages: create with a proposed agenda, run it, close it, addenda; the action-item board."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from tracker.audit.record import audit
from tracker.auth.roles import CurrentUser, allow, managers_only, staff_only
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.excel import exports
from tracker.i18n import N_
from tracker.listing import paginate, parse_page, parse_sort, query_without, sort_rows
from tracker.meetings import queries, rules
from tracker.meetings.tables import ActionItem, Addendum, AgendaItem, Attendee, Meeting
from tracker.org import queries as org_queries
from tracker.org.queries import active_departments
from tracker.org.tables import Department, Officer
from tracker.projects import queries as project_queries
from tracker.projects.tables import Project
from tracker.savedviews.views import views_for
from tracker.settings import TIMEZONE, get_settings, today
from tracker.web import Form, flash, ids_of, int_or_none, is_htmx, safe_next

# Staff who write minutes: everyone but leaders, who read.
minute_takers = allow("admin", "coordinator", "officer")


class MeetingController(Controller):
    path = "/meetings"
    guards = [staff_only]

    @get("/")
    async def index(self) -> Template:
        meetings = await Meeting.select(*Meeting.all_columns(), Meeting.chair.name.as_alias("chair_name")).order_by(
            Meeting.held_on, ascending=False
        )
        return Template("meetings/list.html", context={"meetings": meetings})

    @get("/new", guards=[managers_only])
    async def new(self) -> Template:
        return Template("meetings/new.html", context=await self._new_context({"held_on": today().isoformat()}, {}))

    async def _new_context(self, values: dict, errors: dict) -> dict:
        return {
            "values": values, "errors": errors, "officers": await org_queries.officer_choices(),
            "departments": await active_departments(),
            "proposed": await queries.proposed_agenda(today()),
        }

    @post("/", guards=[managers_only])
    async def create(self, request: Request) -> Response:
        data = await request.form()
        form = Form(data)
        held_on = form.date("held_on")
        officers = {o["id"] for o in await Officer.select(Officer.id).where(Officer.active == True)}  # noqa: E712
        chair = form.integer("chair", choices=officers)
        location = form.text("location", required=False, max_length=100)
        attendees = [i for i in ids_of(data.getall("attendees", [])) if i in officers]
        known = {d["id"] for d in await active_departments()}
        departments = ids_of(data.getall("departments", []))
        if any(d not in known for d in departments):
            form.error("departments", N_("This choice is not valid."))
        if not form.ok:
            return Template("meetings/new.html", context=await self._new_context(dict(data), form.errors), status_code=422)
        async with write_transaction():
            meeting_id = await queries.create_meeting(held_on, chair, location, attendees, departments, request.user.id, today())
        flash(request, N_("Meeting created with the proposed agenda."))
        return Redirect(f"/meetings/{meeting_id}")

    async def _context(self, request: Request, meeting_id: int, **extra) -> dict:
        meeting = await Meeting.select(*Meeting.all_columns(), Meeting.chair.name.as_alias("chair_name")).where(Meeting.id == meeting_id).first()
        if not meeting:
            raise NotFoundException()
        user: CurrentUser = request.user
        return {
            "meeting": meeting, "items": await queries.agenda(meeting_id),
            "attendees": await queries.attendees(meeting_id),
            "writable": meeting["status"] != "closed" and user.role != "leader", "is_manager": user.is_manager,
            "officers": await org_queries.officer_choices(),
            "departments": await active_departments(),
            "projects": await Project.select(Project.id, Project.name).where(Project.status == "active").order_by(Project.name),
            "errors": {}, "values": {}, "error_item": None, "minutes_values": {}, "minutes_conflict": None,
            "attendance_values": {}, **extra,
        }

    @get("/{meeting_id:int}")
    async def show(self, request: Request, meeting_id: int) -> Template:
        return Template("meetings/detail.html", context=await self._context(request, meeting_id))

    async def _refuse(self, request: Request, meeting_id: int, errors: dict, status: int = 422, **extra) -> Template:
        context = await self._context(request, meeting_id, errors=errors, **extra)
        return Template("meetings/detail.html", context=context, status_code=status)

    async def _open_meeting(self, request: Request, meeting_id: int) -> dict:
        """The meeting for a write to its minutes; a closed one refuses (409) by any route."""
        try:
            meeting = await queries.meeting_for_write(meeting_id)
        except queries.Locked as locked:
            raise PermissionDeniedException(locked.args[0]) from None
        if not meeting:
            raise NotFoundException()
        return meeting

    async def _item(self, meeting_id: int, item_id: int) -> dict:
        item = await AgendaItem.select().where(AgendaItem.id == item_id, AgendaItem.meeting == meeting_id).first()
        if not item:
            raise NotFoundException()
        return item

    def _back(self, request: Request, meeting_id: int, anchor: str = "agenda") -> Response:
        return Redirect(f"/meetings/{meeting_id}#{anchor}")

    @post("/{meeting_id:int}/status", guards=[managers_only])
    async def change_status(self, request: Request, meeting_id: int) -> Response:
        meeting = await self._open_meeting(request, meeting_id)
        form = Form(await request.form())
        new = form.choice("status", rules.MEETING_STATUSES)
        version = form.version()
        if form.ok and (error := rules.check_meeting_transition(meeting["status"], new)):
            form.error("status", error)
        if not form.ok:
            return await self._refuse(request, meeting_id, form.errors)
        try:
            async with write_transaction():
                await queries.change_status(meeting, new, version, request.user.id)
        except Conflict:
            return await self._refuse(request, meeting_id, {"form": CONFLICT_MESSAGE}, 409)
        return self._back(request, meeting_id, "top")

    @post("/{meeting_id:int}/items", guards=[managers_only])
    async def add_item(self, request: Request, meeting_id: int) -> Response:
        await self._open_meeting(request, meeting_id)
        form = Form(await request.form())
        title = form.text("title", max_length=500)
        project = form.integer("project", required=False)
        if project and not await Project.exists().where(Project.id == project):
            form.error("project", N_("This choice is not valid."))
        if not form.ok:
            return await self._refuse(request, meeting_id, form.errors)
        async with write_transaction():
            last = await AgendaItem.select(AgendaItem.position).where(AgendaItem.meeting == meeting_id).order_by(AgendaItem.position, ascending=False).first()
            row = await AgendaItem.insert(AgendaItem(meeting=meeting_id, position=(last["position"] if last else 0) + 1, kind="topic",
                                                     title=title, project=project)).returning(AgendaItem.id)
            await audit(request.user.id, "agenda_add", "meeting", meeting_id, {"item": row[0]["id"], "title": title}, project=project)
        flash(request, N_("Added to the agenda."))
        return self._back(request, meeting_id)

    @post("/{meeting_id:int}/items/{item_id:int}/delete", guards=[managers_only])
    async def remove_item(self, request: Request, meeting_id: int, item_id: int) -> Response:
        await self._open_meeting(request, meeting_id)
        item = await self._item(meeting_id, item_id)
        if await ActionItem.exists().where(ActionItem.agenda_item == item_id):
            return await self._refuse(request, meeting_id, {"item": N_("This item has action items; it stays on the agenda.")}, error_item=item_id)
        async with write_transaction():
            await AgendaItem.delete().where(AgendaItem.id == item_id)
            await audit(request.user.id, "agenda_remove", "meeting", meeting_id, {"item": item_id, "title": item["title"]}, project=item["project"])
        return await self._agenda_response(request, meeting_id)

    @post("/{meeting_id:int}/items/{item_id:int}/move", guards=[managers_only])
    async def move_item(self, request: Request, meeting_id: int, item_id: int) -> Response:
        await self._open_meeting(request, meeting_id)
        await self._item(meeting_id, item_id)
        direction = (await request.form()).get("direction")
        if direction not in ("up", "down"):
            return await self._refuse(request, meeting_id, {"item": N_("This choice is not valid.")})
        async with write_transaction():
            await queries.reorder(meeting_id, item_id, direction)
            await audit(request.user.id, "agenda_move", "meeting", meeting_id, {"item": item_id, "direction": direction})
        return await self._agenda_response(request, meeting_id)

    async def _agenda_response(self, request: Request, meeting_id: int) -> Response:
        if is_htmx(request):
            return Template("meetings/_agenda.html", context=await self._context(request, meeting_id))
        return self._back(request, meeting_id)

    @post("/{meeting_id:int}/items/{item_id:int}", guards=[minute_takers])
    async def save_item(self, request: Request, meeting_id: int, item_id: int) -> Response:
        meeting = await self._open_meeting(request, meeting_id)
        item = await self._item(meeting_id, item_id)
        if meeting["status"] != "in_progress":
            return await self._refuse(request, meeting_id, {"item": N_("Minutes are written while the meeting is in progress.")}, error_item=item_id)
        data = await request.form()
        form = Form(data)
        discussion = form.text("discussion", required=False, max_length=rules.MINUTES_MAX)
        decision = form.text("decision", required=False, max_length=rules.MINUTES_MAX)
        version = form.version()
        if not form.ok:
            return await self._refuse(request, meeting_id, form.errors, error_item=item_id, minutes_values={item_id: dict(data)})
        try:
            async with write_transaction():
                await queries.save_minutes(item, discussion, decision, version, request.user.id)
        except Conflict:
            # Someone saved this item since the page was loaded: show both texts, lose nothing.
            return await self._refuse(request, meeting_id, {"minutes": CONFLICT_MESSAGE}, 409, error_item=item_id,
                                      minutes_values={item_id: dict(data)}, minutes_conflict=item_id)
        if is_htmx(request):
            # Saved in place (also by the autosave): the status and the new version, nothing else,
            # so the text being typed meanwhile is untouched.
            return Template("meetings/_minutes_saved.html", context={
                "item_id": item_id, "version": version + 1,
                "saved_at": datetime.now(TIMEZONE).strftime("%H:%M:%S")})
        flash(request, N_("Minutes saved."))
        return self._back(request, meeting_id, f"item{item_id}")

    @post("/{meeting_id:int}/items/{item_id:int}/actions", guards=[minute_takers])
    async def add_action(self, request: Request, meeting_id: int, item_id: int) -> Response:
        meeting = await self._open_meeting(request, meeting_id)
        item = await self._item(meeting_id, item_id)
        data = await request.form()
        form = Form(data)
        task = form.text("task", required=False, max_length=rules.TASK_MAX)
        department = form.integer("owner_department", choices={d["id"] for d in await active_departments()})
        officer_id = form.integer("owner_officer", choices={o["id"] for o in await org_queries.officer_choices()})
        due_on = form.date("due_on", required=False, minimum=meeting["held_on"])
        workdays = form.integer("due_workdays", required=False, minimum=1, maximum=rules.DUE_WORKDAYS_MAX)
        if due_on is None and workdays is not None:
            due_on = (await project_queries.load_calendar()).add_workdays(meeting["held_on"], workdays)
        absent = {a["officer"] for a in await queries.attendees(meeting_id) if a["attendance"] == "absent"}
        if officer_id in absent:
            form.error("owner_officer", N_("This officer is marked absent from the meeting; choose who takes the task."))
        if meeting["status"] != "in_progress":
            form.error("task", N_("Minutes are written while the meeting is in progress."))
        if form.ok and (problem := rules.check_action_item(task, due_on, meeting["held_on"], True)):
            form.error(*problem)
        if not form.ok:
            return await self._refuse(request, meeting_id, form.errors, error_item=item_id, values=dict(data))
        async with write_transaction():
            await queries.add_action_item(meeting, item, task, department, officer_id, due_on, request.user.id)
            if item["project"]:
                await project_queries.refresh_colours([item["project"]], today())
        flash(request, N_("Action item added: %(task)s"), task=task[:40])
        return self._back(request, meeting_id, f"item{item_id}")

    @post("/{meeting_id:int}/attendance", guards=[minute_takers])
    async def attendance(self, request: Request, meeting_id: int) -> Response:
        meeting = await self._open_meeting(request, meeting_id)
        data = await request.form()
        form = Form(data)
        rows = await Attendee.select().where(Attendee.meeting == meeting_id)
        changes = {}
        for a in rows:
            value = form.choice(f"attendance_{a['id']}", rules.ATTENDANCE)
            delegate = form.text(f"delegate_{a['id']}", required=False, max_length=rules.DELEGATE_MAX)
            if value == "delegate" and not delegate:
                form.error(f"delegate_{a['id']}", N_("Name the delegate."))
            changes[a["id"]] = (value, delegate if value == "delegate" else "")
        version = form.version("attendance_version")
        if not form.ok:
            return await self._refuse(request, meeting_id, form.errors, attendance_values=dict(data))
        try:
            async with write_transaction():
                await queries.save_attendance(meeting, rows, changes, version, request.user.id)
        except Conflict:
            return await self._refuse(request, meeting_id, {"attendance": CONFLICT_MESSAGE}, 409, attendance_values=dict(data))
        flash(request, N_("Attendance saved."))
        return self._back(request, meeting_id, "attendance")

    @post("/{meeting_id:int}/addenda", guards=[managers_only])
    async def add_addendum(self, request: Request, meeting_id: int) -> Response:
        meeting = await Meeting.select().where(Meeting.id == meeting_id).first()
        if not meeting:
            raise NotFoundException()
        form = Form(await request.form())
        text = form.text("text", max_length=5000)
        item_id = form.integer("agenda_item", required=False)
        if item_id and not await AgendaItem.exists().where(AgendaItem.id == item_id, AgendaItem.meeting == meeting_id):
            form.error("agenda_item", N_("This choice is not valid."))
        if meeting["status"] != "closed":
            form.error("text", N_("Addenda are for closed minutes; edit the minutes while the meeting is open."))
        if not form.ok:
            return await self._refuse(request, meeting_id, form.errors)
        async with write_transaction():
            row = await Addendum.insert(Addendum(meeting=meeting_id, agenda_item=item_id, text=text,
                                                                 created_by=request.user.id, created_at=datetime.now(UTC))).returning(Addendum.id)
            await audit(request.user.id, "addendum", "meeting", meeting_id, {"addendum": row[0]["id"], "item": item_id, "text": text})
        return self._back(request, meeting_id, f"item{item_id}" if item_id else "addenda")


# The board's sort keys (missing values last).
SORTS = {
    "task": lambda a: a["task"], "project": lambda a: a["project_name"], "owner": lambda a: a["officer_name"],
    "due": lambda a: a["due_on"], "meeting": lambda a: a["meeting_on"], "status": lambda a: (a["status"], a["outcome"] or ""),
}


class ActionItemController(Controller):
    path = "/action-items"
    guards = [staff_only]

    @get("/")
    async def board(self, request: Request) -> Response:
        if exports.wants_xlsx(request):
            return await exports.action_items(request, SORTS)
        q = request.query_params

        def as_int(name: str) -> int | None:
            return int_or_none(q.get(name))

        query = ActionItem.select(*queries.ACTION_COLUMNS).order_by(ActionItem.status, ascending=False).order_by(ActionItem.due_on)
        for name, column in (("owner", ActionItem.owner_officer), ("department", ActionItem.owner_department), ("project", ActionItem.project)):
            if (value := as_int(name)) is not None:
                query = query.where(column == value)
        show = q.get("show", "open")
        if show == "open":
            query = query.where(ActionItem.status == "open")
        rows = await query
        now = today()
        for r in rows:
            r["overdue"] = rules.is_overdue(r["status"], r["due_on"], now)
        if q.get("overdue") == "1":
            rows = [r for r in rows if r["overdue"]]
        sorting = parse_sort(q.get("sort"), SORTS, "due")
        page = paginate(sort_rows(rows, sorting, SORTS), parse_page(q.get("page")), get_settings().page_size)
        rows = page.rows
        counts = await queries.carry_counts([r["id"] for r in rows])
        for r in rows:
            r["carried"] = counts.get(r["id"], 0)
        every = await ActionItem.select(ActionItem.owner_officer, ActionItem.owner_officer.name.as_alias("name"), ActionItem.status, ActionItem.outcome)
        per_owner: dict = {}
        totals = {"open": 0, "resolved": 0, "closed_unresolved": 0}
        for a in every:
            key = a["outcome"] if a["status"] == "done" else "open"
            totals[key] += 1
            per_owner.setdefault(a["owner_officer"], {"name": a["name"], "open": 0, "resolved": 0, "closed_unresolved": 0})[key] += 1
        return Template("meetings/board.html", context={
            "rows": rows, "page": page, "sorting": sorting, "params": query_without(dict(q), "page", "sort"),
            "saved_views_list": await views_for(request.user.id, "action_items"), "totals": totals, "per_owner": sorted(per_owner.values(), key=lambda o: -o["open"]), "show": show,
            "filters": {"owner": as_int("owner"), "department": as_int("department"), "project": as_int("project"), "overdue": q.get("overdue") == "1"},
            "officers": await org_queries.officer_choices(),
            "departments": await Department.select(Department.id, Department.name).order_by(Department.name),
            "outcomes": rules.OUTCOMES,
        })

    @post("/{action_id:int}/done")
    async def done(self, request: Request, action_id: int) -> Response:
        user: CurrentUser = request.user
        action = await ActionItem.select().where(ActionItem.id == action_id).first()
        if not action:
            raise NotFoundException()
        if not (user.is_manager or (user.officer_id and user.officer_id == action["owner_officer"])):
            raise PermissionDeniedException(N_("Only the owner or a coordinator may close this action item."))
        form = Form(await request.form())
        resolution = form.text("resolution", required=False, max_length=2000)
        outcome = form.raw("outcome")
        version = form.version()
        if (problem := rules.check_done(resolution, outcome)) is not None:
            form.error(*problem)
        if action["status"] != "open":
            form.error("resolution", N_("This action item is already done."))
        if not form.ok:
            message = next(iter(form.errors.values()))
            return Template("errors/error.html", context={"status": 422, "message": message}, status_code=422)
        try:
            async with write_transaction():
                await queries.mark_done(action, resolution, outcome, version, user.id, today())
                if action["project"]:
                    await project_queries.refresh_colours([action["project"]], today())
        except Conflict:
            return Template("errors/error.html", context={"status": 409, "message": CONFLICT_MESSAGE}, status_code=409)
        flash(request, N_("Action item closed."))
        return Redirect(safe_next((await request.form()).get("next"), "/action-items"))
