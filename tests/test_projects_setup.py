"""A bureau sets its projects up itself: the three levels of responsibility, corrections to a
project's details, the green channel as a rule, lifecycle templates as data."""

from datetime import date
from decimal import Decimal

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.liaison.tables import Assignment, Handover
from tracker.org.tables import Department, Officer
from tracker.projects.tables import LifecycleTemplate, Milestone, MilestoneChange, Project, TemplateMilestone
from tracker.workdays import WorkCalendar


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


@pytest.fixture
def admin(as_role):
    return as_role("admin")


def department(name: str) -> dict:
    return run(Department.select().where(Department.name == name).first())


def officers_of(name: str) -> list[dict]:
    return run(Officer.select().where(Officer.department == department(name)["id"], Officer.active == True))  # noqa: E712


def template(code: str) -> dict:
    return run(LifecycleTemplate.select().where(LifecycleTemplate.code == code).first())


def project_form(**changes) -> dict:
    leader = run(Officer.select().where(Officer.is_leader == True, Officer.department == department("哈尔滨市投资促进局")["id"]).first())  # noqa: E712
    form = {
        "name": "三级包保测试项目", "enterprise_mode": "existing", "enterprise_id": run(Project.select().first())["enterprise"],
        "industry": "tourism_services", "district_id": department("南岗区")["id"], "park_id": "", "total_investment": "3000",
        "signed_on": "2026-11-02", "level": "city", "introducing_unit_id": department("哈尔滨市工商业联合会")["id"],
        "first_signing_department_id": department("哈尔滨市投资促进局")["id"], "first_signing_leader_id": leader["id"],
        "responsible_leader_id": leader["id"], "lead_officer_id": officers_of("哈尔滨市投资促进局")[-1]["id"],
        "area_leader_id": officers_of("南岗区")[0]["id"], "unit_leader_id": officers_of("哈尔滨市工商业联合会")[0]["id"],
        "template_id": template("services")["id"],
    }
    form.update(changes)
    return form


def create(client, **changes) -> dict:
    response = client.submit("/projects/", project_form(**changes))
    assert response.status_code in (302, 303), response.text
    return run(Project.select().where(Project.name == project_form(**changes)["name"]).first())


def holders(project_id: int) -> dict[str, int]:
    rows = run(Assignment.select().where(Assignment.project == project_id, Assignment.active == True))  # noqa: E712
    return {a["role"]: a["officer"] for a in rows}


# --- three-level responsibility ------------------------------------------------------------


def test_a_project_is_created_with_all_three_levels_and_they_show_everywhere(coordinator, as_role):
    project = create(coordinator)
    form = project_form()
    assert holders(project["id"]) == {
        "lead_officer": form["lead_officer_id"], "responsible_leader": form["responsible_leader_id"],
        "area_leader": form["area_leader_id"], "unit_leader": form["unit_leader_id"],
    }
    area_name = run(Officer.select().where(Officer.id == form["area_leader_id"]).first())["name"]
    unit_name = run(Officer.select().where(Officer.id == form["unit_leader_id"]).first())["name"]
    page = coordinator.get(f"/projects/{project['id']}").text
    assert f'data-role="area_leader">{area_name}' in page and f'data-role="unit_leader">{unit_name}' in page
    sheet = as_role("leader").get(f"/briefings/projects/{project['id']}?html=1").text
    assert area_name in sheet and unit_name in sheet and "区县（园区）包保责任人" in sheet


def test_the_portal_contact_card_names_the_three_levels(as_role):
    from tracker.auth.tables import User

    owner = run(User.select().where(User.username == "enterprise").first())
    project = run(Project.select().where(Project.enterprise == owner["enterprise"]).first())
    names = {r: run(Officer.select().where(Officer.id == o).first())["name"] for r, o in holders(project["id"]).items()}
    card = as_role("enterprise").get(f"/portal/projects/{project['id']}").text.split('id="levels"')[1].split("</dl>")[0]
    for role in ("responsible_leader", "area_leader", "unit_leader"):
        assert names[role] in card


def test_a_level_holder_must_belong_to_that_level(coordinator):
    before = run(Project.count())
    wrong_area = officers_of("呼兰区")[0]["id"]  # the project is in 南岗区
    response = coordinator.submit("/projects/", project_form(area_leader_id=wrong_area, unit_leader_id=wrong_area))
    assert response.status_code == 422
    assert 'id="area_leader_id-error"' in response.text and 'id="unit_leader_id-error"' in response.text
    assert run(Project.count()) == before


