"""Demo data: a fictional but realistic picture of Harbin's key projects.

`build_demo()` writes the demo into an empty database; its output is dumped once into
fixtures/demo.json (`tracker demo --rebuild-fixture`), which `tracker demo` loads.
`generate_projects(n)` adds n synthetic projects for scale tests.
All names are invented; none is a real person or company.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from stdnum.cn import uscc

from tracker.auth.passwords import hash_password
from tracker.auth.tables import User
from tracker.calendar.tables import CalendarDay
from tracker.liaison import queries as liaison
from tracker.liaison.tables import Assignment, Handover
from tracker.org.tables import Department, Enterprise, Officer
from tracker.projects import rules
from tracker.projects.tables import ColourChange, Milestone, MilestoneChange, Project
from tracker.promises.tables import Promise
from tracker.workdays import WorkCalendar

ANCHOR = date(2026, 11, 27)  # the "today" the demo was written for
DEMO_PASSWORD = "tracker-demo"
DEMO_USERS = ("admin", "coordinator", "officer", "leader", "enterprise", "enterprise2")

# name, kind, parent name
DEPARTMENTS = [
    ("哈尔滨市投资促进局", "bureau", None),
    ("哈尔滨市发展和改革委员会", "approval", None),
    ("哈尔滨市自然资源和规划局", "approval", None),
    ("哈尔滨市住房和城乡建设局", "approval", None),
    ("哈尔滨市工业和信息化局", "approval", None),
    ("哈尔滨市市场监督管理局", "approval", None),
    ("哈尔滨市营商环境建设监督局", "approval", None),
    ("国家税务总局哈尔滨市税务局", "approval", None),
    ("哈尔滨市工商业联合会", "introducing", None),
    ("哈尔滨供水集团", "utility", None),
    ("国网哈尔滨供电公司", "utility", None),
    ("哈尔滨燃气公司", "utility", None),
    ("哈尔滨热力公司", "utility", None),
    ("松北区（哈尔滨新区）", "district", None),
    ("平房区（哈经开区）", "district", None),
    ("呼兰区", "district", None),
    ("宾县", "district", None),
    ("道里区", "district", None),
    ("南岗区", "district", None),
    ("香坊区", "district", None),
    ("双城区", "district", None),
    ("哈尔滨新区江北一体发展区", "park", "松北区（哈尔滨新区）"),
    ("哈尔滨科技创新城", "park", "松北区（哈尔滨新区）"),
    ("哈尔滨经济技术开发区", "park", "平房区（哈经开区）"),
    ("利民经济技术开发区", "park", "呼兰区"),
    ("宾西经济技术开发区", "park", "宾县"),
    ("双城经济技术开发区", "park", "双城区"),
    ("哈尔滨综合保税区", "park", "道里区"),
]

# name, department, title, is_leader
OFFICERS = [
    ("赵建国", "哈尔滨市投资促进局", "局长", True),
    ("孙丽娟", "哈尔滨市投资促进局", "副局长", True),
    ("周海涛", "松北区（哈尔滨新区）", "副区长", True),
    ("吴晓梅", "平房区（哈经开区）", "副区长", True),
    ("郑志强", "呼兰区", "副区长", True),
    ("王立新", "哈尔滨市投资促进局", "项目服务处处长", False),
    ("刘雪婷", "哈尔滨市投资促进局", "项目专员", False),
    ("陈浩然", "哈尔滨市投资促进局", "项目专员", False),
    ("杨春雨", "哈尔滨新区江北一体发展区", "招商服务专员", False),
    ("黄子健", "哈尔滨经济技术开发区", "项目专员", False),
    ("林佳怡", "利民经济技术开发区", "项目专员", False),
    ("何文博", "宾西经济技术开发区", "项目专员", False),
    ("马晓东", "哈尔滨市发展和改革委员会", "重点项目办主任", False),
    ("高明远", "哈尔滨市自然资源和规划局", "用地服务科科长", False),
    ("韩雪松", "国家税务总局哈尔滨市税务局", "纳税服务科科长", False),
    # District and park people who answer for projects at the second level (区县/园区包保).
    ("曲振东", "宾县", "副县长", True),
    ("蒋丽华", "道里区", "副区长", True),
    ("邵宏伟", "南岗区", "副区长", True),
    ("冯雅琴", "香坊区", "副区长", True),
    ("于长江", "双城区", "副区长", True),
    ("田晓光", "哈尔滨科技创新城", "招商服务专员", False),
    ("罗佳琪", "双城经济技术开发区", "项目专员", False),
    ("邹海洋", "哈尔滨综合保税区", "项目专员", False),
    ("段文华", "哈尔滨市工商业联合会", "招商联络部部长", False),
]

CITY_LEADERS = ("赵建国", "孙丽娟")
LEAD_OFFICERS = ("王立新", "刘雪婷", "陈浩然", "杨春雨", "黄子健", "林佳怡", "何文博", "马晓东", "高明远")

# name, industry
ENTERPRISES = [
    ("哈尔滨北辰新能源科技有限公司", "new_energy"), ("黑龙江冰城智造装备有限公司", "smart_manufacturing"),
    ("哈尔滨松江生物医药有限公司", "biomedicine"), ("黑龙江寒地新材料股份有限公司", "new_materials"),
    ("哈尔滨云帆数据科技有限公司", "new_it"), ("黑龙江北大荒绿源食品有限公司", "agri_food"),
    ("哈尔滨雪域文旅发展有限公司", "tourism_services"), ("哈尔滨启航节能环保科技有限公司", "energy_saving"),
    ("黑龙江龙江储能技术有限公司", "new_energy"), ("哈尔滨精工机器人有限公司", "smart_manufacturing"),
    ("哈尔滨华康制药有限公司", "biomedicine"), ("黑龙江碳谷石墨烯材料有限公司", "new_materials"),
    ("哈尔滨星海卫星应用技术有限公司", "new_it"), ("黑龙江黑土地现代农业有限公司", "agri_food"),
    ("哈尔滨冰雪大世界运营有限公司", "tourism_services"), ("哈尔滨绿能环保设备有限公司", "energy_saving"),
    ("哈尔滨博远半导体有限公司", "new_it"), ("黑龙江宏达汽车零部件有限公司", "smart_manufacturing"),
    ("哈尔滨瑞生基因科技有限公司", "biomedicine"), ("黑龙江金穗粮油食品有限公司", "agri_food"),
    ("哈尔滨智联物流科技有限公司", "tourism_services"), ("哈尔滨远景风电装备有限公司", "new_energy"),
    ("黑龙江中寒冷链物流有限公司", "agri_food"), ("哈尔滨朗润医疗器械有限公司", "biomedicine"),
    ("哈尔滨天工航空复合材料有限公司", "new_materials"), ("黑龙江北纬大豆蛋白科技有限公司", "agri_food"),
    ("哈尔滨清源水务环保有限公司", "energy_saving"), ("哈尔滨极光云计算有限公司", "new_it"),
]
ENTERPRISE_NAMES = [name for name, _industry in ENTERPRISES]


def brand(enterprise_name: str) -> str:
    """哈尔滨北辰新能源科技有限公司 -> 北辰新能源"""
    name = enterprise_name
    for prefix in ("哈尔滨", "黑龙江"):
        name = name.removeprefix(prefix)
    for suffix in ("股份有限公司", "有限公司", "科技", "技术"):
        name = name.removesuffix(suffix)
    return name


# industry -> project name templates
PROJECT_KINDS = {
    "new_it": ["大数据中心", "智能传感器产业园", "卫星遥感数据服务平台", "工业互联网平台", "半导体封装测试基地"],
    "new_energy": ["储能电池生产基地", "风电装备制造基地", "氢能产业园", "光伏组件生产线"],
    "smart_manufacturing": ["工业机器人生产基地", "汽车零部件智能工厂", "高端数控机床项目", "智能农机装备产业园"],
    "biomedicine": ["生物医药产业园", "创新药研发生产基地", "医疗器械生产项目", "基因检测中心"],
    "energy_saving": ["节能环保装备产业园", "固废资源化利用项目", "城市污水处理提标项目"],
    "new_materials": ["石墨烯新材料产业园", "航空复合材料生产线", "高性能碳纤维项目"],
    "agri_food": ["大豆精深加工项目", "绿色食品产业园", "冷链物流中心", "鲜食玉米加工基地"],
    "tourism_services": ["冰雪旅游度假区", "文旅综合体项目", "现代物流园区", "区域总部基地"],
}


def credit_code(rng: random.Random, region: str = "230100") -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _now() -> datetime:
    return datetime.now(UTC)


async def _insert_reference_data(rng: random.Random) -> dict:
    ids: dict[str, dict[str, int]] = {"dept": {}, "officer": {}, "enterprise": {}}
    for name, kind, parent in DEPARTMENTS:
        row = await Department.insert(
            Department(name=name, kind=kind, parent=ids["dept"].get(parent) if parent else None)
        ).returning(Department.id)
        ids["dept"][name] = row[0]["id"]
    for i, (name, dept, title, leader) in enumerate(OFFICERS):
        row = await Officer.insert(
            Officer(
                name=name, department=ids["dept"][dept], title=title, is_leader=leader,
                phone=f"0451-8{rng.randint(1000000, 9999999)}" if leader else f"139{rng.randint(10000000, 99999999)}",
                email=f"officer{i + 1}@invest.harbin.example",
            )
        ).returning(Officer.id)
        ids["officer"][name] = row[0]["id"]
    for name in ENTERPRISE_NAMES:
        region = rng.choice(["230109", "230108", "230111", "230125", "230102", "230103"])
        row = await Enterprise.insert(
            Enterprise(
                name=name, credit_code=credit_code(rng, region),
                contact_name=rng.choice(["张", "李", "王", "刘", "陈", "杨"]) + rng.choice(["经理", "总监", "主任"]),
                contact_phone=f"138{rng.randint(10000000, 99999999)}",
            )
        ).returning(Enterprise.id)
        ids["enterprise"][name] = row[0]["id"]
    return ids


async def _templates() -> dict[str, tuple[int, tuple]]:
    """The lifecycle templates `tracker migrate` created: code -> (id, milestones)."""
    from tracker.projects import lifecycle

    return {t["code"]: (t["id"], tuple(await lifecycle.template_milestones(t["id"]))) for t in await lifecycle.templates(active_only=False)}


def _district_park(rng: random.Random) -> tuple[str, str | None]:
    parks = [(p, parent) for p, kind, parent in DEPARTMENTS if kind == "park"]
    if rng.random() < 0.75:
        park, district = rng.choice(parks)
        return district, park
    districts = [d for d, kind, _ in DEPARTMENTS if kind == "district"]
    return rng.choice(districts), None


# The lifecycle template of a demo project by industry (the rest are manufacturing).
TEMPLATE_BY_INDUSTRY = {"tourism_services": "services", "new_it": "services", "energy_saving": "infrastructure"}


def _plan_project(rng: random.Random, signed_on: date, today: date, calendar: WorkCalendar, lateness: str,
                  template: tuple = rules.DEFAULT_LIFECYCLE, green: bool = False) -> list[dict]:
    """Milestones whose completion follows the plan up to today, with a chosen lateness:
    'on_time', 'slipped' (rescheduled with a reason), 'late' (overdue) or 'very_late'."""
    plan = rules.plan_milestones(signed_on, calendar, template, green)
    rows = []
    behind = False
    for p, item in zip(plan, template):
        row = {"stage": p.stage, "seq": p.seq, "name": p.name, "baseline_on": p.planned_on, "planned_on": p.planned_on,
               "provisional": p.provisional, "actual_on": None, "changes": [], "not_applicable": not p.applies,
               "offset_workdays": item.green if green else item.offset_workdays}
        if not p.applies:
            pass  # does not apply to this kind of project: complete without a date
        elif p.stage == "signed":
            row["actual_on"] = signed_on
        elif not behind:
            # Done about on time when its date has passed (a few working days either side).
            actual = calendar.add_workdays(p.planned_on, rng.randint(0, 4)) if rng.random() < 0.6 else p.planned_on - timedelta(days=rng.randint(0, 6))
            actual = max(actual, signed_on)
            next_is_due = p.planned_on <= today
            if next_is_due and actual <= today:
                row["actual_on"] = actual
            else:
                behind = True
                if lateness == "slipped" and p.planned_on <= calendar.add_workdays(today, 15):
                    new = calendar.add_workdays(today, rng.randint(8, 40))
                    row["changes"].append(("reschedule", p.planned_on, new, rng.choice(RESCHEDULE_REASONS)))
                    row["planned_on"] = new
        rows.append(row)
    if lateness in ("late", "very_late"):
        # Undo the last completion(s) so the project is overdue.
        done = [r for r in rows if r["actual_on"] and r["stage"] != "signed" and not r["not_applicable"]]
        if done:
            last = done[-1]
            last["actual_on"] = None
            overdue = calendar.workdays_between(last["planned_on"], today)
            target = rng.randint(3, 9) if lateness == "late" else rng.randint(14, 40)
            if overdue > target:
                last["planned_on"] = calendar.add_workdays(calendar.next_workday(today - timedelta(days=int(target * 1.4) + 2)), 0)
                if last["planned_on"] != last["baseline_on"]:
                    last["changes"].append(("reschedule", last["baseline_on"], last["planned_on"], rng.choice(RESCHEDULE_REASONS)))
            for r in rows:
                if r["seq"] > last["seq"]:
                    r["actual_on"] = None
    return rows


RESCHEDULE_REASONS = [
    "土地征收补偿协议尚未签订，供地时间顺延",
    "企业调整产品方案，规划设计重新报审",
    "冬季施工期限制，开工时间顺延至次年4月",
    "环评批复等待专家评审会",
    "电力外线工程受道路施工影响",
    "企业融资到位时间推迟",
]


async def _insert_projects(specs: list[dict], today: date, calendar: WorkCalendar, history_weeks: int) -> None:
    """Insert projects with their milestones, history and weekly colour record, in chunks."""
    th = rules.Thresholds()
    now = _now()
    for start in range(0, len(specs), 200):
        chunk = specs[start : start + 200]
        project_rows = []
        for s in chunk:
            ms = s["milestones"]
            stage = rules.derive_stage((m["stage"], m["actual_on"] is not None or m["not_applicable"]) for m in ms)
            colours = []
            for w in range(history_weeks, -1, -1):
                day = today - timedelta(days=7 * w)
                if day < s["signed_on"]:
                    continue
                states = [
                    rules.MilestoneState(m["name"], m["stage"], m["planned_on"], m["actual_on"] if m["actual_on"] and m["actual_on"] <= day else None)
                    for m in ms if not m["not_applicable"]
                ]
                colour = rules.colour_of(rules.project_signals(states, day, calendar, th), th)
                if not colours or colours[-1][1] != colour:
                    colours.append((day, colour))
            s["colours"] = colours
            project_rows.append(
                Project(
                    name=s["name"], enterprise=s["enterprise"], industry=s["industry"], district=s["district"], park=s["park"],
                    total_investment=s["investment"], signed_on=s["signed_on"], level=s["level"], green_channel=s["green"],
                    introducing_unit=s["introducing"], first_signing_department=s["fs_department"],
                    first_signing_leader=s["fs_leader"], responsible_leader=s["leader"], lead_officer=s["lead"], template=s["template"],
                    description=s.get("description", ""), stage=stage, colour=colours[-1][1] if colours else "green",
                    colour_since=colours[-1][0] if colours else today, status=s.get("status", "active"),
                    status_reason=s.get("status_reason", ""), created_at=now, updated_at=now,
                )
            )
        ids = [r["id"] for r in await Project.insert(*project_rows).returning(Project.id)]
        await Assignment.insert(
            *[
                Assignment(project=pid, role=role, officer=s[key], started_on=s["signed_on"])
                for pid, s in zip(ids, chunk)
                for role, key in (("lead_officer", "lead"), ("responsible_leader", "leader"), ("area_leader", "area_leader"),
                                  ("unit_leader", "unit_leader"))
                if s.get(key)
            ]
        )
        milestone_rows, change_specs, colour_rows = [], [], []
        for pid, s in zip(ids, chunk):
            for m in s["milestones"]:
                milestone_rows.append(
                    Milestone(project=pid, stage=m["stage"], seq=m["seq"], name=m["name"], baseline_on=m["baseline_on"],
                              planned_on=m["planned_on"], provisional=m["provisional"], actual_on=m["actual_on"],
                              not_applicable=m["not_applicable"], offset_workdays=m["offset_workdays"])
                )
                change_specs.append(m["changes"] + ([("done", None, m["actual_on"], "")] if m["actual_on"] and m["stage"] != "signed" else []))
            prev = None
            for day, colour in s["colours"]:
                colour_rows.append(ColourChange(project=pid, on=day, from_colour=prev, to_colour=colour))
                prev = colour
        milestone_ids = []
        for mstart in range(0, len(milestone_rows), 500):
            milestone_ids += [r["id"] for r in await Milestone.insert(*milestone_rows[mstart : mstart + 500]).returning(Milestone.id)]
        change_rows = [
            MilestoneChange(milestone=mid, kind=kind, from_date=frm, to_date=to, reason=reason, at=now)
            for mid, changes in zip(milestone_ids, change_specs)
            for kind, frm, to, reason in changes
        ]
        for rows in (change_rows, colour_rows):
            for rstart in range(0, len(rows), 500):
                if rows[rstart : rstart + 500]:
                    await rows[0].__class__.insert(*rows[rstart : rstart + 500])


def _project_specs(
    rng: random.Random, n: int, today: date, calendar: WorkCalendar, ids: dict,
    enterprises: list[tuple[int, str, str]], name_suffix: str = "",
) -> list[dict]:
    """enterprises: (id, name, industry); project i goes to enterprise i modulo their number."""
    dept = ids["dept"]
    officer = ids["officer"]
    # City leaders answer for projects at the first level; district heads and park officers at
    # the second; the introducing unit's own people at the third.
    leaders = [officer[name] for name in CITY_LEADERS]
    leads = [officer[name] for name in LEAD_OFFICERS]
    # The people of each department who answer for a level (not the lead officers themselves).
    # The people of each department who answer for a level: not the lead officers themselves,
    # unless the department has nobody else.
    everyone: dict[str, list[int]] = {}
    for name, department, _title, _leader in OFFICERS:
        everyone.setdefault(department, []).append(officer[name])
    by_department = {d: [o for o in people if o not in leads] or people for d, people in everyone.items()}
    templates = ids["templates"]
    specs = []
    for i in range(n):
        enterprise_id, enterprise_name, industry = enterprises[i % len(enterprises)]
        district, park = _district_park(rng)
        # Spread projects over every stage: pick the stage first, then a signing date inside it.
        template_code = TEMPLATE_BY_INDUSTRY.get(industry, "manufacturing")
        template = templates[template_code][1]
        offsets = [m.offset_workdays for m in template] + [template[-1].offset_workdays + 200]
        k = i % len(template)
        while k and not template[k].applies:
            k -= 1
        elapsed = rng.randint(offsets[k] + 1, max(offsets[k] + 2, offsets[k + 1] - 1))
        signed_on = calendar.next_workday(today - timedelta(days=int(elapsed * 1.45)))
        lateness = rng.choices(["on_time", "slipped", "late", "very_late"], weights=[50, 15, 20, 15])[0]
        green = rng.random() < 0.3
        introducing = rng.choice(["哈尔滨市投资促进局", district, park or district] + (["哈尔滨市工商业联合会"] if i % 9 == 4 else []))
        spec = {
            "name": f"{brand(enterprise_name)}{rng.choice(PROJECT_KINDS[industry]).removesuffix('项目')}项目{name_suffix}",
            "enterprise": enterprise_id,
            "industry": industry,
            "district": dept[district],
            "park": dept[park] if park else None,
            "investment": Decimal(rng.choice([5000, 8000, 12000, 20000, 35000, 50000, 80000, 120000, 200000]) + rng.randint(0, 99) * 100),
            "signed_on": signed_on,
            "level": rng.choices(rules.LEVELS, weights=[20, 55, 25])[0],
            "green": green,
            "introducing": dept[introducing],
            "fs_department": dept["哈尔滨市投资促进局"] if rng.random() < 0.6 else dept[district],
            "fs_leader": rng.choice(leaders),
            "leader": rng.choice(leaders),
            "lead": leads[i % len(leads)],
            "area_leader": rng.choice(by_department.get(park or district) or by_department[district]),
            "unit_leader": rng.choice(by_department[introducing]),
            "template": templates[template_code][0],
            "milestones": _plan_project(rng, signed_on, today, calendar, lateness, template, green),
        }
        specs.append(spec)
    return specs


async def build_demo(today: date = ANCHOR, projects: int = 44, seed: int = 2026) -> None:
    """Write the demo into an empty database (call inside a write transaction)."""
    rng = random.Random(seed)
    calendar = WorkCalendar()
    ids = await _insert_reference_data(rng)
    ids["templates"] = await _templates()
    enterprises = [(ids["enterprise"][name], name, industry) for name, industry in ENTERPRISES]
    specs = _project_specs(rng, projects, today, calendar, ids, enterprises)
    # Make project names unique and readable.
    seen: dict[str, int] = {}
    for s in specs:
        seen[s["name"]] = seen.get(s["name"], 0) + 1
        if seen[s["name"]] > 1:
            s["name"] += f"（{'二三四五六七八九'[seen[s['name']] - 2]}期）"
    specs[-1]["status"], specs[-1]["status_reason"] = "paused", "企业母公司重组，项目暂缓推进"
    specs[-2]["status"], specs[-2]["status_reason"] = "cancelled", "企业战略调整，经协商终止投资协议"
    await _insert_projects(specs, today, calendar, history_weeks=8)
    await _insert_users(ids)
    await _insert_successions(rng, ids, today)
    await _insert_promises(rng, ids, today, calendar)
    from tracker.projects.queries import refresh_colours

    await refresh_colours(None, today, calendar)
    await _insert_meeting(ids, today, calendar)
    await _insert_requests(ids, today, calendar)

    await refresh_colours(None, today, calendar)


PROMISES = [
    ("land", "按合同约定时间完成项目用地“净地”交付", "哈尔滨市自然资源和规划局", None),
    ("funding", "兑现固定资产投资补贴", "哈尔滨市工业和信息化局", Decimal(800)),
    ("tax", "落实高新技术企业所得税优惠政策", "国家税务总局哈尔滨市税务局", None),
    ("approvals", "施工许可“拿地即开工”并联审批", "哈尔滨市住房和城乡建设局", None),
    ("talent", "协调企业高管人才公寓 20 套", "哈尔滨市投资促进局", None),
    ("infrastructure", "园区道路及管网配套至项目红线", "哈尔滨市住房和城乡建设局", Decimal(1500)),
]


async def _insert_promises(rng: random.Random, ids: dict, today: date, calendar: WorkCalendar) -> None:
    """Promises in every state: kept on time, kept late, overdue, unfulfillable with a plan, utility
    connections counted from the start of construction, one disputed by the enterprise."""
    from tracker.promises import queries as promise_queries
    from tracker.promises.rules import TEMPLATES

    dept = ids["dept"]
    coordinator = (await User.select(User.id).where(User.username == "coordinator").first())["id"]
    projects = await Project.select(Project.id, Project.signed_on, Project.lead_officer).where(Project.status == "active").order_by(Project.id)
    utility_depts = {"water": "哈尔滨供水集团", "gas": "哈尔滨燃气公司", "heat": "哈尔滨热力公司", "electricity": "国网哈尔滨供电公司"}
    for i, p in enumerate(projects[:30]):
        category, content, department, amount = PROMISES[i % len(PROMISES)]
        promised_on = p["signed_on"]
        outcome = ["fulfilled_on_time", "fulfilled_late", "in_progress", "in_progress", "unfulfillable", "fulfilled_on_time"][i % 6]
        if i % 12 == 2:
            outcome = "overdue"
        if i % 15 == 5:
            outcome = "disputed"
        if outcome in ("overdue", "fulfilled_on_time", "fulfilled_late", "disputed"):
            due_on = today - timedelta(days=rng.randint(3, 25) if outcome == "overdue" else rng.randint(20, 120))
        else:
            due_on = today + timedelta(days=rng.randint(10, 120))
        due_on = max(due_on, promised_on)
        pid = await promise_queries.create(
            promise_queries.NewPromise(p["id"], content, category, "contract", f"第{rng.randint(3, 18)}条", "", dept[department],
                                       p["lead_officer"], amount, promised_on, "fixed", due_on, None, None, None),
            coordinator, calendar,
        )
        row = await Promise.select().where(Promise.id == pid).first()
        if outcome in ("fulfilled_on_time", "fulfilled_late", "disputed") and due_on < today:
            settled = min(due_on - timedelta(days=rng.randint(0, 10)) if outcome != "fulfilled_late" else due_on + timedelta(days=rng.randint(5, 25)), today)
            settled = max(settled, promised_on)
            await promise_queries.add_fulfilment(row, settled, "已按约定交付", amount, department, None, coordinator)
            row = await Promise.select().where(Promise.id == pid).first()
            await promise_queries.change_status(row, "fulfilled", {"settled_on": settled}, row["version"], coordinator, today)
            row = await Promise.select().where(Promise.id == pid).first()
            answer = "disputed" if outcome == "disputed" else "confirmed"
            await promise_queries.record_answer(row, answer, "实际交付与合同约定不符" if answer == "disputed" else "", row["version"], coordinator, on_behalf=True)
        elif outcome == "unfulfillable":
            await promise_queries.change_status(row, "unfulfillable", {
                "status_reason": "上位规划调整，原定地块不再具备条件", "remedy_plan": "调整至相邻地块并补偿前期费用",
                "remedy_due_on": today + timedelta(days=rng.randint(20, 90)), "explanation": "",
            }, row["version"], coordinator, today)
        elif outcome == "in_progress":
            await promise_queries.add_fulfilment(row, min(today, promised_on + timedelta(days=30)), "已完成前期对接", None, department, None, coordinator)
    # Utility connections counted from the start of construction (clock started or not).
    # ... on projects that have not started construction, or started it in the last few weeks.
    recent = today - timedelta(days=35)
    candidates = []
    for p in projects[30:]:
        construction = await Milestone.select(Milestone.id, Milestone.actual_on).where(
            Milestone.project == p["id"], Milestone.stage == "construction"
        ).first()
        if construction["actual_on"] is None or construction["actual_on"] >= recent:
            candidates.append(p)
    for p in candidates[:8]:
        template = TEMPLATES[p["id"] % len(TEMPLATES)]
        trigger = await Milestone.select(Milestone.id).where(Milestone.project == p["id"], Milestone.stage == template.trigger_stage).first()
        await promise_queries.create(
            promise_queries.NewPromise(p["id"], template.content, template.category, "letter", "哈营商函〔2026〕12号", "",
                                       dept[utility_depts[template.key]], p["lead_officer"], None, p["signed_on"], "after_milestone",
                                       None, template.due_workdays, template.target_workdays, trigger["id"]),
            coordinator, calendar,
        )


HANDOVER_NOTES = [
    "已向继任者逐项交接在办审批事项和企业联系人，企业已知悉新的专员电话。",
    "供地和规划手续材料已移交，下周一起拜访企业。",
    "因工作调整交接，原专员继续协助一个月。",
]


async def _insert_successions(rng: random.Random, ids: dict, today: date) -> None:
    """A few projects changed lead officer in the past (accepted), and two handovers to the demo
    officer are waiting for acceptance."""
    officer = ids["officer"]
    users = {u["username"]: u["id"] for u in await User.select(User.id, User.username)}
    leads = [officer[name] for name, _d, _t, leader in OFFICERS if not leader]
    projects = await Project.select(Project.id, Project.signed_on, Project.lead_officer, Project.version).where(
        Project.status == "active"
    ).order_by(Project.id)
    old = [p for p in projects if (today - p["signed_on"]).days > 120]
    demo_officer = officer["刘雪婷"]
    for p in old[:6]:
        successor = rng.choice([o for o in leads if o not in (p["lead_officer"], demo_officer, officer["王立新"])])
        on = p["signed_on"] + timedelta(days=rng.randint(40, (today - p["signed_on"]).days - 20))
        handover = await liaison.hand_over(
            p["id"], "lead_officer", successor, rng.choice(["transfer", "promotion", "workload"]),
            rng.choice(HANDOVER_NOTES), p["version"], users["coordinator"], on,
        )
        await Handover.update({Handover.accepted_at: datetime.combine(on + timedelta(days=2), datetime.min.time(), UTC),
                               Handover.accepted_by: None}).where(Handover.id == handover)
    for p in old[6:8]:
        if p["lead_officer"] == demo_officer:
            continue
        await liaison.hand_over(
            p["id"], "lead_officer", demo_officer, "workload", HANDOVER_NOTES[0], p["version"], users["coordinator"],
            today - timedelta(days=rng.randint(1, 6)),
        )


async def _insert_users(ids: dict) -> None:
    password = hash_password(DEMO_PASSWORD)
    officer = ids["officer"]
    enterprise = ids["enterprise"]
    users = [
        User(username="admin", password_hash=password, role="admin", display_name="系统管理员"),
        User(username="coordinator", password_hash=password, role="coordinator", display_name="王立新", officer=officer["王立新"]),
        User(username="officer", password_hash=password, role="officer", display_name="刘雪婷", officer=officer["刘雪婷"]),
        User(username="leader", password_hash=password, role="leader", display_name="赵建国", officer=officer["赵建国"]),
        User(username="enterprise", password_hash=password, role="enterprise", display_name="北辰新能源 张经理",
             enterprise=enterprise[ENTERPRISE_NAMES[0]]),
        User(username="enterprise2", password_hash=password, role="enterprise", display_name="冰城智造 李总监",
             enterprise=enterprise[ENTERPRISE_NAMES[1]]),
    ]
    await User.insert(*users)


async def generate_projects(n: int, today: date, seed: int = 7) -> None:
    """Add n synthetic projects, each with its own new enterprise, on top of the demo's
    departments and officers (call inside a write transaction, on a database with the demo)."""
    rng = random.Random(seed)
    calendar = WorkCalendar({r["day"]: r["is_workday"] for r in await CalendarDay.select()})
    ids = {
        "dept": {r["name"]: r["id"] for r in await Department.select(Department.id, Department.name)},
        "officer": {r["name"]: r["id"] for r in await Officer.select(Officer.id, Officer.name)},
        "templates": await _templates(),
    }
    start = await Project.count()
    for begin in range(0, n, 1000):
        size = min(1000, n - begin)
        rows, picks = [], []
        for i in range(size):
            base, industry = rng.choice(ENTERPRISES)
            name = base.replace("有限公司", f"第{start + begin + i + 1}分公司")
            picks.append((name, industry))
            rows.append(Enterprise(name=name, credit_code=credit_code(rng, "230100"), contact_name="联系人", contact_phone=""))
        new_ids = [r["id"] for r in await Enterprise.insert(*rows).returning(Enterprise.id)]
        enterprises = [(eid, name, industry) for eid, (name, industry) in zip(new_ids, picks)]
        specs = _project_specs(rng, size, today, calendar, ids, enterprises, name_suffix="")
        for i, s in enumerate(specs):
            s["name"] += f"·{start + begin + i + 1}"
        await _insert_projects(specs, today, calendar, history_weeks=8)


DECISIONS = [
    ("自然资源和规划局牵头，两周内完成地块调规报批", "完成地块调规报批", "哈尔滨市自然资源和规划局", "高明远"),
    ("供电公司加快外线工程，园区协调道路开挖许可", "完成电力外线接入", "国网哈尔滨供电公司", "黄子健"),
    ("发改委协调省级部门，加快项目核准", "取得项目核准批复", "哈尔滨市发展和改革委员会", "马晓东"),
]


async def _insert_meeting(ids: dict, today: date, calendar: WorkCalendar) -> None:
    """Last week's meeting, closed, with decisions and action items (one done, one overdue)."""
    from tracker.meetings import queries as meeting_queries
    from tracker.meetings.tables import AgendaItem, Meeting

    users = {u["username"]: u["id"] for u in await User.select(User.id, User.username)}
    officer = ids["officer"]
    held_on = calendar.next_workday(today - timedelta(days=7))
    meeting_id = await meeting_queries.create_meeting(
        held_on, officer["孙丽娟"], "市投促局三楼会议室", [officer[n] for n in ("王立新", "刘雪婷", "陈浩然", "高明远", "马晓东")],
        [ids["dept"]["哈尔滨市自然资源和规划局"], ids["dept"]["国网哈尔滨供电公司"]], users["coordinator"], held_on,
    )
    meeting = await Meeting.select().where(Meeting.id == meeting_id).first()
    items = await AgendaItem.select().where(AgendaItem.meeting == meeting_id, AgendaItem.project.is_not_null()).order_by(AgendaItem.position)
    for n, (item, (decision, task, department, owner)) in enumerate(zip(items, DECISIONS)):
        await AgendaItem.update({AgendaItem.discussion: "企业反映手续推进缓慢，影响开工。", AgendaItem.decision: decision}).where(AgendaItem.id == item["id"])
        due_on = calendar.add_workdays(held_on, 3 if n == 0 else 15)
        action_id = await meeting_queries.add_action_item(meeting, item, task, ids["dept"][department], officer[owner], due_on, users["coordinator"])
        if n == 2:
            action = await meeting_queries.ActionItem.select().where(meeting_queries.ActionItem.id == action_id).first()
            await meeting_queries.mark_done(action, "省发改委已出具核准批复", "resolved", action["version"], users["coordinator"], today)
    await Meeting.update({Meeting.status: "closed", Meeting.closed_at: datetime.combine(held_on, datetime.min.time(), UTC)}).where(Meeting.id == meeting_id)


