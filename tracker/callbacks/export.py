"""The month's callbacks and their figures as a workbook (`/callbacks/?month=…&format=xlsx`)."""

from __future__ import annotations

from litestar import Request
from litestar.response import Response

from tracker.excel import workbook
from tracker.excel.exports import Words
from tracker.excel.workbook import Col
from tracker.web import lang_of


def _yes_no(w: Words, value: bool | None) -> str | None:
    return None if value is None else (w.pgettext("spreadsheet", "Yes") if value else w.pgettext("spreadsheet", "No"))


def _figure_sheet(book, w: Words, title: str, groups: list[dict]) -> None:
    columns = [Col(w.pgettext("spreadsheet", "Name")), Col(w.pgettext("spreadsheet", "Sampled"), "count"),
               Col(w.pgettext("spreadsheet", "Called back"), "count"), Col(w.pgettext("spreadsheet", "Reached"), "count"),
               Col(w.pgettext("spreadsheet", "Solved (callback)"), "percent"),
               Col(w.pgettext("spreadsheet", "Satisfaction (callback)"), "amount"),
               Col(w.pgettext("spreadsheet", "Solved (enterprise's own word)"), "percent"),
               Col(w.pgettext("spreadsheet", "Satisfaction (enterprise's own rating)"), "amount"),
               Col(w.pgettext("spreadsheet", "Closed rate (bureau)"), "percent"), Col(w.pgettext("spreadsheet", "Gap"), "colour")]
    rows = [[g["name"], f.sampled, f.called, f.reached, f.solved_share, f.satisfaction, f.own_solved_share, f.own_satisfaction,
             f.closed_rate, "red" if f.flagged else None] for g in groups for f in [g["figures"]]]
    workbook.add_table_sheet(book, title, columns, rows, {"red": w.pgettext("spreadsheet", "Gap")})


def workbook_response(request: Request, month: str, draw: dict | None, rows: list[dict], by_department: list[dict],
                      by_officer: list[dict]) -> Response:
    w = Words(lang_of(request))
    book = workbook.new_book()
    kind = {"request": w.pgettext("spreadsheet", "Enterprise request"), "fulfilment": w.pgettext("spreadsheet", "Promise fulfilment")}
    columns = [Col(w.pgettext("spreadsheet", "Month")), Col(w.pgettext("spreadsheet", "Kind")), Col(w.pgettext("spreadsheet", "Project")),
               Col(w.pgettext("spreadsheet", "Subject")), Col(w.pgettext("spreadsheet", "Department")),
               Col(w.pgettext("spreadsheet", "Officer")), Col(w.pgettext("spreadsheet", "Lead officer")),
               Col(w.pgettext("spreadsheet", "Assigned to")), Col(w.pgettext("spreadsheet", "Called by")),
               Col(w.pgettext("spreadsheet", "Called on"), "date"), Col(w.pgettext("spreadsheet", "Reached")),
               Col(w.pgettext("spreadsheet", "Solved")), Col(w.pgettext("spreadsheet", "Satisfaction"), "count"),
               Col(w.pgettext("spreadsheet", "Enterprise's own rating"), "count"), Col(w.pgettext("spreadsheet", "Comment"))]
    values = [[month, kind[r["kind"]], r["project_name"], r["subject"], r["department_name"], r["officer_name"], r["lead_officer_name"],
               r["assignee_name"], r["caller_name"], r["done_on"], _yes_no(w, r["reached"]), _yes_no(w, r["solved"]), r["satisfaction"],
               r["own_satisfaction"], r["comment"] or None] for r in rows]
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Callbacks"), columns, values)
    _figure_sheet(book, w, w.pgettext("spreadsheet", "By department"), by_department)
    _figure_sheet(book, w, w.pgettext("spreadsheet", "By officer"), by_officer)
    name = w.pgettext("spreadsheet", "Satisfaction callbacks")
    return Response(workbook.to_bytes(book), media_type=workbook.XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": workbook.content_disposition(f"{name}-{month}.xlsx", f"callbacks-{month}.xlsx"),
        "Cache-Control": "private, no-store",
    })
