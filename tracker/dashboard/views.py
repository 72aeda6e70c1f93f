from litestar import Controller, Request, get
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import CurrentUser
from tracker.liaison import queries as liaison
from tracker.projects import queries, rules
from tracker.projects.tables import Project
from tracker.promises import queries as promise_queries
from tracker.requests import queries as request_queries
from tracker.settings import today


class DashboardController(Controller):
    path = "/"

    @get("/", name="dashboard")
    async def index(self, request: Request) -> Response:
        user: CurrentUser = request.user
        if not user.is_staff:
            return Redirect("/portal")
        now = today()
        calendar = await queries.load_calendar()
        until = calendar.add_workdays(now, queries.thresholds().amber_due_within_workdays)
        mine = []
        if user.officer_id:
            mine = await Project.select(*queries.LIST_COLUMNS).where(
                Project.lead_officer == user.officer_id, Project.status == "active"
            ).order_by(Project.colour).order_by(Project.name)
        return Template(
            "dashboard/index.html",
            context={
                "by_stage": await queries.count_by(Project.stage),
                "by_colour": await queries.count_by(Project.colour),
                "stages": rules.STAGES,
                "colours": rules.COLOURS,
                "due": await queries.due_soon(now, until),
                "due_until": until,
                "newest": await queries.newest_signings(),
                "red": await Project.select(*queries.LIST_COLUMNS).where(Project.colour == "red", Project.status == "active")
                .order_by(Project.colour_since).limit(10),
                "mine": mine,
                "waiting_for_me": liaison.with_wait(await liaison.pending(to_officer=user.officer_id), now, calendar) if user.officer_id else [],
                "pending_all": liaison.with_wait(await liaison.pending(), now, calendar) if user.is_manager else [],
                "disputed": await promise_queries.disputed(user.officer_id) if user.officer_id else [],
                "my_requests": await request_queries.listing(
                    request_queries.InboxFilter(status="open", responder=user.officer_id), now) if user.officer_id else [],
                "escalated": await request_queries.listing(
                    request_queries.InboxFilter(status="open", escalated=True), now) if user.is_manager else [],
            },
        )
