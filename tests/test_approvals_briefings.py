"""Approvals and utility connections in the weekly briefing, the project one-pager, the proposed
meeting agenda and the Excel export, from the same queries as the pages."""

import re

from tests.helpers import run
from tracker.approvals.tables import Procedure
from tracker.projects.tables import Project
from tracker.utilities.tables import Connection


def test_the_weekly_briefing_lists_overdue_procedures_and_late_connections_as_the_pages_count_them(as_role):
    leader = as_role("leader")
    html = leader.get("/briefings/weekly?html=1").text
    assert "七、审批代办与水电气热接入" in html
    overdue = re.search(r'id="procedures-overdue".*?</table>', html, re.S).group(0)
    page = leader.get("/approvals/?overdue=1").text
    assert overdue.count("<tr>") - 1 == page.count('data-procedure-id="') > 0
    late = re.search(r'id="connections-late".*?</table>', html, re.S).group(0)
    listed = leader.get("/utilities/figures").text.split('id="late-connections"')[1].split("</ul>")[0].count("<li>")
    assert late.count("<tr>") - 1 == listed > 0
    assert 'id="procedure-figures"' in html and 'id="connection-figures"' in html


def test_the_project_one_pager_shows_the_projects_procedures_and_connections(as_role):
    pid = run(Connection.select(Connection.project).where(Connection.connected_on.is_not_null()).first())["project"]
    html = as_role("leader").get(f"/briefings/projects/{pid}?html=1").text
    assert 'id="procedures"' in html and 'id="connections"' in html
    procedures = run(Procedure.count().where(Procedure.project == pid))
    assert html.split('id="procedures"')[1].split("</table>")[0].count("<tr>") - 1 == max(procedures, 1)


def test_the_proposed_agenda_names_overdue_procedures_and_late_connections(as_role):
    page = as_role("coordinator").get("/meetings/new").text
    assert "逾期审批事项" in page and "超时未接通的水电气热" in page


def test_a_procedure_overdue_on_a_paused_project_stays_off_the_agenda_and_the_colours():
    from datetime import date

    from tracker.approvals import queries
    from tracker.projects.queries import thresholds
    from tracker.workdays import WorkCalendar

    signals = run(queries.signals_by_project(None, date(2026, 11, 27), WorkCalendar(), thresholds()))
    active = {p["id"] for p in run(Project.select(Project.id).where(Project.status == "active"))}
    assert signals and set(signals) <= active


def test_both_lists_export_to_excel_with_the_pages_rows_and_filters(as_role):
    import io

    from openpyxl import load_workbook

    coordinator = as_role("coordinator")
    page = coordinator.get("/approvals/?overdue=1").text
    assert 'id="export-xlsx"' in page and "format=xlsx" in page
    response = coordinator.get("/approvals/?overdue=1&format=xlsx")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row - 1 == page.count('data-procedure-id="') > 0
    assert sheet.cell(1, 2).value == "审批事项"
    late = coordinator.get("/utilities/?state=late").text
    sheet = load_workbook(io.BytesIO(coordinator.get("/utilities/?state=late&format=xlsx").content)).active
    assert sheet.max_row - 1 == late.count('data-connection-id="') > 0
    assert {sheet.cell(r, 9).value for r in range(2, sheet.max_row + 1)} == {"超过时限"}
