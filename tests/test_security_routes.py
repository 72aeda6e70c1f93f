"""Every route, enumerated from the app itself: an enterprise user reaches only its own data.

A new route is covered automatically: it is either on the short list an enterprise may open
(each scoped to the user's own enterprise and tested elsewhere) or it must refuse the other
enterprise's ids with 403 or 404. A new kind of path parameter fails the test until it is given
an id here.
"""

import io
import re
from datetime import UTC, date, datetime

from PIL import Image

from tests.helpers import run
from tracker.app import create_app
from tracker.approvals import queries as approval_queries
from tracker.approvals.tables import ProcedureType
from tracker.auth.tables import User
from tracker.liaison.tables import Handover
from tracker.meetings.tables import ActionItem, AgendaItem, Meeting
from tracker.notices.tables import Notice
from tracker.projects.tables import Milestone, Project
from tracker.promises.tables import Promise
from tracker.requests.tables import Attachment, EnterpriseRequest

# Routes an enterprise user may open; none takes an object id in its path.
ENTERPRISE_MAY_OPEN = {
    ("GET", "/"), ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("GET", "/lang/{code:str}"),
    ("GET", "/account/password"), ("POST", "/account/password"), ("GET", "/healthz"), ("GET", "/static/{file_path:path}"),
    ("GET", "/portal"), ("GET", "/portal/requests"), ("GET", "/portal/requests/new"), ("POST", "/portal/requests"),
    # Reminders: each user's own notices and channel choices (tests/test_notices_pages.py checks they are only the user's own).
    ("GET", "/notices"), ("GET", "/notices/bell"), ("POST", "/notices/read-all"),
    ("GET", "/account/notifications"), ("POST", "/account/notifications"),
}


def routes() -> list[tuple[str, str]]:
    out = []
    for route in create_app().routes:
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                out.append((method, route.path))
    return sorted(set(out))


def other_enterprises_ids(as_role) -> dict[str, int]:
    """Ids of objects that belong to the demo enterprise (not to enterprise2)."""
    owner = run(User.select().where(User.username == "enterprise").first())
    project = run(Project.select().where(Project.enterprise == owner["enterprise"]).order_by(Project.id).first())
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG")
    as_role("enterprise").submit("/portal/requests/", {"project": project["id"], "category": "other", "description": "带附件的诉求"},
                                 files=[("files", ("a.png", buffer.getvalue(), "image/png"))])
    request = run(EnterpriseRequest.select().where(EnterpriseRequest.enterprise == owner["enterprise"]).order_by(EnterpriseRequest.id, ascending=False).first())
    meeting = run(Meeting.select().first())
    catalogue = run(ProcedureType.select().order_by(ProcedureType.id).first())
    return {
        "project_id": project["id"],
        "milestone_id": run(Milestone.select().where(Milestone.project == project["id"]).first())["id"],
        "promise_id": run(Promise.select().where(Promise.project == project["id"]).first())["id"],
        "request_id": request["id"],
        "attachment_id": run(Attachment.select().where(Attachment.request == request["id"]).first())["id"],
        "enterprise_id": owner["enterprise"],
        "officer_id": project["lead_officer"],
        "meeting_id": meeting["id"],
        "item_id": run(AgendaItem.select().where(AgendaItem.meeting == meeting["id"]).first())["id"],
        "action_id": run(ActionItem.select().first())["id"],
        "handover_id": run(Handover.select().first())["id"],
        "day_id": 1,
        "department_id": project["district"],
        "user_id": owner["id"],
        "template_id": project["template"],
        "view_id": 1,  # staff only: an enterprise never has a saved view
        "batch_id": 1,  # an Excel import: coordinators and admins only
        "notice_id": run(Notice.insert(Notice(rule="fulfilment_to_confirm", object_kind="promise", object_id=1, recipient=f"user:{owner['id']}",
                                              user=owner["id"], day=date(2026, 11, 27), project=project["id"], link="/portal",
                                              created_at=datetime.now(UTC))).returning(Notice.id))[0]["id"],
        "delivery_id": 1,  # administrators only
        "token_id": 1,  # an API token: administrators only
        # Approval procedures and utility connections (staff pages; the portal serves the signed
        # authorisation of the enterprise's own procedure, so this one carries a file).
        "procedure_id": run(approval_queries.create(project["id"], approval_queries.Fields(
            catalogue["id"], catalogue["department"], None, catalogue["time_limit_workdays"], None, None, None, None, None, "", ""),
            approval_queries.Upload("授权委托书.png", "image/png", buffer.getvalue()), owner["id"])),
        "connection_id": 1,
        # Visits and satisfaction callbacks: staff pages (the demo has both).
        "visit_id": 1,
        "callback_id": 1,
    }


