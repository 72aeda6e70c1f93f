"""Investment plan and completion (计划投资 / 完成投资), amounts in 万元: pure arithmetic and checks.

A project carries one plan per calendar year and one reported completion per month; the year to
date is the sum of that year's months, so a plan for 2026 never counts a completion of 2025.

The plan is spread evenly over the months of the plan year, from January, or from the signing
month for a project signed during the year. Behind plan (the rule the figures and the briefing
use): in year Y, seen on day D,

    completed to date < plan to date − plan × BEHIND_TOLERANCE (10%)
    plan to date = plan × (plan months elapsed) / (plan months in the year)

where the plan months elapsed are the whole months of the plan period before D's month (none in
January or in the signing month, all of them for a past year, none for a future year), and
completed to date sums every month of Y reported up to D's month (the current month's report
counts as soon as it is in). A project without a plan (or a plan of 0) is never behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tracker.i18n import N_

CENT = Decimal("0.01")
# Absurd amounts are refused: more than 1,000亿元 in a year or a month for one project is a typo.
AMOUNT_MAX = Decimal("10000000")
BEHIND_TOLERANCE = Decimal("0.10")  # of the year's plan
YEAR_MIN = 2000
PLAN_YEARS_AHEAD = 5  # a plan may be set up to five years after the current one


def money(value) -> Decimal:
    """An amount from either engine (SQLite sums come back as floats) to exact 万元 with two decimals."""
    if value is None:
        return Decimal(0).quantize(CENT)
    if isinstance(value, float):
        value = str(value)
    return Decimal(value).quantize(CENT)


def parse_month(text: str) -> tuple[int, int] | None:
    """"2026-05" -> (2026, 5); anything else -> None."""
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    year, month = int(parts[0]), int(parts[1])
    return (year, month) if 1 <= month <= 12 and YEAR_MIN <= year <= 2100 else None


def elapsed_months(year: int, as_of: date) -> int:
    """Whole months of the year before the as-of day's month."""
    if year < as_of.year:
        return 12
    if year > as_of.year:
        return 0
    return as_of.month - 1


def reported_through(year: int, as_of: date) -> int:
    """The last month of the year whose report counts on the as-of day (0: none yet)."""
    if year < as_of.year:
        return 12
    if year > as_of.year:
        return 0
    return as_of.month


def start_month(year: int, signed_on: date | None) -> int:
    """The first month of the plan period: January, or the signing month in the signing year."""
    return signed_on.month if signed_on is not None and signed_on.year == year else 1


def planned_through(plan: Decimal, months: int, start: int = 1) -> Decimal:
    """The plan due by the end of the year's month `months` (0: none), spread evenly from `start`."""
    done = max(0, months - start + 1)
    return (plan * done / (13 - start)).quantize(CENT)


def expected_to_date(plan: Decimal, year: int, as_of: date, start: int = 1) -> Decimal:
    return planned_through(plan, elapsed_months(year, as_of), start)


def is_behind(plan: Decimal | None, completed: Decimal, year: int, as_of: date, start: int = 1,
              tolerance: Decimal = BEHIND_TOLERANCE, expected: Decimal | None = None) -> bool:
    if not plan or plan <= 0:
        return False
    if expected is None:
        expected = expected_to_date(plan, year, as_of, start)
    return completed < expected - (plan * tolerance).quantize(CENT)


def rate(part: Decimal, whole: Decimal | None) -> float | None:
    return float(part / whole) if whole else None


@dataclass(frozen=True)
class MonthRow:
    month: int
    planned_to_date: Decimal  # the plan spread evenly: plan × month / 12
    completed: Decimal | None  # None for the months not reported yet on the as-of day
    completed_to_date: Decimal | None

    @property
    def gap(self) -> Decimal | None:
        return None if self.completed_to_date is None else self.completed_to_date - self.planned_to_date


