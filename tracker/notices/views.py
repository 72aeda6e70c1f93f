"""The bell, the notices page, each user's channel choices, and the admin's view of what was sent.

Everyone logged in (staff and enterprise users) has a bell and a notices page showing only their
own notices; /admin/notices is for administrators (coordinators read it).
"""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from tracker.admin.rules import email_error, normalise_phone, phone_error
from tracker.audit.record import audit
from tracker.auth.roles import CurrentUser, allow
from tracker.db import write_transaction
from tracker.i18n import N_
from tracker.notices import commands, queries, rules, texts
from tracker.notices.config import NotifyConfig
from tracker.settings import today
from tracker.web import Form, flash, int_or_none, is_htmx, lang_of

readers = allow("admin", "coordinator")
admins_only = allow("admin")
PAGE_SIZE = 50


def _now() -> datetime:
    return datetime.now(UTC)


def notify_config(request: Request) -> NotifyConfig:
    """The app's reminder configuration: from the settings, unless the app was given its own
    (app.state.notify_config: tests point it at their servers without touching the cached settings)."""
    return getattr(request.app.state, "notify_config", None) or NotifyConfig.from_settings()


def _annotate(rows: list[dict], lang: str) -> list[dict]:
    for r in rows:
        r["text"] = texts.describe(r["rule"], r["params"], lang)
        r["title"] = texts.section_title(r["rule"], lang)
        r["unread"] = r["read_at"] is None and not r["superseded"]
        r["escalation"] = r["rule"] in rules.ESCALATIONS
    return rows


class NoticeController(Controller):
    path = "/notices"

    @get("/")
    async def index(self, request: Request) -> Template:
        user: CurrentUser = request.user
        unread_only = request.query_params.get("unread") == "1"
        page = int_or_none(request.query_params.get("page"), 1) or 1
        rows, total = await queries.notices_of(user.id, page, PAGE_SIZE, unread_only)
        return Template("notices/list.html", context={
            "notices": _annotate(rows, lang_of(request)), "total": total, "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), "unread_only": unread_only,
            "unread": await queries.unread_count(user.id),
        })

    @get("/bell")
    async def bell(self, request: Request) -> Template:
        """The bell with the unread count: loaded after the page and refreshed every minute."""
        return Template("notices/_bell.html", context={"unread": await queries.unread_count(request.user.id)})

    @get("/{notice_id:int}/open")
    async def open(self, request: Request, notice_id: int) -> Redirect:
        """Follow a notice to its object; following it reads it."""
        notice = await queries.notice_of(request.user.id, notice_id)
        if notice is None:
            raise NotFoundException()
        async with write_transaction():
            await queries.mark_read(request.user.id, notice_id, _now())
        return Redirect(notice["link"] or "/notices")

    @post("/{notice_id:int}/read")
    async def read(self, request: Request, notice_id: int) -> Response:
        notice = await queries.notice_of(request.user.id, notice_id)
        if notice is None:
            raise NotFoundException()
        async with write_transaction():
            await queries.mark_read(request.user.id, notice_id, _now())
        if is_htmx(request):
            notice = await queries.notice_of(request.user.id, notice_id)
            return Template("notices/_item.html", context={
                "n": _annotate([notice], lang_of(request))[0], "unread": await queries.unread_count(request.user.id), "oob_bell": True,
            })
        return Redirect("/notices")

    @post("/read-all")
    async def read_all(self, request: Request) -> Redirect:
        async with write_transaction():
            changed = await queries.mark_read(request.user.id, None, _now())
        if changed:
            flash(request, N_("All notices marked as read."))
        return Redirect("/notices")


# --- the user's channels --------------------------------------------------------------------


def _mobile_error(phone: str) -> str | None:
    if not phone:
        return N_("Enter the mobile number text messages go to.")
    if phone_error(phone) or not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
        return N_("Text messages need a mobile number (11 digits).")
    return None


