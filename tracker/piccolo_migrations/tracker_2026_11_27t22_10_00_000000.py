"""The read API: tokens (stored hashed) and the reads per token and day. Its unique keys are in the
next migration (Piccolo runs a migration's raw SQL before its new tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-27T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "api tokens and their daily reads"


def _stub(class_name: str, tablename: str) -> type[Table]:
    return type(class_name, (Table,), {"id": Serial(null=False, primary_key=True, db_column_name="id")}, tablename=tablename)


Department = _stub("Department", "department")
User = _stub("User", "tracker_user")
ApiToken = _stub("ApiToken", "api_token")

BASE = {"primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree, "choices": None,
        "db_column_name": None, "secret": False}


def _fk(references, null: bool) -> dict:
    return {**BASE, "references": references, "on_delete": OnDelete.restrict, "on_update": OnUpdate.cascade,
            "target_column": None, "null": null}


COLUMNS = {
    ("ApiToken", "api_token"): [
        ("name", Varchar, {**BASE, "length": 80, "default": "", "null": False}),
        ("token_hash", Varchar, {**BASE, "length": 64, "default": "", "null": False, "unique": True}),
        ("prefix", Varchar, {**BASE, "length": 12, "default": "", "null": False}),
        ("scopes", Text, {**BASE, "default": "", "null": False}),
        ("district", ForeignKey, _fk(Department, True)),
        ("expires_on", Date, {**BASE, "default": None, "null": True}),
        ("created_by", ForeignKey, _fk(User, True)),
        ("created_at", Timestamptz, {**BASE, "default": TimestamptzNow(), "null": False}),
        ("revoked_at", Timestamptz, {**BASE, "default": None, "null": True}),
        ("revoked_by", ForeignKey, _fk(User, True)),
    ],
    ("ApiUsage", "api_usage"): [
        ("token", ForeignKey, _fk(ApiToken, False)),
        ("day", Date, {**BASE, "default": None, "null": False}),
        ("reads", Integer, {**BASE, "default": 0, "null": False}),
        ("last_at", Timestamptz, {**BASE, "default": TimestamptzNow(), "null": False}),
    ],
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="tracker", description=DESCRIPTION)
    for (class_name, tablename), columns in COLUMNS.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=name, db_column_name=name,
                column_class_name=column_class.__name__, column_class=column_class, params=params, schema=None,
            )
    return manager
