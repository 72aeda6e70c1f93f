"""The admin's working-day calendar: which years are published, and days entered for the others."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from tracker.audit.record import audit
from tracker.auth.roles import allow
from tracker.calendar.replan import recompute_provisional
from tracker.calendar.tables import CalendarDay
from tracker.db import write_transaction
from tracker.i18n import N_
from tracker.settings import today
from tracker.web import Form, int_or_none
from tracker.workdays import published_years


class CalendarController(Controller):
    path = "/admin/calendar"
    guards = [allow("admin")]

    async def _context(self, values: dict, errors: dict, changed: int | None = None) -> dict:
        days = await CalendarDay.select().order_by(CalendarDay.day)
        years = published_years()
        entered = sorted({d["day"].year for d in days})
        return {
            "published": years, "entered": entered, "days": days, "values": values, "errors": errors,
            "next_year": max(years[-1] + 1, today().year), "changed": changed,
        }

    @get("/")
    async def index(self, request: Request) -> Template:
        changed = request.query_params.get("changed")
        return Template("calendar/index.html", context=await self._context({}, {}, int_or_none(changed)))

    @post("/")
    async def add(self, request: Request) -> Response:
        data = await request.form()
        form = Form(data)
        day = form.date("day")
        kind = form.choice("kind", ("holiday", "workday"))
        note = form.text("note", required=False, max_length=100)
        if day and day.year in published_years():
            form.error("day", N_("This year's calendar is published; it cannot be changed here."))
        elif day and await CalendarDay.exists().where(CalendarDay.day == day):
            form.error("day", N_("This day is already entered."))
        if not form.ok:
            return Template("calendar/index.html", context=await self._context(dict(data), form.errors), status_code=422)
        async with write_transaction():
            row = await CalendarDay.insert(CalendarDay(day=day, is_workday=kind == "workday", note=note)).returning(CalendarDay.id)
            await audit(request.user.id, "calendar_day", "calendar_day", row[0]["id"], {"day": day, "kind": kind, "note": note})
            changed = await recompute_provisional(today())
        return Redirect(f"/admin/calendar?changed={changed}")

    @post("/{day_id:int}/delete")
    async def delete(self, request: Request, day_id: int) -> Response:
        row = await CalendarDay.select().where(CalendarDay.id == day_id).first()
        if not row:
            raise NotFoundException()
        async with write_transaction():
            await CalendarDay.delete().where(CalendarDay.id == day_id)
            await audit(request.user.id, "calendar_day_delete", "calendar_day", day_id, {"day": row["day"], "is_workday": row["is_workday"]})
            changed = await recompute_provisional(today())
        return Redirect(f"/admin/calendar?changed={changed}")
