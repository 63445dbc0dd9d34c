"""Security middleware: response headers on every page, and CSRF checks on every POST.

CSRF: each session holds a random token; every form carries it in a hidden ``csrf_token``
field (or a script sends it as ``X-CSRF-Token``). The middleware reads the whole body of each
unsafe request, compares the token in constant time and refuses with 403 before any route
runs, so no handler can forget the check. A cross-site ``Origin`` header is refused too.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-src 'self'; frame-ancestors 'none'")
# The export preview is shown inside the app's own preview page, sandboxed and script-free.
FRAME_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
             "form-action 'none'; frame-ancestors 'self'; sandbox")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def csrf_token(request: HTTPConnection) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def frameable(response: Response) -> Response:
    """Mark a response as the sandboxed export preview (may be framed by the app itself)."""
    response.headers["X-Laydraft-Frame"] = "1"
    return response


class SecurityHeadersMiddleware:
    """Adds CSP, framing, sniffing and referrer headers; pages are not cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                framed = "x-laydraft-frame" in headers
                if framed:
                    del headers["x-laydraft-frame"]
                headers["Content-Security-Policy"] = FRAME_CSP if framed else CSP
                headers["X-Frame-Options"] = "SAMEORIGIN" if framed else "DENY"
                for name, value in HEADERS.items():
                    headers[name] = value
                if not scope["path"].startswith("/static/"):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


Refusal = Callable[[Request, str], Response]
TooLarge = Callable[[Request, int], Response]


def plain_refusal(request: Request, message: str) -> Response:
    return HTMLResponse(f"<!doctype html><title>Refused</title><p>{message}</p>", 403)


def plain_too_large(request: Request, limit: int) -> Response:
    return HTMLResponse("<!doctype html><title>Too large</title><p>The upload is too large."
                        "</p>", 413)


class CSRFMiddleware:
    """Refuses any unsafe request whose token does not match the session's (403)."""

    def __init__(self, app: ASGIApp, max_body: int, refuse: Refusal = plain_refusal,
                 max_part_size: int = 1024 * 1024,
                 path_limits: dict[str, int] | None = None,
                 too_large: TooLarge = plain_too_large) -> None:
        self.app = app
        self.too_large = too_large  # the page for a body over the limit (413)
        self.max_body = max_body
        self.path_limits = path_limits or {}  # smaller bodies for some paths (the sign-in)
        self.max_part_size = max_part_size
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.path_limits.get(scope["path"], self.max_body)
        body = await _read_body(receive, limit)
        if body is None:
            response = self.too_large(Request(scope, _replay(b"")), limit)
            await response(scope, _replay(b""), send)
            return
        request = Request(scope, _replay(body))
        problem = _cross_origin(request) or await self._token_problem(request)
        if problem:
            await self.refuse(request, problem)(scope, _replay(b""), send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _token_problem(self, request: Request) -> str | None:
        expected = request.session.get("csrf")
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            try:
                form = await request.form(max_part_size=self.max_part_size)
            except Exception:  # noqa: BLE001 - a malformed body is refused like a missing token
                return "The form could not be read; reload the page and try again."
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
            await form.close()
        if not expected or not sent or not secrets.compare_digest(str(expected), sent):
            return ("This form is missing its security token or it has expired "
                    "(for example after signing out). Reload the page and try again.")
        return None


def _cross_origin(request: Request) -> str | None:
    origin = request.headers.get("origin")
    if origin and origin != "null":
        expected = f"{request.url.scheme}://{request.url.netloc}"
        if origin != expected:
            return "This form was sent from another site and was refused."
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, then: Receive | None = None) -> Receive:
    """A receive that hands over the buffered body once, then waits on the real one."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
