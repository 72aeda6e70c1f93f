"""Lookups of the organisation shared by the forms of several areas."""

from tracker.org.tables import Department


async def active_departments() -> list[dict]:
    """Active departments by name, for the department choices on forms."""
    return await Department.select(Department.id, Department.name).where(Department.active == True).order_by(Department.name)  # noqa: E712
