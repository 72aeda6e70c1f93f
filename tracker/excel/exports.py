"""Every list as a workbook (`?format=xlsx`): what the page shows, with its filters and sort, every
page of it; and the monthly report for reporting upward.

A list's view calls in here at its top; the filters are read from the same query parameters the
page reads (tests compare each export with its page).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from litestar import Request
from litestar.response import Response

from tracker import i18n
from tracker.briefings import rules as briefing_rules
from tracker.excel import rules, workbook
from tracker.excel.workbook import Col
from tracker.i18n import N_
from tracker.labels import label
from tracker.liaison import queries as liaison_queries
from tracker.listing import parse_sort, sort_rows
from tracker.meetings import queries as meeting_queries
from tracker.meetings import rules as meeting_rules
from tracker.meetings.tables import ActionItem
from tracker.org.tables import Department
from tracker.projects import queries as project_queries
from tracker.projects.rules import STAGES
from tracker.projects.tables import ColourChange, Milestone, Project
from tracker.promises import queries as promise_queries
from tracker.promises import rules as promise_rules
from tracker.requests import queries as request_queries
from tracker.requests import rules as request_rules
from tracker.settings import get_settings, today
from tracker.web import int_or_none, lang_of

# Every row of a list, not one page of it.
ALL_ROWS = 10_000_000


def wants_xlsx(request: Request) -> bool:
    return request.query_params.get("format") == "xlsx"


@dataclass
class Words:
    """The words of one workbook, in the user's language (Chinese unless they chose English)."""

    lang: str

    def pgettext(self, context: str, message: str) -> str:
        """A word of the workbook; called with the context literally, so the catalogue finds it."""
        return i18n.pgettext(self.lang, context, message)

    def label(self, kind: str, code: str | None) -> str:
        return i18n.gettext(self.lang, label(kind, code)) if code else ""

    def field(self, name: str) -> str:
        """An import column's header: the ledger's Chinese one, so an export can be imported again."""
        f = rules.FIELD[name]
        return f.header if self.lang == "zh" else f.english

    @property
    def colours(self) -> dict[str, str]:
        return {c: self.label("colour", c) for c in ("red", "amber", "green")}

    def yes(self, value: bool) -> str:
        return self.pgettext("spreadsheet", "yes") if value else self.pgettext("spreadsheet", "no")


def _response(book, name: str, fallback: str) -> Response:
    stamp = today().isoformat()
    return Response(workbook.to_bytes(book), media_type=workbook.XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": workbook.content_disposition(f"{name}-{stamp}.xlsx", f"{fallback}-{stamp}.xlsx"),
        "Cache-Control": "private, no-store",
    })


def _area(row: dict) -> str:
    return f"{row['district_name']}/{row['park_name']}" if row.get("park_name") else row["district_name"]


# --- projects ------------------------------------------------------------------------------------


