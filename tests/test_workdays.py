from datetime import date

import pytest

from tracker.workdays import WorkCalendar, published_years


@pytest.fixture
def cal():
    return WorkCalendar()


def test_make_up_saturdays_of_2026_are_working_days(cal):
    assert cal.is_workday(date(2026, 2, 14))
    assert cal.is_workday(date(2026, 2, 28))


def test_spring_festival_2026_is_not_worked(cal):
    assert not any(cal.is_workday(date(2026, 2, d)) for d in range(15, 24))


def test_a_count_across_the_spring_festival_skips_the_holiday(cal):
    # Fri 13 Feb -> Sat 14 Feb (make-up day) -> holiday 15..23 -> Tue 24 Feb
    assert cal.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert cal.add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_a_count_across_national_day_skips_the_golden_week(cal):
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert cal.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)


def test_zero_working_days_is_the_start_date(cal):
    assert cal.add_workdays(date(2026, 3, 2), 0) == date(2026, 3, 2)


def test_workdays_between_is_antisymmetric(cal):
    a, b = date(2026, 1, 5), date(2026, 3, 20)
    assert cal.workdays_between(a, b) == -cal.workdays_between(b, a)


def test_add_then_count_round_trips_across_years(cal):
    start = date(2025, 12, 1)
    end = cal.add_workdays(start, 120)
    assert cal.workdays_between(start, end) == 120


def test_2027_is_not_published_and_falls_back_to_weekends_marked_provisional(cal):
    assert 2027 not in published_years()
    assert cal.is_provisional_year(2027)
    assert cal.is_workday(date(2027, 1, 4))  # a Monday
    assert not cal.is_workday(date(2027, 1, 9))  # a Saturday
    result, provisional = cal.add_workdays_marked(date(2026, 12, 21), 30)
    assert provisional and result.year == 2027


def test_admin_entered_days_decide_an_unpublished_year_and_lift_provisional():
    cal = WorkCalendar({date(2027, 1, 1): False, date(2027, 1, 9): True})
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 9))
    assert not cal.is_provisional_year(2027)
    _result, provisional = cal.add_workdays_marked(date(2026, 12, 21), 30)
    assert not provisional


def test_negative_working_days_are_refused(cal):
    with pytest.raises(ValueError):
        cal.add_workdays(date(2026, 1, 5), -1)
