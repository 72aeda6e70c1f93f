"""The visit list as a workbook (`/visits/?format=xlsx`): the visits the page lists, with its filters,
and the projects past their visit interval."""

from __future__ import annotations

from litestar import Request
from litestar.response import Response

from tracker.excel import workbook
from tracker.excel.exports import Words
from tracker.excel.workbook import Col
from tracker.settings import today
from tracker.web import lang_of


def level_word(w: Words, level: str) -> str:
    return {"officer": w.pgettext("visit level", "Officer"), "district": w.pgettext("visit level", "District or park leader"),
            "city": w.pgettext("visit level", "City leader")}[level]


def mode_word(w: Words, mode: str) -> str:
    return {"on_site": w.pgettext("visit mode", "On site"), "phone": w.pgettext("visit mode", "By phone")}[mode]


def workbook_response(request: Request, visits: list[dict], overdue: list[dict], overdue_only: bool) -> Response:
    w = Words(lang_of(request))
    book = workbook.new_book()
    if not overdue_only:
        columns = [Col(w.pgettext("spreadsheet", "Visited on"), "date"), Col(w.pgettext("spreadsheet", "Project")),
                   Col(w.pgettext("spreadsheet", "Enterprise")), Col(w.pgettext("spreadsheet", "District")),
                   Col(w.pgettext("spreadsheet", "Who went")), Col(w.pgettext("spreadsheet", "Levels")),
                   Col(w.pgettext("spreadsheet", "How")), Col(w.pgettext("spreadsheet", "Items raised"), "count"),
                   Col(w.pgettext("spreadsheet", "Became requests"), "count"), Col(w.pgettext("spreadsheet", "Follow-up on"), "date"),
                   Col(w.pgettext("spreadsheet", "Summary"))]
        rows = [[v["visited_on"], v["project_name"], v["enterprise_name"], v["district_name"], "、".join(p["name"] for p in v["people"]),
                 "、".join(level_word(w, x) for x in v["levels"]), mode_word(w, v["mode"]), len(v["items"]),
                 sum(i["request"] is not None for i in v["items"]), v["follow_up_on"], v["summary"] or None] for v in visits]
        workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Visits"), columns, rows)
    columns = [Col(w.pgettext("spreadsheet", "Project")), Col(w.pgettext("spreadsheet", "District")),
               Col(w.pgettext("spreadsheet", "Lead officer")), Col(w.pgettext("spreadsheet", "Last visit"), "date"),
               Col(w.pgettext("spreadsheet", "Visits due")), Col(w.pgettext("spreadsheet", "Days overdue"), "count")]
    rows = [[p["name"], p["district_name"], p["lead_officer_name"], p["last_on"],
             "、".join(f"{level_word(w, d.level)} ({d.due_on.isoformat()})" for d in p["dues"]), p["days_late"]] for p in overdue]
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Visits overdue"), columns, rows)
    stamp = today().isoformat()
    name = w.pgettext("spreadsheet", "Visits")
    return Response(workbook.to_bytes(book), media_type=workbook.XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": workbook.content_disposition(f"{name}-{stamp}.xlsx", f"visits-{stamp}.xlsx"),
        "Cache-Control": "private, no-store",
    })
