"""Each role's allowed and refused routes, checked on the server."""

import pytest

from tests.helpers import run
from tracker.projects.tables import Project

GET_ROUTES = {
    "/": {"admin": 200, "coordinator": 200, "officer": 200, "leader": 200, "enterprise": 302},
    "/projects": {"admin": 200, "coordinator": 200, "officer": 200, "leader": 200, "enterprise": 403},
    "/projects/1": {"admin": 200, "coordinator": 200, "officer": 200, "leader": 200, "enterprise": 403},
    "/projects/new": {"admin": 200, "coordinator": 200, "officer": 403, "leader": 403, "enterprise": 403},
    "/enterprises/options?q=哈尔滨": {"admin": 200, "coordinator": 200, "officer": 403, "leader": 403, "enterprise": 403},
    "/account/password": {"admin": 200, "coordinator": 200, "officer": 200, "leader": 200, "enterprise": 200},
    "/portal": {"admin": 403, "coordinator": 403, "officer": 403, "leader": 403, "enterprise": 200},
}


@pytest.mark.parametrize("role", ["admin", "coordinator", "officer", "leader", "enterprise"])
def test_each_role_opens_only_its_pages(as_role, role):
    client = as_role(role)
    for url, expected in GET_ROUTES.items():
        response = client.get(url, follow_redirects=False)
        assert response.status_code == expected[role], (role, url)


def test_a_refusal_is_a_page_with_a_reason(as_role):
    response = as_role("leader").get("/projects/new")
    assert response.status_code == 403
    assert "<html" in response.text and "无权" in response.text


def test_a_wrong_id_is_a_404_page(as_role):
    response = as_role("coordinator").get("/projects/999999")
    assert response.status_code == 404
    assert "<html" in response.text


def _open_milestone(project_id: int):
    from tracker.projects.tables import Milestone

    return run(Milestone.select().where(Milestone.project == project_id, Milestone.actual_on.is_null()).order_by(Milestone.seq).first())


def test_a_leader_cannot_update_milestones(as_role):
    p = run(Project.select().where(Project.status == "active").first())
    m = _open_milestone(p["id"])
    client = as_role("leader")
    response = client.submit(f"/projects/{p['id']}/milestones/{m['id']}/done", {"actual_on": "2026-11-27", "version": m["version"]})
    assert response.status_code == 403


def test_an_officer_updates_only_the_projects_they_lead(as_role):
    from tracker.auth.tables import User

    officer = run(User.select(User.officer).where(User.username == "officer").first())["officer"]
    mine = run(Project.select().where(Project.lead_officer == officer, Project.status == "active").first())
    other = run(Project.select().where(Project.lead_officer != officer, Project.status == "active").first())
    client = as_role("officer")
    m = _open_milestone(other["id"])
    assert client.submit(f"/projects/{other['id']}/milestones/{m['id']}/done", {"actual_on": "2026-11-27", "version": m["version"]}).status_code == 403
    m = _open_milestone(mine["id"])
    # The demo links approval procedures still open to this milestone, so completing it is confirmed (issue 17).
    assert client.submit(f"/projects/{mine['id']}/milestones/{m['id']}/done", {"actual_on": "2026-11-27", "version": m["version"],
                                                                               "confirm_out_of_order": "1"}).status_code in (302, 303)


def test_only_coordinators_and_admins_create_projects(as_role):
    assert as_role("officer").submit("/projects/", {"name": "x"}).status_code == 403
    assert as_role("leader").submit("/projects/", {"name": "x"}).status_code == 403
