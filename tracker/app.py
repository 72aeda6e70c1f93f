"""create_app(): plugins, routes, templates, static files. Wiring only."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.security.session_auth import SessionAuth
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.template.config import TemplateConfig

from tracker.admin.views import AdminHomeController, DepartmentAdminController, OfficerAdminController, UserAdminController
from tracker.api.endpoints import api_router
from tracker.api.views import ApiTokenAdminController
from tracker.approvals.views import ApprovalController, PortalApprovalController, ProjectApprovalController
from tracker.audit.views import AuditController
from tracker.auth.views import AccountController, AuthController, require_new_password, retrieve_user
from tracker.briefings.views import BriefingController
from tracker.calendar.views import CalendarController
from tracker.callbacks.views import CallbackController
from tracker.dashboard.views import DashboardController
from tracker.db import engine, is_sqlite, write_transaction
from tracker.districts.views import FiguresController
from tracker.duplicates.views import MergeController
from tracker.excel.views import ImportController, MonthlyReportController
from tracker.health import healthz
from tracker.i18n import N_
from tracker.investment.views import InvestmentFiguresController, ProjectInvestmentController
from tracker.liaison.views import CustodyController, HandoverController, OfficerController
from tracker.meetings.views import ActionItemController, MeetingController
from tracker.notices.commands import notify_every
from tracker.notices.views import NoticeAdminController, NoticeController, NotificationSettingsController
from tracker.portal.accounts import PortalAccountController
from tracker.portal.views import PortalController
from tracker.projects.lifecycle_views import TemplateController
from tracker.projects.views import EnterpriseController, ProjectController
from tracker.promises.views import ProjectPromiseController, PromiseController
from tracker.requests.views import PortalRequestController, RequestController
from tracker.savedviews.views import SavedViewController
from tracker.security import add_security_headers, before_any_route
from tracker.settings import ROOT, get_settings, today
from tracker.utilities.views import ProjectUtilityController, UtilityController
from tracker.visits.views import ProjectVisitController, VisitController
from tracker.web import from_json, install_template_callables, is_htmx, translator

log = logging.getLogger("tracker")

PUBLIC_PATHS = ["^/login", "^/lang/", "^/static/", "^/healthz"]
# The read API authenticates bearer tokens itself: no session cookie opens it, and no CSRF applies.
API_PATHS = ["^/api/"]


def _configure_templates(engine_: JinjaTemplateEngine) -> None:
    install_template_callables(engine_.engine)
    engine_.engine.globals["today"] = today
    engine_.engine.filters["from_json"] = from_json


def _error_page(request: Request, status: int, message: str) -> Response:
    _ = translator(request)
    if is_htmx(request):
        return Response(_(message), status_code=status, media_type="text/plain; charset=utf-8")
    return Template("errors/error.html", context={"status": status, "message": message}, status_code=status)


def on_not_authorized(request: Request, exc: NotAuthorizedException) -> Response:
    if is_htmx(request):
        return Response("", status_code=401, headers={"HX-Redirect": "/login"})
    if request.method == "GET":
        return Redirect(f"/login?next={request.url.path}")
    return _error_page(request, 401, N_("Please log in."))


def on_forbidden(request: Request, exc: PermissionDeniedException) -> Response:
    return _error_page(request, 403, exc.detail or N_("You may not do this."))


def on_not_found(request: Request, exc: NotFoundException) -> Response:
    return _error_page(request, 404, N_("This page does not exist, or you may not see it."))


def on_http_error(request: Request, exc: HTTPException) -> Response:
    return _error_page(request, exc.status_code, exc.detail or N_("The request was refused."))


def on_server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return _error_page(request, HTTP_500_INTERNAL_SERVER_ERROR, N_("Something went wrong on our side. Nothing was saved."))


async def _refresh_colours_daily() -> None:
    """Colours change with the date, not only with writes: refresh once a day per server.
    Idempotent, so several servers doing it cost only time."""
    from tracker.projects.queries import refresh_colours

    last = None
    while True:
        if today() != last:
            try:
                async with write_transaction():
                    await refresh_colours(None, today())
                if is_sqlite():
                    # SQLite keeps its planner statistics only when asked (PostgreSQL's autovacuum does it).
                    await engine().run_ddl("PRAGMA optimize")
                last = today()
            except Exception:  # noqa: BLE001 - retry in an hour; never kill the server
                log.exception("colour refresh failed")
        await asyncio.sleep(3600)


def _notify_schedule() -> asyncio.Task | None:
    """The reminder pass every TRACKER_NOTIFY_EVERY_MINUTES (0: off); off when TRACKER_TODAY
    pretends a day (demos, tests), like the colour refresh."""
    settings = get_settings()
    if settings.today_override is not None or settings.notify_every_minutes <= 0:
        return None
    return asyncio.create_task(notify_every(settings.notify_every_minutes))


@contextlib.asynccontextmanager
async def lifespan(_app: Litestar) -> AsyncIterator[None]:
    db = engine()
    pooled = not is_sqlite() and get_settings().db_pool_size > 0
    if pooled:
        await db.start_connection_pool(min_size=1, max_size=get_settings().db_pool_size)
    shared = hasattr(db, "open_shared_connection")
    if shared:
        await db.open_shared_connection()
    task = asyncio.create_task(_refresh_colours_daily()) if get_settings().today_override is None else None
    notify = _notify_schedule()
    try:
        yield
    finally:
        if task:
            task.cancel()
        if notify:
            notify.cancel()
        if pooled:
            await db.close_connection_pool()
        if shared:
            await db.close_shared_connection()


async def before_request(request: Request) -> Response | None:
    before_any_route(request)
    return await require_new_password(request)


def create_app() -> Litestar:
    settings = get_settings()
    session_config = CookieBackendConfig(
        secret=settings.secret_key, max_age=12 * 3600, httponly=True, samesite="lax", secure=settings.secure_cookies
    )
    session_auth = SessionAuth[object, object](
        retrieve_user_handler=retrieve_user, session_backend_config=session_config, exclude=PUBLIC_PATHS + API_PATHS
    )
    return Litestar(
        route_handlers=[
            AuthController,
            AccountController,
            DashboardController,
            ProjectController,
            ImportController,
            MergeController,
            EnterpriseController,
            HandoverController,
            CustodyController,
            OfficerController,
            ProjectPromiseController,
            PromiseController,
            CalendarController,
            AdminHomeController,
            DepartmentAdminController,
            OfficerAdminController,
            UserAdminController,
            AuditController,
            TemplateController,
            SavedViewController,
            MeetingController,
            ActionItemController,
            PortalController,
            PortalAccountController,
            PortalRequestController,
            RequestController,
            BriefingController,
            ProjectApprovalController,
            ApprovalController,
            PortalApprovalController,
            ProjectInvestmentController,
            InvestmentFiguresController,
            FiguresController,
            ProjectUtilityController,
            UtilityController,
            ProjectVisitController,
            VisitController,
            CallbackController,
            MonthlyReportController,
            NoticeController,
            NotificationSettingsController,
            NoticeAdminController,
            healthz,
            api_router(),
            ApiTokenAdminController,
            create_static_files_router(path="/static", directories=[Path(__file__).parent / "static"]),
        ],
        on_app_init=[session_auth.on_app_init],
        csrf_config=CSRFConfig(
            secret=settings.secret_key.hex(), cookie_httponly=False, cookie_samesite="lax",
            cookie_secure=settings.secure_cookies, header_name="x-csrftoken", exclude=API_PATHS,
        ),
        template_config=TemplateConfig(directory=ROOT / "templates", engine=JinjaTemplateEngine, engine_callback=_configure_templates),
        plugins=[HTMXPlugin()],
        before_request=before_request,
        before_send=[add_security_headers],
        exception_handlers={
            NotAuthorizedException: on_not_authorized,
            PermissionDeniedException: on_forbidden,
            NotFoundException: on_not_found,
            HTTPException: on_http_error,
            Exception: on_server_error,
        },
        lifespan=[lifespan],
        # A server-rendered app: no API schema to publish (it would list every route to anyone logged in).
        openapi_config=None,
        # Room for the attachments of one request (each file is also checked on its own).
        request_max_body_size=settings.upload_max_bytes * settings.upload_max_files + 1024 * 1024,
    )
