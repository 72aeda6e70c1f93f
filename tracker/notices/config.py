"""The reminders' configuration as one value passed to the pass and the senders.

The app and `tracker notify` build it from the settings (read once from the environment); tests
build their own, pointing the channels at servers they run, without touching the cached settings.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field

from tracker.notices import rules
from tracker.projects.rules import Thresholds
from tracker.settings import Settings, get_settings


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@dataclass(frozen=True)
class NotifyConfig:
    smtp_url: str = ""
    mail_from: str = ""
    base_url: str = "http://127.0.0.1:8000"
    webhook_url: str = ""
    webhook_format: str = "wecom"
    sms_adapter: str = "log"
    digest_hour: int = 8
    max_attempts: int = 5
    retry_minutes: int = 5
    default_channels: tuple[str, ...] = ("email",)
    policy: rules.Policy = field(default_factory=rules.Policy)
    # Seconds a connection to the SMTP server or the webhook may take.
    timeout: float = 10.0
    # For demos and tests (TRACKER_TODAY): the pretended day counts as past the digest hour.
    fixed_day: bool = False
    # Who claims deliveries (shown on the admin page): host and process.
    worker: str = field(default_factory=default_worker)
    # Deliveries claimed at a time by one sender.
    claim_batch: int = 10

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> NotifyConfig:
        s = settings or get_settings()
        return cls(
            smtp_url=s.smtp_url,
            mail_from=s.mail_from,
            base_url=s.base_url or f"http://{s.host}:{s.port}",
            webhook_url=s.webhook_url,
            webhook_format=s.webhook_format,
            sms_adapter=s.sms_adapter,
            digest_hour=s.notify_digest_hour,
            max_attempts=max(s.notify_max_attempts, 1),
            retry_minutes=max(s.notify_retry_minutes, 1),
            default_channels=tuple(c for c in s.notify_default_channels if c in rules.CHANNELS),
            policy=rules.Policy(
                Thresholds(s.red_overdue_workdays, s.amber_due_within_workdays, s.amber_signals_for_red),
                s.handover_escalate_workdays,
                s.callback_remind_workdays,
            ),
            fixed_day=s.today_override is not None,
        )

    def link(self, path: str) -> str:
        return self.base_url.rstrip("/") + path
