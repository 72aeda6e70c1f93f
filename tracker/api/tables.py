"""API tokens and their daily read counts."""

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Department


class ApiToken(Table, tablename="api_token"):
    # Unique among tokens not revoked (a partial unique index): `tracker token revoke NAME`.
    name = Varchar(length=80)
    # SHA-256 (hex) of the token; the token itself is shown once and never stored.
    token_hash = Varchar(length=64, unique=True)
    # The token's first characters, to tell tokens apart in the list.
    prefix = Varchar(length=12)
    # The read areas it opens, comma-separated (rules.SCOPES).
    scopes = Text()
    # Only this district's projects (and the figures of them), when set.
    district = ForeignKey(Department, null=True, default=None, on_delete=OnDelete.restrict)
    # Valid through this day (Asia/Shanghai), when set.
    expires_on = Date(null=True, default=None)
    created_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(User, null=True, default=None, on_delete=OnDelete.restrict)


class ApiUsage(Table, tablename="api_usage"):
    """Reads per token and day (one row each, counted with an upsert), and the last one's time."""

    token = ForeignKey(ApiToken, null=False, on_delete=OnDelete.restrict)
    day = Date()
    reads = Integer(default=0)
    last_at = Timestamptz()
