"""Reminders, enforced and found by the database on SQLite and PostgreSQL alike:

- a notice exists once per rule, object, recipient and day (creating notices is insert-if-absent);
- a digest exists once per channel, recipient and day (an urgent batch once per its first notice);
- partial indexes find the notices waiting for each channel, a user's unread notices and the
  deliveries due for sending without reading the whole outbox.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T18:42:04:000000"
VERSION = "1.38.0"
DESCRIPTION = "reminders: unique notice and digest keys, partial indexes of the outbox"

INDEXES = (
    "CREATE UNIQUE INDEX notice_once ON notice (rule, object_kind, object_id, recipient, day)",
    "CREATE INDEX notice_day ON notice (day, rule)",
    'CREATE INDEX notice_user ON notice ("user", id)',
    'CREATE INDEX notice_unread ON notice ("user") WHERE read_at IS NULL AND superseded = FALSE',
    "CREATE INDEX notice_email_waiting ON notice (recipient) WHERE by_email = TRUE AND email_delivery IS NULL",
    "CREATE INDEX notice_webhook_waiting ON notice (recipient) WHERE by_webhook = TRUE AND webhook_delivery IS NULL",
    "CREATE INDEX notice_sms_waiting ON notice (recipient) WHERE by_sms = TRUE AND sms_delivery IS NULL",
    "CREATE INDEX notice_email_delivery ON notice (email_delivery) WHERE email_delivery IS NOT NULL",
    "CREATE INDEX notice_webhook_delivery ON notice (webhook_delivery) WHERE webhook_delivery IS NOT NULL",
    "CREATE INDEX notice_sms_delivery ON notice (sms_delivery) WHERE sms_delivery IS NOT NULL",
    "CREATE UNIQUE INDEX notice_delivery_once ON notice_delivery (channel, recipient, day, batch)",
    "CREATE INDEX notice_delivery_due ON notice_delivery (status, next_attempt_at)",
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for sql in INDEXES:
            await engine.run_ddl(sql)

    async def undo():
        engine = engine_finder()
        for sql in INDEXES:
            name = sql.split(" ON ")[0].split()[-1]
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(undo)
    return manager