def fill(path: str, ids: dict[str, int]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        assert name in ids, f"route {path}: give the security test an id for {{{name}}}"
        return str(ids[name])

    return re.sub(r"\{(\w+):\w+\}", replace, path)


def test_the_route_list_is_what_this_test_knows(as_role):
    all_routes = routes()
    assert len(all_routes) > 50
    assert not [r for r in all_routes if r[1].startswith("/schema")], "no API schema is published"
    assert ENTERPRISE_MAY_OPEN <= set(all_routes), ENTERPRISE_MAY_OPEN - set(all_routes)


def test_another_enterprise_is_refused_on_every_route_that_names_an_object(as_role):
    ids = other_enterprises_ids(as_role)
    intruder = as_role("enterprise2")
    token = intruder.csrf()
    checked = []
    for method, path in routes():
        if (method, path) in ENTERPRISE_MAY_OPEN:
            continue
        if path.startswith("/api/"):
            # The read API opens to bearer tokens only: any session gets 401, a writing method 405 (tests/test_api_*.py).
            response = intruder.request(method, re.sub(r"\{\w+:\w+\}", "1", path), follow_redirects=False)
            assert response.status_code in (401, 405), f"{method} {path} answered {response.status_code}"
            continue
        url = fill(path, ids)
        if method == "GET":
            response = intruder.get(url, follow_redirects=False)
        else:
            response = intruder.request(method, url, data={"_csrf_token": token, "version": 1, "answer": "confirmed"}, follow_redirects=False)
        assert response.status_code in (403, 404), f"{method} {url} answered {response.status_code}"
        checked.append(path)
    assert any(p.startswith("/portal/") for p in checked) and any(p.startswith("/requests/") for p in checked)
    assert {"/admin/departments/{department_id:int}", "/admin/officers/{officer_id:int}", "/admin/users/{user_id:int}"} <= set(checked)


def test_the_owner_opens_the_same_portal_urls_so_the_refusals_above_are_about_ownership(as_role):
    ids = other_enterprises_ids(as_role)
    owner = as_role("enterprise")
    portal_gets = [p for m, p in routes() if m == "GET" and p.startswith("/portal/") and "{" in p]
    assert len(portal_gets) >= 3
    for path in portal_gets:
        assert owner.get(fill(path, ids)).status_code == 200, path


def test_what_the_intruder_refused_is_unchanged(as_role):
    ids = other_enterprises_ids(as_role)
    before = run(Promise.select().where(Promise.id == ids["promise_id"]).first())
    request_before = run(EnterpriseRequest.select().where(EnterpriseRequest.id == ids["request_id"]).first())
    intruder = as_role("enterprise2")
    intruder.submit(f"/portal/promises/{ids['promise_id']}/answer", {"answer": "disputed", "answer_reason": "x", "version": before["version"]})
    intruder.submit(f"/portal/requests/{ids['request_id']}/feedback", {"solved": "no", "satisfaction": 1, "feedback": "x", "version": request_before["version"]})
    assert run(Promise.select().where(Promise.id == ids["promise_id"]).first()) == before
    assert run(EnterpriseRequest.select().where(EnterpriseRequest.id == ids["request_id"]).first()) == request_before


def test_enterprise_lists_show_only_its_own_requests(as_role):
    other_enterprises_ids(as_role)
    mine = as_role("enterprise2").get("/portal/requests").text
    assert "带附件的诉求" not in mine
    assert "带附件的诉求" in as_role("enterprise").get("/portal/requests").text
