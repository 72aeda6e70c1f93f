"""Investment plan and completion: one plan per project and year, one completed-investment report
per project and month (万元). Their unique keys are in the next migration (Piccolo runs a
migration's raw SQL before its new tables)."""

from decimal import Decimal

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Integer, Numeric, Serial, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-28T01:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "investment plan and completion"


def _stub(class_name: str, tablename: str) -> type[Table]:
    return type(class_name, (Table,), {"id": Serial(null=False, primary_key=True, db_column_name="id")}, tablename=tablename)


Project = _stub("Project", "project")
User = _stub("User", "tracker_user")

BASE = {"primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree, "choices": None,
        "db_column_name": None, "secret": False}


def _fk(references, null: bool, index: bool = False) -> dict:
    return {**BASE, "references": references, "on_delete": OnDelete.restrict, "on_update": OnUpdate.cascade,
            "target_column": None, "null": null, "index": index}


def _columns(monthly: bool) -> list:
    return [
        ("project", ForeignKey, _fk(Project, False, index=True)),
        ("year", Integer, {**BASE, "default": 0, "null": False}),
        *([("month", Integer, {**BASE, "default": 0, "null": False})] if monthly else []),
        ("amount", Numeric, {**BASE, "default": Decimal(0), "digits": (14, 2), "null": False}),
        ("note", Text, {**BASE, "default": "", "null": False}),
        ("version", Integer, {**BASE, "default": 1, "null": False}),
        ("updated_by", ForeignKey, _fk(User, True)),
        ("updated_at", Timestamptz, {**BASE, "default": TimestamptzNow(), "null": False}),
    ]


COLUMNS = {
    ("InvestmentPlan", "investment_plan"): _columns(monthly=False),
    ("InvestmentCompletion", "investment_completion"): _columns(monthly=True),
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
