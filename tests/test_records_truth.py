"""Records that tell the truth: the stage, the warning card, the weekly figures, minutes and
attendance that nobody silently overwrites, action items with an owner someone chose."""

from datetime import date

import pytest

from tests.helpers import run
from tracker.auth.tables import User
from tracker.briefings import queries as briefing_queries
from tracker.briefings import rules as briefing_rules
from tracker.meetings.tables import ActionItem, AgendaItem, Attendee, Meeting
from tracker.org.tables import Department, Officer
from tracker.projects.tables import ColourChange, LifecycleTemplate, Milestone, MilestoneChange, Project
from tracker.promises.queries import overdue_by_project

TODAY = date(2026, 11, 27)


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def new_project(coordinator) -> dict:
    """A project signed today from the form, so every milestone after signing is open."""
    enterprise = run(User.select().where(User.username == "enterprise").first())["enterprise"]
    district = run(Department.select().where(Department.kind == "district").first())
    bureau = run(Department.select().where(Department.kind == "bureau").first())
    leader = run(Officer.select().where(Officer.is_leader == True, Officer.active == True).first())  # noqa: E712
    officer = run(Officer.select().where(Officer.is_leader == False, Officer.active == True).first())  # noqa: E712
    area = run(Officer.select().where(Officer.department == district["id"]).first())
    unit = run(Officer.select().where(Officer.department == bureau["id"]).first())
    template = run(LifecycleTemplate.select().where(LifecycleTemplate.code == "manufacturing").first())
    response = coordinator.submit("/projects/", {
        "template_id": template["id"], "area_leader_id": area["id"], "unit_leader_id": unit["id"],
        "name": "越序测试项目", "enterprise_mode": "existing", "enterprise_id": enterprise, "industry": "new_energy",
        "district_id": district["id"], "park_id": "", "total_investment": "1000", "signed_on": "2026-11-27", "level": "city",
        "introducing_unit_id": bureau["id"], "first_signing_department_id": bureau["id"], "first_signing_leader_id": leader["id"],
        "responsible_leader_id": leader["id"], "lead_officer_id": officer["id"], "description": "",
    })
    assert response.status_code in (302, 303), response.text
    return run(Project.select().where(Project.name == "越序测试项目").first())


def milestones(project_id: int) -> dict[str, dict]:
    return {m["stage"]: m for m in run(Milestone.select().where(Milestone.project == project_id).order_by(Milestone.seq))}


def done(client, project, m, confirm=False, htmx=True):
    data = {"actual_on": "2026-11-27", "version": m["version"]}
    if confirm:
        data["confirm_out_of_order"] = "1"
    return client.submit(f"/projects/{project['id']}/milestones/{m['id']}/done", data, htmx=htmx)


def stage(project_id: int) -> str:
    return run(Project.select(Project.stage).where(Project.id == project_id).first())["stage"]


# --- the stage ----------------------------------------------------------------------------


def test_completing_operation_on_a_new_project_asks_first_and_then_leaves_the_stage_at_signed(coordinator):
    project = new_project(coordinator)
    operating = milestones(project["id"])["operating"]
    asked = done(coordinator, project, operating)
    assert asked.status_code == 422 and "越序" in asked.text and 'name="confirm_out_of_order"' in asked.text
    assert milestones(project["id"])["operating"]["actual_on"] is None  # nothing saved without confirmation
    assert done(coordinator, project, operating, confirm=True).status_code == 200
    saved = milestones(project["id"])["operating"]
    assert saved["actual_on"] == TODAY and saved["out_of_order"]
    assert stage(project["id"]) == "signed"
    change = run(MilestoneChange.select().where(MilestoneChange.milestone == operating["id"]).first())
    assert change["kind"] == "done_out_of_order" and "完成企业注册" in change["reason"]


