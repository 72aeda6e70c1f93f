"""Reminders in the database: gathering the day's facts in a few queries, creating notices once,
queueing them into deliveries, claiming deliveries for sending and recording what happened;
and the reads of the bell, the notices page, the account page and the admin page."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from piccolo.query.methods.select import Count

from tracker.auth.tables import User
from tracker.callbacks import queries as callback_queries
from tracker.db import is_sqlite, write_transaction
from tracker.liaison.tables import Assignment, Handover
from tracker.meetings.tables import ActionItem
from tracker.notices import rules, texts
from tracker.notices.config import NotifyConfig
from tracker.notices.tables import Delivery, DeliveryAttempt, Notice, NoticePreference
from tracker.org.tables import Officer
from tracker.projects.queries import open_milestone
from tracker.projects.tables import Milestone, MilestoneChange
from tracker.promises import rules as promise_rules
from tracker.promises.tables import Promise
from tracker.requests import rules as request_rules
from tracker.requests.tables import EnterpriseRequest, RequestEvent
from tracker.settings import TIMEZONE
from tracker.visits import queries as visit_queries
from tracker.web import from_json
from tracker.workdays import WorkCalendar

# The delivery column and the "wanted" flag of each outside channel on a notice.
CHANNEL_COLUMNS = {
    "email": ("by_email", "email_delivery"),
    "webhook": ("by_webhook", "webhook_delivery"),
    "sms": ("by_sms", "sms_delivery"),
}
INSERT_CHUNK = 500


def _utc(day: date) -> datetime:
    """The start of a local (Asia/Shanghai) day, in UTC."""
    return datetime.combine(day, time(0), TIMEZONE).astimezone(UTC)


def _local_day(at: datetime) -> date:
    return at.astimezone(TIMEZONE).date()


# --- people -----------------------------------------------------------------------------------


async def load_people(defaults: tuple[str, ...]) -> tuple[rules.People, dict[str, rules.Contact]]:
    """Everyone who can be reached, and how (three queries)."""
    users = await User.select(
        User.id, User.username, User.role, User.display_name, User.officer, User.enterprise,
        User.officer.email.as_alias("officer_email"), User.officer.phone.as_alias("officer_phone"),
    ).where(User.active == True).order_by(User.id)  # noqa: E712
    prefs = {p["user"]: p for p in await NoticePreference.select()}
    officers = await Officer.select(Officer.id, Officer.name, Officer.email, Officer.phone).where(Officer.active == True)  # noqa: E712
    people = rules.People()
    contacts: dict[str, rules.Contact] = {}
    enterprise_users: dict[int, list[int]] = {}
    for u in users:
        portal = u["role"] == "enterprise"
        pref = prefs.get(u["id"])
        chosen = None if pref is None else [c for c in rules.CHANNELS if pref[c]]
        email = (pref["email_address"] if pref and pref["email_address"] else "") or ("" if portal else u["officer_email"] or "")
        phone = (pref["phone"] if pref and pref["phone"] else "") or ("" if portal else u["officer_phone"] or "")
        key = f"user:{u['id']}"
        contacts[key] = rules.Contact(key, u["display_name"] or u["username"], email, phone, pref["language"] if pref else "zh",
                                      rules.channels_for(portal, True, chosen, defaults, email, phone))
        if portal:
            if u["enterprise"] is not None:
                enterprise_users.setdefault(u["enterprise"], []).append(u["id"])
            continue
        people.staff_users[u["id"]] = u["officer"]
        if u["officer"] is not None:
            people.officer_users.setdefault(u["officer"], u["id"])
        if u["role"] == "coordinator":
            people.coordinators += (u["id"],)
    people.enterprise_users = {k: tuple(v) for k, v in enterprise_users.items()}
    for o in officers:
        if o["id"] in people.officer_users or not o["email"]:
            continue
        people.officers_with_email.add(o["id"])
        key = f"officer:{o['id']}"
        contacts[key] = rules.Contact(key, o["name"], o["email"], o["phone"], "zh", rules.channels_for(False, False, None, (), o["email"], ""))
    return people, contacts


# --- facts ------------------------------------------------------------------------------------


async def gather_facts(today: date, calendar: WorkCalendar, policy: rules.Policy) -> rules.Facts:
    """The day's facts in eight queries, whatever the number of projects."""
    horizon = calendar.add_workdays(today, policy.thresholds.amber_due_within_workdays)
    milestones = await Milestone.select(
        Milestone.id, Milestone.project, Milestone.name, Milestone.planned_on,
        Milestone.project.name.as_alias("project_name"), Milestone.project.lead_officer.as_alias("lead_officer"),
    ).where(open_milestone(), Milestone.project.status == "active", Milestone.planned_on <= horizon)
    promises = await Promise.select(
        Promise.id, Promise.project, Promise.content, Promise.status, Promise.due_on, Promise.remedy_due_on, Promise.settled_on,
        Promise.answer, Promise.answer_reason, Promise.project.name.as_alias("project_name"),
        Promise.project.lead_officer.as_alias("lead_officer"), Promise.project.enterprise.as_alias("enterprise"),
    ).where(
        Promise.project.status == "active",
        (Promise.status.is_in(list(promise_rules.OPEN_STATUSES)) & ((Promise.due_on < today) | (Promise.remedy_due_on < today)))
        | (Promise.status.is_in(list(promise_rules.SETTLED)) & Promise.answer.is_null())
        | (Promise.answer == "disputed"),
    )
    actions = await ActionItem.select(
        ActionItem.id, ActionItem.project, ActionItem.task, ActionItem.status, ActionItem.due_on, ActionItem.owner_officer,
        ActionItem.project.name.as_alias("project_name"), ActionItem.project.lead_officer.as_alias("lead_officer"),
        ActionItem.project.status.as_alias("project_status"),
    ).where(ActionItem.status == "open", ActionItem.due_on < today)
    R = EnterpriseRequest
    requests = await R.select(
        R.id, R.project, R.description, R.status, R.responder, R.ack_due_on, R.acknowledged_on, R.answer_due_on, R.answered_on,
        R.reopen_count, R.escalated, R.project.name.as_alias("project_name"), R.responder.name.as_alias("responder_name"),
    ).where(R.status.is_in(list(request_rules.OPEN_STATUSES)))
    handovers = await Handover.select(
        Handover.id, Handover.project, Handover.role, Handover.to_officer, Handover.handed_on,
        Handover.project.name.as_alias("project_name"), Handover.from_officer.name.as_alias("from_name"),
        Handover.to_officer.name.as_alias("to_name"),
    ).where(Handover.accepted_at.is_null(), Handover.project.status == "active")
    holders = await Assignment.select(Assignment.project, Assignment.role, Assignment.officer).where(
        Assignment.active == True, Assignment.role.is_in(list(rules.LEVEL_UP_ROLES)),  # noqa: E712
        Assignment.project.status == "active",
    )
    start, end = rules.event_window(today, calendar)
    since, until = _utc(start), _utc(end + timedelta(days=1))
    changes = await MilestoneChange.select(
        MilestoneChange.id, MilestoneChange.kind, MilestoneChange.milestone, MilestoneChange.from_date, MilestoneChange.to_date,
        MilestoneChange.at, MilestoneChange.milestone.name.as_alias("milestone_name"),
        MilestoneChange.milestone.project.as_alias("project"), MilestoneChange.milestone.project.name.as_alias("project_name"),
        MilestoneChange.milestone.project.enterprise.as_alias("enterprise"),
    ).where(MilestoneChange.at >= since, MilestoneChange.at < until,
            MilestoneChange.kind.is_in(["done", "done_out_of_order", "reschedule"]))
    events = await RequestEvent.select(
        RequestEvent.id, RequestEvent.kind, RequestEvent.request, RequestEvent.at,
        RequestEvent.request.description.as_alias("description"), RequestEvent.request.project.as_alias("project"),
        RequestEvent.request.project.name.as_alias("project_name"), RequestEvent.request.enterprise.as_alias("enterprise"),
    ).where(RequestEvent.at >= since, RequestEvent.at < until, RequestEvent.kind.is_in(["reply", "close"]))

    facts = rules.Facts(
        milestones=[rules.MilestoneFact(m["id"], m["project"], m["project_name"], m["name"], m["planned_on"], m["lead_officer"])
                    for m in milestones],
        promises=[rules.PromiseFact(p["id"], p["project"], p["project_name"], p["content"], p["status"], p["due_on"],
                                    p["remedy_due_on"], p["settled_on"], p["answer"], p["answer_reason"], p["lead_officer"],
                                    p["enterprise"]) for p in promises],
        actions=[rules.ActionFact(a["id"], a["project"], a["project_name"] or "", a["task"], a["status"], a["due_on"],
                                  a["owner_officer"], a["lead_officer"]) for a in actions
                 if a["project"] is None or a["project_status"] == "active"],
        requests=[rules.RequestFact(r["id"], r["project"], r["project_name"], r["description"], r["status"], r["responder"],
                                    r["responder_name"], r["ack_due_on"], r["acknowledged_on"], r["answer_due_on"], r["answered_on"],
                                    r["reopen_count"], r["escalated"]) for r in requests],
        handovers=[rules.HandoverFact(h["id"], h["project"], h["project_name"], h["role"], h["from_name"], h["to_officer"],
                                      h["to_name"], h["handed_on"]) for h in handovers],
        milestone_events=[rules.MilestoneEvent(c["id"], c["kind"], c["milestone"], c["milestone_name"], c["project"],
                                               c["project_name"], c["enterprise"], c["from_date"], c["to_date"], _local_day(c["at"]))
                          for c in changes],
        request_events=[rules.RequestEventFact(e["id"], e["kind"], e["request"], e["description"], e["project"], e["project_name"],
                                               e["enterprise"], _local_day(e["at"])) for e in events],
    )
    for h in holders:
        facts.holders.setdefault(h["project"], {})[h["role"]] = h["officer"]
    # Visits past their interval (one aggregate query) and callbacks not made yet.
    facts.visits = [rules.VisitFact(v["id"], v["name"], v["lead_officer"], v["dues"][0].due_on, v["days_late"])
                    for v in await visit_queries.overdue(today)]
    facts.callbacks = [rules.CallbackFact(c["id"], c["project"], c["project_name"], c["assignee"], c["month"], _local_day(c["drawn_at"]))
                       for c in await callback_queries.waiting(today)]
    return facts


