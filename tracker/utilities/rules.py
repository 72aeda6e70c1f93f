"""Utility connections (水电气热, plus network), as pure functions.

A connection is counted in working days from the application date to the connection date (or to
today while open), on the working-day calendar: the day of application is not counted. The target
is 30 working days, the stretch target 15 (both settings). An open connection past the target is a
red signal for its project; a finished one past the target stays in the figures as late.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from tracker.i18n import N_
from tracker.projects.rules import Signal
from tracker.workdays import WorkCalendar

UTILITIES = ("water", "electricity", "gas", "heat", "network")


@dataclass(frozen=True)
class Clock:
    elapsed: int
    done: bool
    band: str  # stretch (within the stretch target) | target (within the target) | late
    remaining: int  # working days to the target (negative past it)


def elapsed_workdays(applied_on: date | None, connected_on: date | None, today: date, calendar: WorkCalendar) -> int:
    if applied_on is None:
        raise ValueError("a connection is counted from its application date")
    return max(calendar.workdays_between(applied_on, connected_on or today), 0)


def band(elapsed: int, target: int, stretch: int) -> str:
    if elapsed <= stretch:
        return "stretch"
    return "target" if elapsed <= target else "late"


def clock(applied_on: date, connected_on: date | None, today: date, calendar: WorkCalendar, target: int = 30,
          stretch: int = 15) -> Clock:
    n = elapsed_workdays(applied_on, connected_on, today, calendar)
    return Clock(n, connected_on is not None, band(n, target, stretch), target - n)


def connection_signal(utility_name: str, c: Clock, target: int) -> Signal | None:
    """An open connection past the target is a red signal for its project."""
    if not c.done and c.elapsed > target:
        return Signal("red", "connection_late", utility_name, c.elapsed)
    return None


def check_connection(applied_on: date | None, surveyed_on: date | None, connected_on: date | None,
                     today: date) -> list[tuple[str, str]]:
    """(field, message) for each problem: no application date, dates in the future or out of order."""
    errors: list[tuple[str, str]] = []
    if applied_on is None:
        errors.append(("applied_on", N_("A connection is counted from its application date: enter it.")))
    for name, day in (("applied_on", applied_on), ("surveyed_on", surveyed_on), ("connected_on", connected_on)):
        if day is not None and day > today:
            errors.append((name, N_("This date cannot be in the future.")))
    if applied_on and surveyed_on and surveyed_on < applied_on:
        errors.append(("surveyed_on", N_("The site survey cannot be before the application.")))
    if applied_on and connected_on and connected_on < applied_on:
        errors.append(("connected_on", N_("The connection cannot be before the application.")))
    elif surveyed_on and connected_on and connected_on < surveyed_on:
        errors.append(("connected_on", N_("The connection cannot be before the site survey.")))
    seen: set[str] = set()
    return [e for e in errors if not (e[0] in seen or seen.add(e[0]))]


@dataclass
class Figures:
    key: object
    completed: int = 0
    within_stretch: int = 0
    within_target: int = 0
    open: int = 0
    open_past_target: int = 0
    durations: list[int] = field(default_factory=list)

    @property
    def stretch_share(self) -> float | None:
        return self.within_stretch / self.completed if self.completed else None

    @property
    def target_share(self) -> float | None:
        return self.within_target / self.completed if self.completed else None

    @property
    def median(self) -> float | None:
        return median(self.durations) if self.durations else None

    @property
    def worst(self) -> int | None:
        return max(self.durations) if self.durations else None


def figures(rows: Iterable[tuple[object, Clock]], target: int, stretch: int) -> list[Figures]:
    """Per key (a utility, a provider, a district): connections completed, the share within the
    stretch target and within the target, median and worst working days, open ones past target."""
    groups: dict[object, Figures] = {}
    for key, c in rows:
        g = groups.setdefault(key, Figures(key))
        if c.done:
            g.completed += 1
            g.durations.append(c.elapsed)
            g.within_stretch += 1 if c.elapsed <= stretch else 0
            g.within_target += 1 if c.elapsed <= target else 0
        else:
            g.open += 1
            g.open_past_target += 1 if c.elapsed > target else 0
    return list(groups.values())
