"""Real servers for the reminder tests, each on a free port of 127.0.0.1 in a thread of its own:
an SMTP server (aiosmtpd) with STARTTLS or TLS and a login when asked, and an HTTP receiver for
the group-chat webhook. Certificates are made at test time with `cryptography`."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import socket
import ssl
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1 (the client trusts it as its CA file) and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.server.delay:
            await asyncio.sleep(self.server.delay)  # a slow server: senders overlap
        if self.server.refuse:
            return self.server.refuse
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.server.lock:
            self.server.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on a free port. tls: None (plain), "starttls" or "tls" (implicit); login: (user,
    password) required after STARTTLS; refuse: an SMTP reply such as "451 4.3.0 Try again later"."""

    def __init__(self, folder: Path, tls: str | None = None, login: tuple[str, str] | None = None, delay: float = 0.0):
        self.folder, self.tls, self.login, self.delay = folder, tls, login, delay
        self.refuse: str | None = None
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.cafile: Path | None = None
        self.controller: Controller | None = None
        self.logins: list[str] = []

    def _authenticate(self, _server, _session, _envelope, _mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == self.login
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    def __enter__(self) -> SmtpServer:
        kwargs: dict = {}
        if self.tls:
            cert, key = self_signed_certificate(self.folder)
            self.cafile = cert
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            if self.tls == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context, server_hostname="localhost")
        if self.login:
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=bool(self.tls))
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def url(self, login: tuple[str, str] | None = None) -> str:
        scheme = "smtps" if self.tls == "tls" else "smtp"
        who = f"{login[0]}:{login[1]}@" if login else ""
        query = f"?cafile={self.cafile}" if self.cafile else ""
        return f"{scheme}://{who}127.0.0.1:{self.port}{query}"

    def by_delivery(self) -> dict[str, list[EmailMessage]]:
        out: dict[str, list[EmailMessage]] = {}
        with self.lock:
            for m in self.messages:
                out.setdefault(m["X-Tracker-Delivery"], []).append(m)
        return out


class WebhookReceiver:
    """An HTTP server that takes JSON posts like a WeCom or DingTalk group robot."""

    def __init__(self):
        self.posts: list[dict] = []
        self.answer: dict = {"errcode": 0, "errmsg": "ok"}
        self.status = 200
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.posts.append({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                           "json": json.loads(body.decode("utf-8"))})
                answer = json.dumps(receiver.answer).encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key=test-key"


class RecordingSms:
    """An SMS provider adapter as a deployment plugs one in (TRACKER_SMS_ADAPTER=module:Class): it
    records what it was given instead of calling a provider."""

    delivers = True
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        RecordingSms.sent.append((phone, text))
