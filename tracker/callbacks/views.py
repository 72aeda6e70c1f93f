"""Satisfaction callbacks (满意度回访): the month's draw, its callbacks, recording an answer, and the
figures beside the enterprise's own ratings and the bureau's closed rate."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response, Template

from tracker.auth.roles import managers_only, staff_only
from tracker.callbacks import export, queries, rules
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.i18n import N_
from tracker.org.tables import Officer
from tracker.settings import get_settings, today
from tracker.web import Form, flash

ANSWER_REFUSED = N_("Only a coordinator or the person assigned may record this callback.")


class CallbackController(Controller):
    path = "/callbacks"
    guards = [staff_only]

    async def _page(self, request: Request, month: str | None, errors: dict | None = None, status: int = 200,
                    values: dict | None = None) -> Template:
        day = today()
        draws = await queries.draws()
        month = month or (draws[0]["month"] if draws else rules.previous_month(day))
        draw = await queries.get_draw(month)
        rows = await queries.callbacks(draw["id"]) if draw else []
        by_department, by_officer = await queries.figures(rows, day) if rows else ([], [])
        # The month to draw next: the one just ended, until it is drawn.
        to_draw = rules.previous_month(day)
        drawn = {d["month"] for d in draws}
        return Template("callbacks/index.html", status_code=status, context={
            "month": month, "draw": draw, "rows": rows, "by_department": by_department, "by_officer": by_officer,
            "draws": draws, "errors": errors or {}, "values": values or {}, "params": dict(request.query_params),
            "percent": get_settings().callback_sample_percent, "mine": request.user.officer_id, "pool": await self._pool_names(),
            "can_draw": request.user.is_manager and (to_draw not in drawn or bool(errors)), "to_draw": to_draw,
        })

    async def _pool_names(self) -> list[dict]:
        ids = await queries.pool()
        return await Officer.select(Officer.id, Officer.name).where(Officer.id.is_in(ids or [0])).order_by(Officer.name)

    @get("/")
    async def index(self, request: Request) -> Response:
        raw = request.query_params.get("month")
        month = rules.parse_month(raw) if raw else None
        if request.query_params.get("format") == "xlsx":
            day = today()
            draws = await queries.draws()
            month = month or (draws[0]["month"] if draws else rules.previous_month(day))
            draw = await queries.get_draw(month)
            rows = await queries.callbacks(draw["id"]) if draw else []
            by_department, by_officer = await queries.figures(rows, day) if rows else ([], [])
            return export.workbook_response(request, month, draw, rows, by_department, by_officer)
        return await self._page(request, month)

    @post("/draw", guards=[managers_only])
    async def draw(self, request: Request) -> Response:
        form = Form(await request.form())
        month = rules.parse_month(form.raw("month"))
        if problem := rules.check_month(month, today()):
            return await self._page(request, month, {"month": problem}, 422, {"month": form.raw("month")})
        try:
            async with write_transaction():
                await queries.make_draw(month, request.user.id)
        except queries.AlreadyDrawn:
            return await self._page(request, month, {"month": N_("This month has been drawn already: a draw is never repeated.")}, 409)
        flash(request, N_("Month drawn."))
        return Redirect(f"/callbacks/?month={month}")

    @get("/{callback_id:int}")
    async def show(self, request: Request, callback_id: int) -> Template:
        cb = await self._get(callback_id)
        values = {"caller": cb["caller"] or (cb["assignee"] if request.user.is_manager else request.user.officer_id)}
        return await self._form(request, cb, values, {})

    async def _get(self, callback_id: int) -> dict:
        cb = await queries.get(callback_id)
        if not cb:
            raise NotFoundException()
        return cb

    async def _form(self, request: Request, cb: dict, values: dict, errors: dict, status: int = 200) -> Template:
        callers = await Officer.select(Officer.id, Officer.name, Officer.department.name.as_alias("department_name")).where(
            Officer.active == True).order_by(Officer.name)  # noqa: E712
        return Template("callbacks/detail.html", status_code=status, context={
            "cb": cb, "values": values, "errors": errors, "callers": callers,
            "may_record": request.user.is_manager or request.user.officer_id is not None and request.user.role != "leader"})

    @post("/{callback_id:int}")
    async def record(self, request: Request, callback_id: int) -> Response:
        cb = await self._get(callback_id)
        user = request.user
        if not (user.is_manager or (user.officer_id is not None and user.role != "leader")):
            raise PermissionDeniedException(ANSWER_REFUSED)
        data = await request.form()
        form = Form(data)
        if user.is_manager:
            caller = form.integer("caller", choices={o["id"] for o in await Officer.select(Officer.id).where(Officer.active == True)})  # noqa: E712
        else:
            # An officer records their own call: the caller is who is logged in.
            caller = user.officer_id
        reached = {"1": True, "0": False}.get(form.raw("reached"))
        solved = {"1": True, "0": False}.get(form.raw("solved"))
        satisfaction = form.integer("satisfaction", required=False) if form.raw("satisfaction") else None
        comment = form.text("comment", required=False, max_length=2000)
        version = form.version()
        for name, message in rules.check_answer(caller, cb["lead_officer"], reached, solved, satisfaction):
            form.error(name, message)
        values = {k: v for k, v in dict(data).items() if isinstance(v, str)}
        if not form.ok:
            return await self._form(request, cb, values, form.errors, 422)
        try:
            async with write_transaction():
                await queries.record(cb, caller, reached, solved, satisfaction, comment, version, user.id, today())
        except Conflict:
            return await self._form(request, await self._get(callback_id), values, {"form": CONFLICT_MESSAGE}, 409)
        flash(request, N_("Callback recorded."))
        return Redirect(f"/callbacks/?month={cb['month']}")
