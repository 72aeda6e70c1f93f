"""Rules of the weekly meeting and its action items (DESIGN §3 "Meetings"), as pure functions."""

from __future__ import annotations

from datetime import date

from tracker.i18n import N_

MEETING_STATUSES = ("draft", "in_progress", "closed")
NEXT_STATUS = {"draft": "in_progress", "in_progress": "closed"}
ATTENDANCE = ("present", "absent", "delegate")
OUTCOMES = ("resolved", "closed_unresolved")
# Limits the forms declare and the server enforces.
MINUTES_MAX = 5000
TASK_MAX = 2000
DELEGATE_MAX = 50
# An action item is due within a year of working days at most.
DUE_WORKDAYS_MAX = 250


def check_meeting_transition(current: str, new: str) -> str | None:
    if NEXT_STATUS.get(current) != new:
        return N_("This status change is not allowed.")
    return None


def minutes_locked(status: str) -> str | None:
    """Closed minutes take no edit by any route; corrections are addenda."""
    if status == "closed":
        return N_("The meeting is closed: its minutes are locked. Add an addendum instead.")
    return None


def check_action_item(task: str, due_on: date | None, held_on: date, owner_active: bool) -> tuple[str, str] | None:
    if not task.strip():
        return "task", N_("This field is required.")
    if due_on is None:
        return "due_on", N_("Give a due date or a number of working days.")
    if due_on < held_on:
        return "due_on", N_("The due date cannot be before the meeting.")
    if not owner_active:
        return "owner_officer", N_("This officer is no longer active.")
    return None


def check_done(resolution: str, outcome: str) -> tuple[str, str] | None:
    if not resolution.strip():
        return "resolution", N_("Describe how the item was handled.")
    if outcome not in OUTCOMES:
        return "outcome", N_("Say whether the problem was actually solved.")
    return None


def is_overdue(status: str, due_on: date, today: date) -> bool:
    return status == "open" and due_on < today


def move(positions: list[int], item: int, direction: str) -> list[int]:
    """The agenda order after moving one item up or down (ids in order)."""
    order = list(positions)
    i = order.index(item)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
    return order
