"""Importing the project ledger through the page: a messy workbook is read, previewed row by row,
and written on confirmation, all rows or none; the same file again changes nothing."""

import json
from datetime import date
from decimal import Decimal

import pytest

from tests.excel_books import credit_code, excel_serial, project_row, workbook_bytes
from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.excel.tables import ImportBatch, ImportRow
from tracker.org.tables import Department, Enterprise, Officer
from tracker.projects.tables import Milestone, MilestoneChange, Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def upload(client, content: bytes, name: str = "台账.xlsx"):
    return client.submit("/projects/import/", files=[("file", (name, content, XLSX))])


def uploaded(client, content: bytes, name: str = "台账.xlsx") -> int:
    response = upload(client, content, name)
    assert response.status_code in (302, 303), response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def rows_of(batch_id: int) -> dict[int, dict]:
    return {r["number"]: r for r in run(ImportRow.select().where(ImportRow.batch == batch_id))}


def batch(batch_id: int) -> dict:
    return run(ImportBatch.select().where(ImportBatch.id == batch_id).first())


def confirm(client, batch_id: int, **choices):
    version = batch(batch_id)["version"]
    return client.submit(f"/projects/import/{batch_id}", {"version": version, "action": "confirm", **choices})


def project_named(name: str) -> dict | None:
    return run(Project.select().where(Project.name == name).first())


MESSY = [
    project_row(1),
    project_row(2, 签约日期="2026.3.5", **{"总投资（万元）": "1.2亿", "当前阶段": "供地"}),
    project_row(3, 签约日期=excel_serial(date(2026, 4, 1)), **{"总投资（万元）": "1,200万", "区县/园区": "呼兰区"}),
    project_row(4, 签约日期="2026年5月8日", 绿色通道="是", 生命周期模板="服务业及总部项目"),
]


def test_a_messy_ledger_is_previewed_row_by_row_and_nothing_is_written_yet(coordinator):
    before = run(Project.count())
    batch_id = uploaded(coordinator, workbook_bytes(MESSY, title="2026年哈尔滨市重点项目台账", merged_two_row_header=True, blank_rows=True))
    page = coordinator.get(f"/projects/import/{batch_id}")
    assert page.status_code == 200
    rows = rows_of(batch_id)
    assert [r["outcome"] for _n, r in sorted(rows.items())] == ["new"] * 4
    assert run(Project.count()) == before
    assert "测试导入智能装备产业园2号项目" in page.text and 'data-outcome="new"' in page.text
    # The title row, the blank rows and the total line are not projects.
    assert batch(batch_id)["header_row"] == 3


def test_confirming_writes_every_row_through_the_project_rules(coordinator):
    batch_id = uploaded(coordinator, workbook_bytes(MESSY, title="台账", merged_two_row_header=True, blank_rows=True))
    response = confirm(coordinator, batch_id)
    assert response.status_code in (302, 303)
    assert batch(batch_id)["status"] == "done"
    second = project_named("测试导入智能装备产业园2号项目")
    assert second["total_investment"] == Decimal("12000.00") and second["signed_on"] == date(2026, 3, 5)
    # Current stage "供地": its milestones and the earlier ones are done on their plan dates; the stage is derived.
    assert second["stage"] == "land"
    milestones = run(Milestone.select().where(Milestone.project == second["id"]).order_by(Milestone.seq))
    done = [m for m in milestones if m["actual_on"]]
    assert [m["stage"] for m in done] == ["signed", "registered", "filed", "land"]
    assert all(m["actual_on"] == m["planned_on"] for m in done[1:])
    assert run(MilestoneChange.count().where(MilestoneChange.milestone.is_in([m["id"] for m in done[1:]]), MilestoneChange.reason == "import")) == 3
    third = project_named("测试导入智能装备产业园3号项目")
    assert third["signed_on"] == date(2026, 4, 1) and third["total_investment"] == Decimal("1200.00") and third["park"] is None
    fourth = project_named("测试导入智能装备产业园4号项目")
    assert fourth["green_channel"] and fourth["signed_on"] == date(2026, 5, 8)
    assert run(Enterprise.exists().where(Enterprise.credit_code == credit_code(4)))
    assert run(AuditEvent.exists().where(AuditEvent.entity == "import_batch", AuditEvent.entity_id == batch_id))
    assert run(AuditEvent.exists().where(AuditEvent.entity == "project", AuditEvent.entity_id == fourth["id"], AuditEvent.action == "create"))
    page = coordinator.get(f"/projects/import/{batch_id}").text
    assert f'href="/projects/{fourth["id"]}"' in page


