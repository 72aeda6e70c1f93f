"""Each project's latest visit at all and at each level (visit_latest), so that the visit plan is
judged from one row per project rather than from every visit (issue 16: the dashboard's card took
110 ms of SQL at 10,000 projects)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Date, ForeignKey, Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-28T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "latest visit per project"

Project = type("Project", (Table,), {"id": Serial(null=False, primary_key=True, db_column_name="id")}, tablename="project")

BASE = {"primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree, "choices": None,
        "db_column_name": None, "secret": False}

COLUMNS = [
    ("project", ForeignKey, {**BASE, "references": Project, "on_delete": OnDelete.restrict, "on_update": OnUpdate.cascade,
                             "target_column": None, "null": False, "unique": True}),
    *[(name, Date, {**BASE, "default": None, "null": True}) for name in ("any_on", "officer_on", "district_on", "city_on")],
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)
    manager.add_table(class_name="VisitLatest", tablename="visit_latest", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="VisitLatest", tablename="visit_latest", column_name=name, db_column_name=name,
            column_class_name=column_class.__name__, column_class=column_class, params=params, schema=None,
        )
    return manager