async def projects(request: Request, f: project_queries.ProjectFilter) -> Response:
    """The project list with its filters and sort (every page), plus what an import reads back."""
    w = Words(lang_of(request))
    page = await project_queries.list_projects(replace(f, page=1), ALL_ROWS)
    ids = [r["id"] for r in page.rows]
    more: dict[int, dict] = {}
    for start in range(0, len(ids), 5000):
        for r in await Project.select(
            Project.id, Project.enterprise.credit_code.as_alias("code"), Project.responsible_leader.name.as_alias("leader"),
            Project.first_signing_department.name.as_alias("fs_department"), Project.introducing_unit.name.as_alias("unit"),
            Project.template.name.as_alias("template_name"), Project.description, Project.colour_since,
        ).where(Project.id.is_in(ids[start:start + 5000])):
            more[r["id"]] = r
    columns = [
        Col(w.field("code"), "count"), Col(w.field("name")), Col(w.field("enterprise")), Col(w.field("credit_code")),
        Col(w.field("investment"), "amount"), Col(w.field("industry")), Col(w.field("area")), Col(w.field("level")),
        Col(w.field("signed_on"), "date"), Col(w.field("stage")), Col(w.pgettext("spreadsheet", "Next milestone")), Col(w.pgettext("spreadsheet", "Planned on"), "date"),
        Col(w.field("lead_officer")), Col(w.field("responsible_leader")), Col(w.field("first_signing_department")),
        Col(w.field("introducing_unit")), Col(w.field("template")), Col(w.field("green_channel")), Col(w.pgettext("spreadsheet", "Status")),
        Col(w.pgettext("spreadsheet", "Warning"), "colour"), Col(w.pgettext("spreadsheet", "Warning since"), "date"), Col(w.field("notes")),
    ]
    rows = []
    for p in page.rows:
        x = more.get(p["id"], {})
        nm = page.next_milestones.get(p["id"]) or {}
        rows.append([
            p["id"], p["name"], p["enterprise_name"], x.get("code"), p["total_investment"], w.label("industry", p["industry"]), _area(p),
            w.label("level", p["level"]), p["signed_on"], w.label("stage", p["stage"]), nm.get("name"), nm.get("planned_on"),
            p["lead_name"], x.get("leader"), x.get("fs_department"), x.get("unit"), x.get("template_name"), w.yes(p["green_channel"]),
            w.label("status", p["status"]), p["colour"], x.get("colour_since"), x.get("description") or None,
        ])
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Projects"), columns, rows, w.colours)
    return _response(book, w.pgettext("spreadsheet", "Projects"), "projects")


# --- promises and credibility --------------------------------------------------------------------


def _register_filter(request: Request) -> promise_queries.RegisterFilter:
    """The register's filters as its page reads them (promises.views.PromiseController.index)."""
    q = request.query_params
    return promise_queries.RegisterFilter(
        department=int_or_none(q.get("department")), category=q.get("category") if q.get("category") in promise_rules.CATEGORIES else "",
        status=q.get("status") if q.get("status") in promise_rules.STATUSES else "", overdue=q.get("overdue") == "1",
        project=int_or_none(q.get("project")), due_within=int_or_none(q.get("due_within"), 0, promise_rules.DUE_WORKDAYS_MAX),
    )


def _promise_sheet(w: Words, rows: list[dict]) -> tuple[list[Col], list[list]]:
    columns = [Col(w.pgettext("spreadsheet", "Project")), Col(w.pgettext("spreadsheet", "Promise")), Col(w.pgettext("spreadsheet", "Category")), Col(w.pgettext("spreadsheet", "Responsible department")), Col(w.pgettext("spreadsheet", "Responsible officer")),
               Col(w.pgettext("spreadsheet", "Promised on"), "date"), Col(w.pgettext("spreadsheet", "Due on"), "date"), Col(w.pgettext("spreadsheet", "Amount (10,000 CNY)"), "amount"), Col(w.pgettext("spreadsheet", "Status")),
               Col(w.pgettext("spreadsheet", "Overdue"), "colour"), Col(w.pgettext("spreadsheet", "Working days overdue"), "count"), Col(w.pgettext("spreadsheet", "Enterprise's answer"))]
    out = []
    for p in rows:
        out.append([p["project_name"], p["content"], w.label("promise_category", p["category"]), p["department_name"], p["officer_name"],
                    p["promised_on"], p["due_on"], p["amount"], w.label("promise_status", p["status"]), "red" if p["overdue"] else None,
                    p["overdue_workdays"] or None if p["overdue"] else None, w.label("answer", p["answer"])])
    return columns, out


async def promises(request: Request, sorts: dict[str, Callable]) -> Response:
    w = Words(lang_of(request))
    calendar = await project_queries.load_calendar()
    rows = await promise_queries.register(_register_filter(request), today(), calendar)
    rows = sort_rows(rows, parse_sort(request.query_params.get("sort"), sorts, "due"), sorts)
    columns, values = _promise_sheet(w, rows)
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Promises"), columns, values, {"red": w.pgettext("spreadsheet", "Overdue")})
    return _response(book, w.pgettext("spreadsheet", "Promise register"), "promises")


