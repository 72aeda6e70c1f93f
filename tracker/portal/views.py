"""The enterprise's own view of its projects. Every query is limited to the user's enterprise."""

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from tracker.auth.roles import CurrentUser, enterprise_only
from tracker.projects import queries, rules
from tracker.projects.tables import Project


class PortalController(Controller):
    path = "/portal"
    guards = [enterprise_only]

    @get("/")
    async def index(self, request: Request) -> Template:
        user: CurrentUser = request.user
        projects = await queries.project_details().where(Project.enterprise == user.enterprise_id).order_by(
            Project.signed_on, ascending=False
        )
        return Template("portal/index.html", context={"projects": projects, "stages": rules.STAGES})

    @get("/projects/{project_id:int}")
    async def project(self, request: Request, project_id: int) -> Template:
        user: CurrentUser = request.user
        project = await queries.get_project(project_id)
        if not project or project["enterprise"] != user.enterprise_id:
            raise NotFoundException()
        return Template(
            "portal/project.html",
            context={"project": project, "milestones": await queries.project_milestones(project_id), "stages": rules.STAGES},
        )