def test_a_level_changes_by_a_handover_with_the_same_history_as_the_lead(coordinator):
    project = create(coordinator)
    successor = officers_of("南岗区")
    form = project_form()
    other = [o for o in run(Officer.select().where(Officer.department == department("南岗区")["id"])) if o["id"] != form["area_leader_id"]]
    if not other:
        other = [run(Officer.insert(Officer(name="南岗区新副区长", department=department("南岗区")["id"], title="副区长", is_leader=True))
                     .returning(Officer.id))[0]]
    page = coordinator.get(f"/projects/{project['id']}/handover/?role=area_leader").text
    assert f'value="{other[0]["id"]}"' in page and f'value="{officers_of("呼兰区")[0]["id"]}"' not in page  # only eligible people
    response = coordinator.submit(f"/projects/{project['id']}/handover/", {
        "role": "area_leader", "to_officer": other[0]["id"], "reason": "transfer", "note": "工作调整", "version": project["version"]})
    assert response.status_code in (302, 303), response.text
    assert holders(project["id"])["area_leader"] == other[0]["id"]
    handover = run(Handover.select().where(Handover.project == project["id"], Handover.role == "area_leader").first())
    assert handover["from_officer"] == successor[0]["id"] and handover["accepted_at"] is None
    periods = run(Assignment.select().where(Assignment.project == project["id"], Assignment.role == "area_leader").order_by(Assignment.id))
    assert [p["active"] for p in periods] == [False, True] and periods[0]["ended_on"] == periods[1]["started_on"]


def test_the_database_allows_one_active_holder_per_level(coordinator):
    project = create(coordinator)
    with pytest.raises(Exception, match="(?i)unique"):
        run(Assignment.insert(Assignment(project=project["id"], role="unit_leader", officer=officers_of("南岗区")[0]["id"],
                                         started_on=date(2026, 11, 27))))
    assert list(holders(project["id"]).values()).count(project_form()["unit_leader_id"]) == 1


def test_a_vacant_level_of_an_older_project_gets_its_first_holder(coordinator):
    project = create(coordinator)
    run(Assignment.delete().where(Assignment.project == project["id"], Assignment.role == "unit_leader"))
    assert "未指定" in coordinator.get(f"/projects/{project['id']}").text
    response = coordinator.submit(f"/projects/{project['id']}/handover/", {
        "role": "unit_leader", "to_officer": project_form()["unit_leader_id"], "reason": "", "version": project["version"]})
    assert response.status_code in (302, 303), response.text
    assert holders(project["id"])["unit_leader"] == project_form()["unit_leader_id"]


# --- editing a project ----------------------------------------------------------------------


def test_a_coordinator_corrects_a_projects_details_with_an_audit_of_before_and_after(coordinator):
    project = create(coordinator)
    form = {"name": "更正后的项目名", "enterprise_id": project["enterprise"], "industry": "new_it", "district_id": project["district"],
            "park_id": "", "total_investment": "4500.5", "level": "provincial", "description": "补充说明", "version": project["version"]}
    assert coordinator.submit(f"/projects/{project['id']}/edit", form).status_code in (302, 303)
    after = run(Project.select().where(Project.id == project["id"]).first())
    assert (after["name"], after["industry"], after["total_investment"], after["level"]) == ("更正后的项目名", "new_it", Decimal("4500.50"), "provincial")
    event = run(AuditEvent.select().where(AuditEvent.action == "update", AuditEvent.entity == "project").order_by(AuditEvent.id, ascending=False).first())
    changes = event["changes"] if isinstance(event["changes"], dict) else __import__("json").loads(event["changes"])
    assert changes["name_before"] == "三级包保测试项目" and changes["name_after"] == "更正后的项目名"
    assert "district_id_before" not in changes  # unchanged fields are not listed
    stale = coordinator.submit(f"/projects/{project['id']}/edit", {**form, "name": "旧页面的修改"})
    assert stale.status_code == 409 and run(Project.select().where(Project.id == project["id"]).first())["name"] == "更正后的项目名"


