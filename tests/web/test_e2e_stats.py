"""The stats page in a real headless Chromium: reached from the queue, charts drawn, CSP kept."""

# Fixtures imported from test_e2e_workflow.py are redefined as test arguments, as pytest intends.
# ruff: noqa: F811

from __future__ import annotations

import re
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api",
                               reason="Playwright is not installed (pip install playwright)")

from laydraft.config import Settings  # noqa: E402
from laydraft.db import Store  # noqa: E402

from .test_e2e import CHROMIUM, shot  # noqa: E402
from .test_e2e_workflow import as_person, browser, server  # noqa: E402, F401
from .test_stats_page import _decided_queue  # noqa: E402

Browser = sync_api.Browser
expect = sync_api.expect
pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
    pytest.mark.enable_socket, pytest.mark.allow_hosts(["127.0.0.1"]),
]


def test_stats_page_from_the_queue(browser: Browser, server: str, store: Store,
                                   settings: Settings) -> None:
    _decided_queue(store, settings, 8)
    ada = as_person(browser, server, "ada")
    console: list[str] = []
    try:
        page = ada.page
        page.on("console", lambda message: console.append(message.text))
        page.goto("/queue")
        page.get_by_role("link", name="Reviewer effort").click()
        expect(page).to_have_url(re.compile(r"/stats$"))
        expect(page.locator("h1")).to_have_text("Reviewer effort")
        page.get_by_label("Group by").select_option("reviewer")
        page.get_by_role("button", name="Show").click()
        expect(page).to_have_url(re.compile(r"/stats\?by=reviewer"))
        groups = page.locator("#chart-groups g.group")
        expect(groups).to_have_count(2)
        expect(page.locator('#chart-groups g.group[data-key="bob"] rect')).to_be_visible()
        box = page.locator('#chart-groups g.group[data-key="bob"] rect').bounding_box()
        assert box is not None and box["width"] >= 1 and box["height"] > 10
        expect(page.locator("#chart-time circle.week")).to_have_count(1)
        expect(page.locator("table.stats")).to_contain_text("too few to compare")
        shot(page, "40-stats")
        assert not [m for m in console if "Content Security Policy" in m], console
    finally:
        ada.close()
