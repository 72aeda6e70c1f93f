"""The enterprise's own view: its projects, the promises made to it, its countersign.

Every query is limited to the user's enterprise; another enterprise's ids get 404.
"""

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from tracker.approvals import queries as approval_queries
from tracker.auth.roles import CurrentUser, enterprise_only
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.i18n import N_
from tracker.liaison import queries as liaison_queries
from tracker.liaison import rules as liaison_rules
from tracker.projects import queries, rules
from tracker.projects.tables import Project
from tracker.promises import queries as promise_queries
from tracker.promises import rules as promise_rules
from tracker.promises.tables import Fulfilment, Promise
from tracker.requests import queries as request_queries
from tracker.settings import today
from tracker.utilities import queries as utility_queries
from tracker.web import Form, flash


async def own_project(user: CurrentUser, project_id: int) -> dict:
    project = await queries.get_project(project_id)
    if not project or project["enterprise"] != user.enterprise_id:
        raise NotFoundException()
    return project


async def project_page_context(project: dict, errors: dict | None = None, values: dict | None = None) -> dict:
    now = today()
    calendar = await queries.load_calendar()
    promises = promise_queries.annotate(await promise_queries.project_promises(project["id"]), now, calendar)
    fulfilments = await Fulfilment.select().where(Fulfilment.promise.project == project["id"]).order_by(Fulfilment.id)
    for p in promises:
        p["fulfilments"] = [f for f in fulfilments if f["promise"] == p["id"]]
        p["can_answer"] = promise_rules.awaits_countersign(p["status"], p["answer"])
    milestones = await queries.project_milestones(project["id"])
    return {
        "project": project,
        "milestones": milestones,
        "stages": rules.STAGES,
        "holders": (await liaison_queries.current_holders([project["id"]])).get(project["id"], {}),
        "level_roles": liaison_rules.LEVEL_ROLES,
        "stage_states": dict(rules.stage_states((m["stage"], m["actual_on"] is not None or m["not_applicable"]) for m in milestones)),
        "promises": promises,
        "requests": await request_queries.listing(request_queries.InboxFilter(project=project["id"]), now),
        "procedures": await approval_queries.project_procedures(project["id"], now, calendar),
        "connections": await utility_queries.project_connections(project["id"], now, calendar),
        "utility_targets": utility_queries.targets(),
        "errors": errors or {},
        "values": values or {},
    }


class PortalController(Controller):
    path = "/portal"
    guards = [enterprise_only]

    @get("/")
    async def index(self, request: Request) -> Template:
        user: CurrentUser = request.user
        projects = await queries.project_details().where(Project.enterprise == user.enterprise_id).order_by(
            Project.signed_on, ascending=False
        )
        upcoming = await queries.next_milestones([p["id"] for p in projects])
        for p in projects:
            p["next_milestones"] = upcoming.get(p["id"], [])
        to_answer = await Promise.count().where(
            Promise.project.enterprise == user.enterprise_id, Promise.status.is_in(list(promise_rules.SETTLED)), Promise.answer.is_null()
        )
        requests = await request_queries.listing(request_queries.InboxFilter(enterprise=user.enterprise_id), today())
        return Template("portal/index.html", context={
            "projects": projects, "stages": rules.STAGES, "to_answer": to_answer,
            "requests": [r for r in requests if r["status"] != "closed" or r["awaits_feedback"]][:10],
        })

    @get("/projects/{project_id:int}")
    async def project(self, request: Request, project_id: int) -> Template:
        project = await own_project(request.user, project_id)
        return Template("portal/project.html", context=await project_page_context(project))

    @post("/promises/{promise_id:int}/answer")
    async def answer(self, request: Request, promise_id: int) -> Response:
        """The enterprise's countersign: confirm the fulfilment, or dispute it with a reason."""
        user: CurrentUser = request.user
        promise = await promise_queries.get(promise_id)
        if not promise:
            raise NotFoundException()
        project = await own_project(user, promise["project"])
        form = Form(await request.form())
        answer = form.choice("answer", promise_rules.ANSWERS)
        reason = form.text("answer_reason", required=False, max_length=2000)
        version = form.version()
        if form.ok and promise["answer"] is not None:
            form.error("answer", promise_rules.ALREADY_ANSWERED)
        if form.ok and (problem := promise_rules.check_answer(promise["status"], answer, reason)):
            form.error(*problem)
        if form.ok:
            try:
                async with write_transaction():
                    await promise_queries.record_answer(promise, answer, reason, version, user.id, on_behalf=False)
                    await queries.refresh_colours([project["id"]], today())
                flash(request, N_("Thank you: your answer is recorded."))
                return Redirect(f"/portal/projects/{project['id']}#promise-{promise_id}")
            except Conflict:
                form.error("form", CONFLICT_MESSAGE)
        errors = {f"{promise_id}.{k}": v for k, v in form.errors.items()}
        context = await project_page_context(project, errors, {"answer_reason": reason, "promise": promise_id})
        return Template("portal/project.html", context=context, status_code=409 if "form" in form.errors else 422)
