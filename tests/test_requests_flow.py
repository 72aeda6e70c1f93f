"""Enterprise requests end to end: raised in the portal, answered from the staff inbox, rated,
reopened, escalated; attachments checked by content and served only to those allowed."""

import io
import re

from PIL import Image

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.projects.tables import Project
from tracker.requests.tables import Attachment, EnterpriseRequest, RequestEvent

R = EnterpriseRequest


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def user(username: str) -> dict:
    return run(User.select().where(User.username == username).first())


def project_of(username: str) -> dict:
    return run(Project.select().where(Project.enterprise == user(username)["enterprise"], Project.status == "active").order_by(Project.id).first())


def raise_request(client, project_id: int, description: str = "临时用电迟迟未接入，请协调。", files=None):
    return client.submit("/portal/requests/", {"project": project_id, "category": "utilities", "description": description}, files=files)


def newest() -> dict:
    return run(R.select().order_by(R.id, ascending=False).first())


def act(client, request_id: int, action: str, **fields):
    version = run(R.select(R.version).where(R.id == request_id).first())["version"]
    return client.submit(f"/requests/{request_id}/action", {"action": action, "version": version, **fields})


def feedback(client, request_id: int, solved: str, rating, comment: str = ""):
    version = run(R.select(R.version).where(R.id == request_id).first())["version"]
    return client.submit(f"/portal/requests/{request_id}/feedback", {"solved": solved, "satisfaction": rating, "feedback": comment, "version": version})


def test_an_enterprise_raises_a_request_with_an_attachment_and_the_lead_officer_is_its_first_responder(as_role):
    enterprise = as_role("enterprise")
    project = project_of("enterprise")
    response = raise_request(enterprise, project["id"], files=[("files", ("营业执照.png", png(), "image/png"))])
    assert response.status_code in (302, 303), response.text
    req = newest()
    assert (req["project"], req["enterprise"], req["responder"], req["status"]) == (project["id"], project["enterprise"], project["lead_officer"], "new")
    # Raised on Friday 2026-11-27: acknowledge by Monday, answer by the next Friday (working days).
    assert (str(req["ack_due_on"]), str(req["answer_due_on"])) == ("2026-11-30", "2026-12-04")
    attachment = run(Attachment.select().where(Attachment.request == req["id"]).first())
    assert (attachment["filename"], attachment["content_type"]) == ("营业执照.png", "image/png")
    assert run(AuditEvent.exists().where(AuditEvent.entity == "request", AuditEvent.entity_id == req["id"], AuditEvent.action == "request_raise"))
    page = enterprise.get(f"/portal/requests/{req['id']}").text
    assert "临时用电迟迟未接入" in page and "营业执照.png" in page
    inbox = as_role("coordinator").get("/requests").text
    assert "临时用电迟迟未接入" in inbox and "2026年11月30日" in inbox


def test_the_owner_downloads_an_attachment_as_a_download_and_nobody_else_can(as_role):
    enterprise = as_role("enterprise")
    content = png()
    raise_request(enterprise, project_of("enterprise")["id"], files=[("files", ("../../etc/passwd.png", content, "text/html"))])
    req = newest()
    attachment = run(Attachment.select().where(Attachment.request == req["id"]).first())
    assert attachment["filename"] == "passwd.png"
    url = f"/portal/requests/{req['id']}/attachments/{attachment['id']}"
    response = enterprise.get(url)
    assert response.status_code == 200 and response.content == content
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert as_role("enterprise2").get(url).status_code == 404
    assert as_role("enterprise").get(f"/portal/requests/{req['id']}/attachments/{attachment['id'] + 999}").status_code == 404
    staff = as_role("leader").get(f"/requests/{req['id']}/attachments/{attachment['id']}")
    assert staff.status_code == 200 and staff.content == content


