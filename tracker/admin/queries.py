"""Reads and writes of the administration pages and the set-up commands.

Writes run inside the caller's write_transaction(). Checks that need the database add their
messages to the same Form as the field parsing, so a page shows every problem at once and the
command line refuses exactly what the page refuses.
"""

from __future__ import annotations

import functools
import operator
import secrets
from datetime import UTC, datetime

from piccolo.columns.combination import WhereRaw
from piccolo.query.methods.select import Count

from tracker.admin import rules
from tracker.audit.record import audit
from tracker.auth import sessions
from tracker.auth.passwords import hash_password
from tracker.auth.tables import User, UserSession
from tracker.db import Conflict, is_sqlite
from tracker.i18n import N_
from tracker.liaison import queries as liaison
from tracker.org.tables import DEPARTMENT_KINDS, Department, Officer
from tracker.projects.tables import Project
from tracker.promises.rules import OPEN_STATUSES
from tracker.promises.tables import Promise
from tracker.settings import today
from tracker.web import Form

OPEN_PROJECT_STATUSES = ("active", "paused")
# The project columns that point at a department, in the order the page names them.
PROJECT_PLACES = ("district", "park", "introducing_unit", "first_signing_department")
DEPARTMENT_FIELDS = ("name", "kind", "parent")
OFFICER_FIELDS = ("name", "title", "department", "phone", "email", "is_leader")


class Refused(Exception):
    """A change the rules refuse: args are (field, message id)."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)
        self.field = field
        self.message = message


def for_update(query, table=None):
    """Lock the selected rows (of `table`, when the query joins others) until the transaction
    ends, on PostgreSQL. SQLite needs no row lock: its write transactions take the whole database
    up front."""
    if is_sqlite():
        return query
    return query.lock_rows(of=(table,)) if table else query.lock_rows()


def one_time_password() -> tuple[str, str]:
    """A new one-time password and its hash. Hash it before the write transaction: argon2 takes
    a noticeable time, and SQLite's write lock is held for the whole transaction."""
    password = secrets.token_urlsafe(12)
    return password, hash_password(password)


# --- departments ---------------------------------------------------------------------------


def read_department(form: Form) -> dict:
    return {
        "name": rules.tidy(form.text("name", max_length=100)),
        "kind": form.choice("kind", DEPARTMENT_KINDS),
        "parent": form.integer("parent", required=False),
    }


async def department(department_id: int, lock: bool = False) -> dict | None:
    query = Department.select().where(Department.id == department_id)
    return await (for_update(query) if lock else query).first()


async def department_names() -> dict[int, str]:
    return {d["id"]: d["name"] for d in await Department.select(Department.id, Department.name)}


async def open_project_counts() -> dict[int, int]:
    """Open (active or paused) projects pointing at each department in any of their places,
    each project counted once per department."""
    table = Project._meta.tablename
    statuses = ", ".join(f"'{s}'" for s in OPEN_PROJECT_STATUSES)
    pointing = " UNION ".join(
        f"SELECT id, {column} AS department FROM {table} WHERE status IN ({statuses}) AND {column} IS NOT NULL"
        for column in PROJECT_PLACES
    )
    rows = await Project.raw(f"SELECT department, COUNT(*) AS n FROM ({pointing}) AS pointing GROUP BY department")
    return {r["department"]: r["n"] for r in rows}


async def open_promise_counts() -> dict[int, int]:
    rows = await Promise.select(Promise.department, Count(Promise.id).as_alias("n")).where(
        Promise.status.is_in(list(OPEN_STATUSES))
    ).group_by(Promise.department)
    return {r["department"]: r["n"] for r in rows}


async def departments() -> list[dict]:
    """Every department, active first, by kind and name, with what still points at it."""
    rows = await Department.select(*Department.all_columns(), Department.parent.name.as_alias("parent_name"))
    projects, promises = await open_project_counts(), await open_promise_counts()
    for d in rows:
        d["open_projects"] = projects.get(d["id"], 0)
        d["open_promises"] = promises.get(d["id"], 0)
    return sorted(rows, key=lambda d: (not d["active"], DEPARTMENT_KINDS.index(d["kind"]) if d["kind"] in DEPARTMENT_KINDS else 99, d["name"]))


