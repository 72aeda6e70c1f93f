"""Writing the audit trail: who, when, what changed, from which client address, about which project."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tracker.audit.tables import AuditEvent

# The client address of the request being served; set once per request by the app's middleware
# (the command line leaves it empty).
_client: ContextVar[str] = ContextVar("audit_client", default="")


def set_client(address: str) -> None:
    _client.set(address[:64])


def current_client() -> str:
    return _client.get()


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


async def audit(user_id: int | None, action: str, entity: str, entity_id: int, changes: dict[str, Any],
                project: int | None = None) -> None:
    """Record an audit event. Call it inside the write transaction it describes.

    project: the project the event concerns, when the entity is not the project itself, so a
    project's history lists what happened to its milestones, promises, requests and items.
    """
    await AuditEvent.insert(
        AuditEvent(
            at=datetime.now(UTC),
            user=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            changes={k: _plain(v) for k, v in changes.items()},
            project=entity_id if entity == "project" and project is None else project,
            client=current_client(),
        )
    )
