"""Signing in and out. Accounts are made on the command line (`laydraft user add NAME`).

A sign-in is refused before its password is checked when the account or the client address
has too many recent failures (``laydraft.throttle``: 429), and waits for one of a few password
check slots (``gate.py``: 503 when none comes free). A success starts a new server-side
session (``sessions.py``) and a fresh CSRF token; signing out deletes the session.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import throttle, users
from . import sessions
from .gate import PasswordGateBusy
from .messages import web_message
from .pages import call, current_user, form_text, redirect, render, safe_next, state

# Name, password, next and the CSRF token fit easily; nothing bigger is read for a sign-in.
SIGNIN_MAX_BODY = 16 * 1024
NO_MATCH = "That name and password do not match an account."


async def signin_page(request: Request) -> Response:
    if current_user(request):
        return redirect(safe_next(request.query_params.get("next")))
    return render(request, "signin.html", {"name": "", "error": None,
                                           "next": safe_next(request.query_params.get("next"))})


def _refused(request: Request, name: str, target: str, message: str, status: int,
             retry_after: int | None = None) -> Response:
    response = render(request, "signin.html", {"name": name, "next": target, "error": message},
                      status_code=status)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def signin(request: Request) -> Response:
    form = await form_text(request)
    name, password = form.get("name", "").strip(), form.get("password", "")
    target = safe_next(form.get("next"))
    if not name or not password:
        return _refused(request, name, target, NO_MATCH, 401)
    web = state(request)
    address = request.client.host if request.client else "unknown"
    try:
        await call(throttle.admit, web.store, web.signin_limits, name, address, web.clock())
        user = await web.password_checks.run(users.authenticate, web.store, name, password,
                                             web.hasher)
    except (throttle.SigninThrottled, PasswordGateBusy) as exc:
        status = 429 if isinstance(exc, throttle.SigninThrottled) else 503
        return _refused(request, name, target, web_message(exc), status, exc.retry_after)
    if user is None:
        return _refused(request, name, target, NO_MATCH, 401)
    await call(throttle.succeeded, web.store, name)
    request.session.clear()  # a fresh CSRF token for the signed-in user
    response = redirect(target)
    await sessions.begin(request, response, user)
    return response


async def signout(request: Request) -> Response:
    request.session.clear()
    response = redirect("/signin")
    await sessions.end(request, response)
    return response


routes = [
    Route("/signin", signin_page, methods=["GET"], name="signin"),
    Route("/signin", signin, methods=["POST"]),
    Route("/signout", signout, methods=["POST"], name="signout"),
]
