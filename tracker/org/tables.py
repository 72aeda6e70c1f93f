"""Departments, officers and enterprises."""

from piccolo.columns import Boolean, ForeignKey, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

# bureau: the city investment-promotion bureau; approval: the other city departments (发改委,
# 自然资源和规划局, 税务局 …); introducing: a unit that only brings projects in (a chamber of
# commerce, an investment agency).
DEPARTMENT_KINDS = ("bureau", "approval", "district", "park", "utility", "introducing")


class Department(Table):
    """A government unit: the bureau, a district, a park, an approval department or a utility."""

    name = Varchar(length=100, unique=True)
    kind = Varchar(length=20, choices=None, index=True)
    # A park belongs to its district.
    parent = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    active = Boolean(default=True)


class Officer(Table):
    """A government official. is_leader marks those who can be a responsible leader (包保领导)."""

    name = Varchar(length=50)
    department = ForeignKey(Department, null=False, on_delete=OnDelete.restrict)
    title = Varchar(length=50, default="")
    phone = Varchar(length=30, default="")
    email = Varchar(length=100, default="")
    is_leader = Boolean(default=False, index=True)
    active = Boolean(default=True)


class Enterprise(Table):
    """An investing enterprise, identified by its unified social credit code."""

    name = Varchar(length=150, index=True)
    credit_code = Varchar(length=18, unique=True)
    contact_name = Varchar(length=50, default="")
    contact_phone = Varchar(length=30, default="")
    address = Varchar(length=200, default="")