# --- creating notices -------------------------------------------------------------------------


@dataclass
class Created:
    drafts: int = 0
    notices: int = 0
    by_rule: Counter = field(default_factory=Counter)
    by_channel: Counter = field(default_factory=Counter)
    urgent: int = 0


async def _standing_keys(day: date, rule_names: tuple[str, ...]) -> set[tuple[str, str, int, str]]:
    rows = await Notice.select(Notice.rule, Notice.object_kind, Notice.object_id, Notice.recipient).where(
        Notice.day == day, Notice.rule.is_in(list(rule_names)))
    return {(r["rule"], r["object_kind"], r["object_id"], r["recipient"]) for r in rows}


async def _existing_keys(since: date) -> set[tuple[str, str, int, str, date]]:
    rows = await Notice.select(Notice.rule, Notice.object_kind, Notice.object_id, Notice.recipient, Notice.day).where(
        Notice.day >= since)
    return {(r["rule"], r["object_kind"], r["object_id"], r["recipient"], r["day"]) for r in rows}


def active_channels(config: NotifyConfig) -> set[str]:
    """The outside channels switched on by configuration (a configured but broken channel is on:
    its deliveries fail visibly instead of notices silently going nowhere)."""
    on = set()
    if config.smtp_url.strip():
        on.add("email")
    if config.webhook_url.strip():
        on.add("webhook")
    if config.sms_adapter.strip():
        on.add("sms")
    return on


