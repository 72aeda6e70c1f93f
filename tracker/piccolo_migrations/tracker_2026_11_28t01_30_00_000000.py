"""An index for counting the project list at 10,000 projects: the list counts projects not merged
into another, by status and often by colour. With only (status, stage) SQLite read every active
row to test merged_into (12.7 ms per count); with this covering index the count is 0.7 ms, and a
count by colour 0.02 ms."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T01:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "an index for the project list's count"

INDEXES = (
    ("project_listed", "CREATE INDEX project_listed ON project (status, merged_into, colour)"),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        for _name, sql in INDEXES:
            await engine.run_ddl(sql)
        await engine.run_ddl("ANALYZE")

    async def undo():
        engine = engine_finder()
        for name, _sql in INDEXES:
            await engine.run_ddl(f"DROP INDEX {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(undo)
    return manager
