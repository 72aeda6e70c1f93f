"""Creating a project: enterprise picked or created inline, milestones in working days."""

from datetime import date
from decimal import Decimal

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.org.tables import Department, Enterprise, Officer
from tracker.projects import rules
from tracker.projects.tables import LifecycleTemplate, Milestone, Project
from tracker.workdays import WorkCalendar

VALID_CODE = "91230109MA1B2C3D4B"


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


@pytest.fixture
def form():
    dept = {r["name"]: r for r in run(Department.select())}
    officers = run(Officer.select())
    leader = next(o for o in officers if o["is_leader"])
    lead = next(o for o in officers if not o["is_leader"])
    area = next(o for o in officers if o["department"] in (dept["平房区（哈经开区）"]["id"], dept["哈尔滨经济技术开发区"]["id"]))
    unit = next(o for o in officers if o["department"] == dept["哈尔滨市投资促进局"]["id"])
    enterprise = run(Enterprise.select().first())
    template = run(LifecycleTemplate.select().where(LifecycleTemplate.code == "manufacturing").first())
    return {
        "name": "测试智能装备产业园项目",
        "enterprise_mode": "existing",
        "enterprise_id": enterprise["id"],
        "industry": "smart_manufacturing",
        "district_id": dept["平房区（哈经开区）"]["id"],
        "park_id": dept["哈尔滨经济技术开发区"]["id"],
        "total_investment": "125,000.5",
        "signed_on": "2026-02-13",
        "level": "provincial",
        "green_channel": "1",
        "introducing_unit_id": dept["哈尔滨市投资促进局"]["id"],
        "first_signing_department_id": dept["哈尔滨市投资促进局"]["id"],
        "first_signing_leader_id": leader["id"],
        "responsible_leader_id": leader["id"],
        "lead_officer_id": lead["id"],
        "template_id": template["id"],
        "area_leader_id": area["id"],
        "unit_leader_id": unit["id"],
    }


def test_a_coordinator_creates_a_project_with_its_lifecycle(coordinator, form):
    response = coordinator.submit("/projects/", form)
    assert response.status_code in (302, 303)
    project = run(Project.select().where(Project.name == form["name"]).first())
    assert response.headers["location"] == f"/projects/{project['id']}"
    assert project["total_investment"] == Decimal("125000.50")
    assert project["green_channel"] and project["level"] == "provincial"
    milestones = run(Milestone.select().where(Milestone.project == project["id"]).order_by(Milestone.seq))
    assert [m["stage"] for m in milestones] == list(rules.STAGES)
    cal = WorkCalendar()
    for m, template in zip(milestones, rules.DEFAULT_LIFECYCLE):
        # A green-channel project gets the template's shorter offsets.
        assert cal.workdays_between(date(2026, 2, 13), m["planned_on"]) == template.green == m["offset_workdays"]
        assert m["baseline_on"] == m["planned_on"]
    assert milestones[0]["actual_on"] == date(2026, 2, 13)
    # Registered is due 10 working days (green channel) after 13 Feb 2026, counted over the Spring Festival.
    assert milestones[1]["planned_on"] == date(2026, 3, 5)
    assert run(AuditEvent.exists().where(AuditEvent.entity == "project", AuditEvent.entity_id == project["id"]))
    page = coordinator.get(f"/projects/{project['id']}")
    assert form["name"] in page.text and "哈尔滨经济技术开发区" in page.text


