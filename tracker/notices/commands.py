"""One reminder pass (`tracker notify`, and each app server on a schedule): create the day's
notices, queue them into deliveries, send what is due. Also the channels' configuration status
for the log and the admin page."""

from __future__ import annotations

import asyncio
import logging
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from tracker.calendar.queries import load_calendar
from tracker.notices import compose, queries, rules
from tracker.notices.channels import ConfigError, Outgoing, email, short_error, sms, webhook
from tracker.notices.config import NotifyConfig
from tracker.settings import TIMEZONE, today

log = logging.getLogger("tracker.notices")


@dataclass
class PassResult:
    day: date
    workday: bool = True
    sending: bool = False
    created: queries.Created = field(default_factory=queries.Created)
    queued: int = 0
    # (channel, outcome) -> deliveries: sent, logged, pending (to retry), failed, lost_claim
    outcomes: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        if not self.workday:
            return [f"{self.day} is not a working day: no notices created, nothing sent."]
        c = self.created
        channels = ", ".join(f"{name} {c.by_channel.get(key, 0)}" for key, name in
                             (("inapp", "in-app"), ("email", "e-mail"), ("webhook", "webhook"), ("sms", "SMS")))
        out = [f"{self.day}: {c.notices} new notices ({channels}; {c.urgent} urgent) from {c.drafts} reminders due today."]
        if not self.sending:
            out.append("Before the digest hour: nothing queued or sent yet.")
            return out
        sent = ", ".join(f"{channel} {self.outcomes.get((channel, 'sent'), 0)}" for channel in rules.CHANNELS)
        out.append(f"{self.queued} deliveries queued; sent: {sent}; SMS only logged (no provider): "
                   f"{self.outcomes.get(('sms', 'logged'), 0)}; to retry: {sum(n for (_c, s), n in self.outcomes.items() if s == 'pending')}; "
                   f"failed: {sum(n for (_c, s), n in self.outcomes.items() if s == 'failed')}.")
        return out


async def run_pass(config: NotifyConfig, day: date | None = None, now: datetime | None = None) -> PassResult:
    """Create today's notices, and from the digest hour on queue and send them."""
    day = day or today()
    now = now or datetime.now(UTC)
    calendar = await load_calendar()
    result = PassResult(day)
    if not calendar.is_workday(day):
        result.workday = False
        return result
    result.created = await queries.create_notices(config, day, now, calendar)
    result.sending = rules.may_send(day, now.astimezone(TIMEZONE), calendar, config.digest_hour, config.fixed_day)
    if result.sending:
        result.queued = await queries.queue_deliveries(config, day, now)
        result.outcomes = await send_pending(config, now)
    return result


# --- sending ----------------------------------------------------------------------------------


@dataclass
class Channels:
    """The channels as configured, or why one cannot work."""

    smtp: email.SmtpServer | None = None
    mail_from: str = ""
    sms: sms.SmsAdapter | None = None
    problems: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, config: NotifyConfig) -> Channels:
        out = cls()
        if config.smtp_url.strip():
            try:
                out.smtp = email.parse_smtp_url(config.smtp_url)
                out.mail_from = email.check_sender(config.mail_from)
            except ConfigError as exc:
                out.problems["email"] = str(exc)
        if config.webhook_url.strip():
            try:
                webhook.check_url(config.webhook_url)
                webhook.payload(config.webhook_format, "", "")
            except ConfigError as exc:
                out.problems["webhook"] = str(exc)
        try:
            out.sms = sms.load(config.sms_adapter)
        except ConfigError as exc:
            out.problems["sms"] = str(exc)
        return out


async def _deliver(channels: Channels, config: NotifyConfig, channel: str, messages: list[Outgoing]) -> dict[int, str | None]:
    """Hand messages to their channel (in worker threads: the channels' clients block)."""
    if problem := channels.problems.get(channel):
        return {m.delivery: problem for m in messages}
    if channel == "email":
        return await asyncio.to_thread(email.send_batch, channels.smtp, channels.mail_from, messages, config.timeout)
    results: dict[int, str | None] = {}
    for m in messages:
        try:
            if channel == "webhook":
                await asyncio.to_thread(webhook.post, config.webhook_url, webhook.payload(config.webhook_format, m.subject, m.markdown),
                                        config.timeout)
            else:
                await asyncio.to_thread(channels.sms.send, m.address, m.text)
            results[m.delivery] = None
        except Exception as exc:  # noqa: BLE001 - whatever the channel raised, the delivery is retried
            results[m.delivery] = short_error(exc)
    return results


