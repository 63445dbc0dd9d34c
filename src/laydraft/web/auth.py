"""Signing in and out. Accounts are made on the command line (`laydraft user add NAME`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import users
from .pages import call, current_user, form_text, redirect, render, safe_next, state


async def signin_page(request: Request) -> Response:
    if current_user(request):
        return redirect(safe_next(request.query_params.get("next")))
    return render(request, "signin.html", {"name": "", "error": None,
                                           "next": safe_next(request.query_params.get("next"))})


async def signin(request: Request) -> Response:
    form = await form_text(request)
    name, password = form.get("name", "").strip(), form.get("password", "")
    target = safe_next(form.get("next"))
    user = await call(users.authenticate, state(request).store, name, password) \
        if name and password else None
    if user is None:
        return render(request, "signin.html", {
            "name": name, "next": target,
            "error": "That name and password do not match an account.",
        }, status_code=401)
    request.session.clear()  # a fresh session (and CSRF token) for the signed-in user
    request.session["user"] = user.name
    return redirect(target)


async def signout(request: Request) -> Response:
    request.session.clear()
    return redirect("/signin")


routes = [
    Route("/signin", signin_page, methods=["GET"], name="signin"),
    Route("/signin", signin, methods=["POST"]),
    Route("/signout", signout, methods=["POST"], name="signout"),
]
