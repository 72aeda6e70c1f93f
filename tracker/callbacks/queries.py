"""Reads and writes of the monthly callback draw and its callbacks."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta

from tracker.audit.record import audit
from tracker.auth.tables import User
from tracker.callbacks import rules
from tracker.callbacks.tables import Callback, CallbackDraw
from tracker.db import Conflict
from tracker.org.tables import Officer
from tracker.promises.tables import Promise
from tracker.requests import queries as request_queries
from tracker.requests.tables import EnterpriseRequest as R
from tracker.settings import TIMEZONE, get_settings


class AlreadyDrawn(Exception):
    """The month has a draw: it is never drawn again."""


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), TIMEZONE).astimezone(UTC)


async def eligible(month: str) -> dict[rules.Item, dict]:
    """Requests closed in the month (and still closed) and promise fulfilments the enterprise
    confirmed in the month (Asia/Shanghai days), with whose work each is and the lead officer."""
    start, end = rules.month_bounds(month)
    out: dict[rules.Item, dict] = {}
    for r in await R.select(R.id, R.project, R.department, R.responder, R.responder.department.as_alias("responder_department"),
                            R.project.lead_officer.as_alias("lead_officer")).where(
            R.status == "closed", R.closed_on >= start, R.closed_on <= end, R.project.status != "merged"):
        out[("request", r["id"])] = {"project": r["project"], "department": r["department"] or r["responder_department"],
                                     "officer": r["responder"], "lead_officer": r["lead_officer"]}
    for p in await Promise.select(Promise.id, Promise.project, Promise.department, Promise.officer,
                                  Promise.project.lead_officer.as_alias("lead_officer")).where(
            Promise.answer == "confirmed", Promise.answered_at >= _utc(start), Promise.answered_at < _utc(end + timedelta(days=1)),
            Promise.project.status != "merged"):
        out[("fulfilment", p["id"])] = {"project": p["project"], "department": p["department"], "officer": p["officer"],
                                        "lead_officer": p["lead_officer"]}
    return out


async def pool() -> list[int]:
    """The coordinators' pool of callers: the officers of coordinator and admin logins, and the
    bureau's own officers who are not leaders (active ones)."""
    users = await User.select(User.officer).where(User.role.is_in(["coordinator", "admin"]), User.officer.is_not_null(),
                                                  User.active == True)  # noqa: E712
    bureau = await Officer.select(Officer.id).where(Officer.active == True, Officer.is_leader == False,  # noqa: E712
                                                    Officer.department.kind == "bureau")
    active = {o["id"] for o in await Officer.select(Officer.id).where(Officer.active == True)}  # noqa: E712
    return sorted(({u["officer"] for u in users} & active) | {o["id"] for o in bureau})


async def get_draw(month: str) -> dict | None:
    return await CallbackDraw.select(*CallbackDraw.all_columns(), CallbackDraw.drawn_by.display_name.as_alias("drawn_by_name")).where(
        CallbackDraw.month == month).first()


async def draws() -> list[dict]:
    return await CallbackDraw.select(CallbackDraw.id, CallbackDraw.month, CallbackDraw.sampled, CallbackDraw.eligible).order_by(
        CallbackDraw.month, ascending=False)


async def make_draw(month: str, user_id: int | None, percent: int | None = None, secret: str | None = None) -> int:
    """Draw the month (inside a write transaction). The unique month refuses a second draw even
    when two coordinators press at once."""
    if await CallbackDraw.exists().where(CallbackDraw.month == month):
        raise AlreadyDrawn()
    percent = get_settings().callback_sample_percent if percent is None else percent
    secret = secret or secrets.token_hex(16)
    items = await eligible(month)
    sample = rules.draw(items, month, secret, percent)
    callers = rules.assign([(i, items[i]["lead_officer"]) for i in sample], await pool(), month, secret)
    try:
        row = await CallbackDraw.insert(CallbackDraw(month=month, seed=secret, sample_percent=percent, eligible=len(items),
                                                     sampled=len(sample), drawn_by=user_id,
                                                     drawn_at=datetime.now(UTC))).returning(CallbackDraw.id)
    except Exception as exc:  # the unique index: someone drew the month a moment ago
        if "unique" in str(exc).lower() or "duplicate" in str(exc).lower():
            raise AlreadyDrawn() from exc
        raise
    draw_id = row[0]["id"]
    if sample:
        await Callback.insert(*[Callback(draw=draw_id, kind=kind, request=object_id if kind == "request" else None,
                                         promise=object_id if kind == "fulfilment" else None, project=items[(kind, object_id)]["project"],
                                         department=items[(kind, object_id)]["department"], officer=items[(kind, object_id)]["officer"],
                                         lead_officer=items[(kind, object_id)]["lead_officer"], assignee=callers[(kind, object_id)])
                                for kind, object_id in sample])
    await audit(user_id, "callback_draw", "callback_draw", draw_id, {
        "month": month, "seed": secret, "percent": percent, "eligible": len(items),
        "sample": [f"{k}:{i}" for k, i in sample]})
    return draw_id


