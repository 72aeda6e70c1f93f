"""The figures of the three documents, gathered with the same queries the web pages use."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from tracker.approvals import queries as approval_queries
from tracker.approvals import rules as approval_rules
from tracker.briefings import rules
from tracker.districts import queries as district_queries
from tracker.districts import rules as district_rules
from tracker.investment import queries as investment_queries
from tracker.liaison import queries as liaison
from tracker.liaison.rules import LEVEL_ROLES
from tracker.liaison.tables import Handover
from tracker.meetings import queries as meeting_queries
from tracker.meetings.tables import ActionItem, Addendum, Meeting
from tracker.projects import queries as project_queries
from tracker.projects.rules import INDUSTRIES, STAGES
from tracker.projects.tables import ColourChange, Milestone, Project
from tracker.promises import queries as promise_queries
from tracker.requests import queries as request_queries
from tracker.utilities import queries as utility_queries
from tracker.utilities import rules as utility_rules


@dataclass
class Weekly:
    week: rules.Week
    as_of: date
    by_stage: dict[str, int]
    by_colour: dict[str, int]
    active: int
    total_investment: Decimal
    year_signed: int
    year_investment: Decimal
    new_signings: list[dict]
    new_starts: list[dict]
    new_operations: list[dict]
    newly_red: list[dict]
    back_to_green: list[dict]
    stage_advances: list[tuple[str, str, list[dict]]]  # (from stage, to stage, projects), in lifecycle order
    handovers: list[dict]
    red: list[dict]
    # The red projects counted by district (or park) and stage, for a briefing that lists only the worst.
    red_by_district: list[tuple[str, dict[str, int], int]]
    overdue_promises: list[dict]
    overdue_by_department: list[tuple[str, int]]
    credibility: list
    department_names: dict[int, str]
    actions_overdue: list[dict]
    actions_resolved: list[dict]
    requests_overdue: list[dict]
    request_figures: object
    investment_by_industry: dict[str, Decimal]
    colour_trend: list[tuple[rules.Week, dict[str, int]]] = field(default_factory=list)
    # Approval procedures and utility connections (issue 17), their clocks evaluated on the as-of day.
    procedures_overdue: list[dict] = field(default_factory=list)
    procedure_figures: list = field(default_factory=list)
    connections_late: list[dict] = field(default_factory=list)
    connection_figures: list = field(default_factory=list)
    connection_targets: tuple[int, int] = (30, 15)
    # Districts side by side and plan against completion for the year to date (issue 18), the
    # numbers of /figures/districts and /figures/investment on the as-of day.
    districts: list = field(default_factory=list)
    district_total: object = None
    investment: object = None


async def weekly(week: rules.Week, today: date) -> Weekly:
    day = rules.as_of(week, today)
    calendar = await project_queries.load_calendar()
    projects = await Project.select(*project_queries.LIST_COLUMNS, Project.responsible_leader.name.as_alias("leader_name"),
                                    Project.lead_officer.phone.as_alias("lead_phone")).where(
        Project.signed_on <= day).order_by(Project.id)
    active = [p for p in projects if p["status"] == "active"]
    by_id = {p["id"]: p for p in projects}

    # Stages on the day and a week before, from the milestones' done dates.
    before = week.monday - timedelta(days=1)  # the end of the previous week
    milestones: dict[int, list[tuple[str, date | None, bool]]] = defaultdict(list)
    starts, operations = [], []
    done_this_week: set[int] = set()  # only these projects can have changed stage during the week
    for m in await Milestone.select(Milestone.project, Milestone.stage, Milestone.actual_on, Milestone.not_applicable).where(
            Milestone.project.is_in(Project.select(Project.id).where(Project.signed_on <= day))
    ).order_by(Milestone.project).order_by(Milestone.seq):
        milestones[m["project"]].append((m["stage"], m["actual_on"], m["not_applicable"]))
        if m["actual_on"] is not None and before < m["actual_on"] <= day:
            done_this_week.add(m["project"])
        if week.contains(m["actual_on"]) and m["actual_on"] <= day and m["project"] in by_id:
            if m["stage"] == "construction":
                starts.append(by_id[m["project"]])
            elif m["stage"] == "operating":
                operations.append(by_id[m["project"]])
    by_stage: Counter = Counter()  # on the day; replaced below by the stored stages for this week
    advances = []
    stage_on_day: dict[int, str] = {}
    for p in active:
        now_stage = stage_on_day[p["id"]] = rules.stage_on(milestones[p["id"]], day)
        by_stage[now_stage] += 1
        if p["signed_on"] <= before and p["id"] in done_this_week:
            was = rules.stage_on(milestones[p["id"]], before)
            if rules.stage_index(now_stage) > rules.stage_index(was):
                advances.append((was, now_stage, p))

    # Colours on the day, the changes within the week, and the last eight weeks.
    history: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for c in await ColourChange.select(ColourChange.project, ColourChange.on, ColourChange.to_colour).where(
            ColourChange.on <= day).order_by(ColourChange.on).order_by(ColourChange.id):
        history[c["project"]].append((c["on"], c["to_colour"]))
    # Each project under its net change over the week: red at the end and not at the start, or
    # green at the end after red or amber at the start. A project that went red and back within
    # the week is in neither list.
    newly_red, back_to_green = [], []
    for p in active:
        change = rules.net_change(rules.colour_on(history[p["id"]], before), rules.colour_on(history[p["id"]], day))
        if change == "newly_red":
            newly_red.append(p)
        elif change == "back_to_green":
            back_to_green.append({**p, "from_colour": rules.colour_on(history[p["id"]], before)})
    if day == today:
        # This week: the stored stage and colour, counted by the dashboard's own queries.
        by_stage = Counter(await project_queries.count_by(Project.stage))
        by_colour = Counter(await project_queries.count_by(Project.colour))
        red_ids = [p["id"] for p in active if p["colour"] == "red"]
    else:
        # A past week: rebuilt from the recorded colour changes and the milestones' done dates.
        colour_on_day = {p["id"]: rules.colour_on(history[p["id"]], day) for p in active}
        by_colour = Counter(c for c in colour_on_day.values() if c)
        red_ids = [pid for pid, c in colour_on_day.items() if c == "red"]
    trend = []
    for n in range(7, -1, -1):
        w = week.previous(n)
        end = rules.as_of(w, day)
        counts = Counter(rules.colour_on(history[p["id"]], end) for p in active if p["signed_on"] <= end)
        trend.append((w, {c: counts.get(c, 0) for c in ("red", "amber", "green")}))

    signals = await project_queries.signals_for(red_ids, day, calendar)
    red = [{**by_id[pid], "signals": signals.get(pid, [])} for pid in red_ids]
    red.sort(key=lambda p: (-max((s.workdays for s in p["signals"]), default=0), p["name"]))
    red_by_district = rules.cross_count(
        [{"area": p["district_name"], "stage": stage_on_day[p["id"]]} for p in red], "area", "stage")

    # Promises: overdue ones by department, and the credibility ranking of the register page.
    register = await promise_queries.register(promise_queries.RegisterFilter(), day, calendar)
    overdue = [r for r in register if r["overdue"]]
    overdue_by_department = Counter(r["department_name"] for r in overdue).most_common()
    credibility, names = await promise_queries.credibility_ranking(register, day)

    actions = await ActionItem.select(*meeting_queries.ACTION_COLUMNS).where(
        (ActionItem.status == "open") | (ActionItem.done_on >= week.monday)).order_by(ActionItem.due_on)
    from tracker.meetings.rules import is_overdue as action_overdue

    actions_overdue = [a for a in actions if a["status"] == "open" and action_overdue(a["status"], a["due_on"], day)]
    actions_resolved = [a for a in actions if a["status"] == "done" and week.contains(a["done_on"]) and a["done_on"] <= day]

    _by_officer, by_department = await request_queries.figures(day)
    year_start = date(day.year, 1, 1)
    this_year = [p for p in projects if p["signed_on"] >= year_start and p["status"] != "cancelled"]
    investment: dict[str, Decimal] = {i: Decimal(0) for i in INDUSTRIES}
    for p in active:
        investment[p["industry"]] = investment.get(p["industry"], Decimal(0)) + p["total_investment"]
    handovers = await Handover.select(*Handover.all_columns(), Handover.project.name.as_alias("project_name"),
                                      Handover.from_officer.name.as_alias("from_name"),
                                      Handover.to_officer.name.as_alias("to_name")).where(
        Handover.handed_on >= week.monday, Handover.handed_on <= day).order_by(Handover.handed_on)
    return Weekly(
        week=week, as_of=day, by_stage={s: by_stage.get(s, 0) for s in STAGES}, by_colour=dict(by_colour), active=len(active),
        total_investment=sum((p["total_investment"] for p in active), Decimal(0)),
        year_signed=len(this_year), year_investment=sum((p["total_investment"] for p in this_year), Decimal(0)),
        new_signings=[p for p in projects if week.contains(p["signed_on"])],
        new_starts=starts, new_operations=operations, newly_red=newly_red, back_to_green=back_to_green,
        stage_advances=_grouped(advances), handovers=handovers, red=red, red_by_district=red_by_district, overdue_promises=overdue,
        overdue_by_department=overdue_by_department, credibility=credibility, department_names=names,
        actions_overdue=actions_overdue, actions_resolved=actions_resolved,
        requests_overdue=await request_queries.overdue(day), request_figures=by_department.total,
        investment_by_industry={k: v for k, v in investment.items() if v}, colour_trend=trend,
        **await _approvals_and_connections(day, calendar),
        **await _districts_and_investment(day),
    )


async def _districts_and_investment(day: date) -> dict:
    """The district section and plan against completion, from the figures pages' own queries."""
    investment = await investment_queries.year_figures(day.year, day)
    districts = await district_queries.rows("district", day.year, day, project_years=investment.projects)
    return {"districts": districts, "district_total": district_rules.total(districts, ""), "investment": investment}


