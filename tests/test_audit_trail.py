"""The audit trail is complete (old values, client address, logins and logouts) and cannot be
rewritten: the database itself refuses UPDATE and DELETE on it."""

import json
from datetime import datetime

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.db import engine
from tracker.meetings.tables import AgendaItem, Attendee, Meeting
from tracker.org.tables import Officer
from tracker.projects.tables import Milestone, Project
from tracker.settings import TIMEZONE


def changes(event) -> dict:
    return event["changes"] if isinstance(event["changes"], dict) else json.loads(event["changes"])


def last(action: str) -> dict:
    return run(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id, ascending=False).first())


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def meeting_in_progress(coordinator):
    chair = run(Officer.select().where(Officer.active == True).first())  # noqa: E712
    coordinator.submit("/meetings/", {"held_on": "2026-11-27", "chair": chair["id"], "attendees": [chair["id"]]})
    meeting = run(Meeting.select().order_by(Meeting.id, ascending=False).first())
    coordinator.submit(f"/meetings/{meeting['id']}/status", {"status": "in_progress", "version": meeting["version"]})
    return run(Meeting.select().where(Meeting.id == meeting["id"]).first())


def test_minutes_record_the_old_discussion_and_decision(coordinator):
    meeting = meeting_in_progress(coordinator)
    item = run(AgendaItem.select().where(AgendaItem.meeting == meeting["id"]).first())
    coordinator.submit(f"/meetings/{meeting['id']}/items/{item['id']}", {"discussion": "旧讨论", "decision": "旧决定", "version": item["version"]})
    coordinator.submit(f"/meetings/{meeting['id']}/items/{item['id']}", {"discussion": "新讨论", "decision": "新决定", "version": item["version"] + 1})
    event = changes(last("minutes"))
    assert event["was_discussion"] == "旧讨论" and event["was_decision"] == "旧决定"
    assert event["discussion"] == "新讨论" and event["decision"] == "新决定"
    assert last("minutes")["client"] == "testclient"


def test_attendance_records_old_and_new_values(coordinator):
    meeting = meeting_in_progress(coordinator)
    attendee = run(Attendee.select().where(Attendee.meeting == meeting["id"]).first())
    coordinator.submit(f"/meetings/{meeting['id']}/attendance", {f"attendance_{attendee['id']}": "delegate",
                                                                 f"delegate_{attendee['id']}": "张三",
                                                                 "attendance_version": meeting["attendance_version"]})
    recorded = json.loads(changes(last("attendance"))["changes"])
    assert recorded[str(attendee["id"])] == {"was": ["present", ""], "now": ["delegate", "张三"]}


def test_milestone_events_carry_their_project_for_the_projects_own_history(coordinator):
    project = run(Project.select().where(Project.status == "active").order_by(Project.id).first())
    m = run(Milestone.select().where(Milestone.project == project["id"], Milestone.actual_on.is_null()).first())
    coordinator.submit(f"/projects/{project['id']}/milestones/{m['id']}/reschedule",
                       {"planned_on": "2027-06-30", "reason": "审批延迟", "version": m["version"]})
    assert last("milestone_reschedule")["project"] == project["id"]
    page = coordinator.get(f"/projects/{project['id']}/history").text
    assert "milestone_reschedule" in page and "审批延迟" in page
    other = run(Project.select().where(Project.id != project["id"]).first())
    assert "审批延迟" not in coordinator.get(f"/projects/{other['id']}/history").text


@pytest.mark.parametrize("sql", ["UPDATE audit_event SET action = 'rewritten'", "DELETE FROM audit_event"])
def test_the_database_refuses_to_rewrite_or_delete_the_audit_trail(as_role, sql):
    as_role("coordinator")  # a login writes an event
    before = run(AuditEvent.count())
    assert before > 0
    with pytest.raises(Exception, match="append-only"):
        run(engine().run_ddl(sql))
    assert run(AuditEvent.count()) == before
    assert not run(AuditEvent.exists().where(AuditEvent.action == "rewritten"))


def test_the_admin_audit_page_filters_by_who_what_project_and_date(as_role):
    admin = as_role("admin")
    coordinator = as_role("coordinator")
    project = run(Project.select().where(Project.status == "active").order_by(Project.id).first())
    m = run(Milestone.select().where(Milestone.project == project["id"], Milestone.actual_on.is_null()).first())
    coordinator.submit(f"/projects/{project['id']}/milestones/{m['id']}/reschedule",
                       {"planned_on": "2027-06-30", "reason": "筛选测试", "version": m["version"]})
    coordinator_id = run(User.select().where(User.username == "coordinator").first())["id"]
    page = admin.get("/admin/audit/", params={"user": coordinator_id, "entity": "milestone", "project": project["id"],
                                              "since": "2026-01-01", "until": datetime.now(TIMEZONE).date().isoformat()}).text
    assert "筛选测试" in page and page.count("data-event-id=") == 1
    assert "筛选测试" not in admin.get("/admin/audit/", params={"entity": "promise"}).text
    assert "筛选测试" not in admin.get("/admin/audit/", params={"until": "2020-01-01"}).text
    assert admin.get("/admin/audit/", params={"since": "not-a-date"}).status_code == 422
    for role in ("coordinator", "officer", "leader", "enterprise"):
        assert as_role(role).get("/admin/audit/").status_code == 403
