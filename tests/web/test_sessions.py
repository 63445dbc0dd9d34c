"""Server-side sessions, sign-in throttling, bounded password checks and the Host check.

Time is injected (a clock the test moves), never slept for; the password-check bound is
asserted with an instrumented hasher that counts how many checks run at once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from laydraft import users
from laydraft.config import Settings
from laydraft.db import Store
from laydraft.models import DraftStatus, Role
from laydraft.passwords import Argon2Hasher
from laydraft.web import create_app
from laydraft.web.app import FORM_COOKIE, SESSION_COOKIE, allowed_hosts
from laydraft.web.pages import current_user

from .conftest import PASSWORD, SECRET, queue_draft, sign_in, token_from

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """The app's idea of now, moved by the test."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class CountingHasher(Argon2Hasher):
    """The real hasher, counting checks and the most that ever ran at the same time."""

    def __init__(self, hold: float = 0.0) -> None:
        super().__init__()
        self.hold = hold
        self.calls = 0
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def verify(self, digest: str, password: str) -> bool:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            if self.hold:
                time.sleep(self.hold)  # keeps the check busy so overlaps would show
            return super().verify(digest, password)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


@pytest.fixture
def app(settings: Settings, store: Store, clock: Clock, hasher: CountingHasher):  # noqa: ANN201
    made = create_app(settings, store, secret=SECRET, clock=clock, hasher=hasher)

    async def whoami(request: Request) -> PlainTextResponse:
        user = current_user(request)
        return PlainTextResponse(f"{user.name} {user.role.value}" if user else "nobody")

    made.router.routes.append(Route("/whoami", whoami))
    return made


def replay(app, cookies: dict[str, str]) -> TestClient:  # noqa: ANN001
    """A second browser that presents exactly these cookies."""
    other = TestClient(app, follow_redirects=False)
    for name, value in cookies.items():
        other.cookies.set(name, value)
    return other


def saved_cookies(client: TestClient) -> dict[str, str]:
    return {name: client.cookies[name] for name in (SESSION_COOKIE, FORM_COOKIE)}


def post_signin(client: TestClient, name: str, password: str) -> object:
    page = client.get("/signin")
    token = token_from(page.text if page.status_code == 200 else client.get("/queue").text)
    return client.post("/signin", data={"name": name, "password": password,
                                        "csrf_token": token, "next": "/queue"})


# -- an ended session stays ended ---------------------------------------------------------------

def _end_by_signing_out(client: TestClient, store: Store, token: str) -> None:
    assert client.post("/signout", data={"csrf_token": token}).status_code == 303