async def _approvals_and_connections(day: date, calendar) -> dict:
    """The weekly briefing's section on approvals and utility connections, from the pages' queries:
    procedures and connections started by the as-of day, their clocks evaluated on that day."""
    procedures = [r for r in await approval_queries.listing(approval_queries.ListFilter(), day, calendar)
                  if r["accepted_on"] is not None and r["accepted_on"] <= day and r["project_status"] == "active"]
    connections = [r for r in await utility_queries.listing(utility_queries.ListFilter(), day, calendar)
                   if r["applied_on"] <= day and r["project_status"] == "active"]
    target, stretch = utility_queries.targets()
    return {
        "procedures_overdue": [r for r in procedures if r["clock"].overdue_by > 0],
        "procedure_figures": sorted(approval_rules.figures((r["department_name"], r["clock"]) for r in procedures),
                                    key=lambda g: str(g.key)),
        "connections_late": [r for r in connections if not r["clock"].done and r["clock"].elapsed > target],
        "connection_figures": sorted(utility_rules.figures(((r["utility"], r["clock"]) for r in connections), target, stretch),
                                     key=lambda g: utility_rules.UTILITIES.index(g.key)),
        "connection_targets": (target, stretch),
    }


def _grouped(advances: list[tuple[str, str, dict]]) -> list[tuple[str, str, list[dict]]]:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for was, now, project in advances:
        groups[(was, now)].append(project)
    order = sorted(groups, key=lambda k: (rules.stage_index(k[1]), rules.stage_index(k[0])))
    return [(was, now, groups[(was, now)]) for was, now in order]


