"""The rules of enterprise requests and attachments, as pure functions."""

import io
from datetime import date

from PIL import Image

from tracker.requests import files, rules
from tracker.workdays import WorkCalendar

CAL = WorkCalendar()
FRI = date(2026, 11, 27)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_deadlines_count_working_days_so_a_friday_request_is_due_on_monday_and_the_next_friday():
    assert rules.deadlines(FRI, CAL, 1, 5) == (date(2026, 11, 30), date(2026, 12, 4))


def test_a_deadline_is_overdue_only_after_its_day_and_only_while_unmet_and_open():
    due = date(2026, 11, 30)
    assert not rules.ack_overdue("new", None, due, due)
    assert rules.ack_overdue("new", None, due, date(2026, 12, 1))
    assert not rules.ack_overdue("acknowledged", date(2026, 12, 1), due, date(2026, 12, 2))
    assert not rules.answer_overdue("closed", None, due, date(2026, 12, 9))
    assert rules.answer_overdue("reopened", None, due, date(2026, 12, 1))


def test_staff_moves_follow_the_status():
    assert rules.check_staff_action("new", "acknowledge", "", None) is None
    assert rules.check_staff_action("in_progress", "acknowledge", "", None)[0] == "action"
    assert rules.check_staff_action("closed", "reply", "text", None)[0] == "action"
    assert rules.check_staff_action("new", "dispatch", "", None)[0] == "department"
    assert rules.check_staff_action("new", "reply", "  ", None)[0] == "text"
    assert rules.check_staff_action("new", "close", "", None)[0] == "resolution"
    assert rules.check_staff_action("new", "delete", "", None)[0] == "action"
    assert [rules.after_staff_action(a) for a in ("acknowledge", "dispatch", "reply", "close")] == [
        "acknowledged", "in_progress", "in_progress", "closed"]


def test_feedback_needs_a_closed_unrated_request_a_rating_from_1_to_5_and_a_reason_when_not_solved():
    assert rules.check_feedback("in_progress", None, True, 5, "")[0][0] == "form"
    assert rules.check_feedback("closed", True, True, 5, "")[0][0] == "form"
    assert [f for f, _ in rules.check_feedback("closed", None, True, 0, "")] == ["satisfaction"]
    assert [f for f, _ in rules.check_feedback("closed", None, True, 6, "")] == ["satisfaction"]
    assert [f for f, _ in rules.check_feedback("closed", None, False, 2, "")] == ["feedback"]
    assert [f for f, _ in rules.check_feedback("closed", None, None, None, "")] == ["solved", "satisfaction"]
    assert rules.check_feedback("closed", None, False, 1, "still broken") == []


def test_not_solved_reopens_and_the_third_reopening_escalates_once():
    assert rules.after_feedback(True, 1, False, 3) == rules.AfterFeedback("closed", 1, False)
    assert rules.after_feedback(False, 0, False, 3) == rules.AfterFeedback("reopened", 1, False)
    assert rules.after_feedback(False, 2, False, 3) == rules.AfterFeedback("reopened", 3, True)
    assert rules.after_feedback(False, 3, True, 3) == rules.AfterFeedback("reopened", 4, False)


def test_figures_keep_closed_and_resolved_apart_and_count_deadlines_once_due():
    today = date(2026, 12, 10)
    d1, d5 = date(2026, 11, 30), date(2026, 12, 4)
    rows = [
        ("a", rules.RequestFacts("closed", d1, d1, d5, d5, True, 5)),  # on time, solved
        ("a", rules.RequestFacts("closed", d1, date(2026, 12, 1), d5, date(2026, 12, 7), None, None)),  # late, not yet rated
        ("b", rules.RequestFacts("new", date(2026, 12, 11), None, date(2026, 12, 17), None, None, None)),  # nothing due yet
        ("b", rules.RequestFacts("reopened", d1, d1, d5, None, False, 2)),  # answer overdue
    ]
    groups, total = rules.figures(rows, today)
    assert (total.total, total.closed, total.resolved) == (4, 2, 1)
    assert total.closed_rate == 0.5 and total.resolved_rate == 0.25
    assert total.average_satisfaction == 3.5
    assert (total.ack_on_time, total.ack_counted) == (2, 3)
    assert (total.answer_on_time, total.answer_counted) == (1, 3)
    assert groups["a"].answer_rate == 0.5 and groups["b"].answer_rate == 0.0
    assert rules.Figures().closed_rate is None


def test_attachments_are_typed_by_content_not_by_name():
    assert files.check(png_bytes(), 10_000) == ("image/png", None)
    assert files.check(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", 10_000)[0] == "application/pdf"
    assert files.check(b"<html><script>alert(1)</script></html>", 10_000)[0] is None
    assert files.check(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10, 10_000)[0] is None  # magic bytes alone are not enough
    assert files.check(b"", 10_000)[0] is None
    assert files.check(png_bytes(), 10)[0] is None


def test_a_posted_file_name_cannot_reach_the_file_system_or_the_header():
    assert files.display_name("../../etc/passwd", "application/pdf") == "passwd.pdf"
    assert files.display_name("C:\\Users\\a\\营业执照.PNG", "image/png") == "营业执照.png"
    assert files.display_name("..", "image/jpeg") == "attachment.jpg"
    assert files.display_name("a\r\nSet-Cookie: x.pdf", "application/pdf") == "aSet-Cookie: x.pdf"
    header = files.content_disposition('报告"1".pdf')
    assert header.startswith("attachment; ") and "\n" not in header
    assert "filename*=UTF-8''%E6%8A%A5%E5%91%8A%221%22.pdf" in header
    for bad in ("../x", "A" * 32, ""):
        try:
            files.path_for(files.Path("/tmp"), bad)
        except ValueError:
            continue
        raise AssertionError(bad)
