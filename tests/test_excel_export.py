"""Every list as a workbook: what the page shows with its filters and sort, read back and compared
with the database; the monthly report; the import template; exports are for staff only."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.helpers import run
from tracker.excel.tables import ImportRow
from tracker.liaison import queries as liaison_queries
from tracker.projects import queries as project_queries
from tracker.projects.tables import Project
from tracker.promises import queries as promise_queries
from tracker.requests import queries as request_queries
from tracker.settings import today

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def workbook_of(response):
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith(XLSX)
    assert "attachment" in response.headers["content-disposition"]
    return load_workbook(io.BytesIO(response.content))


def table(ws) -> tuple[list[str], list[dict]]:
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [dict(zip(header, r)) for r in rows[1:]]


def test_the_project_list_exports_every_row_it_filters_in_its_sort(coordinator):
    response = coordinator.get("/projects/?format=xlsx&sort=name&stage=&status=active")
    ws = workbook_of(response).active
    header, rows = table(ws)
    assert header[:5] == ["系统编号", "项目名称", "企业名称", "统一社会信用代码", "总投资（万元）"]
    assert ws.freeze_panes == "A2"
    expected = run(project_queries.list_projects(project_queries.ProjectFilter(sort=project_queries.Sorting("name")), 10**6)).rows
    assert [r["系统编号"] for r in rows] == [p["id"] for p in expected]
    assert len(rows) > run(Project.count().where(Project.status == "active")) - 1 > 40  # every page, not 50 rows
    first = run(Project.select().where(Project.id == rows[0]["系统编号"]).first())
    assert rows[0]["总投资（万元）"] == pytest.approx(float(first["total_investment"]))
    assert ws.cell(2, header.index("签约日期") + 1).is_date and rows[0]["签约日期"].date() == first["signed_on"]


def test_warning_cells_are_filled_and_say_their_colour(coordinator):
    ws = workbook_of(coordinator.get("/projects/?format=xlsx&colour=red")).active
    header, rows = table(ws)
    column = header.index("预警") + 1
    assert rows and {r["预警"] for r in rows} == {"红灯"}
    assert ws.cell(2, column).fill.fgColor.rgb.endswith("F4B6B6")
    assert len(rows) == run(Project.count().where(Project.colour == "red", Project.status == "active"))
    widths = {ws.column_dimensions[c].width for c in "ABCDE"}
    assert len(widths) > 1  # widths follow the contents


def test_english_users_get_english_headers(coordinator):
    coordinator.get("/lang/en")
    header, _rows = table(workbook_of(coordinator.get("/projects/?format=xlsx")).active)
    assert "Project name" in header and "Warning" in header


def test_the_promise_register_exports_its_filters_and_sort(coordinator):
    response = coordinator.get("/promises/?format=xlsx&overdue=1&sort=-amount")
    header, rows = table(workbook_of(response).active)
    calendar = run(project_queries.load_calendar())
    expected = [p for p in run(promise_queries.register(promise_queries.RegisterFilter(overdue=True), today(), calendar))]
    assert len(rows) == len(expected) > 0
    assert {r["承诺内容"] for r in rows} == {p["content"] for p in expected}
    amounts = [r["金额（万元）"] for r in rows if r["金额（万元）"] is not None]
    assert amounts == sorted(amounts, reverse=True)
    assert all(r["逾期"] == "逾期" for r in rows)


def test_the_credibility_table_exports_its_ranking_and_breaches(coordinator):
    book = workbook_of(coordinator.get("/promises/credibility?format=xlsx&sort=made"))
    assert book.sheetnames == ["政务诚信", "失信记录"]
    header, rows = table(book["政务诚信"])
    page = coordinator.get("/promises/credibility?sort=made").text
    made = [int(m) for m in re.findall(r"<td class=\"text-end\" data-made>(\d+)</td>", page)]
    assert [r["承诺数"] for r in rows] == made
    assert all(r["按期兑现率"] is None or 0 <= r["按期兑现率"] <= 1 for r in rows)
    assert book["政务诚信"].cell(2, header.index("按期兑现率") + 1).number_format.endswith("%")


def test_the_request_inbox_exports_what_it_lists(coordinator):
    _header, rows = table(workbook_of(coordinator.get("/requests/?format=xlsx&status=all")).active)
    expected = run(request_queries.listing(request_queries.InboxFilter(), today()))
    assert sorted(r["编号"] for r in rows) == sorted(r["id"] for r in expected)
    page = coordinator.get("/requests/?status=all").text
    assert f"{len(rows)} 条" in page or str(len(rows)) in re.search(r'id="result-count">([^<]*)<', page).group(1)


def test_the_action_item_board_exports_open_items_by_default(coordinator):
    _header, rows = table(workbook_of(coordinator.get("/action-items/?format=xlsx")).active)
    page = coordinator.get("/action-items/").text
    assert len(rows) == page.count("data-action-id=") and rows
    assert all(r["状态"] for r in rows)


def test_officers_workloads_are_exported(coordinator):
    _header, rows = table(workbook_of(coordinator.get("/officers/?format=xlsx")).active)
    officers = run(liaison_queries.officers_with_workload())
    assert [(r["姓名"], r["负责项目数"]) for r in rows] == [(o["name"], o["workload"]) for o in officers]


def test_each_list_page_has_an_export_button(coordinator):
    for url, href in (("/projects", "/projects?format=xlsx"), ("/promises/?status=pending", "status=pending"),
                      ("/promises/credibility", "format=xlsx"), ("/requests", "format=xlsx"), ("/action-items", "format=xlsx"),
                      ("/officers", "?format=xlsx")):
        page = coordinator.get(url).text
        button = re.search(r'id="export-xlsx" href="([^"]*)"', page)
        assert button and href in button.group(1).replace("&amp;", "&") and "导出Excel" in page, url


EXPORT_URLS = ["/projects/?format=xlsx", "/promises/?format=xlsx", "/promises/credibility?format=xlsx", "/requests/?format=xlsx",
               "/action-items/?format=xlsx", "/officers/?format=xlsx", "/briefings/monthly.xlsx?month=2026-11"]


def test_exports_are_for_staff_only(as_role):
    enterprise = as_role("enterprise")
    for url in EXPORT_URLS:
        response = enterprise.get(url, follow_redirects=False)
        assert response.status_code == 403 and XLSX not in response.headers.get("content-type", ""), url
    leader = as_role("leader")
    for url in EXPORT_URLS:
        assert leader.get(url).headers["content-type"].startswith(XLSX), url


def test_the_monthly_report_counts_by_stage_and_district(coordinator):
    book = workbook_of(coordinator.get("/briefings/monthly.xlsx?month=2026-11"))
    assert book.sheetnames == ["汇总", "按阶段", "按区县", "区县分阶段", "项目清单"]
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(min_row=5, values_only=True)}
    projects = run(Project.select().where(Project.status != "cancelled", Project.signed_on <= date(2026, 11, 27)))
    assert summary["在库项目"] == len(projects)
    assert Decimal(str(summary["在库项目总投资"])) == sum(p["total_investment"] for p in projects)
    assert summary["本月新签约"] == sum(1 for p in projects if p["signed_on"] >= date(2026, 11, 1))
    stages = list(book["按阶段"].iter_rows(min_row=5, values_only=True))
    assert stages[-1][0] == "合计" and stages[-1][1] == len(projects) == sum(r[1] for r in stages[:-1])
    districts = list(book["按区县"].iter_rows(min_row=5, values_only=True))
    assert districts[-1][1] == len(projects) == sum(r[1] for r in districts[:-1])
    assert book["按区县"].freeze_panes == "A5" and "截至2026-11-27" in book["按区县"]["A2"].value
    assert len(list(book["项目清单"].iter_rows(min_row=2))) == len(projects)


def test_a_bad_month_is_refused(coordinator):
    assert coordinator.get("/briefings/monthly.xlsx?month=2026-13").status_code == 422
    assert coordinator.get("/briefings/monthly.xlsx?month=2027-01").status_code == 422
    assert 'href="/briefings/monthly.xlsx' in coordinator.get("/briefings/").text or 'action="/briefings/monthly.xlsx"' in coordinator.get("/briefings/").text


def test_the_import_template_has_lists_an_example_and_an_explanation(coordinator):
    book = workbook_of(coordinator.get("/projects/import/template.xlsx"))
    assert book.sheetnames[:2] == ["项目台账", "填写说明"] and book["选项"].sheet_state == "hidden"
    ws = book["项目台账"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["系统编号", "项目名称", "企业名称", "统一社会信用代码"] and "注册落地完成日期" in header
    assert ws["A2"].value == "示例"
    validated = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation}
    letters = {h: chr(65 + i) for i, h in enumerate(header) if i < 26}
    for column in ("产业类别", "区县/园区", "项目级别", "当前阶段", "生命周期模板"):
        assert f"{letters[column]}2" in validated, column
    explained = [r[0] for r in book["填写说明"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert "签约日期" in explained and "总投资（万元）" in explained
    # The untouched template imports nothing: its example row is skipped.
    upload = coordinator.submit("/projects/import/", files=[("file", ("模板.xlsx", coordinator.get("/projects/import/template.xlsx").content, XLSX))])
    batch_id = int(upload.headers["location"].rsplit("/", 1)[1])
    assert run(ImportRow.count().where(ImportRow.batch == batch_id)) == 0


def test_an_exported_project_list_imports_again_as_unchanged(coordinator):
    content = coordinator.get("/projects/?format=xlsx&status=").content
    upload = coordinator.submit("/projects/import/", files=[("file", ("导出.xlsx", content, XLSX))])
    batch_id = int(upload.headers["location"].rsplit("/", 1)[1])
    outcomes = {r["outcome"] for r in run(ImportRow.select(ImportRow.outcome).where(ImportRow.batch == batch_id))}
    assert outcomes == {"unchanged"}
