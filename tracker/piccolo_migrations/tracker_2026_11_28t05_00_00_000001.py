"""Fill visit_latest from the visits already recorded (a separate migration: raw SQL runs before
the tables of its own migration are created)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-28T05:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "latest visit per project: fill"

FILL = (
    "INSERT INTO visit_latest (project, any_on, officer_on, district_on, city_on) "
    "SELECT visit.project, MAX(visit.visited_on), "
    "MAX(CASE WHEN visit_officer.level = 'officer' THEN visit.visited_on END), "
    "MAX(CASE WHEN visit_officer.level = 'district' THEN visit.visited_on END), "
    "MAX(CASE WHEN visit_officer.level = 'city' THEN visit.visited_on END) "
    "FROM visit LEFT JOIN visit_officer ON visit_officer.visit = visit.id GROUP BY visit.project"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl(FILL)

    async def undo():
        await engine_finder().run_ddl("DELETE FROM visit_latest")

    manager.add_raw(run)
    manager.add_raw_backwards(undo)
    return manager