async def create_notices(config: NotifyConfig, today: date, now: datetime, calendar: WorkCalendar) -> Created:
    """Turn today's facts into notices; a notice that exists (same rule, object, person and day)
    is never made twice: the drafts are checked against the existing keys, and the insert does
    nothing on a conflict with the unique index (another server's pass at the same moment)."""
    people, contacts = await load_people(config.default_channels)
    facts = await gather_facts(today, calendar, config.policy)
    drafts = rules.unique(rules.drafts(facts, people, today, calendar, config.policy))
    start, _end = rules.event_window(today, calendar)
    drafts = rules.mark_urgent(drafts, await _standing_keys(start, rules.ESCALATIONS))
    existing = await _existing_keys(min((d.day for d in drafts), default=today))
    new = [d for d in drafts if d.key not in existing]
    result = Created(drafts=len(drafts))
    on = active_channels(config)
    rows = []
    for d in new:
        contact = contacts.get(d.recipient.key)
        channels = set(contact.channels if contact else ()) & on
        rows.append((d.rule, d.object_kind, d.object_id, d.recipient.key, d.recipient.user, d.recipient.officer, d.day, d.project,
                     d.urgent, json.dumps(d.params, ensure_ascii=False), d.link, now, False, "email" in channels,
                     "webhook" in channels, "sms" in channels))
    inserted: list[dict] = []
    async with write_transaction():
        for begin in range(0, len(rows), INSERT_CHUNK):
            inserted += await _insert_notices(rows[begin : begin + INSERT_CHUNK])
        await _supersede(today, start)
    for r in inserted:
        result.notices += 1
        result.by_rule[r["rule"]] += 1
        result.urgent += bool(r["urgent"])
        result.by_channel["inapp"] += r["user"] is not None
        for channel, (flag, _column) in CHANNEL_COLUMNS.items():
            result.by_channel[channel] += bool(r[flag])
    return result


