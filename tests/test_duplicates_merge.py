"""One project, one record: the forms flag likely duplicates, and coordinators merge two records of
one project into a survivor that keeps everything; the other becomes a redirect."""

import json

import pytest

from tests.helpers import run
from tests.test_projects_create import form  # noqa: F401 - the create form's valid values
from tracker.audit.tables import AuditEvent
from tracker.liaison.tables import Assignment, Handover
from tracker.meetings.tables import ActionItem
from tracker.org.tables import Enterprise
from tracker.projects.tables import Milestone, MilestoneChange, Project
from tracker.promises.tables import Promise
from tracker.requests.tables import EnterpriseRequest


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def project(project_id: int) -> dict:
    return run(Project.select().where(Project.id == project_id).first())


def busy_projects() -> tuple[dict, dict]:
    """Two demo projects that each have promises, requests or action items to move."""
    with_promises = {p["project"] for p in run(Promise.select(Promise.project))}
    with_requests = {r["project"] for r in run(EnterpriseRequest.select(EnterpriseRequest.project))}
    absorbed_id = min(with_promises & with_requests) if with_promises & with_requests else min(with_promises)
    survivor = run(Project.select().where(Project.id != absorbed_id, Project.status == "active", Project.id.not_in(
        [h["project"] for h in run(Handover.select(Handover.project).where(Handover.accepted_at.is_null()))])).order_by(Project.id).first())
    return survivor, project(absorbed_id)


def settle_pending_handovers(project_id: int) -> None:
    from datetime import UTC, datetime

    run(Handover.update({Handover.accepted_at: datetime.now(UTC)}).where(Handover.project == project_id, Handover.accepted_at.is_null()))


def merge(client, survivor: dict, absorbed: dict, **extra):
    data = {"other": absorbed["id"], "keep": "this", "reason": "同一项目两次登记，企业统一社会信用代码录入有误", "confirm": "1",
            "version": survivor["version"], "other_version": absorbed["version"], **extra}
    return client.submit(f"/projects/{survivor['id']}/merge", data)


def test_the_create_form_shows_likely_duplicates_and_needs_a_confirmation(coordinator, form):  # noqa: F811
    existing = run(Project.select(Project.name, Project.enterprise).order_by(Project.id).first())
    form.update(name=existing["name"].replace("项目", "（一期）"), enterprise_id=existing["enterprise"])
    before = run(Project.count())
    response = coordinator.submit("/projects/", form)
    assert response.status_code == 422 and 'id="duplicate-candidates"' in response.text and existing["name"] in response.text
    assert "同一企业，名称相近" in response.text and run(Project.count()) == before
    response = coordinator.submit("/projects/", {**form, "different_project": "1"})
    assert response.status_code in (302, 303) and run(Project.count()) == before + 1


def test_the_same_name_under_another_enterprise_is_flagged_too(coordinator, form):  # noqa: F811
    existing = run(Project.select(Project.name, Project.enterprise).order_by(Project.id).first())
    other = run(Enterprise.select().where(Enterprise.id != existing["enterprise"]).first())
    form.update(name=existing["name"] + " ", enterprise_id=other["id"])
    response = coordinator.submit("/projects/", form)
    assert response.status_code == 422 and "名称相同，企业不同" in response.text


def test_renaming_a_project_to_another_ones_name_is_flagged_on_edit(coordinator):
    a, b = run(Project.select().order_by(Project.id).limit(2))
    data = {"name": b["name"], "enterprise_id": b["enterprise"], "industry": a["industry"], "district_id": a["district"], "park_id": a["park"] or "",
            "total_investment": str(a["total_investment"]), "level": a["level"], "description": "", "version": a["version"]}
    response = coordinator.submit(f"/projects/{a['id']}/edit", data)
    assert response.status_code == 422 and 'id="duplicate-candidates"' in response.text
    assert coordinator.submit(f"/projects/{a['id']}/edit", {**data, "different_project": "1"}).status_code in (302, 303)
    # An edit that keeps the name and enterprise is not asked again.
    same = {**data, "total_investment": "1", "version": a["version"] + 1}
    assert coordinator.submit(f"/projects/{a['id']}/edit", same).status_code in (302, 303)


