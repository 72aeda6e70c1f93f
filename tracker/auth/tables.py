"""Users and their roles."""

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.org.tables import Enterprise, Officer


class User(Table, tablename="tracker_user"):
    """A login. Staff users link to their Officer; enterprise users to their Enterprise."""

    username = Varchar(length=50, unique=True)
    password_hash = Varchar(length=200)
    role = Varchar(length=20, index=True)
    display_name = Varchar(length=50, default="")
    officer = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict)
    enterprise = ForeignKey(Enterprise, null=True, on_delete=OnDelete.restrict)
    active = Boolean(default=True)
    failed_logins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    must_change_password = Boolean(default=False)