def test_bad_edits_are_refused_field_by_field_and_nothing_changes(coordinator):
    project = create(coordinator)
    form = {"name": "", "enterprise_id": "999999", "industry": "x", "district_id": department("哈尔滨市投资促进局")["id"],
            "total_investment": "-1", "level": "city", "version": project["version"]}
    response = coordinator.submit(f"/projects/{project['id']}/edit", form)
    assert response.status_code == 422
    for field in ("name", "enterprise_id", "industry", "district_id", "total_investment"):
        assert f'id="{field}-error"' in response.text, field
    assert run(Project.select().where(Project.id == project["id"]).first())["version"] == project["version"]


def test_only_coordinators_and_admins_edit_projects(as_role):
    project = run(Project.select().first())
    for role in ("officer", "leader"):
        assert as_role(role).get(f"/projects/{project['id']}/edit").status_code == 403
        assert as_role(role).submit(f"/projects/{project['id']}/edit", {"name": "x"}).status_code == 403


# --- the green channel is a rule --------------------------------------------------------------


def test_green_channel_projects_get_the_shorter_offsets_and_a_list_filter(coordinator):
    normal = create(coordinator, name="常规项目")
    green = create(coordinator, name="绿色通道项目", green_channel="1")
    offsets = {t["stage"]: t for t in run(TemplateMilestone.select().where(TemplateMilestone.template == template("services")["id"]))}
    cal = WorkCalendar()
    for project, key in ((normal, "offset_workdays"), (green, "green_offset_workdays")):
        ms = run(Milestone.select().where(Milestone.project == project["id"]))
        for m in ms:
            assert cal.workdays_between(date(2026, 11, 2), m["baseline_on"]) == offsets[m["stage"]][key]
    page = coordinator.get("/projects/", params={"green": "1", "q": "项目"}).text
    assert "绿色通道项目" in page and "常规项目" not in page


def test_switching_the_green_channel_on_re_plans_open_milestones_not_rescheduled_by_hand(coordinator):
    project = create(coordinator, name="后开绿色通道", signed_on="2026-10-08")
    ms = {m["stage"]: m for m in run(Milestone.select().where(Milestone.project == project["id"]))}
    coordinator.submit(f"/projects/{project['id']}/milestones/{ms['completed']['id']}/reschedule",
                       {"planned_on": "2027-09-01", "reason": "企业要求", "version": ms["completed"]["version"]})
    project = run(Project.select().where(Project.id == project["id"]).first())
    form = {"name": project["name"], "enterprise_id": project["enterprise"], "industry": project["industry"],
            "district_id": project["district"], "park_id": "", "total_investment": "3000", "level": "city", "green_channel": "1",
            "version": project["version"]}
    assert coordinator.submit(f"/projects/{project['id']}/edit", form).status_code in (302, 303)
    after = {m["stage"]: m for m in run(Milestone.select().where(Milestone.project == project["id"]))}
    assert after["operating"]["planned_on"] < ms["operating"]["planned_on"]
    assert after["completed"]["planned_on"] == date(2027, 9, 1)  # rescheduled by hand: kept
    assert run(MilestoneChange.exists().where(MilestoneChange.milestone == ms["operating"]["id"], MilestoneChange.reason.like("%绿色通道%")))


# --- lifecycle templates --------------------------------------------------------------------


def test_a_services_project_is_created_without_land(coordinator):
    project = create(coordinator)
    land = run(Milestone.select().where(Milestone.project == project["id"], Milestone.stage == "land").first())
    assert land["not_applicable"] and project["template"] == template("services")["id"]


def template_form(**changes) -> dict:
    form = {"code": "park_fitout", "name": "园区标准厂房项目", "description": "租用标准厂房", "rows": "6",
            "stage_0": "signed", "mname_0": "签订投资合同", "offset_0": "0", "green_0": "0", "applies_0": "1",
            "stage_1": "registered", "mname_1": "完成企业注册", "offset_1": "10", "green_1": "5", "applies_1": "1",
            "stage_2": "", "mname_2": "",
            "stage_3": "construction", "mname_3": "设备安装", "offset_3": "40", "green_3": "30", "applies_3": "1",
            "stage_4": "operating", "mname_4": "投产", "offset_4": "80", "green_4": "60", "applies_4": "1"}
    form.update(changes)
    return form


