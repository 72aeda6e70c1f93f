"""The approval clock and its checks, as pure functions: working days across the National Day
holiday and its make-up Saturday, returns for supplements, the deadline day, dates out of order."""

from datetime import date

from tracker.approvals import rules
from tracker.approvals.rules import Return
from tracker.projects.rules import Thresholds, colour_of
from tracker.workdays import WorkCalendar

CAL = WorkCalendar()
D = date


def test_the_clock_skips_the_national_day_holiday_and_counts_the_make_up_saturday():
    # Accepted Mon 28 Sep 2026; 1-7 Oct are holidays (and 5-7 Oct too), Sat 10 Oct is worked.
    c = rules.clock(D(2026, 9, 25), D(2026, 9, 28), None, (), 5, D(2026, 9, 30), CAL)
    assert c.status == "in_review"
    assert c.due_on == D(2026, 10, 10)  # 29, 30 Sep, 8, 9 Oct, Sat 10 Oct
    assert c.elapsed == 2 and c.remaining == 3 and c.overdue_by == 0


def test_a_procedure_approved_on_the_deadline_day_is_on_time_and_one_day_later_is_not():
    on_due = rules.clock(D(2026, 9, 25), D(2026, 9, 28), D(2026, 10, 10), (), 5, D(2026, 11, 27), CAL)
    assert on_due.status == "approved" and on_due.on_time is True and on_due.elapsed == 5
    late = rules.clock(D(2026, 9, 25), D(2026, 9, 28), D(2026, 10, 12), (), 5, D(2026, 11, 27), CAL)
    assert late.on_time is False and late.elapsed == 6


def test_an_open_procedure_is_overdue_only_from_the_working_day_after_its_deadline():
    assert rules.clock(None, D(2026, 9, 28), None, (), 5, D(2026, 10, 10), CAL).overdue_by == 0
    assert rules.clock(None, D(2026, 9, 28), None, (), 5, D(2026, 10, 11), CAL).overdue_by == 0  # a Sunday
    assert rules.clock(None, D(2026, 9, 28), None, (), 5, D(2026, 10, 12), CAL).overdue_by == 1


def test_a_return_for_supplements_stops_the_clock_and_the_resubmission_restarts_it_from_zero():
    accepted = D(2026, 11, 2)
    waiting = rules.clock(D(2026, 11, 2), accepted, None, (Return(D(2026, 11, 6)),), 5, D(2026, 11, 27), CAL)
    assert waiting.status == "returned" and waiting.overdue_by == 0 and waiting.due_on is None
    assert waiting.elapsed == 4 and waiting.returns == 1
    again = rules.clock(D(2026, 11, 2), accepted, None, (Return(D(2026, 11, 6), D(2026, 11, 20)),), 5, D(2026, 11, 27), CAL)
    assert again.status == "in_review" and again.started_on == D(2026, 11, 20)
    assert again.due_on == D(2026, 11, 27) and again.elapsed == 5 and again.overdue_by == 0
    # Without the return, the same procedure would be 14 working days late.
    plain = rules.clock(D(2026, 11, 2), accepted, None, (), 5, D(2026, 11, 27), CAL)
    assert plain.overdue_by == 14
    done = rules.clock(D(2026, 11, 2), accepted, D(2026, 11, 27), (Return(D(2026, 11, 6), D(2026, 11, 20)),), 5, D(2026, 11, 30), CAL)
    assert done.on_time is True and done.total_workdays == 19


def test_an_overdue_procedure_feeds_the_colour_like_a_milestone():
    th = Thresholds()
    amber = rules.procedure_signal("施工许可", rules.clock(None, D(2026, 11, 2), None, (), 10, D(2026, 11, 20), CAL), th)
    assert amber.colour == "amber" and amber.kind == "procedure_overdue" and amber.workdays == 4
    red = rules.procedure_signal("环评", rules.clock(None, D(2026, 10, 9), None, (), 5, D(2026, 11, 27), CAL), th)
    assert red.colour == "red" and colour_of([red], th) == "red"
    assert rules.procedure_signal("x", rules.clock(None, D(2026, 11, 2), None, (), 30, D(2026, 11, 27), CAL), th) is None


