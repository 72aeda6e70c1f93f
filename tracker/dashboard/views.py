from litestar import Controller, Request, get
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import CurrentUser
from tracker.dashboard import queries as dashboard
from tracker.liaison import queries as liaison
from tracker.projects import queries, rules
from tracker.projects.tables import Project
from tracker.promises import queries as promise_queries
from tracker.requests import queries as request_queries
from tracker.settings import today
from tracker.visits import queries as visit_queries


class DashboardController(Controller):
    path = "/"

    @get("/", name="dashboard")
    async def index(self, request: Request) -> Response:
        user: CurrentUser = request.user
        if not user.is_staff:
            return Redirect("/portal")
        now = today()
        calendar = await queries.load_calendar()
        window = await queries.due_window(now)
        due, due_projects = await dashboard.due_soon(window)
        officer = user.officer_id
        return Template(
            "dashboard/index.html",
            context={
                "by_stage": await queries.count_by(Project.stage),
                "by_colour": await queries.count_by(Project.colour),
                "stages": rules.STAGES,
                "colours": rules.COLOURS,
                "due": due,
                "due_projects": due_projects,
                "due_until": window[1],
                "newest": await queries.newest_signings(),
                "red": await dashboard.red_projects(),
                "mine": await dashboard.my_projects(officer) if officer else dashboard.Capped(),
                "waiting_for_me": dashboard.capped(liaison.with_wait(await liaison.pending(to_officer=officer), now, calendar))
                if officer else dashboard.Capped(),
                "pending_all": dashboard.capped(liaison.with_wait(await liaison.pending(), now, calendar))
                if user.is_manager else dashboard.Capped(),
                "disputed": dashboard.capped(await promise_queries.disputed(officer)) if officer else dashboard.Capped(),
                "my_requests": dashboard.capped(await request_queries.listing(
                    request_queries.InboxFilter(status="open", responder=officer), now)) if officer else dashboard.Capped(),
                "escalated": dashboard.capped(await request_queries.listing(
                    request_queries.InboxFilter(status="open", escalated=True), now)) if user.is_manager else dashboard.Capped(),
                "visits_due": dashboard.Capped(*await visit_queries.overdue_capped(now, dashboard.ROWS)),
                "officer_id": officer,
            },
        )
