"""The group-chat webhook: a group robot of 企业微信 (WeCom) or 钉钉 (DingTalk), posting markdown.

TRACKER_WEBHOOK_FORMAT=wecom (default): {"msgtype": "markdown", "markdown": {"content": "..."}},
the format of a WeCom group robot (群机器人, https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…).
TRACKER_WEBHOOK_FORMAT=dingtalk: {"msgtype": "markdown", "markdown": {"title": "...", "text": "..."}},
the format of a DingTalk custom robot (自定义机器人, https://oapi.dingtalk.com/robot/send?access_token=…;
its security setting must allow the messages: a keyword such as 提醒, or the server's address).
Both answer HTTP 200 with {"errcode": 0, "errmsg": "ok"} when they take a message.
"""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from tracker.notices.channels import ConfigError, SendError

# WeCom takes at most 4096 bytes of markdown content; DingTalk more. Digests are cut to fit.
MAX_BYTES = 4000


def check_url(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise ConfigError(f"TRACKER_WEBHOOK_URL is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("TRACKER_WEBHOOK_URL must be an http:// or https:// URL")
    return url.strip()


def payload(fmt: str, title: str, markdown: str) -> dict:
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": markdown}}
    raise ConfigError(f"TRACKER_WEBHOOK_FORMAT must be wecom or dingtalk, not {fmt!r}")


def post(url: str, body: dict, timeout: float) -> None:
    """POST the message (blocking: run it in a thread); raises SendError unless the robot took it."""
    request = urllib.request.Request(
        check_url(url), data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the URL is configuration, checked above
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code} {exc.reason}") from None
    except (TimeoutError, urllib.error.URLError, OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendError(f"cannot reach the webhook: {reason}") from None
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except ValueError:
        return  # a 2xx without JSON: taken
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        # 45009 (WeCom) / 130101 (DingTalk): too many messages a minute; the retry comes later.
        raise SendError(f"the robot refused the message: errcode {answer.get('errcode')} {answer.get('errmsg', '')}".strip())


def check(url: str, timeout: float) -> None:
    """Whether the webhook's host answers on its port (a TCP and, for https, a TLS handshake):
    nothing is posted, so a check never writes into the group."""
    parts = urlsplit(check_url(url))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    with socket.create_connection((parts.hostname, port), timeout=timeout) as sock:
        if parts.scheme == "https":
            with ssl.create_default_context().wrap_socket(sock, server_hostname=parts.hostname):
                pass
