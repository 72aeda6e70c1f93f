"""Independent satisfaction callbacks (第三方/独立回访): a monthly random draw of closed requests and
confirmed promise fulfilments, each called back by someone who is not the project's lead officer."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Department, Officer
from tracker.projects.tables import Project
from tracker.promises.tables import Promise
from tracker.requests.tables import EnterpriseRequest


class CallbackDraw(Table, tablename="callback_draw"):
    """One month's draw. `month` is unique: the database refuses a second draw of the same month,
    so nobody can draw again to pick easier cases."""

    month = Varchar(length=7, unique=True)  # YYYY-MM
    # The random seed (hex) recorded with the draw: with the eligible items it reproduces the sample.
    seed = Varchar(length=64)
    sample_percent = Integer()
    eligible = Integer()
    sampled = Integer()
    drawn_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    drawn_at = Timestamptz()


class Callback(Table, tablename="satisfaction_callback"):
    draw = ForeignKey(CallbackDraw, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20)  # request | fulfilment
    request = ForeignKey(EnterpriseRequest, null=True, on_delete=OnDelete.restrict, index=True)
    promise = ForeignKey(Promise, null=True, on_delete=OnDelete.restrict, index=True)
    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    # Whose work is checked (for the figures): the department and officer answerable for the item.
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)
    officer = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict)
    # The project's lead officer at the draw: never the caller.
    lead_officer = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict)
    assignee = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict, index=True)
    # The enterprise's answers; done_on None = not called yet.
    reached = Boolean(null=True, default=None)
    solved = Boolean(null=True, default=None)
    satisfaction = Integer(null=True, default=None)
    comment = Text(default="")
    caller = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict)
    done_on = Date(null=True, default=None)
    recorded_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    version = Integer(default=1)
