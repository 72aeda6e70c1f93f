"""Key projects, their milestones, and the history kept for them."""

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Department, Enterprise, Officer


class LifecycleTemplate(Table, tablename="lifecycle_template"):
    """A kind of project's lifecycle: ordered milestones with their offsets from signing. Editing
    one changes only projects created afterwards (milestones are copied at creation)."""

    code = Varchar(length=30, unique=True)
    name = Varchar(length=100)
    description = Text(default="")
    active = Boolean(default=True)
    version = Integer(default=1)
    updated_at = Timestamptz()


class TemplateMilestone(Table, tablename="template_milestone"):
    template = ForeignKey(LifecycleTemplate, null=False, on_delete=OnDelete.restrict, index=True)
    seq = Integer()
    stage = Varchar(length=20)
    name = Varchar(length=100)
    # Working days after the signing date; green-channel projects use the shorter offset.
    offset_workdays = Integer()
    green_offset_workdays = Integer()
    # False: created as "does not apply" (no land for a services project, say).
    applies = Boolean(default=True)


class Project(Table):
    name = Varchar(length=150, index=True)
    enterprise = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict, index=True)
    industry = Varchar(length=30, index=True)
    district = ForeignKey(Department, null=False, on_delete=OnDelete.restrict, index=True)
    park = ForeignKey(Department, null=True, on_delete=OnDelete.restrict, index=True)
    # 万元 (10,000 CNY)
    total_investment = Numeric(digits=(14, 2))
    signed_on = Date(index=True)
    level = Varchar(length=20)
    green_channel = Boolean(default=False)
    introducing_unit = ForeignKey(Department, null=False, on_delete=OnDelete.restrict)
    # Fixed at signing; no form or route changes them.
    first_signing_department = ForeignKey(Department, null=False, on_delete=OnDelete.restrict)
    first_signing_leader = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict)
    responsible_leader = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict, index=True)
    lead_officer = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict, index=True)
    description = Text(default="")
    # The lifecycle template the milestones were created from (None: created before templates).
    template = ForeignKey(LifecycleTemplate, null=True, on_delete=OnDelete.restrict)
    # active | paused | cancelled; never deleted.
    status = Varchar(length=20, default="active", index=True)
    status_reason = Text(default="")
    # Derived by rules and stored so lists can filter on them.
    stage = Varchar(length=20, default="signed", index=True)
    colour = Varchar(length=10, default="green", index=True)
    colour_since = Date(null=True, default=None)
    # A duplicate record (一项多码) merged into another project: it redirects there, lists leave
    # it out, and it is never deleted.
    merged_into = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict)
    # Nullable so the demo fixture, written before merging existed, still loads.
    merge_reason = Text(null=True, default=None)
    # Optimistic lock: every update bumps it and checks the value the form was built from.
    version = Integer(default=1)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Milestone(Table):
    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    stage = Varchar(length=20)
    seq = Integer()
    name = Varchar(length=100)
    baseline_on = Date()
    planned_on = Date(index=True)
    # Working days after signing the plan was computed with (None: added by hand), so a calendar
    # entered later, or a change of green channel, can re-plan it.
    offset_workdays = Integer(null=True, default=None)
    # Planned date computed through a year with no published calendar.
    provisional = Boolean(default=False)
    actual_on = Date(null=True, default=None, index=True)
    # Does not apply to this project (no land needed, say): counts as complete for the stage.
    not_applicable = Boolean(default=False)
    na_reason = Text(default="")
    # Recorded done while an earlier milestone was still open (confirmed by the user).
    out_of_order = Boolean(default=False)
    version = Integer(default=1)


class MilestoneChange(Table):
    """History of a milestone: reschedules (with reason), completions and reopenings."""

    milestone = ForeignKey(Milestone, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20)
    from_date = Date(null=True, default=None)
    to_date = Date(null=True, default=None)
    reason = Text(default="")
    user = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    at = Timestamptz()


class ColourChange(Table):
    """Each change of a project's warning colour, so briefings can say what turned red this week."""

    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    on = Date(index=True)
    from_colour = Varchar(length=10, null=True, default=None)
    to_colour = Varchar(length=10)
    reasons = Text(default="")
