"""District and park figures as a workbook (`/figures/districts?format=xlsx`, and one unit's with
`/figures/districts/{id}?format=xlsx`): the page's rows (queries.rows), so the numbers are the page's."""

from __future__ import annotations

from litestar import Request
from litestar.response import Response

from tracker.districts import rules
from tracker.excel import workbook
from tracker.excel.exports import Words
from tracker.excel.workbook import Col
from tracker.settings import today
from tracker.web import lang_of


def columns(w: Words, kind: str) -> list[Col]:
    first = [Col(w.pgettext("spreadsheet", "District / county"))] if kind == "district" else [
        Col(w.pgettext("spreadsheet", "Park")), Col(w.pgettext("spreadsheet", "District / county"))]
    return [
        *first,
        Col(w.pgettext("spreadsheet", "Projects"), "count"),
        *[Col(w.label("stage", s), "count") for s in rules.STAGES],
        *[Col(w.label("colour", c), "count") for c in rules.COLOURS],
        Col(w.pgettext("spreadsheet", "Investment signed (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Annual plan (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Completed to date (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Completion rate"), "percent"),
        Col(w.pgettext("spreadsheet", "Projects behind plan"), "count"),
        Col(w.pgettext("spreadsheet", "Overdue milestones"), "count"),
        Col(w.pgettext("spreadsheet", "Promises made"), "count"),
        Col(w.pgettext("spreadsheet", "Promises overdue"), "count"),
        Col(w.pgettext("spreadsheet", "Promises kept on time"), "percent"),
        Col(w.pgettext("spreadsheet", "Promises of the local government"), "count"),
        Col(w.pgettext("spreadsheet", "Local government kept on time"), "percent"),
        Col(w.pgettext("spreadsheet", "Requests"), "count"),
        Col(w.pgettext("spreadsheet", "Closed rate"), "percent"),
        Col(w.pgettext("spreadsheet", "Resolved rate"), "percent"),
        Col(w.pgettext("spreadsheet", "Average satisfaction"), "amount"),
        *([Col(w.pgettext("spreadsheet", "Visits this year"), "count"),
           Col(w.pgettext("spreadsheet", "Projects overdue for a visit"), "count")] if kind == "district" else []),
    ]


def values(r: rules.Row, kind: str) -> list:
    first = [r.name] if kind == "district" else [r.name, r.parent_name]
    return [
        *first, r.projects, *[r.by_stage[s] for s in rules.STAGES], *[r.by_colour[c] for c in rules.COLOURS],
        r.signed, r.plan, r.completed, r.completion_rate, r.behind, r.overdue_milestones, r.promises, r.promises_overdue,
        r.promises_on_time_rate, r.credibility.made, r.credibility_rate, r.requests, r.closed_rate, r.resolved_rate,
        None if r.average_satisfaction is None else round(r.average_satisfaction, 2),
        *([r.visits_done, r.visits_due] if kind == "district" else []),
    ]


def _response(book, name: str, fallback: str) -> Response:
    stamp = today().isoformat()
    return Response(workbook.to_bytes(book), media_type=workbook.XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": workbook.content_disposition(f"{name}-{stamp}.xlsx", f"{fallback}-{stamp}.xlsx"),
        "Cache-Control": "private, no-store",
    })


def workbook_response(request: Request, year: int, districts: list[rules.Row], parks: list[rules.Row]) -> Response:
    w = Words(lang_of(request))
    book = workbook.new_book()
    total = w.pgettext("spreadsheet", "Total")
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Districts and counties"), columns(w, "district"),
                             [values(r, "district") for r in districts] + [values(rules.total(districts, total), "district")])
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Parks"), columns(w, "park"), [values(r, "park") for r in parks])
    return _response(book, f"{w.pgettext('spreadsheet', 'District figures')}-{year}", f"districts-{year}")


def unit_response(request: Request, year: int, row: rules.Row, parks: list[rules.Row], behind: list[dict]) -> Response:
    w = Words(lang_of(request))
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Figures"), columns(w, row.kind), [values(row, row.kind)])
    if parks:
        workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Parks"), columns(w, "park"), [values(r, "park") for r in parks])
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Behind plan"), [
        Col(w.pgettext("spreadsheet", "Project")), Col(w.pgettext("spreadsheet", "Lead officer")),
        Col(w.pgettext("spreadsheet", "Annual plan (10,000 CNY)"), "amount"), Col(w.pgettext("spreadsheet", "Plan to date (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Completed to date (10,000 CNY)"), "amount"), Col(w.pgettext("spreadsheet", "Completion rate"), "percent"),
    ], [[p["name"], p["lead_name"], p["plan"], p["expected"], p["completed"], p["rate"]] for p in behind])
    return _response(book, f"{row.name}-{year}", f"district-{row.id}-{year}")
