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
from tracker.auth.passwords import hash_password, verify_password
from tracker.auth.roles import CurrentUser
from tracker.auth.rules import password_problem
from tracker.auth.tables import User
from tracker.db import write_transaction
from tracker.i18n import N_
from tracker.settings import get_settings
from tracker.web import LANG_COOKIE, lang_of, safe_next, translator


async def retrieve_user(session: dict[str, Any], _connection: ASGIConnection) -> CurrentUser | None:
    """The user of a session cookie; a changed password or a deactivation ends old sessions."""
    uid = session.get("uid")
    if not uid:
        return None
    row = await User.select(
        User.id, User.username, User.role, User.display_name, User.officer, User.enterprise, User.active, User.password_hash,
        User.must_change_password,
    ).where(User.id == uid).first()
    if not row or not row["active"] or session.get("pv") != session_mark(row["password_hash"]):
        return None
    return CurrentUser(
        row["id"], row["username"], row["role"], row["display_name"], row["officer"], row["enterprise"], row["must_change_password"]
    )


def session_mark(password_hash: str) -> str:
    """A piece of the password hash kept in the session: changing the password ends other sessions."""
    return password_hash[-16:]


PASSWORD_PAGE = "/account/password"


async def require_new_password(request: Request) -> Redirect | None:
    """before_request: a user who must change the password can open only that page (and log out)."""
    user = request.scope.get("user")
    if isinstance(user, CurrentUser) and user.must_change_password and request.url.path not in (PASSWORD_PAGE, "/logout"):
        return Redirect(PASSWORD_PAGE)
    return None


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
        request.set_session({"uid": row["id"], "pv": session_mark(row["password_hash"])})
        if row["must_change_password"]:
            return Redirect(PASSWORD_PAGE)
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


class AccountController(Controller):
    path = "/account"

    @get("/password")
    async def password_form(self) -> Template:
        return Template("auth/password.html", context={"errors": {}})

    @post("/password")
    async def change_password(self, request: Request) -> Template | Redirect:
        user: CurrentUser = request.user
        form = await request.form()
        current = form.get("current_password") or ""
        new = form.get("new_password") or ""
        row = await User.select(User.password_hash).where(User.id == user.id).first()
        errors = {}
        if not verify_password(row["password_hash"], current):
            errors["current_password"] = N_("The current password is wrong.")
        elif problem := password_problem(new, form.get("confirm_password") or "", user.username):
            errors["new_password"] = problem
        elif new == current:
            errors["new_password"] = N_("Choose a password different from the current one.")
        if errors:
            return Template("auth/password.html", context={"errors": errors}, status_code=422)
        new_hash = hash_password(new)
        async with write_transaction():
            await User.update({User.password_hash: new_hash, User.must_change_password: False}).where(User.id == user.id)
            await audit(user.id, "password_change", "user", user.id, {})
        request.set_session({"uid": user.id, "pv": session_mark(new_hash)})
        return Redirect(home_for(user.role))
