"""Demo investment plans and completions: a plan for the current year (and the previous one for
projects signed before it) for every active or paused demo project, and monthly completions up to
last month, a quarter of the projects well behind their plan. Added after the demo fixture is
loaded, like the approval procedures; the colours do not depend on it."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

from tracker.investment import rules
from tracker.investment.tables import InvestmentCompletion, InvestmentPlan
from tracker.projects.tables import Project


def _amount(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


async def add_demo(today: date) -> None:
    rng = random.Random(1818)
    now = datetime.now(UTC)
    projects = await Project.select(Project.id, Project.signed_on, Project.total_investment).where(
        Project.status.is_in(["active", "paused"])).order_by(Project.id)
    plans, completions = [], []
    for p in projects:
        total = float(p["total_investment"] or 0)
        if total <= 0:
            continue
        behind = rng.random() < 0.25
        for year in (today.year - 1, today.year):
            if p["signed_on"].year > year:
                continue
            plan = _amount(total * rng.uniform(0.15, 0.4))
            plans.append(InvestmentPlan(project=p["id"], year=year, amount=plan, note="", updated_at=now))
            start = rules.start_month(year, p["signed_on"])
            last = 12 if year < today.year else today.month - 1  # reported up to last month
            months = 13 - start
            for month in range(start, last + 1):
                pace = rng.uniform(0.25, 0.55) if behind and year == today.year else rng.uniform(0.85, 1.2)
                completions.append(InvestmentCompletion(project=p["id"], year=year, month=month, amount=_amount(float(plan) / months * pace),
                                                        note="", updated_at=now))
    for start in range(0, len(plans), 500):
        await InvestmentPlan.insert(*plans[start:start + 500])
    for start in range(0, len(completions), 500):
        await InvestmentCompletion.insert(*completions[start:start + 500])
