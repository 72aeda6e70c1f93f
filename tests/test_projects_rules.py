from datetime import date

import pytest

from tracker.projects import rules
from tracker.projects.rules import MilestoneState, Signal, Thresholds
from tracker.workdays import WorkCalendar

CAL = WorkCalendar()
TH = Thresholds()
TODAY = date(2026, 11, 27)  # a Friday


def signal_for(planned: date, done: bool = False):
    return rules.milestone_signal("供地", planned, done, TODAY, CAL, TH)


# --- stage ----------------------------------------------------------------------------------


def test_stage_is_the_last_stage_whose_milestones_are_all_done():
    ms = [("signed", True), ("registered", True), ("filed", False), ("land", False)]
    assert rules.derive_stage(ms) == "registered"


def test_a_stage_with_one_open_milestone_is_not_reached():
    ms = [("signed", True), ("registered", True), ("registered", False)]
    assert rules.derive_stage(ms) == "signed"


def test_a_later_stage_done_out_of_order_does_not_advance_the_stage_past_an_open_one():
    ms = [("signed", True), ("registered", False), ("filed", True)]
    assert rules.derive_stage(ms) == "signed"
    # Operating recorded done on a new project while every stage before it is open: still signed.
    assert rules.derive_stage([("signed", True), *((s, False) for s in rules.STAGES[1:-1]), ("operating", True)]) == "signed"


def test_a_stage_that_does_not_apply_counts_as_complete_for_the_run():
    # (stage, done or not applicable): land is not needed for this project.
    ms = [("signed", True), ("registered", True), ("filed", True), ("land", True), ("permitted", False)]
    assert rules.derive_stage(ms) == "land"


def test_a_stage_without_milestones_neither_breaks_nor_extends_the_run():
    ms = [("signed", True), ("registered", True), ("filed", True), ("permitted", True), ("construction", False)]
    assert rules.derive_stage(ms) == "permitted"


def test_stage_states_tick_only_complete_stages_and_mark_the_first_open_one():
    ms = [("signed", True), ("registered", False), ("filed", True), ("land", False)]
    assert rules.stage_states(ms) == [("signed", "done"), ("registered", "current"), ("filed", "done"), ("land", "open")]


def test_open_before_lists_earlier_milestones_neither_done_nor_not_applicable():
    ms = [
        {"seq": 1, "name": "签约", "actual_on": date(2026, 1, 5), "not_applicable": False},
        {"seq": 2, "name": "注册", "actual_on": None, "not_applicable": False},
        {"seq": 3, "name": "供地", "actual_on": None, "not_applicable": True},
        {"seq": 4, "name": "投产", "actual_on": None, "not_applicable": False},
    ]
    assert [m["name"] for m in rules.open_before(ms, 4)] == ["注册"]
    assert rules.open_before(ms, 2) == []


def test_not_applicable_needs_a_reason_and_never_applies_to_signing_or_a_done_milestone():
    assert rules.check_not_applicable("land", False, "服务业项目无需供地") is None
    assert rules.check_not_applicable("land", False, "  ") is not None
    assert rules.check_not_applicable("signed", False, "x") is not None
    assert rules.check_not_applicable("land", True, "x") is not None


def test_no_done_milestone_means_signed():
    assert rules.derive_stage([("signed", False)]) == "signed"


def test_all_done_is_operating():
    assert rules.derive_stage((s, True) for s in rules.STAGES) == "operating"


# --- planned dates --------------------------------------------------------------------------


def test_planned_dates_are_counted_in_working_days_from_signing():
    plan = rules.plan_milestones(date(2026, 2, 13), CAL)
    assert [p.stage for p in plan] == list(rules.STAGES)
    assert plan[0].planned_on == date(2026, 2, 13)
    for p, template in zip(plan, rules.DEFAULT_LIFECYCLE):
        assert CAL.workdays_between(date(2026, 2, 13), p.planned_on) == template.offset_workdays
        assert CAL.is_workday(p.planned_on) or template.offset_workdays == 0


def test_plans_reaching_an_unpublished_year_are_provisional():
    plan = rules.plan_milestones(date(2026, 11, 2), CAL)
    assert not plan[1].provisional  # 20 working days: still 2026
    assert plan[-1].provisional


