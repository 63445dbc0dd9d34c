"""The draft, queue, review, history and preview pages over the library, via TestClient."""

from __future__ import annotations

import json
import re

from starlette.testclient import TestClient

from laydraft import review
from laydraft.config import Settings
from laydraft.db import Store
from laydraft.models import DraftStatus, Role
from laydraft.users import create_user

from .conftest import PASSWORD, example_text, queue_draft, sign_in, token_from


def _post(client: TestClient, path: str, token: str, **data: str):  # noqa: ANN202
    return client.post(path, data={"csrf_token": token, **data})


def test_pasting_an_abstract_queues_a_draft_with_marked_findings(
        client: TestClient, signed_in: str, store: Store) -> None:
    response = _post(client, "/draft", signed_in, abstract=example_text(), drafter="offline",
                     audience="the general public")
    assert response.status_code == 303
    assert response.headers["location"] == "/drafts/1/queued"
    queued = client.get("/drafts/1/queued").text
    assert "Queued for review" in queued and "offline drafter" in queued
    page = client.get("/drafts/1").text
    assert "Sleep quality and relapse activity" in page
    assert store.get(1).status is DraftStatus.pending_review
    if store.get(1).findings:
        assert 'class="finding-item' in page


def test_uploading_a_file_drafts_it_too(client: TestClient, signed_in: str, store: Store) -> None:
    response = client.post("/draft", data={"csrf_token": signed_in, "drafter": "offline"},
                           files={"file": ("my study.txt", example_text().encode(), "text/plain")})
    assert response.status_code == 303, response.text
    assert store.count() == 1


def test_bad_input_shows_the_library_message_and_keeps_the_text(
        client: TestClient, signed_in: str, store: Store) -> None:
    response = _post(client, "/draft", signed_in, abstract="", drafter="offline")
    assert response.status_code == 400
    assert "Paste an abstract into the box, or choose a file" in response.text
    short = _post(client, "/draft", signed_in, abstract="Too short.", drafter="offline")
    assert short.status_code == 400
    assert "Too short.</textarea>" in short.text
    binary = client.post("/draft", data={"csrf_token": signed_in, "drafter": "offline"},
                         files={"file": ("x.txt", b"\x00\x01binary", "text/plain")})
    assert binary.status_code == 400
    assert "x.txt" in binary.text and "laydraft-upload" not in binary.text
    assert store.count() == 0


def test_a_drafter_the_server_has_not_configured_is_refused(
        client: TestClient, signed_in: str) -> None:
    page = client.get("/draft").text
    assert 'value="openai"' not in page
    response = _post(client, "/draft", signed_in, abstract=example_text(), drafter="openai")
    assert response.status_code == 400
    assert "not available on this server" in response.text


