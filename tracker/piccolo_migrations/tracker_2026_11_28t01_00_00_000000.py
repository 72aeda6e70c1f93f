"""Visits to enterprises (回访) with who went and what was raised, and the monthly satisfaction
callback draw (its month unique: a month is drawn once) with its callbacks."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import Boolean, Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-28T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "visits and satisfaction callbacks"


def _stub(class_name: str, tablename: str) -> type[Table]:
    return type(class_name, (Table,), {"id": Serial(null=False, primary_key=True, db_column_name="id")}, tablename=tablename)


Department = _stub("Department", "department")
Enterprise = _stub("Enterprise", "enterprise")
Officer = _stub("Officer", "officer")
Project = _stub("Project", "project")
User = _stub("User", "tracker_user")
EnterpriseRequest = _stub("EnterpriseRequest", "enterprise_request")
Promise = _stub("Promise", "promise")
Visit = _stub("Visit", "visit")
CallbackDraw = _stub("CallbackDraw", "callback_draw")

BASE = {"primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree, "choices": None,
        "db_column_name": None, "secret": False}


def _fk(references, null: bool, index: bool = False) -> dict:
    return {**BASE, "references": references, "on_delete": OnDelete.restrict, "on_update": OnUpdate.cascade,
            "target_column": None, "null": null, "index": index}


def _date(null: bool = True, index: bool = False) -> dict:
    return {**BASE, "default": None, "null": null, "index": index}


COLUMNS = {
    ("Visit", "visit"): [
        ("project", ForeignKey, _fk(Project, False, True)),
        ("enterprise", ForeignKey, _fk(Enterprise, False, True)),
        ("visited_on", Date, _date(False, True)),
        ("mode", Varchar, {**BASE, "length": 20, "default": "on_site", "null": False}),
        ("summary", Text, {**BASE, "default": "", "null": False}),
        ("follow_up_on", Date, _date()),
        ("recorded_by", ForeignKey, _fk(User, True)),
        ("recorded_at", Timestamptz, {**BASE, "default": TimestamptzNow(), "null": False}),
        ("version", Integer, {**BASE, "default": 1, "null": False}),
    ],
    ("VisitOfficer", "visit_officer"): [
        ("visit", ForeignKey, _fk(Visit, False, True)),
        ("officer", ForeignKey, _fk(Officer, False, True)),
        ("level", Varchar, {**BASE, "length": 20, "default": "", "null": False}),
    ],
    ("VisitItem", "visit_item"): [
        ("visit", ForeignKey, _fk(Visit, False, True)),
        ("seq", Integer, {**BASE, "default": 0, "null": False}),
        ("text", Text, {**BASE, "default": "", "null": False}),
        ("request", ForeignKey, _fk(EnterpriseRequest, True)),
    ],
    ("CallbackDraw", "callback_draw"): [
        ("month", Varchar, {**BASE, "length": 7, "default": "", "null": False, "unique": True}),
        ("seed", Varchar, {**BASE, "length": 64, "default": "", "null": False}),
        ("sample_percent", Integer, {**BASE, "default": 0, "null": False}),
        ("eligible", Integer, {**BASE, "default": 0, "null": False}),
        ("sampled", Integer, {**BASE, "default": 0, "null": False}),
        ("drawn_by", ForeignKey, _fk(User, True)),
        ("drawn_at", Timestamptz, {**BASE, "default": TimestamptzNow(), "null": False}),
    ],
    ("Callback", "satisfaction_callback"): [
        ("draw", ForeignKey, _fk(CallbackDraw, False, True)),
        ("kind", Varchar, {**BASE, "length": 20, "default": "", "null": False}),
        ("request", ForeignKey, _fk(EnterpriseRequest, True, True)),
        ("promise", ForeignKey, _fk(Promise, True, True)),
        ("project", ForeignKey, _fk(Project, False, True)),
        ("department", ForeignKey, _fk(Department, True)),
        ("officer", ForeignKey, _fk(Officer, True)),
        ("lead_officer", ForeignKey, _fk(Officer, True)),
        ("assignee", ForeignKey, _fk(Officer, True, True)),
        ("reached", Boolean, {**BASE, "default": None, "null": True}),
        ("solved", Boolean, {**BASE, "default": None, "null": True}),
        ("satisfaction", Integer, {**BASE, "default": None, "null": True}),
        ("comment", Text, {**BASE, "default": "", "null": False}),
        ("caller", ForeignKey, _fk(Officer, True)),
        ("done_on", Date, _date()),
        ("recorded_by", ForeignKey, _fk(User, True)),
        ("version", Integer, {**BASE, "default": 1, "null": False}),
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
