"""Enterprise requests (企业诉求): raised by an enterprise, answered by its lead officer first."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Department, Enterprise, Officer
from tracker.projects.tables import Project


class EnterpriseRequest(Table, tablename="enterprise_request"):
    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    # Copied from the project when raised: every enterprise-side query filters on it.
    enterprise = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict, index=True)
    category = Varchar(length=20, index=True)
    description = Text()
    # new | acknowledged | in_progress | closed | reopened
    status = Varchar(length=20, default="new", index=True)
    # The first responder (首问负责制): the project's lead officer when the request was raised.
    responder = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict, index=True)
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict, index=True)
    raised_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    raised_on_behalf = Boolean(default=False)
    raised_at = Timestamptz()
    raised_on = Date(index=True)
    # The current round (the first, or the latest reopening): its start, deadlines and answers.
    round_started_on = Date()
    ack_due_on = Date(index=True)
    answer_due_on = Date(index=True)
    acknowledged_on = Date(null=True, default=None)
    answered_on = Date(null=True, default=None)
    closed_on = Date(null=True, default=None)
    resolution = Text(default="")
    # The enterprise's word after closing: solved or not, satisfaction 1-5, a comment.
    solved = Boolean(null=True, default=None)
    satisfaction = Integer(null=True, default=None)
    feedback = Text(default="")
    reopen_count = Integer(default=0)
    escalated = Boolean(default=False, index=True)
    version = Integer(default=1)


class RequestEvent(Table, tablename="enterprise_request_event"):
    """The request's history, shown to both sides: raised, replies, dispatches, closing, feedback."""

    request = ForeignKey(EnterpriseRequest, null=False, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=20)
    text = Text(default="")
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)
    user = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    at = Timestamptz()


class Attachment(Table, tablename="enterprise_request_attachment"):
    """A file kept under the upload directory by a random name; the original name is only shown."""

    request = ForeignKey(EnterpriseRequest, null=False, on_delete=OnDelete.restrict, index=True)
    filename = Varchar(length=200)
    stored_name = Varchar(length=64, unique=True)
    content_type = Varchar(length=50)
    size = Integer()
    uploaded_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    uploaded_at = Timestamptz()
