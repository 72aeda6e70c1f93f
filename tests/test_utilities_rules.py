"""Utility connection clocks, as pure functions: working days across holidays and make-up days,
the 15/30 bands, the red signal, and a connection without an application date refused."""

from datetime import date

import pytest

from tracker.utilities import rules
from tracker.workdays import WorkCalendar

CAL = WorkCalendar()
D = date


def test_the_clock_counts_working_days_across_the_national_day_holiday_and_its_make_up_days():
    # Applied Fri 18 Sep 2026: Sun 20 Sep worked, Fri 25 Sep (mid-autumn) and 1-7 Oct off, Sat 10 Oct worked.
    c = rules.clock(D(2026, 9, 18), D(2026, 10, 12), D(2026, 11, 27), CAL)
    assert c.elapsed == 12 and c.done and c.band == "stretch"


def test_bands_within_15_within_30_and_late():
    assert rules.band(15, 30, 15) == "stretch"
    assert rules.band(16, 30, 15) == "target"
    assert rules.band(30, 30, 15) == "target"
    assert rules.band(31, 30, 15) == "late"


def test_an_open_connection_past_30_working_days_is_a_red_signal_and_a_finished_one_is_not():
    open_late = rules.clock(D(2026, 10, 9), None, D(2026, 11, 27), CAL)
    assert open_late.elapsed == 36
    signal = rules.connection_signal("供电", open_late, 30)
    assert signal.colour == "red" and signal.kind == "connection_late" and signal.workdays == 36
    finished_late = rules.clock(D(2026, 10, 9), D(2026, 11, 27), D(2026, 11, 27), CAL)
    assert rules.connection_signal("供电", finished_late, 30) is None
    assert rules.connection_signal("供水", rules.clock(D(2026, 11, 2), None, D(2026, 11, 27), CAL), 30) is None


def test_a_connection_without_an_application_date_is_refused():
    assert dict(rules.check_connection(None, None, None, D(2026, 11, 27))) == {
        "applied_on": "A connection is counted from its application date: enter it."}
    with pytest.raises(ValueError):
        rules.elapsed_workdays(None, None, D(2026, 11, 27), CAL)


def test_dates_out_of_order_or_in_the_future_are_refused_field_by_field():
    today = D(2026, 11, 27)
    errors = dict(rules.check_connection(D(2026, 11, 10), D(2026, 11, 9), D(2026, 11, 8), today))
    assert set(errors) == {"surveyed_on", "connected_on"}
    assert "connected_on" in dict(rules.check_connection(D(2026, 11, 10), D(2026, 11, 12), D(2026, 11, 11), today))
    assert "applied_on" in dict(rules.check_connection(D(2026, 12, 10), None, None, today))
    assert rules.check_connection(D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 20), today) == []


def test_figures_give_shares_median_worst_and_open_ones_past_target():
    clocks = [rules.clock(D(2026, 11, 2), D(2026, 11, 2 + n), D(2026, 11, 27), CAL) for n in (3, 10)]
    clocks.append(rules.clock(D(2026, 9, 1), D(2026, 11, 2), D(2026, 11, 27), CAL))
    clocks.append(rules.clock(D(2026, 9, 1), None, D(2026, 11, 27), CAL))
    [f] = rules.figures([("water", c) for c in clocks], 30, 15)
    assert f.completed == 3 and f.within_stretch == 2 and f.within_target == 2 and f.open_past_target == 1
    assert f.stretch_share == pytest.approx(2 / 3) and f.worst == clocks[2].elapsed and f.median == clocks[1].elapsed
