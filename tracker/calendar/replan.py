"""After a year's holidays and make-up days are entered: re-plan what was provisional."""

from __future__ import annotations

from datetime import date

from tracker.calendar.queries import load_calendar
from tracker.projects import rules as project_rules
from tracker.projects.queries import refresh_colours
from tracker.projects.tables import Milestone
from tracker.promises.queries import recompute_due_dates


async def recompute_provisional(today: date) -> int:
    """Re-plan open milestones whose dates were provisional; a rescheduled one keeps its planned
    date but gets the new baseline. Then trigger-based promise dates and colours. Returns how
    many milestones changed."""
    calendar = await load_calendar()
    # Milestones created before templates kept no offset: the manufacturing lifecycle's applies.
    legacy = {t.stage: t.offset_workdays for t in project_rules.DEFAULT_LIFECYCLE}
    rows = await Milestone.select(
        Milestone.id, Milestone.stage, Milestone.baseline_on, Milestone.planned_on, Milestone.offset_workdays,
        Milestone.project.signed_on.as_alias("signed_on")
    ).where(Milestone.provisional == True, Milestone.actual_on.is_null())  # noqa: E712
    changed = 0
    for m in rows:
        offset = m["offset_workdays"] if m["offset_workdays"] is not None else legacy.get(m["stage"])
        if offset is None:
            continue
        baseline, provisional = calendar.add_workdays_marked(m["signed_on"], offset)
        values = {Milestone.baseline_on: baseline, Milestone.provisional: provisional}
        if m["planned_on"] == m["baseline_on"]:
            values[Milestone.planned_on] = baseline
        if baseline != m["baseline_on"] or not provisional:
            changed += 1
        await Milestone.update(values).where(Milestone.id == m["id"])
    await recompute_due_dates(calendar)
    await refresh_colours(None, today, calendar)
    return changed
