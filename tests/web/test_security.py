"""CSRF checks on every POST, escaping of abstract and draft text, and response headers."""

from __future__ import annotations

import json
import re

import pytest
from markupsafe import Markup
from starlette.routing import Route
from starlette.testclient import TestClient

from laydraft import review
from laydraft.config import Settings
from laydraft.db import Store
from laydraft.models import Finding, Severity
from laydraft.web.marks import marked

from .conftest import example_text, queue_draft, token_from

PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
            "\"><svg onload=alert(1)>", "javascript:alert(1)")
HOSTILE = ("<script>alert(1)</script> Hostile <img src=x onerror=alert(1)> study\n\n"
           + example_text().split("\n", 1)[1]
           + "\nNOTE: \"><svg onload=alert(1)> <script>alert(1)</script>")


def _post_routes(app) -> list[str]:  # noqa: ANN001
    paths = []
    for route in app.routes:
        if isinstance(route, Route) and "POST" in (route.methods or set()):
            paths.append(route.path.replace("{draft_id:int}", "1"))
    return paths


def test_every_post_route_refuses_a_form_without_a_token(
        app, client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:  # noqa: ANN001
    queue_draft(store, settings)
    paths = _post_routes(app)
    assert len(paths) >= 10
    for path in paths:
        response = client.post(path, data={"text": "x", "section": "headline"})
        assert response.status_code == 403, path
        assert "security token" in response.text
    assert client.get("/queue").status_code == 200, "refusals must not end the session"


def test_a_wrong_token_is_refused_and_nothing_is_queued(
        client: TestClient, signed_in: str, store: Store) -> None:
    response = client.post("/draft", data={"abstract": example_text(), "drafter": "offline",
                                           "csrf_token": signed_in + "x"})
    assert response.status_code == 403
    assert store.count() == 0


def test_the_sign_in_form_needs_a_token_too(client: TestClient, alice: str) -> None:
    response = client.post("/signin", data={"name": alice, "password": "x" * 12})
    assert response.status_code == 403


def test_a_token_from_another_session_is_refused(app, client: TestClient, signed_in: str) -> None:  # noqa: ANN001
    with TestClient(app) as other:
        other_token = token_from(other.get("/signin").text)
    response = client.post("/draft", data={"abstract": example_text(), "drafter": "offline",
                                           "csrf_token": other_token})
    assert response.status_code == 403


def test_a_cross_site_origin_is_refused_even_with_a_token(
        client: TestClient, signed_in: str) -> None:
    response = client.post("/signout", data={"csrf_token": signed_in},
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    ok = client.post("/signout", data={"csrf_token": signed_in},
                     headers={"Origin": "http://testserver"})
    assert ok.status_code == 303


def test_the_token_may_come_in_a_header(client: TestClient, signed_in: str) -> None:
    response = client.post("/signout", headers={"X-CSRF-Token": signed_in})
    assert response.status_code == 303


def _assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<svg" not in html
    assert not re.search(r"<[^>]*\bon(error|load)\s*=", html), "an event handler attribute"
    assert len(re.findall(r"<script\b", html)) == 1, "only the app's own script tag"


def test_hostile_abstract_and_draft_text_render_as_text_everywhere(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    draft = queue_draft(store, settings, HOSTILE)
    review.claim(store, draft.id, "alice")
    summary = draft.summary.model_copy(update={
        "why_it_matters": draft.summary.why_it_matters + " " + " ".join(PAYLOADS)})
    review.save_edit(store, draft.id, summary, 1, "alice", settings)
    review.comment(store, draft.id, "alice", "see <script>alert(1)</script>")
    pages = ["/queue", f"/drafts/{draft.id}", f"/drafts/{draft.id}/history",
             f"/drafts/{draft.id}/preview", f"/drafts/{draft.id}/preview/page",
             "/queue?q=%3Cscript%3E"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if path.endswith("/preview/page"):
            # the page's one script element is its JSON-LD data block, never run, with no "<"
            blocks = re.findall(r"<script\b([^>]*)>(.*?)</script>", response.text, re.S)
            assert [attrs for attrs, _ in blocks] == [' type="application/ld+json"']
            assert "<" not in blocks[0][1] and json.loads(blocks[0][1])["@context"]
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
        else:
            _assert_inert(response.text)
    review_page = client.get(f"/drafts/{draft.id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in review_page
    assert "&lt;img src=x onerror=alert(1)&gt;" in review_page


def test_the_draft_form_keeps_hostile_text_escaped_after_an_error(
        client: TestClient, signed_in: str) -> None:
    response = client.post("/draft", data={"abstract": "<script>alert(1)</script>",
                                           "drafter": "offline", "csrf_token": signed_in})
    assert response.status_code == 400
    _assert_inert(response.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in response.text


def test_marks_escape_the_text_and_the_title() -> None:
    text = 'a <b>bold</b> "claim" & more'
    finding = Finding(check="claims", severity=Severity.warning, section="headline",
                      start=2, end=13, message='says "<b>" & <i>', suggestion="x'y")
    html = marked(text, [finding])
    assert isinstance(html, Markup)
    assert html == ('a <mark class="finding warning" data-check="claims" '
                    'title="warning · claims: says &#34;&lt;b&gt;&#34; &amp; &lt;i&gt; '
                    '(suggestion: x&#39;y)">&lt;b&gt;bold&lt;/b&gt;</mark> '
                    '&#34;claim&#34; &amp; more')


def test_marks_skip_bad_and_overlapping_spans() -> None:
    def at(start: int | None, end: int | None) -> Finding:
        return Finding(check="c", severity=Severity.info, start=start, end=end, message="m")

    html = marked("one two three", [at(0, 7), at(4, 13), at(5, 99), at(None, None), at(3, 3)])
    assert html.count("<mark") == 1
    assert html.endswith("</mark> three")


def test_marks_nest_and_leave_whole_section_findings_to_the_list() -> None:
    def at(start: int, end: int) -> Finding:
        return Finding(check="c", severity=Severity.info, start=start, end=end, message="m")

    html = marked("one two three", [at(0, 13), at(0, 7), at(4, 7)])
    assert html.startswith("<mark") and html.count("<mark") == 2
    assert html.endswith("two</mark></mark> three")


def test_security_headers_on_pages_errors_and_static_files(
        client: TestClient, signed_in: str) -> None:
    for path, status in [("/queue", 200), ("/signin", 303), ("/drafts/99", 404),
                         ("/nowhere", 404), ("/static/app.css", 200)]:
        response = client.get(path)
        assert response.status_code == status, path
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    refused = client.post("/draft", data={})
    assert refused.headers["x-frame-options"] == "DENY"


def test_the_preview_frame_is_sandboxed_and_only_framed_by_the_app(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    draft = queue_draft(store, settings)
    response = client.get(f"/drafts/{draft.id}/preview/page")
    csp = response.headers["content-security-policy"]
    assert "sandbox" in csp and "frame-ancestors 'self'" in csp and "script-src" not in csp
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_no_page_uses_inline_scripts_or_handlers(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    draft = queue_draft(store, settings)
    for path in ["/queue", "/draft", f"/drafts/{draft.id}", f"/drafts/{draft.id}/history",
                 f"/drafts/{draft.id}/preview"]:
        html = client.get(path).text
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
        assert not re.search(r"\son[a-z]+=", html), path
        assert "style=" not in html, path


def test_the_api_key_never_reaches_the_browser(
        client: TestClient, signed_in: str, api_key: str, store: Store,
        settings: Settings) -> None:
    queue_draft(store, settings)
    page = client.get("/draft").text
    assert 'value="openai"' in page, "with a key configured the model drafter is offered"
    for path in ["/draft", "/queue", "/drafts/1", "/drafts/1/preview", "/drafts/1/history"]:
        response = client.get(path)
        assert api_key not in response.text
        assert api_key not in str(response.headers)


@pytest.mark.parametrize("path", ["/drafts/999", "/drafts/999/history", "/drafts/999/preview"])
def test_unknown_ids_get_a_readable_404(client: TestClient, signed_in: str, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "There is no draft #999" in response.text
    assert "Traceback" not in response.text


def test_an_unexpected_error_is_a_page_not_a_traceback(
        client: TestClient, signed_in: str, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire at /secret/path")

    monkeypatch.setattr(store, "list", broken)
    response = client.get("/queue")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "on fire" not in response.text and "Traceback" not in response.text
    assert response.headers["x-frame-options"] == "DENY"
