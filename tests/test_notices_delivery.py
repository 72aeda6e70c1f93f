"""Reminders reach people through real servers: an SMTP server (aiosmtpd, with STARTTLS, TLS and a
login) and an HTTP receiver standing in for the group robot. The expected messages are computed
here from the demo data with the areas' own rules (who leads, what is overdue), not copied from
the reminders' code."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.helpers import run
from tests.notice_servers import RecordingSms, SmtpServer, WebhookReceiver, free_port
from tracker.auth.tables import User
from tracker.calendar.queries import load_calendar
from tracker.liaison.tables import Assignment, Handover
from tracker.meetings import rules as meeting_rules
from tracker.meetings.tables import ActionItem
from tracker.notices import commands, queries, texts
from tracker.notices.config import NotifyConfig
from tracker.notices.tables import Delivery, DeliveryAttempt, Notice, NoticePreference
from tracker.org.tables import Officer
from tracker.projects import rules as project_rules
from tracker.projects.tables import Milestone, Project
from tracker.promises import rules as promise_rules
from tracker.promises.tables import Promise
from tracker.requests import rules as request_rules
from tracker.requests.tables import EnterpriseRequest
from tracker.visits import queries as visit_queries

TODAY = date(2026, 11, 27)  # a Friday: the demo's anchor (TRACKER_TODAY in conftest)
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09:00 in Harbin
BASE = "https://tracker.example.gov.cn"


def config(**overrides) -> NotifyConfig:
    values = {"mail_from": "重点项目提醒 <tracker@invest.example.gov.cn>", "base_url": BASE, "fixed_day": True, "max_attempts": 3,
              "timeout": 5.0}
    return NotifyConfig(**{**values, **overrides})


@pytest.fixture(autouse=True)
def _demo_database(db):
    """Each test starts from a fresh copy of the demo data."""


@pytest.fixture
def smtp(tmp_path):
    with SmtpServer(tmp_path) as server:
        yield server


@pytest.fixture
def hook():
    with WebhookReceiver() as receiver:
        yield receiver


async def expected_by_address(today: date) -> dict[str, Counter]:
    """Per e-mail address, how many notices of each reason the demo data calls for today, from
    the data and the areas' rules: lead officers hear about their milestones, promises, action
    items, requests and handovers; the responsible leader and the district/park person about red
    milestones and overdue promises; coordinators about late or escalated requests and handovers
    waiting more than 3 working days. Staff with a login get e-mail at their officer record's
    address (the default channel); officers without a login too; enterprise users give no address."""
    calendar = await load_calendar()
    th = project_rules.Thresholds()
    users = await User.select().where(User.active == True)  # noqa: E712
    officers = {o["id"]: o for o in await Officer.select().where(Officer.active == True)}  # noqa: E712
    user_of_officer = {}
    for u in sorted(users, key=lambda u: u["id"]):
        if u["officer"] is not None and u["role"] != "enterprise":
            user_of_officer.setdefault(u["officer"], u)

    def address(officer_id):
        officer = officers.get(officer_id)
        return officer["email"] if officer and officer["email"] else None

    coordinators = [address(u["officer"]) for u in users if u["role"] == "coordinator"]
    found: dict[str, set] = defaultdict(set)

    def hear(addresses, rule, kind, object_id):
        for a in addresses:
            if a:
                found[a].add((rule, kind, object_id))

    projects = {p["id"]: p for p in await Project.select().where(Project.status == "active")}
    holders = defaultdict(dict)
    for a in await Assignment.select().where(Assignment.active == True):  # noqa: E712
        holders[a["project"]][a["role"]] = a["officer"]
    level_up = lambda pid: [address(holders[pid].get(r)) for r in ("responsible_leader", "area_leader")]  # noqa: E731
    for m in await Milestone.select().where(Milestone.actual_on.is_null(), Milestone.not_applicable == False):  # noqa: E712
        if m["project"] not in projects:
            continue
        signal = project_rules.milestone_signal(m["name"], m["planned_on"], False, today, calendar, th)
        lead = [address(projects[m["project"]]["lead_officer"])]
        if signal and signal.kind == "milestone_due":
            hear(lead, "milestone_due", "milestone", m["id"])
        elif signal:
            hear(lead, "milestone_overdue", "milestone", m["id"])
            if signal.colour == "red":
                hear(level_up(m["project"]), "milestone_red", "milestone", m["id"])
    for p in await Promise.select():
        if p["project"] not in projects:
            continue
        lead = [address(projects[p["project"]]["lead_officer"])]
        if promise_rules.is_overdue(p["status"], p["due_on"], p["remedy_due_on"], today):
            hear(lead, "promise_overdue", "promise", p["id"])
            hear(level_up(p["project"]), "promise_red", "promise", p["id"])
        if promise_rules.awaits_countersign(p["status"], p["answer"]):
            hear(lead, "fulfilment_unconfirmed", "promise", p["id"])
        if p["answer"] == "disputed":
            hear(lead, "promise_disputed", "promise", p["id"])
    for a in await ActionItem.select():
        if meeting_rules.is_overdue(a["status"], a["due_on"], today) and (a["project"] is None or a["project"] in projects):
            hear([address(projects[a["project"]]["lead_officer"] if a["project"] else a["owner_officer"])], "action_overdue",
                 "action_item", a["id"])
    for r in await EnterpriseRequest.select():
        if r["status"] not in request_rules.OPEN_STATUSES:
            continue
        if r["acknowledged_on"] is None:
            hear([address(r["responder"])], "request_ack", "request", r["id"])
        elif r["answered_on"] is None:
            hear([address(r["responder"])], "request_answer", "request", r["id"])
        late = (request_rules.ack_overdue(r["status"], r["acknowledged_on"], r["ack_due_on"], today)
                or request_rules.answer_overdue(r["status"], r["answered_on"], r["answer_due_on"], today))
        if r["escalated"]:
            hear(coordinators, "request_escalated", "request", r["id"])
        elif late:
            hear(coordinators, "request_late", "request", r["id"])
    for h in await Handover.select().where(Handover.accepted_at.is_null()):
        if h["project"] not in projects:
            continue
        hear([address(h["to_officer"])], "handover_pending", "handover", h["id"])
        if calendar.workdays_between(h["handed_on"], today) > 3:
            hear(coordinators, "handover_late", "handover", h["id"])
    for v in await visit_queries.overdue(today):  # past the visit plan's interval (tracker/visits)
        hear([address(v["lead_officer"])], "visit_overdue", "visit_due", v["id"])
    return {a: Counter(rule for rule, _k, _i in items) for a, items in found.items()}


SECTION = re.compile(r"^(?P<title>.+) \((?P<n>\d+)\)$")


def received_by_address(server: SmtpServer) -> dict[str, Counter]:
    """Per address, the notices the e-mails carried, by reason (read back from each section's
    title and count in the plain-text part)."""
    titles = {texts.section_title(rule, "zh"): rule for rule in texts.SECTION_TITLES}
    out: dict[str, Counter] = defaultdict(Counter)
    for m in server.messages:
        text = m.get_body(("plain",)).get_content()
        counted = 0
        for line in text.splitlines():
            if (match := SECTION.match(line)) and match["title"] in titles:
                out[m["To"].addresses[0].addr_spec][titles[match["title"]]] += int(match["n"])
                counted += int(match["n"])
        assert counted == int(m["X-Tracker-Notices"])
    return dict(out)


def test_the_demo_day_sends_each_person_the_notices_the_data_calls_for(smtp):
    expected = run(expected_by_address(TODAY))
    result = run(commands.run_pass(config(smtp_url=smtp.url()), TODAY, NOW))
    assert received_by_address(smtp) == expected
    assert sum(sum(c.values()) for c in expected.values()) == result.created.by_channel["email"]
    assert result.outcomes[("email", "sent")] == len(smtp.messages) and not result.outcomes[("email", "pending")]
    # The ladder is there: a lead officer, a leader one level up, the coordinators.
    assert any("milestone_red" in c for c in expected.values()) and any("request_late" in c or "request_escalated" in c
                                                                         for c in expected.values())


def test_a_digest_is_chinese_plain_text_and_html_with_links_back_to_the_app(smtp):
    run(commands.run_pass(config(smtp_url=smtp.url()), TODAY, NOW))
    officer = run(Officer.select().where(Officer.name == "刘雪婷").first())
    mails = [m for m in smtp.messages if m["To"].addresses[0].addr_spec == officer["email"]]
    digest = next(m for m in mails if "提醒" in m["Subject"] and "提级" not in m["Subject"])
    assert digest["Subject"].startswith("【重点项目】2026年11月27日")
    assert digest["To"].addresses[0].display_name == "刘雪婷"
    plain, html = digest.get_body(("plain",)).get_content(), digest.get_body(("html",)).get_content()
    assert "刘雪婷的今日提醒" in plain and "待您接收的交接" in plain
    assert f"{BASE}/projects/" in plain and f'href="{BASE}/notices"' in html and f"{BASE}/account/notifications" in plain
    assert "<li" in html and "&lt;" not in html.split("<body")[0]


def test_a_second_pass_creates_and_sends_nothing_new(smtp):
    first = run(commands.run_pass(config(smtp_url=smtp.url()), TODAY, NOW))
    sent = len(smtp.messages)
    again = run(commands.run_pass(config(smtp_url=smtp.url()), TODAY, NOW + timedelta(minutes=10)))
    assert first.created.notices > 0 and again.created.notices == 0 and again.queued == 0
    assert len(smtp.messages) == sent
    assert run(Notice.count()) == first.created.notices


def test_a_reader_who_chose_english_gets_english(smtp):
    user = run(User.select().where(User.username == "officer").first())
    run(NoticePreference.insert(NoticePreference(user=user["id"], email=True, language="en", updated_at=NOW)))
    run(commands.run_pass(config(smtp_url=smtp.url()), TODAY, NOW))
    officer = run(Officer.select().where(Officer.id == user["officer"]).first())
    mail = next(m for m in smtp.messages if m["To"].addresses[0].addr_spec == officer["email"])
    assert mail["Subject"].startswith("Key Project Tracker: ") and "27 Nov 2026" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "Reminders for 刘雪婷" in text and "working day" in text and "逾期" not in text


def test_starttls_with_a_login_on_a_self_signed_certificate(tmp_path):
    with SmtpServer(tmp_path, tls="starttls", login=("tracker", "s3cret pass")) as server:
        url = server.url(("tracker", "s3cret%20pass"))
        status = run(commands.status(config(smtp_url=url)))[0]
        assert status.reachable and not status.problem and "tracker@127.0.0.1" in status.target
        run(commands.run_pass(config(smtp_url=url), TODAY, NOW))
        assert server.messages and server.logins
        # Without the CA the certificate is refused, and nothing is sent in clear instead.
        bare = f"smtp://tracker:x@127.0.0.1:{server.port}"
        status = run(commands.status(config(smtp_url=bare)))[0]
        assert status.reachable is False and "CERTIFICATE_VERIFY_FAILED" in status.problem


def test_implicit_tls_on_smtps(tmp_path):
    with SmtpServer(tmp_path, tls="tls") as server:
        result = run(commands.run_pass(config(smtp_url=server.url()), TODAY, NOW))
        assert len(server.messages) == result.outcomes[("email", "sent")] > 0


def test_the_group_chat_gets_wecom_markdown_for_staff_who_chose_it(smtp, hook):
    users = {u["username"]: u for u in run(User.select())}
    for name in ("officer", "coordinator", "enterprise"):
        run(NoticePreference.insert(NoticePreference(user=users[name]["id"], email=False, webhook=True, updated_at=NOW)))
    result = run(commands.run_pass(config(smtp_url=smtp.url(), webhook_url=hook.url), TODAY, NOW))
    assert hook.posts and result.outcomes[("webhook", "sent")] == len(hook.posts)
    bodies = [p["json"] for p in hook.posts]
    assert all(set(b) == {"msgtype", "markdown"} and b["msgtype"] == "markdown" and set(b["markdown"]) == {"content"} for b in bodies)
    assert all(len(b["markdown"]["content"].encode()) <= 4096 for b in bodies)
    assert hook.posts[0]["content_type"].startswith("application/json")
    contents = "\n".join(b["markdown"]["content"] for b in bodies)
    assert "**刘雪婷的今日提醒" in contents and "**王立新" in contents and f"]({BASE}/" in contents
    assert "北辰新能源 张经理" not in contents  # enterprise users never go to the bureau's group
    # Those who chose the group chat instead of e-mail get no e-mail.
    officer = run(Officer.select().where(Officer.id == users["officer"]["officer"]).first())
    assert all(m["To"].addresses[0].addr_spec != officer["email"] for m in smtp.messages)


def test_the_dingtalk_format_has_a_title_and_text(hook):
    user = run(User.select().where(User.username == "officer").first())
    run(NoticePreference.insert(NoticePreference(user=user["id"], email=False, webhook=True, updated_at=NOW)))
    run(commands.run_pass(config(webhook_url=hook.url, webhook_format="dingtalk"), TODAY, NOW))
    body = hook.posts[0]["json"]
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"} and "刘雪婷" in body["markdown"]["title"]


def test_a_robot_that_refuses_is_retried(hook):
    user = run(User.select().where(User.username == "officer").first())
    run(NoticePreference.insert(NoticePreference(user=user["id"], email=False, webhook=True, updated_at=NOW)))
    hook.answer = {"errcode": 45009, "errmsg": "api freq out of limit"}
    run(commands.run_pass(config(webhook_url=hook.url), TODAY, NOW))
    delivery = run(Delivery.select().where(Delivery.channel == "webhook").first())
    assert delivery["status"] == "pending" and "45009" in delivery["last_error"]
    hook.answer = {"errcode": 0, "errmsg": "ok"}
    run(commands.send_pending(config(webhook_url=hook.url), NOW + timedelta(minutes=6)))
    assert run(Delivery.select().where(Delivery.id == delivery["id"]).first())["status"] == "sent"
    assert len(hook.posts) == 2


def test_a_failing_server_is_retried_with_backoff_then_marked_failed_and_nothing_is_lost(smtp, as_role):
    smtp.refuse = "451 4.3.0 Try again later"
    cfg = config(smtp_url=smtp.url())
    result = run(commands.run_pass(cfg, TODAY, NOW))
    carried = run(Notice.count().where(Notice.email_delivery.is_not_null()))
    ids = [d["id"] for d in run(Delivery.select(Delivery.id))]
    assert ids and result.outcomes[("email", "pending")] == len(ids)
    # Not before the backoff: 5 minutes after the first failure, then 10.
    assert run(commands.send_pending(cfg, NOW + timedelta(minutes=4))) == Counter()
    assert run(commands.send_pending(cfg, NOW + timedelta(minutes=5)))[("email", "pending")] == len(ids)
    assert run(commands.send_pending(cfg, NOW + timedelta(minutes=14))) == Counter()
    assert run(commands.send_pending(cfg, NOW + timedelta(minutes=15)))[("email", "failed")] == len(ids)
    rows = run(Delivery.select())
    assert all(d["status"] == "failed" and d["attempts"] == 3 and "451" in d["last_error"] for d in rows)
    assert run(DeliveryAttempt.count().where(DeliveryAttempt.ok == False)) == 3 * len(ids)  # noqa: E712
    assert run(Notice.count().where(Notice.email_delivery.is_not_null())) == carried  # every notice still has its delivery
    assert not smtp.messages
    # The admin page shows the failure with its error; sent again once the server is back.
    admin = as_role("admin")
    page = admin.get("/admin/notices/?status=failed").text
    assert "451 4.3.0 Try again later" in page and page.count("/retry") == len(ids)
    smtp.refuse = None
    for delivery_id in ids:
        assert admin.submit(f"/admin/notices/{delivery_id}/retry").status_code == 302
    later = run(commands.send_pending(cfg, datetime.now(UTC) + timedelta(seconds=1)))  # the retry is due from the click on
    assert later[("email", "sent")] == len(ids) == len(smtp.messages)
    assert sum(int(m["X-Tracker-Notices"]) for m in smtp.messages) == carried


def run_in_thread(coroutine_factory) -> threading.Thread:
    """A sender of its own: its own thread, event loop and database connections."""
    results = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(coroutine_factory())))
    thread.results = results
    thread.start()
    return thread


def test_two_senders_at_once_send_each_message_exactly_once(tmp_path, hook):
    for user in run(User.select().where(User.role != "enterprise")):
        run(NoticePreference.insert(NoticePreference(user=user["id"], email=True, webhook=True, updated_at=NOW)))
    with SmtpServer(tmp_path, delay=0.02) as slow:
        first = config(smtp_url=slow.url(), webhook_url=hook.url, claim_batch=1, worker="server-a")
        second = config(smtp_url=slow.url(), webhook_url=hook.url, claim_batch=1, worker="server-b")
        run(queries.create_notices(first, TODAY, NOW, run(load_calendar())))
        assert run(queries.queue_deliveries(first, TODAY, NOW)) > 10
        threads = [run_in_thread(lambda c=c: commands.send_pending(c, NOW)) for c in (first, second)]
        for t in threads:
            t.join(120)
        deliveries = run(Delivery.select())
        assert all(d["status"] == "sent" and d["attempts"] == 1 for d in deliveries)
        by_delivery = slow.by_delivery()
        emails = [d for d in deliveries if d["channel"] == "email"]
        assert sorted(by_delivery) == sorted(str(d["id"]) for d in emails)
        assert all(len(m) == 1 for m in by_delivery.values())  # each message arrived exactly once
        assert len(hook.posts) == len([d for d in deliveries if d["channel"] == "webhook"])
        workers = {d["claimed_by"] for d in deliveries}
        assert workers == {"server-a", "server-b"}  # both really took part
        assert sum(t.results[0][("email", "sent")] + t.results[0][("webhook", "sent")] for t in threads) == len(deliveries)


def test_two_passes_at_once_create_each_notice_once(smtp):
    cfg = config(smtp_url=smtp.url())
    threads = [run_in_thread(lambda c=c: commands.run_pass(c, TODAY, NOW)) for c in (cfg, config(smtp_url=smtp.url(), worker="b"))]
    for t in threads:
        t.join(120)
    created = sum(t.results[0].created.notices for t in threads)
    assert created == run(Notice.count()) > 0
    assert len(smtp.by_delivery()) == len(smtp.messages) == run(Delivery.count())


def test_nothing_is_created_or_sent_on_a_non_working_day(smtp):
    saturday = TODAY + timedelta(days=1)
    result = run(commands.run_pass(config(smtp_url=smtp.url()), saturday, NOW + timedelta(days=1)))
    assert not result.workday and run(Notice.count()) == 0 and not smtp.messages
    assert "not a working day" in result.lines()[0]


def test_before_the_digest_hour_notices_appear_in_the_app_but_nothing_is_sent(smtp):
    early = datetime(2026, 11, 27, 22, 30, tzinfo=UTC) - timedelta(days=1)  # 06:30 in Harbin
    result = run(commands.run_pass(config(smtp_url=smtp.url(), fixed_day=False), TODAY, early))
    assert result.created.notices > 0 and not result.sending and not smtp.messages and run(Delivery.count()) == 0


def test_escalations_go_at_once_the_first_day_and_in_the_digest_after(smtp):
    run(commands.run_pass(config(smtp_url=smtp.url()), TODAY, NOW))
    urgent = [m for m in smtp.messages if m["Subject"].startswith("【重点项目·提级督办】")]
    friday = {(n["rule"], n["object_id"], n["recipient"]) for n in run(Notice.select().where(Notice.urgent == True))}  # noqa: E712
    assert urgent and friday and len(urgent) == run(Delivery.count().where(Delivery.urgent == True))  # noqa: E712
    leader = run(Officer.select().where(Officer.name == "赵建国").first())
    assert any(m["To"].addresses[0].addr_spec == leader["email"] for m in urgent)
    monday = date(2026, 11, 30)
    run(commands.run_pass(config(smtp_url=smtp.url()), monday, NOW + timedelta(days=3)))
    again = run(Notice.select().where(Notice.day == monday))
    repeated = [n for n in again if (n["rule"], n["object_id"], n["recipient"]) in friday]
    assert repeated and not any(n["urgent"] for n in repeated)  # still escalated, now in the daily digest
    # Monday's copies replace Friday's under the bell.
    assert run(Notice.count().where(Notice.day == TODAY, Notice.superseded == False, Notice.rule == "milestone_overdue")) == 0  # noqa: E712


def test_a_notice_after_the_days_digest_waits_for_the_next_working_days(smtp, as_role):
    cfg = config(smtp_url=smtp.url())
    run(commands.run_pass(cfg, TODAY, NOW))
    sent = len(smtp.messages)
    # A new request after the digest went: the lead officer sees it under the bell at once...
    enterprise = as_role("enterprise")
    project = run(Project.select().where(Project.enterprise == run(User.select().where(User.username == "enterprise").first())["enterprise"])
                  .order_by(Project.id).first())
    enterprise.submit("/portal/requests/", {"project": project["id"], "category": "other", "description": "新诉求：请协调停车位"})
    later = run(commands.run_pass(cfg, TODAY, NOW + timedelta(hours=3)))
    assert later.created.by_rule["request_ack"] == 1 and later.created.by_channel["email"] == 1
    assert len(smtp.messages) == sent  # ... and by e-mail in the next working day's digest, not a second one today
    monday = run(commands.run_pass(cfg, date(2026, 11, 30), NOW + timedelta(days=3)))
    new = smtp.messages[sent:]
    assert monday.outcomes[("email", "sent")] == len(new)
    lead = run(Officer.select().where(Officer.id == project["lead_officer"]).first())
    mail = next(m for m in new if m["To"].addresses[0].addr_spec == lead["email"] and "提级" not in m["Subject"])
    assert mail.get_body(("plain",)).get_content().count("新诉求：请协调停车位") == 1  # Friday's copy gave way to Monday's


def test_the_enterprise_hears_that_its_request_was_answered(as_role):
    request_row = run(EnterpriseRequest.select().where(EnterpriseRequest.status == "new").order_by(EnterpriseRequest.id).first())
    coordinator = as_role("coordinator")
    response = coordinator.submit(f"/requests/{request_row['id']}/action", {"action": "reply", "text": "已联系园区，下周答复",
                                                                          "version": request_row["version"]})
    assert response.status_code in (302, 303), response.text
    run(commands.run_pass(config(), TODAY, NOW))
    owner = run(User.select().where(User.enterprise == request_row["enterprise"], User.role == "enterprise").first())
    notices = run(Notice.select().where(Notice.user == owner["id"], Notice.rule == "request_answered"))
    assert len(notices) == 1 and notices[0]["link"] == f"/portal/requests/{request_row['id']}"


def test_the_sms_log_adapter_logs_and_never_says_sent(caplog):
    user = run(User.select().where(User.username == "officer").first())
    run(NoticePreference.insert(NoticePreference(user=user["id"], email=False, sms=True, phone="13912345678", updated_at=NOW)))
    with caplog.at_level(logging.INFO, logger="tracker.notices"):
        result = run(commands.run_pass(config(), TODAY, NOW))
    assert result.outcomes[("sms", "logged")] == 1 and not result.outcomes[("sms", "sent")]
    assert run(Delivery.select().where(Delivery.channel == "sms").first())["status"] == "logged"
    assert any("SMS not sent" in r.getMessage() and "139****5678" in r.getMessage() for r in caplog.records)


def test_an_sms_provider_plugs_in_by_name():
    RecordingSms.sent.clear()
    user = run(User.select().where(User.username == "officer").first())
    run(NoticePreference.insert(NoticePreference(user=user["id"], email=False, sms=True, phone="13912345678", updated_at=NOW)))
    result = run(commands.run_pass(config(sms_adapter="tests.notice_servers:RecordingSms"), TODAY, NOW))
    assert result.outcomes[("sms", "sent")] == 1
    (phone, text), = RecordingSms.sent
    assert phone == "13912345678" and text.startswith("【重点项目】刘雪婷，您今天有") and f"{BASE}/notices" in text


def test_an_unreachable_server_and_a_malformed_url_are_reported_never_raised(caplog):
    port = free_port()
    with caplog.at_level(logging.WARNING, logger="tracker.notices"):
        result = run(commands.run_pass(config(smtp_url=f"smtp://127.0.0.1:{port}", webhook_url="ftp://robot"), TODAY, NOW))
    assert result.outcomes[("email", "pending")] > 0
    errors = {d["last_error"] for d in run(Delivery.select().where(Delivery.channel == "email"))}
    assert all("Connection refused" in e or "ConnectionRefused" in e for e in errors)
    assert any("delivery" in r.getMessage() and "refused" in r.getMessage().lower() for r in caplog.records)
    statuses = {s.channel: s for s in run(commands.status(config(smtp_url=f"smtp://127.0.0.1:{port}", webhook_url="ftp://robot",
                                                                   sms_adapter="nowhere:Nothing")))}
    assert statuses["email"].reachable is False and "refused" in statuses["email"].problem.lower()
    assert "http" in statuses["webhook"].problem and "does not load" in statuses["sms"].problem
    problems = commands.static_problems(config(smtp_url="smtp//no-scheme", mail_from="", base_url="tracker.example"))
    assert any("smtp://" in p for p in problems) and any("TRACKER_BASE_URL" in p for p in problems)


def test_the_cli_prints_the_counts(smtp, capsys):
    run(commands.notify_command(config(smtp_url=smtp.url(), mail_from="bad-address")))
    out = capsys.readouterr().out
    assert "warning: email: TRACKER_MAIL_FROM is not an e-mail address" in out
    assert re.search(r"2026-11-27: \d+ new notices \(in-app \d+, e-mail \d+, webhook 0, SMS 0; \d+ urgent\)", out)
    assert "deliveries queued" in out and not smtp.messages
