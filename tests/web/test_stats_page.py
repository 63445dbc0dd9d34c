"""The stats page: effort by group and over time as inline SVG, linked from the queue."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from laydraft import review
from laydraft.config import Settings
from laydraft.db import Store
from laydraft.models import Role
from laydraft.users import create_user

from .conftest import PASSWORD, example_text, queue_draft, sign_in


def _decided_queue(store: Store, settings: Settings, count: int) -> None:
    for n in range(count):
        draft = queue_draft(store, settings, example_text() + f" (Cohort {n}.)")
        assert draft.id is not None
        if n % 2:  # every other draft needs its headline rewritten
            review.claim(store, draft.id, "carol")
            review.save_edit(store, draft.id, draft.summary.model_copy(update={
                "headline": "Poor sleep was linked to more flare-ups over two years."}),
                1, "carol", settings)
            review.release(store, draft.id, "carol")
        review.claim(store, draft.id, "bob" if n < 6 else "<b>dave</b>")
        review.transition(store, draft.id, "approve" if n != 2 else "reject",
                          "bob" if n < 6 else "<b>dave</b>")


def test_the_page_draws_groups_and_weeks_as_svg(client: TestClient, signed_in: str,
                                                store: Store, settings: Settings) -> None:
    assert 'href="/stats"' in client.get("/queue").text
    empty = client.get("/stats")
    assert empty.status_code == 200 and "No decided drafts yet" in empty.text
    _decided_queue(store, settings, 8)
    page = client.get("/stats?by=reviewer")
    assert page.status_code == 200
    html = page.text
    assert html.count('<g class="group"') == 2
    assert 'data-key="bob"' in html and "bob (n=6)" in html
    assert "&lt;b&gt;dave&lt;/b&gt;" in html and "<b>dave</b>" not in html  # escaped
    assert "(too few to compare)" in html  # dave decided only two
    assert html.count('<circle class="week"') == 1  # all decided this week
    assert "<script" not in html.split("</head>")[1]  # no inline script in the body
    median = re.search(r'data-key="bob" opacity="1">.*?class="median" x1="([\d.]+)"', html,
                       re.S)
    assert median is not None and 170 <= float(median.group(1)) <= 620
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    by_variant = client.get("/stats?by=variant&days=30")
    assert "(none) (n=8)" in by_variant.text
    assert client.get("/stats?by=nonsense").status_code == 200  # falls back to prompt


def test_the_page_needs_a_signed_in_user(client: TestClient, store: Store) -> None:
    create_user(store, "erin", PASSWORD, role=Role.editor)
    assert client.get("/stats").status_code == 303
    sign_in(client, "erin")
    assert client.get("/stats").status_code == 200
