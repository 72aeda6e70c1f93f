"""The bureau's lifecycle and early-warning rules (DESIGN §3), as pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from tracker.i18n import N_
from tracker.workdays import WorkCalendar

STAGES = (
    "signed",  # 签约
    "registered",  # 注册落地
    "filed",  # 立项备案
    "land",  # 供地
    "permitted",  # 规划施工许可
    "construction",  # 开工建设
    "completed",  # 竣工验收
    "operating",  # 投产运营
)

INDUSTRIES = (
    "new_it",  # 新一代信息技术
    "new_energy",  # 新能源
    "smart_manufacturing",  # 智能制造
    "biomedicine",  # 生物医药
    "energy_saving",  # 节能环保
    "new_materials",  # 新材料
    "agri_food",  # 农业和食品
    "tourism_services",  # 旅游和现代服务业
)

LEVELS = ("provincial", "city", "district")

PROJECT_STATUSES = ("active", "paused", "cancelled")

COLOURS = ("red", "amber", "green")


@dataclass(frozen=True)
class MilestoneTemplate:
    stage: str
    name: str
    # Working days after the signing date.
    offset_workdays: int


# One milestone per stage; offsets are typical durations for a manufacturing project in Harbin.
DEFAULT_LIFECYCLE = (
    MilestoneTemplate("signed", "签订投资合同", 0),
    MilestoneTemplate("registered", "完成企业注册", 20),
    MilestoneTemplate("filed", "项目立项备案", 40),
    MilestoneTemplate("land", "取得土地使用权", 90),
    MilestoneTemplate("permitted", "取得施工许可证", 130),
    MilestoneTemplate("construction", "项目开工建设", 150),
    MilestoneTemplate("completed", "竣工验收", 400),
    MilestoneTemplate("operating", "投产运营", 460),
)


@dataclass(frozen=True)
class PlannedMilestone:
    stage: str
    seq: int
    name: str
    planned_on: date
    provisional: bool


def plan_milestones(
    signed_on: date,
    calendar: WorkCalendar,
    template: Sequence[MilestoneTemplate] = DEFAULT_LIFECYCLE,
) -> list[PlannedMilestone]:
    """Planned dates in working days from the signing date."""
    plan = []
    for seq, item in enumerate(template, start=1):
        planned, provisional = calendar.add_workdays_marked(signed_on, item.offset_workdays)
        plan.append(PlannedMilestone(item.stage, seq, item.name, planned, provisional))
    return plan


def complete_stages(milestones: Iterable[tuple[str, bool]]) -> dict[str, bool]:
    """Per stage that has milestones: whether all of them are complete.

    milestones: (stage, complete) pairs, where complete means done or not applicable.
    """
    complete: dict[str, bool] = {}
    for stage, done in milestones:
        complete[stage] = complete.get(stage, True) and done
    return complete


def derive_stage(milestones: Iterable[tuple[str, bool]]) -> str:
    """The last stage of the unbroken run of complete stages from signing.

    milestones: (stage, complete) pairs, complete meaning done or not applicable. A stage with
    no milestones at all (a template without it) neither breaks nor extends the run. A stage
    completed out of order, after an open one, does not count: the project is where its
    unbroken run ends.
    """
    complete = complete_stages(milestones)
    reached = STAGES[0]
    for stage in STAGES:
        if stage not in complete:
            continue
        if not complete[stage]:
            break
        reached = stage
    return reached


def stage_states(milestones: Iterable[tuple[str, bool]]) -> list[tuple[str, str]]:
    """Each stage with what a progress line shows for it: "done" (all its milestones complete),
    "current" (the first stage not complete) or "open"; stages without milestones are left out."""
    complete = complete_stages(milestones)
    states, current_seen = [], False
    for stage in STAGES:
        if stage not in complete:
            continue
        if complete[stage]:
            states.append((stage, "done"))
        elif not current_seen:
            states.append((stage, "current"))
            current_seen = True
        else:
            states.append((stage, "open"))
    return states


def open_before(milestones: Sequence[dict], seq: int) -> list[dict]:
    """Milestones planned before this one (by sequence) that are neither done nor not applicable:
    completing this one now is out of order."""
    return [m for m in milestones if m["seq"] < seq and m["actual_on"] is None and not m["not_applicable"]]


@dataclass(frozen=True)
class Thresholds:
    red_overdue_workdays: int = 10
    amber_due_within_workdays: int = 5
    amber_signals_for_red: int = 2


@dataclass(frozen=True)
class Signal:
    """One reason for a warning colour: what, which object, how many working days."""

    colour: str  # "red" or "amber"
    kind: str  # milestone_overdue | milestone_due | promise_overdue | action_overdue
    subject: str
    workdays: int = 0


def milestone_signal(
    name: str,
    planned_on: date,
    done: bool,
    today: date,
    calendar: WorkCalendar,
    thresholds: Thresholds,
) -> Signal | None:
    """Red when overdue by more than the red threshold, amber when overdue 1..threshold working
    days or due within the amber window; None otherwise (or when done)."""
    if done:
        return None
    if planned_on < today:
        overdue = calendar.workdays_between(planned_on, today)
        if overdue > thresholds.red_overdue_workdays:
            return Signal("red", "milestone_overdue", name, overdue)
        if overdue >= 1:
            return Signal("amber", "milestone_overdue", name, overdue)
        # Overdue only by non-working days: treat as due now.
        return Signal("amber", "milestone_due", name, 0)
    remaining = calendar.workdays_between(today, planned_on)
    if remaining <= thresholds.amber_due_within_workdays:
        return Signal("amber", "milestone_due", name, remaining)
    return None


def colour_of(signals: Iterable[Signal], thresholds: Thresholds) -> str:
    """Red if any red signal or enough amber ones; amber if any amber; else green."""
    signals = list(signals)
    if any(s.colour == "red" for s in signals):
        return "red"
    ambers = sum(1 for s in signals if s.colour == "amber")
    if ambers >= thresholds.amber_signals_for_red:
        return "red"
    return "amber" if ambers else "green"


@dataclass(frozen=True)
class MilestoneState:
    name: str
    stage: str
    planned_on: date
    actual_on: date | None


def project_signals(
    milestones: Iterable[MilestoneState],
    today: date,
    calendar: WorkCalendar,
    thresholds: Thresholds,
    overdue_promises: Iterable[str] = (),
    overdue_action_items: Iterable[str] = (),
) -> list[Signal]:
    """All warning signals of a project; promises and action items come from their own areas."""
    signals = [
        s
        for m in milestones
        if (s := milestone_signal(m.name, m.planned_on, m.actual_on is not None, today, calendar, thresholds))
    ]
    signals += [Signal("red", "promise_overdue", p) for p in overdue_promises]
    signals += [Signal("amber", "action_overdue", a) for a in overdue_action_items]
    return signals


def check_not_applicable(stage: str, done: bool, reason: str) -> str | None:
    """Why a milestone cannot be marked "does not apply", or None."""
    if stage == "signed":
        return N_("The signing milestone always applies.")
    if done:
        return N_("A milestone that is done cannot be marked as not applicable; reopen it first.")
    if not reason.strip():
        return N_("Say why this milestone does not apply to the project.")
    return None


def check_milestone_done(actual_on: date, signed_on: date, today: date) -> str | None:
    """Why a completion date is refused, or None."""
    if actual_on < signed_on:
        return N_("The completion date cannot be before the signing date.")
    if actual_on > today:
        return N_("The completion date cannot be in the future.")
    return None


def check_reschedule(new_date: date, current: date, signed_on: date, reason: str) -> str | None:
    """Why a reschedule is refused, or None."""
    if not reason.strip():
        return N_("A reason is required to reschedule.")
    if new_date < signed_on:
        return N_("The planned date cannot be before the signing date.")
    if new_date == current:
        return N_("The new date is the same as the current planned date.")
    return None


MIN_INVESTMENT = 0

# Allowed status changes: a cancelled project stays cancelled (it is never deleted either).
STATUS_TRANSITIONS = {
    "active": ("paused", "cancelled"),
    "paused": ("active", "cancelled"),
    "cancelled": (),
}


def check_status_change(current: str, new: str) -> str | None:
    if new not in STATUS_TRANSITIONS.get(current, ()):
        return N_("This status change is not allowed.")
    return None
