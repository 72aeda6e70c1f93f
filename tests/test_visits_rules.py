"""The visit plan as pure rules: who visits at which level, when a level is overdue, the dates a visit may have."""

from datetime import date

from tracker.visits import rules


def test_the_level_of_a_visitor_follows_leadership_and_department():
    assert rules.officer_level(False, "district") == "officer"
    assert rules.officer_level(True, "district") == "district"
    assert rules.officer_level(True, "park") == "district"
    assert rules.officer_level(True, "bureau") == "city"


def test_a_level_is_overdue_once_its_interval_has_passed_counted_from_the_signing_when_never_visited():
    plan = rules.parse_plan("")
    signed = date(2026, 1, 1)
    last = {"officer": date(2026, 10, 28), "district": date(2026, 8, 28)}
    dues = rules.overdue_levels("city", signed, last, date(2026, 11, 27), plan)
    # officer: 28 Oct + 30 = 27 Nov is in time; district: 28 Aug + 90 = 26 Nov is a day late; city: never, 1 Jan + 180.
    assert [(d.level, d.days_late) for d in dues] == [("city", 150), ("district", 1)]
    assert rules.overdue_levels("district", signed, {"city": date(2026, 11, 1), "district": date(2026, 11, 1)},
                                date(2026, 11, 27), plan) == []


def test_any_visit_counts_for_the_officer_level():
    plan = rules.parse_plan("")
    dues = rules.overdue_levels("district", date(2026, 1, 1), {"district": date(2026, 11, 20)}, date(2026, 11, 27), plan)
    assert dues == []


def test_the_plan_setting_overrides_the_defaults_and_ignores_what_it_cannot_read():
    plan = rules.parse_plan("provincial:officer=14,city=0;nonsense;district:officer=x")
    assert plan["provincial"] == {"officer": 14, "district": 60}
    assert plan["district"] == rules.DEFAULT_PLAN["district"]


def test_a_visit_is_between_the_signing_and_today_and_the_follow_up_after_it():
    today, signed = date(2026, 11, 27), date(2026, 3, 1)
    assert rules.check_visit(date(2026, 2, 28), signed, today, None)[0][0] == "visited_on"
    assert rules.check_visit(date(2026, 11, 28), signed, today, None)[0][0] == "visited_on"
    assert rules.check_visit(date(2026, 11, 27), signed, today, date(2026, 11, 26)) == [
        ("follow_up_on", "The follow-up date must not be before the visit.")]
    assert rules.check_visit(signed, signed, today, None) == []
