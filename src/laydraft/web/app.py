"""The Starlette app: routes, middleware in a deliberate order, and error pages.

Outermost first: security headers (so every response has them, error pages included), signed
cookie sessions, a last-resort error page, CSRF checks, then the routes.
"""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings
from ..db import Store
from . import auth, drafts, exporting, queue, reviewing
from .errors import error_page, handlers, unexpected_error
from .pages import STATIC_DIR, WebState, make_templates
from .secret import session_secret
from .security import CSRFMiddleware, SecurityHeadersMiddleware

SESSION_COOKIE = "laydraft_session"
SESSION_HOURS = 12


class ErrorPageMiddleware:
    """Turns an unexpected exception into the error page, before a response has started."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started or scope["type"] != "http":
                raise
            response = await unexpected_error(Request(scope, receive), exc)
            await response(scope, receive, send)


def _csrf_refusal(request: Request, message: str) -> Response:
    return error_page(request, "Not allowed", message, 403)


def create_app(settings: Settings, store: Store | None = None, secret: str | None = None,
               secure_cookies: bool = False) -> Starlette:
    """The web app over one store; the secret defaults to ``session_secret()``.

    ``secure_cookies`` marks the session cookie HTTPS-only, for a server behind a TLS proxy.
    """
    web = WebState(settings=settings, store=store or Store(settings.database_url()),
                   templates=make_templates())
    max_body = settings.max_input_bytes + 1024 * 1024
    app = Starlette(
        routes=[*auth.routes, *queue.routes, *drafts.routes, *reviewing.routes,
                *exporting.routes, Mount("/static", StaticFiles(directory=STATIC_DIR),
                                         name="static")],
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(SessionMiddleware, secret_key=secret or session_secret(os.environ),
                       session_cookie=SESSION_COOKIE, max_age=SESSION_HOURS * 3600,
                       same_site="lax", https_only=secure_cookies),
            Middleware(ErrorPageMiddleware),
            Middleware(CSRFMiddleware, max_body=max_body, refuse=_csrf_refusal,
                       max_part_size=settings.max_input_bytes + 1024),
        ],
        exception_handlers=handlers,
    )
    app.state.laydraft = web
    return app