NOTICE_COLUMNS = ('rule, object_kind, object_id, recipient, "user", officer, day, project, urgent, params, link, created_at, '
                  "superseded, by_email, by_webhook, by_sms")


async def _insert_notices(rows: list[tuple]) -> list[dict]:
    """Insert-if-absent, one statement per chunk (building a Table object per row costs more than
    the database's work at 10,000 projects); returns what the inserted rows say."""
    values = ", ".join("(" + ", ".join(["{}"] * len(rows[0])) + ")" for _ in rows)
    return await Notice.raw(
        f"INSERT INTO notice ({NOTICE_COLUMNS}) VALUES {values} ON CONFLICT DO NOTHING "
        'RETURNING rule, urgent, "user", by_email, by_webhook, by_sms',
        *[value for row in rows for value in row],
    )


async def _supersede(today: date, since: date) -> None:
    """A reminder that came again today replaces its copies of earlier days: they no longer count
    as unread, and one still waiting for an outside channel stays off it (today's copy goes)."""
    waiting = ", ".join(f"{flag} = CASE WHEN {column} IS NULL THEN FALSE ELSE {flag} END"
                        for flag, column in CHANNEL_COLUMNS.values())
    await Notice.raw(
        f"""UPDATE notice SET superseded = TRUE, {waiting}
        WHERE superseded = FALSE AND day < {{}} AND day >= {{}}
        AND EXISTS (SELECT 1 FROM notice AS later WHERE later.rule = notice.rule AND later.object_kind = notice.object_kind
                    AND later.object_id = notice.object_id AND later.recipient = notice.recipient AND later.day = {{}})""",
        today, since, today,
    )


# --- queueing deliveries ----------------------------------------------------------------------


async def queue_deliveries(config: NotifyConfig, today: date, now: datetime) -> int:
    """Put waiting notices into deliveries: per channel and person, one digest a working day
    (notices that arrive after it wait for the next working day's), and an urgent batch at
    once. A notice joins exactly one delivery per channel: the UPDATE that takes it checks it is
    still free, so two servers queueing at once never share one."""
    _people, contacts = await load_people(config.default_channels)
    created = 0
    async with write_transaction():
        for channel, (flag, column) in CHANNEL_COLUMNS.items():
            waiting = await Notice.raw(
                f"SELECT recipient, urgent, COUNT(*) AS n, MIN(id) AS first FROM notice "
                f"WHERE {flag} = TRUE AND {column} IS NULL GROUP BY recipient, urgent ORDER BY recipient")
            if not waiting:
                continue
            digested = {r["recipient"] for r in await Delivery.select(Delivery.recipient).where(
                Delivery.channel == channel, Delivery.day == today, Delivery.batch == "digest")}
            for w in waiting:
                urgent = bool(w["urgent"])
                recipient = w["recipient"]
                if not urgent and recipient in digested:
                    continue  # today's digest has gone: these wait for the next working day's
                contact = contacts.get(recipient)
                address = "" if contact is None else contact.email if channel == "email" else contact.phone if channel == "sms" else ""
                if contact is None or channel not in contact.channels or (channel != "webhook" and not address):
                    # The person left, or chose otherwise since, or has no address any more: not on this channel.
                    await Notice.raw(f"UPDATE notice SET {flag} = FALSE WHERE recipient = {{}} AND {flag} = TRUE AND {column} IS NULL",
                                     recipient)
                    continue
                user_id = int(recipient.split(":")[1]) if recipient.startswith("user:") else None
                officer_id = int(recipient.split(":")[1]) if recipient.startswith("officer:") else None
                row = await Delivery.insert(Delivery(
                    channel=channel, recipient=recipient, user=user_id, officer=officer_id, address=address, name=contact.name[:50],
                    language=contact.language, day=today, batch="digest" if not urgent else f"urgent-{w['first']}", urgent=urgent,
                    status="pending", next_attempt_at=now, created_at=now,
                )).on_conflict(action="DO NOTHING").returning(Delivery.id)
                if not row:
                    continue
                delivery_id = row[0]["id"]
                taken = await Notice.raw(
                    f"UPDATE notice SET {column} = {{}} WHERE recipient = {{}} AND {flag} = TRUE AND {column} IS NULL "
                    f"AND urgent = {{}} RETURNING id", delivery_id, recipient, urgent)
                if not taken:
                    await Delivery.delete().where(Delivery.id == delivery_id)
                    continue
                await Delivery.update({
                    Delivery.notices: len(taken), Delivery.subject: texts.subject(len(taken), urgent, today, contact.language)[:200],
                }).where(Delivery.id == delivery_id)
                created += 1
    return created


