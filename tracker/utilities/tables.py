"""Utility connections (水电气热, plus network): one row per project and utility."""

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Department
from tracker.projects.tables import Project


class Connection(Table, tablename="utility_connection"):
    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    utility = Varchar(length=20, index=True)  # water | electricity | gas | heat | network
    provider = ForeignKey(Department, null=False, on_delete=OnDelete.restrict, index=True)
    applied_on = Date()
    surveyed_on = Date(null=True, default=None)
    connected_on = Date(null=True, default=None)
    note = Text(default="")
    version = Integer(default=1)
    created_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
