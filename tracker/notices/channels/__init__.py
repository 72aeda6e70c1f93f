"""The channels beyond the app itself: e-mail (SMTP), the group-chat webhook, SMS through an
adapter. Each takes finished messages and reports, per delivery, whether the channel took it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    """One message ready for its channel."""

    delivery: int
    channel: str
    address: str
    name: str
    subject: str
    text: str
    html: str = ""
    markdown: str = ""
    notices: int = 0


class ConfigError(Exception):
    """The channel's configuration cannot work (a malformed URL, a missing setting, an SMS adapter
    that does not load). The message is English, for the log and the admin page."""


class SendError(Exception):
    """The channel refused or could not be reached; the delivery is tried again later."""


def short_error(exc: BaseException) -> str:
    """An error as one line for the admin page: its kind and message, never a traceback."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    kind = exc.__class__.__name__
    return (text if text.startswith(kind) or isinstance(exc, (ConfigError, SendError)) else f"{kind}: {text}")[:500]