def test_bad_requests_are_refused_field_by_field_and_nothing_is_saved(as_role):
    enterprise = as_role("enterprise")
    project = project_of("enterprise")
    before = run(R.count())
    empty = raise_request(enterprise, project["id"], description="   ")
    assert empty.status_code == 422 and "请描述需要解决的问题" in empty.text
    too_long = raise_request(enterprise, project["id"], description="长" * 4001)
    assert too_long.status_code == 422 and "内容过长" in too_long.text
    disguised = raise_request(enterprise, project["id"], files=[("files", ("合同.pdf", b"<script>alert(1)</script>", "application/pdf"))])
    assert disguised.status_code == 422 and "只能上传 PDF 文件或图片" in disguised.text
    assert "临时用电迟迟未接入" in disguised.text  # what was typed is kept
    oversized = raise_request(enterprise, project["id"], files=[("files", ("big.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024), "application/pdf"))])
    assert oversized.status_code == 422 and "有文件超过大小限制" in oversized.text
    foreign = raise_request(enterprise, project_of("enterprise2")["id"])
    assert foreign.status_code == 422 and "所选项无效" in foreign.text
    assert run(R.count()) == before
    assert not run(Attachment.exists().where(Attachment.filename.is_in(["合同.pdf", "big.pdf"])))


def test_staff_acknowledge_reply_and_close_and_the_enterprise_says_it_is_solved(as_role):
    enterprise = as_role("enterprise")
    raise_request(enterprise, project_of("enterprise")["id"])
    req = newest()
    coordinator = as_role("coordinator")
    assert act(coordinator, req["id"], "acknowledge").status_code == 302
    assert act(coordinator, req["id"], "reply", text="已联系供电公司，下周一上门。").status_code == 302
    assert act(coordinator, req["id"], "close", resolution="供电公司已完成接电。").status_code == 302
    row = run(R.select().where(R.id == req["id"]).first())
    assert (row["status"], str(row["acknowledged_on"]), str(row["answered_on"]), str(row["closed_on"])) == ("closed", "2026-11-27", "2026-11-27", "2026-11-27")
    page = enterprise.get(f"/portal/requests/{req['id']}").text
    assert "已联系供电公司" in page and "您的问题是否真正解决" in page
    assert feedback(enterprise, req["id"], "yes", 5, "很及时").status_code == 302
    row = run(R.select().where(R.id == req["id"]).first())
    assert (row["status"], row["solved"], row["satisfaction"]) == ("closed", True, 5)
    assert [e["kind"] for e in run(RequestEvent.select().where(RequestEvent.request == req["id"]).order_by(RequestEvent.id))] == [
        "raised", "acknowledge", "reply", "close", "solved"]
    again = feedback(enterprise, req["id"], "no", 1, "再评一次")
    assert again.status_code == 422 and "您已对本次答复作出评价" in again.text
    assert run(R.select(R.satisfaction).where(R.id == req["id"]).first())["satisfaction"] == 5


def test_a_rating_outside_1_to_5_or_of_an_open_request_is_refused(as_role):
    enterprise = as_role("enterprise")
    raise_request(enterprise, project_of("enterprise")["id"])
    req = newest()
    early = feedback(enterprise, req["id"], "yes", 5)
    assert early.status_code == 422 and "只有已办结的诉求才能评价" in early.text
    act(as_role("coordinator"), req["id"], "close", resolution="已办结")
    for rating in (0, 6, "x", ""):
        response = feedback(enterprise, req["id"], "yes", rating)
        assert response.status_code == 422 and "请在 1 到 5 之间评分" in response.text
    no_reason = feedback(enterprise, req["id"], "no", 2)
    assert no_reason.status_code == 422 and "请说明哪些问题仍未解决" in no_reason.text
    row = run(R.select().where(R.id == req["id"]).first())
    assert (row["status"], row["solved"], row["satisfaction"]) == ("closed", None, None)


def test_not_solved_reopens_with_new_deadlines_and_the_third_reopening_escalates_to_the_coordinator(as_role):
    enterprise = as_role("enterprise")
    raise_request(enterprise, project_of("enterprise")["id"], description="贴息申请一直没有答复。")
    req = newest()
    coordinator = as_role("coordinator")
    for n in range(1, 4):
        assert act(coordinator, req["id"], "close", resolution=f"第{n}次办结").status_code == 302
        assert feedback(enterprise, req["id"], "no", 2, f"第{n}次仍未解决").status_code == 302
        row = run(R.select().where(R.id == req["id"]).first())
        assert (row["status"], row["reopen_count"], row["escalated"]) == ("reopened", n, n == 3)
        assert row["acknowledged_on"] is None and row["closed_on"] is None
    dashboard = coordinator.get("/").text
    assert "已提级督办的诉求" in dashboard and "贴息申请一直没有答复" in dashboard
    escalated = coordinator.get("/requests?escalated=1").text
    assert "贴息申请一直没有答复" in escalated
    assert run(RequestEvent.count().where(RequestEvent.request == req["id"], RequestEvent.kind == "escalated")) == 1


def test_only_the_first_responder_the_department_or_a_coordinator_may_act(as_role):
    officer = user("officer")
    project = run(Project.select().where(Project.lead_officer == officer["officer"], Project.status == "active").first())
    other = run(Project.select().where(Project.lead_officer != officer["officer"], Project.status == "active").first())
    coordinator = as_role("coordinator")
    coordinator.submit("/requests/", {"project": project["id"], "category": "land", "description": "电话反映：地块有遗留建筑。"})
    mine = newest()
    assert mine["raised_on_behalf"] and mine["responder"] == officer["officer"]
    coordinator.submit("/requests/", {"project": other["id"], "category": "land", "description": "电话反映：另一个问题。"})
    theirs = newest()
    client = as_role("officer")
    assert act(client, mine["id"], "acknowledge").status_code == 302
    assert act(client, theirs["id"], "acknowledge").status_code == 403
    assert act(as_role("leader"), mine["id"], "reply", text="x").status_code == 403
    assert run(R.select(R.status).where(R.id == theirs["id"]).first())["status"] == "new"
    wrong = act(client, mine["id"], "acknowledge")
    assert wrong.status_code == 422 and "该诉求已签收" in wrong.text
    stale = client.submit(f"/requests/{mine['id']}/action", {"action": "reply", "text": "旧页面", "version": 1})
    assert stale.status_code == 409 and "旧页面" in stale.text


def test_a_stale_page_cannot_overwrite_and_dispatch_needs_a_department(as_role):
    enterprise = as_role("enterprise")
    raise_request(enterprise, project_of("enterprise")["id"])
    req = newest()
    coordinator = as_role("coordinator")
    missing = act(coordinator, req["id"], "dispatch")
    assert missing.status_code == 422 and "请选择一项" in missing.text
    department = run(User.select(User.officer.department.as_alias("d")).where(User.username == "officer").first())["d"]
    assert act(coordinator, req["id"], "dispatch", department=department).status_code == 302
    row = run(R.select().where(R.id == req["id"]).first())
    assert (row["status"], row["department"]) == ("in_progress", department)


def test_a_handover_passes_open_requests_to_the_successor_and_lists_them_in_the_snapshot(as_role):
    from tracker.liaison.tables import Handover
    from tracker.org.tables import Officer

    enterprise = as_role("enterprise")
    project = project_of("enterprise")
    raise_request(enterprise, project["id"], description="交接前提出的诉求")
    req = newest()
    successor = run(Officer.select().where(Officer.id != project["lead_officer"], Officer.active == True, Officer.is_leader == False).first())  # noqa: E712
    version = run(Project.select(Project.version).where(Project.id == project["id"]).first())["version"]
    response = as_role("coordinator").submit(f"/projects/{project['id']}/handover", {
        "role": "lead_officer", "to_officer": successor["id"], "reason": "transfer", "note": "", "version": version})
    assert response.status_code in (302, 303), response.text
    assert run(R.select(R.responder).where(R.id == req["id"]).first())["responder"] == successor["id"]
    handover = run(Handover.select().where(Handover.project == project["id"]).order_by(Handover.id, ascending=False).first())
    snapshot = handover["snapshot"] if isinstance(handover["snapshot"], dict) else __import__("json").loads(handover["snapshot"])
    assert "交接前提出的诉求" in [r["description"] for r in snapshot["open_requests"]]


def test_the_meeting_agenda_proposes_requests_past_their_deadline(as_role):
    from tracker.meetings.queries import proposed_agenda
    from tracker.settings import today

    items = run(proposed_agenda(today()))
    overdue = [i for i in items if i["kind"] == "overdue_request"]
    open_late = [r for r in run(R.select()) if r["status"] not in ("closed",) and (
        (r["acknowledged_on"] is None and r["ack_due_on"] < today()) or (r["answered_on"] is None and r["answer_due_on"] < today()))]
    assert len(overdue) == len(open_late) >= 1


def test_the_figures_page_counts_each_officer_and_department_from_the_requests(as_role):
    rows = run(R.select())
    page = as_role("leader").get("/requests/figures").text
    closed = sum(r["status"] == "closed" for r in rows)
    resolved = sum(r["status"] == "closed" and r["solved"] is True for r in rows)
    assert f"{round(100 * closed / len(rows))}%" in page
    assert f"{round(100 * resolved / len(rows))}%" in page
    rated = [r["satisfaction"] for r in rows if r["satisfaction"] is not None]
    assert f"{sum(rated) / len(rated):.1f}" in page
    assert as_role("enterprise").get("/requests/figures").status_code == 403


def test_the_inbox_filters_by_status_department_and_deadline(as_role):
    rows = run(R.select(R.id, R.status, R.department, R.responder.department.as_alias("own")))
    coordinator = as_role("coordinator")
    dispatched = next(r for r in rows if r["department"])
    page = coordinator.get(f"/requests?status=all&department={dispatched['department']}").text
    listed = {int(i) for i in re.findall(r'<td><a href="/requests/(\d+)">', page)}
    assert listed == {r["id"] for r in rows if dispatched["department"] in (r["department"], r["own"])}
    closed = coordinator.get("/requests?status=closed").text
    assert {int(i) for i in re.findall(r'<td><a href="/requests/(\d+)">', closed)} == {r["id"] for r in rows if r["status"] == "closed"}
    late = coordinator.get("/requests?overdue=1").text
    assert late.count('class="table-danger"') == len(set(re.findall(r'<td><a href="/requests/(\d+)">', late))) >= 1