async def project_sheet(project_id: int, today: date) -> dict | None:
    project = await project_queries.get_project(project_id)
    if not project:
        return None
    calendar = await project_queries.load_calendar()
    signals = (await project_queries.signals_for([project_id], today, calendar)).get(project_id, []) if project["status"] == "active" else []
    return {
        "project": project,
        "milestones": await project_queries.project_milestones(project_id),
        "signals": signals,
        "succession": await liaison.succession(project_id),
        "holders": (await liaison.current_holders([project_id])).get(project_id, {}),
        "level_roles": LEVEL_ROLES,
        "promises": promise_queries.annotate(await promise_queries.project_promises(project_id), today, calendar),
        "requests": [r for r in await request_queries.listing(request_queries.InboxFilter(project=project_id), today)
                     if r["status"] != "closed"],
        "decisions": (await meeting_queries.project_decisions(project_id, today))[:8],
        "procedures": await approval_queries.project_procedures(project_id, today, calendar),
        "investment": await investment_queries.project_summary(project_id, today),
        "connections": await utility_queries.project_connections(project_id, today, calendar),
        "utility_targets": utility_queries.targets(),
        "as_of": today,
    }


async def minutes(meeting_id: int) -> dict | None:
    meeting = await Meeting.select(*Meeting.all_columns(), Meeting.chair.name.as_alias("chair_name")).where(Meeting.id == meeting_id).first()
    if not meeting:
        return None
    return {
        "meeting": meeting,
        "items": await meeting_queries.agenda(meeting_id),
        "attendees": await meeting_queries.attendees(meeting_id),
        "general_addenda": await Addendum.select(*Addendum.all_columns(), Addendum.created_by.display_name.as_alias("author")).where(
            Addendum.meeting == meeting_id, Addendum.agenda_item.is_null()).order_by(Addendum.id),
    }
