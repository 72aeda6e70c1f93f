"""Lookups of the organisation shared by the forms of several areas."""

from tracker.org.tables import Department, Officer


async def active_departments() -> list[dict]:
    """Active departments by name, for the department choices on forms."""
    return await Department.select(Department.id, Department.name).where(Department.active == True).order_by(Department.name)  # noqa: E712


async def officer_choices(leaders: bool | None = None) -> list[dict]:
    """Active officers by department and name, for the officer choices on forms (leaders only, or
    non-leaders only, when asked)."""
    query = Officer.select(Officer.id, Officer.name, Officer.department.name.as_alias("department_name"), Officer.is_leader,
                           Officer.department.as_alias("department")).where(Officer.active == True)  # noqa: E712
    if leaders is not None:
        query = query.where(Officer.is_leader == leaders)
    return await query.order_by(Officer.department.name).order_by(Officer.name)
