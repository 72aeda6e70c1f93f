"""E-mail through SMTP: STARTTLS on smtp:// (required before a password is sent), TLS from the
first byte on smtps://. One connection carries a sender's batch of messages.

TRACKER_SMTP_URL: smtp://user:password@host:587 or smtps://user:password@host:465; the query may
add cafile=/path/to/ca.pem (a private CA) or verify=0 (do not check the certificate: only for a
relay on the same machine). User and password are URL-encoded (%40 for @).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from tracker.notices.channels import ConfigError, Outgoing, SendError, short_error


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: str  # "starttls" (smtp://) or "tls" (smtps://)
    username: str = ""
    password: str = ""
    verify: bool = True
    cafile: str | None = None

    def describe(self) -> str:
        """For the admin page: never the password."""
        who = f"{self.username}@" if self.username else ""
        return f"{'smtps' if self.tls == 'tls' else 'smtp'}://{who}{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpServer:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"TRACKER_SMTP_URL is not a valid URL: {exc}") from None
    if parts.scheme not in ("smtp", "smtps"):
        raise ConfigError("TRACKER_SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (TLS)")
    if not parts.hostname:
        raise ConfigError("TRACKER_SMTP_URL names no host")
    query = parse_qs(parts.query)
    tls = "tls" if parts.scheme == "smtps" else "starttls"
    return SmtpServer(
        host=parts.hostname,
        port=port or (465 if tls == "tls" else 587),
        tls=tls,
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        verify=query.get("verify", ["1"])[0].lower() not in ("0", "false", "no"),
        cafile=query.get("cafile", [None])[0],
    )


def check_sender(mail_from: str) -> str:
    """The From address, or ConfigError when TRACKER_MAIL_FROM is missing or malformed."""
    if not mail_from.strip():
        raise ConfigError("TRACKER_MAIL_FROM is not set")
    _name, address = parseaddr(mail_from)
    if "@" not in address:
        raise ConfigError(f"TRACKER_MAIL_FROM is not an e-mail address: {mail_from!r}")
    return mail_from


def _context(server: SmtpServer) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=server.cafile)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"cannot read the CA file {server.cafile}: {exc}") from None
    if not server.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def connect(server: SmtpServer, timeout: float) -> smtplib.SMTP:
    """An open, encrypted where possible, logged-in connection."""
    context = _context(server)
    if server.tls == "tls":
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
        try:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif server.username:
                raise SendError("the server offers no STARTTLS; the password is not sent unencrypted")
        except BaseException:
            smtp.close()
            raise
    try:
        if server.username:
            smtp.login(server.username, server.password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def compose(message: Outgoing, mail_from: str) -> EmailMessage:
    """Plain text plus HTML; the headers name the delivery and how many notices it carries."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = mail_from
    mail["To"] = formataddr((message.name, message.address))
    mail["Date"] = formatdate(localtime=True)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    mail["Message-ID"] = make_msgid(idstring=f"delivery-{message.delivery}", domain=domain)
    mail["X-Tracker-Delivery"] = str(message.delivery)
    mail["X-Tracker-Notices"] = str(message.notices)
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    return mail


def describe(exc: BaseException) -> str:
    """An SMTP failure as the server said it ("451 4.3.0 Try again later"), else the error's kind and text."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"the SMTP server answered {exc.smtp_code} {' '.join(text.split())}"[:500]
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the SMTP server refused the recipient: " + "; ".join(
            f"{address} {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
            for address, (code, msg) in exc.recipients.items())[:450]
    return short_error(exc)


def send_batch(server: SmtpServer, mail_from: str, messages: list[Outgoing], timeout: float) -> dict[int, str | None]:
    """Send over one connection (blocking: run it in a thread). Returns each delivery's error, or
    None when the server accepted it."""
    results: dict[int, str | None] = {}
    try:
        smtp = connect(server, timeout)
    except Exception as exc:  # noqa: BLE001 - any failure to connect fails the whole batch, for a retry
        error = describe(exc)
        return {m.delivery: error for m in messages}
    try:
        for message in messages:
            try:
                smtp.send_message(compose(message, mail_from))
                results[message.delivery] = None
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                # The connection is gone: this message and the rest are tried again later.
                error = describe(exc)
                for rest in messages:
                    results.setdefault(rest.delivery, error)
                break
            except Exception as exc:  # noqa: BLE001 - one refused message does not stop the others
                results[message.delivery] = describe(exc)
    finally:
        try:
            smtp.quit()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail too
            smtp.close()
    return results


def check(server: SmtpServer, timeout: float) -> None:
    """Connect, say EHLO, STARTTLS and log in as a send would, then quit; raises on failure."""
    smtp = connect(server, timeout)
    try:
        smtp.noop()
    finally:
        try:
            smtp.quit()
        except (TimeoutError, smtplib.SMTPException, OSError):
            smtp.close()
