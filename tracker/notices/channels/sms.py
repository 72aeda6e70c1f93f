"""SMS through an adapter. The default adapter only writes the text to the log: no phone receives
anything, and the admin page says so ("logged", never "sent").

A provider plugs in as a class named by TRACKER_SMS_ADAPTER=package.module:ClassName, created with
no arguments (it reads its own credentials from the environment), with an attribute
`delivers = True` and a method `send(phone: str, text: str) -> None` that returns when the
provider accepted the message and raises an exception (any) when it did not; the sender calls
it in a worker thread and retries with backoff. See README "Reminders".
"""

from __future__ import annotations

import importlib
import logging
from typing import Protocol

from tracker.notices.channels import ConfigError

log = logging.getLogger("tracker.notices")


class SmsAdapter(Protocol):
    delivers: bool  # False: the adapter does not reach phones

    def send(self, phone: str, text: str) -> None: ...


class LogAdapter:
    """Writes each SMS to the log instead of sending it."""

    delivers = False

    def send(self, phone: str, text: str) -> None:
        log.info("SMS not sent (no SMS provider configured; TRACKER_SMS_ADAPTER=log) to %s: %s", mask(phone), text)


def mask(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "****"


def load(spec: str) -> SmsAdapter:
    spec = (spec or "log").strip()
    if spec == "log":
        return LogAdapter()
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise ConfigError(f"TRACKER_SMS_ADAPTER must be 'log' or 'package.module:ClassName', not {spec!r}")
    try:
        adapter = getattr(importlib.import_module(module_name), class_name)()
    except Exception as exc:  # noqa: BLE001 - a provider that does not load is a configuration problem
        raise ConfigError(f"TRACKER_SMS_ADAPTER {spec!r} does not load: {exc.__class__.__name__}: {exc}") from None
    if not callable(getattr(adapter, "send", None)):
        raise ConfigError(f"TRACKER_SMS_ADAPTER {spec!r} has no send(phone, text) method")
    return adapter
