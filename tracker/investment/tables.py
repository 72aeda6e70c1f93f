"""A project's annual investment plan and its monthly completed investment (完成投资, as reported),
both in 万元. One plan per project and year, one report per project and month (unique indexes in
the migration); the year to date is the sum of the year's months."""

from piccolo.columns import ForeignKey, Integer, Numeric, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from tracker.auth.tables import User
from tracker.projects.tables import Project


class InvestmentPlan(Table, tablename="investment_plan"):
    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    year = Integer()
    amount = Numeric(digits=(14, 2))  # 万元
    note = Text(default="")
    version = Integer(default=1)
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    updated_at = Timestamptz()


class InvestmentCompletion(Table, tablename="investment_completion"):
    project = ForeignKey(Project, null=False, on_delete=OnDelete.restrict, index=True)
    year = Integer()
    month = Integer()  # 1-12
    amount = Numeric(digits=(14, 2))  # 万元 completed in that month
    note = Text(default="")
    version = Integer(default=1)
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.restrict)
    updated_at = Timestamptz()
