"""The audit trail for admins, with filters (who, what kind of object, which project, dates)."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from tracker.audit import queries
from tracker.auth.roles import allow
from tracker.auth.tables import User
from tracker.web import Form, int_or_none


def parse_filter(request: Request, project: int | None = None) -> tuple[queries.AuditFilter, dict]:
    """Lenient on ids and pages (ignored when malformed); dates get a message when unreadable."""
    q = request.query_params
    form = Form(q)
    f = queries.AuditFilter(
        user=int_or_none(q.get("user"), 1), entity=(q.get("entity") or "")[:50],
        project=project if project is not None else int_or_none(q.get("project"), 1),
        since=form.date("since", required=False), until=form.date("until", required=False),
        page=int_or_none(q.get("page"), 1, 100_000) or 1,
    )
    return f, form.errors


class AuditController(Controller):
    path = "/admin/audit"
    guards = [allow("admin")]

    @get("/")
    async def index(self, request: Request) -> Template:
        f, errors = parse_filter(request)
        rows, total = await queries.events(f)
        users = await User.select(User.id, User.username, User.display_name).order_by(User.username)
        return Template("audit/index.html", context={
            "rows": rows, "total": total, "f": f, "errors": errors, "users": users, "entities": await queries.entity_kinds(),
            "pages": max(1, -(-total // queries.PAGE_SIZE)), "base": "/admin/audit/", "project": None,
        }, status_code=422 if errors else 200)
