"""Sessions end on the server (logout, password change, deactivation, "end all"), every response
carries the security headers, the login does not tell who has an account, CSRF tokens rotate at
login, and the files the app keeps are readable only by their owner."""

import json
import os
import re
import stat
import statistics
import time
from pathlib import Path

import pytest

from tests.helpers import Client, run
from tracker.app import create_app
from tracker.audit.tables import AuditEvent
from tracker.auth import sessions
from tracker.auth.tables import User
from tracker.projects.tables import Project
from tracker.security import security_headers
from tracker.settings import engine_from_url, private_dir, write_private


def cookie_jar(client) -> dict:
    return {c.name: c.value for c in client.cookies.jar}


def fresh_client_with(cookies: dict) -> Client:
    c = Client(app=create_app())
    c.__enter__()
    for name, value in cookies.items():
        c.cookies.set(name, value)
    return c


def is_logged_out(client) -> bool:
    response = client.get("/projects/", follow_redirects=False)
    return response.status_code in (302, 303) and response.headers["location"].startswith("/login")


# --- sessions ------------------------------------------------------------------------------


def test_a_cookie_saved_before_logout_no_longer_opens_any_page(as_role):
    client = as_role("coordinator")
    saved = cookie_jar(client)
    client.submit("/logout")
    replay = fresh_client_with(saved)
    try:
        assert is_logged_out(replay)
    finally:
        replay.__exit__(None, None, None)
    assert run(AuditEvent.exists().where(AuditEvent.action == "logout"))


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(as_role):
    here, elsewhere = as_role("officer"), as_role("officer")
    response = here.submit("/account/password", {"current_password": "tracker-demo", "new_password": "a-much-longer-secret",
                                                  "confirm_password": "a-much-longer-secret"})
    assert response.status_code in (302, 303)
    assert is_logged_out(elsewhere)
    assert not is_logged_out(here)


def test_deactivating_a_user_or_ending_all_sessions_takes_effect_at_once(as_role):
    officer, leader = as_role("officer"), as_role("leader")
    run(User.update({User.active: False}).where(User.username == "officer"))
    assert is_logged_out(officer)
    leader_id = run(User.select(User.id).where(User.username == "leader").first())["id"]
    assert run(sessions.end_all(leader_id, "ended_by_admin")) == 1
    assert is_logged_out(leader)


def test_a_forged_or_unknown_session_key_is_nobody(client):
    assert run(sessions.user_of("not-a-real-key")) is None
    assert run(sessions.user_of(None)) is None


# --- CSRF -----------------------------------------------------------------------------------


def test_the_csrf_token_changes_at_login_and_the_old_one_is_refused(client):
    before = client.csrf()
    client.login("coordinator")
    after = client.cookies.get("csrftoken")
    assert after and after != before
    project = run(Project.select().first())
    refused = client.post(f"/projects/{project['id']}/status", data={"status": "paused", "reason": "x", "version": "1",
                                                                    "_csrf_token": before}, follow_redirects=False)
    assert refused.status_code == 403


# --- the login does not tell who has an account ---------------------------------------------


def attempt(client, username, password="wrong-password"):
    started = time.perf_counter()
    response = client.post("/login", data={"username": username, "password": password, "_csrf_token": client.csrf()})
    return response, time.perf_counter() - started


def test_unknown_and_existing_usernames_answer_alike_in_words_and_status(client):
    known, _ = attempt(client, "officer")
    unknown, _ = attempt(client, "nobody-here")
    assert known.status_code == unknown.status_code == 400
    message = re.search(r'role="alert">([^<]*)<', known.text).group(1)
    assert message == re.search(r'role="alert">([^<]*)<', unknown.text).group(1)