def test_an_admin_creates_a_template_and_a_project_uses_it(admin, coordinator):
    response = admin.submit("/admin/templates/", template_form())
    assert response.status_code in (302, 303), response.text
    created = template("park_fitout")
    rows = run(TemplateMilestone.select().where(TemplateMilestone.template == created["id"]).order_by(TemplateMilestone.seq))
    assert [(r["stage"], r["offset_workdays"]) for r in rows] == [("signed", 0), ("registered", 10), ("construction", 40), ("operating", 80)]
    project = create(coordinator, name="标准厂房项目", template_id=created["id"])
    assert [m["stage"] for m in run(Milestone.select().where(Milestone.project == project["id"]).order_by(Milestone.seq))] == [
        "signed", "registered", "construction", "operating"]
    assert "园区标准厂房项目" in coordinator.get("/admin/templates/").text


@pytest.mark.parametrize("changes,field", [
    ({"stage_3": "registered", "stage_1": "construction"}, "stage_3"),  # a stage out of order
    ({"offset_1": "-5"}, "offset_1"),  # a negative offset
    ({"offset_4": "20"}, "offset_4"),  # planned before the row above
    ({"green_3": "45"}, "green_3"),  # the green channel longer than the normal plan
    ({"name": ""}, "name"),
    ({"code": "Bad Code"}, "code"),
    ({"stage_0": "registered"}, "stage_0"),  # the first milestone is the signing
])
def test_a_bad_template_gets_a_field_message_and_nothing_is_saved(admin, changes, field):
    response = admin.submit("/admin/templates/", template_form(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text, response.text[-3000:]
    assert template("park_fitout") is None


def test_editing_a_template_changes_only_projects_created_afterwards(admin, coordinator):
    services = template("services")
    before = create(coordinator, name="编辑模板前的项目")
    rows = run(TemplateMilestone.select().where(TemplateMilestone.template == services["id"]).order_by(TemplateMilestone.seq))
    form = {"name": services["name"], "description": services["description"], "active": "1", "version": services["version"],
            "rows": str(len(rows))}
    for i, r in enumerate(rows):
        form.update({f"stage_{i}": r["stage"], f"mname_{i}": r["name"], f"offset_{i}": r["offset_workdays"],
                     f"green_{i}": r["green_offset_workdays"]})
        if r["applies"]:
            form[f"applies_{i}"] = "1"
    form["mname_7"] = "开业仪式"
    assert admin.submit(f"/admin/templates/{services['id']}", form).status_code in (302, 303)
    # same enterprise, a similar name: the duplicate check asks, and the user says it is another project
    after = create(coordinator, name="编辑模板后的项目", different_project="1")
    names = lambda p: [m["name"] for m in run(Milestone.select().where(Milestone.project == p["id"]).order_by(Milestone.seq))]  # noqa: E731
    assert names(before)[-1] == "正式开业运营" and names(after)[-1] == "开业仪式"
    assert admin.submit(f"/admin/templates/{services['id']}", form).status_code == 409  # the version moved on
    assert run(AuditEvent.exists().where(AuditEvent.entity == "lifecycle_template", AuditEvent.action == "update"))


def test_coordinators_read_templates_and_only_admins_change_them(as_role):
    services = template("services")
    assert as_role("coordinator").get(f"/admin/templates/{services['id']}").status_code == 200
    assert as_role("coordinator").submit("/admin/templates/", template_form()).status_code == 403
    for role in ("officer", "leader", "enterprise"):
        assert as_role(role).get("/admin/templates/").status_code == 403


def test_a_milestone_can_be_added_to_one_project(coordinator):
    project = create(coordinator)
    response = coordinator.submit(f"/projects/{project['id']}/milestones",
                                  {"stage": "permitted", "name": "消防设计审查", "planned_on": "2027-01-15", "version": project["version"]})
    assert response.status_code in (302, 303), response.text
    ms = run(Milestone.select().where(Milestone.project == project["id"]).order_by(Milestone.seq))
    stages = [m["stage"] for m in ms]
    added = next(m for m in ms if m["name"] == "消防设计审查")
    assert stages == sorted(stages, key=["signed", "registered", "filed", "land", "permitted", "construction", "completed", "operating"].index)
    assert added["planned_on"] == date(2027, 1, 15) and ms[added["seq"] - 2]["stage"] == "permitted"
    refused = coordinator.submit(f"/projects/{project['id']}/milestones", {"stage": "permitted", "name": "x", "planned_on": "2020-01-01",
                                                                        "version": project["version"] + 1})
    assert refused.status_code == 422
