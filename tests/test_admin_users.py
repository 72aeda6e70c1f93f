"""Staff logins (/admin/users): one-time passwords, roles, officer links, locks, sessions, the last admin."""

import re

import pytest

from tests.helpers import Client, run
from tracker.app import create_app
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User, UserSession
from tracker.org.tables import Officer
from tracker.web import from_json


def user(username: str) -> dict | None:
    return run(User.select().where(User.username == username).first())


def all_users() -> list[dict]:
    return run(User.select().order_by(User.id))


def unlinked_officer() -> int:
    """An active officer no login is linked to."""
    linked = {u["officer"] for u in all_users()}
    return next(o["id"] for o in run(Officer.select(Officer.id).where(Officer.active == True).order_by(Officer.id))  # noqa: E712
                if o["id"] not in linked)


def last_audit(entity_id: int) -> dict:
    event = run(AuditEvent.select().where(AuditEvent.entity == "user", AuditEvent.entity_id == entity_id)
                .order_by(AuditEvent.id, ascending=False).first())
    return {**event, "changes": from_json(event["changes"])}


def one_time_password(response) -> str:
    return re.search(r'id="one-time-password">([^<]+)<', response.text).group(1)


def log_in(username: str, password: str):
    """A fresh browser; returns (client, login response). Close it with client.__exit__."""
    client = Client(app=create_app())
    client.__enter__()
    response = client.post("/login", data={"username": username, "password": password, "_csrf_token": client.csrf()},
                           follow_redirects=False)
    return client, response


@pytest.fixture
def admin(as_role):
    return as_role("admin")


def test_a_new_staff_user_gets_a_one_time_password_shown_once_that_forces_a_new_one(admin):
    officer = unlinked_officer()
    response = admin.submit("/admin/users/", {"username": "zhang.wei", "display_name": "张伟", "role": "coordinator",
                                              "officer": officer})
    assert response.status_code == 200
    password = one_time_password(response)
    row = user("zhang.wei")
    assert (row["role"], row["officer"], row["must_change_password"], row["active"]) == ("coordinator", officer, True, True)
    assert password not in admin.get(f"/admin/users/{row['id']}").text
    event = last_audit(row["id"])
    assert event["action"] == "create" and event["changes"]["role_after"] == "coordinator"
    assert password not in str(event["changes"])
    client, login = log_in("zhang.wei", password)
    try:
        assert login.headers["location"] == "/account/password"
        assert client.get("/admin/users", follow_redirects=False).headers["location"] == "/account/password"
        changed = client.submit("/account/password", {"current_password": password, "new_password": "zhang-wei-2026-ok",
                                                      "confirm_password": "zhang-wei-2026-ok"})
        assert changed.status_code in (302, 303)
        assert client.get("/admin/users").status_code == 200
    finally:
        client.__exit__(None, None, None)
    again, refused = log_in("zhang.wei", password)
    again.__exit__(None, None, None)
    assert refused.status_code == 400


def test_the_officer_role_needs_a_linked_officer(admin):
    before = all_users()
    response = admin.submit("/admin/users/", {"username": "wang.fang", "display_name": "王芳", "role": "officer"})
    assert response.status_code == 422 and 'id="officer-error"' in response.text and "必须关联人员" in response.text
    assert all_users() == before


def test_a_taken_or_malformed_username_is_refused_with_a_field_message(admin):
    before = all_users()
    for taken in ("admin", "Admin", "ENTERPRISE"):
        response = admin.submit("/admin/users/", {"username": taken, "display_name": "重复", "role": "leader"})
        assert response.status_code == 422 and "该用户名已被使用" in response.text, taken
    for bad in ("张三", "a b", "../x", "li@hrb"):
        response = admin.submit("/admin/users/", {"username": bad, "display_name": "x", "role": "leader"})
        assert response.status_code == 422 and 'id="username-error"' in response.text, bad
    assert all_users() == before


def test_an_officer_is_linked_to_at_most_one_active_user(admin):
    before = all_users()
    response = admin.submit("/admin/users/", {"username": "officer2", "display_name": "同一人员", "role": "officer",
                                              "officer": user("officer")["officer"]})
    assert response.status_code == 422 and "已关联另一个有效用户" in response.text
    assert all_users() == before


def test_a_role_change_is_audited_with_before_and_after(admin):
    row = user("leader")
    response = admin.submit(f"/admin/users/{row['id']}/role", {"role": "coordinator", "before_role": "leader"})
    assert response.status_code in (302, 303) and user("leader")["role"] == "coordinator"
    assert last_audit(row["id"])["changes"] == {"role_before": "leader", "role_after": "coordinator"}


def test_a_role_change_from_a_page_changed_meanwhile_is_a_conflict(admin):
    row = user("leader")
    response = admin.submit(f"/admin/users/{row['id']}/role", {"role": "coordinator", "before_role": "officer"})
    assert response.status_code == 409 and "他人已修改此内容" in response.text
    assert 'data-current="role">领导' in response.text and 'data-yours="role">统筹协调员' in response.text
    assert user("leader") == row


def test_the_last_active_admin_cannot_be_demoted_or_locked(admin):
    row = user("admin")
    before = all_users()
    demoted = admin.submit(f"/admin/users/{row['id']}/role", {"role": "coordinator", "before_role": "admin"})
    assert demoted.status_code == 422 and "最后一位有效的管理员" in demoted.text
    locked = admin.submit(f"/admin/users/{row['id']}/lock")
    assert locked.status_code == 422 and "最后一位有效的管理员" in locked.text
    assert all_users() == before
    assert admin.get("/admin/users").status_code == 200


