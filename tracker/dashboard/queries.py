"""What the dashboard reads: figures from aggregate queries and short lists (the rows a person
reads, most urgent first) each with the count behind its "all N" link. Nothing here loads every
project: at 10,000 projects the page costs the same as at 44."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from piccolo.query import OrderByRaw
from piccolo.query.methods.select import Count

from tracker.db import is_sqlite
from tracker.projects import queries as project_queries
from tracker.projects.tables import Milestone, Project

ROWS = 10  # rows per list on the dashboard


@dataclass
class Capped:
    """The first rows of a list and how many there are in all."""

    rows: list[dict] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def capped(rows: list[dict], limit: int = ROWS) -> Capped:
    """A list already loaded (a person's handovers, requests, disputes: tens, not thousands)."""
    return Capped(rows[:limit], len(rows))


async def my_projects(officer_id: int, limit: int = ROWS) -> Capped:
    """The projects an officer leads: red first, then amber, then by the next due date."""
    where = (Project.lead_officer == officer_id, Project.status == "active", Project.merged_into.is_null())
    due = project_queries.NEXT_DUE.format(false="0" if is_sqlite() else "FALSE")
    rows = await Project.select(*project_queries.LIST_COLUMNS).where(*where).order_by(
        OrderByRaw(project_queries.COLOUR_ORDER)).order_by(OrderByRaw(f"{due} IS NULL")).order_by(OrderByRaw(due)).order_by(
        Project.name).limit(limit)
    return Capped(rows, await Project.count().where(*where))


async def due_soon(window: tuple[date, date], limit: int = ROWS) -> tuple[Capped, int]:
    """Open milestones due in the window, soonest first, and how many projects they belong to."""
    rows = await project_queries.due_soon(*window, limit=limit)
    where = (project_queries.open_milestone(), Milestone.planned_on >= window[0], Milestone.planned_on <= window[1],
             Milestone.project.status == "active")
    total = await Milestone.count().where(*where)
    projects = await Milestone.select(Count(distinct=[Milestone.project]).as_alias("n")).where(*where).first()
    return Capped(rows, total), (projects or {}).get("n", 0)


async def red_projects(limit: int = ROWS) -> list[dict]:
    """The longest-red projects first (the colour figure says how many there are)."""
    return await Project.select(*project_queries.LIST_COLUMNS).where(
        Project.colour == "red", Project.status == "active", Project.merged_into.is_null()
    ).order_by(Project.colour_since).order_by(Project.id).limit(limit)
