from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User


class AuditEvent(Table):
    """Who did what to which object, and what changed; written in the same transaction.
    Append-only: the database refuses UPDATE and DELETE on it (triggers on both engines)."""

    at = Timestamptz(index=True)
    user = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    action = Varchar(length=50)
    entity = Varchar(length=50, index=True)
    entity_id = Integer(index=True)
    changes = JSON(default="{}")
    # The project the event concerns, when it concerns one (for a project's own history).
    project = Integer(null=True, default=None, index=True)
    # The client address of the request that caused it ("" for the command line).
    client = Varchar(length=64, default="")