async def credibility(request: Request) -> Response:
    """The credibility table in the page's ranking, and the breaches below it on a second sheet."""
    w = Words(lang_of(request))
    calendar = await project_queries.load_calendar()
    rows = await promise_queries.register(promise_queries.RegisterFilter(), today(), calendar)
    sort = request.query_params.get("sort", "on_time_rate")
    records, names = await promise_queries.credibility_ranking(rows, today(), sort if sort in promise_queries.RANKINGS else "on_time_rate")
    columns = [Col(w.pgettext("spreadsheet", "Department")), Col(w.pgettext("spreadsheet", "Promises made"), "count"), Col(w.pgettext("spreadsheet", "Fulfilled on time"), "count"),
               Col(w.pgettext("spreadsheet", "Fulfilled late"), "count"), Col(w.pgettext("spreadsheet", "Overdue now"), "count"), Col(w.pgettext("spreadsheet", "Cannot be fulfilled"), "count"),
               Col(w.pgettext("spreadsheet", "Disputed"), "count"), Col(w.pgettext("spreadsheet", "On-time rate"), "percent"), Col(w.pgettext("spreadsheet", "Confirmed rate"), "percent")]
    values = [[names[r.department], r.made, r.on_time, r.late, r.overdue, r.unfulfillable, r.disputed, r.on_time_rate, r.confirmed_rate]
              for r in records]
    threshold = get_settings().breach_overdue_workdays
    breaches = [r for r, fact in zip(rows, promise_queries.facts(rows)) if promise_rules.is_breach(fact, today(), calendar, threshold)]
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Credibility"), columns, values)
    breach_columns, breach_values = _promise_sheet(w, breaches)
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Breaches of promise"), breach_columns, breach_values, {"red": w.pgettext("spreadsheet", "Overdue")})
    return _response(book, w.pgettext("spreadsheet", "Government credibility"), "credibility")


# --- requests, action items, officers -------------------------------------------------------------


async def requests(request: Request, sorts: dict[str, Callable]) -> Response:
    """The inbox with its filters ("mine" is the user's own) and sort, every page."""
    w = Words(lang_of(request))
    q = request.query_params
    status = q.get("status", "open") if q.get("status", "open") in (*request_rules.STATUSES, "open", "all") else "open"
    f = request_queries.InboxFilter(
        status="" if status == "all" else status,
        responder=request.user.officer_id if q.get("mine") and request.user.officer_id else None,
        department=int_or_none(q.get("department")), escalated=bool(q.get("escalated")), overdue=bool(q.get("overdue")),
    )
    rows = sort_rows(await request_queries.listing(f, today()), parse_sort(q.get("sort"), sorts, "answer_by"), sorts)
    columns = [Col(w.pgettext("spreadsheet", "Number"), "count"), Col(w.pgettext("spreadsheet", "Raised on"), "date"), Col(w.pgettext("spreadsheet", "Enterprise")), Col(w.pgettext("spreadsheet", "Project")), Col(w.pgettext("spreadsheet", "Category")),
               Col(w.pgettext("spreadsheet", "Description")), Col(w.pgettext("spreadsheet", "Status")), Col(w.pgettext("spreadsheet", "Escalated")), Col(w.pgettext("spreadsheet", "First responder")), Col(w.pgettext("spreadsheet", "Department")),
               Col(w.pgettext("spreadsheet", "Acknowledge by"), "date"), Col(w.pgettext("spreadsheet", "Acknowledged on"), "date"), Col(w.pgettext("spreadsheet", "Answer by"), "date"),
               Col(w.pgettext("spreadsheet", "Answered on"), "date"), Col(w.pgettext("spreadsheet", "Past a deadline"), "colour"), Col(w.pgettext("spreadsheet", "Satisfaction"), "count")]
    values = [[r["id"], r["raised_on"], r["enterprise_name"], r["project_name"], w.label("request_category", r["category"]),
               r["description"], w.label("request_status", r["status"]), w.yes(r["escalated"]) if r["escalated"] else None,
               r["responder_name"], r["department_name"], r["ack_due_on"], r["acknowledged_on"], r["answer_due_on"], r["answered_on"],
               "red" if r["overdue"] else None, r["satisfaction"]] for r in rows]
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Requests"), columns, values, {"red": w.pgettext("spreadsheet", "Past a deadline")})
    return _response(book, w.pgettext("spreadsheet", "Enterprise requests"), "requests")


