"""Reminders (DESIGN §3 "Reminders"): the outbox of notices, the deliveries that carry them on
each channel, every delivery attempt, and each user's choice of channels."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Officer
from tracker.projects.tables import Project


class Notice(Table):
    """One fact for one person on one day: who, which object, why (the rule), which day.

    The database keeps at most one row per (rule, object_kind, object_id, recipient, day) (a unique
    index in the migration), so creating notices is idempotent: a second pass inserts nothing.
    A person with a login sees the row in the app (the bell, /notices); each outside channel the
    person chose at creation time (by_email, by_webhook, by_sms) carries it once, in the
    delivery whose id the row then records.
    """

    rule = Varchar(length=30)
    object_kind = Varchar(length=20)
    object_id = Integer()
    # "user:<id>" for a person with a login, "officer:<id>" for an officer without one (e-mail only).
    recipient = Varchar(length=30)
    user = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    officer = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict)
    # The day of the fact: today for a standing condition (overdue, waiting), the event's day for
    # an event (a request answered, a milestone completed).
    day = Date()
    project = ForeignKey(Project, null=True, on_delete=OnDelete.restrict)
    # An escalation seen for the first time goes at once instead of waiting for the daily digest.
    urgent = Boolean(default=False)
    # What the message says (names, dates, working days), rendered in the reader's language.
    params = JSON(default="{}")
    link = Varchar(length=200, default="")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
    # The same reminder came again on a later day: the older copy no longer counts as unread.
    superseded = Boolean(default=False)
    by_email = Boolean(default=False)
    by_webhook = Boolean(default=False)
    by_sms = Boolean(default=False)
    # The delivery that carries (or carried) the notice on each channel; None while it waits.
    email_delivery = Integer(null=True, default=None)
    webhook_delivery = Integer(null=True, default=None)
    sms_delivery = Integer(null=True, default=None)


class Delivery(Table, tablename="notice_delivery"):
    """One message on one channel to one person: the day's digest, or an urgent batch.

    At most one digest per channel, person and day (a unique index on channel, recipient, day,
    batch). Senders claim pending rows (FOR UPDATE SKIP LOCKED on PostgreSQL, the single writer
    on SQLite), so several app servers never send one twice.
    """

    channel = Varchar(length=10)  # email | webhook | sms
    recipient = Varchar(length=30)
    user = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    officer = ForeignKey(Officer, null=True, on_delete=OnDelete.restrict)
    # The e-mail address or phone number at the time (the webhook's group is configuration).
    address = Varchar(length=200, default="")
    name = Varchar(length=50, default="")
    language = Varchar(length=5, default="zh")
    day = Date()
    batch = Varchar(length=30)  # "digest", or "urgent-<first notice id>"
    urgent = Boolean(default=False)
    notices = Integer(default=0)
    # pending -> sending (claimed) -> sent | failed; "logged" when the SMS adapter only logs.
    status = Varchar(length=10, default="pending")
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz()
    claimed_by = Varchar(length=80, default="")
    # A claim older than this is taken as a crashed sender's and may be claimed again.
    claimed_until = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    subject = Varchar(length=200, default="")
    created_at = Timestamptz()


class DeliveryAttempt(Table, tablename="notice_attempt"):
    """Each try to hand a delivery to its channel, with the error when it failed."""

    delivery = ForeignKey(Delivery, null=False, on_delete=OnDelete.restrict, index=True)
    at = Timestamptz()
    ok = Boolean()
    error = Text(default="")
    worker = Varchar(length=80, default="")
    milliseconds = Integer(default=0)


class NoticePreference(Table, tablename="notice_preference"):
    """A user's channels; a user without a row gets the default channels (a setting)."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.restrict, unique=True)
    email = Boolean(default=True)
    webhook = Boolean(default=False)
    sms = Boolean(default=False)
    # Blank: the linked officer's e-mail address or phone.
    email_address = Varchar(length=100, default="")
    phone = Varchar(length=30, default="")
    language = Varchar(length=5, default="zh")
    updated_at = Timestamptz()
