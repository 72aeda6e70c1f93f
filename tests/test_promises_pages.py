"""Promises through the real app: recording, fulfilling, countersigning, the register, credibility."""

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.calendar.tables import CalendarDay
from tracker.org.tables import Department, Officer
from tracker.projects.tables import Milestone, Project
from tracker.promises import rules
from tracker.promises.tables import Fulfilment, Promise


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


@pytest.fixture
def project():
    return run(Project.select().where(Project.status == "active", Project.colour == "green").order_by(Project.id).first())


def base_form(project, **changes):
    dept = run(Department.select().where(Department.name == "哈尔滨供水集团").first())
    officer = run(Officer.select().where(Officer.is_leader == False).first())  # noqa: E712
    form = {
        "content": "协调供水接入", "category": "utilities", "source": "contract", "source_ref": "第十二条", "legal_basis": "",
        "department": dept["id"], "officer": officer["id"], "amount": "", "promised_on": "2026-11-02",
        "due_kind": "fixed", "due_on": "2026-12-31",
    }
    form.update(changes)
    return form


def create(client, project, **changes):
    response = client.submit(f"/projects/{project['id']}/promises/", base_form(project, **changes))
    assert response.status_code in (302, 303), response.text[:3000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def promise(pid):
    return run(Promise.select().where(Promise.id == pid).first())


def test_a_promise_with_a_fixed_date_is_recorded_and_audited(coordinator, project):
    pid = create(coordinator, project, amount="500")
    p = promise(pid)
    assert (p["status"], p["due_on"], p["amount"]) == ("pending", date(2026, 12, 31), Decimal(500))
    assert run(AuditEvent.exists().where(AuditEvent.entity == "promise", AuditEvent.entity_id == pid))
    page = coordinator.get(f"/projects/{project['id']}").text
    assert f'data-promise-id="{pid}"' in page and "协调供水接入" in page


def test_a_standard_promise_prefills_thirty_working_days_after_construction_starts(coordinator, project):
    page = coordinator.get(f"/projects/{project['id']}/promises/new?template=water").text
    assert "供水接入" in page and 'value="30"' in page and 'value="15"' in page and 'value="after_milestone" checked' in page


def test_the_clock_starts_when_the_trigger_milestone_is_recorded_done(coordinator, project):
    m = run(Milestone.select().where(Milestone.project == project["id"], Milestone.actual_on.is_null()).order_by(Milestone.seq).first())
    pid = create(coordinator, project, due_kind="after_milestone", due_on="", due_workdays="30", target_workdays="15", trigger_milestone=m["id"])
    assert promise(pid)["due_on"] is None
    assert "尚未起算" in coordinator.get(f"/promises/{pid}").text
    coordinator.submit(f"/projects/{project['id']}/milestones/{m['id']}/done", {"actual_on": "2026-11-27", "version": m["version"]})
    from tracker.workdays import WorkCalendar

    assert promise(pid)["due_on"] == WorkCalendar().add_workdays(date(2026, 11, 27), 30)
    assert promise(pid)["due_provisional"]  # 30 working days from 27 Nov 2026 reach 2027


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"due_on": "2026-10-01"}, "due_on"),
        ({"amount": "-3"}, "amount"),
        ({"promised_on": "2026-12-01"}, "promised_on"),
        ({"content": ""}, "content"),
        ({"category": "bribes"}, "category"),
        ({"due_kind": "after_milestone", "due_workdays": "30", "trigger_milestone": "__other__"}, "trigger_milestone"),
        ({"due_kind": "after_milestone", "due_workdays": "0", "trigger_milestone": "__own__"}, "due_workdays"),
    ],
)
def test_bad_promises_are_refused_field_by_field_and_nothing_is_saved(coordinator, project, changes, field):
    if changes.get("trigger_milestone") == "__other__":
        changes["trigger_milestone"] = run(Milestone.select().where(Milestone.project != project["id"]).first())["id"]
    if changes.get("trigger_milestone") == "__own__":
        changes["trigger_milestone"] = run(Milestone.select().where(Milestone.project == project["id"]).first())["id"]
    before = run(Promise.count())
    response = coordinator.submit(f"/projects/{project['id']}/promises/", base_form(project, **changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert run(Promise.count()) == before


def test_fulfilment_entries_are_added_and_corrected_by_new_entries_never_edited(coordinator, project):
    pid = create(coordinator, project)
    assert coordinator.submit(f"/promises/{pid}/fulfilments", {"delivered_on": "2026-11-20", "description": "完成管线铺设", "amount": "100", "delivered_by": "供水集团"}).status_code in (302, 303)
    first = run(Fulfilment.select().where(Fulfilment.promise == pid).first())
    assert promise(pid)["status"] == "in_progress"
    coordinator.submit(f"/promises/{pid}/fulfilments", {"delivered_on": "2026-11-21", "description": "金额更正为 120 万元", "amount": "120", "corrects": first["id"]})
    entries = run(Fulfilment.select().where(Fulfilment.promise == pid).order_by(Fulfilment.id))
    assert len(entries) == 2 and entries[0]["description"] == "完成管线铺设" and entries[1]["corrects"] == first["id"]
    assert coordinator.get(f"/promises/{pid}/fulfilments/{first['id']}/edit").status_code in (404, 405)


@pytest.mark.parametrize("changes, field", [({"delivered_on": "2026-11-28"}, "delivered_on"), ({"amount": "-1"}, "amount"), ({"description": ""}, "description")])
def test_bad_fulfilment_entries_are_refused(coordinator, project, changes, field):
    pid = create(coordinator, project)
    data = {"delivered_on": "2026-11-20", "description": "完成", **changes}
    response = coordinator.submit(f"/promises/{pid}/fulfilments", data)
    assert response.status_code == 422 and f'id="{field}-error"' in response.text
    assert run(Fulfilment.count().where(Fulfilment.promise == pid)) == 0


def test_status_moves_along_allowed_paths_only(coordinator, project):
    pid = create(coordinator, project)
    v = promise(pid)["version"]
    refused = coordinator.submit(f"/promises/{pid}/status", {"status": "unfulfillable", "status_reason": "规划调整", "version": v})
    assert refused.status_code == 422 and 'id="remedy_plan-error"' in refused.text
    past = coordinator.submit(f"/promises/{pid}/status", {"status": "unfulfillable", "status_reason": "规划调整", "remedy_plan": "改由临时管线供水", "remedy_due_on": "2026-11-01", "version": v})
    assert past.status_code == 422 and 'id="remedy_due_on-error"' in past.text
    ok = coordinator.submit(f"/promises/{pid}/status", {"status": "unfulfillable", "status_reason": "规划调整", "remedy_plan": "改由临时管线供水", "remedy_due_on": "2027-01-15", "version": v})
    assert ok.status_code in (302, 303)
    p = promise(pid)
    assert (p["status"], p["remedy_due_on"]) == ("unfulfillable", date(2027, 1, 15))
    coordinator.submit(f"/promises/{pid}/status", {"status": "fulfilled", "settled_on": "2026-11-25", "version": p["version"]})
    p = promise(pid)
    assert (p["status"], p["settled_on"]) == ("fulfilled", date(2026, 11, 25))
    after = coordinator.submit(f"/promises/{pid}/status", {"status": "withdrawn", "explanation": "x", "version": p["version"]})
    assert after.status_code == 422 and promise(pid)["status"] == "fulfilled"
    actions = [e["action"] for e in run(AuditEvent.select().where(AuditEvent.entity == "promise", AuditEvent.entity_id == pid))]
    assert actions.count("promise_status") == 2


def test_a_stale_status_form_is_a_conflict(coordinator, project):
    pid = create(coordinator, project)
    v = promise(pid)["version"]
    coordinator.submit(f"/promises/{pid}/status", {"status": "in_progress", "version": v})
    response = coordinator.submit(f"/promises/{pid}/status", {"status": "withdrawn", "explanation": "不合法", "version": v})
    assert response.status_code == 409 and promise(pid)["status"] == "in_progress"


def test_a_dispute_recorded_on_behalf_reopens_the_promise_and_is_marked(coordinator, project):
    pid = create(coordinator, project)
    coordinator.submit(f"/promises/{pid}/status", {"status": "fulfilled", "version": promise(pid)["version"]})
    no_reason = coordinator.submit(f"/promises/{pid}/answer", {"answer": "disputed", "answer_reason": "", "version": promise(pid)["version"]})
    assert no_reason.status_code == 422
    coordinator.submit(f"/promises/{pid}/answer", {"answer": "disputed", "answer_reason": "水压不达标", "version": promise(pid)["version"]})
    p = promise(pid)
    assert (p["status"], p["answer"], p["answer_on_behalf"]) == ("in_progress", "disputed", True)
    assert "代为登记" in coordinator.get(f"/promises/{pid}").text
    assert run(AuditEvent.exists().where(AuditEvent.action == "promise_answer", AuditEvent.entity_id == pid))


def test_an_overdue_promise_turns_the_project_red(coordinator, project):
    assert project["colour"] == "green"
    create(coordinator, project, promised_on="2026-10-08", due_on="2026-11-20")
    assert run(Project.select(Project.colour).where(Project.id == project["id"]).first())["colour"] == "red"


def test_only_those_responsible_may_record(as_role, project):
    for role in ("leader", "enterprise"):
        assert as_role(role).submit(f"/projects/{project['id']}/promises/", base_form(project)).status_code == 403


def promise_ids(html):
    return {int(i) for i in re.findall(r'data-promise-id="(\d+)"', html)}


def test_the_register_filters_and_the_credibility_page_counts_the_same_rows(coordinator, project):
    # A department the demo made no promises for, so the figures are exactly this test's.
    water = run(Department.select().where(Department.name == "哈尔滨市市场监督管理局").first())["id"]
    on_time = create(coordinator, project, promised_on="2026-09-01", due_on="2026-10-30", department=water)
    coordinator.submit(f"/promises/{on_time}/status", {"status": "fulfilled", "settled_on": "2026-10-20", "version": promise(on_time)["version"]})
    coordinator.submit(f"/promises/{on_time}/answer", {"answer": "confirmed", "version": promise(on_time)["version"]})
    overdue = create(coordinator, project, promised_on="2026-09-01", due_on="2026-11-02", category="land", department=water)
    upcoming = create(coordinator, project, due_on="2026-12-02", department=water)
    assert promise_ids(coordinator.get(f"/promises?department={water}").text) >= {on_time, overdue, upcoming}
    assert promise_ids(coordinator.get(f"/promises?department={water}&overdue=1").text) == {overdue}
    assert promise_ids(coordinator.get(f"/promises?department={water}&category=land").text) == {overdue}
    assert promise_ids(coordinator.get(f"/promises?department={water}&due_within=5").text) == {upcoming}
    assert promise_ids(coordinator.get(f"/promises?project={project['id']}&department={water}&status=fulfilled").text) == {on_time}
    page = coordinator.get("/promises/credibility").text
    row = re.search(rf'<tr data-department-id="{water}">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="text-end[^"]*"[^>]*>([^<]*)</td>', row)
    # made, on time, late, overdue, unfulfillable, disputed, on-time rate, confirmed rate
    assert cells == ["3", "1", "0", "1", "0", "0", "50%", "100%"]
    breaches = page.split("政务失信记录")[1]
    assert f'data-promise-id="{overdue}"' in breaches and f'data-promise-id="{upcoming}"' not in breaches


def test_the_credibility_page_sorts_by_any_column(coordinator):
    for key in ("made", "on_time_rate", "confirmed_rate", "overdue", "name", "nonsense"):
        assert coordinator.get(f"/promises/credibility?sort={key}").status_code == 200


# --- the working-day calendar --------------------------------------------------------------------


def test_the_calendar_page_is_for_admins(as_role):
    assert as_role("admin").get("/admin/calendar").status_code == 200
    assert as_role("coordinator").get("/admin/calendar").status_code == 403


def test_entering_2027_days_recomputes_provisional_dates(as_role, coordinator, project):
    admin = as_role("admin")
    m = run(Milestone.select().where(Milestone.project == project["id"], Milestone.actual_on.is_null()).order_by(Milestone.seq).first())
    pid = create(coordinator, project, due_kind="after_milestone", due_on="", due_workdays="30", trigger_milestone=m["id"])
    coordinator.submit(f"/projects/{project['id']}/milestones/{m['id']}/done", {"actual_on": "2026-11-27", "version": m["version"]})
    before = promise(pid)
    assert before["due_provisional"]
    provisional_before = run(Milestone.count().where(Milestone.provisional == True))  # noqa: E712
    assert provisional_before > 0
    # New Year's Day 2027 falls inside the 30 working days.
    response = admin.submit("/admin/calendar/", {"day": "2027-01-01", "kind": "holiday", "note": "元旦"})
    assert response.status_code in (302, 303)
    after = promise(pid)
    assert not after["due_provisional"] and after["due_on"] > before["due_on"]
    assert run(Milestone.count().where(Milestone.provisional == True)) < provisional_before  # noqa: E712
    assert run(AuditEvent.exists().where(AuditEvent.action == "calendar_day"))


def test_a_published_year_cannot_be_changed_and_a_day_is_entered_once(as_role):
    admin = as_role("admin")
    assert admin.submit("/admin/calendar/", {"day": "2026-10-08", "kind": "holiday"}).status_code == 422
    assert admin.submit("/admin/calendar/", {"day": "2027-02-06", "kind": "workday"}).status_code in (302, 303)
    again = admin.submit("/admin/calendar/", {"day": "2027-02-06", "kind": "holiday"})
    assert again.status_code == 422 and "该日期已录入" in again.text
    assert run(CalendarDay.count()) == 1


def test_statuses_cover_the_design():
    assert set(rules.STATUSES) == {"pending", "in_progress", "fulfilled", "partial", "unfulfillable", "withdrawn"}
