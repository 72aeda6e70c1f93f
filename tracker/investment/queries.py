"""Reads and writes of investment plans and completions, shared by the project page, the figures
page, the district figures, the briefings and the Excel export. The figures come from two
aggregate statements (GROUP BY), never from reading every monthly row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from tracker.audit.record import audit
from tracker.db import Conflict
from tracker.investment import rules
from tracker.investment.tables import InvestmentCompletion, InvestmentPlan
from tracker.projects.rules import INDUSTRIES, STAGES
from tracker.projects.tables import Project

# Cancelled and merged projects stay out of every plan figure (their plans no longer apply).
COUNTED_STATUSES = ("active", "paused")


def _now() -> datetime:
    return datetime.now(UTC)


# --- one project ---------------------------------------------------------------------------------


async def project_plans(project_id: int) -> list[dict]:
    return await InvestmentPlan.select().where(InvestmentPlan.project == project_id).order_by(InvestmentPlan.year, ascending=False)


async def project_completions(project_id: int) -> list[dict]:
    return await InvestmentCompletion.select().where(InvestmentCompletion.project == project_id).order_by(
        InvestmentCompletion.year, ascending=False).order_by(InvestmentCompletion.month, ascending=False)


def summary(plans: list[dict], completions: list[dict], year: int, as_of: date, signed_on: date | None) -> dict:
    """The project's year: plan, completed to date, expected to date, behind or not, month by month."""
    plan = next((rules.money(p["amount"]) for p in plans if p["year"] == year), None)
    last = rules.reported_through(year, as_of)
    monthly = {c["month"]: rules.money(c["amount"]) for c in completions if c["year"] == year and c["month"] <= last}
    figures = rules.project_year(0, plan, sum(monthly.values(), Decimal(0)), year, as_of, signed_on)
    return {
        "year": year, "plan": plan, "completed": figures.completed, "expected": figures.expected,
        "rate": rules.rate(figures.completed, plan), "behind": figures.behind,
        "months": rules.by_month([(plan, figures.start)] if plan else [], monthly, year, as_of),
    }


async def project_summary(project_id: int, as_of: date) -> dict:
    signed = await Project.select(Project.signed_on).where(Project.id == project_id).first()
    plans, completions = await project_plans(project_id), await project_completions(project_id)
    return summary(plans, completions, as_of.year, as_of, signed["signed_on"] if signed else None)


async def save_plan(project: dict, year: int, amount: Decimal, note: str, version: int, user_id: int) -> None:
    """One plan per year: a new one, or the one the form was built from (version 0: none existed)."""
    current = await InvestmentPlan.select().where(InvestmentPlan.project == project["id"], InvestmentPlan.year == year).first()
    if current is None:
        if version:
            raise Conflict()
        row = await InvestmentPlan.insert(InvestmentPlan(project=project["id"], year=year, amount=amount, note=note,
                                                         updated_by=user_id, updated_at=_now())).returning(InvestmentPlan.id)
        await audit(user_id, "create", "investment_plan", row[0]["id"], {"year": year, "amount": amount, "note": note},
                    project=project["id"])
        return
    updated = await InvestmentPlan.update({InvestmentPlan.amount: amount, InvestmentPlan.note: note, InvestmentPlan.updated_by: user_id,
                                           InvestmentPlan.updated_at: _now(), InvestmentPlan.version: InvestmentPlan.version + 1}).where(
        InvestmentPlan.id == current["id"], InvestmentPlan.version == version).returning(InvestmentPlan.id)
    if not updated:
        raise Conflict()
    await audit(user_id, "update", "investment_plan", current["id"],
                {"year": year, "amount": {"from": rules.money(current["amount"]), "to": amount},
                 **({"note": {"from": current["note"], "to": note}} if note != current["note"] else {})}, project=project["id"])


async def save_completion(project: dict, year: int, month: int, amount: Decimal, note: str, version: int, user_id: int) -> None:
    current = await InvestmentCompletion.select().where(InvestmentCompletion.project == project["id"], InvestmentCompletion.year == year,
                                                        InvestmentCompletion.month == month).first()
    if current is None:
        if version:
            raise Conflict()
        row = await InvestmentCompletion.insert(InvestmentCompletion(
            project=project["id"], year=year, month=month, amount=amount, note=note, updated_by=user_id,
            updated_at=_now())).returning(InvestmentCompletion.id)
        await audit(user_id, "create", "investment_completion", row[0]["id"],
                    {"month": f"{year}-{month:02d}", "amount": amount, "note": note}, project=project["id"])
        return
    updated = await InvestmentCompletion.update({
        InvestmentCompletion.amount: amount, InvestmentCompletion.note: note, InvestmentCompletion.updated_by: user_id,
        InvestmentCompletion.updated_at: _now(), InvestmentCompletion.version: InvestmentCompletion.version + 1}).where(
        InvestmentCompletion.id == current["id"], InvestmentCompletion.version == version).returning(InvestmentCompletion.id)
    if not updated:
        raise Conflict()
    await audit(user_id, "update", "investment_completion", current["id"],
                {"month": f"{year}-{month:02d}", "amount": {"from": rules.money(current["amount"]), "to": amount},
                 **({"note": {"from": current["note"], "to": note}} if note != current["note"] else {})}, project=project["id"])


async def version_of_plan(project_id: int, year: int) -> int:
    row = await InvestmentPlan.select(InvestmentPlan.version).where(InvestmentPlan.project == project_id, InvestmentPlan.year == year).first()
    return row["version"] if row else 0


