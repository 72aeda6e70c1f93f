"""Rules of the fixed lead officer and responsible leader, and of handovers (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tracker.i18n import N_

# The lead officer (项目专员) and the three levels of responsibility (三级包保): the responsible
# city leader, the district/county or park, and the introducing unit. Each role has one active
# holder per project (a partial unique index) and changes only by a handover, with history.
PROJECT_ROLES = ("lead_officer", "responsible_leader", "area_leader", "unit_leader")
LEVEL_ROLES = ("responsible_leader", "area_leader", "unit_leader")
HANDOVER_REASONS = ("transfer", "promotion", "retirement", "workload", "other")


@dataclass(frozen=True)
class Candidate:
    id: int
    active: bool
    is_leader: bool
    department: int | None = None


def eligibility_error(role: str, officer: Candidate, area_departments: set[int], introducing_unit: int | None) -> str | None:
    """Who may hold a role: a leader for the city level, someone of the project's district or park
    for the area level, someone of the project's introducing unit for the unit level."""
    if role == "responsible_leader" and not officer.is_leader:
        return N_("A responsible leader must be an officer marked as a leader.")
    if role == "area_leader" and officer.department not in area_departments:
        return N_("The district or park responsible person must work for the project's district or park.")
    if role == "unit_leader" and officer.department != introducing_unit:
        return N_("The introducing unit's responsible person must work for the project's introducing unit.")
    return None


def handover_error(role: str, current_officer: int | None, successor: Candidate | None, reason: str,
                   area_departments: set[int] = frozenset(), introducing_unit: int | None = None) -> str | None:
    """Why a handover is refused, or None."""
    if role not in PROJECT_ROLES:
        return N_("This choice is not valid.")
    if successor is None:
        return N_("Choose a successor.")
    if successor.id == current_officer:
        return N_("The successor must be a different officer.")
    if not successor.active:
        return N_("This officer is no longer active.")
    if problem := eligibility_error(role, successor, set(area_departments), introducing_unit):
        return problem
    if reason not in HANDOVER_REASONS:
        return N_("Choose a reason for the handover.")
    return None


def over_workload(count: int, limit: int) -> bool:
    return count > limit


@dataclass(frozen=True)
class Period:
    officer: int
    started_on: date
    ended_on: date | None
    active: bool


def chain_problems(periods: Iterable[Period]) -> list[str]:
    """Problems in one project role's succession: it must be one unbroken chain, the last period
    active and open, every earlier one ended exactly when the next began."""
    ordered = sorted(periods, key=lambda p: (p.started_on, p.ended_on is None, p.ended_on or date.max))
    problems = []
    if not ordered:
        return ["no assignment"]
    actives = [p for p in ordered if p.active]
    if len(actives) != 1 or actives[0] is not ordered[-1]:
        problems.append(f"{len(actives)} active assignments, or the active one is not the latest")
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.ended_on is None:
            problems.append("an earlier assignment was never ended")
        elif earlier.ended_on != later.started_on:
            problems.append(f"gap or overlap between {earlier.ended_on} and {later.started_on}")
        if earlier.officer == later.officer:
            problems.append("handed over to the same officer")
    if ordered[-1].ended_on is not None and ordered[-1].active:
        problems.append("the active assignment has an end date")
    return problems
