"""Weekly meetings: proposed agenda, minutes, action items that carry over, locking, addenda, board."""

import re
from datetime import date

import pytest

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.meetings.tables import ActionItem, Addendum, AgendaItem, Attendee, Meeting
from tracker.org.tables import Department, Officer
from tracker.projects.tables import Project


@pytest.fixture
def coordinator(as_role):
    return as_role("coordinator")


def chair():
    return run(Officer.select().where(Officer.is_leader == True).first())["id"]  # noqa: E712


def new_meeting(client, held_on="2026-11-27", **extra):
    officers = [o["id"] for o in run(Officer.select().limit(3))]
    data = {"held_on": held_on, "chair": chair(), "location": "市投促局 301 会议室", **extra}
    response = client.post("/meetings/", data={**data, "attendees": officers, "_csrf_token": client.csrf()}, follow_redirects=False)
    assert response.status_code in (302, 303), response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


def meeting(mid):
    return run(Meeting.select().where(Meeting.id == mid).first())


def items(mid):
    return run(AgendaItem.select().where(AgendaItem.meeting == mid).order_by(AgendaItem.position).order_by(AgendaItem.id))


def start(client, mid):
    assert client.submit(f"/meetings/{mid}/status", {"status": "in_progress", "version": meeting(mid)["version"]}).status_code in (302, 303)


def close(client, mid):
    assert client.submit(f"/meetings/{mid}/status", {"status": "closed", "version": meeting(mid)["version"]}).status_code in (302, 303)


def add_action(client, mid, item_id, **extra):
    owner = run(Officer.select().where(Officer.active == True, Officer.is_leader == False).first())  # noqa: E712
    dept = run(Department.select().first())
    data = {"task": "协调电力外线施工", "owner_department": dept["id"], "owner_officer": owner["id"], "due_on": "2026-12-04", **extra}
    return client.submit(f"/meetings/{mid}/items/{item_id}/actions", data)


def test_the_proposed_agenda_holds_red_projects_and_overdue_promises(coordinator):
    mid = new_meeting(coordinator)
    agenda = items(mid)
    red = {p["id"] for p in run(Project.select(Project.id).where(Project.status == "active", Project.colour == "red"))}
    assert {i["project"] for i in agenda if i["kind"] == "red_project"} == red
    assert any(i["kind"] == "overdue_promise" for i in agenda)
    assert [i["position"] for i in agenda] == list(range(1, len(agenda) + 1))
    assert run(Attendee.count().where(Attendee.meeting == mid)) == 3
    assert run(AuditEvent.exists().where(AuditEvent.entity == "meeting", AuditEvent.entity_id == mid))


def test_an_open_action_item_is_carried_to_every_later_meeting_with_its_count(coordinator):
    first = new_meeting(coordinator, "2026-11-20")
    start(coordinator, first)
    item = items(first)[0]
    assert add_action(coordinator, first, item["id"], due_on="2026-12-31").status_code in (302, 303)
    action = run(ActionItem.select().where(ActionItem.meeting == first).first())
    close(coordinator, first)
    second = new_meeting(coordinator, "2026-11-27")
    carried = [i for i in items(second) if i["carried_action"] == action["id"]]
    assert len(carried) == 1 and carried[0]["kind"] == "carried_action"
    third = new_meeting(coordinator, "2026-11-27")
    assert any(i["carried_action"] == action["id"] for i in items(third))
    assert "已连续上会 2 次" in coordinator.get(f"/meetings/{third}").text
    coordinator.submit(f"/action-items/{action['id']}/done", {"resolution": "已通电", "outcome": "resolved", "version": action["version"]})
    fourth = new_meeting(coordinator, "2026-11-27")
    assert not any(i["carried_action"] == action["id"] for i in items(fourth))


def test_the_agenda_is_reordered_in_place_with_htmx_and_items_removed_or_added(coordinator):
    mid = new_meeting(coordinator)
    before = [i["id"] for i in items(mid)]
    assert len(before) >= 2
    response = coordinator.submit(f"/meetings/{mid}/items/{before[1]}/move", {"direction": "up"}, htmx=True)
    assert response.status_code == 200 and "<html" not in response.text and response.text.lstrip().startswith('<div id="agenda">')
    after = [i["id"] for i in items(mid)]
    assert after[:2] == [before[1], before[0]]
    assert re.findall(r'data-item-id="(\d+)"', response.text)[:2] == [str(before[1]), str(before[0])]
    coordinator.submit(f"/meetings/{mid}/items/{before[0]}/delete", htmx=True)
    assert before[0] not in [i["id"] for i in items(mid)]
    coordinator.submit(f"/meetings/{mid}/items", {"title": "冬季施工安全部署", "project": ""})
    assert items(mid)[-1]["title"] == "冬季施工安全部署" and items(mid)[-1]["project"] is None


