"""The promise ledger's rules (DESIGN §3 "Promises"), as pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tracker.i18n import N_
from tracker.workdays import WorkCalendar

CATEGORIES = ("land", "funding", "tax", "utilities", "approvals", "talent", "infrastructure", "other")
SOURCES = ("contract", "meeting", "letter")
STATUSES = ("pending", "in_progress", "fulfilled", "partial", "unfulfillable", "withdrawn")
OPEN_STATUSES = ("pending", "in_progress", "partial", "unfulfillable")
ANSWERS = ("confirmed", "disputed")
# A deadline counted in working days lies at most four years of working days ahead.
DUE_WORKDAYS_MAX = 1000

# Allowed moves by staff. A dispute by the enterprise reopens fulfilled/partial to in_progress.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("in_progress", "fulfilled", "partial", "unfulfillable", "withdrawn"),
    "in_progress": ("fulfilled", "partial", "unfulfillable", "withdrawn"),
    "partial": ("in_progress", "fulfilled", "unfulfillable"),
    "unfulfillable": ("in_progress", "fulfilled", "partial"),
    "fulfilled": (),
    "withdrawn": (),
}


@dataclass(frozen=True)
class Template:
    key: str
    content: str
    category: str
    due_workdays: int
    target_workdays: int | None
    trigger_stage: str


# The standard utility promises of the source report: ≤ 30 working days (water/gas/heat target 15).
TEMPLATES = (
    Template("water", "供水接入：自开工建设起 30 个工作日内完成（目标 15 个工作日）", "utilities", 30, 15, "construction"),
    Template("gas", "燃气接入：自开工建设起 30 个工作日内完成（目标 15 个工作日）", "utilities", 30, 15, "construction"),
    Template("heat", "供热接入：自开工建设起 30 个工作日内完成（目标 15 个工作日）", "utilities", 30, 15, "construction"),
    Template("electricity", "供电接入：自开工建设起 30 个工作日内完成", "utilities", 30, None, "construction"),
)


def check_transition(
    current: str, new: str, today: date, reason: str = "", remedy_plan: str = "", remedy_due_on: date | None = None,
    explanation: str = "",
) -> tuple[str, str] | None:
    """(field, message) when a status change is refused, else None."""
    if new not in TRANSITIONS.get(current, ()):
        return "status", N_("This status change is not allowed.")
    if new == "unfulfillable":
        if not reason.strip():
            return "status_reason", N_("Say why the promise cannot be fulfilled.")
        if not remedy_plan.strip():
            return "remedy_plan", N_("A remedy plan is required.")
        if remedy_due_on is None:
            return "remedy_due_on", N_("The remedy plan needs a new date.")
        if remedy_due_on < today:
            return "remedy_due_on", N_("The new date cannot be in the past.")
    if new == "withdrawn" and not explanation.strip():
        return "explanation", N_("Explain to the enterprise why the promise is withdrawn.")
    return None


def check_promise(promised_on: date, due_on: date | None, amount: Decimal | None, today: date) -> tuple[str, str] | None:
    if promised_on > today:
        return "promised_on", N_("The promise date cannot be in the future.")
    if due_on is not None and due_on < promised_on:
        return "due_on", N_("The due date cannot be before the promise date.")
    if amount is not None and amount < 0:
        return "amount", N_("The amount cannot be negative.")
    return None


def compute_due(
    due_kind: str, fixed_due_on: date | None, trigger_done_on: date | None, workdays: int | None, calendar: WorkCalendar
) -> tuple[date | None, bool]:
    """The effective due date and whether it is provisional. None while the clock has not started."""
    if due_kind == "fixed":
        return fixed_due_on, False
    if trigger_done_on is None or workdays is None:
        return None, False
    return calendar.add_workdays_marked(trigger_done_on, workdays)


def effective_due(due_on: date | None, status: str, remedy_due_on: date | None) -> date | None:
    """An unfulfillable promise is judged against its remedy plan's date."""
    return remedy_due_on if status == "unfulfillable" and remedy_due_on else due_on


def is_overdue(status: str, due_on: date | None, remedy_due_on: date | None, today: date) -> bool:
    due = effective_due(due_on, status, remedy_due_on)
    return status in OPEN_STATUSES and due is not None and due < today


def overdue_workdays(status: str, due_on: date | None, remedy_due_on: date | None, today: date, calendar: WorkCalendar) -> int:
    if not is_overdue(status, due_on, remedy_due_on, today):
        return 0
    return calendar.workdays_between(effective_due(due_on, status, remedy_due_on), today)


def answer_effect(status: str, answer: str) -> str:
    """The enterprise's countersign: a dispute reopens a fulfilled or partial promise."""
    if answer not in ANSWERS:
        raise ValueError(answer)
    return "in_progress" if answer == "disputed" else status


ALREADY_ANSWERED = N_("This fulfilment has already been answered.")
SETTLED = ("fulfilled", "partial")  # the statuses the enterprise countersigns


def awaits_countersign(status: str, answer: str | None) -> bool:
    return status in SETTLED and answer is None


def check_answer(status: str, answer: str, reason: str) -> tuple[str, str] | None:
    if status not in SETTLED:
        return "answer", N_("Only a fulfilled or partially fulfilled promise can be confirmed or disputed.")
    if answer not in ANSWERS:
        return "answer", N_("Please choose one.")
    if answer == "disputed" and not reason.strip():
        return "answer_reason", N_("Say why the enterprise disputes the fulfilment.")
    return None


# --- credibility ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromiseFacts:
    department: int
    status: str
    due_on: date | None
    remedy_due_on: date | None
    settled_on: date | None
    answer: str | None


@dataclass
class DepartmentRecord:
    department: int
    made: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    unfulfillable: int = 0
    disputed: int = 0
    confirmed: int = 0
    settled: int = 0
    breaches: list = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        """Fulfilled on time among the promises that are due or settled."""
        judged = self.on_time + self.late + self.overdue + self.unfulfillable
        return self.on_time / judged if judged else None

    @property
    def confirmed_rate(self) -> float | None:
        """Enterprise-confirmed among the fulfilled and partially fulfilled."""
        return self.confirmed / self.settled if self.settled else None


def credibility(facts: Iterable[PromiseFacts], today: date) -> dict[int, DepartmentRecord]:
    records: dict[int, DepartmentRecord] = {}
    for f in facts:
        r = records.setdefault(f.department, DepartmentRecord(f.department))
        if f.status == "withdrawn":
            continue  # withdrawn as unlawful: not a promise the department can keep
        r.made += 1
        if f.status in ("fulfilled", "partial"):
            r.settled += 1
            if f.due_on is None or (f.settled_on and f.settled_on <= f.due_on):
                r.on_time += 1
            else:
                r.late += 1
        elif f.status != "unfulfillable" and is_overdue(f.status, f.due_on, f.remedy_due_on, today):
            r.overdue += 1
        if f.status == "unfulfillable":
            r.unfulfillable += 1
        if f.answer == "disputed":
            r.disputed += 1
        if f.answer == "confirmed":
            r.confirmed += 1
    return records


def is_breach(f: PromiseFacts, today: date, calendar: WorkCalendar, threshold_workdays: int) -> bool:
    """A breach of promise (政务失信): overdue by more than the threshold, or unfulfillable with its
    remedy date passed."""
    if f.status == "unfulfillable":
        return f.remedy_due_on is None or f.remedy_due_on < today
    return overdue_workdays(f.status, f.due_on, f.remedy_due_on, today, calendar) > threshold_workdays
