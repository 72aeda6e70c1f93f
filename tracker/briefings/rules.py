"""Pure rules of the briefings: which week, what counts as a change within it, colour history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.i18n import N_
from tracker.projects.rules import derive_stage


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def code(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def previous(self, n: int = 1) -> Week:
        return week_of(self.monday - timedelta(weeks=n))

    def contains(self, day: date | None) -> bool:
        return day is not None and self.monday <= day <= self.sunday


def week_of(day: date) -> Week:
    year, number, _ = day.isocalendar()
    return Week(year, number)


class BadWeek(ValueError):
    """Carries an English message id for the page or the command line."""


def parse_week(text: str | None, today: date) -> Week:
    """"2026-W48" (ISO week); empty means this week. Refuses malformed, unknown and future weeks."""
    if not text:
        return week_of(today)
    match = re.fullmatch(r"(\d{4})-?W(\d{1,2})", text.strip(), flags=re.IGNORECASE)
    if not match:
        raise BadWeek(N_("Give the week as YYYY-Www, for example 2026-W48."))
    try:
        week = Week(int(match.group(1)), int(match.group(2)))
        week.monday  # noqa: B018 - raises for week 0 or a week 53 the year does not have
    except ValueError:
        raise BadWeek(N_("There is no such week.")) from None
    if week.monday > today:
        raise BadWeek(N_("That week has not begun yet."))
    return week


def as_of(week: Week, today: date) -> date:
    """The day the briefing describes: the week's Sunday, or today within the current week."""
    return min(week.sunday, today)


def colour_on(changes: list[tuple[date, str]], day: date) -> str | None:
    """A project's colour on a day from its recorded changes (date, new colour), oldest first."""
    colour = None
    for on, to in changes:
        if on > day:
            break
        colour = to
    return colour


def net_change(at_start: str | None, at_end: str | None) -> str | None:
    """A project's colour change over a week, judged by where it started and where it ended:
    "newly_red", "back_to_green" or None (no net change worth listing)."""
    if at_end == "red" and at_start != "red":
        return "newly_red"
    if at_end == "green" and at_start in ("red", "amber"):
        return "back_to_green"
    return None


def stage_on(milestones: list[tuple[str, date | None, bool]], day: date) -> str:
    """The stage a project had reached on a day, from its milestones' (stage, done on, not
    applicable) triples; a milestone that does not apply counts as complete."""
    return derive_stage((stage, na or (done is not None and done <= day)) for stage, done, na in milestones)


def stage_index(stage: str) -> int:
    from tracker.projects.rules import STAGES

    return STAGES.index(stage)