# --- claiming and recording -------------------------------------------------------------------


async def claim(worker: str, now: datetime, limit: int) -> list[dict]:
    """Take up to `limit` deliveries due for sending, for this worker alone: pending ones whose
    time has come, and claims a crashed sender left behind. PostgreSQL skips rows another sender
    is claiming (FOR UPDATE SKIP LOCKED); on SQLite the write lock (IMMEDIATE) makes the claim
    one writer's at a time."""
    lock = "" if is_sqlite() else "FOR UPDATE SKIP LOCKED"
    async with write_transaction():
        rows = await Delivery.raw(
            f"""UPDATE notice_delivery SET status = 'sending', claimed_by = {{}}, claimed_until = {{}}, attempts = attempts + 1
            WHERE id IN (SELECT id FROM notice_delivery
                         WHERE (status = 'pending' AND next_attempt_at <= {{}}) OR (status = 'sending' AND claimed_until < {{}})
                         ORDER BY id LIMIT {{}} {lock})
            RETURNING id""",
            worker, now + rules.CLAIM_LEASE, now, now, limit,
        )
    if not rows:
        return []
    return await Delivery.select().where(Delivery.id.is_in([r["id"] for r in rows])).order_by(Delivery.id)


def _with_params(rows: list[dict]) -> list[dict]:
    """JSON comes back as text on SQLite."""
    for r in rows:
        r["params"] = from_json(r["params"])
    return rows


async def delivery_notices(delivery: dict) -> list[dict]:
    column = getattr(Notice, CHANNEL_COLUMNS[delivery["channel"]][1])
    return _with_params(await Notice.select().where(column == delivery["id"]).order_by(Notice.id))


async def record(delivery: dict, worker: str, now: datetime, error: str | None, config: NotifyConfig, milliseconds: int = 0,
                 logged: bool = False) -> str:
    """What became of one try: sent (or only logged), else pending again after a backoff, or
    failed for good after the last try. Only the worker holding the claim records it."""
    if error is None:
        status = "logged" if logged else "sent"
        values = {Delivery.status: status, Delivery.sent_at: now, Delivery.claimed_until: None, Delivery.last_error: ""}
    else:
        status = rules.after_failure(delivery["attempts"], config.max_attempts)
        values = {Delivery.status: status, Delivery.claimed_until: None, Delivery.last_error: error[:2000],
                  Delivery.next_attempt_at: now + rules.retry_delay(delivery["attempts"], config.retry_minutes)}
    async with write_transaction():
        updated = await Delivery.update(values).where(
            Delivery.id == delivery["id"], Delivery.status == "sending", Delivery.claimed_by == worker,
        ).returning(Delivery.id)
        await DeliveryAttempt.insert(DeliveryAttempt(delivery=delivery["id"], at=now, ok=error is None, error=(error or "")[:2000],
                                                     worker=worker[:80], milliseconds=milliseconds))
    return status if updated else "lost_claim"