async def action_items(request: Request, sorts: dict[str, Callable]) -> Response:
    """The board with its filters and sort (meetings.views.ActionItemController.board), every page."""
    w = Words(lang_of(request))
    q = request.query_params
    query = ActionItem.select(*meeting_queries.ACTION_COLUMNS).order_by(ActionItem.status, ascending=False).order_by(ActionItem.due_on)
    for name, column in (("owner", ActionItem.owner_officer), ("department", ActionItem.owner_department), ("project", ActionItem.project)):
        if (value := int_or_none(q.get(name))) is not None:
            query = query.where(column == value)
    if q.get("show", "open") == "open":
        query = query.where(ActionItem.status == "open")
    rows = await query
    now = today()
    for r in rows:
        r["overdue"] = meeting_rules.is_overdue(r["status"], r["due_on"], now)
    if q.get("overdue") == "1":
        rows = [r for r in rows if r["overdue"]]
    rows = sort_rows(rows, parse_sort(q.get("sort"), sorts, "due"), sorts)
    counts = await meeting_queries.carry_counts([r["id"] for r in rows])
    columns = [Col(w.pgettext("spreadsheet", "Task")), Col(w.pgettext("spreadsheet", "Project")), Col(w.pgettext("spreadsheet", "Owner department")), Col(w.pgettext("spreadsheet", "Owner")), Col(w.pgettext("spreadsheet", "Due on"), "date"),
               Col(w.pgettext("spreadsheet", "Meeting"), "date"), Col(w.pgettext("spreadsheet", "Status")), Col(w.pgettext("spreadsheet", "Resolution")), Col(w.pgettext("spreadsheet", "Done on"), "date"),
               Col(w.pgettext("spreadsheet", "Overdue"), "colour"), Col(w.pgettext("spreadsheet", "Times carried over"), "count")]
    values = [[r["task"], r["project_name"], r["department_name"], r["officer_name"], r["due_on"], r["meeting_on"],
               w.label("action_status", r["outcome"] or r["status"]), r["resolution"] or None, r["done_on"], "red" if r["overdue"] else None,
               counts.get(r["id"]) or None] for r in rows]
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Action items"), columns, values, {"red": w.pgettext("spreadsheet", "Overdue")})
    return _response(book, w.pgettext("spreadsheet", "Action items"), "action-items")


async def officers(request: Request) -> Response:
    """Officers with their workloads, as the officers page lists them."""
    w = Words(lang_of(request))
    rows = await liaison_queries.officers_with_workload()
    colours = await project_queries.colours_by_lead()
    pending = {r["to_officer"] for r in await liaison_queries.pending()}
    columns = [Col(w.pgettext("spreadsheet", "Name")), Col(w.pgettext("spreadsheet", "Department")), Col(w.pgettext("spreadsheet", "Leader")), Col(w.pgettext("spreadsheet", "Projects led"), "count"), Col(w.pgettext("spreadsheet", "Over the workload limit"), "colour"),
               Col(w.label("colour", "red"), "count"), Col(w.label("colour", "amber"), "count"), Col(w.pgettext("spreadsheet", "Handover waiting for acceptance"))]
    values = [[o["name"], o["department_name"], w.yes(True) if o["is_leader"] else None, o["workload"], "amber" if o["over"] else None,
               colours.get(o["id"], {}).get("red", 0), colours.get(o["id"], {}).get("amber", 0),
               w.yes(True) if o["id"] in pending else None] for o in rows]
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Officers"), columns, values, {"amber": w.pgettext("spreadsheet", "Over the limit")})
    return _response(book, w.pgettext("spreadsheet", "Officers' workloads"), "officers")


