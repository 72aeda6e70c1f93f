"""Portal accounts: a coordinator opens one for a named contact of an enterprise.

The account starts with a one-time password shown once to the coordinator; the first login
forces the contact to choose their own.
"""

import secrets

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Response, Template

from tracker.audit.record import audit
from tracker.auth.passwords import hash_password
from tracker.auth.roles import managers_only
from tracker.auth.tables import User
from tracker.db import write_transaction
from tracker.i18n import N_
from tracker.org.tables import Enterprise
from tracker.projects.tables import Project
from tracker.web import Form


class PortalAccountController(Controller):
    path = "/enterprises/{enterprise_id:int}/accounts"
    guards = [managers_only]

    async def _context(self, enterprise_id: int) -> dict:
        enterprise = await Enterprise.select().where(Enterprise.id == enterprise_id).first()
        if not enterprise:
            raise NotFoundException()
        return {
            "enterprise": enterprise,
            "accounts": await User.select(User.id, User.username, User.display_name, User.active, User.must_change_password).where(
                User.enterprise == enterprise_id).order_by(User.username),
            "projects": await Project.select(Project.id, Project.name).where(Project.enterprise == enterprise_id).order_by(Project.name),
            "values": {}, "errors": {}, "created": None,
        }

    @get("/")
    async def index(self, enterprise_id: int) -> Template:
        return Template("portal/accounts.html", context=await self._context(enterprise_id))

    @post("/")
    async def create(self, request: Request, enterprise_id: int) -> Response:
        context = await self._context(enterprise_id)
        form = Form(await request.form())
        username = form.text("username", max_length=50)
        display_name = form.text("display_name", max_length=50)
        if username and not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
            form.error("username", N_("Use letters, digits, dots, dashes and underscores only."))
        if form.ok and await User.exists().where(User.username == username):
            form.error("username", N_("This username is taken."))
        if not form.ok:
            context.update(values={"username": username, "display_name": display_name}, errors=form.errors)
            return Template("portal/accounts.html", context=context, status_code=422)
        password = secrets.token_urlsafe(12)
        async with write_transaction():
            row = await User.insert(User(username=username, password_hash=hash_password(password), role="enterprise",
                                         display_name=display_name, enterprise=enterprise_id, must_change_password=True)).returning(User.id)
            await audit(request.user.id, "create", "user", row[0]["id"], {"username": username, "role": "enterprise", "enterprise": enterprise_id})
        context = await self._context(enterprise_id)
        context["created"] = {"username": username, "password": password}
        return Template("portal/accounts.html", context=context)
