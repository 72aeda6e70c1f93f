"""Plan against completion, pure arithmetic: the year to date never crosses a year boundary, the
plan is spread from January (or the signing month), behind plan is the stated rule, bad input is
refused field by field."""

from datetime import date
from decimal import Decimal

from tracker.investment import rules

D = Decimal


def test_elapsed_months_count_whole_months_before_the_as_of_month():
    assert rules.elapsed_months(2026, date(2026, 1, 15)) == 0
    assert rules.elapsed_months(2026, date(2026, 11, 27)) == 10
    assert rules.elapsed_months(2025, date(2026, 1, 3)) == 12
    assert rules.elapsed_months(2027, date(2026, 12, 31)) == 0


def test_in_january_the_last_year_is_complete_and_the_new_one_has_only_january():
    january = date(2027, 1, 10)
    assert rules.reported_through(2026, january) == 12
    assert rules.reported_through(2027, january) == 1
    assert rules.expected_to_date(D("1200"), 2026, january) == D("1200.00")
    assert rules.expected_to_date(D("1200"), 2027, january) == D("0.00")


def test_a_plan_for_a_year_counts_only_that_years_months():
    monthly_2026 = {1: D("100"), 12: D("50")}
    rows = rules.by_month([(D("1200"), 1)], monthly_2026, 2026, date(2027, 1, 5))
    assert rows[-1].completed_to_date == D("150")
    assert rows[-1].planned_to_date == D("1200.00")
    # Seen in November 2026, December is not reported yet.
    rows = rules.by_month([(D("1200"), 1)], monthly_2026, 2026, date(2026, 11, 27))
    assert rows[9].completed_to_date == D("100") and rows[10].completed_to_date is None and rows[11].completed is None


def test_the_plan_is_spread_from_the_signing_month_in_the_signing_year():
    assert rules.start_month(2026, date(2026, 10, 8)) == 10
    assert rules.start_month(2026, date(2024, 10, 8)) == 1
    # Signed in October with 300 planned: October, November, December get 100 each.
    assert rules.planned_through(D("300"), 9, 10) == D("0.00")
    assert rules.planned_through(D("300"), 10, 10) == D("100.00")
    assert rules.planned_through(D("300"), 12, 10) == D("300.00")
    # Seen on 27 November, October is the only whole month elapsed.
    assert rules.expected_to_date(D("300"), 2026, date(2026, 11, 27), 10) == D("100.00")


def test_behind_plan_is_below_the_plan_to_date_by_more_than_ten_percent_of_the_plan():
    day = date(2026, 7, 1)  # six months elapsed: 600 of 1200 due, tolerance 120
    assert not rules.is_behind(D("1200"), D("480"), 2026, day)
    assert rules.is_behind(D("1200"), D("479.99"), 2026, day)
    assert not rules.is_behind(None, D("0"), 2026, day)
    assert not rules.is_behind(D("0"), D("0"), 2026, day)
    assert not rules.is_behind(D("1200"), D("0"), 2026, date(2026, 1, 31))


def test_groups_add_up_plans_completions_and_projects_behind():
    day = date(2026, 7, 1)
    a = rules.project_year(1, D("1200"), D("100"), 2026, day)
    b = rules.project_year(2, D("600"), D("400"), 2026, day)
    c = rules.project_year(3, None, D("50"), 2026, day)
    groups, total = rules.groups([("x", a), ("x", b), ("y", c)])
    assert groups["x"].plan == D("1800") and groups["x"].completed == D("500") and groups["x"].behind == 1
    assert groups["x"].expected == D("900.00")
    assert groups["y"].planned_projects == 0 and groups["y"].completion_rate is None
    assert total.completed == D("550") and total.projects == 3 and total.planned_projects == 2


def test_months_parse_strictly():
    assert rules.parse_month("2026-05") == (2026, 5)
    for bad in ("2026-13", "2026-5-1", "26-05", "May 2026", "", "2026-00"):
        assert rules.parse_month(bad) is None


def test_completion_for_a_future_month_is_refused():
    today = date(2026, 11, 27)
    assert rules.check_completion((2026, 12), D("1"), date(2025, 1, 1), None, today) == [
        ("month", "Completion cannot be reported for a future month.")]
    assert rules.check_completion((2026, 11), D("1"), date(2025, 1, 1), None, today) == []


def test_completion_before_the_signing_month_is_refused():
    errors = rules.check_completion((2026, 2), D("1"), date(2026, 3, 5), None, date(2026, 11, 27))
    assert errors == [("month", "This month is before the project was signed.")]


def test_negative_and_absurd_amounts_are_refused():
    assert rules.check_amount(D("-1"), None) == [("amount", "The amount cannot be negative.")]
    assert rules.check_amount(D("10000000.01"), None) == [("amount", "The amount is too large.")]
    assert rules.check_amount(D("5001"), D("5000")) == [("amount", "This is more than the project's total investment.")]
    assert rules.check_amount(D("0"), D("5000")) == []


def test_a_plan_before_the_signing_year_or_too_far_ahead_is_refused():
    today = date(2026, 11, 27)
    assert rules.check_plan(2025, D("1"), date(2026, 3, 1), None, today) == [("year", "The project was not signed yet in this year.")]
    assert rules.check_plan(2032, D("1"), date(2026, 3, 1), None, today) == [("year", "A plan can be set at most five years ahead.")]
    assert rules.check_plan(2031, D("1"), date(2026, 3, 1), None, today) == []


def test_sqlite_float_sums_become_exact_amounts():
    assert rules.money(0.1 + 0.2) == D("0.30")
    assert rules.money(None) == D("0.00")
    assert rules.money(D("12.345")) == D("12.34") or rules.money(D("12.345")) == D("12.35")
