"""Enterprise requests: raised and rated in the portal, answered from the staff inbox."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import STAFF, CurrentUser, allow, enterprise_only, staff_only
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.excel import exports
from tracker.i18n import N_
from tracker.listing import paginate, parse_page, parse_sort, query_without, sort_rows
from tracker.org.queries import active_departments
from tracker.org.tables import Department
from tracker.projects import queries as project_queries
from tracker.projects.tables import Project
from tracker.requests import files, queries, rules
from tracker.savedviews.views import views_for
from tracker.settings import get_settings, today
from tracker.web import Form, flash, int_or_none


async def read_uploads(form: Form, field: str = "files") -> list[queries.Upload]:
    """The posted files, each checked by content and size; problems go to the form."""
    s = get_settings()
    posted = [f for f in form.data.getall(field, []) if isinstance(f, UploadFile) and f.filename]
    if len(posted) > s.upload_max_files:
        form.error(field, N_("Too many files."))
        return []
    uploads = []
    for f in posted:
        content = await f.read()
        mime, problem = files.check(content, s.upload_max_bytes)
        if problem:
            form.error(field, problem)
            continue
        uploads.append(queries.Upload(files.display_name(f.filename, mime), mime, content))
    return uploads


def download(attachment: dict) -> Response:
    path = files.path_for(get_settings().upload_dir, attachment["stored_name"])
    if not path.is_file():
        raise NotFoundException()
    return Response(path.read_bytes(), media_type=attachment["content_type"], headers={
        "Content-Disposition": files.content_disposition(attachment["filename"]),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store",
    })


def form_settings() -> dict:
    s = get_settings()
    return {"max_mb": s.upload_max_bytes // (1024 * 1024), "max_files": s.upload_max_files, "accept": ".pdf,.png,.jpg,.jpeg,.webp",
            "ack_workdays": s.request_ack_workdays, "answer_workdays": s.request_answer_workdays}


async def _raise(request: Request, project_choices: list[dict], on_behalf: bool, template: str, done: str) -> Response:
    """Shared by the portal and the staff 'on behalf' form: validate, store, redirect."""
    user: CurrentUser = request.user
    form = Form(await request.form())
    project_id = form.integer("project", choices={p["id"] for p in project_choices})
    category = form.raw("category")
    description = form.raw("description")
    for problem in rules.check_new(category, description):
        form.error(*problem)
    uploads = await read_uploads(form)
    project = await queries.project_for_raise(project_id) if project_id else None
    if project and project["status"] == "cancelled":
        form.error("project", N_("This project is cancelled."))
    if not form.ok:
        values = {"project": project_id, "category": category, "description": description}
        return Template(template, status_code=422, context={
            "projects": project_choices, "categories": rules.CATEGORIES, "values": values, "errors": form.errors, **form_settings()})
    async with write_transaction():
        request_id = await queries.raise_request(project, category, description, uploads, user.id, on_behalf, today(),
                                                 await project_queries.load_calendar())
    return Redirect(done.format(id=request_id))


class PortalRequestController(Controller):
    path = "/portal/requests"
    guards = [enterprise_only]

    async def _own(self, user: CurrentUser, request_id: int) -> dict:
        req = await queries.get(request_id, today())
        if not req or req["enterprise"] != user.enterprise_id:
            raise NotFoundException()
        return req

    async def _projects(self, user: CurrentUser) -> list[dict]:
        return await Project.select(Project.id, Project.name).where(
            Project.enterprise == user.enterprise_id, Project.status != "cancelled").order_by(Project.name)

    @get("/")
    async def index(self, request: Request) -> Template:
        rows = await queries.listing(queries.InboxFilter(enterprise=request.user.enterprise_id), today())
        return Template("portal/requests.html", context={"requests": rows})

    @get("/new")
    async def new(self, request: Request) -> Template:
        projects = await self._projects(request.user)
        q = request.query_params
        # A request raised from an approval procedure or a utility connection in the portal comes
        # with its category and a first line naming the procedure or the connection.
        values = {"project": int_or_none(q.get("project")), "category": q.get("category") if q.get("category") in rules.CATEGORIES else "",
                  "description": (q.get("description") or "")[:200]}
        return Template("portal/request_form.html", context={
            "projects": projects, "categories": rules.CATEGORIES, "values": values, "errors": {}, **form_settings()})

    @post("/")
    async def create(self, request: Request) -> Response:
        return await _raise(request, await self._projects(request.user), False, "portal/request_form.html", "/portal/requests/{id}")

    async def _page(self, req: dict, errors: dict | None = None, values: dict | None = None, status: int = 200) -> Template:
        return Template("portal/request.html", status_code=status, context={
            "req": req, "events": await queries.events(req["id"]), "attachments": await queries.attachments(req["id"]),
            "errors": errors or {}, "values": values or {}})

    @get("/{request_id:int}")
    async def show(self, request: Request, request_id: int) -> Template:
        return await self._page(await self._own(request.user, request_id))

    @post("/{request_id:int}/feedback")
    async def feedback(self, request: Request, request_id: int) -> Response:
        """After staff close it: solved or not, a rating 1-5, a comment. 'Not solved' reopens it."""
        req = await self._own(request.user, request_id)
        form = Form(await request.form())
        solved = {"yes": True, "no": False}.get(form.raw("solved"))
        rating = int_or_none(form.raw("satisfaction"))
        comment = form.raw("feedback")
        version = form.version()
        for problem in rules.check_feedback(req["status"], req["solved"], solved, rating, comment):
            form.error(*problem)
        status = 422
        if form.ok:
            try:
                async with write_transaction():
                    await queries.give_feedback(req, solved, rating, comment, version, request.user.id, today(),
                                                await project_queries.load_calendar())
                flash(request, N_("Thank you: your feedback is recorded."))
                return Redirect(f"/portal/requests/{request_id}")
            except Conflict:
                form.error("form", CONFLICT_MESSAGE)
                status = 409
        values = {"solved": form.raw("solved"), "satisfaction": rating, "feedback": comment}
        return await self._page(await self._own(request.user, request_id), form.errors, values, status)

    @post("/{request_id:int}/messages")
    async def add_message(self, request: Request, request_id: int) -> Response:
        """The enterprise adds a message, files or both to its own open request."""
        req = await self._own(request.user, request_id)
        form = Form(await request.form())
        text = form.text("text", required=False, max_length=rules.TEXT_MAX)
        uploads = await read_uploads(form)
        if req["status"] not in rules.OPEN_STATUSES:
            form.error("text", N_("This request is closed; the enterprise's feedback can reopen it."))
        elif not text and not uploads and not form.errors:
            form.error("text", N_("Write a message or attach a file."))
        if not form.ok:
            return await self._page(req, form.errors, {"text": text}, 422)
        async with write_transaction():
            await queries.add_enterprise_message(req, text, uploads, request.user.id, today())
        flash(request, N_("Your message was added to the request."))
        return Redirect(f"/portal/requests/{request_id}#events")

    @get("/{request_id:int}/attachments/{attachment_id:int}")
    async def attachment(self, request: Request, request_id: int, attachment_id: int) -> Response:
        req = await self._own(request.user, request_id)
        row = await queries.attachment(req["id"], attachment_id)
        if not row:
            raise NotFoundException()
        return download(row)


# The inbox's sort keys (missing values last).
SORTS = {
    "id": lambda r: r["id"], "raised": lambda r: r["raised_on"], "enterprise": lambda r: r["enterprise_name"],
    "status": lambda r: rules.STATUSES.index(r["status"]), "responder": lambda r: r["responder_name"],
    "ack_by": lambda r: r["ack_due_on"], "answer_by": lambda r: r["answer_due_on"],
}


class RequestController(Controller):
    """The staff inbox. Everyone on staff reads; the responder, the department and coordinators act."""

    path = "/requests"
    guards = [staff_only]

    @get("/")
    async def inbox(self, request: Request) -> Response:
        if exports.wants_xlsx(request):
            return await exports.requests(request, SORTS)
        user: CurrentUser = request.user
        q = request.query_params
        f = queries.InboxFilter(
            status=q.get("status", "open") if q.get("status", "open") in (*rules.STATUSES, "open", "all") else "open",
            responder=user.officer_id if q.get("mine") and user.officer_id else None,
            department=int_or_none(q.get("department")),
            escalated=bool(q.get("escalated")),
            overdue=bool(q.get("overdue")),
        )
        if f.status == "all":
            f.status = ""
        rows = await queries.listing(f, today())
        sorting = parse_sort(q.get("sort"), SORTS, "answer_by")
        page = paginate(sort_rows(rows, sorting, SORTS), parse_page(q.get("page")), get_settings().page_size)
        return Template("requests/inbox.html", context={
            "requests": page.rows, "page": page, "sorting": sorting, "params": query_without(dict(q), "page", "sort"),
            "saved_views_list": await views_for(user.id, "requests"),
            "filter": f, "query": dict(q), "statuses": rules.STATUSES,
            "departments": await active_departments(),
        })

    @get("/figures")
    async def figures(self, request: Request) -> Template:
        by_officer, by_department = await queries.figures(today())
        return Template("requests/figures.html", context={"by_officer": by_officer, "by_department": by_department})

    @get("/new", guards=[allow(*[r for r in STAFF if r != "leader"])])
    async def new(self, request: Request) -> Template:
        values = {"project": int_or_none(request.query_params.get("project"))}
        return Template("requests/form.html", context={
            "projects": await self._projects(), "categories": rules.CATEGORIES, "values": values, "errors": {}, **form_settings()})

    async def _projects(self) -> list[dict]:
        return await Project.select(Project.id, Project.name, Project.enterprise.name.as_alias("enterprise_name")).where(
            Project.status != "cancelled").order_by(Project.name)

    @post("/", guards=[allow(*[r for r in STAFF if r != "leader"])])
    async def create(self, request: Request) -> Response:
        """Staff record a request on the enterprise's behalf (a phone call, a visit); it is marked so."""
        return await _raise(request, await self._projects(), True, "requests/form.html", "/requests/{id}")

    async def _page(self, request: Request, req: dict, errors: dict | None = None, values: dict | None = None, status: int = 200) -> Template:
        user: CurrentUser = request.user
        return Template("requests/detail.html", status_code=status, context={
            "req": req, "events": await queries.events(req["id"]), "attachments": await queries.attachments(req["id"]),
            "may_handle": rules.may_handle(user, req, await queries.officer_department(user.officer_id)),
            "departments": await active_departments(),
            "errors": errors or {}, "values": values or {}})

    async def _get(self, request_id: int) -> dict:
        req = await queries.get(request_id, today())
        if not req:
            raise NotFoundException()
        return req

    @get("/{request_id:int}")
    async def show(self, request: Request, request_id: int) -> Template:
        return await self._page(request, await self._get(request_id))

    @post("/{request_id:int}/action")
    async def act(self, request: Request, request_id: int) -> Response:
        user: CurrentUser = request.user
        req = await self._get(request_id)
        if not rules.may_handle(user, req, await queries.officer_department(user.officer_id)):
            raise PermissionDeniedException(N_("Only the first responder, the department it was passed to, or a coordinator may act on this request."))
        form = Form(await request.form())
        action = form.raw("action")
        text = form.raw("resolution") if action == "close" else form.raw("text")
        departments = {d["id"] for d in await Department.select(Department.id).where(Department.active == True)}  # noqa: E712
        department = form.integer("department", required=False, choices=departments) if action == "dispatch" else None
        version = form.version()
        if form.ok and (problem := rules.check_staff_action(req["status"], action, text, department)):
            form.error(*problem)
        status = 422
        if form.ok:
            try:
                async with write_transaction():
                    await queries.staff_action(req, action, text, department, version, user.id, today())
                flash(request, N_("Saved."))
                return Redirect(f"/requests/{request_id}")
            except Conflict:
                form.error("form", CONFLICT_MESSAGE)
                status = 409
        values = {"action": action, "text": form.raw("text"), "resolution": form.raw("resolution"), "department": department}
        return await self._page(request, await self._get(request_id), form.errors, values, status)

    @get("/{request_id:int}/attachments/{attachment_id:int}")
    async def attachment(self, request: Request, request_id: int, attachment_id: int) -> Response:
        row = await queries.attachment(request_id, attachment_id)
        if not row:
            raise NotFoundException()
        return download(row)
