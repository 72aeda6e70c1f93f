from datetime import date

import pytest

from tracker.liaison.rules import Candidate, Period, chain_problems, handover_error, over_workload

ACTIVE_OFFICER = Candidate(id=2, active=True, is_leader=False)
ACTIVE_LEADER = Candidate(id=3, active=True, is_leader=True)


def test_a_handover_to_another_active_officer_with_a_reason_is_allowed():
    assert handover_error("lead_officer", 1, ACTIVE_OFFICER, "transfer") is None
    assert handover_error("responsible_leader", 1, ACTIVE_LEADER, "promotion") is None


@pytest.mark.parametrize(
    "role, successor, reason, message",
    [
        ("lead_officer", None, "transfer", "Choose a successor."),
        ("lead_officer", Candidate(1, True, False), "transfer", "The successor must be a different officer."),
        ("lead_officer", Candidate(2, False, False), "transfer", "This officer is no longer active."),
        ("responsible_leader", ACTIVE_OFFICER, "transfer", "A responsible leader must be an officer marked as a leader."),
        ("lead_officer", ACTIVE_OFFICER, "", "Choose a reason for the handover."),
        ("lead_officer", ACTIVE_OFFICER, "holiday", "Choose a reason for the handover."),
        ("mayor", ACTIVE_OFFICER, "transfer", "This choice is not valid."),
    ],
)
def test_refused_handovers_say_why(role, successor, reason, message):
    assert handover_error(role, 1, successor, reason) == message


def test_workload_is_over_only_above_the_limit():
    assert not over_workload(7, 7) and over_workload(8, 7)


def test_a_clean_chain_has_no_problems():
    periods = [Period(1, date(2026, 1, 5), date(2026, 3, 2), False), Period(2, date(2026, 3, 2), None, True)]
    assert chain_problems(periods) == []


def test_gaps_overlaps_and_two_actives_are_problems():
    gap = [Period(1, date(2026, 1, 5), date(2026, 3, 1), False), Period(2, date(2026, 3, 2), None, True)]
    overlap = [Period(1, date(2026, 1, 5), date(2026, 3, 3), False), Period(2, date(2026, 3, 2), None, True)]
    two = [Period(1, date(2026, 1, 5), None, True), Period(2, date(2026, 3, 2), None, True)]
    assert chain_problems(gap) and chain_problems(overlap) and chain_problems(two)
    assert chain_problems([]) == ["no assignment"]
