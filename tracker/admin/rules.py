"""Rules for the bureau's own people and organisation, as pure functions (no I/O).

Each returns an English message id (translated where it is shown) or None when the input is fine,
so the pages and the command line refuse the same things with the same words.
"""

from __future__ import annotations

import re

from tracker.i18n import N_

try:  # installed with the web stack; without it a strict pattern does the job
    from email_validator import EmailNotValidError, validate_email
except ImportError:  # pragma: no cover - depends on the environment
    validate_email = None

# A park sits in a district; no other kind has a parent.
PARENT_KIND = {"park": "district"}
STAFF_ROLES = ("admin", "coordinator", "officer", "leader")

_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area code: 010 or 02x (three digits), or 03xx–09xx (four); local number of 7 or 8 digits;
# an optional extension after a second dash.
_LANDLINE = re.compile(r"(010|02\d|0[3-9]\d{2})-[2-9]\d{6,7}(-\d{1,6})?")
_USERNAME = re.compile(r"[A-Za-z0-9._-]+")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def tidy(text: str) -> str:
    """A name as stored: no leading, trailing or repeated spaces (full-width spaces included)."""
    return " ".join(text.split())


def name_key(name: str) -> str:
    """What two department names are compared by: case and spacing do not make a new name."""
    return tidy(name).casefold()


def duplicate_name_error(name: str, other_names: list[str]) -> str | None:
    """other_names: the names of every other department, active or not."""
    if name_key(name) in {name_key(n) for n in other_names}:
        return N_("A department with this name exists already.")
    return None


def parent_error(kind: str, parent_kind: str | None) -> str | None:
    """A park needs a district as parent; other kinds have none. parent_kind: None without parent."""
    wanted = PARENT_KIND.get(kind)
    if wanted is None:
        return N_("Only a park has a parent department.") if parent_kind is not None else None
    if parent_kind is None:
        return N_("Choose the district this park belongs to.")
    if parent_kind != wanted:
        return N_("A park's parent must be a district.")
    return None


def kind_change_error(old_kind: str, new_kind: str, parks_under_it: int, projects_placed_in_it: int) -> str | None:
    """A district keeps its kind while parks sit in it; a district or park keeps it while projects
    are placed in it (their location would point at something that is not a place)."""
    if old_kind == new_kind:
        return None
    if old_kind == "district" and parks_under_it:
        return N_("Parks belong to this district: it stays a district.")
    if old_kind in ("district", "park") and projects_placed_in_it:
        return N_("Projects are located here: the kind cannot change.")
    return None


def phone_error(phone: str) -> str | None:
    """A mainland mobile number (13912345678) or a landline with its area code (0451-86668888,
    optionally -123 for an extension). Empty is allowed: the field is optional."""
    if not phone or _MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone):
        return None
    return N_("Enter a mobile number (11 digits) or a landline with its area code, such as 0451-86668888.")


def normalise_phone(phone: str) -> str:
    """Spaces people type inside numbers are dropped: "139 1234 5678" is 13912345678."""
    return "".join(phone.split())


def email_error(email: str) -> str | None:
    """An e-mail address of valid form (deliverability is not checked). Empty is allowed."""
    if not email:
        return None
    if validate_email is not None:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            return N_("Enter a valid e-mail address.")
        return None
    return None if _EMAIL.fullmatch(email) else N_("Enter a valid e-mail address.")


def username_error(username: str) -> str | None:
    if not _USERNAME.fullmatch(username):
        return N_("Use letters, digits, dots, dashes and underscores only.")
    return None


# Project roles whose holder must be a leader, or must work for a department of the project
# (the district or park level, the introducing-unit level: see liaison.rules.eligibility_error).
LEADER_ROLES = ("responsible_leader",)
DEPARTMENT_ROLES = ("area_leader", "unit_leader")


def leader_flag_error(was_leader: bool, is_leader: bool, roles_held: list[str]) -> str | None:
    """Only a leader may answer for a project as its responsible leader: the flag stays while
    the officer holds that role somewhere (the departure flow hands it over first)."""
    if was_leader and not is_leader and any(role in LEADER_ROLES for role in roles_held):
        return N_("This officer answers for projects as their leader: hand those over first.")
    return None


def department_change_error(old_department: int, new_department: int | None, roles_held: list[str]) -> str | None:
    """An officer answering for projects on behalf of their district, park or introducing unit
    keeps that department until those projects are handed over."""
    if new_department is not None and new_department != old_department and any(role in DEPARTMENT_ROLES for role in roles_held):
        return N_("This officer answers for projects on behalf of this department: hand those over first.")
    return None


def officer_link_error(role: str, officer_id: int | None) -> str | None:
    """An officer's login must say which officer it is (their projects follow from it)."""
    if role == "officer" and officer_id is None:
        return N_("A user with the officer role must be linked to an officer.")
    return None


def removes_last_admin(role_before: str, active_before: bool, role_after: str, active_after: bool, other_active_admins: int) -> bool:
    """True when the change leaves no active administrator: nobody could then manage users."""
    was_admin = role_before == "admin" and active_before
    is_admin = role_after == "admin" and active_after
    return was_admin and not is_admin and other_active_admins == 0


LAST_ADMIN_MESSAGE = N_("This is the last active administrator: make another user an administrator first.")


def form_value(value: object) -> str:
    """How a stored value travels in a hidden form field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def form_values(row: dict, fields: tuple[str, ...]) -> dict[str, str]:
    return {name: form_value(row.get(name)) for name in fields}


def changed_fields(before: dict[str, str], current: dict) -> list[str]:
    """The fields whose value when the form was built (before, as posted back) differs from the
    row now. Departments and officers have no version column: these values are their lock."""
    return [name for name in before if before[name] != form_value(current.get(name))]


def before_after(before: dict | None, after: dict) -> dict:
    """Flat audit changes: "name_before"/"name_after" for each changed field; a new row (no
    before) has only the "_after" values."""
    if before is None:
        return {f"{name}_after": value for name, value in after.items()}
    changes = {}
    for name, value in after.items():
        if before.get(name) != value:
            changes[f"{name}_before"] = before.get(name)
            changes[f"{name}_after"] = value
    return changes
