"""Downloads of the briefings, for staff and leaders (enterprises get 403 from the guard)."""

from __future__ import annotations

from anyio import to_thread
from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Response, Template

from tracker.auth.roles import staff_only
from tracker.briefings import documents, render, rules
from tracker.i18n import N_
from tracker.meetings.tables import Meeting
from tracker.settings import today
from tracker.web import lang_of


async def _deliver(request: Request, document: str, filename: str) -> Response:
    """The PDF (WeasyPrint runs in a worker thread), or with ?html=1 the HTML it is made from."""
    if request.query_params.get("html"):
        # A preview of a print document: its own styles inline, no script at all.
        return Response(document, media_type="text/html; charset=utf-8", headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'self' file:; "
                                       "frame-ancestors 'none'"})
    pdf = await to_thread.run_sync(render.pdf, document)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


class BriefingController(Controller):
    path = "/briefings"
    guards = [staff_only]

    async def _index(self, request: Request, error: str | None = None, week: str = "", status: int = 200) -> Template:
        """The briefings page: the last eight weeks, recent meetings, and a refused week if any."""
        weeks = [rules.week_of(today()).previous(n) for n in range(8)]
        meetings = await Meeting.select(Meeting.id, Meeting.held_on, Meeting.status).order_by(Meeting.held_on, ascending=False).limit(10)
        return Template("briefings/index.html", status_code=status, context={
            "weeks": [(w, documents.week_label(w, lang_of(request))) for w in weeks], "meetings": meetings,
            "error": error, "week": week})

    @get("/")
    async def index(self, request: Request) -> Template:
        return await self._index(request)

    @get("/weekly")
    async def weekly(self, request: Request) -> Response:
        try:
            week = rules.parse_week(request.query_params.get("week"), today())
        except rules.BadWeek as bad:
            return await self._index(request, bad.args[0], request.query_params.get("week", ""), 422)
        annex = bool(request.query_params.get("annex"))
        document = await documents.weekly(week, lang_of(request), today(), annex=annex)
        return await _deliver(request, document, f"weekly-briefing-{week.code}{'-annex' if annex else ''}.pdf")

    @get("/projects/{project_id:int}")
    async def project(self, request: Request, project_id: int) -> Response:
        document = await documents.project(project_id, lang_of(request), today())
        if document is None:
            raise NotFoundException(N_("There is no such project."))
        return await _deliver(request, document, f"project-{project_id}.pdf")

    @get("/minutes/{meeting_id:int}")
    async def minutes(self, request: Request, meeting_id: int) -> Response:
        document = await documents.minutes(meeting_id, lang_of(request))
        if document is None:
            raise NotFoundException(N_("There is no such meeting."))
        return await _deliver(request, document, f"minutes-{meeting_id}.pdf")