def test_dates_out_of_order_are_refused_field_by_field():
    today = D(2026, 11, 27)
    errors = dict(rules.check_dates(None, D(2026, 11, 10), D(2026, 11, 9), D(2026, 11, 5), None, today))
    assert set(errors) == {"accepted_on", "approved_on"}
    assert "before the submission" in errors["approved_on"]
    assert dict(rules.check_dates(None, None, None, D(2026, 11, 5), None, today)) == {
        "accepted_on": "A procedure is approved only after it is accepted: enter the acceptance date."}
    assert "future" in dict(rules.check_dates(None, D(2026, 12, 1), None, None, None, today))["submitted_on"]
    # An agent needs the enterprise's written authorisation, dated before the submission.
    assert "authorised_on" in dict(rules.check_dates(None, D(2026, 11, 2), None, None, 7, today))
    assert "submitted_on" in dict(rules.check_dates(D(2026, 11, 3), D(2026, 11, 2), None, None, 7, today))
    assert rules.check_dates(D(2026, 11, 1), D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 20), 7, today) == []
    pending = (Return(D(2026, 11, 6)),)
    assert "approved_on" in dict(rules.check_dates(None, D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 20), None, today, pending))


def test_a_department_that_does_not_handle_the_procedure_is_refused():
    assert rules.check_department(3, 3) is None
    assert rules.check_department(4, 3) == ("department", "This department does not handle this procedure.")


def test_returns_need_a_running_clock_and_come_one_at_a_time():
    today = D(2026, 11, 27)
    assert rules.check_return(None, None, (), D(2026, 11, 5), today)[0] == "returned_on"
    assert rules.check_return(D(2026, 11, 2), D(2026, 11, 9), (), D(2026, 11, 5), today)[0] == "returned_on"
    assert rules.check_return(D(2026, 11, 2), None, (Return(D(2026, 11, 4)),), D(2026, 11, 5), today)[0] == "returned_on"
    assert rules.check_return(D(2026, 11, 2), None, (), D(2026, 11, 1), today)[0] == "returned_on"
    assert rules.check_return(D(2026, 11, 2), None, (), D(2026, 11, 5), today) is None
    assert rules.check_resubmission(D(2026, 11, 5), D(2026, 11, 4), today)[0] == "resubmitted_on"
    assert rules.check_resubmission(D(2026, 11, 5), D(2026, 11, 5), today) is None


def test_the_catalogue_proposes_the_usual_procedures_per_project_type():
    types = [{"id": 1, "templates": ""}, {"id": 2, "templates": "manufacturing,infrastructure"},
             {"id": 3, "templates": "services"}, {"id": 4, "templates": "", "active": False}]
    assert [t["id"] for t in rules.proposed_types(types, "manufacturing")] == [1, 2]
    assert [t["id"] for t in rules.proposed_types(types, "services")] == [1, 3]


def test_figures_count_on_time_approvals_average_working_days_and_returns():
    ok = rules.clock(None, D(2026, 11, 2), D(2026, 11, 6), (), 5, D(2026, 11, 27), CAL)
    late = rules.clock(None, D(2026, 11, 2), D(2026, 11, 13), (Return(D(2026, 11, 3), D(2026, 11, 4)),), 5, D(2026, 11, 27), CAL)
    open_late = rules.clock(None, D(2026, 11, 2), None, (), 5, D(2026, 11, 27), CAL)
    [f] = rules.figures([("dept", ok), ("dept", late), ("dept", open_late)])
    assert (f.procedures, f.approved, f.approved_on_time, f.open, f.overdue, f.returns) == (3, 2, 1, 1, 1, 1)
    assert f.on_time_rate == 0.5 and f.average_workdays == 5.5
