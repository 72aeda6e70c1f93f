"""Saving a list's current filters and sort under a name, and deleting it; each user sees only
their own views."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from litestar import Controller, Request, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from tracker.audit.record import audit
from tracker.auth.roles import staff_only
from tracker.db import write_transaction
from tracker.i18n import N_
from tracker.savedviews.tables import SavedView
from tracker.web import Form, flash

# The lists a view can be saved for, and where each lives.
LISTS = {"projects": "/projects/", "promises": "/promises/", "requests": "/requests/", "action_items": "/action-items/"}
MAX_VIEWS_PER_LIST = 20


async def views_for(user_id: int, list_name: str) -> list[dict]:
    rows = await SavedView.select(SavedView.id, SavedView.name, SavedView.query).where(
        SavedView.user == user_id, SavedView.list_name == list_name).order_by(SavedView.name)
    return [{**r, "path": LISTS[list_name]} for r in rows]


def clean_query(query: str) -> str:
    """Only plain name=value pairs of the list's own query, re-encoded (no page number)."""
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=False)[:30] if k != "page" and len(v) <= 200]
    return urlencode(pairs)


class SavedViewController(Controller):
    path = "/saved-views"
    guards = [staff_only]

    @post("/")
    async def create(self, request: Request) -> Redirect:
        form = Form(await request.form())
        list_name = form.choice("list", tuple(LISTS))
        name = form.text("name", max_length=60)
        query = clean_query(form.text("query", required=False, max_length=2000))
        if form.ok and await SavedView.count().where(SavedView.user == request.user.id, SavedView.list_name == list_name) >= MAX_VIEWS_PER_LIST:
            form.error("name", N_("You have saved as many views of this list as there can be; delete one first."))
        if not form.ok:
            flash(request, next(iter(form.errors.values())))
            return Redirect(LISTS.get(list_name, "/") + (f"?{query}" if query else ""))
        async with write_transaction():
            await SavedView.delete().where(SavedView.user == request.user.id, SavedView.list_name == list_name, SavedView.name == name)
            row = await SavedView.insert(SavedView(user=request.user.id, list_name=list_name, name=name, query=query,
                                                   created_at=datetime.now(UTC))).returning(SavedView.id)
            await audit(request.user.id, "create", "saved_view", row[0]["id"], {"list": list_name, "name": name, "query": query})
        flash(request, N_("View saved: %(name)s"), name=name)
        return Redirect(LISTS[list_name] + (f"?{query}" if query else ""))

    @post("/{view_id:int}/delete")
    async def delete(self, request: Request, view_id: int) -> Redirect:
        view = await SavedView.select().where(SavedView.id == view_id, SavedView.user == request.user.id).first()
        if not view:
            raise NotFoundException()
        async with write_transaction():
            await SavedView.delete().where(SavedView.id == view_id)
            await audit(request.user.id, "delete", "saved_view", view_id, {"list": view["list_name"], "name": view["name"]})
        flash(request, N_("View deleted: %(name)s"), name=view["name"])
        return Redirect(LISTS[view["list_name"]])
