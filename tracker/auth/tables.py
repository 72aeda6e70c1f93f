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


class UserSession(Table, tablename="user_session"):
    """A login on one browser. The signed cookie carries only a random key; the row decides
    whether the session is still valid, so logout, a password change, a deactivation or an
    admin's "end all sessions" end it at once on every app server."""

    key_hash = Varchar(length=64, unique=True)  # sha256 of the cookie's key
    user = ForeignKey(User, null=False, on_delete=OnDelete.restrict, index=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)
    ended_reason = Varchar(length=20, default="")  # logout | password | deactivated | ended_by_admin
    client = Varchar(length=64, default="")
    user_agent = Varchar(length=200, default="")


class LoginAttempt(Table, tablename="login_attempt"):
    """Every login attempt by username, known or not: the lockout counts these, so an unknown
    name and an existing one are treated alike."""

    username = Varchar(length=50, index=True)
    at = Timestamptz(index=True)
    # ok | wrong_password | unknown_user | inactive | locked (refused without checking)
    outcome = Varchar(length=20)
    client = Varchar(length=64, default="")
