"""Approval procedures through the real app: the list (overdue first), recording with field-by-field
errors, returns for supplements, the signed authorisation, the catalogue, the figures, the colour."""

import io
from datetime import date

import pytest
from PIL import Image

from tests.helpers import run
from tracker.approvals.tables import Procedure, ProcedureReturn, ProcedureType
from tracker.audit.tables import AuditEvent
from tracker.org.tables import Department, Officer
from tracker.projects.tables import Project


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def green_project():
    return run(Project.select().where(Project.status == "active", Project.colour == "green").order_by(Project.id).first())


def catalogue_type(name="建设工程规划许可证"):
    return run(ProcedureType.select().where(ProcedureType.name == name).first())


def form(t, **changes):
    agent = run(Officer.select().where(Officer.name == "刘雪婷").first())
    values = {"procedure_type": t["id"], "department": t["department"], "time_limit_workdays": t["time_limit_workdays"],
              "agent": agent["id"], "authorised_on": "2026-11-02", "submitted_on": "2026-11-03", "accepted_on": "2026-11-04",
              "approved_on": "", "document_no": "", "note": "", "milestone": ""}
    values.update(changes)
    return values


def count():
    return run(Procedure.count())


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_list_shows_every_procedure_with_the_overdue_ones_first(coordinator):
    page = coordinator.get("/approvals/")
    assert page.status_code == 200
    first_row = page.text.split('data-procedure-id="', 2)[1]
    assert first_row.split(">", 1)[0].endswith('class="overdue"')
    assert "逾期" in page.text
    overdue_only = coordinator.get("/approvals/?overdue=1").text
    assert overdue_only.count('data-procedure-id="') == overdue_only.count('class="overdue"') > 0


def test_a_procedure_is_recorded_audited_and_shown_on_the_project_page(coordinator):
    project, t = green_project(), catalogue_type()
    response = coordinator.submit(f"/projects/{project['id']}/approvals/", form(t))
    assert response.status_code in (302, 303), response.text[:2000]
    pid = int(response.headers["location"].rsplit("/", 1)[1])
    row = run(Procedure.select().where(Procedure.id == pid).first())
    assert row["accepted_on"] == date(2026, 11, 4) and row["authorised"] and row["time_limit_workdays"] == 20
    assert run(AuditEvent.exists().where(AuditEvent.entity == "procedure", AuditEvent.entity_id == pid,
                                         AuditEvent.project == project["id"]))
    page = coordinator.get(f"/projects/{project['id']}").text
    assert f'data-procedure-id="{pid}"' in page and "建设工程规划许可证" in page


