"""Which week a briefing is for, and colours and stages on a past day."""

from datetime import date

import pytest

from tracker.briefings import rules

TODAY = date(2026, 11, 27)  # a Friday in ISO week 48


def test_a_week_is_an_iso_week_and_empty_means_this_week():
    week = rules.parse_week("2026-W48", TODAY)
    assert (week.monday, week.sunday, week.code) == (date(2026, 11, 23), date(2026, 11, 29), "2026-W48")
    assert rules.parse_week("", TODAY) == week
    assert rules.parse_week("2026w48", TODAY) == week
    assert rules.parse_week("2026-W01", TODAY).monday == date(2025, 12, 29)  # ISO week 1 can start in December
    assert rules.parse_week("2026-W48", TODAY).previous(8).code == "2026-W40"


@pytest.mark.parametrize("text, message", [
    ("48", "Give the week"), ("2026-48", "Give the week"), ("2026-W00", "no such week"), ("2025-W53", "no such week"),
    ("2026-W49", "not begun"), ("2027-W01", "not begun"),
])
def test_malformed_unknown_and_future_weeks_are_refused(text, message):
    with pytest.raises(rules.BadWeek, match=message):
        rules.parse_week(text, TODAY)


def test_the_current_week_is_described_as_of_today_and_a_past_one_as_of_its_sunday():
    assert rules.as_of(rules.parse_week("2026-W48", TODAY), TODAY) == TODAY
    assert rules.as_of(rules.parse_week("2026-W47", TODAY), TODAY) == date(2026, 11, 22)


def test_colour_and_stage_on_a_past_day_come_from_the_recorded_history():
    changes = [(date(2026, 10, 1), "green"), (date(2026, 11, 2), "amber"), (date(2026, 11, 20), "red")]
    assert rules.colour_on(changes, date(2026, 9, 30)) is None
    assert rules.colour_on(changes, date(2026, 11, 19)) == "amber"
    assert rules.colour_on(changes, date(2026, 11, 20)) == "red"
    milestones = [("signed", date(2026, 1, 5), False), ("registered", date(2026, 3, 1), False), ("filed", None, False),
                  ("land", None, True)]
    assert rules.stage_on(milestones, date(2026, 2, 1)) == "signed"
    assert rules.stage_on(milestones, date(2026, 3, 1)) == "registered"
    milestones[2] = ("filed", date(2026, 4, 1), False)
    assert rules.stage_on(milestones, date(2026, 4, 1)) == "land"  # land does not apply: it completes the run


def test_a_project_is_listed_under_its_net_colour_change_over_the_week():
    assert rules.net_change("green", "red") == "newly_red"
    assert rules.net_change(None, "red") == "newly_red"  # signed this week, red at its end
    assert rules.net_change("red", "green") == "back_to_green"
    assert rules.net_change("amber", "green") == "back_to_green"
    # Red on Tuesday and green again by Friday after starting green: no net change, in neither list.
    assert rules.net_change("green", "green") is None
    assert rules.net_change("red", "red") is None
    assert rules.net_change("red", "amber") is None
