"""District and park figures (区县 / 园区): one row of counts per unit and the rates read from them.
The counts come from aggregate SQL in queries.py; the rates are defined here once.

What each column counts:
- projects, by stage: active and paused projects (cancelled and merged ones are left out);
  by colour: active projects only (a paused project has no warning colour);
- investment signed: the total investment of those projects; plan and completed: the year's
  figures of tracker.investment (the same numbers as /figures/investment);
- overdue milestones: open milestones of active projects planned before today;
- promises: made to the unit's projects (withdrawn ones left out) and overdue today;
- credibility (政务诚信): the promises the district government (or the park's committee) is the
  responsible department for, with the on-time rate of the promise register's credibility figures;
- requests: raised on the unit's projects; closed rate (办结率) and resolved rate (办成率) both over
  all requests raised, as on the request figures;
- visits (districts only, from tracker.visits): visits recorded in the year up to today, and the
  active projects past their visit interval today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tracker.projects.rules import STAGES

COLOURS = ("red", "amber", "green")
KINDS = ("district", "park")


def _rate(part: int | Decimal, whole: int | Decimal) -> float | None:
    return float(part) / float(whole) if whole else None


@dataclass
class Record:
    """Promise-keeping counts, as tracker.promises.rules.DepartmentRecord."""

    made: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    unfulfillable: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """On time among the promises due or settled (DepartmentRecord.on_time_rate)."""
        return _rate(self.on_time, self.on_time + self.late + self.overdue + self.unfulfillable)

    def __add__(self, other: Record) -> Record:
        return Record(self.made + other.made, self.on_time + other.on_time, self.late + other.late,
                      self.overdue + other.overdue, self.unfulfillable + other.unfulfillable)


@dataclass
class Row:
    id: int
    name: str
    kind: str = "district"
    parent_name: str = ""
    parent_id: int | None = None
    projects: int = 0
    by_stage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    by_colour: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))
    signed: Decimal = field(default_factory=lambda: Decimal(0))
    plan: Decimal = field(default_factory=lambda: Decimal(0))
    completed: Decimal = field(default_factory=lambda: Decimal(0))
    behind: int = 0
    overdue_milestones: int = 0
    promises: int = 0
    promises_overdue: int = 0
    promises_record: Record = field(default_factory=lambda: Record())
    credibility: Record = field(default_factory=lambda: Record())
    requests: int = 0
    requests_closed: int = 0
    requests_resolved: int = 0
    requests_rated: int = 0
    satisfaction_sum: int = 0
    visits_done: int | None = None
    visits_due: int | None = None

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.completed, self.plan)

    @property
    def promises_on_time_rate(self) -> float | None:
        return self.promises_record.on_time_rate

    @property
    def credibility_rate(self) -> float | None:
        return self.credibility.on_time_rate

    @property
    def closed_rate(self) -> float | None:
        return _rate(self.requests_closed, self.requests)

    @property
    def resolved_rate(self) -> float | None:
        return _rate(self.requests_resolved, self.requests)

    @property
    def average_satisfaction(self) -> float | None:
        return self.satisfaction_sum / self.requests_rated if self.requests_rated else None



def total(rows: list[Row], name: str) -> Row:
    """The sum of the rows (a rate of the total is the rate of the sums, never a mean of rates)."""
    out = Row(0, name, kind="total")
    for r in rows:
        for attr in ("projects", "signed", "plan", "completed", "behind", "overdue_milestones", "promises", "promises_overdue",
                     "promises_record", "credibility", "requests", "requests_closed", "requests_resolved", "requests_rated",
                     "satisfaction_sum"):
            setattr(out, attr, getattr(out, attr) + getattr(r, attr))
        for s in STAGES:
            out.by_stage[s] += r.by_stage[s]
        for c in COLOURS:
            out.by_colour[c] += r.by_colour[c]
        if r.visits_done is not None:
            out.visits_done = (out.visits_done or 0) + r.visits_done
            out.visits_due = (out.visits_due or 0) + (r.visits_due or 0)
    return out
