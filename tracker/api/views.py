"""The admin's API token page (/admin/api-tokens): issue (shown once), list with last use and
reads, revoke; and the API's docs page for admins."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from tracker.api import queries, rules
from tracker.api.endpoints import docs_context
from tracker.auth.roles import allow
from tracker.i18n import N_
from tracker.org.tables import Department
from tracker.settings import today
from tracker.web import Form, flash


async def _districts() -> list[dict]:
    return await Department.select(Department.id, Department.name).where(
        Department.kind == "district", Department.active == True  # noqa: E712
    ).order_by(Department.name)


class ApiTokenAdminController(Controller):
    path = "/admin/api-tokens"
    guards = [allow("admin")]

    async def _page(self, values: dict | None = None, errors: dict | None = None, new_token: str | None = None,
                    status: int = 200) -> Template:
        rows = await queries.token_rows()
        now = today()
        for r in rows:
            r["state"] = rules.token_state(r["revoked_at"], r["expires_on"], now)
            r["reads_today"] = r["by_day"].get(now, 0)
        return Template("api/tokens.html", status_code=status, context={
            "tokens": rows, "districts": await _districts(), "scopes": rules.SCOPES, "scope_labels": rules.SCOPE_LABELS,
            "values": values or {"scopes": list(rules.SCOPES)}, "errors": errors or {}, "new_token": new_token,
        })

    @get("/")
    async def index(self) -> Template:
        return await self._page()

    @post("/")
    async def create(self, request: Request) -> Template:
        data = await request.form()
        form = Form(data)
        name = form.text("name", max_length=rules.NAME_MAX)
        scopes = rules.parse_scopes(data.getall("scopes", []))
        districts = {d["id"] for d in await _districts()}
        district = form.integer("district", required=False, choices=districts)
        expires_on = form.date("expires_on", required=False, minimum=today())
        if not scopes:
            form.error("scopes", N_("Choose at least one area the token may read."))
        values = {"name": name, "scopes": scopes, "district": form.raw("district"), "expires_on": form.raw("expires_on")}
        if not form.ok:
            return await self._page(values, form.errors, status=422)
        try:
            _id, token = await queries.create_token(name, scopes, district, expires_on, request.user.id)
        except queries.Refused as refused:
            return await self._page(values, {"name": str(refused)}, status=422)
        # Shown on this response only; the list keeps its hash.
        return await self._page(new_token=token)

    @post("/{token_id:int}/revoke")
    async def revoke(self, request: Request, token_id: int) -> Redirect:
        try:
            await queries.revoke_token(token_id, request.user.id)
            flash(request, N_("Token revoked: it opens nothing from now on."))
        except queries.Refused:
            flash(request, N_("This token was already revoked."))
        return Redirect("/admin/api-tokens/")

    @get("/docs")
    async def docs(self) -> Template:
        return Template("api/docs.html", context={**docs_context(), "admin": True})
