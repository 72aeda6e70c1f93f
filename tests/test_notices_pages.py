"""The bell, the notices page, the channel choices on the account page and the admin's page of
what was sent: through the real app, after a real reminder pass over the demo data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.helpers import run
from tests.notice_servers import free_port
from tracker.app import create_app
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.notices import commands
from tracker.notices.config import NotifyConfig
from tracker.notices.tables import Delivery, Notice, NoticePreference
from tracker.org.tables import Officer

TODAY = date(2026, 11, 27)
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture
def notified(db):
    """The demo day's notices exist (no outside channel configured)."""
    return run(commands.run_pass(NotifyConfig(fixed_day=True), TODAY, NOW))


def user(username: str) -> dict:
    return run(User.select().where(User.username == username).first())


def unread(username: str) -> int:
    return run(Notice.count().where(Notice.user == user(username)["id"], Notice.read_at.is_null(), Notice.superseded == False))  # noqa: E712


def test_every_page_has_a_bell_that_loads_and_refreshes_itself(notified, as_role):
    page = as_role("officer").get("/projects").text
    assert 'id="notice-bell"' in page and 'hx-get="/notices/bell"' in page and 'hx-trigger="load, every 60s"' in page


def test_the_bell_shows_the_unread_count_and_keeps_polling(notified, as_role):
    count = unread("officer")
    assert count > 0
    bell = as_role("officer").get("/notices/bell", headers={"HX-Request": "true"}).text
    assert f">{count}</span>" in bell and 'hx-trigger="every 60s"' in bell and "load" not in bell
    assert f"{count} 条未读提醒" in bell


def test_the_notices_page_lists_only_the_users_own_notices_with_links(notified, as_role):
    officer = as_role("officer")
    page = officer.get("/notices").text
    mine = run(Notice.select().where(Notice.user == user("officer")["id"]))
    assert all(f"/notices/{n['id']}/open" in page for n in mine)
    others = run(Notice.select().where(Notice.user != user("officer")["id"], Notice.user.is_not_null()))
    assert others and not any(f"/notices/{n['id']}/open" in page for n in others)
    assert "待您接收的交接" in page and "全部标为已读" in page