def test_importing_the_same_file_again_changes_nothing(coordinator):
    content = workbook_bytes(MESSY)
    confirm(coordinator, uploaded(coordinator, content))
    projects, audits = run(Project.count()), run(AuditEvent.count())
    again = uploaded(coordinator, content)
    assert {r["outcome"] for r in rows_of(again).values()} == {"unchanged"}
    response = confirm(coordinator, again)
    assert response.status_code in (302, 303)
    assert run(Project.count()) == projects and run(AuditEvent.count()) == audits


def test_a_changed_amount_is_an_update_of_the_recorded_project(coordinator):
    confirm(coordinator, uploaded(coordinator, workbook_bytes([project_row(1)])))
    project = project_named("测试导入智能装备产业园1号项目")
    # The same project, its name typed with spaces and full-width letters, a new amount.
    changed = project_row(1, 项目名称="测试导入 智能装备产业园１号项目", **{"总投资（万元）": "2.5亿"})
    batch_id = uploaded(coordinator, workbook_bytes([changed]))
    row = next(iter(rows_of(batch_id).values()))
    assert row["outcome"] == "update"
    confirm(coordinator, batch_id)
    fresh = run(Project.select().where(Project.id == project["id"]).first())
    assert fresh["total_investment"] == Decimal("25000.00") and fresh["name"] == project["name"]
    assert fresh["version"] == project["version"] + 1


def test_errors_name_the_column_and_the_reason_in_chinese(coordinator):
    bad = [project_row(1, 签约日期="2026年13月5日"), project_row(2, **{"统一社会信用代码": "91230109MA1B2C3D4X"}),
           project_row(3, 产业类别="造船"), project_row(4, **{"总投资（万元）": "很多"})]
    batch_id = uploaded(coordinator, workbook_bytes(bad))
    page = coordinator.get(f"/projects/import/{batch_id}?outcome=error").text
    assert "I列“签约日期”：没有这个日期。" in page and "D列“统一社会信用代码”：统一社会信用代码校验位错误。" in page
    problems = {n: json.loads(r["problems"]) if isinstance(r["problems"], str) else r["problems"] for n, r in rows_of(batch_id).items()}
    assert {p[0] for ps in problems.values() for p in ps} >= {"signed_on", "credit_code", "industry", "investment"}


def test_one_failing_row_writes_nothing(coordinator, monkeypatch):
    from tracker.projects import queries as project_queries

    batch_id = uploaded(coordinator, workbook_bytes([project_row(n) for n in range(1, 5)]))
    real = project_queries.create_project
    calls = []

    async def fails_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the database refused this row")
        return await real(*args, **kwargs)

    monkeypatch.setattr(project_queries, "create_project", fails_on_the_third)
    before = (run(Project.count()), run(Enterprise.count()), run(AuditEvent.count()))
    confirm(coordinator, batch_id)
    assert batch(batch_id)["status"] == "failed"
    assert (run(Project.count()), run(Enterprise.count()), run(AuditEvent.count())) == before
    assert "回滚" in coordinator.get(f"/projects/import/{batch_id}").text or "rolled back" in batch(batch_id)["message"]


def test_rows_with_errors_block_the_import_unless_left_out(coordinator):
    batch_id = uploaded(coordinator, workbook_bytes([project_row(1), project_row(2, 签约日期="明天")]))
    before = run(Project.count())
    confirm(coordinator, batch_id)
    assert run(Project.count()) == before and batch(batch_id)["status"] == "ready"
    confirm(coordinator, batch_id, skip_errors="1")
    assert run(Project.count()) == before + 1 and project_named("测试导入智能装备产业园1号项目")


