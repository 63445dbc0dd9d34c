"""Errors phrased for a browser: every code has a phrasing, and none tells a user to type."""

from __future__ import annotations

import ast
import html
import re
import tempfile
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from laydraft.cli.messages import cli_message
from laydraft.config import Settings
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

from .conftest import PASSWORD, example_text, token_from

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
    assert web_message(big).startswith(
        "The file x.txt is larger than this site accepts (5 MB max). Shorten it")
    assert "ask an administrator" in web_message(big)


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


WEB = Path(__import__("laydraft.web", fromlist=["x"]).__file__).parent
# Setting names with an underscore: no browser user can change them, and "allowed_hosts" or
# "max_input_bytes" in a message only sends them looking for a file they cannot see.
CONFIG_KEYS = re.compile(r"\b(?:" + "|".join(
    re.escape(k) for k in Settings.model_fields if "_" in k) + r")\b")
MESSAGE_CALLS = {"flash", "error_page", "_act", "_server_problem", "_also", "too_large"}


def command_like(text: str) -> list[str]:
    """What in ``text`` is written for a terminal: commands, env vars, options, setting names."""
    return [m.group(0) for m in (*TERMINAL_ONLY.finditer(text), *CONFIG_KEYS.finditer(text),
                                 *re.finditer(r"\blaydraft [a-z]+", text))]


def _message_strings() -> list[tuple[str, int, str]]:
    """Every string the web modules hand a person: literals in ``messages.py`` (docstrings
    aside) and in calls that put a message on a page (flash, error pages, action replies)."""
    found = []
    for module in sorted(WEB.glob("*.py")):
        tree = ast.parse(module.read_text())
        docs = {id(node.body[0].value) for node in ast.walk(tree)
                if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef
                              | ast.ClassDef)
                and node.body and isinstance(node.body[0], ast.Expr)}
        roots: list[ast.AST] = [tree] if module.name == "messages.py" else [
            node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) in MESSAGE_CALLS]
        for root in roots:
            for node in ast.walk(root):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and id(node) not in docs):
                    found.append((module.name, node.lineno, node.value))
    return found


def _template_text(path: Path) -> str:
    """A page template's words as a person reads them: tags and Jinja expressions removed."""
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", " ", path.read_text(), flags=re.S)
    return re.sub(r"<[^>]*>", " ", text)


def test_the_command_scan_catches_terminal_phrasing() -> None:
    assert command_like("claim it first: laydraft review claim 3") != []
    assert command_like("raise max_input_bytes in the config") == ["max_input_bytes"]
    assert command_like("set OPENAI_API_KEY") == ["OPENAI_API_KEY"]
    assert command_like("Claim this draft first with the Claim button.") == []


@pytest.mark.parametrize("code", list(ErrorCode))
def test_no_browser_phrasing_names_a_setting_or_command(code: ErrorCode) -> None:
    assert command_like(web_message(sample(code))) == []


def test_no_message_the_web_modules_show_is_written_for_a_terminal() -> None:
    strings = _message_strings()
    assert len(strings) > 50  # the scan reaches the flashes and the phrasings
    assert [s for s in strings if command_like(s[2])] == []


@pytest.mark.parametrize("template", sorted(p.name for p in (WEB / "templates").glob("*.html")))
def test_no_page_template_tells_the_reader_to_type_a_command(template: str) -> None:
    assert command_like(_template_text(WEB / "templates" / template)) == []


def test_the_sign_in_page_sends_people_to_their_administrator(client: TestClient) -> None:
    page = " ".join(html.unescape(client.get("/signin").text).split())
    assert "Ask your site administrator for one" in page
    assert "laydraft user add" not in page and command_like(_template_text(
        WEB / "templates" / "signin.html")) == []


def test_an_over_limit_request_gets_the_styled_error_page(client: TestClient, signed_in: str,
                                                         settings, store) -> None:  # noqa: ANN001
    big = b"word " * ((settings.max_input_bytes + 2 * 1024 * 1024) // 5)
    response = client.post("/draft", data={"csrf_token": signed_in, "drafter": "offline"},
                           files={"file": ("huge.txt", big, "text/plain")})
    assert response.status_code == 413
    text = html.unescape(response.text)
    assert 'href="/static/app.css"' in text and "<h1>Too large</h1>" in text
    assert "larger than this site accepts" in text and "ask an administrator" in text
    assert command_like(text) == [] and store.count() == 0


def test_an_over_limit_sign_in_form_is_refused_with_a_page_not_a_bare_line(
        client: TestClient) -> None:
    token = token_from(client.get("/signin").text)
    response = client.post("/signin", data={"csrf_token": token, "name": "x" * 100_000,
                                            "password": PASSWORD})
    assert response.status_code == 413
    assert "<h1>Too large</h1>" in response.text and "sent far more" in response.text


def test_saving_unchanged_text_says_so_in_one_sentence(client: TestClient, signed_in: str,
                                                       store, settings) -> None:  # noqa: ANN001
    from laydraft.core import DraftingCore
    from laydraft.ingest import parse_text

    draft = store.add(DraftingCore.from_settings(settings).sync.draft(parse_text(example_text())))
    client.post(f"/drafts/{draft.id}/claim", data={"csrf_token": signed_in})
    page = client.post(f"/drafts/{draft.id}/edit", data={
        "csrf_token": signed_in, "section": "limitations", "base_version": "1",
        "text": draft.summary.limitations})
    text = " ".join(html.unescape(re.sub(r"<[^>]*>", " ", page.text)).split())
    assert page.status_code == 400
    assert ("Not saved. The text is the same as the current version, so there was nothing "
            "to save.") in text
    assert "Not saved. no changes" not in text and "Nothing was saved" not in text
