"""Sessions that end, in a real headless Chromium against `laydraft serve`.

A browser signs in; its cookies are copied to a second, clean browser context (a "thief").
After sign-out, a password change, a role change or the account's removal (the last three
with the real `laydraft user` commands), both the copied cookies and the original browser
land on the sign-in page, and a POST made with them is refused. Throttling is shown on the
sign-in page itself. Skips when Playwright or Chromium is missing, like test_e2e.py.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright)")

from .conftest import PASSWORD  # noqa: E402
from .test_e2e import CHROMIUM, Watched, _laydraft, _server_env, browser  # noqa: E402, F401

Page = sync_api.Page
expect = sync_api.expect
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"Chromium not found at {CHROMIUM} "
                                       "(apt-get install chromium)")


class Server:
    """`laydraft serve` on a free port of 127.0.0.1, and the CLI against the same database."""

    def __init__(self, root: Path) -> None:
        self.env = _server_env(root)
        self.url = ""

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(_laydraft(*args), input=stdin, env=self.env, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("e2e-sessions"))
    running.cli("user", "add", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    proc = subprocess.Popen(_laydraft("serve", "--host", "127.0.0.1", "--port", "0"),
                            env=running.env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True)
    started = threading.Event()
    log: list[str] = []

    def watch() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            log.append(line)
            match = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line)
            if match:
                running.url = match.group(1)
                started.set()
        started.set()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started.wait(60)
    if not running.url:
        proc.kill()
        pytest.fail("laydraft serve did not start:\n" + "".join(log))
    yield running
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    watcher.join(10)
    assert proc.stderr is not None
    proc.stderr.close()
    assert not any("Traceback" in line for line in log), "".join(log)


def sign_in(page: Page, name: str, password: str = PASSWORD) -> None:
    page.goto("/signin")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def csrf_token(page: Page) -> str:
    return str(page.locator("input[name=csrf_token]").first.get_attribute("value"))


ENDINGS = ["sign-out", "password change", "role change", "user removal"]


@pytest.mark.parametrize("ending", ENDINGS)
def test_an_ended_session_cannot_be_replayed(browser, server: Server, ending: str) -> None:  # noqa: ANN001, F811
    name = "user-" + ending.replace(" ", "-")
    server.cli("user", "add", name, "--role", "reviewer", "--password-stdin", stdin=PASSWORD)
    owner, thief = Watched(browser, server.url), Watched(browser, server.url)
    try:
        page = owner.page
        sign_in(page, name)
        expect(page).to_have_url(re.compile(r"/queue$"))
        expect(page.locator(".who")).to_contain_text(f"{name} (reviewer)")
        token = csrf_token(page)
        stolen = owner.context.cookies()
        assert {c["name"] for c in stolen} >= {"laydraft_session", "laydraft_form"}
        session = next(c for c in stolen if c["name"] == "laydraft_session")
        assert session["httpOnly"] and session["sameSite"] == "Lax"
        thief.context.add_cookies(stolen)  # type: ignore[arg-type]
        thief.page.goto("/queue")
        expect(thief.page).to_have_url(re.compile(r"/queue$"))  # a copy works while it lasts

        if ending == "sign-out":
            page.get_by_role("button", name="Sign out").click()
            expect(page).to_have_url(re.compile(r"/signin$"))
        elif ending == "password change":
            server.cli("user", "passwd", name, "--password-stdin",
                       stdin="a different password\n")
        elif ending == "role change":
            server.cli("user", "role", name, "editor")
        else:
            server.cli("user", "remove", name)

        for who in (owner, thief):
            who.page.goto("/queue")
            expect(who.page).to_have_url(re.compile(r"/signin\?next="))
        thief.context.clear_cookies()
        thief.context.add_cookies(stolen)  # type: ignore[arg-type]
        posted = thief.context.request.post(f"{server.url}/draft", max_redirects=0, form={
            "csrf_token": token, "text": "An abstract that must not be queued.",
            "drafter": "offline"})
        assert posted.status == 303
        assert posted.headers["location"].startswith("/signin")
    finally:
        owner.close()
        thief.close()


def test_repeated_wrong_passwords_are_throttled_in_the_browser(browser, server: Server) -> None:  # noqa: ANN001, F811
    server.cli("user", "add", "tess", "--password-stdin", stdin=PASSWORD)
    watched = Watched(browser, server.url)
    try:
        page = watched.page
        for _ in range(5):
            sign_in(page, "tess", "not the password")
            expect(page.get_by_role("alert")).to_contain_text("do not match an account")
        sign_in(page, "tess")  # the right password, too late
        expect(page.get_by_role("alert")).to_contain_text(
            "Too many sign-in attempts. Try again in 15 minutes.")
        expect(page).to_have_url(re.compile(r"/signin$"))
        page.goto("/queue")
        expect(page).to_have_url(re.compile(r"/signin\?next="))
    finally:
        watched.close()
