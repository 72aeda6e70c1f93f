"""The working-day calendar as the app uses it: published years plus the days admins entered."""

from tracker.calendar.tables import CalendarDay
from tracker.workdays import WorkCalendar


async def load_calendar() -> WorkCalendar:
    rows = await CalendarDay.select(CalendarDay.day, CalendarDay.is_workday)
    return WorkCalendar({r["day"]: r["is_workday"] for r in rows})
