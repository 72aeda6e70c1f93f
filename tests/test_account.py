"""Changing one's password; a forced change on first login."""

import os
import subprocess
import sys

import pytest

from tests.helpers import Client, run
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User


def change(client, current, new, confirm=None):
    return client.submit("/account/password", {"current_password": current, "new_password": new, "confirm_password": confirm or new})


def test_a_user_changes_the_password_and_old_sessions_end(as_role, app):
    first = as_role("officer")
    second = as_role("officer")
    assert change(first, "tracker-demo", "a-much-better-secret").status_code in (302, 303)
    assert first.get("/projects").status_code == 200  # this session goes on
    assert second.get("/projects", follow_redirects=False).status_code in (302, 303)  # the other one ends
    assert run(AuditEvent.exists().where(AuditEvent.action == "password_change"))


@pytest.mark.parametrize(
    "current, new, confirm, message",
    [
        ("wrong", "a-much-better-secret", None, "当前密码错误"),
        ("tracker-demo", "short", None, "至少需要 10 位"),
        ("tracker-demo", "a-much-better-secret", "a-different-secret", "不一致"),
        ("tracker-demo", "officer-officer-1", None, "不能包含用户名"),
        ("tracker-demo", "tracker-demo", None, "不能与当前密码相同"),
    ],
)
def test_a_bad_new_password_is_refused_with_a_message(as_role, current, new, confirm, message):
    client = as_role("officer")
    before = run(User.select(User.password_hash).where(User.username == "officer").first())
    response = change(client, current, new, confirm)
    assert response.status_code == 422 and message in response.text
    assert run(User.select(User.password_hash).where(User.username == "officer").first()) == before


def test_a_user_created_for_an_enterprise_must_change_the_password_first(db, app):
    code = run(User.select(User.enterprise.credit_code).where(User.username == "enterprise").first())["enterprise.credit_code"]
    subprocess.run(
        [sys.executable, "-m", "tracker.cli", "user", "create", "--username", "qiye01", "--role", "enterprise",
         "--password", "first-time-pw", "--enterprise", code],
        check=True, env={**os.environ}, capture_output=True,
    )
    with Client(app=app) as client:
        assert client.login("qiye01", "first-time-pw").headers["location"] == "/account/password"
        assert client.get("/portal", follow_redirects=False).headers["location"] == "/account/password"
        assert change(client, "first-time-pw", "now-my-own-secret").headers["location"] == "/portal"
        assert client.get("/portal").status_code == 200