def test_the_portal_ticks_only_completed_stages(coordinator, as_role):
    project = new_project(coordinator)
    done(coordinator, project, milestones(project["id"])["operating"], confirm=True)
    page = as_role("enterprise").get(f"/portal/projects/{project['id']}").text
    ticks = [part.split("</li>")[0] for part in page.split('data-state="done">')[1:]]
    assert len(ticks) == 2 and "签约" in ticks[0] and "投产" in ticks[1]
    assert page.count('data-state="current"') == 1


def test_a_milestone_that_does_not_apply_counts_as_complete_for_the_stage(coordinator):
    project = new_project(coordinator)
    ms = milestones(project["id"])
    for s in ("registered", "filed"):
        assert done(coordinator, project, ms[s]).status_code == 200
    refused = coordinator.submit(f"/projects/{project['id']}/milestones/{ms['land']['id']}/not-applicable",
                                 {"reason": "", "version": ms["land"]["version"]}, htmx=True)
    assert refused.status_code == 422 and not milestones(project["id"])["land"]["not_applicable"]
    response = coordinator.submit(f"/projects/{project['id']}/milestones/{ms['land']['id']}/not-applicable",
                                  {"reason": "服务业项目租用厂房，无需供地", "version": ms["land"]["version"]}, htmx=True)
    assert response.status_code == 200
    assert stage(project["id"]) == "land"
    # The next milestone is no longer out of order, and the land milestone raises no warning.
    assert done(coordinator, project, milestones(project["id"])["permitted"]).status_code == 200
    assert stage(project["id"]) == "permitted"
    # Making it apply again takes the stage back.
    land = milestones(project["id"])["land"]
    assert coordinator.submit(f"/projects/{project['id']}/milestones/{land['id']}/reopen",
                              {"reason": "需补办用地", "version": land["version"]}, htmx=True).status_code == 200
    assert stage(project["id"]) == "filed" and not milestones(project["id"])["land"]["not_applicable"]


def test_the_signing_milestone_cannot_be_marked_not_applicable(coordinator):
    project = new_project(coordinator)
    signed = milestones(project["id"])["signed"]
    response = coordinator.submit(f"/projects/{project['id']}/milestones/{signed['id']}/not-applicable",
                                  {"reason": "x", "version": signed["version"]}, htmx=True)
    assert response.status_code == 422


# --- the warning card ---------------------------------------------------------------------


def test_a_red_projects_card_lists_every_signal_that_made_it_red_including_an_overdue_promise(coordinator):
    promise_red = run(overdue_by_project(None, TODAY))
    red = run(Project.select().where(Project.colour == "red", Project.status == "active").order_by(Project.id))
    project = next(p for p in red if p["id"] in promise_red)
    page = coordinator.get(f"/projects/{project['id']}").text
    card = page.split('id="signals"')[1].split("</div>")[0]
    for content in promise_red[project["id"]]:
        assert f"承诺逾期：{content}" in card


# --- the weekly briefing ------------------------------------------------------------------


def test_the_weekly_briefing_names_the_figure_for_what_it_counts(as_role):
    html = as_role("leader").get("/briefings/weekly?week=2026-W48&html=1").text
    assert "在库项目" in html and "在建项目" not in html
    assert 'data-figure="started"' in html


def test_a_project_red_and_green_again_within_the_week_is_in_neither_list(db):
    project = run(Project.select().where(Project.status == "active", Project.colour == "green").order_by(Project.id).first())
    run(ColourChange.insert(
        ColourChange(project=project["id"], on=date(2026, 11, 24), from_colour="green", to_colour="red"),
        ColourChange(project=project["id"], on=date(2026, 11, 26), from_colour="red", to_colour="green"),
    ))
    week = briefing_rules.parse_week("2026-W48", TODAY)
    data = run(briefing_queries.weekly(week, TODAY))
    assert project["id"] not in [p["id"] for p in data.newly_red]
    assert project["id"] not in [p["id"] for p in data.back_to_green]
    both = {p["id"] for p in data.newly_red} & {p["id"] for p in data.back_to_green}
    assert not both


# --- minutes and attendance ---------------------------------------------------------------


