"""Who is signed in: the session cookie, resolved against the database on every request.

The ``laydraft_session`` cookie carries only a random session id (HttpOnly, SameSite=Lax,
Secure on https or when configured); ``laydraft.sessions`` keeps the sessions themselves.
``SessionUserMiddleware`` looks the id up before any route runs and puts the account (with its
current role) in the request scope, where ``pages.current_user`` finds it. A cookie whose
session has ended (signed out, expired, role or password changed, account removed) resolves
to nobody, and the middleware tells the browser to drop it.

The separate signed ``laydraft_form`` cookie (Starlette's SessionMiddleware) holds only the
CSRF token and one-time flash messages; it says nothing about who is signed in.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import sessions
from ..models import User
from .pages import SESSION_ID_KEY, USER_KEY, WebState, state

SESSION_COOKIE = "laydraft_session"


def _secure(request: HTTPConnection) -> bool:
    return state(request).secure_cookies or request.url.scheme == "https"


def session_id(request: HTTPConnection) -> str | None:
    """The id of the session this request belongs to, if it is a live one."""
    found = request.scope.get(SESSION_ID_KEY)
    return found if isinstance(found, str) else None


async def begin(request: Request, response: Response, user: User) -> None:
    """Start a new session for ``user`` (deleting the one this browser had) and set its cookie."""
    web = state(request)
    presented = request.cookies.get(SESSION_COOKIE)
    new_id = await run_in_threadpool(sessions.start_session, web.store, user.name,
                                     web.session_policy, web.clock(), presented)
    response.set_cookie(SESSION_COOKIE, new_id,
                        max_age=int(web.session_policy.lifetime.total_seconds()), path="/",
                        secure=_secure(request), httponly=True, samesite="lax")


async def end(request: Request, response: Response) -> None:
    """Sign out: delete the session this browser presented and clear its cookie."""
    web = state(request)
    await run_in_threadpool(sessions.end_session, web.store,
                            request.cookies.get(SESSION_COOKIE))
    forget(request, response)


def forget(request: HTTPConnection, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=_secure(request), httponly=True,
                           samesite="lax")


class SessionUserMiddleware:
    """Resolves the session cookie to the signed-in user before the routes run."""

    def __init__(self, app: ASGIApp, web: WebState) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        presented = connection.cookies.get(SESSION_COOKIE)
        user = None
        if presented:
            user = await run_in_threadpool(sessions.resume_session, self.web.store, presented,
                                           self.web.session_policy, self.web.clock())
        scope[USER_KEY] = user
        scope[SESSION_ID_KEY] = presented if user else None
        if not presented or user is not None:
            await self.app(scope, receive, send)
            return

        async def dropping_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not any(value.startswith(f"{SESSION_COOKIE}=")
                           for value in headers.getlist("set-cookie")):
                    stale = Response()
                    forget(connection, stale)
                    headers.append("set-cookie", stale.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, dropping_cookie)