def by_month(plans: Iterable[tuple[Decimal, int]], monthly: dict[int, Decimal], year: int, as_of: date) -> list[MonthRow]:
    """The year month by month: the cumulative plan (each (plan, start month) spread over its
    period) against the cumulative completion."""
    by_start: dict[int, Decimal] = {}  # the plans added up per start month: 12 sums, whatever the projects
    for p, s in plans:
        if p:
            by_start[s] = by_start.get(s, Decimal(0)) + p
    rows, total, last = [], Decimal(0), reported_through(year, as_of)
    for m in range(1, 13):
        planned = sum((planned_through(p, m, s) for s, p in by_start.items()), Decimal(0))
        # The current month counts once reported; until then it shows as not reported yet.
        if m < last or (m == last and (m in monthly or year < as_of.year)):
            done = monthly.get(m, Decimal(0))
            total += done
            rows.append(MonthRow(m, planned, done, total))
        else:
            rows.append(MonthRow(m, planned, None, None))
    return rows


@dataclass
class Group:
    """Plan against completion for a group of projects (a district, an industry, a stage)."""

    key: object
    projects: int = 0
    planned_projects: int = 0
    plan: Decimal = field(default_factory=lambda: Decimal(0))
    expected: Decimal = field(default_factory=lambda: Decimal(0))
    completed: Decimal = field(default_factory=lambda: Decimal(0))
    behind: int = 0

    @property
    def completion_rate(self) -> float | None:
        return rate(self.completed, self.plan)

    @property
    def gap(self) -> Decimal:
        return self.completed - self.expected


@dataclass(frozen=True)
class ProjectYear:
    project: int
    plan: Decimal | None
    completed: Decimal
    start: int  # the first month of the plan period
    expected: Decimal | None
    behind: bool


def project_year(project: int, plan: Decimal | None, completed: Decimal, year: int, as_of: date,
                 signed_on: date | None = None) -> ProjectYear:
    start = start_month(year, signed_on)
    expected = expected_to_date(plan, year, as_of, start) if plan else None
    return ProjectYear(project, plan, completed, start, expected, is_behind(plan, completed, year, as_of, start, expected=expected))


def groups(rows: Iterable[tuple[object, ProjectYear]]) -> tuple[dict[object, Group], Group]:
    """Figures per key and for all rows together."""
    out: dict[object, Group] = {}
    for key, p in rows:
        g = out.get(key)
        if g is None:
            g = out[key] = Group(key)
        g.projects += 1
        if p.plan:
            g.planned_projects += 1
            g.plan += p.plan
            g.expected += p.expected
        g.completed += p.completed
        g.behind += p.behind
    total = Group("total")
    for g in out.values():
        total.projects += g.projects
        total.planned_projects += g.planned_projects
        total.plan += g.plan
        total.expected += g.expected
        total.completed += g.completed
        total.behind += g.behind
    return out, total


# --- checks on the forms -------------------------------------------------------------------------


def check_amount(amount: Decimal | None, total_investment: Decimal | None, name: str = "amount") -> list[tuple[str, str]]:
    if amount is None:
        return []
    if amount < 0:
        return [(name, N_("The amount cannot be negative."))]
    if amount > AMOUNT_MAX:
        return [(name, N_("The amount is too large."))]
    if total_investment and amount > total_investment:
        return [(name, N_("This is more than the project's total investment."))]
    return []


def check_plan(year: int | None, amount: Decimal | None, signed_on: date, total_investment: Decimal | None,
               today: date) -> list[tuple[str, str]]:
    errors = []
    if year is not None:
        if year < signed_on.year:
            errors.append(("year", N_("The project was not signed yet in this year.")))
        elif year > today.year + PLAN_YEARS_AHEAD:
            errors.append(("year", N_("A plan can be set at most five years ahead.")))
    return errors + check_amount(amount, total_investment)


def check_completion(month: tuple[int, int] | None, amount: Decimal | None, signed_on: date,
                     total_investment: Decimal | None, today: date) -> list[tuple[str, str]]:
    """Completion is reported for a month that has begun (the current one or earlier) and not before
    the month the project was signed."""
    errors = []
    if month is not None:
        if month > (today.year, today.month):
            errors.append(("month", N_("Completion cannot be reported for a future month.")))
        elif month < (signed_on.year, signed_on.month):
            errors.append(("month", N_("This month is before the project was signed.")))
    return errors + check_amount(amount, total_investment)
