"""Demo utility connections: applied for when construction starts, most connected within 15 or 30
working days, some late. Connections still open past the target go to projects that are already
red, so the demo's colours stay as the fixture recorded them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from tracker.auth.tables import User
from tracker.org.tables import Department
from tracker.projects.tables import Milestone, Project
from tracker.utilities.tables import Connection
from tracker.workdays import WorkCalendar

PROVIDERS = {"water": "哈尔滨供水集团", "electricity": "国网哈尔滨供电公司", "gas": "哈尔滨燃气公司", "heat": "哈尔滨热力公司"}
NETWORK = "中国电信哈尔滨分公司"


def _after(calendar: WorkCalendar, day: date, n: int) -> date:
    return calendar.add_workdays(day, n)


def _before(calendar: WorkCalendar, day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        n -= calendar.is_workday(day)
    return day


async def add_demo(today: date, calendar: WorkCalendar) -> None:
    rng = random.Random(1718)
    now = datetime.now(UTC)
    depts = {d["name"]: d["id"] for d in await Department.select(Department.id, Department.name)}
    if NETWORK not in depts:
        depts[NETWORK] = (await Department.insert(Department(name=NETWORK, kind="utility")).returning(Department.id))[0]["id"]
    providers = {**{k: depts[v] for k, v in PROVIDERS.items() if v in depts}, "network": depts[NETWORK]}
    coordinator = await User.select(User.id).where(User.username == "coordinator").first()
    user_id = coordinator["id"] if coordinator else None
    projects = await Project.select(Project.id, Project.colour, Project.status).where(Project.status != "merged").order_by(Project.id)
    started = {m["project"]: m["actual_on"] for m in await Milestone.select(Milestone.project, Milestone.actual_on).where(
        Milestone.stage == "construction", Milestone.actual_on.is_not_null())}
    rows = []
    late_power = 0
    for p in projects:
        start = started.get(p["id"])
        red = p["colour"] == "red" and p["status"] == "active"
        if start is None:
            if red and late_power < 4:  # construction power applied for before the works start, still not connected
                late_power += 1
                applied = _before(calendar, today, rng.randint(32, 45))
                rows.append(Connection(project=p["id"], utility="electricity", provider=providers["electricity"], applied_on=applied,
                                       surveyed_on=_after(calendar, applied, 2), connected_on=None, note="施工临时用电",
                                       created_by=user_id, created_at=now))
            continue
        for utility in ("electricity", "water", "gas", "heat", "network"):
            if utility in ("gas", "heat") and rng.random() < 0.4:
                continue
            if utility == "network" and rng.random() < 0.5:
                continue
            applied = _after(calendar, start, rng.randint(0, 10))
            if applied >= today:
                applied = _before(calendar, today, rng.randint(3, 12))
            took = rng.choice((6, 9, 12, 14, 15, 18, 22, 27, 30, 34, 41))
            connected = _after(calendar, applied, took)
            surveyed = _after(calendar, applied, rng.randint(1, 3))
            if connected > today:
                if red and calendar.workdays_between(applied, today) <= 30 and rng.random() < 0.7:
                    applied = _before(calendar, today, rng.randint(31, 40))  # open and past the target
                    surveyed = _after(calendar, applied, rng.randint(1, 3))
                elif not red and calendar.workdays_between(applied, today) > 30:
                    applied = _before(calendar, today, rng.randint(5, 25))
                    surveyed = _after(calendar, applied, rng.randint(1, 3))
                connected = None
                surveyed = surveyed if surveyed <= today else None
            rows.append(Connection(project=p["id"], utility=utility, provider=providers[utility], applied_on=applied,
                                   surveyed_on=surveyed, connected_on=connected, created_by=user_id, created_at=now))
    if rows:
        await Connection.insert(*rows)
