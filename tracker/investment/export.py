"""Plan against completion as a workbook (`/figures/investment?format=xlsx`): the page's tables
with the page's numbers (the same YearFigures), one sheet each."""

from __future__ import annotations

from litestar import Request
from litestar.response import Response

from tracker.excel import workbook
from tracker.excel.exports import Words
from tracker.excel.workbook import Col
from tracker.investment.queries import YearFigures
from tracker.settings import today
from tracker.web import lang_of


def _group_columns(w: Words, first: str) -> list[Col]:
    return [
        Col(first), Col(w.pgettext("spreadsheet", "Projects with a plan"), "count"),
        Col(w.pgettext("spreadsheet", "Annual plan (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Plan to date (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Completed to date (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Completion rate"), "percent"),
        Col(w.pgettext("spreadsheet", "Projects behind plan"), "count"),
    ]


def _group_row(name: str, g) -> list:
    return [name, g.planned_projects, g.plan, g.expected, g.completed, g.completion_rate, g.behind]


def workbook_response(request: Request, f: YearFigures) -> Response:
    w = Words(lang_of(request))
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "By month"), [
        Col(w.pgettext("spreadsheet", "Month")), Col(w.pgettext("spreadsheet", "Plan to date (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Completed in the month (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Completed to date (10,000 CNY)"), "amount"),
    ], [[f"{f.year}-{m.month:02d}", m.planned_to_date, m.completed, m.completed_to_date] for m in f.months])
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "By district"), _group_columns(w, w.pgettext("spreadsheet", "District / county")),
                             [_group_row(g.key[1], g) for g in f.by_district] + [_group_row(w.pgettext("spreadsheet", "Total"), f.total)])
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "By industry"), _group_columns(w, w.pgettext("spreadsheet", "Industry")),
                             [_group_row(w.label("industry", g.key), g) for g in f.by_industry])
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "By stage"), _group_columns(w, w.pgettext("spreadsheet", "Stage")),
                             [_group_row(w.label("stage", g.key), g) for g in f.by_stage])
    project_columns = [
        Col(w.pgettext("spreadsheet", "Project")), Col(w.pgettext("spreadsheet", "District / county")),
        Col(w.pgettext("spreadsheet", "Lead officer")), Col(w.pgettext("spreadsheet", "Annual plan (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Plan to date (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Completed to date (10,000 CNY)"), "amount"),
        Col(w.pgettext("spreadsheet", "Completion rate"), "percent"), Col(w.pgettext("spreadsheet", "Behind plan")),
    ]

    def project_row(p: dict) -> list:
        return [p["name"], p["district_name"], p["lead_name"], p["plan"], p["expected"], p["completed"], p["rate"],
                w.yes(p["figures"].behind)]

    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Behind plan"), project_columns, [project_row(p) for p in f.behind])
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Projects"), project_columns, [project_row(p) for p in f.projects])
    name = w.pgettext("spreadsheet", "Investment plan and completion")
    stamp = today().isoformat()
    return Response(workbook.to_bytes(book), media_type=workbook.XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": workbook.content_disposition(f"{name}-{f.year}-{stamp}.xlsx", f"investment-{f.year}-{stamp}.xlsx"),
        "Cache-Control": "private, no-store",
    })
