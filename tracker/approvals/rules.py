"""Approval procedures and the agency service (代办), as pure functions.

The clock (stated in the README): a procedure's time limit runs in working days from its
acceptance (受理); the day of acceptance is not counted, so a 20-working-day procedure accepted on a
Monday is due 20 working days later and an approval on that day is on time. A return for
supplements (退回补正) stops the clock on the day of the return; the clock starts again *from zero*
when the supplemented materials are accepted (the resubmission date), as the Administrative
Licensing Law (art. 32) has the approving departments do: materials are accepted only once
complete. While a return is waiting for the enterprise, the procedure is not overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import mean

from tracker.i18n import N_
from tracker.projects.rules import Signal, Thresholds
from tracker.workdays import WorkCalendar

STATUSES = ("preparing", "submitted", "in_review", "returned", "approved")
OPEN_STATUSES = ("preparing", "submitted", "in_review", "returned")
LIMIT_KINDS = ("statutory", "promised")
TIME_LIMIT_MAX = 1000  # working days: about four years


@dataclass(frozen=True)
class Return:
    returned_on: date
    resubmitted_on: date | None = None


@dataclass(frozen=True)
class Clock:
    status: str
    started_on: date | None  # the acceptance the current clock counts from
    due_on: date | None
    elapsed: int | None  # working days on the current clock (to the approval, the pending return, or today)
    remaining: int | None  # working days left (negative when overdue); None when not running
    overdue_by: int  # working days past the due date while open (0 when not overdue)
    on_time: bool | None  # for an approved procedure: approved on or before the due date
    returns: int
    total_workdays: int | None  # first acceptance to approval (or today), time with the enterprise included


def status_of(submitted_on: date | None, accepted_on: date | None, approved_on: date | None,
              returns: Sequence[Return]) -> str:
    if approved_on is not None:
        return "approved"
    if returns and returns[-1].resubmitted_on is None:
        return "returned"
    if accepted_on is not None:
        return "in_review"
    if submitted_on is not None:
        return "submitted"
    return "preparing"


def clock(submitted_on: date | None, accepted_on: date | None, approved_on: date | None, returns: Sequence[Return],
          time_limit: int, today: date, calendar: WorkCalendar) -> Clock:
    """The procedure's clock on `today` (returns in the order they happened)."""
    status = status_of(submitted_on, accepted_on, approved_on, returns)
    if accepted_on is None:
        return Clock(status, None, None, None, None, 0, None, len(returns), None)
    started = accepted_on
    for r in returns:
        if r.resubmitted_on is not None:
            started = r.resubmitted_on
    due = calendar.add_workdays(started, time_limit)
    if status == "returned":
        stopped = returns[-1].returned_on
        elapsed = calendar.workdays_between(started if started <= stopped else stopped, stopped)
        total = calendar.workdays_between(accepted_on, today)
        return Clock(status, started, None, elapsed, None, 0, None, len(returns), total)
    end = approved_on if approved_on is not None else today
    elapsed = calendar.workdays_between(started, end)
    total = calendar.workdays_between(accepted_on, end)
    if status == "approved":
        return Clock(status, started, due, elapsed, None, 0, approved_on <= due, len(returns), total)
    remaining = calendar.workdays_between(today, due)
    overdue = -remaining if today > due and remaining < 0 else 0
    return Clock(status, started, due, elapsed, remaining, overdue, None, len(returns), total)


def procedure_signal(name: str, c: Clock, thresholds: Thresholds) -> Signal | None:
    """An overdue procedure feeds the project's colour like an overdue milestone: red past the red
    threshold, amber when overdue by 1..threshold working days."""
    if c.overdue_by <= 0:
        return None
    colour = "red" if c.overdue_by > thresholds.red_overdue_workdays else "amber"
    return Signal(colour, "procedure_overdue", name, c.overdue_by)


