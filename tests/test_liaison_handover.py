"""Handing a project to a successor, custody, the officer's page, departures (issue: one fixed lead)."""

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.liaison.tables import Assignment, Handover
from tracker.org.tables import Officer
from tracker.projects.tables import Project


def officer_of(username: str) -> int:
    return run(User.select(User.officer).where(User.username == username).first())["officer"]


def active_project_not_led_by(officer_id: int) -> dict:
    pending = {h["project"] for h in run(Handover.select(Handover.project).where(Handover.accepted_at.is_null()))}
    rows = run(Project.select().where(Project.status == "active", Project.lead_officer != officer_id).order_by(Project.id))
    return next(p for p in rows if p["id"] not in pending)


def hand(client, project, to_officer, reason="transfer", note="交接清单已移交", role="lead_officer", version=None):
    return client.submit(f"/projects/{project['id']}/handover/", {
        "role": role, "to_officer": to_officer, "reason": reason, "note": note,
        "version": project["version"] if version is None else version,
    })


def state(project_id: int):
    project = run(Project.select().where(Project.id == project_id).first())
    assignments = run(Assignment.select().where(Assignment.project == project_id).order_by(Assignment.id))
    return project, assignments


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def test_the_project_page_shows_the_team_and_its_succession(coordinator):
    handed = run(Handover.select().where(Handover.accepted_at.is_not_null()).first())
    page = coordinator.get(f"/projects/{handed['project']}").text
    assert 'id="succession"' in page and "包保领导" in page and "首签部门" in page
    assert handed["note"] in page


def test_the_handover_form_shows_each_candidates_workload(coordinator):
    project = active_project_not_led_by(officer_of("officer"))
    page = coordinator.get(f"/projects/{project['id']}/handover/?role=lead_officer").text
    assert "负责" in page and "个项目" in page


def test_a_handover_moves_the_lead_and_keeps_a_clean_chain_with_a_snapshot(coordinator):
    successor = officer_of("officer")
    project = active_project_not_led_by(successor)
    response = hand(coordinator, project, successor)
    assert response.status_code in (302, 303)
    after, assignments = state(project["id"])
    assert after["lead_officer"] == successor and after["version"] == project["version"] + 1
    leads = [a for a in assignments if a["role"] == "lead_officer"]
    assert [a["active"] for a in leads][-2:] == [False, True]
    assert leads[-2]["ended_on"] == leads[-1]["started_on"]
    handover = run(Handover.select().where(Handover.project == project["id"]).order_by(Handover.id, ascending=False).first())
    assert handover["from_officer"] == project["lead_officer"] and handover["accepted_at"] is None
    assert handover["snapshot"]  # open milestones at that moment
    import json

    snapshot = handover["snapshot"] if isinstance(handover["snapshot"], dict) else json.loads(handover["snapshot"])
    assert isinstance(snapshot["open_milestones"], list)
    assert run(AuditEvent.exists().where(AuditEvent.action == "handover", AuditEvent.entity_id == project["id"]))


def test_the_successor_sees_it_waiting_and_accepts_custody(coordinator, as_role):
    successor = officer_of("officer")
    project = active_project_not_led_by(successor)
    hand(coordinator, project, successor)
    handover = run(Handover.select().where(Handover.project == project["id"], Handover.accepted_at.is_null()).first())
    officer = as_role("officer")
    dashboard = officer.get("/").text
    assert 'id="waiting-for-me"' in dashboard and f'data-handover-id="{handover["id"]}"' in dashboard
    assert "0 个工作日" in dashboard
    assert f'data-handover-id="{handover["id"]}"' in coordinator.get("/").text  # pending, for coordinators
    response = officer.submit(f"/handovers/{handover['id']}/accept", {"next": "/"})
    assert response.status_code in (302, 303)
    assert run(Handover.select().where(Handover.id == handover["id"]).first())["accepted_at"] is not None
    assert run(AuditEvent.exists().where(AuditEvent.action == "handover_accept"))
    again = officer.submit(f"/handovers/{handover['id']}/accept")
    assert again.status_code == 409


def test_nobody_else_may_accept_a_handover(coordinator, as_role):
    successor = officer_of("officer")
    project = active_project_not_led_by(successor)
    hand(coordinator, project, successor)
    handover = run(Handover.select().where(Handover.project == project["id"], Handover.accepted_at.is_null()).first())
    assert coordinator.submit(f"/handovers/{handover['id']}/accept").status_code == 403
    assert as_role("leader").submit(f"/handovers/{handover['id']}/accept").status_code == 403
    assert run(Handover.select().where(Handover.id == handover["id"]).first())["accepted_at"] is None


def test_the_responsible_leader_is_handed_over_the_same_way(coordinator):
    project = active_project_not_led_by(officer_of("officer"))
    leader = run(Officer.select().where(Officer.is_leader == True, Officer.id != project["responsible_leader"]).first())  # noqa: E712
    assert hand(coordinator, project, leader["id"], role="responsible_leader").status_code in (302, 303)
    after, _ = state(project["id"])
    assert after["responsible_leader"] == leader["id"] and after["lead_officer"] == project["lead_officer"]


