"""The enterprise's first view: its own projects only."""

from tests.helpers import run
from tracker.auth.tables import User
from tracker.projects.tables import Project


def own_and_other():
    users = {u["username"]: u for u in run(User.select())}
    own = run(Project.select().where(Project.enterprise == users["enterprise"]["enterprise"]))
    other = run(Project.select().where(Project.enterprise == users["enterprise2"]["enterprise"]))
    return own, other


def test_an_enterprise_sees_its_projects_with_its_fixed_contact(as_role):
    own, other = own_and_other()
    page = as_role("enterprise").get("/portal").text
    for p in own:
        assert p["name"] in page
    for p in other:
        assert p["name"] not in page
    assert "您的固定联系人" in page


def test_an_enterprise_cannot_open_another_enterprises_project(as_role):
    own, other = own_and_other()
    client = as_role("enterprise")
    assert client.get(f"/portal/projects/{own[0]['id']}").status_code == 200
    assert client.get(f"/portal/projects/{other[0]['id']}").status_code == 404
    assert client.get(f"/projects/{other[0]['id']}").status_code == 403
    assert client.get(f"/projects/{own[0]['id']}").status_code == 403


def test_an_enterprise_cannot_write_to_staff_routes(as_role):
    own, _other = own_and_other()
    client = as_role("enterprise")
    response = client.submit(f"/projects/{own[0]['id']}/milestones/1/done", {"actual_on": "2026-11-27", "version": 1})
    assert response.status_code == 403
