"""Who hears what, when, and how (tracker.notices.rules and texts): pure functions, no database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tracker.notices import rules, texts
from tracker.workdays import WorkCalendar

CAL = WorkCalendar()
FRIDAY = date(2026, 11, 27)
MONDAY = date(2026, 11, 30)
LEAD, LEADER, AREA, NO_LOGIN, UNREACHABLE, SUCCESSOR = 1, 2, 3, 4, 5, 6


def people() -> rules.People:
    """The lead officer, the responsible leader and the coordinator (user 30) have logins; the
    area person has none but an e-mail address; one officer has neither."""
    return rules.People(
        officer_users={LEAD: 10, LEADER: 20, SUCCESSOR: 60, 7: 30},
        officers_with_email={AREA, NO_LOGIN},
        coordinators=(30,),
        enterprise_users={100: (40, 41)},
        staff_users={10: LEAD, 20: LEADER, 30: 7, 60: SUCCESSOR},
    )


def facts(**kinds) -> rules.Facts:
    return rules.Facts(holders={9: {"responsible_leader": LEADER, "area_leader": AREA}}, **kinds)


def heard(drafts) -> set[tuple[str, str]]:
    return {(d.rule, d.recipient.key) for d in drafts}


def milestone(planned_on: date, lead: int = LEAD) -> rules.MilestoneFact:
    return rules.MilestoneFact(1, 9, "北辰储能基地项目", "取得施工许可证", planned_on, lead)


def test_a_milestone_due_within_five_working_days_reminds_the_lead_officer_only():
    drafts = rules.drafts(facts(milestones=[milestone(CAL.add_workdays(FRIDAY, 5))]), people(), FRIDAY, CAL)
    assert heard(drafts) == {("milestone_due", "user:10")}
    assert drafts[0].params["n"] == 5 and drafts[0].link == "/projects/9#milestones"
    assert rules.drafts(facts(milestones=[milestone(CAL.add_workdays(FRIDAY, 6))]), people(), FRIDAY, CAL) == []


def test_an_overdue_milestone_reminds_the_lead_and_once_red_goes_one_level_up():
    amber = rules.drafts(facts(milestones=[milestone(date(2026, 11, 20))]), people(), FRIDAY, CAL)
    assert heard(amber) == {("milestone_overdue", "user:10")}
    red = rules.drafts(facts(milestones=[milestone(date(2026, 11, 6))]), people(), FRIDAY, CAL)
    assert heard(red) == {("milestone_overdue", "user:10"), ("milestone_red", "user:20"), ("milestone_red", "officer:3")}


def test_an_officer_without_a_login_or_an_address_hears_nothing():
    assert rules.drafts(facts(milestones=[milestone(date(2026, 11, 20), lead=UNREACHABLE)]), people(), FRIDAY, CAL) == []
    assert people().officer(NO_LOGIN) == rules.Recipient("officer:4", officer=NO_LOGIN)


def promise(**changes) -> rules.PromiseFact:
    values = {"id": 5, "project": 9, "project_name": "北辰储能基地项目", "content": "兑现固定资产投资补贴", "status": "in_progress",
              "due_on": date(2026, 11, 20), "remedy_due_on": None, "settled_on": None, "answer": None, "answer_reason": "",
              "lead_officer": LEAD, "enterprise": 100}
    return rules.PromiseFact(**{**values, **changes})


def test_an_overdue_promise_reminds_the_lead_and_the_level_up():
    assert heard(rules.drafts(facts(promises=[promise()]), people(), FRIDAY, CAL)) == {
        ("promise_overdue", "user:10"), ("promise_red", "user:20"), ("promise_red", "officer:3")}
    # An unfulfillable promise is judged by its remedy plan's date.
    assert rules.drafts(facts(promises=[promise(status="unfulfillable", remedy_due_on=MONDAY)]), people(), FRIDAY, CAL) == []


def test_a_fulfilment_awaiting_the_enterprise_reminds_both_sides_with_their_own_links():
    drafts = rules.drafts(facts(promises=[promise(status="fulfilled", settled_on=FRIDAY)]), people(), FRIDAY, CAL)
    assert heard(drafts) == {("fulfilment_unconfirmed", "user:10"), ("fulfilment_to_confirm", "user:40"),
                             ("fulfilment_to_confirm", "user:41")}
    links = {d.recipient.key: d.link for d in drafts}
    assert links["user:10"] == "/promises/5" and links["user:40"] == "/portal/projects/9#promises"


def test_a_dispute_reminds_the_lead_officer():
    drafts = rules.drafts(facts(promises=[promise(due_on=MONDAY, answer="disputed", answer_reason="交付不符")]), people(), FRIDAY, CAL)
    assert heard(drafts) == {("promise_disputed", "user:10")} and drafts[0].params["reason"] == "交付不符"


def test_an_overdue_action_item_reminds_its_projects_lead_else_its_owner():
    item = rules.ActionFact(3, 9, "北辰储能基地项目", "完成电力外线接入", "open", date(2026, 11, 25), AREA, LEAD)
    assert heard(rules.drafts(facts(actions=[item]), people(), FRIDAY, CAL)) == {("action_overdue", "user:10")}
    loose = rules.ActionFact(4, None, "", "起草年度招商计划", "open", date(2026, 11, 25), AREA, None)
    drafts = rules.drafts(facts(actions=[loose]), people(), FRIDAY, CAL)
    assert heard(drafts) == {("action_overdue", "officer:3")} and drafts[0].link == "/action-items/"
    done = rules.ActionFact(3, 9, "北辰储能基地项目", "x", "done", date(2026, 11, 25), AREA, LEAD)
    assert rules.drafts(facts(actions=[done]), people(), FRIDAY, CAL) == []


def request(**changes) -> rules.RequestFact:
    values = {"id": 8, "project": 9, "project_name": "北辰储能基地项目", "description": "临时用电尚未接入", "status": "new",
              "responder": LEAD, "responder_name": "刘雪婷", "ack_due_on": MONDAY, "acknowledged_on": None,
              "answer_due_on": date(2026, 12, 4), "answered_on": None, "reopen_count": 0, "escalated": False}
    return rules.RequestFact(**{**values, **changes})


def test_a_request_asks_its_first_responder_to_acknowledge_then_to_answer():
    assert heard(rules.drafts(facts(requests=[request()]), people(), FRIDAY, CAL)) == {("request_ack", "user:10")}
    acknowledged = request(status="acknowledged", acknowledged_on=FRIDAY)
    assert heard(rules.drafts(facts(requests=[acknowledged]), people(), FRIDAY, CAL)) == {("request_answer", "user:10")}
    answered = request(status="in_progress", acknowledged_on=FRIDAY, answered_on=FRIDAY)
    assert rules.drafts(facts(requests=[answered]), people(), FRIDAY, CAL) == []


def test_a_late_request_goes_to_the_coordinators_and_an_escalated_one_once():
    late = rules.drafts(facts(requests=[request(ack_due_on=date(2026, 11, 25))]), people(), FRIDAY, CAL)
    assert heard(late) == {("request_ack", "user:10"), ("request_late", "user:30")}
    assert next(d for d in late if d.rule == "request_ack").params["late"] is True
    escalated = rules.drafts(facts(requests=[request(status="reopened", ack_due_on=date(2026, 11, 25), escalated=True, reopen_count=3)]),
                             people(), FRIDAY, CAL)
    assert heard(escalated) == {("request_ack", "user:10"), ("request_escalated", "user:30")}


def test_a_handover_waits_for_its_successor_and_after_three_working_days_the_coordinators_hear():
    handover = rules.HandoverFact(4, 9, "北辰储能基地项目", "lead_officer", "王立新", SUCCESSOR, "陈浩然", date(2026, 11, 24))
    assert heard(rules.drafts(facts(handovers=[handover]), people(), FRIDAY, CAL)) == {("handover_pending", "user:60")}
    older = rules.HandoverFact(4, 9, "北辰储能基地项目", "lead_officer", "王立新", SUCCESSOR, "陈浩然", date(2026, 11, 23))
    assert heard(rules.drafts(facts(handovers=[older]), people(), FRIDAY, CAL)) == {
        ("handover_pending", "user:60"), ("handover_late", "user:30")}
    assert heard(rules.drafts(facts(handovers=[older]), people(), FRIDAY, CAL, rules.Policy(handover_escalate_workdays=5))) == {
        ("handover_pending", "user:60")}


def test_a_coordinator_who_also_leads_the_project_gets_one_notice_per_reason():
    p = people()
    both = rules.drafts(facts(milestones=[milestone(date(2026, 11, 6), lead=7)]), p, FRIDAY, CAL)
    assert ("milestone_overdue", "user:30") in heard(both)
    assert len(rules.unique(both + both)) == len(both)


def test_the_events_of_the_window_tell_the_enterprise():
    window = rules.event_window(MONDAY, CAL)
    assert window == (FRIDAY, MONDAY)  # Friday through Monday: the weekend's events are not lost
    completed = rules.MilestoneEvent(70, "done", 1, "取得施工许可证", 9, "北辰储能基地项目", 100, None, date(2026, 11, 28), date(2026, 11, 28))
    replanned = rules.MilestoneEvent(71, "reschedule", 2, "项目开工建设", 9, "北辰储能基地项目", 100, date(2026, 12, 1), date(2027, 4, 1),
                                     MONDAY)
    answered = rules.RequestEventFact(72, "reply", 8, "临时用电尚未接入", 9, "北辰储能基地项目", 100, FRIDAY)
    old = rules.RequestEventFact(73, "close", 8, "临时用电尚未接入", 9, "北辰储能基地项目", 100, date(2026, 11, 26))
    backfilled = rules.MilestoneEvent(74, "done", 3, "完成企业注册", 9, "北辰储能基地项目", 100, None, date(2026, 3, 2), MONDAY)
    drafts = rules.drafts(facts(milestone_events=[completed, replanned, backfilled], request_events=[answered, old]), people(), MONDAY, CAL)
    assert sorted((d.rule, d.object_id, d.recipient.key) for d in drafts) == [
        ("milestone_completed", 70, "user:40"), ("milestone_completed", 70, "user:41"),
        ("milestone_replanned", 71, "user:40"), ("milestone_replanned", 71, "user:41"),
        ("request_answered", 72, "user:40"), ("request_answered", 72, "user:41"),
    ]
    assert {d.day for d in drafts if d.object_id == 70} == {date(2026, 11, 28)}  # the day of the event, once
    assert next(d for d in drafts if d.object_id == 72).link == "/portal/requests/8"


def test_an_escalation_is_urgent_the_first_working_day_only():
    drafts = rules.drafts(facts(milestones=[milestone(date(2026, 11, 6))]), people(), FRIDAY, CAL)
    first = rules.mark_urgent(drafts, set())
    assert {(d.rule, d.urgent) for d in first} == {("milestone_overdue", False), ("milestone_red", True)}
    seen = {d.standing_key for d in first}
    assert not any(d.urgent for d in rules.mark_urgent(drafts, seen))


def test_channels_follow_the_choice_where_an_address_exists():
    assert rules.channels_for(False, True, None, ("email",), "a@b.cn", "") == ("email",)
    assert rules.channels_for(False, True, None, ("email",), "", "") == ()
    assert rules.channels_for(False, True, ["email", "webhook", "sms"], (), "a@b.cn", "13912345678") == ("email", "webhook", "sms")
    assert rules.channels_for(True, True, ["webhook", "sms"], (), "", "13912345678") == ("sms",)  # no group chat for enterprises
    assert rules.channels_for(False, False, ["sms"], ("webhook",), "a@b.cn", "13912345678") == ("email",)  # no login: e-mail only


def test_nothing_goes_out_on_a_day_off_or_before_the_digest_hour():
    tz = ZoneInfo("Asia/Shanghai")
    assert rules.may_send(FRIDAY, datetime(2026, 11, 27, 8, 0, tzinfo=tz), CAL, 8)
    assert not rules.may_send(FRIDAY, datetime(2026, 11, 27, 7, 59, tzinfo=tz), CAL, 8)
    assert not rules.may_send(date(2026, 11, 28), datetime(2026, 11, 28, 10, 0, tzinfo=tz), CAL, 8)
    assert rules.may_send(FRIDAY, datetime(2026, 11, 27, 3, 0, tzinfo=tz), CAL, 8, fixed_day=True)
    assert not rules.may_send(date(2026, 10, 1), datetime(2026, 10, 1, 10, 0, tzinfo=tz), CAL, 8)  # National Day


def test_retries_back_off_exponentially_up_to_a_limit():
    assert [rules.retry_delay(n, 5) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert rules.retry_delay(20, 5) == timedelta(hours=6)
    assert [rules.after_failure(n, 3) for n in (1, 2, 3)] == ["pending", "pending", "failed"]


def test_the_digest_puts_escalations_first_then_the_work_then_the_news():
    notices = [{"id": i, "rule": r, "day": FRIDAY, "params": {"project": p}} for i, (r, p) in enumerate(
        [("milestone_due", "乙"), ("milestone_red", "甲"), ("request_answered", "甲"), ("milestone_due", "甲")])]
    sections = rules.sections(notices)
    assert [s.rule for s in sections] == ["milestone_red", "milestone_due", "request_answered"]
    assert [n["params"]["project"] for n in sections[1].items] == sorted(["乙", "甲"])  # grouped by project within a section


def test_every_rule_has_words_in_both_languages():
    params = {"project": "北辰储能基地项目", "milestone": "取得施工许可证", "date": "2026-11-20", "n": 3, "promise": "兑现补贴",
              "task": "完成电力外线接入", "request": "临时用电", "late": False, "what": "ack", "responder": "刘雪婷", "role": "lead_officer",
              "from": "王立新", "to": "陈浩然", "reason": "交付不符"}
    for rule in rules.RULE_ORDER:
        p = {**params, "from": "2026-12-01", "to": "2027-04-01"} if rule == "milestone_replanned" else params
        zh, en = texts.describe(rule, p, "zh"), texts.describe(rule, p, "en")
        assert "%(" not in zh + en and zh != en, rule
        assert texts.section_title(rule, "zh") != texts.section_title(rule, "en")
    assert texts.describe("milestone_overdue", {**params, "n": 1}, "en").endswith("is 1 working day overdue.")
    assert "“Construction permit obtained”" in texts.describe("milestone_due", params, "en")  # the shipped milestone names in English
    assert texts.describe("handover_pending", params, "zh").startswith("北辰储能基地项目：王立新已于2026年11月20日将项目专员职责")
    assert texts.subject(3, False, FRIDAY, "zh") == "【重点项目】2026年11月27日 您有 3 条提醒"
    assert texts.subject(1, True, FRIDAY, "en") == "Key Project Tracker: 1 escalated item needs your attention"