async def send_pending(config: NotifyConfig, now: datetime | None = None, max_rounds: int = 1000) -> Counter:
    """Claim due deliveries a batch at a time and send them until none is left; returns what
    became of them by (channel, outcome)."""
    channels = Channels.load(config)
    outcomes: Counter = Counter()
    for _round in range(max_rounds):
        moment = now or datetime.now(UTC)
        batch = await queries.claim(config.worker, moment, config.claim_batch)
        if not batch:
            break
        by_channel: dict[str, list[tuple[dict, Outgoing | None, str | None]]] = {}
        for delivery in batch:
            try:
                message = compose.build(delivery, await queries.delivery_notices(delivery), config)
                by_channel.setdefault(delivery["channel"], []).append((delivery, message, None))
            except Exception as exc:  # noqa: BLE001 - a message that cannot be written is recorded as failed, never lost
                log.exception("cannot compose delivery %s", delivery["id"])
                by_channel.setdefault(delivery["channel"], []).append((delivery, None, short_error(exc)))
        for channel, items in by_channel.items():
            started = clock.monotonic()
            results = await _deliver(channels, config, channel, [m for _d, m, _e in items if m is not None])
            milliseconds = int((clock.monotonic() - started) * 1000 / max(len(items), 1))
            logged = channel == "sms" and channels.sms is not None and not getattr(channels.sms, "delivers", False)
            for delivery, message, error in items:
                error = error if message is None else results.get(delivery["id"], "no result from the channel")
                status = await queries.record(delivery, config.worker, now or datetime.now(UTC), error, config, milliseconds,
                                              logged=logged)
                outcomes[(channel, status)] += 1
                if error is not None:
                    log.warning("%s delivery %s to %s failed (attempt %s, now %s): %s", channel, delivery["id"],
                                delivery["address"] or delivery["recipient"], delivery["attempts"], status, error)
    return outcomes


# --- configuration status ---------------------------------------------------------------------


@dataclass
class ChannelStatus:
    channel: str
    configured: bool
    target: str = ""
    problem: str = ""  # why it cannot work (configuration, or the check failed)
    reachable: bool | None = None  # None: not checked
    note: str = ""
    last: dict | None = None


def static_problems(config: NotifyConfig) -> list[str]:
    """Configuration that cannot work, found without a network: for the log at start and each CLI run."""
    problems = [f"{channel}: {text}" for channel, text in Channels.load(config).problems.items()]
    if not config.base_url.startswith(("http://", "https://")):
        problems.append(f"TRACKER_BASE_URL must start with http:// or https://, not {config.base_url!r}")
    return problems


async def status(config: NotifyConfig, check_network: bool = True) -> list[ChannelStatus]:
    """Each channel: configured or not, a problem in its configuration, whether its server
    answers now (short time-outs, in threads), and its last attempt. Never raises."""
    channels = Channels.load(config)
    timeout = min(config.timeout, 5.0)
    out = []
    smtp = ChannelStatus("email", bool(config.smtp_url.strip()), problem=channels.problems.get("email", ""))
    if channels.smtp:
        smtp.target = channels.smtp.describe()
        if check_network and not smtp.problem:
            try:
                await asyncio.to_thread(email.check, channels.smtp, timeout)
                smtp.reachable = True
            except Exception as exc:  # noqa: BLE001 - reported, never raised
                smtp.reachable, smtp.problem = False, email.describe(exc)
    out.append(smtp)
    hook = ChannelStatus("webhook", bool(config.webhook_url.strip()), problem=channels.problems.get("webhook", ""),
                         note=config.webhook_format)
    if hook.configured and not hook.problem:
        parts = urlsplit(config.webhook_url)
        hook.target = f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}{parts.path}"
        if check_network:
            try:
                await asyncio.to_thread(webhook.check, config.webhook_url, timeout)
                hook.reachable = True
            except Exception as exc:  # noqa: BLE001 - reported, never raised
                hook.reachable, hook.problem = False, short_error(exc)
    out.append(hook)
    text = ChannelStatus("sms", True, target=config.sms_adapter or "log", problem=channels.problems.get("sms", ""))
    if channels.sms is not None and not getattr(channels.sms, "delivers", False):
        text.note = "log"
    out.append(text)
    for s in out:
        try:
            s.last = await queries.last_attempts(s.channel)
        except Exception:  # noqa: BLE001 - the status page shows what it can
            s.last = None
    return out


# --- the command and the schedule ---------------------------------------------------------------


async def notify_command(config: NotifyConfig | None = None) -> PassResult:
    config = config or NotifyConfig.from_settings()
    for problem in static_problems(config):
        log.warning("reminders: %s", problem)
        print(f"warning: {problem}")
    result = await run_pass(config)
    for line in result.lines():
        print(line)
    return result


async def notify_every(minutes: int) -> None:
    """Each app server's schedule: a pass every few minutes. Several servers may run it at once:
    notices are created once and each delivery is sent by one of them."""
    config = NotifyConfig.from_settings()
    for problem in static_problems(config):
        log.warning("reminders: %s", problem)
    while True:
        try:
            result = await run_pass(config)
            for line in result.lines():
                log.info("reminders: %s", line)
        except Exception:  # noqa: BLE001 - try again at the next tick; never kill the server
            log.exception("reminder pass failed")
        await asyncio.sleep(max(minutes, 1) * 60)