class NotificationSettingsController(Controller):
    path = "/account/notifications"

    async def _page(self, request: Request, values: dict | None = None, errors: dict | None = None, status: int = 200) -> Template:
        user: CurrentUser = request.user
        config = notify_config(request)
        pref = await queries.preference(user.id)
        officer = await queries.officer_contact(user.officer_id)
        if values is None:
            defaults = set(config.default_channels)
            values = {
                "email": pref["email"] if pref else "email" in defaults,
                "webhook": pref["webhook"] if pref else "webhook" in defaults and user.is_staff,
                "sms": pref["sms"] if pref else "sms" in defaults,
                "email_address": pref["email_address"] if pref else "",
                "phone": pref["phone"] if pref else "",
                "language": pref["language"] if pref else lang_of(request),
            }
        channels = commands.Channels.load(config)
        return Template("notices/settings.html", status_code=status, context={
            "values": values, "errors": errors or {}, "saved": pref is not None, "officer": officer or {},
            "email_on": bool(config.smtp_url.strip()), "webhook_on": bool(config.webhook_url.strip()) and user.is_staff,
            "sms_delivers": bool(channels.sms is not None and getattr(channels.sms, "delivers", False)),
            "is_staff": user.is_staff,
        })

    @get("/")
    async def form(self, request: Request) -> Template:
        return await self._page(request)

    @post("/")
    async def save(self, request: Request) -> Template | Redirect:
        user: CurrentUser = request.user
        form = Form(await request.form())
        values = {
            "email": form.boolean("email"),
            "webhook": form.boolean("webhook") and user.is_staff,
            "sms": form.boolean("sms"),
            "email_address": form.text("email_address", required=False, max_length=100),
            "phone": normalise_phone(form.text("phone", required=False, max_length=30)),
            "language": form.choice("language", rules.LANGUAGES),
        }
        officer = await queries.officer_contact(user.officer_id) or {}
        if problem := email_error(values["email_address"]):
            form.error("email_address", problem)
        elif values["email"] and not (values["email_address"] or officer.get("email")):
            form.error("email_address", N_("Enter the address e-mails go to."))
        if values["phone"] and (problem := phone_error(values["phone"])):
            form.error("phone", problem)
        elif values["sms"] and (problem := _mobile_error(values["phone"] or officer.get("phone", ""))):
            form.error("phone", problem)
        if not form.ok:
            return await self._page(request, values, form.errors, status=422)
        async with write_transaction():
            before = await queries.save_preference(user.id, values, _now())
            await audit(user.id, "notice_preferences", "user", user.id, {
                **{f"{k}_before": v for k, v in (before or {}).items() if k in values}, **{f"{k}_after": v for k, v in values.items()},
            })
        flash(request, N_("Your notification settings are saved."))
        return Redirect("/account/notifications")


# --- administration ---------------------------------------------------------------------------


class NoticeAdminController(Controller):
    path = "/admin/notices"
    guards = [readers]

    @get("/")
    async def index(self, request: Request) -> Template:
        status = request.query_params.get("status", "")
        channel = request.query_params.get("channel", "")
        status = status if status in queries.DELIVERY_STATUSES else ""
        channel = channel if channel in rules.CHANNELS else ""
        rows = await queries.deliveries(status, channel)
        config = notify_config(request)
        lang = lang_of(request)
        return Template("notices/admin.html", context={
            "deliveries": rows, "attempts": await queries.attempts_of([r["id"] for r in rows if r["status"] != "sent"]),
            "counts": await queries.delivery_counts(), "notice_counts": await queries.notice_counts(today()),
            "status": status, "channel": channel, "statuses": queries.DELIVERY_STATUSES, "channels": rules.CHANNELS,
            "problems": commands.static_problems(config), "config": config, "can_retry": request.user.role == "admin",
            "rule_titles": {rule: texts.section_title(rule, lang) for rule in rules.RULE_ORDER},
        })

    @get("/status")
    async def status(self, request: Request) -> Template:
        """Each channel's configuration and whether its server answers now: loaded after the page,
        so a slow or unreachable server never holds the page up."""
        return Template("notices/_status.html", context={"channels": await commands.status(notify_config(request))})

    @post("/{delivery_id:int}/retry", guards=[admins_only])
    async def retry(self, request: Request, delivery_id: int) -> Redirect:
        async with write_transaction():
            if not await queries.retry(delivery_id, _now()):
                raise NotFoundException()
            await audit(request.user.id, "notice_retry", "notice_delivery", delivery_id, {})
        flash(request, N_("The delivery will be sent again at the next pass."))
        return Redirect("/admin/notices/")