def test_status_goes_draft_then_in_progress_then_closed_only(coordinator):
    mid = new_meeting(coordinator)
    refused = coordinator.submit(f"/meetings/{mid}/status", {"status": "closed", "version": meeting(mid)["version"]})
    assert refused.status_code == 422 and meeting(mid)["status"] == "draft"
    start(coordinator, mid)
    close(coordinator, mid)
    assert meeting(mid)["status"] == "closed" and meeting(mid)["closed_at"] is not None


def test_minutes_and_action_items_are_written_during_the_meeting(coordinator):
    mid = new_meeting(coordinator)
    item = items(mid)[0]
    assert add_action(coordinator, mid, item["id"]).status_code == 422  # still a draft
    start(coordinator, mid)
    coordinator.submit(f"/meetings/{mid}/items/{item['id']}", {"discussion": "企业反映电力外线进度慢", "decision": "供电公司两周内完成", "version": item["version"]})
    assert items(mid)[0]["decision"] == "供电公司两周内完成"
    assert add_action(coordinator, mid, item["id"], due_on="", due_workdays="10").status_code in (302, 303)
    action = run(ActionItem.select().where(ActionItem.meeting == mid).first())
    assert action["due_on"] == date(2026, 12, 11)  # 10 working days after Fri 27 Nov 2026
    assert action["project"] == item["project"]


@pytest.mark.parametrize("changes, field", [({"due_on": "2026-11-20"}, "due_on"), ({"task": ""}, "task"), ({"owner_officer": "__inactive__"}, "owner_officer")])
def test_bad_action_items_are_refused_and_nothing_is_saved(coordinator, changes, field):
    mid = new_meeting(coordinator)
    start(coordinator, mid)
    if changes.get("owner_officer") == "__inactive__":
        officer = run(Officer.select().where(Officer.is_leader == False).order_by(Officer.id, ascending=False).first())  # noqa: E712
        run(Officer.update({Officer.active: False}).where(Officer.id == officer["id"]))
        changes = {"owner_officer": officer["id"]}
    response = add_action(coordinator, mid, items(mid)[0]["id"], **changes)
    assert response.status_code == 422 and 'role="alert"' in response.text
    assert run(ActionItem.count().where(ActionItem.meeting == mid)) == 0


def test_a_closed_meeting_refuses_every_write_even_a_crafted_post(coordinator):
    mid = new_meeting(coordinator)
    start(coordinator, mid)
    item = items(mid)[0]
    close(coordinator, mid)
    attendee = run(Attendee.select().where(Attendee.meeting == mid).first())
    before = (items(mid), run(ActionItem.count()), meeting(mid), run(Attendee.select().where(Attendee.meeting == mid)))
    for url, data in [
        (f"/meetings/{mid}/items/{item['id']}", {"discussion": "x", "decision": "改写"}),
        (f"/meetings/{mid}/items/{item['id']}/actions", {"task": "x", "owner_department": 1, "owner_officer": 1, "due_on": "2026-12-31"}),
        (f"/meetings/{mid}/items", {"title": "x"}),
        (f"/meetings/{mid}/items/{item['id']}/delete", {}),
        (f"/meetings/{mid}/items/{item['id']}/move", {"direction": "down"}),
        (f"/meetings/{mid}/attendance", {f"attendance_{attendee['id']}": "absent"}),
        (f"/meetings/{mid}/status", {"status": "in_progress", "version": meeting(mid)["version"]}),
    ]:
        response = coordinator.submit(url, data)
        assert response.status_code == 403, url
        assert "纪要已锁定" in response.text
    assert (items(mid), run(ActionItem.count()), meeting(mid), run(Attendee.select().where(Attendee.meeting == mid))) == before


def test_addenda_are_added_to_closed_minutes_by_a_coordinator_only(coordinator, as_role):
    mid = new_meeting(coordinator)
    item = items(mid)[0]
    assert coordinator.submit(f"/meetings/{mid}/addenda", {"text": "太早", "agenda_item": item["id"]}).status_code == 422
    start(coordinator, mid)
    close(coordinator, mid)
    assert as_role("officer").submit(f"/meetings/{mid}/addenda", {"text": "更正"}).status_code == 403
    assert coordinator.submit(f"/meetings/{mid}/addenda", {"text": "决定中的“两周”应为“十个工作日”", "agenda_item": item["id"]}).status_code in (302, 303)
    assert run(Addendum.count().where(Addendum.meeting == mid)) == 1
    page = coordinator.get(f"/meetings/{mid}").text
    section = page.split(f'id="item{item["id"]}"')[1].split("</section>")[0]
    assert "十个工作日" in section
    assert run(AuditEvent.exists().where(AuditEvent.action == "addendum"))


