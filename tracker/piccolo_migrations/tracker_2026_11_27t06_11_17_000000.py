"""Rules the database enforces itself, on SQLite and PostgreSQL alike:

- at most one active assignment per project and role (partial unique index);
- the first-signing department and leader never change after creation (trigger);
- every existing project gets its initial lead-officer and responsible-leader assignments.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T06:11:17:000000"
VERSION = "1.38.0"
DESCRIPTION = "one active lead per project, fixed first-signing fields"

ONE_ACTIVE = "CREATE UNIQUE INDEX assignment_one_active ON assignment (project, role) WHERE active"

BACKFILL = """
INSERT INTO assignment (project, role, officer, started_on, ended_on, active, started_by_handover)
SELECT id, 'lead_officer', lead_officer, signed_on, CAST(NULL AS DATE), {true}, CAST(NULL AS INTEGER) FROM project
UNION ALL
SELECT id, 'responsible_leader', responsible_leader, signed_on, CAST(NULL AS DATE), {true}, CAST(NULL AS INTEGER) FROM project
"""

SQLITE_TRIGGER = """
CREATE TRIGGER project_first_signing_fixed
BEFORE UPDATE OF first_signing_department, first_signing_leader ON project
WHEN NEW.first_signing_department IS NOT OLD.first_signing_department
  OR NEW.first_signing_leader IS NOT OLD.first_signing_leader
BEGIN
  SELECT RAISE(ABORT, 'first-signing department and leader are fixed at signing');
END
"""

POSTGRES_FUNCTION = """
CREATE FUNCTION project_first_signing_fixed() RETURNS trigger AS $$
BEGIN
  IF NEW.first_signing_department IS DISTINCT FROM OLD.first_signing_department
     OR NEW.first_signing_leader IS DISTINCT FROM OLD.first_signing_leader THEN
    RAISE EXCEPTION 'first-signing department and leader are fixed at signing';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql
"""

POSTGRES_TRIGGER = """
CREATE TRIGGER project_first_signing_fixed BEFORE UPDATE ON project
FOR EACH ROW EXECUTE FUNCTION project_first_signing_fixed()
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        sqlite = engine.engine_type == "sqlite"
        await engine.run_ddl(ONE_ACTIVE)
        await engine.run_ddl(BACKFILL.format(true="1" if sqlite else "TRUE"))
        if sqlite:
            await engine.run_ddl(SQLITE_TRIGGER)
        else:
            await engine.run_ddl(POSTGRES_FUNCTION)
            await engine.run_ddl(POSTGRES_TRIGGER)

    async def undo():
        engine = engine_finder()
        await engine.run_ddl("DROP INDEX assignment_one_active")
        await engine.run_ddl("DROP TRIGGER project_first_signing_fixed" + ("" if engine.engine_type == "sqlite" else " ON project"))
        if engine.engine_type != "sqlite":
            await engine.run_ddl("DROP FUNCTION project_first_signing_fixed()")
        await engine.run_ddl("DELETE FROM assignment")

    manager.add_raw(run)
    manager.add_raw_backwards(undo)
    return manager
