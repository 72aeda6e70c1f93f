"""Records that tell the truth, enforced by the database itself on SQLite and PostgreSQL alike:

- the audit trail is append-only: UPDATE, DELETE (and TRUNCATE on PostgreSQL) are refused;
- each project's stored stage is recomputed with the rule "last stage of the unbroken run of
  completed stages from signing" (it used to count a stage completed out of order).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-27T16:00:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "append-only audit trail, stages from the unbroken run of completed milestones"

SQLITE_TRIGGERS = (
    """
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END
""",
    """
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END
""",
)

POSTGRES_FUNCTION = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only';
END
$$ LANGUAGE plpgsql
"""

POSTGRES_TRIGGERS = (
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
)

# The lifecycle order at the time of this migration (the rule is inlined: a migration must not
# change meaning when the application's rules evolve).
STAGES = ("signed", "registered", "filed", "land", "permitted", "construction", "completed", "operating")


def unbroken_stage(rows: list[tuple[str, bool]]) -> str:
    complete: dict[str, bool] = {}
    for stage, done in rows:
        complete[stage] = complete.get(stage, True) and done
    reached = STAGES[0]
    for stage in STAGES:
        if stage not in complete:
            continue
        if not complete[stage]:
            break
        reached = stage
    return reached


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)

    async def run():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            for sql in SQLITE_TRIGGERS:
                await engine.run_ddl(sql)
        else:
            await engine.run_ddl(POSTGRES_FUNCTION)
            for sql in POSTGRES_TRIGGERS:
                await engine.run_ddl(sql)
        rows = await engine.run_ddl("SELECT project, stage, actual_on FROM milestone ORDER BY project, seq")
        by_project: dict[int, list[tuple[str, bool]]] = {}
        for r in rows:
            by_project.setdefault(r["project"], []).append((r["stage"], r["actual_on"] is not None))
        stored = {r["id"]: r["stage"] for r in await engine.run_ddl("SELECT id, stage FROM project")}
        for project_id, milestones in by_project.items():
            stage = unbroken_stage(milestones)
            if stored.get(project_id) != stage:
                await engine.run_ddl(f"UPDATE project SET stage = '{stage}' WHERE id = {int(project_id)}")

    async def undo():
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            await engine.run_ddl("DROP TRIGGER audit_event_no_update")
            await engine.run_ddl("DROP TRIGGER audit_event_no_delete")
        else:
            await engine.run_ddl("DROP TRIGGER audit_event_no_change ON audit_event")
            await engine.run_ddl("DROP TRIGGER audit_event_no_truncate ON audit_event")
            await engine.run_ddl("DROP FUNCTION audit_event_append_only()")

    manager.add_raw(run)
    manager.add_raw_backwards(undo)
    return manager
