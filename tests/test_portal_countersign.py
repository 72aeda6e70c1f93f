"""The enterprise countersigns fulfilments in the portal; staff only through "on behalf"."""

from tests.helpers import run
from tracker.audit.tables import AuditEvent
from tracker.auth.tables import User
from tracker.promises.tables import Promise


def awaiting(username: str) -> dict:
    enterprise = run(User.select(User.enterprise).where(User.username == username).first())["enterprise"]
    return run(Promise.select().where(Promise.project.enterprise == enterprise, Promise.status == "fulfilled",
                                      Promise.answer.is_null()).first())


def answer(client, promise: dict, value: str, reason: str = ""):
    return client.submit(f"/portal/promises/{promise['id']}/answer", {"answer": value, "answer_reason": reason, "version": promise["version"]})


def test_the_portal_shows_promises_with_their_fulfilments_and_asks_for_a_countersign(as_role):
    promise = awaiting("enterprise")
    client = as_role("enterprise")
    assert "1 项兑现等待您确认" in client.get("/portal").text
    page = client.get(f"/portal/projects/{promise['project']}").text
    assert promise["content"] in page and "3 名外籍技术人员工作许可已全部获批" in page and "是否按承诺兑现" in page


def test_the_enterprise_confirms_a_fulfilment_itself(as_role):
    promise = awaiting("enterprise")
    response = answer(as_role("enterprise"), promise, "confirmed")
    assert response.status_code == 302
    row = run(Promise.select().where(Promise.id == promise["id"]).first())
    assert (row["answer"], row["answer_on_behalf"], row["status"]) == ("confirmed", False, "fulfilled")
    assert row["answered_by"] == run(User.select(User.id).where(User.username == "enterprise").first())["id"]
    assert run(AuditEvent.exists().where(AuditEvent.entity == "promise", AuditEvent.entity_id == promise["id"], AuditEvent.action == "promise_answer"))
    again = answer(as_role("enterprise"), run(Promise.select().where(Promise.id == promise["id"]).first()), "disputed", "改主意")
    assert again.status_code == 422 and "该兑现已答复过" in again.text


def test_a_dispute_needs_a_reason_then_reopens_the_promise_and_tells_the_lead_officer(as_role):
    promise = awaiting("enterprise")
    client = as_role("enterprise")
    empty = answer(client, promise, "disputed", "  ")
    assert empty.status_code == 422 and "请说明" in empty.text
    assert run(Promise.select(Promise.answer).where(Promise.id == promise["id"]).first())["answer"] is None
    assert answer(client, promise, "disputed", "只批了 2 人").status_code == 302
    row = run(Promise.select().where(Promise.id == promise["id"]).first())
    assert (row["answer"], row["status"], row["answer_reason"]) == ("disputed", "in_progress", "只批了 2 人")
    lead_officer = run(Promise.select(Promise.project.lead_officer.as_alias("lead")).where(Promise.id == promise["id"]).first())["lead"]
    account = run(User.select(User.username).where(User.officer == lead_officer).first())
    if account is None:  # give the lead officer a login to read their dashboard
        from tests.helpers import DEMO_PASSWORD
        from tracker.auth.passwords import hash_password

        run(User.insert(User(username="lead", password_hash=hash_password(DEMO_PASSWORD), role="officer", officer=lead_officer)))
        account = {"username": "lead"}
    dashboard = as_role(account["username"]).get("/").text
    assert "企业有异议" in dashboard and "只批了 2 人" in dashboard
    assert "企业有异议" not in as_role("leader").get("/").text


def test_confirming_another_enterprises_fulfilment_is_refused_and_changes_nothing(as_role):
    promise = awaiting("enterprise")
    response = answer(as_role("enterprise2"), promise, "confirmed")
    assert response.status_code == 404
    assert run(Promise.select(Promise.answer).where(Promise.id == promise["id"]).first())["answer"] is None


def test_staff_cannot_answer_as_the_enterprise_except_on_its_behalf(as_role):
    promise = awaiting("enterprise")
    for role in ("coordinator", "officer", "leader", "admin"):
        assert answer(as_role(role), promise, "confirmed").status_code == 403
    assert run(Promise.select(Promise.answer).where(Promise.id == promise["id"]).first())["answer"] is None
    response = as_role("coordinator").submit(f"/promises/{promise['id']}/answer", {"answer": "confirmed", "version": promise["version"]})
    assert response.status_code in (302, 303)
    row = run(Promise.select().where(Promise.id == promise["id"]).first())
    assert (row["answer"], row["answer_on_behalf"]) == ("confirmed", True)
    assert "由工作人员代您登记" in as_role("enterprise").get(f"/portal/projects/{promise['project']}").text