ENDINGS: dict[str, Callable[[TestClient, Store, str], None]] = {
    "sign-out": _end_by_signing_out,
    "password change": lambda c, s, t: users.change_password(s, "alice", "a new long password"),
    "role change": lambda c, s, t: users.set_role(s, "alice", Role.reviewer),
    "user removal": lambda c, s, t: users.remove_user(s, "alice"),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_replayed_cookie_fails_after_the_session_ends(app, client: TestClient, store: Store,  # noqa: ANN001
                                                        settings: Settings, alice: str,
                                                        ending: str) -> None:
    users.create_user(store, "root", PASSWORD, role=Role.admin)  # so alice need not be the last
    draft = queue_draft(store, settings)
    token = sign_in(client, alice)
    old = saved_cookies(client)
    with replay(app, old) as before:
        assert before.get("/queue").status_code == 200  # the copied cookie works until then

    ENDINGS[ending](client, store, token)

    with replay(app, old) as thief:
        page = thief.get("/queue")
        assert page.status_code == 303 and page.headers["location"].startswith("/signin")
        assert thief.get("/whoami").text == "nobody"
        posted = thief.post(f"/drafts/{draft.id}/claim", data={"csrf_token": token})
        assert posted.status_code == 303 and posted.headers["location"].startswith("/signin")
    assert store.get(draft.id).status is DraftStatus.pending_review
    assert store.count_sessions("alice") == 0


def test_a_stale_cookie_is_dropped_by_the_browser(app, client: TestClient, alice: str) -> None:  # noqa: ANN001
    token = sign_in(client, alice)
    old = saved_cookies(client)
    client.post("/signout", data={"csrf_token": token})
    with replay(app, old) as thief:
        response = thief.get("/queue")
    dropped = [c for c in response.headers.get_list("set-cookie")
               if c.startswith(f"{SESSION_COOKIE}=")]
    assert dropped and ('Max-Age=0' in dropped[0] or "expires=" in dropped[0].lower())


def test_the_signed_in_user_is_known_with_the_current_role(client: TestClient, store: Store,
                                                           alice: str) -> None:
    assert client.get("/whoami").text == "nobody"
    sign_in(client, alice)
    assert client.get("/whoami").text == "alice admin"


def test_signing_in_replaces_the_id_the_browser_had(app, client: TestClient, store: Store,  # noqa: ANN001
                                                    alice: str) -> None:
    sign_in(client, alice)
    first = client.cookies[SESSION_COOKIE]
    sign_in_again = post_signin(client, alice, PASSWORD)
    assert sign_in_again.status_code == 303  # type: ignore[attr-defined]
    second = client.cookies[SESSION_COOKIE]
    assert second != first
    assert store.count_sessions("alice") == 1
    with replay(app, {SESSION_COOKIE: first}) as old:
        assert old.get("/whoami").text == "nobody"


def test_the_session_cookie_carries_only_an_id_with_safe_flags(client: TestClient,
                                                               alice: str) -> None:
    response = post_signin(client, alice, PASSWORD)
    cookie = next(c for c in response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
                  if c.startswith(f"{SESSION_COOKIE}="))
    value = cookie.split(";")[0].split("=", 1)[1]
    assert "alice" not in value and len(value) == 43
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # plain http on a test server


def test_the_cookie_is_secure_on_https(settings: Settings, store: Store, alice: str) -> None:
    app = create_app(settings, store, secret=SECRET)
    with TestClient(app, base_url="https://localhost", follow_redirects=False) as secure:
        response = post_signin(secure, alice, PASSWORD)
        cookies = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    assert all("secure" in c.lower() for c in cookies if c.startswith(SESSION_COOKIE))


def test_the_cookie_is_secure_when_configured(settings: Settings, store: Store,
                                              alice: str) -> None:
    """Behind a TLS proxy the app itself sees plain http; the setting still marks it Secure."""
    configured = settings.model_copy(update={"secure_cookies": True})
    with TestClient(create_app(configured, store, secret=SECRET),
                    follow_redirects=False) as client:
        page = client.get("/signin")
        form_cookie = page.headers["set-cookie"].split(";")[0]
        assert "secure" in page.headers["set-cookie"].lower()
        response = client.post("/signin", headers={"cookie": form_cookie}, data={
            "name": alice, "password": PASSWORD, "csrf_token": token_from(page.text)})
    assert response.status_code == 303, response.text
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith(f"{SESSION_COOKIE}="))
    assert "secure" in cookie.lower()


def test_an_idle_session_ends(client: TestClient, clock: Clock, alice: str) -> None:
    sign_in(client, alice)
    clock.advance(minutes=59)
    assert client.get("/queue").status_code == 200
    clock.advance(minutes=59)
    assert client.get("/queue").status_code == 200
    clock.advance(minutes=61)
    assert client.get("/queue").status_code == 303


def test_a_session_ends_at_its_absolute_limit_however_busy(client: TestClient, clock: Clock,
                                                           alice: str) -> None:
    sign_in(client, alice)
    for _ in range(23):
        clock.advance(minutes=30)
        assert client.get("/queue").status_code == 200
    clock.advance(minutes=30)  # 12 hours after signing in
    assert client.get("/queue").status_code == 303


# -- throttling ----------------------------------------------------------------------------------