def check_dates(authorised_on: date | None, submitted_on: date | None, accepted_on: date | None,
                approved_on: date | None, agent: int | None, today: date,
                returns: Sequence[Return] = ()) -> list[tuple[str, str]]:
    """(field, message) for every date out of order; empty when the dates make sense."""
    errors: list[tuple[str, str]] = []
    named = {"authorised_on": authorised_on, "submitted_on": submitted_on, "accepted_on": accepted_on,
             "approved_on": approved_on}
    for field, day in named.items():
        if day is not None and day > today:
            errors.append((field, N_("This date cannot be in the future.")))
    if accepted_on is not None and submitted_on is None:
        errors.append(("submitted_on", N_("A procedure is accepted only after it is submitted: enter the submission date.")))
    if approved_on is not None and accepted_on is None:
        errors.append(("accepted_on", N_("A procedure is approved only after it is accepted: enter the acceptance date.")))
    if submitted_on and accepted_on and accepted_on < submitted_on:
        errors.append(("accepted_on", N_("The acceptance date cannot be before the submission date.")))
    if approved_on and submitted_on and approved_on < submitted_on:
        errors.append(("approved_on", N_("The approval date cannot be before the submission date.")))
    elif approved_on and accepted_on and approved_on < accepted_on:
        errors.append(("approved_on", N_("The approval date cannot be before the acceptance date.")))
    if agent is not None and submitted_on is not None and authorised_on is None:
        errors.append(("authorised_on", N_("An agent submits only under the enterprise's written authorisation: enter its date.")))
    if authorised_on and submitted_on and submitted_on < authorised_on:
        errors.append(("submitted_on", N_("The agent cannot submit before the enterprise authorised the agency.")))
    if returns:
        last = returns[-1]
        if approved_on is not None and last.resubmitted_on is None:
            errors.append(("approved_on", N_("The procedure is waiting for supplements: record the resubmission first.")))
        elif approved_on is not None and last.resubmitted_on and approved_on < last.resubmitted_on:
            errors.append(("approved_on", N_("The approval date cannot be before the accepted resubmission.")))
        if accepted_on and returns[0].returned_on < accepted_on:
            errors.append(("accepted_on", N_("The acceptance date cannot be after a return for supplements.")))
    seen: set[str] = set()
    return [e for e in errors if not (e[0] in seen or seen.add(e[0]))]


def check_department(department: int | None, handling_department: int) -> tuple[str, str] | None:
    if department is not None and department != handling_department:
        return "department", N_("This department does not handle this procedure.")
    return None


def check_return(accepted_on: date | None, approved_on: date | None, returns: Sequence[Return],
                 returned_on: date | None, today: date) -> tuple[str, str] | None:
    """Whether a new return for supplements can be recorded."""
    if approved_on is not None:
        return "returned_on", N_("An approved procedure cannot be returned for supplements.")
    if accepted_on is None:
        return "returned_on", N_("Only an accepted procedure can be returned for supplements.")
    if returns and returns[-1].resubmitted_on is None:
        return "returned_on", N_("The procedure is already waiting for supplements.")
    if returned_on is None:
        return None
    if returned_on > today:
        return "returned_on", N_("This date cannot be in the future.")
    started = returns[-1].resubmitted_on if returns else accepted_on
    if returned_on < started:
        return "returned_on", N_("The return cannot be before the acceptance it interrupts.")
    return None


def check_resubmission(returned_on: date, resubmitted_on: date | None, today: date) -> tuple[str, str] | None:
    if resubmitted_on is None:
        return None
    if resubmitted_on > today:
        return "resubmitted_on", N_("This date cannot be in the future.")
    if resubmitted_on < returned_on:
        return "resubmitted_on", N_("The resubmission cannot be before the return.")
    return None


def proposed_types(types: Iterable[dict], template_code: str | None) -> list[dict]:
    """The catalogue's usual procedures for a project of this lifecycle template."""
    out = []
    for t in types:
        codes = [c.strip() for c in (t.get("templates") or "").split(",") if c.strip()]
        if t.get("active", True) and (not codes or (template_code and template_code in codes)):
            out.append(t)
    return out


@dataclass
class DepartmentFigures:
    key: object
    procedures: int = 0
    approved: int = 0
    approved_on_time: int = 0
    open: int = 0
    overdue: int = 0
    returns: int = 0
    returned_procedures: int = 0
    average_workdays: float | None = None
    average_total_workdays: float | None = None

    @property
    def on_time_rate(self) -> float | None:
        return self.approved_on_time / self.approved if self.approved else None


def figures(rows: Iterable[tuple[object, Clock]]) -> list[DepartmentFigures]:
    """Per key (an approving department or an agent): procedures, approvals on time, the average
    working days on the clock and from first acceptance, and the returns for supplements."""
    groups: dict[object, DepartmentFigures] = {}
    clocks: dict[object, list[int]] = {}
    totals: dict[object, list[int]] = {}
    for key, c in rows:
        g = groups.setdefault(key, DepartmentFigures(key))
        g.procedures += 1
        g.returns += c.returns
        g.returned_procedures += 1 if c.returns else 0
        if c.status == "approved":
            g.approved += 1
            g.approved_on_time += 1 if c.on_time else 0
            clocks.setdefault(key, []).append(c.elapsed or 0)
            totals.setdefault(key, []).append(c.total_workdays or 0)
        else:
            g.open += 1
            g.overdue += 1 if c.overdue_by > 0 else 0
    for key, g in groups.items():
        if clocks.get(key):
            g.average_workdays = round(mean(clocks[key]), 1)
            g.average_total_workdays = round(mean(totals[key]), 1)
    return list(groups.values())
