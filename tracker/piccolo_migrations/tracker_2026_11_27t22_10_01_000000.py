"""The read API's keys, on both engines: a token name is unique among the tokens not revoked (a
partial unique index), and reads are counted in one row per token and day (the upsert's key)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T22:10:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "api tokens: unique active name, one usage row per token and day"

INDEXES = (
    "CREATE UNIQUE INDEX api_token_active_name ON api_token (name) WHERE revoked_at IS NULL",
    "CREATE UNIQUE INDEX api_usage_token_day ON api_usage (token, day)",
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
            await engine.run_ddl(f"DROP INDEX {sql.split(' ON ')[0].split()[-1]}")

    manager.add_raw(run)
    manager.add_raw_backwards(undo)
    return manager
