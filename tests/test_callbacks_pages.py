"""Satisfaction callbacks through the real app: the month's draw (reproducible, once only, audited),
callers who are not the lead officer, answers refused field by field, the figures and the export."""

from datetime import date

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.callbacks import queries, rules
from tracker.callbacks.tables import Callback, CallbackDraw
from tracker.requests.tables import EnterpriseRequest


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def close_some_in_october(n=6):
    rows = run(EnterpriseRequest.select(EnterpriseRequest.id).where(EnterpriseRequest.status == "closed").order_by(
        EnterpriseRequest.id).limit(n))
    for k, r in enumerate(rows, 1):
        run(EnterpriseRequest.update({EnterpriseRequest.closed_on: date(2026, 10, k)}).where(EnterpriseRequest.id == r["id"]))
    return [r["id"] for r in rows]


def test_the_page_shows_the_demo_draw_with_its_seed_and_figures(coordinator):
    page = coordinator.get("/callbacks/")
    assert page.status_code == 200
    assert "demo-seed-2026" in page.text and 'data-callback-id="' in page.text
    assert 'data-figure="' in page.text
    book = coordinator.get("/callbacks/?month=2026-11&format=xlsx")
    assert book.status_code == 200 and book.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_a_month_is_drawn_reproducibly_once_and_audited(coordinator):
    closed = close_some_in_october()
    response = coordinator.submit("/callbacks/draw", {"month": "2026-10"})
    assert response.status_code in (302, 303), response.text[:300]
    draw = run(CallbackDraw.select().where(CallbackDraw.month == "2026-10").first())
    sample = sorted((c["kind"], c["request"] or c["promise"]) for c in run(Callback.select().where(Callback.draw == draw["id"])))
    assert draw["eligible"] == len(closed) and len(sample) == draw["sampled"] == rules.sample_size(len(closed), draw["sample_percent"])
    # Anyone can check it: the stored seed and the month's items give the same sample.
    eligible = run(queries.eligible("2026-10"))
    assert sample == rules.draw(eligible, "2026-10", draw["seed"], draw["sample_percent"])
    leads = {c["lead_officer"]: c["assignee"] for c in run(Callback.select().where(Callback.draw == draw["id"]))}
    assert all(lead != assignee for lead, assignee in leads.items())
    assert run(AuditEvent.count().where(AuditEvent.action == "callback_draw", AuditEvent.entity_id == draw["id"])) == 1
    again = coordinator.submit("/callbacks/draw", {"month": "2026-10"})
    assert again.status_code == 409 and "不再重抽" in again.text
    assert run(Callback.count().where(Callback.draw == draw["id"])) == len(sample)


def test_the_database_refuses_a_second_draw_of_a_month():
    with pytest.raises(Exception, match="(?i)unique"):  # noqa: B017 (sqlite3 and asyncpg raise different classes)
        run(CallbackDraw.insert(CallbackDraw(month="2026-11", seed="x", sample_percent=20, eligible=0, sampled=0)))


def test_a_month_not_ended_or_malformed_is_refused(coordinator):
    assert coordinator.submit("/callbacks/draw", {"month": "2026-12"}).status_code == 422
    bad = coordinator.submit("/callbacks/draw", {"month": "October"})
    assert bad.status_code == 422 and 'id="month-error"' in bad.text


def open_callback():
    return run(Callback.select().where(Callback.done_on.is_null()).order_by(Callback.id).first())


def test_a_callback_by_the_projects_own_lead_officer_is_refused(coordinator, as_role):
    cb = open_callback()
    response = coordinator.submit(f"/callbacks/{cb['id']}", {"caller": str(cb["lead_officer"]), "reached": "1", "solved": "1",
                                                               "satisfaction": "5", "version": "1"})
    assert response.status_code == 422 and 'id="caller-error"' in response.text and "项目专员" in response.text
    officer = run(User.select().where(User.username == "officer").first())
    own = run(Callback.select().where(Callback.lead_officer == officer["officer"]).first())
    if own:
        response = as_role("officer").submit(f"/callbacks/{own['id']}", {"reached": "1", "solved": "1", "satisfaction": "5",
                                                                          "version": str(own["version"])})
        assert response.status_code == 422 and 'id="caller-error"' in response.text
    assert run(Callback.select().where(Callback.id == cb["id"]).first())["done_on"] is None


@pytest.mark.parametrize("satisfaction", ["0", "6"])
def test_a_satisfaction_outside_one_to_five_is_refused(coordinator, satisfaction):
    cb = open_callback()
    response = coordinator.submit(f"/callbacks/{cb['id']}", {"caller": str(cb["assignee"]), "reached": "1", "solved": "0",
                                                               "satisfaction": satisfaction, "comment": "仍在等待", "version": "1"})
    assert response.status_code == 422 and 'id="satisfaction-error"' in response.text
    assert "仍在等待" in response.text


def test_an_answer_is_recorded_and_audited(coordinator):
    cb = open_callback()
    response = coordinator.submit(f"/callbacks/{cb['id']}", {"caller": str(cb["assignee"]), "reached": "1", "solved": "0",
                                                               "satisfaction": "2", "comment": "仍在等待", "version": "1"})
    assert response.status_code in (302, 303)
    row = run(Callback.select().where(Callback.id == cb["id"]).first())
    assert (row["reached"], row["solved"], row["satisfaction"], row["caller"]) == (True, False, 2, cb["assignee"])
    assert run(AuditEvent.count().where(AuditEvent.action == "callback_record", AuditEvent.entity_id == cb["id"])) == 1
    stale = coordinator.submit(f"/callbacks/{cb['id']}", {"caller": str(cb["assignee"]), "reached": "0", "version": "1"})
    assert stale.status_code == 409


def test_an_enterprise_user_cannot_open_the_callbacks(as_role):
    client = as_role("enterprise")
    cb = open_callback()
    assert client.get("/callbacks/").status_code in (403, 404)
    assert client.get(f"/callbacks/{cb['id']}").status_code in (403, 404)
    assert client.submit("/callbacks/draw", {"month": "2026-10"}).status_code in (403, 404)


def test_an_officer_may_not_draw(as_role):
    assert as_role("officer").submit("/callbacks/draw", {"month": "2026-10"}).status_code == 403
