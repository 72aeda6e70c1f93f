"""The approval procedure list as a workbook (`/approvals/?format=xlsx`): the rows the page shows,
with its filters and order, through the Excel export mechanism of tracker/excel."""

from __future__ import annotations

from litestar import Request
from litestar.response import Response

from tracker.excel import workbook
from tracker.excel.exports import Words
from tracker.excel.workbook import Col
from tracker.settings import today
from tracker.web import lang_of


def _status(w: Words, status: str) -> str:
    return {
        "preparing": w.pgettext("procedure", "Preparing"), "submitted": w.pgettext("procedure", "Submitted, not yet accepted"),
        "in_review": w.pgettext("procedure", "Under review"), "returned": w.pgettext("procedure", "Returned for supplements"),
        "approved": w.pgettext("procedure", "Approved"),
    }[status]


def workbook_response(request: Request, rows: list[dict]) -> Response:
    w = Words(lang_of(request))
    columns = [
        Col(w.pgettext("spreadsheet", "Project")), Col(w.pgettext("spreadsheet", "Approval procedure")),
        Col(w.pgettext("spreadsheet", "Approving department")), Col(w.pgettext("spreadsheet", "Agent")),
        Col(w.pgettext("spreadsheet", "Authorised on"), "date"), Col(w.pgettext("spreadsheet", "Submitted on"), "date"),
        Col(w.pgettext("spreadsheet", "Accepted on"), "date"), Col(w.pgettext("spreadsheet", "Time limit (working days)"), "count"),
        Col(w.pgettext("spreadsheet", "Due on"), "date"), Col(w.pgettext("spreadsheet", "Approved on"), "date"),
        Col(w.pgettext("spreadsheet", "Status")), Col(w.pgettext("spreadsheet", "Returns for supplements"), "count"),
        Col(w.pgettext("spreadsheet", "Working days on the clock"), "count"), Col(w.pgettext("spreadsheet", "Overdue"), "colour"),
        Col(w.pgettext("spreadsheet", "Working days overdue"), "count"), Col(w.pgettext("spreadsheet", "Approval document number")),
    ]
    values = []
    for r in rows:
        c = r["clock"]
        values.append([r["project_name"], r["type_name"], r["department_name"], r["agent_name"], r["authorised_on"], r["submitted_on"],
                       r["accepted_on"], r["time_limit_workdays"], c.due_on, r["approved_on"], _status(w, c.status), c.returns,
                       c.elapsed, "red" if c.overdue_by > 0 else None, c.overdue_by or None, r["document_no"] or None])
    book = workbook.new_book()
    workbook.add_table_sheet(book, w.pgettext("spreadsheet", "Approval procedures"), columns, values,
                             {"red": w.pgettext("spreadsheet", "Overdue")})
    stamp = today().isoformat()
    name = w.pgettext("spreadsheet", "Approval procedures")
    return Response(workbook.to_bytes(book), media_type=workbook.XLSX_MEDIA_TYPE, headers={
        "Content-Disposition": workbook.content_disposition(f"{name}-{stamp}.xlsx", f"approvals-{stamp}.xlsx"),
        "Cache-Control": "private, no-store",
    })