# (enterprise index, working days ago raised, category, description, the story after raising)
REQUESTS = [
    (0, 12, "utilities", "厂区 10kV 临时用电尚未接入，影响设备调试，请协调供电公司加快办理。", "solved"),
    (0, 6, "approvals", "环评批复材料已提交两周，请帮助了解审批进度。", "closed"),
    (0, 1, "talent", "希望协调 5 名研发人员子女在园区附近学校入学。", "new"),
    (1, 9, "land", "项目用地红线内仍有一处临时建筑未拆除，影响场地平整。", "dispatched"),
    (1, 20, "financing", "申请园区产业基金配套贷款贴息，材料已多次补正仍未获答复。", "escalated"),
    (2, 15, "policy", "高新技术企业认定后的研发费用加计扣除政策如何申报？", "solved_second"),
    (3, 4, "complaint", "项目周边道路夜间施工噪声扰民，企业被投诉，请协调。", "acknowledged"),
    (4, 18, "utilities", "天然气接驳报装流程较长，请协调燃气公司提前介入。", "solved"),
]


async def _staff_step(request_id: int, user_id: int, action: str, text: str, department: int | None, on: date) -> None:
    from tracker.requests import queries as request_queries

    req = await request_queries.get(request_id, on)
    await request_queries.staff_action(req, action, text, department, req["version"], user_id, on)


