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
    # Working days after the signing date, normally and on the green channel (fast track).
    offset_workdays: int
    green_offset_workdays: int | None = None
    # False: the milestone is created as "does not apply" (it can be made to apply later).
    applies: bool = True

    @property
    def green(self) -> int:
        return self.offset_workdays if self.green_offset_workdays is None else self.green_offset_workdays


# Manufacturing: one milestone per stage; offsets are typical durations for a manufacturing
# project in Harbin, and about two thirds of them on the green channel.
DEFAULT_LIFECYCLE = (
    MilestoneTemplate("signed", "签订投资合同", 0, 0),
    MilestoneTemplate("registered", "完成企业注册", 20, 10),
    MilestoneTemplate("filed", "项目立项备案", 40, 25),
    MilestoneTemplate("land", "取得土地使用权", 90, 60),
    MilestoneTemplate("permitted", "取得施工许可证", 130, 85),
    MilestoneTemplate("construction", "项目开工建设", 150, 100),
    MilestoneTemplate("completed", "竣工验收", 400, 300),
    MilestoneTemplate("operating", "投产运营", 460, 340),
)

# The three templates a new database starts with (the migration that creates the tables seeds
# them with these values): code, name, description, milestones.
SHIPPED_TEMPLATES = (
    ("manufacturing", "制造业项目", "新建厂房的工业项目：供地、规划施工许可、开工、竣工、投产", DEFAULT_LIFECYCLE),
    ("services", "服务业及总部项目", "租用或购置楼宇的服务业、总部及研发项目：无需供地", (
        MilestoneTemplate("signed", "签订投资合同", 0, 0),
        MilestoneTemplate("registered", "完成企业注册", 15, 8),
        MilestoneTemplate("filed", "项目备案", 30, 15),
        MilestoneTemplate("land", "取得土地使用权", 30, 15, applies=False),
        MilestoneTemplate("permitted", "取得装修施工许可", 50, 30),
        MilestoneTemplate("construction", "开始装修改造", 60, 35),
        MilestoneTemplate("completed", "装修竣工验收", 140, 100),
        MilestoneTemplate("operating", "正式开业运营", 160, 115),
    )),
    ("infrastructure", "基础设施项目", "道路、管网、能源等基础设施：可研批复、用地预审和较长的建设期", (
        MilestoneTemplate("signed", "签订投资合同", 0, 0),
        MilestoneTemplate("registered", "组建项目公司", 20, 15),
        MilestoneTemplate("filed", "取得可行性研究报告批复", 80, 55),
        MilestoneTemplate("land", "取得用地批复", 140, 100),
        MilestoneTemplate("permitted", "取得施工许可证", 180, 130),
        MilestoneTemplate("construction", "项目开工建设", 200, 145),
        MilestoneTemplate("completed", "竣工验收", 560, 430),
        MilestoneTemplate("operating", "建成投用", 600, 460),
    )),
)
DEFAULT_TEMPLATE = "manufacturing"
TEMPLATE_MAX_MILESTONES = 30


@dataclass(frozen=True)
class PlannedMilestone:
    stage: str
    seq: int
    name: str
    planned_on: date
    provisional: bool
    applies: bool = True


def plan_milestones(
    signed_on: date,
    calendar: WorkCalendar,
    template: Sequence[MilestoneTemplate] = DEFAULT_LIFECYCLE,
    green_channel: bool = False,
) -> list[PlannedMilestone]:
    """Planned dates in working days from the signing date (the shorter offsets on the green channel)."""
    plan = []
    for seq, item in enumerate(template, start=1):
        offset = item.green if green_channel else item.offset_workdays
        planned, provisional = calendar.add_workdays_marked(signed_on, offset)
        plan.append(PlannedMilestone(item.stage, seq, item.name, planned, provisional, item.applies))
    return plan


def insertion_seq(milestones: Sequence[tuple[str, int]], stage: str) -> int:
    """Where a new milestone of `stage` goes: after the last milestone of the same or an earlier
    stage. milestones: (stage, seq) in sequence order."""
    order = STAGES.index(stage)
    before = [seq for s, seq in milestones if STAGES.index(s) <= order]
    return (max(before) + 1) if before else 1


def check_template(name: str, rows: Sequence[MilestoneTemplate]) -> dict[str, str]:
    """Why a lifecycle template is refused, by field ("name", "rows", "stage_<i>", "offset_<i>",
    "green_<i>", "mname_<i>" for row i counted from 0); empty when it is valid."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = N_("This field is required.")
    elif len(name) > 100:
        errors["name"] = N_("This text is too long.")
    if not rows:
        errors["rows"] = N_("A template needs at least the signing milestone.")
        return errors
    if len(rows) > TEMPLATE_MAX_MILESTONES:
        errors["rows"] = N_("A template has at most 30 milestones.")
    if rows[0].stage != "signed" or rows[0].offset_workdays != 0:
        errors["stage_0"] = N_("The first milestone is the signing, at 0 working days.")
    previous_stage, previous_offset = 0, 0
    for i, row in enumerate(rows):
        if row.stage not in STAGES:
            errors[f"stage_{i}"] = N_("This choice is not valid.")
            continue
        if not row.name.strip():
            errors[f"mname_{i}"] = N_("This field is required.")
        elif len(row.name) > 100:
            errors[f"mname_{i}"] = N_("This text is too long.")
        if STAGES.index(row.stage) < previous_stage:
            errors.setdefault(f"stage_{i}", N_("This stage comes before the stage of the milestone above it."))
        if row.offset_workdays < 0:
            errors[f"offset_{i}"] = N_("The number cannot be negative.")
        elif row.offset_workdays < previous_offset:
            errors[f"offset_{i}"] = N_("A milestone cannot be planned before the milestone above it.")
        if row.green < 0:
            errors[f"green_{i}"] = N_("The number cannot be negative.")
        elif row.green > row.offset_workdays:
            errors[f"green_{i}"] = N_("The green-channel offset cannot be longer than the normal one.")
        previous_stage = max(previous_stage, STAGES.index(row.stage))
        previous_offset = max(previous_offset, row.offset_workdays)
    return errors


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
    kind: str  # milestone_overdue | milestone_due | promise_overdue | action_overdue | procedure_overdue | connection_late
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
    other_signals: Iterable[Signal] = (),
) -> list[Signal]:
    """All warning signals of a project; promises, action items, approval procedures and utility
    connections come from their own areas."""
    signals = [
        s
        for m in milestones
        if (s := milestone_signal(m.name, m.planned_on, m.actual_on is not None, today, calendar, thresholds))
    ]
    signals += [Signal("red", "promise_overdue", p) for p in overdue_promises]
    signals += [Signal("amber", "action_overdue", a) for a in overdue_action_items]
    signals += list(other_signals)
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
