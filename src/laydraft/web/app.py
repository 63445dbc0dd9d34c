"""The Starlette app: routes, middleware in a deliberate order, and error pages.

Outermost first: security headers (so every response has them, error pages included), the
Host header check, the signed form cookie (CSRF token and flash messages), a last-resort error
page, the signed-in user from the server-side session, CSRF checks, then the routes.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from functools import partial

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings
from ..db import Store
from ..models import utcnow
from ..passwords import Hasher, default_hasher
from ..sessions import SessionPolicy
from ..throttle import SigninLimits
from . import auth, drafts, exporting, queue, reviewing, stats_page
from .auth import SIGNIN_MAX_BODY
from .errors import error_page, handlers, unexpected_error
from .gate import PasswordGate
from .messages import too_large
from .pages import STATIC_DIR, WebState, make_templates, state
from .secret import session_secret
from .security import CSRFMiddleware, SecurityHeadersMiddleware
from .sessions import SESSION_COOKIE, SessionUserMiddleware

__all__ = ["FORM_COOKIE", "SESSION_COOKIE", "allowed_hosts", "create_app"]

FORM_COOKIE = "laydraft_form"
FORM_COOKIE_HOURS = 12


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


def _too_large(request: Request, limit: int) -> Response:
    """A request body over the limit gets the site's own error page, phrased for a browser."""
    most = state(request).settings.max_input_bytes
    message = too_large("", most) if limit >= most else (
        "That form sent far more than this page accepts. Go back, check what you typed, "
        "and try again.")
    return error_page(request, "Too large", message, 413)


def allowed_hosts(settings: Settings, extra: Sequence[str] = ()) -> list[str]:
    """The Host header values the app answers to: the setting, plus e.g. the --host served on.

    Wildcard listen addresses (0.0.0.0, ::) are not names anyone browses to, so they add
    nothing; list the public name in ``allowed_hosts`` instead.
    """
    hosts = [*settings.allowed_hosts]
    for host in extra:
        if host and host not in ("0.0.0.0", "::", "[::]") and host not in hosts:
            hosts.append(host)
    return hosts


@asynccontextmanager
async def _lifespan(owned: Store | None, _app: Starlette) -> AsyncIterator[None]:
    """Close the store the app opened itself when the server stops (a store passed in is
    its caller's to close)."""
    try:
        yield
    finally:
        if owned is not None:
            owned.close()


def create_app(settings: Settings, store: Store | None = None, secret: str | None = None,
               secure_cookies: bool = False, hosts: Sequence[str] = (),
               hasher: Hasher | None = None,
               clock: Callable[[], datetime] | None = None) -> Starlette:
    """The web app over one store; the secret (for the form cookie) defaults to
    ``session_secret()``.

    ``secure_cookies`` (or the setting) marks the cookies HTTPS-only, for a server behind a
    TLS proxy. ``hosts`` are added to ``allowed_hosts``. ``hasher`` and ``clock`` replace the
    password hasher and the time source (tests instrument them).
    """
    secure = secure_cookies or settings.secure_cookies
    owned: Store | None = None
    if store is None:
        store = owned = Store(settings.database_url())
    web = WebState(settings=settings, store=store,
                   templates=make_templates(),
                   session_policy=SessionPolicy.from_settings(settings),
                   signin_limits=SigninLimits.from_settings(settings),
                   password_checks=PasswordGate(settings.signin_concurrency,
                                                settings.signin_wait_seconds),
                   hasher=hasher or default_hasher(), clock=clock or utcnow,
                   secure_cookies=secure)
    max_body = settings.max_input_bytes + 1024 * 1024
    app = Starlette(
        routes=[*auth.routes, *queue.routes, *drafts.routes, *reviewing.routes,
                *exporting.routes, *stats_page.routes, Mount("/static", StaticFiles(directory=STATIC_DIR),
                                         name="static")],
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings, hosts),
                       www_redirect=False),
            Middleware(SessionMiddleware, secret_key=secret or session_secret(os.environ),
                       session_cookie=FORM_COOKIE, max_age=FORM_COOKIE_HOURS * 3600,
                       same_site="lax", https_only=secure),
            Middleware(ErrorPageMiddleware),
            Middleware(SessionUserMiddleware, web=web),
            Middleware(CSRFMiddleware, max_body=max_body, refuse=_csrf_refusal,
                       max_part_size=settings.max_input_bytes + 1024,
                       path_limits={"/signin": SIGNIN_MAX_BODY}, too_large=_too_large),
        ],
        exception_handlers=handlers,
        lifespan=partial(_lifespan, owned),
    )
    app.state.laydraft = web
    return app
