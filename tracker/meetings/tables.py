"""Weekly coordination meetings (周例会): agenda, minutes, decisions, action items (督办事项)."""

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Department, Officer
from tracker.projects.tables import Project
from tracker.promises.tables import Promise


class Meeting(Table):
    held_on = Date(index=True)
    chair = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict)
    location = Varchar(length=100, default="")
    status = Varchar(length=20, default="draft")  # draft | in_progress | closed
    version = Integer(default=1)
    # The attendance form's own lock, so saving attendance does not conflict with a status change.
    attendance_version = Integer(default=1)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)


class Attendee(Table):
    meeting = ForeignKey(Meeting, null=False, on_delete=OnDelete.restrict, index=True)
    officer = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict)
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)
    attendance = Varchar(length=20, default="present")  # present | absent | delegate
    delegate_name = Varchar(length=50, default="")


class AgendaItem(Table):
    meeting = ForeignKey(Meeting, null=False, on_delete=OnDelete.restrict, index=True)
    position = Integer()
    # carried_action | red_project | overdue_promise | topic
    kind = Varchar(length=20)
    title = Text()
    project = ForeignKey(Project, null=True, on_delete=OnDelete.restrict, index=True)
    promise = ForeignKey(Promise, null=True, on_delete=OnDelete.restrict)
    # The open action item this item carries over (a plain id: a foreign key would make the two
    # tables depend on each other, which Piccolo's migrations cannot order).
    carried_action = Integer(null=True, default=None, index=True)
    discussion = Text(default="")
    decision = Text(default="")
    # Optimistic lock of the minutes of this item.
    version = Integer(default=1)


class ActionItem(Table):
    meeting = ForeignKey(Meeting, null=False, on_delete=OnDelete.restrict, index=True)
    agenda_item = ForeignKey(AgendaItem, null=False, on_delete=OnDelete.restrict)
    project = ForeignKey(Project, null=True, on_delete=OnDelete.restrict, index=True)
    task = Text()
    owner_department = ForeignKey(Department, null=False, on_delete=OnDelete.restrict, index=True)
    owner_officer = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict, index=True)
    due_on = Date(index=True)
    status = Varchar(length=20, default="open", index=True)  # open | done
    resolution = Text(default="")
    outcome = Varchar(length=20, null=True, default=None)  # resolved (办成) | closed_unresolved (办结)
    done_on = Date(null=True, default=None)
    done_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    version = Integer(default=1)


class Addendum(Table):
    """A dated correction to closed minutes, shown under the item it corrects."""

    meeting = ForeignKey(Meeting, null=False, on_delete=OnDelete.restrict, index=True)
    agenda_item = ForeignKey(AgendaItem, null=True, on_delete=OnDelete.restrict)
    text = Text()
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