COLUMNS = (
    *Callback.all_columns(), Callback.project.name.as_alias("project_name"), Callback.department.name.as_alias("department_name"),
    Callback.officer.name.as_alias("officer_name"), Callback.assignee.name.as_alias("assignee_name"),
    Callback.caller.name.as_alias("caller_name"), Callback.lead_officer.name.as_alias("lead_officer_name"),
    Callback.request.description.as_alias("request_description"), Callback.request.solved.as_alias("request_solved"),
    Callback.request.satisfaction.as_alias("request_satisfaction"), Callback.promise.content.as_alias("promise_content"),
    Callback.promise.answer.as_alias("promise_answer"), Callback.draw.month.as_alias("month"),
)


def _own(row: dict) -> tuple[bool | None, int | None]:
    """The enterprise's own word on the item: a request's feedback, or a confirmed fulfilment."""
    if row["kind"] == "request":
        return row["request_solved"], row["request_satisfaction"]
    return (True if row["promise_answer"] == "confirmed" else None), None


async def callbacks(draw_id: int) -> list[dict]:
    rows = await Callback.select(*COLUMNS).where(Callback.draw == draw_id).order_by(Callback.id)
    for r in rows:
        r["own_solved"], r["own_satisfaction"] = _own(r)
        r["subject"] = r["request_description"] if r["kind"] == "request" else r["promise_content"]
    return rows


async def get(callback_id: int) -> dict | None:
    row = await Callback.select(*COLUMNS).where(Callback.id == callback_id).first()
    if row:
        row["own_solved"], row["own_satisfaction"] = _own(row)
        row["subject"] = row["request_description"] if row["kind"] == "request" else row["promise_content"]
    return row


async def record(cb: dict, caller: int, reached: bool, solved: bool | None, satisfaction: int | None, comment: str,
                 version: int, user_id: int, today: date) -> None:
    values = {Callback.caller: caller, Callback.reached: reached, Callback.solved: solved if reached else None,
              Callback.satisfaction: satisfaction if reached else None, Callback.comment: comment, Callback.done_on: today,
              Callback.recorded_by: user_id, Callback.version: Callback.version + 1}
    updated = await Callback.update(values).where(Callback.id == cb["id"], Callback.version == version).returning(Callback.id)
    if not updated:
        raise Conflict()
    await audit(user_id, "callback_record", "callback", cb["id"], {
        "caller": caller, "reached": reached, "solved": solved, "satisfaction": satisfaction, "comment": comment},
        project=cb["project"])


async def figures(rows: list[dict], today: date) -> tuple[list[dict], list[dict]]:
    """Per department and per officer: the callbacks of the rows beside the enterprise's own word
    on the same items and the bureau's own closed rate (from the request figures)."""
    by_officer, by_department = await request_queries.figures(today)
    closed = {("officer", r["id"]): r["figures"].closed_rate for r in by_officer.rows}
    closed |= {("department", r["id"]): r["figures"].closed_rate for r in by_department.rows}
    groups: dict[tuple[str, int | None], dict] = {}
    for r in rows:
        for kind, key, name in (("department", r["department"], r["department_name"]), ("officer", r["officer"], r["officer_name"])):
            g = groups.setdefault((kind, key), {"id": key, "name": name or "—", "figures": rules.Figures(closed_rate=closed.get((kind, key)))})
            g["figures"].add(r["done_on"] is not None, r["reached"], r["solved"], r["satisfaction"], r["own_solved"], r["own_satisfaction"])
    ordered = sorted(groups.items(), key=lambda kv: str(kv[1]["name"]))
    return [g for (kind, _), g in ordered if kind == "department"], [g for (kind, _), g in ordered if kind == "officer"]


async def waiting(today: date) -> list[dict]:
    """Callbacks not made yet, oldest draw first (for the reminders)."""
    return await Callback.select(Callback.id, Callback.assignee, Callback.project, Callback.project.name.as_alias("project_name"),
                                 Callback.draw.drawn_at.as_alias("drawn_at"), Callback.draw.month.as_alias("month")).where(
        Callback.done_on.is_null(), Callback.assignee.is_not_null()).order_by(Callback.id)
