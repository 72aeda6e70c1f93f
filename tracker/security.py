"""What every response and request gets, whatever route serves it: security headers, the client
address for the audit trail, and ids that cannot exist refused before any query runs."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import NotFoundException
from litestar.types import Message, Scope

from tracker.audit.record import set_client
from tracker.settings import get_settings
from tracker.web import in_int_range

# Only the app's own scripts and styles (htmx included, no inline script or style attribute), no
# framing, no plugins. Responses that need another policy (attachments, HTML previews of the
# PDFs) set their own header, which is kept.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
STATIC_PREFIX = "/static/"


def security_headers(path: str, secure: bool) -> list[tuple[bytes, bytes]]:
    """The headers a response to `path` gets unless it already has them."""
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        # Static files are the same for everyone; every other response may carry personal data.
        (b"cache-control", b"public, max-age=3600" if path.startswith(STATIC_PREFIX) else b"no-store"),
    ]
    if secure:
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    return headers


async def add_security_headers(message: Message, scope: Scope) -> None:
    """before_send hook: runs for every response the app sends, routed or not (404s, static files,
    error pages included)."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in security_headers(scope["path"], get_settings().secure_cookies):
        if name.decode() not in headers:
            headers.add(name.decode(), value.decode())


def before_any_route(request: Request) -> None:
    """before_request: note the client address for the audit trail, and refuse a path id beyond
    the database's integer range (it names nothing: 404), decided here once instead of failing
    in the database driver."""
    set_client(request.client.host if request.client else "")
    for value in request.path_params.values():
        if isinstance(value, int) and not in_int_range(value):
            raise NotFoundException()
