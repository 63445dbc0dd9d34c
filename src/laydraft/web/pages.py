"""What every page needs: the app's state, the signed-in user, flashes and rendering."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from ..config import Settings
from ..db import Store
from ..errors import ErrorCode, NotFoundError
from ..models import SECTION_TITLES, DraftStatus, User, utcnow
from ..passwords import Hasher
from ..sessions import SessionPolicy
from ..text.escaping import safe_url
from ..throttle import SigninLimits
from . import marks
from .gate import PasswordGate
from .security import CSRF_FIELD, csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
STATUS_LABELS = {
    DraftStatus.pending_review: "Waiting for review",
    DraftStatus.in_review: "In review",
    DraftStatus.changes_requested: "Changes requested",
    DraftStatus.approved: "Approved",
    DraftStatus.rejected: "Rejected",
    DraftStatus.published: "Published",
    DraftStatus.withdrawn: "Withdrawn",
}
T = TypeVar("T")
Endpoint = Callable[[Request], Awaitable[Response]]


# Where ``web.sessions.SessionUserMiddleware`` leaves the signed-in user and their session id.
USER_KEY = "laydraft.user"
SESSION_ID_KEY = "laydraft.session_id"


@dataclass
class WebState:
    """Held on ``app.state.laydraft``: the settings, store and sign-in machinery routes use.

    ``clock`` gives the current moment for sessions and throttling (tests pass their own).
    """

    settings: Settings
    store: Store
    templates: Jinja2Templates
    session_policy: SessionPolicy
    signin_limits: SigninLimits
    password_checks: PasswordGate
    hasher: Hasher
    clock: Callable[[], datetime] = utcnow
    secure_cookies: bool = False


def state(request: HTTPConnection) -> WebState:
    web: WebState = request.app.state.laydraft
    return web


def current_user(request: HTTPConnection) -> User | None:
    """The signed-in account, with its role as the database has it now; None if nobody."""
    user = request.scope.get(USER_KEY)
    return user if isinstance(user, User) else None


def user_name(request: HTTPConnection) -> str:
    """The signed-in account's name, or "" when nobody is signed in."""
    user = current_user(request)
    return user.name if user else ""


MAX_PATH_ID = 2**31 - 1  # the largest id either database stores (PostgreSQL INTEGER)


def path_id(request: HTTPConnection, name: str) -> int:
    """A numeric id from the address; one no database could hold is simply not found (404)."""
    value = int(request.path_params[name])
    if not 0 < value <= MAX_PATH_ID:
        raise NotFoundError(f"no draft with id {value}", code=ErrorCode.DRAFT_NOT_FOUND,
                            draft_id=value)
    return value


def flash(request: Request, message: str, kind: str = "info") -> None:
    """A message shown once, on the next page this session loads."""
    request.session["flash"] = [*request.session.get("flash", []), [kind, message]]


def _common(request: Request) -> dict[str, Any]:
    has_session = "session" in request.scope
    user = current_user(request)
    return {
        "user": user.name if user else None,
        "role": user.role.value if user else None,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request) if has_session else "",
        "flashes": request.session.pop("flash", []) if has_session else [],
    }


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(section_titles=SECTION_TITLES, status_labels=STATUS_LABELS,
                       marked=marks.marked, finding_title=marks.finding_title,
                       is_whole=marks.is_whole)
    env.filters["when"] = lambda moment: f"{moment:%Y-%m-%d %H:%M}" if moment else "—"
    env.filters["safe_url"] = safe_url
    return Jinja2Templates(env=env, context_processors=[_common])


def render(request: Request, name: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> Response:
    return state(request).templates.TemplateResponse(request, name, context or {},
                                                     status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything else goes to the queue."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/queue"


def login_required(endpoint: Endpoint) -> Endpoint:
    """Send visitors without a session to the sign-in page, remembering where they were."""

    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        if current_user(request) is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if request.method != "GET":
                target = "/queue"
            return redirect(str(URL("/signin").include_query_params(next=target)))
        return await endpoint(request)

    return guarded


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a (blocking) library call off the event loop."""
    return await run_in_threadpool(fn, *args, **kwargs)


async def form_text(request: Request) -> dict[str, str]:
    """The posted form's text fields (uploads are read separately)."""
    form = await request.form(max_part_size=state(request).settings.max_input_bytes + 1024)
    return {key: value for key, value in form.items() if isinstance(value, str)}
