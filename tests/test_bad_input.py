"""Bad input gets a clear answer, never a 500: ids beyond the database's integers, dates outside a
sane window, numbers out of range, texts above their declared limit, search wildcards."""

import re

import pytest

from tests.helpers import run
from tests.test_security_routes import routes
from tracker.meetings.tables import AgendaItem, Meeting
from tracker.org.tables import Department, Enterprise, Officer
from tracker.projects.tables import Milestone, Project
from tracker.promises.tables import Promise

HUGE = "99999999999999999999"


@pytest.fixture
def admin(as_role):
    return as_role("admin")


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def test_every_route_answers_an_id_beyond_64_bits_with_404_or_a_refusal_never_a_500(admin):
    checked = 0
    for method, path in routes():
        if not re.search(r"\{\w+:int\}", path):
            continue
        url = re.sub(r"\{\w+:int\}", HUGE, path)
        url = re.sub(r"\{\w+:str\}", "x", url)
        response = admin.get(url) if method == "GET" else admin.submit(url, {"version": "1"})
        assert response.status_code in (403, 404), (method, path, response.status_code)
        checked += 1
    assert checked > 40


@pytest.mark.parametrize("url", [
    f"/projects/?lead={HUGE}", f"/projects/?area={HUGE}", f"/projects/?page={HUGE}", f"/promises/?due_within={HUGE}",
    "/promises/?due_within=-99999", f"/promises/?department={HUGE}", f"/promises/?project={HUGE}",
    f"/action-items/?owner={HUGE}", f"/action-items/?project={HUGE}", f"/requests/?project={HUGE}", f"/requests/?responder={HUGE}",
    f"/admin/audit/?user={HUGE}&project={HUGE}&page={HUGE}",
])
def test_query_parameters_out_of_range_are_ignored_and_the_page_opens(admin, url):
    assert admin.get(url).status_code == 200


def first_open_milestone():
    project = run(Project.select().where(Project.status == "active").order_by(Project.id).first())
    return project, run(Milestone.select().where(Milestone.project == project["id"], Milestone.actual_on.is_null()).first())


def test_a_version_beyond_64_bits_is_a_conflict_not_a_crash(coordinator):
    project, m = first_open_milestone()
    response = coordinator.submit(f"/projects/{project['id']}/milestones/{m['id']}/done", {"actual_on": "2026-11-27", "version": HUGE}, htmx=True)
    assert response.status_code == 409
    assert run(Milestone.select().where(Milestone.id == m["id"]).first())["actual_on"] is None


def test_a_successor_id_beyond_64_bits_is_a_field_error(coordinator):
    project = run(Project.select().where(Project.status == "active").first())
    response = coordinator.submit(f"/projects/{project['id']}/handover/",
                                  {"role": "lead_officer", "to_officer": HUGE, "reason": "transfer", "version": project["version"]})
    assert response.status_code == 422
    assert run(Project.select(Project.lead_officer).where(Project.id == project["id"]).first())["lead_officer"] == project["lead_officer"]


@pytest.mark.parametrize("signed_on", ["0001-01-01", "1989-12-31", "9999-12-31"])
def test_a_signing_date_outside_the_sane_window_is_refused(coordinator, signed_on):
    enterprise = run(Enterprise.select().first())
    district = run(Department.select().where(Department.kind == "district").first())
    bureau = run(Department.select().where(Department.kind == "bureau").first())
    leader = run(Officer.select().where(Officer.is_leader == True).first())  # noqa: E712
    before = run(Project.count())
    response = coordinator.submit("/projects/", {
        "name": "日期测试", "enterprise_mode": "existing", "enterprise_id": enterprise["id"], "industry": "new_energy",
        "district_id": district["id"], "total_investment": "1", "signed_on": signed_on, "level": "city",
        "introducing_unit_id": bureau["id"], "first_signing_department_id": bureau["id"], "first_signing_leader_id": leader["id"],
        "responsible_leader_id": leader["id"], "lead_officer_id": leader["id"],
    })
    assert response.status_code == 422 and 'id="signed_on-error"' in response.text
    assert run(Project.count()) == before


