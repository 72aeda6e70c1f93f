"""Demo approval procedures: the catalogue, and each project's procedures consistent with its
milestones (approved ones, some late or returned for supplements; open ones, a few overdue).

Added after the demo fixture is loaded (`tracker demo`, the tests' template database). Late and
overdue procedures go to projects that are already red, so the demo's colours and their history
stay as the fixture recorded them; every figure still has something to show.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from tracker.approvals.tables import Procedure, ProcedureReturn, ProcedureType
from tracker.auth.tables import User
from tracker.org.tables import Department, Officer
from tracker.projects import rules as project_rules
from tracker.projects.tables import Milestone, Project
from tracker.workdays import WorkCalendar

ENVIRONMENT = "哈尔滨市生态环境局"
# name, handling department, time limit (working days), statutory or promised, milestone stage, templates
CATALOGUE = (
    ("企业投资项目备案", "哈尔滨市发展和改革委员会", 3, "promised", "filed", ""),
    ("节能审查", "哈尔滨市发展和改革委员会", 20, "statutory", "filed", "manufacturing,infrastructure"),
    ("建设项目用地预审与选址意见书", "哈尔滨市自然资源和规划局", 20, "statutory", "land", "manufacturing,infrastructure"),
    ("环境影响评价审批", ENVIRONMENT, 30, "statutory", "permitted", "manufacturing,infrastructure"),
    ("建设工程规划许可证", "哈尔滨市自然资源和规划局", 20, "statutory", "permitted", "manufacturing,infrastructure"),
    ("消防设计审查", "哈尔滨市住房和城乡建设局", 15, "statutory", "permitted", ""),
    ("建筑工程施工许可证", "哈尔滨市住房和城乡建设局", 7, "promised", "permitted", "manufacturing,infrastructure"),
    ("竣工验收备案", "哈尔滨市住房和城乡建设局", 5, "promised", "completed", ""),
)
RETURN_REASONS = (
    "环评报告表中大气污染物排放核算依据不全，需补充监测数据。",
    "总平面图与规划条件不一致，需修改建筑退线。",
    "消防设计文件缺少室外消火栓布置图，需补正。",
    "节能报告能耗计算口径有误，需按新标准重算。",
)
AGENTS = ("刘雪婷", "陈浩然", "杨春雨", "林佳怡")


def _before(calendar: WorkCalendar, day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        n -= calendar.is_workday(day)
    return calendar.next_workday(day) if not calendar.is_workday(day) else day


async def add_demo(today: date, calendar: WorkCalendar) -> None:
    rng = random.Random(1717)
    now = datetime.now(UTC)
    depts = {d["name"]: d["id"] for d in await Department.select(Department.id, Department.name)}
    if ENVIRONMENT not in depts:
        depts[ENVIRONMENT] = (await Department.insert(Department(name=ENVIRONMENT, kind="approval")).returning(Department.id))[0]["id"]
    types = []
    for seq, (name, dept, limit, kind, stage, templates) in enumerate(CATALOGUE, 1):
        row = await ProcedureType.insert(ProcedureType(name=name, department=depts[dept], time_limit_workdays=limit, limit_kind=kind,
                                                       stage=stage, templates=templates, seq=seq * 10)).returning(ProcedureType.id)
        types.append({"id": row[0]["id"], "name": name, "department": depts[dept], "limit": limit, "stage": stage,
                      "templates": templates})
    officers = {o["name"]: o["id"] for o in await Officer.select(Officer.id, Officer.name)}
    agents = [officers[n] for n in AGENTS if n in officers] or list(officers.values())[:3]
    coordinator = await User.select(User.id).where(User.username == "coordinator").first()
    user_id = coordinator["id"] if coordinator else None
    projects = await Project.select(Project.id, Project.colour, Project.status, Project.signed_on, Project.lead_officer,
                                    Project.template.code.as_alias("code")).where(Project.status != "merged").order_by(Project.id)
    milestones: dict[int, dict[str, dict]] = {}
    for m in await Milestone.select(Milestone.id, Milestone.project, Milestone.stage, Milestone.planned_on, Milestone.actual_on,
                                    Milestone.not_applicable).order_by(Milestone.seq):
        milestones.setdefault(m["project"], {}).setdefault(m["stage"], m)
    returned = 0
    for p in projects:
        ms = milestones.get(p["id"], {})
        red = p["colour"] == "red" and p["status"] == "active"
        for t in types:
            codes = [c for c in t["templates"].split(",") if c]
            m = ms.get(t["stage"])
            if (codes and p["code"] not in codes) or m is None or m["not_applicable"]:
                continue
            stage_index = project_rules.STAGES.index(t["stage"])
            done = m["actual_on"] is not None
            # Procedures of the stage in progress are open; later stages are not started yet.
            previous_done = all(x["actual_on"] is not None or x["not_applicable"] for s, x in ms.items()
                                if project_rules.STAGES.index(s) < stage_index)
            if not done and not previous_done:
                continue
            agent = rng.choice(agents) if rng.random() < 0.8 else None
            values = dict(project=p["id"], procedure_type=t["id"], department=t["department"], milestone=m["id"],
                          time_limit_workdays=t["limit"], agent=agent, created_by=user_id, created_at=now)
            returns: list[tuple[date, str, date | None]] = []
            if done:
                approved = _before(calendar, m["actual_on"], rng.randint(0, 3))
                late = red and rng.random() < 0.5
                used = t["limit"] + rng.randint(2, 8) if late else max(1, t["limit"] - rng.randint(0, max(1, t["limit"] // 2)))
                accepted = _before(calendar, approved, used)
                if t["limit"] >= 15 and rng.random() < 0.25:  # a return for supplements before the last acceptance
                    resubmitted = accepted
                    returned_on = _before(calendar, resubmitted, rng.randint(4, 9))
                    accepted = _before(calendar, returned_on, rng.randint(2, 6))
                    returns.append((returned_on, rng.choice(RETURN_REASONS), resubmitted))
                values.update(approved_on=approved, accepted_on=accepted, document_no=f"哈审〔2026〕{rng.randint(100, 999)}号")
            else:
                if red and rng.random() < 0.6:
                    accepted = _before(calendar, today, t["limit"] + rng.randint(3, 16))  # overdue
                elif not red and rng.random() < 0.3:
                    continue  # not submitted yet: the procedure is added when the agent starts
                else:
                    accepted = _before(calendar, today, rng.randint(1, max(1, t["limit"] - 2)))
                if red and t["limit"] >= 15 and returned < 3 and rng.random() < 0.3:
                    returned_on = _before(calendar, today, rng.randint(1, 4))
                    accepted = _before(calendar, returned_on, rng.randint(2, 5))
                    returns.append((returned_on, rng.choice(RETURN_REASONS), None))
                    returned += 1
                values.update(accepted_on=accepted)
            submitted = _before(calendar, values["accepted_on"], rng.randint(0, 2))
            values["submitted_on"] = submitted
            if agent:
                values.update(authorised=True, authorised_on=_before(calendar, submitted, rng.randint(1, 5)))
            row = await Procedure.insert(Procedure(**values)).returning(Procedure.id)
            for returned_on, reason, resubmitted in returns:
                await ProcedureReturn.insert(ProcedureReturn(procedure=row[0]["id"], returned_on=returned_on, reason=reason,
                                                             resubmitted_on=resubmitted, recorded_by=user_id, recorded_at=now))
