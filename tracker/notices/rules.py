"""Who hears what, when, and on which channel (DESIGN §3 "Reminders"), as pure functions.

Facts come in as plain rows (gathered by queries.py); out come drafts of notices: who, about which
object, why (the rule), which day. Also here: the escalation ladder (which rules go a level up and
when they are urgent), the window of the day's events, the digest's grouping, the channels a
person gets, and the retry backoff of a failed delivery.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from tracker.meetings import rules as meeting_rules
from tracker.projects import rules as project_rules
from tracker.promises import rules as promise_rules
from tracker.requests import rules as request_rules
from tracker.workdays import WorkCalendar

# The lead officer's reminders (the first responder's, for requests; the successor's, for handovers).
STAFF_RULES = (
    "milestone_overdue", "promise_overdue", "action_overdue", "request_ack", "request_answer", "handover_pending",
    "promise_disputed", "fulfilment_unconfirmed", "milestone_due", "visit_overdue", "callback_waiting",
)
# One level up, when a thing stays overdue (提级): the responsible leader and the district/park
# responsible person for red milestones and promises; the coordinators for late or escalated
# requests and handovers left waiting.
ESCALATIONS = ("milestone_red", "promise_red", "request_escalated", "request_late", "handover_late")
# What the enterprise's portal users hear about their own projects.
ENTERPRISE_RULES = ("fulfilment_to_confirm", "request_answered", "request_closed", "milestone_completed", "milestone_replanned")
# The order of the digest's sections: escalations first, then the lead officer's work, then news.
RULE_ORDER = ESCALATIONS + STAFF_RULES + ENTERPRISE_RULES
# Rules about a standing condition (repeated each working day while it holds); the others are
# events of the day, reported once.
EVENT_RULES = ("request_answered", "request_closed", "milestone_completed", "milestone_replanned")

# Channels beyond the app itself (in-app is the notice row: everyone with a login has it).
CHANNELS = ("email", "webhook", "sms")
# The group chat is the bureau's: enterprise users never get it.
STAFF_ONLY_CHANNELS = ("webhook",)
WEBHOOK_FORMATS = ("wecom", "dingtalk")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Recipient:
    """A person a notice is for: a user (in-app and their chosen channels) or an officer without
    a login (e-mail only, to the officer record's address)."""

    key: str
    user: int | None = None
    officer: int | None = None
    portal: bool = False  # an enterprise user: links go to the portal


@dataclass
class People:
    """Who can be reached: officers with an active login, officers without one but with an
    e-mail address, the coordinators, and each enterprise's portal users."""

    officer_users: dict[int, int] = field(default_factory=dict)
    officers_with_email: set[int] = field(default_factory=set)
    coordinators: tuple[int, ...] = ()
    enterprise_users: dict[int, tuple[int, ...]] = field(default_factory=dict)
    staff_users: dict[int, int | None] = field(default_factory=dict)  # user -> officer (coordinators' own officer)

    def officer(self, officer_id: int | None) -> Recipient | None:
        if officer_id is None:
            return None
        if (user := self.officer_users.get(officer_id)) is not None:
            return Recipient(f"user:{user}", user=user, officer=officer_id)
        if officer_id in self.officers_with_email:
            return Recipient(f"officer:{officer_id}", officer=officer_id)
        return None

    def coordinator_recipients(self) -> list[Recipient]:
        return [Recipient(f"user:{u}", user=u, officer=self.staff_users.get(u)) for u in self.coordinators]

    def enterprise(self, enterprise_id: int) -> list[Recipient]:
        return [Recipient(f"user:{u}", user=u, portal=True) for u in self.enterprise_users.get(enterprise_id, ())]


@dataclass(frozen=True)
class Policy:
    thresholds: project_rules.Thresholds = project_rules.Thresholds()
    handover_escalate_workdays: int = 3
    # A satisfaction callback not made this many working days after the draw reminds its caller.
    callback_remind_workdays: int = 5


# --- facts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneFact:
    """An open milestone of an active project."""

    id: int
    project: int
    project_name: str
    name: str
    planned_on: date
    lead_officer: int


@dataclass(frozen=True)
class PromiseFact:
    id: int
    project: int
    project_name: str
    content: str
    status: str
    due_on: date | None
    remedy_due_on: date | None
    settled_on: date | None
    answer: str | None
    answer_reason: str
    lead_officer: int
    enterprise: int


@dataclass(frozen=True)
class ActionFact:
    id: int
    project: int | None
    project_name: str
    task: str
    status: str
    due_on: date
    owner_officer: int
    lead_officer: int | None


@dataclass(frozen=True)
class RequestFact:
    id: int
    project: int
    project_name: str
    description: str
    status: str
    responder: int
    responder_name: str
    ack_due_on: date
    acknowledged_on: date | None
    answer_due_on: date
    answered_on: date | None
    reopen_count: int
    escalated: bool


@dataclass(frozen=True)
class HandoverFact:
    id: int
    project: int
    project_name: str
    role: str
    from_name: str
    to_officer: int
    to_name: str
    handed_on: date


@dataclass(frozen=True)
class MilestoneEvent:
    """A MilestoneChange row of the event window."""

    id: int
    kind: str
    milestone: int
    milestone_name: str
    project: int
    project_name: str
    enterprise: int
    from_date: date | None
    to_date: date | None
    day: date  # when it was recorded (Asia/Shanghai)


@dataclass(frozen=True)
class RequestEventFact:
    id: int
    kind: str
    request: int
    description: str
    project: int
    project_name: str
    enterprise: int
    day: date


@dataclass(frozen=True)
class VisitFact:
    """An active project past a visit interval (tracker/visits): the lead officer arranges the visit."""

    project: int
    project_name: str
    lead_officer: int
    due_on: date
    days_late: int


@dataclass(frozen=True)
class CallbackFact:
    """A satisfaction callback not made yet, with the day its month was drawn (Asia/Shanghai)."""

    id: int
    project: int
    project_name: str
    assignee: int
    month: str
    drawn_on: date


@dataclass
class Facts:
    milestones: list[MilestoneFact] = field(default_factory=list)
    promises: list[PromiseFact] = field(default_factory=list)
    actions: list[ActionFact] = field(default_factory=list)
    requests: list[RequestFact] = field(default_factory=list)
    handovers: list[HandoverFact] = field(default_factory=list)
    # project -> role -> officer, for the roles one level up (responsible_leader, area_leader)
    holders: dict[int, dict[str, int]] = field(default_factory=dict)
    milestone_events: list[MilestoneEvent] = field(default_factory=list)
    request_events: list[RequestEventFact] = field(default_factory=list)
    visits: list[VisitFact] = field(default_factory=list)
    callbacks: list[CallbackFact] = field(default_factory=list)


# Roles one level up from the lead officer, for red milestones and promises.
LEVEL_UP_ROLES = ("responsible_leader", "area_leader")


@dataclass(frozen=True)
class Draft:
    rule: str
    object_kind: str
    object_id: int
    recipient: Recipient
    day: date
    project: int | None
    params: dict
    link: str
    urgent: bool = False

    @property
    def key(self) -> tuple[str, str, int, str, date]:
        return (self.rule, self.object_kind, self.object_id, self.recipient.key, self.day)

    @property
    def standing_key(self) -> tuple[str, str, int, str]:
        """The key without the day: the same reminder on different days."""
        return (self.rule, self.object_kind, self.object_id, self.recipient.key)


def event_window(today: date, calendar: WorkCalendar) -> tuple[date, date]:
    """The days whose events today's pass reports: from the previous working day through today,
    so a weekend's or holiday's events reach people on the next working day and an event after
    the last pass of a working day is still caught the next one (the unique key stops repeats)."""
    day = today - timedelta(days=1)
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day, today


def previous_workday(today: date, calendar: WorkCalendar) -> date:
    return event_window(today, calendar)[0]


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _staff_link(kind: str, object_id: int, project: int | None) -> str:
    if kind == "milestone":
        return f"/projects/{project}#milestones"
    if kind == "promise":
        return f"/promises/{object_id}"
    if kind == "action_item":
        return f"/projects/{project}#project-meetings" if project else "/action-items/"
    if kind == "request":
        return f"/requests/{object_id}"
    if kind == "handover":
        return f"/projects/{project}#pending-handovers"
    if kind == "visit_due":
        return f"/projects/{project}#project-visits"
    if kind == "callback":
        return f"/callbacks/{object_id}"
    return f"/projects/{project}" if project else "/"


def _portal_link(kind: str, object_id: int, project: int) -> str:
    if kind == "request":
        return f"/portal/requests/{object_id}"
    if kind == "promise":
        return f"/portal/projects/{project}#promises"
    return f"/portal/projects/{project}"


def drafts(facts: Facts, people: People, today: date, calendar: WorkCalendar, policy: Policy = Policy()) -> list[Draft]:
    """Every notice today's facts call for (before de-duplication against what exists)."""
    out: list[Draft] = []

    def add(rule: str, kind: str, object_id: int, recipients: Iterable[Recipient | None], project: int | None, params: dict,
            day: date = today, links_to: tuple[str, int] | None = None) -> None:
        """links_to: the object the notice opens when it is not the notice's own (an event opens its request)."""
        link_kind, link_id = links_to or (kind, object_id)
        for r in recipients:
            if r is None:
                continue
            link = _portal_link(link_kind, link_id, project) if r.portal else _staff_link(link_kind, link_id, project)
            out.append(Draft(rule, kind, object_id, r, day, project, params, link))

    def level_up(project: int) -> list[Recipient | None]:
        roles = facts.holders.get(project, {})
        seen, found = set(), []
        for role in LEVEL_UP_ROLES:
            r = people.officer(roles.get(role))
            if r is not None and r.key not in seen:
                seen.add(r.key)
                found.append(r)
        return found

    th = policy.thresholds
    for m in facts.milestones:
        signal = project_rules.milestone_signal(m.name, m.planned_on, False, today, calendar, th)
        if signal is None:
            continue
        params = {"project": m.project_name, "milestone": m.name, "date": m.planned_on.isoformat(), "n": signal.workdays}
        lead = [people.officer(m.lead_officer)]
        if signal.kind == "milestone_due":
            add("milestone_due", "milestone", m.id, lead, m.project, params)
            continue
        add("milestone_overdue", "milestone", m.id, lead, m.project, params)
        if signal.colour == "red":
            add("milestone_red", "milestone", m.id, level_up(m.project), m.project, params)

    for p in facts.promises:
        lead = [people.officer(p.lead_officer)]
        base = {"project": p.project_name, "promise": _short(p.content)}
        if promise_rules.is_overdue(p.status, p.due_on, p.remedy_due_on, today):
            due = promise_rules.effective_due(p.due_on, p.status, p.remedy_due_on)
            params = {**base, "date": due.isoformat(), "n": calendar.workdays_between(due, today)}
            add("promise_overdue", "promise", p.id, lead, p.project, params)
            # An overdue promise turns its project red (DESIGN §3): the level up hears at once.
            add("promise_red", "promise", p.id, level_up(p.project), p.project, params)
        if promise_rules.awaits_countersign(p.status, p.answer):
            params = {**base, "date": p.settled_on.isoformat() if p.settled_on else ""}
            add("fulfilment_unconfirmed", "promise", p.id, lead, p.project, params)
            add("fulfilment_to_confirm", "promise", p.id, people.enterprise(p.enterprise), p.project, params)
        if p.answer == "disputed":
            add("promise_disputed", "promise", p.id, lead, p.project, {**base, "reason": _short(p.answer_reason, 80)})

    for a in facts.actions:
        if not meeting_rules.is_overdue(a.status, a.due_on, today):
            continue
        # An item about no project has no lead officer: its owner hears instead.
        who = people.officer(a.lead_officer if a.lead_officer is not None else a.owner_officer)
        params = {"project": a.project_name, "task": _short(a.task), "date": a.due_on.isoformat(),
                  "n": calendar.workdays_between(a.due_on, today)}
        add("action_overdue", "action_item", a.id, [who], a.project, params)

    for r in facts.requests:
        if r.status not in request_rules.OPEN_STATUSES:
            continue
        base = {"project": r.project_name, "request": _short(r.description)}
        responder = [people.officer(r.responder)]
        ack_late = request_rules.ack_overdue(r.status, r.acknowledged_on, r.ack_due_on, today)
        answer_late = request_rules.answer_overdue(r.status, r.answered_on, r.answer_due_on, today)
        if r.acknowledged_on is None:
            add("request_ack", "request", r.id, responder, r.project, {**base, "date": r.ack_due_on.isoformat(), "late": ack_late})
        elif r.answered_on is None:
            add("request_answer", "request", r.id, responder, r.project,
                {**base, "date": r.answer_due_on.isoformat(), "late": answer_late})
        if r.escalated:
            add("request_escalated", "request", r.id, people.coordinator_recipients(), r.project, {**base, "n": r.reopen_count})
        elif ack_late or answer_late:
            missed = r.ack_due_on if ack_late else r.answer_due_on
            add("request_late", "request", r.id, people.coordinator_recipients(), r.project,
                {**base, "date": missed.isoformat(), "responder": r.responder_name, "what": "ack" if ack_late else "answer"})

    for h in facts.handovers:
        waited = calendar.workdays_between(h.handed_on, today)
        params = {"project": h.project_name, "role": h.role, "from": h.from_name, "to": h.to_name, "n": waited,
                  "date": h.handed_on.isoformat()}
        add("handover_pending", "handover", h.id, [people.officer(h.to_officer)], h.project, params)
        if waited > policy.handover_escalate_workdays:
            add("handover_late", "handover", h.id, people.coordinator_recipients(), h.project, params)

    for v in facts.visits:
        add("visit_overdue", "visit_due", v.project, [people.officer(v.lead_officer)], v.project,
            {"project": v.project_name, "date": v.due_on.isoformat(), "n": v.days_late})

    for c in facts.callbacks:
        waited = calendar.workdays_between(c.drawn_on, today)
        if waited > policy.callback_remind_workdays:
            add("callback_waiting", "callback", c.id, [people.officer(c.assignee)], c.project,
                {"project": c.project_name, "month": c.month, "n": waited})

    start, end = event_window(today, calendar)
    for e in facts.milestone_events:
        if not start <= e.day <= end:
            continue
        params = {"project": e.project_name, "milestone": e.milestone_name}
        if e.kind in ("done", "done_out_of_order"):
            # A completion entered late (history typed in afterwards, an import) is not news.
            if e.to_date is None or not start <= e.to_date <= end:
                continue
            add("milestone_completed", "milestone_change", e.id, people.enterprise(e.enterprise), e.project,
                {**params, "date": e.to_date.isoformat()}, day=e.day)
        elif e.kind == "reschedule" and e.to_date is not None:
            add("milestone_replanned", "milestone_change", e.id, people.enterprise(e.enterprise), e.project,
                {**params, "from": e.from_date.isoformat() if e.from_date else "", "to": e.to_date.isoformat()}, day=e.day)

    for e in facts.request_events:
        if not start <= e.day <= end or e.kind not in ("reply", "close"):
            continue
        rule = "request_answered" if e.kind == "reply" else "request_closed"
        add(rule, "request_event", e.id, people.enterprise(e.enterprise), e.project,
            {"project": e.project_name, "request": _short(e.description)}, day=e.day, links_to=("request", e.request))
    return out


def mark_urgent(drafts_: Iterable[Draft], seen_before: set[tuple[str, str, int, str]]) -> list[Draft]:
    """An escalation is urgent (goes at once, not in the digest) the first working day it is
    raised: when the same rule, object and person were not notified on the previous working day.
    After that it stays in the daily digest while it lasts."""
    return [replace(d, urgent=True) if d.rule in ESCALATIONS and d.standing_key not in seen_before else d for d in drafts_]


def unique(drafts_: Iterable[Draft]) -> list[Draft]:
    """One draft per key (two roles of one person on one project make one notice)."""
    seen: dict[tuple, Draft] = {}
    for d in drafts_:
        seen.setdefault(d.key, d)
    return list(seen.values())


# --- channels ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """How a recipient is reached, and in which language."""

    key: str
    name: str
    email: str = ""
    phone: str = ""
    language: str = "zh"
    channels: tuple[str, ...] = ()


def channels_for(portal: bool, has_login: bool, chosen: Iterable[str] | None, defaults: Iterable[str], email: str,
                 phone: str) -> tuple[str, ...]:
    """The outside channels a person gets: what they chose (else the defaults), where an address
    is known; an officer without a login gets e-mail only; the group chat is for staff only."""
    if not has_login:
        return ("email",) if email else ()
    wanted = set(chosen if chosen is not None else defaults)
    out = []
    for channel in CHANNELS:
        if channel not in wanted:
            continue
        if channel == "email" and not email:
            continue
        if channel == "sms" and not phone:
            continue
        if channel in STAFF_ONLY_CHANNELS and portal:
            continue
        out.append(channel)
    return tuple(out)


def may_send(today: date, now_local: datetime, calendar: WorkCalendar, digest_hour: int, fixed_day: bool = False) -> bool:
    """Outside channels send on working days only, from the digest hour on (a pretended day, for
    demos and tests, counts as past it). In-app notices are created at any pass of a working day."""
    if not calendar.is_workday(today):
        return False
    return fixed_day or now_local.hour >= digest_hour


# --- the digest ---------------------------------------------------------------------------------


@dataclass
class Section:
    rule: str
    items: list[dict]


def sections(notices: Iterable[dict]) -> list[Section]:
    """A digest's notices grouped by rule, in the ladder's order (escalations first), each group
    by project and day."""
    groups: dict[str, list[dict]] = {}
    for n in notices:
        groups.setdefault(n["rule"], []).append(n)
    order = {rule: i for i, rule in enumerate(RULE_ORDER)}
    out = []
    for rule in sorted(groups, key=lambda r: order.get(r, len(order))):
        items = sorted(groups[rule], key=lambda n: (str(n["params"].get("project", "")), n["day"], n["id"]))
        out.append(Section(rule, items))
    return out


# --- retries -----------------------------------------------------------------------------------

RETRY_CAP = timedelta(hours=6)
# A claimed delivery whose sender did not report back within this time (it crashed) may be claimed again.
CLAIM_LEASE = timedelta(minutes=10)


def retry_delay(attempts: int, base_minutes: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt, at most 6 hours."""
    return min(timedelta(minutes=base_minutes) * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def after_failure(attempts: int, max_attempts: int) -> str:
    """A failed delivery is tried again until it has had max_attempts tries, then marked failed
    (kept with its error for the admin page; an admin can send it again)."""
    return "failed" if attempts >= max_attempts else "pending"