def test_a_reschedule_to_9999_is_refused(coordinator):
    project, m = first_open_milestone()
    response = coordinator.submit(f"/projects/{project['id']}/milestones/{m['id']}/reschedule",
                                  {"planned_on": "9999-12-31", "reason": "x", "version": m["version"]}, htmx=True)
    assert response.status_code == 422 and "2100-12-31" in response.text
    assert run(Milestone.select().where(Milestone.id == m["id"]).first())["planned_on"] == m["planned_on"]


def test_a_meeting_with_a_department_that_does_not_exist_is_refused(coordinator):
    chair = run(Officer.select().first())
    before = run(Meeting.count())
    response = coordinator.submit("/meetings/", {"held_on": "2026-11-27", "chair": chair["id"], "departments": ["424242", HUGE]})
    assert response.status_code == 422
    assert run(Meeting.count()) == before


def meeting_item(coordinator):
    chair = run(Officer.select().where(Officer.active == True).first())  # noqa: E712
    coordinator.submit("/meetings/", {"held_on": "2026-11-27", "chair": chair["id"]})
    meeting = run(Meeting.select().order_by(Meeting.id, ascending=False).first())
    coordinator.submit(f"/meetings/{meeting['id']}/status", {"status": "in_progress", "version": meeting["version"]})
    return meeting["id"], run(AgendaItem.select().where(AgendaItem.meeting == meeting["id"]).first())


@pytest.mark.parametrize("workdays", ["1000000", "-5", "0", HUGE])
def test_an_action_item_due_in_an_impossible_number_of_working_days_is_refused(coordinator, workdays):
    mid, item = meeting_item(coordinator)
    dept = run(Department.select().first())
    officer = run(Officer.select().where(Officer.active == True).first())  # noqa: E712
    response = coordinator.submit(f"/meetings/{mid}/items/{item['id']}/actions", {
        "task": "协调", "owner_department": dept["id"], "owner_officer": officer["id"], "due_on": "", "due_workdays": workdays})
    assert response.status_code == 422


def test_minutes_longer_than_the_declared_limit_are_refused_and_nothing_is_stored(coordinator):
    mid, item = meeting_item(coordinator)
    page = coordinator.get(f"/meetings/{mid}").text
    assert 'name="discussion" rows="2" maxlength="5000"' in page
    response = coordinator.submit(f"/meetings/{mid}/items/{item['id']}", {"discussion": "议" * 5001, "decision": "", "version": item["version"]})
    assert response.status_code == 422
    assert run(AgendaItem.select().where(AgendaItem.id == item["id"]).first())["discussion"] == item["discussion"]
    exactly = coordinator.submit(f"/meetings/{mid}/items/{item['id']}", {"discussion": "议" * 5000, "decision": "", "version": item["version"]})
    assert exactly.status_code in (302, 303)


def test_a_promise_due_a_million_working_days_after_its_milestone_is_refused(coordinator):
    project = run(Project.select().where(Project.status == "active").first())
    trigger = run(Milestone.select().where(Milestone.project == project["id"], Milestone.stage == "construction").first())
    dept = run(Department.select().first())
    officer = run(Officer.select().where(Officer.active == True).first())  # noqa: E712
    before = run(Promise.count())
    response = coordinator.submit(f"/projects/{project['id']}/promises/", {
        "content": "供水接入", "category": "utilities", "source": "contract", "department": dept["id"], "officer": officer["id"],
        "promised_on": "2026-11-02", "due_kind": "after_milestone", "due_workdays": "1000000", "trigger_milestone": trigger["id"]})
    assert response.status_code == 422
    assert run(Promise.count()) == before


def test_search_takes_wildcards_literally_and_finds_a_project_by_credit_code(coordinator):
    everything = coordinator.get("/projects/?status=").text.count('<tr data-project-id=')
    for wildcard in ("%", "_", "\\"):
        page = coordinator.get("/projects/", params={"q": wildcard, "status": ""}).text
        assert page.count('<tr data-project-id=') == 0, wildcard
    project = run(Project.select(Project.name, Project.enterprise.credit_code.as_alias("code")).first())
    page = coordinator.get("/projects/", params={"q": project["code"], "status": ""}).text
    assert project["name"] in page
    assert everything > 1
