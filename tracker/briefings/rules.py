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


# --- the weekly briefing's length ------------------------------------------------------------
# A leader reads the worst few entries of each list. At 44 projects every list fits; at 10,000 the
# red list alone ran to 1,240 rows and 156 pages. So each list shows its first LIST_LIMIT entries
# (they are sorted worst first) with a count of the rest, the red projects are also counted by
# district and stage, and the full lists are an annex printed on request.
LIST_LIMIT = 15


def cap(items: list, limit: int | None) -> tuple[list, int]:
    """The entries to print and how many are left out (none when limit is None: the annex)."""
    if limit is None or len(items) <= limit:
        return list(items), 0
    return list(items[:limit]), len(items) - limit


def cross_count(items: list[dict], row: str, column: str) -> list[tuple[str, dict[str, int], int]]:
    """Counts of items by two keys: (row value, {column value: n}, row total), largest rows first."""
    table: dict[str, dict[str, int]] = {}
    for item in items:
        cells = table.setdefault(item[row] or "", {})
        cells[item[column]] = cells.get(item[column], 0) + 1
    rows = [(name, cells, sum(cells.values())) for name, cells in table.items()]
    rows.sort(key=lambda r: (-r[2], r[0]))
    return rows