def test_opening_a_notice_reads_it_and_goes_to_its_object(notified, as_role):
    officer = as_role("officer")
    notice = run(Notice.select().where(Notice.user == user("officer")["id"], Notice.rule == "handover_pending").first())
    response = officer.get(f"/notices/{notice['id']}/open", follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"] == notice["link"]
    assert notice["link"].startswith("/projects/") and run(Notice.select().where(Notice.id == notice["id"]).first())["read_at"]
    assert officer.get(notice["link"]).status_code == 200


def test_marking_one_read_in_place_updates_the_bell(notified, as_role):
    officer = as_role("officer")
    before = unread("officer")
    notice = run(Notice.select().where(Notice.user == user("officer")["id"]).first())
    fragment = officer.submit(f"/notices/{notice['id']}/read", htmx=True).text
    assert f'id="notice-{notice["id"]}"' in fragment and "标为已读" not in fragment
    assert 'hx-swap-oob="outerHTML"' in fragment and f">{before - 1}</span>" in fragment
    assert unread("officer") == before - 1


def test_mark_all_read_empties_the_bell(notified, as_role):
    officer = as_role("officer")
    assert officer.submit("/notices/read-all").status_code == 302
    assert unread("officer") == 0
    assert "badge" not in officer.get("/notices/bell").text
    assert unread("coordinator") > 0  # nobody else's


def test_an_enterprise_sees_its_own_notices_and_cannot_open_anothers(notified, as_role):
    owner = user("enterprise")
    mine = run(Notice.select().where(Notice.user == owner["id"]))
    assert [n["rule"] for n in mine] == ["fulfilment_to_confirm"]
    page = as_role("enterprise").get("/notices").text
    assert "请确认" in page and f"/notices/{mine[0]['id']}/open" in page
    intruder = as_role("enterprise2")
    assert f"/notices/{mine[0]['id']}" not in intruder.get("/notices").text
    assert intruder.get(f"/notices/{mine[0]['id']}/open", follow_redirects=False).status_code == 404
    assert intruder.submit(f"/notices/{mine[0]['id']}/read").status_code == 404
    assert run(Notice.select().where(Notice.id == mine[0]["id"]).first())["read_at"] is None
    staff_notice = run(Notice.select().where(Notice.user == user("officer")["id"]).first())
    assert intruder.get(f"/notices/{staff_notice['id']}/open", follow_redirects=False).status_code == 404
    # The enterprise's notice leads into the portal, where it may go.
    response = as_role("enterprise").get(f"/notices/{mine[0]['id']}/open", follow_redirects=False)
    assert response.headers["location"].startswith("/portal/projects/")


def test_the_account_page_saves_channels_and_language_with_an_audit_event(db, as_role):
    officer = as_role("officer")
    form = officer.get("/account/notifications/").text
    record = run(Officer.select().where(Officer.id == user("officer")["officer"]).first())
    assert 'name="webhook"' in form and f'placeholder="{record["email"]}"' in form  # the officer record's address is the default
    response = officer.submit("/account/notifications/", {"email": "1", "webhook": "1", "language": "en"})
    assert response.status_code == 302
    pref = run(NoticePreference.select().where(NoticePreference.user == user("officer")["id"]).first())
    assert pref["email"] and pref["webhook"] and not pref["sms"] and pref["language"] == "en"
    event = run(AuditEvent.select().where(AuditEvent.action == "notice_preferences").first())
    assert event["user"] == user("officer")["id"]
    assert "checked" in officer.get("/account/notifications/").text


def test_the_account_page_refuses_sms_without_a_mobile_number_and_mail_without_an_address(db, as_role):
    enterprise = as_role("enterprise")
    form = enterprise.get("/account/notifications/").text
    assert 'name="webhook"' not in form  # the bureau's group chat is for staff
    response = enterprise.submit("/account/notifications/", {"email": "1", "sms": "1", "phone": "0451-8666888", "language": "zh"})
    assert response.status_code == 422
    assert "请填写接收邮件的地址" in response.text and "11 位手机号码" in response.text
    assert run(NoticePreference.count()) == 0
    ok = enterprise.submit("/account/notifications/", {"email": "1", "email_address": "zhang@beichen.example.com", "sms": "1",
                                                        "phone": "139 1234 5678", "webhook": "1", "language": "zh"})
    assert ok.status_code == 302
    pref = run(NoticePreference.select().first())
    assert pref["phone"] == "13912345678" and pref["email_address"] == "zhang@beichen.example.com" and not pref["webhook"]


def test_the_password_page_links_the_notification_settings(db, as_role):
    assert 'href="/account/notifications"' in as_role("leader").get("/account/password").text


def test_the_admin_page_shows_what_was_sent_to_whom_and_what_failed(db, as_role):
    port = free_port()
    config = NotifyConfig(smtp_url=f"smtp://127.0.0.1:{port}", mail_from="tracker@example.org", fixed_day=True)
    run(commands.run_pass(config, TODAY, NOW))
    admin = as_role("admin")
    page = admin.get("/admin/notices/").text
    delivery = run(Delivery.select().first())
    assert delivery["address"] in page and delivery["name"] in page and "Connection refused" in page
    assert 'hx-get="/admin/notices/status"' in page and "今日提醒（按原因）" in page
    assert as_role("coordinator").get("/admin/notices/").status_code == 200
    assert as_role("officer").get("/admin/notices/").status_code == 403
    coordinator = as_role("coordinator")
    assert coordinator.submit(f"/admin/notices/{delivery['id']}/retry").status_code == 403


def test_bad_configuration_is_shown_on_the_admin_page_and_never_breaks_it(db, as_role):
    admin = as_role("admin")
    app = create_app()
    app.state.notify_config = NotifyConfig(smtp_url="smtp//missing-scheme", webhook_url=f"http://127.0.0.1:{free_port()}/hook",
                                           sms_adapter="no.such.module:Adapter", mail_from="")
    from tests.helpers import Client

    with Client(app=app) as client:
        client.cookies.update(admin.cookies)
        page = client.get("/admin/notices/")
        assert page.status_code == 200 and "smtp://" in page.text and "does not load" in page.text
        status = client.get("/admin/notices/status", headers={"HX-Request": "true"})
        assert status.status_code == 200
        assert "✗" in status.text and "refused" in status.text.lower() and "does not load" in status.text
        assert client.get("/account/notifications/").status_code == 200


def test_an_unknown_delivery_cannot_be_retried(db, as_role):
    assert as_role("admin").submit("/admin/notices/99999/retry").status_code == 404
