"""Roles (DESIGN §3) and the guards that check them on every route."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from tracker.i18n import N_

ROLES = ("admin", "coordinator", "officer", "leader", "enterprise")
STAFF = ("admin", "coordinator", "officer", "leader")
MANAGERS = ("admin", "coordinator")


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    role: str
    display_name: str
    officer_id: int | None
    enterprise_id: int | None
    must_change_password: bool = False

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGERS


def allow(*roles: str):
    """A guard that lets only the given roles through (403 otherwise)."""

    def guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
        user = connection.user
        if not isinstance(user, CurrentUser) or user.role not in roles:
            raise PermissionDeniedException(N_("Your role may not open this page."))

    return guard


staff_only = allow(*STAFF)
managers_only = allow(*MANAGERS)
enterprise_only = allow("enterprise")


def can_edit_project(user: CurrentUser, project: dict) -> bool:
    """Coordinators and admins edit every project; an officer edits the projects they lead."""
    if user.is_manager:
        return True
    return user.role == "officer" and user.officer_id is not None and project["lead_officer"] == user.officer_id