async def district_choices(department: dict | None = None) -> list[dict]:
    """A park's possible parents: active districts, and the department's current parent whatever
    its state; never the department itself."""
    rows = await Department.select(Department.id, Department.name, Department.active).where(Department.kind == "district").order_by(Department.name)
    if department is None:
        return [d for d in rows if d["active"]]
    return [d for d in rows if (d["active"] or d["id"] == department["parent"]) and d["id"] != department["id"]]


async def pointing_at(department_id: int) -> dict:
    """What points at a department: open projects (with the places it holds in each), open
    promises, active parks under it and active officers in it."""
    in_any_place = functools.reduce(operator.or_, (getattr(Project, column) == department_id for column in PROJECT_PLACES))
    projects = await Project.select(Project.id, Project.name, Project.status, *(getattr(Project, c) for c in PROJECT_PLACES)).where(
        Project.status.is_in(list(OPEN_PROJECT_STATUSES)), in_any_place
    ).order_by(Project.name)
    for p in projects:
        p["places"] = [column for column in PROJECT_PLACES if p[column] == department_id]
    promises = await Promise.select(
        Promise.id, Promise.content, Promise.status, Promise.due_on, Promise.project, Promise.project.name.as_alias("project_name")
    ).where(Promise.department == department_id, Promise.status.is_in(list(OPEN_STATUSES))).order_by(Promise.due_on)
    parks = await Department.select(Department.id, Department.name).where(
        Department.parent == department_id, Department.active == True  # noqa: E712
    ).order_by(Department.name)
    officers = await Officer.select(Officer.id, Officer.name, Officer.title).where(
        Officer.department == department_id, Officer.active == True  # noqa: E712
    ).order_by(Officer.name)
    return {"projects": projects, "promises": promises, "parks": parks, "officers": officers}


async def check_department(form: Form, values: dict, department_id: int | None = None) -> None:
    """The rules that need the other departments: a unique name, a fitting parent, a kind that
    can change."""
    others = {d["id"]: d for d in await Department.select(
        Department.id, Department.name, Department.kind, Department.parent, Department.active
    )}
    current = others.pop(department_id, None)
    if values["name"] and (error := rules.duplicate_name_error(values["name"], [d["name"] for d in others.values()])):
        form.error("name", error)
    parent = others.get(values["parent"]) if values["parent"] is not None else None
    keeps_parent = current is not None and values["parent"] == current["parent"]
    if values["parent"] is not None and (parent is None or not (parent["active"] or keeps_parent)):
        form.error("parent", N_("This choice is not valid."))
    elif values["kind"] and (error := rules.parent_error(values["kind"], parent["kind"] if parent else None)):
        form.error("parent", error)
    if current is not None and values["kind"] and values["kind"] != current["kind"]:
        parks = await Department.count().where(Department.parent == department_id)
        placed = await Project.count().where((Project.district == department_id) | (Project.park == department_id))
        if error := rules.kind_change_error(current["kind"], values["kind"], parks, placed):
            form.error("kind", error)


async def create_department(values: dict, user_id: int | None) -> int:
    row = await Department.insert(Department(name=values["name"], kind=values["kind"], parent=values["parent"])).returning(Department.id)
    department_id = row[0]["id"]
    await audit(user_id, "create", "department", department_id, rules.before_after(None, values))
    return department_id


async def update_department(department_id: int, values: dict, before: dict[str, str], form: Form, user_id: int) -> None:
    """Save the edit, or raise Conflict when the row changed since the form was built, or leave
    the messages in `form` and change nothing."""
    current = await department(department_id, lock=True)
    if rules.changed_fields(before, current):
        raise Conflict()
    await check_department(form, values, department_id)
    if not form.ok:
        return
    await Department.update({Department.name: values["name"], Department.kind: values["kind"], Department.parent: values["parent"]}).where(
        Department.id == department_id
    )
    await audit(user_id, "update", "department", department_id, rules.before_after({f: current[f] for f in DEPARTMENT_FIELDS}, values))


async def deactivate_department(department_id: int, user_id: int) -> dict | None:
    """Deactivate a department nothing open points at; otherwise return what still does."""
    current = await department(department_id, lock=True)
    if not current["active"]:
        return None
    pointing = await pointing_at(department_id)
    if pointing["projects"] or pointing["promises"] or pointing["parks"]:
        return pointing
    await Department.update({Department.active: False}).where(Department.id == department_id)
    await audit(user_id, "deactivate", "department", department_id, {"active_before": True, "active_after": False})
    return None


