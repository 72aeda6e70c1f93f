"""Login, logout and the language switch."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token
from litestar.params import Parameter
from litestar.response import Redirect, Template

from tracker import i18n
from tracker.audit.record import audit
from tracker.auth import sessions
from tracker.auth.passwords import check_password, hash_password
from tracker.auth.roles import CurrentUser
from tracker.auth.rules import password_problem
from tracker.auth.tables import User
from tracker.db import write_transaction
from tracker.i18n import N_
from tracker.settings import get_settings
from tracker.web import LANG_COOKIE, lang_of, safe_next, translator


async def retrieve_user(session: dict[str, Any], _connection: ASGIConnection) -> CurrentUser | None:
    """The user of a live server-side session (one query); an ended or expired session, or a
    deactivated user, is no longer logged in, on any app server."""
    row = await sessions.user_of(session.get("sid"))
    if row is None:
        return None
    return CurrentUser(
        row["id"], row["username"], row["role"], row["display_name"], row["officer"], row["enterprise"], row["must_change_password"]
    )


def rotated_csrf_cookie() -> Cookie:
    """A fresh CSRF token, set at login and logout so a token seen before cannot be replayed after."""
    settings = get_settings()
    return Cookie(key=CSRF_COOKIE, value=generate_csrf_token(secret=settings.secret_key.hex()), path="/", httponly=False,
                  samesite="lax", secure=settings.secure_cookies)


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


PASSWORD_PAGE = "/account/password"
CSRF_COOKIE = "csrftoken"


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
        username = (form.get("username") or "").strip()[:50]
        password = form.get("password") or ""
        next_url = safe_next(form.get("next"))
        _ = translator(request)
        settings = get_settings()
        client = client_of(request)

        def refuse(message: str) -> Template:
            return Template(
                "auth/login.html",
                context={"next": next_url, "errors": {"form": message}, "username": username},
                status_code=400,
            )

        # Unknown and existing usernames take the same path: one argon2 check (against a dummy
        # hash when there is no usable account), one attempt row, one audit event, one message.
        row = await sessions.user_for_login(username)
        usable = row is not None and row["active"]
        locked_minutes = await sessions.locked_for(username, settings.login_max_failures, settings.login_lock_minutes)
        password_ok = await check_password(row["password_hash"] if usable and not locked_minutes else None, password)
        if locked_minutes or not password_ok:
            outcome = "locked" if locked_minutes else "wrong_password" if usable else "inactive" if row else "unknown_user"
            async with write_transaction():
                await sessions.record_attempt(username, outcome, client)
                await audit(row["id"] if row else None, "login_failed", "user", row["id"] if row else 0,
                            {"username": username, "outcome": outcome})
            if locked_minutes:
                return refuse(_("Too many failed attempts. Try again in %(minutes)s minutes.", minutes=locked_minutes))
            return refuse(_("Wrong username or password."))
        async with write_transaction():
            await sessions.record_attempt(username, "ok", client)
            key = await sessions.start(row["id"], client, request.headers.get("user-agent", ""))
            await audit(row["id"], "login", "user", row["id"], {})
        request.set_session({"sid": key})
        target = PASSWORD_PAGE if row["must_change_password"] else next_url if next_url != "/" else home_for(row["role"])
        # A new CSRF token after login: the one the login page carried is dropped.
        return Redirect(target, cookies=[rotated_csrf_cookie()])

    @post("/logout")
    async def logout(self, request: Request) -> Redirect:
        key = request.session.get("sid") if request.session else None
        async with write_transaction():
            user_id = await sessions.end(key, "logout")
            if user_id is not None:
                await audit(user_id, "logout", "user", user_id, {})
        request.clear_session()
        return Redirect("/login", cookies=[rotated_csrf_cookie()])

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
        if not await check_password(row["password_hash"], current):
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
            # Every other browser logged in as this user is logged out; this one stays.
            ended = await sessions.end_all(user.id, "password", keep=request.session.get("sid"))
            await audit(user.id, "password_change", "user", user.id, {"other_sessions_ended": ended})
        return Redirect(home_for(user.role))
