"""The rules of enterprise requests (DESIGN §3): deadlines, the staff and enterprise moves, the figures.

Pure functions only: no database, no clock (today is passed in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.auth.roles import CurrentUser
from tracker.i18n import N_
from tracker.workdays import WorkCalendar

CATEGORIES = ("approvals", "land", "utilities", "financing", "talent", "policy", "complaint", "other")
STATUSES = ("new", "acknowledged", "in_progress", "closed", "reopened")
OPEN_STATUSES = ("new", "acknowledged", "in_progress", "reopened")
# What staff may do, and the status each move leads to.
STAFF_ACTIONS = {"acknowledge": "acknowledged", "dispatch": "in_progress", "reply": "in_progress", "close": "closed"}
DESCRIPTION_MAX = 4000
TEXT_MAX = 4000


def deadlines(start: date, calendar: WorkCalendar, ack_workdays: int, answer_workdays: int) -> tuple[date, date]:
    """Acknowledge within N working days and answer within M, counted from the round's start."""
    return calendar.add_workdays(start, ack_workdays), calendar.add_workdays(start, answer_workdays)


def ack_overdue(status: str, acknowledged_on: date | None, ack_due_on: date, today: date) -> bool:
    return status in OPEN_STATUSES and acknowledged_on is None and ack_due_on < today


def answer_overdue(status: str, answered_on: date | None, answer_due_on: date, today: date) -> bool:
    return status in OPEN_STATUSES and answered_on is None and answer_due_on < today


def check_new(category: str, description: str) -> list[tuple[str, str]]:
    problems = []
    if category not in CATEGORIES:
        problems.append(("category", N_("Please choose one.")))
    if not description.strip():
        problems.append(("description", N_("Describe the problem you need solved.")))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(("description", N_("This text is too long.")))
    return problems


def check_staff_action(status: str, action: str, text: str, department: int | None) -> tuple[str, str] | None:
    """Refuse a move the request's status does not allow, or one missing what it needs."""
    if action not in STAFF_ACTIONS:
        return "action", N_("This choice is not valid.")
    if status not in OPEN_STATUSES:
        return "action", N_("This request is closed; the enterprise's feedback can reopen it.")
    if action == "acknowledge" and status not in ("new", "reopened"):
        return "action", N_("This request has already been acknowledged.")
    if action == "dispatch" and department is None:
        return "department", N_("Please choose one.")
    if action in ("reply", "close") and not text.strip():
        field = "resolution" if action == "close" else "text"
        return field, N_("Write what you tell the enterprise.") if action == "reply" else N_("Say how the request was handled.")
    if len(text) > TEXT_MAX:
        return "text", N_("This text is too long.")
    return None


def may_handle(user: CurrentUser, req: dict, officer_department: int | None) -> bool:
    """Who acts on a request: coordinators; the first responder; officers of the department it
    was passed to. Leaders and other officers read."""
    if user.is_manager:
        return True
    if user.role != "officer" or user.officer_id is None:
        return False
    return user.officer_id == req["responder"] or (req["department"] is not None and req["department"] == officer_department)


def after_staff_action(action: str) -> str:
    return STAFF_ACTIONS[action]


def is_answer(action: str) -> bool:
    """A reply or the closing answers the enterprise; both also acknowledge."""
    return action in ("reply", "close")


def awaits_feedback(status: str, solved: bool | None) -> bool:
    """Closed by staff, and the enterprise has not yet said whether it is solved."""
    return status == "closed" and solved is None


def check_feedback(status: str, solved_given: bool | None, solved: bool | None, rating: int | None, comment: str) -> list[tuple[str, str]]:
    if status != "closed":
        return [("form", N_("Only a closed request can be rated."))]
    if not awaits_feedback(status, solved_given):
        return [("form", N_("You have already given your feedback on this answer."))]
    problems = []
    if solved is None:
        problems.append(("solved", N_("Please choose one.")))
    if rating is None or not 1 <= rating <= 5:
        problems.append(("satisfaction", N_("Rate from 1 to 5.")))
    if solved is False and not comment.strip():
        problems.append(("feedback", N_("Say what is still not solved.")))
    if len(comment) > TEXT_MAX:
        problems.append(("feedback", N_("This text is too long.")))
    return problems


@dataclass(frozen=True)
class AfterFeedback:
    status: str
    reopen_count: int
    escalate: bool  # this feedback is the one that escalates the request to the coordinator


def after_feedback(solved: bool, reopen_count: int, already_escalated: bool, escalate_after: int) -> AfterFeedback:
    """"Not solved" reopens the request; the Nth reopening (3 by default) escalates it (提级督办)."""
    if solved:
        return AfterFeedback("closed", reopen_count, False)
    count = reopen_count + 1
    return AfterFeedback("reopened", count, not already_escalated and count >= escalate_after)


@dataclass(frozen=True)
class RequestFacts:
    status: str
    ack_due_on: date
    acknowledged_on: date | None
    answer_due_on: date
    answered_on: date | None
    solved: bool | None
    satisfaction: int | None


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    """Closed rate (办结率) and resolved rate (办成率) share one denominator, all requests raised,
    so resolved never exceeds closed. A deadline counts once it has passed or been met."""

    total: int = 0
    closed: int = 0
    resolved: int = 0
    rated: int = 0
    satisfaction_sum: int = 0
    ack_counted: int = 0
    ack_on_time: int = 0
    answer_counted: int = 0
    answer_on_time: int = 0

    def add(self, f: RequestFacts, today: date) -> None:
        self.total += 1
        self.closed += f.status == "closed"
        self.resolved += f.status == "closed" and f.solved is True
        if f.satisfaction is not None:
            self.rated += 1
            self.satisfaction_sum += f.satisfaction
        if f.acknowledged_on is not None or f.ack_due_on < today:
            self.ack_counted += 1
            self.ack_on_time += f.acknowledged_on is not None and f.acknowledged_on <= f.ack_due_on
        if f.answered_on is not None or f.answer_due_on < today:
            self.answer_counted += 1
            self.answer_on_time += f.answered_on is not None and f.answered_on <= f.answer_due_on

    @property
    def closed_rate(self) -> float | None:
        return _rate(self.closed, self.total)

    @property
    def resolved_rate(self) -> float | None:
        return _rate(self.resolved, self.total)

    @property
    def average_satisfaction(self) -> float | None:
        return self.satisfaction_sum / self.rated if self.rated else None

    @property
    def ack_rate(self) -> float | None:
        return _rate(self.ack_on_time, self.ack_counted)

    @property
    def answer_rate(self) -> float | None:
        return _rate(self.answer_on_time, self.answer_counted)


def figures(rows: list[tuple[object, RequestFacts]], today: date) -> tuple[dict[object, Figures], Figures]:
    """Figures per key (an officer, a department) and for all rows together."""
    groups: dict[object, Figures] = {}
    total = Figures()
    for key, facts in rows:
        groups.setdefault(key, Figures()).add(facts, today)
        total.add(facts, today)
    return groups, total