def test_an_unknown_username_is_locked_out_like_an_existing_one(client):
    for name in ("officer", "nobody-here"):
        for _ in range(5):
            attempt(client, name)
    known, _ = attempt(client, "officer")
    unknown, _ = attempt(client, "nobody-here")
    assert "登录失败次数过多" in known.text and "登录失败次数过多" in unknown.text
    assert re.search(r'role="alert">([^<]*)<', known.text).group(1) == re.search(r'role="alert">([^<]*)<', unknown.text).group(1)


def test_an_unknown_username_takes_as_long_as_a_wrong_password(client):
    """Both pay one argon2 check. Medians of four, compared as a ratio (the machine is noisy)."""
    known = statistics.median(attempt(client, "officer")[1] for _ in range(4))
    unknown = statistics.median(attempt(client, f"ghost-{i}")[1] for i in range(4))
    assert unknown > 0.5 * known, (unknown, known)


def test_failed_logins_of_unknown_and_locked_accounts_are_audited_with_the_client_address(client):
    attempt(client, "nobody-here")
    for _ in range(6):
        attempt(client, "leader")
    events = run(AuditEvent.select().where(AuditEvent.action == "login_failed").order_by(AuditEvent.id))
    outcomes = [e["changes"] if isinstance(e["changes"], dict) else json.loads(e["changes"]) for e in events]
    assert {"username": "nobody-here", "outcome": "unknown_user"} in outcomes
    assert outcomes[-1] == {"username": "leader", "outcome": "locked"}
    assert all(e["client"] == "testclient" for e in events)


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/projects/", "/static/css/app.css", "/no-such-page", "/login", "/projects/1/history"])
def test_every_response_carries_the_security_headers(as_role, path):
    response = as_role("coordinator").get(path, follow_redirects=False)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    if path.startswith("/static/"):
        assert "no-store" not in response.headers["cache-control"]
    else:
        assert response.headers["cache-control"] == "no-store"


def test_hsts_is_sent_when_cookies_are_secure():
    assert ("strict-transport-security" in dict((k.decode(), v) for k, v in security_headers("/", True)))
    assert ("strict-transport-security" not in dict((k.decode(), v) for k, v in security_headers("/", False)))


@pytest.mark.parametrize("role,paths", [
    ("coordinator", ["/", "/projects/", "/projects/1", "/promises/", "/promises/credibility", "/meetings/", "/meetings/1",
                     "/action-items/", "/requests/", "/officers/", "/briefings/", "/projects/new"]),
    ("admin", ["/admin/calendar/", "/admin/audit/"]),
    ("enterprise", ["/portal", "/portal/requests", "/portal/requests/new"]),
])
def test_pages_have_no_inline_script_or_style_so_they_work_under_the_policy(as_role, role, paths):
    client = as_role(role)
    for path in paths:
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
    assert '"includeIndicatorStyles":false' in html


# --- files readable only by their owner -----------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_sqlite_database_and_its_folder_are_readable_only_by_the_owner(tmp_path):
    target = tmp_path / "new-var" / "tracker.sqlite"
    engine_from_url(f"sqlite:///{target}")
    assert mode(target) == 0o600 and mode(target.parent) == 0o700


def test_private_files_ignore_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        write_private(tmp_path / "secret.key", b"x")
        folder = private_dir(tmp_path / "uploads")
    finally:
        os.umask(old)
    assert mode(tmp_path / "secret.key") == 0o600 and mode(folder) == 0o700


def test_uploaded_attachments_are_stored_readable_only_by_the_owner(as_role):
    from tracker.projects.tables import Project
    from tracker.requests.tables import Attachment
    from tracker.settings import get_settings

    owner = run(User.select().where(User.username == "enterprise").first())
    project = run(Project.select().where(Project.enterprise == owner["enterprise"]).first())
    as_role("enterprise").submit("/portal/requests/", {"project": project["id"], "category": "other", "description": "附件权限"},
                                 files=[("files", ("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"))])
    stored = run(Attachment.select().order_by(Attachment.id, ascending=False).first())["stored_name"]
    from tracker.requests.files import path_for

    assert mode(path_for(get_settings().upload_dir, stored)) == 0o600