def test_a_merge_moves_everything_to_the_survivor_and_leaves_a_redirect(coordinator):
    survivor, absorbed = busy_projects()
    settle_pending_handovers(absorbed["id"])
    absorbed = project(absorbed["id"])
    counts = {
        "promises": run(Promise.count().where(Promise.project == absorbed["id"])),
        "requests": run(EnterpriseRequest.count().where(EnterpriseRequest.project == absorbed["id"])),
        "actions": run(ActionItem.count().where(ActionItem.project == absorbed["id"])),
        "milestones": run(Milestone.count().where(Milestone.project == absorbed["id"])),
        "own_milestones": run(Milestone.count().where(Milestone.project == survivor["id"])),
        "assignments": run(Assignment.count().where(Assignment.project == absorbed["id"])),
        "own_assignments": run(Assignment.count().where(Assignment.project == survivor["id"])),
    }
    changes = run(MilestoneChange.count().where(MilestoneChange.milestone.project == absorbed["id"]))
    page = coordinator.get(f"/projects/{survivor['id']}/merge?other={absorbed['id']}")
    assert page.status_code == 200 and 'id="merge-preview"' in page.text
    response = merge(coordinator, survivor, absorbed)
    assert response.status_code in (302, 303) and response.headers["location"] == f"/projects/{survivor['id']}"
    assert run(Promise.count().where(Promise.project == survivor["id"])) >= counts["promises"] > 0
    assert run(EnterpriseRequest.count().where(EnterpriseRequest.project == absorbed["id"])) == 0
    assert run(ActionItem.count().where(ActionItem.project == absorbed["id"])) == 0
    moved = run(Milestone.select().where(Milestone.project == survivor["id"]))
    assert len(moved) == counts["milestones"] + counts["own_milestones"]
    assert run(MilestoneChange.count().where(MilestoneChange.milestone.project == survivor["id"])) >= changes
    # Each stage is counted once: the other record's milestones of the survivor's stages do not apply any more.
    parked = [m for m in moved if m["na_reason"].startswith("合并")]
    assert len(parked) == counts["milestones"]
    # One active holder per role on the survivor; the other record's holders ended today and moved along.
    active = run(Assignment.select().where(Assignment.project == survivor["id"], Assignment.active == True))  # noqa: E712
    assert len({a["role"] for a in active}) == len(active)
    assert run(Assignment.count().where(Assignment.project == survivor["id"])) == counts["assignments"] + counts["own_assignments"]
    gone = project(absorbed["id"])
    assert gone["merged_into"] == survivor["id"] and gone["status"] == "cancelled" and "同一项目" in gone["merge_reason"]
    assert coordinator.get(f"/projects/{absorbed['id']}", follow_redirects=False).headers["location"] == f"/projects/{survivor['id']}"
    listed = coordinator.get("/projects/?status=").text
    assert f'data-project-id="{absorbed["id"]}"' not in listed and f'data-project-id="{survivor["id"]}"' in listed
    events = {e["action"]: json.loads(e["changes"]) if isinstance(e["changes"], str) else e["changes"]
              for e in run(AuditEvent.select().where(AuditEvent.action.is_in(["merge", "merged_into"])))}
    assert events["merge"]["absorbed"] == absorbed["id"] and events["merged_into"]["survivor"] == survivor["id"]
    # The survivor's stage follows its own milestones by the usual rule.
    assert project(survivor["id"])["stage"] == survivor["stage"]


def test_a_merge_needs_a_confirmation_and_a_reason(coordinator):
    survivor, absorbed = busy_projects()
    response = merge(coordinator, survivor, absorbed, confirm="", reason="")
    assert response.status_code == 422 and project(absorbed["id"])["merged_into"] is None


def test_a_stale_page_does_not_merge(coordinator):
    survivor, absorbed = busy_projects()
    settle_pending_handovers(absorbed["id"])
    response = merge(coordinator, survivor, project(absorbed["id"]), other_version=0)
    assert response.status_code == 409 and project(absorbed["id"])["merged_into"] is None


def test_a_merged_record_is_not_merged_again_nor_into_itself(coordinator):
    survivor, absorbed = busy_projects()
    settle_pending_handovers(absorbed["id"])
    merge(coordinator, survivor, project(absorbed["id"]))
    again = merge(coordinator, project(survivor["id"]), project(absorbed["id"]))
    assert again.status_code == 422 and "已合并" in again.text
    itself = merge(coordinator, project(survivor["id"]), project(survivor["id"]))
    assert itself.status_code == 422


def test_only_coordinators_and_admins_merge(as_role):
    survivor, absorbed = busy_projects()
    for role in ("officer", "leader", "enterprise"):
        client = as_role(role)
        assert client.get(f"/projects/{survivor['id']}/merge").status_code == 403
        assert merge(client, survivor, absorbed).status_code == 403
    assert project(absorbed["id"])["merged_into"] is None
    page = as_role("coordinator").get(f"/projects/{survivor['id']}").text
    assert f'href="/projects/{survivor["id"]}/merge"' in page
    assert "/merge" not in as_role("officer").get(f"/projects/{survivor['id']}").text