# --- warning colour -------------------------------------------------------------------------


def test_a_milestone_overdue_by_one_working_day_is_amber():
    s = signal_for(date(2026, 11, 26))
    assert (s.colour, s.kind, s.workdays) == ("amber", "milestone_overdue", 1)


def test_a_milestone_overdue_by_ten_working_days_is_still_amber():
    planned = date(2026, 11, 13)
    assert CAL.workdays_between(planned, TODAY) == 10
    assert signal_for(planned).colour == "amber"


def test_a_milestone_overdue_by_eleven_working_days_is_red():
    planned = date(2026, 11, 12)
    assert CAL.workdays_between(planned, TODAY) == 11
    assert signal_for(planned).colour == "red"


def test_a_milestone_due_within_five_working_days_is_amber():
    s = signal_for(date(2026, 12, 4))  # 5 working days ahead
    assert (s.colour, s.kind, s.workdays) == ("amber", "milestone_due", 5)


def test_a_milestone_due_in_six_working_days_gives_no_signal():
    assert signal_for(date(2026, 12, 7)) is None


def test_a_done_milestone_gives_no_signal_however_late():
    assert signal_for(date(2026, 1, 5), done=True) is None


def test_overdue_over_a_weekend_only_counts_as_due_now():
    s = rules.milestone_signal("x", date(2026, 11, 28), False, date(2026, 11, 29), CAL, TH)
    assert s.colour == "amber" and s.workdays == 0


def test_two_amber_signals_make_red():
    assert rules.colour_of([Signal("amber", "milestone_due", "a"), Signal("amber", "action_overdue", "b")], TH) == "red"


def test_one_amber_signal_is_amber_and_none_is_green():
    assert rules.colour_of([Signal("amber", "milestone_due", "a")], TH) == "amber"
    assert rules.colour_of([], TH) == "green"


def test_an_overdue_promise_makes_red_and_an_overdue_action_item_amber():
    states = [MilestoneState("x", "land", date(2027, 6, 1), None)]
    assert rules.colour_of(rules.project_signals(states, TODAY, CAL, TH, overdue_promises=["供水"]), TH) == "red"
    assert rules.colour_of(rules.project_signals(states, TODAY, CAL, TH, overdue_action_items=["协调"]), TH) == "amber"


def test_thresholds_are_settings():
    lenient = Thresholds(red_overdue_workdays=20, amber_due_within_workdays=2, amber_signals_for_red=3)
    assert rules.milestone_signal("x", date(2026, 11, 12), False, TODAY, CAL, lenient).colour == "amber"
    assert rules.milestone_signal("x", date(2026, 12, 4), False, TODAY, CAL, lenient) is None
    two = [Signal("amber", "milestone_due", "a"), Signal("amber", "milestone_due", "b")]
    assert rules.colour_of(two, lenient) == "amber"


# --- checks ---------------------------------------------------------------------------------


def test_completion_before_signing_or_in_the_future_is_refused():
    signed = date(2026, 3, 2)
    assert rules.check_milestone_done(date(2026, 3, 1), signed, TODAY)
    assert rules.check_milestone_done(date(2026, 11, 28), signed, TODAY)
    assert rules.check_milestone_done(date(2026, 11, 27), signed, TODAY) is None


@pytest.mark.parametrize(
    "new, reason, ok",
    [(date(2027, 1, 5), "征地延期", True), (date(2027, 1, 5), "  ", False), (date(2026, 3, 1), "x", False), (date(2026, 12, 1), "x", False)],
)
def test_a_reschedule_needs_a_reason_a_new_date_and_not_before_signing(new, reason, ok):
    error = rules.check_reschedule(new, date(2026, 12, 1), date(2026, 3, 2), reason)
    assert (error is None) == ok


@pytest.mark.parametrize(
    "current, new, ok",
    [("active", "paused", True), ("active", "cancelled", True), ("paused", "active", True), ("paused", "cancelled", True),
     ("cancelled", "active", False), ("cancelled", "paused", False), ("active", "active", False)],
)
def test_status_changes_follow_the_allowed_paths(current, new, ok):
    assert (rules.check_status_change(current, new) is None) == ok