def test_an_admin_may_lock_themself_when_another_admin_remains(admin):
    admin.submit("/admin/users/", {"username": "second.admin", "display_name": "备用管理员", "role": "admin"})
    row = user("admin")
    response = admin.submit(f"/admin/users/{row['id']}/lock")
    assert response.status_code in (302, 303) and user("admin")["active"] is False
    assert admin.get("/admin/users", follow_redirects=False).headers["location"].startswith("/login")
    assert [u["username"] for u in all_users() if u["role"] == "admin" and u["active"]] == ["second.admin"]


def test_locking_ends_the_users_live_session_at_once_and_unlocking_lets_them_in_again(admin, as_role):
    leader = as_role("leader")
    assert leader.get("/account/password").status_code == 200
    row = user("leader")
    assert f"/admin/users/{row['id']}" in admin.get("/admin/users").text
    response = admin.submit(f"/admin/users/{row['id']}/lock")
    assert response.status_code in (302, 303) and user("leader")["active"] is False
    assert leader.get("/account/password", follow_redirects=False).headers["location"].startswith("/login")
    assert run(UserSession.count().where(UserSession.user == row["id"], UserSession.ended_at.is_null())) == 0
    assert last_audit(row["id"])["changes"]["active_after"] is False
    client, refused = log_in("leader", "tracker-demo")
    client.__exit__(None, None, None)
    assert refused.status_code == 400
    admin.submit(f"/admin/users/{row['id']}/unlock")
    client, login = log_in("leader", "tracker-demo")
    client.__exit__(None, None, None)
    assert login.status_code in (302, 303) and user("leader")["active"] is True


def test_a_password_reset_gives_a_new_one_time_password_and_ends_the_sessions(admin, as_role):
    leader = as_role("leader")
    row = user("leader")
    response = admin.submit(f"/admin/users/{row['id']}/password")
    assert response.status_code == 200
    password = one_time_password(response)
    assert user("leader")["must_change_password"] is True
    assert leader.get("/account/password", follow_redirects=False).headers["location"].startswith("/login")
    client, login = log_in("leader", password)
    client.__exit__(None, None, None)
    assert login.headers["location"] == "/account/password"


def test_ending_all_sessions_logs_the_user_out_everywhere_but_leaves_the_login_usable(admin, as_role):
    leader, leader_elsewhere = as_role("leader"), as_role("leader")
    row = user("leader")
    page = admin.get(f"/admin/users/{row['id']}").text
    assert page.count("<tr><td>") >= 2  # both live sessions are listed
    admin.submit(f"/admin/users/{row['id']}/sessions/end")
    for client in (leader, leader_elsewhere):
        assert client.get("/account/password", follow_redirects=False).headers["location"].startswith("/login")
    assert user("leader")["active"] is True
    assert last_audit(row["id"])["changes"]["sessions_ended"] == 2


def test_linking_and_unlinking_an_officer(admin):
    row, other = user("leader"), unlinked_officer()
    linked = admin.submit(f"/admin/users/{row['id']}/officer", {"officer": other, "before_officer": str(row["officer"])})
    assert linked.status_code in (302, 303) and user("leader")["officer"] == other
    assert last_audit(row["id"])["changes"] == {"officer_before": row["officer"], "officer_after": other}
    admin.submit(f"/admin/users/{row['id']}/officer", {"officer": "", "before_officer": str(other)})
    assert user("leader")["officer"] is None


def test_an_officer_login_cannot_be_unlinked_nor_linked_to_a_taken_officer(admin):
    row = user("officer")
    unlink = admin.submit(f"/admin/users/{row['id']}/officer", {"officer": "", "before_officer": str(row["officer"])})
    assert unlink.status_code == 422 and "必须关联人员" in unlink.text
    taken = admin.submit(f"/admin/users/{row['id']}/officer", {"officer": user("leader")["officer"], "before_officer": str(row["officer"])})
    assert taken.status_code == 422 and "已关联另一个有效用户" in taken.text
    assert user("officer") == row


def test_enterprise_accounts_are_listed_read_only_with_a_link_to_their_enterprise(admin):
    row = user("enterprise2")
    page = admin.get("/admin/users").text
    assert 'id="enterprise-accounts"' in page and f'/enterprises/{row["enterprise"]}/accounts/' in page
    assert admin.get(f"/admin/users/{row['id']}", follow_redirects=False).headers["location"] == f"/enterprises/{row['enterprise']}/accounts/"
    assert admin.submit(f"/admin/users/{row['id']}/lock").status_code == 404
    assert user("enterprise2") == row


def test_coordinators_read_users_but_cannot_change_them(as_role):
    coordinator = as_role("coordinator")
    row = user("leader")
    before = all_users()
    assert coordinator.get("/admin/users").status_code == 200
    page = coordinator.get(f"/admin/users/{row['id']}")
    assert page.status_code == 200 and "/lock" not in page.text
    assert coordinator.get("/admin/users/new").status_code == 403
    assert coordinator.submit("/admin/users/", {"username": "x.y", "display_name": "x", "role": "admin"}).status_code == 403
    for action in ("role", "officer", "lock", "password", "sessions/end"):
        assert coordinator.submit(f"/admin/users/{row['id']}/{action}", {"role": "admin", "before_role": "leader"}).status_code == 403
    assert all_users() == before


@pytest.mark.parametrize("role", ["officer", "leader", "enterprise"])
def test_other_roles_cannot_read_the_users(as_role, role):
    client = as_role(role)
    assert client.get("/admin/users", follow_redirects=False).status_code == 403
    assert client.get(f"/admin/users/{user('admin')['id']}", follow_redirects=False).status_code == 403
