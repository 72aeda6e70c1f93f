"""Approval procedures and the agency service (代办): the catalogue, each project's procedures, and
their returns for supplements."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Department, Officer
from tracker.projects.tables import Milestone, Project


class ProcedureType(Table, tablename="procedure_type"):
    """The catalogue (coordinators and admins keep it): a procedure, the department that handles
    it, and its time limit in working days (statutory or promised)."""

    name = Varchar(length=100)
    department = ForeignKey(Department, null=False, on_delete=OnDelete.restrict)
    time_limit_workdays = Integer()
    limit_kind = Varchar(length=20, default="statutory")  # statutory | promised
    # The lifecycle stage whose milestone needs this procedure ("" when none).
    stage = Varchar(length=20, default="")
    # Lifecycle template codes for which it is proposed, comma-separated ("" = every template).
    templates = Varchar(length=200, default="")
    seq = Integer(default=0)
    active = Boolean(default=True)
    version = Integer(default=1)


class Procedure(Table):
    """One approval procedure of a project, run by an agent (代办员) under the enterprise's
    authorisation."""

    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    procedure_type = ForeignKey(ProcedureType, null=False, on_delete=OnDelete.restrict, index=True)
    department = ForeignKey(Department, null=False, on_delete=OnDelete.restrict, index=True)
    milestone = ForeignKey(Milestone, null=True, on_delete=OnDelete.restrict, index=True)
    time_limit_workdays = Integer()
    agent = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict, index=True)
    authorised = Boolean(default=False)
    authorised_on = Date(null=True, default=None)
    # The signed authorisation (a PDF or an image, judged by content), kept like request attachments.
    authorisation_file = Varchar(length=32, default="")
    authorisation_name = Varchar(length=120, default="")
    authorisation_mime = Varchar(length=40, default="")
    submitted_on = Date(null=True, default=None)
    accepted_on = Date(null=True, default=None)
    approved_on = Date(null=True, default=None)
    document_no = Varchar(length=100, default="")
    note = Text(default="")
    version = Integer(default=1)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()


class ProcedureReturn(Table, tablename="procedure_return"):
    """A return for supplements (退回补正): the clock stops on returned_on and starts again from zero
    when the resubmission is accepted (resubmitted_on)."""

    procedure = ForeignKey(Procedure, null=False, on_delete=OnDelete.restrict, index=True)
    returned_on = Date()
    reason = Text()
    resubmitted_on = Date(null=True, default=None)
    recorded_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz()
