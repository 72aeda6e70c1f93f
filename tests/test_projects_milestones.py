"""Recording a milestone done, rescheduling it, reopening it: in place with htmx, or by plain form."""

from datetime import date

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.projects.tables import ColourChange, Milestone, MilestoneChange, Project


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def first_open(colour: str | None = None):
    """The first active project (of a colour) with an open milestone and no overdue promise, so
    its colour comes from its milestones alone."""
    from tracker.promises.queries import overdue_by_project

    promise_red = set(run(overdue_by_project(None, date(2026, 11, 27))))
    query = Project.select().where(Project.status == "active")
    if colour:
        query = query.where(Project.colour == colour)
    for project in run(query.order_by(Project.id)):
        if project["id"] in promise_red:
            continue
        m = run(Milestone.select().where(Milestone.project == project["id"], Milestone.actual_on.is_null(),
                                         Milestone.not_applicable == False).order_by(Milestone.seq).first())  # noqa: E712
        if m:
            return project, m
    raise AssertionError("no project with an open milestone")


def url(project, m, action):
    return f"/projects/{project['id']}/milestones/{m['id']}/{action}"


def test_marking_done_via_htmx_returns_the_row_and_updates_stage_in_place(coordinator):
    project, m = first_open()
    response = coordinator.submit(url(project, m, "done"), {"actual_on": "2026-11-27", "version": m["version"]}, htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert f'<tr id="m{m["id"]}"' in response.text
    assert 'id="project-status"' in response.text and 'hx-swap-oob="true"' in response.text
    saved = run(Milestone.select().where(Milestone.id == m["id"]).first())
    assert saved["actual_on"] == date(2026, 11, 27) and saved["version"] == m["version"] + 1
    stage = run(Project.select(Project.stage).where(Project.id == project["id"]).first())["stage"]
    assert f'data-stage="{stage}"' in response.text


def test_marking_done_by_plain_form_redirects_back_to_the_row(coordinator):
    project, m = first_open()
    response = coordinator.submit(url(project, m, "done"), {"actual_on": "2026-11-26", "version": m["version"]})
    assert response.status_code in (302, 303)
    assert response.headers["location"] == f"/projects/{project['id']}#m{m['id']}"
    assert run(Milestone.select().where(Milestone.id == m["id"]).first())["actual_on"] == date(2026, 11, 26)


def test_marking_done_advances_the_stage_when_the_stage_is_complete(coordinator):
    project, m = first_open()
    coordinator.submit(url(project, m, "done"), {"actual_on": "2026-11-27", "version": m["version"]})
    assert run(Project.select(Project.stage).where(Project.id == project["id"]).first())["stage"] == m["stage"]


def test_a_completion_date_in_the_future_or_before_signing_is_refused_and_nothing_changes(coordinator):
    project, m = first_open()
    history_before = run(MilestoneChange.count().where(MilestoneChange.milestone == m["id"]))
    for bad in ("2026-11-28", "2000-01-01", "27/11/2026", ""):
        response = coordinator.submit(url(project, m, "done"), {"actual_on": bad, "version": m["version"]}, htmx=True)
        assert response.status_code == 422, bad
        assert 'role="alert"' in response.text
    assert run(Milestone.select().where(Milestone.id == m["id"]).first())["actual_on"] is None
    assert run(MilestoneChange.count().where(MilestoneChange.milestone == m["id"])) == history_before


def test_a_refused_plain_form_shows_the_page_with_the_message(coordinator):
    project, m = first_open()
    response = coordinator.submit(url(project, m, "done"), {"actual_on": "2026-11-28", "version": m["version"]})
    assert response.status_code == 422
    assert "<html" in response.text and "完成日期不能晚于今天" in response.text


def test_reschedule_keeps_the_baseline_and_records_the_reason(coordinator):
    project, m = first_open()
    response = coordinator.submit(url(project, m, "reschedule"), {"planned_on": "2027-03-01", "reason": "冬季停工", "version": m["version"]}, htmx=True)
    assert response.status_code == 200
    saved = run(Milestone.select().where(Milestone.id == m["id"]).first())
    assert saved["planned_on"] == date(2027, 3, 1)
    assert saved["baseline_on"] == m["baseline_on"]
    change = run(MilestoneChange.select().where(MilestoneChange.milestone == m["id"]).order_by(MilestoneChange.id, ascending=False).first())
    assert (change["kind"], change["from_date"], change["to_date"], change["reason"]) == ("reschedule", m["planned_on"], date(2027, 3, 1), "冬季停工")
    assert "冬季停工" in response.text  # the history is refreshed out of band


def test_reschedule_without_a_reason_is_refused_and_keeps_what_was_typed(coordinator):
    project, m = first_open()
    response = coordinator.submit(url(project, m, "reschedule"), {"planned_on": "2027-03-01", "reason": " ", "version": m["version"]}, htmx=True)
    assert response.status_code == 422
    assert "调整计划必须填写原因" in response.text
    assert 'value="2027-03-01"' in response.text
    assert run(Milestone.select().where(Milestone.id == m["id"]).first())["planned_on"] == m["planned_on"]


def red_by_one_milestone():
    """A red project whose only warning is one milestone overdue by more than 10 working days."""
    from tracker.projects.queries import load_calendar, signals_for

    today = date(2026, 11, 27)
    signals = run(signals_for(None, today, run(load_calendar())))
    for project in run(Project.select().where(Project.status == "active", Project.colour == "red").order_by(Project.id)):
        mine = signals.get(project["id"], [])
        if len(mine) == 1 and mine[0].kind == "milestone_overdue":
            m = run(Milestone.select().where(Milestone.project == project["id"], Milestone.name == mine[0].subject).first())
            return project, m
    raise AssertionError("no project is red by one overdue milestone alone")


def test_rescheduling_a_red_projects_overdue_milestone_changes_its_colour_and_records_it(coordinator):
    project, m = red_by_one_milestone()
    coordinator.submit(url(project, m, "reschedule"), {"planned_on": "2027-06-01", "reason": "企业调整方案", "version": m["version"]})
    after = run(Project.select().where(Project.id == project["id"]).first())
    assert after["colour"] != "red"
    change = run(ColourChange.select().where(ColourChange.project == project["id"]).order_by(ColourChange.id, ascending=False).first())
    assert (change["from_colour"], change["to_colour"], change["on"]) == ("red", after["colour"], date(2026, 11, 27))


def test_a_stale_version_is_a_conflict_not_a_silent_overwrite(coordinator, as_role):
    project, m = first_open()
    other = as_role("admin")
    assert other.submit(url(project, m, "reschedule"), {"planned_on": "2027-02-01", "reason": "甲", "version": m["version"]}).status_code in (302, 303)
    response = coordinator.submit(url(project, m, "reschedule"), {"planned_on": "2027-04-01", "reason": "乙", "version": m["version"]}, htmx=True)
    assert response.status_code == 409
    assert "他人已修改" in response.text
    assert run(Milestone.select().where(Milestone.id == m["id"]).first())["planned_on"] == date(2027, 2, 1)


def test_reopening_needs_a_reason_and_is_recorded(coordinator):
    project = run(Project.select().where(Project.status == "active", Project.stage != "signed").first())
    m = run(Milestone.select().where(Milestone.project == project["id"], Milestone.stage != "signed", Milestone.actual_on.is_not_null()).first())
    assert coordinator.submit(url(project, m, "reopen"), {"reason": "", "version": m["version"]}, htmx=True).status_code == 422
    assert coordinator.submit(url(project, m, "reopen"), {"reason": "验收资料退回", "version": m["version"]}, htmx=True).status_code == 200
    assert run(Milestone.select().where(Milestone.id == m["id"]).first())["actual_on"] is None


def test_every_milestone_write_is_in_the_audit_trail(coordinator):
    project, m = first_open()
    coordinator.submit(url(project, m, "reschedule"), {"planned_on": "2027-03-01", "reason": "原因", "version": m["version"]})
    coordinator.submit(url(project, m, "done"), {"actual_on": "2026-11-27", "version": m["version"] + 1})
    events = run(AuditEvent.select().where(AuditEvent.entity == "milestone", AuditEvent.entity_id == m["id"]).order_by(AuditEvent.id))
    assert [e["action"] for e in events] == ["milestone_reschedule", "milestone_done"]
    assert all(e["user"] for e in events)


def test_a_milestone_of_another_project_is_a_404(coordinator):
    project, m = first_open()
    other = run(Project.select().where(Project.id != project["id"]).first())
    assert coordinator.submit(f"/projects/{other['id']}/milestones/{m['id']}/done", {"actual_on": "2026-11-27", "version": m["version"]}).status_code == 404


def test_milestones_of_a_paused_project_cannot_be_updated(coordinator):
    project = run(Project.select().where(Project.status == "paused").first())
    m = run(Milestone.select().where(Milestone.project == project["id"], Milestone.actual_on.is_null()).first())
    assert coordinator.submit(url(project, m, "done"), {"actual_on": "2026-11-27", "version": m["version"]}).status_code == 403


def test_pausing_needs_a_reason_and_cancelled_projects_stay_cancelled(coordinator):
    project, _m = first_open()
    response = coordinator.submit(f"/projects/{project['id']}/status", {"status": "paused", "reason": "", "version": project["version"]})
    assert response.status_code == 422
    ok = coordinator.submit(f"/projects/{project['id']}/status", {"status": "cancelled", "reason": "企业撤资", "version": project["version"]})
    assert ok.status_code in (302, 303)
    version = run(Project.select(Project.version).where(Project.id == project["id"]).first())["version"]
    again = coordinator.submit(f"/projects/{project['id']}/status", {"status": "active", "reason": "x", "version": version})
    assert again.status_code == 422
    assert run(Project.select(Project.status).where(Project.id == project["id"]).first())["status"] == "cancelled"
