"""The draft page does not queue an abstract twice: it goes to the queued draft and says so."""

from __future__ import annotations

from starlette.testclient import TestClient

from laydraft.db import Store

from .conftest import example_text


def test_the_web_page_goes_to_the_queued_draft_and_offers_drafting_again(
        client: TestClient, signed_in: str, store: Store) -> None:
    form = {"csrf_token": signed_in, "abstract": example_text(), "drafter": "offline"}
    assert client.post("/draft", data=form).headers["location"] == "/drafts/1/queued"
    client.get("/drafts/1")  # shows (and clears) the first notice
    repeat = client.post("/draft", data=form)
    assert repeat.status_code == 303 and repeat.headers["location"] == "/drafts/1"
    page = client.get("/drafts/1").text
    assert "already in the review queue as draft #1" in page
    assert "Draft again even if already queued" in page
    assert store.count() == 1
    assert 'name="again"' in client.get("/draft").text
    again = client.post("/draft", data={**form, "again": "1"})
    assert again.headers["location"] == "/drafts/2/queued"
    assert store.count() == 2
