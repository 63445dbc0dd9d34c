"""The review workflow's guards in a real headless Chromium: roles, four eyes, overrides.

The app runs in this process (uvicorn on a thread, 127.0.0.1, a free port) so accounts can be
given roles with the ``grant`` fixture; sockets are allowed to 127.0.0.1 only. Every page fails
the test on a dialog or script error.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright)")

import uvicorn  # noqa: E402

from laydraft.config import Settings  # noqa: E402
from laydraft.db import Store  # noqa: E402
from laydraft.models import DraftStatus  # noqa: E402
from laydraft.users import create_user  # noqa: E402
from laydraft.web import create_app  # noqa: E402

from .conftest import PASSWORD, SECRET, example_text  # noqa: E402
from .test_e2e import CHROMIUM, CHROMIUM_ARGS, Watched, shot, sign_in  # noqa: E402

Browser = sync_api.Browser
Page = sync_api.Page
expect = sync_api.expect
Grant = Callable[[Store, str, str], None]
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
    # the app listens on 127.0.0.1 in this process; nothing else may be reached
    pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"]),
]


@pytest.fixture
def server(settings: Settings, store: Store, grant: Grant) -> Iterator[str]:
    """The app with ed (editor), rita and rob (reviewers) and ada (admin); yields its URL."""
    for name, role in (("ed", "editor"), ("rita", "reviewer"), ("rob", "reviewer"),
                       ("ada", "admin")):
        create_user(store, name, PASSWORD)
        grant(store, name, role)
    app = create_app(settings, store, secret=SECRET)
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "the app did not start"
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True)
        yield launched
        launched.close()


def as_person(browser: Browser, server: str, name: str) -> Watched:
    opened = Watched(browser, server)
    sign_in(opened.page, name)
    return opened


def test_four_eyes_and_the_override_flow_in_the_browser(browser: Browser, server: str,
                                                        store: Store) -> None:
    rita = as_person(browser, server, "rita")
    rob = as_person(browser, server, "rob")
    ed = as_person(browser, server, "ed")
    try:
        page = ed.page  # an editor drafts, but sees no claim button
        page.goto("/draft")
        page.get_by_label("Abstract").fill(example_text())
        page.get_by_role("button", name="Draft and queue").click()
        expect(page).to_have_url(re.compile(r"/drafts/\d+/queued$"))
        page.get_by_role("link", name=re.compile(r"^Open draft #\d+$")).click()
        expect(page).to_have_url(re.compile(r"/drafts/\d+$"))
        path = page.url.split(server, 1)[1]
        expect(page.get_by_role("button", name="Claim for review")).to_have_count(0)
        expect(page.locator(".actions")).to_contain_text("Your role (editor)")

        page = rita.page  # rita claims and adds a number the abstract does not have
        page.goto(path)
        page.get_by_role("button", name="Claim for review").click()
        section = page.locator("#section-why_it_matters")
        section.get_by_text("Edit why it matters").click()
        box = section.locator("textarea")
        box.fill(box.input_value() + " About 9,999 people took part.")
        section.get_by_role("button", name="Save why it matters").click()
        expect(page.locator(".flash.success")).to_contain_text("Saved version 2")
        expect(page.get_by_role("button", name="Approve")).to_have_count(0)
        expect(page.locator("#four-eyes")).to_contain_text(
            "you saved its current version, so another reviewer must approve it")
        shot(page, "20-four-eyes")
        page.get_by_role("button", name="Release").click()
        expect(page.locator("#status")).to_have_text("Waiting for review")

        page = rob.page  # rob claims; approving without a reason is refused
        page.goto(path)
        page.get_by_role("button", name="Claim for review").click()
        expect(page.locator("#overrides")).to_contain_text("9,999")
        expect(page.locator("#warnings-summary")).to_contain_text("Approving accepts 1 warning")
        page.get_by_role("button", name="Approve").click()
        expect(page.locator(".flash.error")).to_contain_text("was not approved")
        expect(page.locator("#status")).to_have_text("In review")
        shot(page, "21-approve-refused-errors")
        page.get_by_label("Reason to override finding 1").fill("Table 2 of the paper: 9,999.")
        page.get_by_role("button", name="Approve").click()
        expect(page.locator("#status")).to_have_text("Approved")
        expect(page.locator(".flash.info")).to_contain_text("Approved with 1 warning")
        expect(page.locator("#overridden")).to_contain_text("Table 2 of the paper: 9,999.")
        expect(page.locator("#section-why_it_matters mark.finding.error")).to_have_text("9,999")
        page.get_by_role("link", name="History", exact=True).click()
        expect(page.locator("#overrides")).to_contain_text("Table 2 of the paper: 9,999.")
        expect(page.locator("#overrides")).to_contain_text("rob")
        shot(page, "22-history-overrides")
        page.goto(f"{path}/preview")  # a reviewer may not publish
        expect(page.get_by_role("button", name="Download Markdown")).to_have_count(0)
        expect(page.locator(".downloads")).to_contain_text("Only an admin publishes")
        assert store.get(int(path.rsplit("/", 1)[1])).status is DraftStatus.approved
    finally:
        for opened in (rita, rob, ed):
            opened.close()


def test_an_admin_corrects_and_withdraws_in_the_browser(browser: Browser, server: str,
                                                        store: Store) -> None:
    rita = as_person(browser, server, "rita")
    ada = as_person(browser, server, "ada")
    try:
        page = rita.page
        page.goto("/draft")
        page.get_by_label("Abstract").fill(example_text())
        page.get_by_role("button", name="Draft and queue").click()
        expect(page).to_have_url(re.compile(r"/drafts/\d+/queued$"))
        page.get_by_role("link", name=re.compile(r"^Open draft #\d+$")).click()
        expect(page).to_have_url(re.compile(r"/drafts/\d+$"))
        path = page.url.split(server, 1)[1]
        page = ada.page
        page.goto(path)
        page.get_by_role("button", name="Claim for review").click()
        page.get_by_role("button", name="Approve").click()
        expect(page.locator("#status")).to_have_text("Approved")
        page.goto(f"{path}/preview")
        page.get_by_label("I have read this page and want to publish it").check()
        page.get_by_role("button", name="Publish").click()
        with page.expect_download():
            page.get_by_role("button", name="Download HTML").click()
        page.goto(path)
        expect(page.locator("#status")).to_have_text("Published")
        page.get_by_text("Correct the published page").click()
        page.locator(".correct textarea[name=headline]").fill(
            "Poor sleep was linked to more relapses in one clinic")
        page.get_by_label("Correction note", exact=True).fill(
            "The headline now names the single clinic.")
        page.get_by_role("button", name="Save correction").click()
        expect(page.locator(".flash.success")).to_contain_text("Corrected")
        page.goto(f"{path}/preview")
        frame = page.frame_locator("iframe.preview-frame")
        expect(frame.locator(".correction")).to_contain_text(
            "The headline now names the single clinic.")
        shot(page, "23-corrected-page")
        page.goto(path)
        page.get_by_label("Reason for withdrawal").fill("The journal retracted the study.")
        page.get_by_role("button", name="Withdraw").click()
        expect(page.locator("#status")).to_have_text("Withdrawn")
        page.goto(f"{path}/preview")
        frame = page.frame_locator("iframe.preview-frame")
        expect(frame.locator(".withdrawn")).to_contain_text("The journal retracted the study.")
        expect(frame.locator("section.what_was_found")).to_have_count(0)
        shot(page, "24-withdrawn-page")
    finally:
        rita.close()
        ada.close()