def meeting_in_progress(coordinator) -> int:
    chair = run(Officer.select().where(Officer.active == True).first())  # noqa: E712
    coordinator.submit("/meetings/", {"held_on": "2026-11-27", "chair": chair["id"], "location": "", "attendees": [chair["id"]]})
    mid = run(Meeting.select().order_by(Meeting.id, ascending=False).first())["id"]
    meeting = run(Meeting.select().where(Meeting.id == mid).first())
    coordinator.submit(f"/meetings/{mid}/status", {"status": "in_progress", "version": meeting["version"]})
    return mid


def test_two_people_saving_one_items_minutes_the_second_gets_both_texts_and_nothing_is_lost(coordinator, as_role):
    mid = meeting_in_progress(coordinator)
    item = run(AgendaItem.select().where(AgendaItem.meeting == mid).order_by(AgendaItem.position).first())
    other = as_role("officer")
    first = coordinator.submit(f"/meetings/{mid}/items/{item['id']}",
                               {"discussion": "甲的讨论", "decision": "甲的决定", "version": item["version"]})
    assert first.status_code in (302, 303)
    second = other.submit(f"/meetings/{mid}/items/{item['id']}",
                          {"discussion": "乙的讨论", "decision": "乙的决定", "version": item["version"]})
    assert second.status_code == 409
    assert "甲的决定" in second.text and "乙的决定" in second.text  # the saved text and the typed one
    saved = run(AgendaItem.select().where(AgendaItem.id == item["id"]).first())
    assert saved["decision"] == "甲的决定" and saved["version"] == item["version"] + 1


def test_a_stale_attendance_save_is_refused_with_a_conflict(coordinator, as_role):
    mid = meeting_in_progress(coordinator)
    meeting = run(Meeting.select().where(Meeting.id == mid).first())
    attendee = run(Attendee.select().where(Attendee.meeting == mid).first())
    form = {f"attendance_{attendee['id']}": "absent", f"delegate_{attendee['id']}": "", "attendance_version": meeting["attendance_version"]}
    assert coordinator.submit(f"/meetings/{mid}/attendance", form).status_code in (302, 303)
    stale = as_role("officer").submit(f"/meetings/{mid}/attendance", {**form, f"attendance_{attendee['id']}": "present"})
    assert stale.status_code == 409
    assert run(Attendee.select().where(Attendee.id == attendee["id"]).first())["attendance"] == "absent"


def test_an_action_item_form_saved_untouched_assigns_nobody(coordinator):
    mid = meeting_in_progress(coordinator)
    item = run(AgendaItem.select().where(AgendaItem.meeting == mid).first())
    page = coordinator.get(f"/meetings/{mid}").text
    select = page.split(f'id="owner_officer{item["id"]}" name="owner_officer" required>')[1]
    assert select.startswith('<option value="">责任人…</option>')  # required, and nobody chosen until someone is
    response = coordinator.submit(f"/meetings/{mid}/items/{item['id']}/actions",
                                  {"task": "协调", "owner_department": "", "owner_officer": "", "due_on": "2026-12-04"})
    assert response.status_code == 422
    assert not run(ActionItem.exists().where(ActionItem.meeting == mid))


def test_an_absent_attendee_cannot_be_given_an_action_item(coordinator):
    mid = meeting_in_progress(coordinator)
    attendee = run(Attendee.select().where(Attendee.meeting == mid, Attendee.officer.is_not_null()).first())
    meeting = run(Meeting.select().where(Meeting.id == mid).first())
    coordinator.submit(f"/meetings/{mid}/attendance", {f"attendance_{attendee['id']}": "absent", "attendance_version": meeting["attendance_version"]})
    item = run(AgendaItem.select().where(AgendaItem.meeting == mid).first())
    dept = run(Department.select().first())
    response = coordinator.submit(f"/meetings/{mid}/items/{item['id']}/actions",
                                  {"task": "协调", "owner_department": dept["id"], "owner_officer": attendee["officer"], "due_on": "2026-12-04"})
    assert response.status_code == 422 and "缺席" in response.text