async def reactivate_department(department_id: int, user_id: int) -> None:
    current = await department(department_id, lock=True)
    if current["active"]:
        return
    await Department.update({Department.active: True}).where(Department.id == department_id)
    await audit(user_id, "reactivate", "department", department_id, {"active_before": False, "active_after": True})


async def department_by_name(name: str) -> dict | None:
    """For the command line: the department whatever its case and spacing."""
    key = rules.name_key(name)
    return next((d for d in await Department.select() if rules.name_key(d["name"]) == key), None)


# --- officers ------------------------------------------------------------------------------


def read_officer(form: Form) -> dict:
    phone = rules.normalise_phone(form.text("phone", required=False, max_length=30))
    if error := rules.phone_error(phone):
        form.error("phone", error)
    email = form.text("email", required=False, max_length=100)
    if error := rules.email_error(email):
        form.error("email", error)
    return {
        "name": rules.tidy(form.text("name", max_length=50)),
        "title": rules.tidy(form.text("title", required=False, max_length=50)),
        "department": form.integer("department"),
        "phone": phone,
        "email": email,
        "is_leader": form.boolean("is_leader"),
    }


async def officer(officer_id: int, lock: bool = False) -> dict | None:
    query = Officer.select(*Officer.all_columns(), Officer.department.name.as_alias("department_name")).where(Officer.id == officer_id)
    return await (for_update(query, Officer) if lock else query).first()


async def officers() -> list[dict]:
    """Every officer, active first, with the projects each leads and the login linked to them."""
    rows = await Officer.select(*Officer.all_columns(), Officer.department.name.as_alias("department_name")).order_by(
        Officer.active, ascending=False
    ).order_by(Officer.department.name).order_by(Officer.name)
    loads = await liaison.workloads()
    logins = await linked_users()
    for o in rows:
        o["workload"] = loads.get(o["id"], 0)
        o["login"] = logins.get(o["id"])
    return rows


async def linked_users() -> dict[int, str]:
    """Officer id -> the username of the active login linked to that officer."""
    rows = await User.select(User.officer, User.username).where(User.officer.is_not_null(), User.active == True)  # noqa: E712
    return {r["officer"]: r["username"] for r in rows}


async def officer_names() -> dict[int, str]:
    return {o["id"]: o["name"] for o in await Officer.select(Officer.id, Officer.name)}


async def department_choices(keep: int | None = None) -> list[dict]:
    """Active departments (and an officer's current one, even if inactive) for the officer form."""
    rows = await Department.select(Department.id, Department.name, Department.kind, Department.active).order_by(Department.name)
    return [d for d in rows if d["active"] or d["id"] == keep]


async def check_officer(form: Form, values: dict, officer_id: int | None = None) -> None:
    current = await officer(officer_id) if officer_id is not None else None
    if values["department"] is not None:
        row = await Department.select(Department.active).where(Department.id == values["department"]).first()
        keeps = current is not None and current["department"] == values["department"]
        if row is None or not (row["active"] or keeps):
            form.error("department", N_("This choice is not valid."))
    if current is not None:
        roles = [a["role"] for a in await liaison.led_projects(officer_id)]
        if error := rules.leader_flag_error(current["is_leader"], values["is_leader"], roles):
            form.error("is_leader", error)
        if error := rules.department_change_error(current["department"], values["department"], roles):
            form.error("department", error)


async def create_officer(values: dict, user_id: int | None) -> int:
    row = await Officer.insert(Officer(**values)).returning(Officer.id)
    officer_id = row[0]["id"]
    await audit(user_id, "create", "officer", officer_id, rules.before_after(None, values))
    return officer_id


async def update_officer(officer_id: int, values: dict, before: dict[str, str], form: Form, user_id: int) -> None:
    """Save the edit, or raise Conflict, or leave the messages in `form` (as for departments)."""
    current = await officer(officer_id, lock=True)
    if rules.changed_fields(before, current):
        raise Conflict()
    await check_officer(form, values, officer_id)
    if not form.ok:
        return
    await Officer.update({getattr(Officer, f): values[f] for f in OFFICER_FIELDS}).where(Officer.id == officer_id)
    await audit(user_id, "update", "officer", officer_id, rules.before_after({f: current[f] for f in OFFICER_FIELDS}, values))


