from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import LoginAttempt, User


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get("/projects", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login?next=/projects"


def test_login_with_the_demo_password_lands_on_the_dashboard(client):
    response = client.login("coordinator")
    assert response.headers["location"] == "/"
    assert client.get("/").status_code == 200


def test_login_returns_to_the_page_asked_for(client):
    response = client.post("/login", data={"username": "officer", "password": "tracker-demo", "next": "/projects?stage=land", "_csrf_token": client.csrf()}, follow_redirects=False)
    assert response.headers["location"] == "/projects?stage=land"


def test_login_never_redirects_off_site(client):
    response = client.post("/login", data={"username": "officer", "password": "tracker-demo", "next": "//evil.example/x", "_csrf_token": client.csrf()}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_an_enterprise_user_lands_on_the_portal(client):
    assert client.login("enterprise").headers["location"] == "/portal"


def test_a_wrong_password_is_refused_with_a_message(client):
    response = client.post("/login", data={"username": "officer", "password": "nope", "_csrf_token": client.csrf()})
    assert response.status_code == 400
    assert "用户名或密码错误" in response.text
    assert 'value="officer"' in response.text


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    for _ in range(5):
        client.post("/login", data={"username": "officer", "password": "nope", "_csrf_token": client.csrf()})
    response = client.post("/login", data={"username": "officer", "password": "tracker-demo", "_csrf_token": client.csrf()})
    assert response.status_code == 400
    assert "登录失败次数过多" in response.text
    outcomes = [r["outcome"] for r in run(LoginAttempt.select(LoginAttempt.outcome).where(LoginAttempt.username == "officer")
                                          .order_by(LoginAttempt.id))]
    assert outcomes == ["wrong_password"] * 5 + ["locked"]


def test_failed_logins_are_audited(client):
    client.post("/login", data={"username": "officer", "password": "nope", "_csrf_token": client.csrf()})
    events = run(AuditEvent.select().where(AuditEvent.action == "login_failed"))
    assert len(events) == 1


def test_passwords_are_stored_as_argon2_hashes(db):
    user = run(User.select(User.password_hash).where(User.username == "admin").first())
    assert user["password_hash"].startswith("$argon2")


def test_a_post_without_the_csrf_token_is_refused(client):
    client.login("coordinator")
    response = client.post("/projects/1/milestones/2/done", data={"actual_on": "2026-11-27", "version": "1"})
    assert response.status_code == 403


def test_login_itself_needs_the_csrf_token(client):
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": "tracker-demo"})
    assert response.status_code == 403


def test_logout_ends_the_session(client):
    client.login("coordinator")
    client.submit("/logout")
    assert client.get("/projects", follow_redirects=False).status_code in (302, 303)


def test_a_deactivated_user_loses_the_session(client):
    client.login("officer")
    run(User.update({User.active: False}).where(User.username == "officer"))
    assert client.get("/projects", follow_redirects=False).status_code in (302, 303)


def test_an_htmx_request_without_a_session_is_told_to_redirect(client):
    response = client.get("/projects", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"
