"""Indexes for the dashboard at 10,000 projects: milestones due in a window (soonest first, and
their counts) and the projects counted by stage."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T22:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes for the dashboard at scale"

INDEXES = (
    # Open milestones due between two dates (covering: no table read for the counts). It leads
    # with actual_on because SQLite otherwise picks the index on actual_on alone (every open
    # milestone, 160 ms for a count at 10,000 projects) over a range on planned_on.
    ("milestone_due", "CREATE INDEX milestone_due ON milestone (actual_on, planned_on, not_applicable, project)"),
    # Active projects by stage (the colour figures use project_status_colour_signed).
    ("project_status_stage", "CREATE INDEX project_status_stage ON project (status, stage)"),
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