@pytest.mark.parametrize("changes, field, message", [
    ({"approved_on": "2026-11-02", "document_no": "x"}, "approved_on", "审批日期不能早于提交日期"),
    ({"time_limit_workdays": "-3"}, "time_limit_workdays", "不能为负数"),
    ({"department": "__other__"}, "department", "该部门不办理此审批事项"),
    ({"authorised_on": ""}, "authorised_on", "书面授权"),
    ({"submitted_on": "2026-11-20", "accepted_on": "2026-11-10"}, "accepted_on", "受理日期不能早于提交日期"),
])
def test_bad_input_gets_a_message_on_its_field_and_nothing_is_saved(coordinator, changes, field, message):
    project, t = green_project(), catalogue_type()
    if changes.get("department") == "__other__":
        other = run(Department.select().where(Department.name == "哈尔滨市发展和改革委员会").first())
        changes = {"department": other["id"]}
    before = count()
    response = coordinator.submit(f"/projects/{project['id']}/approvals/", form(t, **changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text and message in response.text
    assert count() == before


def test_a_return_for_supplements_stops_the_clock_and_the_accepted_resubmission_restarts_it(coordinator):
    project, t = green_project(), catalogue_type("消防设计审查")
    response = coordinator.submit(f"/projects/{project['id']}/approvals/", form(t))
    pid = int(response.headers["location"].rsplit("/", 1)[1])
    version = run(Procedure.select(Procedure.version).where(Procedure.id == pid).first())["version"]
    refused = coordinator.submit(f"/approvals/{pid}/returns", {"returned_on": "2026-11-03", "reason": "缺图纸", "version": version})
    assert refused.status_code == 422 and 'id="returned_on-error"' in refused.text
    assert coordinator.submit(f"/approvals/{pid}/returns", {"returned_on": "2026-11-10", "reason": "缺少室外消火栓布置图",
                                                            "version": version}).status_code in (302, 303)
    page = coordinator.get(f"/approvals/{pid}").text
    assert "退回补正" in page and "计时暂停" in page
    # Approving while the supplements are outstanding is refused on its field.
    version += 1
    data = form(t, approved_on="2026-11-20", document_no="哈消审〔2026〕1号", version=version)
    refused = coordinator.submit(f"/approvals/{pid}", data)
    assert refused.status_code == 422 and 'id="approved_on-error"' in refused.text
    assert coordinator.submit(f"/approvals/{pid}/resubmission", {"resubmitted_on": "2026-11-16", "version": version}).status_code in (302, 303)
    assert run(ProcedureReturn.select().where(ProcedureReturn.procedure == pid).first())["resubmitted_on"] == date(2026, 11, 16)
    page = coordinator.get(f"/approvals/{pid}").text
    assert "计时第 9 个工作日" in page  # 17-27 Nov: the clock restarted from zero on 16 Nov
    assert run(AuditEvent.count().where(AuditEvent.entity == "procedure", AuditEvent.entity_id == pid)) == 3


def test_two_people_saving_the_same_procedure_get_a_conflict_not_a_silent_overwrite(coordinator):
    project, t = green_project(), catalogue_type()
    pid = int(coordinator.submit(f"/projects/{project['id']}/approvals/", form(t)).headers["location"].rsplit("/", 1)[1])
    assert coordinator.submit(f"/approvals/{pid}", form(t, note="第一次", version=1)).status_code in (302, 303)
    response = coordinator.submit(f"/approvals/{pid}", form(t, note="第二次", version=1))
    assert response.status_code == 409
    assert run(Procedure.select(Procedure.note).where(Procedure.id == pid).first())["note"] == "第一次"


def test_the_signed_authorisation_is_judged_by_content_and_served_only_to_staff_and_its_enterprise(coordinator, as_role):
    enterprise_user = as_role("enterprise")
    own = run(Project.select().where(Project.enterprise == run(
        Project.select(Project.enterprise).where(Project.name.like("北辰%")).first())["enterprise"]).first())
    t = catalogue_type()
    fake = coordinator.post(f"/projects/{own['id']}/approvals/", data={**form(t), "_csrf_token": coordinator.csrf()},
                            files={"authorisation": ("授权书.pdf", b"not really a pdf", "application/pdf")}, follow_redirects=False)
    assert fake.status_code == 422 and 'id="authorisation-error"' in fake.text
    response = coordinator.post(f"/projects/{own['id']}/approvals/", data={**form(t), "_csrf_token": coordinator.csrf()},
                                files={"authorisation": ("授权委托书.png", png(), "image/png")}, follow_redirects=False)
    assert response.status_code in (302, 303), response.text[:2000]
    pid = int(response.headers["location"].rsplit("/", 1)[1])
    download = coordinator.get(f"/approvals/{pid}/authorisation")
    assert download.status_code == 200 and download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("attachment")
    assert enterprise_user.get(f"/portal/approvals/{pid}/authorisation").status_code == 200
    other = as_role("enterprise2")
    assert other.get(f"/portal/approvals/{pid}/authorisation").status_code == 404
    assert other.get(f"/approvals/{pid}").status_code == 403
    assert other.get(f"/approvals/{pid}/authorisation").status_code == 403


def test_only_coordinators_and_admins_maintain_the_catalogue_and_a_negative_time_limit_is_refused(coordinator, as_role):
    officer = as_role("officer")
    dept = run(Department.select().where(Department.name == "哈尔滨市住房和城乡建设局").first())
    data = {"name": "人防工程设计审查", "department": dept["id"], "time_limit_workdays": "10", "limit_kind": "statutory",
            "stage": "permitted", "templates": "", "seq": "90", "active": "1"}
    assert officer.get("/approvals/catalogue").status_code == 200
    assert officer.submit("/approvals/catalogue", data).status_code == 403
    before = run(ProcedureType.count())
    refused = coordinator.submit("/approvals/catalogue", {**data, "time_limit_workdays": "-1"})
    assert refused.status_code == 422 and 'id="time_limit_workdays-error"' in refused.text
    assert run(ProcedureType.count()) == before
    assert coordinator.submit("/approvals/catalogue", data).status_code in (302, 303)
    assert run(ProcedureType.exists().where(ProcedureType.name == "人防工程设计审查"))
    assert run(AuditEvent.exists().where(AuditEvent.entity == "procedure_type"))


def test_the_usual_procedures_are_proposed_from_the_catalogue_for_the_project_type(coordinator):
    project = green_project()
    before = run(Procedure.count().where(Procedure.project == project["id"]))
    assert coordinator.submit(f"/projects/{project['id']}/approvals/propose").status_code in (302, 303)
    after = run(Procedure.count().where(Procedure.project == project["id"]))
    assert after > before
    assert coordinator.submit(f"/projects/{project['id']}/approvals/propose").status_code in (302, 303)
    assert run(Procedure.count().where(Procedure.project == project["id"])) == after


def test_an_overdue_procedure_turns_a_green_project_amber_and_is_listed_among_its_warnings(coordinator):
    project, t = green_project(), catalogue_type("建筑工程施工许可证")  # 7 working days
    data = form(t, authorised_on="2026-10-12", submitted_on="2026-10-13", accepted_on="2026-11-09")
    assert coordinator.submit(f"/projects/{project['id']}/approvals/", data).status_code in (302, 303)
    assert run(Project.select(Project.colour).where(Project.id == project["id"]).first())["colour"] in ("amber", "red")
    page = coordinator.get(f"/projects/{project['id']}").text
    assert "审批事项 建筑工程施工许可证 已逾期 7 个工作日" in page


def test_the_figures_show_each_department_and_agent(coordinator):
    page = coordinator.get("/approvals/figures")
    assert page.status_code == 200
    assert "哈尔滨市自然资源和规划局" in page.text and "按时办结率" in page.text and "刘雪婷" in page.text


def test_enterprises_cannot_open_the_staff_pages(as_role):
    enterprise = as_role("enterprise")
    assert enterprise.get("/approvals/").status_code == 403
    assert enterprise.get("/approvals/figures").status_code == 403


def test_completing_a_milestone_while_a_linked_procedure_is_open_asks_for_confirmation(coordinator):
    from tracker.projects.tables import Milestone

    project, t = green_project(), catalogue_type("建设工程规划许可证")
    m = run(Milestone.select().where(Milestone.project == project["id"], Milestone.actual_on.is_null(),
                                     Milestone.not_applicable == False).order_by(Milestone.seq).first())  # noqa: E712
    coordinator.submit(f"/projects/{project['id']}/approvals/", form(t, milestone=m["id"]))
    url = f"/projects/{project['id']}/milestones/{m['id']}/done"
    asked = coordinator.submit(url, {"actual_on": "2026-11-27", "version": m["version"]})
    assert asked.status_code == 422 and "建设工程规划许可证" in asked.text and "尚未批复" in asked.text
    assert run(Milestone.select(Milestone.actual_on).where(Milestone.id == m["id"]).first())["actual_on"] is None
    done = coordinator.submit(url, {"actual_on": "2026-11-27", "version": m["version"], "confirm_out_of_order": "1"})
    assert done.status_code in (302, 303)
    assert run(Milestone.select(Milestone.actual_on).where(Milestone.id == m["id"]).first())["actual_on"] == date(2026, 11, 27)