async def _feedback_step(request_id: int, user_id: int, solved: bool, rating: int, comment: str, on: date, calendar: WorkCalendar) -> None:
    from tracker.requests import queries as request_queries

    req = await request_queries.get(request_id, on)
    await request_queries.give_feedback(req, solved, rating, comment, req["version"], user_id, on, calendar)


def _workdays_before(calendar: WorkCalendar, day: date, n: int) -> date:
    while n > 0:
        day -= timedelta(days=1)
        n -= calendar.is_workday(day)
    return day


async def _insert_requests(ids: dict, today: date, calendar: WorkCalendar) -> None:
    """Enterprise requests in every state, and one fulfilment waiting for the demo enterprise to confirm."""
    from tracker.promises import queries as promise_queries
    from tracker.requests import queries as request_queries
    from tracker.requests.tables import EnterpriseRequest

    users = {u["username"]: u["id"] for u in await User.select(User.id, User.username)}
    by_officer = {u["officer"]: u["id"] for u in await User.select(User.id, User.officer).where(User.officer.is_not_null())}
    departments = ids["dept"]
    for index, ago, category, description, story in REQUESTS:
        enterprise = ids["enterprise"][ENTERPRISE_NAMES[index]]
        project = await Project.select(Project.id, Project.enterprise, Project.lead_officer, Project.status).where(
            Project.enterprise == enterprise, Project.status == "active").order_by(Project.id).first()
        raised_on = _workdays_before(calendar, today, ago)
        enterprise_user = users["enterprise"] if index == 0 else users["enterprise2"] if index == 1 else None
        request_id = await request_queries.raise_request(project, category, description, [], enterprise_user or users["coordinator"],
                                                         enterprise_user is None, raised_on, calendar)
        staff = by_officer.get(project["lead_officer"], users["coordinator"])

        customer = enterprise_user or users["coordinator"]

        def act(action: str, text: str = "", department: int | None = None, on: date = raised_on, _id: int = request_id, _by: int = staff):
            return _staff_step(_id, _by, action, text, department, on)

        def feedback(solved: bool, rating: int, comment: str, on: date, _id: int = request_id, _by: int = customer):
            return _feedback_step(_id, _by, solved, rating, comment, on, calendar)

        step = lambda n, _from=raised_on: calendar.add_workdays(_from, n)  # noqa: E731
        if story == "new":
            continue
        await act("acknowledge", on=step(1) if story != "escalated" else step(2))
        if story == "acknowledged":
            continue
        if story == "dispatched":
            await act("dispatch", "请区征收办协调拆除", departments["哈尔滨市自然资源和规划局"], step(2))
            continue
        if story == "escalated":
            for round_ in range(3):
                start = step(1 + round_ * 5)
                await act("close", "已转园区金融服务中心办理", on=start)
                await feedback(False, 2, "仍未收到贴息答复", calendar.add_workdays(start, 1))
            continue
        await act("reply", "已与相关部门对接，正在办理。", on=step(2))
        await act("close", "已办结：相关部门已完成办理并书面告知企业。", on=step(4))
        if story == "closed":
            continue
        if story == "solved_second":
            await feedback(False, 2, "答复过于笼统，仍不清楚申报口径", step(5))
            await act("reply", "已约税务专管员上门辅导。", on=step(6))
            await act("close", "税务专管员已现场辅导，企业完成申报。", on=step(8))
            await feedback(True, 4, "上门辅导很有帮助", step(9))
            continue
        await feedback(True, 5, "办理及时，非常满意", step(5))
    # A fulfilment the demo enterprise has yet to confirm.
    own = await Project.select(Project.id, Project.lead_officer, Project.signed_on).where(
        Project.enterprise == ids["enterprise"][ENTERPRISE_NAMES[0]], Project.status == "active").order_by(Project.id).first()
    coordinator = users["coordinator"]
    pid = await promise_queries.create(promise_queries.NewPromise(
        own["id"], "协助办理外籍技术人员工作许可 3 人", "talent", "meeting", "周例会", "", departments["哈尔滨市投资促进局"],
        own["lead_officer"], None, own["signed_on"], "fixed", today + timedelta(days=10), None, None, None), coordinator, calendar)
    row = await Promise.select().where(Promise.id == pid).first()
    delivered = _workdays_before(calendar, today, 2)
    await promise_queries.add_fulfilment(row, delivered, "3 名外籍技术人员工作许可已全部获批", None, "哈尔滨市投资促进局", None, coordinator)
    row = await Promise.select().where(Promise.id == pid).first()
    await promise_queries.change_status(row, "fulfilled", {"settled_on": delivered}, row["version"], coordinator, today)
    assert await EnterpriseRequest.count() == len(REQUESTS)