def test_a_new_enterprise_is_created_inline_with_its_credit_code(coordinator, form):
    form.update(enterprise_mode="new", enterprise_id="", new_enterprise_name="哈尔滨测试新材料有限公司", new_credit_code=VALID_CODE.lower())
    assert coordinator.submit("/projects/", form).status_code in (302, 303)
    enterprise = run(Enterprise.select().where(Enterprise.credit_code == VALID_CODE).first())
    assert enterprise["name"] == "哈尔滨测试新材料有限公司"
    assert run(Project.select(Project.enterprise).where(Project.name == form["name"]).first())["enterprise"] == enterprise["id"]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"new_credit_code": "91230109MA1B2C3D4C"}, "new_credit_code", "校验位错误"),
        ({"new_credit_code": "9123"}, "new_credit_code", "应为 18 位"),
        ({"new_enterprise_name": ""}, "new_enterprise_name", "此项为必填项"),
    ],
)
def test_a_bad_new_enterprise_is_refused_field_by_field(coordinator, form, changes, field, message):
    form.update(enterprise_mode="new", enterprise_id="", new_enterprise_name="哈尔滨测试有限公司", new_credit_code=VALID_CODE)
    form.update(changes)
    before = run(Project.count()), run(Enterprise.count())
    response = coordinator.submit("/projects/", form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text and message in response.text
    assert (run(Project.count()), run(Enterprise.count())) == before


def test_a_credit_code_that_exists_already_is_refused(coordinator, form):
    existing = run(Enterprise.select().first())
    form.update(enterprise_mode="new", new_enterprise_name="重复企业", new_credit_code=existing["credit_code"])
    response = coordinator.submit("/projects/", form)
    assert response.status_code == 422 and "该信用代码的企业已存在" in response.text


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"total_investment": "-5"}, "total_investment", "金额不能为负数"),
        ({"total_investment": "abc"}, "total_investment", "请输入数字"),
        ({"signed_on": "2026-12-30"}, "signed_on", "签约日期不能晚于今天"),
        ({"signed_on": "2026-13-01"}, "signed_on", "YYYY-MM-DD"),
        ({"name": ""}, "name", "此项为必填项"),
        ({"industry": "mining"}, "industry", "所选项无效"),
        ({"park_id": "__other_park__"}, "park_id", "该园区不属于所选区县"),
        ({"responsible_leader_id": "__not_a_leader__"}, "responsible_leader_id", "所选项无效"),
        ({"enterprise_id": "999999"}, "enterprise_id", "所选项无效"),
    ],
)
def test_bad_input_is_refused_field_by_field_keeping_what_was_typed(coordinator, form, changes, field, message):
    if changes.get("park_id") == "__other_park__":
        changes = {"park_id": run(Department.select().where(Department.name == "利民经济技术开发区").first())["id"]}
    if changes.get("responsible_leader_id") == "__not_a_leader__":
        changes = {"responsible_leader_id": form["lead_officer_id"]}
    form.update(changes)
    before = run(Project.count())
    response = coordinator.submit("/projects/", form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text, field
    assert message in response.text
    assert 'value="测试智能装备产业园项目"' in response.text or field == "name"
    assert run(Project.count()) == before


def test_the_edit_form_shows_the_first_signing_fields_read_only_and_cannot_change_them(coordinator):
    project = run(Project.select().first())
    page = coordinator.get(f"/projects/{project['id']}/edit").text
    assert 'name="first_signing' not in page and "<fieldset class=\"col-12 border rounded p-2\" disabled>" in page
    form = {"name": project["name"], "enterprise_id": project["enterprise"], "industry": project["industry"],
            "district_id": project["district"], "park_id": project["park"] or "", "total_investment": "1", "level": project["level"],
            "version": project["version"], "first_signing_department_id": 1, "first_signing_leader_id": 1}
    assert coordinator.submit(f"/projects/{project['id']}/edit", form).status_code in (302, 303)
    after = run(Project.select().where(Project.id == project["id"]).first())
    assert after["total_investment"] == Decimal("1.00")
    assert (after["first_signing_department"], after["first_signing_leader"]) == (
        project["first_signing_department"], project["first_signing_leader"])


def test_enterprise_search_returns_matching_options(coordinator):
    response = coordinator.get("/enterprises/options", params={"q": "北辰"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<option" in response.text and "北辰新能源" in response.text and "冰城智造" not in response.text
