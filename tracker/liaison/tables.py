"""Who leads each project, and the handovers between them (项目专员 / 包保领导, 继任者 / 交接)."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Officer
from tracker.projects.tables import Project


class Handover(Table):
    """A transfer of a project role from one officer to a successor, with a snapshot of the open
    work at that moment. Pending until the successor accepts custody."""

    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    role = Varchar(length=20)  # lead_officer | responsible_leader
    from_officer = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict, index=True)
    to_officer = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict, index=True)
    handed_on = Date()
    reason = Varchar(length=20)
    note = Text(default="")
    snapshot = JSON(default="{}")
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None, index=True)
    accepted_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    # Set when the handover was part of an officer's departure.
    departure_of = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict)


class Assignment(Table):
    """One officer holding one role on one project for a period. At most one active per project
    and role (a partial unique index in the migration); ended only by a handover."""

    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    role = Varchar(length=20)
    officer = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict, index=True)
    started_on = Date()
    ended_on = Date(null=True, default=None)
    active = Boolean(default=True)
    started_by_handover = ForeignKey(Handover, null=True, on_delete=OnDelete.restrict)
