from piccolo.columns import Boolean, Date, Varchar
from piccolo.table import Table


class CalendarDay(Table):
    """An admin-entered day: a holiday (is_workday false) or a make-up working day (true)."""

    day = Date(unique=True)
    is_workday = Boolean()
    note = Varchar(length=100, default="")
