"""The read API through the real app and database: tokens open it (cookies do not), scopes and the
district limit hold for every filter and id, revocation is effective at once, lists page by cursor,
ETags answer 304, errors are problem documents, and every read is counted."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import Client, run
from tracker.api import endpoints, queries, rules
from tracker.api.tables import ApiToken, ApiUsage
from tracker.app import create_app
from tracker.audit.tables import AuditEvent
from tracker.liaison.tables import Assignment
from tracker.projects import rules as project_rules
from tracker.projects.tables import Milestone, Project
from tracker.promises.tables import Promise
from tracker.settings import today


def issue(name: str = "platform", scopes=rules.SCOPES, district: int | None = None, expires: date | None = None) -> str:
    return run(queries.create_token(name, list(scopes), district, expires, None))[1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def all_ids(client: Client, token: str, **params) -> list[int]:
    """Every project id of a listing, following the cursor."""
    ids, cursor = [], None
    while True:
        query = {**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/projects", params=query, headers=bearer(token))
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [p["id"] for p in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return ids


def listed(*where) -> list[int]:
    rows = run(Project.select(Project.id).where(Project.merged_into.is_null(), *where).order_by(Project.id))
    return [r["id"] for r in rows]


def districts() -> list[int]:
    rows = run(Project.select(Project.district).where(Project.merged_into.is_null()))
    counts: dict[int, int] = {}
    for r in rows:
        counts[r["district"]] = counts.get(r["district"], 0) + 1
    return sorted(counts, key=lambda d: -counts[d])


# --- lists -------------------------------------------------------------------------------------


def test_the_cursor_pages_through_every_project_once_in_id_order(client):
    token = issue()
    ids = all_ids(client, token)
    assert ids == listed() and len(ids) > 7


def test_the_filters_are_the_project_lists_filters(client):
    token = issue()
    assert all_ids(client, token, colour="red") == listed(Project.colour == "red")
    assert all_ids(client, token, status="active", stage="construction") == listed(
        Project.status == "active", Project.stage == "construction")
    name = run(Project.select(Project.name).order_by(Project.id).first())["name"]
    assert all_ids(client, token, q=name[:4]) == listed(Project.name.like(f"%{name[:4]}%"))
    # the same filter on the staff's list page shows the same projects
    page = client.get("/api/v1/projects", params={"colour": "red", "status": "active", "limit": 500}, headers=bearer(token)).json()
    assert {p["colour"] for p in page["items"]} == {"red"} and {p["status"] for p in page["items"]} == {"active"}


def test_updated_since_gives_only_what_changed(client):
    token = issue()
    first = listed()[0]
    later = datetime.now(UTC) + timedelta(days=1)
    run(Project.update({Project.updated_at: later + timedelta(hours=1)}).where(Project.id == first))
    body = client.get("/api/v1/projects", params={"updated_since": later.isoformat()}, headers=bearer(token)).json()
    assert [p["id"] for p in body["items"]] == [first]


def test_updated_since_sees_changes_audited_against_a_project(client):
    """A fulfilment, a request answer or a meeting decision leaves the project row as it was but is
    audited with its project: incremental sync must still see the project."""
    from tracker.audit.tables import AuditEvent

    token = issue()
    second = listed()[1]
    later = datetime.now(UTC) + timedelta(days=1)
    run(AuditEvent.insert(AuditEvent(at=later + timedelta(hours=1), action="fulfilment_add", entity="promise", entity_id=1,
                                     project=second, changes={})))
    body = client.get("/api/v1/projects", params={"updated_since": later.isoformat()}, headers=bearer(token)).json()
    assert [p["id"] for p in body["items"]] == [second]


def test_a_bad_cursor_or_parameter_is_a_400_problem(client):
    token = issue()
    for params in ({"cursor": "nonsense!"}, {"limit": 0}, {"limit": 501}, {"colour": "purple"}, {"area": 2**31}):
        response = client.get("/api/v1/projects", params=params, headers=bearer(token))
        assert response.status_code == 400, params
        assert response.headers["content-type"].startswith("application/problem+json")


# --- one project ---------------------------------------------------------------------------


def test_one_project_carries_milestones_assignments_promises_requests_and_decisions(client):
    token = issue()
    promised = run(Promise.select(Promise.project).order_by(Promise.id).first())["project"]
    body = client.get(f"/api/v1/projects/{promised}", headers=bearer(token)).json()
    assert [m["id"] for m in body["milestones"]] == [
        m["id"] for m in run(Milestone.select(Milestone.id).where(Milestone.project == promised).order_by(Milestone.seq))]
    assert len(body["assignments"]) == run(Assignment.count().where(Assignment.project == promised))
    assert {a["role"] for a in body["assignments"]} >= {"lead_officer", "responsible_leader"}
    assert len(body["promises"]) == run(Promise.count().where(Promise.project == promised))
    assert all("fulfilments" in p for p in body["promises"])
    assert isinstance(body["requests"], list) and isinstance(body["decisions"], list)
    for r in body["requests"]:
        assert not any("attach" in key for key in r)


def test_an_unknown_project_is_a_404_problem(client):
    token = issue()
    for path in ("/api/v1/projects/999999", f"/api/v1/projects/{2**40}", "/api/v1/no/such/thing"):
        response = client.get(path, headers=bearer(token))
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


# --- scopes and districts --------------------------------------------------------------------


def test_a_token_reads_only_its_scopes(client):
    figures_only = issue("screen", ["figures"])
    response = client.get("/api/v1/projects", headers=bearer(figures_only))
    assert response.status_code == 403 and response.json()["type"].endswith("/forbidden")
    assert client.get(f"/api/v1/projects/{listed()[0]}", headers=bearer(figures_only)).status_code == 403
    assert client.get("/api/v1/figures", headers=bearer(figures_only)).status_code == 200
    projects_only = issue("sync", ["projects"])
    assert client.get("/api/v1/figures", headers=bearer(projects_only)).status_code == 403
    body = client.get(f"/api/v1/projects/{listed()[0]}", headers=bearer(projects_only)).json()
    assert body["milestones"] and body["promises"] is None and body["requests"] is None and body["decisions"] is None


def test_a_district_token_never_sees_another_districts_project(client):
    mine, *others = districts()
    token = issue("district", district=mine)
    ids = all_ids(client, token)
    assert ids == listed(Project.district == mine)
    for other in listed(Project.district != mine):
        response = client.get(f"/api/v1/projects/{other}", headers=bearer(token))
        assert response.status_code == 404, other
    figures = client.get("/api/v1/figures", headers=bearer(token)).json()
    active = run(Project.count().where(Project.district == mine, Project.status == "active"))
    assert figures["district_id"] == mine and sum(figures["by_colour"].values()) == active


AREAS = st.sampled_from([None, 0, 1, 2, 3, 5, 8, 13, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 40])


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(area=AREAS, colour=st.sampled_from([None, *project_rules.COLOURS]),
       status=st.sampled_from([None, *project_rules.PROJECT_STATUSES]), stage=st.sampled_from([None, *project_rules.STAGES]),
       q=st.sampled_from(["", "项目", "哈尔滨", "%", "_"]), green=st.booleans(), handover=st.sampled_from([None, "pending"]))
def test_no_filter_lets_a_district_token_out_of_its_district(db_token_client, area, colour, status, stage, q, green, handover):
    client, token, mine = db_token_client
    params = {k: v for k, v in {"area": area, "colour": colour, "status": status, "stage": stage, "q": q,
                                "green": str(green).lower(), "handover": handover}.items() if v not in (None, "")}
    response = client.get("/api/v1/projects", params={**params, "limit": 500}, headers=bearer(token))
    if area == 0:
        assert response.status_code == 400
        return
    assert response.status_code == 200, response.text
    assert {p["district_id"] for p in response.json()["items"]} <= {mine}


@pytest.fixture
def db_token_client(client):
    mine = districts()[0]
    return client, issue("district", district=mine), mine


# --- tokens: cookies, pages, revocation, expiry ----------------------------------------------------


def test_a_logged_in_session_does_not_open_the_api(as_role):
    admin = as_role("admin")
    assert admin.get("/admin/api-tokens/").status_code == 200  # the cookie works for pages
    response = admin.get("/api/v1/projects")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_token_does_not_open_pages(client):
    token = issue()
    for path in ("/", "/projects", "/admin/api-tokens/", f"/projects/{listed()[0]}"):
        response = client.get(path, headers=bearer(token), follow_redirects=False)
        assert response.status_code in (302, 303, 401) and response.headers.get("location", "").startswith("/login"), path


def test_revoking_a_token_closes_the_api_to_it_on_the_next_request(as_role):
    token = issue("to-revoke")
    api = Client(app=create_app())
    with api:
        assert api.get("/api/v1/projects", headers=bearer(token)).status_code == 200
        admin = as_role("admin")
        token_id = run(ApiToken.select(ApiToken.id).where(ApiToken.name == "to-revoke").first())["id"]
        assert admin.submit(f"/admin/api-tokens/{token_id}/revoke").status_code in (302, 303)
        response = api.get("/api/v1/projects", headers=bearer(token))
        assert response.status_code == 401
    event = run(AuditEvent.select().where(AuditEvent.action == "api_token_revoke").first())
    assert event["entity_id"] == token_id


def test_an_expired_or_unknown_token_opens_nothing(client):
    expired = issue("old", expires=today())
    run(ApiToken.update({ApiToken.expires_on: today() - timedelta(days=1)}).where(ApiToken.name == "old"))
    for token in (expired, "kpt_unknown", ""):
        assert client.get("/api/v1/", headers=bearer(token)).status_code == 401


# --- HTTP: ETag, problems, counting, rate limit -------------------------------------------------


def test_lists_and_items_answer_304_when_the_etag_matches(client):
    token = issue()
    for path in ("/api/v1/projects?colour=red", f"/api/v1/projects/{listed()[0]}", "/api/v1/figures"):
        first = client.get(path, headers=bearer(token))
        tag = first.headers["etag"]
        again = client.get(path, headers={**bearer(token), "If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
        assert client.get(path, headers={**bearer(token), "If-None-Match": '"stale"'}).status_code == 200
    changed_from = client.get(f"/api/v1/projects/{listed()[0]}", headers=bearer(token)).headers["etag"]
    run(Project.update({Project.description: "new words"}).where(Project.id == listed()[0]))
    assert client.get(f"/api/v1/projects/{listed()[0]}", headers={**bearer(token), "If-None-Match": changed_from}).status_code == 200


def test_problems_are_titled_in_chinese_and_english(client):
    response = client.get("/api/v1/projects")
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["status"] == 401 and problem["type"].endswith("/unauthorized")
    assert problem["title"] == problem["titles"]["zh"] == "需要有效的 API 令牌。"
    assert problem["titles"]["en"] == "A valid API token is required."
    english = client.get("/api/v1/projects", headers={"Accept-Language": "en-GB,en;q=0.8"}).json()
    assert english["title"] == "A valid API token is required."


def test_the_api_is_read_only(client):
    token = issue()
    response = client.post("/api/v1/projects", headers=bearer(token))
    assert response.status_code == 405 and response.headers["allow"].startswith("GET")
    assert response.headers["content-type"].startswith("application/problem+json")


def test_every_read_is_counted_per_token_and_day(client, as_role):
    token = issue("counted")
    for _ in range(3):
        client.get("/api/v1/projects?limit=1", headers=bearer(token))
    client.get("/api/v1/figures", headers=bearer(token))
    token_id = run(ApiToken.select(ApiToken.id).where(ApiToken.name == "counted").first())["id"]
    row = run(ApiUsage.select().where(ApiUsage.token == token_id).first())
    assert row["reads"] == 4 and row["day"] == today()
    page = as_role("admin").get("/admin/api-tokens/").text
    assert "counted" in page and "4 / 4" in page and "尚未使用" not in page.split("counted")[1].split("</tr>")[0]


def test_the_rate_limit_answers_429_with_retry_after(client, monkeypatch):
    small = rules.SlidingWindow(3, 60.0)
    monkeypatch.setattr(endpoints, "window", lambda: small)
    token = issue()
    assert [client.get("/api/v1/", headers=bearer(token)).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/", headers=bearer(token))
    assert response.status_code == 429 and int(response.headers["retry-after"]) >= 1
    assert response.json()["type"].endswith("/rate-limited")
    assert client.get("/api/v1/", headers=bearer(issue("another"))).status_code == 200  # per token


# --- the admin page and the command line -------------------------------------------------------


def test_an_admin_issues_a_token_shown_once_and_kept_hashed(as_role):
    admin = as_role("admin")
    district = districts()[0]
    response = admin.submit("/admin/api-tokens/", {"name": "省项目平台", "scopes": ["projects", "figures"], "district": str(district),
                                                   "expires_on": "2027-12-31"})
    assert response.status_code == 200
    token = response.text.split('id="token-value">')[1].split("<")[0]
    assert token.startswith("kpt_")
    row = run(ApiToken.select().where(ApiToken.name == "省项目平台").first())
    assert row["token_hash"] == rules.hash_token(token) and row["scopes"] == "projects,figures"
    assert row["district"] == district and row["expires_on"] == date(2027, 12, 31)
    assert token not in admin.get("/admin/api-tokens/").text
    event = run(AuditEvent.select().where(AuditEvent.action == "api_token_create").first())
    assert event["entity_id"] == row["id"]
    with Client(app=create_app()) as api:
        assert api.get("/api/v1/projects", headers=bearer(token)).status_code == 200
    again = admin.submit("/admin/api-tokens/", {"name": "省项目平台", "scopes": ["projects"]})
    assert again.status_code == 422 and "已有同名的有效令牌" in again.text


def test_only_admins_manage_tokens_and_a_token_needs_a_scope(as_role):
    assert as_role("coordinator").get("/admin/api-tokens/").status_code == 403
    admin = as_role("admin")
    assert admin.submit("/admin/api-tokens/", {"name": "x"}).status_code == 422
    assert admin.submit("/admin/api-tokens/", {"name": "x", "scopes": ["projects"], "expires_on": "2020-01-01"}).status_code == 422


def test_the_command_line_creates_and_revokes_tokens(db, capsys):
    from tracker import cli

    mine = districts()[0]
    cli.main(["token", "create", "--name", "12345 hotline", "--district", str(mine), "--expires", "2027-06-30"])
    token = capsys.readouterr().out.strip()
    with Client(app=create_app()) as api:
        body = api.get("/api/v1/", headers=bearer(token)).json()
        assert body["token"] == "12345 hotline" and body["district_id"] == mine
        with pytest.raises(SystemExit) as exit_:
            cli.main(["token", "create", "--name", "12345 hotline"])
        assert exit_.value.code == 2 and "already has this name" in capsys.readouterr().err
        cli.main(["token", "revoke", "12345 hotline"])
        assert "revoked" in capsys.readouterr().out
        assert api.get("/api/v1/", headers=bearer(token)).status_code == 401
    with pytest.raises(SystemExit) as exit_:
        cli.main(["token", "revoke", "12345 hotline"])
    assert exit_.value.code == 2
    actions = [e["action"] for e in run(AuditEvent.select(AuditEvent.action).where(AuditEvent.entity == "api_token"))]
    assert actions.count("api_token_create") == 1 and actions.count("api_token_revoke") == 1


def test_the_docs_page_is_for_token_holders_and_admins(client, as_role):
    token = issue()
    assert client.get("/api/v1/docs").status_code == 401
    page = client.get("/api/v1/docs", headers=bearer(token))
    assert page.status_code == 200 and "/api/v1/projects" in page.text and "updated_since" in page.text
    assert as_role("admin").get("/admin/api-tokens/docs").status_code == 200
    assert as_role("leader").get("/admin/api-tokens/docs").status_code == 403
