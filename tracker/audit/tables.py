from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User


class AuditEvent(Table):
    """Who did what to which object, and what changed; written in the same transaction."""

    at = Timestamptz(index=True)
    user = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    action = Varchar(length=50)
    entity = Varchar(length=50, index=True)
    entity_id = Integer(index=True)
    changes = JSON(default="{}")
