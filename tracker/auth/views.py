"""Login, logout and the language switch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.params import Parameter
from litestar.response import Redirect, Template

from tracker import i18n
from tracker.audit.record import audit
from tracker.auth.passwords import verify_password
from tracker.auth.roles import CurrentUser
from tracker.auth.tables import User
from tracker.db import write_transaction
from tracker.settings import get_settings
from tracker.web import LANG_COOKIE, lang_of, safe_next, translator


async def retrieve_user(session: dict[str, Any], _connection: ASGIConnection) -> CurrentUser | None:
    """The user of a session cookie; a changed password or a deactivation ends old sessions."""
    uid = session.get("uid")
    if not uid:
        return None
    row = await User.select(
        User.id, User.username, User.role, User.display_name, User.officer, User.enterprise, User.active, User.password_hash
    ).where(User.id == uid).first()
    if not row or not row["active"] or session.get("pv") != row["password_hash"][-16:]:
        return None
    return CurrentUser(row["id"], row["username"], row["role"], row["display_name"], row["officer"], row["enterprise"])


def home_for(role: str) -> str:
    return "/portal" if role == "enterprise" else "/"


class AuthController(Controller):
    path = "/"

    @get("/login", name="login")
    async def login_form(self, request: Request, next_url: str = Parameter(query="next", default="/")) -> Template:
        return Template("auth/login.html", context={"next": safe_next(next_url), "errors": {}, "username": ""})

    @post("/login")
    async def login(self, request: Request) -> Template | Redirect:
        form = await request.form()
        username = (form.get("username") or "").strip()
        password = form.get("password") or ""
        next_url = safe_next(form.get("next"))
        _ = translator(request)
        settings = get_settings()
        now = datetime.now(UTC)

        def refuse(message: str) -> Template:
            return Template(
                "auth/login.html",
                context={"next": next_url, "errors": {"form": message}, "username": username},
                status_code=400,
            )

        row = await User.select().where(User.username == username).first() if username else None
        if row and row["locked_until"] and row["locked_until"] > now:
            return refuse(_("Too many failed attempts. Try again in %(minutes)s minutes.",
                            minutes=int((row["locked_until"] - now).total_seconds() // 60) + 1))
        if not row or not row["active"] or not verify_password(row["password_hash"], password):
            if row:
                async with write_transaction():
                    failures = row["failed_logins"] + 1
                    values: dict[Any, Any] = {User.failed_logins: failures}
                    if failures >= settings.login_max_failures:
                        values = {User.failed_logins: 0, User.locked_until: now + timedelta(minutes=settings.login_lock_minutes)}
                    await User.update(values).where(User.id == row["id"])
                    await audit(row["id"], "login_failed", "user", row["id"], {"failures": failures})
            return refuse(_("Wrong username or password."))
        async with write_transaction():
            await User.update({User.failed_logins: 0, User.locked_until: None}).where(User.id == row["id"])
            await audit(row["id"], "login", "user", row["id"], {})
        request.set_session({"uid": row["id"], "pv": row["password_hash"][-16:]})
        target = next_url if next_url != "/" else home_for(row["role"])
        return Redirect(target)

    @post("/logout")
    async def logout(self, request: Request) -> Redirect:
        request.clear_session()
        return Redirect("/login")

    @get("/lang/{code:str}")
    async def set_language(self, request: Request, code: str, next_url: str = Parameter(query="next", default="/")) -> Redirect:
        """Remember the user's language for a year."""
        if code not in i18n.LANGUAGES:
            code = lang_of(request)
        return Redirect(
            safe_next(next_url),
            cookies=[Cookie(key=LANG_COOKIE, value=code, max_age=365 * 24 * 3600, httponly=True, samesite="lax")],
        )
