"""Demo visits: most active projects seen lately, some not for a while (so the dashboard, the
reminders and /visits/?overdue=1 have something to show), district and city leaders now and then.

Added after the demo fixture is loaded, like the approval procedures."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from tracker.auth.tables import User
from tracker.org.tables import Officer
from tracker.projects.tables import Project
from tracker.visits import queries, rules
from tracker.visits.tables import Visit, VisitItem, VisitOfficer

ITEMS = ("希望协调解决厂区道路接入问题", "申请人才公寓配套", "电力增容进度偏慢", "希望尽快兑现设备补贴", "施工许可材料咨询",
         "员工子女入学问题", "天然气接入报装咨询", "希望对接本地配套企业")
SUMMARIES = ("项目推进正常，企业对服务表示满意。", "企业反映审批等待时间较长，已记录。", "现场查看建设进度，协调解决临时用电。",
             "电话了解投产准备情况。")


async def add_demo(today: date) -> None:
    rng = random.Random(1818)
    now = datetime.now(UTC)
    recorder = await User.select(User.id).where(User.username == "officer").first()
    officers = await Officer.select(Officer.id, Officer.is_leader, Officer.department, Officer.department.kind.as_alias("kind")).where(
        Officer.active == True)  # noqa: E712
    city = [o["id"] for o in officers if rules.officer_level(o["is_leader"], o["kind"]) == "city"]
    district_by_department = {}
    for o in officers:
        if rules.officer_level(o["is_leader"], o["kind"]) == "district":
            district_by_department.setdefault(o["department"], []).append(o["id"])
    any_district = [i for ids in district_by_department.values() for i in ids]
    projects = await Project.select(Project.id, Project.enterprise, Project.signed_on, Project.lead_officer, Project.district).where(
        Project.status == "active").order_by(Project.id)
    for n, p in enumerate(projects):
        span = (today - p["signed_on"]).days
        if span < 3:
            continue
        # Two in three projects were seen within the month; the others not for 35-80 days.
        recent = n % 3 != 2
        ago = rng.randint(1, 25) if recent else rng.randint(35, 80)
        plans = [(min(ago, span), [p["lead_officer"]], "officer")]
        if rng.random() < 0.5:
            leaders = district_by_department.get(p["district"]) or any_district
            plans.append((min(rng.randint(20, 140), span), [rng.choice(leaders), p["lead_officer"]], "district"))
        if rng.random() < 0.3 and city:
            plans.append((min(rng.randint(30, 200), span), [rng.choice(city), p["lead_officer"]], "city"))
        for days_ago, people, _kind in plans:
            visited_on = today - timedelta(days=days_ago)
            if visited_on < p["signed_on"]:
                visited_on = p["signed_on"]
            mode = "phone" if rng.random() < 0.3 else "on_site"
            row = await Visit.insert(Visit(project=p["id"], enterprise=p["enterprise"], visited_on=visited_on, mode=mode,
                                           summary=rng.choice(SUMMARIES),
                                           follow_up_on=visited_on + timedelta(days=14) if rng.random() < 0.3 else None,
                                           recorded_by=recorder["id"] if recorder else None, recorded_at=now)).returning(Visit.id)
            visit_id = row[0]["id"]
            levels = {o["id"]: rules.officer_level(o["is_leader"], o["kind"]) for o in officers}
            await VisitOfficer.insert(*[VisitOfficer(visit=visit_id, officer=o, level=levels.get(o, "officer"))
                                        for o in dict.fromkeys(people)])
            if rng.random() < 0.4:
                await VisitItem.insert(*[VisitItem(visit=visit_id, seq=k, text=t)
                                         for k, t in enumerate(rng.sample(ITEMS, rng.randint(1, 2)), 1)])
    await queries.refresh_latest(None)