def test_unknown_officers_and_districts_are_offered_for_creation(coordinator):
    row = project_row(1, **{"项目专员（姓名或电话）": "欧阳新", "区县/园区": "阿城区"})
    batch_id = uploaded(coordinator, workbook_bytes([row]))
    assert next(iter(rows_of(batch_id).values()))["outcome"] == "error"
    page = coordinator.get(f"/projects/import/{batch_id}").text
    assert "欧阳新" in page and 'name="create"' in page
    confirm(coordinator, batch_id, create=["officer:欧阳新", "department:阿城区"])
    project = project_named("测试导入智能装备产业园1号项目")
    officer = run(Officer.select().where(Officer.name == "欧阳新").first())
    district = run(Department.select().where(Department.name == "阿城区").first())
    assert project["lead_officer"] == officer["id"] and project["district"] == district["id"] and district["kind"] == "district"
    assert run(AuditEvent.exists().where(AuditEvent.entity == "officer", AuditEvent.entity_id == officer["id"]))


def test_a_likely_duplicate_is_left_out_unless_marked_a_different_project(coordinator):
    existing = run(Project.select(Project.name, Project.enterprise.credit_code.as_alias("code")).order_by(Project.id).first())
    rows = [project_row(1, 项目名称=existing["name"]), project_row(2), project_row(3, 项目名称="测试导入智能装备产业园2号（一期）",
                                                                               统一社会信用代码=credit_code(2))]
    batch_id = uploaded(coordinator, workbook_bytes(rows))
    outcomes = {n: r["outcome"] for n, r in rows_of(batch_id).items()}
    assert sorted(outcomes.values()) == ["duplicate", "duplicate", "new"]
    page = coordinator.get(f"/projects/import/{batch_id}?outcome=duplicate").text
    assert existing["name"] in page and 'value="different"' in page
    before = run(Project.count())
    first = min(outcomes)
    confirm(coordinator, batch_id, **{f"dup_{first}": "different"})
    assert run(Project.count()) == before + 2  # the new one and the row marked different; the in-file repeat is left out


def test_officers_leaders_and_enterprises_may_not_import(as_role):
    content = workbook_bytes([project_row(1)])
    for role in ("officer", "leader", "enterprise"):
        client = as_role(role)
        assert client.get("/projects/import/").status_code == 403
        assert client.get("/projects/import/template.xlsx").status_code == 403
        assert upload(client, content).status_code == 403
    assert not run(ImportBatch.exists())


def test_the_project_list_links_to_the_import_for_coordinators_only(as_role):
    assert 'href="/projects/import"' in as_role("coordinator").get("/projects").text
    assert 'href="/projects/import"' not in as_role("officer").get("/projects").text


def test_the_progress_page_polls_until_the_check_is_done(coordinator):
    batch_id = uploaded(coordinator, workbook_bytes([project_row(1)]))
    run(ImportBatch.update({ImportBatch.status: "checking", ImportBatch.done: 1, ImportBatch.total: 4}).where(ImportBatch.id == batch_id))
    page = coordinator.get(f"/projects/import/{batch_id}").text
    assert f'hx-get="/projects/import/{batch_id}/progress"' in page and 'max="4"' in page
    assert coordinator.get(f"/projects/import/{batch_id}/progress", headers={"HX-Request": "true"}).status_code == 200
    run(ImportBatch.update({ImportBatch.status: "ready"}).where(ImportBatch.id == batch_id))
    finished = coordinator.get(f"/projects/import/{batch_id}/progress", headers={"HX-Request": "true"})
    assert finished.headers.get("hx-refresh") == "true"


def test_a_second_confirm_does_not_import_twice(coordinator):
    batch_id = uploaded(coordinator, workbook_bytes([project_row(1)]))
    version = batch(batch_id)["version"]
    confirm(coordinator, batch_id)
    coordinator.submit(f"/projects/import/{batch_id}", {"version": version, "action": "confirm"})
    assert run(Project.count().where(Project.name == "测试导入智能装备产业园1号项目")) == 1
