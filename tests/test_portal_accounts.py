"""A coordinator opens a portal account for a named contact; the first login forces a new password."""

import re

from tests.helpers import Client, run
from tracker.app import create_app
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User


def enterprise_id() -> int:
    return run(User.select(User.enterprise).where(User.username == "enterprise2").first())["enterprise"]


def test_a_coordinator_creates_an_account_and_the_contact_must_choose_a_password_first(as_role, db):
    url = f"/enterprises/{enterprise_id()}/accounts/"
    response = as_role("coordinator").submit(url, {"username": "bingcheng.wang", "display_name": "王会计"})
    assert response.status_code == 200
    password = re.search(r'id="one-time-password">([^<]+)<', response.text).group(1)
    row = run(User.select().where(User.username == "bingcheng.wang").first())
    assert (row["role"], row["enterprise"], row["must_change_password"]) == ("enterprise", enterprise_id(), True)
    assert run(AuditEvent.exists().where(AuditEvent.entity == "user", AuditEvent.entity_id == row["id"]))
    with Client(app=create_app()) as contact:
        contact.login("bingcheng.wang", password)
        assert contact.get("/portal", follow_redirects=False).headers["location"] == "/account/password"
        changed = contact.submit("/account/password", {"current_password": password, "new_password": "bingcheng-2026-new",
                                                       "confirm_password": "bingcheng-2026-new"})
        assert changed.status_code in (302, 303) and changed.headers["location"] == "/portal"
        assert contact.get("/portal").status_code == 200


def test_a_taken_or_malformed_username_is_refused_and_only_coordinators_open_the_page(as_role):
    url = f"/enterprises/{enterprise_id()}/accounts/"
    coordinator = as_role("coordinator")
    taken = coordinator.submit(url, {"username": "enterprise", "display_name": "重复"})
    assert taken.status_code == 422 and "该用户名已被使用" in taken.text
    bad = coordinator.submit(url, {"username": "a b/../c", "display_name": "x"})
    assert bad.status_code == 422 and "只能使用字母" in bad.text
    assert as_role("officer").get(url).status_code == 403
    assert as_role("enterprise2").get(url).status_code == 403
    assert coordinator.get(f"/enterprises/{enterprise_id() + 9999}/accounts/").status_code == 404
