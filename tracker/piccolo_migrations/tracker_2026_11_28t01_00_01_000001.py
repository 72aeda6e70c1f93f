"""Investment plan and completion, on both engines: one plan per project and year, one report per
project and month; the figures read a year (and its months) for every project."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T01:00:01:000001"
VERSION = "1.38.0"
DESCRIPTION = "investment plan and completion: unique keys"

INDEXES = (
    "CREATE UNIQUE INDEX investment_plan_project_year ON investment_plan (project, year)",
    "CREATE UNIQUE INDEX investment_completion_project_month ON investment_completion (project, year, month)",
    "CREATE INDEX investment_plan_year ON investment_plan (year, project)",
    "CREATE INDEX investment_completion_year ON investment_completion (year, month, project)",
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