def test_the_queue_counts_filters_and_searches(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    first = queue_draft(store, settings)
    second = queue_draft(store, settings, "Another study of fatigue\n\nDOI: 10.1234/abc.567\n\n"
                         + example_text().split("\n", 1)[1])
    review.claim(store, second.id, "alice")
    page = client.get("/queue").text
    assert re.search(r"All <span class=\"count\">2</span>", page)
    assert re.search(r"In review <span class=\"count\">1</span>", page)
    waiting = client.get("/queue?status=pending_review").text
    assert f'href="/drafts/{first.id}"' in waiting and f'href="/drafts/{second.id}"' not in waiting
    mine = client.get("/queue?reviewer=alice").text
    assert f'href="/drafts/{second.id}"' in mine and f'href="/drafts/{first.id}"' not in mine
    by_title = client.get("/queue?q=sleep+quality").text
    assert f'href="/drafts/{first.id}"' in by_title
    if store.get(second.id).abstract.doi:
        by_doi = client.get("/queue?q=10.1234/ABC").text
        assert f'href="/drafts/{second.id}"' in by_doi and f'href="/drafts/{first.id}"' not in by_doi
    nothing = client.get("/queue?since=2999-01-01").text
    assert "No drafts match these filters." in nothing


def _section_form(page: str, section: str) -> dict[str, str]:
    block = page[page.index(f'id="section-{section}"'):]
    base = re.search(r'name="base_version" value="(\d+)"', block)
    assert base
    return {"section": section, "base_version": base.group(1)}


def test_a_whole_review_claim_edit_approve_and_publish(
        app, client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:  # noqa: ANN001
    draft = queue_draft(store, settings)
    page = client.get(f"/drafts/{draft.id}").text
    assert "Claim for review" in page and "data-words" not in page
    assert _post(client, f"/drafts/{draft.id}/claim", signed_in).status_code == 303
    page = client.get(f"/drafts/{draft.id}").text
    assert "You hold the claim" in page and "Approve" in page
    headline = "Poor sleep was linked to more relapses in one clinic's records"
    form = _section_form(page, "headline")
    saved = _post(client, f"/drafts/{draft.id}/edit", signed_in, text=headline, **form)
    assert saved.status_code == 303
    page = client.get(f"/drafts/{draft.id}").text
    assert "Saved version 2" in page and headline.replace("'", "&#39;") in page
    assert store.get(draft.id).version == 2
    assert store.get(draft.id).findings == review.history(store, draft.id).versions[-1].findings
    _post(client, f"/drafts/{draft.id}/comment", signed_in, text="Reads well.",
          section="headline")
    assert "Reads well." in client.get(f"/drafts/{draft.id}").text
    history = client.get(f"/drafts/{draft.id}/history?a=1&b=2").text
    assert "<ins>" in history and "<del>" in history
    # alice saved the current version, so another person approves it (four eyes)
    assert 'value="approve"' not in client.get(f"/drafts/{draft.id}").text
    _post(client, f"/drafts/{draft.id}/release", signed_in)
    create_user(store, "bob", PASSWORD, role=Role.admin)  # approves, then publishes
    client = TestClient(app, follow_redirects=False)
    signed_in = sign_in(client, "bob")
    _post(client, f"/drafts/{draft.id}/claim", signed_in)
    decided = _post(client, f"/drafts/{draft.id}/decide", signed_in, decision="approve",
                    note="Good to go")
    assert decided.status_code == 303
    assert store.get(draft.id).status is DraftStatus.approved
    preview = client.get(f"/drafts/{draft.id}/preview").text
    assert "want to publish it under this site" in preview
    frame = client.get(f"/drafts/{draft.id}/preview/page").text
    assert headline.replace("'", "&#39;") in frame
    published = _post(client, f"/drafts/{draft.id}/publish", signed_in, confirm="1")
    assert published.status_code == 303
    download = _post(client, f"/drafts/{draft.id}/export", signed_in, format="json")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment; filename=")
    assert json.loads(download.text)["headline"] == headline
    assert store.get(draft.id).status is DraftStatus.published


def test_a_stale_save_shows_the_other_change_and_keeps_the_text(
        app, client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:  # noqa: ANN001
    draft = queue_draft(store, settings)
    _post(client, f"/drafts/{draft.id}/claim", signed_in)
    page = client.get(f"/drafts/{draft.id}").text
    form = _section_form(page, "headline")
    with TestClient(app, follow_redirects=False) as other_tab:
        other = sign_in(other_tab, "alice")
        _post(other_tab, f"/drafts/{draft.id}/edit", other,
              text="Sleep and relapses in multiple sclerosis: what one clinic found",
              **_section_form(other_tab.get(f"/drafts/{draft.id}").text, "headline"))
    mine = "My own careful headline about sleep and relapses in MS"
    response = _post(client, f"/drafts/{draft.id}/edit", signed_in, text=mine, **form)
    assert response.status_code == 409
    assert "someone else saved first" in response.text
    assert f">{mine}</textarea>" in response.text
    assert "<ins>" in response.text, "the other save's changes are shown"
    assert 'name="base_version" value="2"' in response.text
    assert store.get(draft.id).version == 2
    again = _post(client, f"/drafts/{draft.id}/edit", signed_in, text=mine,
                  **_section_form(response.text, "headline"))
    assert again.status_code == 303
    assert store.get(draft.id).summary.headline == mine


def test_a_refused_action_is_a_message_on_the_page(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    draft = queue_draft(store, settings)
    response = _post(client, f"/drafts/{draft.id}/decide", signed_in, decision="approve")
    assert response.status_code == 303
    page = client.get(f"/drafts/{draft.id}").text
    assert f"You cannot approve draft #{draft.id} yet" in page
    assert "Claim this draft first" in page and "laydraft review" not in page
    assert store.get(draft.id).status is DraftStatus.pending_review
    unchanged = _post(client, f"/drafts/{draft.id}/export", signed_in, format="md")
    assert unchanged.status_code == 303
    assert "only approved drafts are published" in client.get(f"/drafts/{draft.id}/preview").text


def test_an_invalid_edit_is_explained_and_the_text_kept(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    draft = queue_draft(store, settings)
    _post(client, f"/drafts/{draft.id}/claim", signed_in)
    form = _section_form(client.get(f"/drafts/{draft.id}").text, "limitations")
    response = _post(client, f"/drafts/{draft.id}/edit", signed_in, text="   ", **form)
    assert response.status_code == 400
    assert "Limitations" in response.text
    same = _post(client, f"/drafts/{draft.id}/edit", signed_in,
                 text=draft.summary.limitations, **form)
    assert same.status_code == 400 and "The text is the same as the current version" in same.text


def test_redraft_and_release(client: TestClient, signed_in: str, store: Store,
                             settings: Settings) -> None:
    draft = queue_draft(store, settings)
    _post(client, f"/drafts/{draft.id}/claim", signed_in)
    page = client.get(f"/drafts/{draft.id}").text
    base = re.search(r'name="base_version" value="(\d+)"', page)
    assert base
    assert 'action="/drafts/1/redraft"' not in page  # offline: not offered, but explained
    assert "the offline drafter only, which cannot follow instructions" in page
    response = _post(client, f"/drafts/{draft.id}/redraft", signed_in,
                     instruction="shorter sentences", base_version=base.group(1))
    assert response.status_code == 303
    page = client.get(f"/drafts/{draft.id}").text
    assert "Nothing was changed. Re-drafting with an instruction needs a language model" in page
    assert "Re-drafted" not in page and store.get(draft.id).version == 1
    _post(client, f"/drafts/{draft.id}/release", signed_in)
    assert store.get(draft.id).status is DraftStatus.pending_review


def test_the_pages_are_reachable_from_the_queue(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    queue_draft(store, settings)
    assert client.get("/").headers["location"] == "/queue"
    page = client.get("/drafts/1").text
    for link in ("/drafts/1/history", "/drafts/1/preview", "/queue"):
        assert f'href="{link}"' in page
    assert token_from(page) == signed_in
