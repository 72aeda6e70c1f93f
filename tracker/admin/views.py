"""Administration of the bureau's departments, officers and logins (/admin/...).

Admins change; coordinators read the lists and detail pages; every other role gets 403.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Response, Template

from tracker.admin import queries, rules
from tracker.auth.roles import allow
from tracker.auth.sessions import live_sessions
from tracker.db import CONFLICT_MESSAGE, Conflict, write_transaction
from tracker.i18n import N_
from tracker.liaison import queries as liaison
from tracker.org.tables import DEPARTMENT_KINDS
from tracker.settings import get_settings
from tracker.web import Form, flash, int_or_none

readers = allow("admin", "coordinator")
admins_only = allow("admin")


def _before(form: Form, fields: tuple[str, ...]) -> dict[str, str]:
    """The values the edit form was built from, posted back in hidden before_* fields."""
    return {name: form.raw(f"before_{name}") for name in fields}


def _conflicts(before: dict[str, str], posted: Form, current: dict) -> list[dict]:
    """What someone else changed meanwhile: for each such field, the value now and the one posted."""
    return [{"field": name, "yours": posted.raw(name), "current": rules.form_value(current.get(name))}
            for name in rules.changed_fields(before, current)]


class DepartmentAdminController(Controller):
    path = "/admin/departments"
    guards = [readers]

    async def _page(self, request: Request, department_id: int | None, values: dict | None = None, errors: dict | None = None,
                    conflict: list | None = None, blocked: dict | None = None, status: int = 200) -> Template:
        department = None
        if department_id is not None:
            department = await queries.department(department_id)
            if department is None:
                raise NotFoundException()
        current = rules.form_values(department, queries.DEPARTMENT_FIELDS) if department else {}
        return Template("admin/department.html", status_code=status, context={
            "department": department, "kinds": DEPARTMENT_KINDS,
            "districts": await queries.district_choices(department),
            "names": await queries.department_names(),
            "pointing": await queries.pointing_at(department_id) if department else None,
            "values": current if values is None else values, "before": current,
            "errors": errors or {}, "conflict": conflict or [], "blocked": blocked,
            "can_edit": request.user.role == "admin",
        })

    @get("/")
    async def index(self, request: Request) -> Template:
        return Template("admin/departments.html", context={
            "departments": await queries.departments(), "can_edit": request.user.role == "admin",
        })

    @get("/new", guards=[admins_only])
    async def new(self, request: Request) -> Template:
        return await self._page(request, None, values={"kind": request.query_params.get("kind", "")})

    @post("/", guards=[admins_only])
    async def create(self, request: Request) -> Response:
        form = Form(await request.form())
        values = queries.read_department(form)
        async with write_transaction():
            await queries.check_department(form, values)
            if form.ok:
                department_id = await queries.create_department(values, request.user.id)
        if not form.ok:
            return await self._page(request, None, dict(form.data), form.errors, status=422)
        flash(request, N_("Department created."))
        return Redirect(f"/admin/departments/{department_id}")

    @get("/{department_id:int}")
    async def show(self, request: Request, department_id: int) -> Template:
        return await self._page(request, department_id)

    @post("/{department_id:int}", guards=[admins_only])
    async def update(self, request: Request, department_id: int) -> Response:
        if await queries.department(department_id) is None:
            raise NotFoundException()
        form = Form(await request.form())
        values = queries.read_department(form)
        before = _before(form, queries.DEPARTMENT_FIELDS)
        try:
            async with write_transaction():
                await queries.update_department(department_id, values, before, form, request.user.id)
        except Conflict:
            current = await queries.department(department_id)
            return await self._page(request, department_id, errors={"form": CONFLICT_MESSAGE},
                                    conflict=_conflicts(before, form, current), status=409)
        if not form.ok:
            return await self._page(request, department_id, dict(form.data), form.errors, status=422)
        flash(request, N_("Saved."))
        return Redirect(f"/admin/departments/{department_id}")

    @post("/{department_id:int}/deactivate", guards=[admins_only])
    async def deactivate(self, request: Request, department_id: int) -> Response:
        if await queries.department(department_id) is None:
            raise NotFoundException()
        async with write_transaction():
            blocked = await queries.deactivate_department(department_id, request.user.id)
        if blocked:
            return await self._page(request, department_id, blocked=blocked, status=409)
        flash(request, N_("Department deactivated."))
        return Redirect(f"/admin/departments/{department_id}")

    @post("/{department_id:int}/reactivate", guards=[admins_only])
    async def reactivate(self, request: Request, department_id: int) -> Response:
        if await queries.department(department_id) is None:
            raise NotFoundException()
        async with write_transaction():
            await queries.reactivate_department(department_id, request.user.id)
        flash(request, N_("Department reactivated."))
        return Redirect(f"/admin/departments/{department_id}")


class OfficerAdminController(Controller):
    path = "/admin/officers"
    guards = [readers]

    async def _page(self, request: Request, officer_id: int | None, values: dict | None = None, errors: dict | None = None,
                    conflict: list | None = None, status: int = 200) -> Template:
        officer = None
        if officer_id is not None:
            officer = await queries.officer(officer_id)
            if officer is None:
                raise NotFoundException()
        current = rules.form_values(officer, queries.OFFICER_FIELDS) if officer else {}
        return Template("admin/officer.html", status_code=status, context={
            "officer": officer,
            "departments": await queries.department_choices(officer["department"] if officer else None),
            "names": await queries.department_names(),
            "held": await liaison.led_projects(officer_id) if officer else [],
            "login": (await queries.linked_users()).get(officer_id) if officer else None,
            "values": current if values is None else values, "before": current,
            "errors": errors or {}, "conflict": conflict or [], "can_edit": request.user.role == "admin",
        })

    @get("/")
    async def index(self, request: Request) -> Template:
        return Template("admin/officers.html", context={
            "officers": await queries.officers(), "limit": get_settings().workload_limit, "can_edit": request.user.role == "admin",
        })

    @get("/new", guards=[admins_only])
    async def new(self, request: Request) -> Template:
        department = int_or_none(request.query_params.get("department"), 1)
        return await self._page(request, None, values={"department": str(department or "")})

    @post("/", guards=[admins_only])
    async def create(self, request: Request) -> Response:
        form = Form(await request.form())
        values = queries.read_officer(form)
        async with write_transaction():
            await queries.check_officer(form, values)
            if form.ok:
                officer_id = await queries.create_officer(values, request.user.id)
        if not form.ok:
            return await self._page(request, None, dict(form.data), form.errors, status=422)
        flash(request, N_("Officer added."))
        return Redirect(f"/admin/officers/{officer_id}")

    @get("/{officer_id:int}")
    async def show(self, request: Request, officer_id: int) -> Template:
        return await self._page(request, officer_id)

    @post("/{officer_id:int}", guards=[admins_only])
    async def update(self, request: Request, officer_id: int) -> Response:
        if await queries.officer(officer_id) is None:
            raise NotFoundException()
        form = Form(await request.form())
        values = queries.read_officer(form)
        before = _before(form, queries.OFFICER_FIELDS)
        try:
            async with write_transaction():
                await queries.update_officer(officer_id, values, before, form, request.user.id)
        except Conflict:
            current = await queries.officer(officer_id)
            return await self._page(request, officer_id, errors={"form": CONFLICT_MESSAGE},
                                    conflict=_conflicts(before, form, current), status=409)
        if not form.ok:
            return await self._page(request, officer_id, dict(form.data), form.errors, status=422)
        flash(request, N_("Saved."))
        return Redirect(f"/admin/officers/{officer_id}")

    @post("/{officer_id:int}/deactivate", guards=[admins_only])
    async def deactivate(self, request: Request, officer_id: int) -> Response:
        """An officer who still leads or answers for a project leaves through the departure flow,
        which hands each project to a successor before deactivating."""
        if await queries.officer(officer_id) is None:
            raise NotFoundException()
        async with write_transaction():
            still = await queries.deactivate_officer(officer_id, request.user.id)
        if still:
            return Redirect(f"/officers/{officer_id}/depart")
        flash(request, N_("Officer deactivated."))
        return Redirect(f"/admin/officers/{officer_id}")

    @post("/{officer_id:int}/reactivate", guards=[admins_only])
    async def reactivate(self, request: Request, officer_id: int) -> Response:
        if await queries.officer(officer_id) is None:
            raise NotFoundException()
        async with write_transaction():
            await queries.reactivate_officer(officer_id, request.user.id)
        flash(request, N_("Officer reactivated."))
        return Redirect(f"/admin/officers/{officer_id}")


class UserAdminController(Controller):
    path = "/admin/users"
    guards = [readers]

    async def _page(self, request: Request, user_id: int, errors: dict | None = None, password: str | None = None,
                    posted: dict | None = None, status: int = 200) -> Response:
        """The user's page; after a conflict, `posted` holds what the admin chose, shown beside the value now."""
        user = await queries.user(user_id)
        if user is None:
            raise NotFoundException()
        if user["role"] == "enterprise":
            return Redirect(f"/enterprises/{user['enterprise']}/accounts/")
        conflict = [{"field": name, "yours": value, "current": rules.form_value(user[name])} for name, value in (posted or {}).items()]
        return Template("admin/user.html", status_code=status, context={
            "user": user, "roles": rules.STAFF_ROLES, "sessions": await live_sessions(user_id),
            "officers": await queries.officer_link_choices(user_id), "errors": errors or {}, "password": password,
            "conflict": conflict, "officer_names": await queries.officer_names() if conflict else {},
            "can_edit": request.user.role == "admin",
        })

    async def _new_page(self, values: dict, errors: dict, status: int = 200) -> Template:
        return Template("admin/user_new.html", status_code=status, context={
            "roles": rules.STAFF_ROLES, "officers": await queries.officer_link_choices(), "values": values, "errors": errors,
        })

    @get("/")
    async def index(self, request: Request) -> Template:
        return Template("admin/users.html", context={**await queries.users(), "can_edit": request.user.role == "admin"})

    @get("/new", guards=[admins_only])
    async def new(self) -> Template:
        return await self._new_page({}, {})

    @post("/", guards=[admins_only])
    async def create(self, request: Request) -> Response:
        form = Form(await request.form())
        values = queries.read_new_user(form)
        password, password_hash = queries.one_time_password()
        async with write_transaction():
            await queries.check_new_user(form, values)
            if form.ok:
                user_id = await queries.create_user(values, password_hash, request.user.id)
        if not form.ok:
            return await self._new_page(dict(form.data), form.errors, status=422)
        # The password is shown on this response only: it is never stored in clear, nor put in a URL.
        return await self._page(request, user_id, password=password)

    @get("/{user_id:int}")
    async def show(self, request: Request, user_id: int) -> Response:
        return await self._page(request, user_id)

    async def _act(self, request: Request, user_id: int, action, posted: dict | None = None, password: str | None = None) -> Response:
        """Run one change of a login; a refusal or a conflict shows the page again, unchanged. A
        new one-time password is shown on the answer to this request only."""
        try:
            async with write_transaction():
                await action()
        except LookupError:
            raise NotFoundException() from None
        except queries.Refused as refused:
            return await self._page(request, user_id, errors={refused.field: refused.message}, status=422)
        except Conflict:
            return await self._page(request, user_id, errors={"form": CONFLICT_MESSAGE}, posted=posted, status=409)
        if password:
            return await self._page(request, user_id, password=password)
        flash(request, N_("Saved."))
        return Redirect(f"/admin/users/{user_id}")

    @post("/{user_id:int}/role", guards=[admins_only])
    async def change_role(self, request: Request, user_id: int) -> Response:
        form = Form(await request.form())
        role = form.choice("role", rules.STAFF_ROLES)
        if not form.ok:
            return await self._page(request, user_id, errors=form.errors, status=422)
        return await self._act(request, user_id, lambda: queries.change_role(user_id, role, form.raw("before_role"), request.user.id),
                               posted={"role": role})

    @post("/{user_id:int}/officer", guards=[admins_only])
    async def link_officer(self, request: Request, user_id: int) -> Response:
        form = Form(await request.form())
        officer = form.integer("officer", required=False)
        if not form.ok:
            return await self._page(request, user_id, errors=form.errors, status=422)
        return await self._act(request, user_id, lambda: queries.link_officer(user_id, officer, form.raw("before_officer"), request.user.id),
                               posted={"officer": form.raw("officer")})

    @post("/{user_id:int}/lock", guards=[admins_only])
    async def lock(self, request: Request, user_id: int) -> Response:
        return await self._act(request, user_id, lambda: queries.lock_user(user_id, request.user.id))

    @post("/{user_id:int}/unlock", guards=[admins_only])
    async def unlock(self, request: Request, user_id: int) -> Response:
        return await self._act(request, user_id, lambda: queries.unlock_user(user_id, request.user.id))

    @post("/{user_id:int}/password", guards=[admins_only])
    async def reset_password(self, request: Request, user_id: int) -> Response:
        password, password_hash = queries.one_time_password()
        return await self._act(request, user_id, lambda: queries.reset_password(user_id, password_hash, request.user.id), password=password)

    @post("/{user_id:int}/sessions/end", guards=[admins_only])
    async def end_sessions(self, request: Request, user_id: int) -> Response:
        return await self._act(request, user_id, lambda: queries.end_sessions(user_id, request.user.id))


class AdminHomeController(Controller):
    """/admin/: where each administration page is (admins change, coordinators read)."""

    path = "/admin"
    guards = [readers]

    @get("/")
    async def index(self, request: Request) -> Template:
        return Template("admin/index.html", context={"is_admin": request.user.role == "admin"})
