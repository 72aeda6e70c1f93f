"""Promises the government made to an investor, and their fulfilment (承诺 / 兑现)."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Department, Officer
from tracker.projects.tables import Milestone, Project


class Promise(Table):
    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    content = Text()
    category = Varchar(length=20, index=True)
    source = Varchar(length=20)  # contract | meeting | letter
    source_ref = Varchar(length=100, default="")  # clause number, meeting, letter reference
    legal_basis = Text(default="")
    department = ForeignKey(Department, null=False, on_delete=OnDelete.restrict, index=True)
    officer = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict, index=True)
    amount = Numeric(digits=(14, 2), null=True, default=None)  # 万元
    promised_on = Date()
    # A fixed date, or N working days after the trigger milestone is done.
    due_kind = Varchar(length=20, default="fixed")
    due_workdays = Integer(null=True, default=None)
    target_workdays = Integer(null=True, default=None)
    trigger_milestone = ForeignKey(Milestone, null=True, on_delete=OnDelete.restrict)
    # The effective due date: the fixed date, or computed when the clock starts (None before).
    due_on = Date(null=True, default=None, index=True)
    due_provisional = Boolean(default=False)
    status = Varchar(length=20, default="pending", index=True)
    status_reason = Text(default="")
    remedy_plan = Text(default="")
    remedy_due_on = Date(null=True, default=None)
    explanation = Text(default="")
    settled_on = Date(null=True, default=None)  # when it became fulfilled / partially fulfilled
    # The enterprise's countersign: confirmed | disputed
    answer = Varchar(length=20, null=True, default=None)
    answer_reason = Text(default="")
    answer_on_behalf = Boolean(default=False)
    answered_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    answered_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()


class Fulfilment(Table):
    """What was delivered, when, by whom. Never edited: a correction is a new entry."""

    promise = ForeignKey(Promise, null=False, on_delete=OnDelete.restrict, index=True)
    delivered_on = Date()
    description = Text()
    amount = Numeric(digits=(14, 2), null=True, default=None)
    delivered_by = Varchar(length=100, default="")
    corrects = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    recorded_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz()