async def version_of_completion(project_id: int, year: int, month: int) -> int:
    row = await InvestmentCompletion.select(InvestmentCompletion.version).where(
        InvestmentCompletion.project == project_id, InvestmentCompletion.year == year, InvestmentCompletion.month == month).first()
    return row["version"] if row else 0


# --- the figures ---------------------------------------------------------------------------------

_STATUSES = ", ".join(f"'{s}'" for s in COUNTED_STATUSES)

PROJECT_YEAR_SQL = f"""
SELECT p.id, p.name, p.district, d.name AS district_name, p.park, p.industry, p.stage, p.status, p.colour, p.signed_on,
       p.total_investment, o.name AS lead_name, pl.amount AS plan, c.completed
FROM project p
JOIN department d ON d.id = p.district
JOIN officer o ON o.id = p.lead_officer
LEFT JOIN investment_plan pl ON pl.project = p.id AND pl.year = {{}}
LEFT JOIN (SELECT project, SUM(amount) AS completed FROM investment_completion
           WHERE year = {{}} AND month <= {{}} GROUP BY project) c ON c.project = p.id
WHERE p.status IN ({_STATUSES}) AND (pl.id IS NOT NULL OR c.project IS NOT NULL)
ORDER BY p.id
"""

MONTHS_SQL = f"""
SELECT c.month, SUM(c.amount) AS completed
FROM investment_completion c JOIN project p ON p.id = c.project
WHERE c.year = {{}} AND c.month <= {{}} AND p.status IN ({_STATUSES})
GROUP BY c.month
"""


@dataclass
class YearFigures:
    year: int
    as_of: date
    projects: list[dict]  # every counted project with a plan or a completion in the year
    total: rules.Group
    by_district: list[rules.Group]
    by_industry: list[rules.Group]
    by_stage: list[rules.Group]
    months: list[rules.MonthRow]
    behind: list[dict]

    @property
    def district_totals(self) -> dict[int, rules.Group]:
        return {g.key[0]: g for g in self.by_district}


async def project_years(year: int, as_of: date) -> list[dict]:
    """Each counted project's plan and completion to date for the year (one aggregate statement)."""
    rows = await Project.raw(PROJECT_YEAR_SQL, year, year, rules.reported_through(year, as_of))
    for r in rows:
        r["plan"] = rules.money(r["plan"]) if r["plan"] is not None else None
        r["completed"] = rules.money(r["completed"])
        r["total_investment"] = rules.money(r["total_investment"])
        r["signed_on"] = _day(r["signed_on"])
        r["figures"] = rules.project_year(r["id"], r["plan"], r["completed"], year, as_of, r["signed_on"])
        r["expected"] = r["figures"].expected
        r["rate"] = rules.rate(r["completed"], r["plan"])
    return rows


async def year_figures(year: int, as_of: date) -> YearFigures:
    rows = await project_years(year, as_of)
    by_district, total = rules.groups(((r["district"], r["district_name"]), r["figures"]) for r in rows)
    by_industry, _ = rules.groups((r["industry"], r["figures"]) for r in rows)
    by_stage, _ = rules.groups((r["stage"], r["figures"]) for r in rows)
    monthly = {r["month"]: rules.money(r["completed"]) for r in await Project.raw(MONTHS_SQL, year, rules.reported_through(year, as_of))}
    behind = sorted((r for r in rows if r["figures"].behind and r["status"] == "active"),
                    key=lambda r: (r["completed"] - r["expected"], r["id"]))
    industry_order = {k: i for i, k in enumerate(INDUSTRIES)}
    return YearFigures(
        year=year, as_of=as_of, projects=rows, total=total,
        by_district=sorted(by_district.values(), key=lambda g: g.key[1]),
        by_industry=sorted(by_industry.values(), key=lambda g: (industry_order.get(g.key, 99), str(g.key))),
        by_stage=sorted(by_stage.values(), key=lambda g: STAGES.index(g.key) if g.key in STAGES else 99),
        months=rules.by_month(plan_periods(rows), monthly, year, as_of), behind=behind,
    )


def plan_periods(rows: list[dict]) -> list[tuple[Decimal, int]]:
    return [(r["plan"], r["figures"].start) for r in rows if r["plan"]]


def _day(value) -> date | None:
    """A date column read through raw SQL (SQLite gives the ISO text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


async def years_with_data() -> list[int]:
    plans = {r["year"] for r in await InvestmentPlan.select(InvestmentPlan.year).distinct()}
    done = {r["year"] for r in await InvestmentCompletion.select(InvestmentCompletion.year).distinct()}
    return sorted(plans | done, reverse=True)


UNIT_MONTHS_SQL = f"""
SELECT c.month, SUM(c.amount) AS completed
FROM investment_completion c JOIN project p ON p.id = c.project
WHERE c.year = {{}} AND c.month <= {{}} AND p.status IN ({_STATUSES}) AND p.{{column}} = {{}}
GROUP BY c.month
"""


async def months_for(rows: list[dict], year: int, as_of: date, column: str, unit: int) -> list[rules.MonthRow]:
    """A district's (or a park's) year month by month; rows: the year's project_years."""
    assert column in ("district", "park")
    monthly = {r["month"]: rules.money(r["completed"]) for r in await Project.raw(
        UNIT_MONTHS_SQL.replace("{column}", column), year, rules.reported_through(year, as_of), unit)}
    return rules.by_month(plan_periods([r for r in rows if r[column] == unit]), monthly, year, as_of)
