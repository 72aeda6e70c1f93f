from datetime import UTC, datetime
from typing import Any

from tracker.audit.tables import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


async def audit(user_id: int | None, action: str, entity: str, entity_id: int, changes: dict[str, Any]) -> None:
    """Record an audit event. Call it inside the write transaction it describes."""
    await AuditEvent.insert(
        AuditEvent(
            at=datetime.now(UTC),
            user=user_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            changes={k: _plain(v) for k, v in changes.items()},
        )
    )