@pytest.mark.parametrize("case", ["same", "inactive", "not_a_leader", "no_reason", "unknown"])
def test_bad_handovers_are_refused_with_a_message_and_change_nothing(coordinator, case):
    project = active_project_not_led_by(officer_of("officer"))
    role, to, reason = "lead_officer", officer_of("officer"), "transfer"
    if case == "same":
        to = project["lead_officer"]
    elif case == "inactive":
        run(Officer.update({Officer.active: False}).where(Officer.id == to))
    elif case == "not_a_leader":
        role = "responsible_leader"
    elif case == "no_reason":
        reason = ""
    elif case == "unknown":
        to = 999999
    before = state(project["id"])
    response = hand(coordinator, project, to, reason=reason, role=role)
    assert response.status_code == 422
    assert 'class="invalid-feedback d-block"' in response.text
    assert state(project["id"]) == before


def test_only_coordinators_and_admins_hand_over(as_role):
    project = active_project_not_led_by(officer_of("officer"))
    for role in ("officer", "leader", "enterprise"):
        assert hand(as_role(role), project, officer_of("officer")).status_code == 403
        assert as_role(role).get(f"/projects/{project['id']}/handover/").status_code == 403


def test_a_handover_built_from_a_stale_page_is_a_conflict(coordinator):
    successor = officer_of("officer")
    project = active_project_not_led_by(successor)
    other = run(Officer.select().where(Officer.active == True, Officer.is_leader == False, Officer.id.not_in([successor, project["lead_officer"]])).first())  # noqa: E712
    assert hand(coordinator, project, successor).status_code in (302, 303)
    response = hand(coordinator, project, other["id"])  # same old version
    assert response.status_code == 409 and "他人已修改" in response.text
    assert state(project["id"])[0]["lead_officer"] == successor


def test_the_officer_page_shows_current_and_past_projects_workload_and_colours(as_role):
    handed = run(Handover.select().where(Handover.accepted_at.is_not_null()).first())
    page = as_role("leader").get(f"/officers/{handed['from_officer']}").text
    assert 'id="past"' in page
    project = run(Project.select(Project.name).where(Project.id == handed["project"]).first())
    past_section = page.split('id="past"')[1]
    assert project["name"] in past_section
    officer = officer_of("officer")
    page = as_role("leader").get(f"/officers/{officer}").text
    leads = run(Project.count().where(Project.lead_officer == officer, Project.status != "cancelled"))
    assert f'id="workload">{leads} / 7' in page


def test_the_project_list_filters_by_pending_handover(coordinator):
    pending = {h["project"] for h in run(Handover.select(Handover.project).where(Handover.accepted_at.is_null()))}
    assert pending
    html = coordinator.get("/projects?handover=pending&status=").text
    import re

    assert {int(i) for i in re.findall(r'data-project-id="(\d+)"', html)} == pending


# --- departures ---------------------------------------------------------------------------------


def held_by(officer_id: int):
    return run(Assignment.select().where(Assignment.officer == officer_id, Assignment.active == True, Assignment.project.status != "cancelled"))  # noqa: E712


def test_an_officer_who_still_leads_projects_cannot_be_deactivated(coordinator):
    officer = officer_of("officer")
    response = coordinator.submit(f"/officers/{officer}/deactivate")
    assert response.status_code == 409
    assert "仍负责项目" in response.text
    for a in held_by(officer):
        assert f'href="/projects/{a["project"]}"' in response.text
    assert run(Officer.select(Officer.active).where(Officer.id == officer).first())["active"]


def test_a_departure_hands_every_project_to_one_successor_then_deactivates(coordinator):
    leaving = officer_of("officer")
    held = held_by(leaving)
    assert held
    successor = run(Officer.select().where(Officer.active == True, Officer.is_leader == False, Officer.id != leaving).first())["id"]  # noqa: E712
    response = coordinator.submit(f"/officers/{leaving}/depart", {"successor_all": successor, "reason": "retirement", "note": "退休"})
    assert response.status_code in (302, 303), response.text
    assert not held_by(leaving)
    assert not run(Officer.select(Officer.active).where(Officer.id == leaving).first())["active"]
    for a in held:
        assert run(Project.select(Project.lead_officer).where(Project.id == a["project"]).first())["lead_officer"] == successor
    assert run(Handover.count().where(Handover.departure_of == leaving)) == len(held)


def test_a_departure_with_a_project_left_without_successor_changes_nothing(coordinator):
    leader = run(Officer.select().where(Officer.is_leader == True).order_by(Officer.id).first())  # noqa: E712
    held = held_by(leader["id"])
    assert len(held) >= 2
    other = run(Officer.select().where(Officer.is_leader == True, Officer.id != leader["id"]).first())  # noqa: E712
    # A successor for the first project only.
    first = held[0]
    response = coordinator.submit(f"/officers/{leader['id']}/depart", {f"successor_{first['project']}_{first['role']}": other["id"], "reason": "transfer"})
    assert response.status_code == 422 and "请选择继任者" in response.text
    assert len(held_by(leader["id"])) == len(held)
    assert run(Officer.select(Officer.active).where(Officer.id == leader["id"]).first())["active"]


def test_the_departure_page_lists_what_the_officer_leads_or_answers_for(coordinator):
    leader = run(Officer.select().where(Officer.is_leader == True).order_by(Officer.id).first())  # noqa: E712
    page = coordinator.get(f"/officers/{leader['id']}/depart").text
    for a in held_by(leader["id"]):
        assert f'name="successor_{a["project"]}_{a["role"]}"' in page