async def deactivate_officer(officer_id: int, user_id: int) -> list[dict]:
    """Deactivate an officer who holds no project role, or return the projects that need the
    departure flow first."""
    current = await officer(officer_id, lock=True)
    if not current["active"]:
        return []
    return await liaison.deactivate(officer_id, user_id, today())


async def reactivate_officer(officer_id: int, user_id: int) -> None:
    current = await officer(officer_id, lock=True)
    if current["active"]:
        return
    await Officer.update({Officer.active: True}).where(Officer.id == officer_id)
    await audit(user_id, "reactivate", "officer", officer_id, {"active_before": False, "active_after": True})


# --- users ---------------------------------------------------------------------------------

USER_COLUMNS = (
    User.id, User.username, User.display_name, User.role, User.officer, User.enterprise, User.active, User.must_change_password,
    User.officer.name.as_alias("officer_name"), User.officer.active.as_alias("officer_active"),
    User.enterprise.name.as_alias("enterprise_name"),
)


def read_new_user(form: Form) -> dict:
    username = form.text("username", max_length=50)
    if username and (error := rules.username_error(username)):
        form.error("username", error)
    values = {
        "username": username,
        "display_name": rules.tidy(form.text("display_name", max_length=50)),
        "role": form.choice("role", rules.STAFF_ROLES),
        "officer": form.integer("officer", required=False),
    }
    if values["role"] and (error := rules.officer_link_error(values["role"], values["officer"])):
        form.error("officer", error)
    return values


async def user(user_id: int, lock: bool = False) -> dict | None:
    query = User.select(*USER_COLUMNS).where(User.id == user_id)
    return await (for_update(query, User) if lock else query).first()


async def live_session_counts() -> dict[int, int]:
    rows = await UserSession.select(UserSession.user, Count(UserSession.id).as_alias("n")).where(
        UserSession.ended_at.is_null(), UserSession.expires_at > datetime.now(UTC)
    ).group_by(UserSession.user)
    return {r["user"]: r["n"] for r in rows}


async def users() -> dict[str, list[dict]]:
    """Staff logins (with their live sessions) and, apart, the enterprises' portal accounts."""
    rows = await User.select(*USER_COLUMNS).order_by(User.active, ascending=False).order_by(User.username)
    live = await live_session_counts()
    for u in rows:
        u["sessions"] = live.get(u["id"], 0)
    return {"staff": [u for u in rows if u["role"] != "enterprise"], "enterprise": [u for u in rows if u["role"] == "enterprise"]}


async def officer_link_choices(user_id: int | None = None) -> list[dict]:
    """Active officers not yet linked to another active login."""
    taken = {r["officer"] for r in await User.select(User.officer).where(
        User.officer.is_not_null(), User.active == True, User.id != (user_id or 0)  # noqa: E712
    )}
    rows = await Officer.select(Officer.id, Officer.name, Officer.department.name.as_alias("department_name")).where(
        Officer.active == True  # noqa: E712
    ).order_by(Officer.name)
    return [o for o in rows if o["id"] not in taken]


async def username_taken(username: str) -> bool:
    """Taken in any case: "Li" and "li" would be two logins nobody tells apart."""
    return await User.exists().where(WhereRaw("LOWER(username) = {}", username.lower()))


async def officer_link_problem(officer_id: int, user_id: int | None) -> str | None:
    """Why this login (None: a new one) cannot be linked to the officer, or None."""
    row = await for_update(Officer.select(Officer.active).where(Officer.id == officer_id)).first()
    if row is None or not row["active"]:
        return N_("This choice is not valid.")
    if await User.exists().where(User.officer == officer_id, User.active == True, User.id != (user_id or 0)):  # noqa: E712
        return N_("This officer is already linked to another active user.")
    return None


async def check_new_user(form: Form, values: dict) -> None:
    if values["username"] and await username_taken(values["username"]):
        form.error("username", N_("This username is taken."))
    if values["officer"] is not None and (problem := await officer_link_problem(values["officer"], None)):
        form.error("officer", problem)


