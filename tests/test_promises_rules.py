from datetime import date

import pytest

from tracker.promises import rules
from tracker.promises.rules import PromiseFacts
from tracker.workdays import WorkCalendar

TODAY = date(2026, 11, 27)
CAL = WorkCalendar()

ALLOWED = {(a, b) for a, targets in rules.TRANSITIONS.items() for b in targets}


@pytest.mark.parametrize("current", rules.STATUSES)
@pytest.mark.parametrize("new", rules.STATUSES)
def test_every_transition_is_allowed_or_refused_as_the_table_says(current, new):
    problem = rules.check_transition(current, new, TODAY, "原因", "计划", date(2026, 12, 31), "说明")
    assert (problem is None) == ((current, new) in ALLOWED)


def test_the_allowed_paths_are_exactly_these():
    assert ALLOWED == {
        ("pending", "in_progress"), ("pending", "fulfilled"), ("pending", "partial"), ("pending", "unfulfillable"), ("pending", "withdrawn"),
        ("in_progress", "fulfilled"), ("in_progress", "partial"), ("in_progress", "unfulfillable"), ("in_progress", "withdrawn"),
        ("partial", "in_progress"), ("partial", "fulfilled"), ("partial", "unfulfillable"),
        ("unfulfillable", "in_progress"), ("unfulfillable", "fulfilled"), ("unfulfillable", "partial"),
    }


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"reason": "", "remedy_plan": "计划", "remedy_due_on": date(2026, 12, 31)}, "status_reason"),
        ({"reason": "原因", "remedy_plan": " ", "remedy_due_on": date(2026, 12, 31)}, "remedy_plan"),
        ({"reason": "原因", "remedy_plan": "计划", "remedy_due_on": None}, "remedy_due_on"),
        ({"reason": "原因", "remedy_plan": "计划", "remedy_due_on": date(2026, 11, 26)}, "remedy_due_on"),
    ],
)
def test_cannot_be_fulfilled_needs_a_reason_and_a_remedy_plan_with_a_future_date(kwargs, field):
    assert rules.check_transition("in_progress", "unfulfillable", TODAY, **kwargs)[0] == field


def test_withdrawal_needs_an_explanation_to_the_enterprise():
    assert rules.check_transition("pending", "withdrawn", TODAY, explanation="")[0] == "explanation"
    assert rules.check_transition("pending", "withdrawn", TODAY, explanation="违反土地管理法") is None


def test_a_dispute_reopens_and_a_confirmation_keeps_the_status():
    assert rules.answer_effect("fulfilled", "disputed") == "in_progress"
    assert rules.answer_effect("partial", "disputed") == "in_progress"
    assert rules.answer_effect("fulfilled", "confirmed") == "fulfilled"


def test_only_settled_promises_are_countersigned_and_a_dispute_needs_a_reason():
    assert rules.check_answer("pending", "confirmed", "")[0] == "answer"
    assert rules.check_answer("fulfilled", "disputed", " ")[0] == "answer_reason"
    assert rules.check_answer("fulfilled", "disputed", "水压不足") is None


def test_bad_promise_dates_and_amounts_are_refused():
    assert rules.check_promise(date(2026, 11, 2), date(2026, 11, 1), None, TODAY)[0] == "due_on"
    assert rules.check_promise(date(2026, 11, 28), None, None, TODAY)[0] == "promised_on"
    assert rules.check_promise(date(2026, 11, 2), None, -1, TODAY)[0] == "amount"
    assert rules.check_promise(date(2026, 11, 2), date(2026, 12, 1), 0, TODAY) is None


def test_the_clock_starts_when_the_trigger_milestone_is_done_counting_working_days():
    assert rules.compute_due("after_milestone", None, None, 30, CAL) == (None, False)
    # 30 working days from Fri 13 Feb 2026 cross the Spring Festival and both make-up Saturdays.
    due, provisional = rules.compute_due("after_milestone", None, date(2026, 2, 13), 30, CAL)
    assert due == date(2026, 4, 2) and not provisional
    assert CAL.workdays_between(date(2026, 2, 13), due) == 30
    _due, provisional = rules.compute_due("after_milestone", None, date(2026, 12, 10), 30, CAL)
    assert provisional  # reaches 2027, which has no published calendar


def test_overdue_is_derived_from_open_status_and_the_effective_due_date():
    assert rules.is_overdue("in_progress", date(2026, 11, 26), None, TODAY)
    assert not rules.is_overdue("fulfilled", date(2026, 11, 1), None, TODAY)
    assert not rules.is_overdue("withdrawn", date(2026, 11, 1), None, TODAY)
    assert not rules.is_overdue("pending", None, None, TODAY)  # clock not started
    assert not rules.is_overdue("unfulfillable", date(2026, 11, 1), date(2026, 12, 31), TODAY)  # judged by the remedy date
    assert rules.overdue_workdays("pending", date(2026, 11, 13), None, TODAY, CAL) == 10


def test_credibility_counts_a_hand_made_set():
    d1, d2 = 1, 2
    facts = [
        PromiseFacts(d1, "fulfilled", date(2026, 10, 1), None, date(2026, 9, 30), "confirmed"),  # on time, confirmed
        PromiseFacts(d1, "fulfilled", date(2026, 10, 1), None, date(2026, 10, 9), "disputed"),  # late, disputed
        PromiseFacts(d1, "in_progress", date(2026, 11, 1), None, None, None),  # overdue
        PromiseFacts(d1, "pending", date(2026, 12, 31), None, None, None),  # not yet due
        PromiseFacts(d1, "withdrawn", date(2026, 11, 1), None, None, None),  # not counted
        PromiseFacts(d2, "unfulfillable", date(2026, 9, 1), date(2026, 12, 31), None, None),
        PromiseFacts(d2, "partial", date(2026, 12, 1), None, date(2026, 11, 20), None),
    ]
    records = rules.credibility(facts, TODAY)
    r1, r2 = records[d1], records[d2]
    assert (r1.made, r1.on_time, r1.late, r1.overdue, r1.unfulfillable, r1.disputed) == (4, 1, 1, 1, 0, 1)
    assert r1.on_time_rate == pytest.approx(1 / 3) and r1.confirmed_rate == pytest.approx(1 / 2)
    assert (r2.made, r2.on_time, r2.unfulfillable, r2.overdue) == (2, 1, 1, 0)
    assert r2.on_time_rate == pytest.approx(1 / 2) and r2.confirmed_rate == 0


def test_breaches_are_long_overdue_or_unfulfillable_past_the_remedy_date():
    long_overdue = PromiseFacts(1, "in_progress", date(2026, 11, 12), None, None, None)  # 11 working days
    short = PromiseFacts(1, "in_progress", date(2026, 11, 13), None, None, None)  # 10 working days
    remedy_passed = PromiseFacts(1, "unfulfillable", date(2026, 9, 1), date(2026, 11, 26), None, None)
    remedy_ahead = PromiseFacts(1, "unfulfillable", date(2026, 9, 1), date(2026, 12, 26), None, None)
    assert rules.is_breach(long_overdue, TODAY, CAL, 10) and not rules.is_breach(short, TODAY, CAL, 10)
    assert rules.is_breach(remedy_passed, TODAY, CAL, 10) and not rules.is_breach(remedy_ahead, TODAY, CAL, 10)