# --- the monthly report ---------------------------------------------------------------------------


class BadMonth(ValueError):
    """args[0]: the message id."""


def parse_month(text: str | None, now: date) -> tuple[date, date]:
    """"2026-11" -> (first day, the day the report describes: the month's last day, or today for
    the current month). Empty: the current month; a future month is refused."""
    import re

    if not text:
        text = now.strftime("%Y-%m")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1990 <= int(m.group(1)) <= 2100:
        raise BadMonth(N_("Give the month as 2026-11."))
    first = date(int(m.group(1)), int(m.group(2)), 1)
    if first > now:
        raise BadMonth(N_("This month has not begun yet."))
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, min(last, now)


async def monthly(month: str | None, lang: str) -> tuple[bytes, str, str]:
    """The monthly report for reporting upward; see the README for its sheets. Raises BadMonth."""
    w = Words(lang)
    first, day = parse_month(month, today())
    year_start = date(day.year, 1, 1)
    projects = await Project.select(
        Project.id, Project.name, Project.enterprise.name.as_alias("enterprise_name"), Project.industry, Project.district,
        Project.district.name.as_alias("district_name"), Project.park.name.as_alias("park_name"), Project.total_investment,
        Project.signed_on, Project.status, Project.lead_officer.name.as_alias("lead_name"),
    ).where(Project.signed_on <= day, Project.status != "cancelled", Project.merged_into.is_null()).order_by(Project.district).order_by(Project.id)
    ids = [p["id"] for p in projects]
    milestones: dict[int, list[tuple[str, date | None, bool]]] = defaultdict(list)
    reached: dict[int, dict[str, date]] = defaultdict(dict)  # the day each stage was completed, per project
    history: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        for m in await Milestone.select(Milestone.project, Milestone.stage, Milestone.actual_on, Milestone.not_applicable).where(
                Milestone.project.is_in(chunk)).order_by(Milestone.project).order_by(Milestone.seq):
            milestones[m["project"]].append((m["stage"], m["actual_on"], m["not_applicable"]))
        for c in await ColourChange.select(ColourChange.project, ColourChange.on, ColourChange.to_colour).where(
                ColourChange.project.is_in(chunk), ColourChange.on <= day).order_by(ColourChange.on).order_by(ColourChange.id):
            history[c["project"]].append((c["on"], c["to_colour"]))
    previous_day = first - timedelta(days=1)
    for p in projects:
        p["stage"] = briefing_rules.stage_on(milestones[p["id"]], day)
        p["stage_before"] = briefing_rules.stage_on(milestones[p["id"]], previous_day) if p["signed_on"] <= previous_day else None
        p["colour"] = briefing_rules.colour_on(history[p["id"]], day) if p["status"] == "active" else None
        p["new"] = first <= p["signed_on"] <= day
        p["this_year"] = p["signed_on"] >= year_start
        for s in ("construction", "operating"):
            if STAGES.index(p["stage"]) >= STAGES.index(s) and (p["stage_before"] is None or STAGES.index(p["stage_before"]) < STAGES.index(s)):
                reached[p["id"]][s] = day
    total = sum((p["total_investment"] for p in projects), Decimal(0))
    districts = await Department.select(Department.id, Department.name).where(Department.kind == "district").order_by(Department.name)

    def count(rows, pred=lambda p: True) -> int:
        return sum(1 for p in rows if pred(p))

    def invest(rows, pred=lambda p: True) -> Decimal:
        return sum((p["total_investment"] for p in rows if pred(p)), Decimal(0))

    title = w.pgettext("spreadsheet", "Key projects monthly report (%(month)s)") % {"month": f"{first.year}-{first.month:02d}"}
    book = workbook.new_book()
    # 1. The headline figures.
    summary = [
        [w.pgettext("spreadsheet", "Projects in the library"), len(projects), w.pgettext("spreadsheet", "projects")],
        [w.pgettext("spreadsheet", "Their total investment"), total, w.pgettext("spreadsheet", "10,000 CNY")],
        [w.pgettext("spreadsheet", "Signed this month"), count(projects, lambda p: p["new"]), w.pgettext("spreadsheet", "projects")],
        [w.pgettext("spreadsheet", "Investment signed this month"), invest(projects, lambda p: p["new"]), w.pgettext("spreadsheet", "10,000 CNY")],
        [w.pgettext("spreadsheet", "Signed this year"), count(projects, lambda p: p["this_year"]), w.pgettext("spreadsheet", "projects")],
        [w.pgettext("spreadsheet", "Investment signed this year"), invest(projects, lambda p: p["this_year"]), w.pgettext("spreadsheet", "10,000 CNY")],
        [w.pgettext("spreadsheet", "Construction started this month"), sum(1 for r in reached.values() if "construction" in r), w.pgettext("spreadsheet", "projects")],
        [w.pgettext("spreadsheet", "Went into operation this month"), sum(1 for r in reached.values() if "operating" in r), w.pgettext("spreadsheet", "projects")],
        *[[w.label("colour", c), count(projects, lambda p, c=c: p["colour"] == c), w.pgettext("spreadsheet", "projects")] for c in ("red", "amber", "green")],
    ]
    workbook.add_report_sheet(book, w.pgettext("spreadsheet", "Summary"), title, w.pgettext("spreadsheet", "As of %(day)s") % {"day": day.isoformat()},
                              [Col(w.pgettext("spreadsheet", "Figure")), Col(w.pgettext("spreadsheet", "Value"), "number"), Col(w.pgettext("spreadsheet", "Unit"))], summary)
    # 2. By stage.
    stage_rows = []
    for s in STAGES:
        rows = [p for p in projects if p["stage"] == s]
        stage_rows.append([w.label("stage", s), len(rows), invest(rows), (invest(rows) / total) if total else None,
                           count(rows, lambda p, s=s: p["stage_before"] != s), count(rows, lambda p: p["colour"] == "red"),
                           count(rows, lambda p: p["colour"] == "amber")])
    stage_rows.append([w.pgettext("spreadsheet", "Total"), len(projects), total, 1 if total else None, sum(r[4] for r in stage_rows),
                       count(projects, lambda p: p["colour"] == "red"), count(projects, lambda p: p["colour"] == "amber")])
    workbook.add_report_sheet(book, w.pgettext("spreadsheet", "By stage"), title, w.pgettext("spreadsheet", "As of %(day)s") % {"day": day.isoformat()}, [
        Col(w.pgettext("spreadsheet", "Stage")), Col(w.pgettext("spreadsheet", "Projects"), "count"), Col(w.pgettext("spreadsheet", "Investment (10,000 CNY)"), "amount"), Col(w.pgettext("spreadsheet", "Share of investment"), "percent"),
        Col(w.pgettext("spreadsheet", "Reached this month"), "count"), Col(w.label("colour", "red"), "count"), Col(w.label("colour", "amber"), "count")], stage_rows)
    # 3. By district.
    by_district: dict[int, list[dict]] = defaultdict(list)
    for p in projects:
        by_district[p["district"]].append(p)

    def district_row(name: str, rows: list[dict]) -> list:
        return [name, len(rows), invest(rows), count(rows, lambda p: p["new"]), invest(rows, lambda p: p["new"]),
                count(rows, lambda p: p["this_year"]), invest(rows, lambda p: p["this_year"]),
                count(rows, lambda p: STAGES.index(p["stage"]) >= STAGES.index("construction")),
                count(rows, lambda p: p["stage"] == "operating"),
                *[count(rows, lambda p, c=c: p["colour"] == c) for c in ("red", "amber", "green")]]

    district_rows = [district_row(d["name"], by_district.get(d["id"], [])) for d in districts]
    district_rows.append(district_row(w.pgettext("spreadsheet", "Total"), projects))
    workbook.add_report_sheet(book, w.pgettext("spreadsheet", "By district"), title, w.pgettext("spreadsheet", "As of %(day)s") % {"day": day.isoformat()}, [
        Col(w.pgettext("spreadsheet", "District")), Col(w.pgettext("spreadsheet", "Projects"), "count"), Col(w.pgettext("spreadsheet", "Investment (10,000 CNY)"), "amount"), Col(w.pgettext("spreadsheet", "Signed this month"), "count"),
        Col(w.pgettext("spreadsheet", "Investment signed this month"), "amount"), Col(w.pgettext("spreadsheet", "Signed this year"), "count"), Col(w.pgettext("spreadsheet", "Investment signed this year"), "amount"),
        Col(w.pgettext("spreadsheet", "Construction started (to date)"), "count"), Col(w.pgettext("spreadsheet", "In operation"), "count"), Col(w.label("colour", "red"), "count"),
        Col(w.label("colour", "amber"), "count"), Col(w.label("colour", "green"), "count")], district_rows)
    # 4. District by stage: project counts, then investment.
    cross_columns = [Col(w.pgettext("spreadsheet", "District")), *[Col(w.label("stage", s), "count") for s in STAGES], Col(w.pgettext("spreadsheet", "Total"), "count")]
    cross = []
    for d in [*districts, {"id": None, "name": w.pgettext("spreadsheet", "Total")}]:
        rows = projects if d["id"] is None else by_district.get(d["id"], [])
        stages = Counter(p["stage"] for p in rows)
        cross.append([d["name"], *[stages.get(s, 0) for s in STAGES], len(rows)])
    cross.append([None] * len(cross_columns))
    cross.append([w.pgettext("spreadsheet", "Investment (10,000 CNY)"), *[w.label("stage", s) for s in STAGES], w.pgettext("spreadsheet", "Total")])
    for d in [*districts, {"id": None, "name": w.pgettext("spreadsheet", "Total")}]:
        rows = projects if d["id"] is None else by_district.get(d["id"], [])
        cross.append([d["name"], *[invest(rows, lambda p, s=s: p["stage"] == s) for s in STAGES], invest(rows)])
    workbook.add_report_sheet(book, w.pgettext("spreadsheet", "District by stage"), title, w.pgettext("spreadsheet", "As of %(day)s") % {"day": day.isoformat()}, cross_columns, cross)
    # 5. The projects behind the figures.
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Projects"), [
        Col(w.field("code"), "count"), Col(w.field("name")), Col(w.field("enterprise")), Col(w.pgettext("spreadsheet", "District")), Col(w.pgettext("spreadsheet", "Park")),
        Col(w.field("industry")), Col(w.field("investment"), "amount"), Col(w.field("signed_on"), "date"), Col(w.pgettext("spreadsheet", "Stage at the end of the month")),
        Col(w.pgettext("spreadsheet", "Warning at the end of the month"), "colour"), Col(w.field("lead_officer")),
    ], [[p["id"], p["name"], p["enterprise_name"], p["district_name"], p["park_name"], w.label("industry", p["industry"]),
         p["total_investment"], p["signed_on"], w.label("stage", p["stage"]), p["colour"] if p["status"] == "active" else None,
         p["lead_name"]] for p in projects], w.colours)
    name = w.pgettext("spreadsheet", "Monthly report")
    return workbook.to_bytes(book), f"{name}-{first.year}-{first.month:02d}.xlsx", f"monthly-{first.year}-{first.month:02d}.xlsx"
