"""The utility connection list as a workbook (`/utilities/?format=xlsx`): the rows the page shows,
with its filters and order, through the Excel export mechanism of tracker/excel."""

from __future__ import annotations

from litestar import Request
from litestar.response import Response

from tracker.excel import workbook
from tracker.excel.exports import Words
from tracker.excel.workbook import Col
from tracker.settings import today
from tracker.web import lang_of


def workbook_response(request: Request, rows: list[dict], target: int) -> Response:
    w = Words(lang_of(request))
    names = {"water": w.pgettext("utility", "Water"), "electricity": w.pgettext("utility", "Electricity"),
             "gas": w.pgettext("utility", "Gas"), "heat": w.pgettext("utility", "Heat"), "network": w.pgettext("utility", "Network")}
    columns = [
        Col(w.pgettext("spreadsheet", "Project")), Col(w.pgettext("spreadsheet", "District")), Col(w.pgettext("connection", "Utility")),
        Col(w.pgettext("spreadsheet", "Provider")), Col(w.pgettext("spreadsheet", "Applied on"), "date"),
        Col(w.pgettext("spreadsheet", "Site survey on"), "date"), Col(w.pgettext("spreadsheet", "Connected on"), "date"),
        Col(w.pgettext("spreadsheet", "Working days elapsed"), "count"), Col(w.pgettext("spreadsheet", "Past the target"), "colour"),
    ]
    values = [[r["project_name"], r["district_name"], names.get(r["utility"], r["utility"]), r["provider_name"], r["applied_on"],
               r["surveyed_on"], r["connected_on"], r["clock"].elapsed, "red" if r["clock"].elapsed > target else None] for r in rows]
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Utility connections"), columns, values,
                             {"red": w.pgettext("spreadsheet", "Past the target")})
    stamp = today().isoformat()
    name = w.pgettext("spreadsheet", "Utility connections")
    return Response(workbook.to_bytes(book), media_type=workbook.XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": workbook.content_disposition(f"{name}-{stamp}.xlsx", f"utilities-{stamp}.xlsx"),
        "Cache-Control": "private, no-store",
    })
