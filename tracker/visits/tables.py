"""Visits to enterprises (回访, 市区街三级领导联系企业): who went, how, what the enterprise raised."""

from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.org.tables import Enterprise, Officer
from tracker.projects.tables import Project
from tracker.requests.tables import EnterpriseRequest


class Visit(Table):
    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    # Copied from the project: the enterprise's visit history reads it directly.
    enterprise = ForeignKey(Enterprise, null=False, on_delete=OnDelete.restrict, index=True)
    visited_on = Date(index=True)
    mode = Varchar(length=20, default="on_site")  # on_site | phone
    summary = Text(default="")
    follow_up_on = Date(null=True, default=None)
    recorded_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz()
    version = Integer(default=1)


class VisitOfficer(Table, tablename="visit_officer"):
    """One person who went, with the level they visited at (recorded at the time: a later promotion
    does not rewrite which plan the visit counted for)."""

    visit = ForeignKey(Visit, null=False, on_delete=OnDelete.restrict, index=True)
    officer = ForeignKey(Officer, null=False, on_delete=OnDelete.restrict, index=True)
    level = Varchar(length=20)  # officer | district | city


class VisitItem(Table, tablename="visit_item"):
    """Something the enterprise raised during the visit; it may become an enterprise request."""

    visit = ForeignKey(Visit, null=False, on_delete=OnDelete.restrict, index=True)
    seq = Integer(default=0)
    text = Text()
    request = ForeignKey(EnterpriseRequest, null=True, on_delete=OnDelete.restrict)


class VisitLatest(Table, tablename="visit_latest"):
    """Per project, its latest visit at all and at each leader level: what the visit plan is judged
    on, kept so that the dashboard, the overdue list and the district figures read one row per
    project instead of aggregating every visit of every project on each view. Visits are
    append-only and recorded in one place (queries.create), which refreshes the project's row;
    a unique index keeps one row per project."""

    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, unique=True)
    any_on = Date(null=True, default=None)
    officer_on = Date(null=True, default=None)
    district_on = Date(null=True, default=None)
    city_on = Date(null=True, default=None)