async def create_user(values: dict, password_hash: str, user_id: int) -> int:
    """A staff login whose (one-time) password must be changed at the first login."""
    row = await User.insert(User(
        username=values["username"], display_name=values["display_name"], role=values["role"], officer=values["officer"],
        password_hash=password_hash, must_change_password=True,
    )).returning(User.id)
    new_id = row[0]["id"]
    await audit(user_id, "create", "user", new_id, rules.before_after(None, values))
    return new_id


async def _other_active_admins(user_id: int) -> int:
    """Active admins besides this user. On PostgreSQL all of them are locked, in id order and
    before the user's own row, so two admins demoting each other at the same moment queue (no
    deadlock) and the second sees the first's change."""
    rows = await for_update(User.select(User.id).where(User.role == "admin", User.active == True).order_by(User.id))  # noqa: E712
    return sum(1 for r in rows if r["id"] != user_id)


async def _changeable(user_id: int) -> dict:
    """The staff login to change, locked; enterprise accounts are changed on their enterprise's page."""
    current = await user(user_id, lock=True)
    if current is None or current["role"] == "enterprise":
        raise LookupError(user_id)
    return current


async def change_role(user_id: int, role: str, role_before: str, actor: int) -> None:
    other_admins = await _other_active_admins(user_id)
    current = await _changeable(user_id)
    if current["role"] != role_before:
        raise Conflict()
    if role == current["role"]:
        return
    if rules.removes_last_admin(current["role"], current["active"], role, current["active"], other_admins):
        raise Refused("role", rules.LAST_ADMIN_MESSAGE)
    if error := rules.officer_link_error(role, current["officer"]):
        raise Refused("role", error)
    await User.update({User.role: role}).where(User.id == user_id)
    await audit(actor, "change_role", "user", user_id, {"role_before": current["role"], "role_after": role})


async def link_officer(user_id: int, officer_id: int | None, officer_before: str, actor: int) -> None:
    current = await _changeable(user_id)
    if rules.form_value(current["officer"]) != officer_before:
        raise Conflict()
    if officer_id == current["officer"]:
        return
    if error := rules.officer_link_error(current["role"], officer_id):
        raise Refused("officer", error)
    if officer_id is not None and (problem := await officer_link_problem(officer_id, user_id)):
        raise Refused("officer", problem)
    await User.update({User.officer: officer_id}).where(User.id == user_id)
    await audit(actor, "link_officer", "user", user_id, {"officer_before": current["officer"], "officer_after": officer_id})


async def lock_user(user_id: int, actor: int) -> int:
    """Lock the login and end its sessions at once; returns how many sessions ended."""
    other_admins = await _other_active_admins(user_id)
    current = await _changeable(user_id)
    if not current["active"]:
        return 0
    if rules.removes_last_admin(current["role"], True, current["role"], False, other_admins):
        raise Refused("form", rules.LAST_ADMIN_MESSAGE)
    await User.update({User.active: False}).where(User.id == user_id)
    ended = await sessions.end_all(user_id, "locked")
    await audit(actor, "lock", "user", user_id, {"active_before": True, "active_after": False, "sessions_ended": ended})
    return ended


async def unlock_user(user_id: int, actor: int) -> None:
    current = await _changeable(user_id)
    if current["active"]:
        return
    if current["officer"] is not None and await User.exists().where(
        User.officer == current["officer"], User.active == True, User.id != user_id  # noqa: E712
    ):
        raise Refused("form", N_("This officer is already linked to another active user."))
    await User.update({User.active: True}).where(User.id == user_id)
    await audit(actor, "unlock", "user", user_id, {"active_before": False, "active_after": True})


async def reset_password(user_id: int, password_hash: str, actor: int) -> int:
    """Set a one-time password, to be changed at the next login; every session of the user ends."""
    await _changeable(user_id)
    await User.update({User.password_hash: password_hash, User.must_change_password: True}).where(User.id == user_id)
    ended = await sessions.end_all(user_id, "password_reset")
    await audit(actor, "reset_password", "user", user_id, {"must_change_password_after": True, "sessions_ended": ended})
    return ended


async def end_sessions(user_id: int, actor: int) -> int:
    await _changeable(user_id)
    ended = await sessions.end_all(user_id, "ended_by_admin")
    await audit(actor, "end_sessions", "user", user_id, {"sessions_ended": ended})
    return ended