def totals(board: str) -> tuple[int, int]:
    resolved = int(re.search(r"data-resolved>(\d+)<", board).group(1))
    unresolved = int(re.search(r"data-closed-unresolved>(\d+)<", board).group(1))
    return resolved, unresolved


def test_the_board_counts_resolved_and_closed_unresolved_apart(coordinator, as_role):
    before = totals(coordinator.get("/action-items?show=all").text)
    mid = new_meeting(coordinator)
    start(coordinator, mid)
    item = items(mid)[0]
    for task in ("甲", "乙", "丙"):
        add_action(coordinator, mid, item["id"], task=task)
    a, b, c = run(ActionItem.select().where(ActionItem.meeting == mid).order_by(ActionItem.id))
    assert coordinator.submit(f"/action-items/{a['id']}/done", {"resolution": "", "outcome": "resolved", "version": 1}).status_code == 422
    assert coordinator.submit(f"/action-items/{a['id']}/done", {"resolution": "已解决", "outcome": "maybe", "version": 1}).status_code == 422
    coordinator.submit(f"/action-items/{a['id']}/done", {"resolution": "已解决", "outcome": "resolved", "version": 1})
    coordinator.submit(f"/action-items/{b['id']}/done", {"resolution": "企业放弃该诉求", "outcome": "closed_unresolved", "version": 1})
    assert as_role("leader").submit(f"/action-items/{c['id']}/done", {"resolution": "x", "outcome": "resolved", "version": 1}).status_code == 403
    board = coordinator.get("/action-items?show=all").text
    assert totals(board) == (before[0] + 1, before[1] + 1)
    open_board = coordinator.get(f"/action-items?owner={a['owner_officer']}").text
    assert f'data-action-id="{c["id"]}"' in open_board and f'data-action-id="{a["id"]}"' not in open_board
    assert run(AuditEvent.count().where(AuditEvent.action == "action_done", AuditEvent.entity_id.is_in([a["id"], b["id"]]))) == 2


def test_an_overdue_action_item_makes_a_green_project_amber_and_shows_on_its_page(coordinator):
    project = run(Project.select().where(Project.status == "active", Project.colour == "green").first())
    mid = new_meeting(coordinator, "2026-11-16")
    start(coordinator, mid)
    coordinator.submit(f"/meetings/{mid}/items", {"title": "用地手续", "project": project["id"]})
    item = items(mid)[-1]
    coordinator.submit(f"/meetings/{mid}/items/{item['id']}", {"discussion": "", "decision": "自然资源局加快办理", "version": item["version"]})
    assert add_action(coordinator, mid, item["id"], due_on="2026-11-20").status_code in (302, 303)
    assert run(Project.select(Project.colour).where(Project.id == project["id"]).first())["colour"] == "amber"
    page = coordinator.get(f"/projects/{project['id']}").text
    assert "自然资源局加快办理" in page.split('id="project-meetings"')[1]
    overdue = coordinator.get("/action-items?overdue=1").text
    assert "协调电力外线施工" in overdue


def test_leaders_read_meetings_but_do_not_write_them(coordinator, as_role):
    mid = new_meeting(coordinator)
    leader = as_role("leader")
    assert leader.get(f"/meetings/{mid}").status_code == 200
    assert leader.submit(f"/meetings/{mid}/items", {"title": "x"}).status_code == 403
    assert as_role("officer").get("/meetings/new").status_code == 403
    assert as_role("enterprise").get(f"/meetings/{mid}").status_code == 403


def test_a_handover_snapshot_lists_the_projects_open_action_items(coordinator):
    import json

    from tracker.liaison.tables import Handover

    project = run(Project.select().where(Project.status == "active").order_by(Project.id).first())
    mid = new_meeting(coordinator)
    start(coordinator, mid)
    coordinator.submit(f"/meetings/{mid}/items", {"title": "交接前议题", "project": project["id"]})
    add_action(coordinator, mid, items(mid)[-1]["id"], task="完成环评公示")
    version = run(Project.select(Project.version).where(Project.id == project["id"]).first())["version"]
    successor = run(Officer.select().where(Officer.active == True, Officer.is_leader == False, Officer.id != project["lead_officer"]).first())  # noqa: E712
    coordinator.submit(f"/projects/{project['id']}/handover/", {"role": "lead_officer", "to_officer": successor["id"], "reason": "transfer", "version": version})
    handover = run(Handover.select().where(Handover.project == project["id"]).order_by(Handover.id, ascending=False).first())
    snapshot = handover["snapshot"] if isinstance(handover["snapshot"], dict) else json.loads(handover["snapshot"])
    assert "完成环评公示" in [a["task"] for a in snapshot["open_action_items"]]