def test_after_five_wrong_passwords_even_the_right_one_is_refused_until_the_window_passes(
        client: TestClient, clock: Clock, hasher: CountingHasher, alice: str) -> None:
    for _ in range(5):
        assert post_signin(client, alice, "wrong password!").status_code == 401  # type: ignore[attr-defined]
    assert hasher.calls == 5
    refused = post_signin(client, alice, PASSWORD)
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert "Try again in 15 minutes" in refused.text  # type: ignore[attr-defined]
    assert refused.headers["retry-after"] == "900"  # type: ignore[attr-defined]
    assert hasher.calls == 5  # refused without checking the password
    clock.advance(minutes=14)
    again = post_signin(client, alice, PASSWORD)
    assert again.status_code == 429 and "Try again in 1 minute." in again.text  # type: ignore[attr-defined]
    clock.advance(minutes=1)
    assert post_signin(client, alice, PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_a_success_resets_the_account_count(client: TestClient, alice: str) -> None:
    for _ in range(4):
        post_signin(client, alice, "wrong password!")
    assert post_signin(client, alice, PASSWORD).status_code == 303  # type: ignore[attr-defined]
    for _ in range(4):
        assert post_signin(client, alice, "wrong password!").status_code == 401  # type: ignore[attr-defined]
    assert post_signin(client, alice, PASSWORD).status_code == 303  # type: ignore[attr-defined]


def test_one_address_guessing_many_names_is_throttled(client: TestClient, store: Store,
                                                      alice: str) -> None:
    for n in range(20):
        assert post_signin(client, f"guess{n}", "wrong password!").status_code == 401  # type: ignore[attr-defined]
    refused = post_signin(client, alice, PASSWORD)
    assert refused.status_code == 429  # type: ignore[attr-defined]


def test_the_sign_in_form_body_is_bounded(client: TestClient, alice: str) -> None:
    token = token_from(client.get("/signin").text)
    response = client.post("/signin", data={"name": alice, "password": "p" * 40_000,
                                            "csrf_token": token})
    assert response.status_code == 413


# -- password checks are bounded -----------------------------------------------------------------

def _flood(app, names: list[str], password: str) -> list[int]:  # noqa: ANN001
    """Sign-ins sent all at once, as one client would in a flood; their status codes."""
    import httpx2

    async def run() -> list[int]:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as web:
            token = token_from((await web.get("/signin")).text)
            sends = [web.post("/signin", data={"name": name, "password": password,
                                               "csrf_token": token}) for name in names]
            return [r.status_code for r in await asyncio.gather(*sends)]

    return asyncio.run(run())


def _unthrottled(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update={"signin_account_limit": 0, "signin_address_limit": 0,
                                       **changes})


def test_a_flood_of_sign_ins_never_runs_more_checks_at_once_than_allowed(
        settings: Settings, store: Store) -> None:
    names = [f"user{n}" for n in range(12)]
    for name in names:
        users.create_user(store, name, PASSWORD)
    hasher = CountingHasher(hold=0.05)
    bounded = _unthrottled(settings, signin_concurrency=2, signin_wait_seconds=60)
    codes = _flood(create_app(bounded, store, secret=SECRET, hasher=hasher), names, PASSWORD)
    assert codes == [303] * 12
    assert hasher.calls == 12
    assert hasher.most == 2  # the flood did overlap, but never beyond the bound


def test_sign_ins_that_find_no_free_check_are_told_the_site_is_busy(
        settings: Settings, store: Store) -> None:
    names = [f"user{n}" for n in range(8)]
    hasher = CountingHasher(hold=0.2)
    bounded = _unthrottled(settings, signin_concurrency=1, signin_wait_seconds=0)
    codes = _flood(create_app(bounded, store, secret=SECRET, hasher=hasher), names, "x" * 12)
    assert hasher.most == 1
    assert 503 in codes and set(codes) <= {401, 503}
    assert hasher.calls == codes.count(401)


def test_password_checks_run_off_the_event_loop(settings: Settings, store: Store) -> None:
    users.create_user(store, "ada", PASSWORD)
    seen: list[bool] = []

    class Watching(Argon2Hasher):
        def verify(self, digest: str, password: str) -> bool:
            try:
                asyncio.get_running_loop()
                seen.append(True)
            except RuntimeError:
                seen.append(False)
            return super().verify(digest, password)

    app = create_app(settings, store, secret=SECRET, hasher=Watching())
    with TestClient(app, follow_redirects=False) as client:
        assert post_signin(client, "ada", PASSWORD).status_code == 303  # type: ignore[attr-defined]
    assert seen == [False]


# -- the Host header -----------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil"])
def test_a_host_header_not_configured_is_refused(client: TestClient, host: str) -> None:
    response = client.get("/signin", headers={"host": host})
    assert response.status_code == 400


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1", "testserver"])
def test_configured_hosts_are_served(client: TestClient, host: str) -> None:
    assert client.get("/signin", headers={"host": host}).status_code == 200


def test_the_served_host_is_added_but_wildcard_addresses_are_not(settings: Settings) -> None:
    defaults = Settings()
    assert allowed_hosts(defaults) == ["127.0.0.1", "localhost"]
    assert allowed_hosts(defaults, ["review.example.org"]) == [
        "127.0.0.1", "localhost", "review.example.org"]
    assert allowed_hosts(defaults, ["0.0.0.0", "::"]) == ["127.0.0.1", "localhost"]


def test_the_default_app_refuses_other_hosts(store: Store) -> None:
    app = create_app(Settings(drafter="offline"), store, secret=SECRET, hosts=["review.local"])
    with TestClient(app, base_url="http://review.local", follow_redirects=False) as client:
        assert client.get("/signin").status_code == 200
        assert client.get("/signin", headers={"host": "testserver"}).status_code == 400


def test_allowed_hosts_can_be_set_from_the_environment() -> None:
    from laydraft.config import load_settings

    loaded = load_settings(environ={"LAYDRAFT_ALLOWED_HOSTS": "a.example, b.example"})
    assert loaded.allowed_hosts == ["a.example", "b.example"]