async def retry(delivery_id: int, now: datetime) -> bool:
    """An admin sends a failed delivery again (its attempts start over; the history stays)."""
    rows = await Delivery.update({Delivery.status: "pending", Delivery.attempts: 0, Delivery.next_attempt_at: now}).where(
        Delivery.id == delivery_id, Delivery.status == "failed").returning(Delivery.id)
    return bool(rows)


# --- in the app -------------------------------------------------------------------------------


async def unread_count(user_id: int) -> int:
    return await Notice.count().where(Notice.user == user_id, Notice.read_at.is_null(), Notice.superseded == False)  # noqa: E712


async def notices_of(user_id: int, page: int, page_size: int, unread_only: bool = False) -> tuple[list[dict], int]:
    where = [Notice.user == user_id]
    if unread_only:
        where += [Notice.read_at.is_null(), Notice.superseded == False]  # noqa: E712
    total = await Notice.count().where(*where)
    rows = await Notice.select().where(*where).order_by(Notice.id, ascending=False).limit(page_size).offset((page - 1) * page_size)
    return _with_params(rows), total


async def notice_of(user_id: int, notice_id: int) -> dict | None:
    """One notice, only if it is the user's own."""
    row = await Notice.select().where(Notice.id == notice_id, Notice.user == user_id).first()
    return _with_params([row])[0] if row else None


async def mark_read(user_id: int, notice_id: int | None, now: datetime) -> int:
    """Mark one notice (or, with None, all) of the user as read; returns how many changed."""
    query = Notice.update({Notice.read_at: now}).where(Notice.user == user_id, Notice.read_at.is_null())
    if notice_id is not None:
        query = query.where(Notice.id == notice_id)
    return len(await query.returning(Notice.id))


async def preference(user_id: int) -> dict | None:
    return await NoticePreference.select().where(NoticePreference.user == user_id).first()


async def save_preference(user_id: int, values: dict, now: datetime) -> dict | None:
    """Create or change the user's choices; returns the row before (None when there was none)."""
    before = await preference(user_id)
    if before is None:
        await NoticePreference.insert(NoticePreference(user=user_id, updated_at=now, **values))
    else:
        await NoticePreference.update({**{getattr(NoticePreference, k): v for k, v in values.items()},
                                       NoticePreference.updated_at: now}).where(NoticePreference.user == user_id)
    return before


async def officer_contact(officer_id: int | None) -> dict | None:
    if officer_id is None:
        return None
    return await Officer.select(Officer.email, Officer.phone).where(Officer.id == officer_id).first()


# --- the admin page ---------------------------------------------------------------------------

DELIVERY_STATUSES = ("pending", "sending", "sent", "logged", "failed")


async def deliveries(status: str = "", channel: str = "", limit: int = 200) -> list[dict]:
    query = Delivery.select().order_by(Delivery.id, ascending=False).limit(limit)
    if status:
        query = query.where(Delivery.status == status)
    if channel:
        query = query.where(Delivery.channel == channel)
    return await query


async def delivery_counts() -> dict[tuple[str, str], int]:
    rows = await Delivery.select(Delivery.channel, Delivery.status, Count(Delivery.id).as_alias("n")).group_by(
        Delivery.channel, Delivery.status)
    return {(r["channel"], r["status"]): r["n"] for r in rows}


async def notice_counts(day: date) -> dict[str, int]:
    rows = await Notice.select(Notice.rule, Count(Notice.id).as_alias("n")).where(Notice.day == day).group_by(Notice.rule)
    return {r["rule"]: r["n"] for r in rows}


async def last_attempts(channel: str) -> dict | None:
    """The newest attempt on a channel, for the configuration status."""
    return await DeliveryAttempt.select(
        DeliveryAttempt.at, DeliveryAttempt.ok, DeliveryAttempt.error, DeliveryAttempt.delivery.channel.as_alias("channel"),
    ).where(DeliveryAttempt.delivery.channel == channel).order_by(DeliveryAttempt.id, ascending=False).first()


async def attempts_of(delivery_ids: list[int]) -> dict[int, list[dict]]:
    rows = await DeliveryAttempt.select().where(DeliveryAttempt.delivery.is_in(delivery_ids or [0])).order_by(DeliveryAttempt.id)
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["delivery"], []).append(r)
    return out
