"""Errors phrased for a browser: every code has a phrasing, and none tells a user to type."""

from __future__ import annotations

import html
import re
import tempfile

import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from laydraft.cli.messages import cli_message
from laydraft.errors import (
    ConfigError,
    DraftFailed,
    ErrorCode,
    InputError,
    LaydraftError,
    ModelAPIError,
    ModelUnreachableError,
    NetworkError,
    NotClaimedError,
    NotFoundError,
    StaleVersionError,
    UsageError,
    WorkflowError,
)
from laydraft.web.messages import PHRASES, web_message
from test_errors import TERMINAL_ONLY

from .conftest import example_text

E = ErrorCode
KINDS: dict[ErrorCode, type[LaydraftError]] = {
    **{c: ConfigError for c in (E.CONFIG, E.CONFIG_FILE, E.API_KEY_IN_FILE, E.MISSING_API_KEY,
                                E.MISSING_EXTRA, E.SESSION_KEY, E.DATABASE, E.TEMPLATE)},
    **{c: NotFoundError for c in (E.NOT_FOUND, E.DRAFT_NOT_FOUND, E.VERSION_NOT_FOUND,
                                  E.USER_NOT_FOUND, E.BATCH_JOB_NOT_FOUND)},
    E.ILLEGAL_TRANSITION: WorkflowError, E.NOT_CLAIMED: NotClaimedError,
    E.STALE_VERSION: StaleVersionError, E.CHANGED_MEANWHILE: StaleVersionError,
    E.NETWORK: NetworkError, E.NCBI_UNREACHABLE: NetworkError, E.NCBI_ERROR: NetworkError,
    E.MODEL_UNREACHABLE: ModelUnreachableError, E.MODEL_API: ModelAPIError,
    E.DRAFTING: LaydraftError, E.ERROR: LaydraftError,
}
# Everything a phrasing may read, with values an interface could be tempted to echo.
CONTEXT = {
    "draft_id": 3, "action": "approve", "path": "/srv/uploads/study.txt", "max_bytes": 5_000_000,
    "setting": "max_input_bytes", "field": "comment", "value": "x", "choices": ["a", "b"],
    "count": 3, "kind": "a PDF", "name": "bob", "drafter": "openai", "extra": "web",
    "env": "OPENAI_API_KEY", "problem": "mode", "version": 2, "limit": 4000, "batch_id": "b1",
    "pmids": ["1", "2"], "doi": "10.1/x", "source": "list.csv record 2", "reason": "refused",
}


def sample(code: ErrorCode) -> LaydraftError:
    if code is E.DRAFT_FAILED:
        return DraftFailed("the model refused to summarise this abstract", code=code,
                           **{k: v for k, v in CONTEXT.items() if k != "reason"},
                           reason="refused")
    kind = KINDS.get(code, InputError if code.value.startswith(("file", "no_", "bad")) else
                     UsageError)
    return kind("draft 3 cannot be used as asked", code=code, **CONTEXT)


def test_every_code_has_a_browser_phrasing() -> None:
    assert set(PHRASES) == set(ErrorCode)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_no_browser_phrasing_tells_the_user_to_type_something(code: ErrorCode) -> None:
    text = web_message(sample(code))
    assert text.strip() and not TERMINAL_ONLY.search(text), text


@pytest.mark.parametrize("code", list(ErrorCode))
def test_an_error_page_never_shows_a_laydraft_command(code: ErrorCode, app,  # noqa: ANN001
                                                      client: TestClient) -> None:
    async def boom(request: Request) -> None:
        raise sample(code)

    app.add_route("/boom", boom)
    page = client.get("/boom")
    assert page.status_code in (400, 404, 409, 500, 502)
    text = html.unescape(page.text)
    assert web_message(sample(code)) in text
    assert not re.search(r"laydraft (?:review|queue|draft|batch|user|serve|export|config)\b",
                         text)


def test_the_same_error_reads_differently_in_a_terminal_and_a_browser() -> None:
    err = NotClaimedError("cannot edit draft 3: it is pending_review; claim it first",
                          draft_id=3, action="edit")
    assert "run `laydraft review claim 3`" in cli_message(err)
    assert "Claim this draft first" in web_message(err)
    big = InputError("x.txt: larger than the 5,000,000-byte limit",
                     code=E.FILE_TOO_LARGE, path="x.txt", max_bytes=5_000_000,
                     setting="max_input_bytes")
    assert "raise max_input_bytes in your config" in cli_message(big)
    assert web_message(big).startswith("The file x.txt is larger than this site accepts (5 MB)")


def test_an_upload_is_read_from_memory_without_a_temporary_file(
        client: TestClient, signed_in: str, store, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    def no_temp(*args: object, **kwargs: object) -> None:
        raise AssertionError("the upload went through a temporary file")

    for name in ("TemporaryDirectory", "NamedTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, no_temp)
    response = client.post("/draft", data={"csrf_token": signed_in, "drafter": "offline"},
                           files={"file": ("my study.txt", example_text().encode(),
                                           "text/plain")})
    assert response.status_code == 303, response.text
    assert store.count() == 1


def test_an_oversized_upload_says_the_site_limit(client: TestClient, signed_in: str,
                                                 settings, store) -> None:  # noqa: ANN001
    limit = settings.max_input_bytes
    response = client.post("/draft", data={"csrf_token": signed_in, "drafter": "offline"},
                           files={"file": ("big.txt", b"word " * (limit // 5 + 10),
                                           "text/plain")})
    assert response.status_code == 400
    assert "big.txt is larger than this site accepts" in html.unescape(response.text)
    assert "max_input_bytes" not in response.text and store.count() == 0
