"""The working-day calendar (工作日 / 调休).

Published Chinese calendars come from `chinesecalendar`. For a year it does not cover, weekends
plus admin-entered days (the CalendarDay table) decide, and if the admin has entered nothing for
that year the result is marked provisional.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


def published_years() -> range:
    """Years the installed chinesecalendar release covers."""
    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return range(years[0], years[-1] + 1)


_PUBLISHED = published_years()


@lru_cache(maxsize=256)
def _year_ordinals(year: int, entered: tuple[tuple[date, bool], ...]) -> list[int]:
    overrides = dict(entered)
    start, end = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    out = []
    for o in range(start, end + 1):
        day = date.fromordinal(o)
        if day in overrides:
            working = overrides[day]
        elif year in _PUBLISHED:
            working = chinese_calendar.is_workday(day)
        else:
            working = day.weekday() < 5
        if working:
            out.append(o)
    return out


@dataclass
class WorkCalendar:
    """Working days from the published calendar, else weekends plus `overrides`.

    overrides: date -> True (working day, e.g. a make-up Saturday) or False (holiday). They win
    over the published calendar too, so an admin can correct a local arrangement.
    """

    overrides: Mapping[date, bool] = field(default_factory=dict)
    _index: dict[int, list[int]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._entered_years = {d.year for d in self.overrides}

    def is_provisional_year(self, year: int) -> bool:
        return year not in _PUBLISHED and year not in self._entered_years

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in _PUBLISHED:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def _ordinals(self, year: int) -> list[int]:
        """Sorted ordinals of the working days of a year (cached here, and across calendars with
        the same entered days for that year: every request builds a calendar)."""
        days = self._index.get(year)
        if days is None:
            entered = tuple(sorted((d, w) for d, w in self.overrides.items() if d.year == year))
            days = self._index[year] = _year_ordinals(year, entered)
        return days

    def _count_through(self, day: date) -> int:
        """Working days from 1 Jan of day's year through day, inclusive."""
        return bisect_right(self._ordinals(day.year), day.toordinal())

    def workdays_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (negative when end is before start)."""
        if end < start:
            return -self.workdays_between(end, start)
        total = 0
        for year in range(start.year, end.year):
            total += len(self._ordinals(year))
        return total + self._count_through(end) - self._count_through(start)

    def add_workdays(self, start: date, n: int) -> date:
        """The date n working days after start (start itself not counted); n=0 gives start."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return start
        year = start.year
        remaining = n + self._count_through(start)
        while True:
            days = self._ordinals(year)
            if remaining <= len(days):
                return date.fromordinal(days[remaining - 1])
            remaining -= len(days)
            year += 1

    def add_workdays_marked(self, start: date, n: int) -> tuple[date, bool]:
        """add_workdays, and whether any year the count crossed lacked a calendar (provisional)."""
        result = self.add_workdays(start, n)
        provisional = any(self.is_provisional_year(y) for y in range(start.year, result.year + 1))
        return result, provisional

    def next_workday(self, day: date) -> date:
        """day itself if it is a working day, else the next one."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day
